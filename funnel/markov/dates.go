package markov

import (
	"fmt"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// The dates the model holds, as package funnel/pipeline checks them: after
// the zero time, which stands for "unknown", and writable in RFC 3339. A
// date's year must be within [minYear, maxYear] both in UTC and in its
// own location, and its offset from UTC under maxOffset.
const (
	minYear   = 1
	maxYear   = 9999
	maxOffset = 24 * 60 * 60 // seconds
)

// holdable reports whether t is a date the model can hold. The zero time
// (unknown) is holdable.
func holdable(t time.Time) bool {
	_, off := t.Zone()
	u, l := t.UTC().Year(), t.Year()
	return u >= minYear && u <= maxYear && l >= minYear && l <= maxYear && off > -maxOffset && off < maxOffset
}

// dealDates returns an error naming the first date of the deal that the
// model cannot hold, such as "events[2].at", wrapping
// [funnel.ErrZeroDate]. Only the times of the events and the closing
// enter the chain; the others are checked so that a deal is refused, or
// not, as it is by every analysis of the module.
func dealDates(d *funnel.Deal) error {
	fail := func(name string, t time.Time) error {
		return fmt.Errorf("%s = %s: %w: outside the years %d to %d or more than a day off UTC", name, t.Format(time.RFC3339), funnel.ErrZeroDate, minYear, maxYear)
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
