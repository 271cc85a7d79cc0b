package crm

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// Dates says how the readers parse a date or time cell. Every cell is
// tried, in order, as RFC 3339 (2006-01-02T15:04:05Z07:00, with optional
// fractional seconds), as a date alone (2006-01-02) and with each of
// Layouts. The zero Dates reads RFC 3339 and dates alone, in UTC.
type Dates struct {
	// Layouts are extra layouts in the notation of the time package, such
	// as "01/02/2006" and "01/02/2006 15:04", tried in order; nil means
	// none.
	Layouts []string
	// Location is the time zone of a date alone and of a layout without a
	// zone; nil means UTC. An RFC 3339 time carries its own offset.
	Location *time.Location
}

// Parse returns the time in s, surrounding white space ignored. It returns
// an error wrapping [ErrBadDate] when s is empty or matches none of the
// layouts, and one wrapping [ErrBadDate] and [funnel.ErrZeroDate] when s is
// Go's zero time, 0001-01-01T00:00:00Z (in whatever zone it is written),
// which a deal cannot hold: funnel reads the zero time as "unknown".
func (d Dates) Parse(s string) (time.Time, error) {
	t, err := d.parse([]byte(strings.TrimSpace(s)))
	if err != nil {
		return time.Time{}, fmt.Errorf("crm: date %q: %w", s, err)
	}
	return t, nil
}

func (d Dates) loc() *time.Location {
	if d.Location == nil {
		return time.UTC
	}
	return d.Location
}

// parse reads b, which has no surrounding space, and refuses the zero
// time (see [Dates.Parse]).
func (d Dates) parse(b []byte) (time.Time, error) {
	t, err := d.read(b)
	if err == nil && t.IsZero() {
		return time.Time{}, fmt.Errorf("%w: %w: 0001-01-01T00:00:00Z stands for no date", ErrBadDate, funnel.ErrZeroDate)
	}
	return t, err
}

// read reads b by the layouts. The two common forms,
// 2006-01-02T15:04:05Z and 2006-01-02, are read without allocating; other
// forms go through the time package.
func (d Dates) read(b []byte) (time.Time, error) {
	switch {
	case len(b) == 20 && b[10] == 'T' && b[19] == 'Z':
		if t, ok := fastDate(b, true, time.UTC); ok {
			return t, nil
		}
	case len(b) == 10:
		if t, ok := fastDate(b, false, d.loc()); ok {
			return t, nil
		}
	case len(b) == 0:
		return time.Time{}, fmt.Errorf("%w: empty", ErrBadDate)
	}
	s := string(b)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, d.loc()); err == nil {
		return t, nil
	}
	for _, l := range d.Layouts {
		if t, err := time.ParseInLocation(l, s, d.loc()); err == nil {
			return t, nil
		}
	}
	if len(d.Layouts) > 0 {
		return time.Time{}, fmt.Errorf("%w: want RFC 3339, 2006-01-02 or %q", ErrBadDate, d.Layouts)
	}
	return time.Time{}, fmt.Errorf("%w: want RFC 3339 or 2006-01-02", ErrBadDate)
}

// fastDate reads YYYY-MM-DD, followed when clock is set by
// THH:MM:SSZ, checking every field's range as time.Parse does.
func fastDate(b []byte, clock bool, loc *time.Location) (time.Time, bool) {
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	if b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	y, m, dd := num(0, 4), num(5, 2), num(8, 2)
	if y < 0 || m < 1 || m > 12 || dd < 1 || dd > daysIn(time.Month(m), y) {
		return time.Time{}, false
	}
	hh, mm, ss := 0, 0, 0
	if clock {
		if b[13] != ':' || b[16] != ':' {
			return time.Time{}, false
		}
		hh, mm, ss = num(11, 2), num(14, 2), num(17, 2)
		if hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
			return time.Time{}, false
		}
	}
	return time.Date(y, time.Month(m), dd, hh, mm, ss, 0, loc), true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ParseAmount reads a money amount: a non-negative decimal such as 1234.5,
// optionally with comma thousands separators in groups of three
// ("1,234,567.89") and one leading currency symbol ($, €, £ or ¥), with
// surrounding white space ignored. An empty s is a missing amount: the
// result is not Valid and the error is nil, so a missing amount is never
// read as zero. The result keeps the places as written (1.50 has two).
//
// Anything else (a sign, an exponent, a symbol after the number, spaces
// inside, a decimal comma, misplaced separators) returns an error wrapping
// [ErrBadAmount]; a leading minus sign also wraps
// [funnel.ErrNegativeAmount]. An amount that [funnel.CheckAmount] refuses,
// with more than [funnel.MaxAmountPlaces] decimal places (trailing zeros
// count) or [funnel.MaxAmountDigits] digits before the point (leading
// zeros do not), wraps [ErrBadAmount] and [funnel.ErrOutOfRange]: every
// reader applies this one rule to every amount cell.
func ParseAmount(s string) (decimal.NullDecimal, error) {
	a, err := parseAmount([]byte(strings.TrimSpace(s)))
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("crm: amount %q: %w", s, err)
	}
	return a, nil
}

// parseAmount reads b, which has no surrounding space. An amount past
// funnel's bounds is refused from its digits as written, before it is
// made a decimal (so that a cell of a million digits costs no big-number
// arithmetic), and every amount made is then checked by
// [funnel.AmountReason], the rule of the whole module.
func parseAmount(b []byte) (decimal.NullDecimal, error) {
	if len(b) == 0 {
		return decimal.NullDecimal{}, nil
	}
	for _, sym := range [...]string{"$", "€", "£", "¥"} {
		if bytes.HasPrefix(b, []byte(sym)) {
			b = b[len(sym):]
			break
		}
	}
	if len(b) > 0 && b[0] == '-' {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %w", ErrBadAmount, funnel.ErrNegativeAmount)
	}
	var (
		v       int64
		digits  int  // significant digits in v, leading zeros excluded
		whole   int  // of them, those before the point
		frac    = -1 // digits after the point, -1 before it
		group   = 0  // digits since the last separator
		grouped = false
		intSeen = false // a digit before the point
	)
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			sig := v != 0 || c != '0'
			if frac >= 0 {
				frac++
			} else {
				intSeen = true
				group++
				if sig {
					whole++
				}
			}
			if sig {
				digits++
			}
			if digits <= 18 {
				v = v*10 + int64(c-'0')
			}
		case c == ',' && frac < 0:
			if !intSeen || (grouped && group != 3) || (!grouped && group > 3) {
				return decimal.NullDecimal{}, fmt.Errorf("%w: misplaced thousands separator", ErrBadAmount)
			}
			grouped, group = true, 0
		case c == '.' && frac < 0:
			if !intSeen || (grouped && group != 3) {
				return decimal.NullDecimal{}, fmt.Errorf("%w: misplaced point or separator", ErrBadAmount)
			}
			frac = 0
			if i == len(b)-1 {
				return decimal.NullDecimal{}, fmt.Errorf("%w: no digits after the point", ErrBadAmount)
			}
		default:
			return decimal.NullDecimal{}, fmt.Errorf("%w: unexpected %q", ErrBadAmount, rune(c))
		}
	}
	if !intSeen {
		return decimal.NullDecimal{}, fmt.Errorf("%w: not a number", ErrBadAmount)
	}
	if frac == -1 && grouped && group != 3 {
		return decimal.NullDecimal{}, fmt.Errorf("%w: misplaced thousands separator", ErrBadAmount)
	}
	places := max(frac, 0)
	if places > funnel.MaxAmountPlaces {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %w: %d decimal places, more than %d", ErrBadAmount, funnel.ErrOutOfRange, places, funnel.MaxAmountPlaces)
	}
	if whole > funnel.MaxAmountDigits {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %w: %d digits before the point, more than %d", ErrBadAmount, funnel.ErrOutOfRange, whole, funnel.MaxAmountDigits)
	}
	var d decimal.Decimal
	if digits <= 18 {
		d = decimal.New(v, -int32(places))
	} else {
		// Past int64, and within the bounds: at most 54 digits.
		clean := make([]byte, 0, len(b))
		for _, c := range b {
			if c != ',' {
				clean = append(clean, c)
			}
		}
		var err error
		if d, err = decimal.NewFromString(string(clean)); err != nil {
			return decimal.NullDecimal{}, fmt.Errorf("%w: %v", ErrBadAmount, err)
		}
	}
	if err := funnel.AmountReason(d); err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %w", ErrBadAmount, err)
	}
	return decimal.NewNullDecimal(d), nil
}

// parseFlag reads a yes/no cell: empty is false.
func parseFlag(b []byte) (bool, error) {
	switch strings.ToLower(string(b)) {
	case "", "false", "no", "n", "f", "0":
		return false, nil
	case "true", "yes", "y", "t", "1":
		return true, nil
	}
	return false, fmt.Errorf("%w: want true/false, yes/no, y/n, t/f or 1/0", ErrBadFlag)
}

// interner returns one string for each distinct byte sequence it sees, so
// that repeated owner, segment and source cells share their storage. It
// stops adding after a bound, so hostile input cannot grow it without end.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) < 1<<14 {
		in[s] = s
	}
	return s
}
