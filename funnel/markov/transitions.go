package markov

import (
	"fmt"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dates"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/funnelmath/funnelmath/internal/span"
)

// Transitions are the stage-to-stage moves observed in deal histories,
// the raw material of a [Chain]. Every field is a sum over deals, so the
// Transitions of disjoint sets of deals add up ([Transitions.Merge]) and a
// chain can be built from shards.
//
// Moves are counted over a deal's stays ([funnel.Deal.Stays]): consecutive
// events at one stage, as an export writes when an amount or a close date
// changes, are one visit, not a move from the stage to itself.
//
// With L the funnel's last (won) stage, rows run over the stages 0..L−1
// that a deal can leave:
//   - Moves[i][j] counts moves from stage i to stage j (0..L) between
//     consecutive stays, skips and regressions included; a move into L is
//     a win. A won deal's stays after its first entry into L are ignored:
//     won is absorbing. Deals never give Moves[i][i]; counts built by hand
//     may, and the chain reads it as one more step in stage i.
//   - Lost[i] counts the lost deals whose last stay was at i: the move
//     from the last stage to lost.
//   - Open[i] counts the open deals whose last stay is at i: they have
//     not left it, so it contributes no exit.
//   - VisitDays[i] sums the days spent in stage i over the visits that
//     ended in an observed exit with a known time at both ends (the next
//     stay, or Closed for a lost deal), TimedVisits[i] counts those
//     visits.
//
// In JSON, Transitions are {"funnel", "moves", "lost", "open",
// "visit_days", "timed_visits", "deals"}.
type Transitions struct {
	Funnel      funnel.Funnel `json:"funnel"`
	Moves       [][]int64     `json:"moves"`
	Lost        []int64       `json:"lost"`
	Open        []int64       `json:"open"`
	VisitDays   []float64     `json:"visit_days"`
	TimedVisits []int64       `json:"timed_visits"`
	Deals       int64         `json:"deals"` // deals added
}

// NewTransitions returns empty transitions for the funnel. It returns a
// *[funnel.InputError] wrapping [funnel.ErrEmptyFunnel] for a funnel with
// no stages.
func NewTransitions(f funnel.Funnel) (Transitions, error) {
	if f.Len() == 0 {
		return Transitions{}, &funnel.InputError{Op: "markov.NewTransitions", Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	return newTransitions(f), nil
}

// newTransitions returns empty transitions for a funnel with stages.
func newTransitions(f funnel.Funnel) Transitions {
	l := f.Last()
	c := Transitions{
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
	return c
}

// CountMoves returns the transitions of a stream of deals, such as a
// reader of package funnel/crm yields ([funnel.Stream] turns a slice into
// one). It returns the stream's first error as it is (a row that could not
// be read), the *[funnel.DealError] of the first deal that fails
// [funnel.Deal.Validate] or that has a date the model cannot hold
// (wrapping [funnel.ErrZeroDate]: a date before 0001-01-01 UTC, after the
// year 9999, or more than a day off UTC; the zero time is an unknown time
// and passes), and a *[funnel.InputError] wrapping [funnel.ErrEmptyFunnel]
// for a funnel with no stages. The deals are not modified.
func CountMoves(f funnel.Funnel, deals iter.Seq2[funnel.Deal, error]) (Transitions, error) {
	const op = "markov.CountMoves"
	if f.Len() == 0 {
		return Transitions{}, &funnel.InputError{Op: op, Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	c := newTransitions(f)
	for d, err := range deals {
		if err != nil {
			return Transitions{}, err
		}
		if err := c.add(op, d); err != nil {
			return Transitions{}, err
		}
	}
	return c, nil
}

// Add adds one deal's moves. The deal is validated against the funnel
// with [funnel.Deal.Validate], whose *[funnel.DealError] comes back with
// Op "markov.Add", and a date of the deal the model cannot hold (see
// [CountMoves]) is a *[funnel.DealError] wrapping [funnel.ErrZeroDate];
// malformed transitions are an error as for [Transitions.Solve], a count
// that would pass an int64 one wrapping [funnel.ErrOutOfRange], and a nil
// c one wrapping [funnel.ErrEmptyFunnel], as the zero Transitions is. On
// error c is unchanged. The deal is not modified.
func (c *Transitions) Add(d funnel.Deal) error {
	const op = "markov.Add"
	if c == nil {
		return &funnel.InputError{Op: op, Name: "transitions", Value: "nil", Err: funnel.ErrEmptyFunnel}
	}
	if err := c.check(op); err != nil {
		return err
	}
	return c.add(op, d)
}

// add adds a deal to well-formed transitions.
func (c *Transitions) add(op string, d funnel.Deal) error {
	if err := d.Validate(c.Funnel); err != nil {
		return funnel.WithOp(op, err)
	}
	if err := dates.Deal(&d); err != nil {
		return &funnel.DealError{Op: op, ID: d.ID, Err: err}
	}
	l := c.Funnel.Last()
	st := d.Stays()
	for k := range st {
		if st[k].Stage == l {
			st = st[:k+1]
			break
		}
	}
	if err := c.fits(st, d.Outcome); err != nil {
		return &funnel.DealError{Op: op, ID: d.ID, Err: err}
	}
	c.Deals++
	for k := 0; k+1 < len(st); k++ {
		from, to := st[k], st[k+1]
		c.Moves[from.Stage][to.Stage]++
		c.timeVisit(from, to.At)
	}
	if len(st) == 0 {
		return nil
	}
	switch last := st[len(st)-1]; {
	case last.Stage == l:
	case d.Outcome == funnel.Lost:
		c.Lost[last.Stage]++
		c.timeVisit(last, d.Closed)
	default:
		c.Open[last.Stage]++
	}
	return nil
}

// fits returns an error wrapping [funnel.ErrOutOfRange] when adding a
// deal with stays st (cut at the won stage) and the outcome would take a
// count past an int64: the deals, a stage's exits or its open deals.
// Exits bound each of a stage's moves and its lost count, and check keeps
// its timed visits at most its exits, so those fit when the exits do.
// Counts built from deals never come near; counts built by hand may.
func (c *Transitions) fits(st []funnel.Event, outcome funnel.Outcome) error {
	fail := func(what string) error {
		return fmt.Errorf("%w: %s past an int64", funnel.ErrOutOfRange, what)
	}
	if c.Deals == math.MaxInt64 {
		return fail("deals")
	}
	if len(st) == 0 {
		return nil
	}
	last := st[len(st)-1]
	for k, e := range st {
		if e.Stage == c.Funnel.Last() {
			continue // won is absorbing: no exits
		}
		// From its stay k on, the deal leaves the stage once from each
		// stay there but the last, and from the last too when it is lost.
		// At a stage's first stay that is every exit the deal adds to it;
		// at a later stay, a part, checked again.
		var adds int64
		for j := k; j < len(st)-1; j++ {
			if st[j].Stage == e.Stage {
				adds++
			}
		}
		if last.Stage == e.Stage && outcome == funnel.Lost {
			adds++
		}
		exits := c.Lost[e.Stage]
		for _, m := range c.Moves[e.Stage] {
			exits += m // check has made sure the row's sum fits
		}
		if _, ok := num.Add(exits, adds); !ok {
			return fail("exits of " + strconv.Quote(c.Funnel.Stage(e.Stage)))
		}
	}
	if outcome == funnel.Open && c.Open[last.Stage] == math.MaxInt64 {
		return fail("open deals of " + strconv.Quote(c.Funnel.Stage(last.Stage)))
	}
	return nil
}

// timeVisit adds the visit that began with stay e and ended at end, when
// both times are known. The sum of days cannot become infinite: a visit
// between holdable dates lasts less than 3.7 million days, and a finite
// VisitDays (check) plus less than half the spacing of float64s near
// MaxFloat64 (about 10^292) rounds back to a finite value.
func (c *Transitions) timeVisit(e funnel.Event, end time.Time) {
	if e.At.IsZero() || end.IsZero() {
		return
	}
	c.VisitDays[e.Stage] += span.Days(end, e.At)
	c.TimedVisits[e.Stage]++
}

// Merge returns the sum of c and o, which must have equal funnels;
// otherwise it returns a *[funnel.InputError] wrapping
// [funnel.ErrIncompatible]. Malformed transitions are an error as for
// [Transitions.Solve], and a sum past an int64 (or, for days, a float64)
// one wrapping [funnel.ErrOutOfRange]. Neither input is modified. Merge
// has a value receiver: through a nil *Transitions it panics, as any such
// method does.
func (c Transitions) Merge(o Transitions) (Transitions, error) {
	const op = "markov.Merge"
	if err := c.check(op); err != nil {
		return Transitions{}, err
	}
	if err := o.check(op); err != nil {
		return Transitions{}, err
	}
	if !c.Funnel.Equal(o.Funnel) {
		return Transitions{}, &funnel.InputError{Op: op, Name: "funnel", Value: o.Funnel.String(), Err: fmt.Errorf("%w: merging into %s", funnel.ErrIncompatible, c.Funnel)}
	}
	m := newTransitions(c.Funnel)
	var overflow string
	sum := func(name string, a, b int64) int64 {
		s, ok := num.Add(a, b)
		if !ok && overflow == "" {
			overflow = name
		}
		return s
	}
	for i := range m.Moves {
		for j := range m.Moves[i] {
			m.Moves[i][j] = sum("moves", c.Moves[i][j], o.Moves[i][j])
		}
		m.Lost[i] = sum("lost", c.Lost[i], o.Lost[i])
		m.Open[i] = sum("open", c.Open[i], o.Open[i])
		m.TimedVisits[i] = sum("timed_visits", c.TimedVisits[i], o.TimedVisits[i])
		m.VisitDays[i] = c.VisitDays[i] + o.VisitDays[i]
		if math.IsInf(m.VisitDays[i], 0) && overflow == "" {
			overflow = "visit_days"
		}
	}
	m.Deals = sum("deals", c.Deals, o.Deals)
	if overflow != "" {
		return Transitions{}, &funnel.InputError{Op: op, Name: overflow, Err: fmt.Errorf("%w: a sum past an int64 or a float64", funnel.ErrOutOfRange)}
	}
	// The sums of two rows' exits may pass an int64 though each count fits.
	if err := m.check(op); err != nil {
		return Transitions{}, err
	}
	return m, nil
}

// check reports transitions that no deals could give: of the wrong shape
// for their funnel ([funnel.ErrLengthMismatch]), negative counts
// ([funnel.ErrNegativeCount]), a stage whose exits (Σ_j Moves[i][j] +
// Lost[i]) pass an int64 ([funnel.ErrOutOfRange]), more timed visits than
// exits or visit days over no timed visit ([funnel.ErrCountsRise]), and
// visit days that are not finite ([funnel.ErrNotFinite]) or negative
// ([funnel.ErrNegative]); [funnel.ErrEmptyFunnel] for the zero
// Transitions.
func (c Transitions) check(op string) error {
	if c.Funnel.Len() == 0 {
		return &funnel.InputError{Op: op, Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	l := c.Funnel.Last()
	for _, in := range []struct {
		name string
		n    int
	}{{"moves", len(c.Moves)}, {"lost", len(c.Lost)}, {"open", len(c.Open)}, {"visit_days", len(c.VisitDays)}, {"timed_visits", len(c.TimedVisits)}} {
		if in.n != l {
			return &funnel.InputError{Op: op, Name: in.name, Value: fmt.Sprintf("%d entries", in.n), Err: fmt.Errorf("%w: want one per stage before the won stage of %s, %d", funnel.ErrLengthMismatch, c.Funnel, l)}
		}
	}
	if c.Deals < 0 {
		return &funnel.InputError{Op: op, Name: "deals", Value: strconv.FormatInt(c.Deals, 10), Err: funnel.ErrNegativeCount}
	}
	for i := range l {
		fail := func(input string, err error) error {
			return &funnel.StageError{Op: op, Input: input, Stage: c.Funnel.Stage(i), Index: i, Err: err}
		}
		if len(c.Moves[i]) != l+1 {
			return fail("moves", fmt.Errorf("%w: row has %d entries, want %d", funnel.ErrLengthMismatch, len(c.Moves[i]), l+1))
		}
		for _, v := range []struct {
			name string
			n    int64
		}{{"lost", c.Lost[i]}, {"open", c.Open[i]}, {"timed_visits", c.TimedVisits[i]}} {
			if v.n < 0 {
				return fail(v.name, fmt.Errorf("%w: %d", funnel.ErrNegativeCount, v.n))
			}
		}
		exits, fits := c.Lost[i], true
		for j, m := range c.Moves[i] {
			if m < 0 {
				return fail("moves", fmt.Errorf("%w: to %q: %d", funnel.ErrNegativeCount, c.Funnel.Stage(j), m))
			}
			if exits, fits = num.Add(exits, m); !fits {
				return fail("moves", fmt.Errorf("%w: exits past an int64", funnel.ErrOutOfRange))
			}
		}
		// Each timed visit ended in an observed exit, and days are summed
		// over timed visits only.
		if c.TimedVisits[i] > exits {
			return fail("timed_visits", fmt.Errorf("%w: %d timed visits but %d exits", funnel.ErrCountsRise, c.TimedVisits[i], exits))
		}
		switch v := c.VisitDays[i]; {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fail("visit_days", fmt.Errorf("%w: %v", funnel.ErrNotFinite, v))
		case v < 0:
			return fail("visit_days", fmt.Errorf("%w: %v days", funnel.ErrNegative, v))
		case v > 0 && c.TimedVisits[i] == 0:
			return fail("visit_days", fmt.Errorf("%w: %v days over no timed visit", funnel.ErrCountsRise, v))
		}
	}
	return nil
}
