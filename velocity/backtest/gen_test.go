package backtest_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// synFunnel is the synthetic history's funnel.
var synFunnel = funnel.MustNew("Lead", "Qualified", "Proposal", "Won")

// synth describes a synthetic history whose true probabilities are known:
// deals arrive at each rep as a Poisson process; a deal sits in each stage
// an exponential time (mean Sojourn days), then moves on with probability
// Advance[k] (from Proposal, on to Won) or is lost. Stages are memoryless,
// so a deal now at stage k is won with probability
// Advance[k] × … × Advance[2], whatever its age: with Advance 0.6, 0.6,
// 0.7 that is 0.252, 0.42 and 0.7. Amounts are whole dollars, uniform in
// [1000, 9000].
type synth struct {
	Reps    int
	Days    int     // length of the history
	Sojourn float64 // mean days per stage
	Advance [3]float64
}

var synStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// trueWin returns P(won | now at stage k) = Π_{j ≥ k} Advance[j].
func (s synth) trueWin(k int) float64 {
	p := 1.0
	for j := k; j < len(s.Advance); j++ {
		p *= s.Advance[j]
	}
	return p
}

// rate is rep i's arrivals per day: 0.3 to 1.0, spread evenly.
func (s synth) rate(i int) float64 { return 0.3 + 0.7*float64(i)/float64(max(1, s.Reps-1)) }

// rep names rep i.
func rep(i int) string { return fmt.Sprintf("rep%02d", i) }

// deals draws the history as exported on day Days: deals still going then
// are open with the stages they entered by then.
func (s synth) deals(seed uint64) []funnel.Deal {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	end := synStart.AddDate(0, 0, s.Days)
	var out []funnel.Deal
	at := func(days float64) time.Time {
		return synStart.Add(time.Duration(days * 24 * float64(time.Hour))).Truncate(time.Second)
	}
	for i := range s.Reps {
		lambda := s.rate(i)
		for t := r.ExpFloat64() / lambda; t < float64(s.Days); t += r.ExpFloat64() / lambda {
			d := funnel.Deal{ID: fmt.Sprintf("%s-%d", rep(i), len(out)), Owner: rep(i),
				Amount: decimal.NullDecimal{Decimal: decimal.NewFromInt(int64(1000 + r.IntN(8001))), Valid: true}}
			now := t
			for k := 0; ; k++ {
				if at(now).After(end) {
					break // still open at the export
				}
				if k == 3 {
					d.Outcome = funnel.Won
					d.Events = append(d.Events, funnel.Event{Stage: 3, At: at(now)})
					break
				}
				d.Events = append(d.Events, funnel.Event{Stage: k, At: at(now)})
				now += r.ExpFloat64() * s.Sojourn
				if r.Float64() >= s.Advance[k] {
					if !at(now).After(end) {
						d.Outcome, d.Closed = funnel.Lost, at(now)
					}
					break
				}
			}
			out = append(out, d)
		}
	}
	return out
}
