package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

const wideHeader = "deal_id,owner,amount,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won,lost_at,is_lost,closed_at\n"

func TestWide(t *testing.T) {
	tests := []struct {
		name      string
		cfg       crm.Wide
		in        string
		want      []funnel.Deal
		wantNotes []noteKey
		wantSkips []skip
		wantErr   *skip
	}{{
		name: "won, lost by date, lost by flag, open",
		// Worked by hand: a stage with a date is an event, a stage without
		// one is not; the won deal closes at its Closed Won date, the
		// first lost deal at lost_at, the second (flag only) at closed_at.
		in: wideHeader +
			"W,ann,100,2024-01-01,,2024-01-03,,,2024-01-09,,,\n" +
			"L,ann,50,2024-01-01,2024-01-02,,,,,2024-01-04,,\n" +
			"F,bob,,2024-01-01,,,,,,,yes,2024-01-06\n" +
			"O,bob,70,2024-01-02,2024-01-05,,,,,,no,2024-03-01\n",
		want: []funnel.Deal{
			{ID: "W", Owner: "ann", Amount: amount("100"), Events: []funnel.Event{ev(lead, day(1)), ev(meeting, day(3)), ev(won, day(9))}, Outcome: funnel.Won, Closed: day(9)},
			{ID: "L", Owner: "ann", Amount: amount("50"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}, Outcome: funnel.Lost, Closed: day(4)},
			{ID: "F", Owner: "bob", Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(6)},
			{ID: "O", Owner: "bob", Amount: amount("70"), Events: []funnel.Event{ev(lead, day(2)), ev(qualified, day(5))}},
		},
	}, {
		name: "a lost date with the flag saying no is a reopened deal",
		// Worked by hand: P has a Closed Lost date of Jan 4 but is_lost
		// says no, so it is open (reopened; the stale date is ignored,
		// with a note); Q has the date and an empty flag, so the date
		// stands and it is lost on Jan 4; S has the date and yes: lost.
		in: wideHeader +
			"P,ann,5,2024-01-01,2024-01-02,,,,,2024-01-04,no,\n" +
			"Q,ann,5,2024-01-01,,,,,,2024-01-04,,\n" +
			"S,ann,5,2024-01-01,,,,,,2024-01-04,yes,\n",
		want: []funnel.Deal{
			{ID: "P", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}},
			{ID: "Q", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(4)},
			{ID: "S", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(4)},
		},
		wantNotes: []noteKey{{2, "P", crm.NoteReopened}},
	}, {
		name:      "stage dates out of funnel order read as a move back",
		in:        wideHeader + "R,ann,5,2024-01-03,2024-01-02,,,,,,,\n",
		want:      []funnel.Deal{{ID: "R", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(qualified, day(2)), ev(lead, day(3))}}},
		wantNotes: []noteKey{{2, "R", crm.NoteReordered}},
	}, {
		name:      "won without amount",
		in:        wideHeader + "W,ann,,2024-01-01,,,,,2024-01-02,,,\n",
		want:      []funnel.Deal{{ID: "W", Owner: "ann", Events: []funnel.Event{ev(lead, day(1)), ev(won, day(2))}, Outcome: funnel.Won, Closed: day(2)}},
		wantNotes: []noteKey{{2, "W", crm.NoteNoAmount}},
	}, {
		name: "HubSpot names through a mapping, a stage without a column",
		cfg: crm.Wide{Columns: crm.WideColumns{ID: "Record ID", Owner: "Deal owner", Amount: "Amount",
			StageDates: map[string]string{
				"Lead": "Date entered \"Lead (Sales Pipeline)\"", "Qualified": "Date entered \"Qualified (Sales Pipeline)\"",
				"Meeting": "-", "Proposal": "-", "Negotiation": "-", "Closed Won": "Date entered \"Closed Won (Sales Pipeline)\"",
			},
			LostAt: "Date entered \"Closed Lost (Sales Pipeline)\""}},
		in: "Record ID,Deal Name,Deal owner,Amount,\"Date entered \"\"Lead (Sales Pipeline)\"\"\",\"Date entered \"\"Qualified (Sales Pipeline)\"\"\",\"Date entered \"\"Closed Won (Sales Pipeline)\"\"\",\"Date entered \"\"Closed Lost (Sales Pipeline)\"\"\"\n" +
			"9001,Big one,Ann Lee,\"$25,000\",2024-01-01T09:00:00Z,2024-01-02T09:00:00Z,2024-01-08T09:00:00Z,\n",
		want: []funnel.Deal{{ID: "9001", Owner: "Ann Lee", Amount: amount("25000"), Attrs: map[string]string{"Deal Name": "Big one"},
			Events:  []funnel.Event{ev(lead, day(1).Add(9*3600e9)), ev(qualified, day(2).Add(9*3600e9)), ev(won, day(8).Add(9*3600e9))},
			Outcome: funnel.Won, Closed: day(8).Add(9 * 3600e9)}},
	}, {
		name:    "won and lost",
		in:      wideHeader + "X,ann,5,2024-01-01,,,,,2024-01-02,,yes,\n",
		wantErr: &skip{Line: 2, DealID: "X", Err: funnel.ErrWonAndLost},
	}, {
		name: "a stage dated after the deal was lost",
		// The cell as written (issue 9), not the time it was read as.
		in:      wideHeader + "X,ann,5,2024-01-01,2024-01-05,,,,,2024-01-03,,\n",
		wantErr: &skip{Line: 2, Column: "Qualified", Value: "2024-01-05", DealID: "X", Err: crm.ErrAfterClose},
	}, {
		name:    "bad flag",
		in:      wideHeader + "X,ann,5,2024-01-01,,,,,,,maybe,\n",
		wantErr: &skip{Line: 2, Column: "is_lost", Value: "maybe", DealID: "X", Err: crm.ErrBadFlag},
	}, {
		name:    "a stage column missing",
		in:      "deal_id,Lead,Qualified,Meeting,Proposal,Closed Won\n",
		wantErr: &skip{Line: 1, Column: "Negotiation", Err: crm.ErrMissingColumn},
	}, {
		name:      "the same id twice, lenient",
		cfg:       crm.Wide{Options: crm.Options{Lenient: true}},
		in:        wideHeader + "X,ann,5,2024-01-01,,,,,,,,\n" + "X,bob,6,2024-01-02,,,,,,,,\n",
		want:      []funnel.Deal{{ID: "X", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1))}}},
		wantSkips: []skip{{Line: 3, DealID: "X", Err: funnel.ErrDuplicateDeal}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Funnel = sales
			res, err := cfg.ReadAll(context.Background(), strings.NewReader(tt.in))
			if !checkRead(t, res, err, tt.want, tt.wantNotes, tt.wantSkips, tt.wantErr) {
				return
			}
		})
	}
}
