package velocity

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/shopspring/decimal"
)

// Sentinel errors for the failures only velocity has. Every other failure
// wraps a sentinel of package funnel ([funnel.ErrNotFinite],
// [funnel.ErrNegative], [funnel.ErrNegativeAmount], [funnel.ErrRateRange],
// [funnel.ErrOutOfRange], [funnel.ErrDateOrder], [funnel.ErrNoData], and the
// sentinels of [funnel.Deal.Validate]), so callers test for a kind of
// failure with [errors.Is] whichever package returned it.
var (
	// ErrZeroCycle reports a sales cycle of zero, which velocity divides by.
	ErrZeroCycle = errors.New("zero sales cycle")
	// ErrUnreachable reports a target that no value of the solved lever
	// reaches: a win rate above 1, a zero lever that no other lever can make
	// up, or a zero target that no finite cycle gives.
	ErrUnreachable = errors.New("target unreachable")
	// ErrLogZero reports a zero lever in a decomposition, whose logarithm
	// does not exist.
	ErrLogZero = errors.New("log of zero")
	// ErrUndefined reports a measured lever that the deals do not define,
	// such as the average selling price of a group with no won deal.
	ErrUndefined = errors.New("lever undefined")
)

// LeverError records a failure tied to one of the four levers. It is the
// package's one typed error of its own: it carries the lever, which
// [funnel.InputError] has no field for. Other failures are
// *[funnel.InputError] or *[funnel.DealError] with Op "velocity.<Func>".
type LeverError struct {
	Op    string // the operation, such as "velocity.Solve"; "" reads as "velocity"
	Input string // the lever set at fault, such as "from levers"; may be empty
	Lever Lever  // the lever at fault
	Value string // the offending value, formatted; empty when it has none
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as the operation, the lever set and lever, the
// value and the reason:
//
//	velocity.NewLevers: win rate = 1.2: rate outside [0,1]
func (e *LeverError) Error() string {
	s := e.Op
	if s == "" {
		s = "velocity"
	}
	s += ": "
	if e.Input != "" {
		s += e.Input + ": "
	}
	s += e.Lever.String()
	if e.Value != "" {
		s += " = " + e.Value
	}
	if e.Err == nil {
		return s + ": <nil>"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *LeverError) Unwrap() error { return e.Err }

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func leverErr(op string, l Lever, v string, err error) error {
	return &LeverError{Op: op, Lever: l, Value: v, Err: err}
}

func inputErr(op, name, v string, err error) error {
	return &funnel.InputError{Op: op, Name: name, Value: v, Err: err}
}

// checkMoney checks an amount of money by the module's one rule,
// [funnel.AmountReason]: a *[funnel.InputError] naming it, wrapping
// [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange] (the reason holds the
// value).
func checkMoney(op, name string, v decimal.Decimal) error {
	if err := funnel.AmountReason(v); err != nil {
		return inputErr(op, name, "", err)
	}
	return nil
}

// checkNonNegative returns a *[funnel.InputError] naming x wrapping
// [funnel.ErrNotFinite] for a NaN or an infinity, and [funnel.ErrNegative]
// for a value below zero.
func checkNonNegative(op, name string, x float64) error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return inputErr(op, name, fmtFloat(x), funnel.ErrNotFinite)
	case x < 0:
		return inputErr(op, name, fmtFloat(x), funnel.ErrNegative)
	}
	return nil
}

// checkRate returns a *[funnel.InputError] naming v wrapping
// [funnel.ErrNotFinite] or [funnel.ErrRateRange] unless v is in [0, 1].
func checkRate(op, name string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return inputErr(op, name, fmtFloat(v), funnel.ErrNotFinite)
	case v < 0 || v > 1:
		return inputErr(op, name, fmtFloat(v), funnel.ErrRateRange)
	}
	return nil
}

// optionText encodes an option or lever as its name with
// [enum.Text]; a value out of range is a *[funnel.InputError] naming what,
// wrapping [funnel.ErrOutOfRange].
func optionText[T enum.Enum](what string, v, last T) ([]byte, error) {
	b, ok := enum.Text(v, last)
	if !ok {
		return nil, inputErr("velocity", what, strconv.Itoa(int(v)), funnel.ErrOutOfRange)
	}
	return b, nil
}

// parseOption decodes the name of an option or lever with [enum.Parse];
// an unknown name is a *[funnel.InputError] with the name as its value,
// wrapping [funnel.ErrOutOfRange], for the caller to place.
func parseOption[T enum.Enum](b []byte, dst *T, last T) error {
	v, ok := enum.Parse(b, last)
	if !ok {
		return &funnel.InputError{Value: strconv.Quote(clipText(string(b))), Err: fmt.Errorf("%w: want one of %s", funnel.ErrOutOfRange, names(last))}
	}
	*dst = v
	return nil
}

// names lists the names of the values 0..last, quoted.
func names[T enum.Enum](last T) string {
	s := ""
	for v := T(0); v <= last; v++ {
		if v > 0 {
			s += ", "
		}
		s += strconv.Quote(v.String())
	}
	return s
}
