// Package jsonx decodes JSON for the funnelmath packages and describes
// what went wrong in terms their typed errors carry (the field, the value,
// the reason), so that a malformed document or a value of the wrong type
// becomes an error of the module's family rather than encoding/json's.
package jsonx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Problem is a failure of encoding/json itself: a malformed or truncated
// document, or a value of the wrong type or out of range for its field.
type Problem struct {
	Field  string // the field's path as encoding/json gives it ("" for the document)
	Value  string // the JSON kind or offset of the offending value, such as "string" or "offset 12"
	Reason string // what is wrong, such as "want a JSON number" or "truncated JSON"
}

// Decode decodes b into v. It returns nil, or a *Problem for a failure of
// encoding/json's own, or the error of a decoding method of v's fields (an
// UnmarshalJSON or UnmarshalText) as it is.
func Decode(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		return &Problem{Field: ute.Field, Value: ute.Value, Reason: "want a JSON " + Kind(ute.Type)}
	case errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end of JSON input"):
		return &Problem{Reason: "truncated JSON"}
	case errors.As(err, &se):
		return &Problem{Value: fmt.Sprintf("offset %d", se.Offset), Reason: "malformed JSON: " + clean(se.Error())}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Problem{Reason: "truncated JSON"}
	}
	if strings.HasPrefix(err.Error(), "json: ") {
		return &Problem{Reason: clean(err.Error())}
	}
	return err
}

// Error formats the problem for a caller that does not wrap it.
func (p *Problem) Error() string {
	s := p.Reason
	if p.Field != "" {
		s = p.Field + ": " + s
	}
	return s
}

// Kind names a Go type as the JSON a user writes for it.
func Kind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	}
	return t.Kind().String()
}

// clean drops the "json: " that encoding/json puts in front of its
// messages and any Go type name after "of type", which would name the
// package's unexported types.
func clean(s string) string {
	s = strings.TrimPrefix(s, "json: ")
	s, _, _ = strings.Cut(s, " of type ")
	s, _, _ = strings.Cut(s, " Go value")
	return s
}
