package pipeline

import (
	"fmt"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/funnelmath/funnelmath/internal/span"
	"github.com/shopspring/decimal"
)

// Thresholds are the limits, in whole days, past which [Health] flags a
// deal. Both must be positive; there is no default, since what counts as
// stalled differs by sales motion.
type Thresholds struct {
	// StalledDays flags a deal with no stage change for at least this many
	// days.
	StalledDays int `json:"stalled_days"`
	// UntouchedDays flags a deal with no activity at all, or none for at
	// least this many days.
	UntouchedDays int `json:"untouched_days"`
}

func (th Thresholds) check(fn string) error {
	for _, v := range []struct {
		name string
		days int
	}{{"StalledDays", th.StalledDays}, {"UntouchedDays", th.UntouchedDays}} {
		if v.days <= 0 {
			return &funnel.InputError{Op: op(fn), Name: v.name, Value: strconv.Itoa(v.days), Err: fmt.Errorf("%w: a threshold must be a positive number of days", funnel.ErrOutOfRange)}
		}
	}
	return nil
}

// PipelineValue is a count of open deals and the sum of their amounts.
// Deals without an amount are counted in Deals and Unpriced, never read as
// zero: Deals = Priced + Unpriced, and Amount sums the Priced ones,
// exactly, rounded to cents (half to even) once at the end.
type PipelineValue struct {
	Deals    int             `json:"deals"`
	Priced   int             `json:"priced"`
	Unpriced int             `json:"unpriced"`
	Amount   decimal.Decimal `json:"amount"`
}

// add counts a deal and adds its amount, exactly.
func (v *PipelineValue) add(a decimal.NullDecimal) {
	v.Deals++
	if a.Valid {
		v.Priced++
		v.Amount = v.Amount.Add(a.Decimal)
	} else {
		v.Unpriced++
	}
}

// DealHealth is the state of one open deal at a date, reconstructed from
// its history. Figures in days are 24-hour days, as float64.
type DealHealth struct {
	ID    string `json:"id"`
	Owner string `json:"owner,omitempty"`
	// Stage is the stage of the deal's last timed event at or before the
	// date, -1 when it had none yet; StageName is its name ("" for -1).
	Stage     int    `json:"stage"`
	StageName string `json:"stage_name,omitempty"`
	// AgeDays is the time since the deal started ([funnel.Deal.Start]).
	AgeDays float64 `json:"age_days"`
	// DaysInStage is the time since the deal's current stay began (a
	// repeated row at the same stage is no change; see
	// [funnel.Deal.Stays]), or since it started when it had no stage yet.
	DaysInStage float64 `json:"days_in_stage"`
	// Touches counts the deal's activities at or before the date;
	// LastTouch is the latest of them (zero when none) and
	// DaysSinceTouch the time since it (null when none).
	Touches        int                `json:"touches"`
	LastTouch      time.Time          `json:"last_touch,omitzero"`
	DaysSinceTouch funnel.NullFloat64 `json:"days_since_touch"`
	// TouchGaps is Touches − 1 (0 with fewer than two touches) and
	// MeanDaysBetweenTouches the mean gap, (last − first) / TouchGaps,
	// null when TouchGaps is 0.
	TouchGaps              int                `json:"touch_gaps"`
	MeanDaysBetweenTouches funnel.NullFloat64 `json:"mean_days_between_touches"`
	// ExpectedClose is the deal's expected close date (zero when
	// unknown). DaysPastDue is the time since it when PastDue, 0 when it
	// is known and not past due, and null when it is unknown.
	ExpectedClose time.Time          `json:"expected_close,omitzero"`
	DaysPastDue   funnel.NullFloat64 `json:"days_past_due"`
	// Amount is the deal's own amount, as given.
	Amount decimal.NullDecimal `json:"amount"`

	// Stalled: DaysInStage >= Thresholds.StalledDays.
	Stalled bool `json:"stalled"`
	// Untouched: no touch by the date, or DaysSinceTouch >=
	// Thresholds.UntouchedDays.
	Untouched bool `json:"untouched"`
	// PastDue: the expected close is known and its calendar day (in its
	// own location) ended at or before the date.
	PastDue bool `json:"past_due"`
	// MovedBack: the deal moved to an earlier stage at or before the date.
	MovedBack bool `json:"moved_back"`
}

// HealthReport is the state of the open pipeline at one date.
type HealthReport struct {
	At time.Time `json:"at"`
	// Deals are the deals open at At, in input order.
	Deals []DealHealth `json:"deals"`
	// Pipeline counts them and sums their amounts.
	Pipeline PipelineValue `json:"pipeline"`
	// Counts of the flagged deals among Deals.
	Stalled   int `json:"stalled"`
	Untouched int `json:"untouched"`
	PastDue   int `json:"past_due"`
	MovedBack int `json:"moved_back"`
	// TouchGaps pools the gaps between touches of all open deals and
	// MeanDaysBetweenTouches is their mean, null when there are none.
	TouchGaps              int                `json:"touch_gaps"`
	MeanDaysBetweenTouches funnel.NullFloat64 `json:"mean_days_between_touches"`
	// Undated counts the deals left out because they cannot be placed in
	// time: no Created and no timed event, or closed at an unknown time.
	Undated int `json:"undated"`
}

// Health reconstructs the open pipeline at the date at from the deals'
// histories, not from their outcome today. A deal is open at a date when
//
//	start <= at  and  not (won or lost at a time <= at)
//
// where start is [funnel.Deal.Start] and the close time
// [funnel.Deal.CloseTime]. Its stage at the date is that of its last
// timed stay ([funnel.Deal.Stays]) begun at or before the date, and the
// time in stage runs from the start of that stay: a deal with events at
// A on day 1, B on day 2 and B again on day 12 (a row written when its
// amount changed) has been in B for 18 days on day 20, not 8. Activities
// after the date are ignored. Events and activities without a time are
// left out. The expected close and the amount are the deal's only
// (current) values. The pipeline's amount is the exact sum rounded to
// cents.
//
// Flags, with elapsed times in 24-hour days:
//
//	stalled    at − start of the current stay >= th.StalledDays
//	untouched  no activity by at, or at − last activity >= th.UntouchedDays
//	past due   expected close known and its calendar day is over by at
//	moved back a stay begun at or before at at an earlier stage than the one before
//
// The deals are validated with [funnel.Deal.Validate] (its
// *[funnel.DealError] comes back with Op "pipeline.Health") and must have
// distinct ids. No deals give an empty report. Other errors are a
// *[funnel.InputError] or *[funnel.DealError] wrapping
// [funnel.ErrZeroDate] (a missing date, or a date of at or of a deal that
// the model cannot hold: see the package's Errors), [funnel.ErrOutOfRange]
// (a threshold not positive), [funnel.ErrDuplicateDeal] or
// [funnel.ErrEmptyFunnel]. The deals are not modified.
func Health(f funnel.Funnel, deals []funnel.Deal, at time.Time, th Thresholds) (HealthReport, error) {
	const fn = "Health"
	if err := checkDate(fn, "at", at); err != nil {
		return HealthReport{}, err
	}
	if err := th.check(fn); err != nil {
		return HealthReport{}, err
	}
	if err := checkDeals(fn, f, deals); err != nil {
		return HealthReport{}, err
	}
	h := HealthReport{At: at, Deals: []DealHealth{}}
	// The counts are bounded: Pipeline's and the flags' by len(deals), and
	// TouchGaps by the activities the loop of touchesBy visits one at a
	// time (2^63 of them would take centuries). gapDays sums spans of at
	// most 10,000 years (holdable dates) over those gaps: finite.
	var gapDays float64
	for i := range deals {
		tl, ok := place(&deals[i])
		if !ok {
			h.Undated++
			continue
		}
		if !tl.openAt(at) {
			continue
		}
		dh := dealHealth(f, tl, at, th)
		h.Deals = append(h.Deals, dh)
		h.Pipeline.add(dh.Amount)
		h.Stalled += b2i(dh.Stalled)
		h.Untouched += b2i(dh.Untouched)
		h.PastDue += b2i(dh.PastDue)
		h.MovedBack += b2i(dh.MovedBack)
		h.TouchGaps += dh.TouchGaps
		gapDays += dh.MeanDaysBetweenTouches.Float64 * float64(dh.TouchGaps)
	}
	if h.TouchGaps > 0 {
		h.MeanDaysBetweenTouches = funnel.Some(gapDays / float64(h.TouchGaps))
	}
	h.Pipeline.Amount = dec.Cents(h.Pipeline.Amount)
	return h, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func dealHealth(f funnel.Funnel, tl timeline, at time.Time, th Thresholds) DealHealth {
	d := tl.d
	stage, since := tl.stageAt(at)
	dh := DealHealth{
		ID:            d.ID,
		Owner:         d.Owner,
		Stage:         stage,
		AgeDays:       span.Days(at, tl.start),
		DaysInStage:   span.Days(at, since),
		ExpectedClose: d.ExpectedClose,
		Amount:        d.Amount,
		MovedBack:     tl.movedBackBy(at),
	}
	if stage >= 0 {
		dh.StageName = f.Stage(stage)
	}
	dh.Stalled = dh.DaysInStage >= float64(th.StalledDays)
	touches := tl.touchesBy(at)
	dh.Touches = len(touches)
	if n := len(touches); n > 0 {
		dh.LastTouch = touches[n-1]
		since := span.Days(at, dh.LastTouch)
		dh.DaysSinceTouch = funnel.Some(since)
		dh.Untouched = since >= float64(th.UntouchedDays)
		if n > 1 {
			dh.TouchGaps = n - 1
			dh.MeanDaysBetweenTouches = funnel.Some(span.Days(touches[n-1], touches[0]) / float64(n-1))
		}
	} else {
		dh.Untouched = true
	}
	if ec := d.ExpectedClose; !ec.IsZero() {
		dh.DaysPastDue = funnel.Some(0)
		y, m, dd := ec.Date()
		if next := time.Date(y, m, dd+1, 0, 0, 0, 0, ec.Location()); !at.Before(next) {
			dh.PastDue = true
			dh.DaysPastDue = funnel.Some(span.Days(at, ec))
		}
	}
	return dh
}

// DayCount is the number of deals live on one day.
type DayCount struct {
	Day  time.Time `json:"day"` // the start of the day
	Live int       `json:"live"`
}

// Live is the number of deals in the works on each day of a range.
type Live struct {
	Days []DayCount `json:"days"`
	// Mean is the mean of Live over Days; Peak the largest.
	Mean float64 `json:"mean"`
	Peak int     `json:"peak"`
	// Undated counts the deals left out because they cannot be placed in
	// time (see [HealthReport]).
	Undated int `json:"undated"`
}

// MaxLiveDays is the longest range [LiveByDay] takes, about 274 years: it
// returns one count per day, and a mistyped year should not fill memory.
const MaxLiveDays = 100_000

// LiveByDay counts, for each day of [from, to), the deals that were open
// at some moment of that day:
//
//	live(day) = #{deals : start < day end  and  (open or closed > day start)}
//
// Days are calendar days in from's location, starting at from and stepped
// with AddDate(0, 0, 1), so they follow daylight-saving changes; the last
// day ends at to and may be short. A deal that closes exactly at the start
// of a day is not live on it. By Little's law the mean is about the arrival
// rate of deals per day times their mean days open.
//
// It returns a *[funnel.InputError] with Op "pipeline.LiveByDay" wrapping
// [funnel.ErrZeroDate] (a missing date or one the model cannot hold),
// [funnel.ErrDateOrder] (to not after from) or
// [funnel.ErrOutOfRange] for a range longer than [MaxLiveDays], a
// *[funnel.DealError] wrapping [funnel.ErrDuplicateDeal], or an invalid
// deal's *[funnel.DealError] with that Op. The deals are not modified.
func LiveByDay(f funnel.Funnel, deals []funnel.Deal, from, to time.Time) (Live, error) {
	const fn = "LiveByDay"
	if err := checkRange(fn, "from", "to", from, to); err != nil {
		return Live{}, err
	}
	if last := from.AddDate(0, 0, MaxLiveDays); to.After(last) {
		return Live{}, &funnel.InputError{Op: op(fn), Name: "to", Value: dateString(to), Err: fmt.Errorf("%w: more than %d days after from %s", funnel.ErrOutOfRange, MaxLiveDays, dateString(from))}
	}
	if err := checkDeals(fn, f, deals); err != nil {
		return Live{}, err
	}
	// bounds[i] is the start of day i; bounds[n] is to.
	var bounds []time.Time
	for t := from; t.Before(to); t = t.AddDate(0, 0, 1) {
		bounds = append(bounds, t)
	}
	n := len(bounds)
	bounds = append(bounds, to)
	diff := make([]int, n+1)
	var out Live
	for i := range deals {
		tl, ok := place(&deals[i])
		if !ok {
			out.Undated++
			continue
		}
		// First day whose end is after the start.
		lo := firstAfter(bounds[1:], tl.start)
		// Last day whose start is before the close: one less than the
		// number of day starts before it.
		hi := n - 1
		if tl.d.Outcome != funnel.Open {
			hi = firstNotBefore(bounds[:n], tl.closed) - 1
		}
		if lo > hi {
			continue
		}
		diff[lo]++
		diff[hi+1]--
	}
	// A day's count is at most len(deals), an int. Their sum over up to
	// MaxLiveDays days need not fit an int64, so it is kept in 128 bits.
	out.Days = make([]DayCount, n)
	live := 0
	var sum num.Sum128
	for i := range n {
		live += diff[i]
		out.Days[i] = DayCount{Day: bounds[i], Live: live}
		out.Peak = max(out.Peak, live)
		sum.Add(uint64(live))
	}
	out.Mean = sum.Float() / float64(n)
	return out, nil
}

// firstAfter returns the index of the first time in ts (sorted) after t,
// or len(ts).
func firstAfter(ts []time.Time, t time.Time) int {
	lo, hi := 0, len(ts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ts[m].After(t) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// firstNotBefore returns the index of the first time in ts (sorted) at or
// after t, or len(ts).
func firstNotBefore(ts []time.Time, t time.Time) int {
	lo, hi := 0, len(ts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !ts[m].Before(t) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// Movement lists what happened to the deals in the period (from, to]: an
// event at exactly from belongs to the state at from, as in [Waterfall].
// Each list holds deal ids in input order.
type Movement struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Created: deals that started in the period.
	Created []string `json:"created"`
	// Advanced: deals with at least one stay begun in the period at a
	// later stage than the stay before it (a deal's first stay is an
	// entry, not an advance; a move into the last stage is an advance).
	Advanced []string `json:"advanced"`
	// MovedBack: deals with at least one stay begun in the period at an
	// earlier stage than the stay before it.
	MovedBack []string `json:"moved_back"`
	// Won and Lost: deals that closed in the period.
	Won  []string `json:"won"`
	Lost []string `json:"lost"`
	// Undated counts the deals left out because they cannot be placed in
	// time (see [HealthReport]).
	Undated int `json:"undated"`
}

// PeriodSummary lists the deals created, advanced, moved back, won and lost
// in the period (from, to]. Moves are read between stays
// ([funnel.Deal.Stays]); stays without a time are left out, so the "stay
// before" a stay is the previous timed one.
//
// It returns a *[funnel.InputError] with Op "pipeline.PeriodSummary"
// wrapping [funnel.ErrZeroDate] (a missing date or one the model cannot
// hold) or [funnel.ErrDateOrder] (to not after
// from), a *[funnel.DealError] wrapping [funnel.ErrDuplicateDeal], or an
// invalid deal's *[funnel.DealError] with that Op. No deals give empty
// lists. The deals are not modified.
func PeriodSummary(f funnel.Funnel, deals []funnel.Deal, from, to time.Time) (Movement, error) {
	const fn = "PeriodSummary"
	if err := checkRange(fn, "from", "to", from, to); err != nil {
		return Movement{}, err
	}
	if err := checkDeals(fn, f, deals); err != nil {
		return Movement{}, err
	}
	p := Movement{From: from, To: to, Created: []string{}, Advanced: []string{}, MovedBack: []string{}, Won: []string{}, Lost: []string{}}
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	for i := range deals {
		tl, ok := place(&deals[i])
		if !ok {
			p.Undated++
			continue
		}
		id := tl.d.ID
		if in(tl.start) {
			p.Created = append(p.Created, id)
		}
		adv, back := false, false
		for j := 1; j < len(tl.events); j++ {
			if !in(tl.events[j].At) {
				continue
			}
			adv = adv || tl.events[j].Stage > tl.events[j-1].Stage
			back = back || tl.events[j].Stage < tl.events[j-1].Stage
		}
		if adv {
			p.Advanced = append(p.Advanced, id)
		}
		if back {
			p.MovedBack = append(p.MovedBack, id)
		}
		if tl.d.Outcome != funnel.Open && in(tl.closed) {
			if tl.d.Outcome == funnel.Won {
				p.Won = append(p.Won, id)
			} else {
				p.Lost = append(p.Lost, id)
			}
		}
	}
	return p, nil
}
