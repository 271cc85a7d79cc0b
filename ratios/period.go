package ratios

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
)

// Moves is the result of [Movers]: who moved between two periods, at
// which step, and whether beyond noise.
type Moves struct {
	Confidence float64 `json:"confidence"` // the level of the intervals
	FDR        float64 `json:"fdr"`        // the false discovery rate of the flags
	// Reps are the reps present in both periods, matched by [Name], in
	// byte order of their names.
	Reps []RepMoves `json:"reps"`
	// OnlyBefore and OnlyAfter name the reps present in one period only,
	// in byte order: they cannot be compared, and are listed rather than
	// dropped. Empty, not null, when there are none.
	OnlyBefore []string `json:"only_before"`
	OnlyAfter  []string `json:"only_after"`
	// Tests is the number of rep × step cells tested, Discoveries the
	// number that moved beyond noise.
	Tests       int `json:"tests"`
	Discoveries int `json:"discoveries"`
}

// RepMoves is one rep's steps in both periods.
type RepMoves struct {
	Name   string `json:"name"`
	Before int    `json:"before"` // the rep's index in before
	After  int    `json:"after"`  // the rep's index in after
	// Steps are the rep's steps, one per step: Steps[j] is the step into
	// stage j+1.
	Steps []Move `json:"steps"`
}

// Move is one rep's step in two periods: the [Contrast] of the resolved
// step after (A) with the resolved step before (B), so that a positive
// Difference.Diff is a gain; Beyond says it moved beyond noise.
type Move struct {
	Stage string `json:"stage"` // the stage the step enters
	Contrast
}

// Movers compares every rep's funnel in two periods, before and after,
// such as the per-owner counts of last quarter's and this quarter's
// tallies: reps are matched by [Name], and for each step, from stage k−1
// into stage k, the resolved steps of both periods ([funnel.Compare]) are
// compared as in [Contrast]:
//
//	Diff = after's resolved rate − before's resolved rate
//
// with Newcombe's interval at the confidence level, the pooled z test's
// p-value (Fisher's exact p when an expected count is below 5), and the
// Benjamini–Hochberg false discovery control at opts.FDR across every rep
// × step cell with trials in both periods. A cell moved beyond noise only
// when it is a discovery. Reps present in one period only are listed in
// OnlyBefore or OnlyAfter.
//
// Of the options only Confidence and FDR are used, but every option is
// checked as [Benchmark] checks it; opts may be nil. The inputs are not
// modified.
//
// It returns a *[funnel.InputError] or *[funnel.StageError] with Op
// "ratios.Movers": the errors of [Benchmark] for the funnel, each
// period's counts (naming the rep and field, "before[1].reached" or
// "after[0].reached") and the options; one naming "before" or "after" that
// wraps [funnel.ErrNoData] when that period has no reps; and one naming
// the later rep ("after[4]") that wraps [funnel.ErrIncompatible] when two
// reps of one period have the same name, which cannot be matched.
func Movers(f funnel.Funnel, before, after []funnel.Counts, opts *Options) (Moves, error) {
	const op = "ratios.Movers"
	s, err := benchOptions(op, opts)
	if err != nil {
		return Moves{}, err
	}
	if _, err := team(op, f, before); err != nil {
		return Moves{}, periodErr(stageNamed(f, err), "before")
	}
	if _, err := team(op, f, after); err != nil {
		return Moves{}, periodErr(stageNamed(f, err), "after")
	}
	bi, err := periodReps(op, "before", before)
	if err != nil {
		return Moves{}, err
	}
	ai, err := periodReps(op, "after", after)
	if err != nil {
		return Moves{}, err
	}

	out := Moves{Confidence: s.conf, FDR: s.fdr, OnlyBefore: []string{}, OnlyAfter: []string{}}
	// Both lists are sorted by name: merge them.
	var both [][2]int
	for x, y := 0, 0; x < len(bi) || y < len(ai); {
		switch {
		case y == len(ai) || x < len(bi) && bi[x].name < ai[y].name:
			out.OnlyBefore = append(out.OnlyBefore, bi[x].name)
			x++
		case x == len(bi) || ai[y].name < bi[x].name:
			out.OnlyAfter = append(out.OnlyAfter, ai[y].name)
			y++
		default:
			both = append(both, [2]int{bi[x].i, ai[y].i})
			x, y = x+1, y+1
		}
	}

	ns := f.Len() - 1
	out.Reps = make([]RepMoves, len(both))
	moves := make([]Move, len(both)*ns)
	tested := make([]*Contrast, 0, len(moves))
	for r, p := range both {
		b, a := before[p[0]], after[p[1]]
		ch, err := funnel.Compare(f, b, a)
		if err != nil {
			return Moves{}, funnel.WithOp(op, err)
		}
		rm := RepMoves{Name: Name(a), Before: p[0], After: p[1], Steps: moves[r*ns : (r+1)*ns : (r+1)*ns]}
		for j := range ns {
			c, err := contrast(ch[j+1].StepAfter, ch[j+1].StepBefore, s.conf)
			if err != nil {
				return Moves{}, funnel.WithOp(op, err)
			}
			m := &rm.Steps[j]
			m.Stage, m.Contrast = f.Stage(j+1), c
			if c.P.Valid {
				tested = append(tested, &m.Contrast)
			}
		}
		out.Reps[r] = rm
	}
	if out.Tests, out.Discoveries, err = discover(tested, s.fdr); err != nil {
		return Moves{}, funnel.WithOp(op, err)
	}
	return out, nil
}

// periodRep is a rep's name with its index in its period.
type periodRep struct {
	name string
	i    int
}

// periodReps returns the reps' names with their indices, sorted by name, or
// a *funnel.InputError naming the later of two reps with the same name.
func periodReps(op, period string, reps []funnel.Counts) ([]periodRep, error) {
	ns := make([]periodRep, len(reps))
	for i, c := range reps {
		ns[i] = periodRep{Name(c), i}
	}
	slices.SortStableFunc(ns, func(a, b periodRep) int { return strings.Compare(a.name, b.name) })
	for k := 1; k < len(ns); k++ {
		if ns[k].name == ns[k-1].name {
			return nil, &funnel.InputError{Op: op, Name: period + "[" + strconv.Itoa(ns[k].i) + "]", Value: strconv.Quote(ns[k].name),
				Err: fmt.Errorf("%w: the name of %s[%d] too, so the periods cannot be matched", funnel.ErrIncompatible, period, ns[k-1].i)}
		}
	}
	return ns, nil
}

// periodErr names the period of an error of team, which names "reps".
func periodErr(err error, period string) error {
	var ie *funnel.InputError
	var se *funnel.StageError
	switch {
	case errors.As(err, &ie):
		c := *ie
		if rest, ok := strings.CutPrefix(c.Name, "reps"); ok {
			c.Name = period + rest
		}
		return &c
	case errors.As(err, &se):
		c := *se
		if rest, ok := strings.CutPrefix(c.Input, "reps"); ok {
			c.Input = period + rest
		}
		return &c
	}
	return err
}
