package markov

import (
	"fmt"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/internal/span"
)

// Counts are the stage-to-stage moves observed in deal histories, the raw
// material of a [Chain]. Every field is a sum over deals, so the Counts of
// disjoint sets of deals add up ([Counts.Merge]) and a chain can be built
// from shards.
//
// With L the funnel's last (won) stage, rows run over the stages 0..L−1
// that a deal can leave:
//   - Moves[i][j] counts moves from stage i to stage j (0..L) between
//     consecutive events, skips, regressions and repeats included; a move
//     into L is a win. A won deal's events after its first entry into L
//     are ignored: won is absorbing.
//   - Lost[i] counts the lost deals whose last event was at i: the move
//     from the last stage to lost.
//   - Open[i] counts the open deals whose last event is at i: they have
//     not left it, so it contributes no exit.
//   - VisitDays[i] sums the days spent in stage i over the visits that
//     ended in an observed exit with a known time at both ends (the next
//     event, or Closed for a lost deal), TimedVisits[i] counts those
//     visits.
type Counts struct {
	Funnel      funnel.Funnel `json:"funnel"`
	Moves       [][]int64     `json:"moves"`
	Lost        []int64       `json:"lost"`
	Open        []int64       `json:"open"`
	VisitDays   []float64     `json:"visit_days"`
	TimedVisits []int64       `json:"timed_visits"`
	Deals       int64         `json:"deals"` // deals added
}

// NewCounts returns empty counts for the funnel. It returns an error
// wrapping [funnel.ErrEmptyFunnel] for a funnel with no stages.
func NewCounts(f funnel.Funnel) (Counts, error) {
	if f.Len() == 0 {
		return Counts{}, &Error{Op: "NewCounts", Err: funnel.ErrEmptyFunnel}
	}
	l := f.Last()
	c := Counts{
		Funnel:      f,
		Moves:       make([][]int64, l),
		Lost:        make([]int64, l),
		Open:        make([]int64, l),
		VisitDays:   make([]float64, l),
		TimedVisits: make([]int64, l),
	}
	for i := range c.Moves {
		c.Moves[i] = make([]int64, l+1)
	}
	return c, nil
}

// Count returns the counts of the deals (see [Counts]). It returns an
// error wrapping [funnel.ErrEmptyFunnel], or the *[funnel.DealError] of the
// first deal that fails [funnel.Deal.Validate]. The deals are not
// modified.
func Count(f funnel.Funnel, deals []funnel.Deal) (Counts, error) {
	c, err := NewCounts(f)
	if err != nil {
		return Counts{}, err
	}
	for i := range deals {
		if err := c.Add(deals[i]); err != nil {
			return Counts{}, err
		}
	}
	return c, nil
}

// Add adds one deal's moves. The deal is validated against the counts'
// funnel with [funnel.Deal.Validate]; on error the counts are unchanged.
// The deal is not modified.
func (c *Counts) Add(d funnel.Deal) error {
	if err := c.check("Add"); err != nil {
		return err
	}
	if err := d.Validate(c.Funnel); err != nil {
		return err
	}
	c.Deals++
	l := c.Funnel.Last()
	ev := d.Events
	for k := range ev {
		if ev[k].Stage == l {
			ev = ev[:k+1]
			break
		}
	}
	for k := 0; k+1 < len(ev); k++ {
		from, to := ev[k], ev[k+1]
		c.Moves[from.Stage][to.Stage]++
		c.timeVisit(from.Stage, from, to.At)
	}
	if len(ev) == 0 {
		return nil
	}
	last := ev[len(ev)-1]
	switch {
	case last.Stage == l:
	case d.Outcome == funnel.Lost:
		c.Lost[last.Stage]++
		c.timeVisit(last.Stage, last, d.Closed)
	default:
		c.Open[last.Stage]++
	}
	return nil
}

// timeVisit adds a visit to stage i that began with event e and ended at
// end, when both times are known.
func (c *Counts) timeVisit(i int, e funnel.Event, end time.Time) {
	if e.At.IsZero() || end.IsZero() {
		return
	}
	c.VisitDays[i] += span.Days(end, e.At)
	c.TimedVisits[i]++
}

// add returns a + b for counts a, b >= 0, and false when the sum does not
// fit in an int64.
func add(a, b int64) (int64, bool) {
	if a > math.MaxInt64-b {
		return 0, false
	}
	return a + b, true
}

// Merge returns the sum of c and o, which must have equal funnels. It
// returns an error wrapping [ErrFunnelMismatch], or [ErrBadCounts] for
// malformed counts or a sum too large for an int64 (or, for days, a
// float64). Neither input is modified.
func (c Counts) Merge(o Counts) (Counts, error) {
	if err := c.check("Merge"); err != nil {
		return Counts{}, err
	}
	if err := o.check("Merge"); err != nil {
		return Counts{}, err
	}
	if !c.Funnel.Equal(o.Funnel) {
		return Counts{}, &Error{Op: "Merge", Err: fmt.Errorf("%w: %s and %s", ErrFunnelMismatch, c.Funnel, o.Funnel)}
	}
	m, _ := NewCounts(c.Funnel)
	ok := true
	sum := func(a, b int64) int64 {
		s, fits := add(a, b)
		ok = ok && fits
		return s
	}
	for i := range m.Moves {
		for j := range m.Moves[i] {
			m.Moves[i][j] = sum(c.Moves[i][j], o.Moves[i][j])
		}
		m.Lost[i] = sum(c.Lost[i], o.Lost[i])
		m.Open[i] = sum(c.Open[i], o.Open[i])
		m.VisitDays[i] = c.VisitDays[i] + o.VisitDays[i]
		m.TimedVisits[i] = sum(c.TimedVisits[i], o.TimedVisits[i])
	}
	m.Deals = sum(c.Deals, o.Deals)
	if !ok {
		return Counts{}, &Error{Op: "Merge", Err: fmt.Errorf("%w: a sum does not fit in an int64", ErrBadCounts)}
	}
	// Finite days can still add up to an infinity; check says so.
	if err := m.check("Merge"); err != nil {
		return Counts{}, err
	}
	return m, nil
}

// check reports counts of the wrong shape for their funnel, negative
// counts, a stage whose exits (Σ_j Moves[i][j] + Lost[i]) do not fit in an
// int64, and days that are negative or not finite, wrapping
// [ErrBadCounts] (or [funnel.ErrEmptyFunnel] for the zero Counts).
func (c Counts) check(op string) error {
	if c.Funnel.Len() == 0 {
		return &Error{Op: op, Err: funnel.ErrEmptyFunnel}
	}
	l := c.Funnel.Last()
	bad := func(format string, args ...any) error {
		return &Error{Op: op, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadCounts}, args...)...)}
	}
	if len(c.Moves) != l || len(c.Lost) != l || len(c.Open) != l || len(c.VisitDays) != l || len(c.TimedVisits) != l {
		return bad("want %d rows for funnel %s", l, c.Funnel)
	}
	if c.Deals < 0 {
		return bad("deals = %d", c.Deals)
	}
	for i := range l {
		stage := func(format string, args ...any) error {
			return &Error{Op: op, Stage: c.Funnel.Stage(i), Err: fmt.Errorf("%w: "+format, append([]any{ErrBadCounts}, args...)...)}
		}
		if len(c.Moves[i]) != l+1 {
			return stage("moves row has %d entries, want %d", len(c.Moves[i]), l+1)
		}
		exits, fits := int64(0), true
		for j, m := range c.Moves[i] {
			if m < 0 {
				return stage("moves to %q = %d", c.Funnel.Stage(j), m)
			}
			if exits, fits = add(exits, m); !fits {
				return stage("exits do not fit in an int64")
			}
		}
		switch v := c.VisitDays[i]; {
		case c.Lost[i] < 0 || c.Open[i] < 0 || c.TimedVisits[i] < 0:
			return stage("negative count")
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			return stage("visit days = %v", v)
		}
		if _, fits = add(exits, c.Lost[i]); !fits {
			return stage("exits do not fit in an int64")
		}
	}
	return nil
}
