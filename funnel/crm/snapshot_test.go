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

// maven is the funnel of the Maven CRM sample, and mavenCols its mapping.
var (
	maven     = funnel.MustNew("Prospecting", "Engaging", "Won")
	mavenCols = crm.SnapshotColumns{ID: "opportunity_id", Owner: "sales_agent", Account: "account", Stage: "deal_stage",
		Closed: "close_date", Amount: "close_value", StageDates: map[string]string{"Engaging": "engage_date"}}
)

const mavenHeader = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"

func TestSnapshot(t *testing.T) {
	var zero time.Time
	prod := func(p string) map[string]string { return map[string]string{"product": p} }
	tests := []struct {
		name      string
		cfg       crm.Snapshot // Funnel and Columns default to maven's
		in        string
		want      []funnel.Deal
		wantSkips []skip
		wantErr   *skip
	}{{
		name: "the four Maven stages",
		// By the documented rules: Prospecting always, at zero (no
		// created column); Engaging at engage_date; Won at close_date. The
		// lost deal engaged, so it reached Engaging.
		in: mavenHeader +
			"W1,Moses Frase,GTX Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n" +
			"L1,Moses Frase,GTXPro,Isdom,Lost,2016-10-25,2017-03-11,0\n" +
			"E1,Anna Snelling,MG Special,,Engaging,2016-11-03,,\n" +
			"P1,Anna Snelling,GTX Basic,,Prospecting,,,\n",
		want: []funnel.Deal{
			{ID: "W1", Owner: "Moses Frase", Account: "Cancity", Attrs: prod("GTX Basic"), Amount: amount("1054"),
				Events:  []funnel.Event{ev(0, zero), ev(1, time.Date(2016, 10, 20, 0, 0, 0, 0, time.UTC)), ev(2, time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC))},
				Outcome: funnel.Won, Closed: time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)},
			{ID: "L1", Owner: "Moses Frase", Account: "Isdom", Attrs: prod("GTXPro"), Amount: amount("0"),
				Events:  []funnel.Event{ev(0, zero), ev(1, time.Date(2016, 10, 25, 0, 0, 0, 0, time.UTC))},
				Outcome: funnel.Lost, Closed: time.Date(2017, 3, 11, 0, 0, 0, 0, time.UTC)},
			{ID: "E1", Owner: "Anna Snelling", Attrs: prod("MG Special"),
				Events: []funnel.Event{ev(0, zero), ev(1, time.Date(2016, 11, 3, 0, 0, 0, 0, time.UTC))}},
			{ID: "P1", Owner: "Anna Snelling", Attrs: prod("GTX Basic"), Events: []funnel.Event{ev(0, zero)}},
		},
	}, {
		name: "an open deal's close date is not read",
		// The Snapshot doc: an open deal's Closed cell is ignored, so a
		// close date in a layout the reader does not know cannot cost the
		// deal; O1 is open at Engaging, entered 2016-11-03.
		in: mavenHeader + "O1,a,p,c,Engaging,2016-11-03,31/12/2017,\n",
		want: []funnel.Deal{{ID: "O1", Owner: "a", Account: "c", Attrs: prod("p"),
			Events: []funnel.Event{ev(0, zero), ev(1, time.Date(2016, 11, 3, 0, 0, 0, 0, time.UTC))}}},
	}, {
		name:    "unknown stage",
		in:      mavenHeader + "X,a,p,c,Negotiating,2016-10-20,,\n",
		wantErr: &skip{Line: 2, Column: "deal_stage", Value: "Negotiating", DealID: "X", Err: funnel.ErrUnknownStage},
	}, {
		name:    "engaged after it closed",
		in:      mavenHeader + "X,a,p,c,Won,2017-10-20,2017-03-01,5\n",
		wantErr: &skip{Line: 2, DealID: "X", Err: funnel.ErrEventOrder},
	}, {
		name:    "missing stage column",
		in:      "opportunity_id,sales_agent,account,engage_date,close_date,close_value\n",
		wantErr: &skip{Line: 1, Column: "deal_stage", Err: crm.ErrMissingColumn},
	}, {
		name: "status column (Pipedrive): stage reached, created, closed",
		cfg:  crm.Snapshot{Funnel: sales, Columns: crm.SnapshotColumns{}, Options: crm.Options{Lenient: true}},
		// Worked by hand: lost at Proposal reached Proposal (event at
		// zero: no date column); won at Negotiation has Negotiation and
		// the won stage at closed_at; the open deal's closed_at (an
		// expected close) is ignored.
		in: "deal_id,stage,status,created_at,closed_at,amount\n" +
			"A,Proposal,lost,2024-01-01,2024-01-09,10\n" +
			"B,Negotiation,WON,2024-01-02,2024-01-08,20\n" +
			"C,Meeting,open,2024-01-03,2024-02-01,30\n" +
			"D,Closed Won,open,2024-01-03,,30\n" +
			"E,Closed Won,lost,2024-01-03,2024-01-04,30\n" +
			"F,Meeting,deleted,2024-01-03,,30\n" +
			"G,Closed Lost,,2024-01-03,2024-01-05,\n",
		want: []funnel.Deal{
			{ID: "A", Amount: amount("10"), Created: day(1), Events: []funnel.Event{ev(lead, day(1)), ev(proposal, zero)}, Outcome: funnel.Lost, Closed: day(9)},
			{ID: "B", Amount: amount("20"), Created: day(2), Events: []funnel.Event{ev(lead, day(2)), ev(negotiation, zero), ev(won, day(8))}, Outcome: funnel.Won, Closed: day(8)},
			{ID: "C", Amount: amount("30"), Created: day(3), Events: []funnel.Event{ev(lead, day(3)), ev(meeting, zero)}},
			{ID: "G", Created: day(3), Events: []funnel.Event{ev(lead, day(3))}, Outcome: funnel.Lost, Closed: day(5)},
		},
		wantSkips: []skip{
			{Line: 5, Column: "status", Value: "open", DealID: "D", Err: crm.ErrBadStatus},
			{Line: 6, Column: "status", Value: "lost", DealID: "E", Err: funnel.ErrWonAndLost},
			{Line: 7, Column: "status", Value: "deleted", DealID: "F", Err: crm.ErrBadStatus},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg.Funnel.Len() == 0 {
				cfg.Funnel, cfg.Columns = maven, mavenCols
			}
			res, err := cfg.ReadAll(context.Background(), strings.NewReader(tt.in))
			if tt.wantErr != nil {
				var re *crm.RowError
				if !errors.As(err, &re) {
					t.Fatalf("ReadAll error = %v, want a *RowError", err)
				}
				checkSkips(t, []skip{*tt.wantErr}, []*crm.RowError{re})
				return
			}
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if diff := cmp.Diff(tt.want, res.Deals, dealOpts); diff != "" {
				t.Errorf("deals mismatch (-want +got):\n%s", diff)
			}
			checkSkips(t, tt.wantSkips, res.Skipped)
		})
	}
}
