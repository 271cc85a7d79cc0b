package crm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

const activityLog = "deal_id,account,contact,kind,at,owner,notes\n" +
	"D1,,Jo,Call,2024-01-02T10:00:00Z,ann,first call\n" + // 2
	",Acme,,email,2024-01-03,ann,\n" + // 3: account touch
	"D9,,,meeting,2024-01-04,bob,\n" + // 4: no deal D9
	",,,call,2024-01-04,bob,\n" + // 5: neither deal nor account
	"D1,,,call,yesterday,ann,\n" + // 6: bad time
	",Globex,,call,2024-01-05,bob,\n" // 7: no Globex deal

func TestActivityLog(t *testing.T) {
	res, err := crm.ActivityLog{Options: crm.Options{Lenient: true}}.ReadAll(context.Background(), strings.NewReader(activityLog))
	if err != nil {
		t.Fatal(err)
	}
	want := []funnel.Activity{
		{DealID: "D1", Contact: "Jo", Kind: "Call", At: day(2).Add(10 * time.Hour), Owner: "ann"},
		{Account: "Acme", Kind: "email", At: day(3), Owner: "ann"},
		{DealID: "D9", Kind: "meeting", At: day(4), Owner: "bob"},
		{Account: "Globex", Kind: "call", At: day(5), Owner: "bob"},
	}
	if diff := cmp.Diff(want, res.Activities); diff != "" {
		t.Errorf("activities mismatch (-want +got):\n%s", diff)
	}
	checkSkips(t, []skip{
		{Line: 5, Column: "deal_id", Err: crm.ErrMissingValue},
		{Line: 6, Column: "at", Value: "yesterday", DealID: "D1", Err: crm.ErrBadDate},
	}, res.Skipped)

	// Strict mode stops at line 5.
	_, err = crm.ActivityLog{}.ReadAll(context.Background(), strings.NewReader(activityLog))
	var re *crm.RowError
	if !errors.As(err, &re) || re.Line != 5 || !errors.Is(err, crm.ErrMissingValue) {
		t.Errorf("strict error = %v, want line 5 wrapping ErrMissingValue", err)
	}
	// A log with neither a deal id nor an account column cannot be read.
	_, err = crm.ActivityLog{}.ReadAll(context.Background(), strings.NewReader("kind,at\ncall,2024-01-01\n"))
	if !errors.Is(err, crm.ErrMissingColumn) {
		t.Errorf("error = %v, want ErrMissingColumn", err)
	}
}

func TestAttach(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "D1", Account: "Acme", Events: []funnel.Event{ev(lead, day(1))},
			Activities: []funnel.Activity{{DealID: "D1", Kind: "meeting", At: day(4)}}},
		{ID: "D2", Account: "Acme", Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(2)},
		{ID: "D3", Account: "Acme", Created: day(10), Events: []funnel.Event{ev(lead, day(10))}},
	}
	acts := []funnel.Activity{
		{DealID: "D1", Kind: "Call", At: day(2)},
		{Account: "Acme", Kind: "email", At: day(3)},
		{DealID: "D9", Kind: "meeting", At: day(4)},
		{Account: "Globex", Kind: "call", At: day(5)},
		{Kind: "call", At: day(5)},
		{Account: "Acme", Kind: "call"},
	}
	orig := cloneDeals(deals)
	got, err := crm.Attach(deals, acts)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: D1 keeps its meeting and gets the call (by id) and the
	// Acme email (day 3 is after its start, day 1, and it is open); D2
	// closed on day 2 and D3 started on day 10, so neither was live on
	// day 3. Sorted by time: call (2), email (3), meeting (4).
	wantD1 := []funnel.Activity{acts[0], acts[1], {DealID: "D1", Kind: "meeting", At: day(4)}}
	if diff := cmp.Diff(wantD1, got.Deals[0].Activities); diff != "" {
		t.Errorf("D1 activities mismatch (-want +got):\n%s", diff)
	}
	if len(got.Deals[1].Activities)+len(got.Deals[2].Activities) != 0 {
		t.Errorf("D2, D3 got activities: %v %v", got.Deals[1].Activities, got.Deals[2].Activities)
	}
	var idx []int
	for _, u := range got.Unmatched {
		if !errors.Is(u.Err, crm.ErrUnmatched) {
			t.Errorf("unmatched %d: %v does not wrap ErrUnmatched", u.Index, u.Err)
		}
		idx = append(idx, u.Index)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 5}, idx); diff != "" {
		t.Errorf("unmatched indexes mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, deals); diff != "" {
		t.Errorf("Attach modified its input (-before +after):\n%s", diff)
	}

	_, err = crm.Attach([]funnel.Deal{{ID: "A"}, {ID: "A"}}, nil)
	if !errors.Is(err, funnel.ErrDuplicateDeal) {
		t.Errorf("error = %v, want ErrDuplicateDeal", err)
	}
}
