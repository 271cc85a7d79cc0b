package funnel

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/key"

	"github.com/funnelmath/funnelmath/internal/num"
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

// scalars returns pointers to the counts of c that are not per stage.
func (c *Counts) scalars() [8]*int64 {
	return [8]*int64{&c.Deals, &c.Won, &c.Lost, &c.Open, &c.LostNoStage, &c.NoAmount, &c.WonWithAmount, &c.OpenWithAmount}
}

// perStage returns the per-stage counts of c.
func (c *Counts) perStage() [6][]int64 {
	return [6][]int64{c.Reached, c.Entered, c.EnteredBoth, c.OpenAt, c.StrictPending, c.LostAt}
}

// canAdd reports, as a *InputError wrapping [ErrOutOfRange], a sum of c
// and g (which have the same number of stages) that would pass an int64.
// Every count of valid Counts is at most its Deals (built by Add, or
// checked by [Counts.Check] when decoded), so the sum of Deals bounds them
// all; the distributions' counts and seconds are checked one by one.
func (c *Counts) canAdd(g *Counts) error {
	if _, ok := num.Add(c.Deals, g.Deals); !ok {
		return &InputError{Name: "deals", Value: fmt.Sprintf("%d + %d", c.Deals, g.Deals), Err: fmt.Errorf("%w: a count past an int64", ErrOutOfRange)}
	}
	fits := func(p, q *Durations) bool {
		_, ok1 := num.Add(p.n, q.n)
		_, ok2 := num.Add(p.seconds, q.seconds)
		return ok1 && ok2
	}
	ok := fits(&c.WonCycle, &g.WonCycle) && fits(&c.LostCycle, &g.LostCycle)
	for k := range c.StageTime {
		ok = ok && fits(&c.StageTime[k], &g.StageTime[k]) && fits(&c.WonToClose[k], &g.WonToClose[k])
	}
	if !ok {
		return &InputError{Name: "durations", Err: fmt.Errorf("%w: a sum of durations past an int64", ErrOutOfRange)}
	}
	return nil
}

// add adds the counts of g to c, which have the same number of stages and
// passed [Counts.canAdd], leaving out the money, which a [group] keeps.
func (c *Counts) add(g *Counts) {
	a, b := c.scalars(), g.scalars()
	for i := range a {
		*a[i] += *b[i]
	}
	x, y := c.perStage(), g.perStage()
	for i := range x {
		for k := range x[i] {
			x[i][k] += y[i][k]
		}
	}
	// canAdd checked the sums of the distributions.
	c.WonCycle.merge(&g.WonCycle)
	c.LostCycle.merge(&g.LostCycle)
	for k := range c.StageTime {
		c.StageTime[k].merge(&g.StageTime[k])
		c.WonToClose[k].merge(&g.WonToClose[k])
	}
}

// Check verifies the invariants of c, as a decoder must for counts that
// come from outside: the per-stage slices have one entry per stage; no
// count is negative; Won + Lost + Open = Deals; Reached never rises down
// the funnel and the last stage's count is Won; every strict count is at
// most its implied one; the deals open and lost by stage add up to Open
// and Lost; the counts of deals with an amount are at most the deals they
// count; money is never negative and within [AmountInRange]; and every
// distribution counts no more observations than its deals allow (a won
// cycle per won deal, a lost cycle per lost deal, a time to win per won
// deal and stage). It returns a *[StageError] or *[InputError] naming the
// field, wrapping [ErrNegativeCount], [ErrNegativeAmount], [ErrCountsRise],
// [ErrLengthMismatch] or [ErrOutOfRange].
func (c Counts) Check() error {
	n := len(c.Reached)
	for _, f := range []struct {
		name string
		l    int
	}{{"entered", len(c.Entered)}, {"entered_both", len(c.EnteredBoth)}, {"open_at", len(c.OpenAt)}, {"strict_pending", len(c.StrictPending)},
		{"lost_at", len(c.LostAt)}, {"amount_reached", len(c.AmountReached)}, {"stage_time", len(c.StageTime)}, {"won_to_close", len(c.WonToClose)}} {
		if f.l != n {
			return &InputError{Name: f.name, Value: fmt.Sprintf("%d entries", f.l), Err: fmt.Errorf("%w: reached has %d", ErrLengthMismatch, n)}
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
	if s, ok := num.Add(c.Won, c.Lost); !ok || s > c.Deals || c.Open != c.Deals-s {
		return &InputError{Name: "deals", Value: fmt.Sprint(c.Deals), Err: fmt.Errorf("%w: won %d + lost %d + open %d", ErrOutOfRange, c.Won, c.Lost, c.Open)}
	}
	stage := func(k int, name string, err error) error {
		return &StageError{Input: name, Index: k, Err: err}
	}
	prev := c.Deals // Reached[0] is checked against Deals − LostNoStage below
	for k, r := range c.Reached {
		switch {
		case r < 0:
			return stage(k, "reached", fmt.Errorf("%w: %d", ErrNegativeCount, r))
		case r > prev:
			return stage(k, "reached", fmt.Errorf("%w: %d after %d", ErrCountsRise, r, prev))
		}
		prev = r
	}
	var openAt, lostAt int64
	for k := range n {
		for _, v := range []struct {
			name string
			v    int64
		}{{"entered", c.Entered[k]}, {"entered_both", c.EnteredBoth[k]}, {"open_at", c.OpenAt[k]}, {"strict_pending", c.StrictPending[k]}, {"lost_at", c.LostAt[k]}} {
			if v.v < 0 {
				return stage(k, v.name, fmt.Errorf("%w: %d", ErrNegativeCount, v.v))
			}
		}
		switch {
		case c.Entered[k] > c.Reached[k]:
			return stage(k, "entered", fmt.Errorf("%w: %d above reached %d", ErrCountsRise, c.Entered[k], c.Reached[k]))
		case c.EnteredBoth[k] > c.Entered[k] || (k+1 < n && c.EnteredBoth[k] > c.Entered[k+1]) || (k+1 == n && c.EnteredBoth[k] != 0):
			return stage(k, "entered_both", fmt.Errorf("%w: %d above the deals that entered the stage or the next", ErrCountsRise, c.EnteredBoth[k]))
		case c.StrictPending[k] > c.Entered[k]:
			return stage(k, "strict_pending", fmt.Errorf("%w: %d above entered %d", ErrCountsRise, c.StrictPending[k], c.Entered[k]))
		}
		var ok1, ok2 bool
		openAt, ok1 = num.Add(openAt, c.OpenAt[k])
		lostAt, ok2 = num.Add(lostAt, c.LostAt[k])
		if !ok1 || !ok2 {
			return stage(k, "open_at", fmt.Errorf("%w: sum past an int64", ErrOutOfRange))
		}
	}
	if n > 0 {
		switch {
		case openAt != c.Open:
			return &InputError{Name: "open_at", Value: fmt.Sprint(openAt), Err: fmt.Errorf("%w: open is %d", ErrOutOfRange, c.Open)}
		case lostAt != c.Lost-c.LostNoStage:
			return &InputError{Name: "lost_at", Value: fmt.Sprint(lostAt), Err: fmt.Errorf("%w: lost is %d, of which %d at no stage", ErrOutOfRange, c.Lost, c.LostNoStage)}
		case c.Reached[n-1] != c.Won:
			return &InputError{Name: "reached", Value: fmt.Sprint(c.Reached[n-1]), Err: fmt.Errorf("%w: the last stage's count must be won, %d", ErrOutOfRange, c.Won)}
		case c.Reached[0] != c.Deals-c.LostNoStage:
			return &InputError{Name: "reached", Value: fmt.Sprint(c.Reached[0]), Err: fmt.Errorf("%w: the first stage's count must be the deals with a stage, %d", ErrOutOfRange, c.Deals-c.LostNoStage)}
		}
	}
	switch {
	case c.NoAmount > c.Deals:
		return countErr("no_amount", c.NoAmount, fmt.Errorf("%w: above deals %d", ErrCountsRise, c.Deals))
	case c.WonWithAmount > c.Won:
		return countErr("won_with_amount", c.WonWithAmount, fmt.Errorf("%w: above won %d", ErrCountsRise, c.Won))
	case c.OpenWithAmount > c.Open:
		return countErr("open_with_amount", c.OpenWithAmount, fmt.Errorf("%w: above open %d", ErrCountsRise, c.Open))
	case c.WonWithAmount+c.OpenWithAmount > c.Deals-c.NoAmount:
		return countErr("no_amount", c.NoAmount, fmt.Errorf("%w: more deals with an amount than deals", ErrCountsRise))
	}
	for _, m := range []struct {
		name string
		v    decimal.Decimal
	}{{"won_amount", c.WonAmount}, {"open_amount", c.OpenAmount}} {
		if err := checkAmount(m.v); err != nil {
			return &InputError{Name: m.name, Value: m.v.String(), Err: err}
		}
	}
	for k, a := range c.AmountReached {
		if err := checkAmount(a); err != nil {
			return &StageError{Input: "amount_reached", Index: k, Err: err}
		}
	}
	if c.WonWithAmount == 0 && !c.WonAmount.IsZero() {
		return &InputError{Name: "won_amount", Value: c.WonAmount.String(), Err: fmt.Errorf("%w: no won deal has an amount", ErrOutOfRange)}
	}
	if c.OpenWithAmount == 0 && !c.OpenAmount.IsZero() {
		return &InputError{Name: "open_amount", Value: c.OpenAmount.String(), Err: fmt.Errorf("%w: no open deal has an amount", ErrOutOfRange)}
	}
	for _, d := range []struct {
		name string
		n    int64
		max  int64
	}{{"won_cycle", c.WonCycle.n, c.Won}, {"lost_cycle", c.LostCycle.n, c.Lost}} {
		if d.n > d.max {
			return countErr(d.name+".n", d.n, fmt.Errorf("%w: above the %d deals it measures", ErrCountsRise, d.max))
		}
	}
	for k, h := range c.WonToClose {
		if h.n > c.Won {
			return &StageError{Input: "won_to_close", Index: k, Err: fmt.Errorf("%w: %d observations for %d won deals", ErrCountsRise, h.n, c.Won)}
		}
	}
	for k, h := range c.StageTime {
		if h.n > 0 && (c.Entered[k] == 0 || k == n-1) {
			return &StageError{Input: "stage_time", Index: k, Err: fmt.Errorf("%w: %d visits to a stage no deal entered or the won stage", ErrCountsRise, h.n)}
		}
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
// WonAmount / WonWithAmount rounded half to even to [MaxAmountPlaces]
// decimal places (exact when the quotient has fewer), so that it is a
// valid amount for every function that takes one; not Valid when no won
// deal has an amount.
func (c Counts) AvgWon() decimal.NullDecimal {
	if c.WonWithAmount <= 0 {
		return decimal.NullDecimal{}
	}
	q, _ := dec.QuoPlaces(c.WonAmount, decimal.NewFromInt(c.WonWithAmount), MaxAmountPlaces)
	return decimal.NewNullDecimal(q)
}

// ReachedBy returns the count of deals at each stage under the rule: a
// copy of Reached for [Implied], of Entered for [Strict].
func (c Counts) ReachedBy(rule Reach) []int64 {
	if rule == Strict {
		return slices.Clone(c.Entered)
	}
	return slices.Clone(c.Reached)
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

// add adds the group h, of the same number of stages, which passed
// [Counts.canAdd].
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
// ([Tally.MarshalJSON]) and to a compact binary form
// ([Tally.MarshalBinary], for a combiner that merges many) and back for
// that, each decoder refusing a tally no deals could give.
//
// A Tally keeps no deal ids (its memory does not grow with the deals), so
// a deal added twice counts twice: de-duplicate upstream. The readers of
// funnel/crm report an id that comes back, and shards split by deal id
// are disjoint by construction.
//
// A Tally is not safe for concurrent Add or Merge; give each goroutine its
// own and merge them. Its read methods may run concurrently with each
// other. The zero Tally and a nil *Tally have no funnel: Add and Merge
// return an error wrapping [ErrEmptyFunnel], and the read methods return
// nothing.
type Tally struct {
	funnel Funnel
	by     []string
	groups map[string]*group
	key    []byte // scratch for the group key
	// fields reads the grouping attributes off a deal, one per entry of
	// by; built by NewTally, or on first use.
	fields []field
	// last is, for a tally grouped by at most one attribute, the group
	// of the deal added last and lastKey its map key: deals that come in
	// runs of one key (an export sorted by owner; every deal of an
	// ungrouped tally) find their group without a map lookup. Groups are
	// never replaced in the map, so last stays right until *t is replaced
	// whole.
	last    *group
	lastKey string
	// recent holds, for a tally grouped by one attribute, the groups
	// found last, each in the slot of its key's [recentSlot]: deals whose
	// keys alternate among a few dozen (an export in date order, each
	// deal of another owner) mostly find their group without hashing
	// the key for the map.
	recent [64]recentGroup
}

// recentGroup is a group of [Tally.recent] and its key.
type recentGroup struct {
	key string
	g   *group
}

// recentSlot returns the slot in [Tally.recent] of the key v: a hash of
// its length and last four bytes, where names that differ by a number
// (owner_7, owner_12) differ.
func recentSlot(v string) int {
	h := uint(len(v))
	for i := max(0, len(v)-4); i < len(v); i++ {
		h = h*31 + uint(v[i])
	}
	return int(h % 64)
}

// field names which of a deal's attributes [Deal.Attr] reads for a name.
type field int8

const (
	fieldAttrs field = iota // an entry of Attrs
	fieldID
	fieldOwner
	fieldSegment
	fieldSource
	fieldAccount
	fieldOutcome
)

// fieldOf returns the field that [Deal.Attr] reads for name.
func fieldOf(name string) field {
	switch name {
	case AttrID:
		return fieldID
	case AttrOwner:
		return fieldOwner
	case AttrSegment:
		return fieldSegment
	case AttrSource:
		return fieldSource
	case AttrAccount:
		return fieldAccount
	case AttrOutcome:
		return fieldOutcome
	}
	return fieldAttrs
}

// attr returns d.Attr(name), given f = fieldOf(name), without comparing
// the name with each attribute's.
func (d *Deal) attr(f field, name string) string {
	switch f {
	case fieldID:
		return d.ID
	case fieldOwner:
		return d.Owner
	case fieldSegment:
		return d.Segment
	case fieldSource:
		return d.Source
	case fieldAccount:
		return d.Account
	case fieldOutcome:
		return d.Outcome.String()
	}
	return d.Attrs[name]
}

// fieldsOf returns the fields of the attributes by.
func fieldsOf(by []string) []field {
	fs := make([]field, len(by))
	for i, a := range by {
		fs[i] = fieldOf(a)
	}
	return fs
}

// NewTally returns an empty tally over the funnel, grouped by the named
// attributes (see [Deal.Attr]): none for one group of all deals, "owner"
// for one group per owner, "owner" and "segment" for one per pair. A deal
// without a grouping attribute falls in the group whose value is "".
// Distinct tuples of values are distinct groups, whatever bytes the values
// hold.
func NewTally(f Funnel, by ...string) *Tally {
	return &Tally{funnel: f, by: slices.Clone(by), groups: make(map[string]*group), fields: fieldsOf(by)}
}

// Funnel returns the tally's funnel.
func (t *Tally) Funnel() Funnel {
	if t == nil {
		return Funnel{}
	}
	return t.funnel
}

// By returns a copy of the grouping attributes.
func (t *Tally) By() []string {
	if t == nil {
		return nil
	}
	return slices.Clone(t.by)
}

// Len returns the number of groups.
func (t *Tally) Len() int {
	if t == nil {
		return 0
	}
	return len(t.groups)
}

// keyOf returns the map key of a group's values: the value itself for a
// tally grouped by one attribute (a single value cannot run into another),
// the length-prefixed tuple ([key.Of]) otherwise.
func (t *Tally) keyOf(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return key.Of(values...)
}

// groupFor returns the group of the deal, made when it is the first of
// its key. The key is found with one map lookup, or none when it is the
// key of the deal added last (by at most one attribute), and is made a
// string only for a new group.
func (t *Tally) groupFor(d *Deal) *group {
	if len(t.fields) != len(t.by) {
		t.fields = fieldsOf(t.by)
	}
	var g *group
	switch len(t.by) {
	case 0:
		if t.last != nil {
			return t.last
		}
	case 1:
		v := d.attr(t.fields[0], t.by[0])
		if t.last != nil && v == t.lastKey {
			return t.last
		}
		r := &t.recent[recentSlot(v)]
		if r.g != nil && r.key == v {
			t.last, t.lastKey = r.g, r.key
			return r.g
		}
		if g = t.groups[v]; g != nil {
			t.last, t.lastKey = g, v
			*r = recentGroup{v, g}
			return g
		}
	default:
		t.key = t.key[:0]
		for i, a := range t.by {
			t.key = key.Append(t.key, d.attr(t.fields[i], a))
		}
		if g = t.groups[string(t.key)]; g != nil {
			return g
		}
	}
	k := make([]string, len(t.by))
	for i, a := range t.by {
		k[i] = d.attr(t.fields[i], a)
	}
	mk := t.keyOf(k)
	if g = t.groups[mk]; g == nil { // not there for one attribute or more
		g = newGroup(t.funnel.Len(), k)
		t.groups[mk] = g
	}
	if len(t.by) <= 1 {
		t.last, t.lastKey = g, mk
	}
	return g
}

// check reports a tally without a funnel.
func (t *Tally) check() error {
	if t == nil || t.funnel.Len() == 0 {
		return &StageError{Input: "tally", Index: -1, Err: ErrEmptyFunnel}
	}
	if t.groups == nil {
		t.groups = make(map[string]*group)
	}
	return nil
}

// Add adds one deal. It checks the deal with [Deal.Validate] first and
// returns its error, leaving the tally unchanged, for a deal that is not
// valid for the tally's funnel. A duration longer than [MaxDurationDays]
// is an error wrapping [ErrOutOfRange], as is a count that would pass an
// int64; the deal is then not added.
//
// Time in stage is measured over the deal's [Deal.Stays]: consecutive
// events at one stage are one stay.
//
// Add does not modify the deal. Once the deal's group exists it
// allocates nothing for a funnel of up to 64 stages and an amount in
// whole cents of up to 14 digits (other amounts are summed as decimals).
func (t *Tally) Add(d Deal) error {
	return t.add(&d, dealView{})
}

// AddCents adds d as [Tally.Add] does, with its amount given as a whole
// number of cents instead of in d.Amount: the result, and any error, are
// those of Add on d with
//
//	Amount = decimal.NewNullDecimal(decimal.New(cents, -2))
//
// without making that decimal, which allocates. It is for a reader that
// holds amounts as integers (the readers of package funnel/crm tally
// through it). d.Amount must not be Valid: a deal with both amounts is an
// error wrapping [ErrInvalidDeal]. cents must be at least 0 and below
// 10^14 (a trillion in money), or the error wraps [ErrNegativeAmount] or
// [ErrOutOfRange]; a larger amount goes through Add. Nothing is added on an
// error.
func (t *Tally) AddCents(d Deal, cents int64) error {
	if d.Amount.Valid {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: an amount both in cents and in Amount", ErrInvalidDeal)}
	}
	if cents < 0 {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: %d cents", ErrNegativeAmount, cents)}
	}
	if cents >= maxCents {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: %d cents, at least 10^14", ErrOutOfRange, cents)}
	}
	return t.add(&d, dealView{cents: cents, inCents: true, hasCents: true})
}

// maxCents bounds the amounts of [Tally.AddCents]: those of at most 14
// digits, as [centsOf] gives.
const maxCents = 1e14

// add adds d, whose amount is in v when v.hasCents is set.
func (t *Tally) add(d *Deal, v dealView) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := d.validate(t.funnel, &v); err != nil {
		return err
	}
	if err := checkSpan(d, &v); err != nil {
		return err
	}
	g := t.groupFor(d)
	if g.c.Deals == math.MaxInt64 {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: the group already counts %d deals", ErrOutOfRange, g.c.Deals)}
	}
	g.addDeal(d, &v, t.funnel.Len())
	return nil
}

// AddAll adds every deal of a stream, such as a reader of package
// funnel/crm yields, and returns the stream's first error (a row that
// could not be read) or the first error of [Tally.Add], at which it stops.
// The deals added before an error stay added.
func (t *Tally) AddAll(deals iter.Seq2[Deal, error]) error {
	if err := t.check(); err != nil {
		return err
	}
	for d, err := range deals {
		if err != nil {
			return err
		}
		if err := t.Add(d); err != nil {
			return err
		}
	}
	return nil
}

// checkSpan rejects a deal whose span from start to its last known time
// is beyond what [Durations] records, for a deal that v, filled by
// [Deal.validate], describes. The span ends at the deal's close time or
// its latest event time, whichever is later; of equal ones, the first in
// the order close time, events (the date in the error is that time's).
// v.exact stays set only when the span was checked and found to hold
// every time of the deal: validate checked that they run forward from the
// start to the close.
func checkSpan(d *Deal, v *dealView) error {
	start, end := v.start, v.closed
	if v.exact {
		// Without monotonic readings After orders the times by instant,
		// so the latest event validate found stands for them all.
		if len(d.Events) > 0 && v.latest.After(end) {
			end = v.latest
		}
	} else {
		for _, e := range d.Events {
			if e.At.After(end) {
				end = e.At
			}
		}
	}
	if start.IsZero() || end.IsZero() {
		v.exact = false
		return nil
	}
	if v.exact {
		// The seconds and nanoseconds of end − start, which no int64 of
		// nanoseconds need hold.
		s, ok := subSeconds(end.Unix(), start.Unix())
		ns := end.Nanosecond() - start.Nanosecond()
		if ns < 0 {
			s--
			ns += int(time.Second)
		}
		if ok && s >= 0 && (s < maxDays*secondsPerDay || (s == maxDays*secondsPerDay && ns == 0)) {
			return nil
		}
		v.exact = false
	}
	if end.Sub(start) > maxDays*24*time.Hour {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: spans %s to %s, over %d days", ErrOutOfRange, start.Format(time.DateOnly), end.Format(time.DateOnly), maxDays)}
	}
	return nil
}

// subSeconds returns a − b and whether it fits an int64.
func subSeconds(a, b int64) (int64, bool) {
	s := a - b
	// It overflowed when a and b differ in sign and s's sign is not a's.
	return s, (a^b)&(a^s) >= 0
}

// addDeal adds a valid deal to g, whose stages number n, given what
// [Deal.validate] and [checkSpan] found in v. Every count of g is at most
// its Deals, which the caller checked is below the int64 limit, so no
// count overflows; the durations' sums of seconds cannot overflow before
// their counts do (each observation is under 2^34 seconds).
func (g *group) addDeal(d *Deal, v *dealView, n int) {
	c := &g.c
	furthest := v.furthest
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
		// Open, and its furthest stage entered with nothing past it: the
		// strict rule's deal pending there.
		c.StrictPending[furthest]++
	}
	reached := c.Reached[:furthest+1]
	for k := range reached {
		reached[k]++
	}
	if n <= 64 {
		for m := v.entered; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			c.Entered[k]++
			if v.entered&(1<<(k+1)) != 0 { // never set past the last stage
				c.EnteredBoth[k]++
			}
		}
	} else {
		entered := make([]bool, n)
		for _, e := range d.Events {
			entered[e.Stage] = true
		}
		for k, in := range entered {
			if in {
				c.Entered[k]++
				if k+1 < n && entered[k+1] {
					c.EnteredBoth[k]++
				}
			}
		}
	}
	if !d.Amount.Valid && !v.hasCents {
		c.NoAmount++
	} else {
		cents, inCents := v.cents, v.inCents
		for k := range furthest + 1 {
			g.amount[k].addAmount(cents, inCents, d.Amount.Decimal)
		}
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
	closed, exact := v.closed, v.exact
	if start := v.start; !start.IsZero() && !closed.IsZero() {
		switch d.Outcome {
		case Won:
			c.WonCycle.addSpan(start, closed, exact)
		case Lost:
			c.LostCycle.addSpan(start, closed, exact)
		}
	}
	last := n - 1
	// Time in stage per stay ([Deal.Stays]), walked in place: a run of
	// events at one stage is one stay from its first known time to the
	// next run's.
	ev := d.Events
	var at time.Time
	end := len(ev) + 1 // no stay when the deal has no events
	if len(ev) > 0 {
		at, end = runAt(ev, 0)
	}
	for end <= len(ev) {
		stage := ev[end-1].Stage
		var next time.Time
		nextEnd := len(ev) + 1
		if end < len(ev) {
			next, nextEnd = runAt(ev, end)
		} else if d.Outcome == Lost {
			next = d.Closed
		}
		if stage != last && !at.IsZero() && !next.IsZero() {
			c.StageTime[stage].addSpan(at, next, exact)
		}
		at, end = next, nextEnd
	}
	if d.Outcome == Won && !closed.IsZero() {
		// The reach time of stage k is that of the first event at k or
		// later; events come in order, so the stages an event is the
		// first to reach follow on from the last event's.
		k := 0
		for i := 0; i < len(ev) && k < last; i++ {
			e := &ev[i]
			for ; k <= e.Stage && k < last; k++ {
				if !e.At.IsZero() {
					c.WonToClose[k].addSpan(e.At, closed, exact)
				}
			}
		}
	}
}

// runAt returns the start of the stay that begins at ev[i]: the first
// known time of the run of events at ev[i]'s stage (zero when none is
// known), and the index just past the run.
func runAt(ev []Event, i int) (time.Time, int) {
	at := ev[i].At
	j := i + 1
	for j < len(ev) && ev[j].Stage == ev[i].Stage {
		if at.IsZero() {
			at = ev[j].At
		}
		j++
	}
	return at, j
}

// Merge adds the groups of u to t. The two must have the same funnel and
// grouping; otherwise it returns an error wrapping [ErrIncompatible]. A
// count or sum that would pass an int64 is an error wrapping
// [ErrOutOfRange]. On an error t is unchanged. Merging tallies of
// overlapping deals counts the shared deals twice. u is not modified.
func (t *Tally) Merge(u *Tally) error {
	if err := t.check(); err != nil {
		return err
	}
	if u == nil {
		return &InputError{Name: "merge", Value: "nil tally", Err: ErrIncompatible}
	}
	if !t.funnel.Equal(u.funnel) || !slices.Equal(t.by, u.by) {
		return &InputError{Name: "merge", Value: fmt.Sprintf("%v by %q into %v by %q", u.funnel, u.by, t.funnel, t.by), Err: ErrIncompatible}
	}
	for k, g := range u.groups {
		if c, ok := t.groups[k]; ok {
			if err := c.c.canAdd(&g.c); err != nil {
				return err
			}
		}
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
	if t == nil {
		return nil
	}
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
	if t == nil || len(values) != len(t.by) {
		return Counts{}, false
	}
	g, ok := t.groups[t.keyOf(values)]
	if !ok {
		return Counts{}, false
	}
	return g.counts(), true
}

// Total returns the counts of all deals, every group added together, with
// an empty Key. It returns a *[InputError] wrapping [ErrOutOfRange] when a
// sum passes an int64 (possible only for tallies decoded or merged from
// near that limit), and one wrapping [ErrEmptyFunnel] for a tally without
// a funnel.
func (t *Tally) Total() (Counts, error) {
	if err := t.check(); err != nil {
		return Counts{}, err
	}
	tot := newGroup(t.funnel.Len(), []string{})
	keys := make([]string, 0, len(t.groups))
	for k := range t.groups {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a fixed order, so decimal sums are reproducible
	for _, k := range keys {
		g := t.groups[k]
		if err := tot.c.canAdd(&g.c); err != nil {
			return Counts{}, err
		}
		tot.add(g)
	}
	return tot.counts(), nil
}

// placed returns err with place put in front of the name of its input,
// so that an error inside a group of a decoded tally reads
// "groups[1].won_amount". err is not modified.
func placed(place string, err error) error {
	switch e := err.(type) {
	case *InputError:
		c := *e
		c.Name = joinPlace(place, c.Name)
		return &c
	case *StageError:
		c := *e
		c.Input = joinPlace(place, c.Input)
		return &c
	}
	return &InputError{Name: place, Err: err}
}

func joinPlace(place, name string) string {
	switch {
	case name == "" || name == place:
		return place
	case strings.HasPrefix(name, place+"."), strings.HasPrefix(name, place+"["):
		return name
	case strings.HasPrefix(name, "["):
		return place + name
	}
	return place + "." + name
}

// Sum returns the counts of several groups added together, with an empty
// Key: the team's counts from its reps', as [Tally.Total] gives them for a
// whole tally. Each element must be valid counts over f ([Counts.Check],
// one entry per stage of f); counts from FromReached, a Tally's Groups or
// decoded JSON all qualify. The inputs are not modified; an empty cs gives
// zero counts of f's stages.
//
// It returns a *[InputError] naming "counts[i]" (with the field when
// known) that wraps [ErrEmptyFunnel] for a funnel with no stages,
// [ErrLengthMismatch] for counts of another number of stages, the errors
// of [Counts.Check] for invalid counts, and [ErrOutOfRange] when a sum
// passes an int64.
func Sum(f Funnel, cs []Counts) (Counts, error) {
	if f.Len() == 0 {
		return Counts{}, &InputError{Op: "funnel.Sum", Name: "funnel", Err: ErrEmptyFunnel}
	}
	tot := newGroup(f.Len(), []string{})
	place := func(i int) string { return "counts[" + strconv.Itoa(i) + "]" } // only on a failure
	for i, c := range cs {
		if len(c.Reached) != f.Len() {
			return Counts{}, WithOp("funnel.Sum", &InputError{Name: place(i) + ".reached", Value: fmt.Sprintf("%d entries", len(c.Reached)),
				Err: fmt.Errorf("%w: the funnel has %d stages", ErrLengthMismatch, f.Len())})
		}
		if err := c.Check(); err != nil {
			return Counts{}, WithOp("funnel.Sum", placed(place(i), err))
		}
		g := groupOf(c)
		if err := tot.c.canAdd(&g.c); err != nil {
			return Counts{}, WithOp("funnel.Sum", placed(place(i), err))
		}
		tot.add(g)
	}
	return tot.counts(), nil
}
