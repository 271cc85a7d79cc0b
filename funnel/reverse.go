package funnel

import (
	"fmt"
	"math"
)

// maxVolume is the largest volume [Funnel.Reverse] returns: 2^53, above
// which a float64 no longer holds every whole number.
const maxVolume = 1 << 53

// Volume is the volume one stage of a [ReverseFunnel] needs.
type Volume struct {
	Stage string  `json:"stage"` // the stage's name
	Exact float64 `json:"exact"` // target / product of the step rates from here to the target stage, in deals
	Whole int64   `json:"whole"` // whole deals, rounded up at every step back from the target (>= Exact)
}

// ReverseFunnel is the volume needed at each stage to reach a target at a
// later stage: the result of [Funnel.Reverse].
type ReverseFunnel struct {
	Stage   string   `json:"stage"`   // the target's stage
	Target  float64  `json:"target"`  // the target, in deals at that stage
	Volumes []Volume `json:"volumes"` // one per stage from the first to the target's, in funnel order
}

// Reverse returns the volume needed at every stage up to the named one to
// reach target deals there, given the step rates: rates[i] is the
// conversion from stage i to stage i+1, so there is one rate per step
// (Len()−1 of them). With t the target's stage,
//
//	Exact[t] = target,  Exact[i] = Exact[i+1] / rates[i] = target / Π_{j=i..t−1} rates[j]
//	Whole[t] = ⌈target⌉, Whole[i] = ⌈Whole[i+1] / rates[i]⌉
//
// The whole volumes are rounded up at each step back from the target, so
// every stage is a whole number of deals and going forward from them at the
// same rates meets the target: Whole[i]·rates[i] >= Whole[i+1]. A quotient
// within a few units in the last place of a whole number is taken as that
// number, so that float noise does not add a deal: 10/0.5 is 20 and 6/0.3
// (20.000000000000004 in float64) is 20, not 21; the same holds for the
// target itself (a target of 100.00000000000003 needs 100 deals). For 10 won at 0.4, 0.5,
// 0.3, 0.5 from lead to won: 20 proposals, 67 meetings, 134 qualified and
// 335 leads (exactly 333.33).
//
// Rates after the target's stage are checked but may be zero. The inputs are
// not modified; the only allocation is the result's Volumes.
//
// It returns a *[StageError] wrapping [ErrEmptyFunnel] for a funnel with no
// stages or [ErrUnknownStage] for an unknown stage name; a *[InputError]
// wrapping [ErrNotFinite] for a NaN or infinite target or rate,
// [ErrOutOfRange] for a negative target or a volume above 2^53,
// [ErrLengthMismatch] for a wrong number of rates, [ErrRateRange] for a
// rate outside [0, 1] and [ErrZeroRate] for a zero rate between the first
// stage and the target's, naming the step.
func (f Funnel) Reverse(stage string, target float64, rates []float64) (ReverseFunnel, error) {
	if f.Len() == 0 {
		return ReverseFunnel{}, &StageError{Index: -1, Err: ErrEmptyFunnel}
	}
	t, err := f.Index(stage)
	if err != nil {
		return ReverseFunnel{}, err
	}
	switch {
	case math.IsNaN(target) || math.IsInf(target, 0):
		return ReverseFunnel{}, inputErr("target", target, ErrNotFinite)
	case target < 0:
		return ReverseFunnel{}, inputErr("target", target, fmt.Errorf("%w: must be >= 0", ErrOutOfRange))
	}
	if err := f.checkSteps(rates, "rates"); err != nil {
		return ReverseFunnel{}, err
	}
	for i := range t {
		if rates[i] == 0 {
			return ReverseFunnel{}, f.stepErr("rates", i, rates[i], ErrZeroRate)
		}
	}

	vols := make([]Volume, t+1)
	exact, whole := target, ceilWhole(target)
	for i := t; ; i-- {
		if !(whole <= maxVolume) {
			return ReverseFunnel{}, inputErr("target", target, fmt.Errorf("%w: %g needed at stage %q, above 2^53", ErrOutOfRange, whole, f.stages[i]))
		}
		vols[i] = Volume{Stage: f.stages[i], Exact: exact, Whole: int64(whole)}
		if i == 0 {
			break
		}
		exact /= rates[i-1]
		whole = ceilWhole(whole / rates[i-1])
	}
	return ReverseFunnel{Stage: f.stages[t], Target: target, Volumes: vols}, nil
}

// ceilWhole returns ⌈x⌉ for x >= 0, except that an x within 8 units in the
// last place of a whole number is that number, so that a quotient such as
// 6/0.3 = 20.000000000000004 is 20.
func ceilWhole(x float64) float64 {
	r := math.Round(x)
	if math.Abs(x-r) <= 8*ulpOne*max(1, x) {
		return r
	}
	return math.Ceil(x)
}

// ulpOne is the float64 machine epsilon, 2^−52: one unit in the last
// place of 1.
const ulpOne = 0x1p-52

// RateValues returns the values of rates, as [Funnel.Reverse] takes them:
// element i is rates[i].Value(), which is 0 for a rate with no trials
// (so Reverse reports it as a zero rate on its path). It returns a
// *[InputError] naming "rates[i]" that wraps [ErrNegativeCount] or
// [ErrKExceedsN] for invalid counts. The input is not modified.
func RateValues(rates []Rate) ([]float64, error) {
	out := make([]float64, len(rates))
	for i, r := range rates {
		if err := checkRateAt(rates, i); err != nil {
			return nil, err
		}
		out[i] = r.Value()
	}
	return out, nil
}
