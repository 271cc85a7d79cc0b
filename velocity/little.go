package velocity

import (
	"math"
	"time"
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
// convention (see [Count]).
type LittleCheck struct {
	Opportunities float64 `json:"opportunities"`   // observed L
	CreatedPerDay float64 `json:"created_per_day"` // λ
	CycleDays     float64 `json:"cycle_days"`      // W in days
	Implied       float64 `json:"implied"`         // λ × W
	Gap           float64 `json:"gap"`             // Opportunities − Implied
	// GapPercent is 100 × Gap / Implied; 0 when Implied is 0 (see
	// GapDefined).
	GapPercent float64 `json:"gap_percent"`
	GapDefined bool    `json:"gap_defined"`
}

// Little returns the Little's-law check of opportunities against
// createdPerDay × cycle (see [LittleCheck]). A zero cycle or rate gives an
// implied zero and an undefined percentage.
//
// Errors: a *[InputError] wrapping [ErrNotFinite] for a NaN or infinite
// input, [ErrNegative] for a negative one, and [ErrOutOfRange] when the
// product overflows float64.
func Little(opportunities, createdPerDay float64, cycle time.Duration) (LittleCheck, error) {
	for _, in := range [...]struct {
		name string
		v    float64
	}{{"opportunities", opportunities}, {"created per day", createdPerDay}} {
		switch {
		case math.IsNaN(in.v) || math.IsInf(in.v, 0):
			return LittleCheck{}, inputErr(in.name, fmtFloat(in.v), ErrNotFinite)
		case in.v < 0:
			return LittleCheck{}, inputErr(in.name, fmtFloat(in.v), ErrNegative)
		}
	}
	if cycle < 0 {
		return LittleCheck{}, leverErr(LeverCycle, cycle.String(), ErrNegative)
	}
	c := LittleCheck{Opportunities: opportunities, CreatedPerDay: createdPerDay, CycleDays: days(cycle)}
	c.Implied = createdPerDay * c.CycleDays
	if math.IsInf(c.Implied, 0) {
		return LittleCheck{}, inputErr("created per day × cycle", "", ErrOutOfRange)
	}
	c.Gap = opportunities - c.Implied
	if c.Implied > 0 {
		c.GapPercent = 100 * c.Gap / c.Implied
		c.GapDefined = !math.IsInf(c.GapPercent, 0)
		if !c.GapDefined {
			c.GapPercent = 0
		}
	}
	return c, nil
}
