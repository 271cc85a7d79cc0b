package velocity

import (
	"slices"

	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// LeverGap is what closing the gap to a reference on one lever is worth.
type LeverGap struct {
	Lever Lever `json:"lever"`
	// Bookings is the bookings over the period with this lever alone moved
	// to the reference's value, to the cent.
	Bookings decimal.Decimal `json:"bookings"`
	// Gain is Bookings − GapRanking.RepBookings, to the cent: positive when
	// the rep is behind the reference on the lever, negative when ahead,
	// zero when level (or when another lever of the rep's is zero, so that
	// no move of this one changes the bookings).
	Gain decimal.Decimal `json:"gain"`
}

// UnmarshalJSON decodes what encoding/json writes for a lever's gap; a
// failure is a *[funnel.InputError] naming the field ("lever gap" for the
// whole document), wrapping [funnel.ErrOutOfRange]. On an error g is
// unchanged.
func (g *LeverGap) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.LeverGap.UnmarshalJSON", "lever gap", g.decode(b))
}

func (g *LeverGap) decode(b []byte) error {
	return decodeObject(g, b, func(v *LeverGap) []field {
		return []field{{"lever", option(&v.Lever, LeverCycle)}, {"bookings", amount(&v.Bookings)}, {"gain", amount(&v.Gain)}}
	}, nil)
}

// GapRanking ranks the four levers by what closing the rep's gap to a
// reference on each would add to the rep's bookings over a period: the
// answer to "which lever should this rep work on", with the reference
// standing for what is achievable (the team, the segment, a benchmark rep
// or last year's numbers).
type GapRanking struct {
	Days      float64 `json:"days"`
	Rep       Levers  `json:"rep"`
	Reference Levers  `json:"reference"`
	// RepBookings and ReferenceBookings are the bookings over Days at each
	// lever set, to the cent.
	RepBookings       decimal.Decimal `json:"rep_bookings"`
	ReferenceBookings decimal.Decimal `json:"reference_bookings"`
	// Gaps holds the four levers ranked by Gain, largest first (in [Lever]
	// order on a tie).
	Gaps [NumLevers]LeverGap `json:"gaps"`
	// Best is the lever worth the most bookings if its gap were closed,
	// Gaps[0].Lever, when that gain is above zero. It is not Valid (null
	// in JSON) when no lever gains a cent: the rep is at or ahead of the
	// reference on every lever.
	Best NullLever `json:"best"`
}

// UnmarshalJSON decodes what encoding/json writes for a ranking; a failure
// is a *[funnel.InputError] naming its place, such as "gaps[1].gain" or
// "rep.asp" ("gap ranking" for the whole document), wrapping
// [funnel.ErrOutOfRange], or [funnel.ErrLengthMismatch] for gaps that are
// not one per lever. On an error r is unchanged.
func (r *GapRanking) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.GapRanking.UnmarshalJSON", "gap ranking", decodeObject(r, b, func(v *GapRanking) []field {
		return []field{
			{"days", plain(&v.Days)},
			{"rep", v.Rep.decode},
			{"reference", v.Reference.decode},
			{"rep_bookings", amount(&v.RepBookings)},
			{"reference_bookings", amount(&v.ReferenceBookings)},
			{"gaps", perLever(&v.Gaps, nested[LeverGap])},
			{"best", nullLever(&v.Best)},
		}
	}, nil))
}

// Gaps returns, for each lever, the rep's bookings over periodDays if that
// lever alone moved to the reference's value, the others held at the
// rep's:
//
//	opportunities: O_ref × W × ASP × T / C      gain = B_rep × (O_ref/O − 1)
//	win rate:      O × W_ref × ASP × T / C      gain = B_rep × (W_ref/W − 1)
//	ASP:           O × W × ASP_ref × T / C      gain = B_rep × (ASP_ref/ASP − 1)
//	cycle:         O × W × ASP × T / C_ref      gain = B_rep × (C/C_ref − 1)
//
// ranked by gain in money (see [GapRanking]). Unlike a uniform ±10% step
// ([Sensitivities]), which favours the cycle whatever the numbers, the
// ranking follows the size of each gap: a rep at 40 opportunities, a 25%
// win rate, $12,000 and 30 days, against a team at 45, 35%, $12,500 and
// 28 days, books $364,000 a quarter (91 days); the team's win rate alone
// adds $145,600, its opportunities $45,500, its cycle $26,000 and its ASP
// $15,166.67, so Best is the win rate.
//
// Each lever's bookings are computed exactly from the moved levers and
// rounded to the cent; a zero lever of the rep's gives zero bookings
// whatever the others (its own move is then the only one that gains).
//
// Errors: those of [Levers.Validate] for either set, naming it ("rep
// levers" or "reference levers"), and a *[funnel.InputError] wrapping
// [funnel.ErrNotFinite] or [funnel.ErrNegative] for a bad number of days.
// Inputs are not modified.
func Gaps(rep, ref Levers, periodDays float64) (GapRanking, error) {
	const op = "velocity.Gaps"
	if err := checkSide(op, "rep levers", rep); err != nil {
		return GapRanking{}, err
	}
	if err := checkSide(op, "reference levers", ref); err != nil {
		return GapRanking{}, err
	}
	t, err := checkDays(op, "days", periodDays)
	if err != nil {
		return GapRanking{}, err
	}
	base := rep.bookingsOver(t)
	type gain struct {
		g     LeverGap
		exact decimal.Decimal
	}
	var gains [NumLevers]gain
	for i := range gains {
		m := rep
		switch lever := Lever(i); lever {
		case LeverOpportunities:
			m.Opportunities = ref.Opportunities
		case LeverWinRate:
			m.WinRate = ref.WinRate
		case LeverASP:
			m.ASP = ref.ASP
		case LeverCycle:
			m.Cycle = ref.Cycle
		}
		b := m.bookingsOver(t)
		gains[i] = gain{LeverGap{Lever: Lever(i), Bookings: dec.Cents(b), Gain: dec.Cents(b.Sub(base))}, b.Sub(base)}
	}
	slices.SortStableFunc(gains[:], func(a, b gain) int { return b.exact.Cmp(a.exact) })
	r := GapRanking{
		Days: periodDays, Rep: rep, Reference: ref,
		RepBookings: dec.Cents(base), ReferenceBookings: dec.Cents(ref.bookingsOver(t)),
	}
	for i, g := range gains {
		r.Gaps[i] = g.g
	}
	if r.Gaps[0].Gain.IsPositive() {
		r.Best = SomeLever(r.Gaps[0].Lever)
	}
	return r, nil
}
