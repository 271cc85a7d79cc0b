package velocity

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/funnelmath/funnelmath/internal/jsonx"
	"github.com/funnelmath/funnelmath/internal/span"
	"github.com/shopspring/decimal"
)

// The package's decoders read a JSON object member by member, so that a
// failure names its place as a path ("reps[1].open[0].amount"), which
// encoding/json does not give for the errors of decoding methods, and
// check every amount before any arithmetic is done on it. A member's
// decoder returns a *[funnel.InputError] (or a *[LeverError]) whose name
// is relative to the member ("" for the member itself); each enclosing
// object or array puts its own place in front, and the exported method
// sets the operation.

// member decodes one JSON value into the place it was made for.
type member func(b []byte) error

// field is a member of a JSON object and its decoder.
type field struct {
	name string
	dec  member
}

// decodeTop runs a type's decoder for its exported UnmarshalJSON: a
// failure of the document as a whole is named what, and every error gets
// the operation op.
func decodeTop(op, what string, err error) error {
	if err == nil {
		return nil
	}
	return relabel(named(what, err), "", op)
}

// decodeObject decodes the JSON object b into *dst, member by member:
// fields lists the members of a zero value, in the order in which a
// failure is looked for, and the value replaces *dst only when every
// member decoded and check (when not nil) accepts it. As with
// encoding/json, null leaves *dst as it is and members that are not
// listed are ignored; names are matched exactly.
func decodeObject[T any](dst *T, b []byte, fields func(*T) []field, check func(*T) error) error {
	if isNull(b) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := plain(&m)(b); err != nil {
		return err
	}
	var v T
	for _, f := range fields(&v) {
		if raw, ok := m[f.name]; ok {
			if err := f.dec(raw); err != nil {
				return placed(f.name, err)
			}
		}
	}
	if check != nil {
		if err := check(&v); err != nil {
			return err
		}
	}
	*dst = v
	return nil
}

// isNull reports whether b is the JSON null, with surrounding space.
func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// plain decodes a value with encoding/json: a number, string, boolean or
// a list of them. A failure of encoding/json's own (a malformed document,
// a value of the wrong type, a number beyond its Go type) wraps
// [funnel.ErrOutOfRange].
func plain(dst any) member {
	return func(b []byte) error {
		err := jsonx.Decode(b, dst)
		var p *jsonx.Problem
		if errors.As(err, &p) {
			reason := p.Reason
			if strings.HasPrefix(p.Value, "number ") {
				reason = numberRange(dst)
			}
			return &funnel.InputError{Name: p.Field, Value: p.Value, Err: fmt.Errorf("%w: %s", funnel.ErrOutOfRange, reason)}
		}
		return err
	}
}

// numberRange says what numbers *dst, a pointer to a number, can hold, for
// a JSON number it cannot (1e30 or 1.5 for an int64, 1e999 for a float64).
func numberRange(dst any) string {
	switch t := reflect.TypeOf(dst).Elem(); t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		lim := int64(1)<<(t.Bits()-1) - 1
		return fmt.Sprintf("want a whole number from %d to %d", -lim-1, lim)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("want a whole number from 0 to %d", uint64(1)<<(t.Bits()-1)*2-1)
	}
	return "want a number within float64"
}

// list decodes a JSON array into *dst, each element with the decoder each
// returns for it; null leaves *dst nil.
func list[T any](dst *[]T, each func(*T) member) member {
	return func(b []byte) error {
		var raws []json.RawMessage
		if err := plain(&raws)(b); err != nil || raws == nil {
			return err
		}
		v := make([]T, len(raws))
		if err := decodeEach(raws, v, each); err != nil {
			return err
		}
		*dst = v
		return nil
	}
}

// perLever decodes a JSON array of exactly [NumLevers] elements, one per
// lever; another length wraps [funnel.ErrLengthMismatch].
func perLever[T any](dst *[NumLevers]T, each func(*T) member) member {
	return func(b []byte) error {
		var raws []json.RawMessage
		if err := plain(&raws)(b); err != nil || raws == nil {
			return err
		}
		if len(raws) != NumLevers {
			return &funnel.InputError{Value: fmt.Sprintf("length %d", len(raws)), Err: fmt.Errorf("%w: want %d, one per lever", funnel.ErrLengthMismatch, NumLevers)}
		}
		return decodeEach(raws, dst[:], each)
	}
}

func decodeEach[T any](raws []json.RawMessage, v []T, each func(*T) member) error {
	for i, raw := range raws {
		if err := each(&v[i])(raw); err != nil {
			return placed("["+strconv.Itoa(i)+"]", err)
		}
	}
	return nil
}

// decodable is a pointer to a type of the package with a decode method:
// its UnmarshalJSON without the operation, for use inside another
// decoder.
type decodable[T any] interface {
	*T
	decode(b []byte) error
}

// nested is the member decoder of a value of the package.
func nested[T any, P decodable[T]](x P) member { return x.decode }

// plainEach is the member decoder of a plain element of a list.
func plainEach[T any](x *T) member { return plain(x) }

// amountEach is the member decoder of an amount in a list.
func amountEach(d *decimal.Decimal) member { return amount(d) }

// amount decodes an amount of money, a JSON string or number, checking
// that it is a decimal within [funnel.AmountInRange] before any arithmetic
// is done on it: "NaN", "1e999999" or "1e-2147483647" wraps
// [funnel.ErrOutOfRange]. Its sign is left to the function that takes it
// (a gain or a gap may be negative). Null is zero.
func amount(dst *decimal.Decimal) member {
	return func(b []byte) error {
		var d decimal.Decimal
		if err := d.UnmarshalJSON(b); err != nil {
			return &funnel.InputError{Value: clip(b), Err: fmt.Errorf("%w: not a decimal amount", funnel.ErrOutOfRange)}
		}
		if !funnel.AmountInRange(d) {
			return &funnel.InputError{Value: clip(b), Err: fmt.Errorf("%w: more than %d decimal places or %d digits", funnel.ErrOutOfRange, funnel.MaxAmountPlaces, funnel.MaxAmountDigits)}
		}
		*dst = d
		return nil
	}
}

// nullAmount decodes null as an undefined amount, and anything else as
// [amount] does.
func nullAmount(dst *decimal.NullDecimal) member {
	return func(b []byte) error {
		if isNull(b) {
			*dst = decimal.NullDecimal{}
			return nil
		}
		var d decimal.Decimal
		if err := amount(&d)(b); err != nil {
			return err
		}
		*dst = decimal.NewNullDecimal(d)
		return nil
	}
}

// nullFloat decodes null as an undefined number, and a JSON number.
func nullFloat(dst *funnel.NullFloat64) member {
	return func(b []byte) error {
		if isNull(b) {
			*dst = funnel.NullFloat64{}
			return nil
		}
		var x float64
		if err := plain(&x)(b); err != nil {
			return err
		}
		*dst = funnel.Some(x)
		return nil
	}
}

// rate decodes a [funnel.Rate] as {"k", "n"} ("value" is derived and
// ignored), checked as [funnel.NewRate] does: its errors name "k" or "n".
func rate(dst *funnel.Rate) member {
	return func(b []byte) error {
		var k, n int64
		return decodeObject(dst, b, func(*funnel.Rate) []field {
			return []field{{"k", plain(&k)}, {"n", plain(&n)}}
		}, func(r *funnel.Rate) error {
			v, err := funnel.NewRate(k, n)
			*r = v
			return err
		})
	}
}

func rateEach(r *funnel.Rate) member { return rate(r) }

// daysOf decodes a number of days of 24 hours as a duration rounded to
// the nanosecond; one beyond time.Duration's range wraps
// [funnel.ErrOutOfRange].
func daysOf(dst *time.Duration) member {
	return func(b []byte) error {
		var d float64
		if err := plain(&d)(b); err != nil {
			return err
		}
		v, err := durationOf(d)
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
}

func daysEach(d *time.Duration) member { return daysOf(d) }

// maxDurationDays is the longest time.Duration in days, rounded down.
const maxDurationDays = math.MaxInt64 / int64(day)

// durationOf returns a number of days of 24 hours as a duration rounded
// to the nanosecond, or a *[funnel.InputError] wrapping
// [funnel.ErrOutOfRange] when it is beyond time.Duration's range.
func durationOf(d float64) (time.Duration, error) {
	v, ok := span.Duration(d)
	if !ok {
		return 0, &funnel.InputError{Value: fmtFloat(d), Err: fmt.Errorf("%w: beyond time.Duration (%d days either way)", funnel.ErrOutOfRange, maxDurationDays)}
	}
	return v, nil
}

// instant decodes a date and time as encoding/json does, an RFC 3339
// string; anything else wraps [funnel.ErrOutOfRange].
func instant(dst *time.Time) member {
	return func(b []byte) error {
		var s string
		if err := plain(&s)(b); err != nil {
			return err
		}
		var t time.Time
		if err := t.UnmarshalText([]byte(s)); err != nil {
			return &funnel.InputError{Value: strconv.Quote(clipText(s)), Err: fmt.Errorf("%w: want an RFC 3339 date and time", funnel.ErrOutOfRange)}
		}
		*dst = t
		return nil
	}
}

// option decodes the name of an option or a lever, a JSON string, with
// [parseOption].
func option[T enum.Enum](dst *T, last T) member {
	return func(b []byte) error {
		var s string
		if err := plain(&s)(b); err != nil {
			return err
		}
		return parseOption([]byte(s), dst, last)
	}
}

// nullLever decodes null as an undefined lever, and a lever's name.
func nullLever(dst *NullLever) member {
	return func(b []byte) error {
		if isNull(b) {
			*dst = NullLever{}
			return nil
		}
		var l Lever
		if err := option(&l, LeverCycle)(b); err != nil {
			return err
		}
		*dst = SomeLever(l)
		return nil
	}
}

// placed returns err with place put in front of the place it names: the
// Name of a *[funnel.InputError], the Input of a *[LeverError].
func placed(place string, err error) error { return relabel(err, place, "") }

// relabel returns a copy of err, a *[funnel.InputError] or *[LeverError],
// with place put in front of the place it names and, when op is not
// empty, Op set to op. Another error is wrapped in a *[funnel.InputError]
// naming place.
func relabel(err error, place, op string) error {
	var ie *funnel.InputError
	var le *LeverError
	switch {
	case errors.As(err, &ie):
		c := *ie
		c.Name = joinPlace(place, c.Name)
		c.Op = cmp.Or(op, c.Op)
		return &c
	case errors.As(err, &le):
		c := *le
		c.Input = joinPlace(place, c.Input)
		c.Op = cmp.Or(op, c.Op)
		return &c
	}
	return &funnel.InputError{Op: op, Name: place, Err: err}
}

// named returns err naming what when it names no place.
func named(what string, err error) error {
	var ie *funnel.InputError
	if errors.As(err, &ie) && ie.Name == "" {
		c := *ie
		c.Name = what
		return &c
	}
	return err
}

// joinPlace puts place in front of name: "reps" and "[1].quota" give
// "reps[1].quota", "reps[1]" and "quota" give "reps[1].quota". An empty
// name is the place itself; an empty place leaves the name.
func joinPlace(place, name string) string {
	switch {
	case name == "":
		return place
	case place == "":
		return name
	case strings.HasPrefix(name, "["):
		return place + name
	}
	return place + "." + name
}

// clipLen is the most bytes of an offending value an error quotes.
const clipLen = 40

// clip returns the JSON text b for an error, cut to [clipLen] bytes.
func clip(b []byte) string { return clipText(string(bytes.TrimSpace(b))) }

func clipText(s string) string {
	if len(s) <= clipLen {
		return s
	}
	return strings.ToValidUTF8(s[:clipLen], "") + "…"
}
