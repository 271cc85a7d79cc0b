package markov

import (
	"cmp"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"reflect"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/jsonx"
)

// The JSON decoders of the package's types: a failure is a typed error of
// package funnel whose place names the member and element at fault, such
// as moves[1][3] or results[0].steps, and which wraps a sentinel of
// package funnel, never encoding/json's own error.

// decode decodes the JSON document b into v, a pointer to a type without
// decoding methods of its own. On a failure it returns an error with Op op
// naming the innermost value at fault (what names the whole document).
func decode(op, what string, b []byte, v any) error {
	err := jsonx.Decode(b, v)
	if err == nil {
		return nil
	}
	place, cause := locate(reflect.TypeOf(v).Elem(), b, "", err)
	return decodeErr(op, cmp.Or(place, what), cause)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// locate returns the place of the innermost value that fails to decode in
// raw, a value of type t at place whose decoding failed with err, and that
// value's own error. It descends into the elements of arrays and the
// members of objects while one of them fails on its own; a value it cannot
// split (a number, a type with its own decoder, a malformed document) is
// the place.
func locate(t reflect.Type, raw []byte, place string, err error) (string, error) {
	if p := reflect.PointerTo(t); p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler) {
		return place, err
	}
	switch t.Kind() {
	case reflect.Slice:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return place, err
		}
		for i, e := range elems {
			if eerr := jsonx.Decode(e, reflect.New(t.Elem()).Interface()); eerr != nil {
				return locate(t.Elem(), e, place+"["+strconv.Itoa(i)+"]", eerr)
			}
		}
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(raw, &members) != nil {
			return place, err
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			m, ok := members[name]
			if !ok {
				continue
			}
			if ferr := jsonx.Decode(m, reflect.New(f.Type).Interface()); ferr != nil {
				return locate(f.Type, m, joinPlace(place, name), ferr)
			}
		}
	}
	return place, err
}

// joinPlace returns place.name, or whichever is not empty.
func joinPlace(place, name string) string {
	switch {
	case name == "":
		return place
	case place == "":
		return name
	}
	return place + "." + name
}

// decodeErr turns the failure err to decode the value at place into a
// typed error with Op op: encoding/json's own failures (a malformed or
// truncated document, a value of the wrong type or out of range) are a
// *[funnel.InputError] wrapping [funnel.ErrOutOfRange]; the typed error of
// one of funnel's decoders (a funnel's stages, a number) is put at the
// place.
func decodeErr(op, place string, err error) error {
	var p *jsonx.Problem
	var ie *funnel.InputError
	var se *funnel.StageError
	switch {
	case errors.As(err, &p):
		return &funnel.InputError{Op: op, Name: joinPlace(place, p.Field), Value: p.Value, Err: fmt.Errorf("%w: %s", funnel.ErrOutOfRange, p.Reason)}
	case errors.As(err, &ie):
		return &funnel.InputError{Op: op, Name: place, Value: ie.Value, Err: ie.Err}
	case errors.As(err, &se):
		c := *se
		c.Op, c.Input = op, place
		return &c
	}
	return &funnel.InputError{Op: op, Name: place, Err: fmt.Errorf("%w: %v", funnel.ErrOutOfRange, err)}
}

// unmarshal decodes b into *dst through the plain type P, which has the
// fields of T without its decoding method, converted back by conv, and
// then checks the value with check when not nil. A nil dst, null and the
// errors are as the UnmarshalJSON methods say; on an error *dst is
// unchanged.
func unmarshal[T, P any](op, what string, b []byte, dst *T, conv func(P) T, check func(T) error) error {
	if dst == nil {
		return &funnel.InputError{Op: op, Name: "receiver", Value: "nil *" + reflect.TypeFor[T]().Name(), Err: fmt.Errorf("%w: nowhere to decode into", funnel.ErrNoData)}
	}
	if string(b) == "null" {
		return nil
	}
	var p P
	if err := decode(op, what, b, &p); err != nil {
		return err
	}
	v := conv(p)
	if check != nil {
		if err := check(v); err != nil {
			return err
		}
	}
	*dst = v
	return nil
}

// UnmarshalJSON decodes transitions as encoding/json writes them and
// checks them as [Transitions.Solve] does, so that a document no deals
// could give is refused when it is read: a funnel with no stages
// ([funnel.ErrEmptyFunnel]), counts of the wrong shape
// ([funnel.ErrLengthMismatch]), negative ([funnel.ErrNegativeCount]) or
// whose exits pass an int64 ([funnel.ErrOutOfRange]), more timed visits
// than exits or visit days over no timed visit ([funnel.ErrCountsRise]),
// visit days that are negative ([funnel.ErrNegative]). Beyond Solve's
// checks, the moves must add up as deals' stays do: every visit to a
// stage s before the won stage begins a deal's path or follows a move into
// s, and ends in a move out of s, a loss at s or the deal still open there,
// so the paths that begin at s,
//
//	starts[s] = Σ_j Moves[s][j] + Lost[s] + Open[s] − Σ_i Moves[i][s],
//
// are never negative, and they number at most Deals (their sum is the
// deals won by a move, lost at a stage or still open); otherwise it is an
// error wrapping [funnel.ErrCountsRise] naming moves (and the stage) or
// deals. A document that is malformed or truncated, or a value of the
// wrong type or out of range (1e30 for a count), is a
// *[funnel.InputError] naming its place, such as moves[1][3], wrapping
// [funnel.ErrOutOfRange]. Every error has Op
// "markov.Transitions"; a nil c is one wrapping [funnel.ErrNoData]. As
// encoding/json does, null leaves c unchanged. On an error c is unchanged.
func (c *Transitions) UnmarshalJSON(b []byte) error {
	const op = "markov.Transitions"
	type plain Transitions
	return unmarshal(op, "transitions", b, c, func(p plain) Transitions { return Transitions(p) }, func(t Transitions) error {
		if err := t.check(op); err != nil {
			return err
		}
		return t.checkFlow(op)
	})
}

// checkFlow verifies, for transitions that passed check, that the moves
// add up as the stays of deals do (see [Transitions.UnmarshalJSON]). Every
// count is at most 2^63 − 1 and a stage's exits fit an int64 (check), so
// a stage's exits and open deals fit a uint64; the moves into a stage and
// the sum of the starts are added with a carry, which means more than any
// stage's visits or any number of deals.
func (c Transitions) checkFlow(op string) error {
	var total uint64 // Σ starts[s]
	over := false
	for s := range c.Funnel.Last() {
		exits := c.Lost[s]
		for _, m := range c.Moves[s] {
			exits += m
		}
		out := uint64(exits) + uint64(c.Open[s])
		var in, carry uint64
		for i := range c.Moves {
			var cy uint64
			in, cy = bits.Add64(in, uint64(c.Moves[i][s]), 0)
			carry |= cy
		}
		if carry != 0 || in > out {
			moves := strconv.FormatUint(in, 10)
			if carry != 0 {
				moves = "more than 2^64"
			}
			return &funnel.StageError{Op: op, Input: "moves", Stage: c.Funnel.Stage(s), Index: s,
				Err: fmt.Errorf("%w: %s moves into the stage, but %d visits there ended or go on", funnel.ErrCountsRise, moves, out)}
		}
		var cy uint64
		total, cy = bits.Add64(total, out-in, 0)
		over = over || cy != 0
	}
	if over || total > uint64(c.Deals) {
		starts := strconv.FormatUint(total, 10)
		if over {
			starts = "more than 2^64"
		}
		return &funnel.InputError{Op: op, Name: "deals", Value: strconv.FormatInt(c.Deals, 10),
			Err: fmt.Errorf("%w: %s paths through the stages begin (deals won by a move, lost at a stage or still open)", funnel.ErrCountsRise, starts)}
	}
	return nil
}

// UnmarshalJSON decodes a matrix, {"states", "absorbing", "p",
// "visit_days"}. A document that is malformed or truncated, or a value of
// the wrong type (a string for a probability), is a *[funnel.InputError]
// with Op "markov.Matrix" naming its place, such as p[0][2], wrapping
// [funnel.ErrOutOfRange]; a nil m is one wrapping [funnel.ErrNoData]. What
// the values mean (rows that sum to 1, names given once) is for
// [Matrix.Solve] to check. As encoding/json does, null leaves m unchanged.
// On an error m is unchanged.
func (m *Matrix) UnmarshalJSON(b []byte) error {
	type plain Matrix
	return unmarshal("markov.Matrix", "matrix", b, m, func(p plain) Matrix { return Matrix(p) }, nil)
}

// UnmarshalJSON decodes a chain as encoding/json writes it. A document
// that is malformed or truncated, or a value of the wrong type or out of
// range, is a *[funnel.InputError] with Op "markov.Chain" naming its
// place, such as results[1].steps, wrapping [funnel.ErrOutOfRange]; a nil
// ch is one wrapping [funnel.ErrNoData]. As encoding/json does, null
// leaves ch unchanged. On an error ch is unchanged.
func (ch *Chain) UnmarshalJSON(b []byte) error {
	type plain Chain
	return unmarshal("markov.Chain", "chain", b, ch, func(p plain) Chain { return Chain(p) }, nil)
}

// UnmarshalJSON decodes absorption figures as encoding/json writes them.
// A document that is malformed or truncated, or a value of the wrong type
// or out of range, is a *[funnel.InputError] with Op "markov.Absorption"
// naming its place, such as expected_days[2], wrapping
// [funnel.ErrOutOfRange]; a nil a is one wrapping [funnel.ErrNoData]. As
// encoding/json does, null leaves a unchanged. On an error a is unchanged.
func (a *Absorption) UnmarshalJSON(b []byte) error {
	type plain Absorption
	return unmarshal("markov.Absorption", "absorption", b, a, func(p plain) Absorption { return Absorption(p) }, nil)
}
