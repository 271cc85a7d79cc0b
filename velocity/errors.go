package velocity

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
)

// Sentinel errors. Every error this package returns wraps one of these (or
// a context error from a cancelled forecast), so callers can test for a kind
// of failure with [errors.Is]. The kinds that the funnel package also has
// (ErrNotFinite, ErrRateRange, ErrOutOfRange, ErrUnknownStage,
// ErrInvalidDeal, ErrNoData) wrap the funnel sentinel of the same name, so
// one errors.Is test against funnel.ErrNotFinite, say, serves both packages.
var (
	// ErrNotFinite reports a NaN or an infinite input.
	ErrNotFinite = fmt.Errorf("%w", funnel.ErrNotFinite)
	// ErrNegative reports a lever, amount, count or duration below zero.
	ErrNegative = errors.New("negative value")
	// ErrZeroCycle reports a sales cycle of zero, which velocity divides by.
	ErrZeroCycle = errors.New("zero sales cycle")
	// ErrRateRange reports a win rate or probability outside [0, 1].
	ErrRateRange = fmt.Errorf("%w", funnel.ErrRateRange)
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
	// ErrOutOfRange reports a parameter outside its documented domain: a
	// window that ends before it starts, a change of -100% or less, a
	// result too large for its type, a draw count above the limit.
	ErrOutOfRange = fmt.Errorf("%w", funnel.ErrOutOfRange)
	// ErrUnknownStage reports a stage index outside the stage win
	// probabilities or the funnel.
	ErrUnknownStage = fmt.Errorf("%w", funnel.ErrUnknownStage)
	// ErrInvalidDeal reports a deal that is inconsistent: closed before it
	// started, a negative amount, an outcome out of range, an open deal with
	// a close time.
	ErrInvalidDeal = fmt.Errorf("%w", funnel.ErrInvalidDeal)
	// ErrNoData reports an input with nothing to compute from, such as a
	// forecast built from deals with no won deal to take the time to close
	// from.
	ErrNoData = fmt.Errorf("%w", funnel.ErrNoData)
)

// LeverError records a failure tied to one of the four levers.
type LeverError struct {
	Lever Lever  // the lever at fault
	Value string // the offending value, formatted; empty when it has none
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as "velocity: ...: reason".
func (e *LeverError) Error() string {
	s := "velocity: " + e.Lever.String()
	if e.Value != "" {
		s += " = " + e.Value
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *LeverError) Unwrap() error { return e.Err }

// InputError records a failure tied to a named input other than a lever,
// such as a target, a period in days or a field of a forecast input.
type InputError struct {
	Name  string // the input, such as "days" or "reps[2].open[0].stage"
	Value string // the offending value, formatted; empty when it has none
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as "velocity: ...: reason".
func (e *InputError) Error() string {
	s := "velocity: " + e.Name
	if e.Value != "" {
		s += " = " + e.Value
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// DealError records a failure tied to one deal.
type DealError struct {
	ID  string // the deal's id
	Err error  // the reason, which wraps a sentinel
}

// Error formats the error as "velocity: ...: reason".
func (e *DealError) Error() string {
	return "velocity: deal " + strconv.Quote(e.ID) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DealError) Unwrap() error { return e.Err }

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func leverErr(l Lever, v string, err error) error {
	return &LeverError{Lever: l, Value: v, Err: err}
}

func inputErr(name string, v string, err error) error {
	return &InputError{Name: name, Value: v, Err: err}
}
