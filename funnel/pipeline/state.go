package pipeline

import (
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// timeline is a deal placed in time: when it started, when it closed and
// its timed stage events. It reads the deal and never changes it.
type timeline struct {
	d      *funnel.Deal
	start  time.Time      // Deal.Start
	closed time.Time      // when won or lost; zero while open
	events []funnel.Event // timed stays, in time order
}

// place returns the deal's timeline, and false when the deal cannot be
// placed in time: its start is unknown, or it is closed and the time of
// closing is unknown ([funnel.Deal.CloseTime]: Closed, or for a won deal
// the time of its event at the last stage). The events are the deal's
// stays ([funnel.Deal.Stays]: a run of events at one stage, as an export
// writes at each amount change, is one stay that began with the first),
// less those without a time.
func place(d *funnel.Deal) (timeline, bool) {
	tl := timeline{d: d, start: d.Start()}
	if tl.start.IsZero() {
		return tl, false
	}
	tl.closed = d.CloseTime()
	if d.Outcome != funnel.Open && tl.closed.IsZero() {
		return tl, false
	}
	stays := d.Stays()
	tl.events = make([]funnel.Event, 0, len(stays))
	for _, e := range stays {
		if !e.At.IsZero() {
			tl.events = append(tl.events, e)
		}
	}
	return tl, true
}

// startedBy reports whether the deal started at or before t.
func (tl timeline) startedBy(t time.Time) bool { return !tl.start.After(t) }

// closedBy reports whether the deal was won or lost at or before t.
func (tl timeline) closedBy(t time.Time) bool {
	return tl.d.Outcome != funnel.Open && !tl.closed.After(t)
}

// openAt reports whether the deal was open at t: started at or before t
// and not closed by t.
func (tl timeline) openAt(t time.Time) bool { return tl.startedBy(t) && !tl.closedBy(t) }

// eventsBy returns the number of timed stays begun at or before t.
func (tl timeline) eventsBy(t time.Time) int {
	n, _ := slices.BinarySearchFunc(tl.events, t, func(e funnel.Event, t time.Time) int {
		if e.At.After(t) {
			return 1
		}
		return -1
	})
	return n
}

// stageAt returns the deal's stage at t, which is the stage of its last
// timed stay begun at or before t, and when that stay began, so a
// repeated row at the same stage is not a stage change. With no stay by t
// the stage is -1 and the entry time is the start.
func (tl timeline) stageAt(t time.Time) (stage int, since time.Time) {
	n := tl.eventsBy(t)
	if n == 0 {
		return -1, tl.start
	}
	return tl.events[n-1].Stage, tl.events[n-1].At
}

// movedBackBy reports whether the deal moved to an earlier stage at or
// before t.
func (tl timeline) movedBackBy(t time.Time) bool {
	n := tl.eventsBy(t)
	for i := 1; i < n; i++ {
		if tl.events[i].Stage < tl.events[i-1].Stage {
			return true
		}
	}
	return false
}

// touchesBy returns the times of the deal's activities at or before t, in
// time order. Activities without a time are left out.
func (tl timeline) touchesBy(t time.Time) []time.Time {
	var ts []time.Time
	for _, a := range tl.d.Activities {
		if !a.At.IsZero() && !a.At.After(t) {
			ts = append(ts, a.At)
		}
	}
	slices.SortFunc(ts, time.Time.Compare)
	return ts
}
