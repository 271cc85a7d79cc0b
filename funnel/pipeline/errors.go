package pipeline

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// ErrPriorState reports a prior state ([WaterfallOptions.Before]) that
// does not fit the deals: an id that is not among them, or a deal shown
// open at a date before it started. It is the one failure only this
// package has; every other error wraps a sentinel of package funnel.
var ErrPriorState = errors.New("prior state does not match the deals")

// op returns the operation name of a function of this package.
func op(fn string) string { return "pipeline." + fn }

func dateString(t time.Time) string { return t.Format(time.RFC3339) }

// The dates the model holds: after the zero time, which stands for
// "unknown", and writable in RFC 3339, as every result encodes its dates in
// JSON. A date's year must be within [minYear, maxYear] both in UTC and in
// its own location, and its offset from UTC under maxOffset.
const (
	minYear   = 1
	maxYear   = 9999
	maxOffset = 24 * 60 * 60 // seconds
)

// holdable reports whether t is a date the model can hold (see minYear).
// The zero time is holdable: callers that need a date check it apart.
func holdable(t time.Time) bool {
	_, off := t.Zone()
	u, l := t.UTC().Year(), t.Year()
	return u >= minYear && u <= maxYear && l >= minYear && l <= maxYear && off > -maxOffset && off < maxOffset
}

// dateReason returns nil for a date the model can hold, and otherwise an
// error wrapping [funnel.ErrZeroDate] that says why.
func dateReason(t time.Time) error {
	if holdable(t) {
		return nil
	}
	return fmt.Errorf("%w: outside the years %d to %d or more than a day off UTC", funnel.ErrZeroDate, minYear, maxYear)
}

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
	if err := dateReason(t); err != nil {
		return &funnel.InputError{Op: op(fn), Name: name, Value: dateString(t), Err: err}
	}
	return nil
}

// dealDates returns an error naming the first date of the deal the model
// cannot hold (a zero date is unknown and passes), such as
// "events[2].at", wrapping [funnel.ErrZeroDate].
func dealDates(d *funnel.Deal) error {
	fail := func(name string, t time.Time) error {
		return fmt.Errorf("%s = %s: %w", name, dateString(t), dateReason(t))
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"created", d.Created}, {"assigned", d.Assigned}, {"expected_close", d.ExpectedClose}, {"closed", d.Closed}} {
		if !holdable(f.t) {
			return fail(f.name, f.t)
		}
	}
	for i, e := range d.Events {
		if !holdable(e.At) {
			return fail("events["+strconv.Itoa(i)+"].at", e.At)
		}
	}
	for i, a := range d.Activities {
		if !holdable(a.At) {
			return fail("activities["+strconv.Itoa(i)+"].at", a.At)
		}
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
		if err := dealDates(&deals[i]); err != nil {
			return &funnel.DealError{Op: op(fn), ID: deals[i].ID, Err: err}
		}
		if j, ok := seen[deals[i].ID]; ok {
			return &funnel.DealError{Op: op(fn), ID: deals[i].ID, Err: fmt.Errorf("%w: deals[%d] and deals[%d]", funnel.ErrDuplicateDeal, j, i)}
		}
		seen[deals[i].ID] = i
	}
	return nil
}
