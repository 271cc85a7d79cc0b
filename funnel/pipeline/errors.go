package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dates"
)

// ErrPriorState reports a prior state ([WaterfallOptions.Before]) that
// does not fit the deals: an id that is not among them, or a deal shown
// open at a date before it started. It is the one failure only this
// package has; every other error wraps a sentinel of package funnel.
var ErrPriorState = errors.New("prior state does not match the deals")

// op returns the operation name of a function of this package.
func op(fn string) string { return "pipeline." + fn }

func dateString(t time.Time) string { return t.Format(time.RFC3339) }

// checkDate rejects a zero date and one the model cannot hold (see
// [holdable]), with a *[funnel.InputError] naming it and wrapping
// [funnel.ErrZeroDate].
func checkDate(fn, name string, t time.Time) error {
	if t.IsZero() {
		return &funnel.InputError{Op: op(fn), Name: name, Err: funnel.ErrZeroDate}
	}
	return checkOptionalDate(fn, name, t)
}

// checkOptionalDate rejects a date the model cannot hold; the zero time,
// which stands for no date, passes.
func checkOptionalDate(fn, name string, t time.Time) error {
	if err := dates.Reason(t); err != nil {
		return &funnel.InputError{Op: op(fn), Name: name, Value: dateString(t), Err: err}
	}
	return nil
}

// checkRange rejects zero dates and a range [from, to] whose end is not
// after its start; fromName and toName name the two inputs.
func checkRange(fn, fromName, toName string, from, to time.Time) error {
	if err := checkDate(fn, fromName, from); err != nil {
		return err
	}
	if err := checkDate(fn, toName, to); err != nil {
		return err
	}
	if !to.After(from) {
		return &funnel.InputError{Op: op(fn), Name: toName, Value: dateString(to), Err: fmt.Errorf("%w: not after %s %s", funnel.ErrDateOrder, fromName, dateString(from))}
	}
	return nil
}

// checkDeals validates every deal against the funnel, rejects a date the
// model cannot hold and duplicate ids. An empty funnel is an error even
// with no deals. A deal that fails [funnel.Deal.Validate] comes back as
// its *[funnel.DealError] with this function's Op.
func checkDeals(fn string, f funnel.Funnel, deals []funnel.Deal) error {
	if f.Len() == 0 {
		return &funnel.InputError{Op: op(fn), Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	seen := make(map[string]int, len(deals))
	for i := range deals {
		if err := deals[i].Validate(f); err != nil {
			return funnel.WithOp(op(fn), err)
		}
		if err := dates.Deal(&deals[i]); err != nil {
			return &funnel.DealError{Op: op(fn), ID: deals[i].ID, Err: err}
		}
		if j, ok := seen[deals[i].ID]; ok {
			return &funnel.DealError{Op: op(fn), ID: deals[i].ID, Err: fmt.Errorf("%w: deals[%d] and deals[%d]", funnel.ErrDuplicateDeal, j, i)}
		}
		seen[deals[i].ID] = i
	}
	return nil
}
