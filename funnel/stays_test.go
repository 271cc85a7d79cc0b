package funnel

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStays checks that runs of consecutive events at one stage become one
// stay that starts at the run's first (known) time.
func TestStays(t *testing.T) {
	ev := func(stage, d int) Event { return Event{Stage: stage, At: jan(d)} }
	tests := []struct {
		name   string
		events []Event
		want   []Event
	}{
		{"none", nil, nil},
		{"no repeats", []Event{ev(0, 1), ev(1, 3), ev(0, 5)}, []Event{ev(0, 1), ev(1, 3), ev(0, 5)}},
		{"a run of three", []Event{ev(0, 1), ev(1, 3), ev(1, 9), ev(1, 12), ev(2, 20)}, []Event{ev(0, 1), ev(1, 3), ev(2, 20)}},
		{"runs at the start and end", []Event{ev(0, 1), ev(0, 2), ev(1, 3), ev(1, 4)}, []Event{ev(0, 1), ev(1, 3)}},
		// A move back to a stage is a new stay, not part of a run.
		{"back and forth", []Event{ev(1, 1), ev(2, 2), ev(1, 3), ev(1, 4)}, []Event{ev(1, 1), ev(2, 2), ev(1, 3)}},
		// An untimed first row takes the run's first known time.
		{"untimed first", []Event{{Stage: 0}, ev(0, 4), ev(1, 6)}, []Event{ev(0, 4), ev(1, 6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Deal{ID: "x", Events: tt.events}
			before := fmt.Sprint(tt.events)
			if diff := cmp.Diff(tt.want, d.Stays()); diff != "" {
				t.Errorf("Stays() mismatch (-want +got):\n%s", diff)
			}
			if fmt.Sprint(tt.events) != before {
				t.Errorf("Stays modified the deal's events: %v", tt.events)
			}
		})
	}
}

// TestTallyStaysOpportunityHistory is the defect found on Salesforce
// OpportunityHistory exports: a row each time the amount, probability or
// close date changes, so a deal that sat 20 days in Prospecting has two
// Prospecting rows. Worked by hand: Prospecting Mar 1, Prospecting Mar 11
// (the amount changed), Qualification Mar 21, Closed Won Apr 1. The time
// in Prospecting is one stay of 20 days, not two visits of 10; in
// Qualification 11 days; the win came 31 days after Prospecting and 11
// after Qualification.
func TestTallyStaysOpportunityHistory(t *testing.T) {
	f := MustNew("Prospecting", "Qualification", "Closed Won")
	mar := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, time.UTC) }
	d := Deal{ID: "006A", Outcome: Won, Closed: mar(32), Events: []Event{{0, mar(1)}, {0, mar(11)}, {1, mar(21)}, {2, mar(32)}}}
	ta := NewTally(f)
	if err := ta.Add(d); err != nil {
		t.Fatal(err)
	}
	c := mustTotal(t, ta)
	got := []Summary{c.StageTime[0].Summary(), c.StageTime[1].Summary(), c.WonToClose[0].Summary(), c.WonToClose[1].Summary()}
	want := []Summary{
		{N: 1, MeanDays: Some(20), MedianDays: Some(20), P90Days: Some(20), MaxDays: Some(20)},
		{N: 1, MeanDays: Some(11), MedianDays: Some(11), P90Days: Some(11), MaxDays: Some(11)},
		{N: 1, MeanDays: Some(31), MedianDays: Some(31), P90Days: Some(31), MaxDays: Some(31)},
		{N: 1, MeanDays: Some(11), MedianDays: Some(11), P90Days: Some(11), MaxDays: Some(11)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("time in stage mismatch (-want +got):\n%s", diff)
	}
	// The deal entered Prospecting once as far as the counts go.
	if c.Entered[0] != 1 || c.EnteredBoth[0] != 1 {
		t.Errorf("Entered %v, EnteredBoth %v", c.Entered, c.EnteredBoth)
	}
}

// TestTallyGroupKeysDistinct is the defect of keys joined with "\x1f":
// owner "x\x1fy" with segment "" and owner "x" with segment "y\x1f" fell
// into one group. Distinct tuples are distinct groups.
func TestTallyGroupKeysDistinct(t *testing.T) {
	f := MustNew("a", "b")
	deal := func(id, owner, segment string) Deal {
		return Deal{ID: id, Owner: owner, Segment: segment, Events: []Event{{0, jan(1)}}}
	}
	ta := NewTally(f, AttrOwner, AttrSegment)
	for _, d := range []Deal{deal("1", "x\x1fy", ""), deal("2", "x", "y\x1f"), deal("3", "ab", "c"), deal("4", "a", "bc"), deal("5", "x", "y\x1f")} {
		if err := ta.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int64{}
	for _, g := range ta.Groups() {
		got[fmt.Sprintf("%q", g.Key)] = g.Deals
	}
	want := map[string]int64{
		`["x\x1fy" ""]`: 1, `["x" "y\x1f"]`: 2, `["ab" "c"]`: 1, `["a" "bc"]`: 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	if g, ok := ta.Group("x", "y\x1f"); !ok || g.Deals != 2 {
		t.Errorf(`Group("x", "y\x1f") = %d deals, %v; want 2`, g.Deals, ok)
	}
	if _, ok := ta.Group("x\x1fy"); ok {
		t.Error("Group with one value of two found a group")
	}
}

// TestTallyAddAll checks that a stream's error comes back and stops the
// tally: a reader's bad row never gives a valid-looking partial result
// without saying so.
func TestTallyAddAll(t *testing.T) {
	f := MustNew("a", "b")
	bad := errors.New("line 3: bad row")
	stream := func(yield func(Deal, error) bool) {
		_ = yield(Deal{ID: "1", Events: []Event{{0, jan(1)}}}, nil) &&
			yield(Deal{}, bad) &&
			yield(Deal{ID: "2", Events: []Event{{0, jan(1)}}}, nil)
	}
	ta := NewTally(f)
	if err := ta.AddAll(stream); !errors.Is(err, bad) {
		t.Fatalf("AddAll error = %v, want the stream's", err)
	}
	if c := mustTotal(t, ta); c.Deals != 1 {
		t.Errorf("deals added before the error = %d, want 1", c.Deals)
	}
	// An invalid deal stops it too, with the deal's error.
	if err := ta.AddAll(Stream([]Deal{{ID: ""}})); !errors.Is(err, ErrInvalidDeal) {
		t.Errorf("AddAll of an invalid deal: %v, want ErrInvalidDeal", err)
	}
}

// TestTallyOverflow checks that sums of counts past an int64 are errors
// wrapping ErrOutOfRange and leave the tally unchanged, never wrap.
func TestTallyOverflow(t *testing.T) {
	f := MustNew("a", "b")
	big := func(owner string) *Tally {
		c := countsUnchecked([]int64{1 << 62, 0})
		c.Key = []string{owner}
		c.StageTime = make([]Durations, 2)
		ta := NewTally(f, AttrOwner)
		ta.groups[ta.keyOf([]string{owner})] = groupOf(c)
		return ta
	}
	a, b := big("x"), big("x")
	// 2^62 + 2^62 = 2^63: past an int64. Before, this returned nil with
	// Deals = -9223372036854775808.
	if err := a.Merge(b); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("Merge of 2^62 + 2^62 deals: error = %v, want ErrOutOfRange", err)
	}
	if g, _ := a.Group("x"); g.Deals != 1<<62 {
		t.Errorf("after a failed merge, deals = %d, want 2^62 (unchanged)", g.Deals)
	}
	// Two groups whose sum overflows: Total says so.
	c := big("x")
	if err := c.Merge(big("y")); err != nil {
		t.Fatal(err)
	}
	if err := c.Merge(big("z")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Total(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Total of 3 × 2^62 deals: %v, want ErrOutOfRange", err)
	}
	// A nil or zero tally is no panic.
	var nilT *Tally
	if _, err := nilT.Total(); !errors.Is(err, ErrEmptyFunnel) {
		t.Errorf("nil Total: %v", err)
	}
	if err := NewTally(f).Merge(nil); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Merge(nil): %v", err)
	}
	var zero Tally
	if err := zero.Add(Deal{ID: "1", Events: []Event{{0, jan(1)}}}); !errors.Is(err, ErrEmptyFunnel) {
		t.Errorf("zero Tally Add: %v", err)
	}
	if nilT.Len() != 0 || nilT.Groups() != nil {
		t.Error("nil tally reads")
	}
}

// TestCohortTallyOverflow checks that merging cohorts past an int64 is an
// error and leaves the tally unchanged, and that nil tallies are no panic.
func TestCohortTallyOverflow(t *testing.T) {
	doc := `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","undated":0,"cohorts":[` +
		`{"start":"2024-01-01T00:00:00Z","deals":4611686018427387904,"reached":[1,0],"converted":[0],"unknown":[0],"last_reach":["2024-01-02T00:00:00Z","0001-01-01T00:00:00Z"]}]}`
	var a, b CohortTally
	if err := a.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	// 2^62 + 2^62 = 2^63.
	if err := a.Merge(&b); !errors.Is(err, ErrOutOfRange) {
		t.Fatalf("Merge of 2^62 + 2^62 deals: %v, want ErrOutOfRange", err)
	}
	if got := a.Cohorts()[0].Deals; got != 1<<62 {
		t.Errorf("after a failed merge, deals = %d, want 2^62", got)
	}
	var nilC *CohortTally
	if err := nilC.Merge(&a); !errors.Is(err, ErrEmptyFunnel) {
		t.Errorf("nil Merge: %v", err)
	}
	if err := a.Merge(nil); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Merge(nil): %v", err)
	}
	if err := nilC.Add(Deal{ID: "x", Events: []Event{{0, jan(1)}}}); !errors.Is(err, ErrEmptyFunnel) {
		t.Errorf("nil Add: %v", err)
	}
	if nilC.Cohorts() != nil || nilC.Undated() != 0 || nilC.Funnel().Len() != 0 {
		t.Error("nil cohort tally reads")
	}
}
