package ratios

import (
	"fmt"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
)

// Name returns the name of a rep's counts: the values of its Key joined
// by "/" ("ann", or "ann/enterprise" for a tally grouped by owner and
// segment), "" for counts without a key.
func Name(c funnel.Counts) string { return strings.Join(c.Key, "/") }

// team checks the reps' counts against f and returns their sum, the
// team's counts. Errors name the rep ("reps[2]") and carry op.
func team(op string, f funnel.Funnel, reps []funnel.Counts) (funnel.Counts, error) {
	if f.Len() == 0 {
		return funnel.Counts{}, &funnel.InputError{Op: op, Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	if len(reps) == 0 {
		return funnel.Counts{}, &funnel.InputError{Op: op, Name: "reps", Value: "none", Err: fmt.Errorf("%w: no reps to compare", funnel.ErrNoData)}
	}
	t, err := funnel.Sum(f, reps)
	if err != nil {
		return funnel.Counts{}, renamed(op, err)
	}
	return t, nil
}

// renamed gives an error of funnel.Sum the op of this package and names
// the input "reps" rather than "counts".
func renamed(op string, err error) error {
	switch e := err.(type) {
	case *funnel.InputError:
		c := *e
		c.Op, c.Name = op, strings.Replace(c.Name, "counts[", "reps[", 1)
		return &c
	case *funnel.StageError:
		c := *e
		c.Op, c.Input = op, strings.Replace(c.Input, "counts[", "reps[", 1)
		return &c
	}
	return err
}
