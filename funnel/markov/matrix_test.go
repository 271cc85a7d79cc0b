package markov

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// drunkard is the drunkard's walk on 0..4 of Grinstead and Snell,
// Introduction to Probability (2nd rev. ed., AMS 1997), §11.2, Example
// 11.13: from 1, 2 or 3 the walker steps left or right with probability
// 1/2 each; 0 (home) and 4 (the bar) are absorbing. In canonical form the
// transient states are 1, 2, 3.
func drunkard() Matrix {
	return Matrix{
		States:    []string{"1", "2", "3"},
		Absorbing: []string{"0", "4"},
		P: [][]float64{
			{0, 0.5, 0, 0.5, 0},
			{0.5, 0, 0.5, 0, 0},
			{0, 0.5, 0, 0, 0.5},
		},
	}
}

// TestMatrixSolve checks the solver against a published worked example
// and hand-worked cases.
func TestMatrixSolve(t *testing.T) {
	hand := Matrix{
		States:    []string{"Lead", "Demo", "Proposal"},
		Absorbing: []string{"Won", "Lost"},
		P: [][]float64{
			{0, 0.5, 0.25, 0, 0.25},
			{0.25, 0, 0.5, 0, 0.25},
			{0, 0.25, 0, 0.5, 0.25},
		},
		DaysPerVisit: []float64{2, 4, 6},
	}
	tests := []struct {
		name string
		m    Matrix
		want Absorption
	}{
		{
			// Grinstead and Snell print, for Example 11.13 and its
			// continuations in §11.2: N = [[3/2, 1, 1/2], [1, 2, 1],
			// [1/2, 1, 3/2]], t = Nc = (3, 4, 3) and B = NR = [[3/4, 1/4],
			// [1/2, 1/2], [1/4, 3/4]]. No days per visit: ExpectedDays nil.
			name: "drunkard's walk",
			m:    drunkard(),
			want: Absorption{
				States: []string{"1", "2", "3"}, Absorbing: []string{"0", "4"},
				Visits:        [][]float64{{1.5, 1, 0.5}, {1, 2, 1}, {0.5, 1, 1.5}},
				Probabilities: [][]float64{{0.75, 0.25}, {0.5, 0.5}, {0.25, 0.75}},
				Steps:         []float64{3, 4, 3},
			},
		},
		{
			// The walk of §11.2 Exercise 8: a step right with 2/3, left with
			// 1/3. Worked by hand: 3(I − Q) = M = [[3, −2, 0], [−1, 3, −2],
			// [0, −1, 3]], det M = 3·7 − 2·3 = 15, adj M = [[7, 6, 4],
			// [3, 9, 6], [1, 3, 7]], N = 3 adj M / 15 = adj M / 5. t = row
			// sums = (17, 18, 11)/5. R = [[1/3, 0], [0, 0], [0, 2/3]], so
			// B = [[7/15, 8/15], [3/15, 12/15], [1/15, 14/15]]. An
			// asymmetric N, so a transposed inverse would show here. With
			// one day per visit the expected days equal t.
			name: "drunkard's walk, 2/3 right",
			m: Matrix{
				States: []string{"1", "2", "3"}, Absorbing: []string{"0", "4"},
				P: [][]float64{
					{0, 2.0 / 3, 0, 1.0 / 3, 0},
					{1.0 / 3, 0, 2.0 / 3, 0, 0},
					{0, 1.0 / 3, 0, 0, 2.0 / 3},
				},
				DaysPerVisit: []float64{1, 1, 1},
			},
			want: Absorption{
				States: []string{"1", "2", "3"}, Absorbing: []string{"0", "4"},
				Visits:        [][]float64{{1.4, 1.2, 0.8}, {0.6, 1.8, 1.2}, {0.2, 0.6, 1.4}},
				Probabilities: [][]float64{{7.0 / 15, 8.0 / 15}, {3.0 / 15, 12.0 / 15}, {1.0 / 15, 14.0 / 15}},
				Steps:         []float64{3.4, 3.6, 2.2},
				ExpectedDays:  []funnel.NullFloat64{some(3.4), some(3.6), some(2.2)},
			},
		},
		{
			// The three-stage chain of TestChainHandWorked, as plain
			// numbers: the same N, B = (won, lost) and N·τ.
			name: "three stages by hand",
			m:    hand,
			want: Absorption{
				States: []string{"Lead", "Demo", "Proposal"}, Absorbing: []string{"Won", "Lost"},
				Visits:        [][]float64{{56.0 / 47, 36.0 / 47, 32.0 / 47}, {16.0 / 47, 64.0 / 47, 36.0 / 47}, {4.0 / 47, 16.0 / 47, 56.0 / 47}},
				Probabilities: [][]float64{{16.0 / 47, 31.0 / 47}, {18.0 / 47, 29.0 / 47}, {28.0 / 47, 19.0 / 47}},
				Steps:         []float64{124.0 / 47, 116.0 / 47, 76.0 / 47},
				ExpectedDays:  []funnel.NullFloat64{some(448.0 / 47), some(504.0 / 47), some(408.0 / 47)},
			},
		},
		{
			// One state that stays with 1/2 and ends in three named
			// outcomes: N = 1/(1 − 1/2) = 2 visits, B = 2 × (1/4, 1/8,
			// 1/8) = (1/2, 1/4, 1/4), 2 × 3 days = 6 days.
			name: "self-loop and three outcomes",
			m: Matrix{
				States: []string{"screening"}, Absorbing: []string{"hired", "rejected", "withdrew"},
				P: [][]float64{{0.5, 0.25, 0.125, 0.125}}, DaysPerVisit: []float64{3},
			},
			want: Absorption{
				States: []string{"screening"}, Absorbing: []string{"hired", "rejected", "withdrew"},
				Visits: [][]float64{{2}}, Probabilities: [][]float64{{0.5, 0.25, 0.25}}, Steps: []float64{2},
				ExpectedDays: []funnel.NullFloat64{some(6)},
			},
		},
		{
			// An absorbing state no state reaches has probability exactly 0,
			// and rows given to 12 places (1/3 as 0.333333333333) are
			// accepted: a → b 0.333333333333, a → won 0.666666666667; b →
			// lost 1. N = [[1, 1/3], [0, 1]], B = [[2/3, 0, 1/3], [0, 0, 1]].
			name: "rounded rows and an unreached outcome",
			m: Matrix{
				States: []string{"a", "b"}, Absorbing: []string{"won", "never", "lost"},
				P: [][]float64{{0, 0.333333333333, 0.666666666667, 0, 0}, {0, 0, 0, 0, 1}},
			},
			want: Absorption{
				States: []string{"a", "b"}, Absorbing: []string{"won", "never", "lost"},
				Visits:        [][]float64{{1, 0.333333333333}, {0, 1}},
				Probabilities: [][]float64{{0.666666666667, 0, 0.333333333333}, {0, 0, 1}},
				Steps:         []float64{1.333333333333, 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneMatrix(tt.m)
			got, err := tt.m.Solve()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Solve(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if diff := cmp.Diff(before, tt.m); diff != "" {
				t.Errorf("Solve modified the matrix (-before +after):\n%s", diff)
			}
		})
	}
}

func cloneMatrix(m Matrix) Matrix {
	c := Matrix{States: slices.Clone(m.States), Absorbing: slices.Clone(m.Absorbing), DaysPerVisit: slices.Clone(m.DaysPerVisit)}
	for _, row := range m.P {
		c.P = append(c.P, slices.Clone(row))
	}
	return c
}

// TestAbsorptionJSON: names beside the arrays, and null expected days
// when no days per visit were given. One state that stays with 1/2: N = 2,
// B = 2 × (1/4, 1/8, 1/8), t = 2, all exact in binary.
func TestAbsorptionJSON(t *testing.T) {
	m := Matrix{States: []string{"screening"}, Absorbing: []string{"hired", "rejected", "withdrew"}, P: [][]float64{{0.5, 0.25, 0.125, 0.125}}}
	ab, err := m.Solve()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ab)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"states":["screening"],"absorbing":["hired","rejected","withdrew"],"visits":[[2]],` +
		`"probabilities":[[0.5,0.25,0.25]],"steps":[2],"expected_days":null}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(absorption) mismatch (-want +got):\n%s", diff)
	}
}

// TestMatrixErrors: each malformed matrix is refused with the sentinel
// that says why, naming the input.
func TestMatrixErrors(t *testing.T) {
	with := func(change func(m *Matrix)) Matrix {
		m := drunkard()
		change(&m)
		return m
	}
	tests := []struct {
		name  string
		m     Matrix
		want  error
		place string // the input named
		stage string // the state named, for a *funnel.StageError
	}{
		{"no states", Matrix{Absorbing: []string{"won"}}, funnel.ErrEmptyFunnel, "states", ""},
		{"no absorbing", with(func(m *Matrix) { m.Absorbing = nil }), funnel.ErrEmptyFunnel, "absorbing", ""},
		{"blank state", with(func(m *Matrix) { m.States[1] = " " }), funnel.ErrBlankStage, "states", " "},
		{"blank absorbing", with(func(m *Matrix) { m.Absorbing[0] = "" }), funnel.ErrBlankStage, "absorbing", ""},
		{"duplicate across lists", with(func(m *Matrix) { m.Absorbing[1] = "2" }), funnel.ErrDuplicateStage, "absorbing", "2"},
		{"missing row", with(func(m *Matrix) { m.P = m.P[:2] }), funnel.ErrLengthMismatch, "p", ""},
		{"short row", with(func(m *Matrix) { m.P[1] = m.P[1][:4] }), funnel.ErrLengthMismatch, "p", "2"},
		{"NaN", with(func(m *Matrix) { m.P[0][1] = math.NaN() }), funnel.ErrNotFinite, "p", "1"},
		{"infinity", with(func(m *Matrix) { m.P[0][1] = math.Inf(1) }), funnel.ErrNotFinite, "p", "1"},
		{"negative", with(func(m *Matrix) { m.P[0][1], m.P[0][3] = -0.5, 1.5 }), funnel.ErrRateRange, "p", "1"},
		{"row sums to 0.9", with(func(m *Matrix) { m.P[2][4] = 0.4 }), funnel.ErrOutOfRange, "p", "3"},
		{"row off by 2e-9", with(func(m *Matrix) { m.P[2][4] = 0.5 + 2e-9 }), funnel.ErrOutOfRange, "p", "3"},
		{"days length", with(func(m *Matrix) { m.DaysPerVisit = []float64{1, 2} }), funnel.ErrLengthMismatch, "visit_days", ""},
		{"days NaN", with(func(m *Matrix) { m.DaysPerVisit = []float64{1, math.NaN(), 1} }), funnel.ErrNotFinite, "visit_days", "2"},
		{"days negative", with(func(m *Matrix) { m.DaysPerVisit = []float64{1, -1, 1} }), funnel.ErrNegative, "visit_days", "2"},
		// 2 and 3 only move between each other: I − Q is singular.
		{"trapped states", with(func(m *Matrix) {
			m.P[1] = []float64{0, 0, 1, 0, 0}
			m.P[2] = []float64{0, 1, 0, 0, 0}
		}), ErrSingular, "", "2"},
		{"days overflow", with(func(m *Matrix) { m.DaysPerVisit = []float64{1e308, 1e308, 1e308} }), funnel.ErrOutOfRange, "", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.Solve()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Solve: error %v, want one wrapping %v", err, tt.want)
			}
			place, op := placeOf(err)
			if place != tt.place || op != "markov.Matrix.Solve" {
				t.Errorf("Solve: error %v names %q with Op %q, want %q with markov.Matrix.Solve", err, place, op, tt.place)
			}
			var se *funnel.StageError
			if errors.As(err, &se) && se.Stage != tt.stage {
				t.Errorf("Solve: error %v names state %q, want %q", err, se.Stage, tt.stage)
			}
		})
	}
}

// FuzzMatrix: any row-stochastic matrix of up to 3 transient and 2
// absorbing states built from bytes gives figures in range, or a
// documented error; never a panic, a NaN or an infinity.
func FuzzMatrix(f *testing.F) {
	f.Add([]byte{0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1}, uint8(3))
	f.Add([]byte{0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0}, uint8(3))
	f.Add([]byte{1, 1, 1, 1}, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, n uint8) {
		s := 1 + int(n%3)
		m := Matrix{Absorbing: []string{"won", "lost"}}
		for i := range s {
			m.States = append(m.States, string(rune('a'+i)))
			row := make([]float64, s+2)
			total := 0.0
			for j := range row {
				if k := i*(s+2) + j; k < len(b) {
					row[j] = float64(b[k])
				}
				total += row[j]
			}
			if total == 0 {
				row[s] = 1 // an empty row goes straight to won
				total = 1
			}
			for j := range row {
				row[j] /= total
			}
			m.P = append(m.P, row)
			m.DaysPerVisit = append(m.DaysPerVisit, float64(i+1))
		}
		ab, err := m.Solve()
		if err != nil {
			if !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		for i := range s {
			sum := 0.0
			for _, p := range ab.Probabilities[i] {
				if !(p >= 0 && p <= 1) {
					t.Fatalf("probabilities %v out of [0,1]", ab.Probabilities[i])
				}
				sum += p
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Fatalf("absorption row %d sums to %v", i, sum)
			}
			if d := ab.ExpectedDays[i]; !d.Valid || math.IsNaN(d.Float64) || math.IsInf(d.Float64, 0) || d.Float64 < 1 {
				t.Fatalf("expected days %v", d)
			}
			if st := ab.Steps[i]; math.IsNaN(st) || math.IsInf(st, 0) || st < 1 {
				t.Fatalf("steps %v", st)
			}
		}
	})
}
