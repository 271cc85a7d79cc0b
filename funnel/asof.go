package funnel

import (
	"slices"
	"time"
)

// AsOf returns the deal as it stood at t, from what was known then: the
// events and activities at or before t, and the outcome only when the deal
// had closed by t. A deal won or lost after t is open at t, at the stages it
// had entered by then. Events and activities without a time are kept, as
// nothing says they came later. The other fields (amount, owner, expected
// close) are kept as exported: an export holds their latest values only.
//
// ok is false when the deal was not known at t, so that a caller replaying
// history leaves it out: it started after t ([Deal.Start]), or it is won or
// lost at an unknown time ([Deal.CloseTime] zero), which cannot be placed
// before or after t, or it was open at t without having entered a stage
// yet. A won deal reopened loses its event at the won stage, timed or not.
// A deal without a start is kept, open or closed by the
// rule above. The result shares no slice with d, which is not modified.
func (d Deal) AsOf(t time.Time) (Deal, bool) {
	if s := d.Start(); !s.IsZero() && s.After(t) {
		return Deal{}, false
	}
	out := d
	if d.Outcome != Open {
		ct := d.CloseTime()
		if ct.IsZero() {
			return Deal{}, false
		}
		if ct.After(t) {
			out.Outcome, out.Closed = Open, time.Time{}
		}
	}
	// A won deal's events are at the funnel's last stage at most, and it
	// has one there: reopened, it loses its win even when untimed.
	won := -1
	if d.Outcome == Won && out.Outcome == Open {
		for _, e := range d.Events {
			won = max(won, e.Stage)
		}
	}
	out.Events = slices.DeleteFunc(slices.Clone(d.Events), func(e Event) bool {
		return e.Stage == won || !e.At.IsZero() && e.At.After(t)
	})
	if out.Outcome == Open && len(out.Events) == 0 {
		return Deal{}, false
	}
	if len(d.Activities) > 0 {
		out.Activities = slices.DeleteFunc(slices.Clone(d.Activities), func(a Activity) bool { return !a.At.IsZero() && a.At.After(t) })
	}
	if len(d.Attrs) > 0 {
		out.Attrs = make(map[string]string, len(d.Attrs))
		for k, v := range d.Attrs {
			out.Attrs[k] = v
		}
	}
	return out, true
}
