package velocity

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/jsonx"
	"github.com/funnelmath/funnelmath/internal/span"
)

// decodeJSON decodes b into v, a plain type without decoding methods of
// its own, and turns encoding/json's errors into a *[funnel.InputError]
// that names the field (or what, for the whole document) and wraps
// [funnel.ErrOutOfRange]. The typed errors of the module's decoding methods
// (an unknown lever or option name, a bad rate) pass through, with op
// set when they name no operation.
func decodeJSON(op, what string, b []byte, v any) error {
	err := jsonx.Decode(b, v)
	if err == nil {
		return nil
	}
	var p *jsonx.Problem
	if errors.As(err, &p) {
		name := what
		if p.Field != "" {
			name = p.Field
		}
		return inputErr(op, name, p.Value, fmt.Errorf("%w: %s", funnel.ErrOutOfRange, p.Reason))
	}
	var ie *funnel.InputError
	var se *funnel.StageError
	var le *LeverError
	if errors.As(err, &ie) || errors.As(err, &se) || errors.As(err, &le) {
		return funnel.WithOp(op, err) // funnel's decoders name no operation
	}
	return inputErr(op, what, "", fmt.Errorf("%w: %v", funnel.ErrOutOfRange, err))
}

// maxDurationDays is the longest time.Duration in days, rounded down.
const maxDurationDays = math.MaxInt64 / int64(day)

// durationOf returns a number of days of 24 hours as a duration rounded
// to the nanosecond, or a *[funnel.InputError] naming the field wrapping
// [funnel.ErrOutOfRange] when it is beyond time.Duration's range.
func durationOf(op, name string, d float64) (time.Duration, error) {
	v, ok := span.Duration(d)
	if !ok {
		return 0, inputErr(op, name, fmtFloat(d), fmt.Errorf("%w: beyond time.Duration (%d days either way)", funnel.ErrOutOfRange, maxDurationDays))
	}
	return v, nil
}
