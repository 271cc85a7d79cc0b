package velocity

import (
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

func TestDecomposeSMBToEnterprise(t *testing.T) {
	// From the SMB rep (V0 = 4000/day) to the enterprise rep (V1 = 2000/day):
	//
	//	ln(O1/O0) = ln(8/40)          = ln 0.2  = −1.6094379124341003
	//	ln(W1/W0) = ln(0.20/0.25)     = ln 0.8  = −0.2231435513142097
	//	ln(A1/A0) = ln(150000/12000)  = ln 12.5 = +2.5257286443082556
	//	−ln(C1/C0) = −ln(120/30)      = −ln 4   = −1.3862943611198906
	//	sum                                     = −0.6931471805599453 = ln(2000/4000)
	//
	// Shares (term / ln 0.5, as log2 ratios): O log2 5 = 2.321928,
	// W log2 1.25 = 0.321928, A −log2 12.5 = −3.643856, C 2.
	// Money (× −2000, to cents): −4643.86, −643.86, +7287.71, −4000.00,
	// which sum to −2000.01; the remainder +0.01 goes to the largest share
	// (ASP): 7287.72.
	from, to := smb(), ent()
	got, err := Decompose(from, to)
	if err != nil {
		t.Fatalf("Decompose error: %v", err)
	}
	want := Decomposition{
		From:         from,
		To:           to,
		FromVelocity: mustDec("4000"),
		ToVelocity:   mustDec("2000"),
		Gap:          mustDec("-2000"),
		LogRatio:     math.Log(0.5),
		Shares: [NumLevers]Share{
			{LeverOpportunities, math.Log(0.2), 100 * math.Log2(5), mustDec("-4643.86")},
			{LeverWinRate, math.Log(0.8), 100 * math.Log2(1.25), mustDec("-643.86")},
			{LeverASP, math.Log(12.5), -100 * math.Log2(12.5), mustDec("7287.72")},
			{LeverCycle, -math.Log(4), 200, mustDec("-4000.00")},
		},
		// |7287.72| is the largest money share.
		Largest: SomeLever(LeverASP),
	}
	if diff := cmp.Diff(want, got, decEq, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
		t.Errorf("Decompose mismatch (-want +got):\n%s", diff)
	}
	var pct float64
	sum := decimal.Decimal{}
	for _, s := range got.Shares {
		pct += s.Percent
		sum = sum.Add(s.Amount)
	}
	if math.Abs(pct-100) > 1e-12 {
		t.Errorf("percent shares sum to %v, want 100", pct)
	}
	if !sum.Equal(got.Gap) {
		t.Errorf("money shares sum to %v, want exactly %v", sum, got.Gap)
	}
	// ln(V1/V0) from the velocities agrees with the sum of the terms.
	if r := math.Log(got.ToVelocity.InexactFloat64() / got.FromVelocity.InexactFloat64()); math.Abs(r-got.LogRatio) > 1e-12 {
		t.Errorf("ln(V1/V0) = %v, sum of terms %v", r, got.LogRatio)
	}
}

func TestDecomposeCases(t *testing.T) {
	tests := []struct {
		name     string
		from, to Levers
		noGap    bool
		amounts  [NumLevers]string
	}{
		// Twice the opportunities: V 4000 → 8000, all of it opportunities.
		{"one lever", smb(), Levers{80, 0.25, mustDec("12000"), 30 * day}, false, [4]string{"4000", "0", "0", "0"}},
		// Twice the opportunities, half the win rate: V unchanged; no gap, the
		// terms ln 2 and −ln 2 are still reported.
		{"no gap", smb(), Levers{80, 0.125, mustDec("12000"), 30 * day}, true, [4]string{"0", "0", "0", "0"}},
		{"identical", smb(), smb(), true, [4]string{"0", "0", "0", "0"}},
		// V 4000 → 333.33 per day (10 × 0.25 × 4000 / 30): a gap with more
		// places than cents; see TestDecomposeRepeatingGap.
		{"repeating gap", smb(), Levers{10, 0.25, mustDec("4000"), 30 * day}, false, [4]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decompose(tc.from, tc.to)
			if err != nil {
				t.Fatalf("Decompose error: %v", err)
			}
			if got.NoGap != tc.noGap || got.Largest.Valid == tc.noGap {
				t.Errorf("NoGap = %v, Largest = %v; want NoGap %v and a largest lever only with a gap", got.NoGap, got.Largest, tc.noGap)
			}
			sum := decimal.Decimal{}
			for i, s := range got.Shares {
				sum = sum.Add(s.Amount)
				if tc.amounts[i] != "" && !s.Amount.Equal(mustDec(tc.amounts[i])) {
					t.Errorf("share %v amount = %v, want %s", s.Lever, s.Amount, tc.amounts[i])
				}
				if math.IsNaN(s.Percent) || math.IsInf(s.Percent, 0) {
					t.Errorf("share %v percent = %v", s.Lever, s.Percent)
				}
			}
			if !sum.Equal(got.Gap) {
				t.Errorf("money shares sum to %v, want exactly %v", sum, got.Gap)
			}
		})
	}
}

func TestDecomposeRepeatingGap(t *testing.T) {
	// V0 = 4000, V1 = 10 × 0.25 × 4000 / 30 = 333.333..., 333.33 to the
	// cent: gap −3666.67. Terms: O ln(1/4), A ln(1/3); ln(V1/V0) =
	// ln(1/12). Shares: O ln 4/ln 12 = 0.557886, A ln 3/ln 12 = 0.442114.
	// A: −3666.67 × 0.442114 = −1621.0933 → −1621.09; O: −3666.67 ×
	// 0.557886 = −2045.5767 → −2045.58, the largest share, which takes
	// the remainder (here none): the sum is exactly the gap.
	to := Levers{10, 0.25, mustDec("4000"), 30 * day}
	got, err := Decompose(smb(), to)
	if err != nil {
		t.Fatal(err)
	}
	gap := mustDec("-3666.67")
	if !got.Gap.Equal(gap) || !got.ToVelocity.Equal(mustDec("333.33")) {
		t.Fatalf("Gap = %v, ToVelocity = %v, want %v and 333.33", got.Gap, got.ToVelocity, gap)
	}
	share, _ := dec.FromFloat(math.Log(3) / math.Log(12))
	a := gap.Mul(share).RoundBank(2)
	if !got.Shares[LeverASP].Amount.Equal(a) || !a.Equal(mustDec("-1621.09")) {
		t.Errorf("ASP amount = %v, want %v (-1621.09)", got.Shares[LeverASP].Amount, a)
	}
	if o := got.Shares[LeverOpportunities].Amount; !o.Equal(gap.Sub(a)) || !o.Equal(mustDec("-2045.58")) {
		t.Errorf("opportunities amount = %v, want the rest %v", o, gap.Sub(a))
	}
	if got.Largest != SomeLever(LeverOpportunities) {
		t.Errorf("Largest = %v, want opportunities", got.Largest)
	}
}

func TestDecomposeErrors(t *testing.T) {
	tests := []struct {
		name     string
		from, to Levers
		lever    Lever
		err      error
	}{
		{"zero opportunities", Levers{0, 0.25, mustDec("1"), day}, smb(), LeverOpportunities, ErrLogZero},
		{"zero win rate", smb(), Levers{40, 0, mustDec("1"), day}, LeverWinRate, ErrLogZero},
		{"zero asp", smb(), Levers{40, 0.25, mustDec("0"), day}, LeverASP, ErrLogZero},
		{"zero cycle", smb(), Levers{40, 0.25, mustDec("1"), 0}, LeverCycle, ErrZeroCycle},
		{"NaN", Levers{math.NaN(), 0.25, mustDec("1"), day}, smb(), LeverOpportunities, funnel.ErrNotFinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decompose(tc.from, tc.to)
			var le *LeverError
			if !errors.Is(err, tc.err) || !errors.As(err, &le) || le.Lever != tc.lever {
				t.Errorf("Decompose error = %v, want %v on %v", err, tc.err, tc.lever)
			}
		})
	}
}

func TestDecomposeGapBelowResolution(t *testing.T) {
	// Three times the opportunities at a third of the win rate, on a
	// velocity of half a cent: V0 = 1 × 0.2 × 0.025 / 1 = 0.005, 0.00 to
	// the cent (half to even); V1 = 3 × fl(0.2/3) × 0.025, where fl(0.2/3)
	// reads 0.06666666666666667, so V1 = 0.00500000000000000025, a hair
	// above half a cent: 0.01. The gap is a cent, but ln(V1/V0) = ln 3 +
	// ln(fl(0.2/3)/0.2) ≈ 1e-16 is below float64's resolution. As
	// documented, the whole gap goes to one lever with Percent 100; the
	// others get 0, never ±10^17 percent of opposite sign.
	from := Levers{Opportunities: 1, WinRate: 0.2, ASP: mustDec("0.025"), Cycle: day}
	to := Levers{Opportunities: 3, WinRate: 0.2 / 3, ASP: mustDec("0.025"), Cycle: day}
	got, err := Decompose(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Gap.Equal(mustDec("0.01")) || math.Abs(got.LogRatio) > 1e-14 {
		t.Fatalf("Gap = %v, LogRatio = %v, want 0.01 and about 0", got.Gap, got.LogRatio)
	}
	var pct []float64
	var full int
	for _, s := range got.Shares {
		pct = append(pct, s.Percent)
		switch {
		case s.Percent == 100 && s.Amount.Equal(got.Gap):
			full++
		case s.Percent != 0 || !s.Amount.IsZero():
			t.Errorf("share %v: percent %v amount %v, want 0 and 0", s.Lever, s.Percent, s.Amount)
		}
	}
	if full != 1 {
		t.Errorf("percents %v: want one share of 100 with the whole gap %v", pct, got.Gap)
	}
	if !got.Largest.Valid || got.Shares[got.Largest.Lever].Percent != 100 {
		t.Errorf("Largest = %v, want the lever with the whole gap", got.Largest)
	}
}

func TestDecomposeSmallResolvedGap(t *testing.T) {
	// A small but resolvable gap still splits by the identity: O × (1 +
	// 1e-6) and ASP × (1 + 5e-7), so O's share is ln(1 + 1e-6) / (ln(1 +
	// 1e-6) + ln(1 + 5e-7)), about 66.67%, by math.Log1p (a second method:
	// the package takes differences of logarithms).
	to := smb()
	to.Opportunities = 40 * (1 + 1e-6)
	to.ASP = mustDec("12000.006")
	got, err := Decompose(smb(), to)
	if err != nil {
		t.Fatal(err)
	}
	lo, la := math.Log1p(1e-6), math.Log1p(5e-7)
	want := []float64{100 * lo / (lo + la), 0, 100 * la / (lo + la), 0}
	var gotPct []float64
	for _, s := range got.Shares {
		gotPct = append(gotPct, s.Percent)
	}
	if diff := cmp.Diff(want, gotPct, cmpopts.EquateApprox(1e-7, 1e-9)); diff != "" {
		t.Errorf("percents mismatch (-want +got):\n%s", diff)
	}
}

// TestDecomposeBelowResolutionTie checks which lever takes a gap below
// float64's resolution: the largest |LogTerm|, the first in Lever order
// on a tie. From 1 opportunity, W = 0.02, ASP 1 and a 4-day cycle, V0 =
// 0.02 / 4 = 0.005, 0.00 to the cent (half to even); to 3, fl(0.02/3) =
// 0.006666666666666667, ASP 3 and 12 days, V1 = 9 × 0.006666666666666667
// / 12 = 0.00500000000000000025, 0.01. The terms of opportunities and ASP
// are both math.Log(3) exactly (ln 3 − ln 1), that of the win rate
// −math.Log(3) to the last bit (by float64 arithmetic on amd64) and the
// cycle's −1.0986122886681073, a little smaller: three tie, and
// opportunities, the first, takes the whole cent.
func TestDecomposeBelowResolutionTie(t *testing.T) {
	from := Levers{Opportunities: 1, WinRate: 0.02, ASP: mustDec("1"), Cycle: 4 * day}
	to := Levers{Opportunities: 3, WinRate: 0.02 / 3, ASP: mustDec("3"), Cycle: 12 * day}
	got, err := Decompose(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var pct []float64
	var amt []decimal.Decimal
	for _, s := range got.Shares {
		pct = append(pct, s.Percent)
		amt = append(amt, s.Amount)
	}
	want := []any{mustDec("0.01"), SomeLever(LeverOpportunities), []float64{100, 0, 0, 0}, []decimal.Decimal{mustDec("0.01"), {}, {}, {}}}
	if diff := cmp.Diff(want, []any{got.Gap, got.Largest, pct, amt}, decEq); diff != "" {
		t.Errorf("Decompose mismatch (-want +got):\n%s", diff)
	}
	if math.Abs(got.Shares[LeverCycle].LogTerm) >= math.Log(3) || got.Shares[LeverOpportunities].LogTerm != math.Log(3) {
		t.Errorf("LogTerms %+v: want opportunities ln 3 and a smaller cycle term", got.Shares)
	}
}
