package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// Sentinel errors. Every error this package returns wraps one of these or
// one of the sentinels of package funnel (a deal that fails
// [funnel.Deal.Validate] comes back as that *[funnel.DealError]), so callers
// can test for a kind of failure with [errors.Is].
var (
	// ErrDateOrder reports a range whose end comes before its start.
	ErrDateOrder = errors.New("dates out of order")
	// ErrEmptyRange reports a range whose start and end are the same
	// instant.
	ErrEmptyRange = errors.New("zero-length range")
	// ErrZeroDate reports a date argument that is the zero time.Time.
	ErrZeroDate = errors.New("zero date")
	// ErrThreshold reports a threshold in days that is zero or negative.
	ErrThreshold = errors.New("threshold not positive")
	// ErrNoAttribute reports an attribute that no deal has a value for.
	ErrNoAttribute = errors.New("no deal has the attribute")
	// ErrDuplicateDeal reports two deals with the same id.
	ErrDuplicateDeal = errors.New("duplicate deal id")
	// ErrSnapshot reports a snapshot that does not fit the deals: an id
	// that is not among them, or a deal shown open before it started.
	ErrSnapshot = errors.New("snapshot does not match the deals")
)

// Error records a failure tied to one argument of one function.
type Error struct {
	Func  string // the function, such as "Waterfall"
	Arg   string // the argument, such as "to" or "deals[3]"
	Value string // the offending value, formatted; may be empty
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and the reason.
func (e *Error) Error() string {
	s := "pipeline: " + e.Func + ": " + e.Arg
	if e.Value != "" {
		s += " = " + e.Value
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func dateString(t time.Time) string { return t.Format(time.RFC3339) }

// checkDate rejects a zero date.
func checkDate(fn, arg string, t time.Time) error {
	if t.IsZero() {
		return &Error{Func: fn, Arg: arg, Err: ErrZeroDate}
	}
	return nil
}

// checkRange rejects zero dates, from after to and from equal to to.
func checkRange(fn string, from, to time.Time) error {
	if err := checkDate(fn, "from", from); err != nil {
		return err
	}
	if err := checkDate(fn, "to", to); err != nil {
		return err
	}
	switch {
	case to.Before(from):
		return &Error{Func: fn, Arg: "to", Value: dateString(to), Err: fmt.Errorf("%w: before from %s", ErrDateOrder, dateString(from))}
	case to.Equal(from):
		return &Error{Func: fn, Arg: "to", Value: dateString(to), Err: fmt.Errorf("%w: equal to from", ErrEmptyRange)}
	}
	return nil
}

// checkDeals validates every deal against the funnel and rejects duplicate
// ids. An empty funnel is an error even with no deals.
func checkDeals(fn string, f funnel.Funnel, deals []funnel.Deal) error {
	if f.Len() == 0 {
		return &Error{Func: fn, Arg: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	seen := make(map[string]int, len(deals))
	for i := range deals {
		if err := deals[i].Validate(f); err != nil {
			return err
		}
		if j, ok := seen[deals[i].ID]; ok {
			return &Error{Func: fn, Arg: fmt.Sprintf("deals[%d]", i), Value: fmt.Sprintf("%q", deals[i].ID), Err: fmt.Errorf("%w: also deals[%d]", ErrDuplicateDeal, j)}
		}
		seen[deals[i].ID] = i
	}
	return nil
}
