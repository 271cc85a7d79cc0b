package markov

import "errors"

// Sentinel errors for the failures only a Markov chain has. Every other
// failure wraps a sentinel of package funnel (an invalid deal comes back
// as the *[funnel.DealError] of [funnel.Deal.Validate], counts of the
// wrong shape wrap [funnel.ErrLengthMismatch], and so on), so callers can
// test with [errors.Is] whichever package returned the error.
var (
	// ErrNoPathToWon reports a chain in which no stage was ever observed
	// to move into the won stage, so the probability of winning is 0 from
	// everywhere and the chain says nothing useful.
	ErrNoPathToWon = errors.New("no path to won")
	// ErrSingular reports a chain whose I − Q has no inverse: some states
	// only move among themselves and never reach an absorbing state.
	ErrSingular = errors.New("singular chain")
)
