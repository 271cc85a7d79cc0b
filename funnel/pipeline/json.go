package pipeline

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dates"
	"github.com/funnelmath/funnelmath/internal/jsonx"
	"github.com/shopspring/decimal"
)

// The JSON decoders of the options a service takes from a request body:
// every failure is a *[funnel.InputError] whose Name is the place in the
// document (before["W1"].amount) and which wraps a sentinel of package
// funnel, never encoding/json's or decimal's own error.

// decodeErr turns a failure to decode the JSON value at place into a
// *[funnel.InputError] with Op op: encoding/json's own failures (a
// malformed or truncated document, a value of the wrong type or out of
// range) wrap [funnel.ErrOutOfRange]; the typed error of one of funnel's
// decoders (an outcome's name) is renamed to the place.
func decodeErr(op, place string, err error) error {
	var p *jsonx.Problem
	if errors.As(err, &p) {
		return &funnel.InputError{Op: op, Name: joinField(place, p.Field), Value: p.Value, Err: fmt.Errorf("%w: %s", funnel.ErrOutOfRange, p.Reason)}
	}
	var ie *funnel.InputError
	if errors.As(err, &ie) {
		return &funnel.InputError{Op: op, Name: place, Value: ie.Value, Err: ie.Err}
	}
	return &funnel.InputError{Op: op, Name: place, Err: fmt.Errorf("%w: %v", funnel.ErrOutOfRange, err)}
}

// joinField returns place.field, or whichever is not empty.
func joinField(place, field string) string {
	switch {
	case field == "":
		return place
	case place == "":
		return field
	}
	return place + "." + field
}

// decodeMembers decodes the JSON object b at place (what names the whole
// document when place is empty): each member named in fields is decoded
// by its function, given the member's place (place.name) and value.
// Members are matched by their exact name; others are ignored, as
// encoding/json does. Members are decoded in the order of their names, so
// the first failure reported does not depend on the document's order.
func decodeMembers(op, what, place string, b []byte, fields map[string]func(place string, raw json.RawMessage) error) error {
	var m map[string]json.RawMessage
	if err := jsonx.Decode(b, &m); err != nil {
		return decodeErr(op, cmp.Or(place, what), err)
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		raw, ok := m[name]
		if !ok {
			continue
		}
		if err := fields[name](joinField(place, name), raw); err != nil {
			return err
		}
	}
	return nil
}

// nilReceiver is the error of a decoder called on a nil pointer, which has
// nowhere to put what it decodes.
func nilReceiver(op, typ string) error {
	return &funnel.InputError{Op: op, Name: "receiver", Value: "nil " + typ, Err: fmt.Errorf("%w: nowhere to decode into", funnel.ErrNoData)}
}

// isNull reports whether raw is the JSON null.
func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// decodeDate decodes an RFC 3339 date, or null as the zero time (no
// date), and checks that the model can hold it (see internal/dates).
func decodeDate(op, place string, raw json.RawMessage, dst *time.Time) error {
	if isNull(raw) {
		*dst = time.Time{}
		return nil
	}
	var s string
	if err := jsonx.Decode(raw, &s); err != nil {
		return decodeErr(op, place, err)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &funnel.InputError{Op: op, Name: place, Value: strconv.Quote(s), Err: fmt.Errorf("%w: not an RFC 3339 date", funnel.ErrZeroDate)}
	}
	if err := dates.Reason(t); err != nil {
		return &funnel.InputError{Op: op, Name: place, Value: strconv.Quote(s), Err: err}
	}
	*dst = t
	return nil
}

// decodeAmount decodes an amount of money, a JSON number or a string
// holding one, or null as no amount, and checks it with
// [funnel.AmountReason] before any arithmetic is done on it.
func decodeAmount(op, place string, raw json.RawMessage, dst *decimal.NullDecimal) error {
	if isNull(raw) {
		*dst = decimal.NullDecimal{}
		return nil
	}
	var d decimal.Decimal
	if err := d.UnmarshalJSON(raw); err != nil {
		return &funnel.InputError{Op: op, Name: place, Value: string(raw), Err: fmt.Errorf("%w: not a decimal amount", funnel.ErrOutOfRange)}
	}
	if err := funnel.AmountReason(d); err != nil {
		return &funnel.InputError{Op: op, Name: place, Value: string(raw), Err: err}
	}
	*dst = decimal.NullDecimal{Decimal: d, Valid: true}
	return nil
}

// UnmarshalJSON decodes {"outcome", "amount", "expected_close"}: an
// outcome's name ("open", "won" or "lost"), an amount (a number, a string
// holding one, or null for none) and an RFC 3339 date (null or absent for
// none). A failure is a *[funnel.InputError] with Op
// "pipeline.PriorState" naming the member and wrapping
// [funnel.ErrOutOfRange] (a malformed document, a value of the wrong type,
// an unknown outcome, an amount that is not a number or beyond
// [funnel.AmountInRange]), [funnel.ErrNegativeAmount] or
// [funnel.ErrZeroDate] (a date that is not RFC 3339 or that the model
// cannot hold, years 1 to 9999), and [funnel.ErrNoData] for a nil s. As
// encoding/json does, null leaves s unchanged. On an error s is unchanged.
func (s *PriorState) UnmarshalJSON(b []byte) error {
	return s.decode(op("PriorState"), "", b)
}

// decode decodes a prior state at place, for errors with Op op.
func (s *PriorState) decode(op, place string, b []byte) error {
	if s == nil {
		return nilReceiver(op, "*PriorState")
	}
	if isNull(b) {
		return nil
	}
	var p PriorState
	err := decodeMembers(op, "prior state", place, b, map[string]func(string, json.RawMessage) error{
		"outcome": func(place string, raw json.RawMessage) error {
			var name string
			if err := jsonx.Decode(raw, &name); err != nil {
				return decodeErr(op, place, err)
			}
			if err := p.Outcome.UnmarshalText([]byte(name)); err != nil {
				return decodeErr(op, place, err)
			}
			return nil
		},
		"amount":         func(place string, raw json.RawMessage) error { return decodeAmount(op, place, raw, &p.Amount) },
		"expected_close": func(place string, raw json.RawMessage) error { return decodeDate(op, place, raw, &p.ExpectedClose) },
	})
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// UnmarshalJSON decodes {"close_from", "close_to", "before"}: RFC 3339
// dates (null or absent for none) and an object of [PriorState] by deal
// id. A failure is a *[funnel.InputError] with Op
// "pipeline.WaterfallOptions" naming its place, such as
// before["W1"].amount, and wrapping the sentinels of
// [PriorState.UnmarshalJSON]. Whether the window runs forward and the prior
// states fit the deals is for [Waterfall] to check. A nil o is an error
// wrapping [funnel.ErrNoData]. As encoding/json does, null leaves o
// unchanged. On an error o is unchanged.
func (o *WaterfallOptions) UnmarshalJSON(b []byte) error {
	const fn = "pipeline.WaterfallOptions"
	if o == nil {
		return nilReceiver(fn, "*WaterfallOptions")
	}
	if isNull(b) {
		return nil
	}
	var w WaterfallOptions
	err := decodeMembers(fn, "waterfall options", "", b, map[string]func(string, json.RawMessage) error{
		"close_from": func(place string, raw json.RawMessage) error { return decodeDate(fn, place, raw, &w.CloseFrom) },
		"close_to":   func(place string, raw json.RawMessage) error { return decodeDate(fn, place, raw, &w.CloseTo) },
		"before": func(place string, raw json.RawMessage) error {
			var m map[string]json.RawMessage
			if err := jsonx.Decode(raw, &m); err != nil {
				return decodeErr(fn, place, err)
			}
			if m == nil {
				return nil
			}
			w.Before = make(map[string]PriorState, len(m))
			for _, id := range slices.Sorted(maps.Keys(m)) {
				var s PriorState
				if err := s.decode(fn, place+"["+strconv.Quote(id)+"]", m[id]); err != nil {
					return err
				}
				w.Before[id] = s
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	*o = w
	return nil
}

// UnmarshalJSON decodes {"stalled_days", "untouched_days"}, whole numbers
// of days. A failure is a *[funnel.InputError] with Op
// "pipeline.Thresholds" naming the member and wrapping
// [funnel.ErrOutOfRange] (a malformed document, a value that is not a
// whole number or beyond an int). Whether they are positive is for
// [Health] to check. A nil th is an error wrapping [funnel.ErrNoData]. As
// encoding/json does, null leaves th unchanged. On an error th is
// unchanged.
func (th *Thresholds) UnmarshalJSON(b []byte) error {
	const fn = "pipeline.Thresholds"
	if th == nil {
		return nilReceiver(fn, "*Thresholds")
	}
	if isNull(b) {
		return nil
	}
	// A type without this method, so that decoding does not come back here.
	type plain Thresholds
	var p plain
	if err := jsonx.Decode(b, &p); err != nil {
		var pr *jsonx.Problem
		if errors.As(err, &pr) && pr.Field != "" {
			return decodeErr(fn, "", err)
		}
		return decodeErr(fn, "thresholds", err)
	}
	*th = Thresholds(p)
	return nil
}
