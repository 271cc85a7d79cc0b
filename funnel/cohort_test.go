package funnel

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
			// L all three; Q C1 C2 C3 (C3 by implication); M C1 C3; W C1.
			Reached: []int64{3, 3, 2, 1},
			Steps: []CohortStep{
				// L→Q in window: C1, C3 (not C2, 10 days).
				{From: "L", To: "Q", Converted: Rate{2, 3}, Mature: true},
				// Q→M in window: C3 only (C1 took 15 days, C2 never).
				{From: "Q", To: "M", Converted: Rate{1, 3}, Mature: true},
				// M→W: C1 of C1, C3. Last reach of M is Feb 2, + 7 days
				// = Feb 9, before Mar 1: mature.
				{From: "M", To: "W", Converted: Rate{1, 2}, Mature: true},
			},
			Mature: true,
		},
		{
			Label: "2024-02", Start: day(2, 1), End: day(3, 1), Deals: 1,
			Reached: []int64{1, 1, 0, 0},
			Steps: []CohortStep{
				// C4 reached L on Feb 25: + 7 days = Mar 3, after Mar 1, so
				// immature although it converted.
				{From: "L", To: "Q", Converted: Rate{1, 1}, Mature: false},
				// Q on Feb 27: immature, 0 of 1 so far.
				{From: "Q", To: "M", Converted: Rate{0, 1}, Mature: false},
				// nobody reached M: nothing to wait for.
				{From: "M", To: "W", Converted: Rate{0, 0}, Mature: true},
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
	got, err := Compare(f, []int64{200, 80, 40, 12, 6}, []int64{220, 80, 44, 11, 6})
	if err != nil {
		t.Fatal(err)
	}
	// Deltas 20, 0, 4, -1, 0; percent 20/200, 0, 4/40, -1/12, 0.
	// Conversions before 80/200, 40/80, 12/40, 6/12; after 80/220, 44/80,
	// 11/44, 6/11.
	want := []Change{
		{Stage: "lead", Before: 200, After: 220, Delta: 20, DeltaPct: 0.1, Defined: true, ConvBefore: Rate{80, 200}, ConvAfter: Rate{80, 220}, ConvDelta: 80.0/220 - 0.4},
		{Stage: "qualified", Before: 80, After: 80, Delta: 0, DeltaPct: 0, Defined: true, ConvBefore: Rate{40, 80}, ConvAfter: Rate{44, 80}, ConvDelta: 0.05},
		{Stage: "meeting", Before: 40, After: 44, Delta: 4, DeltaPct: 0.1, Defined: true, ConvBefore: Rate{12, 40}, ConvAfter: Rate{11, 44}, ConvDelta: -0.05},
		{Stage: "proposal", Before: 12, After: 11, Delta: -1, DeltaPct: -1.0 / 12, Defined: true, ConvBefore: Rate{6, 12}, ConvAfter: Rate{6, 11}, ConvDelta: 6.0/11 - 0.5},
		{Stage: "won", Before: 6, After: 6, Delta: 0, DeltaPct: 0, Defined: true},
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
		{"negative", []int64{5, 4, 3, 2, -1}, []int64{1, 1, 1, 1, 1}, ErrNegativeCount},
		{"rising", []int64{5, 4, 3, 2, 1}, []int64{1, 2, 1, 1, 1}, ErrCountsRise},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Compare(f, tt.before, tt.after); !errors.Is(err, tt.want) {
				t.Errorf("Compare: err = %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzCompare checks that Compare never panics and, when it accepts the
// counts, returns changes that add up and no NaN or Inf.
func FuzzCompare(f *testing.F) {
	f.Add(int64(200), int64(80), int64(40), int64(220), int64(80), int64(44))
	f.Add(int64(0), int64(0), int64(0), int64(5), int64(5), int64(5))
	f.Add(int64(-1), int64(0), int64(0), int64(1), int64(2), int64(3))
	fn := MustNew("a", "b", "c")
	f.Fuzz(func(t *testing.T, b0, b1, b2, a0, a1, a2 int64) {
		before, after := []int64{b0, b1, b2}, []int64{a0, a1, a2}
		got, err := Compare(fn, before, after)
		if err != nil {
			if CheckReached(fn, before) == nil && CheckReached(fn, after) == nil {
				t.Fatalf("Compare(%v, %v) = %v for valid counts", before, after, err)
			}
			return
		}
		for k, c := range got {
			if c.Delta != after[k]-before[k] || math.IsNaN(c.DeltaPct) || math.IsInf(c.DeltaPct, 0) || math.IsNaN(c.ConvDelta) || math.Abs(c.ConvDelta) > 1 {
				t.Fatalf("Compare(%v, %v)[%d] = %+v", before, after, k, c)
			}
		}
	})
}

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
		if err := h.check(); err != nil {
			t.Fatal(err)
		}
		if h.N == 0 {
			return
		}
		lo, _, _ := h.QuantileDays(0)
		med, _, _ := h.QuantileDays(0.5)
		hi, _, _ := h.QuantileDays(1)
		mean, _ := h.MeanDays()
		if !(lo <= med && med <= hi) || mean < float64(lo) || mean >= float64(hi+1) || math.IsNaN(mean) {
			t.Fatalf("quantiles %d %d %d, mean %v", lo, med, hi, mean)
		}
	})
}

// TestCompareErrorNamesInput checks that an error names which input and
// which stage: the after counts rise at stage "b" (index 1).
func TestCompareErrorNamesInput(t *testing.T) {
	_, err := Compare(MustNew("a", "b", "c"), []int64{3, 2, 1}, []int64{1, 2, 1})
	var se *StageError
	if !errors.As(err, &se) || se.Input != "after" || se.Stage != "b" || se.Index != 1 {
		t.Fatalf("Compare: err = %#v, want a *StageError for after, stage b, index 1", err)
	}
	const want = `funnel: after: stage "b" (index 1): count rises down the funnel: 2 after 1 at "a"`
	if err.Error() != want {
		t.Errorf("error text = %q, want %q (one package prefix)", err.Error(), want)
	}
}
