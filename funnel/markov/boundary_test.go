package markov

import (
	"errors"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Tests that pin boundaries: each fails when a comparison is turned
// around or loosened by one.

// TestNothingResolved: a stage whose every path leads to a stage no deal
// left (unresolved) has PWon = PLost = 0, and its chance of winning among
// resolved outcomes is undefined (null), not 0/0. Over f4: "a" moves
// Lead → Demo and sits open in Demo (Demo: no exit); "w" moves Proposal →
// Won. Lead: 1 exit, to Demo, unresolved: P(unresolved) = 1. Proposal: 1
// exit, to Won: P(won) = 1.
func TestNothingResolved(t *testing.T) {
	deals := []funnel.Deal{
		path("a", funnel.Open, []int{lead, demo}, []int{1}),
		path("w", funnel.Won, []int{proposal, won}, []int{2}),
	}
	ch, err := Build(f4, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Stage: lead, Name: "Lead", Observed: true, Exits: 1, PUnresolved: 1, Steps: some(1), ExpectedDays: some(1), MeanVisitDays: some(1), TimedVisits: 1},
		{Stage: demo, Name: "Demo", PUnresolved: 1},
		{Stage: proposal, Name: "Proposal", Observed: true, Exits: 1, PWon: 1, PWonResolved: some(1), Steps: some(1), ExpectedDays: some(2), MeanVisitDays: some(2), TimedVisits: 1},
	}
	if diff := cmp.Diff(want, ch.Results, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Build mismatch (-want +got):\n%s", diff)
	}
}

// TestRowSumTolerance: a row may miss 1 by up to 2⁻³⁰ either way, and
// not by 2⁻²⁹. Each row below is exact in float64: 0.5 and 0.5 ± 2⁻³⁰
// add to 1 ± 2⁻³⁰ without rounding.
func TestRowSumTolerance(t *testing.T) {
	const tol = 0x1p-30
	for _, tt := range []struct {
		p  float64
		ok bool
	}{{0.5 - tol, true}, {0.5 + tol, true}, {0.5 - 2*tol, false}, {0.5 + 2*tol, false}} {
		m := Matrix{States: []string{"a"}, Absorbing: []string{"won", "lost"}, P: [][]float64{{0, 0.5, tt.p}}}
		_, err := m.Solve()
		if tt.ok != (err == nil) || !tt.ok && !errors.Is(err, funnel.ErrOutOfRange) {
			t.Errorf("Solve(row 0, 0.5, %v): error %v, want ok %v", tt.p, err, tt.ok)
		}
	}
}

// TestMatrixColumnNames: an error names the column at fault, a transient
// state or, past them, an absorbing one.
func TestMatrixColumnNames(t *testing.T) {
	tests := []struct {
		row  []float64
		text string
	}{
		{[]float64{1.5, 0, 0}, `markov.Matrix.Solve: p: stage "a" (index 0): rate outside [0,1]: to "a": 1.5`},
		{[]float64{0, 1.5, 0}, `markov.Matrix.Solve: p: stage "a" (index 0): rate outside [0,1]: to "won": 1.5`},
		{[]float64{0, 0, -1}, `markov.Matrix.Solve: p: stage "a" (index 0): rate outside [0,1]: to "lost": -1`},
	}
	for _, tt := range tests {
		_, err := Matrix{States: []string{"a"}, Absorbing: []string{"won", "lost"}, P: [][]float64{tt.row}}.Solve()
		if err == nil || err.Error() != tt.text {
			t.Errorf("Solve(row %v): error %v, want %s", tt.row, err, tt.text)
		}
	}
}

// TestCheckAtEquality: counts at the edge of consistency pass: as many
// timed visits as exits, and no days over no timed visit.
func TestCheckAtEquality(t *testing.T) {
	c := newTransitions(f4)
	c.Moves[lead][won], c.Lost[lead], c.TimedVisits[lead], c.VisitDays[lead] = 1, 1, 2, 3
	if err := c.check("test"); err != nil {
		t.Errorf("2 timed visits of 2 exits: %v", err)
	}
	c.TimedVisits[lead] = 3
	if err := c.check("test"); !errors.Is(err, funnel.ErrCountsRise) {
		t.Errorf("3 timed visits of 2 exits: error %v, want funnel.ErrCountsRise", err)
	}
}
