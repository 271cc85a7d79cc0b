package velocity

import (
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

func TestGaps(t *testing.T) {
	tests := []struct {
		name     string
		rep, ref Levers
		days     float64
		want     GapRanking
	}{
		{
			// The SMB rep (364000 a quarter: 40 × 0.25 × 12000 × 91 / 30)
			// against the team (45, 35%, 12500, 28 days), each lever alone:
			//	win rate 40 × 0.35 × 12000 × 91 / 30 = 509600, +145600
			//	opps     45 × 0.25 × 12000 × 91 / 30 = 409500, +45500
			//	cycle    40 × 0.25 × 12000 × 91 / 28 = 390000, +26000
			//	asp      40 × 0.25 × 12500 × 91 / 30 = 379166.67, +15166.67
			// The team: 45 × 0.35 × 12500 × 91 / 28 = 639843.75. The win
			// rate is worth the most, not the cycle a uniform 10% favours.
			"behind on every lever", smb(), team(), DaysQuarter,
			GapRanking{Days: DaysQuarter, Rep: smb(), Reference: team(),
				RepBookings: mustDec("364000"), ReferenceBookings: mustDec("639843.75"),
				Gaps: [NumLevers]LeverGap{
					{LeverWinRate, mustDec("509600"), mustDec("145600")},
					{LeverOpportunities, mustDec("409500"), mustDec("45500")},
					{LeverCycle, mustDec("390000"), mustDec("26000")},
					{LeverASP, mustDec("379166.67"), mustDec("15166.67")},
				},
				Best: SomeLever(LeverWinRate)},
		},
		{
			// The team against the rep: every move loses (the same sums,
			// from 639843.75 a quarter): win rate 45 × 0.25 × 12500 × 91 /
			// 28 = 457031.25, opportunities 40 × ... = 568750, cycle / 30
			// = 597187.50, ASP × 12000 = 614250. No lever to close: Best is
			// undefined.
			"ahead on every lever", team(), smb(), DaysQuarter,
			GapRanking{Days: DaysQuarter, Rep: team(), Reference: smb(),
				RepBookings: mustDec("639843.75"), ReferenceBookings: mustDec("364000"),
				Gaps: [NumLevers]LeverGap{
					{LeverASP, mustDec("614250"), mustDec("-25593.75")},
					{LeverCycle, mustDec("597187.5"), mustDec("-42656.25")},
					{LeverOpportunities, mustDec("568750"), mustDec("-71093.75")},
					{LeverWinRate, mustDec("457031.25"), mustDec("-182812.5")},
				}},
		},
		{
			// Level on every lever: every gain 0, ties in lever order, no
			// best lever.
			"level", smb(), smb(), 1,
			GapRanking{Days: 1, Rep: smb(), Reference: smb(), RepBookings: mustDec("4000"), ReferenceBookings: mustDec("4000"),
				Gaps: [NumLevers]LeverGap{
					{LeverOpportunities, mustDec("4000"), mustDec("0")},
					{LeverWinRate, mustDec("4000"), mustDec("0")},
					{LeverASP, mustDec("4000"), mustDec("0")},
					{LeverCycle, mustDec("4000"), mustDec("0")},
				}},
		},
		{
			// A rep with no win: only the win rate's move books anything,
			// 40 × 0.35 × 12000 / 30 = 5600 a day.
			"zero win rate", Levers{40, 0, mustDec("12000"), 30 * day}, team(), 1,
			GapRanking{Days: 1, Rep: Levers{40, 0, mustDec("12000"), 30 * day}, Reference: team(),
				RepBookings: mustDec("0"), ReferenceBookings: mustDec("7031.25"),
				Gaps: [NumLevers]LeverGap{
					{LeverWinRate, mustDec("5600"), mustDec("5600")},
					{LeverOpportunities, mustDec("0"), mustDec("0")},
					{LeverASP, mustDec("0"), mustDec("0")},
					{LeverCycle, mustDec("0"), mustDec("0")},
				},
				Best: SomeLever(LeverWinRate)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, ref := tc.rep, tc.ref
			got, err := Gaps(tc.rep, tc.ref, tc.days)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, decEq); diff != "" {
				t.Errorf("Gaps(%v) mismatch (-want +got):\n%s", tc.name, diff)
			}
			if diff := cmp.Diff(rep, tc.rep, decEq); diff != "" {
				t.Errorf("Gaps modified its input:\n%s", diff)
			}
			if diff := cmp.Diff(ref, tc.ref, decEq); diff != "" {
				t.Errorf("Gaps modified its input:\n%s", diff)
			}
		})
	}
}

func TestGapsErrors(t *testing.T) {
	tests := []struct {
		name     string
		rep, ref Levers
		days     float64
		text     string
		err      error
	}{
		{"bad rep", Levers{40, 1.2, mustDec("1"), day}, smb(), 1, "velocity.Gaps: rep levers: win rate = 1.2: rate outside [0,1]", funnel.ErrRateRange},
		{"bad reference", smb(), Levers{40, 0.5, mustDec("1"), 0}, 1, "velocity.Gaps: reference levers: cycle = 0s: zero sales cycle", ErrZeroCycle},
		{"bad days", smb(), team(), math.NaN(), "velocity.Gaps: days = NaN: not a finite number", funnel.ErrNotFinite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Gaps(tc.rep, tc.ref, tc.days)
			if err == nil || err.Error() != tc.text || !errors.Is(err, tc.err) {
				t.Errorf("Gaps error = %v, want %q wrapping %v", err, tc.text, tc.err)
			}
		})
	}
}
