package target

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// ThreeRates are the three sets of step rates of [ReverseThree], each as
// [funnel.Funnel.Reverse] takes them: element i is the conversion from
// stage i to stage i+1, one per step of the funnel. A nil set is not given
// and its way is left out.
type ThreeRates struct {
	// Rep is the rep's own rates ([StepRates] of the rep's counts).
	Rep []float64 `json:"rep"`
	// Team is the team's ([StepRates] of the team's sum).
	Team []float64 `json:"team"`
	// Benchmark is the role models' ([RoleModelRates] of a
	// [ratios.Benchmark] report) or rates the caller gives.
	//
	// [ratios.Benchmark]: https://pkg.go.dev/github.com/funnelmath/funnelmath/ratios#Benchmark
	Benchmark []float64 `json:"benchmark"`
}

// Way is the reverse funnel at one set of rates.
type Way struct {
	// Rates are the step rates used (a copy of the input's).
	Rates []float64 `json:"rates"`
	// Volumes are the volume needed at each stage, from the first to the
	// won stage, exact and whole ([funnel.Funnel.Reverse]); nil when the
	// way is left out.
	Volumes []funnel.Volume `json:"volumes"`
	// Reason says why the way is left out: no rates given, or a zero rate
	// on the path, through which no volume reaches the target. "" when it
	// is not.
	Reason string `json:"reason,omitempty"`
}

// ThreeWay is the result of [ReverseThree].
type ThreeWay struct {
	Stage  string          `json:"stage"`  // the won (last) stage
	Target decimal.Decimal `json:"target"` // the bookings target
	ASP    decimal.Decimal `json:"asp"`    // the value of a won deal
	// WonNeeded is Target ÷ ASP, the won deals needed, exact.
	WonNeeded float64 `json:"won_needed"`
	// The reverse funnel at the rep's, the team's and the benchmark's
	// rates.
	Rep       Way `json:"rep"`
	Team      Way `json:"team"`
	Benchmark Way `json:"benchmark"`
}

// ReverseThree returns the volume needed at every stage of f to book a
// target, three times: at the rep's own rates, at the team's and at the
// benchmark's. The won deals needed are
//
//	won needed = target ÷ ASP
//
// and each way is [funnel.Funnel.Reverse] of them to f's last stage:
//
//	Exact[i] = won needed ÷ Π_{j=i..last−1} rates[j]
//	Whole[i] = ⌈Whole[i+1] ÷ rates[i]⌉,  Whole[last] = ⌈won needed⌉
//
// A way whose rates are nil, or hold a zero, is left out with the reason
// (Way.Reason): at a zero rate no volume is enough. The inputs are not
// modified.
//
// For $300,000 at an ASP of $25,000 (12 won) over Lead > Meeting >
// Proposal > Won: at the rep's rates 0.5, 0.25, 0.4 it needs 30
// proposals, 120 meetings and 240 leads; at the team's 0.5, 0.3, 0.5, 24
// proposals, 80 meetings and 160 leads.
//
// Errors are a *[funnel.InputError] or *[funnel.StageError] with Op
// "target.ReverseThree": [funnel.ErrEmptyFunnel] for a funnel with no
// stages; [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange] for a
// target or ASP that is not a valid amount, and [funnel.ErrOutOfRange]
// for a zero ASP; naming the rate ("team[1]") [funnel.ErrLengthMismatch]
// for a set of another length than the funnel's steps,
// [funnel.ErrNotFinite] for a NaN or infinite rate, [funnel.ErrRateRange]
// for one outside [0, 1]; and [funnel.ErrOutOfRange] for a volume above
// 2^53 (from Reverse).
func ReverseThree(f funnel.Funnel, target, asp decimal.Decimal, rates ThreeRates) (ThreeWay, error) {
	const op = "target.ReverseThree"
	if f.Len() == 0 {
		return ThreeWay{}, &funnel.StageError{Op: op, Index: -1, Err: funnel.ErrEmptyFunnel}
	}
	if err := funnel.AmountReason(target); err != nil {
		return ThreeWay{}, &funnel.InputError{Op: op, Name: "target", Value: target.String(), Err: err}
	}
	if err := funnel.AmountReason(asp); err != nil {
		return ThreeWay{}, &funnel.InputError{Op: op, Name: "asp", Value: asp.String(), Err: err}
	}
	if asp.IsZero() {
		return ThreeWay{}, &funnel.InputError{Op: op, Name: "asp", Value: "0", Err: funnel.ErrOutOfRange}
	}
	wd, _ := dec.Quo(target, asp)
	won := wd.InexactFloat64()
	out := ThreeWay{Stage: f.Stage(f.Last()), Target: target, ASP: asp, WonNeeded: won}
	for _, w := range []struct {
		name string
		in   []float64
		out  *Way
	}{{"rep", rates.Rep, &out.Rep}, {"team", rates.Team, &out.Team}, {"benchmark", rates.Benchmark, &out.Benchmark}} {
		way, err := revWay(op, f, w.name, won, w.in)
		if err != nil {
			return ThreeWay{}, err
		}
		*w.out = way
	}
	return out, nil
}

// revWay is one way of ReverseThree.
func revWay(op string, f funnel.Funnel, name string, won float64, rates []float64) (Way, error) {
	if rates == nil && f.Len() > 1 {
		return Way{Reason: "no " + name + " rates given"}, nil
	}
	w := Way{Rates: slices.Clone(rates)}
	if len(rates) != f.Len()-1 {
		return Way{}, &funnel.InputError{Op: op, Name: name, Value: strconv.Itoa(len(rates)) + " rates for " + strconv.Itoa(f.Len()-1) + " steps", Err: funnel.ErrLengthMismatch}
	}
	zero := -1
	for i, r := range rates {
		at := name + "[" + strconv.Itoa(i) + "]"
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return Way{}, &funnel.InputError{Op: op, Name: at, Value: triFmt(r), Err: funnel.ErrNotFinite}
		}
		if r < 0 || r > 1 {
			return Way{}, &funnel.InputError{Op: op, Name: at, Value: triFmt(r), Err: funnel.ErrRateRange}
		}
		if r == 0 && zero < 0 {
			zero = i
		}
	}
	if zero >= 0 {
		w.Reason = "the " + name + " rate from " + f.Stage(zero) + " to " + f.Stage(zero+1) + " is zero: no volume reaches the target"
		return w, nil
	}
	rf, err := f.Reverse(f.Stage(f.Last()), won, rates)
	if err != nil {
		var ie *funnel.InputError
		if errors.As(err, &ie) {
			c := *ie
			c.Op, c.Name = op, name+"."+c.Name
			return Way{}, &c
		}
		return Way{}, funnel.WithOp(op, err)
	}
	w.Volumes = rf.Volumes
	return w, nil
}

// StepRates returns a group's resolved step rates over f, as
// [funnel.Funnel.Reverse] and [ThreeRates] take them: element i is the
// resolved conversion from stage i to stage i+1 ([funnel.Counts.Step]
// under [funnel.Implied]), which leaves out the deals still open at stage
// i; 0 at a step with no resolved trials, which [ReverseThree] reports as
// left out. The input is not modified.
//
// It returns the errors of [funnel.Counts.Check] with Op
// "target.StepRates", or a *[funnel.InputError] wrapping
// [funnel.ErrLengthMismatch] for counts of another number of stages.
func StepRates(f funnel.Funnel, c funnel.Counts) ([]float64, error) {
	const op = "target.StepRates"
	if len(c.Reached) != f.Len() {
		return nil, &funnel.InputError{Op: op, Name: "reached", Value: strconv.Itoa(len(c.Reached)) + " stages for " + strconv.Itoa(f.Len()), Err: funnel.ErrLengthMismatch}
	}
	if err := c.Check(); err != nil {
		return nil, funnel.WithOp(op, err)
	}
	out := make([]float64, max(f.Len()-1, 0))
	for k := 1; k < f.Len(); k++ {
		_, res := c.Step(funnel.Implied, k)
		out[k-1] = res.Value()
	}
	return out, nil
}
