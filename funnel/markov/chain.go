package markov

import (
	"fmt"
	"iter"

	"github.com/funnelmath/funnelmath/funnel"
)

// StageResult is what the chain says about a deal now in one stage.
type StageResult struct {
	Stage int    `json:"stage"`
	Name  string `json:"name"`
	// Observed is true when at least one exit from the stage was seen
	// (Exits > 0), making it a transient state of the chain. A stage with
	// no observed exit is unresolved: PUnresolved is 1, the others 0, and
	// the figures of the chain (Steps, ExpectedDays) are null.
	Observed bool  `json:"observed"`
	Exits    int64 `json:"exits"`
	// PWon, PLost and PUnresolved are the row of B = N·R: the
	// probabilities of ending won, lost, or stuck in a stage with no
	// observed exit. They sum to 1.
	PWon        float64 `json:"p_won"`
	PLost       float64 `json:"p_lost"`
	PUnresolved float64 `json:"p_unresolved"`
	// PWonResolved = PWon / (PWon + PLost), the chance of winning among
	// the outcomes the chain can resolve; null when both are 0.
	PWonResolved funnel.NullFloat64 `json:"p_won_resolved"`
	// Steps is the row sum of N, t = N·1: the expected number of stage
	// visits before the deal closes (or reaches an unresolved stage),
	// counting the current one; null for an unobserved stage.
	Steps funnel.NullFloat64 `json:"steps"`
	// ExpectedDays is the row of N·τ: the expected days until the deal is
	// absorbed (won, lost or unresolved). It is null for an unobserved
	// stage, and when a stage the deal may visit on the way has no timed
	// visit (its τ is unknown).
	ExpectedDays funnel.NullFloat64 `json:"expected_days"`
	// MeanVisitDays is τ for this stage: VisitDays / TimedVisits from the
	// transitions, null when no visit was timed.
	MeanVisitDays funnel.NullFloat64 `json:"mean_visit_days"`
	TimedVisits   int64              `json:"timed_visits"`
}

// Chain is the absorbing Markov chain of a funnel's stages. With L the
// last (won) stage, the states are the stages 0..L−1 with at least one
// observed exit (transient) and three absorbing states: Won (entering L),
// Lost, and Unresolved (entering a stage 0..L−1 with no observed exit,
// where only open deals sit or that no deal entered).
//
// Rows of P and Visits, and Results, follow Stages (the stages 0..L−1);
// the columns of P follow Columns. Entries of unobserved stages are 0.
type Chain struct {
	// Stages are the names of stages 0..L−1.
	Stages []string `json:"stages"`
	// Columns are the names of the columns of P: Stages, then the won
	// stage, then "lost".
	Columns []string `json:"columns"`
	// P[i][j] is the probability of moving from stage i to column j:
	// Moves[i][j] / exits for a stage or Won, Lost[i] / exits for lost,
	// with exits = Σ_j Moves[i][j] + Lost[i]. Each observed row sums to 1.
	P [][]float64 `json:"p"`
	// Visits is N = (I − Q)⁻¹ over the observed stages: Visits[i][j] is
	// the expected number of visits to stage j of a deal now in stage i,
	// counting the current one.
	Visits [][]float64 `json:"visits"`
	// Results holds one entry per stage 0..L−1.
	Results []StageResult `json:"results"`
}

// lostColumn names the lost column of [Chain.P].
const lostColumn = "lost"

// Solve builds the absorbing chain from the transitions:
//
//	Q = transient → transient block of P, R = transient → {Won, Lost, Unresolved}
//	N = (I − Q)⁻¹                       expected visits
//	B = N · R                           probabilities of each ending, rows sum to 1
//	T = N · τ                           expected days to absorption
//
// with τ_i the mean days per timed visit to stage i. A move into a stage
// with no observed exit goes to Unresolved rather than being guessed as won
// or lost; [StageResult.PWonResolved] conditions it away. It solves with
// the engine of [Matrix.Solve].
//
// It returns an error wrapping [funnel.ErrNoData] when no exit was
// observed at all, [ErrNoPathToWon] when no move into the won stage was
// observed, and a *[funnel.StageError] with Op "markov.Solve" wrapping
// [ErrSingular] naming a stage that never reaches an absorbing state (so
// I − Q has no inverse); for malformed transitions, one wrapping
// [funnel.ErrLengthMismatch], [funnel.ErrNegativeCount],
// [funnel.ErrCountsRise] (more timed visits than exits, or visit days over
// no timed visit), [funnel.ErrNotFinite], [funnel.ErrNegative] or
// [funnel.ErrOutOfRange] (exits past an int64, or visit days so large
// that the expected days pass a float64). The transitions are not
// modified. Solve has a value receiver: through a nil *Transitions it
// panics, as any such method does.
func (c Transitions) Solve() (Chain, error) {
	const op = "markov.Solve"
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
		exits[i] = c.Lost[i]
		for _, m := range c.Moves[i] {
			exits[i] += m
		}
		anyExit = anyExit || exits[i] > 0
		anyWon = anyWon || c.Moves[i][l] > 0
	}
	if !anyExit {
		return Chain{}, &funnel.InputError{Op: op, Name: "moves", Err: fmt.Errorf("%w: no move between stages observed in %d deals", funnel.ErrNoData, c.Deals)}
	}
	if !anyWon {
		return Chain{}, &funnel.StageError{Op: op, Stage: f.Stage(l), Index: l, Err: fmt.Errorf("%w: no deal was seen entering it", ErrNoPathToWon)}
	}

	ch := Chain{
		Stages:  f.Stages()[:l],
		Columns: append(f.Stages(), lostColumn),
		P:       make([][]float64, l),
		Visits:  make([][]float64, l),
		Results: make([]StageResult, l),
	}
	// idx maps an observed stage to its transient state; -1 for the others.
	idx := make([]int, l)
	var trans []int
	var names []string
	for i := range l {
		idx[i] = -1
		if exits[i] > 0 {
			idx[i] = len(trans)
			trans = append(trans, i)
			names = append(names, f.Stage(i))
		}
	}
	// The chain as plain numbers: Q over the observed stages, R over Won,
	// Lost and Unresolved.
	t := len(trans)
	q, r := make([][]float64, t), make([][]float64, t)
	tau := make([]funnel.NullFloat64, t)
	stay := make([]float64, t) // visits per entry of each transient stage
	for i := range l {
		ch.P[i] = make([]float64, l+2)
		ch.Visits[i] = make([]float64, l)
		res := StageResult{Stage: i, Name: f.Stage(i), Exits: exits[i], TimedVisits: c.TimedVisits[i]}
		if c.TimedVisits[i] > 0 {
			res.MeanVisitDays = funnel.Some(c.VisitDays[i] / float64(c.TimedVisits[i]))
		}
		ch.Results[i] = res
		a := idx[i]
		if a < 0 {
			continue
		}
		e := float64(exits[i])
		// The chain is solved without the stage's moves to itself: from
		// the counts, the moves out of i are split over its other exits
		// (leave = exits − self), and each entry to i stays for
		// exits/leave visits. This is the same chain (absorption does not
		// depend on self-loops), but 1 − P(i→i) is never computed in
		// floating point, where a self-loop of 2^63 − 8 of 2^63 − 6 moves
		// rounds to 1 and would lose the stage's exits.
		self := c.Moves[i][i]
		leave := exits[i] - self
		if leave == 0 {
			leave, self = exits[i], 0 // only loops: left in Q for absorb to report
		}
		lv := float64(leave)
		stay[a] = e / lv
		q[a], r[a], tau[a] = make([]float64, t), make([]float64, 3), res.MeanVisitDays
		if tau[a].Valid {
			tau[a].Float64 *= stay[a]
		}
		for j, m := range c.Moves[i] {
			ch.P[i][j] = float64(m) / e
			if j == i && self > 0 {
				continue
			}
			p := float64(m) / lv
			switch {
			case m == 0:
			case j == l:
				r[a][0] += p
			case idx[j] < 0:
				r[a][2] += p
			default:
				q[a][idx[j]] += p
			}
		}
		ch.P[i][l+1] = float64(c.Lost[i]) / e
		r[a][1] = float64(c.Lost[i]) / lv
	}
	ab, err := absorb(op, names, trans, q, r, tau)
	if err != nil {
		return Chain{}, err
	}
	// Entries to each stage, as the chain without self-loops counts them,
	// times the visits per entry, are the visits.
	for a := range ab.Visits {
		ab.Steps[a] = 0
		for b := range ab.Visits[a] {
			ab.Visits[a][b] *= stay[b]
			ab.Steps[a] += ab.Visits[a][b]
		}
	}
	for i := range l {
		res := &ch.Results[i]
		a := idx[i]
		if a < 0 {
			res.PUnresolved = 1
			continue
		}
		res.Observed = true
		for b, j := range trans {
			ch.Visits[i][j] = ab.Visits[a][b]
		}
		res.PWon, res.PLost, res.PUnresolved = ab.Probabilities[a][0], ab.Probabilities[a][1], ab.Probabilities[a][2]
		if s := res.PWon + res.PLost; s > 0 {
			res.PWonResolved = funnel.Some(clamp01(res.PWon / s))
		}
		res.Steps = funnel.Some(ab.Steps[a])
		res.ExpectedDays = ab.ExpectedDays[a]
	}
	return ch, nil
}

// Build counts the moves of a stream of deals and solves the chain:
// [CountMoves] then [Transitions.Solve], with their errors (the stream's
// own error comes back as it is). The deals are not modified.
func Build(f funnel.Funnel, deals iter.Seq2[funnel.Deal, error]) (Chain, error) {
	c, err := CountMoves(f, deals)
	if err != nil {
		return Chain{}, err
	}
	return c.Solve()
}
