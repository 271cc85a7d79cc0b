package velocity

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// DefaultRateWindow is the look-back over which [BuildForecast] measures
// the rate of new deals when BuildOptions.RateWindow is zero: 91 days.
const DefaultRateWindow = DaysQuarter * 24 * time.Hour

// Period is a quota period [Start, End) seen at AsOf, Start ≤ AsOf ≤ End.
type Period struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	AsOf  time.Time `json:"as_of"`
}

// BuildOptions are the choices of [BuildForecast]; the zero value is the
// default of each field.
type BuildOptions struct {
	// GroupBy is the attribute (see [funnel.Deal.Attr]) that names a rep;
	// "" means [funnel.AttrOwner].
	GroupBy string `json:"group_by,omitempty"`
	// StageWin, when not nil, gives the stage win probabilities (one per
	// stage of the funnel) instead of measuring them.
	StageWin []float64 `json:"stage_win,omitempty"`
	// RateWindow is the look-back before AsOf over which the rate of new
	// deals is measured; zero means [DefaultRateWindow].
	RateWindow time.Duration `json:"rate_window_ns,omitempty"`
}

// BuildForecast makes a [ForecastInput] from deals, seen as they stood at
// p.AsOf, for the remaining p.End − p.AsOf. A deal closes at
// [funnel.Deal.CloseTime]: its Closed time, or for a won deal without one
// the time of its event at the last stage. A deal is closed at AsOf when
// won or lost with a close time before AsOf; a won or lost deal whose
// close time is unknown is left out, as it is not known to be open; any
// other deal that started before AsOf (or has no start) is open at AsOf,
// at the furthest stage
// below the last that it entered before AsOf (events without a time count;
// stage 0 when it has none), with age AsOf − Deal.Start() (zero without a
// start). So a forecast can be back-tested on deals that have since closed.
//
// From the deals closed before AsOf:
//   - StageWin[k] = won ÷ closed among those that reached stage k (implied
//     reach: Deal.Furthest() ≥ k), with the counts in StageWinCounts,
//     unless opts.StageWin is given;
//   - TimeToClose: close time − Deal.Start() of the won deals;
//   - each rep's NewWinRate = won ÷ closed, and NewAmounts = the amounts of
//     the won deals; a rep with no closed deal (or no won amount) takes
//     the team's.
//
// WonSoFar is the sum of the amounts of the rep's deals won in [Start,
// AsOf); NewPerDay is the rep's deals that started in [AsOf − RateWindow,
// AsOf) per day. Reps are the keys of quotas and every rep with a deal, in
// name order; a rep missing from quotas has a zero quota. Open deals
// without an amount are left out and counted in RepInput.NoAmount. Draws,
// Seed and Workers are left zero for the caller to set. Inputs are not
// modified.
//
// Errors: a *[DealError] wrapping [ErrInvalidDeal] (and the funnel
// sentinel) for a deal that fails [funnel.Deal.Validate]; a *[InputError]
// wrapping [ErrOutOfRange] for a period out of order, a negative
// RateWindow, or opts.StageWin of the wrong length, [ErrRateRange] or
// [ErrNotFinite] for a bad opts.StageWin value, [ErrNegative] for a
// negative quota, and [ErrNoData] when no deal closed before AsOf, no won
// deal has a start (no time to close), or an open deal sits at a stage no
// closed deal reached.
func BuildForecast(deals iter.Seq[funnel.Deal], f funnel.Funnel, p Period, quotas map[string]decimal.Decimal, opts BuildOptions) (ForecastInput, error) {
	if p.End.Before(p.Start) || p.AsOf.Before(p.Start) || p.AsOf.After(p.End) {
		return ForecastInput{}, inputErr("period", fmt.Sprintf("%s to %s as of %s", p.Start.Format(time.RFC3339), p.End.Format(time.RFC3339), p.AsOf.Format(time.RFC3339)), fmt.Errorf("%w: want start ≤ as of ≤ end", ErrOutOfRange))
	}
	if f.Len() < 2 {
		return ForecastInput{}, inputErr("funnel", f.String(), fmt.Errorf("%w: a forecast needs at least one open stage and the won stage", ErrOutOfRange))
	}
	window := opts.RateWindow
	switch {
	case window < 0:
		return ForecastInput{}, inputErr("rate window", window.String(), ErrOutOfRange)
	case window == 0:
		window = DefaultRateWindow
	}
	if opts.StageWin != nil {
		if len(opts.StageWin) != f.Len() {
			return ForecastInput{}, inputErr("stage win", fmt.Sprintf("%d values", len(opts.StageWin)), fmt.Errorf("%w: the funnel has %d stages", ErrOutOfRange, f.Len()))
		}
		for k, w := range opts.StageWin {
			if err := checkRate(fmt.Sprintf("stage win[%d]", k), w); err != nil {
				return ForecastInput{}, err
			}
		}
	}
	for _, rep := range slices.Sorted(maps.Keys(quotas)) { // the first bad quota by name, the same every run
		if err := checkMoney(fmt.Sprintf("quota[%q]", rep), quotas[rep]); err != nil {
			return ForecastInput{}, err
		}
	}
	attr := opts.GroupBy
	if attr == "" {
		attr = funnel.AttrOwner
	}
	last := f.Last()
	type repAcc struct {
		in           RepInput
		won, closed  int64
		amounts      []decimal.Decimal
		createdInWin int64
	}
	reps := map[string]*repAcc{}
	get := func(name string) *repAcc {
		r := reps[name]
		if r == nil {
			r = &repAcc{in: RepInput{Rep: name}}
			reps[name] = r
		}
		return r
	}
	for name, q := range quotas {
		get(name).in.Quota = q
	}
	reached := make([]funnel.Rate, f.Len())
	var teamWon, teamClosed int64
	var teamAmounts []decimal.Decimal
	var times []time.Duration
	atStage := make([]int, f.Len()) // open deals per stage
	for d := range deals {
		if err := d.Validate(f); err != nil {
			return ForecastInput{}, &DealError{ID: d.ID, Err: fmt.Errorf("%w: %w", ErrInvalidDeal, err)}
		}
		r := get(d.Attr(attr))
		start := d.Start()
		closeAt := d.CloseTime()
		closed := d.Outcome != funnel.Open && !closeAt.IsZero() && closeAt.Before(p.AsOf)
		won := d.Outcome == funnel.Won
		switch {
		case closed:
			r.closed++
			teamClosed++
			for k := 0; k <= d.Furthest() && k < len(reached); k++ {
				reached[k].N++
				if won {
					reached[k].K++
				}
			}
			if !won {
				break
			}
			r.won++
			teamWon++
			if d.Amount.Valid {
				r.amounts = append(r.amounts, d.Amount.Decimal)
				teamAmounts = append(teamAmounts, d.Amount.Decimal)
				if !closeAt.Before(p.Start) {
					r.in.WonSoFar = r.in.WonSoFar.Add(d.Amount.Decimal)
				}
			}
			if !start.IsZero() {
				times = append(times, closeAt.Sub(start))
			}
		default:
			if !start.IsZero() && !start.Before(p.AsOf) {
				break // not started yet at AsOf
			}
			if d.Outcome != funnel.Open && closeAt.IsZero() {
				break // closed at an unknown time: not known to be open
			}
			stage := 0
			for _, e := range d.Events {
				if e.Stage < last && (e.At.IsZero() || e.At.Before(p.AsOf)) {
					stage = max(stage, e.Stage)
				}
			}
			if !d.Amount.Valid {
				r.in.NoAmount++
				break
			}
			var age time.Duration
			if !start.IsZero() {
				age = p.AsOf.Sub(start)
			}
			r.in.Open = append(r.in.Open, OpenDeal{ID: d.ID, Stage: stage, Amount: d.Amount.Decimal, Age: age})
			atStage[stage]++
		}
		if !start.IsZero() && !start.Before(p.AsOf.Add(-window)) && start.Before(p.AsOf) {
			r.createdInWin++
		}
	}
	if teamClosed == 0 {
		return ForecastInput{}, inputErr("deals", "", fmt.Errorf("%w: no deal closed before %s", ErrNoData, p.AsOf.Format(time.RFC3339)))
	}
	if len(times) == 0 {
		return ForecastInput{}, inputErr("deals", "", fmt.Errorf("%w: no won deal with a start before %s, so no time to close", ErrNoData, p.AsOf.Format(time.RFC3339)))
	}
	in := ForecastInput{
		Days:        days(p.End.Sub(p.AsOf)),
		TimeToClose: times,
	}
	if opts.StageWin != nil {
		in.StageWin = slices.Clone(opts.StageWin)
	} else {
		in.StageWin = make([]float64, f.Len())
		in.StageWinCounts = reached
		for k, r := range reached {
			if r.N == 0 && atStage[k] > 0 {
				return ForecastInput{}, inputErr(fmt.Sprintf("stage win[%d]", k), f.Stage(k), fmt.Errorf("%w: open deals at a stage no closed deal reached", ErrNoData))
			}
			in.StageWin[k] = r.Value()
		}
	}
	teamRate := funnel.Rate{K: teamWon, N: teamClosed}.Value()
	windowDays := days(window)
	for _, name := range slices.Sorted(maps.Keys(reps)) {
		r := reps[name]
		ri := r.in
		ri.NewPerDay = float64(r.createdInWin) / windowDays
		ri.NewWinRate = teamRate
		if r.closed > 0 {
			ri.NewWinRate = funnel.Rate{K: r.won, N: r.closed}.Value()
		}
		ri.NewAmounts = r.amounts
		if len(ri.NewAmounts) == 0 {
			ri.NewAmounts = slices.Clone(teamAmounts)
		}
		in.Reps = append(in.Reps, ri)
	}
	return in, nil
}
