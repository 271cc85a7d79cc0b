package ratios

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// Defaults of [Options].
const (
	// DefaultConfidence is the level of the intervals and of the Wilson
	// lower bound when [Options].Confidence is zero.
	DefaultConfidence = 0.95
	// DefaultMinTrials is the fewest resolved trials a rep needs at a step
	// to be scored there when [Options].MinTrials is zero.
	DefaultMinTrials = 10
	// DefaultFDR is the false discovery rate of the noise tests when
	// [Options].FDR is zero.
	DefaultFDR = 0.10
)

// Options are the options of [Benchmark] and [Movers]. A nil *Options,
// like the zero value, asks for every default.
type Options struct {
	// Rule is how the reps are scored at each step to choose the
	// benchmark; the zero value is [RuleShrunk].
	Rule Rule `json:"rule"`
	// Confidence is the level, in (0, 1), of the two-sided Wilson
	// intervals of the rates and of the interval of each difference
	// ([funnel.CompareRates]), and the one-sided level of the lower bound
	// of [RuleWilson], which needs it above 0.5. Zero means
	// [DefaultConfidence], 0.95.
	Confidence float64 `json:"confidence"`
	// MinTrials is the fewest resolved trials a rep needs at a step to be
	// scored, ranked and made the benchmark there, under every rule. Zero
	// means [DefaultMinTrials], 10. Shrinkage alone does not keep a 3 of
	// 3 below a 45 of 60: with the prior's mean m and strength s,
	//
	//	(3 + m·s)/(3 + s) > (45 + m·s)/(60 + s)  ⇔  s·(57m − 42) > −45
	//
	// which holds for every s when the team's mean is above 42/57 ≈ 0.737
	// (the 3 of 3 is then, by the team's record, the likelier better rep)
	// and for a prior weaker than 45/(42 − 57m) trials below it. Three
	// trials are no role model, though, so by default no sample under ten
	// can be the benchmark. Set 1 to score every rep with a trial. It must
	// not be negative.
	MinTrials int64 `json:"min_trials"`
	// Shrink are the options of the shrinkage at each step
	// ([funnel.ShrinkWith]): the estimator of the team's prior, or a prior
	// stated by the caller. Nil fits the prior by
	// [funnel.WeightedMoments].
	Shrink *funnel.ShrinkOptions `json:"shrink,omitempty"`
	// FDR is the false discovery rate q, in (0, 1), of the
	// Benjamini–Hochberg control across the grid of noise tests
	// ([funnel.BenjaminiHochberg]). Zero means [DefaultFDR], 0.10: a
	// manager screens a whole team at once and a false flag costs one
	// coaching conversation, so one flag in ten being noise is a fair
	// price, where 0.05 over a grid of hundreds of cells leaves most real
	// gaps of a small team unflagged.
	FDR float64 `json:"fdr"`
	// WonValue is the value of one won deal for the extra bookings of a
	// [Lever]. When it is not Valid the team's average won amount
	// ([funnel.Counts.AvgWon]) is used, and when the team has no won
	// amount either, bookings are null, never zero. It must be a valid
	// amount ([funnel.CheckAmount]).
	WonValue decimal.NullDecimal `json:"won_value"`
}

// Report is the result of [Benchmark]: the team's funnel, the role model
// at every step and every rep against it and against the rest of the
// team.
//
// Steps are indexed as the module indexes them: row k of a
// [funnel.Table] is stage k and its step is the one from stage k−1 into
// stage k, so RoleModels[j] and RepReport.Steps[j] are the step into
// stage j+1, the step of Table.Stages[j+1].
type Report struct {
	// The options in force, defaults filled in.
	Rule       Rule    `json:"rule"`
	Confidence float64 `json:"confidence"`
	MinTrials  int64   `json:"min_trials"`
	FDR        float64 `json:"fdr"`
	// WonValue is the value of a won deal the bookings of the levers use:
	// [Options].WonValue, or the team's average won amount; null when
	// neither exists.
	WonValue decimal.NullDecimal `json:"won_value"`
	// Team is the team's conversion table (the sum of the reps), with
	// Wilson intervals at Confidence.
	Team funnel.Table `json:"team"`
	// RoleModels is the role-model funnel: the benchmark rep of every
	// step, one per step (one fewer than the stages).
	RoleModels []RoleModel `json:"role_models"`
	// Reps are the reps, in input order.
	Reps []RepReport `json:"reps"`
	// Tests is the number of rep × step cells tested against the rest of
	// the team (those with resolved trials on both sides), Discoveries
	// the number of them beyond noise.
	Tests       int `json:"tests"`
	Discoveries int `json:"discoveries"`
}

// RoleModel is the benchmark at one step: the rep whose resolved step
// scores highest under the rule, among the reps with at least MinTrials
// resolved trials there. Ties in score go to the rep with more resolved
// trials, then to the name first in byte order, then to the rep given
// first.
type RoleModel struct {
	From  string `json:"from"`  // the stage the step leaves
	Stage string `json:"stage"` // the stage the step enters
	// Rep is the index of the benchmark rep in [Report].Reps, -1 when no
	// rep has MinTrials resolved trials at the step; Name is its name
	// ([Name]), "" when there is none.
	Rep  int    `json:"rep"`
	Name string `json:"name"`
	// Rate is the benchmark rep's resolved step (0 of 0 when there is
	// none), the rate every rep's gap and levers are measured against.
	Rate funnel.Rate `json:"rate"`
	// Score is its score under the rule, the highest at the step; null
	// when there is no benchmark.
	Score funnel.NullFloat64 `json:"score"`
	// Candidates is the number of reps scored at the step.
	Candidates int `json:"candidates"`
	// Prior is the team's Beta prior at the step ([funnel.ShrinkWith]
	// over every rep's resolved step), whose posteriors the shrunk rates
	// and [Signal].PBelow use; null when no rep has a resolved trial at the
	// step and no prior was stated.
	Prior *funnel.Prior `json:"prior"`
}

// RepReport is one rep in a [Report].
type RepReport struct {
	Name string `json:"name"` // [Name] of the rep's counts
	// Table is the rep's conversion table ([funnel.NewTable]): each
	// row's naive Step and Resolved step with their Wilson intervals at
	// Confidence, and its Gap to the role model's resolved rate
	// (TableOptions.BenchmarkRates); Gap is absent on a step without a
	// role model.
	Table funnel.Table `json:"table"`
	// Steps are the rep's score, rank and signal at every step, one per
	// step: Steps[j] is the step into stage j+1.
	Steps []StepScore `json:"steps"`
	// Levers are the steps at which the rep is behind the role model,
	// with what matching it there would bring, the biggest first.
	Levers []Lever `json:"levers"`
}

// StepScore is one rep at one step.
type StepScore struct {
	Stage string `json:"stage"` // the stage the step enters
	// Shrunk is the rep's shrunk resolved rate under the step's prior,
	// (K + α)/(N + α + β), and Posterior its posterior Beta(α + K,
	// β + N − K); null and the zero Posterior when the step has no prior.
	Shrunk    funnel.NullFloat64 `json:"shrunk"`
	Posterior funnel.Posterior   `json:"posterior"`
	// Score is the rep's score under the rule, null when the rep has
	// fewer than MinTrials resolved trials at the step; Rank its place
	// among the reps scored (1 is the benchmark; ties broken as for
	// [RoleModel]), 0 when not scored.
	Score funnel.NullFloat64 `json:"score"`
	Rank  int                `json:"rank"`
	// Signal is the rep against the rest of the team at the step.
	Signal Signal `json:"signal"`
}

// benchSettings are the options of a call, checked and with their
// defaults filled in.
type benchSettings struct {
	rule      Rule
	conf      float64
	minTrials int64
	shrink    *funnel.ShrinkOptions
	stated    bool // a stated prior, which shrinks even a step without trials
	fdr       float64
	won       decimal.NullDecimal
}

// benchOptions checks o and fills in its defaults. Every bad option is a
// *funnel.InputError with op naming it, wrapping funnel.ErrNotFinite for
// a NaN or infinite level and funnel.ErrOutOfRange otherwise (the errors
// of funnel.AmountReason for the won value).
func benchOptions(op string, o *Options) (benchSettings, error) {
	var in Options
	if o != nil {
		in = *o
	}
	s := benchSettings{rule: in.Rule, conf: in.Confidence, minTrials: in.MinTrials, shrink: in.Shrink, fdr: in.FDR, won: in.WonValue}
	if s.rule < 0 || s.rule > lastRule {
		return s, &funnel.InputError{Op: op, Name: "rule", Value: strconv.Itoa(int(s.rule)), Err: fmt.Errorf("%w: want %q, %q or %q", funnel.ErrOutOfRange, RuleShrunk, RuleWilson, RuleRaw)}
	}
	if s.conf == 0 {
		s.conf = DefaultConfidence
	}
	if err := checkLevel(op, "confidence", s.conf); err != nil {
		return s, err
	}
	if s.rule == RuleWilson && s.conf <= 0.5 {
		return s, &funnel.InputError{Op: op, Name: "confidence", Value: fmtFloat(s.conf), Err: fmt.Errorf("%w: the one-sided bound of %q needs a level in (0.5, 1)", funnel.ErrOutOfRange, RuleWilson)}
	}
	switch {
	case s.minTrials < 0:
		return s, &funnel.InputError{Op: op, Name: "min_trials", Value: strconv.FormatInt(s.minTrials, 10), Err: fmt.Errorf("%w: must not be negative", funnel.ErrOutOfRange)}
	case s.minTrials == 0:
		s.minTrials = DefaultMinTrials
	}
	if s.fdr == 0 {
		s.fdr = DefaultFDR
	}
	if err := checkLevel(op, "fdr", s.fdr); err != nil {
		return s, err
	}
	if s.won.Valid {
		if err := funnel.AmountReason(s.won.Decimal); err != nil {
			return s, &funnel.InputError{Op: op, Name: "won_value", Err: err}
		}
	}
	if s.shrink != nil {
		// The core checks the shrink options: with no rates a valid
		// estimator fails only for want of data.
		if _, err := funnel.ShrinkWith(nil, s.shrink); err != nil && !errors.Is(err, funnel.ErrNoData) {
			var e *funnel.InputError
			if errors.As(err, &e) {
				c := *e
				c.Op, c.Name = op, "shrink."+e.Name
				return s, &c
			}
			return s, funnel.WithOp(op, err)
		}
		s.stated = s.shrink.Prior != (funnel.Prior{})
	}
	return s, nil
}

// checkLevel returns a *funnel.InputError naming name unless v is a
// finite number in (0, 1).
func checkLevel(op, name string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(v), Err: funnel.ErrNotFinite}
	case v <= 0 || v >= 1:
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(v), Err: fmt.Errorf("%w: must be in (0, 1)", funnel.ErrOutOfRange)}
	}
	return nil
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Benchmark compares every rep with the best rep at every step of the
// funnel, with a role model per step rather than one superstar.
//
// reps are the per-rep counts over f, such as the Groups of a
// [funnel.Tally] grouped by owner, or counts from [funnel.FromReached];
// the team is their sum ([funnel.Sum]). For every step, from stage k−1
// into stage k, the report has:
//
//   - each rep's conversion table ([funnel.NewTable]), naive and resolved
//     steps with their Wilson intervals at the confidence level, and the
//     team's;
//   - the team's Beta prior at the step and each rep's shrunk resolved
//     rate with its posterior ([funnel.ShrinkWith]);
//   - each rep's score under the rule ([Rule]) and rank, and the role
//     model ([RoleModel]): the rep with the highest score among those with
//     at least MinTrials resolved trials, ties going to more resolved
//     trials, then to the name first in byte order, then to the rep given
//     first;
//   - each rep's gap to the role model, the row's [funnel.Gap] against the
//     role models' resolved rates b given as TableOptions.BenchmarkRates;
//   - the rep's [Lever]s, what matching the role model at one step would
//     bring, biggest first;
//   - the rep against the rest of the team ([Signal]), with the false
//     discovery rate controlled across the whole rep × step grid, so that
//     only a discovery is beyond noise.
//
// The gap of a rep with K of N resolved at the step is
//
//	Points    = K/N − b
//	Shortfall = N × b − K
//
// By default (RuleShrunk, at least 10 resolved trials) a rep with 3 of 3
// is never crowned over one with 45 of 60: shrinkage pulls the 3 of 3
// towards the team, below the 45 of 60 in a team converting under 73.7%
// with a prior worth a few trials or more, and in any team three trials
// are below the floor ([Options].MinTrials).
//
// opts may be nil for the defaults ([Options]). The inputs are not
// modified. A funnel of one stage has no step: the report has the tables
// and no role model.
//
// It returns a *[funnel.InputError] or *[funnel.StageError] with Op
// "ratios.Benchmark": wrapping [funnel.ErrEmptyFunnel] for a funnel with
// no stages; [funnel.ErrNoData] for no reps; naming the rep and field
// ("reps[2].reached") and wrapping [funnel.ErrLengthMismatch] for counts
// of another number of stages, the errors of [funnel.Counts.Check]
// ([funnel.ErrCountsRise], [funnel.ErrNegativeCount], ...) for counts that
// cannot come from deals, or [funnel.ErrOutOfRange] when the team's sum
// passes an int64; and naming the option ("confidence", "min_trials",
// "fdr", "rule", "won_value", "shrink.estimator", "shrink.prior") that
// wraps [funnel.ErrNotFinite] or [funnel.ErrOutOfRange] for an option out
// of its domain, or the errors of [funnel.AmountReason] for the won value.
func Benchmark(f funnel.Funnel, reps []funnel.Counts, opts *Options) (Report, error) {
	const op = "ratios.Benchmark"
	s, err := benchOptions(op, opts)
	if err != nil {
		return Report{}, err
	}
	t, err := team(op, f, reps)
	if err != nil {
		return Report{}, stageNamed(f, err)
	}
	teamTable, err := funnel.NewTable(f, t, &funnel.TableOptions{Confidence: s.conf})
	if err != nil {
		return Report{}, funnel.WithOp(op, err)
	}
	won := s.won
	if !won.Valid {
		won = t.AvgWon()
	}
	nr, ns := len(reps), f.Len()-1
	out := Report{
		Rule: s.rule, Confidence: s.conf, MinTrials: s.minTrials, FDR: s.fdr, WonValue: won,
		Team:       teamTable,
		RoleModels: make([]RoleModel, ns),
		Reps:       make([]RepReport, nr),
	}
	cells := make([]StepScore, nr*ns)
	for i, c := range reps {
		out.Reps[i] = RepReport{Name: Name(c), Steps: cells[i*ns : (i+1)*ns : (i+1)*ns]}
	}

	// The resolved steps, step-major: rates[j*nr+i] is rep i's step into
	// stage j+1, as its table gives it.
	rates := make([]funnel.Rate, nr*ns)
	for i, c := range reps { // valid: team checked them
		for j := range ns {
			_, rates[j*nr+i] = c.Step(funnel.Implied, j+1)
		}
	}

	priors := make([]funnel.Prior, ns)
	benchRates := make([]float64, ns)
	// The reps scored at a step, to be ordered best first.
	type scored struct {
		v float64
		n int64
		i int
	}
	order := make([]scored, 0, nr)
	for j := range ns {
		rs := rates[j*nr : (j+1)*nr]
		rm := &out.RoleModels[j]
		rm.From, rm.Stage, rm.Rep = f.Stage(j), f.Stage(j+1), -1
		var shr funnel.Shrinkage
		if s.stated || slices.ContainsFunc(rs, func(r funnel.Rate) bool { return r.N > 0 }) {
			if shr, err = funnel.ShrinkWith(rs, s.shrink); err != nil {
				return Report{}, funnel.WithOp(op, err)
			}
			priors[j] = shr.Prior
			rm.Prior = &priors[j]
		}
		order = order[:0]
		for i, r := range rs {
			c := &cells[i*ns+j]
			c.Stage = rm.Stage
			if rm.Prior != nil {
				c.Shrunk, c.Posterior = funnel.Some(shr.Rates[i].Value), shr.Rates[i].Posterior
			}
			if r.N < s.minTrials {
				continue
			}
			var v float64
			switch s.rule {
			case RuleShrunk:
				v = shr.Rates[i].Value
			case RuleWilson:
				if v, err = r.LowerBound(s.conf, funnel.Wilson); err != nil {
					return Report{}, repErr(op, i, err)
				}
			case RuleRaw:
				v = r.Value()
			}
			c.Score = funnel.Some(v)
			order = append(order, scored{v, r.N, i})
		}
		slices.SortFunc(order, func(a, b scored) int {
			switch {
			case a.v != b.v:
				return cmp.Compare(b.v, a.v)
			case a.n != b.n:
				return cmp.Compare(b.n, a.n)
			}
			return tieByName(out.Reps[a.i].Name, out.Reps[b.i].Name, a.i, b.i)
		})
		for rank, o := range order {
			cells[o.i*ns+j].Rank = rank + 1
		}
		rm.Candidates = len(order)
		if len(order) > 0 {
			b := order[0].i
			rm.Rep, rm.Name, rm.Rate, rm.Score = b, out.Reps[b].Name, rs[b], cells[b*ns+j].Score
			benchRates[j] = rs[b].Value()
		}
	}

	// Each rep's table with its gap to the role models, the core's
	// Row.Gap; a step without a role model has none.
	topts := funnel.TableOptions{Confidence: s.conf, BenchmarkRates: benchRates}
	for i, c := range reps {
		tb, err := funnel.NewTable(f, c, &topts)
		if err != nil {
			return Report{}, repErr(op, i, err)
		}
		for j := range ns {
			if out.RoleModels[j].Rep < 0 {
				tb.Stages[j+1].Gap = nil
			}
		}
		out.Reps[i].Table = tb
	}

	if err := signals(op, &out, rates, s); err != nil {
		return Report{}, err
	}
	if err := levers(&out, won); err != nil {
		return Report{}, funnel.WithOp(op, err)
	}
	return out, nil
}

// tieByName orders two reps of equal score and trials, a and b their
// indices: the name first in byte order, then the rep given first.
func tieByName(ka, kb string, a, b int) int {
	if c := strings.Compare(ka, kb); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// stageNamed returns err with the stage's name filled in when it is a
// *funnel.StageError that gives only an index of f, as the errors of
// [funnel.Counts.Check] do. err is not modified.
func stageNamed(f funnel.Funnel, err error) error {
	if e, ok := err.(*funnel.StageError); ok && e.Stage == "" && f.Has(e.Index) {
		c := *e
		c.Stage = f.Stage(e.Index)
		return &c
	}
	return err
}

// repErr gives an error of the core about rep i this package's op and
// names the rep.
func repErr(op string, i int, err error) error {
	name := "reps[" + strconv.Itoa(i) + "]"
	switch e := err.(type) {
	case *funnel.InputError:
		c := *e
		c.Op = op
		if c.Name == "" || c.Name == "counts" {
			c.Name = name
		} else {
			c.Name = name + "." + c.Name
		}
		return &c
	case *funnel.StageError:
		c := *e
		c.Op = op
		if c.Input == "" {
			c.Input = name
		} else {
			c.Input = name + "." + c.Input
		}
		return &c
	}
	return err
}
