package crm_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sfFunnel is Salesforce's default opportunity stages before the close,
// less Value Proposition, Id. Decision Makers and Perception Analysis,
// then the won stage.
var sfFunnel = funnel.MustNew("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won")

// sfHeader is the field list of the OpportunityHistory object (Salesforce
// Object Reference, OpportunityHistory), as a query exports it.
const sfHeader = "Id,OpportunityId,StageName,Amount,ExpectedRevenue,CloseDate,Probability,ForecastCategory,PrevAmount,PrevCloseDate,CreatedDate,CreatedById,IsDeleted,SystemModstamp"

// sfRows are OpportunityHistory rows in CreatedDate order, as a query
// without ORDER BY OpportunityId returns them (lines 2-10):
//   - 006A sits 20 days in Prospecting (Mar 1 to Mar 21) with a second row
//     on Mar 11, when its amount changed; it is won on Apr 1;
//   - 006B is lost on Mar 20; its Negotiation/Review row is deleted;
//   - 006C has only a deleted row.
var sfRows = []string{
	"00kA1,006A,Prospecting,10000.00,1000.00,2024-04-30,10,Pipeline,,,2024-03-01T09:00:00.000+0000,005U1,false,2024-03-01T09:00:00.000+0000",
	"00kB1,006B,Prospecting,5000.00,500.00,2024-05-31,10,Pipeline,,,2024-03-05T10:00:00.000+0000,005U2,false,2024-03-05T10:00:00.000+0000",
	"00kB2,006B,Qualification,5000.00,1000.00,2024-05-31,20,Pipeline,,,2024-03-08T10:00:00.000+0000,005U2,false,2024-03-08T10:00:00.000+0000",
	"00kA2,006A,Prospecting,12000.00,1200.00,2024-04-30,10,Pipeline,10000.00,,2024-03-11T09:00:00.000+0000,005U1,false,2024-03-11T09:00:00.000+0000",
	"00kB9,006B,Negotiation/Review,5000.00,4000.00,2024-05-31,80,Commit,,,2024-03-15T10:00:00.000+0000,005U2,true,2024-03-16T08:00:00.000+0000",
	"00kC1,006C,Prospecting,700.00,70.00,2024-06-30,10,Pipeline,,,2024-03-16T10:00:00.000+0000,005U2,true,2024-03-17T08:00:00.000+0000",
	"00kB3,006B,Closed Lost,5000.00,0.00,2024-03-20,0,Omitted,,2024-05-31,2024-03-20T10:00:00.000+0000,005U2,false,2024-03-20T10:00:00.000+0000",
	"00kA3,006A,Qualification,12000.00,2400.00,2024-04-30,20,Pipeline,,,2024-03-21T09:00:00.000+0000,005U1,false,2024-03-21T09:00:00.000+0000",
	"00kA4,006A,Closed Won,12000.00,12000.00,2024-04-01,100,Closed,,2024-04-30,2024-04-01T09:00:00.000+0000,005U1,false,2024-04-01T09:00:00.000+0000",
}

func sfAt(mon time.Month, d, h int) time.Time { return time.Date(2024, mon, d, h, 0, 0, 0, time.UTC) }

// sfView is what the Salesforce tests compare of a deal: its own fields
// and the attributes the preset documents.
type sfView struct {
	ID, Owner            string
	Amount               string
	ExpectedClose        time.Time
	Events               []funnel.Event
	Outcome              funnel.Outcome
	Closed               time.Time
	Forecast, Probablity string
}

func sfViews(ds []funnel.Deal) []sfView {
	var out []sfView
	for _, d := range ds {
		out = append(out, sfView{ID: d.ID, Owner: d.Owner, Amount: fmtAmount(d.Amount), ExpectedClose: d.ExpectedClose, Events: d.Events,
			Outcome: d.Outcome, Closed: d.Closed, Forecast: d.Attrs["ForecastCategory"], Probablity: d.Attrs["Probability"]})
	}
	return out
}

// TestSalesforceHistory reads OpportunityHistory exports with the preset:
// the object's fields alone (no owner), with the report's "Opportunity
// Owner" column, and with the owner joined under a name of the caller's.
func TestSalesforceHistory(t *testing.T) {
	// Worked by hand from sfRows. 006A: Prospecting from Mar 1 (line 2;
	// line 5 is the same stay), Qualification Mar 21, won Apr 1; amount,
	// close date, forecast category and probability from its last row.
	// 006B: Prospecting Mar 5, Qualification Mar 8, lost Mar 20 (line 6,
	// deleted, left out). 006C: deleted whole, not read.
	want := []sfView{{
		ID: "006A", Amount: "12000.00", ExpectedClose: sfAt(4, 1, 0),
		Events:  []funnel.Event{ev(0, sfAt(3, 1, 9)), ev(1, sfAt(3, 21, 9)), ev(5, sfAt(4, 1, 9))},
		Outcome: funnel.Won, Closed: sfAt(4, 1, 9), Forecast: "Closed", Probablity: "100",
	}, {
		ID: "006B", Amount: "5000.00", ExpectedClose: sfAt(3, 20, 0),
		Events:  []funnel.Event{ev(0, sfAt(3, 5, 10)), ev(1, sfAt(3, 8, 10))},
		Outcome: funnel.Lost, Closed: sfAt(3, 20, 10), Forecast: "Omitted", Probablity: "0",
	}}
	wantNotes := []noteKey{{5, "006A", crm.NoteSameStage}, {6, "006B", crm.NoteDeleted}, {7, "006C", crm.NoteDeleted}}
	owners := []string{"Ann Lee", "Bo Chen", "Bo Chen", "Ann Lee", "Bo Chen", "Bo Chen", "Bo Chen", "Ann Lee", "Ann Lee"}
	withOwner := func(col string) string {
		lines := []string{sfHeader + "," + col}
		for i, r := range sfRows {
			lines = append(lines, r+","+owners[i])
		}
		return strings.Join(lines, "\n") + "\n"
	}
	tests := []struct {
		name   string
		in     string
		owner  string // Columns.Owner, "" for the preset's
		owners []string
	}{
		{"object fields only", sfHeader + "\n" + strings.Join(sfRows, "\n") + "\n", "", []string{"", ""}},
		{"report with Opportunity Owner", withOwner("Opportunity Owner"), "", []string{"Ann Lee", "Bo Chen"}},
		{"owner joined by the caller", withOwner("Owner.Name"), "Owner.Name", []string{"Ann Lee", "Bo Chen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := crm.SalesforceHistory(sfFunnel)
			if tt.owner != "" {
				rd.Columns.Owner = tt.owner
			}
			res, err := rd.ReadAll(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			w := append([]sfView(nil), want...)
			for i := range w {
				w[i].Owner = tt.owners[i]
			}
			if diff := cmp.Diff(w, sfViews(res.Deals), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("deals mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantNotes, noteKeys(res.Notes)); diff != "" {
				t.Errorf("notes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSalesforceHistoryStays reads deal 006A (the brief's worked case) and
// tallies it: Prospecting Mar 1, Prospecting Mar 11 (an amount change),
// Qualification Mar 21, Closed Won Apr 1. Its time in Prospecting is one
// visit of 20 days (Mar 1 to Mar 21), not two of 10; in Qualification one
// of 11 days (Mar 21 to Apr 1).
func TestSalesforceHistoryStays(t *testing.T) {
	in := sfHeader + "\n" + sfRows[0] + "\n" + sfRows[3] + "\n" + sfRows[7] + "\n" + sfRows[8] + "\n"
	var notes []crm.Note
	rd := crm.SalesforceHistory(sfFunnel)
	rd.OnNote = func(n crm.Note) { notes = append(notes, n) }
	tally := funnel.NewTally(sfFunnel)
	if err := tally.AddAll(rd.Deals(context.Background(), strings.NewReader(in))); err != nil {
		t.Fatal(err)
	}
	tot, err := tally.Total()
	if err != nil {
		t.Fatal(err)
	}
	type stage struct {
		N        int64
		MeanDays funnel.NullFloat64
		Bins     []funnel.Bin
	}
	view := func(d funnel.Durations) stage { return stage{d.N(), d.MeanDays(), d.Bins()} }
	want := []stage{
		{1, funnel.Some(20), []funnel.Bin{{Day: 20, Count: 1}}},
		{1, funnel.Some(11), []funnel.Bin{{Day: 11, Count: 1}}},
	}
	got := []stage{view(tot.StageTime[0]), view(tot.StageTime[1])}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("StageTime mismatch (-want +got):\n%s", diff)
	}
	wantNotes := []crm.Note{{Line: 3, DealID: "006A", Kind: crm.NoteSameStage,
		Detail: "Prospecting: line 3 merged into the stay entered at line 2 (2024-03-01T09:00:00Z)"}}
	if diff := cmp.Diff(wantNotes, notes); diff != "" {
		t.Errorf("notes mismatch (-want +got):\n%s", diff)
	}
}

// hsStages are HubSpot's default deal stages (HubSpot knowledge base,
// "Set up and customize your deal pipelines and deal stages").
var (
	hsFunnel = funnel.MustNew("Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent", "Closed Won")
	hsStages = append(hsFunnel.Stages(), "Closed Lost")
)

// hsExport writes a HubSpot deals export whose stage headers are spelled
// by entered(stage) (and "Date exited ..." and "Cumulative time in ..." in
// the same style). Each row gives Record ID, Deal Name, Deal Stage,
// Pipeline, Amount, Close Date, Create Date, Deal owner and the dates
// entered, by stage name.
func hsExport(entered func(verb, stage string) string, rows []hsRow) string {
	head := []string{"Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Close Date", "Create Date", "Deal owner"}
	for _, s := range hsStages {
		head = append(head, entered("Date entered", s), entered("Date exited", s), entered("Cumulative time in", s))
	}
	out := csvRow(head...)
	for _, r := range rows {
		cells := []string{r.id, r.name, r.stage, "Sales Pipeline", r.amount, r.close, r.create, r.owner}
		for _, s := range hsStages {
			cells = append(cells, r.entered[s], "", "")
		}
		out += csvRow(cells...)
	}
	return out
}

// csvRow returns one CSV record, quoted as encoding/csv quotes it.
func csvRow(cells ...string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(cells) // a strings.Builder does not fail
	w.Flush()
	return b.String()
}

type hsRow struct {
	id, name, stage, amount, close, create, owner string
	entered                                       map[string]string
}

var hsRows = []hsRow{
	{"101", "Acme renewal", "Closed Won", "$5,000.00", "2024-02-20 10:00", "2024-02-01 09:00", "Ann Lee", map[string]string{
		"Appointment Scheduled": "2024-02-01 09:00", "Qualified To Buy": "2024-02-03 09:00", "Contract Sent": "2024-02-10 14:30", "Closed Won": "2024-02-20 10:00"}},
	{"102", "Globex pilot", "Closed Lost", "800", "2024-02-09 11:00", "2024-02-02 09:00", "Ann Lee", map[string]string{
		"Appointment Scheduled": "2024-02-02 09:00", "Closed Lost": "2024-02-09 11:00"}},
	{"103", "Initech", "Presentation Scheduled", "", "2024-03-31", "2024-02-05 09:00", "Bo Chen", map[string]string{
		"Appointment Scheduled": "2024-02-05T09:00:00Z", "Qualified To Buy": "2024-02-06 09:00", "Presentation Scheduled": "2024-02-07 09:00"}},
	{"104", "Umbrella", "Contract Sent", "1200", "2024-03-15", "2024-02-01 09:00", "Bo Chen", map[string]string{
		"Appointment Scheduled": "2024-02-01 09:00", "Contract Sent": "2024-02-20 09:00", "Closed Lost": "2024-02-15 09:00"}},
}

// TestHubSpotDeals reads the same deals from exports whose "Date entered"
// headers are spelled as different portals and export versions spell
// them, and checks the deals worked out by hand:
//   - 101 is won on Feb 20 (Closed Won's date), with three stages before;
//   - 102 is lost on Feb 9 (Closed Lost's date);
//   - 103 is open in Presentation Scheduled; its Close Date is the
//     expected close;
//   - 104 was lost on Feb 15 and reopened: its Deal Stage is Contract
//     Sent, entered again on Feb 20, so it is open and the stale Closed
//     Lost date is ignored with a note.
func TestHubSpotDeals(t *testing.T) {
	hm := func(d, h, m int) time.Time { return time.Date(2024, 2, d, h, m, 0, 0, time.UTC) }
	want := []funnel.Deal{
		{ID: "101", Owner: "Ann Lee", Amount: amount("5000"), Created: hm(1, 9, 0), ExpectedClose: hm(20, 10, 0),
			Events:  []funnel.Event{ev(0, hm(1, 9, 0)), ev(1, hm(3, 9, 0)), ev(4, hm(10, 14, 30)), ev(5, hm(20, 10, 0))},
			Outcome: funnel.Won, Closed: hm(20, 10, 0)},
		{ID: "102", Owner: "Ann Lee", Amount: amount("800"), Created: hm(2, 9, 0), ExpectedClose: hm(9, 11, 0),
			Events: []funnel.Event{ev(0, hm(2, 9, 0))}, Outcome: funnel.Lost, Closed: hm(9, 11, 0)},
		{ID: "103", Owner: "Bo Chen", Created: hm(5, 9, 0), ExpectedClose: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC),
			Events: []funnel.Event{ev(0, hm(5, 9, 0)), ev(1, hm(6, 9, 0)), ev(2, hm(7, 9, 0))}},
		{ID: "104", Owner: "Bo Chen", Amount: amount("1200"), Created: hm(1, 9, 0), ExpectedClose: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
			Events: []funnel.Event{ev(0, hm(1, 9, 0)), ev(4, hm(20, 9, 0))}},
	}
	wantNotes := []noteKey{{5, "104", crm.NoteReopened}}
	variants := []struct {
		name    string
		entered func(verb, stage string) string
	}{
		{"straight quotes around stage and pipeline", func(v, s string) string { return v + ` "` + s + ` (Sales Pipeline)"` }},
		{"curly quotes around the stage, pipeline after", func(v, s string) string { return v + ` “` + s + `” (Sales Pipeline)` }},
		{"no quotes, no pipeline", func(v, s string) string { return v + " " + s }},
		{"lower case, single quotes", func(v, s string) string { return strings.ToLower(v + ` '` + s + ` (sales pipeline)'`) }},
	}
	for _, tt := range variants {
		t.Run(tt.name, func(t *testing.T) {
			in := hsExport(tt.entered, hsRows)
			res, err := crm.HubSpotDeals(hsFunnel).ReadAll(context.Background(), strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			// Attrs hold the columns without a role; check two, then
			// compare the rest of each deal.
			got := cloneDeals(res.Deals)
			for i := range got {
				if got[i].Attrs["Pipeline"] != "Sales Pipeline" || got[i].Attrs["Deal Name"] != hsRows[i].name {
					t.Errorf("deal %s attrs = %v", got[i].ID, got[i].Attrs)
				}
				for k := range got[i].Attrs {
					if strings.HasPrefix(strings.ToLower(k), "date entered") || k == "Deal Stage" {
						t.Errorf("deal %s: %q went to Attrs", got[i].ID, k)
					}
				}
				got[i].Attrs = nil
			}
			if diff := cmp.Diff(want, got, dealOpts); diff != "" {
				t.Errorf("deals mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantNotes, noteKeys(res.Notes)); diff != "" {
				t.Errorf("notes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHubSpotPipelines checks a portal with two pipelines whose stages
// share names: the preset's pattern for any pipeline finds two "Closed
// Won" columns and says so; the pattern for one pipeline reads it.
func TestHubSpotPipelines(t *testing.T) {
	f := funnel.MustNew("Appointment Scheduled", "Closed Won")
	in := csvRow("Record ID", "Deal Stage", "Pipeline", `Date entered "Appointment Scheduled (Sales Pipeline)"`, `Date entered "Closed Won (Sales Pipeline)"`,
		`Date entered "Appointment Scheduled (Renewals)"`, `Date entered "Closed Won (Renewals)"`) +
		"7,Closed Won,Sales Pipeline,2024-02-01 09:00,2024-02-05 09:00,,\n"
	_, err := crm.HubSpotDeals(f).ReadAll(context.Background(), strings.NewReader(in))
	const wantErr = `crm: line 1: column "Date entered \"Appointment Scheduled (Renewals)\"": duplicate column: ` +
		`holds the date entered "Appointment Scheduled", as column 4 ("Date entered \"Appointment Scheduled (Sales Pipeline)\"") does; ` +
		`a StagePattern for one pipeline tells them apart`
	if err == nil || err.Error() != wantErr || !errors.Is(err, crm.ErrDuplicateColumn) {
		t.Errorf("error = %v, want %s", err, wantErr)
	}
	rd := crm.HubSpotDeals(f)
	rd.Columns.StagePattern = crm.HubSpotStagePattern("Sales Pipeline")
	res, err := rd.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	at := func(d int) time.Time { return time.Date(2024, 2, d, 9, 0, 0, 0, time.UTC) }
	want := []funnel.Deal{{ID: "7", Events: []funnel.Event{ev(0, at(1)), ev(1, at(5))}, Outcome: funnel.Won, Closed: at(5),
		Attrs: map[string]string{"Pipeline": "Sales Pipeline", `Date entered "Appointment Scheduled (Renewals)"`: "", `Date entered "Closed Won (Renewals)"`: ""}}}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
}

// TestHubSpotStagePattern matches header spellings one by one: the stage
// and pipeline submatches, or no match.
func TestHubSpotStagePattern(t *testing.T) {
	tests := []struct {
		pipeline, header string
		want             []string // stage, pipeline; nil for no match
	}{
		{"", `Date entered "Closed Won (Sales Pipeline)"`, []string{"Closed Won", "Sales Pipeline"}},
		{"", `Date entered “Closed Won (Sales Pipeline)”`, []string{"Closed Won", "Sales Pipeline"}},
		{"", `Date entered "Closed Won" (Sales Pipeline)`, []string{"Closed Won", "Sales Pipeline"}},
		{"", `Date entered Closed Won`, []string{"Closed Won", ""}},
		{"", `DATE ENTERED 'Demo (booked) (Sales Pipeline)'`, []string{"Demo (booked)", "Sales Pipeline"}},
		{"", `Date exited "Closed Won (Sales Pipeline)"`, nil},
		{"", `Cumulative time in "Closed Won (Sales Pipeline)"`, nil},
		{"Sales Pipeline", `Date entered "Closed Won (sales pipeline)"`, []string{"Closed Won", "sales pipeline"}},
		{"Sales Pipeline", `Date entered "Closed Won (Renewals)"`, nil},
		{"Sales Pipeline", `Date entered Closed Won`, nil},
		{"a.b (c)", `Date entered "X (a.b (c))"`, []string{"X", "a.b (c)"}}, // the pipeline's metacharacters are literal
		{"a.b (c)", `Date entered "X (aXb (c))"`, nil},
	}
	for _, tt := range tests {
		re := crm.HubSpotStagePattern(tt.pipeline)
		m := re.FindStringSubmatch(tt.header)
		var got []string
		if m != nil {
			got = []string{m[re.SubexpIndex("stage")], m[re.SubexpIndex("pipeline")]}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("HubSpotStagePattern(%q) on %s mismatch (-want +got):\n%s", tt.pipeline, tt.header, diff)
		}
	}
}

// TestWideStagePatternMissing checks the error for a funnel stage that no
// header holds: it names the stage and the header names nearest to it.
func TestWideStagePatternMissing(t *testing.T) {
	f := funnel.MustNew("Appointment", "Contract", "Closed Won")
	in := csvRow("Record ID", `Date entered "Appointment (Sales Pipeline)"`, `Date entered "Contract Sent (Sales Pipeline)"`, `Date entered "Closed Won (Sales Pipeline)"`)
	_, err := crm.HubSpotDeals(f).ReadAll(context.Background(), strings.NewReader(in))
	// "contract" is contained in the third header only.
	const want = `crm: line 1: column "Contract": missing column: no date column for the stage: no header matches StagePattern or is named so; ` +
		`nearest: "Date entered \"Contract Sent (Sales Pipeline)\""`
	if err == nil || err.Error() != want || !errors.Is(err, crm.ErrMissingColumn) {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestWideCurrentStage checks the Stage column of a wide export against
// the lost flag and the won date, by the rules on WideColumns.Stage.
func TestWideCurrentStage(t *testing.T) {
	const head = "deal_id,stage,is_lost,closed_at,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won,lost_at\n"
	tests := []struct {
		name      string
		in        string
		want      []funnel.Deal
		wantNotes []noteKey
		wantErr   *skip
	}{{
		// A: at the won stage without a won date: won at closed_at (day 6),
		// without an amount (no column), so with a note.
		// B: lost by its stage without a lost date: lost at closed_at.
		// C: reopened from a win: stage Meeting, Closed Won date stale.
		name: "stage decides",
		in: head +
			"A,Closed Won,,2024-01-06,2024-01-01,,,,,,\n" +
			"B,Closed Lost,,2024-01-07,2024-01-01,,,,,,\n" +
			"C,Meeting,,,2024-01-01,,2024-01-03,,,2024-01-02,\n",
		want: []funnel.Deal{
			{ID: "A", Events: []funnel.Event{ev(lead, day(1)), ev(won, day(6))}, Outcome: funnel.Won, Closed: day(6)},
			{ID: "B", Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(7)},
			{ID: "C", Events: []funnel.Event{ev(lead, day(1)), ev(meeting, day(3))}},
		},
		wantNotes: []noteKey{{2, "A", crm.NoteNoAmount}, {4, "C", crm.NoteReopened}},
	}, {
		// The current stage without a date for it (a HubSpot deal whose
		// Deal Stage has no "Date entered" value): the deal is there now,
		// at an unknown time, after its dated stages. G is at Qualified
		// with only a Lead date; H at Proposal with no date at all (before,
		// "open deal with no stage events"); I moved back to Qualified
		// after Meeting, whose date HubSpot keeps.
		name: "current stage without a date",
		in: head +
			"G,Qualified,,,2024-01-01,,,,,,\n" +
			"H,Proposal,,,,,,,,,\n" +
			"I,Qualified,,,2024-01-01,2024-01-02,2024-01-03,,,,\n",
		want: []funnel.Deal{
			{ID: "G", Events: []funnel.Event{ev(lead, day(1)), {Stage: qualified}}},
			{ID: "H", Events: []funnel.Event{{Stage: proposal}}},
			{ID: "I", Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2)), ev(meeting, day(3)), {Stage: qualified}}},
		},
	}, {
		name:    "the flag says otherwise",
		in:      head + "D,Meeting,yes,,2024-01-01,,,,,,\n",
		wantErr: &skip{Line: 2, Column: "is_lost", Value: "yes", DealID: "D", Err: crm.ErrBadStatus},
	}, {
		name:    "won without a date",
		in:      head + "E,Closed Won,,,2024-01-01,,,,,,\n",
		wantErr: &skip{Line: 2, Column: "stage", Value: "Closed Won", DealID: "E", Err: crm.ErrMissingValue},
	}, {
		name:    "not a stage",
		in:      head + "F,Onboarding,,,2024-01-01,,,,,,\n",
		wantErr: &skip{Line: 2, Column: "stage", Value: "Onboarding", DealID: "F", Err: funnel.ErrUnknownStage},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := crm.Wide{Funnel: sales, Columns: crm.WideColumns{Stage: "stage"}}
			res, err := rd.ReadAll(context.Background(), strings.NewReader(tt.in))
			checkRead(t, res, err, tt.want, tt.wantNotes, nil, tt.wantErr)
		})
	}
}

// TestNoteKindText checks that every note kind encodes as its name and
// decodes back, and that a kind out of range is an error.
func TestNoteKindText(t *testing.T) {
	var got []string
	for k := crm.NoteDuplicate; k <= crm.NoteDeleted; k++ {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back crm.NoteKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("UnmarshalText(%s) = %v, %v; want %v", b, back, err, k)
		}
		got = append(got, string(b))
	}
	want := []string{"duplicate", "reordered", "no-amount", "reopened", "same-stage", "deleted"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MarshalText mismatch (-want +got):\n%s", diff)
	}
	_, err := crm.NoteKind(7).MarshalText()
	if !errors.Is(err, funnel.ErrOutOfRange) || fmt.Sprint(err) != "crm: note kind = 7: value out of range" {
		t.Errorf("MarshalText(7) error = %v", err)
	}
}
