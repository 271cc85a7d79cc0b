package funnel

import (
	"fmt"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// ConversionOptions are the optional parts of [Funnel.Conversions]. A nil
// *ConversionOptions, or the zero value, asks for neither money nor a
// benchmark.
type ConversionOptions struct {
	// Value is the average value of a deal, such as the average selling
	// price. When it is Valid, every stage's Money is its count × Value.
	// It must not be negative.
	Value decimal.NullDecimal

	// BenchmarkCounts is a benchmark funnel (a top rep, last year, an
	// industry table) as counts reached per stage, one per stage, checked
	// as the counts themselves are. Its step rates are compared with the
	// funnel's in each stage's Gap.
	BenchmarkCounts []int64

	// BenchmarkRates is a benchmark funnel as step rates instead:
	// BenchmarkRates[i] is the conversion from stage i to stage i+1, so
	// there is one fewer than there are stages, each in [0, 1]. Give
	// BenchmarkCounts or BenchmarkRates, not both.
	BenchmarkRates []float64
}

// Gap compares the step into a stage with a benchmark step rate. The zero
// Gap is not Valid: there is no benchmark, the stage is the first, or the
// step into it (or the benchmark's, from counts) has no trials.
type Gap struct {
	// Benchmark is the benchmark's step rate into this stage, in [0, 1].
	Benchmark float64 `json:"benchmark"`
	// Points is the step's rate minus Benchmark, in rate units (×100 for
	// percentage points); negative when the step is behind the benchmark.
	Points float64 `json:"points"`
	// Shortfall is how many more deals this stage would have if the step
	// into it converted at the benchmark rate,
	//
	//	previous count × Benchmark − count
	//
	// in deals, not rounded; negative when the step is ahead.
	Shortfall float64 `json:"shortfall"`
	// Valid reports whether the other fields hold a comparison.
	Valid bool `json:"valid"`
}

// StageConversion is one row of a [Conversions] table: a stage, the deals
// that reached it, and how they converted from the stage before it and
// from the first stage.
type StageConversion struct {
	Stage string `json:"stage"` // the stage's name
	Count int64  `json:"count"` // deals that reached the stage

	// Step is Count of the previous stage's count: the conversion into
	// this stage. It is the zero Rate (not Defined) at the first stage,
	// and 0 of 0 (not Defined, Value 0) after a stage with no deals.
	Step Rate `json:"step"`
	// Cumulative is Count of the first stage's count.
	Cumulative Rate `json:"cumulative"`
	// Lost is the previous stage's count minus Count: the deals that
	// dropped off on the step into this stage; 0 at the first stage.
	Lost int64 `json:"lost"`
	// LostShare is Lost over the previous stage's count, 1 − Step, in
	// [0, 1]; 0 at the first stage and after a stage with no deals.
	LostShare float64 `json:"lost_share"`

	// Money is Count × [ConversionOptions.Value], when a value was given.
	Money decimal.NullDecimal `json:"money,omitzero"`
	// Gap compares Step with the benchmark, when one was given.
	Gap Gap `json:"gap,omitzero"`
}

// Conversions is the conversion table of a funnel: one row per stage, in
// funnel order, and the weakest step.
type Conversions struct {
	Stages []StageConversion `json:"stages"`
	// Weakest is the index of the stage whose step in converts at the
	// lowest rate among the steps with trials: the step from stage
	// Weakest−1 to stage Weakest. Ties go to the earliest step, whose gain
	// carries through every stage after it. It is -1 when no step has
	// trials (one stage, or no deals at the top).
	Weakest int `json:"weakest"`
	// WeakestStage is the name of stage Weakest, or "" when it is -1.
	WeakestStage string `json:"weakest_stage"`
}

// Overall returns the last stage's count of the first stage's: the
// cumulative conversion through the whole funnel. It is the zero Rate for
// an empty table.
func (c Conversions) Overall() Rate {
	if len(c.Stages) == 0 {
		return Rate{}
	}
	return c.Stages[len(c.Stages)-1].Cumulative
}

// StepRates returns the step rates as [Funnel.Reverse] takes them:
// element i is the conversion from stage i to stage i+1, the Value of
// Stages[i+1].Step (0 for a step without trials). It returns nil for a
// table of fewer than two stages.
func (c Conversions) StepRates() []float64 {
	if len(c.Stages) < 2 {
		return nil
	}
	out := make([]float64, len(c.Stages)-1)
	for i := range out {
		out[i] = c.Stages[i+1].Step.Value()
	}
	return out
}

// Conversions returns the conversion table for the counts of deals that
// reached each stage, reached[i] for stage i. For each stage i > 0,
//
//	Step       = reached[i] of reached[i−1]
//	Cumulative = reached[i] of reached[0]
//	Lost       = reached[i−1] − reached[i],  LostShare = Lost / reached[i−1]
//	Money      = reached[i] × opts.Value
//	Gap        = Step − b,  Shortfall = reached[i−1]·b − reached[i]
//
// where b is the benchmark step rate into stage i. A stage after one with
// no deals has Step 0 of 0, which is not [Rate.Defined] and has Value 0,
// never NaN. For 200, 80, 40, 12, 6 (lead, qualified, meeting, proposal,
// won) the steps are 0.40, 0.50, 0.30, 0.50, the weakest is meeting to
// proposal and the overall conversion is 0.03.
//
// opts may be nil. The inputs are not modified. Without options the only
// allocation is the table's Stages.
//
// It returns the errors of [CheckReached] for the counts and for the
// benchmark counts (whose errors name them): a *[StageError] wrapping
// [ErrEmptyFunnel] for a funnel with no stages, [ErrNegativeCount] for a
// count below zero or [ErrCountsRise] for a count above the one before it,
// and a *[InputError] wrapping [ErrLengthMismatch] when there is not one
// count per stage. It also returns a *[InputError] wrapping
// [ErrLengthMismatch] when the benchmark rates are not one per step,
// [ErrNotFinite] or [ErrRateRange] for a benchmark rate that is NaN,
// infinite or outside [0, 1], [ErrNegativeAmount] for a negative value or
// [ErrOutOfRange] for one beyond [AmountInRange], and [ErrOutOfRange] when
// both benchmark forms are given.
func (f Funnel) Conversions(reached []int64, opts *ConversionOptions) (Conversions, error) {
	if err := checkReached(f, "reached", reached); err != nil {
		return Conversions{}, err
	}
	var o ConversionOptions
	if opts != nil {
		o = *opts
	}
	if o.Value.Valid {
		if err := checkAmount(o.Value.Decimal); err != nil {
			return Conversions{}, &InputError{Name: "value", Err: err}
		}
	}
	switch {
	case o.BenchmarkCounts != nil && o.BenchmarkRates != nil:
		return Conversions{}, &InputError{Name: "benchmark", Err: fmt.Errorf("%w: give counts or rates, not both", ErrOutOfRange)}
	case o.BenchmarkCounts != nil:
		if err := checkReached(f, "benchmark counts", o.BenchmarkCounts); err != nil {
			return Conversions{}, err
		}
	case o.BenchmarkRates != nil:
		if err := f.checkSteps(o.BenchmarkRates, "benchmark rates"); err != nil {
			return Conversions{}, err
		}
	}

	rows := make([]StageConversion, len(reached))
	weakest, low := -1, math.Inf(1)
	for i, c := range reached {
		row := &rows[i]
		row.Stage, row.Count, row.Cumulative = f.stages[i], c, Rate{K: c, N: reached[0]}
		if i > 0 {
			prev := reached[i-1]
			row.Step = Rate{K: c, N: prev}
			row.Lost = prev - c
			if prev > 0 {
				row.LostShare = float64(row.Lost) / float64(prev)
				if v := row.Step.Value(); v < low {
					weakest, low = i, v
				}
				row.Gap = stepGap(row.Step, o, i)
			}
		}
		if o.Value.Valid {
			row.Money = decimal.NewNullDecimal(decimal.NewFromInt(c).Mul(o.Value.Decimal))
		}
	}
	out := Conversions{Stages: rows, Weakest: weakest}
	if weakest >= 0 {
		out.WeakestStage = f.stages[weakest]
	}
	return out, nil
}

// stepGap compares the step into stage i (which has trials) with the
// benchmark in o, if any.
func stepGap(step Rate, o ConversionOptions, i int) Gap {
	var b float64
	switch {
	case o.BenchmarkRates != nil:
		b = o.BenchmarkRates[i-1]
	case o.BenchmarkCounts != nil:
		bench := Rate{K: o.BenchmarkCounts[i], N: o.BenchmarkCounts[i-1]}
		if !bench.Defined() {
			return Gap{}
		}
		b = bench.Value()
	default:
		return Gap{}
	}
	return Gap{
		Benchmark: b,
		Points:    step.Value() - b,
		Shortfall: float64(step.N)*b - float64(step.K),
		Valid:     true,
	}
}

// checkSteps checks that rates has one rate per step (one fewer than the
// stages), each finite and in [0, 1]. name is the input's name in errors.
func (f Funnel) checkSteps(rates []float64, name string) error {
	if len(rates) != f.Len()-1 {
		return &InputError{Name: name, Value: strconv.Itoa(len(rates)) + " rates", Err: fmt.Errorf("%w: the funnel has %d steps between %d stages", ErrLengthMismatch, f.Len()-1, f.Len())}
	}
	for i, r := range rates {
		var err error
		switch {
		case math.IsNaN(r) || math.IsInf(r, 0):
			err = ErrNotFinite
		case r < 0 || r > 1:
			err = ErrRateRange
		default:
			continue
		}
		return f.stepErr(name, i, r, err)
	}
	return nil
}

// stepErr returns a *InputError naming element i of the step rates and
// the step it is for.
func (f Funnel) stepErr(name string, i int, r float64, err error) error {
	return inputErr(name+"["+strconv.Itoa(i)+"]", r, fmt.Errorf("%w: step %q to %q", err, f.stages[i], f.stages[i+1]))
}
