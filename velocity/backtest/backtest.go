package backtest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dates"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/shopspring/decimal"
)

// Limits and defaults of a backtest.
const (
	// DefaultDraws is the number of Monte Carlo draws per rep and period
	// when Options.Draws is zero: enough for a P(hit) within about ±0.011
	// (one standard error at 0.5), and a fifth of velocity.DefaultDraws,
	// since a backtest runs one forecast per period.
	DefaultDraws = 2_000
	// MaxPeriods is the largest number of periods one backtest replays
	// (about 190 years of weeks).
	MaxPeriods = 10_000
	// NumBins is the number of calibration bins, each a tenth wide.
	NumBins = 10
	// Confidence is the level of the Wilson intervals of the observed
	// shares: 95%.
	Confidence = 0.95
)

// Pricing says which amount an open deal has when a period is replayed.
// An export keeps one amount per deal, today's; whether that amount was
// known at a past date depends on the CRM.
type Pricing int8

const (
	// PriceExported prices an open deal at its exported amount, as known
	// from its creation: right for a stage history whose amount is set
	// when the deal is created (Salesforce's OpportunityHistory, the
	// funnelmath bench). It is the default.
	PriceExported Pricing = iota
	// PriceWonMean prices every deal open at a period's start at the mean
	// amount of the rep's deals won before then, rounded to the cent (the
	// team's when the rep has won none; 0 when no deal was won with an
	// amount), whatever its exported amount: right for an export that
	// writes the amount at the close, such as the Maven CRM sample
	// (close_value is 0 for a lost deal and empty for an open one), where
	// the exported amount of a deal open then would tell its outcome.
	PriceWonMean
)

// String returns "exported" or "won mean".
func (p Pricing) String() string {
	switch p {
	case PriceExported:
		return "exported"
	case PriceWonMean:
		return "won mean"
	}
	return fmt.Sprintf("Pricing(%d)", int8(p))
}

// MarshalText encodes the pricing as its [Pricing.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (p Pricing) MarshalText() ([]byte, error) {
	b, ok := enum.Text(p, PriceWonMean)
	if !ok {
		return nil, &funnel.InputError{Op: "backtest.Pricing.MarshalText", Name: "pricing", Value: strconv.Itoa(int(p)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// UnmarshalText decodes a name that [Pricing.String] returns; any other is
// a *[funnel.InputError] wrapping [funnel.ErrOutOfRange], and p is then
// unchanged.
func (p *Pricing) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, PriceWonMean)
	if !ok {
		return &funnel.InputError{Op: "backtest.Pricing.UnmarshalText", Name: "pricing", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*p = v
	return nil
}

// Options are the choices of [Run]. The zero value replays every whole
// month of the history with no quota, so it forecasts nothing: set Quotas
// or Quota.
type Options struct {
	// Period is the length of a quota period: [funnel.Month] (the zero
	// value), [funnel.Week] or [funnel.Quarter].
	Period funnel.Period `json:"period"`
	// From is the earliest period start replayed: the first start at or
	// after it. Zero means the start of the period after the one in which
	// the first deal started.
	From time.Time `json:"from,omitzero"`
	// Until is the date up to which the history is known, the export's
	// date: periods that end after it are not replayed, as their actual
	// bookings are not all known. Zero means the latest time in the
	// deals (a start, a stage event or a close); with dates without a
	// time of day, a last period ending at midnight after the latest date
	// is then left out, so give the export's date.
	Until time.Time `json:"until,omitzero"`
	// Quotas maps a rep to the quota of every period.
	Quotas map[string]decimal.Decimal `json:"quotas,omitempty"`
	// Quota, when Valid, is the quota of every period of each rep that
	// Quotas does not name. A rep with no quota is left out of the
	// forecasts and counted in PeriodResult.NoQuota.
	Quota decimal.NullDecimal `json:"quota"`
	// Build are the options of velocity.BuildForecast: the attribute
	// naming a rep (GroupBy, "" for the owner), stage win probabilities
	// to use instead of measuring them (StageWin), and the look-back for
	// the rate of new deals (RateWindow).
	Build velocity.BuildOptions `json:"build"`
	// Pricing says how the deals open at a period's start are priced.
	Pricing Pricing `json:"pricing"`
	// Draws is the number of Monte Carlo draws per rep and period; zero
	// means [DefaultDraws].
	Draws int `json:"draws"`
	// Seed seeds the draws: period i (counting from 0) is forecast with
	// the seed Seed + i × 0x9E3779B97F4A7C15 (mod 2^64).
	Seed uint64 `json:"seed"`
	// Workers is the number of goroutines of each forecast; zero means
	// GOMAXPROCS. It does not change the results.
	Workers int `json:"workers,omitempty"`
}

// Report is a backtest: what was forecast at the start of each period
// and what happened.
type Report struct {
	Period  funnel.Period `json:"period"`
	Pricing Pricing       `json:"pricing"`
	Draws   int           `json:"draws"`
	Seed    uint64        `json:"seed"`
	// Periods are the periods replayed, in time order.
	Periods []PeriodResult `json:"periods"`
	// Skipped are the periods that could not be forecast, in time order.
	Skipped []SkippedPeriod `json:"skipped"`
	// Overall scores every forecast of every period.
	Overall Scores `json:"overall"`
	// Held is the number of deals held in memory for the replay; Undated
	// counts the deals left out because they cannot be placed in time (no
	// start: no creation date and no timed event; or won or lost at an
	// unknown time).
	Held    int `json:"held"`
	Undated int `json:"undated"`
}

// SkippedPeriod is a period with nothing to forecast from: no deal won or
// lost before its start, or no won deal with a start (so no time to
// close).
type SkippedPeriod struct {
	Label  string    `json:"label"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Reason string    `json:"reason"`
}

// PeriodResult is one period [Start, End) replayed.
type PeriodResult struct {
	Label string    `json:"label"` // such as "2017-Q2"
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Reps are the reps with a quota and a deal started before Start, in
	// name order.
	Reps []RepResult `json:"reps"`
	// NoQuota counts the reps with a deal started before Start but no
	// quota (deals with a blank rep count as one such rep), left out.
	NoQuota int    `json:"no_quota"`
	Scores  Scores `json:"scores"`
}

// RepResult is one rep's forecast at a period's start beside what
// happened.
type RepResult struct {
	Rep   string          `json:"rep"`
	Quota decimal.Decimal `json:"quota"`
	// OpenDeals counts the deals open at the start that the forecast
	// priced; NoAmount those left out for want of an amount (with
	// PriceExported).
	OpenDeals int `json:"open_deals"`
	NoAmount  int `json:"no_amount"`
	// PHit, P10, P50, P90 and Expected are velocity.Forecast's, won so
	// far being 0 at the start.
	PHit     float64         `json:"p_hit"`
	P10      decimal.Decimal `json:"p10"`
	P50      decimal.Decimal `json:"p50"`
	P90      decimal.Decimal `json:"p90"`
	Expected decimal.Decimal `json:"expected"`
	// Actual is the sum of the amounts of the rep's deals won in [Start,
	// End), over Won deals (won deals without an amount are counted in
	// Won and add nothing). Hit is Actual ≥ Quota; InBand is P10 ≤ Actual
	// ≤ P90.
	Actual decimal.Decimal `json:"actual"`
	Won    int             `json:"won"`
	Hit    bool            `json:"hit"`
	InBand bool            `json:"in_band"`
	// LastBookings is the rep's bookings in the period before, known at
	// the start; LastAttainment = LastBookings / Quota (null for a zero
	// quota). The naive forecast LastPHit is Laplace's rule of succession
	// on that one period: 2/3 when the rep reached the quota then, 1/3
	// when not.
	LastBookings   decimal.Decimal    `json:"last_bookings"`
	LastAttainment funnel.NullFloat64 `json:"last_attainment"`
	LastPHit       float64            `json:"last_p_hit"`
	// Weighted is the weighted pipeline at the start, Σ StageWin[k] ×
	// amount over the open deals priced, as a point forecast of bookings;
	// WeightedPHit turns it into a chance of reaching quota by a normal
	// approximation to the sum of independent deals won with those
	// probabilities:
	//
	//	WeightedPHit = 1 − Φ((Quota − W) / √V),  V = Σ p(1 − p) amount²
	//
	// (1 when V = 0 and W ≥ Quota, else 0 when V = 0). It leaves out what
	// the model adds: the time to close and new deals.
	Weighted     decimal.Decimal `json:"weighted"`
	WeightedPHit float64         `json:"weighted_p_hit"`
}

// Scores measures a set of forecasts against what happened.
type Scores struct {
	// Forecasts is the number of rep-periods forecast; Hits the share that
	// reached quota.
	Forecasts int         `json:"forecasts"`
	Hits      funnel.Rate `json:"hits"`
	// Brier is the mean of (PHit − hit)² (hit 1 or 0) over the forecasts:
	// 0 is perfect, 0.25 is what "50%" every time scores. BrierLast and
	// BrierWeighted score the naive forecasts RepResult.LastPHit and
	// WeightedPHit the same way. All are null with no forecast.
	Brier         funnel.NullFloat64 `json:"brier"`
	BrierLast     funnel.NullFloat64 `json:"brier_last"`
	BrierWeighted funnel.NullFloat64 `json:"brier_weighted"`
	// InBand is the share of actual bookings inside [P10, P90]: about 0.8
	// for a well-calibrated spread.
	InBand funnel.Rate `json:"in_band"`
	// MAE is the mean absolute error of the P50, mean |P50 − Actual|, to
	// the cent; null with no forecast.
	MAE decimal.NullDecimal `json:"mae"`
	// Calibration holds the NumBins bins of predicted P(hit).
	Calibration []CalibrationBin `json:"calibration"`
}

// CalibrationBin is one calibration bin: the forecasts whose P(hit) is in [Lo, Hi)
// (the last bin includes 1).
type CalibrationBin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Forecasts int     `json:"forecasts"`
	// MeanPredicted is the mean P(hit) of the bin's forecasts, null when
	// it has none; Observed is the share of them that hit, and Interval its
	// 95% Wilson interval ([0, 1] when empty).
	MeanPredicted funnel.NullFloat64 `json:"mean_predicted"`
	Observed      funnel.Rate        `json:"observed"`
	Interval      funnel.Interval    `json:"interval"`
	// Within reports that MeanPredicted lies inside Interval: the bin is
	// consistent with a calibrated forecast at the 95% level.
	Within bool `json:"within"`
}

const op = "backtest.Run"

func inputErr(name, value string, err error) error {
	return &funnel.InputError{Op: op, Name: name, Value: value, Err: err}
}

// Run replays the history of the deals at the start of each whole period
// (see Options.From and Until), forecasting each rep's bookings from what
// was known then (see the package's No look-ahead), and reports the
// forecasts beside what happened: per rep, per period and overall.
//
// For a period [s, e) it gives velocity.BuildForecast the deals that
// started before s as they stood just before s, for the period s to e seen
// at s (won so far 0), and the quotas of the reps known at s; it drops the
// reps without a quota, reprices the open deals by opts.Pricing, and
// draws with velocity.Forecast. A period for which BuildForecast finds no
// data (no deal closed before s, or no won deal with a start) is listed in
// Skipped, not an error.
//
// The stream is read once. To replay, Run holds in memory a copy of each
// dated deal's id, rep, amount, dates, outcome and stage events, not its
// other attributes or activities: Report.Held says how many. A deal's rep
// is read once, from opts.Build.GroupBy (the owner by default). Each
// period reads the held deals again, without copying them. ctx is checked
// as the deals are read, between periods and in the forecasts; when it is
// cancelled Run returns ctx.Err(). The deals and the options are not
// modified.
//
// Errors: the stream's own error, as it is; a deal that fails
// [funnel.Deal.Validate] as its *[funnel.DealError] with Op
// "backtest.Run", or one wrapping [funnel.ErrZeroDate] for a date the
// model cannot hold; a *[funnel.InputError] wrapping
// [funnel.ErrEmptyFunnel] for a funnel with no stage,
// [funnel.ErrOutOfRange] for a funnel of one stage, a Period, Pricing or
// Draws out of range, opts.Build.StageWin of the wrong length, a negative
// RateWindow or more than [MaxPeriods] periods, [funnel.ErrRateRange] or
// [funnel.ErrNotFinite] for a bad StageWin value, [funnel.ErrNegative]
// for negative Draws, [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange]
// for a bad quota, [funnel.ErrZeroDate] for From or Until beyond the dates
// the model holds or, naming "deals", for deals whose stage events carry
// no time (a snapshot without stage dates), [funnel.ErrDateOrder] for
// Until not after From, and [funnel.ErrNoData] (naming "deals") when no
// deal can be placed in time or no whole period lies between From and
// Until. An error of velocity.Forecast (an amount too large to draw) is
// returned as it is.
func Run(ctx context.Context, f funnel.Funnel, deals iter.Seq2[funnel.Deal, error], opts Options) (Report, error) {
	draws, err := checkOptions(f, opts)
	if err != nil {
		return Report{}, err
	}
	h, err := readHistory(ctx, f, deals, opts.Build.GroupBy)
	if err != nil {
		return Report{}, err
	}
	periods, err := h.periods(opts)
	if err != nil {
		return Report{}, err
	}
	rp := Report{Period: opts.Period, Pricing: opts.Pricing, Draws: draws, Seed: opts.Seed,
		Periods: []PeriodResult{}, Skipped: []SkippedPeriod{}, Held: len(h.deals), Undated: h.undated}
	var all []outcome
	for i, pr := range periods {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		res, outs, skip, err := h.replay(ctx, i, pr, opts, draws)
		if err != nil {
			return Report{}, err
		}
		if skip != "" {
			rp.Skipped = append(rp.Skipped, SkippedPeriod{Label: res.Label, Start: res.Start, End: res.End, Reason: skip})
			continue
		}
		rp.Periods = append(rp.Periods, res)
		all = append(all, outs...)
	}
	rp.Overall = score(all)
	return rp, nil
}

// checkOptions checks the options and returns the number of draws.
func checkOptions(f funnel.Funnel, opts Options) (int, error) {
	switch f.Len() {
	case 0:
		return 0, inputErr("funnel", "", funnel.ErrEmptyFunnel)
	case 1:
		return 0, inputErr("funnel", f.String(), fmt.Errorf("%w: a forecast needs at least one open stage and the won stage", funnel.ErrOutOfRange))
	}
	if opts.Period < funnel.Month || opts.Period > funnel.Quarter {
		return 0, inputErr("Period", strconv.Itoa(int(opts.Period)), funnel.ErrOutOfRange)
	}
	if opts.Pricing < PriceExported || opts.Pricing > PriceWonMean {
		return 0, inputErr("Pricing", strconv.Itoa(int(opts.Pricing)), funnel.ErrOutOfRange)
	}
	draws := opts.Draws
	switch {
	case draws < 0:
		return 0, inputErr("Draws", strconv.Itoa(draws), funnel.ErrNegative)
	case draws == 0:
		draws = DefaultDraws
	case draws > velocity.MaxDraws:
		return 0, inputErr("Draws", strconv.Itoa(draws), fmt.Errorf("%w: above %d", funnel.ErrOutOfRange, velocity.MaxDraws))
	}
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"From", opts.From}, {"Until", opts.Until}} {
		if err := dates.Reason(d.t); err != nil {
			return 0, inputErr(d.name, d.t.Format(time.RFC3339), err)
		}
	}
	if !opts.From.IsZero() && !opts.Until.IsZero() && !opts.Until.After(opts.From) {
		return 0, inputErr("Until", opts.Until.Format(time.RFC3339), fmt.Errorf("%w: not after From %s", funnel.ErrDateOrder, opts.From.Format(time.RFC3339)))
	}
	for _, rep := range slices.Sorted(maps.Keys(opts.Quotas)) { // the first bad quota by name, the same every run
		if err := funnel.AmountReason(opts.Quotas[rep]); err != nil {
			return 0, inputErr(fmt.Sprintf("Quotas[%q]", rep), opts.Quotas[rep].String(), err)
		}
	}
	if opts.Quota.Valid {
		if err := funnel.AmountReason(opts.Quota.Decimal); err != nil {
			return 0, inputErr("Quota", opts.Quota.Decimal.String(), err)
		}
	}
	b := opts.Build
	if b.RateWindow < 0 {
		return 0, inputErr("Build.RateWindow", b.RateWindow.String(), funnel.ErrOutOfRange)
	}
	if b.StageWin != nil {
		if len(b.StageWin) != f.Len() {
			return 0, inputErr("Build.StageWin", fmt.Sprintf("%d values", len(b.StageWin)), fmt.Errorf("%w: the funnel has %d stages", funnel.ErrOutOfRange, f.Len()))
		}
		for k, w := range b.StageWin {
			name := fmt.Sprintf("Build.StageWin[%d]", k)
			switch {
			case math.IsNaN(w) || math.IsInf(w, 0):
				return 0, inputErr(name, fmt.Sprint(w), funnel.ErrNotFinite)
			case w < 0 || w > 1:
				return 0, inputErr(name, fmt.Sprint(w), funnel.ErrRateRange)
			}
		}
	}
	return draws, nil
}

// held is what the replay keeps of a deal.
type held struct {
	id      string
	rep     string
	amount  decimal.NullDecimal
	created time.Time
	closed  time.Time // the deal's Closed field
	start   time.Time // funnel.Deal.Start
	closeAt time.Time // funnel.Deal.CloseTime; zero while open
	outcome funnel.Outcome
	lo, hi  int // its events in history.events
}

// history is the deals held for the replay, sorted by start.
type history struct {
	f       funnel.Funnel
	last    int
	deals   []held
	events  []funnel.Event
	undated int
	first   time.Time // the earliest start
	latest  time.Time // the latest time seen
}

func readHistory(ctx context.Context, f funnel.Funnel, deals iter.Seq2[funnel.Deal, error], groupBy string) (*history, error) {
	if groupBy == "" {
		groupBy = funnel.AttrOwner
	}
	h := &history{f: f, last: f.Len() - 1}
	var staged bool // some deal has a timed event below the last stage
	var n int
	for d, err := range deals {
		if err != nil {
			return nil, err
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := d.Validate(f); err != nil {
			return nil, funnel.WithOp(op, err)
		}
		if err := dates.Deal(&d); err != nil {
			return nil, &funnel.DealError{Op: op, ID: d.ID, Err: err}
		}
		start, closeAt := d.Start(), d.CloseTime()
		if start.IsZero() || d.Outcome != funnel.Open && closeAt.IsZero() {
			h.undated++
			continue
		}
		lo := len(h.events)
		h.events = append(h.events, d.Events...)
		for _, e := range d.Events {
			if !e.At.IsZero() {
				staged = staged || e.Stage < h.last
				h.latest = later(h.latest, e.At)
			}
		}
		h.latest = later(later(h.latest, start), closeAt)
		if h.first.IsZero() || start.Before(h.first) {
			h.first = start
		}
		h.deals = append(h.deals, held{
			id: d.ID, rep: d.Attr(groupBy), amount: d.Amount, created: d.Created, closed: d.Closed,
			start: start, closeAt: closeAt, outcome: d.Outcome, lo: lo, hi: len(h.events),
		})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(h.deals) == 0 {
		return nil, inputErr("deals", "", fmt.Errorf("%w: no deal can be placed in time (%d without a start or a close time)", funnel.ErrNoData, h.undated))
	}
	if !staged {
		return nil, inputErr("deals", "", fmt.Errorf("%w: no stage event before the won stage carries a time, so no deal's stage at a past date is known: a snapshot export without stage dates cannot be backtested (map its stage date columns)", funnel.ErrZeroDate))
	}
	sort.SliceStable(h.deals, func(i, j int) bool { return h.deals[i].start.Before(h.deals[j].start) })
	return h, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// span is a period [start, end).
type span struct{ start, end time.Time }

// periods lists the whole periods to replay.
func (h *history) periods(opts Options) ([]span, error) {
	p := opts.Period
	first := opts.From
	if first.IsZero() {
		first = p.End(p.Start(h.first))
	} else if s := p.Start(first); !s.Equal(first) {
		first = p.End(s)
	}
	until := opts.Until
	if until.IsZero() {
		until = h.latest
	}
	var out []span
	for s := first; ; s = p.End(s) {
		e := p.End(s)
		if e.After(until) {
			break
		}
		if len(out) == MaxPeriods {
			return nil, inputErr("Until", until.Format(time.RFC3339), fmt.Errorf("%w: more than %d periods from %s", funnel.ErrOutOfRange, MaxPeriods, first.Format(time.RFC3339)))
		}
		out = append(out, span{s, e})
	}
	if len(out) == 0 {
		return nil, inputErr("deals", "", fmt.Errorf("%w: no whole %s between %s and %s", funnel.ErrNoData, p, first.Format(time.RFC3339), until.Format(time.RFC3339)))
	}
	return out, nil
}

// view yields the first n held deals (those started before s) as they
// stood just before s: a deal won or lost before s as it is; any other
// open, with its timed stage events before s below the last stage (one
// event at the first stage at its start when it has none), priced at zero
// for repricing when reprice is set. The deals it yields share one events
// buffer: velocity.BuildForecast reads each and keeps none.
func (h *history) view(s time.Time, n int, reprice bool) iter.Seq2[funnel.Deal, error] {
	return func(yield func(funnel.Deal, error) bool) {
		var buf []funnel.Event
		for i := range h.deals[:n] {
			hd := &h.deals[i]
			d := funnel.Deal{ID: hd.id, Owner: hd.rep, Amount: hd.amount, Created: hd.created}
			evs := h.events[hd.lo:hd.hi:hd.hi]
			if hd.outcome != funnel.Open && hd.closeAt.Before(s) {
				d.Outcome, d.Closed, d.Events = hd.outcome, hd.closed, evs
			} else {
				buf = buf[:0]
				for _, e := range evs {
					if !e.At.IsZero() && e.At.Before(s) && e.Stage < h.last {
						buf = append(buf, e)
					}
				}
				if len(buf) == 0 {
					buf = append(buf, funnel.Event{Stage: 0, At: hd.start})
				}
				d.Events = buf
				if reprice {
					d.Amount = decimal.NullDecimal{Valid: true}
				}
			}
			if !yield(d, nil) {
				return
			}
		}
	}
}

// outcome is one forecast beside what happened, for the summaries.
type outcome struct {
	pHit, pLast, pWeighted float64
	hit, inBand            bool
	absErr                 decimal.Decimal
}

// booked is a rep's bookings in a window.
type booked struct {
	amount decimal.Decimal
	won    int
}

// replay forecasts period i and compares it with what happened. It
// returns a reason instead when the period is skipped.
func (h *history) replay(ctx context.Context, i int, pr span, opts Options, draws int) (PeriodResult, []outcome, string, error) {
	s, e := pr.start, pr.end
	res := PeriodResult{Label: opts.Period.Label(s), Start: s, End: e, Reps: []RepResult{}}
	n := sort.Search(len(h.deals), func(i int) bool { return !h.deals[i].start.Before(s) })
	quotas := map[string]decimal.Decimal{}
	seen := map[string]bool{}
	for _, hd := range h.deals[:n] {
		if seen[hd.rep] {
			continue
		}
		seen[hd.rep] = true
		if strings.TrimSpace(hd.rep) == "" {
			res.NoQuota++
			continue
		}
		if q, ok := opts.Quotas[hd.rep]; ok {
			quotas[hd.rep] = q
		} else if opts.Quota.Valid {
			quotas[hd.rep] = opts.Quota.Decimal
		} else {
			res.NoQuota++
		}
	}
	build := opts.Build
	build.GroupBy = funnel.AttrOwner // the rep is in Owner in the view
	reprice := opts.Pricing == PriceWonMean
	in, err := velocity.BuildForecast(h.f, h.view(s, n, reprice), velocity.QuotaPeriod{Start: s, End: e, AsOf: s}, quotas, build)
	if errors.Is(err, funnel.ErrNoData) {
		return res, nil, "no deal won or lost before the start, or no won deal with a start: no win rates or times to close to forecast from", nil
	}
	if err != nil {
		return PeriodResult{}, nil, "", err
	}
	reps := in.Reps[:0:0]
	for _, ri := range in.Reps {
		if _, ok := quotas[ri.Rep]; !ok {
			continue
		}
		if reprice {
			price := meanAmount(ri.NewAmounts)
			for j := range ri.Open {
				ri.Open[j].Amount = price
			}
		}
		reps = append(reps, ri)
	}
	in.Reps = reps
	in.Draws = draws
	in.Seed = opts.Seed + uint64(i)*0x9E3779B97F4A7C15
	in.Workers = opts.Workers
	fc, err := velocity.Forecast(ctx, in)
	if err != nil {
		return PeriodResult{}, nil, "", err
	}
	// What happened: the bookings of this period and of the one before.
	prev := opts.Period.Start(s.Add(-time.Nanosecond))
	now, before := map[string]booked{}, map[string]booked{}
	for _, hd := range h.deals {
		if hd.outcome != funnel.Won || hd.closeAt.Before(prev) || !hd.closeAt.Before(e) {
			continue
		}
		m := now
		if hd.closeAt.Before(s) {
			m = before
		}
		b := m[hd.rep]
		b.won++
		if hd.amount.Valid {
			b.amount = b.amount.Add(hd.amount.Decimal)
		}
		m[hd.rep] = b
	}
	outs := make([]outcome, 0, len(fc.Reps))
	for j, rf := range fc.Reps {
		ri := in.Reps[j]
		act, last := now[rf.Rep], before[rf.Rep]
		r := RepResult{
			Rep: rf.Rep, Quota: rf.Quota, OpenDeals: len(ri.Open), NoAmount: ri.NoAmount,
			PHit: rf.PHit, P10: rf.P10, P50: rf.P50, P90: rf.P90, Expected: rf.Expected,
			Actual: dec.Cents(act.amount), Won: act.won, LastBookings: dec.Cents(last.amount),
		}
		r.Hit = act.amount.GreaterThanOrEqual(rf.Quota)
		r.InBand = !r.Actual.LessThan(rf.P10) && !r.Actual.GreaterThan(rf.P90)
		r.LastPHit = 1.0 / 3
		if last.amount.GreaterThanOrEqual(rf.Quota) {
			r.LastPHit = 2.0 / 3
		}
		if !rf.Quota.IsZero() {
			a, _ := dec.Quo(last.amount, rf.Quota) // not zero
			r.LastAttainment = funnel.Some(a.InexactFloat64())
		}
		r.Weighted, r.WeightedPHit = weighted(ri.Open, in.StageWin, rf.Quota)
		res.Reps = append(res.Reps, r)
		outs = append(outs, outcome{pHit: r.PHit, pLast: r.LastPHit, pWeighted: r.WeightedPHit, hit: r.Hit, inBand: r.InBand, absErr: r.P50.Sub(r.Actual).Abs()})
	}
	res.Scores = score(outs)
	return res, outs, "", nil
}

// meanAmount is the mean of the amounts rounded half to even to the
// cent, 0 for none.
func meanAmount(as []decimal.Decimal) decimal.Decimal {
	if len(as) == 0 {
		return decimal.Zero
	}
	var s decimal.Decimal
	for _, a := range as {
		s = s.Add(a)
	}
	m, _ := dec.Quo(s, decimal.NewFromInt(int64(len(as)))) // not zero
	return dec.Cents(m)
}

// weighted returns the weighted pipeline of the open deals, to the cent,
// and the chance that it reaches the quota by the normal approximation
// documented at [RepResult].
func weighted(open []velocity.OpenDeal, stageWin []float64, quota decimal.Decimal) (decimal.Decimal, float64) {
	var w decimal.Decimal
	var mean, variance float64
	for _, o := range open {
		p := stageWin[o.Stage]    // BuildForecast gives a stage of the funnel
		pd, _ := dec.FromFloat(p) // a probability, finite
		w = w.Add(o.Amount.Mul(pd))
		a := o.Amount.InexactFloat64()
		mean += p * a
		variance += p * (1 - p) * a * a
	}
	q := quota.InexactFloat64()
	var ph float64
	switch {
	case variance > 0 && !math.IsInf(variance, 0):
		ph = 0.5 * math.Erfc((q-mean)/math.Sqrt(variance)/math.Sqrt2)
	case w.GreaterThanOrEqual(quota):
		ph = 1
	}
	return dec.Cents(w), ph
}

// score measures a set of forecasts.
func score(outs []outcome) Scores {
	s := Scores{Forecasts: len(outs), Calibration: make([]CalibrationBin, NumBins)}
	var sum [NumBins]float64
	for i := range s.Calibration {
		s.Calibration[i] = CalibrationBin{Lo: float64(i) / NumBins, Hi: float64(i+1) / NumBins}
	}
	var brier, brierLast, brierW float64
	var absErr decimal.Decimal
	for _, o := range outs {
		y := 0.0
		if o.hit {
			y = 1
			s.Hits.K++
		}
		if o.inBand {
			s.InBand.K++
		}
		brier += (o.pHit - y) * (o.pHit - y)
		brierLast += (o.pLast - y) * (o.pLast - y)
		brierW += (o.pWeighted - y) * (o.pWeighted - y)
		absErr = absErr.Add(o.absErr)
		b := binOf(o.pHit)
		sum[b] += o.pHit
		s.Calibration[b].Forecasts++
		if o.hit {
			s.Calibration[b].Observed.K++
		}
	}
	n := int64(len(outs))
	s.Hits.N, s.InBand.N = n, n
	if n > 0 {
		s.Brier = funnel.Some(brier / float64(n))
		s.BrierLast = funnel.Some(brierLast / float64(n))
		s.BrierWeighted = funnel.Some(brierW / float64(n))
		m, _ := dec.Quo(absErr, decimal.NewFromInt(n)) // n > 0
		s.MAE = decimal.NullDecimal{Decimal: dec.Cents(m), Valid: true}
	}
	for i := range s.Calibration {
		b := &s.Calibration[i]
		b.Observed.N = int64(b.Forecasts)
		b.Interval, _ = b.Observed.Wilson(Confidence) // valid counts and level: no error
		if b.Forecasts > 0 {
			b.MeanPredicted = funnel.Some(sum[i] / float64(b.Forecasts))
			b.Within = b.Interval.Contains(b.MeanPredicted.Float64)
		}
	}
	return s
}

// binOf returns the calibration bin of p: the last i with p ≥ i/NumBins,
// with the bounds computed as [CalibrationBin] reports them.
func binOf(p float64) int {
	for i := NumBins - 1; i > 0; i-- {
		if p >= float64(i)/NumBins {
			return i
		}
	}
	return 0
}
