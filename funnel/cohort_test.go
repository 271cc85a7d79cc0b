package funnel

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

func day(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }

func TestCohortsHandWorked(t *testing.T) {
	f := MustNew("L", "Q", "M", "W")
	ev := func(stage int, m time.Month, d int) Event { return Event{Stage: stage, At: day(m, d)} }
	deals := []Deal{
		// C1: L Jan 3, Q Jan 5 (2 days: in the 7-day window), M Jan 20 (15
		// days: out), W Jan 25 (5 days: in). Won.
		{ID: "C1", Outcome: Won, Closed: day(1, 25), Events: []Event{ev(0, 1, 3), ev(1, 1, 5), ev(2, 1, 20), ev(3, 1, 25)}},
		// C2: L Jan 10, Q Jan 20 (10 days: out). Open.
		{ID: "C2", Events: []Event{ev(0, 1, 10), ev(1, 1, 20)}},
		// C3: L Jan 28, skips Q to M on Feb 2 (Q reached then: 5 days, in;
		// Q to M 0 days, in); lost Feb 10.
		{ID: "C3", Outcome: Lost, Closed: day(2, 10), Events: []Event{ev(0, 1, 28), ev(2, 2, 2)}},
		// C4: L Feb 25, Q Feb 27 (2 days, in). Open.
		{ID: "C4", Events: []Event{ev(0, 2, 25), ev(1, 2, 27)}},
		// C5: no known time: undated.
		{ID: "C5", Events: []Event{{Stage: 0}}},
	}
	ct, err := NewCohortTally(f, CohortOptions{Window: 7 * 24 * time.Hour, AsOf: day(3, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deals {
		if err := ct.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	want := []Cohort{
		{
			Label: "2024-01", Start: day(1, 1), End: day(2, 1), Deals: 3,
			// Reached: L all three; Q C1 C2 C3 (C3 by implication); M C1
			// C3; W C1. Row k holds the step into stage k.
			Stages: []CohortStage{
				{Stage: "L", Reached: 3, Mature: true},
				// L→Q in window: C1, C3 (not C2, 10 days).
				{Stage: "Q", Reached: 3, Converted: Rate{2, 3}, Mature: true},
				// Q→M in window: C3 only (C1 took 15 days, C2 never).
				{Stage: "M", Reached: 2, Converted: Rate{1, 3}, Mature: true},
				// M→W: C1 of C1, C3. Last reach of M is Feb 2, + 7 days
				// = Feb 9, before Mar 1: mature.
				{Stage: "W", Reached: 1, Converted: Rate{1, 2}, Mature: true},
			},
			Mature: true,
		},
		{
			Label: "2024-02", Start: day(2, 1), End: day(3, 1), Deals: 1,
			Stages: []CohortStage{
				{Stage: "L", Reached: 1, Mature: true},
				// C4 reached L on Feb 25: + 7 days = Mar 3, after Mar 1, so
				// immature although it converted.
				{Stage: "Q", Reached: 1, Converted: Rate{1, 1}, Mature: false},
				// Q on Feb 27: immature, 0 of 1 so far.
				{Stage: "M", Reached: 0, Converted: Rate{0, 1}, Mature: false},
				// nobody reached M: nothing to wait for.
				{Stage: "W", Reached: 0, Converted: Rate{0, 0}, Mature: true},
			},
			Mature: false,
		},
	}
	if diff := cmp.Diff(want, ct.Cohorts()); diff != "" {
		t.Errorf("Cohorts() mismatch (-want +got):\n%s", diff)
	}
	if ct.Undated() != 1 {
		t.Errorf("Undated() = %d, want 1 (C5)", ct.Undated())
	}

	// Merging two halves gives the same cohorts.
	a, _ := NewCohortTally(f, CohortOptions{Window: 7 * 24 * time.Hour, AsOf: day(3, 1)})
	b, _ := NewCohortTally(f, CohortOptions{Window: 7 * 24 * time.Hour, AsOf: day(3, 1)})
	for i, d := range deals {
		side := a
		if i%2 == 1 {
			side = b
		}
		if err := side.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, a.Cohorts()); diff != "" {
		t.Errorf("merged Cohorts() mismatch (-want +got):\n%s", diff)
	}
	other, _ := NewCohortTally(f, CohortOptions{Window: 24 * time.Hour, AsOf: day(3, 1)})
	if err := a.Merge(other); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Merge with another window: err = %v, want ErrIncompatible", err)
	}
}

func TestCohortOptionsErrors(t *testing.T) {
	f := MustNew("a", "b")
	tests := []struct {
		name string
		f    Funnel
		opts CohortOptions
		want error
	}{
		{"zero window", f, CohortOptions{AsOf: day(1, 1)}, ErrOutOfRange},
		{"negative window", f, CohortOptions{Window: -time.Hour, AsOf: day(1, 1)}, ErrOutOfRange},
		{"no as-of", f, CohortOptions{Window: time.Hour}, ErrOutOfRange},
		{"bad period", f, CohortOptions{Period: 9, Window: time.Hour, AsOf: day(1, 1)}, ErrOutOfRange},
		{"empty funnel", Funnel{}, CohortOptions{Window: time.Hour, AsOf: day(1, 1)}, ErrEmptyFunnel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewCohortTally(tt.f, tt.opts); !errors.Is(err, tt.want) {
				t.Errorf("NewCohortTally: err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		p          Period
		at         time.Time
		start, end time.Time
		label      string
	}{
		// 2024-01-01 is a Monday, so ISO week 1 of 2024 starts on it.
		{Week, day(1, 3), day(1, 1), day(1, 8), "2024-W01"},
		// 2024-12-30 is a Monday in ISO week 1 of 2025.
		{Week, day(12, 31), day(12, 30), time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), "2025-W01"},
		{Month, day(2, 29), day(2, 1), day(3, 1), "2024-02"},
		{Quarter, day(8, 15), day(7, 1), day(10, 1), "2024-Q3"},
	}
	for _, tt := range tests {
		start := tt.p.Start(tt.at)
		got := []any{start, tt.p.End(start), tt.p.Label(tt.at)}
		if diff := cmp.Diff([]any{tt.start, tt.end, tt.label}, got); diff != "" {
			t.Errorf("%v of %v mismatch (-want +got):\n%s", tt.p, tt.at, diff)
		}
	}
}

func TestCompare(t *testing.T) {
	f := MustNew("lead", "qualified", "meeting", "proposal", "won")
	before, err := FromReached(f, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	after, err := FromReached(f, []int64{220, 80, 44, 11, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Compare(f, before, after)
	if err != nil {
		t.Fatal(err)
	}
	// Deltas 20, 0, 4, -1, 0; shares 20/200, 0, 4/40, -1/12, 0. Every
	// deal is closed, so the resolved steps are the naive ones: into
	// qualified 80/200 then 80/220, meeting 40/80 then 44/80, proposal
	// 12/40 then 11/44, won 6/12 then 6/11.
	want := []Change{
		{Stage: "lead", Before: 200, After: 220, Delta: 20, DeltaShare: Some(0.1)},
		{Stage: "qualified", Before: 80, After: 80, Delta: 0, DeltaShare: Some(0), StepBefore: Rate{80, 200}, StepAfter: Rate{80, 220}, StepDelta: Some(80.0/220 - 0.4)},
		{Stage: "meeting", Before: 40, After: 44, Delta: 4, DeltaShare: Some(0.1), StepBefore: Rate{40, 80}, StepAfter: Rate{44, 80}, StepDelta: Some(0.05)},
		{Stage: "proposal", Before: 12, After: 11, Delta: -1, DeltaShare: Some(-1.0 / 12), StepBefore: Rate{12, 40}, StepAfter: Rate{11, 44}, StepDelta: Some(-0.05)},
		{Stage: "won", Before: 6, After: 6, Delta: 0, DeltaShare: Some(0), StepBefore: Rate{6, 12}, StepAfter: Rate{6, 11}, StepDelta: Some(6.0/11 - 0.5)},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Compare mismatch (-want +got):\n%s", diff)
	}
	bad := []struct {
		name          string
		before, after []int64
		want          error
	}{
		{"short", []int64{1, 1}, []int64{1, 1, 1, 1, 1}, ErrLengthMismatch},
		{"rising", []int64{5, 4, 3, 2, 1}, []int64{1, 2, 1, 1, 1}, ErrCountsRise},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			b, a := countsUnchecked(tt.before), countsUnchecked(tt.after)
			if _, err := Compare(f, b, a); !errors.Is(err, tt.want) {
				t.Errorf("Compare: err = %v, want %v", err, tt.want)
			}
		})
	}
}

// countsUnchecked returns counts of closed deals with reached[k] at stage
// k and no other check, to feed bad counts to the functions that check.
func countsUnchecked(reached []int64) Counts {
	n := len(reached)
	c := Counts{Reached: reached, Entered: reached, EnteredBoth: make([]int64, n), OpenAt: make([]int64, n), StrictPending: make([]int64, n),
		LostAt: make([]int64, n), AmountReached: make([]decimal.Decimal, n), StageTime: make([]Durations, n), WonToClose: make([]Durations, n)}
	if n > 0 {
		c.Deals, c.Won, c.NoAmount = reached[0], reached[n-1], reached[0]
		c.Lost = c.Deals - c.Won
		for k := range n - 1 {
			c.LostAt[k] = reached[k] - reached[k+1]
			c.EnteredBoth[k] = reached[k+1]
		}
	}
	return c
}

// FuzzCompare checks that Compare never panics and, on valid counts,
// returns changes that add up, with no NaN or Inf.
func FuzzCompare(f *testing.F) {
	f.Add(int64(200), int64(80), int64(40), int64(220), int64(80), int64(44))
	f.Add(int64(0), int64(0), int64(0), int64(5), int64(5), int64(5))
	f.Add(int64(-1), int64(0), int64(0), int64(1), int64(2), int64(3))
	fn := MustNew("a", "b", "c")
	f.Fuzz(func(t *testing.T, b0, b1, b2, a0, a1, a2 int64) {
		before, after := []int64{b0, b1, b2}, []int64{a0, a1, a2}
		got, err := Compare(fn, countsUnchecked(before), countsUnchecked(after))
		if err != nil {
			if CheckReached(fn, before) == nil && CheckReached(fn, after) == nil {
				t.Fatalf("Compare(%v, %v) = %v for valid counts", before, after, err)
			}
			return
		}
		for k, c := range got {
			if c.Delta != after[k]-before[k] || !finite(c.DeltaShare) || !finite(c.StepDelta) || math.Abs(c.StepDelta.Float64) > 1 {
				t.Fatalf("Compare(%v, %v)[%d] = %+v", before, after, k, c)
			}
		}
	})
}

// finite reports whether a NullFloat64 holds no NaN or infinity.
func finite(v NullFloat64) bool { return !math.IsNaN(v.Float64) && !math.IsInf(v.Float64, 0) }

// FuzzDurations adds durations and checks the histogram's invariants: the
// bins sum to N, the quantiles are ordered and within the bins, and the
// mean lies between the smallest and the largest observation's day.
func FuzzDurations(f *testing.F) {
	f.Add(int64(0), int64(86400), int64(3*86400+5))
	f.Add(int64(-1), int64(1), int64(1<<40))
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		var h Durations
		for _, s := range []int64{a, b, c} {
			d := time.Duration(s) * time.Second
			if s > 1<<40 || s < -(1<<40) {
				continue // beyond time.Duration; not a duration
			}
			err := h.Add(d)
			if (err != nil) != (d < 0 || d > maxDays*24*time.Hour) {
				t.Fatalf("Add(%v) = %v", d, err)
			}
		}
		// The encoded form passes the decoder's checks: bins add up to N
		// and allow the sum of seconds.
		enc, err := h.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back Durations
		if err := back.UnmarshalJSON(enc); err != nil || !back.Equal(h) {
			t.Fatalf("round trip of %s: %v", enc, err)
		}
		if h.N() == 0 {
			return
		}
		lo, _ := h.QuantileDays(0)
		med, _ := h.QuantileDays(0.5)
		hi, _ := h.QuantileDays(1)
		mean := h.MeanDays()
		if !(lo.Float64 <= med.Float64 && med.Float64 <= hi.Float64) || mean.Float64 < lo.Float64 || mean.Float64 >= hi.Float64+1 || !finite(mean) {
			t.Fatalf("quantiles %v %v %v, mean %v", lo, med, hi, mean)
		}
	})
}

// TestCompareErrorNamesInput checks that an error names which input and
// which stage: the after counts rise at stage "b" (index 1).
func TestCompareErrorNamesInput(t *testing.T) {
	_, err := Compare(MustNew("a", "b", "c"), countsUnchecked([]int64{3, 2, 1}), countsUnchecked([]int64{1, 2, 1}))
	var se *StageError
	if !errors.As(err, &se) || se.Input != "after.reached" || se.Stage != "b" || se.Index != 1 {
		t.Fatalf("Compare: err = %#v, want a *StageError for after.reached, stage b, index 1", err)
	}
	const want = `funnel: after.reached: stage "b" (index 1): count rises down the funnel: 2 after 1`
	if err.Error() != want {
		t.Errorf("error text = %q, want %q (one package prefix)", err.Error(), want)
	}
}
