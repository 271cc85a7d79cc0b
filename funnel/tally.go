package funnel

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Counts are the aggregates of one group of deals in a [Tally]: how many
// deals reached each stage under both reach rules, how they ended, the
// money at each stage and the durations between events. Every field is a
// sum over deals, so the Counts of disjoint sets of deals add up.
//
// Slices indexed by stage have one entry per funnel stage.
type Counts struct {
	// Key holds the group's attribute values, in the order of the
	// tally's grouping attributes; empty for an ungrouped tally.
	Key []string `json:"key"`

	Deals int64 `json:"deals"` // deals added
	Won   int64 `json:"won"`   // deals won
	Lost  int64 `json:"lost"`  // deals lost
	Open  int64 `json:"open"`  // deals still open; Won + Lost + Open = Deals

	// Reached[k] counts the deals that reached stage k under the
	// [Implied] rule: their furthest stage is k or later.
	Reached []int64 `json:"reached"`
	// Entered[k] counts the deals with an event at stage k (the [Strict]
	// rule).
	Entered []int64 `json:"entered"`
	// EnteredBoth[k] counts the deals with events at both stage k and
	// stage k+1; the last entry is 0.
	EnteredBoth []int64 `json:"entered_both"`
	// OpenAt[k] counts the open deals whose furthest stage is k: they are
	// still at k (or moved back from it) and have not had their chance to
	// convert to k+1, so resolved rates leave them out.
	OpenAt []int64 `json:"open_at"`
	// StrictPending[k] counts the open deals that entered k, did not enter
	// k+1 and have not gone past k: the strict rule's deals still pending
	// at k.
	StrictPending []int64 `json:"strict_pending"`
	// LostAt[k] counts the lost deals whose furthest stage is k.
	LostAt []int64 `json:"lost_at"`
	// LostNoStage counts the lost deals that entered no stage (created
	// straight as lost): they are in Lost and the win rate, in no stage.
	LostNoStage int64 `json:"lost_no_stage"`

	// AmountReached[k] is the sum of the amounts of the deals with an
	// amount that reached stage k (implied): the value that arrived at
	// each step.
	AmountReached []decimal.Decimal `json:"amount_reached"`
	// NoAmount counts the deals without an amount; they are in every
	// count but in no sum of money.
	NoAmount int64 `json:"no_amount"`
	// WonAmount is the sum of the amounts of the won deals with an amount,
	// WonWithAmount how many those are.
	WonAmount     decimal.Decimal `json:"won_amount"`
	WonWithAmount int64           `json:"won_with_amount"`
	// OpenAmount is the sum of the amounts of the open deals with an
	// amount, OpenWithAmount how many those are.
	OpenAmount     decimal.Decimal `json:"open_amount"`
	OpenWithAmount int64           `json:"open_with_amount"`

	// WonCycle and LostCycle are the times from start ([Deal.Start]) to
	// close of the won and the lost deals whose both times are known.
	WonCycle  Durations `json:"won_cycle"`
	LostCycle Durations `json:"lost_cycle"`
	// StageTime[k] holds the time spent in stage k on each visit that
	// ended: from the event at k to the deal's next event, or to its close
	// for a lost deal's last event. Visits still under way (open deals)
	// are left out, as are visits with an unknown time. The last (won)
	// stage has no time in stage.
	StageTime []Durations `json:"stage_time"`
	// WonToClose[k] holds, for won deals, the time from reaching stage k
	// (its first event at k or later) to the win: the remaining cycle seen
	// from each stage.
	WonToClose []Durations `json:"won_to_close"`
}

// Clone returns a copy of c that shares no storage with it.
func (c Counts) Clone() Counts {
	d := c
	d.Key = slices.Clone(c.Key)
	d.Reached = slices.Clone(c.Reached)
	d.Entered = slices.Clone(c.Entered)
	d.EnteredBoth = slices.Clone(c.EnteredBoth)
	d.OpenAt = slices.Clone(c.OpenAt)
	d.StrictPending = slices.Clone(c.StrictPending)
	d.LostAt = slices.Clone(c.LostAt)
	d.AmountReached = slices.Clone(c.AmountReached)
	d.WonCycle = c.WonCycle.Clone()
	d.LostCycle = c.LostCycle.Clone()
	d.StageTime = make([]Durations, len(c.StageTime))
	for i, h := range c.StageTime {
		d.StageTime[i] = h.Clone()
	}
	d.WonToClose = make([]Durations, len(c.WonToClose))
	for i, h := range c.WonToClose {
		d.WonToClose[i] = h.Clone()
	}
	return d
}

// add adds the counts of g to c, which have the same number of stages,
// leaving out the money, which a [group] keeps.
func (c *Counts) add(g *Counts) {
	c.Deals += g.Deals
	c.Won += g.Won
	c.Lost += g.Lost
	c.Open += g.Open
	c.LostNoStage += g.LostNoStage
	for k := range c.Reached {
		c.Reached[k] += g.Reached[k]
		c.Entered[k] += g.Entered[k]
		c.EnteredBoth[k] += g.EnteredBoth[k]
		c.OpenAt[k] += g.OpenAt[k]
		c.StrictPending[k] += g.StrictPending[k]
		c.LostAt[k] += g.LostAt[k]
		c.StageTime[k].Merge(g.StageTime[k])
		c.WonToClose[k].Merge(g.WonToClose[k])
	}
	c.NoAmount += g.NoAmount
	c.WonWithAmount += g.WonWithAmount
	c.OpenWithAmount += g.OpenWithAmount
	c.WonCycle.Merge(g.WonCycle)
	c.LostCycle.Merge(g.LostCycle)
}

// Check verifies the invariants of c: no count is negative, Won + Lost +
// Open = Deals, Reached never rises down the funnel, every strict count is
// at most its implied one, and the per-stage slices are all of the same
// length. It returns a *[StageError] or *[InputError] wrapping
// [ErrNegativeCount], [ErrCountsRise], [ErrLengthMismatch] or
// [ErrOutOfRange].
func (c Counts) Check() error {
	n := len(c.Reached)
	for _, l := range []int{len(c.Entered), len(c.EnteredBoth), len(c.OpenAt), len(c.StrictPending), len(c.LostAt), len(c.AmountReached), len(c.StageTime), len(c.WonToClose)} {
		if l != n {
			return &InputError{Name: "counts", Value: fmt.Sprintf("%d and %d stages", n, l), Err: ErrLengthMismatch}
		}
	}
	for _, v := range []struct {
		name string
		v    int64
	}{{"deals", c.Deals}, {"won", c.Won}, {"lost", c.Lost}, {"open", c.Open}, {"lost_no_stage", c.LostNoStage}, {"no_amount", c.NoAmount}, {"won_with_amount", c.WonWithAmount}, {"open_with_amount", c.OpenWithAmount}} {
		if v.v < 0 {
			return countErr(v.name, v.v, ErrNegativeCount)
		}
	}
	if c.Won+c.Lost+c.Open != c.Deals {
		return &InputError{Name: "counts", Value: fmt.Sprintf("won %d + lost %d + open %d != deals %d", c.Won, c.Lost, c.Open, c.Deals), Err: ErrOutOfRange}
	}
	prev := c.Deals
	var openAt, lostAt int64
	for k := range n {
		for _, v := range []int64{c.Reached[k], c.Entered[k], c.EnteredBoth[k], c.OpenAt[k], c.StrictPending[k], c.LostAt[k]} {
			if v < 0 {
				return &StageError{Index: k, Err: fmt.Errorf("%w: %d", ErrNegativeCount, v)}
			}
		}
		if c.Reached[k] > prev {
			return &StageError{Index: k, Err: fmt.Errorf("%w: %d after %d", ErrCountsRise, c.Reached[k], prev)}
		}
		prev = c.Reached[k]
		if c.Entered[k] > c.Reached[k] || c.EnteredBoth[k] > c.Entered[k] || c.StrictPending[k] > c.Entered[k] {
			return &StageError{Index: k, Err: fmt.Errorf("%w: strict counts above implied", ErrCountsRise)}
		}
		openAt += c.OpenAt[k]
		lostAt += c.LostAt[k]
	}
	if n > 0 && (openAt != c.Open || lostAt+c.LostNoStage != c.Lost || c.Reached[n-1] != c.Won || c.Reached[0] > c.Deals-c.LostNoStage) {
		return &InputError{Name: "counts", Value: fmt.Sprintf("open by stage %d of %d, lost by stage %d of %d, reached last %d of won %d", openAt, c.Open, lostAt, c.Lost, c.Reached[n-1], c.Won), Err: ErrOutOfRange}
	}
	return nil
}

// WinRate returns the won deals of the closed ones, Won of Won + Lost.
// Open deals are left out: they have not had their chance.
func (c Counts) WinRate() Rate { return Rate{K: c.Won, N: c.Won + c.Lost} }

// WinProbability returns, of the closed deals that reached stage k
// (implied rule), the share that were won:
//
//	Won / (Reached[k] − open deals whose furthest stage is k or later)
//
// since every won deal reached every stage. It is the chance that a deal
// now at stage k ends won, by the record of closed deals. A k out of range
// gives the zero Rate.
func (c Counts) WinProbability(k int) Rate {
	if k < 0 || k >= len(c.Reached) {
		return Rate{}
	}
	var open int64
	for _, o := range c.OpenAt[k:] {
		open += o
	}
	return Rate{K: c.Won, N: c.Reached[k] - open}
}

// AvgWon returns the mean amount of the won deals that have an amount,
// WonAmount / WonWithAmount rounded to 16 decimal places, and false when
// no won deal has one.
func (c Counts) AvgWon() (decimal.Decimal, bool) {
	if c.WonWithAmount == 0 {
		return decimal.Decimal{}, false
	}
	return c.WonAmount.DivRound(decimal.NewFromInt(c.WonWithAmount), 16), true
}

// ReachedBy returns the count of deals at each stage under the rule: a
// copy of Reached for [Implied], of Entered for [Strict].
func (c Counts) ReachedBy(rule Reach) []int64 {
	if rule == Strict {
		return slices.Clone(c.Entered)
	}
	return slices.Clone(c.Reached)
}

// Step is the conversion from one stage to the next.
type Step struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Naive is the deals that reached To of those that reached From.
	Naive Rate `json:"naive"`
	// Resolved leaves out of the denominator the deals still open at
	// From, which have not had their chance to convert (right-censoring).
	Resolved Rate `json:"resolved"`
	// Pending is the number of open deals left out: Naive.N − Resolved.N.
	Pending int64 `json:"pending"`
}

// Steps returns the conversion between each pair of consecutive stages of
// f, naive and resolved, under the rule. With the [Implied] rule,
//
//	Naive(k)    = Reached[k+1] / Reached[k]
//	Resolved(k) = Reached[k+1] / (Reached[k] − OpenAt[k])
//
// and with [Strict] the numerator is EnteredBoth[k], the denominator
// Entered[k], less StrictPending[k] when resolved. It returns an error
// wrapping [ErrLengthMismatch] when c does not have one entry per stage of
// f.
func Steps(f Funnel, c Counts, rule Reach) ([]Step, error) {
	n := f.Len()
	if n == 0 {
		return nil, &StageError{Index: -1, Err: ErrEmptyFunnel}
	}
	if len(c.Reached) != n || len(c.Entered) != n || len(c.EnteredBoth) != n || len(c.OpenAt) != n || len(c.StrictPending) != n {
		return nil, &InputError{Name: "counts", Value: fmt.Sprintf("%d stages for a funnel of %d", len(c.Reached), n), Err: ErrLengthMismatch}
	}
	steps := make([]Step, n-1)
	for k := range n - 1 {
		var num, den, pending int64
		if rule == Strict {
			num, den, pending = c.EnteredBoth[k], c.Entered[k], c.StrictPending[k]
		} else {
			num, den, pending = c.Reached[k+1], c.Reached[k], c.OpenAt[k]
		}
		steps[k] = Step{
			From:     f.Stage(k),
			To:       f.Stage(k + 1),
			Naive:    Rate{K: num, N: den},
			Resolved: Rate{K: num, N: den - pending},
			Pending:  pending,
		}
	}
	return steps, nil
}

// group is the store of one group of a Tally: its Counts, whose money
// fields stay empty, and the money as exact sums that add without
// allocating (see money).
type group struct {
	c         Counts
	amount    []money
	won, open money
}

// newGroup returns an empty group of n stages. Its Counts have no
// AmountReached: the money is in amount until [group.counts].
func newGroup(n int, key []string) *group {
	return &group{
		c: Counts{
			Key:           key,
			Reached:       make([]int64, n),
			Entered:       make([]int64, n),
			EnteredBoth:   make([]int64, n),
			OpenAt:        make([]int64, n),
			StrictPending: make([]int64, n),
			LostAt:        make([]int64, n),
			StageTime:     make([]Durations, n),
			WonToClose:    make([]Durations, n),
		},
		amount: make([]money, n),
	}
}

// groupOf stores decoded counts as a group.
func groupOf(c Counts) *group {
	g := &group{c: c, amount: make([]money, len(c.AmountReached))}
	for k, a := range c.AmountReached {
		g.amount[k] = moneyOf(a)
	}
	g.won, g.open = moneyOf(c.WonAmount), moneyOf(c.OpenAmount)
	g.c.AmountReached, g.c.WonAmount, g.c.OpenAmount = nil, decimal.Decimal{}, decimal.Decimal{}
	return g
}

// add adds the group h, of the same number of stages.
func (g *group) add(h *group) {
	g.c.add(&h.c)
	for k := range g.amount {
		g.amount[k].merge(h.amount[k])
	}
	g.won.merge(h.won)
	g.open.merge(h.open)
}

// counts returns a copy of the group's counts with the money filled in.
func (g *group) counts() Counts {
	c := g.c.Clone()
	c.AmountReached = make([]decimal.Decimal, len(g.amount))
	for k, m := range g.amount {
		c.AmountReached[k] = m.value()
	}
	c.WonAmount, c.OpenAmount = g.won.value(), g.open.value()
	return c
}

// Tally aggregates deals by group: the [Counts] of every combination of
// values of the grouping attributes (owner, segment, source, any column
// of the export), in one pass, in memory proportional to the number of
// groups and stages, not deals.
//
// Tallies over disjoint sets of deals merge: a.Merge(b) equals one tally
// over the deals of both. That is how a large data set is tallied in
// shards, in parallel or on several machines, and a Tally encodes to JSON
// and back for that.
//
// A Tally keeps no deal ids (its memory does not grow with the deals), so
// a deal added twice counts twice: de-duplicate upstream. The readers of
// funnel/crm report an id that comes back, and shards split by deal id
// are disjoint by construction.
//
// A Tally is not safe for concurrent Add or Merge; give each goroutine its
// own and merge them. Its read methods may run concurrently with each
// other.
type Tally struct {
	funnel Funnel
	by     []string
	groups map[string]*group
	key    []byte // scratch for the group key
}

// NewTally returns an empty tally over the funnel, grouped by the named
// attributes (see [Deal.Attr]): none for one group of all deals, "owner"
// for one group per owner, "owner" and "segment" for one per pair. A deal
// without a grouping attribute falls in the group whose value is "".
func NewTally(f Funnel, by ...string) *Tally {
	return &Tally{funnel: f, by: slices.Clone(by), groups: make(map[string]*group)}
}

// Funnel returns the tally's funnel.
func (t *Tally) Funnel() Funnel { return t.funnel }

// By returns a copy of the grouping attributes.
func (t *Tally) By() []string { return slices.Clone(t.by) }

// Len returns the number of groups.
func (t *Tally) Len() int { return len(t.groups) }

const keySep = "\x1f" // the ASCII unit separator, between the values of a key

func (t *Tally) groupFor(d *Deal) *group {
	var c *group
	switch len(t.by) {
	case 0:
		c = t.groups[""]
	case 1:
		c = t.groups[d.Attr(t.by[0])]
	default:
		t.key = t.key[:0]
		for i, a := range t.by {
			if i > 0 {
				t.key = append(t.key, keySep...)
			}
			t.key = append(t.key, d.Attr(a)...)
		}
		c = t.groups[string(t.key)]
	}
	if c != nil {
		return c
	}
	key := make([]string, len(t.by))
	for i, a := range t.by {
		key[i] = d.Attr(a)
	}
	c = newGroup(t.funnel.Len(), key)
	t.groups[strings.Join(key, keySep)] = c
	return c
}

// Add adds one deal. It checks the deal with [Deal.Validate] first and
// returns its error, leaving the tally unchanged, for a deal that is not
// valid for the tally's funnel. A duration longer than 100,000 days is an
// error wrapping [ErrOutOfRange]; the deal is then not added.
//
// Add does not modify the deal.
func (t *Tally) Add(d Deal) error {
	if err := d.Validate(t.funnel); err != nil {
		return err
	}
	if err := checkDurations(&d); err != nil {
		return err
	}
	t.groupFor(&d).addDeal(&d, t.funnel.Len())
	return nil
}

// checkDurations rejects a deal whose span from start to its last known
// time is beyond what [Durations] records.
func checkDurations(d *Deal) error {
	start := d.Start()
	end := d.CloseTime()
	for _, e := range d.Events {
		if e.At.After(end) {
			end = e.At
		}
	}
	if !start.IsZero() && !end.IsZero() && end.Sub(start) > maxDays*24*time.Hour {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: spans %s to %s, over %d days", ErrOutOfRange, start.Format(time.DateOnly), end.Format(time.DateOnly), maxDays)}
	}
	return nil
}

// addDeal adds a valid deal to g, whose stages number n.
func (g *group) addDeal(d *Deal, n int) {
	c := &g.c
	var buf [64]bool
	var entered []bool
	if n <= len(buf) {
		entered = buf[:n]
	} else {
		entered = make([]bool, n)
	}
	furthest := -1
	for _, e := range d.Events {
		entered[e.Stage] = true
		furthest = max(furthest, e.Stage)
	}
	c.Deals++
	switch d.Outcome {
	case Won:
		c.Won++
	case Lost:
		c.Lost++
		if furthest < 0 {
			c.LostNoStage++
		} else {
			c.LostAt[furthest]++
		}
	default:
		c.Open++
		c.OpenAt[furthest]++
	}
	cents, inCents := centsOf(d.Amount.Decimal)
	for k := 0; k <= furthest; k++ {
		c.Reached[k]++
		if d.Amount.Valid {
			g.amount[k].addAmount(cents, inCents, d.Amount.Decimal)
		}
	}
	for k := range n {
		if !entered[k] {
			continue
		}
		c.Entered[k]++
		if k+1 < n && entered[k+1] {
			c.EnteredBoth[k]++
		}
		if d.Outcome == Open && furthest <= k && (k+1 == n || !entered[k+1]) {
			c.StrictPending[k]++
		}
	}
	if !d.Amount.Valid {
		c.NoAmount++
	} else {
		switch d.Outcome {
		case Won:
			g.won.addAmount(cents, inCents, d.Amount.Decimal)
			c.WonWithAmount++
		case Open:
			g.open.addAmount(cents, inCents, d.Amount.Decimal)
			c.OpenWithAmount++
		}
	}
	// Durations. Times were checked to run forward and to be within range,
	// so Add on a Durations cannot fail here.
	closed := d.CloseTime()
	if start := d.Start(); !start.IsZero() && !closed.IsZero() {
		switch d.Outcome {
		case Won:
			_ = c.WonCycle.Add(closed.Sub(start))
		case Lost:
			_ = c.LostCycle.Add(closed.Sub(start))
		}
	}
	last := n - 1
	for i, e := range d.Events {
		if e.Stage == last || e.At.IsZero() {
			continue
		}
		var next time.Time
		if i+1 < len(d.Events) {
			next = d.Events[i+1].At
		} else if d.Outcome == Lost {
			next = d.Closed
		}
		if !next.IsZero() {
			_ = c.StageTime[e.Stage].Add(next.Sub(e.At))
		}
	}
	if d.Outcome == Won && !closed.IsZero() {
		// reach time of stage k: the first event at k or later.
		for k := range last {
			for _, e := range d.Events {
				if e.Stage >= k {
					if !e.At.IsZero() {
						_ = c.WonToClose[k].Add(closed.Sub(e.At))
					}
					break
				}
			}
		}
	}
}

// Merge adds the groups of u to t. The two must have the same funnel and
// grouping; otherwise it returns an error wrapping [ErrIncompatible] and t
// is unchanged. Merging tallies of overlapping deals counts the shared
// deals twice. u is not modified.
func (t *Tally) Merge(u *Tally) error {
	if !t.funnel.Equal(u.funnel) || !slices.Equal(t.by, u.by) {
		return fmt.Errorf("funnel: merge %v by %q into %v by %q: %w", u.funnel, u.by, t.funnel, t.by, ErrIncompatible)
	}
	for k, g := range u.groups {
		c, ok := t.groups[k]
		if !ok {
			c = newGroup(t.funnel.Len(), slices.Clone(g.c.Key))
			t.groups[k] = c
		}
		c.add(g)
	}
	return nil
}

// Groups returns a copy of the counts of every group, sorted by key.
func (t *Tally) Groups() []Counts {
	out := make([]Counts, 0, len(t.groups))
	for _, g := range t.groups {
		out = append(out, g.counts())
	}
	slices.SortFunc(out, func(a, b Counts) int { return slices.Compare(a.Key, b.Key) })
	return out
}

// Group returns a copy of the counts of the group with the given key
// values, one per grouping attribute, and whether it exists.
func (t *Tally) Group(values ...string) (Counts, bool) {
	c, ok := t.groups[strings.Join(values, keySep)]
	if !ok || len(values) != len(t.by) {
		return Counts{}, false
	}
	return c.counts(), true
}

// Total returns the counts of all deals, every group added together, with
// an empty Key.
func (t *Tally) Total() Counts {
	tot := newGroup(t.funnel.Len(), []string{})
	keys := make([]string, 0, len(t.groups))
	for k := range t.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a fixed order, so decimal sums are reproducible
	for _, k := range keys {
		tot.add(t.groups[k])
	}
	return tot.counts()
}

// tallyJSON is the encoded form of a Tally.
type tallyJSON struct {
	Funnel Funnel   `json:"funnel"`
	By     []string `json:"by"`
	Groups []Counts `json:"groups"`
}

// MarshalJSON encodes the tally with its funnel, grouping and groups
// (sorted by key), so that a tally made on one machine can be merged on
// another.
func (t *Tally) MarshalJSON() ([]byte, error) {
	by := t.by
	if by == nil {
		by = []string{}
	}
	return json.Marshal(tallyJSON{Funnel: t.funnel, By: by, Groups: t.Groups()})
}

// UnmarshalJSON decodes a tally written by [Tally.MarshalJSON], checking
// every group with [Counts.Check] and that keys are not repeated.
func (t *Tally) UnmarshalJSON(b []byte) error {
	var j tallyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	u := NewTally(j.Funnel, j.By...)
	for i, g := range j.Groups {
		if len(g.Key) != len(j.By) {
			return &InputError{Name: fmt.Sprintf("groups[%d].key", i), Value: fmt.Sprintf("%q", g.Key), Err: ErrLengthMismatch}
		}
		if len(g.Reached) != j.Funnel.Len() {
			return &InputError{Name: fmt.Sprintf("groups[%d]", i), Value: fmt.Sprintf("%d stages for a funnel of %d", len(g.Reached), j.Funnel.Len()), Err: ErrLengthMismatch}
		}
		if err := g.Check(); err != nil {
			return fmt.Errorf("funnel: groups[%d]: %w", i, err)
		}
		k := strings.Join(g.Key, keySep)
		if _, dup := u.groups[k]; dup {
			return &InputError{Name: fmt.Sprintf("groups[%d].key", i), Value: fmt.Sprintf("%q", g.Key), Err: ErrIncompatible}
		}
		u.groups[k] = groupOf(g)
	}
	*t = *u
	return nil
}
