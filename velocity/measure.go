package velocity

import (
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// Count says which deals count as the opportunities worked in a window
// [from, to).
type Count int8

const (
	// CountOpen counts the deals live at some time in the window: started
	// before to, and still open or closed at or after from (deals that close
	// in the window were worked in it). This is the default, and what most
	// velocity calculators mean by "opportunities in the pipeline".
	CountOpen Count = iota
	// CountCreated counts the deals that started in the window.
	CountCreated
	// CountClosed counts the deals won or lost in the window.
	CountClosed
	// CountAverageOpen is the number of deals open on an average day of the
	// window: the sum over deals of the time each was open in the window,
	// divided by the window's length. It is Little's L, the convention under
	// which V is the bookings rate of a steady pipeline.
	CountAverageOpen
)

// String returns "open", "created", "closed" or "average open".
func (c Count) String() string {
	switch c {
	case CountOpen:
		return "open"
	case CountCreated:
		return "created"
	case CountClosed:
		return "closed"
	case CountAverageOpen:
		return "average open"
	}
	return fmt.Sprintf("Count(%d)", int8(c))
}

// MarshalText encodes the option as its [Count.String], so that [Options]
// reads as text in JSON; a value out of range is an error wrapping
// [ErrOutOfRange].
func (c Count) MarshalText() ([]byte, error) { return marshalEnum(c, CountAverageOpen) }

// UnmarshalText decodes a name that [Count.String] returns.
func (c *Count) UnmarshalText(text []byte) error { return unmarshalEnum(text, c, CountAverageOpen) }

// WinBasis says how the win rate is measured over the deals closed in the
// window.
type WinBasis int8

const (
	// WinByCount is won deals ÷ closed deals (the default).
	WinByCount WinBasis = iota
	// WinByValue is the amount won ÷ the amount closed (won + lost), over
	// closed deals with an amount. It is undefined when that sum is zero.
	WinByValue
)

// String returns "count" or "value".
func (b WinBasis) String() string {
	switch b {
	case WinByCount:
		return "count"
	case WinByValue:
		return "value"
	}
	return fmt.Sprintf("WinBasis(%d)", int8(b))
}

// MarshalText encodes the option as its [WinBasis.String], so that [Options]
// reads as text in JSON; a value out of range is an error wrapping
// [ErrOutOfRange].
func (b WinBasis) MarshalText() ([]byte, error) { return marshalEnum(b, WinByValue) }

// UnmarshalText decodes a name that [WinBasis.String] returns.
func (b *WinBasis) UnmarshalText(text []byte) error { return unmarshalEnum(text, b, WinByValue) }

// CycleStat says how the cycles of the deals are summarised.
type CycleStat int8

const (
	// CycleMean is the mean created-to-close time, rounded to the
	// nanosecond (the default).
	CycleMean CycleStat = iota
	// CycleMedian is the median; with an even count the mean of the two
	// middle values, truncated to the nanosecond.
	CycleMedian
)

// String returns "mean" or "median".
func (s CycleStat) String() string {
	switch s {
	case CycleMean:
		return "mean"
	case CycleMedian:
		return "median"
	}
	return fmt.Sprintf("CycleStat(%d)", int8(s))
}

// MarshalText encodes the option as its [CycleStat.String], so that [Options]
// reads as text in JSON; a value out of range is an error wrapping
// [ErrOutOfRange].
func (s CycleStat) MarshalText() ([]byte, error) { return marshalEnum(s, CycleMedian) }

// UnmarshalText decodes a name that [CycleStat.String] returns.
func (s *CycleStat) UnmarshalText(text []byte) error { return unmarshalEnum(text, s, CycleMedian) }

// CycleDeals says which closed deals the cycle is measured over.
type CycleDeals int8

const (
	// CycleWon measures the cycle over won deals (the default): how long it
	// takes to win.
	CycleWon CycleDeals = iota
	// CycleClosed measures it over won and lost deals: how long a deal
	// stays open.
	CycleClosed
)

// String returns "won" or "closed".
func (c CycleDeals) String() string {
	switch c {
	case CycleWon:
		return "won"
	case CycleClosed:
		return "closed"
	}
	return fmt.Sprintf("CycleDeals(%d)", int8(c))
}

// MarshalText encodes the option as its [CycleDeals.String], so that [Options]
// reads as text in JSON; a value out of range is an error wrapping
// [ErrOutOfRange].
func (c CycleDeals) MarshalText() ([]byte, error) { return marshalEnum(c, CycleClosed) }

// UnmarshalText decodes a name that [CycleDeals.String] returns.
func (c *CycleDeals) UnmarshalText(text []byte) error { return unmarshalEnum(text, c, CycleClosed) }

// Options are the conventions for measuring levers from deals. The zero
// Options is the default of each field.
//
// Whatever the options, the win rate, ASP and cycle are measured over the
// deals closed in the window (so open deals never dilute the win rate), the
// ASP over won deals with an amount, and a deal's cycle is
// Deal.CloseTime() − Deal.Start().
type Options struct {
	Count      Count      `json:"count"`
	WinBasis   WinBasis   `json:"win_basis"`
	CycleStat  CycleStat  `json:"cycle_stat"`
	CycleDeals CycleDeals `json:"cycle_deals"`
	// GroupBy names the attributes (see [funnel.Deal.Attr]) whose values
	// make a group, such as {funnel.AttrOwner} or {funnel.AttrSegment,
	// funnel.AttrOwner}. Nil means {funnel.AttrOwner}.
	GroupBy []string `json:"group_by,omitempty"`
}

func (o Options) check() error {
	switch {
	case o.Count < CountOpen || o.Count > CountAverageOpen:
		return inputErr("options count", o.Count.String(), ErrOutOfRange)
	case o.WinBasis < WinByCount || o.WinBasis > WinByValue:
		return inputErr("options win basis", o.WinBasis.String(), ErrOutOfRange)
	case o.CycleStat < CycleMean || o.CycleStat > CycleMedian:
		return inputErr("options cycle stat", o.CycleStat.String(), ErrOutOfRange)
	case o.CycleDeals < CycleWon || o.CycleDeals > CycleClosed:
		return inputErr("options cycle deals", o.CycleDeals.String(), ErrOutOfRange)
	}
	return nil
}

// Measured is the levers measured for one group of deals over a window,
// with the counts behind each. A lever that the deals do not define (no
// closed deal for the win rate, no won deal with an amount for the ASP, no
// deal for the cycle) has its Defined flag false and a zero value, never a
// NaN.
type Measured struct {
	// Group is the group's values of Options.GroupBy, in order; nil for the
	// total over all deals.
	Group []string `json:"group"`

	// Opportunities is the opportunities worked by Options.Count.
	Opportunities float64 `json:"opportunities"`
	// OpportunityDeals is the number of deals behind Opportunities (for
	// CountAverageOpen, the deals open at some time in the window).
	OpportunityDeals int64 `json:"opportunity_deals"`
	// Created is the number of deals that started in the window.
	Created int64 `json:"created"`
	// CreatedPerDay is Created ÷ the window's length in days.
	CreatedPerDay float64 `json:"created_per_day"`
	// AverageOpen is the number of deals open on an average day of the
	// window (Little's L; see CountAverageOpen).
	AverageOpen float64 `json:"average_open"`

	// WinCount is won of closed, over the deals closed in the window.
	WinCount funnel.Rate `json:"win_count"`
	// WinRate is the win rate by Options.WinBasis; 0 when not defined.
	WinRate        float64 `json:"win_rate"`
	WinRateDefined bool    `json:"win_rate_defined"`
	// WonValue and LostValue are the amounts of the won and lost deals
	// closed in the window that have one; ValueDeals counts those deals.
	WonValue   decimal.Decimal `json:"won_value"`
	LostValue  decimal.Decimal `json:"lost_value"`
	ValueDeals int64           `json:"value_deals"`
	// NoAmount counts the deals closed in the window without an amount.
	NoAmount int64 `json:"no_amount"`

	// ASP is WonValue ÷ ASPDeals, the won deals closed in the window with
	// an amount; zero when not defined.
	ASP        decimal.Decimal `json:"asp"`
	ASPDeals   int64           `json:"asp_deals"`
	ASPDefined bool            `json:"asp_defined"`

	// Cycle is the mean or median (Options.CycleStat) created-to-close
	// time of the deals of Options.CycleDeals closed in the window with a
	// known start; CycleDeals counts them. Zero when not defined.
	Cycle        time.Duration `json:"cycle_ns"`
	CycleDeals   int64         `json:"cycle_deals"`
	CycleDefined bool          `json:"cycle_defined"`

	// Undated counts deals left out of what needs a time they lack: a
	// start (for counting opportunities and cycles) or, for a closed deal,
	// a close time, [funnel.Deal.CloseTime] (for everything but Created,
	// which needs only the start).
	Undated int64 `json:"undated"`
}

// Levers returns the measured levers. It returns a *[LeverError] wrapping
// [ErrUndefined] for the first lever that is not defined.
func (m Measured) Levers() (Levers, error) {
	switch {
	case !m.WinRateDefined:
		return Levers{}, leverErr(LeverWinRate, "", fmt.Errorf("%w: no closed deal in the window", ErrUndefined))
	case !m.ASPDefined:
		return Levers{}, leverErr(LeverASP, "", fmt.Errorf("%w: no won deal with an amount in the window", ErrUndefined))
	case !m.CycleDefined:
		return Levers{}, leverErr(LeverCycle, "", fmt.Errorf("%w: no closed deal with a start in the window", ErrUndefined))
	case m.Cycle == 0:
		return Levers{}, leverErr(LeverCycle, "0s", fmt.Errorf("%w: deals closed as they started", ErrZeroCycle))
	}
	return NewLevers(m.Opportunities, m.WinRate, m.ASP, m.Cycle)
}

// Little returns the Little's-law check of the measured opportunities
// against CreatedPerDay × Cycle (see [Little]). Under CountAverageOpen with
// CycleClosed, a steady pipeline gives a gap near zero. It returns
// [ErrUndefined] when the cycle is not defined.
func (m Measured) Little() (LittleCheck, error) {
	if !m.CycleDefined {
		return LittleCheck{}, leverErr(LeverCycle, "", fmt.Errorf("%w: no closed deal with a start in the window", ErrUndefined))
	}
	return Little(m.Opportunities, m.CreatedPerDay, m.Cycle)
}

// Report is the levers measured over a window, for every group and in
// total.
type Report struct {
	From    time.Time  `json:"from"`
	To      time.Time  `json:"to"`
	Options Options    `json:"options"`
	Total   Measured   `json:"total"`
	Groups  []Measured `json:"groups"` // sorted by Group, value by value
}

// MeasureDeals is [Measure] over a slice.
func MeasureDeals(deals []funnel.Deal, from, to time.Time, opts Options) (Report, error) {
	return Measure(slices.Values(deals), from, to, opts)
}

// Measure measures the levers of the deals over the window [from, to), per
// group of Options.GroupBy and in total, by the conventions of opts (see
// [Options], [Count], [WinBasis], [CycleStat], [CycleDeals]). It reads the
// deals once and does not modify them. No deals give a report with zero
// counts and undefined levers.
//
// A deal's start is Deal.Start() and its close Deal.CloseTime() (Closed,
// or for a won deal without it the time it entered the last stage); a deal
// without a start, or a closed deal without a close time, is counted in
// Undated and left out of what needs the missing time.
//
// Errors: a *[InputError] wrapping [ErrOutOfRange] for a window that does
// not end after it starts or an option out of range; a *[DealError]
// wrapping [ErrInvalidDeal] for a deal with an outcome out of range, an
// open deal with a Closed time, a close before the start or a negative
// amount.
func Measure(deals iter.Seq[funnel.Deal], from, to time.Time, opts Options) (Report, error) {
	if !to.After(from) {
		return Report{}, inputErr("window", from.Format(time.RFC3339)+" to "+to.Format(time.RFC3339), fmt.Errorf("%w: the window must end after it starts", ErrOutOfRange))
	}
	if err := opts.check(); err != nil {
		return Report{}, err
	}
	groupBy := opts.GroupBy
	if groupBy == nil {
		groupBy = []string{funnel.AttrOwner}
	}
	total := &tally{}
	groups := map[string]*tally{}
	var key strings.Builder
	for d := range deals {
		obs, err := observe(d, from, to, opts)
		if err != nil {
			return Report{}, err
		}
		key.Reset()
		for _, a := range groupBy {
			// Length-prefixed, so no value can run into the next one.
			v := d.Attr(a)
			key.WriteString(strconv.Itoa(len(v)))
			key.WriteByte(':')
			key.WriteString(v)
		}
		g := groups[key.String()]
		if g == nil {
			g = &tally{group: make([]string, len(groupBy))}
			for i, a := range groupBy {
				g.group[i] = d.Attr(a)
			}
			groups[key.String()] = g
		}
		total.add(obs, opts)
		g.add(obs, opts)
	}
	windowDays := days(to.Sub(from))
	r := Report{From: from, To: to, Options: opts, Total: total.measured(windowDays, opts)}
	r.Options.GroupBy = slices.Clone(groupBy)
	r.Groups = make([]Measured, 0, len(groups))
	for _, g := range groups {
		r.Groups = append(r.Groups, g.measured(windowDays, opts))
	}
	slices.SortFunc(r.Groups, func(a, b Measured) int { return slices.Compare(a.Group, b.Group) })
	return r, nil
}

// observation is what one deal contributes to a tally.
type observation struct {
	undated  bool
	counted  bool          // counts as an opportunity (Count other than average)
	openIn   time.Duration // time open within the window
	created  bool          // started in the window
	closedIn bool          // won or lost in the window
	won      bool
	amount   decimal.NullDecimal
	cycle    time.Duration
	cycleOK  bool // cycle counts under Options.CycleDeals
	live     bool // started before to, not closed before from
}

// observe checks one deal and works out what it contributes.
func observe(d funnel.Deal, from, to time.Time, opts Options) (observation, error) {
	fail := func(format string, a ...any) error {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalidDeal}, a...)...)}
	}
	if d.Outcome < funnel.Open || d.Outcome > funnel.Lost {
		return observation{}, fail("outcome %d", int8(d.Outcome))
	}
	closed := d.Outcome != funnel.Open
	if !closed && !d.Closed.IsZero() {
		return observation{}, fail("open deal with a closed time")
	}
	if d.Amount.Valid && d.Amount.Decimal.IsNegative() {
		return observation{}, fail("negative amount %s", d.Amount.Decimal)
	}
	start, closeAt := d.Start(), d.CloseTime() // a won deal without Closed closes at its win
	hasStart, hasClose := !start.IsZero(), !closeAt.IsZero()
	if hasStart && hasClose && closeAt.Before(start) {
		return observation{}, fail("closed %s before the start %s", closeAt.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var o observation
	o.undated = !hasStart || (closed && !hasClose)
	o.won = d.Outcome == funnel.Won
	o.amount = d.Amount
	o.closedIn = closed && hasClose && in(closeAt)
	o.created = hasStart && in(start)
	if hasStart && (!closed || hasClose) {
		// Live in the window: started before to, not closed before from.
		o.live = start.Before(to) && (!closed || !closeAt.Before(from))
		end := to
		if closed && closeAt.Before(to) {
			end = closeAt
		}
		if begin := later(start, from); end.After(begin) {
			o.openIn = end.Sub(begin)
		}
	}
	switch opts.Count {
	case CountOpen:
		o.counted = o.live
	case CountCreated:
		o.counted = o.created
	case CountClosed:
		o.counted = o.closedIn
	case CountAverageOpen:
		o.counted = o.openIn > 0
	}
	if o.closedIn && hasStart && (o.won || opts.CycleDeals == CycleClosed) {
		o.cycle, o.cycleOK = closeAt.Sub(start), true
	}
	return o, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tally accumulates the observations of one group.
type tally struct {
	group          []string
	counted        int64
	openNs         [2]uint64 // 128-bit sum of time open in the window (hi, lo)
	created        int64
	won, closed    int64
	wonValue, lost decimal.Decimal
	valueDeals     int64
	noAmount       int64
	aspDeals       int64
	cycleSum       [2]uint64 // 128-bit sum of cycles (hi, lo)
	cycleN         int64
	cycles         []time.Duration // kept only for the median
	undated        int64
}

func add128(s *[2]uint64, d time.Duration) {
	var c uint64
	s[1], c = bits.Add64(s[1], uint64(d), 0)
	s[0] += c
}

// mean128 returns the 128-bit sum s divided by n > 0, rounded half up. The
// sum of n non-negative durations is below n × 2^63, so the high word is
// below n (as bits.Div64 needs) and the quotient fits a Duration.
func mean128(s [2]uint64, n int64) time.Duration {
	q, r := bits.Div64(s[0], s[1], uint64(n))
	if r >= uint64(n)-r {
		q++
	}
	return time.Duration(q)
}

func (t *tally) add(o observation, opts Options) {
	if o.undated {
		t.undated++
	}
	if o.counted {
		t.counted++
	}
	add128(&t.openNs, o.openIn)
	if o.created {
		t.created++
	}
	if o.closedIn {
		t.closed++
		if o.won {
			t.won++
		}
		if o.amount.Valid {
			t.valueDeals++
			if o.won {
				t.wonValue = t.wonValue.Add(o.amount.Decimal)
				t.aspDeals++
			} else {
				t.lost = t.lost.Add(o.amount.Decimal)
			}
		} else {
			t.noAmount++
		}
	}
	if o.cycleOK {
		add128(&t.cycleSum, o.cycle)
		t.cycleN++
		if opts.CycleStat == CycleMedian {
			t.cycles = append(t.cycles, o.cycle)
		}
	}
}

func (t *tally) measured(windowDays float64, opts Options) Measured {
	m := Measured{
		Group:            t.group,
		OpportunityDeals: t.counted,
		Opportunities:    float64(t.counted),
		Created:          t.created,
		CreatedPerDay:    float64(t.created) / windowDays,
		WinCount:         funnel.Rate{K: t.won, N: t.closed},
		WonValue:         t.wonValue,
		LostValue:        t.lost,
		ValueDeals:       t.valueDeals,
		NoAmount:         t.noAmount,
		ASPDeals:         t.aspDeals,
		CycleDeals:       t.cycleN,
		Undated:          t.undated,
	}
	open := float64(t.openNs[0])*0x1p64 + float64(t.openNs[1])
	m.AverageOpen = open / float64(24*time.Hour) / windowDays
	if opts.Count == CountAverageOpen {
		m.Opportunities = m.AverageOpen
	}
	switch opts.WinBasis {
	case WinByCount:
		m.WinRateDefined = t.closed > 0
		m.WinRate = m.WinCount.Value()
	case WinByValue:
		if sum := t.wonValue.Add(t.lost); sum.IsPositive() {
			m.WinRateDefined = true
			m.WinRate = min(quo(t.wonValue, sum).InexactFloat64(), 1)
		}
	}
	if t.aspDeals > 0 {
		m.ASP, m.ASPDefined = quo(t.wonValue, decimal.NewFromInt(t.aspDeals)), true
	}
	if t.cycleN > 0 {
		m.CycleDefined = true
		switch opts.CycleStat {
		case CycleMean:
			m.Cycle = mean128(t.cycleSum, t.cycleN)
		case CycleMedian:
			c := slices.Clone(t.cycles)
			slices.Sort(c)
			n := len(c)
			if n%2 == 1 {
				m.Cycle = c[n/2]
			} else {
				a, b := c[n/2-1], c[n/2]
				m.Cycle = a + (b-a)/2
			}
		}
	}
	return m
}

// enum is an option type: small integers from 0 to a last value, each
// with a name.
type enum interface {
	~int8
	String() string
}

// marshalEnum returns v's name, or an error wrapping [ErrOutOfRange] when
// v is not in [0, last].
func marshalEnum[T enum](v, last T) ([]byte, error) {
	if v < 0 || v > last {
		return nil, inputErr("option", v.String(), ErrOutOfRange)
	}
	return []byte(v.String()), nil
}

// unmarshalEnum sets *dst to the value in [0, last] named b, or returns an
// error wrapping [ErrOutOfRange].
func unmarshalEnum[T enum](b []byte, dst *T, last T) error {
	for v := T(0); v <= last; v++ {
		if v.String() == string(b) {
			*dst = v
			return nil
		}
	}
	return inputErr("option", strconv.Quote(string(b)), ErrOutOfRange)
}
