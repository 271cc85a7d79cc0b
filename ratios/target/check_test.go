package target

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/funnelmath/funnelmath/funnel"
)

// mustPlan returns the plan of spec or fails the test.
func mustPlan(t testing.TB, spec PlanSpec) Plan {
	t.Helper()
	p, err := NewPlan(spec)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

func TestCheck(t *testing.T) {
	const fu = "follow-ups per initial meeting"
	linear := mustPlan(t, PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6})
	front := mustPlan(t, PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6, Shape: FrontLoaded})
	some := funnel.Some
	pending := func(week int, v float64) WeekStanding {
		return WeekStanding{Week: week, Due: planDay(7 * week), Standing: Standing{Planned: some(v)}}
	}
	type goalWant struct {
		weeks  []WeekStanding
		toDate Standing
	}
	tests := []struct {
		name    string
		plan    Plan
		actuals []Actual
		want    []goalWant
	}{
		{
			// The worked case on the linear plan (due 0.358333, 0.386667,
			// 0.415, 0.443333, 0.471667, 0.50; improvement 0.17):
			//   week 1: 4/10 = 0.4 against 0.358333: ahead by 0.041667
			//     (−0.041667/0.17 = −0.245098 of the improvement);
			//     λ = 3.583333, R: ppois(4, 3.583333) = 0.7096224939.
			//   week 2: 5/14 = 0.357143 against 0.386667: behind by
			//     0.029524 (0.173669); λ = 5.413333,
			//     R: ppois(5, 5.413333) = 0.5438289691.
			//   week 3: 4/12 = 0.333333 against 0.415: behind by
			//     0.081667, 0.081667/0.17 = 0.480392 (48%); λ = 4.98,
			//     R: ppois(4, 4.98) = 0.4440096229 (and
			//     poisson.test(4, 12, 0.415, alternative = "less") the
			//     same): within noise.
			//   weeks 4 to 6 pending.
			//   to date: 13/36 = 0.361111; expected 3.583333 + 5.413333
			//     + 4.98 = 13.976667, planned 13.976667/36 = 0.388241;
			//     behind by 0.027130 (0.159586); R: ppois(13, 13.976667)
			//     = 0.4669226921.
			name: "linear, worked",
			plan: linear,
			actuals: []Actual{
				{Goal: fu, Week: 3, Num: 4, Den: 12}, // out of order on purpose
				{Goal: fu, Week: 1, Num: 4, Den: 10},
				{Goal: fu, Week: 2, Num: 5, Den: 14},
			},
			want: []goalWant{{
				weeks: []WeekStanding{
					{Week: 1, Due: planDay(7), Standing: Standing{Status: StatusOnTrack, Num: 4, Den: 10, Planned: some(0.33 + 0.17/6), Actual: some(0.4), Expected: some(3.5833333333333),
						Shortfall: some(-0.0416666666667), ShortfallShare: some(-0.2450980392157), P: some(0.7096224939)}},
					{Week: 2, Due: planDay(14), Standing: Standing{Status: StatusBehind, Num: 5, Den: 14, Planned: some(0.33 + 0.17*2/6), Actual: some(5.0 / 14), Expected: some(5.4133333333333),
						Shortfall: some(0.0295238095238), ShortfallShare: some(0.1736694677871), P: some(0.5438289691)}},
					{Week: 3, Due: planDay(21), Standing: Standing{Status: StatusBehind, Num: 4, Den: 12, Planned: some(0.415), Actual: some(1.0 / 3), Expected: some(4.98),
						Shortfall: some(0.0816666666667), ShortfallShare: some(0.4803921568627), P: some(0.4440096229)}},
					pending(4, 0.33+0.17*4/6), pending(5, 0.33+0.17*5/6), pending(6, 0.5),
				},
				toDate: Standing{Status: StatusBehind, Num: 13, Den: 36, Planned: some(13.976666666667 / 36), Actual: some(13.0 / 36), Expected: some(13.976666666667),
					Shortfall: some(0.0271296296296), ShortfallShare: some(0.1595860566), P: some(0.4669226921)},
			}},
		},
		{
			// Week 3 on the front-loaded plan: 0.4575 due, 4/12 behind
			// by 0.124167 (0.124167/0.17 = 0.730392); λ = 5.49,
			// R: ppois(4, 5.49) = 0.3590783138.
			name:    "front-loaded, week 3",
			plan:    front,
			actuals: []Actual{{Goal: fu, Week: 3, Num: 4, Den: 12}},
			want: []goalWant{{
				weeks: []WeekStanding{
					pending(1, 0.33+0.17*11/36), pending(2, 0.33+0.17*20/36),
					{Week: 3, Due: planDay(21), Standing: Standing{Status: StatusBehind, Num: 4, Den: 12, Planned: some(0.4575), Actual: some(1.0 / 3), Expected: some(5.49),
						Shortfall: some(0.1241666666667), ShortfallShare: some(0.7303921568627), P: some(0.3590783138)}},
					pending(4, 0.33+0.17*32/36), pending(5, 0.33+0.17*35/36), pending(6, 0.5),
				},
				toDate: Standing{Status: StatusBehind, Num: 4, Den: 12, Planned: some(0.4575), Actual: some(1.0 / 3), Expected: some(5.49),
					Shortfall: some(0.1241666666667), ShortfallShare: some(0.7303921568627), P: some(0.3590783138)},
			}},
		},
		{
			// Beyond noise: 2 follow-ups on 20 initial meetings in week
			// 3, 0.1 against 0.415, behind by 0.315 (0.315/0.17 =
			// 1.852941); λ = 8.3, R: ppois(2, 8.3) = 0.0108713686 < 0.05.
			// Week 1 with no initial meetings has no trials and adds
			// nothing to date.
			name:    "beyond noise",
			plan:    linear,
			actuals: []Actual{{Goal: fu, Week: 1, Num: 0, Den: 0}, {Goal: fu, Week: 3, Num: 2, Den: 20}},
			want: []goalWant{{
				weeks: []WeekStanding{
					{Week: 1, Due: planDay(7), Standing: Standing{Status: StatusNoTrials, Planned: some(0.33 + 0.17/6), Expected: some(0)}},
					pending(2, 0.33+0.17*2/6),
					{Week: 3, Due: planDay(21), Standing: Standing{Status: StatusBehind, Num: 2, Den: 20, Planned: some(0.415), Actual: some(0.1), Expected: some(8.3),
						Shortfall: some(0.315), ShortfallShare: some(1.8529411764706), P: some(0.0108713686), BeyondNoise: true}},
					pending(4, 0.33+0.17*4/6), pending(5, 0.33+0.17*5/6), pending(6, 0.5),
				},
				toDate: Standing{Status: StatusBehind, Num: 2, Den: 20, Planned: some(0.415), Actual: some(0.1), Expected: some(8.3),
					Shortfall: some(0.315), ShortfallShare: some(1.8529411764706), P: some(0.0108713686), BeyondNoise: true},
			}},
		},
		{
			// Nothing reported: all pending, to date empty.
			name: "all pending",
			plan: linear,
			want: []goalWant{{
				weeks: []WeekStanding{
					pending(1, 0.33+0.17/6), pending(2, 0.33+0.17*2/6), pending(3, 0.415),
					pending(4, 0.33+0.17*4/6), pending(5, 0.33+0.17*5/6), pending(6, 0.5),
				},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			planBefore, actBefore := clonePlan(tt.plan), slices.Clone(tt.actuals)
			got, err := Check(tt.plan, tt.actuals, nil)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			var gotGoals []goalWant
			for _, g := range got.Goals {
				gotGoals = append(gotGoals, goalWant{g.Weeks, g.ToDate})
			}
			opts := []cmp.Option{cmp.AllowUnexported(goalWant{}), cmpopts.EquateApprox(1e-9, 1e-12)}
			if diff := cmp.Diff(tt.want, gotGoals, opts...); diff != "" {
				t.Errorf("Check(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if got.Alpha != DefaultAlpha {
				t.Errorf("Alpha = %v, want %v", got.Alpha, DefaultAlpha)
			}
			if diff := cmp.Diff(planBefore, tt.plan); diff != "" {
				t.Errorf("Check modified the plan (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(actBefore, tt.actuals); diff != "" {
				t.Errorf("Check modified the actuals (-before +after):\n%s", diff)
			}
		})
	}
}

// TestCheckKinds checks the share and count models and lower is better,
// one week each, against R.
func TestCheckKinds(t *testing.T) {
	p := mustPlan(t, PlanSpec{Goals: []Goal{
		// Linear over 2 weeks: week 1 due 0.3 + 0.2·½ = 0.4.
		{Name: "proposals won", Kind: MetricShare, Current: 0.3, Target: 0.5},
		// Week 1 due 5 + 4·½ = 7.
		{Name: "first meetings a week", Kind: MetricCount, Current: 5, Target: 9},
		// Lower is better: week 1 due 12 − 4·½ = 10.
		{Name: "touches per won deal", Current: 12, Target: 8},
	}, Start: planStart, Weeks: 2})
	got, err := Check(p, []Actual{
		{Goal: "proposals won", Week: 1, Num: 3, Den: 20},
		{Goal: "first meetings a week", Week: 1, Num: 3},
		{Goal: "touches per won deal", Week: 1, Num: 12, Den: 1},
	}, &CheckOptions{Alpha: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	some := funnel.Some
	want := []Standing{
		// 3/20 = 0.15 against 0.4: behind by 0.25 (0.25/0.2 = 1.25);
		// R: pbinom(3, 20, 0.4) = 0.01596116279, as
		// binom.test(3, 20, 0.4, alternative = "less")$p.value.
		{Status: StatusBehind, Num: 3, Den: 20, Planned: some(0.4), Actual: some(0.15), Expected: some(8),
			Shortfall: some(0.25), ShortfallShare: some(1.25), P: some(0.01596116279), BeyondNoise: true},
		// 3 against 7 due: behind by 4 (4/4 = 1 of the improvement);
		// R: ppois(3, 7) = 0.08176541624 < 0.1.
		{Status: StatusBehind, Num: 3, Den: 1, Planned: some(7), Actual: some(3), Expected: some(7),
			Shortfall: some(4), ShortfallShare: some(1), P: some(0.08176541624), BeyondNoise: true},
		// 12 touches on 1 won deal against 10 due, lower is better:
		// behind by 2 (2/4 = 0.5); P(X >= 12 | λ = 10), R:
		// ppois(11, 10, lower.tail = FALSE) = 0.3032238537.
		{Status: StatusBehind, Num: 12, Den: 1, Planned: some(10), Actual: some(12), Expected: some(10),
			Shortfall: some(2), ShortfallShare: some(0.5), P: some(0.3032238537)},
	}
	var weekOne []Standing
	for _, g := range got.Goals {
		weekOne = append(weekOne, g.Weeks[0].Standing)
	}
	if diff := cmp.Diff(want, weekOne, cmpopts.EquateApprox(1e-9, 1e-12)); diff != "" {
		t.Errorf("Check week 1 mismatch (-want +got):\n%s", diff)
	}
	// The share's p-value is funnel.Rate.Test's one-sided exact one.
	rt, err := funnel.Rate{K: 3, N: 20}.Test(0.4)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rt.ExactLess, weekOne[0].P); diff != "" {
		t.Errorf("share P against Rate.Test mismatch (-want +got):\n%s", diff)
	}
}

// TestCheckPoolsPoisson checks the to-date Poisson test against a second
// method: the sum of the weeks' Poisson counts, whose CDF is summed here
// term by term from the probabilities e^−λ λ^k / k!.
func TestCheckPoolsPoisson(t *testing.T) {
	p := mustPlan(t, PlanSpec{Goals: []Goal{followUps()}, Start: planStart, Weeks: 6})
	got, err := Check(p, []Actual{
		{Goal: followUps().Name, Week: 4, Num: 3, Den: 9},
		{Goal: followUps().Name, Week: 5, Num: 6, Den: 11},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lambda := p.Checkpoints[3].Values[0]*9 + p.Checkpoints[4].Values[0]*11
	cdf, term := 0.0, math.Exp(-lambda)
	for k := 0; k <= 9; k++ {
		cdf += term
		term *= lambda / float64(k+1)
	}
	td := got.Goals[0].ToDate
	if diff := cmp.Diff(funnel.Some(cdf), td.P, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("to-date P mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(funnel.Some(lambda), td.Expected, cmpopts.EquateApprox(1e-15, 0)); diff != "" {
		t.Errorf("to-date Expected mismatch (-want +got):\n%s", diff)
	}
}

func clonePlan(p Plan) Plan {
	p.Goals = slices.Clone(p.Goals)
	p.Checkpoints = slices.Clone(p.Checkpoints)
	for i := range p.Checkpoints {
		p.Checkpoints[i].Values = slices.Clone(p.Checkpoints[i].Values)
	}
	return p
}

func TestCheckErrors(t *testing.T) {
	const fu = "follow-ups per initial meeting"
	base := mustPlan(t, PlanSpec{Goals: []Goal{followUps(), {Name: "win rate", Kind: MetricShare, Current: 0.2, Target: 0.3}, {Name: "calls", Kind: MetricCount, Current: 40, Target: 60}}, Start: planStart, Weeks: 6})
	plan := func(f func(*Plan)) Plan { p := clonePlan(base); f(&p); return p }
	tests := []struct {
		name     string
		plan     Plan
		actuals  []Actual
		opts     *CheckOptions
		wantName string
		want     error
	}{
		{"week 0", base, []Actual{{Goal: fu, Week: 0, Num: 1, Den: 2}}, nil, "actuals[0].week", funnel.ErrOutOfRange},
		{"week after the plan", base, []Actual{{Goal: fu, Week: 7, Num: 1, Den: 2}}, nil, "actuals[0].week", funnel.ErrOutOfRange},
		{"week twice", base, []Actual{{Goal: fu, Week: 2, Num: 1, Den: 2}, {Goal: fu, Week: 2, Num: 1, Den: 3}}, nil, "actuals[1].week", funnel.ErrOutOfRange},
		{"unknown goal", base, []Actual{{Goal: "demos", Week: 1}}, nil, "actuals[0].goal", funnel.ErrOutOfRange},
		{"negative num", base, []Actual{{Goal: fu, Week: 1, Num: -1, Den: 2}}, nil, "actuals[0].num", funnel.ErrNegativeCount},
		{"negative den", base, []Actual{{Goal: fu, Week: 1, Num: 1, Den: -2}}, nil, "actuals[0].den", funnel.ErrNegativeCount},
		{"K > N for a share", base, []Actual{{Goal: "win rate", Week: 1, Num: 5, Den: 4}}, nil, "actuals[0].num", funnel.ErrKExceedsN},
		{"den of a count", base, []Actual{{Goal: "calls", Week: 1, Num: 50, Den: 7}}, nil, "actuals[0].den", funnel.ErrOutOfRange},
		{"sums pass int64", base, []Actual{{Goal: fu, Week: 1, Num: math.MaxInt64, Den: 1}, {Goal: fu, Week: 2, Num: 1, Den: 1}}, nil, "actuals[1]", funnel.ErrOutOfRange},
		{"alpha 1", base, nil, &CheckOptions{Alpha: 1}, "alpha", funnel.ErrOutOfRange},
		{"alpha NaN", base, nil, &CheckOptions{Alpha: math.NaN()}, "alpha", funnel.ErrNotFinite},
		{"plan without goals", plan(func(p *Plan) { p.Goals = nil }), nil, nil, "plan.goals", funnel.ErrNoData},
		{"plan value NaN", plan(func(p *Plan) { p.Checkpoints[2].Values[0] = math.NaN() }), nil, nil, "plan.checkpoints[2].values[0]", funnel.ErrNotFinite},
		{"plan value past target", plan(func(p *Plan) { p.Checkpoints[2].Values[0] = 0.7 }), nil, nil, "plan.checkpoints[2].values[0]", funnel.ErrOutOfRange},
		{"plan values short", plan(func(p *Plan) { p.Checkpoints[1].Values = p.Checkpoints[1].Values[:1] }), nil, nil, "plan.checkpoints[1].values", funnel.ErrOutOfRange},
		{"plan weeks", plan(func(p *Plan) { p.Weeks = 5 }), nil, nil, "plan.weeks", funnel.ErrOutOfRange},
		{"plan week numbers", plan(func(p *Plan) { p.Checkpoints[4].Week = 9 }), nil, nil, "plan.checkpoints[4].week", funnel.ErrOutOfRange},
		{"plan zero date", plan(func(p *Plan) { p.Checkpoints[0].Due = p.Checkpoints[0].Due.AddDate(-2024, 0, 0) }), nil, nil, "plan.checkpoints[0].due", funnel.ErrZeroDate},
		{"plan goal Inf", plan(func(p *Plan) { p.Goals[1].Target = math.Inf(-1) }), nil, nil, "plan.goals[1].target", funnel.ErrNotFinite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(tt.plan, tt.actuals, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check error = %v, want one wrapping %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Check error %T, want *funnel.InputError", err)
			}
			if diff := cmp.Diff([]string{"target.Check", tt.wantName}, []string{ie.Op, ie.Name}); diff != "" {
				t.Errorf("Check error %q names (-want +got):\n%s", err, diff)
			}
		})
	}
}
