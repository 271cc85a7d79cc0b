package pipeline

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// The hand-worked fixture: four stages, day(n) is n days after 1 January
// 2025, 00:00 UTC.
var testFunnel = funnel.MustNew("Lead", "Qualified", "Proposal", "Won")

const (
	lead = iota
	qualified
	proposal
	won
)

func day(n int) time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

func amt(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

func ev(stage, d int) funnel.Event { return funnel.Event{Stage: stage, At: day(d)} }

func touch(kind string, d int) funnel.Activity { return funnel.Activity{Kind: kind, At: day(d)} }

// handDeals are the deals of the hand-worked cases. For each, what it
// looks like at day 60 with Thresholds{StalledDays: 14, UntouchedDays: 7}
// (worked out in health_test.go) is noted here.
//
//	A open, Proposal since day 50; touches 5, 20, 55; expected close day 70; 100
//	B open, Qualified since day 20; one touch at 30; expected close day 45; no amount
//	C open, Lead 10 → Proposal 25 (skip) → Qualified 40 (moved back); no touch; 50
//	D won at day 55 (Lead 0, Qualified 15, Proposal 30, Won 55); 200
//	E lost at day 65, so still open at day 60; Lead since 20; touches 21, 58; 30
//	F created at day 70; 80
//	G Lead 40 → Qualified 55 → Lead 58 (moved back); touch at 59; expected close day 60; 40
func handDeals() []funnel.Deal {
	return []funnel.Deal{
		{ID: "A", Owner: "ann", Created: day(0), Amount: amt("100"), ExpectedClose: day(70),
			Events:     []funnel.Event{ev(lead, 0), ev(qualified, 10), ev(proposal, 50)},
			Activities: []funnel.Activity{touch("call", 5), touch("email", 20), touch("meeting", 55)}},
		{ID: "B", Owner: "bob", Created: day(5), ExpectedClose: day(45),
			Events:     []funnel.Event{ev(lead, 5), ev(qualified, 20)},
			Activities: []funnel.Activity{touch("call", 30)}},
		{ID: "C", Owner: "ann", Created: day(10), Amount: amt("50"),
			Events: []funnel.Event{ev(lead, 10), ev(proposal, 25), ev(qualified, 40)}},
		{ID: "D", Owner: "bob", Created: day(0), Amount: amt("200"), Outcome: funnel.Won, Closed: day(55),
			Events: []funnel.Event{ev(lead, 0), ev(qualified, 15), ev(proposal, 30), ev(won, 55)}},
		{ID: "E", Owner: "ann", Created: day(20), Amount: amt("30"), Outcome: funnel.Lost, Closed: day(65),
			Events:     []funnel.Event{ev(lead, 20)},
			Activities: []funnel.Activity{touch("email", 58), touch("email", 21)}}, // out of order on purpose
		{ID: "F", Owner: "bob", Created: day(70), Amount: amt("80"),
			Events: []funnel.Event{ev(lead, 70)}},
		{ID: "G", Owner: "bob", Created: day(40), Amount: amt("40"), ExpectedClose: day(60),
			Events:     []funnel.Event{ev(lead, 40), ev(qualified, 55), ev(lead, 58)},
			Activities: []funnel.Activity{touch("meeting", 59)}},
	}
}

// cloneDeals returns a deep copy, to check later that a function left its
// input alone.
func cloneDeals(ds []funnel.Deal) []funnel.Deal {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Events = slices.Clone(ds[i].Events)
		out[i].Activities = slices.Clone(ds[i].Activities)
		out[i].Attrs = maps.Clone(ds[i].Attrs)
	}
	return out
}

// checkUnchanged fails the test when the deals differ from the copy taken
// before the call.
func checkUnchanged(t *testing.T, before, after []funnel.Deal) {
	t.Helper()
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("input deals modified (-before +after):\n%s", diff)
	}
}
