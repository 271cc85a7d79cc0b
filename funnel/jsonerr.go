package funnel

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/funnelmath/funnelmath/internal/jsonx"
)

// decodeJSON decodes b into v, which is a plain type with no methods of
// its own, and turns encoding/json's errors into a *[InputError] that
// names the field and wraps [ErrOutOfRange]: a value of the wrong type, a
// number out of range, a malformed or truncated document. what names the
// document, such as "tally" or "rate". Errors from the decoding methods of
// the fields (a bad rate, a bad amount) pass through as they are.
func decodeJSON(b []byte, v any, what string) error {
	err := jsonx.Decode(b, v)
	var p *jsonx.Problem
	if !errors.As(err, &p) {
		return err
	}
	name := what
	if p.Field != "" {
		name = p.Field
	}
	return &InputError{Name: name, Value: p.Value, Err: fmt.Errorf("%w: %s", ErrOutOfRange, p.Reason)}
}

// decodeObject decodes the JSON object b field by field: each key of
// fields names a member and points at where to decode it. A member that is
// absent leaves its target as it is; a member that is not in fields is
// ignored, as encoding/json does. An error names the member (and, inside
// it, what its decoder named), so that a bad amount in a group of a tally
// reads groups[1].won_amount.
func decodeObject(b []byte, what string, fields map[string]any) error {
	var m map[string]json.RawMessage
	if err := decodeJSON(b, &m, what); err != nil {
		return err
	}
	if m == nil {
		return &InputError{Name: what, Value: "null", Err: fmt.Errorf("%w: want a JSON object", ErrOutOfRange)}
	}
	for name, raw := range m {
		dst, ok := fields[name]
		if !ok {
			continue
		}
		if err := decodeJSON(raw, dst, name); err != nil {
			return placed(name, err)
		}
	}
	return nil
}
