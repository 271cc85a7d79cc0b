package domino

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// perCostPlaces is the number of decimal places of [Gap].PerCost.
const perCostPlaces = 6

// Gap is one lever of a [Ranking]: the revenue from moving that lever
// alone from the chain's value to the reference's.
type Gap struct {
	Lever int       `json:"lever"`
	Name  string    `json:"name"`
	Kind  LeverKind `json:"kind"`
	// From is the chain's value and To the reference's, in the lever's
	// units (the ASP as a float64 for reading; the revenue uses the
	// decimal).
	From float64 `json:"from"`
	To   float64 `json:"to"`
	// Revenue is the chain's revenue with this lever alone at To, and
	// Change = Revenue − Base, to the cent (per day with a cycle).
	Revenue decimal.Decimal `json:"revenue"`
	Change  decimal.Decimal `json:"change"`
	// Cost is the caller's cost of the improvement (null without costs)
	// and PerCost = Change ÷ Cost, the revenue per unit of effort, rounded
	// half to even to 6 decimal places (null without costs).
	Cost    funnel.NullFloat64  `json:"cost"`
	PerCost decimal.NullDecimal `json:"per_cost"`
}

// Ranking is the levers of a chain ranked by the revenue from closing
// their gap to a reference chain.
type Ranking struct {
	// Base is the chain's revenue and Reference the reference's, to the
	// cent.
	Base      decimal.Decimal `json:"base"`
	Reference decimal.Decimal `json:"reference"`
	// ByRevenue are the levers where the reference is better, largest
	// Change first (ties in lever order).
	ByRevenue []Gap `json:"by_revenue"`
	// ByEffort are the same gaps, largest PerCost first (ties in lever
	// order); nil without costs.
	ByEffort []Gap `json:"by_effort,omitempty"`
}

// RankLevers ranks the levers of chain c by the revenue from closing the
// gap to a reference chain the caller gives (the team, the benchmark rep,
// last year). Each lever alone is moved to the reference's value, only
// where the reference is better (a larger top, rate or ASP, a shorter
// cycle), the others kept at c's:
//
//	Change_i = revenue(c with lever i = ref's lever i) − revenue(c)
//
// This answers "which lever to pull", which a uniform gain does not: a
// uniform 10% always moves the cycle most (1/0.9 − 1 = 11.1% against 10%),
// whatever the team, while the gap to the reference may be anywhere.
// Levers where c is at or ahead of the reference are left out.
//
// costs, when not empty, is the cost of each improvement in the caller's
// units of effort (money, hours, points), one per lever of c in lever
// order (a cost is required even for a lever at or ahead of the
// reference), each above 0; the gaps are then ranked again by
//
//	PerCost_i = Change_i / costs[i]
//
// Errors: those of [Chain.Validate] for c (Op "domino.RankLevers"), and
// for the reference with its field names prefixed "reference."; a
// *[funnel.InputError] naming "reference" wrapping [funnel.ErrIncompatible]
// when the reference has another number of stages or not the same cycle
// presence (stage names are not compared); naming "costs" wrapping
// [funnel.ErrLengthMismatch] when costs is neither empty nor one per
// lever; naming "costs[i]" wrapping [funnel.ErrNotFinite] for NaN or
// infinity and [funnel.ErrOutOfRange] for a cost at or below 0. Inputs
// are not modified.
func RankLevers(c, ref Chain, costs []float64) (Ranking, error) {
	const op = "domino.RankLevers"
	if err := c.check(op); err != nil {
		return Ranking{}, err
	}
	if err := ref.check(op); err != nil {
		var ie *funnel.InputError
		if errors.As(err, &ie) {
			ie.Name = "reference." + ie.Name
		}
		return Ranking{}, err
	}
	if len(ref.Stages) != len(c.Stages) || ref.Cycle.Valid != c.Cycle.Valid {
		return Ranking{}, chainErr(op, "reference", strconv.Itoa(len(ref.Stages))+" stages",
			fmt.Errorf("%w: the chain has %d stages, cycle %t; the reference cycle %t",
				funnel.ErrIncompatible, len(c.Stages), c.Cycle.Valid, ref.Cycle.Valid))
	}
	n := c.NumLevers()
	if len(costs) != 0 && len(costs) != n {
		return Ranking{}, chainErr(op, "costs", strconv.Itoa(len(costs)),
			fmt.Errorf("%w: the chain has %d levers", funnel.ErrLengthMismatch, n))
	}
	for i, x := range costs {
		switch {
		case !chainFinite(x):
			return Ranking{}, chainErr(op, "costs["+strconv.Itoa(i)+"]", chainFmt(x), funnel.ErrNotFinite)
		case x <= 0:
			return Ranking{}, chainErr(op, "costs["+strconv.Itoa(i)+"]", chainFmt(x), fmt.Errorf("%w: a cost is above 0", funnel.ErrOutOfRange))
		}
	}
	out := c.output()
	r := Ranking{
		Base:      dec.Cents(revenueOf(out, c.ASP, c.Cycle)),
		Reference: dec.Cents(revenueOf(ref.output(), ref.ASP, ref.Cycle)),
	}
	for l := range n {
		g := Gap{Lever: l, Name: c.LeverName(l), Kind: c.Kind(l), From: c.value(l), To: ref.value(l)}
		var rev decimal.Decimal
		switch {
		case l == c.ASPLever():
			if ref.ASP.Cmp(c.ASP) <= 0 {
				continue
			}
			rev = revenueOf(out, ref.ASP, c.Cycle)
		case l == c.CycleLever():
			if ref.Cycle.Float64 >= c.Cycle.Float64 {
				continue
			}
			rev = revenueOf(out, c.ASP, ref.Cycle)
		default:
			if g.To <= g.From {
				continue
			}
			v := outWith(c, l, g.To)
			if !chainFinite(v) {
				return Ranking{}, chainErr(op, "reference", chainFmt(g.To), fmt.Errorf("%w: the counts pass float64", funnel.ErrOutOfRange))
			}
			rev = revenueOf(v, c.ASP, c.Cycle)
		}
		g.Revenue = dec.Cents(rev)
		g.Change = g.Revenue.Sub(r.Base)
		if len(costs) != 0 {
			g.Cost = funnel.Some(costs[l])
			cost, _ := dec.FromFloat(costs[l]) // finite: checked
			q, _ := dec.QuoPlaces(g.Change, cost, perCostPlaces)
			g.PerCost = decimal.NewNullDecimal(q)
		}
		r.ByRevenue = append(r.ByRevenue, g)
	}
	if len(costs) != 0 {
		r.ByEffort = slices.Clone(r.ByRevenue)
		if r.ByEffort == nil {
			r.ByEffort = []Gap{}
		}
		slices.SortStableFunc(r.ByEffort, func(a, b Gap) int { return b.PerCost.Decimal.Cmp(a.PerCost.Decimal) })
	}
	slices.SortStableFunc(r.ByRevenue, func(a, b Gap) int { return b.Change.Cmp(a.Change) })
	return r, nil
}
