package markov

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error this package returns wraps one of these or
// a sentinel of package funnel (an invalid deal comes back as the
// *[funnel.DealError] of [funnel.Deal.Validate]; no transitions at all
// wrap [funnel.ErrNoData]), so callers can test with [errors.Is].
var (
	// ErrNoPathToWon reports a chain in which no stage was ever observed
	// to move into the won stage, so the probability of winning is 0 from
	// everywhere and the chain says nothing useful.
	ErrNoPathToWon = errors.New("no path to won")
	// ErrSingular reports a chain whose I − Q has no inverse: some stages
	// were observed to move only among themselves and never reach won,
	// lost or an unresolved stage.
	ErrSingular = errors.New("singular chain")
	// ErrFunnelMismatch reports counts over different funnels, as in a
	// merge.
	ErrFunnelMismatch = errors.New("funnels differ")
	// ErrBadCounts reports counts that cannot come from deals: negative,
	// not finite, or of the wrong length for the funnel.
	ErrBadCounts = errors.New("invalid counts")
)

// Error records a failure of one operation, tied to a stage when Stage is
// not empty.
type Error struct {
	Op    string // the operation, such as "Solve"
	Stage string // the stage name, or ""
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and the reason.
func (e *Error) Error() string {
	s := "markov: " + e.Op + ": "
	if e.Stage != "" {
		s += "stage " + strconv.Quote(e.Stage) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
