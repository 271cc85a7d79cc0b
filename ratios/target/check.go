package target

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/funnelmath/funnelmath/internal/num"
)

// DefaultAlpha is the significance level [Check] uses when the options
// leave it 0: behind is beyond noise when the one-sided p-value is below
// 5%.
const DefaultAlpha = 0.05

// Actual is one week's actual figure of one goal of a plan, as counts:
// for a [MetricRatio] Num over Den (follow-up meetings over initial
// meetings), for a [MetricShare] K = Num successes of N = Den trials, and
// for a [MetricCount] the week's count Num, with Den 0 (or 1: one week).
type Actual struct {
	Goal string `json:"goal"` // the goal's name, as in Plan.Goals
	Week int    `json:"week"` // 1 to Plan.Weeks
	Num  int64  `json:"num"`
	Den  int64  `json:"den"`
}

// CheckOptions are the options of [Check]. A nil *CheckOptions, like the
// zero value, asks for [DefaultAlpha].
type CheckOptions struct {
	// Alpha is the significance level of the one-sided test that says
	// whether behind is beyond noise, in (0, 1); 0 means [DefaultAlpha].
	Alpha float64 `json:"alpha"`
}

// Status is where a goal stands in a week, or to date. In JSON and text it
// is its name.
type Status int8

const (
	// StatusPending is a week not yet reported: neither on track nor
	// behind.
	StatusPending Status = iota
	// StatusOnTrack is a week whose actual value is at or better than the
	// value due.
	StatusOnTrack
	// StatusBehind is a week whose actual value is worse than the value
	// due.
	StatusBehind
	// StatusNoTrials is a week reported with a denominator of 0 (no
	// initial meetings, no trials), whose value does not exist.
	StatusNoTrials
)

// lastStatus is the largest Status.
const lastStatus = StatusNoTrials

// String returns "pending", "on-track", "behind" or "no-trials".
func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusOnTrack:
		return "on-track"
	case StatusBehind:
		return "behind"
	case StatusNoTrials:
		return "no-trials"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the status as its [Status.String]; a value out of
// range is a *[funnel.InputError] naming "status" that wraps
// [funnel.ErrOutOfRange].
func (s Status) MarshalText() ([]byte, error) {
	b, ok := enum.Text(s, lastStatus)
	if !ok {
		return nil, planEnumErr("status", strconv.Itoa(int(s)))
	}
	return b, nil
}

// UnmarshalText decodes a name written by [Status.MarshalText]; anything
// else is a *[funnel.InputError] naming "status" that wraps
// [funnel.ErrOutOfRange].
func (s *Status) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, lastStatus)
	if !ok {
		return planEnumErr("status", planQuote(b))
	}
	*s = v
	return nil
}

// Standing is how a goal stands against its plan in one week or to date.
// Values are in the goal's units; a figure that does not exist is null.
type Standing struct {
	Status Status `json:"status"`
	// Num and Den are the actual counts: for a week, the [Actual]'s (Den
	// 1 for a [MetricCount]); to date, their sums over the weeks reported
	// (for a count, Den is the number of weeks reported).
	Num int64 `json:"num"`
	Den int64 `json:"den"`
	// Planned is the value due: the week's checkpoint value; to date, the
	// checkpoint values weighted by each reported week's Den,
	// Σ value_i·Den_i / Σ Den_i (their plain mean when every Den is 0).
	// Null to date when no week is reported.
	Planned funnel.NullFloat64 `json:"planned"`
	// Actual is Num/Den; null when pending or Den is 0.
	Actual funnel.NullFloat64 `json:"actual"`
	// Expected is the numerator the plan asks for, Planned·Den (for a
	// count, the count due); null when pending.
	Expected funnel.NullFloat64 `json:"expected"`
	// Shortfall is how far the actual value is worse than the plan, in
	// the goal's units: Planned − Actual when higher is better, Actual −
	// Planned when lower is better; negative when ahead. Null with Actual.
	Shortfall funnel.NullFloat64 `json:"shortfall"`
	// ShortfallShare is Shortfall as a share of the planned improvement,
	// Shortfall / |Target − Current|; null with Shortfall or when the
	// goal holds its value (Target = Current).
	ShortfallShare funnel.NullFloat64 `json:"shortfall_share"`
	// P is the one-sided p-value of the actual counts if the rep's true
	// value were Planned: the chance of a figure at least this bad
	// (see [Check] for the models). Null with Actual.
	P funnel.NullFloat64 `json:"p"`
	// BeyondNoise reports whether the goal is behind and P < Alpha: a
	// shortfall that chance alone hardly explains.
	BeyondNoise bool `json:"beyond_noise"`
}

// WeekStanding is a goal's standing in one week of the plan.
type WeekStanding struct {
	Week int       `json:"week"`
	Due  time.Time `json:"due"`
	Standing
}

// GoalProgress is one goal's standing in every week of the plan and to
// date.
type GoalProgress struct {
	Goal Goal `json:"goal"`
	// Weeks has one entry per week of the plan, in order; weeks not
	// reported are pending.
	Weeks []WeekStanding `json:"weeks"`
	// ToDate is the standing over all reported weeks together.
	ToDate Standing `json:"to_date"`
}

// Progress is the result of [Check]: each goal's progress, in the order of
// the plan's goals.
type Progress struct {
	Alpha float64        `json:"alpha"`
	Goals []GoalProgress `json:"goals"`
}

// Check judges actual weekly figures against a plan made by [NewPlan].
// Each week of each goal is pending when no [Actual] reports it, no-trials
// when its Den is 0 (a ratio or share), and otherwise on track or behind:
// with a = Num/Den (Num for a count) and v the checkpoint's value due,
//
//	shortfall = v − a  (higher is better),  a − v  (lower is better)
//	share     = shortfall / |target − current|
//	behind    ⇔ shortfall > 10⁻⁹·max(1, |v|)
//
// (the tolerance absorbs the rounding of the plan's arithmetic). Behind is
// beyond noise when the one-sided p-value P < Alpha, where P is the
// chance of counts at least as bad as the actual ones if the rep's true
// value were v:
//
//	ratio: X ~ Poisson(v·Den), P = P(X <= Num)  (P(X >= Num) when lower is better)
//	count: X ~ Poisson(v),     the same
//	share: X ~ Binomial(Den, v), P = P(X <= Num) (P(X >= Num)), by [funnel.Rate.Test]
//
// The Poisson model treats the follow-ups (or the week's events) as
// arriving at rate v per initial meeting (per week), the conditional
// exact Poisson test of a count against rate × exposure (R's
// poisson.test(Num, Den, v, alternative = "less") gives the same p-value,
// as does ppois(Num, v·Den)); P(X <= K) is gonum's [distuv.Poisson] CDF and
// P(X >= K) the regularized lower incomplete gamma P(K, λ)
// ([mathext.GammaIncReg]). For 4 follow-ups on 12 initial meetings against
// 0.415 due, λ = 4.98 and P = ppois(4, 4.98) = 0.444: behind by 0.082, 48%
// of the planned improvement of 0.17, but within noise.
//
// To date, the reported weeks are pooled: Num and Den are summed (for a
// count, Den counts the weeks), Expected = Σ v_i·Den_i and Planned =
// Expected / Σ Den_i, and the same test is run on the sums. For a ratio or
// count a sum of Poisson counts is Poisson, so the test is exact; for a
// share the sum of binomials with different v_i is tested as one
// binomial at the pooled Planned, which has at least the variance of the
// true sum and so errs towards within noise.
//
// An empty actuals gives every week pending. The plan and actuals are not
// modified.
//
// It returns a *[funnel.InputError] with Op "target.Check" naming the
// input ("actuals[2].week", "plan.checkpoints[1].values[0]", "alpha"...)
// that wraps [funnel.ErrOutOfRange] for a week outside the plan, an
// unknown goal, a week reported twice, a Den other than 0 or 1 for a
// count, sums that pass an int64, an Alpha outside (0, 1), or a plan that
// [NewPlan] could not have made (checkpoints that do not match its weeks
// or goals, a value outside its goal's range); [funnel.ErrNotFinite] for a
// NaN or infinite Alpha or plan value; [funnel.ErrNegativeCount] for a
// negative Num or Den; [funnel.ErrKExceedsN] for Num > Den on a share; and
// the errors of [NewPlan] for the plan's goals and dates.
func Check(p Plan, actuals []Actual, opts *CheckOptions) (Progress, error) {
	const fn = "Check"
	alpha := DefaultAlpha
	if opts != nil && opts.Alpha != 0 {
		alpha = opts.Alpha
		switch {
		case math.IsNaN(alpha) || math.IsInf(alpha, 0):
			return Progress{}, planErr(fn, "alpha", planFloat(alpha), funnel.ErrNotFinite)
		case alpha <= 0 || alpha >= 1:
			return Progress{}, planErr(fn, "alpha", planFloat(alpha), fmt.Errorf("%w: alpha must be in (0, 1)", funnel.ErrOutOfRange))
		}
	}
	goals, err := checkPlan(fn, p)
	if err != nil {
		return Progress{}, err
	}
	index := make(map[string]int, len(goals))
	for j, g := range goals {
		index[g.Name] = j
	}
	// got[j][i] is the index in actuals of goal j's week i+1, or -1.
	got := make([][]int, len(goals))
	for j := range got {
		got[j] = make([]int, p.Weeks)
		for i := range got[j] {
			got[j][i] = -1
		}
	}
	for a, act := range actuals {
		name := "actuals[" + strconv.Itoa(a) + "]"
		j, ok := index[act.Goal]
		if !ok {
			return Progress{}, planErr(fn, name+".goal", strconv.Quote(act.Goal), fmt.Errorf("%w: no goal of the plan has this name", funnel.ErrOutOfRange))
		}
		if act.Week < 1 || act.Week > p.Weeks {
			return Progress{}, planErr(fn, name+".week", strconv.Itoa(act.Week), fmt.Errorf("%w: the plan has weeks 1 to %d", funnel.ErrOutOfRange, p.Weeks))
		}
		if got[j][act.Week-1] >= 0 {
			return Progress{}, planErr(fn, name+".week", strconv.Itoa(act.Week), fmt.Errorf("%w: week reported twice for goal %q", funnel.ErrOutOfRange, act.Goal))
		}
		if act.Num < 0 {
			return Progress{}, planErr(fn, name+".num", strconv.FormatInt(act.Num, 10), funnel.ErrNegativeCount)
		}
		if act.Den < 0 {
			return Progress{}, planErr(fn, name+".den", strconv.FormatInt(act.Den, 10), funnel.ErrNegativeCount)
		}
		switch goals[j].Kind {
		case MetricShare:
			if act.Num > act.Den {
				return Progress{}, planErr(fn, name+".num", strconv.FormatInt(act.Num, 10), fmt.Errorf("%w: %d of %d", funnel.ErrKExceedsN, act.Num, act.Den))
			}
		case MetricCount:
			if act.Den > 1 {
				return Progress{}, planErr(fn, name+".den", strconv.FormatInt(act.Den, 10), fmt.Errorf("%w: a count is per week; den must be 0 or 1", funnel.ErrOutOfRange))
			}
		}
		got[j][act.Week-1] = a
	}

	out := Progress{Alpha: alpha, Goals: make([]GoalProgress, len(goals))}
	for j, g := range goals {
		gp := GoalProgress{Goal: g, Weeks: make([]WeekStanding, p.Weeks)}
		var sumNum, sumDen int64
		var expected, dueSum float64
		reported := 0
		for i, c := range p.Checkpoints {
			v := c.Values[j]
			ws := WeekStanding{Week: c.Week, Due: c.Due, Standing: Standing{Planned: funnel.Some(v)}}
			if a := got[j][i]; a >= 0 {
				n, d := actuals[a].Num, actuals[a].Den
				if g.Kind == MetricCount {
					d = 1
				}
				ws.Standing = judge(g, n, d, v, alpha)
				var ok1, ok2 bool
				sumNum, ok1 = num.Add(sumNum, n)
				sumDen, ok2 = num.Add(sumDen, d)
				if !ok1 || !ok2 {
					return Progress{}, planErr(fn, "actuals["+strconv.Itoa(a)+"]", "", fmt.Errorf("%w: the sums to date pass an int64", funnel.ErrOutOfRange))
				}
				expected += v * float64(d)
				dueSum += v
				reported++
			}
			gp.Weeks[i] = ws
		}
		switch {
		case reported == 0:
		case sumDen == 0:
			gp.ToDate = Standing{Status: StatusNoTrials, Planned: funnel.Some(dueSum / float64(reported)), Expected: funnel.Some(0)}
		default:
			planned := expected / float64(sumDen)
			gp.ToDate = judge(g, sumNum, sumDen, clampTo(g, planned), alpha)
		}
		out.Goals[j] = gp
	}
	return out, nil
}

// clampTo keeps a pooled value due inside the goal's range, which the
// rounding of a weighted mean could leave by an ulp.
func clampTo(g Goal, v float64) float64 {
	return min(max(v, min(g.Current, g.Target)), max(g.Current, g.Target))
}

// judge returns the standing of Num over Den (Den > 0 for an actual value)
// against the value v due.
func judge(g Goal, n, d int64, v, alpha float64) Standing {
	s := Standing{Num: n, Den: d, Planned: funnel.Some(v)}
	if d == 0 {
		s.Status = StatusNoTrials
		s.Expected = funnel.Some(0)
		return s
	}
	a := float64(n) / float64(d)
	exp := v * float64(d)
	short := v - a
	if g.Direction == LowerIsBetter {
		short = a - v
	}
	s.Actual = funnel.Some(a)
	if !math.IsInf(exp, 0) {
		s.Expected = funnel.Some(exp)
	}
	if !math.IsInf(short, 0) {
		s.Shortfall = funnel.Some(short)
		if span := math.Abs(g.Target - g.Current); span > 0 {
			if sh := short / span; !math.IsInf(sh, 0) && !math.IsNaN(sh) {
				s.ShortfallShare = funnel.Some(sh)
			}
		}
	}
	s.Status = StatusOnTrack
	if short > 1e-9*max(1, math.Abs(v)) {
		s.Status = StatusBehind
	}
	s.P = pBehind(g, n, d, v, exp)
	s.BeyondNoise = s.Status == StatusBehind && s.P.Valid && s.P.Float64 < alpha
	return s
}

// pBehind returns the one-sided p-value of n over d against v: the chance
// of a figure at least as bad as n, with X binomial(d, v) for a share and
// Poisson(exp = v·d) otherwise; null when it cannot be computed.
func pBehind(g Goal, n, d int64, v, exp float64) funnel.NullFloat64 {
	lower := g.Direction == LowerIsBetter
	var p float64
	switch {
	case g.Kind == MetricShare && v > 0 && v < 1:
		t, err := funnel.Rate{K: n, N: d}.Test(v)
		if err != nil {
			return funnel.NullFloat64{}
		}
		// Beyond the exact test's work bound, the score test's Φ(±Z).
		exact, z := t.ExactLess, t.Z.Float64
		if lower {
			exact, z = t.ExactGreater, -z
		}
		switch {
		case exact.Valid:
			p = exact.Float64
		case t.Z.Valid:
			p = distuv.UnitNormal.CDF(z)
		default:
			return funnel.NullFloat64{}
		}
	case g.Kind == MetricShare:
		// v is 0 or 1: X is d·v for certain.
		p = 0
		if (!lower && n >= int64(v)*d) || (lower && n <= int64(v)*d) {
			p = 1
		}
	case math.IsInf(exp, 0):
		return funnel.NullFloat64{}
	case exp == 0:
		// X is 0 for certain.
		p = 0
		if !lower || n == 0 {
			p = 1
		}
	case !lower:
		p = distuv.Poisson{Lambda: exp}.CDF(float64(n))
	case n == 0:
		p = 1
	default:
		p = mathext.GammaIncReg(float64(n), exp)
	}
	if math.IsNaN(p) {
		return funnel.NullFloat64{}
	}
	return funnel.Some(min(max(p, 0), 1))
}

// checkPlan checks a plan that may have come from a document rather than
// from NewPlan, and returns its goals with their directions resolved.
func checkPlan(fn string, p Plan) ([]Goal, error) {
	if len(p.Goals) == 0 {
		return nil, planErr(fn, "plan.goals", "", fmt.Errorf("%w: a plan needs at least one goal", funnel.ErrNoData))
	}
	goals := make([]Goal, len(p.Goals))
	seen := make(map[string]bool, len(p.Goals))
	for j, g := range p.Goals {
		name := "plan.goals[" + strconv.Itoa(j) + "]"
		if err := checkGoal(fn, name, &g); err != nil {
			return nil, err
		}
		if seen[g.Name] {
			return nil, planErr(fn, name+".name", strconv.Quote(g.Name), fmt.Errorf("%w: name given twice", funnel.ErrOutOfRange))
		}
		seen[g.Name] = true
		goals[j] = g
	}
	if p.Weeks < 1 || p.Weeks > MaxPlanWeeks || len(p.Checkpoints) != p.Weeks {
		return nil, planErr(fn, "plan.weeks", strconv.Itoa(p.Weeks), fmt.Errorf("%w: %d checkpoints for %d weeks (1 to %d)", funnel.ErrOutOfRange, len(p.Checkpoints), p.Weeks, MaxPlanWeeks))
	}
	for i, c := range p.Checkpoints {
		name := "plan.checkpoints[" + strconv.Itoa(i) + "]"
		if c.Week != i+1 {
			return nil, planErr(fn, name+".week", strconv.Itoa(c.Week), fmt.Errorf("%w: want week %d", funnel.ErrOutOfRange, i+1))
		}
		if err := planDate(fn, name+".due", c.Due); err != nil {
			return nil, err
		}
		if len(c.Values) != len(goals) {
			return nil, planErr(fn, name+".values", strconv.Itoa(len(c.Values)), fmt.Errorf("%w: %d values for %d goals", funnel.ErrOutOfRange, len(c.Values), len(goals)))
		}
		for j, v := range c.Values {
			vn := name + ".values[" + strconv.Itoa(j) + "]"
			g := goals[j]
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				return nil, planErr(fn, vn, planFloat(v), funnel.ErrNotFinite)
			case v < min(g.Current, g.Target) || v > max(g.Current, g.Target):
				return nil, planErr(fn, vn, planFloat(v), fmt.Errorf("%w: outside the goal's range %s to %s", funnel.ErrOutOfRange, planFloat(g.Current), planFloat(g.Target)))
			}
		}
	}
	return goals, nil
}
