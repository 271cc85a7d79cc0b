package velocity

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/key"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/funnelmath/funnelmath/internal/span"
	"github.com/shopspring/decimal"
)

// Counting says which deals count as the opportunities worked in a window
// [from, to), the O of V = O × W × ASP / C.
//
// V × T is the bookings of a steady pipeline over T days only when O is
// the number of deals open on an average day (Little's L = arrivals per
// day × cycle): then O / C is the deals resolved per day, and O × W × ASP
// / C the money won per day. Counting every deal live at some time in the
// window instead ([CountLive]) counts the deals open at the start plus
// every arrival during the window, about λ × (C + T) deals for λ arrivals
// a day, so V × T overstates the bookings by about 1 + T/C: 4× for a
// quarter of 91 days and a 30-day cycle.
type Counting int8

const (
	// CountAverageOpen is the number of deals open on an average day of
	// the window: the sum over deals of the time each was open in the
	// window, divided by the window's length. It is Little's L, under
	// which V × T equals the bookings of a steady pipeline. This is the
	// default.
	CountAverageOpen Counting = iota
	// CountLive counts the deals live at some time in the window: started
	// before to, and still open or closed at or after from (deals that
	// close in the window were worked in it). It is what many velocity
	// calculators mean by "opportunities in the pipeline", and overstates
	// V × T by about 1 + T/C (see [Counting]).
	CountLive
	// CountCreated counts the deals that started in the window.
	CountCreated
	// CountClosed counts the deals won or lost in the window.
	CountClosed
)

// String returns "average open", "live", "created" or "closed".
func (c Counting) String() string {
	switch c {
	case CountAverageOpen:
		return "average open"
	case CountLive:
		return "live"
	case CountCreated:
		return "created"
	case CountClosed:
		return "closed"
	}
	return fmt.Sprintf("Counting(%d)", int8(c))
}

// MarshalText encodes the option as its [Counting.String], so that
// [Options] reads as text in JSON; a value out of range is a
// *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (c Counting) MarshalText() ([]byte, error) { return optionText("counting", c, CountClosed) }

// UnmarshalText decodes a name that [Counting.String] returns; any other
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (c *Counting) UnmarshalText(text []byte) error {
	return decodeTop("velocity.Counting.UnmarshalText", "counting", parseOption(text, c, CountClosed))
}

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

// MarshalText encodes the option as its [WinBasis.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (b WinBasis) MarshalText() ([]byte, error) { return optionText("win basis", b, WinByValue) }

// UnmarshalText decodes a name that [WinBasis.String] returns; any other
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (b *WinBasis) UnmarshalText(text []byte) error {
	return decodeTop("velocity.WinBasis.UnmarshalText", "win basis", parseOption(text, b, WinByValue))
}

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

// MarshalText encodes the option as its [CycleStat.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (s CycleStat) MarshalText() ([]byte, error) { return optionText("cycle stat", s, CycleMedian) }

// UnmarshalText decodes a name that [CycleStat.String] returns; any other
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (s *CycleStat) UnmarshalText(text []byte) error {
	return decodeTop("velocity.CycleStat.UnmarshalText", "cycle stat", parseOption(text, s, CycleMedian))
}

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

// MarshalText encodes the option as its [CycleDeals.String]; a value out
// of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (c CycleDeals) MarshalText() ([]byte, error) { return optionText("cycle deals", c, CycleClosed) }

// UnmarshalText decodes a name that [CycleDeals.String] returns; any other
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (c *CycleDeals) UnmarshalText(text []byte) error {
	return decodeTop("velocity.CycleDeals.UnmarshalText", "cycle deals", parseOption(text, c, CycleClosed))
}

// Options are the conventions for measuring levers from deals. The zero
// Options is the default of each field.
//
// Whatever the options, the win rate, ASP and cycle are measured over the
// deals closed in the window (so open deals never dilute the win rate), the
// ASP over won deals with an amount, and a deal's cycle is
// Deal.CloseTime() − Deal.Start().
type Options struct {
	Count      Counting   `json:"count"`
	WinBasis   WinBasis   `json:"win_basis"`
	CycleStat  CycleStat  `json:"cycle_stat"`
	CycleDeals CycleDeals `json:"cycle_deals"`
	// GroupBy names the attributes (see [funnel.Deal.Attr]) whose values
	// make a group, such as {funnel.AttrOwner} or {funnel.AttrSegment,
	// funnel.AttrOwner}. Nil means {funnel.AttrOwner}.
	GroupBy []string `json:"group_by,omitempty"`
}

// UnmarshalJSON decodes the options from the names their MarshalText
// methods write. An unknown name or a value of the wrong type is a
// *[funnel.InputError] naming the field, such as "count", wrapping
// [funnel.ErrOutOfRange]. On an error o is unchanged.
func (o *Options) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Options.UnmarshalJSON", "options", o.decode(b))
}

func (o *Options) decode(b []byte) error {
	return decodeObject(o, b, func(v *Options) []field {
		return []field{
			{"count", option(&v.Count, CountClosed)},
			{"win_basis", option(&v.WinBasis, WinByValue)},
			{"cycle_stat", option(&v.CycleStat, CycleMedian)},
			{"cycle_deals", option(&v.CycleDeals, CycleClosed)},
			{"group_by", list(&v.GroupBy, plainEach[string])},
		}
	}, nil)
}

func (o Options) check(op string) error {
	switch {
	case o.Count < CountAverageOpen || o.Count > CountClosed:
		return inputErr(op, "options.count", o.Count.String(), funnel.ErrOutOfRange)
	case o.WinBasis < WinByCount || o.WinBasis > WinByValue:
		return inputErr(op, "options.win_basis", o.WinBasis.String(), funnel.ErrOutOfRange)
	case o.CycleStat < CycleMean || o.CycleStat > CycleMedian:
		return inputErr(op, "options.cycle_stat", o.CycleStat.String(), funnel.ErrOutOfRange)
	case o.CycleDeals < CycleWon || o.CycleDeals > CycleClosed:
		return inputErr(op, "options.cycle_deals", o.CycleDeals.String(), funnel.ErrOutOfRange)
	}
	return nil
}

// Measured is the levers measured for one group of deals over a window,
// with the counts behind each and the bookings they stand for. A lever
// that the deals do not define (no closed deal for the win rate, no won
// deal with an amount for the ASP, no deal for the cycle) is undefined:
// not Valid in Go and null in JSON, never a zero or a NaN.
type Measured struct {
	// Group is the group's values of Options.GroupBy, in order; nil for the
	// total over all deals.
	Group []string `json:"group"`

	// Opportunities is the opportunities worked by Options.Count.
	Opportunities float64 `json:"opportunities"`
	// OpportunityDeals is the number of deals behind Opportunities (for
	// CountAverageOpen, the deals open for some time in the window).
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
	// WinRate is the win rate by Options.WinBasis; not Valid when
	// undefined.
	WinRate funnel.NullFloat64 `json:"win_rate"`
	// WonValue and LostValue are the exact sums of the amounts of the won
	// and lost deals closed in the window that have one; ValueDeals counts
	// those deals.
	WonValue   decimal.Decimal `json:"won_value"`
	LostValue  decimal.Decimal `json:"lost_value"`
	ValueDeals int64           `json:"value_deals"`
	// NoAmount counts the deals closed in the window without an amount.
	NoAmount int64 `json:"no_amount"`

	// ASP is WonValue ÷ ASPDeals, the won deals closed in the window with
	// an amount, rounded half to even to the cent; not Valid when ASPDeals
	// is zero.
	ASP      decimal.NullDecimal `json:"asp"`
	ASPDeals int64               `json:"asp_deals"`

	// Cycle is the mean or median (Options.CycleStat) created-to-close
	// time of the deals of Options.CycleDeals closed in the window with a
	// known start; CycleDeals counts them. It is undefined (zero, and
	// "cycle_days": null in JSON) when CycleDeals is zero; see
	// [Measured.CycleDays].
	Cycle      time.Duration `json:"-"`
	CycleDeals int64         `json:"cycle_deals"`

	// Bookings is the actual bookings in the window: the sum of the
	// amounts of the won deals closed in [from, to), rounded half to even
	// to the cent (WonValue to the cent).
	Bookings decimal.Decimal `json:"bookings"`
	// SteadyBookings is what the measured levers say the bookings of the
	// window were, V × window days (see [Levers.Bookings]), to the cent;
	// not Valid when a lever is undefined or the cycle is zero. Under
	// CountAverageOpen it equals Bookings for a steady pipeline; a gap
	// says the pipeline grew or shrank, or the levers follow another
	// convention.
	SteadyBookings decimal.NullDecimal `json:"steady_bookings"`

	// Undated counts deals left out of what needs a time they lack: a
	// start (for counting opportunities and cycles) or, for a closed deal,
	// a close time, [funnel.Deal.CloseTime] (for everything but Created,
	// which needs only the start).
	Undated int64 `json:"undated"`
}

// CycleDays returns the cycle in days of 24 hours, or a NullFloat64 that
// is not Valid when no deal measured it (CycleDeals is zero).
func (m Measured) CycleDays() funnel.NullFloat64 {
	if m.CycleDeals == 0 {
		return funnel.NullFloat64{}
	}
	return funnel.Some(days(m.Cycle))
}

// measuredFields is Measured without its methods, for encoding/json.
type measuredFields Measured

// MarshalJSON encodes the fields by their json tags and the cycle as
// "cycle_days", a number of days or null when undefined.
func (m Measured) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		measuredFields
		CycleDays funnel.NullFloat64 `json:"cycle_days"`
	}{measuredFields(m), m.CycleDays()})
}

// UnmarshalJSON decodes what [Measured.MarshalJSON] writes, the cycle
// rounded to the nanosecond. A malformed document, a value of the wrong
// type, an amount that is not a decimal within [funnel.AmountInRange], a
// cycle beyond time.Duration's range, or a cycle given (or null) when
// cycle_deals says otherwise is a *[funnel.InputError] naming the field
// ("measured" for the whole document), wrapping [funnel.ErrOutOfRange]; a
// win_count that [funnel.NewRate] rejects wraps its sentinel. On an error
// m is unchanged; null leaves it as it is.
func (m *Measured) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Measured.UnmarshalJSON", "measured", m.decode(b))
}

func (m *Measured) decode(b []byte) error {
	var cycle funnel.NullFloat64
	return decodeObject(m, b, func(v *Measured) []field {
		return []field{
			{"group", list(&v.Group, plainEach[string])},
			{"opportunities", plain(&v.Opportunities)},
			{"opportunity_deals", plain(&v.OpportunityDeals)},
			{"created", plain(&v.Created)},
			{"created_per_day", plain(&v.CreatedPerDay)},
			{"average_open", plain(&v.AverageOpen)},
			{"win_count", rate(&v.WinCount)},
			{"win_rate", nullFloat(&v.WinRate)},
			{"won_value", amount(&v.WonValue)},
			{"lost_value", amount(&v.LostValue)},
			{"value_deals", plain(&v.ValueDeals)},
			{"no_amount", plain(&v.NoAmount)},
			{"asp", nullAmount(&v.ASP)},
			{"asp_deals", plain(&v.ASPDeals)},
			{"cycle_days", nullFloat(&cycle)},
			{"cycle_deals", plain(&v.CycleDeals)},
			{"bookings", amount(&v.Bookings)},
			{"steady_bookings", nullAmount(&v.SteadyBookings)},
			{"undated", plain(&v.Undated)},
		}
	}, func(v *Measured) error {
		if cycle.Valid != (v.CycleDeals > 0) {
			return &funnel.InputError{Name: "cycle_days", Value: cycle.String(), Err: fmt.Errorf("%w: a cycle is defined when cycle_deals (%d) is above zero", funnel.ErrOutOfRange, v.CycleDeals)}
		}
		if cycle.Valid {
			c, err := durationOf(cycle.Float64)
			if err != nil {
				return placed("cycle_days", err)
			}
			v.Cycle = c
		}
		return nil
	})
}

// Levers returns the measured levers. It returns a *[LeverError] wrapping
// [ErrUndefined] for the first lever that is not defined, [ErrZeroCycle]
// for a cycle of zero (deals closed as they started), and the errors of
// [Levers.Validate].
func (m Measured) Levers() (Levers, error) { return m.levers("velocity.Measured.Levers") }

func (m Measured) levers(op string) (Levers, error) {
	switch {
	case !m.WinRate.Valid && m.WinCount.N == 0:
		return Levers{}, leverErr(op, LeverWinRate, "", fmt.Errorf("%w: no closed deal in the window", ErrUndefined))
	case !m.WinRate.Valid:
		return Levers{}, leverErr(op, LeverWinRate, "", fmt.Errorf("%w: no amount won or lost in the window", ErrUndefined))
	case !m.ASP.Valid:
		return Levers{}, leverErr(op, LeverASP, "", fmt.Errorf("%w: no won deal with an amount in the window", ErrUndefined))
	case m.CycleDeals == 0:
		return Levers{}, leverErr(op, LeverCycle, "", fmt.Errorf("%w: no closed deal with a start in the window", ErrUndefined))
	}
	l := Levers{Opportunities: m.Opportunities, WinRate: m.WinRate.Float64, ASP: m.ASP.Decimal, Cycle: m.Cycle}
	if err := l.check(op); err != nil {
		return Levers{}, err
	}
	return l, nil
}

// Little returns the Little's-law check of the measured opportunities
// against CreatedPerDay × Cycle (see [Little]). Under CountAverageOpen with
// CycleClosed, a steady pipeline gives a gap near zero. It returns a
// *[LeverError] wrapping [ErrUndefined] when the cycle is not defined.
func (m Measured) Little() (LittleCheck, error) {
	const op = "velocity.Measured.Little"
	if m.CycleDeals == 0 {
		return LittleCheck{}, leverErr(op, LeverCycle, "", fmt.Errorf("%w: no closed deal with a start in the window", ErrUndefined))
	}
	return little(op, m.Opportunities, m.CreatedPerDay, m.Cycle)
}

// Report is the levers measured over a window, for every group and in
// total.
type Report struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// WindowDays is the window's length, To − From, in days of 24 hours:
	// the T of V × T in each Measured.SteadyBookings.
	WindowDays float64    `json:"window_days"`
	Options    Options    `json:"options"`
	Total      Measured   `json:"total"`
	Groups     []Measured `json:"groups"` // sorted by Group, value by value
}

// UnmarshalJSON decodes what encoding/json writes for a report. A failure
// is a *[funnel.InputError] naming its place, such as "groups[1].bookings"
// or "options.count" ("report" for the whole document), wrapping
// [funnel.ErrOutOfRange] or the sentinel of a nested decoder (see
// [Measured.UnmarshalJSON]). On an error r is unchanged.
func (r *Report) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Report.UnmarshalJSON", "report", decodeObject(r, b, func(v *Report) []field {
		return []field{
			{"from", instant(&v.From)},
			{"to", instant(&v.To)},
			{"window_days", plain(&v.WindowDays)},
			{"options", v.Options.decode},
			{"total", v.Total.decode},
			{"groups", list(&v.Groups, nested[Measured])},
		}
	}, nil))
}

// MeasureDeals is [Measure] over a slice, read as [funnel.Stream] yields
// it.
func MeasureDeals(f funnel.Funnel, deals []funnel.Deal, from, to time.Time, opts Options) (Report, error) {
	return Measure(f, funnel.Stream(deals), from, to, opts)
}

// Measure measures the levers of the deals over the window [from, to), per
// group of Options.GroupBy and in total, by the conventions of opts (see
// [Options], [Counting], [WinBasis], [CycleStat], [CycleDeals]), and the
// bookings of the window beside what the levers say they were
// (Measured.Bookings and Measured.SteadyBookings). It reads the stream
// once, as a reader of package funnel/crm yields it, and does not modify
// the deals. No deals give a report with zero counts and undefined
// levers.
//
// A deal's start is Deal.Start() and its close Deal.CloseTime() (Closed,
// or for a won deal without it the time it entered the last stage); a deal
// without a start, or a closed deal without a close time, is counted in
// Undated and left out of what needs the missing time.
//
// Errors: the stream's own error (a row a reader could not read), as it
// is, with no report; a deal that fails [funnel.Deal.Validate] against f,
// as its *[funnel.DealError] with Op "velocity.Measure" (wrapping
// [funnel.ErrInvalidDeal], [funnel.ErrEventOrder], [funnel.ErrUnknownStage]...);
// a *[funnel.DealError] wrapping [funnel.ErrOutOfRange] for a deal whose
// cycle is longer than [funnel.MaxDurationDays]; a *[funnel.InputError]
// wrapping [funnel.ErrEmptyFunnel] for a funnel with no stage,
// [funnel.ErrDateOrder] for a window that does not end after it starts,
// and [funnel.ErrOutOfRange] for a window longer than
// [funnel.MaxDurationDays], an option out of range, or a stream of more
// than math.MaxInt deals (so that no count wraps).
func Measure(f funnel.Funnel, deals iter.Seq2[funnel.Deal, error], from, to time.Time, opts Options) (Report, error) {
	const op = "velocity.Measure"
	if f.Len() == 0 {
		return Report{}, inputErr(op, "funnel", "", funnel.ErrEmptyFunnel)
	}
	window := from.Format(time.RFC3339) + " to " + to.Format(time.RFC3339)
	if !to.After(from) {
		return Report{}, inputErr(op, "window", window, fmt.Errorf("%w: the window must end after it starts", funnel.ErrDateOrder))
	}
	windowDays := span.Days(to, from)
	if windowDays > funnel.MaxDurationDays {
		return Report{}, inputErr(op, "window", window, fmt.Errorf("%w: longer than %d days", funnel.ErrOutOfRange, funnel.MaxDurationDays))
	}
	if err := opts.check(op); err != nil {
		return Report{}, err
	}
	groupBy := opts.GroupBy
	if groupBy == nil {
		groupBy = []string{funnel.AttrOwner}
	}
	total := &tally{}
	groups := map[string]*tally{}
	var buf []byte
	var seen int
	for d, err := range deals {
		if err != nil {
			return Report{}, err
		}
		if err := countDeal(op, &seen); err != nil {
			return Report{}, err
		}
		if err := d.Validate(f); err != nil {
			return Report{}, funnel.WithOp(op, err)
		}
		obs, err := observe(&d, from, to, opts)
		if err != nil {
			return Report{}, &funnel.DealError{Op: op, ID: d.ID, Err: err}
		}
		buf = buf[:0]
		for _, a := range groupBy {
			buf = key.Append(buf, d.Attr(a))
		}
		g := groups[string(buf)]
		if g == nil {
			g = &tally{group: make([]string, len(groupBy))}
			for i, a := range groupBy {
				g.group[i] = d.Attr(a)
			}
			groups[string(buf)] = g
		}
		total.add(obs, opts)
		g.add(obs, opts)
	}
	r := Report{From: from, To: to, WindowDays: windowDays, Options: opts, Total: total.measured(windowDays, opts)}
	r.Options.GroupBy = slices.Clone(groupBy)
	r.Groups = make([]Measured, 0, len(groups))
	for _, g := range groups {
		r.Groups = append(r.Groups, g.measured(windowDays, opts))
	}
	slices.SortFunc(r.Groups, func(a, b Measured) int { return slices.Compare(a.Group, b.Group) })
	return r, nil
}

// countDeal counts one more deal of a stream in *n. Every count that
// Measure and BuildForecast keep (per group, rep or stage) is at most the
// number of deals, so this one check keeps them all from overflowing: at
// math.MaxInt it returns a *[funnel.InputError] naming "deals", wrapping
// [funnel.ErrOutOfRange], and leaves *n as it is.
func countDeal(op string, n *int) error {
	if *n == math.MaxInt {
		return inputErr(op, "deals", "", fmt.Errorf("%w: more than %d deals", funnel.ErrOutOfRange, math.MaxInt))
	}
	*n++
	return nil
}

// observation is what one deal contributes to a tally.
type observation struct {
	undated  bool
	counted  bool          // counts as an opportunity under Options.Count
	openIn   time.Duration // time open within the window
	created  bool          // started in the window
	closedIn bool          // won or lost in the window
	won      bool
	amount   decimal.NullDecimal
	cycle    time.Duration
	cycleOK  bool // cycle counts under Options.CycleDeals
}

// observe works out what a valid deal contributes. It returns an error
// wrapping [funnel.ErrOutOfRange] for a cycle longer than
// funnel.MaxDurationDays, which time.Duration may not hold.
func observe(d *funnel.Deal, from, to time.Time, opts Options) (observation, error) {
	closed := d.Outcome != funnel.Open
	start, closeAt := d.Start(), d.CloseTime() // a won deal without Closed closes at its win
	hasStart, hasClose := !start.IsZero(), !closeAt.IsZero()
	if hasStart && hasClose && span.Days(closeAt, start) > funnel.MaxDurationDays {
		return observation{}, fmt.Errorf("%w: cycle from %s to %s is longer than %d days", funnel.ErrOutOfRange, start.Format(time.DateOnly), closeAt.Format(time.DateOnly), funnel.MaxDurationDays)
	}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var o observation
	o.undated = !hasStart || (closed && !hasClose)
	o.won = d.Outcome == funnel.Won
	o.amount = d.Amount
	o.closedIn = closed && hasClose && in(closeAt)
	o.created = hasStart && in(start)
	var live bool
	if hasStart && (!closed || hasClose) {
		// Live in the window: started before to, not closed before from.
		live = start.Before(to) && (!closed || !closeAt.Before(from))
		end := to
		if closed && closeAt.Before(to) {
			end = closeAt
		}
		if begin := later(start, from); end.After(begin) {
			o.openIn = end.Sub(begin) // at most the window, which fits
		}
	}
	switch opts.Count {
	case CountAverageOpen:
		o.counted = o.openIn > 0
	case CountLive:
		o.counted = live
	case CountCreated:
		o.counted = o.created
	case CountClosed:
		o.counted = o.closedIn
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
	open           num.Sum128 // time open in the window, ns
	created        int64
	won, closed    int64
	wonValue, lost decimal.Decimal
	valueDeals     int64
	noAmount       int64
	aspDeals       int64
	cycleSum       num.Sum128 // cycles, ns
	cycleN         int64
	cycles         []time.Duration // kept only for the median
	undated        int64
}

func (t *tally) add(o observation, opts Options) {
	if o.undated {
		t.undated++
	}
	if o.counted {
		t.counted++
	}
	t.open.AddDuration(o.openIn)
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
		t.cycleSum.AddDuration(o.cycle)
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
		Bookings:         dec.Cents(t.wonValue),
		Undated:          t.undated,
	}
	m.AverageOpen = t.open.Float() / float64(day) / windowDays
	if opts.Count == CountAverageOpen {
		m.Opportunities = m.AverageOpen
	}
	switch opts.WinBasis {
	case WinByCount:
		m.WinRate = m.WinCount.Null()
	case WinByValue:
		if q, ok := dec.Quo(t.wonValue, t.wonValue.Add(t.lost)); ok {
			m.WinRate = funnel.Some(min(q.InexactFloat64(), 1))
		}
	}
	if q, ok := dec.QuoPlaces(t.wonValue, decimal.NewFromInt(t.aspDeals), dec.CentPlaces); ok {
		m.ASP = decimal.NewNullDecimal(q)
	}
	if t.cycleN > 0 {
		switch opts.CycleStat {
		case CycleMean:
			m.Cycle = time.Duration(t.cycleSum.Mean(uint64(t.cycleN)))
		case CycleMedian:
			c := t.cycles // the tally's own: sorting it changes nothing else
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
	if l, err := m.levers(""); err == nil {
		if w, ok := dec.FromFloat(windowDays); ok {
			m.SteadyBookings = decimal.NewNullDecimal(dec.Cents(l.bookingsOver(w)))
		}
	}
	return m
}
