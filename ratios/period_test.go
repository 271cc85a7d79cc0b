package ratios_test

import (
	"errors"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// bmPeriods are two quarters over Lead > Meeting > Won, every deal
// closed:
//
//	before: ava 200 > 60 > 15, ben 200 > 80 > 20, cal 100 > 30 > 9, old 50 > 10 > 2
//	after:  ava 200 > 100 > 25, ben 200 > 78 > 22, cal 10 > 4 > 1, new 40 > 10 > 3
//
// given in different orders; old left and new joined.
func bmPeriods(tb testing.TB) (funnel.Funnel, []funnel.Counts, []funnel.Counts) {
	tb.Helper()
	f := funnel.MustNew("Lead", "Meeting", "Won")
	before := []funnel.Counts{
		bmCounts(tb, f, "old", []int64{50, 10, 2}, nil),
		bmCounts(tb, f, "ben", []int64{200, 80, 20}, nil),
		bmCounts(tb, f, "ava", []int64{200, 60, 15}, nil),
		bmCounts(tb, f, "cal", []int64{100, 30, 9}, nil),
	}
	after := []funnel.Counts{
		bmCounts(tb, f, "ava", []int64{200, 100, 25}, nil),
		bmCounts(tb, f, "cal", []int64{10, 4, 1}, nil),
		bmCounts(tb, f, "new", []int64{40, 10, 3}, nil),
		bmCounts(tb, f, "ben", []int64{200, 78, 22}, nil),
	}
	return f, before, after
}

// bmMove is the part of a Move checked against R.
type bmMove struct {
	Stage          string
	Diff, P, Adj   float64
	Fisher, Beyond bool
}

func TestMoversAgainstR(t *testing.T) {
	// R 4.x, after (A) against before (B) for each rep and step, with
	// me = min(nA, nB)·min(k, n − k)/n the smallest expected count:
	//
	//	p   = if (me < 5) fisher.test(matrix(c(kA, nA-kA, kB, nB-kB), 2, byrow=TRUE))$p.value
	//	      else prop.test(c(kA, kB), c(nA, nB), correct=FALSE)$p.value
	//	adj = p.adjust(p, "BH") over the 6 cells
	//
	// ava into Meeting went from 60/200 to 100/200, +0.2, p 4.46e-5
	// (adjusted 2.67e-4): she moved beyond noise. cal's 10 leads this
	// quarter give expected counts 3.09 and 1.18, so Fisher's p (0.4955
	// where prop.test gives 0.5141, and 1). Nothing else moved.
	want := map[string][]bmMove{
		"ava": {
			{"Meeting", 0.2, 4.45570906040561e-05, 0.000267342543624337, false, true},
			{"Won", 0, 1, 1, false, false},
		},
		"ben": {
			{"Meeting", -0.01, 0.837914787391761, 1, false, false},
			{"Won", 0.032051282051282, 0.648429418059347, 1, false, false},
		},
		"cal": {
			{"Meeting", 0.1, 0.495490396565605, 1, true, false},
			{"Won", -0.05, 1, 1, true, false},
		},
	}
	f, before, after := bmPeriods(t)
	m, err := ratios.Movers(f, before, after, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]bmMove{}
	var names []string
	for _, r := range m.Reps {
		names = append(names, r.Name)
		for _, s := range r.Steps {
			got[r.Name] = append(got[r.Name], bmMove{s.Stage, s.Difference.Diff.Float64, s.P.Float64, s.Adjusted.Float64, s.FisherP.Valid, s.Beyond})
		}
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 1e-13)); diff != "" {
		t.Errorf("moves mismatch (-want +got):\n%s", diff)
	}
	// Sorted by name, with the indices in each period; old and new are
	// listed, not dropped.
	wantShape := []any{[]string{"ava", "ben", "cal"}, [2]int{2, 0}, [2]int{1, 3}, []string{"old"}, []string{"new"}, 6, 1}
	gotShape := []any{names, [2]int{m.Reps[0].Before, m.Reps[0].After}, [2]int{m.Reps[1].Before, m.Reps[1].After}, m.OnlyBefore, m.OnlyAfter, m.Tests, m.Discoveries}
	if diff := cmp.Diff(wantShape, gotShape); diff != "" {
		t.Errorf("matching mismatch (-want +got):\n%s", diff)
	}
	// The rates are the core's resolved steps of each period: ava into
	// Meeting 60/200 before, 100/200 after.
	d := m.Reps[0].Steps[0].Difference
	if diff := cmp.Diff([]funnel.Rate{{K: 100, N: 200}, {K: 60, N: 200}}, []funnel.Rate{d.A, d.B}); diff != "" {
		t.Errorf("ava's rates mismatch (-want +got):\n%s", diff)
	}
}

func TestMoversNoOverlap(t *testing.T) {
	// Nobody in both periods: no reps, no tests, both lists full.
	f := funnel.MustNew("Lead", "Won")
	m, err := ratios.Movers(f, []funnel.Counts{bmCounts(t, f, "a", []int64{5, 1}, nil)}, []funnel.Counts{bmCounts(t, f, "b", []int64{5, 2}, nil)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{0, []string{"a"}, []string{"b"}, 0, 0}
	if diff := cmp.Diff(want, []any{len(m.Reps), m.OnlyBefore, m.OnlyAfter, m.Tests, m.Discoveries}); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestMoversBadInput(t *testing.T) {
	f, before, after := bmPeriods(t)
	twice := append(append([]funnel.Counts{}, after...), after[0])
	other := bmCounts(t, funnel.MustNew("Lead", "Won"), "ava", []int64{10, 5}, nil)
	rising := after[1].Clone()
	rising.Reached[2] = 5 // 10 > 4 > 5
	tests := []struct {
		name          string
		before, after []funnel.Counts
		opts          *ratios.Options
		place         string
		is            error
	}{
		{"no before", nil, after, nil, "before", funnel.ErrNoData},
		{"no after", before, []funnel.Counts{}, nil, "after", funnel.ErrNoData},
		{"mismatched funnels", before, []funnel.Counts{after[0], other}, nil, "after[1].reached", funnel.ErrLengthMismatch},
		{"counts rise", []funnel.Counts{before[0], rising}, after, nil, "before[1].reached", funnel.ErrCountsRise},
		{"duplicate name", before, twice, nil, "after[4]", funnel.ErrIncompatible},
		{"fdr 2", before, after, &ratios.Options{FDR: 2}, "fdr", funnel.ErrOutOfRange},
		{"confidence 1", before, after, &ratios.Options{Confidence: 1}, "confidence", funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ratios.Movers(f, tt.before, tt.after, tt.opts)
			if !errors.Is(err, tt.is) {
				t.Fatalf("Movers error = %v, want one wrapping %v", err, tt.is)
			}
			checkPlace(t, err, "ratios.Movers", tt.place)
		})
	}
}

func TestMoversInputsUnchanged(t *testing.T) {
	f, before, after := bmPeriods(t)
	kb, ka := make([]funnel.Counts, len(before)), make([]funnel.Counts, len(after))
	for i := range before {
		kb[i] = before[i].Clone()
	}
	for i := range after {
		ka[i] = after[i].Clone()
	}
	if _, err := ratios.Movers(f, before, after, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]funnel.Counts{kb, ka}, [][]funnel.Counts{before, after}); diff != "" {
		t.Errorf("Movers modified its input (-before +after):\n%s", diff)
	}
}
