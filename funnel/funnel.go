package funnel

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Funnel is an ordered list of required stages, from the first (a lead, an
// outreach) to the last (a won deal, an offer). The last stage is the won
// stage: a deal that enters it is won. A lost deal is not a stage but an
// outcome; see [Deal].
//
// The zero Funnel has no stages; build one with [New]. A Funnel is
// immutable and safe for concurrent use; copies share their storage.
type Funnel struct {
	stages []string
}

// New returns the funnel with the given stages, in order. It copies the
// slice.
//
// It returns an error wrapping [ErrEmptyFunnel] when no stage is given,
// [ErrBlankStage] for an empty or all-white-space name, and
// [ErrDuplicateStage] for a name given twice; the error is a *[StageError]
// naming the stage and its index.
func New(stages ...string) (Funnel, error) {
	if len(stages) == 0 {
		return Funnel{}, &StageError{Index: -1, Err: ErrEmptyFunnel}
	}
	for i, s := range stages {
		if strings.TrimSpace(s) == "" {
			return Funnel{}, &StageError{Stage: s, Index: i, Err: ErrBlankStage}
		}
		for j := range i {
			if stages[j] == s {
				return Funnel{}, &StageError{Stage: s, Index: i, Err: fmt.Errorf("%w: first at index %d", ErrDuplicateStage, j)}
			}
		}
	}
	return Funnel{stages: append([]string(nil), stages...)}, nil
}

// MustNew is like [New] but panics if the stages are invalid. It is meant
// for funnels fixed in the program text, such as package-level examples.
func MustNew(stages ...string) Funnel {
	f, err := New(stages...)
	if err != nil {
		panic(err)
	}
	return f
}

// Len returns the number of stages.
func (f Funnel) Len() int { return len(f.stages) }

// Stage returns the name of stage i. It panics if i is out of range, as
// indexing a slice does.
func (f Funnel) Stage(i int) string { return f.stages[i] }

// Stages returns a copy of the stage names, in order.
func (f Funnel) Stages() []string { return append([]string(nil), f.stages...) }

// Last returns the index of the last (won) stage, or -1 for the zero Funnel.
func (f Funnel) Last() int { return len(f.stages) - 1 }

// Index returns the position of the stage with the given name. Names are
// matched exactly. An unknown name returns -1 and a *[StageError] wrapping
// [ErrUnknownStage].
func (f Funnel) Index(name string) (int, error) {
	for i, s := range f.stages {
		if s == name {
			return i, nil
		}
	}
	return -1, &StageError{Stage: name, Index: -1, Err: ErrUnknownStage}
}

// Has reports whether i is the index of a stage.
func (f Funnel) Has(i int) bool { return i >= 0 && i < len(f.stages) }

// Equal reports whether f and g have the same stages in the same order.
func (f Funnel) Equal(g Funnel) bool {
	if len(f.stages) != len(g.stages) {
		return false
	}
	for i := range f.stages {
		if f.stages[i] != g.stages[i] {
			return false
		}
	}
	return true
}

// String returns the stages joined by " > ".
func (f Funnel) String() string { return strings.Join(f.stages, " > ") }

// MarshalJSON encodes the funnel as a JSON array of stage names, and the
// zero Funnel as null.
func (f Funnel) MarshalJSON() ([]byte, error) {
	if f.stages == nil {
		return []byte("null"), nil
	}
	return json.Marshal(f.stages)
}

// UnmarshalJSON decodes a JSON array of stage names, with the checks of
// [New]; a document that is not an array of strings is a *[InputError]
// wrapping [ErrOutOfRange]. As encoding/json does for other types, null leaves f unchanged, so
// a zero Funnel round-trips.
func (f *Funnel) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s []string
	if err := decodeJSON(b, &s, "funnel"); err != nil {
		return err
	}
	g, err := New(s...)
	if err != nil {
		return placed("funnel", err)
	}
	*f = g
	return nil
}
