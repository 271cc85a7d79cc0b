package velocity

import (
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// LittleCheck compares the opportunities worked with what Little's law
// implies from the creation rate and the cycle:
//
//	L = λ × W
//
// with L the deals open on an average day, λ the deals created per day and
// W the average days a deal stays open. In a steady state the two agree; a
// gap says the pipeline is growing (positive: more open than the flow
// explains), shrinking, or that the opportunities count follows another
// convention (see [Counting]).
type LittleCheck struct {
	Opportunities float64 `json:"opportunities"`   // observed L
	CreatedPerDay float64 `json:"created_per_day"` // λ
	CycleDays     float64 `json:"cycle_days"`      // W in days
	Implied       float64 `json:"implied"`         // λ × W, funnel.LiveDeals
	Gap           float64 `json:"gap"`             // Opportunities − Implied
	// GapPercent is 100 × Gap / Implied; not Valid (null in JSON) when
	// Implied is 0 or the quotient passes float64.
	GapPercent funnel.NullFloat64 `json:"gap_percent"`
}

// UnmarshalJSON decodes what encoding/json writes for a check; a value of
// the wrong type is a *[funnel.InputError] naming the field ("little
// check" for the whole document), wrapping [funnel.ErrOutOfRange]. On an
// error c is unchanged.
func (c *LittleCheck) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.LittleCheck.UnmarshalJSON", "little check", decodeObject(c, b, func(v *LittleCheck) []field {
		return []field{
			{"opportunities", plain(&v.Opportunities)},
			{"created_per_day", plain(&v.CreatedPerDay)},
			{"cycle_days", plain(&v.CycleDays)},
			{"implied", plain(&v.Implied)},
			{"gap", plain(&v.Gap)},
			{"gap_percent", nullFloat(&v.GapPercent)},
		}
	}, nil))
}

// Little returns the Little's-law check of opportunities against
// createdPerDay × cycle, the live deals that [funnel.LiveDeals] implies
// (see [LittleCheck]). A zero cycle or rate gives an implied zero and an
// undefined percentage.
//
// Errors: a *[funnel.InputError] wrapping [funnel.ErrNotFinite] for a NaN
// or infinite input, [funnel.ErrNegative] for a negative one, and
// [funnel.ErrOutOfRange] when the product overflows float64; a
// *[LeverError] wrapping [funnel.ErrNegative] for a negative cycle.
func Little(opportunities, createdPerDay float64, cycle time.Duration) (LittleCheck, error) {
	return little("velocity.Little", opportunities, createdPerDay, cycle)
}

func little(op string, opportunities, createdPerDay float64, cycle time.Duration) (LittleCheck, error) {
	if err := checkNonNegative(op, "opportunities", opportunities); err != nil {
		return LittleCheck{}, err
	}
	if err := checkNonNegative(op, "created per day", createdPerDay); err != nil {
		return LittleCheck{}, err
	}
	if cycle < 0 {
		return LittleCheck{}, leverErr(op, LeverCycle, cycle.String(), funnel.ErrNegative)
	}
	c := LittleCheck{Opportunities: opportunities, CreatedPerDay: createdPerDay, CycleDays: days(cycle)}
	implied, err := funnel.LiveDeals(createdPerDay, c.CycleDays)
	if err != nil {
		return LittleCheck{}, funnel.WithOp(op, err)
	}
	c.Implied = implied
	c.Gap = opportunities - c.Implied
	if c.Implied > 0 {
		if p := 100 * c.Gap / c.Implied; !math.IsInf(p, 0) {
			c.GapPercent = funnel.Some(p)
		}
	}
	return c, nil
}
