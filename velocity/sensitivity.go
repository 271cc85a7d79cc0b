package velocity

import (
	"fmt"
	"math"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// ImprovementStep is the relative improvement of each lever that
// [Sensitivities] reports as LeverSensitivity.Improve: 10%.
const ImprovementStep = 0.10

// Point is the bookings with one lever changed by a relative step.
type Point struct {
	// Change is the relative change applied to the lever: +0.1 multiplies
	// it by 1.1, −0.1 by 0.9 (for the cycle +0.1 is a longer cycle).
	Change float64 `json:"change"`
	// Capped reports a win rate held at 1 because 1 + Change would pass it.
	Capped bool `json:"capped,omitempty"`
	// Bookings over the period with the changed lever, to the cent.
	Bookings decimal.Decimal `json:"bookings"`
	// Gain is the relative change in bookings, the factor the changed lever
	// applies to V minus 1 (so it is defined even when the base is zero).
	Gain float64 `json:"gain"`
	// Elasticity is the arc elasticity Gain / Change; 0 when Change is 0.
	Elasticity float64 `json:"elasticity"`
}

// UnmarshalJSON decodes what encoding/json writes for a point; a failure
// is a *[funnel.InputError] naming the field ("point" for the whole
// document), wrapping [funnel.ErrOutOfRange]. On an error p is unchanged.
func (p *Point) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Point.UnmarshalJSON", "point", p.decode(b))
}

func (p *Point) decode(b []byte) error {
	return decodeObject(p, b, func(v *Point) []field {
		return []field{
			{"change", plain(&v.Change)},
			{"capped", plain(&v.Capped)},
			{"bookings", amount(&v.Bookings)},
			{"gain", plain(&v.Gain)},
			{"elasticity", plain(&v.Elasticity)},
		}
	}, nil)
}

// LeverSensitivity is the sensitivity of bookings to one lever.
type LeverSensitivity struct {
	Lever Lever `json:"lever"`
	// Elasticity is the point elasticity d ln V / d ln X: 1 for
	// opportunities, win rate and ASP, −1 for the cycle.
	Elasticity float64 `json:"elasticity"`
	// Points are, for each step x in the order given, the change −x then +x.
	Points []Point `json:"points"`
	// Improve is the gain in bookings from a 10% improvement of the lever
	// ([ImprovementStep]): +10% for opportunities and ASP, a win rate 10%
	// higher capped at 1, a cycle 10% shorter (1/0.9 − 1 = +11.1%).
	Improve float64 `json:"improve"`
}

// UnmarshalJSON decodes what encoding/json writes for a lever's
// sensitivity; a failure is a *[funnel.InputError] naming its place, such
// as "points[1].bookings" ("lever sensitivity" for the whole document),
// wrapping [funnel.ErrOutOfRange]. On an error s is unchanged.
func (s *LeverSensitivity) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.LeverSensitivity.UnmarshalJSON", "lever sensitivity", s.decode(b))
}

func (s *LeverSensitivity) decode(b []byte) error {
	return decodeObject(s, b, func(v *LeverSensitivity) []field {
		return []field{
			{"lever", option(&v.Lever, LeverCycle)},
			{"elasticity", plain(&v.Elasticity)},
			{"points", list(&v.Points, nested[Point])},
			{"improve", plain(&v.Improve)},
		}
	}, nil)
}

// Sensitivity is the response of bookings over a period to changes in each
// lever. Levers is indexed by [Lever].
//
// It does not name a lever to pull: under the same relative step every
// lever gives the same gain (the cycle a little more, 1/0.9 − 1 against
// 0.1), whatever the rep's numbers. Which lever is worth the most depends
// on how far the rep is from what is achievable on each; [Gaps] answers
// that against a reference.
type Sensitivity struct {
	Days   float64                     `json:"days"`
	Base   decimal.Decimal             `json:"base"` // bookings over Days at the given levers, to the cent
	Levers [NumLevers]LeverSensitivity `json:"levers"`
}

// UnmarshalJSON decodes what encoding/json writes for a sensitivity; a
// failure is a *[funnel.InputError] naming its place, such as
// "levers[1].points[0].bookings" ("sensitivity" for the whole document),
// wrapping [funnel.ErrOutOfRange], or [funnel.ErrLengthMismatch] for
// levers that are not one per lever. On an error s is unchanged.
func (s *Sensitivity) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Sensitivity.UnmarshalJSON", "sensitivity", decodeObject(s, b, func(v *Sensitivity) []field {
		return []field{
			{"days", plain(&v.Days)},
			{"base", amount(&v.Base)},
			{"levers", perLever(&v.Levers, nested[LeverSensitivity])},
		}
	}, nil))
}

// Sensitivities returns the bookings over periodDays for each lever moved by
// −x and +x for every step x (a fraction in [0, 1): 0.05 is ±5%) and the
// elasticities. The formula is a product, so with f the factor a change
// applies to V:
//
//	opportunities, ASP: f = 1 + x
//	win rate:           f = min(W × (1 + x), 1) / W   (1 + x when W is 0)
//	cycle:              f = 1 / (1 + x)
//
// and each point's bookings are recomputed from the changed levers and
// rounded to the cent. The levers change as in [MakeUp]: a changed ASP is
// rounded half to even to at most [funnel.MaxAmountPlaces] decimal places,
// a changed cycle to the nanosecond. No step means no points.
//
// Errors: those of [Levers.Validate] and [Levers.Bookings]; a
// *[funnel.InputError] wrapping [funnel.ErrNotFinite] or
// [funnel.ErrOutOfRange] for a step that is NaN, infinite, negative or 1
// and above; a *[LeverError] wrapping [funnel.ErrOutOfRange] when a changed
// cycle leaves time.Duration's range or rounds below one nanosecond,
// changed opportunities pass float64's range or a changed ASP the bounds
// of money.
// Inputs are not modified.
func Sensitivities(l Levers, periodDays float64, steps []float64) (Sensitivity, error) {
	const op = "velocity.Sensitivities"
	base, err := l.bookings(op, periodDays)
	if err != nil {
		return Sensitivity{}, err
	}
	for i, x := range steps {
		name := fmt.Sprintf("steps[%d]", i)
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return Sensitivity{}, inputErr(op, name, fmtFloat(x), funnel.ErrNotFinite)
		case x < 0 || x >= 1:
			return Sensitivity{}, inputErr(op, name, fmtFloat(x), fmt.Errorf("%w: a step is in [0, 1)", funnel.ErrOutOfRange))
		}
	}
	s := Sensitivity{Days: periodDays, Base: dec.Cents(base)}
	for li := range s.Levers {
		lever := Lever(li)
		ls := LeverSensitivity{Lever: lever, Elasticity: 1, Points: make([]Point, 2*len(steps))}
		if lever == LeverCycle {
			ls.Elasticity = -1
		}
		for i, x := range steps {
			for j, c := range [2]float64{-x, x} {
				p, err := point(op, l, lever, c, periodDays)
				if err != nil {
					return Sensitivity{}, err
				}
				ls.Points[2*i+j] = p
			}
		}
		ls.Improve, _ = factor(l, lever, ImprovementStep, true)
		ls.Improve--
		s.Levers[li] = ls
	}
	return s, nil
}

// factor returns the factor a relative change c of the lever applies to V,
// and whether a win rate was capped at 1. With improve set, the cycle
// moves by −c (shorter is better). The factor is domino's: the levers are
// the chain O → W with the ASP and the cycle as a divisor, and a change c
// of the cycle is domino's relative gain −c (a gain shortens a divisor),
// so "+10% on win rate" has one answer in the module.
func factor(l Levers, lever Lever, c float64, improve bool) (float64, bool) {
	ch := domino.Chain{Top: l.Opportunities, Stages: []domino.Stage{{Rate: l.WinRate}}, ASP: l.ASP, Cycle: funnel.Some(l.CycleDays())}
	g := domino.Gain{Kind: domino.Relative, By: c}
	switch lever {
	case LeverOpportunities:
		g.Lever = domino.LeverTop
	case LeverWinRate:
		g.Lever = ch.RateLever(0)
	case LeverASP:
		g.Lever = ch.ASPLever()
	case LeverCycle:
		g.Lever = ch.CycleLever()
		if !improve {
			g.By = -c
		}
	}
	f, capped, ok := domino.Factor(ch, g)
	if !ok {
		// Not reached for valid levers and a checked step; the plain
		// factor keeps the result defined.
		return 1 + c, false
	}
	return f, capped
}

// point returns the bookings with one lever moved by c, for valid levers
// and a checked number of days.
func point(op string, l Levers, lever Lever, c, periodDays float64) (Point, error) {
	f, capped := factor(l, lever, c, false)
	m := l
	if capped {
		m.WinRate = 1
	} else {
		var err error
		if m, err = scale(op, l, lever, 1+c, funnel.ErrRateRange); err != nil {
			return Point{}, err
		}
	}
	b, err := m.bookings(op, periodDays)
	if err != nil {
		return Point{}, err
	}
	p := Point{Change: c, Capped: capped, Bookings: dec.Cents(b), Gain: f - 1}
	if c != 0 {
		p.Elasticity = p.Gain / c
	}
	return p, nil
}
