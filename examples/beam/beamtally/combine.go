package beamtally

import (
	"bytes"
	"encoding/json"

	"github.com/funnelmath/funnelmath/funnel"
)

// Acc is the accumulator of TallyFn: a funnel.Tally that travels between
// Beam workers in the Tally's compact binary form (funnel.Tally.MarshalBinary),
// which keeps every count and sum exact, is checked when decoded, and is
// about a quarter of the size of the Tally's JSON and four times faster to
// decode (see funnel's BenchmarkTallyBinary50Owners). The zero Acc holds no
// tally; merging it changes nothing. Acc also encodes as JSON, for a reader
// who wants to look at an accumulator.
type Acc struct {
	Tally *funnel.Tally
}

// MarshalBinary encodes the accumulator as its tally's binary form, or as
// no bytes when it holds none.
func (a Acc) MarshalBinary() ([]byte, error) {
	if a.Tally == nil {
		return []byte{}, nil
	}
	return a.Tally.MarshalBinary()
}

// UnmarshalBinary decodes what Acc.MarshalBinary writes, with the checks of
// funnel.Tally.UnmarshalBinary (those of funnel.Tally.UnmarshalJSON): a
// truncated, malformed or inconsistent tally is a *funnel.InputError or
// *funnel.StageError wrapping a sentinel such as funnel.ErrOutOfRange,
// funnel.ErrLengthMismatch or funnel.ErrCountsRise, and leaves a unchanged.
// No bytes decode as the zero Acc.
func (a *Acc) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		a.Tally = nil
		return nil
	}
	t := new(funnel.Tally)
	if err := t.UnmarshalBinary(b); err != nil {
		return err
	}
	a.Tally = t
	return nil
}

// MarshalJSON encodes the accumulator as its tally's JSON, {"funnel", "by",
// "groups"}, or null when it holds none.
func (a Acc) MarshalJSON() ([]byte, error) {
	if a.Tally == nil {
		return []byte("null"), nil
	}
	return a.Tally.MarshalJSON()
}

// UnmarshalJSON decodes what Acc.MarshalJSON writes, with the checks of
// funnel.Tally.UnmarshalJSON: a malformed or inconsistent tally is a
// *funnel.InputError or *funnel.StageError wrapping a sentinel such as
// funnel.ErrOutOfRange, funnel.ErrLengthMismatch or funnel.ErrCountsRise, and
// leaves a unchanged.
func (a *Acc) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		a.Tally = nil
		return nil
	}
	t := new(funnel.Tally)
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	a.Tally = t
	return nil
}

// encodeAcc and decodeAcc are the Beam coder of Acc: its binary form.
func encodeAcc(a Acc) ([]byte, error) { return a.MarshalBinary() }

func decodeAcc(b []byte) (Acc, error) {
	var a Acc
	err := a.UnmarshalBinary(b)
	return a, err
}

// encodeDeal and decodeDeal are the Beam coder of funnel.Deal: its JSON,
// which holds every field the tally reads (times to the nanosecond, amounts
// as exact decimals). A runner that fuses the build of deals with the
// combine's first phase (prism and Dataflow lift combines) never encodes a
// deal.
func encodeDeal(d funnel.Deal) ([]byte, error) { return json.Marshal(d) }

func decodeDeal(b []byte) (funnel.Deal, error) {
	var d funnel.Deal
	err := json.Unmarshal(b, &d)
	return d, err
}

// TallyFn is the Beam CombineFn that tallies deals: its accumulator is an
// Acc, a funnel.Tally over the funnel of Stages grouped by By, and
//
//	CreateAccumulator  funnel.NewTally(funnel of Stages, By...)
//	AddInput           Tally.Add(deal)
//	MergeAccumulators  Tally.Merge
//	ExtractOutput      the accumulator itself
//
// so the combined tally equals one pass over the deals, whatever order Beam
// adds and merges them in: every field of a Tally is an exact sum. It is
// used per key (the deal's group) and then globally, to merge the groups'
// tallies into one. Its exported fields travel to the workers as JSON.
type TallyFn struct {
	Stages []string `json:"stages"`
	By     []string `json:"by"`

	f funnel.Funnel
}

// NewTallyFn returns the TallyFn for cfg: its funnel and grouping. It returns
// the errors of Config.Funnel.
func NewTallyFn(cfg Config) (*TallyFn, error) {
	f, err := cfg.Funnel()
	if err != nil {
		return nil, err
	}
	return &TallyFn{Stages: f.Stages(), By: cfg.GroupBy(), f: f}, nil
}

// Setup builds the funnel of Stages, with the errors of funnel.New.
func (fn *TallyFn) Setup() error {
	f, err := funnel.New(fn.Stages...)
	if err != nil {
		return err
	}
	fn.f = f
	return nil
}

// CreateAccumulator returns an empty tally over the funnel, grouped by By.
// Without Setup (outside a pipeline) it builds the funnel itself, with the
// errors of funnel.New.
func (fn *TallyFn) CreateAccumulator() (Acc, error) {
	if fn.f.Len() == 0 {
		if err := fn.Setup(); err != nil {
			return Acc{}, err
		}
	}
	return Acc{Tally: funnel.NewTally(fn.f, fn.By...)}, nil
}

// AddInput adds one deal to the accumulator with funnel.Tally.Add and returns
// it, with Add's error (a deal not valid for the funnel, a duration past
// funnel.MaxDurationDays, a sum past an int64); the deal is then not added.
func (fn *TallyFn) AddInput(a Acc, d funnel.Deal) (Acc, error) {
	if a.Tally == nil {
		var err error
		if a, err = fn.CreateAccumulator(); err != nil {
			return a, err
		}
	}
	return a, a.Tally.Add(d)
}

// MergeAccumulators merges b into a with funnel.Tally.Merge and returns a,
// with Merge's error (funnel.ErrIncompatible for another funnel or grouping,
// funnel.ErrOutOfRange for a sum past an int64). b is not modified.
func (fn *TallyFn) MergeAccumulators(a, b Acc) (Acc, error) { return merge(a, b) }

// ExtractOutput returns the accumulator.
func (fn *TallyFn) ExtractOutput(a Acc) Acc { return a }

// merge merges b into a; an accumulator without a tally is empty.
func merge(a, b Acc) (Acc, error) {
	if b.Tally == nil {
		return a, nil
	}
	if a.Tally == nil {
		return b, nil
	}
	return a, a.Tally.Merge(b.Tally)
}

// mergeFn is the CombineFn of accumulators alone: the global merge of the
// groups' tallies.
type mergeFn struct{}

// MergeAccumulators merges b into a (see TallyFn.MergeAccumulators).
func (mergeFn) MergeAccumulators(a, b Acc) (Acc, error) { return merge(a, b) }
