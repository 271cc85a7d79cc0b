package funnel

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error this package returns wraps one of these, so
// callers can test for a kind of failure with [errors.Is].
var (
	// ErrEmptyFunnel reports a funnel with no stages, or an empty input
	// where at least one stage or value is required.
	ErrEmptyFunnel = errors.New("empty funnel")
	// ErrBlankStage reports a stage name that is empty or only white space.
	ErrBlankStage = errors.New("blank stage name")
	// ErrDuplicateStage reports a stage name that appears twice in a funnel.
	ErrDuplicateStage = errors.New("duplicate stage name")
	// ErrUnknownStage reports a stage name or index that is not in the funnel.
	ErrUnknownStage = errors.New("unknown stage")
	// ErrNegativeCount reports a count below zero.
	ErrNegativeCount = errors.New("negative count")
	// ErrCountsRise reports a count at a later stage above the count at an
	// earlier one: a deal that reached a later stage also reached every
	// earlier one, so counts never rise down the funnel.
	ErrCountsRise = errors.New("count rises down the funnel")
	// ErrKExceedsN reports a rate with more successes than trials.
	ErrKExceedsN = errors.New("successes exceed trials")
	// ErrNotFinite reports a NaN or an infinite input.
	ErrNotFinite = errors.New("not a finite number")
	// ErrRateRange reports a rate or probability outside [0, 1].
	ErrRateRange = errors.New("rate outside [0,1]")
	// ErrZeroRate reports a zero rate where it would be divided by, as on
	// the path of a reverse funnel.
	ErrZeroRate = errors.New("zero rate")
	// ErrOutOfRange reports a parameter outside its documented domain, such
	// as a confidence level outside (0, 1) or a referral rate of 1 or more.
	ErrOutOfRange = errors.New("value out of range")
	// ErrLengthMismatch reports two inputs that must be the same length and
	// are not, such as counts that do not match the funnel's stages.
	ErrLengthMismatch = errors.New("length mismatch")
	// ErrNoData reports an input with nothing to compute from, such as a
	// shrinkage fit over no rates with any trials.
	ErrNoData = errors.New("no data")
	// ErrEventOrder reports a deal whose stage events are not in time order.
	ErrEventOrder = errors.New("events out of time order")
	// ErrWonAndLost reports a deal that is both won and lost.
	ErrWonAndLost = errors.New("deal both won and lost")
	// ErrNegativeAmount reports a money amount below zero.
	ErrNegativeAmount = errors.New("negative amount")
	// ErrIncompatible reports two aggregates that cannot be merged or
	// compared, such as tallies over different funnels or groupings.
	ErrIncompatible = errors.New("incompatible aggregates")
	// ErrInvalidDeal reports a deal that is inconsistent in another way,
	// such as a won deal without an event at the last stage.
	ErrInvalidDeal = errors.New("invalid deal")
)

// StageError records a failure tied to one stage of a funnel.
type StageError struct {
	Input string // the input the value comes from, such as "benchmark counts"; may be empty
	Stage string // the stage name, as given
	Index int    // the stage's position, or -1 when it has none
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and the reason.
func (e *StageError) Error() string {
	p := "funnel: "
	if e.Input != "" {
		p += e.Input + ": "
	}
	if e.Stage == "" && e.Index < 0 {
		return p + e.Err.Error()
	}
	s := p + "stage "
	if e.Stage != "" || e.Index < 0 {
		s += strconv.Quote(e.Stage)
	}
	if e.Index >= 0 {
		if e.Stage != "" {
			s += " "
		}
		s += "(index " + strconv.Itoa(e.Index) + ")"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *StageError) Unwrap() error { return e.Err }

// InputError records a failure tied to one named input value, such as a
// rate, a target or a confidence level.
type InputError struct {
	Name  string // the input, such as "rates[2]" or "confidence"
	Value string // the offending value, formatted
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and the reason.
func (e *InputError) Error() string {
	s := "funnel: " + e.Name
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

// Error formats the error with the package prefix, what and where, and the reason.
func (e *DealError) Error() string {
	return "funnel: deal " + strconv.Quote(e.ID) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DealError) Unwrap() error { return e.Err }

func inputErr(name string, v float64, err error) error {
	return &InputError{Name: name, Value: strconv.FormatFloat(v, 'g', -1, 64), Err: err}
}

func countErr(name string, v int64, err error) error {
	return &InputError{Name: name, Value: strconv.FormatInt(v, 10), Err: err}
}
