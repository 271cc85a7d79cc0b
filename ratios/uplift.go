package ratios

import (
	"cmp"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// Lever is what a rep would gain by matching the role model at one step,
// the rep's own rates staying as they are at every other step. With j
// the stage the step enters, N and K the rep's resolved trials and
// successes there, b the role model's resolved rate and r_m the rep's
// resolved step into stage m,
//
//	extra_j = N × (b − K/N) = N × b − K         (the row's Gap.Shortfall)
//	extra_m = extra_j × Π_{i=j+1..m} r_i       for each later stage m
//	extra won = extra at the last stage
//	extra bookings = extra won × value of a won deal, rounded half to even to cents
//
// in deals (not rounded) and money. A rep at or above the role model at
// a step has no lever there.
type Lever struct {
	Stage string `json:"stage"` // the stage the step enters
	Index int    `json:"index"` // that stage's index, j
	// Rate is the rep's resolved step, Benchmark the role model's
	// resolved rate there and RoleModel its name.
	Rate      funnel.Rate `json:"rate"`
	Benchmark float64     `json:"benchmark"`
	RoleModel string      `json:"role_model"`
	// ExtraDeals are the extra deals at stage j and each later stage, in
	// funnel order (element 0 is extra_j). From a later step at which the
	// rep has no resolved trials, and so no rate, on they are null.
	ExtraDeals []funnel.NullFloat64 `json:"extra_deals"`
	// ExtraWon is the extra at the last (won) stage, null when unknown.
	ExtraWon funnel.NullFloat64 `json:"extra_won"`
	// ExtraBookings is ExtraWon × [Report].WonValue rounded to cents;
	// null when either is.
	ExtraBookings decimal.NullDecimal `json:"extra_bookings"`
	// BelowTeam reports whether the rep is below the rest of the team at
	// this step beyond noise ([Signal]): a gap to the role model may be
	// only noise, and this says whether to coach it.
	BelowTeam bool `json:"below_team"`
}

// levers fills in every rep's levers from its table's gaps to the role
// models, ranked by extra bookings, then extra won (null last in each),
// then the earlier step. won is the value of a won deal.
func levers(out *Report, won decimal.NullDecimal) error {
	ns := len(out.RoleModels)
	// One backing array for the levers and one for their extra deals.
	var nl, nd int
	for i := range out.Reps {
		for j := range ns {
			if lagging(out, i, j) {
				nl++
				nd += ns - j
			}
		}
	}
	all := make([]Lever, 0, nl)
	deals := make([]funnel.NullFloat64, 0, nd)
	for i := range out.Reps {
		rr := &out.Reps[i]
		start := len(all)
		for j := range ns {
			if !lagging(out, i, j) {
				continue
			}
			row := &rr.Table.Stages[j+1]
			rm := &out.RoleModels[j]
			sig := &rr.Steps[j].Signal
			l := Lever{
				Stage: rm.Stage, Index: j + 1, Rate: row.Resolved, Benchmark: rm.Rate.Value(), RoleModel: rm.Name,
				BelowTeam: sig.Beyond && sig.Difference.Sign < 0,
			}
			first := len(deals)
			extra := funnel.Some(row.Gap.Shortfall.Float64)
			deals = append(deals, extra)
			for m := j + 2; m < len(rr.Table.Stages); m++ {
				if later := rr.Table.Stages[m].Resolved; extra.Valid && later.N > 0 {
					extra = funnel.Some(extra.Float64 * later.Value())
				} else {
					extra = funnel.NullFloat64{}
				}
				deals = append(deals, extra)
			}
			l.ExtraDeals = deals[first:len(deals):len(deals)]
			l.ExtraWon = extra
			if extra.Valid && won.Valid {
				x, ok := dec.FromFloat(extra.Float64)
				if !ok {
					return &funnel.InputError{Name: "extra won", Value: fmtFloat(extra.Float64), Err: funnel.ErrNotFinite}
				}
				l.ExtraBookings = decimal.NewNullDecimal(dec.Cents(x.Mul(won.Decimal)))
			}
			all = append(all, l)
		}
		rr.Levers = all[start:len(all):len(all)]
		// At most one lever per step: an insertion sort, comparing in
		// place rather than copying levers into a comparison.
		ls := rr.Levers
		for a := 1; a < len(ls); a++ {
			for b := a; b > 0 && byUplift(&ls[b], &ls[b-1]) < 0; b-- {
				ls[b], ls[b-1] = ls[b-1], ls[b]
			}
		}
	}
	return nil
}

// lagging reports whether rep i is behind the role model at step j: the
// step has a role model and the rep's gap to it is negative.
func lagging(out *Report, i, j int) bool {
	g := out.Reps[i].Table.Stages[j+1].Gap
	return out.RoleModels[j].Rep >= 0 && g != nil && g.Points.Valid && g.Points.Float64 < 0
}

// byUplift orders levers biggest first: extra bookings, then extra won
// (null after any value in each), then the earlier step.
func byUplift(a, b *Lever) int {
	if c := nullLast(a.ExtraBookings.Valid, b.ExtraBookings.Valid); c != 0 {
		return c
	}
	if a.ExtraBookings.Valid {
		if c := b.ExtraBookings.Decimal.Cmp(a.ExtraBookings.Decimal); c != 0 {
			return c
		}
	}
	if c := nullLast(a.ExtraWon.Valid, b.ExtraWon.Valid); c != 0 {
		return c
	}
	if c := cmp.Compare(b.ExtraWon.Float64, a.ExtraWon.Float64); c != 0 {
		return c
	}
	return cmp.Compare(a.Index, b.Index)
}

// nullLast orders a value before a null.
func nullLast(a, b bool) int {
	switch {
	case a && !b:
		return -1
	case !a && b:
		return 1
	}
	return 0
}
