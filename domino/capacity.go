package domino

import (
	"fmt"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// Capacity is the most volume each step of a chain can hold per period
// (the meetings a rep can hold a week, the interviews a recruiter can run),
// in the same units as the chain's counts. A null limit is no limit.
type Capacity struct {
	// Top is the most top volume the team can work per period.
	Top funnel.NullFloat64 `json:"top"`
	// Stages[k] is the most volume after Stages[k] of the chain per
	// period, the count at that stage. Empty is no stage limit; otherwise
	// it has one entry per stage of the chain.
	Stages []funnel.NullFloat64 `json:"stages"`
}

// Fitted is what of a chain fits in its capacity. Steps are numbered as
// the chain's counts: 0 the top, k + 1 the count after Stages[k] (the
// same number as the lever of the rate into it).
type Fitted struct {
	// Counts is the volume that fits at every step, Demand the chain's
	// volume without limits.
	Counts []float64 `json:"counts"`
	Demand []float64 `json:"demand"`
	// Revenue is the revenue of what fits and DemandRevenue that of the
	// chain without limits, to the cent (per day when the chain has a
	// cycle).
	Revenue       decimal.Decimal `json:"revenue"`
	DemandRevenue decimal.Decimal `json:"demand_revenue"`
	// Scale is the fraction of the demand's output that fits, in [0, 1]:
	// the smallest limit ÷ demand over the steps, or 1 when nothing binds.
	Scale float64 `json:"scale"`
	// Binding is the step whose limit is the bottleneck (−1 when nothing
	// binds) and BindingName its name ([Chain.LeverName] of the same
	// number, "" when nothing binds).
	Binding     int    `json:"binding"`
	BindingName string `json:"binding_name,omitempty"`
	// Slack is limit − Counts at every step, at least 0; null where the
	// step has no limit. The binding step has slack 0.
	Slack []funnel.NullFloat64 `json:"slack"`
}

// Fit returns what of the chain fits in the capacity per period. The
// counts flow forward and each is held to its step's limit:
//
//	fit[0]   = min(Top, limit[0])
//	fit[k+1] = min(fit[k] × Stages[k].Rate, limit[k+1])
//
// so at a step whose incoming count passes its limit the count is the
// limit and everything after it scales down. With demand[j] the chain's
// count without limits, each count is the demand scaled by the tightest
// limit at or before it, and the output by
//
//	fit[j] = demand[j] × min(1, min over limited steps i ≤ j with demand[i] > 0 of limit[i] / demand[i])
//	Scale  = the same minimum over every step
//
// and the binding step is the one with the smallest limit ÷ demand below
// 1 (the earliest on a tie); a step with no demand never binds. A gain
// upstream of the binding step raises the demand there and nothing after
// it. The revenue is that of the fitted output, as [Chain.Revenue] gives
// it. The zero Capacity fits everything.
//
// Errors: those of [Chain.Validate] (Op "domino.Fit"); a
// *[funnel.InputError] naming "capacity.stages" wrapping
// [funnel.ErrLengthMismatch] when Stages is neither empty nor one per
// stage, and naming "capacity.top" or "capacity.stages[k]" wrapping
// [funnel.ErrNotFinite] for NaN or infinity or [funnel.ErrNegative] for a
// limit below 0. Inputs are not modified.
func Fit(c Chain, limits Capacity) (Fitted, error) {
	const op = "domino.Fit"
	if err := c.check(op); err != nil {
		return Fitted{}, err
	}
	if err := checkCapacity(op, c, limits); err != nil {
		return Fitted{}, err
	}
	return fit(c, limits), nil
}

// checkCapacity checks limits against a chain.
func checkCapacity(op string, c Chain, limits Capacity) error {
	if n := len(limits.Stages); n != 0 && n != len(c.Stages) {
		return chainErr(op, "capacity.stages", strconv.Itoa(n),
			fmt.Errorf("%w: %d stages in the chain", funnel.ErrLengthMismatch, len(c.Stages)))
	}
	one := func(name string, l funnel.NullFloat64) error {
		switch {
		case !l.Valid:
			return nil
		case !chainFinite(l.Float64):
			return chainErr(op, name, chainFmt(l.Float64), funnel.ErrNotFinite)
		case l.Float64 < 0:
			return chainErr(op, name, chainFmt(l.Float64), funnel.ErrNegative)
		}
		return nil
	}
	if err := one("capacity.top", limits.Top); err != nil {
		return err
	}
	for k, l := range limits.Stages {
		if err := one("capacity.stages["+strconv.Itoa(k)+"]", l); err != nil {
			return err
		}
	}
	return nil
}

// limitAt returns the limit of step j (0 the top, k+1 after stage k).
func (l Capacity) limitAt(j int) funnel.NullFloat64 {
	if j == 0 {
		return l.Top
	}
	if len(l.Stages) == 0 {
		return funnel.NullFloat64{}
	}
	return l.Stages[j-1]
}

// fit is Fit on a checked chain and capacity.
func fit(c Chain, limits Capacity) Fitted {
	f := Fitted{Demand: c.Counts(), Counts: make([]float64, len(c.Stages)+1),
		Slack: make([]funnel.NullFloat64, len(c.Stages)+1), Scale: 1, Binding: -1}
	for j := range f.Counts {
		in := c.Top
		if j > 0 {
			in = f.Counts[j-1] * c.Stages[j-1].Rate
		}
		l := limits.limitAt(j)
		if l.Valid {
			if d := f.Demand[j]; d > 0 && l.Float64 < d {
				if s := l.Float64 / d; s < f.Scale {
					f.Scale, f.Binding = s, j
				}
			}
			in = min(in, l.Float64)
			f.Slack[j] = funnel.Some(l.Float64 - in)
		}
		f.Counts[j] = in
	}
	if f.Binding >= 0 {
		f.BindingName = c.LeverName(f.Binding)
	}
	last := len(f.Counts) - 1
	f.Revenue = dec.Cents(revenueOf(f.Counts[last], c.ASP, c.Cycle))
	f.DemandRevenue = dec.Cents(revenueOf(f.Demand[last], c.ASP, c.Cycle))
	return f
}
