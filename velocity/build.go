package velocity

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/span"
	"github.com/shopspring/decimal"
)

// DefaultRateWindow is the look-back over which [BuildForecast] measures
// the rate of new deals when BuildOptions.RateWindow is zero: 91 days.
const DefaultRateWindow = DaysQuarter * day

// QuotaPeriod is a quota period [Start, End) seen at AsOf, Start ≤ AsOf ≤
// End. (A calendar period, a month or a quarter, is [funnel.Period].)
type QuotaPeriod struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	AsOf  time.Time `json:"as_of"`
}

// UnmarshalJSON decodes the period's three times, each an RFC 3339 string
// as encoding/json writes a time.Time. Anything else is a
// *[funnel.InputError] naming the field ("quota period" for the whole
// document), wrapping [funnel.ErrOutOfRange]. The order of the times is
// checked by [BuildForecast]. On an error p is unchanged.
func (p *QuotaPeriod) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.QuotaPeriod.UnmarshalJSON", "quota period", decodeObject(p, b, func(v *QuotaPeriod) []field {
		return []field{{"start", instant(&v.Start)}, {"end", instant(&v.End)}, {"as_of", instant(&v.AsOf)}}
	}, nil))
}

// BuildOptions are the choices of [BuildForecast]; the zero value is the
// default of each field.
type BuildOptions struct {
	// GroupBy is the attribute (see [funnel.Deal.Attr]) that names a rep;
	// "" means [funnel.AttrOwner].
	GroupBy string `json:"group_by,omitempty"`
	// StageWin, when not nil, gives the stage win probabilities (one per
	// stage of the funnel) instead of measuring them, such as package
	// funnel/markov's P(won) from each stage (see [BuildForecast]).
	StageWin []float64 `json:"stage_win,omitempty"`
	// RateWindow is the look-back before AsOf over which the rate of new
	// deals is measured; zero means [DefaultRateWindow]. In JSON it is
	// "rate_window_days", a number of days.
	RateWindow time.Duration `json:"-"`
}

// buildOptionsFields is BuildOptions without its methods, for
// encoding/json.
type buildOptionsFields BuildOptions

// MarshalJSON encodes the options by their json tags and RateWindow as
// "rate_window_days", left out when zero.
func (o BuildOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		buildOptionsFields
		RateWindowDays float64 `json:"rate_window_days,omitempty"`
	}{buildOptionsFields(o), days(o.RateWindow)})
}

// UnmarshalJSON decodes what [BuildOptions.MarshalJSON] writes, the window
// rounded to the nanosecond. A malformed document, a value of the wrong
// type or a window beyond time.Duration's range is a *[funnel.InputError]
// naming the field, such as "stage_win[1]" ("build options" for the whole
// document), wrapping [funnel.ErrOutOfRange]. On an error o is unchanged.
func (o *BuildOptions) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.BuildOptions.UnmarshalJSON", "build options", decodeObject(o, b, func(v *BuildOptions) []field {
		return []field{
			{"group_by", plain(&v.GroupBy)},
			{"stage_win", list(&v.StageWin, plainEach[float64])},
			{"rate_window_days", daysOf(&v.RateWindow)},
		}
	}, nil))
}

// BuildForecast makes a [ForecastInput] from a stream of deals (as a
// reader of package funnel/crm yields it, or [funnel.Stream] of a slice),
// seen as they stood at p.AsOf, for the remaining p.End − p.AsOf. A deal
// closes at [funnel.Deal.CloseTime]: its Closed time, or for a won deal
// without one the time of its event at the last stage. A deal is closed at
// AsOf when won or lost with a close time before AsOf; a won or lost deal
// whose close time is unknown is left out, as it is not known to be open;
// any other deal that started before AsOf (or has no start) is open at
// AsOf, at the furthest stage below the last that it entered before AsOf
// (events without a time count; stage 0 when it has none), with age AsOf −
// Deal.Start() (zero without a start). So a forecast can be back-tested on
// deals that have since closed.
//
// From the deals closed before AsOf, tallied into one [funnel.Tally]:
//   - StageWin[k] is [funnel.Counts.WinProbability](k), won ÷ closed among
//     those that reached stage k (implied reach), with the counts in
//     StageWinCounts, unless opts.StageWin is given;
//   - TimeToClose: close time − Deal.Start() of the won deals;
//   - each rep's NewWinRate = won ÷ closed, and NewAmounts = the amounts of
//     the won deals; a rep with no closed deal (or no won amount) takes
//     the team's.
//
// StageWin[k] treats a deal's chance as a function of the furthest stage
// it reached, over the deals that closed. When deals often skip stages or
// move back, or few closed deals reached a late stage, package
// funnel/markov's P(won) from each stage (its Chain.Results[k].PWonResolved,
// with 1 for the won stage) is the better estimate, given in
// opts.StageWin: it models the stage-to-stage moves as a chain, so it
// uses every move observed, open deals' included, and follows a deal
// that moved back from the stage it is in now.
//
// WonSoFar is the sum of the amounts of the rep's deals won in [Start,
// AsOf); NewPerDay is the rep's deals that started in [AsOf − RateWindow,
// AsOf) per day. Reps are the keys of quotas and every rep with a deal, in
// name order; a rep missing from quotas has a zero quota. Open deals
// without an amount are left out and counted in RepInput.NoAmount. Draws,
// Seed and Workers are left zero for the caller to set. Inputs are not
// modified.
//
// Errors: the stream's own error, as it is, with no input; a deal that
// fails [funnel.Deal.Validate] against f, as its *[funnel.DealError] with
// Op "velocity.BuildForecast"; a *[funnel.InputError] wrapping
// [funnel.ErrEmptyFunnel] for a funnel with no stage,
// [funnel.ErrOutOfRange] for a funnel of one stage, a negative RateWindow
// or opts.StageWin of the wrong length, [funnel.ErrDateOrder] for a period
// out of order, [funnel.ErrRateRange] or [funnel.ErrNotFinite] for a bad
// opts.StageWin value, [funnel.ErrNegativeAmount] for a negative quota,
// [funnel.ErrNoData] when no deal closed before AsOf or no won deal has a
// start (no time to close), and [funnel.ErrOutOfRange] for a stream of
// more than math.MaxInt deals (so that no count wraps).
func BuildForecast(f funnel.Funnel, deals iter.Seq2[funnel.Deal, error], p QuotaPeriod, quotas map[string]decimal.Decimal, opts BuildOptions) (ForecastInput, error) {
	const op = "velocity.BuildForecast"
	switch f.Len() {
	case 0:
		return ForecastInput{}, inputErr(op, "funnel", "", funnel.ErrEmptyFunnel)
	case 1:
		return ForecastInput{}, inputErr(op, "funnel", f.String(), fmt.Errorf("%w: a forecast needs at least one open stage and the won stage", funnel.ErrOutOfRange))
	}
	if p.End.Before(p.Start) || p.AsOf.Before(p.Start) || p.AsOf.After(p.End) {
		return ForecastInput{}, inputErr(op, "period", fmt.Sprintf("%s to %s as of %s", p.Start.Format(time.RFC3339), p.End.Format(time.RFC3339), p.AsOf.Format(time.RFC3339)), fmt.Errorf("%w: want start ≤ as of ≤ end", funnel.ErrDateOrder))
	}
	window := opts.RateWindow
	switch {
	case window < 0:
		return ForecastInput{}, inputErr(op, "rate_window", window.String(), funnel.ErrOutOfRange)
	case window == 0:
		window = DefaultRateWindow
	}
	if opts.StageWin != nil {
		if len(opts.StageWin) != f.Len() {
			return ForecastInput{}, inputErr(op, "stage_win", fmt.Sprintf("%d values", len(opts.StageWin)), fmt.Errorf("%w: the funnel has %d stages", funnel.ErrOutOfRange, f.Len()))
		}
		for k, w := range opts.StageWin {
			if err := checkRate(op, fmt.Sprintf("stage_win[%d]", k), w); err != nil {
				return ForecastInput{}, err
			}
		}
	}
	for _, rep := range slices.Sorted(maps.Keys(quotas)) { // the first bad quota by name, the same every run
		if err := checkMoney(op, fmt.Sprintf("quota[%q]", rep), quotas[rep]); err != nil {
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
	closedTally := funnel.NewTally(f)
	var teamAmounts []decimal.Decimal
	var times []time.Duration
	var seen int
	for d, err := range deals {
		if err != nil {
			return ForecastInput{}, err
		}
		if err := countDeal(op, &seen); err != nil {
			return ForecastInput{}, err
		}
		if err := d.Validate(f); err != nil {
			return ForecastInput{}, funnel.WithOp(op, err)
		}
		r := get(d.Attr(attr))
		start := d.Start()
		closeAt := d.CloseTime()
		closed := d.Outcome != funnel.Open && !closeAt.IsZero() && closeAt.Before(p.AsOf)
		won := d.Outcome == funnel.Won
		switch {
		case closed:
			if err := closedTally.Add(d); err != nil {
				return ForecastInput{}, funnel.WithOp(op, err)
			}
			r.closed++
			if !won {
				break
			}
			r.won++
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
		}
		if !start.IsZero() && !start.Before(p.AsOf.Add(-window)) && start.Before(p.AsOf) {
			r.createdInWin++
		}
	}
	team, ok := closedTally.Group() // the one group of an ungrouped tally
	if !ok {
		return ForecastInput{}, inputErr(op, "deals", "", fmt.Errorf("%w: no deal closed before %s", funnel.ErrNoData, p.AsOf.Format(time.RFC3339)))
	}
	if len(times) == 0 {
		return ForecastInput{}, inputErr(op, "deals", "", fmt.Errorf("%w: no won deal with a start before %s, so no time to close", funnel.ErrNoData, p.AsOf.Format(time.RFC3339)))
	}
	in := ForecastInput{
		Days:        span.Days(p.End, p.AsOf),
		TimeToClose: times,
	}
	if opts.StageWin != nil {
		in.StageWin = slices.Clone(opts.StageWin)
	} else {
		in.StageWin = make([]float64, f.Len())
		in.StageWinCounts = make([]funnel.Rate, f.Len())
		for k := range in.StageWin {
			// Defined at every stage: a won deal closed (there is a time
			// to close), and every won deal reached every stage.
			w := team.WinProbability(k)
			in.StageWin[k], in.StageWinCounts[k] = w.Value(), w
		}
	}
	teamRate := team.WinRate().Value()
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
