package crm

import (
	"bytes"
	"fmt"
	"hash/maphash"
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
func (d Dates) parse(b []byte) (time.Time, error) { return d.parseIn(b, nil) }

// parseIn is parse with a cache of the last month read, which a reader
// keeps across its rows.
func (d Dates) parseIn(b []byte, mc *monthCache) (time.Time, error) {
	t, err := d.read(b, mc)
	if err == nil && t.IsZero() {
		return time.Time{}, fmt.Errorf("%w: %w: 0001-01-01T00:00:00Z stands for no date", ErrBadDate, funnel.ErrZeroDate)
	}
	return t, err
}

// read reads b by the layouts. The two common forms,
// 2006-01-02T15:04:05Z and 2006-01-02, are read without allocating; other
// forms go through the time package.
func (d Dates) read(b []byte, mc *monthCache) (time.Time, error) {
	switch {
	case len(b) == 20 && b[10] == 'T' && b[19] == 'Z':
		if t, ok := fastDateIn(b, true, time.UTC, mc); ok {
			return t, nil
		}
	case len(b) == 10:
		if t, ok := fastDateIn(b, false, d.loc(), mc); ok {
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

// monthCache holds the month a reader read last: dates of one month
// often follow one another.
type monthCache struct {
	ym   int   // year × 16 + month, 0 for none
	days int64 // days from 1970-01-01 to the month's first day
	n    int   // days in the month
}

// fastDate reads YYYY-MM-DD, followed when clock is set by
// THH:MM:SSZ, checking every field's range as time.Parse does.
func fastDate(b []byte, clock bool, loc *time.Location) (time.Time, bool) {
	return fastDateIn(b, clock, loc, nil)
}

// fastDateIn is fastDate with mc, when not nil, caching the month.
func fastDateIn(b []byte, clock bool, loc *time.Location, mc *monthCache) (time.Time, bool) {
	if b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	// Each digit as its value; a byte that is not a digit gives more
	// than 9 (below '0' it wraps round).
	y0, y1, y2, y3 := b[0]-'0', b[1]-'0', b[2]-'0', b[3]-'0'
	m0, m1, d0, d1 := b[5]-'0', b[6]-'0', b[8]-'0', b[9]-'0'
	if max(y0, y1, y2, y3, m0, m1, d0, d1) > 9 {
		return time.Time{}, false
	}
	y := int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
	m, dd := int(m0)*10+int(m1), int(d0)*10+int(d1)
	if m < 1 || m > 12 {
		return time.Time{}, false
	}
	var month monthCache
	if ym := y*16 + m; mc != nil && mc.ym == ym {
		month = *mc
	} else {
		month = monthCache{ym: ym, days: daysSinceEpoch(y, m, 1), n: daysIn(time.Month(m), y)}
		if mc != nil {
			*mc = month
		}
	}
	if dd < 1 || dd > month.n {
		return time.Time{}, false
	}
	hh, mm, ss := 0, 0, 0
	if clock {
		if b[13] != ':' || b[16] != ':' {
			return time.Time{}, false
		}
		h0, h1, n0, n1, s0, s1 := b[11]-'0', b[12]-'0', b[14]-'0', b[15]-'0', b[17]-'0', b[18]-'0'
		if max(h0, h1, n0, n1, s0, s1) > 9 {
			return time.Time{}, false
		}
		hh, mm, ss = int(h0)*10+int(h1), int(n0)*10+int(n1), int(s0)*10+int(s1)
		if hh > 23 || mm > 59 || ss > 59 {
			return time.Time{}, false
		}
	}
	if loc == time.UTC {
		// time.Date's value, without its work for any zone.
		return time.Unix((month.days+int64(dd-1))*secondsPerDay+int64(hh*3600+mm*60+ss), 0).UTC(), true
	}
	return time.Date(y, time.Month(m), dd, hh, mm, ss, 0, loc), true
}

const secondsPerDay = 86400

// daysBefore[m-1] is the number of days before month m in a year that is
// not a leap year.
var daysBefore = [12]uint{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

// daysSinceEpoch returns the days from 1970-01-01 to the date y-m-d of
// the proleptic Gregorian calendar, for y from 0 to 9999 and a valid
// month and day. It counts from 0001-01-01 the days of the years before
// y (365 each, and one more for each leap year: every fourth, less every
// hundredth, plus every four hundredth), of the months before m and of
// the days before d, with y moved on by 400 years, which are 146,097
// days, so that the year 0 needs no rule of its own; 1970-01-01 is day
// 719,162 so counted.
func daysSinceEpoch(y, m, d int) int64 {
	n := uint(y + 400 - 1) // the whole years before y, moved on
	days := 365*n + n/4 - n/100 + n/400 + daysBefore[m-1] + uint(d-1)
	if m > 2 && (y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		days++
	}
	return int64(days) - 146097 - 719162
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
// arithmetic), and every amount made past the int64 range is then
// checked by [funnel.AmountReason], the rule of the whole module.
func parseAmount(b []byte) (decimal.NullDecimal, error) {
	if len(b) == 0 {
		return decimal.NullDecimal{}, nil
	}
	v, places, fits, err := scanAmount(b)
	if err != nil {
		return decimal.NullDecimal{}, err
	}
	if fits {
		return decimal.NewNullDecimal(decimal.New(v, -int32(places))), nil
	}
	return bigAmount(b)
}

// scanAmount checks the amount b, which is not empty, by the rules of
// [ParseAmount], and returns it as v × 10^−places when it has at most 18
// significant digits (fits is then set): an amount so made is within
// funnel's bounds, since places was checked against them. An amount with
// more digits is to be read by bigAmount.
func scanAmount(b []byte) (v int64, places int, fits bool, err error) {
	if b[0] > '9' || b[0] < '0' {
		for _, sym := range [...]string{"$", "€", "£", "¥"} {
			if bytes.HasPrefix(b, []byte(sym)) {
				b = b[len(sym):]
				break
			}
		}
	}
	if len(b) > 0 && b[0] == '-' {
		return 0, 0, false, fmt.Errorf("%w: %w", ErrBadAmount, funnel.ErrNegativeAmount)
	}
	var (
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
				return 0, 0, false, fmt.Errorf("%w: misplaced thousands separator", ErrBadAmount)
			}
			grouped, group = true, 0
		case c == '.' && frac < 0:
			if !intSeen || (grouped && group != 3) {
				return 0, 0, false, fmt.Errorf("%w: misplaced point or separator", ErrBadAmount)
			}
			frac = 0
			if i == len(b)-1 {
				return 0, 0, false, fmt.Errorf("%w: no digits after the point", ErrBadAmount)
			}
		default:
			return 0, 0, false, fmt.Errorf("%w: unexpected %q", ErrBadAmount, rune(c))
		}
	}
	if !intSeen {
		return 0, 0, false, fmt.Errorf("%w: not a number", ErrBadAmount)
	}
	if frac == -1 && grouped && group != 3 {
		return 0, 0, false, fmt.Errorf("%w: misplaced thousands separator", ErrBadAmount)
	}
	places = max(frac, 0)
	if places > funnel.MaxAmountPlaces {
		return 0, 0, false, fmt.Errorf("%w: %w: %d decimal places, more than %d", ErrBadAmount, funnel.ErrOutOfRange, places, funnel.MaxAmountPlaces)
	}
	if whole > funnel.MaxAmountDigits {
		return 0, 0, false, fmt.Errorf("%w: %w: %d digits before the point, more than %d", ErrBadAmount, funnel.ErrOutOfRange, whole, funnel.MaxAmountDigits)
	}
	// At most 18 digits in all, none negative, the places checked above:
	// within funnel's bounds.
	return v, places, digits <= 18 && funnel.MaxAmountDigits >= 18, nil
}

// bigAmount reads an amount that scanAmount accepted but that has more
// digits than an int64 holds: at most 54, within funnel's bounds.
func bigAmount(b []byte) (decimal.NullDecimal, error) {
	for _, sym := range [...]string{"$", "€", "£", "¥"} {
		if bytes.HasPrefix(b, []byte(sym)) {
			b = b[len(sym):]
			break
		}
	}
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		if c != ',' {
			clean = append(clean, c)
		}
	}
	d, err := decimal.NewFromString(string(clean))
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %v", ErrBadAmount, err)
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

// textCache is a small cache in front of a table's interner, which finds
// a name seen lately (the owner of the deal before, a segment) without a
// map lookup: a slot per hash of the bytes, holding the last string
// interned there.
type textCache struct {
	seed  maphash.Seed
	slots [256]string
}

// intern returns the interned string of b (see [interner]).
func (t *table) intern(b []byte) string {
	if t.texts == nil {
		t.texts = &textCache{seed: maphash.MakeSeed()}
		if t.in == nil {
			t.in = interner{}
		}
	}
	slot := &t.texts.slots[maphash.Bytes(t.texts.seed, b)&255]
	if *slot == string(b) {
		return *slot
	}
	s := t.in.get(b)
	*slot = s
	return s
}
