package funnel

import (
	"fmt"
	"slices"
	"time"
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
	if err := d.Validate(c.funnel); err != nil {
		return err
	}
	start := d.Start()
	if start.IsZero() {
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
	var buf [16]time.Time // most funnels: no allocation per deal
	at := buf[:0]
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
		if k == n-1 || k+1 > furthest {
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
// options; otherwise it returns an error wrapping [ErrIncompatible].
func (c *CohortTally) Merge(u *CohortTally) error {
	if !c.funnel.Equal(u.funnel) || c.opts.Period != u.opts.Period || c.opts.Window != u.opts.Window || !c.opts.AsOf.Equal(u.opts.AsOf) {
		return fmt.Errorf("funnel: merge cohort tallies with different funnels or options: %w", ErrIncompatible)
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
func (c *CohortTally) Undated() int64 { return c.undated }

// CohortStep is one step of a cohort: the deals that reached From and, of
// them, the ones that reached To within the window.
type CohortStep struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Converted Rate   `json:"converted"` // reached To within the window, of those that reached From
	// Unknown counts the deals that reached To but whose times do not say
	// whether within the window; they are in Converted.N but not in
	// Converted.K.
	Unknown int64 `json:"unknown"`
	// Mature is true when every deal that reached From did so at least a
	// window before AsOf, so the rate can no longer change.
	Mature bool `json:"mature"`
}

// Cohort is the funnel of the deals that entered in one period.
type Cohort struct {
	Label   string       `json:"label"`
	Start   time.Time    `json:"start"`
	End     time.Time    `json:"end"` // exclusive
	Deals   int64        `json:"deals"`
	Reached []int64      `json:"reached"` // implied reach, at any time
	Steps   []CohortStep `json:"steps"`
	// Mature is true when every step is mature.
	Mature bool `json:"mature"`
}

// Cohorts returns the cohorts in time order.
func (c *CohortTally) Cohorts() []Cohort {
	keys := make([]time.Time, 0, len(c.cohorts))
	for k := range c.cohorts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]Cohort, 0, len(keys))
	for _, key := range keys {
		cc := c.cohorts[key]
		co := Cohort{
			Label:   c.opts.Period.Label(key),
			Start:   key,
			End:     c.opts.Period.End(key),
			Deals:   cc.deals,
			Reached: slices.Clone(cc.reached),
			Steps:   make([]CohortStep, len(cc.converted)),
			Mature:  true,
		}
		for k := range cc.converted {
			mature := cc.reached[k] == 0 || !cc.lastReach[k].Add(c.opts.Window).After(c.opts.AsOf)
			co.Steps[k] = CohortStep{
				From:      c.funnel.Stage(k),
				To:        c.funnel.Stage(k + 1),
				Converted: Rate{K: cc.converted[k], N: cc.reached[k]},
				Unknown:   cc.unknown[k],
				Mature:    mature,
			}
			co.Mature = co.Mature && mature
		}
		out = append(out, co)
	}
	return out
}

// Change compares one stage between two periods (or any two sets of
// deals): the count reached in each and the conversion to the next stage.
type Change struct {
	Stage  string `json:"stage"`
	Before int64  `json:"before"`
	After  int64  `json:"after"`
	Delta  int64  `json:"delta"` // After − Before
	// DeltaPct is Delta / Before, and Defined false when Before is 0.
	DeltaPct float64 `json:"delta_pct"`
	Defined  bool    `json:"defined"`
	// ConvBefore and ConvAfter are the conversions to the next stage;
	// both are 0 of 0 on the last stage.
	ConvBefore Rate `json:"conv_before"`
	ConvAfter  Rate `json:"conv_after"`
	// ConvDelta is ConvAfter − ConvBefore in rate points (0.05 is five
	// points), 0 when either is undefined.
	ConvDelta float64 `json:"conv_delta"`
}

// Compare puts the same funnel for two periods side by side: the counts
// reached at each stage before and after (for example Counts.Reached of
// two tallies, or Cohort.Reached of two cohorts) and the change. It returns
// an error wrapping [ErrLengthMismatch] when a slice does not have one
// count per stage, and the errors of [CheckReached] for counts that are
// negative or rise down the funnel.
func Compare(f Funnel, before, after []int64) ([]Change, error) {
	if err := checkReached(f, "before", before); err != nil {
		return nil, err
	}
	if err := checkReached(f, "after", after); err != nil {
		return nil, err
	}
	out := make([]Change, f.Len())
	for k := range out {
		ch := Change{Stage: f.Stage(k), Before: before[k], After: after[k], Delta: after[k] - before[k]}
		if before[k] > 0 {
			ch.DeltaPct = float64(ch.Delta) / float64(before[k])
			ch.Defined = true
		}
		if k+1 < len(out) {
			ch.ConvBefore = Rate{K: before[k+1], N: before[k]}
			ch.ConvAfter = Rate{K: after[k+1], N: after[k]}
			if ch.ConvBefore.Defined() && ch.ConvAfter.Defined() {
				ch.ConvDelta = ch.ConvAfter.Value() - ch.ConvBefore.Value()
			}
		}
		out[k] = ch
	}
	return out, nil
}

// CheckReached checks counts reached per stage against the funnel: one per
// stage, none negative, none above the one before. It returns a
// *[InputError] wrapping [ErrLengthMismatch] or a *[StageError] wrapping
// [ErrNegativeCount] or [ErrCountsRise].
func CheckReached(f Funnel, reached []int64) error { return checkReached(f, "reached", reached) }

// checkReached is [CheckReached] with errors that name the input.
func checkReached(f Funnel, name string, reached []int64) error {
	if f.Len() == 0 {
		return &StageError{Input: name, Index: -1, Err: ErrEmptyFunnel}
	}
	if len(reached) != f.Len() {
		return &InputError{Name: name, Value: fmt.Sprintf("%d counts for %d stages", len(reached), f.Len()), Err: ErrLengthMismatch}
	}
	for k, v := range reached {
		if v < 0 {
			return &StageError{Input: name, Stage: f.Stage(k), Index: k, Err: fmt.Errorf("%w: %d", ErrNegativeCount, v)}
		}
		if k > 0 && v > reached[k-1] {
			return &StageError{Input: name, Stage: f.Stage(k), Index: k, Err: fmt.Errorf("%w: %d after %d at %q", ErrCountsRise, v, reached[k-1], f.Stage(k-1))}
		}
	}
	return nil
}
