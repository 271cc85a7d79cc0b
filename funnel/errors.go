package funnel

import (
	"errors"
	"strconv"

	"github.com/funnelmath/funnelmath/internal/enum"
)

// Sentinel errors. They are the module's one error family: every package
// of funnelmath returns errors that wrap one of these (or a sentinel of its
// own for a failure only it has, such as velocity.ErrZeroCycle), so callers
// can test for a kind of failure with [errors.Is] whichever package
// returned it.
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
	// ErrNegative reports a value below zero that is neither a count nor an
	// amount of money, such as a number of days or of opportunities.
	ErrNegative = errors.New("negative value")
	// ErrCountsRise reports a count at a later stage above the count at an
	// earlier one: a deal that reached a later stage also reached every
	// earlier one, so counts never rise down the funnel. It also reports a
	// part above its whole, such as more successes than trials.
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
	// as a confidence level outside (0, 1), a referral rate of 1 or more,
	// or a sum too large for its type.
	ErrOutOfRange = errors.New("value out of range")
	// ErrLengthMismatch reports two inputs that must be the same length and
	// are not, such as counts that do not match the funnel's stages.
	ErrLengthMismatch = errors.New("length mismatch")
	// ErrNoData reports an input with nothing to compute from, such as a
	// shrinkage fit over no rates with any trials, or an attribute no deal
	// has.
	ErrNoData = errors.New("no data")
	// ErrEventOrder reports a deal whose stage events are not in time order.
	ErrEventOrder = errors.New("events out of time order")
	// ErrDateOrder reports a range of dates that does not run forward: an
	// end before (or at) its start, such as a window or a plan that ends
	// before it begins.
	ErrDateOrder = errors.New("dates out of order")
	// ErrZeroDate reports a date that is required and is the zero
	// time.Time, or a date the model cannot hold (the zero time stands for
	// "unknown").
	ErrZeroDate = errors.New("zero date")
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
	// ErrDuplicateDeal reports a deal id seen twice where ids must be
	// distinct: two rows of a one-row-per-deal export, two deals given to
	// an analysis that keys them by id.
	ErrDuplicateDeal = errors.New("duplicate deal id")
)

// The typed errors name what failed and where. Each has an Op, the
// operation that failed, such as "velocity.Solve" or "pipeline.Health";
// an empty Op reads as "funnel". An error's text is the Op, what and where,
// and the reason, with one package prefix: it wraps the bare sentinel, not
// another error's text.

// prefix returns op, or "funnel" when op is empty, followed by ": ".
func prefix(op string) string {
	if op == "" {
		return "funnel: "
	}
	return op + ": "
}

// StageError records a failure tied to one stage of a funnel.
type StageError struct {
	Op    string // the operation, such as "markov.Solve"; "" reads as "funnel"
	Input string // the input the value comes from, such as "benchmark counts"; may be empty
	Stage string // the stage name, as given
	Index int    // the stage's position, or -1 when it has none
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as the operation, the input and stage, and the
// reason.
func (e *StageError) Error() string {
	p := prefix(e.Op)
	if e.Input != "" {
		p += e.Input + ": "
	}
	if e.Stage == "" && e.Index < 0 {
		return p + errText(e.Err)
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
	return s + ": " + errText(e.Err)
}

// Unwrap returns the underlying error.
func (e *StageError) Unwrap() error { return e.Err }

// InputError records a failure tied to one named input value, such as a
// rate, a target, a confidence level or a field of a decoded document.
type InputError struct {
	Op    string // the operation, such as "velocity.Solve"; "" reads as "funnel"
	Name  string // the input, such as "rates[2]", "confidence" or "groups[1].won_amount"
	Value string // the offending value, formatted; may be empty
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as the operation, the input and its value, and
// the reason.
func (e *InputError) Error() string {
	s := prefix(e.Op) + e.Name
	if e.Value != "" {
		s += " = " + e.Value
	}
	return s + ": " + errText(e.Err)
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// DealError records a failure tied to one deal.
type DealError struct {
	Op  string // the operation, such as "velocity.Measure"; "" reads as "funnel"
	ID  string // the deal's id
	Err error  // the reason, which wraps a sentinel
}

// Error formats the error as the operation, the deal and the reason.
func (e *DealError) Error() string {
	return prefix(e.Op) + "deal " + strconv.Quote(e.ID) + ": " + errText(e.Err)
}

// Unwrap returns the underlying error.
func (e *DealError) Unwrap() error { return e.Err }

// errText returns err's text, or "<nil>" for a nil reason, so that a
// hand-built error never panics when printed.
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// WithOp returns err with its operation set to op when it is one of the
// typed errors of this package and names none, so that an analysis in
// another package can pass on funnel's error (a deal that fails
// [Deal.Validate], say) with its own name in front and the deal named
// once. Any other error is returned as it is. err is not modified: a typed
// error is copied.
func WithOp(op string, err error) error {
	switch e := err.(type) {
	case *StageError:
		if e.Op == "" {
			c := *e
			c.Op = op
			return &c
		}
	case *InputError:
		if e.Op == "" {
			c := *e
			c.Op = op
			return &c
		}
	case *DealError:
		if e.Op == "" {
			c := *e
			c.Op = op
			return &c
		}
	}
	return err
}

func inputErr(name string, v float64, err error) error {
	return &InputError{Name: name, Value: strconv.FormatFloat(v, 'g', -1, 64), Err: err}
}

func countErr(name string, v int64, err error) error {
	return &InputError{Name: name, Value: strconv.FormatInt(v, 10), Err: err}
}

// marshalEnum returns the name of v, an enumeration value in [0, last], or
// a *InputError naming what wrapping ErrOutOfRange.
func marshalEnum[T enum.Enum](what string, v, last T) ([]byte, error) {
	b, ok := enum.Text(v, last)
	if !ok {
		return nil, &InputError{Name: what, Value: strconv.Itoa(int(v)), Err: ErrOutOfRange}
	}
	return b, nil
}

// unmarshalEnum sets *dst to the value in [0, last] named b, or returns a
// *InputError naming what wrapping ErrOutOfRange.
func unmarshalEnum[T enum.Enum](what string, b []byte, dst *T, last T) error {
	v, ok := enum.Parse(b, last)
	if !ok {
		return &InputError{Name: what, Value: strconv.Quote(string(b)), Err: ErrOutOfRange}
	}
	*dst = v
	return nil
}
