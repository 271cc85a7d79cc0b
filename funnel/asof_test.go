package funnel_test

import (
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

func TestDealAsOf(t *testing.T) {
	f := funnel.MustNew("Lead", "Meeting", "Won")
	day := func(d int) time.Time { return time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC) }
	ev := func(stage, d int) funnel.Event { return funnel.Event{Stage: stage, At: day(d)} }
	act := func(d int) funnel.Activity { return funnel.Activity{Kind: funnel.KindCall, At: day(d)} }
	won := funnel.Deal{ID: "W", Owner: "ann", Events: []funnel.Event{ev(0, 1), ev(1, 5), ev(2, 10)}, Outcome: funnel.Won,
		Activities: []funnel.Activity{act(2), act(6), act(9)}, Attrs: map[string]string{"tier": "a"}}
	lost := funnel.Deal{ID: "L", Events: []funnel.Event{ev(0, 1), ev(1, 3)}, Outcome: funnel.Lost, Closed: day(8)}
	untimedWin := funnel.Deal{ID: "U", Events: []funnel.Event{ev(0, 1), {Stage: 2}}, Outcome: funnel.Won, Closed: day(9)}
	cases := []struct {
		name string
		d    funnel.Deal
		at   time.Time
		want funnel.Deal
		ok   bool
	}{{
		name: "won after the date is open at the stages entered by then",
		d:    won, at: day(7),
		want: funnel.Deal{ID: "W", Owner: "ann", Events: []funnel.Event{ev(0, 1), ev(1, 5)}, Outcome: funnel.Open,
			Activities: []funnel.Activity{act(2), act(6)}, Attrs: map[string]string{"tier": "a"}},
		ok: true,
	}, {
		name: "won at the date stays won",
		d:    won, at: day(10), want: won, ok: true,
	}, {
		name: "lost before the date stays lost",
		d:    lost, at: day(20), want: lost, ok: true,
	}, {
		name: "lost after the date is open",
		d:    lost, at: day(4),
		want: funnel.Deal{ID: "L", Events: []funnel.Event{ev(0, 1), ev(1, 3)}, Outcome: funnel.Open}, ok: true,
	}, {
		name: "a won deal reopened loses its untimed win",
		d:    untimedWin, at: day(5),
		want: funnel.Deal{ID: "U", Events: []funnel.Event{ev(0, 1)}, Outcome: funnel.Open}, ok: true,
	}, {
		name: "started after the date",
		d:    won, at: day(1).Add(-time.Second), ok: false,
	}, {
		name: "created before the date, no stage yet",
		d:    funnel.Deal{ID: "C", Created: day(1), Events: []funnel.Event{ev(0, 3)}}, at: day(2), ok: false,
	}, {
		name: "closed at an unknown time",
		d:    funnel.Deal{ID: "X", Events: []funnel.Event{{Stage: 0}}, Outcome: funnel.Lost}, at: day(2), ok: false,
	}, {
		name: "no start: kept",
		d:    funnel.Deal{ID: "N", Events: []funnel.Event{{Stage: 1}}}, at: day(2),
		want: funnel.Deal{ID: "N", Events: []funnel.Event{{Stage: 1}}}, ok: true,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := cloneDeal(c.d)
			got, ok := c.d.AsOf(c.at)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v", ok, c.ok)
			}
			if diff := cmp.Diff(before, c.d); diff != "" {
				t.Errorf("input modified (-before +after):\n%s", diff)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("AsOf (-want +got):\n%s", diff)
			}
			if err := got.Validate(f); err != nil {
				t.Errorf("the deal as of the date is not valid: %v", err)
			}
			if len(got.Events) > 0 && len(c.d.Events) > 0 && &got.Events[0] == &c.d.Events[0] {
				t.Error("the result shares its events with the input")
			}
		})
	}
}

func cloneDeal(d funnel.Deal) funnel.Deal {
	d.Events = append([]funnel.Event(nil), d.Events...)
	d.Activities = append([]funnel.Activity(nil), d.Activities...)
	if d.Attrs != nil {
		m := make(map[string]string, len(d.Attrs))
		for k, v := range d.Attrs {
			m[k] = v
		}
		d.Attrs = m
	}
	return d
}
