package pipeline

import (
	"encoding/json"
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
				Contacts: 2, FirstTouch: day(2), DaysToFirstTouch: funnel.Some(1)},
			{ID: "X2", Owner: "ann", Account: "acme", Outcome: funnel.Lost, Touches: 1, Emails: 1,
				Contacts: 1, FirstTouch: day(0), DaysToFirstTouch: funnel.Some(0)},
			{ID: "Y1", Owner: "bob", Account: "beta", Outcome: funnel.Won, Touches: 4, Calls: 1, Meetings: 3, FollowUps: 2,
				Contacts: 2, FirstTouch: day(9), DaysToFirstTouch: funnel.Some(4)},
			{ID: "Y2", Owner: "bob", Account: "gamma", Outcome: funnel.Open},
		},
		Team: OwnerActivity{Deals: 4, Won: 2, Lost: 1, Open: 1,
			TouchesPerWon: funnel.Ratio{Num: 8, Den: 2}, TouchesPerLost: funnel.Ratio{Num: 1, Den: 1}, TouchesPerOpen: funnel.Ratio{Num: 0, Den: 1},
			MeetingsPerDeal: funnel.Ratio{Num: 5, Den: 4}, FollowUpsPerInitial: funnel.Ratio{Num: 3, Den: 2},
			DaysToFirstTouch: MeanDays{N: 3, Days: funnel.Some(5.0 / 3)}, ContactsPerAccount: funnel.Ratio{Num: 5, Den: 3}},
		Owners: []OwnerActivity{
			{Owner: "ann", Deals: 2, Won: 1, Lost: 1,
				TouchesPerWon: funnel.Ratio{Num: 4, Den: 1}, TouchesPerLost: funnel.Ratio{Num: 1, Den: 1}, TouchesPerOpen: funnel.Ratio{Num: 0, Den: 0},
				MeetingsPerDeal: funnel.Ratio{Num: 2, Den: 2}, FollowUpsPerInitial: funnel.Ratio{Num: 1, Den: 1},
				DaysToFirstTouch: MeanDays{N: 2, Days: funnel.Some(0.5)}, ContactsPerAccount: funnel.Ratio{Num: 3, Den: 1}},
			{Owner: "bob", Deals: 2, Won: 1, Open: 1,
				TouchesPerWon: funnel.Ratio{Num: 4, Den: 1}, TouchesPerLost: funnel.Ratio{Num: 0, Den: 0}, TouchesPerOpen: funnel.Ratio{Num: 0, Den: 1},
				MeetingsPerDeal: funnel.Ratio{Num: 3, Den: 2}, FollowUpsPerInitial: funnel.Ratio{Num: 2, Den: 1},
				DaysToFirstTouch: MeanDays{N: 1, Days: funnel.Some(4)}, ContactsPerAccount: funnel.Ratio{Num: 2, Den: 2}},
		},
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("Activity mismatch (-want +got):\n%s", diff)
	}
	if got.Owners[0].TouchesPerOpen.Defined() || !got.Team.TouchesPerOpen.Defined() {
		t.Errorf("Defined: ann's touches per open deal is 0 of 0 (undefined), the team's 0 of 1 (defined)")
	}
	// The values a manager reads, worked above: 8/2 = 4 touches per won
	// deal, 5/4 = 1.25 meetings per deal, 5/3 contacts per account.
	team := []float64{got.Team.TouchesPerWon.Value(), got.Team.MeetingsPerDeal.Value(), got.Team.ContactsPerAccount.Value()}
	if diff := cmp.Diff([]float64{4, 1.25, 5.0 / 3}, team, approx); diff != "" {
		t.Errorf("Activity team ratio values mismatch (-want +got):\n%s", diff)
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
	if d := got.Deals[0]; !d.FirstTouch.Equal(day(12)) || d.DaysToFirstTouch != funnel.Some(2) {
		t.Errorf("first touch at %v (%v days), want day 12, 2 days", d.FirstTouch, d.DaysToFirstTouch)
	}
}

// TestActivityJSON: a deal without a first touch has no first_touch and a
// null days_to_first_touch; an undefined ratio has a null value, and a
// mean over no deals a null days.
func TestActivityJSON(t *testing.T) {
	got, err := Activity(testFunnel, []funnel.Deal{{ID: "q", Created: day(0), Events: []funnel.Event{ev(lead, 0)}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got.Deals[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"q","outcome":"open","touches":0,"calls":0,"emails":0,"meetings":0,"follow_ups":0,"contacts":0,"days_to_first_touch":null}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(DealActivity) mismatch (-want +got):\n%s", diff)
	}
	b, err = json.Marshal(got.Team)
	if err != nil {
		t.Fatal(err)
	}
	// One open deal, no touch: 0 touches over 1 open deal is defined
	// (0); over 0 won or lost deals it is not.
	want = `{"owner":"","deals":1,"won":0,"lost":0,"open":1,` +
		`"touches_per_won":{"num":0,"den":0,"value":null},"touches_per_lost":{"num":0,"den":0,"value":null},` +
		`"touches_per_open":{"num":0,"den":1,"value":0},"meetings_per_deal":{"num":0,"den":1,"value":0},` +
		`"follow_ups_per_initial":{"num":0,"den":0,"value":null},"days_to_first_touch":{"n":0,"days":null},` +
		`"contacts_per_account":{"num":0,"den":0,"value":null}}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(OwnerActivity) mismatch (-want +got):\n%s", diff)
	}
}
