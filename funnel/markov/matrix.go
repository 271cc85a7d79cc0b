package markov

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/gonum/mat"
)

// rowSumTolerance is how far a row of [Matrix.P] may sum from 1: room for
// probabilities written as rounded decimals (1/3 as 0.333333333333), not
// for a row that leaves out an outcome. It is 2⁻³⁰ (about 9.3e-10), a
// power of two, so that a row that misses 1 by exactly the tolerance can
// be written and is accepted.
const rowSumTolerance = 0x1p-30

// Matrix is an absorbing Markov chain given by its transition
// probabilities, as a textbook or a planning model states one: transient
// States, Absorbing states named by the caller (won, lost, disqualified,
// hired...), and for each transient state the probabilities of moving to
// every state.
//
// In JSON a matrix is {"states", "absorbing", "p", "visit_days"}.
type Matrix struct {
	// States are the transient states, in order: the rows of P and its
	// first len(States) columns.
	States []string `json:"states"`
	// Absorbing are the absorbing states, the last len(Absorbing) columns
	// of P.
	Absorbing []string `json:"absorbing"`
	// P[i][j] is the probability of moving from States[i] to state j,
	// where j runs over States and then Absorbing. Every entry is in
	// [0, 1] and every row sums to 1 (within 2⁻³⁰, about 9.3e-10). A positive P[i][i] is
	// a stay of one more step in the same state.
	P [][]float64 `json:"p"`
	// DaysPerVisit, when not nil, holds one entry per transient state: the
	// mean days a visit to it lasts (τ). Nil means no time is known, and
	// [Absorption.ExpectedDays] is null.
	DaysPerVisit []float64 `json:"visit_days,omitempty"`
}

// Absorption is what an absorbing chain says about a process now in each
// transient state: how often it visits each transient state, where it
// ends and how long it takes. Rows follow States; columns follow States
// (Visits) or Absorbing (Probabilities).
type Absorption struct {
	States    []string `json:"states"`
	Absorbing []string `json:"absorbing"`
	// Visits is the fundamental matrix N = (I − Q)⁻¹: Visits[i][j] is the
	// expected number of visits to States[j] of a process now in
	// States[i], counting the current one.
	Visits [][]float64 `json:"visits"`
	// Probabilities is B = N·R: Probabilities[i][k] is the probability of
	// ending in Absorbing[k] from States[i]. Each row sums to 1.
	Probabilities [][]float64 `json:"probabilities"`
	// Steps is t = N·1: the expected number of steps before absorption
	// from each state, counting the current one.
	Steps []float64 `json:"steps"`
	// ExpectedDays is N·τ, the expected days before absorption from each
	// state. It is nil (null in JSON) when no days per visit are known,
	// and an entry is not Valid when a state the process may visit from
	// there has no known time.
	ExpectedDays []funnel.NullFloat64 `json:"expected_days"`
}

// Solve returns the absorption figures of the chain. With Q the
// transient → transient block of P, R the transient → absorbing block and
// τ the days per visit:
//
//	N = (I − Q)⁻¹    expected visits
//	B = N · R        absorption probabilities, rows sum to 1
//	t = N · 1        expected steps before absorption
//	T = N · τ        expected days before absorption
//
// Probabilities are clamped into [0, 1] against rounding.
//
// It returns a *[funnel.InputError] or *[funnel.StageError] naming the
// input and state, wrapping [funnel.ErrEmptyFunnel] for no states or no
// absorbing states, [funnel.ErrBlankStage] or [funnel.ErrDuplicateStage]
// for a blank or repeated name (across both lists),
// [funnel.ErrLengthMismatch] for P or DaysPerVisit of the wrong shape,
// [funnel.ErrNotFinite] for NaN or an infinity, [funnel.ErrRateRange] for
// a probability outside [0, 1], [funnel.ErrOutOfRange] for a row that does
// not sum to 1 or expected days past a float64, [funnel.ErrNegative] for
// negative days, and [ErrSingular] naming a state from which no absorbing
// state can be reached (I − Q has no inverse then). The matrix is not
// modified.
func (m Matrix) Solve() (Absorption, error) {
	const op = "markov.Matrix.Solve"
	if err := m.check(op); err != nil {
		return Absorption{}, err
	}
	t, a := len(m.States), len(m.Absorbing)
	q, r := make([][]float64, t), make([][]float64, t)
	for i, row := range m.P {
		q[i], r[i] = row[:t], row[t:t+a]
	}
	var tau []funnel.NullFloat64
	if m.DaysPerVisit != nil {
		tau = make([]funnel.NullFloat64, t)
		for i, d := range m.DaysPerVisit {
			tau[i] = funnel.Some(d)
		}
	}
	index := make([]int, t)
	for i := range index {
		index[i] = i
	}
	ab, err := absorb(op, m.States, index, q, r, tau)
	if err != nil {
		return Absorption{}, err
	}
	ab.States = append([]string(nil), m.States...)
	ab.Absorbing = append([]string(nil), m.Absorbing...)
	return ab, nil
}

// check validates the matrix for [Matrix.Solve].
func (m Matrix) check(op string) error {
	t, a := len(m.States), len(m.Absorbing)
	if t == 0 {
		return &funnel.InputError{Op: op, Name: "states", Err: fmt.Errorf("%w: no transient state", funnel.ErrEmptyFunnel)}
	}
	if a == 0 {
		return &funnel.InputError{Op: op, Name: "absorbing", Err: fmt.Errorf("%w: no absorbing state", funnel.ErrEmptyFunnel)}
	}
	names := map[string]string{}
	for _, list := range []struct {
		input string
		names []string
	}{{"states", m.States}, {"absorbing", m.Absorbing}} {
		for i, s := range list.names {
			if strings.TrimSpace(s) == "" {
				return &funnel.StageError{Op: op, Input: list.input, Stage: s, Index: i, Err: funnel.ErrBlankStage}
			}
			if first, dup := names[s]; dup {
				return &funnel.StageError{Op: op, Input: list.input, Stage: s, Index: i, Err: fmt.Errorf("%w: also %s", funnel.ErrDuplicateStage, first)}
			}
			names[s] = list.input + "[" + strconv.Itoa(i) + "]"
		}
	}
	if len(m.P) != t {
		return &funnel.InputError{Op: op, Name: "p", Value: fmt.Sprintf("%d rows", len(m.P)), Err: fmt.Errorf("%w: want one per state, %d", funnel.ErrLengthMismatch, t)}
	}
	for i, row := range m.P {
		fail := func(err error) error {
			return &funnel.StageError{Op: op, Input: "p", Stage: m.States[i], Index: i, Err: err}
		}
		if len(row) != t+a {
			return fail(fmt.Errorf("%w: row has %d entries, want %d states + %d absorbing", funnel.ErrLengthMismatch, len(row), t, a))
		}
		sum := 0.0
		for j, p := range row {
			switch {
			case math.IsNaN(p) || math.IsInf(p, 0):
				return fail(fmt.Errorf("%w: to %q: %v", funnel.ErrNotFinite, m.column(j), p))
			case p < 0 || p > 1:
				return fail(fmt.Errorf("%w: to %q: %v", funnel.ErrRateRange, m.column(j), p))
			}
			sum += p
		}
		if math.Abs(sum-1) > rowSumTolerance {
			return fail(fmt.Errorf("%w: row sums to %v, not 1", funnel.ErrOutOfRange, sum))
		}
	}
	if m.DaysPerVisit == nil {
		return nil
	}
	if len(m.DaysPerVisit) != t {
		return &funnel.InputError{Op: op, Name: "visit_days", Value: fmt.Sprintf("%d entries", len(m.DaysPerVisit)), Err: fmt.Errorf("%w: want one per state, %d", funnel.ErrLengthMismatch, t)}
	}
	for i, d := range m.DaysPerVisit {
		fail := func(err error) error {
			return &funnel.StageError{Op: op, Input: "visit_days", Stage: m.States[i], Index: i, Err: err}
		}
		switch {
		case math.IsNaN(d) || math.IsInf(d, 0):
			return fail(fmt.Errorf("%w: %v", funnel.ErrNotFinite, d))
		case d < 0:
			return fail(fmt.Errorf("%w: %v days", funnel.ErrNegative, d))
		}
	}
	return nil
}

// column returns the name of column j of P.
func (m Matrix) column(j int) string {
	if j < len(m.States) {
		return m.States[j]
	}
	return m.Absorbing[j-len(m.States)]
}

// absorb is the one solver of the package, behind [Matrix.Solve] and
// [Transitions.Solve]. q is the transient block (t × t, t >= 1) and r the
// transient → absorbing block (t × a) of a chain whose rows are valid
// probabilities; tau is nil or holds t days per visit, each Valid or not.
// names and index name transient state i in errors (its name and its
// index in the caller's terms). It fills every field of the result but
// the names.
//
// A state that cannot reach an absorbing state along positive entries
// makes I − Q singular; it is reported by name. Entries of N for states
// that cannot be reached are exactly 0 whatever the rounding of the
// inverse, and so are the absorption probabilities of absorbing states
// that cannot be reached.
func absorb(op string, names []string, index []int, q, r [][]float64, tau []funnel.NullFloat64) (Absorption, error) {
	t := len(q)
	a := len(r[0]) // both callers have at least one transient state
	reach := reachable(q)
	for i := range t {
		escapes := false
		for j := range t {
			if reach[i][j] && rowPositive(r[j]) {
				escapes = true
				break
			}
		}
		if !escapes {
			return Absorption{}, &funnel.StageError{Op: op, Stage: names[i], Index: index[i], Err: fmt.Errorf("%w: it never reaches an absorbing state", ErrSingular)}
		}
	}
	imq := mat.NewDense(t, t, nil)
	for i := range t {
		for j := range t {
			v := -q[i][j]
			if i == j {
				v++
			}
			imq.Set(i, j, v)
		}
	}
	var n mat.Dense
	if err := n.Inverse(imq); err != nil {
		return Absorption{}, &funnel.StageError{Op: op, Index: -1, Err: fmt.Errorf("%w: I − Q: %v", ErrSingular, err)}
	}
	ab := Absorption{
		Visits:        make([][]float64, t),
		Probabilities: make([][]float64, t),
		Steps:         make([]float64, t),
	}
	if tau != nil {
		ab.ExpectedDays = make([]funnel.NullFloat64, t)
	}
	for i := range t {
		ab.Visits[i] = make([]float64, t)
		ab.Probabilities[i] = make([]float64, a)
		days, timed := 0.0, true
		for j := range t {
			if !reach[i][j] {
				continue
			}
			v := max(n.At(i, j), 0)
			ab.Visits[i][j] = v
			ab.Steps[i] += v
			for k := range a {
				ab.Probabilities[i][k] += v * r[j][k]
			}
			if tau != nil {
				timed = timed && tau[j].Valid
				if tau[j].Valid {
					days += v * tau[j].Float64
				}
			}
		}
		for k := range a {
			ab.Probabilities[i][k] = clamp01(ab.Probabilities[i][k])
		}
		if math.IsInf(ab.Steps[i], 0) || math.IsNaN(ab.Steps[i]) {
			return Absorption{}, &funnel.StageError{Op: op, Stage: names[i], Index: index[i], Err: fmt.Errorf("%w: I − Q is too near singular", ErrSingular)}
		}
		if tau != nil && timed {
			if math.IsInf(days, 0) || math.IsNaN(days) {
				return Absorption{}, &funnel.StageError{Op: op, Stage: names[i], Index: index[i], Err: fmt.Errorf("%w: expected days overflow a float64: days per visit too large", funnel.ErrOutOfRange)}
			}
			ab.ExpectedDays[i] = funnel.Some(days)
		}
	}
	return ab, nil
}

// reachable returns reach[i][j]: state j can be reached from state i
// along positive entries of q, in zero or more steps (so reach[i][i]).
func reachable(q [][]float64) [][]bool {
	t := len(q)
	reach := make([][]bool, t)
	stack := make([]int, 0, t)
	for i := range t {
		reach[i] = make([]bool, t)
		reach[i][i] = true
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j, p := range q[s] {
				if p > 0 && !reach[i][j] {
					reach[i][j] = true
					stack = append(stack, j)
				}
			}
		}
	}
	return reach
}

// rowPositive reports whether any entry of row is positive.
func rowPositive(row []float64) bool {
	for _, p := range row {
		if p > 0 {
			return true
		}
	}
	return false
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }
