package ratios_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// part is a metric's parts given by hand: num (or days, or money) over
// den.
type part struct {
	num   int64
	days  float64
	money string
	den   int64
}

// evenRep are the parts of every rep of the scorecard tests unless a test
// changes them. Two reps with these parts make a rest of the team with
// every part doubled, so an unchanged rep has the rest's rates exactly.
var evenRep = map[ratios.MetricName]part{
	ratios.DaysToFirstTouch:         {days: 40, den: 20},
	ratios.UntouchedOpen:            {num: 2, den: 10},
	ratios.TouchesPerWon:            {num: 90, den: 10},
	ratios.TouchesPerLost:           {num: 60, den: 20},
	ratios.ContactsPerAccount:       {num: 45, den: 15},
	ratios.TouchesPerInitialMeeting: {num: 150, den: 25},
	ratios.InboundQualified:         {num: 30, den: 60},
	ratios.LeadFlowShare:            {num: 10, den: 40},
	ratios.QualifiedToOpportunity:   {num: 60, den: 100},
	ratios.FollowUpsPerInitial:      {num: 50, den: 25},
	ratios.HappyEars:                {num: 4, den: 20},
	ratios.WinRate:                  {num: 10, den: 30},
	ratios.DealSize:                 {money: "50000", den: 10},
	ratios.CycleDays:                {days: 600, den: 10},
	ratios.BookingsPerMeeting:       {money: "50000", den: 75},
}

// repOf builds a rep's metrics from evenRep with the changes given; a
// change with den −1 leaves the metric missing.
func repOf(t testing.TB, rep string, changes map[ratios.MetricName]part) ratios.RepMetrics {
	t.Helper()
	var ms []ratios.Metric
	for i := range ratios.NumMetrics {
		n := ratios.MetricName(i)
		p, ok := changes[n]
		if !ok {
			p = evenRep[n]
		}
		if p.den < 0 {
			continue
		}
		var m ratios.Metric
		var err error
		switch n.Kind() {
		case ratios.KindDays:
			m, err = ratios.DaysMetric(n, p.days, p.den)
		case ratios.KindMoney:
			m, err = ratios.MoneyMetric(n, decimal.RequireFromString(p.money), p.den)
		default:
			m, err = ratios.CountMetric(n, p.num, p.den)
		}
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	r, err := ratios.NewRepMetrics(rep, ms...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// team returns dan with the changes given, and eve and fay as evenRep.
func teamWith(t testing.TB, dan map[ratios.MetricName]part) []ratios.RepMetrics {
	return []ratios.RepMetrics{repOf(t, "eve", nil), repOf(t, "dan", dan), repOf(t, "fay", nil)}
}

// lineView is what the scorecard tests check of a line.
type lineView struct {
	Metric                     ratios.MetricName
	Method                     ratios.NoiseMethod
	P, Adjusted, Gap, Relative funnel.NullFloat64
	BeyondNoise, Worse         bool
	Reason                     string
}

type areaView struct {
	Weak      bool
	Shortfall funnel.NullFloat64
	Lines     []lineView
}

type diagView struct {
	Areas              [ratios.NumAreas]areaView
	CoachFirst         ratios.NullArea
	Tests, Discoveries int
}

func viewOf(d ratios.Diagnosis) diagView {
	v := diagView{CoachFirst: d.CoachFirst, Tests: d.Tests, Discoveries: d.Discoveries}
	for a, sc := range d.Areas {
		av := areaView{Weak: sc.Weak, Shortfall: sc.Shortfall}
		for _, l := range sc.Lines {
			av.Lines = append(av.Lines, lineView{l.Metric, l.Test.Method, l.Test.P, l.Test.Adjusted, l.Gap, l.Relative, l.BeyondNoise, l.Worse, l.Test.Reason})
		}
		v.Areas[a] = av
	}
	return v
}

// evenView is the scorecard of a rep with the rest's rates on every
// metric: every gap 0; each share tested by the method its expected
// counts call for, each count per unit by the Poisson test, each with
// p = 1 (equal rates, the observed table the most likely: R's
// fisher.test(matrix(c(2,8,4,16), 2, byrow=TRUE))$p.value = 1 for the
// untouched 2 of 10 against 4 of 20, binom.test(90, 270, 1/3)$p.value = 1
// for 90 touches on 10 won deals against 180 on 20, and so on), adjusted
// to 1; the means untested.
func evenView() diagView {
	one := funnel.Some(1)
	zero := funnel.Some(0)
	tested := func(m ratios.MetricName, method ratios.NoiseMethod) lineView {
		return lineView{Metric: m, Method: method, P: one, Adjusted: one, Gap: zero, Relative: zero}
	}
	mean := func(m ratios.MetricName) lineView {
		return lineView{Metric: m, Gap: zero, Relative: zero, Reason: "a mean from sums only"}
	}
	return diagView{
		Areas: [ratios.NumAreas]areaView{
			{Lines: []lineView{
				mean(ratios.DaysToFirstTouch),
				// 2 of 10 against 4 of 20: the smallest expected count is
				// 10·6/30 = 2 < 5, so Fisher's test.
				tested(ratios.UntouchedOpen, ratios.FisherExact),
				tested(ratios.TouchesPerWon, ratios.PoissonRates),
				tested(ratios.TouchesPerLost, ratios.PoissonRates),
				tested(ratios.ContactsPerAccount, ratios.PoissonRates),
			}},
			{Lines: []lineView{
				tested(ratios.TouchesPerInitialMeeting, ratios.PoissonRates),
				// 30 of 60 against 60 of 120: smallest expected 60·90/180 = 30.
				tested(ratios.InboundQualified, ratios.TwoProportion),
			}},
			{Lines: []lineView{
				tested(ratios.QualifiedToOpportunity, ratios.TwoProportion),
				tested(ratios.FollowUpsPerInitial, ratios.PoissonRates),
				// 4 of 20 against 8 of 40: smallest expected 20·12/60 = 4 < 5.
				tested(ratios.HappyEars, ratios.FisherExact),
			}},
			{Lines: []lineView{
				tested(ratios.WinRate, ratios.TwoProportion),
				mean(ratios.DealSize), mean(ratios.CycleDays), mean(ratios.BookingsPerMeeting),
			}},
		},
		// Tested: 4 in effort, 2 capturing interest, 3 qualifying, 1 closing.
		Tests: 10,
	}
}

// diagOpts compare p-values to R's to 1e-9 relative (and ~1 to 1 within
// 1e-12).
var diagOpts = cmpopts.EquateApprox(1e-9, 1e-12)

func TestDiagnoseScorecards(t *testing.T) {
	qualifying := func() diagView {
		v := evenView()
		// Dan converts 30 of 100 qualified prospects to opportunities, the
		// rest of the team 60 + 60 = 120 of 200: gap 0.3 − 0.6 = −0.3,
		// relative −0.3/0.6 = −0.5. The smallest expected count is
		// 100·150/300 = 50, so the z test: pooled p̄ = 150/300 = 0.5,
		// z = −0.3/√(0.5·0.5·(1/100 + 1/200)) = −0.3/0.0612 = −4.899,
		// R: prop.test(c(30,120), c(100,200), correct=FALSE)$p.value = 9.63357008643094e-07.
		// Benjamini–Hochberg over the 10 tests, it ranks first:
		// 10·9.63357e-07/1 = 9.63357e-06 <= 0.10, the default q (R: p.adjust(c(p, rep(1, 9)), "BH")[1]);
		// the nine p = 1 stay 1.
		v.Areas[ratios.Qualifying].Lines[0] = lineView{Metric: ratios.QualifiedToOpportunity, Method: ratios.TwoProportion,
			P: funnel.Some(9.63357008643094e-07), Adjusted: funnel.Some(9.63357008643094e-06),
			Gap: funnel.Some(-0.3), Relative: funnel.Some(-0.5), BeyondNoise: true, Worse: true}
		v.Areas[ratios.Qualifying].Weak, v.Areas[ratios.Qualifying].Shortfall = true, funnel.Some(0.5)
		v.CoachFirst, v.Discoveries = ratios.NullArea{Area: ratios.Qualifying, Valid: true}, 1
		return v
	}
	noise := func() diagView {
		v := evenView()
		// Dan wins 8 of 30, the rest 20 of 60: gap 0.2667 − 0.3333 = −0.0667,
		// relative −0.0667/0.3333 = −0.2. Smallest expected 30·28/90 = 9.3,
		// the z test; R: prop.test(c(8,20), c(30,60), correct=FALSE)$p.value
		// = 0.519570125664727. Benjamini–Hochberg: min(10·0.5196/1, …,
		// 10·1/10) = 1. Nothing is beyond noise.
		v.Areas[ratios.Closing].Lines[0] = lineView{Metric: ratios.WinRate, Method: ratios.TwoProportion,
			P: funnel.Some(0.519570125664727), Adjusted: funnel.Some(1), Gap: funnel.Some(8.0/30 - 20.0/60), Relative: funnel.Some(-0.2)}
		return v
	}
	// Dan is weak at two areas by the same relative shortfall, ½: at
	// qualifying as above, and at effort with 15 touches on 10 lost deals
	// against 120 on 40 (1.5 against 3.0, relative −1.5/3 = −0.5). The
	// Poisson test: 15 of 135 touches, binomial under p0 = 10/50 = 0.2;
	// R: poisson.test(c(15,120), c(10,40))$p.value = 0.00936785630822371
	// (= binom.test(15, 135, 0.2)$p.value). Benjamini–Hochberg ranks it
	// second of 10: 10·0.009368/2 = 0.04684 <= 0.10 (R: p.adjust(c(9.63357e-07,
	// 0.00936786, rep(1, 8)), "BH")[2] = 0.0468392815411185).
	twoWeak := func(qualK int64, qualP, qualAdj float64) diagView {
		v := evenView()
		rel := (float64(qualK)/100 - 0.6) / 0.6
		v.Areas[ratios.Qualifying].Lines[0] = lineView{Metric: ratios.QualifiedToOpportunity, Method: ratios.TwoProportion,
			P: funnel.Some(qualP), Adjusted: funnel.Some(qualAdj), Gap: funnel.Some(float64(qualK)/100 - 0.6), Relative: funnel.Some(rel), BeyondNoise: true, Worse: true}
		v.Areas[ratios.Qualifying].Weak, v.Areas[ratios.Qualifying].Shortfall = true, funnel.Some(-rel)
		v.Areas[ratios.Effort].Lines[3] = lineView{Metric: ratios.TouchesPerLost, Method: ratios.PoissonRates,
			P: funnel.Some(0.00936785630822371), Adjusted: funnel.Some(0.0468392815411185), Gap: funnel.Some(-1.5), Relative: funnel.Some(-0.5), BeyondNoise: true, Worse: true}
		v.Areas[ratios.Effort].Weak, v.Areas[ratios.Effort].Shortfall = true, funnel.Some(0.5)
		v.Discoveries = 2
		return v
	}
	tie := twoWeak(30, 9.63357008643094e-07, 9.63357008643094e-06)
	tie.CoachFirst = ratios.NullArea{Area: ratios.Effort, Valid: true} // a tie at ½ goes to the earlier area
	// With 20 of 100 the qualifying shortfall is |0.2 − 0.6|/0.6 = ⅔ > ½.
	// R: prop.test(c(20,120), c(100,200), correct=FALSE)$p.value = 5.88866804957195e-11,
	// adjusted 10·p/1 = 5.88866804957195e-10.
	larger := twoWeak(20, 5.88866804957195e-11, 5.88866804957195e-10)
	larger.CoachFirst = ratios.NullArea{Area: ratios.Qualifying, Valid: true}
	strength := func() diagView {
		v := evenView()
		// Dan wins 25 of 30 against the rest's 20 of 60: beyond noise,
		// but ahead, so no area is weak. Gap 25/30 − 1/3 = 0.5, relative
		// 0.5/(25/30) = 0.6. R: prop.test(c(25,20), c(30,60),
		// correct=FALSE)$p.value = 7.74421643104409e-06, adjusted 10·p.
		v.Areas[ratios.Closing].Lines[0] = lineView{Metric: ratios.WinRate, Method: ratios.TwoProportion,
			P: funnel.Some(7.74421643104409e-06), Adjusted: funnel.Some(7.74421643104409e-05), Gap: funnel.Some(25.0/30 - 1.0/3), Relative: funnel.Some(0.6), BeyondNoise: true}
		v.Discoveries = 1
		return v
	}
	happyEars := func() diagView {
		v := evenView()
		// Dan lost 12 of 20 deals after three or more meetings, the rest 8
		// of 40: lower is better, so a gap of 0.6 − 0.2 = +0.4 is worse;
		// relative 0.4/0.6 = ⅔. Smallest expected 20·20/60 = 6.7, the z
		// test; R: prop.test(c(12,8), c(20,40), correct=FALSE)$p.value =
		// 0.00194577369373915, adjusted 10·p/1 = 0.0194577369373915.
		v.Areas[ratios.Qualifying].Lines[2] = lineView{Metric: ratios.HappyEars, Method: ratios.TwoProportion,
			P: funnel.Some(0.00194577369373915), Adjusted: funnel.Some(0.0194577369373915), Gap: funnel.Some(0.4), Relative: funnel.Some(2.0 / 3),
			BeyondNoise: true, Worse: true}
		v.Areas[ratios.Qualifying].Weak, v.Areas[ratios.Qualifying].Shortfall = true, funnel.Some(2.0/3)
		v.CoachFirst, v.Discoveries = ratios.NullArea{Area: ratios.Qualifying, Valid: true}, 1
		return v
	}
	missing := func() diagView {
		v := evenView()
		// Dan has no happy-ears data: reported missing, untested, and the
		// family is 9 tests.
		v.Areas[ratios.Qualifying].Lines[2] = lineView{Metric: ratios.HappyEars, Reason: "missing for the rep"}
		v.Tests = 9
		return v
	}
	for _, tc := range []struct {
		name string
		dan  map[ratios.MetricName]part
		want diagView
	}{
		{"even", nil, evenView()},
		{"weak only at qualifying", map[ratios.MetricName]part{ratios.QualifiedToOpportunity: {num: 30, den: 100}}, qualifying()},
		{"noise-sized gap", map[ratios.MetricName]part{ratios.WinRate: {num: 8, den: 30}}, noise()},
		{"two weak areas tie", map[ratios.MetricName]part{ratios.QualifiedToOpportunity: {num: 30, den: 100}, ratios.TouchesPerLost: {num: 15, den: 10}}, tie},
		{"two weak areas", map[ratios.MetricName]part{ratios.QualifiedToOpportunity: {num: 20, den: 100}, ratios.TouchesPerLost: {num: 15, den: 10}}, larger},
		{"happy ears, lower is better", map[ratios.MetricName]part{ratios.HappyEars: {num: 12, den: 20}}, happyEars()},
		{"ahead beyond noise", map[ratios.MetricName]part{ratios.WinRate: {num: 25, den: 30}}, strength()},
		{"missing metric", map[ratios.MetricName]part{ratios.HappyEars: {den: -1}}, missing()},
		// LeadFlowShare is in no area: a gap there changes nothing.
		{"lead flow share", map[ratios.MetricName]part{ratios.LeadFlowShare: {num: 40, den: 40}}, evenView()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ratios.Diagnose("dan", teamWith(t, tc.dan), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, viewOf(d), diagOpts); diff != "" {
				t.Errorf("Diagnose(dan) mismatch (-want +got):\n%s", diff)
			}
			if d.Rep != "dan" || d.FDR != ratios.DefaultFDR {
				t.Errorf("Diagnose(dan): rep %q, FDR %v; want dan, %v", d.Rep, d.FDR, ratios.DefaultFDR)
			}
		})
	}
}

// TestDiagnoseLines checks lines whose values are not even: the rest's
// parts are the sum of the other reps', and the small-count tests.
func TestDiagnoseLines(t *testing.T) {
	reps := []ratios.RepMetrics{
		// ann: 1 of 4 lost deals with happy ears, 30 touches on 10 lost
		// deals, deal size 100/3.
		repOf(t, "ann", map[ratios.MetricName]part{ratios.HappyEars: {num: 1, den: 4}, ratios.TouchesPerLost: {num: 30, den: 10}, ratios.DealSize: {money: "100", den: 3}}),
		repOf(t, "bob", map[ratios.MetricName]part{ratios.HappyEars: {num: 5, den: 6}, ratios.TouchesPerLost: {num: 100, den: 10}, ratios.DealSize: {money: "90", den: 2}}),
		repOf(t, "cy", map[ratios.MetricName]part{ratios.HappyEars: {num: 4, den: 6}, ratios.TouchesPerLost: {num: 80, den: 20}, ratios.DealSize: {money: "30", den: 1}}),
	}
	d, err := ratios.Diagnose("ann", reps, &ratios.DiagnoseOptions{FDR: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	line := func(a ratios.Area, m ratios.MetricName) ratios.ScoreLine {
		for _, l := range d.Areas[a].Lines {
			if l.Metric == m {
				return l
			}
		}
		t.Fatalf("no line %s", m)
		return ratios.ScoreLine{}
	}
	he := line(ratios.Qualifying, ratios.HappyEars)
	// The rest: 5 + 4 = 9 of 6 + 6 = 12. Table [[1 3] [9 3]]: the smallest
	// expected count is 4·6/16 = 1.5 < 5, so Fisher's test;
	// R: fisher.test(matrix(c(1,3,9,3), 2, byrow=TRUE))$p.value = 0.118131868131868.
	if diff := cmp.Diff(ratios.NoiseTest{Method: ratios.FisherExact, P: funnel.Some(0.118131868131868), Adjusted: he.Test.Adjusted}, he.Test, diagOpts); diff != "" {
		t.Errorf("happy ears test mismatch (-want +got):\n%s", diff)
	}
	if he.Rest.Num != 9 || he.Rest.Den != 12 || he.Better != ratios.LowerIsBetter {
		t.Errorf("happy ears rest %d of %d, better %v; want 9 of 12, lower", he.Rest.Num, he.Rest.Den, he.Better)
	}
	tl := line(ratios.Effort, ratios.TouchesPerLost)
	// The rest: 100 + 80 = 180 touches on 10 + 20 = 30 lost deals.
	// R: poisson.test(c(30,180), c(10,30))$p.value = 0.000224142983792378
	// (= binom.test(30, 210, 10/40)$p.value).
	if diff := cmp.Diff(ratios.NoiseTest{Method: ratios.PoissonRates, P: funnel.Some(0.000224142983792378), Adjusted: tl.Test.Adjusted}, tl.Test, diagOpts); diff != "" {
		t.Errorf("touches per lost test mismatch (-want +got):\n%s", diff)
	}
	ds := line(ratios.Closing, ratios.DealSize)
	// ann 100/3 = 33.33; the rest (90 + 30)/(2 + 1) = 40.00: a gap of
	// −6.67 in money (cents), −6.666… as a float, relative −6.667/40 = −1/6.
	if ds.MoneyGap.Decimal.String() != "-6.67" || !cmp.Equal(ds.Gap.Float64, 100.0/3-40, diagOpts) || !cmp.Equal(ds.Relative.Float64, -1.0/6, diagOpts) {
		t.Errorf("deal size gap %v (%v), relative %v; want -6.67, %v, %v", ds.MoneyGap, ds.Gap, ds.Relative, 100.0/3-40, -1.0/6)
	}
	if ds.Test.Method != ratios.NoTest || ds.Test.Reason != "a mean from sums only" || ds.Test.P.Valid || ds.BeyondNoise {
		t.Errorf("deal size test %+v: want untested, a mean from sums only", ds.Test)
	}

	// A single rep has no rest of the team: every line untested.
	one, err := ratios.Diagnose("ann", reps[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	if one.Tests != 0 || one.CoachFirst.Valid || one.Areas[0].Lines[1].Test.Reason != "missing for the rest of the team" {
		t.Errorf("Diagnose(one rep) = %d tests, coach %v, reason %q; want 0, null, missing for the rest of the team",
			one.Tests, one.CoachFirst, one.Areas[0].Lines[1].Test.Reason)
	}
}

func TestDiagnoseBadInput(t *testing.T) {
	good := func() []ratios.RepMetrics { return teamWith(t, nil) }
	for _, tc := range []struct {
		name  string
		rep   string
		reps  []ratios.RepMetrics
		opts  *ratios.DiagnoseOptions
		want  error
		place string
	}{
		{"no reps", "dan", nil, nil, funnel.ErrNoData, "reps"},
		{"unknown rep", "zed", good(), nil, funnel.ErrNoData, `rep = "zed"`},
		{"rep twice", "dan", append(good(), repOf(t, "dan", nil)), nil, funnel.ErrIncompatible, "reps[3].rep"},
		{"share above its whole", "dan", func() []ratios.RepMetrics {
			r := good()
			r[2].Metrics[ratios.WinRate].Num = 31 // of 30
			return r
		}(), nil, funnel.ErrKExceedsN, "reps[2].metrics[11].num"},
		{"negative count", "dan", func() []ratios.RepMetrics {
			r := good()
			r[0].Metrics[ratios.TouchesPerWon].Den = -1
			return r
		}(), nil, funnel.ErrNegativeCount, "reps[0].metrics[2].den"},
		{"days not finite", "dan", func() []ratios.RepMetrics {
			r := good()
			r[1].Metrics[ratios.CycleDays].Days = funnel.NullFloat64{Float64: math.Inf(1), Valid: true}
			return r
		}(), nil, funnel.ErrNotFinite, "reps[1].metrics[13].days"},
		{"metric in another's place", "dan", func() []ratios.RepMetrics {
			r := good()
			r[1].Metrics[ratios.WinRate] = r[1].Metrics[ratios.HappyEars]
			return r
		}(), nil, funnel.ErrIncompatible, "reps[1].metrics[11].name"},
		{"FDR of 1", "dan", good(), &ratios.DiagnoseOptions{FDR: 1}, funnel.ErrOutOfRange, "FDR"},
		{"FDR negative", "dan", good(), &ratios.DiagnoseOptions{FDR: -0.1}, funnel.ErrOutOfRange, "FDR"},
		{"FDR NaN", "dan", good(), &ratios.DiagnoseOptions{FDR: math.NaN()}, funnel.ErrNotFinite, "FDR"},
		{"sum past an int64", "dan", func() []ratios.RepMetrics {
			r := append(good(), repOf(t, "gus", nil))
			r[0].Metrics[ratios.TouchesPerWon].Num = math.MaxInt64
			r[3].Metrics[ratios.TouchesPerWon].Num = math.MaxInt64
			return r
		}(), nil, funnel.ErrOutOfRange, "reps[2].metrics[2].num"}, // eve + fay passes an int64
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratios.Diagnose(tc.rep, tc.reps, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Diagnose: error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "ratios.Diagnose") || !strings.Contains(err.Error(), tc.place) {
				t.Errorf("error %q does not name ratios.Diagnose and %q", err, tc.place)
			}
		})
	}
	// A zero denominator is missing, not an error.
	r := teamWith(t, map[ratios.MetricName]part{ratios.TouchesPerWon: {num: 5, den: 0}})
	d, err := ratios.Diagnose("dan", r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := d.Areas[ratios.Effort].Lines[2]; l.Rep.Status != ratios.ZeroDenominator || l.Gap.Valid || l.Test.Reason != "missing for the rep" {
		t.Errorf("touches per won over no won deal: %+v; want zero-denominator, no gap, missing for the rep", l)
	}
}

func TestDiagnoseInputsAndJSON(t *testing.T) {
	reps := teamWith(t, map[ratios.MetricName]part{ratios.QualifiedToOpportunity: {num: 30, den: 100}, ratios.HappyEars: {den: -1}})
	before, err := json.Marshal(reps)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ratios.Diagnose("dan", reps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(reps); string(after) != string(before) {
		t.Errorf("Diagnose modified its input")
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"coach_first":"qualifying"`, `"reason":"missing for the rep"`, `"method":"fisher-exact"`, `"p":null`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	var back ratios.Diagnosis
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, back, metricOpts); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	var none ratios.NullArea
	if err := json.Unmarshal([]byte(`null`), &none); err != nil || none.Valid {
		t.Errorf("null area decodes to %v, %v", none, err)
	}
	if err := json.Unmarshal([]byte(`"sales"`), &none); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("unknown area: %v, want ErrOutOfRange", err)
	}
}

// BenchmarkDiagnose: one rep's scorecard against 199 others.
func BenchmarkDiagnose(b *testing.B) {
	reps := make([]ratios.RepMetrics, 200)
	for i := range reps {
		reps[i] = repOf(b, "rep"+string(rune('A'+i/26))+string(rune('a'+i%26)), map[ratios.MetricName]part{
			ratios.WinRate: {num: int64(5 + i%20), den: 30}, ratios.TouchesPerLost: {num: int64(40 + i%50), den: 20},
		})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ratios.Diagnose(reps[7].Rep, reps, nil); err != nil {
			b.Fatal(err)
		}
	}
}
