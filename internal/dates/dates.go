// Package dates holds the rule for the dates the model can hold, shared by
// the analyses that read deals' times (funnel/pipeline, funnel/markov):
// after the zero time, which stands for "unknown", and writable in RFC 3339
// (time.Time.MarshalJSON refuses the rest), so that every result encodes.
package dates

import (
	"fmt"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// A date's year must be within [MinYear, MaxYear] both in UTC and in its
// own location, and its offset from UTC under maxOffset seconds.
const (
	MinYear   = 1
	MaxYear   = 9999
	maxOffset = 24 * 60 * 60
)

// Holdable reports whether t is a date the model can hold. The zero time
// (unknown) is holdable: callers that need a date check it apart.
func Holdable(t time.Time) bool {
	_, off := t.Zone()
	u, l := t.UTC().Year(), t.Year()
	return u >= MinYear && u <= MaxYear && l >= MinYear && l <= MaxYear && off > -maxOffset && off < maxOffset
}

// Reason returns nil for a date the model can hold, and otherwise an error
// wrapping [funnel.ErrZeroDate] that says why.
func Reason(t time.Time) error {
	if Holdable(t) {
		return nil
	}
	return fmt.Errorf("%w: outside the years %d to %d or more than a day off UTC", funnel.ErrZeroDate, MinYear, MaxYear)
}

// Deal returns an error naming the first date of the deal the model
// cannot hold (a zero date is unknown and passes), such as
// "events[2].at = 10000-06-01T00:00:00Z", wrapping [funnel.ErrZeroDate].
func Deal(d *funnel.Deal) error {
	fail := func(name string, t time.Time) error {
		return fmt.Errorf("%s = %s: %w", name, t.Format(time.RFC3339), Reason(t))
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"created", d.Created}, {"assigned", d.Assigned}, {"expected_close", d.ExpectedClose}, {"closed", d.Closed}} {
		if !Holdable(f.t) {
			return fail(f.name, f.t)
		}
	}
	for i, e := range d.Events {
		if !Holdable(e.At) {
			return fail("events["+strconv.Itoa(i)+"].at", e.At)
		}
	}
	for i, a := range d.Activities {
		if !Holdable(a.At) {
			return fail("activities["+strconv.Itoa(i)+"].at", a.At)
		}
	}
	return nil
}
