package funnel

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// TableOptions are the optional parts of [NewTable]. A nil *TableOptions,
// or the zero value, asks for the [Implied] rule, no intervals, the money
// of the counts and no benchmark.
type TableOptions struct {
	// Rule says whether a deal reached a stage; the zero value is
	// [Implied].
	Rule Reach
	// Confidence, when not zero, asks for the Wilson interval
	// ([Rate.Wilson]) of every step at this level, such as 0.95. It must
	// be in (0, 1).
	Confidence float64
	// Value, when Valid, is the average value of a deal, such as the
	// average selling price: every row's Money is then its count × Value
	// instead of the money of the deals that reached it. It must be a valid
	// amount ([CheckAmount]).
	Value decimal.NullDecimal
	// BenchmarkCounts is a benchmark funnel (a top rep, last year, an
	// industry table) as counts reached per stage, one per stage, checked
	// as [CheckReached] does. Its step rates are compared with the
	// resolved step into each stage in the row's Gap.
	BenchmarkCounts []int64
	// BenchmarkRates is a benchmark funnel as step rates instead:
	// BenchmarkRates[i] is the conversion from stage i to stage i+1, so
	// there is one fewer than there are stages, each in [0, 1]. Give
	// BenchmarkCounts or BenchmarkRates, not both.
	BenchmarkRates []float64
}

// Gap compares the resolved step into a stage with a benchmark step rate.
// Its fields are null when the step has no resolved trials, or when the
// benchmark from counts has none.
type Gap struct {
	// Benchmark is the benchmark's step rate into this stage, in [0, 1].
	Benchmark NullFloat64 `json:"benchmark"`
	// Points is the resolved rate minus Benchmark, in rate units (×100 for
	// percentage points); negative when the step is behind the benchmark.
	Points NullFloat64 `json:"points"`
	// Shortfall is how many more deals this stage would have if the
	// resolved deals of the stage before converted at the benchmark rate,
	//
	//	Resolved.N × Benchmark − Resolved.K
	//
	// in deals, not rounded; negative when the step is ahead.
	Shortfall NullFloat64 `json:"shortfall"`
}

// Row is one stage of a [Table]: the deals that reached it and the step
// into it from the stage before. Row k of a table is stage k, and its step
// is the one from stage k−1 into stage k; the first row has no step.
type Row struct {
	Stage string `json:"stage"` // the stage's name
	// Reached counts the deals that reached the stage under the table's
	// rule.
	Reached int64 `json:"reached"`
	// Pending counts the open deals still at this stage: under [Implied]
	// the open deals whose furthest stage it is, under [Strict] those that
	// entered it and neither its next stage nor a later one. They have not
	// had their chance to convert into the next stage, so the next row's
	// Resolved leaves them out.
	Pending int64 `json:"pending"`
	// Step is the naive conversion into this stage: Reached of the
	// previous row's Reached (under [Strict], the deals that entered both
	// stages of those that entered the previous one). It is the zero Rate
	// (value null) on the first row.
	Step Rate `json:"step"`
	// Resolved is the conversion into this stage among the deals of the
	// previous stage that have had their chance: the previous row's
	// Pending are left out of the trials (right-censoring). It is the
	// honest rate of a funnel with open deals; on a funnel of closed deals
	// it equals Step.
	Resolved Rate `json:"resolved"`
	// Lost counts the resolved deals of the previous stage that did not
	// convert into this one, Resolved.N − Resolved.K: under [Implied] the
	// deals lost after reaching the previous stage. Open deals are never
	// counted as lost. LostShare is Lost of Resolved.N, null without
	// resolved trials.
	Lost      int64       `json:"lost"`
	LostShare NullFloat64 `json:"lost_share"`
	// Cumulative is Reached of the first row's Reached.
	Cumulative Rate `json:"cumulative"`
	// StepCI and ResolvedCI are the Wilson intervals of Step and Resolved
	// at TableOptions.Confidence; absent when no confidence was asked for.
	StepCI     *Interval `json:"step_ci,omitempty"`
	ResolvedCI *Interval `json:"resolved_ci,omitempty"`
	// Money is the money that reached the stage, rounded to cents: the sum
	// of the amounts of the deals that reached it (under [Implied]), or
	// Reached × TableOptions.Value when a value was given. It is null when
	// the counts hold no amount and no value was given.
	Money decimal.NullDecimal `json:"money"`
	// Gap compares Resolved with the benchmark; absent when no benchmark
	// was given or on the first row.
	Gap *Gap `json:"gap,omitempty"`
}

// Table is the one conversion table of a funnel: one [Row] per stage, in
// funnel order, each with its count, the step into it (naive and
// resolved), the cumulative conversion, money and, when asked for,
// intervals and the gap to a benchmark.
type Table struct {
	Rule   Reach `json:"rule"`
	Stages []Row `json:"stages"`
	// Weakest is the index of the row whose resolved step converts at the
	// lowest rate among the steps with resolved trials: the step from stage
	// Weakest−1 into stage Weakest. Ties go to the earliest step, whose
	// gain carries through every stage after it. It is -1 when no step has
	// resolved trials.
	Weakest int `json:"weakest"`
	// WeakestStage is the name of stage Weakest, or "" when it is -1.
	WeakestStage string `json:"weakest_stage"`
	// Overall is the last row's Cumulative: the naive conversion through
	// the whole funnel.
	Overall Rate `json:"overall"`
}

// Rates returns the resolved step rates as [Funnel.Reverse] takes them:
// element i is the conversion from stage i into stage i+1, the value of
// Stages[i+1].Resolved (0 for a step without resolved trials, which
// Reverse then reports as a zero rate on its path). It returns nil for a
// table of fewer than two stages.
func (t Table) Rates() []float64 {
	if len(t.Stages) < 2 {
		return nil
	}
	out := make([]float64, len(t.Stages)-1)
	for i := range out {
		out[i] = t.Stages[i+1].Resolved.Value()
	}
	return out
}

// NaiveRates returns the naive step rates, element i the value of
// Stages[i+1].Step, as [Table.Rates] does for the resolved ones.
func (t Table) NaiveRates() []float64 {
	if len(t.Stages) < 2 {
		return nil
	}
	out := make([]float64, len(t.Stages)-1)
	for i := range out {
		out[i] = t.Stages[i+1].Step.Value()
	}
	return out
}

// NewTable returns the conversion table of the counts c over the funnel
// f, such as the [Counts] of one group of a [Tally], its total, or plain
// counts made with [FromReached]. With the [Implied] rule, for each stage
// k > 0,
//
//	Reached[k]    = c.Reached[k],           Pending[k] = c.OpenAt[k]
//	Step[k]       = Reached[k] of Reached[k−1]
//	Resolved[k]   = Reached[k] of (Reached[k−1] − Pending[k−1])
//	Lost[k]       = Resolved.N − Resolved.K
//	Cumulative[k] = Reached[k] of Reached[0]
//
// and with [Strict] Reached is c.Entered, Pending c.StrictPending and the
// steps count c.EnteredBoth[k−1] of c.Entered[k−1]. For 200, 80, 40, 12, 6
// closed deals (lead, qualified, meeting, proposal, won) the steps are
// 0.40, 0.50, 0.30, 0.50, the weakest is meeting to proposal and the
// overall conversion is 0.03.
//
// opts may be nil. The inputs are not modified.
//
// It returns a *[StageError] wrapping [ErrEmptyFunnel] for a funnel with
// no stages; a *[InputError] wrapping [ErrLengthMismatch] when c does not
// have one entry per stage; the errors of [Counts.Check] for counts that
// cannot come from deals; the errors of [CheckReached] for the benchmark
// counts (naming them); and a *[InputError] wrapping [ErrLengthMismatch]
// when the benchmark rates are not one per step, [ErrNotFinite] or
// [ErrRateRange] for a benchmark rate that is NaN, infinite or outside
// [0, 1], [ErrOutOfRange] when both benchmark forms are given, for a
// confidence outside (0, 1) or a rule out of range, and the errors of
// [CheckAmount] for the value.
func NewTable(f Funnel, c Counts, opts *TableOptions) (Table, error) {
	n := f.Len()
	if n == 0 {
		return Table{}, &StageError{Index: -1, Err: ErrEmptyFunnel}
	}
	if len(c.Reached) != n {
		return Table{}, &InputError{Name: "counts", Value: fmt.Sprintf("%d stages", len(c.Reached)), Err: fmt.Errorf("%w: the funnel has %d", ErrLengthMismatch, n)}
	}
	if err := c.Check(); err != nil {
		return Table{}, f.named(err)
	}
	var o TableOptions
	if opts != nil {
		o = *opts
	}
	if o.Rule != Implied && o.Rule != Strict {
		return Table{}, &InputError{Name: "rule", Value: o.Rule.String(), Err: ErrOutOfRange}
	}
	if o.Confidence != 0 {
		if _, err := zFor(o.Confidence); err != nil {
			return Table{}, err
		}
	}
	if o.Value.Valid {
		if err := checkAmount(o.Value.Decimal); err != nil {
			return Table{}, &InputError{Name: "value", Value: o.Value.Decimal.String(), Err: err}
		}
	}
	switch {
	case o.BenchmarkCounts != nil && o.BenchmarkRates != nil:
		return Table{}, &InputError{Name: "benchmark", Err: fmt.Errorf("%w: give counts or rates, not both", ErrOutOfRange)}
	case o.BenchmarkCounts != nil:
		if err := checkReached(f, "benchmark counts", o.BenchmarkCounts); err != nil {
			return Table{}, err
		}
	case o.BenchmarkRates != nil:
		if err := f.checkSteps(o.BenchmarkRates, "benchmark rates"); err != nil {
			return Table{}, err
		}
	}

	reached, pending := c.Reached, c.OpenAt
	if o.Rule == Strict {
		reached, pending = c.Entered, c.StrictPending
	}
	rows := make([]Row, n)
	// The intervals and gaps the rows point to, in one allocation each.
	var cis []Interval
	if o.Confidence != 0 {
		cis = make([]Interval, 2*n)
	}
	var gaps []Gap
	if o.BenchmarkRates != nil || o.BenchmarkCounts != nil {
		gaps = make([]Gap, n)
	}
	weakest, weakestName, low := -1, "", math.Inf(1)
	for k := range rows {
		row := &rows[k]
		row.Stage, row.Reached, row.Pending = f.stages[k], reached[k], pending[k]
		row.Cumulative = Rate{K: reached[k], N: reached[0]}
		if k > 0 {
			row.Step, row.Resolved = c.Step(o.Rule, k)
			row.Lost = row.Resolved.N - row.Resolved.K
			if row.Resolved.N > 0 {
				row.LostShare = Some(float64(row.Lost) / float64(row.Resolved.N))
				if v := row.Resolved.Value(); v < low {
					weakest, weakestName, low = k, f.stages[k], v
				}
			}
			if o.Confidence != 0 {
				cis[2*k], _ = row.Step.Wilson(o.Confidence)
				cis[2*k+1], _ = row.Resolved.Wilson(o.Confidence)
				row.StepCI, row.ResolvedCI = &cis[2*k], &cis[2*k+1]
			}
			if gaps != nil {
				gaps[k] = stepGap(row.Resolved, o, k)
				row.Gap = &gaps[k]
			}
		}
		switch {
		case o.Value.Valid:
			row.Money = decimal.NewNullDecimal(dec.Cents(decimal.NewFromInt(reached[k]).Mul(o.Value.Decimal)))
		case c.NoAmount < c.Deals && o.Rule == Implied:
			row.Money = decimal.NewNullDecimal(dec.Cents(c.AmountReached[k]))
		}
	}
	return Table{Rule: o.Rule, Stages: rows, Weakest: weakest, WeakestStage: weakestName, Overall: rows[n-1].Cumulative}, nil
}

// stepGap compares the resolved step into stage k with the benchmark in o,
// which has one.
func stepGap(step Rate, o TableOptions, k int) Gap {
	var b NullFloat64
	if o.BenchmarkRates != nil {
		b = Some(o.BenchmarkRates[k-1])
	} else {
		b = Rate{K: o.BenchmarkCounts[k], N: o.BenchmarkCounts[k-1]}.Null()
	}
	g := Gap{Benchmark: b}
	if b.Valid && step.N > 0 {
		g.Points = Some(step.Value() - b.Float64)
		g.Shortfall = Some(float64(step.N)*b.Float64 - float64(step.K))
	}
	return g
}

// FromReached returns the [Counts] of plain counts, for callers without
// deals: reached[k] deals reached stage k, of which open[k] are still open
// with stage k as their furthest (nil open means every deal is closed).
// The deals that reached the last stage are won; the others that stopped
// at a stage and are not open are lost there. With no history to say
// otherwise, every deal is taken to have entered each stage up to its
// furthest (no skips, so the [Strict] counts equal the [Implied] ones), and
// no deal has an amount or a duration.
//
// It returns the errors of [CheckReached] for reached; a *[InputError]
// wrapping [ErrLengthMismatch] for open of the wrong length; and a
// *[StageError] wrapping [ErrNegativeCount] for a negative open count, or
// [ErrCountsRise] for more open deals at a stage than stopped there
// (reached[k] − reached[k+1]; at the last stage, open deals are not
// allowed: a deal there is won). The inputs are not modified.
func FromReached(f Funnel, reached, open []int64) (Counts, error) {
	if err := checkReached(f, "reached", reached); err != nil {
		return Counts{}, err
	}
	n := f.Len()
	if open != nil && len(open) != n {
		return Counts{}, &InputError{Name: "open", Value: fmt.Sprintf("%d counts for %d stages", len(open), n), Err: ErrLengthMismatch}
	}
	c := Counts{
		Key: []string{}, Deals: reached[0], Won: reached[n-1],
		Reached: append([]int64(nil), reached...), Entered: append([]int64(nil), reached...),
		EnteredBoth: make([]int64, n), OpenAt: make([]int64, n), StrictPending: make([]int64, n), LostAt: make([]int64, n),
		AmountReached: make([]decimal.Decimal, n), NoAmount: reached[0],
		StageTime: make([]Durations, n), WonToClose: make([]Durations, n),
	}
	for k := range n {
		stopped := reached[k]
		if k+1 < n {
			stopped -= reached[k+1]
			c.EnteredBoth[k] = reached[k+1]
		} else {
			stopped = 0 // a deal at the last stage is won
		}
		var o int64
		if open != nil {
			o = open[k]
		}
		switch {
		case o < 0:
			return Counts{}, &StageError{Input: "open", Stage: f.stages[k], Index: k, Err: fmt.Errorf("%w: %d", ErrNegativeCount, o)}
		case o > stopped:
			return Counts{}, &StageError{Input: "open", Stage: f.stages[k], Index: k, Err: fmt.Errorf("%w: %d open of %d that stopped at the stage", ErrCountsRise, o, stopped)}
		}
		c.OpenAt[k], c.StrictPending[k], c.LostAt[k] = o, o, stopped-o
		c.Open += o
		c.Lost += stopped - o
	}
	return c, nil
}

// CheckReached checks counts reached per stage against the funnel: one per
// stage, none negative, none above the one before. It returns a
// *[InputError] wrapping [ErrLengthMismatch] or a *[StageError] wrapping
// [ErrEmptyFunnel], [ErrNegativeCount] or [ErrCountsRise].
func CheckReached(f Funnel, reached []int64) error { return checkReached(f, "reached", reached) }

// checkReached is [CheckReached] with errors that name the input.
func checkReached(f Funnel, name string, reached []int64) error {
	if f.Len() == 0 {
		return &StageError{Input: name, Index: -1, Err: ErrEmptyFunnel}
	}
	if len(reached) != f.Len() {
		return &InputError{Name: name, Value: fmt.Sprintf("%d counts for %d stages", len(reached), f.Len()), Err: ErrLengthMismatch}
	}
	for k, v := range reached {
		if v < 0 {
			return &StageError{Input: name, Stage: f.Stage(k), Index: k, Err: fmt.Errorf("%w: %d", ErrNegativeCount, v)}
		}
		if k > 0 && v > reached[k-1] {
			return &StageError{Input: name, Stage: f.Stage(k), Index: k, Err: fmt.Errorf("%w: %d after %d at %q", ErrCountsRise, v, reached[k-1], f.Stage(k-1))}
		}
	}
	return nil
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

// named returns err with the stage's name filled in when it is a
// *StageError that gives only an index of f, as [Counts.Check] does, which
// knows no names. err is not modified.
func (f Funnel) named(err error) error {
	if e, ok := err.(*StageError); ok && e.Stage == "" && f.Has(e.Index) {
		c := *e
		c.Stage = f.stages[e.Index]
		return &c
	}
	return err
}

// Step returns the naive and the resolved conversion into stage k from
// stage k−1 under the rule, as the row k of [NewTable] gives them
// (Row.Step and Row.Resolved), without building a table: under [Implied]
//
//	naive    = Reached[k] of Reached[k−1]
//	resolved = Reached[k] of Reached[k−1] − OpenAt[k−1]
//
// and under [Strict] EnteredBoth[k−1] of Entered[k−1] (less
// StrictPending[k−1]). c must be valid ([Counts.Check]); k must be in
// [1, len(c.Reached)), or Step panics as slice indexing does.
func (c Counts) Step(rule Reach, k int) (naive, resolved Rate) {
	reached, pending, num := c.Reached, c.OpenAt, c.Reached[k]
	if rule == Strict {
		reached, pending, num = c.Entered, c.StrictPending, c.EnteredBoth[k-1]
	}
	return Rate{K: num, N: reached[k-1]}, Rate{K: num, N: reached[k-1] - pending[k-1]}
}
