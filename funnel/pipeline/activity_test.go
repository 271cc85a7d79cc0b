package pipeline

import (
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

func contactTouch(kind string, d int, contact string) funnel.Activity {
	return funnel.Activity{Kind: kind, At: day(d), Contact: contact}
}

// activityDeals: two owners, four deals, worked by hand in
// TestActivityHandWorked.
func activityDeals() []funnel.Deal {
	return []funnel.Deal{
		{ID: "X1", Owner: "ann", Account: "acme", Outcome: funnel.Won, Created: day(0), Assigned: day(1), Closed: day(20),
			Events: []funnel.Event{ev(lead, 0), ev(won, 20)},
			Activities: []funnel.Activity{contactTouch("call", 2, "c1"), contactTouch("Meeting", 3, "c1"),
				contactTouch("meeting", 10, "c2"), contactTouch("email", 12, "c2")}},
		{ID: "X2", Owner: "ann", Account: "acme", Outcome: funnel.Lost, Created: day(0), Closed: day(5),
			Events:     []funnel.Event{ev(lead, 0)},
			Activities: []funnel.Activity{contactTouch("email", 0, "c3")}},
		{ID: "Y1", Owner: "bob", Account: "beta", Outcome: funnel.Won, Created: day(5), Closed: day(30),
			Events: []funnel.Event{ev(lead, 5), ev(won, 30)},
			Activities: []funnel.Activity{contactTouch("meeting", 9, "c4"), contactTouch("meeting", 11, "c4"),
				contactTouch("meeting", 20, "c5"), contactTouch("call", 25, "")}},
		{ID: "Y2", Owner: "bob", Account: "gamma", Created: day(5), Events: []funnel.Event{ev(lead, 5)}},
	}
}

// TestActivityHandWorked checks the ratios against hand counts:
//
//	X1 (ann, won): 4 touches, 2 meetings (1 follow-up), contacts c1 c2;
//	   assigned day 1, first touch day 2: 1 day.
//	X2 (ann, lost): 1 touch, no meeting, contact c3; no assignment, created
//	   day 0, first touch day 0: 0 days.
//	Y1 (bob, won): 4 touches, 3 meetings (2 follow-ups), contacts c4 c5 (the
//	   call has none); created day 5, first touch day 9: 4 days.
//	Y2 (bob, open): nothing.
//
//	team: touches per won (4+4)/2 = 4, per lost 1/1, per open 0/1;
//	meetings per deal (2+0+3+0)/4 = 1.25; follow-ups per initial (1+2)/2 =
//	1.5; days to first touch (1+0+4)/3; contacts per account: pairs
//	acme/c1 acme/c2 acme/c3 beta/c4 beta/c5 = 5 over acme beta gamma = 3.
//	ann: won 4/1, lost 1/1, open 0/0; meetings 2/2; follow-ups 1/1; first
//	touch (1+0)/2 = 0.5; contacts 3 over acme = 3/1.
//	bob: won 4/1, lost 0/0, open 0/1; meetings 3/2; follow-ups 2/1; first
//	touch 4/1; contacts 2 over beta gamma = 2/2.
func TestActivityHandWorked(t *testing.T) {
	deals := activityDeals()
	before := cloneDeals(deals)
	got, err := Activity(testFunnel, deals)
	if err != nil {
		t.Fatal(err)
	}
	checkUnchanged(t, before, deals)
	want := ActivityReport{
		Deals: []DealActivity{
			{ID: "X1", Owner: "ann", Account: "acme", Outcome: funnel.Won, Touches: 4, Calls: 1, Emails: 1, Meetings: 2, FollowUps: 1,
				Contacts: 2, FirstTouch: day(2), DaysToFirstTouch: 1, HasFirstTouch: true},
			{ID: "X2", Owner: "ann", Account: "acme", Outcome: funnel.Lost, Touches: 1, Emails: 1,
				Contacts: 1, FirstTouch: day(0), DaysToFirstTouch: 0, HasFirstTouch: true},
			{ID: "Y1", Owner: "bob", Account: "beta", Outcome: funnel.Won, Touches: 4, Calls: 1, Meetings: 3, FollowUps: 2,
				Contacts: 2, FirstTouch: day(9), DaysToFirstTouch: 4, HasFirstTouch: true},
			{ID: "Y2", Owner: "bob", Account: "gamma", Outcome: funnel.Open},
		},
		Team: OwnerActivity{Deals: 4, Won: 2, Lost: 1, Open: 1,
			TouchesPerWon: Ratio{8, 2, 4}, TouchesPerLost: Ratio{1, 1, 1}, TouchesPerOpen: Ratio{0, 1, 0},
			MeetingsPerDeal: Ratio{5, 4, 1.25}, FollowUpsPerInitial: Ratio{3, 2, 1.5},
			DaysToFirstTouch: MeanDays{N: 3, Days: 5.0 / 3}, ContactsPerAccount: Ratio{5, 3, 5.0 / 3}},
		Owners: []OwnerActivity{
			{Owner: "ann", Deals: 2, Won: 1, Lost: 1,
				TouchesPerWon: Ratio{4, 1, 4}, TouchesPerLost: Ratio{1, 1, 1}, TouchesPerOpen: Ratio{0, 0, 0},
				MeetingsPerDeal: Ratio{2, 2, 1}, FollowUpsPerInitial: Ratio{1, 1, 1},
				DaysToFirstTouch: MeanDays{N: 2, Days: 0.5}, ContactsPerAccount: Ratio{3, 1, 3}},
			{Owner: "bob", Deals: 2, Won: 1, Open: 1,
				TouchesPerWon: Ratio{4, 1, 4}, TouchesPerLost: Ratio{0, 0, 0}, TouchesPerOpen: Ratio{0, 1, 0},
				MeetingsPerDeal: Ratio{3, 2, 1.5}, FollowUpsPerInitial: Ratio{2, 1, 2},
				DaysToFirstTouch: MeanDays{N: 1, Days: 4}, ContactsPerAccount: Ratio{2, 2, 1}},
		},
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("Activity mismatch (-want +got):\n%s", diff)
	}
	if got.Owners[0].TouchesPerOpen.Defined() || !got.Team.TouchesPerOpen.Defined() {
		t.Errorf("Defined: ann's touches per open deal is 0 of 0 (undefined), the team's 0 of 1 (defined)")
	}
}

// TestActivityFirstTouchAfterAssignment: a touch before the assignment
// (by a previous owner) is not the new owner's first touch.
func TestActivityFirstTouchAfterAssignment(t *testing.T) {
	deals := []funnel.Deal{{ID: "z", Created: day(0), Assigned: day(10), Events: []funnel.Event{ev(lead, 0)},
		Activities: []funnel.Activity{touch("call", 3), touch("call", 16), touch("email", 12)}}}
	got, err := Activity(testFunnel, deals)
	if err != nil {
		t.Fatal(err)
	}
	// Touches at 3 (before assignment at 10), 16 and 12: first at 12, 2 days.
	if d := got.Deals[0]; !d.HasFirstTouch || !d.FirstTouch.Equal(day(12)) || d.DaysToFirstTouch != 2 {
		t.Errorf("first touch = %v at %v (%v days), want day 12, 2 days", d.HasFirstTouch, d.FirstTouch, d.DaysToFirstTouch)
	}
}
