package funnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/funnelmath/funnelmath/internal/span"
)

// Period is a calendar period that deals are grouped by.
type Period int8

const (
	// Month is a calendar month. It is the default.
	Month Period = iota
	// Week is an ISO week, Monday to Sunday.
	Week
	// Quarter is a calendar quarter.
	Quarter
)

// String returns "month", "week" or "quarter".
func (p Period) String() string {
	switch p {
	case Month:
		return "month"
	case Week:
		return "week"
	case Quarter:
		return "quarter"
	}
	return fmt.Sprintf("Period(%d)", int8(p))
}

// MarshalText encodes the period as its [Period.String]; a value out of
// range is a *[InputError] wrapping [ErrOutOfRange].
func (p Period) MarshalText() ([]byte, error) { return marshalEnum("period", p, Quarter) }

// UnmarshalText decodes "month", "week" or "quarter"; anything else is a
// *[InputError] wrapping [ErrOutOfRange].
func (p *Period) UnmarshalText(b []byte) error { return unmarshalEnum("period", b, p, Quarter) }

// Start returns the start of the period that holds t, in t's location.
func (p Period) Start(t time.Time) time.Time {
	y, m, d := t.Date()
	switch p {
	case Week:
		wd := (int(t.Weekday()) + 6) % 7 // Monday 0 .. Sunday 6
		return time.Date(y, m, d-wd, 0, 0, 0, 0, t.Location())
	case Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, t.Location())
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
}

// End returns the start of the period after the one that starts at start.
func (p Period) End(start time.Time) time.Time {
	switch p {
	case Week:
		return start.AddDate(0, 0, 7)
	case Quarter:
		return start.AddDate(0, 3, 0)
	}
	return start.AddDate(0, 1, 0)
}

// Label names the period that holds t: "2024-W03" (ISO week), "2024-01"
// or "2024-Q1".
func (p Period) Label(t time.Time) string {
	switch p {
	case Week:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	}
	return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
}

// CohortOptions configure a [CohortTally].
type CohortOptions struct {
	// Period is the length of a cohort; the zero value is [Month].
	Period Period
	// Window is the conversion window: a step from stage k to k+1 counts
	// as converted only when the deal reached k+1 within Window of
	// reaching k. It must be positive.
	Window time.Duration
	// AsOf is the time the data was taken. A step of a cohort is mature
	// when every deal of the cohort that reached its first stage did so at
	// least Window before AsOf; until then its rate can still rise, and it
	// is marked immature rather than shown as low conversion. It must be
	// set.
	AsOf time.Time
}

// CohortTally groups deals into cohorts by the period in which they
// entered the funnel ([Deal.Start]) and counts, per cohort, the deals that
// reached each stage and the ones that converted to the next stage within
// the window. Like [Tally], it merges: tallies of disjoint deals with the
// same options merge to the tally of all of them.
//
// A CohortTally is not safe for concurrent Add or Merge.
type CohortTally struct {
	funnel  Funnel
	opts    CohortOptions
	cohorts map[time.Time]*cohortCounts
	undated int64
}

type cohortCounts struct {
	deals     int64
	reached   []int64
	converted []int64
	unknown   []int64
	lastReach []time.Time // latest time any deal of the cohort reached each stage
}

// NewCohortTally returns an empty cohort tally. It returns an error
// wrapping [ErrOutOfRange] when the window is not positive, the period is
// not one of the constants or AsOf is zero, and [ErrEmptyFunnel] for the
// zero Funnel.
func NewCohortTally(f Funnel, opts CohortOptions) (*CohortTally, error) {
	switch {
	case f.Len() == 0:
		return nil, &StageError{Index: -1, Err: ErrEmptyFunnel}
	case opts.Window <= 0:
		return nil, &InputError{Name: "window", Value: opts.Window.String(), Err: ErrOutOfRange}
	case opts.Period < Month || opts.Period > Quarter:
		return nil, &InputError{Name: "period", Value: opts.Period.String(), Err: ErrOutOfRange}
	case opts.AsOf.IsZero():
		return nil, &InputError{Name: "as of", Value: "zero time", Err: ErrOutOfRange}
	}
	return &CohortTally{funnel: f, opts: opts, cohorts: make(map[time.Time]*cohortCounts)}, nil
}

// reachTimes fills at[k] with the time the deal reached stage k under the
// implied rule: the time of its first event at k or a later stage (zero
// when unknown or not reached).
func reachTimes(d *Deal, at []time.Time) {
	for k := range at {
		at[k] = time.Time{}
		for _, e := range d.Events {
			if e.Stage >= k {
				at[k] = e.At
				break
			}
		}
	}
}

// Add adds one deal, checked with [Deal.Validate]. A deal whose start is
// unknown is counted as undated ([CohortTally.Undated]), not dropped.
func (c *CohortTally) Add(d Deal) error {
	if c == nil || c.funnel.Len() == 0 {
		return &StageError{Input: "cohort tally", Index: -1, Err: ErrEmptyFunnel}
	}
	if err := d.Validate(c.funnel); err != nil {
		return err
	}
	start := d.Start()
	if start.IsZero() {
		if c.undated == math.MaxInt64 {
			return &DealError{ID: d.ID, Err: fmt.Errorf("%w: %d undated deals already", ErrOutOfRange, c.undated)}
		}
		c.undated++
		return nil
	}
	n := c.funnel.Len()
	key := c.opts.Period.Start(start.In(c.opts.AsOf.Location()))
	cc := c.cohorts[key]
	if cc == nil {
		cc = &cohortCounts{reached: make([]int64, n), converted: make([]int64, n-1), unknown: make([]int64, n-1), lastReach: make([]time.Time, n)}
		c.cohorts[key] = cc
	}
	if cc.deals == math.MaxInt64 {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: the cohort already counts %d deals", ErrOutOfRange, cc.deals)}
	}
	var buf [16]time.Time // most funnels: no allocation per deal
	var at []time.Time
	if n <= len(buf) {
		at = buf[:n]
	} else {
		at = make([]time.Time, n)
	}
	reachTimes(&d, at)
	furthest := d.Furthest()
	cc.deals++
	for k := 0; k <= furthest; k++ {
		cc.reached[k]++
		if at[k].After(cc.lastReach[k]) {
			cc.lastReach[k] = at[k]
		}
		if k+1 > furthest { // the last stage has no next one: furthest <= n−1
			continue
		}
		switch {
		case at[k].IsZero() || at[k+1].IsZero():
			cc.unknown[k]++
		case at[k+1].Sub(at[k]) <= c.opts.Window:
			cc.converted[k]++
		}
	}
	return nil
}

// Merge adds the cohorts of u to c. Both must have the same funnel and
// options; otherwise it returns an error wrapping [ErrIncompatible]. A
// count that would pass an int64 is an error wrapping [ErrOutOfRange]. On
// an error c is unchanged.
func (c *CohortTally) Merge(u *CohortTally) error {
	if c == nil || c.funnel.Len() == 0 {
		return &StageError{Input: "cohort tally", Index: -1, Err: ErrEmptyFunnel}
	}
	if u == nil {
		return &InputError{Name: "merge", Value: "nil cohort tally", Err: ErrIncompatible}
	}
	if !c.funnel.Equal(u.funnel) || c.opts.Period != u.opts.Period || c.opts.Window != u.opts.Window || !c.opts.AsOf.Equal(u.opts.AsOf) {
		return &InputError{Name: "merge", Value: "cohort tallies with different funnels or options", Err: ErrIncompatible}
	}
	// Every count of a cohort is at most its deals, so the sums of deals
	// bound them all.
	if _, ok := num.Add(c.undated, u.undated); !ok {
		return &InputError{Name: "undated", Value: fmt.Sprintf("%d + %d", c.undated, u.undated), Err: fmt.Errorf("%w: a count past an int64", ErrOutOfRange)}
	}
	for key, g := range u.cohorts {
		if cc := c.cohorts[key]; cc != nil {
			if _, ok := num.Add(cc.deals, g.deals); !ok {
				return &InputError{Name: "deals", Value: fmt.Sprintf("%d + %d", cc.deals, g.deals), Err: fmt.Errorf("%w: a count past an int64", ErrOutOfRange)}
			}
		}
	}
	for key, g := range u.cohorts {
		cc := c.cohorts[key]
		if cc == nil {
			n := c.funnel.Len()
			cc = &cohortCounts{reached: make([]int64, n), converted: make([]int64, n-1), unknown: make([]int64, n-1), lastReach: make([]time.Time, n)}
			c.cohorts[key] = cc
		}
		cc.deals += g.deals
		for k := range cc.reached {
			cc.reached[k] += g.reached[k]
			if g.lastReach[k].After(cc.lastReach[k]) {
				cc.lastReach[k] = g.lastReach[k]
			}
		}
		for k := range cc.converted {
			cc.converted[k] += g.converted[k]
			cc.unknown[k] += g.unknown[k]
		}
	}
	c.undated += u.undated
	return nil
}

// Undated returns the number of deals added whose start was unknown, and
// so are in no cohort.
func (c *CohortTally) Undated() int64 {
	if c == nil {
		return 0
	}
	return c.undated
}

// CohortStage is one stage of a cohort: the deals of the cohort that
// reached it and, following the row convention of [Table], the step into
// it from the stage before.
type CohortStage struct {
	Stage   string `json:"stage"`
	Reached int64  `json:"reached"` // implied reach, at any time
	// Converted counts the deals that reached this stage within the
	// window of reaching the stage before, of those that reached the stage
	// before; the zero Rate (value null) on the first stage.
	Converted Rate `json:"converted"`
	// Unknown counts the deals that reached this stage but whose times do
	// not say whether within the window; they are in Converted.N but not
	// in Converted.K.
	Unknown int64 `json:"unknown"`
	// Mature is true when every deal that reached the stage before did so
	// at least a window before AsOf, so Converted can no longer change;
	// always true on the first stage.
	Mature bool `json:"mature"`
}

// Cohort is the funnel of the deals that entered in one period.
type Cohort struct {
	Label  string        `json:"label"`
	Start  time.Time     `json:"start"`
	End    time.Time     `json:"end"` // exclusive
	Deals  int64         `json:"deals"`
	Stages []CohortStage `json:"stages"`
	// Mature is true when every stage is mature.
	Mature bool `json:"mature"`
}

// Cohorts returns the cohorts in time order; none for a nil tally.
func (c *CohortTally) Cohorts() []Cohort {
	if c == nil {
		return nil
	}
	keys := make([]time.Time, 0, len(c.cohorts))
	for k := range c.cohorts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]Cohort, 0, len(keys))
	for _, key := range keys {
		cc := c.cohorts[key]
		co := Cohort{
			Label:  c.opts.Period.Label(key),
			Start:  key,
			End:    c.opts.Period.End(key),
			Deals:  cc.deals,
			Stages: make([]CohortStage, len(cc.reached)),
			Mature: true,
		}
		for k := range cc.reached {
			st := CohortStage{Stage: c.funnel.Stage(k), Reached: cc.reached[k], Mature: true}
			if k > 0 {
				st.Converted = Rate{K: cc.converted[k-1], N: cc.reached[k-1]}
				st.Unknown = cc.unknown[k-1]
				st.Mature = cc.reached[k-1] == 0 || !cc.lastReach[k-1].Add(c.opts.Window).After(c.opts.AsOf)
			}
			co.Stages[k] = st
			co.Mature = co.Mature && st.Mature
		}
		out = append(out, co)
	}
	return out
}

// Funnel returns the cohort tally's funnel.
func (c *CohortTally) Funnel() Funnel {
	if c == nil {
		return Funnel{}
	}
	return c.funnel
}

// Options returns the cohort tally's options.
func (c *CohortTally) Options() CohortOptions {
	if c == nil {
		return CohortOptions{}
	}
	return c.opts
}

// cohortTallyJSON is the encoded form of a CohortTally.
type cohortTallyJSON struct {
	Funnel  Funnel       `json:"funnel"`
	Period  Period       `json:"period"`
	Window  float64      `json:"window_days"`
	AsOf    time.Time    `json:"as_of"`
	Undated int64        `json:"undated"`
	Cohorts []cohortJSON `json:"cohorts"`
}

type cohortJSON struct {
	Start     time.Time   `json:"start"`
	Deals     int64       `json:"deals"`
	Reached   []int64     `json:"reached"`
	Converted []int64     `json:"converted"`
	Unknown   []int64     `json:"unknown"`
	LastReach []time.Time `json:"last_reach"`
}

// MarshalJSON encodes the cohort tally with its funnel, options (the
// window in days) and the counts of every cohort in time order, so that
// cohort tallies made on several machines can be merged on one. Per cohort
// converted[k] and unknown[k] count the step from stage k to stage k+1, and
// last_reach[k] is the latest time a deal of the cohort reached stage k.
// A nil c encodes as null.
func (c *CohortTally) MarshalJSON() ([]byte, error) {
	if c == nil {
		return []byte("null"), nil
	}
	j := cohortTallyJSON{Funnel: c.funnel, Period: c.opts.Period, Window: span.DaysOf(c.opts.Window),
		AsOf: c.opts.AsOf, Undated: c.undated, Cohorts: []cohortJSON{}}
	keys := make([]time.Time, 0, len(c.cohorts))
	for k := range c.cohorts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
	for _, k := range keys {
		cc := c.cohorts[k]
		j.Cohorts = append(j.Cohorts, cohortJSON{Start: k, Deals: cc.deals, Reached: cc.reached, Converted: cc.converted, Unknown: cc.unknown, LastReach: cc.lastReach})
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a cohort tally written by
// [CohortTally.MarshalJSON], with the checks of [NewCohortTally] on the
// funnel and options and, per cohort, that its start begins a period, that
// no start is repeated, and that its counts can come from deals: none
// negative, reached never rising down the funnel nor above the deals,
// converted plus unknown at most the next stage's count, and a latest
// reach time only for a stage some deal reached, never before the
// cohort's start (the zero time where none is known). A time that is not
// an RFC 3339 string is an error wrapping [ErrOutOfRange] naming it, such
// as "cohorts[2].last_reach[1]". A failure is a *[InputError] or
// *[StageError] naming the place, such as "cohorts[2].converted", wrapping
// [ErrOutOfRange], [ErrNegativeCount], [ErrCountsRise],
// [ErrLengthMismatch] or [ErrIncompatible]. On an error c is unchanged.
func (c *CohortTally) UnmarshalJSON(b []byte) error {
	var j cohortTallyJSON
	if err := decodeJSON(b, &j, "cohort tally"); err != nil {
		return cohortTimeErr(b, err)
	}
	window, ok := windowOf(j.Window)
	if !ok || !(j.Window > 0 && j.Window <= maxDays) {
		return inputErr("window_days", j.Window, fmt.Errorf("%w: want more than 0 and at most %d", ErrOutOfRange, maxDays))
	}
	u, err := NewCohortTally(j.Funnel, CohortOptions{Period: j.Period, Window: window, AsOf: j.AsOf})
	if err != nil {
		return err
	}
	if j.Undated < 0 {
		return countErr("undated", j.Undated, ErrNegativeCount)
	}
	n := j.Funnel.Len()
	for i, co := range j.Cohorts {
		place := fmt.Sprintf("cohorts[%d]", i)
		if err := co.check(n, place); err != nil {
			return err
		}
		start := co.Start.In(j.AsOf.Location())
		if !j.Period.Start(start).Equal(start) {
			return &InputError{Name: place + ".start", Value: co.Start.Format(time.RFC3339), Err: fmt.Errorf("%w: not the start of a %s", ErrOutOfRange, j.Period)}
		}
		if _, dup := u.cohorts[start]; dup {
			return &InputError{Name: place + ".start", Value: co.Start.Format(time.RFC3339), Err: fmt.Errorf("%w: cohort repeated", ErrIncompatible)}
		}
		if err := co.checkReach(place); err != nil {
			return err
		}
		u.cohorts[start] = &cohortCounts{deals: co.Deals, reached: co.Reached, converted: co.Converted, unknown: co.Unknown, lastReach: co.LastReach}
	}
	u.undated = j.Undated
	*c = *u
	return nil
}

// windowOf returns the window whose days are days, as [span.DaysOf] gives
// them: the window a cohort tally was made with comes back from its
// encoding exactly, not a few nanoseconds off, so that the decoded tally
// merges with one made with the same options. Days are a float64, which
// holds a duration of more than 2^53 ns (104 days) only to about 2^−53 of
// it, so several durations a few nanoseconds apart can have the same days;
// windowOf takes the roundest of them: the duration nearest to days
// rounded to a day, an hour, a minute, a second, a millisecond or a
// microsecond, the first of these whose days are days, or else the
// duration nearest to days whose days are days. A window of whole
// microseconds up to 10^4 days, or of whole milliseconds, comes back as it
// was. When no duration has exactly these days (a document written by
// hand), it returns the window of the days of the nearest duration, so
// that decoding, encoding and decoding again gives the same window. It
// reports false for days that are NaN or out of time.Duration's range.
func windowOf(days float64) (time.Duration, bool) {
	d0, ok := span.Duration(days)
	if !ok || d0 <= 0 {
		return d0, ok
	}
	for _, u := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second, time.Millisecond, time.Microsecond} {
		if r := d0.Round(u); r > 0 && span.DaysOf(r) == days {
			return r, true
		}
	}
	// days × 86400e9 is within about 3 × 2^−53 of the duration whose days
	// are days: reach = d0 / 2^50 + 8 covers it.
	reach := d0>>50 + 8
	for k := time.Duration(0); k <= reach; k++ {
		for _, d := range []time.Duration{d0 - k, d0 + k} {
			if d > 0 && span.DaysOf(d) == days {
				return d, true
			}
		}
	}
	if w := span.DaysOf(d0); w != days {
		return windowOf(w) // d0's days have d0, so this recursion ends there
	}
	return d0, true
}

// cohortTimeErr returns err, the failure to decode the cohort tally b, as
// it is when it is a typed error of the package. Otherwise it is the
// failure of a time (time.Time's decoder is the one of a cohort tally
// outside the package, and its errors are its own), and cohortTimeErr
// returns a *InputError wrapping [ErrOutOfRange] that names the first time
// of b that does not decode, such as cohorts[2].last_reach[1].
func cohortTimeErr(b []byte, err error) error {
	var ie *InputError
	var se *StageError
	if errors.As(err, &ie) || errors.As(err, &se) {
		return err
	}
	fail := func(place string, raw []byte) error {
		return &InputError{Name: place, Value: string(raw), Err: fmt.Errorf("%w: want an RFC 3339 time in a JSON string", ErrOutOfRange)}
	}
	bad := func(raw json.RawMessage) bool {
		var t time.Time
		return raw != nil && t.UnmarshalJSON(raw) != nil
	}
	var doc struct {
		AsOf    json.RawMessage `json:"as_of"`
		Cohorts []struct {
			Start     json.RawMessage   `json:"start"`
			LastReach []json.RawMessage `json:"last_reach"`
		} `json:"cohorts"`
	}
	if json.Unmarshal(b, &doc) == nil {
		if bad(doc.AsOf) {
			return fail("as_of", doc.AsOf)
		}
		for i, co := range doc.Cohorts {
			place := fmt.Sprintf("cohorts[%d]", i)
			if bad(co.Start) {
				return fail(place+".start", co.Start)
			}
			for k, raw := range co.LastReach {
				if bad(raw) {
					return fail(fmt.Sprintf("%s.last_reach[%d]", place, k), raw)
				}
			}
		}
	}
	return &InputError{Name: "cohort tally", Err: fmt.Errorf("%w: %v", ErrOutOfRange, err)}
}

// check verifies a decoded cohort of a funnel of n stages.
func (co cohortJSON) check(n int, place string) error {
	for _, l := range []struct {
		name string
		got  int
		want int
	}{{"reached", len(co.Reached), n}, {"converted", len(co.Converted), n - 1}, {"unknown", len(co.Unknown), n - 1}, {"last_reach", len(co.LastReach), n}} {
		if l.got != l.want {
			return &InputError{Name: place + "." + l.name, Value: fmt.Sprintf("%d entries", l.got), Err: fmt.Errorf("%w: want %d", ErrLengthMismatch, l.want)}
		}
	}
	if co.Deals < 0 {
		return countErr(place+".deals", co.Deals, ErrNegativeCount)
	}
	prev := co.Deals
	for k, r := range co.Reached {
		switch {
		case r < 0:
			return &StageError{Input: place + ".reached", Index: k, Err: fmt.Errorf("%w: %d", ErrNegativeCount, r)}
		case r > prev:
			return &StageError{Input: place + ".reached", Index: k, Err: fmt.Errorf("%w: %d after %d", ErrCountsRise, r, prev)}
		}
		prev = r
	}
	for k := range co.Converted {
		cv, un := co.Converted[k], co.Unknown[k]
		switch {
		case cv < 0 || un < 0:
			return &StageError{Input: place + ".converted", Index: k, Err: fmt.Errorf("%w: converted %d, unknown %d", ErrNegativeCount, cv, un)}
		case cv > co.Reached[k+1] || un > co.Reached[k+1]-cv:
			return &StageError{Input: place + ".converted", Index: k, Err: fmt.Errorf("%w: converted %d and unknown %d of %d that reached the next stage", ErrCountsRise, cv, un, co.Reached[k+1])}
		}
	}
	return nil
}

// checkReach verifies the latest reach times of a decoded cohort that
// passed check: each one some deal of the cohort gave. A deal reaches a
// stage at the time of an event, which is never before its start, and its
// start is in the cohort.
func (co cohortJSON) checkReach(place string) error {
	for k, at := range co.LastReach {
		switch {
		case at.IsZero():
		case co.Reached[k] == 0:
			return &StageError{Input: place + ".last_reach", Index: k, Err: fmt.Errorf("%w: %s for a stage no deal reached", ErrOutOfRange, at.Format(time.RFC3339Nano))}
		case at.Before(co.Start):
			return &StageError{Input: place + ".last_reach", Index: k, Err: fmt.Errorf("%w: %s, before the cohort's start %s", ErrOutOfRange, at.Format(time.RFC3339Nano), co.Start.Format(time.RFC3339))}
		}
	}
	return nil
}

// Change compares one stage between two periods (or any two sets of
// deals): the count reached in each and the resolved step into the stage,
// as rows of [Table] give them.
type Change struct {
	Stage  string `json:"stage"`
	Before int64  `json:"before"`
	After  int64  `json:"after"`
	Delta  int64  `json:"delta"` // After − Before
	// DeltaShare is Delta / Before; null when Before is 0.
	DeltaShare NullFloat64 `json:"delta_share"`
	// StepBefore and StepAfter are the resolved steps into this stage
	// ([Row.Resolved]); 0 of 0 on the first stage.
	StepBefore Rate `json:"step_before"`
	StepAfter  Rate `json:"step_after"`
	// StepDelta is StepAfter − StepBefore in rate points (0.05 is five
	// points); null when either has no trials.
	StepDelta NullFloat64 `json:"step_delta"`
}

// Compare puts the same funnel for two periods side by side: the counts
// of each (for example the [Counts] of two tallies, or of two cohorts'
// deals; [FromReached] makes them from plain counts) and, per stage, the
// change in the count reached and in the resolved step into the stage
// (under the [Implied] rule). It returns the errors of [NewTable] for
// either, with the input named "before" or "after".
func Compare(f Funnel, before, after Counts) ([]Change, error) {
	tb, err := NewTable(f, before, nil)
	if err != nil {
		return nil, placed("before", err)
	}
	ta, err := NewTable(f, after, nil)
	if err != nil {
		return nil, placed("after", err)
	}
	out := make([]Change, f.Len())
	for k := range out {
		b, a := tb.Stages[k], ta.Stages[k]
		ch := Change{Stage: f.Stage(k), Before: b.Reached, After: a.Reached, Delta: a.Reached - b.Reached,
			StepBefore: b.Resolved, StepAfter: a.Resolved}
		if b.Reached > 0 {
			ch.DeltaShare = Some(float64(ch.Delta) / float64(b.Reached))
		}
		if b.Resolved.Defined() && a.Resolved.Defined() {
			ch.StepDelta = Some(a.Resolved.Value() - b.Resolved.Value())
		}
		out[k] = ch
	}
	return out, nil
}
