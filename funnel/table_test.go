package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// salesFunnel is the funnel of the worked cases.
var salesFunnel = MustNew("lead", "qualified", "meeting", "proposal", "won")

// equalDecimal compares decimals by value, so 2500000 equals 2500000.00.
var equalDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// closedTable returns the table of plain counts of closed deals.
func closedTable(t *testing.T, f Funnel, reached []int64, opts *TableOptions) Table {
	t.Helper()
	c, err := FromReached(f, reached, nil)
	if err != nil {
		t.Fatalf("FromReached(%v): %v", reached, err)
	}
	tb, err := NewTable(f, c, opts)
	if err != nil {
		t.Fatalf("NewTable(%v): %v", reached, err)
	}
	return tb
}

func TestTableClosedDeals(t *testing.T) {
	tests := []struct {
		name    string
		f       Funnel
		reached []int64
		want    Table
	}{
		{
			// The worked case: steps 80/200 = 0.40, 40/80 = 0.50, 12/40 =
			// 0.30, 6/12 = 0.50; every deal is closed, so resolved equals
			// naive and the deals that did not go on are lost: 120, 40,
			// 28, 6, shares 0.6, 0.5, 0.7, 0.5; the lowest step is 0.30
			// into proposal.
			name:    "worked case",
			f:       salesFunnel,
			reached: []int64{200, 80, 40, 12, 6},
			want: Table{
				Stages: []Row{
					{Stage: "lead", Reached: 200, Cumulative: Rate{200, 200}},
					{Stage: "qualified", Reached: 80, Step: Rate{80, 200}, Resolved: Rate{80, 200}, Cumulative: Rate{80, 200}, Lost: 120, LostShare: Some(0.6)},
					{Stage: "meeting", Reached: 40, Step: Rate{40, 80}, Resolved: Rate{40, 80}, Cumulative: Rate{40, 200}, Lost: 40, LostShare: Some(0.5)},
					{Stage: "proposal", Reached: 12, Step: Rate{12, 40}, Resolved: Rate{12, 40}, Cumulative: Rate{12, 200}, Lost: 28, LostShare: Some(0.7)},
					{Stage: "won", Reached: 6, Step: Rate{6, 12}, Resolved: Rate{6, 12}, Cumulative: Rate{6, 200}, Lost: 6, LostShare: Some(0.5)},
				},
				Weakest:      3,
				WeakestStage: "proposal",
				Overall:      Rate{6, 200},
			},
		},
		{
			// Nothing past the second stage: the step into it is 0 of 10
			// (all lost, the weakest); the step after it is 0 of 0, which
			// is undefined (share null) and not a candidate for weakest.
			name:    "zero upstream",
			f:       MustNew("a", "b", "c"),
			reached: []int64{10, 0, 0},
			want: Table{
				Stages: []Row{
					{Stage: "a", Reached: 10, Cumulative: Rate{10, 10}},
					{Stage: "b", Step: Rate{0, 10}, Resolved: Rate{0, 10}, Cumulative: Rate{0, 10}, Lost: 10, LostShare: Some(1)},
					{Stage: "c", Cumulative: Rate{0, 10}},
				},
				Weakest:      1,
				WeakestStage: "b",
				Overall:      Rate{0, 10},
			},
		},
		{
			// No deals at all: every rate is 0 of 0 and no step is weakest.
			name:    "all zero",
			f:       MustNew("a", "b", "c"),
			reached: []int64{0, 0, 0},
			want:    Table{Stages: []Row{{Stage: "a"}, {Stage: "b"}, {Stage: "c"}}, Weakest: -1},
		},
		{
			// One stage has no step.
			name:    "one stage",
			f:       MustNew("only"),
			reached: []int64{7},
			want:    Table{Stages: []Row{{Stage: "only", Reached: 7, Cumulative: Rate{7, 7}}}, Weakest: -1, Overall: Rate{7, 7}},
		},
		{
			// 50/100 = 25/50 = 0.5: a tie goes to the earlier step.
			name:    "tie",
			f:       MustNew("a", "b", "c"),
			reached: []int64{100, 50, 25},
			want: Table{
				Stages: []Row{
					{Stage: "a", Reached: 100, Cumulative: Rate{100, 100}},
					{Stage: "b", Reached: 50, Step: Rate{50, 100}, Resolved: Rate{50, 100}, Cumulative: Rate{50, 100}, Lost: 50, LostShare: Some(0.5)},
					{Stage: "c", Reached: 25, Step: Rate{25, 50}, Resolved: Rate{25, 50}, Cumulative: Rate{25, 100}, Lost: 25, LostShare: Some(0.5)},
				},
				Weakest:      1,
				WeakestStage: "b",
				Overall:      Rate{25, 100},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.reached)
			got := closedTable(t, tt.f, in, nil)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-15), equalDecimal); diff != "" {
				t.Errorf("NewTable(%v) mismatch (-want +got):\n%s", tt.reached, diff)
			}
			if !slices.Equal(in, tt.reached) {
				t.Errorf("NewTable modified its input: %v became %v", tt.reached, in)
			}
		})
	}
}

// TestTableOpenNotLost is the defect found trying the library as a new
// user: the old conversion table reported the deals that had not moved on
// as lost even when they were still open (a group whose only deal is open
// showed lost 1, lost share 1) and picked the weakest step from a step
// with no resolved trials.
func TestTableOpenNotLost(t *testing.T) {
	f := MustNew("a", "b", "c")
	// One deal, open at "a".
	only, err := FromReached(f, []int64{1, 0, 0}, []int64{1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewTable(f, only, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The step into b: naive 0 of 1, resolved 0 of 1 − 1 = 0 of 0; no
	// deal is lost and the share is undefined; no step has resolved
	// trials, so none is the weakest.
	want := Table{
		Stages: []Row{
			{Stage: "a", Reached: 1, Pending: 1, Cumulative: Rate{1, 1}},
			{Stage: "b", Step: Rate{0, 1}, Resolved: Rate{0, 0}, Cumulative: Rate{0, 1}},
			{Stage: "c", Cumulative: Rate{0, 1}},
		},
		Weakest: -1,
		Overall: Rate{0, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewTable(one open deal) mismatch (-want +got):\n%s", diff)
	}

	// 100 reached a, 40 reached b, 10 reached c; 50 are still open at a
	// and 20 at b. Into b: naive 40/100 = 0.40, resolved 40/(100 − 50) =
	// 0.80, lost 10; into c: naive 10/40 = 0.25, resolved 10/(40 − 20) =
	// 0.50, lost 10. The weakest resolved step is into c (0.50 < 0.80).
	// A table that counted the open deals as lost would say 60 and 30.
	c, err := FromReached(f, []int64{100, 40, 10}, []int64{50, 20, 0})
	if err != nil {
		t.Fatal(err)
	}
	got, err = NewTable(f, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	lost := []int64{got.Stages[1].Lost, got.Stages[2].Lost}
	if diff := cmp.Diff([]int64{10, 10}, lost); diff != "" {
		t.Errorf("Lost mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0.8, 0.5}, got.Rates(), cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("Rates() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0.4, 0.25}, got.NaiveRates(), cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("NaiveRates() mismatch (-want +got):\n%s", diff)
	}
	if got.Weakest != 2 {
		t.Errorf("Weakest = %d, want 2", got.Weakest)
	}

	// Where they disagree: 100 at a, 30 at b, 27 at c; 70 open at a.
	// Naive into b 30/100 = 0.30 is lower than into c 27/30 = 0.90, but
	// resolved into b is 30/30 = 1: the weakest resolved step is into c.
	c, err = FromReached(f, []int64{100, 30, 27}, []int64{70, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if got, err = NewTable(f, c, nil); err != nil || got.Weakest != 2 {
		t.Errorf("NewTable: weakest %d, %v; want 2 (resolved 30/30 into b, 27/30 into c)", got.Weakest, err)
	}
}

// TestTableFromTally reads the table of a Tally's counts, worked by hand:
//
//	T1: lead 1/1, qualified 1/3, won 1/9, 100.00
//	T2: lead 1/1, lost 1/4, 50.00
//	T3: lead 1/2, qualified 1/4 (open), 30.00
//	T4: lead 1/2, meeting 1/5 (skips qualified; open), no amount
func TestTableFromTally(t *testing.T) {
	f := MustNew("lead", "qualified", "meeting", "won")
	on := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	deals := []Deal{
		{ID: "T1", Amount: amt("100.00"), Outcome: Won, Events: []Event{{0, on(1)}, {1, on(3)}, {3, on(9)}}},
		{ID: "T2", Amount: amt("50.00"), Outcome: Lost, Closed: on(4), Events: []Event{{0, on(1)}}},
		{ID: "T3", Amount: amt("30.00"), Events: []Event{{0, on(2)}, {1, on(4)}}},
		{ID: "T4", Events: []Event{{0, on(2)}, {2, on(5)}}},
	}
	ta := NewTally(f)
	if err := ta.AddAll(Stream(deals)); err != nil {
		t.Fatal(err)
	}
	c, err := ta.Total()
	if err != nil {
		t.Fatal(err)
	}
	// Implied reach: lead 4; qualified T1 T3 T4 = 3; meeting T1 T4 = 2;
	// won T1 = 1. Open deals by furthest stage: T3 at qualified, T4 at
	// meeting. Into qualified: 3 of 4, resolved 3 of 4 (none open at
	// lead), lost 1 (T2). Into meeting: 2 of 3, resolved 2 of 3 − 1 = 2
	// of 2, lost 0. Into won: 1 of 2, resolved 1 of 2 − 1 = 1 of 1, lost
	// 0. Money reaching each stage (implied, deals with an amount): lead
	// 180, qualified 130, meeting 100, won 100. 95% Wilson of 3 of 4 is
	// [0.3006, 0.9544] (the review's hand-worked case).
	got, err := NewTable(f, c, &TableOptions{Confidence: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Reached, Pending, Lost int64
		Step, Resolved         Rate
		Money                  string
	}
	var have []row
	for _, r := range got.Stages {
		have = append(have, row{r.Reached, r.Pending, r.Lost, r.Step, r.Resolved, r.Money.Decimal.StringFixed(2)})
	}
	want := []row{
		{4, 0, 0, Rate{}, Rate{}, "180.00"},
		{3, 1, 1, Rate{3, 4}, Rate{3, 4}, "130.00"},
		{2, 1, 0, Rate{2, 3}, Rate{2, 2}, "100.00"},
		{1, 0, 0, Rate{1, 2}, Rate{1, 1}, "100.00"},
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("NewTable(tally) mismatch (-want +got):\n%s", diff)
	}
	if iv := got.Stages[1].StepCI; iv == nil || math.Abs(iv.Lo-0.3006) > 5e-5 || math.Abs(iv.Hi-0.9544) > 5e-5 {
		t.Errorf("StepCI = %v, want [0.3006, 0.9544]", iv)
	}
	if got.Stages[0].StepCI != nil {
		t.Errorf("first row has an interval: %v", got.Stages[0].StepCI)
	}

	// Strict: T4 skipped qualified. Entered lead 4, qualified 2, meeting
	// 1, won 1; both lead and qualified T1 T3 = 2, qualified and meeting
	// none, meeting and won none. Pending (open, entered k and not k+1 nor
	// past k): T3 at qualified, T4 at meeting. Into qualified 2 of 4; into
	// meeting 0 of 2, resolved 0 of 2 − 1 = 0 of 1; into won 0 of 1,
	// resolved 0 of 0.
	st, err := NewTable(f, c, &TableOptions{Rule: Strict})
	if err != nil {
		t.Fatal(err)
	}
	var strict [][2]Rate
	for _, r := range st.Stages {
		strict = append(strict, [2]Rate{r.Step, r.Resolved})
	}
	if diff := cmp.Diff([][2]Rate{{}, {{2, 4}, {2, 4}}, {{0, 2}, {0, 1}}, {{0, 1}, {0, 0}}}, strict); diff != "" {
		t.Errorf("strict steps mismatch (-want +got):\n%s", diff)
	}
	if st.Stages[0].Money.Valid {
		t.Errorf("strict table has money %v; the sums are by implied reach", st.Stages[0].Money)
	}
}

func TestTableMoney(t *testing.T) {
	// An average deal of 12,500.00: 200 × 12,500 = 2,500,000;
	// 80 × = 1,000,000; 40 × = 500,000; 12 × = 150,000; 6 × = 75,000.
	value := decimal.RequireFromString("12500.00")
	got := closedTable(t, salesFunnel, []int64{200, 80, 40, 12, 6}, &TableOptions{Value: decimal.NewNullDecimal(value)})
	want := []string{"2500000.00", "1000000.00", "500000.00", "150000.00", "75000.00"}
	var have []string
	for _, row := range got.Stages {
		if !row.Money.Valid {
			t.Fatalf("stage %s: Money not Valid", row.Stage)
		}
		have = append(have, row.Money.Decimal.StringFixed(2))
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Money mismatch (-want +got):\n%s", diff)
	}
	// Money is shown to the cent, rounded half to even: 3 × 0.125 =
	// 0.375 → 0.38, 1 × 0.125 → 0.12.
	got = closedTable(t, MustNew("a", "b"), []int64{3, 1}, &TableOptions{Value: decimal.NewNullDecimal(decimal.RequireFromString("0.125"))})
	if m0, m1 := got.Stages[0].Money.Decimal.String(), got.Stages[1].Money.Decimal.String(); m0 != "0.38" || m1 != "0.12" {
		t.Errorf("money = %s, %s; want 0.38, 0.12", m0, m1)
	}
	// Plain counts without a value have no money: null in JSON.
	got = closedTable(t, salesFunnel, []int64{200, 80, 40, 12, 6}, nil)
	if got.Stages[2].Money.Valid {
		t.Errorf("Money valid without a value: %v", got.Stages[2].Money)
	}
}

func TestTableBenchmark(t *testing.T) {
	reached := []int64{200, 80, 40, 12, 6}
	// Benchmark steps 0.5, 0.5, 0.4, 0.5, given as rates or as the counts
	// 100, 50, 25, 10, 5 (50/100, 25/50, 10/25, 5/10). By hand, on the
	// resolved steps (all deals closed):
	//	qualified: 0.40 − 0.5 = −0.10, shortfall 200·0.5 − 80 = 20
	//	meeting:   0.50 − 0.5 =  0,    shortfall  80·0.5 − 40 = 0
	//	proposal:  0.30 − 0.4 = −0.10, shortfall  40·0.4 − 12 = 4
	//	won:       0.50 − 0.5 =  0,    shortfall  12·0.5 − 6  = 0
	want := []*Gap{
		nil,
		{Benchmark: Some(0.5), Points: Some(-0.1), Shortfall: Some(20)},
		{Benchmark: Some(0.5), Points: Some(0), Shortfall: Some(0)},
		{Benchmark: Some(0.4), Points: Some(-0.1), Shortfall: Some(4)},
		{Benchmark: Some(0.5), Points: Some(0), Shortfall: Some(0)},
	}
	for name, opts := range map[string]*TableOptions{
		"rates":  {BenchmarkRates: []float64{0.5, 0.5, 0.4, 0.5}},
		"counts": {BenchmarkCounts: []int64{100, 50, 25, 10, 5}},
	} {
		t.Run(name, func(t *testing.T) {
			saved := TableOptions{BenchmarkRates: slices.Clone(opts.BenchmarkRates), BenchmarkCounts: slices.Clone(opts.BenchmarkCounts)}
			got := closedTable(t, salesFunnel, reached, opts)
			var gaps []*Gap
			for _, row := range got.Stages {
				gaps = append(gaps, row.Gap)
			}
			if diff := cmp.Diff(want, gaps, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("gaps mismatch (-want +got):\n%s", diff)
			}
			if !slices.Equal(saved.BenchmarkRates, opts.BenchmarkRates) || !slices.Equal(saved.BenchmarkCounts, opts.BenchmarkCounts) {
				t.Errorf("NewTable modified the benchmark")
			}
		})
	}

	// A benchmark from counts with no deals past its first stage: the
	// step into b is 0 of 100 there (0.40 − 0 = 0.40 ahead, shortfall
	// 200·0 − 80 = −80); its later step is 0 of 0: the benchmark is null
	// and so is the comparison. After a stage of ours with no deals the
	// benchmark is known but there is nothing to compare.
	got := closedTable(t, MustNew("a", "b", "c"), []int64{200, 80, 0}, &TableOptions{BenchmarkCounts: []int64{100, 0, 0}})
	wantGaps := []*Gap{nil, {Benchmark: Some(0), Points: Some(0.4), Shortfall: Some(-80)}, {}}
	var gaps []*Gap
	for _, row := range got.Stages {
		gaps = append(gaps, row.Gap)
	}
	if diff := cmp.Diff(wantGaps, gaps, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("undefined benchmark gaps mismatch (-want +got):\n%s", diff)
	}
	got = closedTable(t, MustNew("a", "b", "c"), []int64{5, 0, 0}, &TableOptions{BenchmarkRates: []float64{0.5, 0.5}})
	if g := got.Stages[2].Gap; g == nil || !g.Benchmark.Valid || g.Points.Valid {
		t.Errorf("gap after a stage with no deals = %+v, want a benchmark and no comparison", g)
	}
}

func TestTableErrors(t *testing.T) {
	ok, err := FromReached(salesFunnel, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	short := countsUnchecked([]int64{200, 80})
	negative := countsUnchecked([]int64{200, 80, -1, 0, 0})
	rise := countsUnchecked([]int64{200, 80, 90, 12, 6})
	tests := []struct {
		name  string
		f     Funnel
		c     Counts
		opts  *TableOptions
		want  error
		stage string // the stage a *StageError must name, if any
	}{
		{"empty funnel", Funnel{}, ok, nil, ErrEmptyFunnel, ""},
		{"too few counts", salesFunnel, short, nil, ErrLengthMismatch, ""},
		{"negative count", salesFunnel, negative, nil, ErrNegativeCount, "meeting"},
		{"counts rise", salesFunnel, rise, nil, ErrCountsRise, "meeting"},
		{"negative value", salesFunnel, ok, &TableOptions{Value: decimal.NewNullDecimal(decimal.NewFromInt(-1))}, ErrNegativeAmount, ""},
		{"value out of range", salesFunnel, ok, &TableOptions{Value: decimal.NewNullDecimal(decimal.New(1, 40))}, ErrOutOfRange, ""},
		{"confidence 1", salesFunnel, ok, &TableOptions{Confidence: 1}, ErrOutOfRange, ""},
		{"confidence NaN", salesFunnel, ok, &TableOptions{Confidence: math.NaN()}, ErrNotFinite, ""},
		{"rule", salesFunnel, ok, &TableOptions{Rule: 7}, ErrOutOfRange, ""},
		{"both benchmarks", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{1, 1, 1, 1}, BenchmarkCounts: []int64{1, 1, 1, 1, 1}}, ErrOutOfRange, ""},
		{"benchmark rates length", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{0.5, 0.5}}, ErrLengthMismatch, ""},
		{"benchmark rate above 1", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{0.5, 1.2, 0.5, 0.5}}, ErrRateRange, ""},
		{"benchmark rate negative", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{0.5, 0.5, -0.1, 0.5}}, ErrRateRange, ""},
		{"benchmark rate NaN", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{math.NaN(), 0.5, 0.5, 0.5}}, ErrNotFinite, ""},
		{"benchmark rate Inf", salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{0.5, 0.5, 0.5, math.Inf(1)}}, ErrNotFinite, ""},
		{"benchmark counts rise", salesFunnel, ok, &TableOptions{BenchmarkCounts: []int64{100, 50, 25, 30, 5}}, ErrCountsRise, "proposal"},
		{"benchmark counts length", salesFunnel, ok, &TableOptions{BenchmarkCounts: []int64{100}}, ErrLengthMismatch, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewTable(tt.f, tt.c, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewTable error = %v, want %v", err, tt.want)
			}
			if got.Stages != nil {
				t.Errorf("NewTable returned rows with an error: %v", got)
			}
			if tt.stage != "" {
				var se *StageError
				if !errors.As(err, &se) || se.Stage != tt.stage {
					t.Errorf("error %v does not name stage %q", err, tt.stage)
				}
			}
		})
	}
	// The message names the rate and the step.
	_, err = NewTable(salesFunnel, ok, &TableOptions{BenchmarkRates: []float64{0.5, 1.2, 0.5, 0.5}})
	if want := `funnel: benchmark rates[1] = 1.2: rate outside [0,1]: step "qualified" to "meeting"`; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %q", err, want)
	}
}

func TestFromReachedErrors(t *testing.T) {
	f := MustNew("a", "b", "c")
	tests := []struct {
		name          string
		reached, open []int64
		want          error
	}{
		{"open length", []int64{3, 2, 1}, []int64{1}, ErrLengthMismatch},
		{"negative open", []int64{3, 2, 1}, []int64{-1, 0, 0}, ErrNegativeCount},
		{"more open than stopped", []int64{3, 2, 1}, []int64{2, 0, 0}, ErrCountsRise},
		{"open at the won stage", []int64{3, 2, 1}, []int64{0, 0, 1}, ErrCountsRise},
		{"reached rise", []int64{3, 4, 1}, nil, ErrCountsRise},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := FromReached(f, tt.reached, tt.open); !errors.Is(err, tt.want) {
				t.Errorf("FromReached(%v, %v) error = %v, want %v", tt.reached, tt.open, err, tt.want)
			}
		})
	}
	// Counts it builds pass the checks, and say every deal entered each
	// stage up to its furthest: 3 reached a, 2 b, 1 c; 1 open at a.
	c, err := FromReached(f, []int64{3, 2, 1}, []int64{1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if c.Deals != 3 || c.Won != 1 || c.Open != 1 || c.Lost != 1 || c.LostAt[1] != 1 || !slices.Equal(c.Entered, c.Reached) {
		t.Errorf("FromReached = %+v", c)
	}
}

// TestTableJSON checks the shape an API consumer reads: rates with k, n
// and value (null when undefined), money rounded to cents as a string,
// optional parts absent when not asked for.
func TestTableJSON(t *testing.T) {
	c, err := FromReached(MustNew("a", "b"), []int64{4, 1}, []int64{2, 0})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := NewTable(MustNew("a", "b"), c, &TableOptions{Value: decimal.NewNullDecimal(decimal.RequireFromString("10")), BenchmarkRates: []float64{0.5}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tb)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	// Into b: 1 of 4 naive, 1 of 4 − 2 = 1 of 2 resolved, lost 1.
	want := map[string]any{
		"rule": "implied", "weakest": 1.0, "weakest_stage": "b",
		"overall": map[string]any{"k": 1.0, "n": 4.0, "value": 0.25},
		"stages": []any{
			map[string]any{"stage": "a", "reached": 4.0, "pending": 2.0, "lost": 0.0, "lost_share": nil, "money": "40",
				"step": map[string]any{"k": 0.0, "n": 0.0, "value": nil}, "resolved": map[string]any{"k": 0.0, "n": 0.0, "value": nil},
				"cumulative": map[string]any{"k": 4.0, "n": 4.0, "value": 1.0}},
			map[string]any{"stage": "b", "reached": 1.0, "pending": 0.0, "lost": 1.0, "lost_share": 0.5, "money": "10",
				"step": map[string]any{"k": 1.0, "n": 4.0, "value": 0.25}, "resolved": map[string]any{"k": 1.0, "n": 2.0, "value": 0.5},
				"cumulative": map[string]any{"k": 1.0, "n": 4.0, "value": 0.25},
				"gap":        map[string]any{"benchmark": 0.5, "points": 0.0, "shortfall": 0.0}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Table JSON mismatch (-want +got):\n%s\n%s", diff, b)
	}
}

// FuzzTable checks that NewTable never panics on any counts, open deals
// and benchmark rate, and that a table it returns has every rate in
// [0, 1], no NaN or Inf, losses that add up to the closed deals that did
// not win, and a weakest step that is the lowest resolved one.
func FuzzTable(f *testing.F) {
	f.Add(int64(200), int64(80), int64(40), int64(12), int64(0), int64(0), 0.5)
	f.Add(int64(10), int64(0), int64(0), int64(0), int64(10), int64(0), 0.0)
	f.Add(int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), 1.0)
	f.Add(int64(200), int64(80), int64(90), int64(12), int64(1), int64(2), 0.5)
	f.Add(int64(-1), int64(0), int64(0), int64(0), int64(0), int64(0), 0.5)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(1), int64(0), int64(0), int64(1), math.NaN())
	f.Add(int64(5), int64(5), int64(5), int64(5), int64(0), int64(0), 1.5)
	fn := MustNew("a", "b", "c", "d")
	f.Fuzz(func(t *testing.T, a, b, c, d, oa, ob int64, bench float64) {
		reached := []int64{a, b, c, d}
		counts, err := FromReached(fn, reached, []int64{oa, ob, 0, 0})
		if err != nil {
			return
		}
		tb, err := NewTable(fn, counts, &TableOptions{Confidence: 0.9, BenchmarkRates: []float64{bench, bench, bench}})
		if err != nil {
			if !(bench >= 0 && bench <= 1) {
				return
			}
			t.Fatalf("NewTable(%v, open %d %d): %v", reached, oa, ob, err)
		}
		var lost int64
		for i, row := range tb.Stages {
			for _, x := range []float64{row.Step.Value(), row.Resolved.Value(), row.Cumulative.Value(), row.LostShare.Float64} {
				if math.IsNaN(x) || x < 0 || x > 1 {
					t.Fatalf("row %d of %v: rate %v outside [0, 1] in %+v", i, reached, x, row)
				}
			}
			if row.Gap != nil && (!finite(row.Gap.Points) || !finite(row.Gap.Shortfall)) {
				t.Fatalf("row %d of %v: NaN or Inf in %+v", i, reached, row.Gap)
			}
			if row.Lost < 0 {
				t.Errorf("row %d of %v: lost %d < 0", i, reached, row.Lost)
			}
			lost += row.Lost
			if w := tb.Weakest; w >= 0 && row.Resolved.Defined() && row.Resolved.Value() < tb.Stages[w].Resolved.Value() {
				t.Errorf("%v: weakest %d (%v) but row %d is lower (%v)", reached, w, tb.Stages[w].Resolved, i, row.Resolved)
			}
		}
		if lost != counts.Lost {
			t.Errorf("%v: losses add to %d, want the lost deals %d", reached, lost, counts.Lost)
		}
	})
}
