package funnel

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The JSON of the aggregates is written by hand, appending to one buffer,
// so that a tally of hundreds of thousands of groups encodes in time and
// memory linear in its size; it reads as encoding/json would write the
// same fields. Decoding takes one pass of encoding/json over each group
// and, only when that fails, a second pass field by field to name the
// field at fault.

// MarshalJSON encodes the counts as an object with the fields' json
// names; money as decimal strings, exact.
func (c Counts) MarshalJSON() ([]byte, error) {
	return c.appendJSON(nil, c.AmountReached, c.WonAmount, c.OpenAmount), nil
}

// appendJSON appends the JSON of c, with the money given apart (a group
// keeps its money outside its Counts).
func (c *Counts) appendJSON(b []byte, amount []decimal.Decimal, won, open decimal.Decimal) []byte {
	b = append(b, `{"key":`...)
	b = appendStrings(b, c.Key)
	b = appendIntField(b, "deals", c.Deals)
	b = appendIntField(b, "won", c.Won)
	b = appendIntField(b, "lost", c.Lost)
	b = appendIntField(b, "open", c.Open)
	for _, f := range []struct {
		name string
		v    []int64
	}{{"reached", c.Reached}, {"entered", c.Entered}, {"entered_both", c.EnteredBoth}, {"open_at", c.OpenAt}, {"strict_pending", c.StrictPending}, {"lost_at", c.LostAt}} {
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":`...)
		b = appendInts(b, f.v)
	}
	b = appendIntField(b, "lost_no_stage", c.LostNoStage)
	b = append(b, `,"amount_reached":`...)
	if amount == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for k, a := range amount {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendDecimal(b, a)
		}
		b = append(b, ']')
	}
	b = appendIntField(b, "no_amount", c.NoAmount)
	b = append(b, `,"won_amount":`...)
	b = appendDecimal(b, won)
	b = appendIntField(b, "won_with_amount", c.WonWithAmount)
	b = append(b, `,"open_amount":`...)
	b = appendDecimal(b, open)
	b = appendIntField(b, "open_with_amount", c.OpenWithAmount)
	b = append(b, `,"won_cycle":`...)
	b = c.WonCycle.appendJSON(b)
	b = append(b, `,"lost_cycle":`...)
	b = c.LostCycle.appendJSON(b)
	for _, f := range []struct {
		name string
		v    []Durations
	}{{"stage_time", c.StageTime}, {"won_to_close", c.WonToClose}} {
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":`...)
		if f.v == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for k := range f.v {
			if k > 0 {
				b = append(b, ',')
			}
			b = f.v[k].appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSON appends the JSON of h, as [Durations.MarshalJSON] writes it.
func (h *Durations) appendJSON(b []byte) []byte {
	b = append(b, `{"n":`...)
	b = strconv.AppendInt(b, h.n, 10)
	b = append(b, `,"seconds":`...)
	b = strconv.AppendInt(b, h.seconds, 10)
	b = append(b, `,"days":[`...)
	first := true
	bin := func(day int, c int64) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(day), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, c, 10)
		b = append(b, ']')
	}
	for d, c := range h.dense[:h.top] {
		if c != 0 {
			bin(d, c)
		}
	}
	for _, x := range h.bins {
		bin(x.Day, x.Count)
	}
	return append(b, "]}"...)
}

func appendIntField(b []byte, name string, v int64) []byte {
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	return strconv.AppendInt(b, v, 10)
}

func appendInts(b []byte, v []int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, x, 10)
	}
	return append(b, ']')
}

func appendStrings(b []byte, v []string) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendDecimal appends d as a JSON string, as decimal's MarshalJSON does.
func appendDecimal(b []byte, d decimal.Decimal) []byte {
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD, as
// encoding/json writes it (without its HTML escaping, which JSON does not
// need).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// countsJSON is the encoded form of Counts for the one-pass decoder.
type countsJSON struct {
	Key            []string     `json:"key"`
	Deals          int64        `json:"deals"`
	Won            int64        `json:"won"`
	Lost           int64        `json:"lost"`
	Open           int64        `json:"open"`
	Reached        []int64      `json:"reached"`
	Entered        []int64      `json:"entered"`
	EnteredBoth    []int64      `json:"entered_both"`
	OpenAt         []int64      `json:"open_at"`
	StrictPending  []int64      `json:"strict_pending"`
	LostAt         []int64      `json:"lost_at"`
	LostNoStage    int64        `json:"lost_no_stage"`
	AmountReached  []jsonAmount `json:"amount_reached"`
	NoAmount       int64        `json:"no_amount"`
	WonAmount      jsonAmount   `json:"won_amount"`
	WonWithAmount  int64        `json:"won_with_amount"`
	OpenAmount     jsonAmount   `json:"open_amount"`
	OpenWithAmount int64        `json:"open_with_amount"`
	WonCycle       Durations    `json:"won_cycle"`
	LostCycle      Durations    `json:"lost_cycle"`
	StageTime      []Durations  `json:"stage_time"`
	WonToClose     []Durations  `json:"won_to_close"`
}

// UnmarshalJSON decodes counts as [Counts.MarshalJSON] writes them, naming
// the field of any value that cannot be decoded (a *[InputError] wrapping
// [ErrOutOfRange] or a decoder's sentinel, such as "won_amount" or
// "stage_time.days[0].count"). It does not run [Counts.Check]: a decoder
// of a whole aggregate, such as [Tally.UnmarshalJSON], does.
func (c *Counts) UnmarshalJSON(b []byte) error {
	var j countsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return c.unmarshalSlow(b)
	}
	d := Counts{Key: j.Key, Deals: j.Deals, Won: j.Won, Lost: j.Lost, Open: j.Open, Reached: j.Reached, Entered: j.Entered,
		EnteredBoth: j.EnteredBoth, OpenAt: j.OpenAt, StrictPending: j.StrictPending, LostAt: j.LostAt, LostNoStage: j.LostNoStage,
		NoAmount: j.NoAmount, WonAmount: j.WonAmount.d, WonWithAmount: j.WonWithAmount, OpenAmount: j.OpenAmount.d,
		OpenWithAmount: j.OpenWithAmount, WonCycle: j.WonCycle, LostCycle: j.LostCycle, StageTime: j.StageTime, WonToClose: j.WonToClose}
	if j.AmountReached != nil {
		d.AmountReached = make([]decimal.Decimal, len(j.AmountReached))
		for k, a := range j.AmountReached {
			d.AmountReached[k] = a.d
		}
	}
	*c = d
	return nil
}

// unmarshalSlow decodes field by field, to name the field at fault; it is
// used only after the one-pass decoder failed.
func (c *Counts) unmarshalSlow(b []byte) error {
	var d Counts
	var amounts []jsonAmount
	var won, open jsonAmount
	err := decodeObject(b, "counts", map[string]any{
		"key": &d.Key, "deals": &d.Deals, "won": &d.Won, "lost": &d.Lost, "open": &d.Open,
		"reached": &d.Reached, "entered": &d.Entered, "entered_both": &d.EnteredBoth, "open_at": &d.OpenAt,
		"strict_pending": &d.StrictPending, "lost_at": &d.LostAt, "lost_no_stage": &d.LostNoStage,
		"amount_reached": &amounts, "no_amount": &d.NoAmount, "won_amount": &won, "won_with_amount": &d.WonWithAmount,
		"open_amount": &open, "open_with_amount": &d.OpenWithAmount, "won_cycle": &d.WonCycle, "lost_cycle": &d.LostCycle,
		"stage_time": &d.StageTime, "won_to_close": &d.WonToClose,
	})
	if err != nil {
		return err
	}
	// The one-pass decoder failed where this one did not: a document
	// that decodes field by field is still not one object.
	return &InputError{Name: "counts", Err: fmt.Errorf("%w: not a counts object", ErrOutOfRange)}
}

// jsonAmount decodes an amount of money, checked with [AmountReason]
// before any arithmetic is done on it, so that "1e-2147483647" or
// "1e999999" is an error naming the field, not a decimal that later
// overflows.
type jsonAmount struct{ d decimal.Decimal }

func (a *jsonAmount) UnmarshalJSON(b []byte) error {
	if err := a.d.UnmarshalJSON(b); err != nil {
		return &InputError{Value: string(b), Err: fmt.Errorf("%w: not a decimal amount", ErrOutOfRange)}
	}
	if err := checkAmount(a.d); err != nil {
		return &InputError{Value: string(b), Err: err}
	}
	return nil
}

// tallyJSON is the encoded form of a Tally.
type tallyJSON struct {
	Funnel Funnel            `json:"funnel"`
	By     []string          `json:"by"`
	Groups []json.RawMessage `json:"groups"`
}

// MarshalJSON encodes the tally as {"funnel", "by", "groups"}: its funnel,
// grouping and the [Counts] of every group, sorted by key, so that a tally
// made on one machine can be merged on another. The money of the groups is
// exact, never rounded. Time and memory are linear in the number of
// groups (apart from sorting their keys).
func (t *Tally) MarshalJSON() ([]byte, error) {
	if t == nil {
		return []byte("null"), nil
	}
	groups := make([]*group, 0, len(t.groups))
	for _, g := range t.groups {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *group) int { return slices.Compare(a.c.Key, b.c.Key) })
	b := make([]byte, 0, 4096)
	b = append(b, `{"funnel":`...)
	b = appendStrings(b, t.funnel.stages)
	b = append(b, `,"by":`...)
	by := t.by
	if by == nil {
		by = []string{}
	}
	b = appendStrings(b, by)
	b = append(b, `,"groups":[`...)
	amount := make([]decimal.Decimal, t.funnel.Len())
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		for k, m := range g.amount {
			amount[k] = m.value()
		}
		b = g.c.appendJSON(b, amount, g.won.value(), g.open.value())
	}
	return append(b, "]}"...), nil
}

// UnmarshalJSON decodes a tally written by [Tally.MarshalJSON], checking
// every group with [Counts.Check] and with the sums that Check leaves out
// (see [Counts] and below), its key against the grouping and that keys are
// not repeated, so that a document no deals could give is refused when it
// is read. Beyond Check, the deals of every group reached the stages
// their outcomes say,
//
//	Reached[k] = Won + Σ_{j≥k} (OpenAt[j] + LostAt[j])
//
// (a won deal reached every stage, an open or lost one each stage up to its
// furthest); the money reaching the stages never rises down the funnel,
// is WonAmount at the won stage, at least WonAmount + OpenAmount at the
// first, and zero at a stage no deal reached or when no deal has an
// amount; and no time to win is measured from the won stage.
//
// A failure is a *[InputError] or *[StageError] whose name gives the
// place, such as groups[1].won_amount, wrapping a sentinel:
// [ErrOutOfRange] for a malformed document, a value of the wrong type or
// sums that do not add up, [ErrCountsRise] for money that rises down the
// funnel or is below its parts, [ErrLengthMismatch], [ErrIncompatible] for
// a repeated key, and those of [Counts.Check]. On an error t is unchanged.
// An empty grouping decodes as none, as [NewTally] without attributes
// makes it.
func (t *Tally) UnmarshalJSON(b []byte) error {
	var j tallyJSON
	if err := decodeJSON(b, &j, "tally"); err != nil {
		return err
	}
	if j.Funnel.Len() == 0 {
		return &InputError{Name: "funnel", Err: ErrEmptyFunnel}
	}
	if len(j.By) == 0 {
		j.By = nil // as NewTally(f) keeps no attributes
	}
	u := NewTally(j.Funnel, j.By...)
	for i, raw := range j.Groups {
		place := fmt.Sprintf("groups[%d]", i)
		var g Counts
		if err := g.UnmarshalJSON(raw); err != nil {
			return placed(place, err)
		}
		if len(g.Key) != len(j.By) {
			return &InputError{Name: place + ".key", Value: fmt.Sprintf("%q", g.Key), Err: fmt.Errorf("%w: %d values for %d grouping attributes", ErrLengthMismatch, len(g.Key), len(j.By))}
		}
		if len(g.Reached) != j.Funnel.Len() {
			return &InputError{Name: place + ".reached", Value: fmt.Sprintf("%d entries", len(g.Reached)), Err: fmt.Errorf("%w: the funnel has %d stages", ErrLengthMismatch, j.Funnel.Len())}
		}
		if err := g.Check(); err != nil {
			return placed(place, err)
		}
		if err := g.checkSums(); err != nil {
			return placed(place, err)
		}
		k := u.keyOf(g.Key)
		if _, dup := u.groups[k]; dup {
			return &InputError{Name: place + ".key", Value: fmt.Sprintf("%q", g.Key), Err: fmt.Errorf("%w: key repeated", ErrIncompatible)}
		}
		u.groups[k] = groupOf(g)
	}
	*t = *u
	return nil
}

// checkSums verifies, for counts that passed [Counts.Check], the sums
// that [Tally.UnmarshalJSON] adds to Check's: what any group tallied from
// deals satisfies and Check leaves out.
func (c *Counts) checkSums() error {
	n := len(c.Reached)
	// Check has added up OpenAt and LostAt without passing an int64, and
	// Won + Open + Lost = Deals, so s fits.
	s := c.Won
	for k := n - 1; k >= 0; k-- {
		s += c.OpenAt[k] + c.LostAt[k]
		if c.Reached[k] != s {
			return &StageError{Input: "reached", Index: k, Err: fmt.Errorf("%w: %d, but %d deals are won, or open or lost at this stage or a later one", ErrOutOfRange, c.Reached[k], s)}
		}
	}
	// Amounts are not negative (Check), and the deals that reach a stage
	// reached every earlier one.
	a := c.AmountReached
	for k := 1; k < n; k++ {
		if a[k].GreaterThan(a[k-1]) {
			return &StageError{Input: "amount_reached", Index: k, Err: fmt.Errorf("%w: %s after %s", ErrCountsRise, a[k], a[k-1])}
		}
	}
	// Only won deals reach the won stage (Check: Reached[n−1] = Won), and
	// every won and open deal reached the first.
	if !a[n-1].Equal(c.WonAmount) {
		return &StageError{Input: "amount_reached", Index: n - 1, Err: fmt.Errorf("%w: %s at the won stage, but the won deals hold %s", ErrOutOfRange, a[n-1], c.WonAmount)}
	}
	if held := c.WonAmount.Add(c.OpenAmount); a[0].LessThan(held) {
		return &StageError{Input: "amount_reached", Index: 0, Err: fmt.Errorf("%w: %s, below the %s that the won and open deals hold", ErrCountsRise, a[0], held)}
	}
	for k := range n {
		if c.Reached[k] == 0 && !a[k].IsZero() {
			return &StageError{Input: "amount_reached", Index: k, Err: fmt.Errorf("%w: %s at a stage no deal reached", ErrOutOfRange, a[k])}
		}
	}
	if c.NoAmount == c.Deals && !a[0].IsZero() {
		return &StageError{Input: "amount_reached", Index: 0, Err: fmt.Errorf("%w: %s, but no deal has an amount", ErrOutOfRange, a[0])}
	}
	if h := c.WonToClose[n-1]; h.n != 0 {
		return &StageError{Input: "won_to_close", Index: n - 1, Err: fmt.Errorf("%w: %d times to win from the won stage itself", ErrOutOfRange, h.n)}
	}
	return nil
}
