package markov

import (
	"fmt"
	"math"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/gonum/mat"
)

// StageResult is what the chain says about a deal now in one stage.
type StageResult struct {
	Stage int    `json:"stage"`
	Name  string `json:"name"`
	// Observed is true when at least one exit from the stage was seen
	// (Exits > 0), making it a transient state of the chain. A stage with
	// no observed exit is unresolved: PUnresolved is 1, the others 0.
	Observed bool  `json:"observed"`
	Exits    int64 `json:"exits"`
	// PWon, PLost and PUnresolved are the row of B = N·R: the
	// probabilities of ending won, lost, or stuck in a stage with no
	// observed exit. They sum to 1.
	PWon        float64 `json:"p_won"`
	PLost       float64 `json:"p_lost"`
	PUnresolved float64 `json:"p_unresolved"`
	// PWonResolved = PWon / (PWon + PLost), the chance of winning among
	// the outcomes the chain can resolve; 0 when both are 0.
	PWonResolved float64 `json:"p_won_resolved"`
	// ExpectedDays is the row of N·τ: the expected days until the deal is
	// absorbed (won, lost or unresolved), counting time in observed stages
	// only.
	ExpectedDays float64 `json:"expected_days"`
	// MeanDaysPerVisit is τ for this stage: VisitDays / TimedVisits from
	// the counts, 0 when no visit was timed.
	MeanDaysPerVisit float64 `json:"mean_days_per_visit"`
	TimedVisits      int64   `json:"timed_visits"`
}

// Chain is the absorbing Markov chain of a funnel's stages. With L the
// last (won) stage, the states are the stages 0..L−1 with at least one
// observed exit (transient) and three absorbing states: Won (entering L),
// Lost, and Unresolved (entering a stage 0..L−1 with no observed exit,
// where only open deals sit or that no deal entered). Rows and columns of
// the matrices below are indexed by stage; entries of unobserved stages
// are 0.
type Chain struct {
	Stages []string `json:"stages"`
	// P[i][j] is the probability of moving from stage i (0..L−1) to
	// column j, where columns 0..L−1 are stages, column L is Won and
	// column L+1 is Lost: Moves[i][j] / exits and Lost[i] / exits, with
	// exits = Σ_j Moves[i][j] + Lost[i]. Each observed row sums to 1.
	P [][]float64 `json:"p"`
	// Visits is N = (I − Q)⁻¹ over the observed stages: Visits[i][j] is
	// the expected number of visits to stage j of a deal now in stage i,
	// counting the current one.
	Visits [][]float64 `json:"visits"`
	// Results holds one entry per stage 0..L−1.
	Results []StageResult `json:"results"`
}

// Solve builds the absorbing chain from the counts:
//
//	Q = transient → transient block of P, R = transient → {Won, Lost, Unresolved}
//	N = (I − Q)⁻¹                       expected visits
//	B = N · R                           probabilities of each ending, rows sum to 1
//	T = N · τ                           expected days to absorption
//
// with τ_i the mean days per timed visit to stage i. A move into a stage
// with no observed exit goes to Unresolved rather than being guessed as won
// or lost; [StageResult.PWonResolved] conditions it away. Results are
// clamped into [0, 1] against rounding.
//
// It returns an error wrapping [funnel.ErrNoData] when no exit was
// observed at all, [ErrNoPathToWon] when no move into the won stage was
// observed, [ErrSingular] naming a stage that never reaches an absorbing
// state (so I − Q has no inverse), or [ErrBadCounts] for malformed counts,
// including a stage whose exits do not fit in an int64 and visit days so
// large that the expected days to close overflow. The counts are not
// modified.
func (c Counts) Solve() (Chain, error) {
	const op = "Solve"
	if err := c.check(op); err != nil {
		return Chain{}, err
	}
	f := c.Funnel
	l := f.Last()
	// check has made sure each stage's exits fit in an int64; their sum
	// over stages need not, so only whether any is positive is kept.
	exits := make([]int64, l)
	var anyExit, anyWon bool
	for i := range l {
		for _, m := range c.Moves[i] {
			exits[i] += m
		}
		exits[i] += c.Lost[i]
		anyExit = anyExit || exits[i] > 0
		anyWon = anyWon || c.Moves[i][l] > 0
	}
	if !anyExit {
		return Chain{}, &Error{Op: op, Err: fmt.Errorf("%w: no move between stages observed in %d deals", funnel.ErrNoData, c.Deals)}
	}
	if !anyWon {
		return Chain{}, &Error{Op: op, Err: fmt.Errorf("%w: no deal was seen entering %q", ErrNoPathToWon, f.Stage(l))}
	}
	// idx maps an observed stage to its row in Q; -1 for the others.
	idx := make([]int, l)
	var trans []int
	for i := range l {
		idx[i] = -1
		if exits[i] > 0 {
			idx[i] = len(trans)
			trans = append(trans, i)
		}
	}
	if s, ok := trapped(c, idx, exits); ok {
		return Chain{}, &Error{Op: op, Stage: f.Stage(s), Err: fmt.Errorf("%w: it never reaches won, lost or an unresolved stage", ErrSingular)}
	}

	ch := Chain{Stages: f.Stages(), P: make([][]float64, l), Visits: make([][]float64, l), Results: make([]StageResult, l)}
	t := len(trans)
	imq := mat.NewDense(t, t, nil)
	r := mat.NewDense(t, 3, nil) // Won, Lost, Unresolved
	tau := mat.NewVecDense(t, nil)
	for i := range l {
		ch.P[i] = make([]float64, l+2)
		ch.Visits[i] = make([]float64, l)
		res := StageResult{Stage: i, Name: f.Stage(i), Exits: exits[i], TimedVisits: c.TimedVisits[i]}
		if c.TimedVisits[i] > 0 {
			res.MeanDaysPerVisit = c.VisitDays[i] / float64(c.TimedVisits[i])
		}
		ch.Results[i] = res
		if exits[i] == 0 {
			continue
		}
		e := float64(exits[i])
		a := idx[i]
		imq.Set(a, a, 1)
		for j, m := range c.Moves[i] {
			p := float64(m) / e
			ch.P[i][j] = p
			switch {
			case m == 0:
			case j == l:
				r.Set(a, 0, r.At(a, 0)+p)
			case idx[j] < 0:
				r.Set(a, 2, r.At(a, 2)+p)
			default:
				imq.Set(a, idx[j], imq.At(a, idx[j])-p)
			}
		}
		ch.P[i][l+1] = float64(c.Lost[i]) / e
		r.Set(a, 1, ch.P[i][l+1])
		tau.SetVec(a, res.MeanDaysPerVisit)
	}
	var n mat.Dense
	if err := n.Inverse(imq); err != nil {
		return Chain{}, &Error{Op: op, Err: fmt.Errorf("%w: I − Q: %v", ErrSingular, err)}
	}
	var b mat.Dense
	b.Mul(&n, r)
	var days mat.VecDense
	days.MulVec(&n, tau)
	for i := range l {
		res := &ch.Results[i]
		a := idx[i]
		if a < 0 {
			res.PUnresolved = 1
			continue
		}
		res.Observed = true
		for bj, j := range trans {
			ch.Visits[i][j] = max(n.At(a, bj), 0)
		}
		res.PWon = clamp01(b.At(a, 0))
		res.PLost = clamp01(b.At(a, 1))
		res.PUnresolved = clamp01(b.At(a, 2))
		if s := res.PWon + res.PLost; s > 0 {
			res.PWonResolved = clamp01(res.PWon / s)
		}
		res.ExpectedDays = max(days.AtVec(a), 0)
		if math.IsInf(res.ExpectedDays, 0) || math.IsNaN(res.ExpectedDays) {
			return Chain{}, &Error{Op: op, Stage: res.Name, Err: fmt.Errorf("%w: expected days to close overflow a float64: visit days too large", ErrBadCounts)}
		}
	}
	return ch, nil
}

// Build counts the deals and solves the chain: [Count] then
// [Counts.Solve], with their errors. The deals are not modified.
func Build(f funnel.Funnel, deals []funnel.Deal) (Chain, error) {
	c, err := Count(f, deals)
	if err != nil {
		return Chain{}, err
	}
	return c.Solve()
}

// trapped returns an observed stage from which no absorbing state (won,
// lost, or an unobserved stage) can be reached along observed moves, and
// true; such stages make I − Q singular.
func trapped(c Counts, idx []int, exits []int64) (int, bool) {
	l := c.Funnel.Last()
	escapes := make([]bool, l)
	// A stage escapes when it has a move to an absorbing state, or to a
	// stage that escapes; iterate to a fixed point.
	for changed := true; changed; {
		changed = false
		for i := range l {
			if escapes[i] || exits[i] == 0 {
				continue
			}
			ok := c.Lost[i] > 0 || c.Moves[i][l] > 0
			for j := 0; j < l && !ok; j++ {
				ok = c.Moves[i][j] > 0 && (idx[j] < 0 || escapes[j])
			}
			if ok {
				escapes[i] = true
				changed = true
			}
		}
	}
	for i := range l {
		if exits[i] > 0 && !escapes[i] {
			return i, true
		}
	}
	return 0, false
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }
