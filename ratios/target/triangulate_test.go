package target_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// triOpts compare floats to 1e-12 relative and decimals by value; the
// formula text is checked apart (triFormulaNamesTerms).
var triOpts = cmp.Options{
	cmpopts.EquateApprox(1e-12, 1e-12),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmpopts.IgnoreFields(target.Estimate{}, "Formula"),
}

func triD(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func triND(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

// triIssue is the worked case of issue 11: quota $300,000 a quarter of
// 13 weeks, ASP $25,000, 4 meetings per won deal and 2 per lost, win rate
// 25%, the team's $2,500 bookings per meeting, the best performers'
// $3,000, aggressiveness 0.5.
func triIssue() target.TriangulateInput {
	return target.TriangulateInput{
		Activity: "meetings", Quota: triD("300000"), Weeks: 13, Aggressiveness: 0.5,
		ASP:                     triND("25000"),
		ActivitiesPerWon:        funnel.Some(4),
		ActivitiesPerLost:       funnel.Some(2),
		WinRate:                 funnel.Some(0.25),
		BookingsPerActivity:     triND("2500"),
		BestBookingsPerActivity: triND("3000"),
	}
}

// triLevel is a level of t activities over 13 weeks, the per-week
// figures worked by hand in each case.
func triLevel(t float64, whole int64, perWeek float64, perWeekWhole int64) target.Level {
	return target.Level{Target: t, Whole: whole, PerWeek: perWeek, PerWeekWhole: perWeekWhole}
}

func TestTriangulateHand(t *testing.T) {
	// Worked by hand (issue 11):
	//   won needed = 300,000 / 25,000 = 12
	//   process    = 4 × 12 = 48                       48/13 = 3.6923… (4 whole a week)
	//   win rate   = 4 × 12 + 2 × 12 × 0.75/0.25
	//              = 48 + 2 × 36 = 120                 120/13 = 9.2308… (10)
	//   efficiency = 300,000 / 2,500 = 120
	//   best       = 300,000 / 3,000 = 100             100/13 = 7.6923… (8)
	//   range 48 (process) to 120 (win rate, the earlier of the tie)
	//   pick(0.5)  = 48 + 0.5 × (120 − 48) = 84        84/13 = 6.4615… (7)
	process := triLevel(48, 48, 48.0/13, 4)
	high := triLevel(120, 120, 120.0/13, 10)
	issueEstimates := []target.Estimate{
		{Method: target.ByProcess, Level: process, Terms: []target.Term{
			{Name: "quota", Value: triD("300000")}, {Name: "asp", Value: triD("25000")},
			{Name: "won_needed", Value: triD("12")}, {Name: "activities_per_won", Value: triD("4")}}},
		{Method: target.ByWinRate, Level: high, Terms: []target.Term{
			{Name: "quota", Value: triD("300000")}, {Name: "asp", Value: triD("25000")},
			{Name: "won_needed", Value: triD("12")}, {Name: "win_rate", Value: triD("0.25")},
			// 12 × 0.75 / 0.25 = 36
			{Name: "lost_with_won", Value: triD("36")},
			{Name: "activities_per_won", Value: triD("4")}, {Name: "activities_per_lost", Value: triD("2")}}},
		{Method: target.ByEfficiency, Level: high, Terms: []target.Term{
			{Name: "quota", Value: triD("300000")}, {Name: "bookings_per_activity", Value: triD("2500")}}},
		{Method: target.ByBestPerformers, Level: triLevel(100, 100, 100.0/13, 8), Terms: []target.Term{
			{Name: "quota", Value: triD("300000")}, {Name: "best_bookings_per_activity", Value: triD("3000")}}},
	}
	issue := func(a float64) target.Triangulation {
		return target.Triangulation{Activity: "meetings", Quota: triD("300000"), Weeks: 13,
			Estimates: issueEstimates, Low: process, High: high,
			LowMethod: target.ByProcess, HighMethod: target.ByWinRate, Aggressiveness: a}
	}
	withPick := func(tr target.Triangulation, l target.Level) target.Triangulation { tr.Pick = l; return tr }

	ratesOnly := target.TriangulateInput{Activity: "first meetings", Quota: triD("300000"), Weeks: 13,
		ASP: triND("25000"), BestRates: []float64{0.5, 0.4}}
	// Role-model funnel: 12 won / (0.5 × 0.4) = 60 first meetings;
	// 60/13 = 4.6154… (5 a week). Low = high = pick = 60.
	sixty := triLevel(60, 60, 60.0/13, 5)

	tests := []struct {
		name string
		in   func() target.TriangulateInput
		want target.Triangulation
	}{
		{"issue 11, aggressiveness 0.5", triIssue, withPick(issue(0.5), triLevel(84, 84, 84.0/13, 7))},
		{"aggressiveness 0 picks the low end", func() target.TriangulateInput {
			in := triIssue()
			in.Aggressiveness = 0
			return in
		}, withPick(issue(0), process)},
		{"aggressiveness 1 picks the high end", func() target.TriangulateInput {
			in := triIssue()
			in.Aggressiveness = 1
			return in
		}, withPick(issue(1), high)},
		{"best performers by the role-model funnel", func() target.TriangulateInput { return ratesOnly },
			target.Triangulation{Activity: "first meetings", Quota: triD("300000"), Weeks: 13,
				Estimates: []target.Estimate{{Method: target.ByBestPerformers, Level: sixty, Terms: []target.Term{
					{Name: "quota", Value: triD("300000")}, {Name: "asp", Value: triD("25000")},
					{Name: "won_needed", Value: triD("12")},
					{Name: "best_rates[0]", Value: triD("0.5")}, {Name: "best_rates[1]", Value: triD("0.4")}}}},
				Omitted: []target.Omitted{
					{Method: target.ByProcess, Reason: "needs activities_per_won: not given"},
					{Method: target.ByWinRate, Reason: "needs activities_per_won, activities_per_lost, win_rate: not given"},
					{Method: target.ByEfficiency, Reason: "needs the team's bookings_per_activity, not given"},
				},
				Low: sixty, High: sixty, Pick: sixty, LowMethod: target.ByBestPerformers, HighMethod: target.ByBestPerformers}},
		{"win rate 1: no lost deals", func() target.TriangulateInput {
			// 4 × 12 + 2 × 12 × 0/1 = 48: the win-rate method equals the process.
			return target.TriangulateInput{Quota: triD("300000"), Weeks: 13, ASP: triND("25000"),
				ActivitiesPerWon: funnel.Some(4), ActivitiesPerLost: funnel.Some(2), WinRate: funnel.Some(1)}
		}, target.Triangulation{Quota: triD("300000"), Weeks: 13,
			Estimates: []target.Estimate{
				{Method: target.ByProcess, Level: process, Terms: []target.Term{
					{Name: "quota", Value: triD("300000")}, {Name: "asp", Value: triD("25000")},
					{Name: "won_needed", Value: triD("12")}, {Name: "activities_per_won", Value: triD("4")}}},
				{Method: target.ByWinRate, Level: process, Terms: []target.Term{
					{Name: "quota", Value: triD("300000")}, {Name: "asp", Value: triD("25000")},
					{Name: "won_needed", Value: triD("12")}, {Name: "win_rate", Value: triD("1")},
					{Name: "lost_with_won", Value: triD("0")},
					{Name: "activities_per_won", Value: triD("4")}, {Name: "activities_per_lost", Value: triD("2")}}}},
			Omitted: []target.Omitted{
				{Method: target.ByEfficiency, Reason: "needs the team's bookings_per_activity, not given"},
				{Method: target.ByBestPerformers, Reason: "needs best_bookings_per_activity or best_rates, not given"},
			},
			Low: process, High: process, Pick: process, LowMethod: target.ByProcess, HighMethod: target.ByProcess}},
		{"a win rate of 0.3: whole count rounds up", func() target.TriangulateInput {
			// won needed = 100,000 / 30,000 = 3.3333… (kept to 20 significant digits)
			// process = 3 × 3.3333… = 10 (exact, not 11 from float noise)
			// win rate = 10 + 1 × 3.3333… × 0.7/0.3 = 10 + 7.7778… = 17.7778… → 18
			return target.TriangulateInput{Quota: triD("100000"), Weeks: 4, ASP: triND("30000"),
				ActivitiesPerWon: funnel.Some(3), ActivitiesPerLost: funnel.Some(1), WinRate: funnel.Some(0.3)}
		}, func() target.Triangulation {
			won := 100000.0 / 30000
			lost := won * 0.7 / 0.3
			wr := 3*won + lost
			lo := triLevel(10, 10, 2.5, 3)
			hi := triLevel(wr, 18, wr/4, 5) // 17.78/4 = 4.44 → 5
			return target.Triangulation{Quota: triD("100000"), Weeks: 4,
				Estimates: []target.Estimate{
					{Method: target.ByProcess, Level: lo, Terms: []target.Term{
						{Name: "quota", Value: triD("100000")}, {Name: "asp", Value: triD("30000")},
						{Name: "won_needed", Value: triD("3.3333333333333333333")}, {Name: "activities_per_won", Value: triD("3")}}},
					{Method: target.ByWinRate, Level: hi, Terms: []target.Term{
						{Name: "quota", Value: triD("100000")}, {Name: "asp", Value: triD("30000")},
						{Name: "won_needed", Value: triD("3.3333333333333333333")}, {Name: "win_rate", Value: triD("0.3")},
						{Name: "lost_with_won", Value: decimal.NewFromFloat(lost)},
						{Name: "activities_per_won", Value: triD("3")}, {Name: "activities_per_lost", Value: triD("1")}}}},
				Omitted: []target.Omitted{
					{Method: target.ByEfficiency, Reason: "needs the team's bookings_per_activity, not given"},
					{Method: target.ByBestPerformers, Reason: "needs best_bookings_per_activity or best_rates, not given"},
				},
				Low: lo, High: hi, Pick: lo, LowMethod: target.ByProcess, HighMethod: target.ByWinRate}
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in()
			got, err := target.Triangulate(in)
			if err != nil {
				t.Fatalf("Triangulate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, triOpts); diff != "" {
				t.Errorf("Triangulate(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			triFormulaNamesTerms(t, got)
		})
	}
}

// triFormulaNamesTerms checks that every term of the working appears in
// its formula, so that a report can print the one beside the other.
func triFormulaNamesTerms(t *testing.T, tr target.Triangulation) {
	t.Helper()
	for _, e := range tr.Estimates {
		for _, term := range e.Terms {
			name := term.Name
			if i := strings.IndexByte(name, '['); i >= 0 {
				name = name[:i]
			}
			if !strings.Contains(e.Formula, name) {
				t.Errorf("%v: formula %q does not name term %q", e.Method, e.Formula, term.Name)
			}
		}
	}
}

func TestTriangulateBadInput(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		edit   func(*target.TriangulateInput)
		wantIn string // the input the error names
		want   error
	}{
		{"zero ASP", func(in *target.TriangulateInput) { in.ASP = triND("0") }, "asp", funnel.ErrOutOfRange},
		{"negative ASP", func(in *target.TriangulateInput) { in.ASP = triND("-1") }, "asp", funnel.ErrNegativeAmount},
		{"win rate 0", func(in *target.TriangulateInput) { in.WinRate = funnel.Some(0) }, "win_rate", funnel.ErrZeroRate},
		{"win rate above 1", func(in *target.TriangulateInput) { in.WinRate = funnel.Some(1.5) }, "win_rate", funnel.ErrRateRange},
		{"win rate NaN", func(in *target.TriangulateInput) { in.WinRate = funnel.Some(nan) }, "win_rate", funnel.ErrNotFinite},
		{"quota below zero", func(in *target.TriangulateInput) { in.Quota = triD("-300000") }, "quota", funnel.ErrNegativeAmount},
		{"quota out of range", func(in *target.TriangulateInput) { in.Quota = triD("1e40") }, "quota", funnel.ErrOutOfRange},
		{"aggressiveness below 0", func(in *target.TriangulateInput) { in.Aggressiveness = -0.1 }, "aggressiveness", funnel.ErrOutOfRange},
		{"aggressiveness above 1", func(in *target.TriangulateInput) { in.Aggressiveness = 1.01 }, "aggressiveness", funnel.ErrOutOfRange},
		{"aggressiveness NaN", func(in *target.TriangulateInput) { in.Aggressiveness = nan }, "aggressiveness", funnel.ErrNotFinite},
		{"weeks 0", func(in *target.TriangulateInput) { in.Weeks = 0 }, "weeks", funnel.ErrOutOfRange},
		{"weeks negative", func(in *target.TriangulateInput) { in.Weeks = -13 }, "weeks", funnel.ErrOutOfRange},
		{"weeks infinite", func(in *target.TriangulateInput) { in.Weeks = math.Inf(1) }, "weeks", funnel.ErrNotFinite},
		{"activities per won NaN", func(in *target.TriangulateInput) { in.ActivitiesPerWon = funnel.Some(nan) }, "activities_per_won", funnel.ErrNotFinite},
		{"activities per lost negative", func(in *target.TriangulateInput) { in.ActivitiesPerLost = funnel.Some(-2) }, "activities_per_lost", funnel.ErrNegative},
		{"bookings per activity zero", func(in *target.TriangulateInput) { in.BookingsPerActivity = triND("0") }, "bookings_per_activity", funnel.ErrOutOfRange},
		{"best bookings negative", func(in *target.TriangulateInput) { in.BestBookingsPerActivity = triND("-3000") }, "best_bookings_per_activity", funnel.ErrNegativeAmount},
		{"best rate zero", func(in *target.TriangulateInput) { in.BestRates = []float64{0.5, 0} }, "best_rates[1]", funnel.ErrZeroRate},
		{"best rate NaN", func(in *target.TriangulateInput) { in.BestRates = []float64{nan} }, "best_rates[0]", funnel.ErrNotFinite},
		{"no method has data", func(in *target.TriangulateInput) {
			*in = target.TriangulateInput{Quota: triD("300000"), Weeks: 13}
		}, "input", funnel.ErrNoData},
		{"target past 2^53", func(in *target.TriangulateInput) {
			in.ActivitiesPerWon = funnel.Some(1e300)
		}, "process", funnel.ErrOutOfRange},
		{"activities overflow to infinity", func(in *target.TriangulateInput) {
			// 1e300 per lost deal × 12 × (1 − 1e−300)/1e−300 lost deals overflows a float64.
			in.ActivitiesPerLost, in.WinRate = funnel.Some(1e300), funnel.Some(1e-300)
		}, "win-rate", funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := triIssue()
			tt.edit(&in)
			_, err := target.Triangulate(in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Triangulate: err = %v, want errors.Is %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Triangulate: err = %T, want *funnel.InputError", err)
			}
			if ie.Op != "target.Triangulate" || ie.Name != tt.wantIn {
				t.Errorf("Triangulate: Op %q Name %q, want target.Triangulate %q", ie.Op, ie.Name, tt.wantIn)
			}
		})
	}
}

func TestTriangulateInputUnmodified(t *testing.T) {
	in := triIssue()
	in.BestBookingsPerActivity = decimal.NullDecimal{}
	in.BestRates = []float64{0.5, 0.4}
	before := slices.Clone(in.BestRates)
	got, err := target.Triangulate(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, in.BestRates) {
		t.Errorf("BestRates changed: %v, was %v", in.BestRates, before)
	}
	// 12 / (0.5 × 0.4) = 60 by hand.
	if e := got.Estimates[3]; e.Method != target.ByBestPerformers || e.Target != 60 {
		t.Errorf("best performers = %v %v, want 60", e.Method, e.Target)
	}
}

func TestMethodText(t *testing.T) {
	for m := target.Method(0); int(m) < target.NumMethods; m++ {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back target.Method
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("round trip of %v: %v, %v", m, back, err)
		}
	}
	if _, err := target.Method(9).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Method(9).MarshalText: %v, want ErrOutOfRange", err)
	}
	var m target.Method
	if err := m.UnmarshalText([]byte("vibes")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("UnmarshalText(vibes): %v, want ErrOutOfRange", err)
	}
	got, err := json.Marshal(target.Omitted{Method: target.ByWinRate, Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"method":"win-rate","reason":"r"}`; string(got) != want {
		t.Errorf("json = %s, want %s", got, want)
	}
}

func TestMeasure(t *testing.T) {
	// A group over Lead > Won: 10 leads, 4 won, 5 lost, 1 open.
	f := funnel.MustNew("Lead", "Won")
	c, err := funnel.FromReached(f, []int64{10, 4}, []int64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	c.Key = []string{"ann"}
	c.WonAmount, c.WonWithAmount, c.NoAmount = triD("100000"), 4, 6
	c.AmountReached = []decimal.Decimal{triD("100000"), triD("100000")}
	act := target.Activity{PerWon: funnel.Ratio{Num: 16, Den: 4}, PerLost: funnel.Ratio{Num: 10, Den: 5}, Total: 30}
	got, err := target.Measure(c, act)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: ASP 100,000/4 = 25,000; win rate 4 of 9; bookings per
	// activity 100,000 / 30 = 3,333.333… (the module's quotient: 20
	// significant digits).
	want := target.Measured{Name: "ann", ASP: triND("25000"), WinRate: funnel.Rate{K: 4, N: 9},
		ActivitiesPerWon: act.PerWon, ActivitiesPerLost: act.PerLost, Activities: 30, Bookings: triD("100000"),
		BookingsPerActivity: triND("3333.3333333333333333")}
	opts := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("Measure mismatch (-want +got):\n%s", diff)
	}
	in := target.FromMeasured(triD("300000"), 13, got, got, got)
	// 300,000/25,000 = 12 won; 4 per won × 12 = 48; 2 per lost × 12 × (5/9)/(4/9) = 30 → 78;
	// 300,000 / 3,333.33… = 90.
	tr, err := target.Triangulate(in)
	if err != nil {
		t.Fatal(err)
	}
	gotT := []float64{tr.Estimates[0].Target, tr.Estimates[1].Target, tr.Estimates[2].Target, tr.Estimates[3].Target}
	if diff := cmp.Diff([]float64{48, 78, 90, 90}, gotT, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("targets mismatch (-want +got):\n%s", diff)
	}

	bad := []struct {
		name string
		act  target.Activity
		want error
	}{
		{"negative", target.Activity{PerWon: funnel.Ratio{Num: -1, Den: 4}}, funnel.ErrNegativeCount},
		{"total below closed", target.Activity{PerWon: funnel.Ratio{Num: 16, Den: 4}, Total: 3}, funnel.ErrOutOfRange},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := target.Measure(c, tt.act); !errors.Is(err, tt.want) {
				t.Errorf("Measure: %v, want %v", err, tt.want)
			}
		})
	}
	broken := c.Clone()
	broken.Won = -1
	if _, err := target.Measure(broken, act); err == nil {
		t.Error("Measure of invalid counts: no error")
	}
}

func BenchmarkTriangulate(b *testing.B) {
	in := triIssue()
	for b.Loop() {
		if _, err := target.Triangulate(in); err != nil {
			b.Fatal(err)
		}
	}
}
