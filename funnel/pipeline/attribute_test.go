package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/stat/distuv"
)

// threeStage is Lead > Proposal > Won, so the deepest stage has three
// columns.
var threeStage = funnel.MustNew("Lead", "Proposal", "Won")

// tallyOf returns the tally of the deals over f grouped by attr, as a
// caller builds it for AttributeEffect.
func tallyOf(t testing.TB, f funnel.Funnel, attr string, deals []funnel.Deal) *funnel.Tally {
	t.Helper()
	tally := funnel.NewTally(f, attr)
	if err := tally.AddAll(funnel.Stream(deals)); err != nil {
		t.Fatal(err)
	}
	return tally
}

// depthDeals returns, for each value, counts[k] closed deals whose deepest
// stage is k: lost at Lead, lost at Proposal, or won.
func depthDeals(attr string, rows map[string][3]int) []funnel.Deal {
	var out []funnel.Deal
	for _, v := range []string{"cold", "warm", "a", "b"} {
		counts, ok := rows[v]
		if !ok {
			continue
		}
		for k, n := range counts {
			for i := range n {
				d := funnel.Deal{ID: fmt.Sprintf("%s-%d-%d", v, k, i), Attrs: map[string]string{attr: v}, Outcome: funnel.Lost}
				for s := 0; s <= k; s++ {
					d.Events = append(d.Events, funnel.Event{Stage: s})
				}
				if k == 2 {
					d.Outcome = funnel.Won
				}
				out = append(out, d)
			}
		}
	}
	return out
}

// TestAttributeEffect2x3 checks the chi-square test and the odds ratios on
// a 2 × 3 table worked by hand:
//
//	           Lead  Proposal  Won   total
//	cold        10      6       4     20
//	warm         4      6      10     20
//	total       14     12      14     40
//
// Expected counts are 20 × column / 40 = 7, 6, 7 in both rows (none below
// 5). X² = 4 × (3²/7) + 2 × 0 = 36/7 = 5.142857; df = (2−1)(3−1) = 2, and
// for df = 2 the survival function is exp(−x/2): p = exp(−18/7) =
// 0.0764263.
//
// Odds of reaching Proposal (deepest >= 1), warm vs cold: warm 16 reached,
// 4 not; cold 10, 10: OR = 16·10 / (4·10) = 4, SE = √(1/16 + 1/4 + 1/10 +
// 1/10) = √0.5125, CI = exp(ln 4 ± 1.959964·√0.5125) = 0.983314, 16.271499.
// Reaching Won: warm 10 of 20, cold 4 of 20: 10·16 / (10·4) = 4 with the
// same four cells, so the same CI. Cold vs warm is the reciprocal: 0.25,
// CI 1/16.271499 = 0.061457 to 1/0.983314 = 1.016969.
func TestAttributeEffect2x3(t *testing.T) {
	deals := depthDeals("warm", map[string][3]int{"cold": {10, 6, 4}, "warm": {4, 6, 10}})
	// One more cold deal lost before it entered any stage: it has no
	// deepest stage, so it is counted in NoStage and not in the table. Two
	// open warm deals, at Lead and at Proposal, have not reached their
	// deepest stage: they are counted in Open and not in the table.
	deals = append(deals, funnel.Deal{ID: "nostage", Attrs: map[string]string{"warm": "cold"}, Outcome: funnel.Lost},
		funnel.Deal{ID: "open1", Attrs: map[string]string{"warm": "warm"}, Events: []funnel.Event{{Stage: 0}}},
		funnel.Deal{ID: "open2", Attrs: map[string]string{"warm": "warm"}, Events: []funnel.Event{{Stage: 0}, {Stage: 1}}})
	tally := tallyOf(t, threeStage, "warm", deals)
	before, err := json.Marshal(tally)
	if err != nil {
		t.Fatal(err)
	}
	got, err := AttributeEffect(threeStage, tally)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(tally); string(after) != string(before) {
		t.Errorf("AttributeEffect modified the tally:\nbefore %s\nafter  %s", before, after)
	}
	want := Effect{
		Attr:    "warm",
		Values:  []string{"cold", "warm"},
		Stages:  []string{"Lead", "Proposal", "Won"},
		Deepest: [][]int64{{10, 6, 4}, {4, 6, 10}},
		Deals:   40,
		Open:    2,
		NoStage: 1,
		Test:    ChiSquare{Tested: true, Stat: 36.0 / 7, DF: 2, P: math.Exp(-18.0 / 7), Cells: 6, MinExpected: 6},
		Odds: []OddsRatio{
			{Value: "cold", Stage: 1, StageName: "Proposal", A: 10, B: 10, C: 16, D: 4, Ratio: 0.25, Low: 0.06145715324514617, High: 1.0169686798002835},
			{Value: "cold", Stage: 2, StageName: "Won", A: 4, B: 16, C: 10, D: 10, Ratio: 0.25, Low: 0.06145715324514617, High: 1.0169686798002835},
			{Value: "warm", Stage: 1, StageName: "Proposal", A: 16, B: 4, C: 10, D: 10, Ratio: 4, Low: 0.9833144519223386, High: 16.271498876804536},
			{Value: "warm", Stage: 2, StageName: "Won", A: 10, B: 10, C: 4, D: 16, Ratio: 4, Low: 0.9833144519223386, High: 16.271498876804536},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("AttributeEffect mismatch (-want +got):\n%s", diff)
	}
}

// TestAttributeEffectZeroCells checks the Haldane–Anscombe correction and
// the low-expected note on a table with an empty column and a zero cell:
//
//	      Lead  Proposal  Won
//	a       3      0       2
//	b       4      0       0
//
// The empty Proposal column is dropped: a 2 × 2 test, df = 1. Expected:
// a row 5 × (7, 2)/9 = 35/9, 10/9; b row 4 × (7, 2)/9 = 28/9, 8/9; all
// below 5, the smallest 8/9. Every |O − E| is 8/9, so X² = (64/81) × 9 ×
// (1/35 + 1/10 + 1/28 + 1/8) = 72/35 = 2.057143; for df = 1, p =
// erfc(√(x/2)) = 0.151494 (a second closed form, not the package's).
//
// Odds of reaching Proposal for a: A = 2, B = 3, C = 0, D = 4: a zero cell,
// so 0.5 is added to each: OR = 2.5·4.5 / (3.5·0.5) = 6.428571, CI =
// exp(ln OR ± 1.959964·√(1/2.5 + 1/3.5 + 1/0.5 + 1/4.5)) = 0.227294,
// 181.819566. Reaching Won has the same cells. For b: A = 0, B = 4, C = 2,
// D = 3: 0.5·3.5 / (4.5·2.5) = 0.155556, CI 0.005500, 4.399585.
func TestAttributeEffectZeroCells(t *testing.T) {
	deals := depthDeals("source", map[string][3]int{"a": {3, 0, 2}, "b": {4, 0, 0}})
	for i := range deals {
		deals[i].Source, deals[i].Attrs = deals[i].Attrs["source"], nil
	}
	// Two deals without a source are counted apart, and "a " is "a".
	deals = append(deals, funnel.Deal{ID: "nosrc1", Events: []funnel.Event{{Stage: 0}}}, funnel.Deal{ID: "nosrc2", Source: "  ", Events: []funnel.Event{{Stage: 1}}})
	deals[0].Source = "a "
	got, err := AttributeEffect(threeStage, tallyOf(t, threeStage, funnel.AttrSource, deals))
	if err != nil {
		t.Fatal(err)
	}
	x := 72.0 / 35
	wantTest := ChiSquare{Tested: true, Stat: x, DF: 1, P: math.Erfc(math.Sqrt(x / 2)), Cells: 4, LowExpected: 4, MinExpected: 8.0 / 9}
	if diff := cmp.Diff(wantTest, got.Test, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("chi-square mismatch (-want +got):\n%s", diff)
	}
	wantOdds := []OddsRatio{
		{Value: "a", Stage: 1, StageName: "Proposal", A: 2, B: 3, C: 0, D: 4, Ratio: 6.428571428571428, Low: 0.2272941878545456, High: 181.81956609771007, Corrected: true},
		{Value: "a", Stage: 2, StageName: "Won", A: 2, B: 3, C: 0, D: 4, Ratio: 6.428571428571428, Low: 0.2272941878545456, High: 181.81956609771007, Corrected: true},
		{Value: "b", Stage: 1, StageName: "Proposal", A: 0, B: 4, C: 2, D: 3, Ratio: 0.15555555555555556, Low: 0.0054999581258630805, High: 4.399584562364342, Corrected: true},
		{Value: "b", Stage: 2, StageName: "Won", A: 0, B: 4, C: 2, D: 3, Ratio: 0.15555555555555556, Low: 0.0054999581258630805, High: 4.399584562364342, Corrected: true},
	}
	if diff := cmp.Diff(wantOdds, got.Odds, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("odds mismatch (-want +got):\n%s", diff)
	}
	if got.Deals != 9 || got.Missing != 2 {
		t.Errorf("deals %d, missing %d; want 9 and 2", got.Deals, got.Missing)
	}
}

// TestAttributeEffectOneValue: with a single value there is nothing to
// compare; the test is not run and reports p = 1, never NaN.
func TestAttributeEffectOneValue(t *testing.T) {
	got, err := AttributeEffect(threeStage, tallyOf(t, threeStage, "warm", depthDeals("warm", map[string][3]int{"cold": {1, 2, 3}})))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ChiSquare{P: 1}, got.Test); diff != "" {
		t.Errorf("one value: test mismatch (-want +got):\n%s", diff)
	}
	for _, o := range got.Odds {
		if math.IsNaN(o.Ratio) || math.IsInf(o.High, 0) || !o.Corrected {
			t.Errorf("odds %+v: want finite and corrected (the rest is empty)", o)
		}
	}
}

// TestZ975 checks the constant against gonum's normal quantile.
func TestZ975(t *testing.T) {
	if got := distuv.UnitNormal.Quantile(0.975); math.Abs(got-z975) > 1e-12 {
		t.Errorf("z975 = %v, distuv gives %v", z975, got)
	}
}

// FuzzAttributeEffect: for any 2 × 3 table of small counts, no panic,
// probabilities in [0, 1], finite statistics and odds ratios.
func FuzzAttributeEffect(f *testing.F) {
	f.Add(uint8(10), uint8(6), uint8(4), uint8(4), uint8(6), uint8(10))
	f.Add(uint8(3), uint8(0), uint8(2), uint8(4), uint8(0), uint8(0))
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, a0, a1, a2, b0, b1, b2 uint8) {
		deals := depthDeals("product", map[string][3]int{"a": {int(a0 % 30), int(a1 % 30), int(a2 % 30)}, "b": {int(b0 % 30), int(b1 % 30), int(b2 % 30)}})
		got, err := AttributeEffect(threeStage, tallyOf(t, threeStage, "product", deals))
		if len(deals) == 0 {
			if !errors.Is(err, funnel.ErrNoData) {
				t.Fatalf("no deals: error %v, want funnel.ErrNoData", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if c := got.Test; !(c.P >= 0 && c.P <= 1) || math.IsNaN(c.Stat) || math.IsInf(c.Stat, 0) || c.Stat < 0 {
			t.Fatalf("test %+v out of range", c)
		}
		for _, o := range got.Odds {
			for _, v := range []float64{o.Ratio, o.Low, o.High} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
					t.Fatalf("odds %+v not finite and positive", o)
				}
			}
			if !(o.Low <= o.Ratio && o.Ratio <= o.High) {
				t.Fatalf("odds %+v: ratio outside its interval", o)
			}
		}
	})
}

// TestAttributeEffectErrors: a tally that cannot answer is refused with
// the sentinel that says why.
func TestAttributeEffectErrors(t *testing.T) {
	closed := depthDeals("warm", map[string][3]int{"cold": {1, 1, 1}})
	open := []funnel.Deal{{ID: "o", Attrs: map[string]string{"warm": "cold"}, Events: []funnel.Event{{Stage: 0}}}}
	tests := []struct {
		name  string
		f     funnel.Funnel
		tally *funnel.Tally
		want  error
	}{
		{"nil tally", threeStage, nil, funnel.ErrNoData},
		{"empty tally", threeStage, funnel.NewTally(threeStage, "warm"), funnel.ErrNoData},
		{"attribute no deal has", threeStage, tallyOf(t, threeStage, "color", closed), funnel.ErrNoData},
		{"only open deals", threeStage, tallyOf(t, threeStage, "warm", open), funnel.ErrNoData},
		{"no deal with a stage", threeStage, tallyOf(t, threeStage, "source", []funnel.Deal{{ID: "x", Source: "web", Outcome: funnel.Lost}}), funnel.ErrNoData},
		{"grouped by two", threeStage, func() *funnel.Tally {
			tl := funnel.NewTally(threeStage, "warm", "owner")
			if err := tl.AddAll(funnel.Stream(closed)); err != nil {
				t.Fatal(err)
			}
			return tl
		}(), funnel.ErrIncompatible},
		{"not grouped", threeStage, func() *funnel.Tally {
			tl := funnel.NewTally(threeStage)
			if err := tl.AddAll(funnel.Stream(closed)); err != nil {
				t.Fatal(err)
			}
			return tl
		}(), funnel.ErrIncompatible},
		{"another funnel", testFunnel, tallyOf(t, threeStage, "warm", closed), funnel.ErrIncompatible},
		{"empty funnel", funnel.Funnel{}, tallyOf(t, threeStage, "warm", closed), funnel.ErrEmptyFunnel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AttributeEffect(tt.f, tt.tally)
			if !errors.Is(err, tt.want) {
				t.Fatalf("AttributeEffect: error %v, want one wrapping %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "pipeline.AttributeEffect" {
				t.Errorf("AttributeEffect: error %#v, want a *funnel.InputError with Op pipeline.AttributeEffect", err)
			}
		})
	}
}

// TestAttributeEffectUsesCore: the effect's chi-square is the core's
// funnel.ChiSquareTest on the same table (one test for the module), in
// this package's shape; R's chisq.test on the table of
// TestAttributeEffect2x3, chisq.test(matrix(c(10,6,4,4,6,10), 2, byrow =
// TRUE)), gives X-squared = 5.1429, df = 2, p-value = 0.07643.
func TestAttributeEffectUsesCore(t *testing.T) {
	deals := depthDeals("warm", map[string][3]int{"cold": {10, 6, 4}, "warm": {4, 6, 10}})
	got, err := AttributeEffect(threeStage, tallyOf(t, threeStage, "warm", deals))
	if err != nil {
		t.Fatal(err)
	}
	core, err := funnel.ChiSquareTest(got.Deepest, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := ChiSquare{Tested: true, Stat: core.Stat.Float64, DF: core.DF, P: core.P.Float64, Cells: core.Cells,
		LowExpected: core.LowExpected, MinExpected: core.MinExpected.Float64}
	if diff := cmp.Diff(want, got.Test); diff != "" {
		t.Errorf("effect test differs from funnel.ChiSquareTest (-core +effect):\n%s", diff)
	}
	if math.Abs(got.Test.Stat-5.1429) > 5e-5 || math.Abs(got.Test.P-0.07643) > 5e-6 {
		t.Errorf("chi-square %v, p %v; R gives 5.1429, 0.07643", got.Test.Stat, got.Test.P)
	}
}
