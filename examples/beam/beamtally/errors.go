package beamtally

import (
	"errors"
)

// Sentinel errors of package beamtally, for the failures only a sharded read
// has. Every other error wraps a sentinel of funnel or funnel/crm.
var (
	// ErrNoShard reports an input without shards: no path given, or a glob
	// pattern that matches no file.
	ErrNoShard = errors.New("no shard")
	// ErrDuplicateShard reports a file named twice in the input (directly
	// or through patterns), whose deals would be counted twice.
	ErrDuplicateShard = errors.New("shard named twice")
	// ErrHeaderMismatch reports a shard whose header is not the first
	// shard's: the rows of one deal, read from several shards, are read
	// under the first shard's header.
	ErrHeaderMismatch = errors.New("header differs from the first shard's")
)

// ShardError records a failure tied to one shard of the input. Err is
// usually a *crm.RowError whose Line is the line in that shard (the shard's
// header is on its line 1), so that the text reads as a single-process read
// of that file would:
//
//	events-2.csv: crm: line 7: deal "D1": column "amount" = "12,34": bad amount: misplaced thousands separator
type ShardError struct {
	Shard string // the shard's path, as given or as its pattern expanded
	Err   error  // the reason, which wraps a sentinel
}

// Error formats the error as the shard's path and the reason.
func (e *ShardError) Error() string {
	if e == nil {
		return "beamtally: <nil>"
	}
	if e.Err == nil {
		return e.Shard + ": <nil>"
	}
	return e.Shard + ": " + e.Err.Error()
}

// Unwrap returns the reason, nil for a nil *ShardError.
func (e *ShardError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}
