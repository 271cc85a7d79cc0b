package velocity

import (
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// TestSensitivitiesOnChain checks Sensitivities' gains against a second
// method: domino.Apply on the chain O → W with the ASP and the cycle as a
// divisor, each lever alone (a change c of the cycle is domino's gain −c).
// By hand for W = 0.95: +10% caps at 1, 1/0.95 − 1 = 0.0526; the cycle
// −10% is 1/0.9 − 1 = 0.1111, +10% is 1/1.1 − 1 = −0.0909.
func TestSensitivitiesOnChain(t *testing.T) {
	l := Levers{Opportunities: 40, WinRate: 0.95, ASP: decimal.NewFromInt(8000), Cycle: 60 * 24 * time.Hour}
	s, err := Sensitivities(l, DaysQuarter, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	ch := domino.Chain{Top: 40, Stages: []domino.Stage{{Rate: 0.95}}, ASP: l.ASP, Cycle: funnel.Some(60)}
	levers := [NumLevers]int{domino.LeverTop, ch.RateLever(0), ch.ASPLever(), ch.CycleLever()}
	for li, ls := range s.Levers {
		var got, want []float64
		for _, p := range ls.Points {
			by := p.Change
			if Lever(li) == LeverCycle {
				by = -by
			}
			o, err := domino.Apply(ch, []domino.Gain{{Lever: levers[li], Kind: domino.Relative, By: by}})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.Gain)
			want = append(want, o.Multiplier.Float64-1)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
			t.Errorf("Sensitivities(%v) mismatch (-want +got):\n%s", Lever(li), diff)
		}
	}
	if diff := cmp.Diff(1/0.95-1, s.Levers[LeverWinRate].Improve, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("Improve(win rate) mismatch (-want +got):\n%s", diff)
	}
}
