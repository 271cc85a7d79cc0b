package crm_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// A long stage history in the bench generator's format, streamed deal by
// deal with implied reach counted on the way.
func ExampleLong() {
	f := funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")
	in := `deal_id,owner,segment,source,stage,entered_at,amount
D1,owner_a,SMB,Inbound,Lead,2024-01-01T00:00:00Z,100.00
D1,owner_a,SMB,Inbound,Qualified,2024-01-02T00:00:00Z,100.00
D1,owner_a,SMB,Inbound,Closed Won,2024-01-11T00:00:00Z,100.00
D2,owner_a,Enterprise,Outbound,Lead,2024-01-01T00:00:00Z,200.50
D2,owner_a,Enterprise,Outbound,Proposal,2024-01-02T00:00:00Z,200.50
D2,owner_a,Enterprise,Outbound,Closed Lost,2024-01-04T12:00:00Z,200.50
D3,owner_b,SMB,Inbound,Lead,2024-01-03T00:00:00Z,300.00
`
	reached := make([]int, f.Len())
	for d, err := range (crm.Long{Funnel: f}).Deals(context.Background(), strings.NewReader(in)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s %-4s furthest %-11s amount %s\n", d.ID, d.Owner, d.Outcome, f.Stage(d.Furthest()), d.Amount.Decimal.StringFixed(2))
		for k := range reached {
			if d.Reached(k, funnel.Implied) {
				reached[k]++
			}
		}
	}
	fmt.Println("reached:", reached)
	// Output:
	// D1 owner_a won  furthest Closed Won  amount 100.00
	// D2 owner_a lost furthest Proposal    amount 200.50
	// D3 owner_b open furthest Lead        amount 300.00
	// reached: [3 2 2 2 1 1]
}

// Lenient mode goes on past bad rows and reports each one; notes say what
// was changed in the deals that were kept.
func ExampleLong_lenient() {
	f := funnel.MustNew("Lead", "Qualified", "Closed Won")
	in := `deal_id,stage,entered_at,amount
A,Lead,2024-01-01,"$1,500"
A,Lead,2024-01-01,"$1,500"
A,Qualified,2024-01-03,"$1,500"
B,Lead,2024-01-02,12.5.0
C,Discovery,2024-01-02,9
D,Qualified,2024-01-05,
D,Lead,2024-01-04,
`
	res, err := crm.Long{Funnel: f, Options: crm.Options{Lenient: true}}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range res.Deals {
		fmt.Println("deal", d.ID, len(d.Events), "events, amount valid:", d.Amount.Valid)
	}
	for _, s := range res.Skipped {
		fmt.Println("skipped:", s)
	}
	for _, n := range res.Notes {
		fmt.Printf("note: line %d deal %s %s: %s\n", n.Line, n.DealID, n.Kind, n.Detail)
	}
	// Output:
	// deal A 2 events, amount valid: true
	// deal D 2 events, amount valid: false
	// skipped: crm: line 5: deal "B": column "amount" = "12.5.0": bad amount: unexpected '.'
	// skipped: crm: line 6: deal "C": column "stage" = "Discovery": unknown stage: "Discovery" is not a funnel stage, an alias or a lost name
	// note: line 3 deal A duplicate: Lead at 2024-01-01T00:00:00Z repeats line 2
	// note: line 7 deal D reordered: events sorted by time
}

// A wide export in HubSpot's style: a "Date entered" column per stage and
// a closed-lost date, mapped by header name.
func ExampleWide() {
	f := funnel.MustNew("Appointment", "Qualified", "Contract", "Closed Won")
	in := `Record ID,Deal owner,Amount,Date entered Appointment,Date entered Qualified,Date entered Contract,Date entered Closed Won,Date entered Closed Lost
101,Ann,"$5,000",2024-02-01,2024-02-03,2024-02-10,2024-02-20,
102,Ann,800,2024-02-02,,,,2024-02-09
103,Bo,,2024-02-05,2024-02-06,,,
`
	rd := crm.Wide{Funnel: f, Columns: crm.WideColumns{
		ID: "Record ID", Owner: "Deal owner", Amount: "Amount",
		StageDates: map[string]string{
			"Appointment": "Date entered Appointment", "Qualified": "Date entered Qualified",
			"Contract": "Date entered Contract", "Closed Won": "Date entered Closed Won",
		},
		LostAt: "Date entered Closed Lost",
	}}
	res, err := rd.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range res.Deals {
		fmt.Printf("%s %s %-4s events %d closed %s\n", d.ID, d.Owner, d.Outcome, len(d.Events), d.Closed.Format("2006-01-02"))
	}
	// Output:
	// 101 Ann won  events 4 closed 2024-02-20
	// 102 Ann lost events 1 closed 2024-02-09
	// 103 Bo open events 2 closed 0001-01-01
}

// A snapshot with the Maven CRM sample's columns: the current stage, an
// engage date and a close date. A won or lost deal passed every stage
// before; implied reach counts them.
func ExampleSnapshot() {
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	in := `opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054
KWVA7VR1,Gladys Colclough,GTXPro,Genco Pura Olive Oil Company,Lost,2016-11-04,2017-03-18,0
HAXMC4IX,James Ascencio,MG Advanced,,Engaging,2016-11-03,,
6CWZFOHJ,Anna Snelling,GTX Basic,Green-Plus,Prospecting,,,
`
	rd := crm.Snapshot{Funnel: f, Columns: crm.SnapshotColumns{
		ID: "opportunity_id", Owner: "sales_agent", Account: "account", Stage: "deal_stage",
		Closed: "close_date", Amount: "close_value", StageDates: map[string]string{"Engaging": "engage_date"},
	}}
	reached := make([]int, f.Len())
	for d, err := range rd.Deals(context.Background(), strings.NewReader(in)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %-4s product %-14s events %v\n", d.ID, d.Outcome, d.Attrs["product"], len(d.Events))
		for k := range reached {
			if d.Reached(k, funnel.Implied) {
				reached[k]++
			}
		}
	}
	fmt.Println("reached:", reached)
	// Output:
	// 1C1I7A6R won  product GTX Plus Basic events 3
	// KWVA7VR1 lost product GTXPro         events 2
	// HAXMC4IX open product MG Advanced    events 2
	// 6CWZFOHJ open product GTX Basic      events 1
	// reached: [4 3 1]
}

// An activity log read and attached to deals: by deal id, or by account
// to the deals of that account live at the time.
func ExampleAttach() {
	f := funnel.MustNew("Lead", "Won")
	deals, err := crm.Snapshot{Funnel: f}.ReadAll(context.Background(), strings.NewReader(
		"deal_id,account,stage,created_at,closed_at\nD1,Acme,Lead,2024-01-01,\nD2,Acme,Won,2024-01-01,2024-01-05\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	log, err := crm.ActivityLog{}.ReadAll(context.Background(), strings.NewReader(
		"deal_id,account,kind,at\nD1,,call,2024-01-02\n,Acme,email,2024-01-03\n,Acme,meeting,2024-01-09\nD7,,call,2024-01-04\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := crm.Attach(deals.Deals, log.Activities)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range got.Deals {
		var kinds []string
		for _, a := range d.Activities {
			kinds = append(kinds, a.Kind)
		}
		fmt.Println(d.ID, kinds)
	}
	for _, u := range got.Unmatched {
		fmt.Println("unmatched", u.Index, u.Reason)
	}
	// Output:
	// D1 [call email meeting]
	// D2 [email]
	// unmatched 3 crm: unmatched activity: no deal "D7"
}

func ExampleParseAmount() {
	for _, s := range []string{"$1,234.50", "€99", "", "12,34", "-5"} {
		a, err := crm.ParseAmount(s)
		switch {
		case err != nil:
			fmt.Printf("%q: %v\n", s, err)
		case !a.Valid:
			fmt.Printf("%q: missing\n", s)
		default:
			fmt.Printf("%q: %s\n", s, a.Decimal.StringFixed(2))
		}
	}
	// Output:
	// "$1,234.50": 1234.50
	// "€99": 99.00
	// "": missing
	// "12,34": crm: amount "12,34": bad amount: misplaced thousands separator
	// "-5": crm: amount "-5": bad amount: negative amount
}

func ExampleDates_Parse() {
	d := crm.Dates{Layouts: []string{"01/02/2006"}}
	for _, s := range []string{"2024-03-05T14:30:00Z", "2024-03-05", "03/05/2024", "5 March"} {
		t, err := d.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(t.Format("2006-01-02 15:04 MST"))
	}
	// Output:
	// 2024-03-05 14:30 UTC
	// 2024-03-05 00:00 UTC
	// 2024-03-05 00:00 UTC
	// crm: date "5 March": bad date: want RFC 3339, 2006-01-02 or ["01/02/2006"]
}

// A Salesforce OpportunityHistory export read with the preset. 006A has
// two Prospecting rows (its amount changed on Mar 11): one stay of 20
// days. 006B's Proposal row is deleted (IsDeleted true) and left out.
func ExampleSalesforceHistory() {
	f := funnel.MustNew("Prospecting", "Qualification", "Proposal/Price Quote", "Closed Won")
	in := `OpportunityId,StageName,Amount,CloseDate,Probability,ForecastCategory,CreatedDate,IsDeleted,Opportunity Owner
006A,Prospecting,10000.00,2024-04-30,10,Pipeline,2024-03-01T09:00:00.000+0000,false,Ann Lee
006B,Prospecting,5000.00,2024-05-31,10,Pipeline,2024-03-05T10:00:00.000+0000,false,Bo Chen
006A,Prospecting,12000.00,2024-04-30,10,Pipeline,2024-03-11T09:00:00.000+0000,false,Ann Lee
006B,Proposal/Price Quote,5000.00,2024-05-31,75,BestCase,2024-03-12T10:00:00.000+0000,true,Bo Chen
006B,Closed Lost,5000.00,2024-03-20,0,Omitted,2024-03-20T10:00:00.000+0000,false,Bo Chen
006A,Qualification,12000.00,2024-04-30,20,Pipeline,2024-03-21T09:00:00.000+0000,false,Ann Lee
006A,Closed Won,12000.00,2024-04-01,100,Closed,2024-04-01T09:00:00.000+0000,false,Ann Lee
`
	res, err := crm.SalesforceHistory(f).ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	tally := funnel.NewTally(f)
	for _, d := range res.Deals {
		fmt.Printf("%s %s %-4s %d events, amount %s, forecast %s\n", d.ID, d.Owner, d.Outcome, len(d.Events), d.Amount.Decimal.StringFixed(2), d.Attrs["ForecastCategory"])
		if err := tally.Add(d); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, n := range res.Notes {
		fmt.Printf("note: line %d %s %s: %s\n", n.Line, n.DealID, n.Kind, n.Detail)
	}
	tot, err := tally.Total()
	if err != nil {
		fmt.Println(err)
		return
	}
	p := tot.StageTime[0]
	fmt.Printf("Prospecting: %d stays, mean %.1f days\n", p.N(), p.MeanDays().Float64)
	// Output:
	// 006A Ann Lee won  3 events, amount 12000.00, forecast Closed
	// 006B Bo Chen lost 1 events, amount 5000.00, forecast Omitted
	// note: line 4 006A same-stage: Prospecting: line 4 merged into the stay entered at line 2 (2024-03-01T09:00:00Z)
	// note: line 5 006B deleted: row marked deleted, left out
	// Prospecting: 2 stays, mean 17.5 days
}

// A HubSpot deals export read with the preset. The "Date entered" headers
// name the stage and the pipeline; "Date exited" columns are not stage
// dates. Deal 303 was lost and reopened: its Deal Stage says it is open.
func ExampleHubSpotDeals() {
	f := funnel.MustNew("Appointment Scheduled", "Qualified To Buy", "Contract Sent", "Closed Won")
	in := `Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner,"Date entered ""Appointment Scheduled (Sales Pipeline)""","Date exited ""Appointment Scheduled (Sales Pipeline)""","Date entered ""Qualified To Buy (Sales Pipeline)""","Date entered ""Contract Sent (Sales Pipeline)""","Date entered ""Closed Won (Sales Pipeline)""","Date entered ""Closed Lost (Sales Pipeline)"""
301,Acme renewal,Closed Won,Sales Pipeline,"5,000",2024-02-20 10:00,2024-02-01 09:00,Ann Lee,2024-02-01 09:00,2024-02-03 09:00,2024-02-03 09:00,2024-02-10 14:30,2024-02-20 10:00,
302,Globex pilot,Closed Lost,Sales Pipeline,800,2024-02-09 11:00,2024-02-02 09:00,Ann Lee,2024-02-02 09:00,2024-02-09 11:00,,,,2024-02-09 11:00
303,Umbrella,Contract Sent,Sales Pipeline,1200,2024-03-15,2024-02-01 09:00,Bo Chen,2024-02-01 09:00,2024-02-05 09:00,,2024-02-20 09:00,,2024-02-15 09:00
`
	res, err := crm.HubSpotDeals(f).ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range res.Deals {
		fmt.Printf("%s %-12s %-4s furthest %-21s closed %s\n", d.ID, d.Attrs["Deal Name"], d.Outcome, f.Stage(d.Furthest()), d.Closed.Format("2006-01-02"))
	}
	for _, n := range res.Notes {
		fmt.Printf("note: %s %s: %s\n", n.DealID, n.Kind, n.Detail)
	}
	// Output:
	// 301 Acme renewal won  furthest Closed Won            closed 2024-02-20
	// 302 Globex pilot lost furthest Appointment Scheduled closed 2024-02-09
	// 303 Umbrella     open furthest Contract Sent         closed 0001-01-01
	// note: 303 reopened: Date entered "Closed Lost (Sales Pipeline)" 2024-02-15 09:00 ignored: Deal Stage is "Contract Sent"
}

// An activity log streamed in lenient mode (a row without a time is
// skipped and reported), then attached to its deals: by deal id, or by
// company to the deals of that company live at the time.
func ExampleActivityLog() {
	deals := []funnel.Deal{
		{ID: "D1", Account: "Acme", Events: []funnel.Event{{Stage: 0, At: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}}},
		{ID: "D2", Account: "Acme", Events: []funnel.Event{{Stage: 0, At: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)}},
			Outcome: funnel.Lost, Closed: time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC)},
	}
	in := `Activity Type,Activity Date,Deal ID,Company,Contact,Assigned To,Subject
Call,2024-03-02T15:00:00Z,D1,,Jo Park,Ann Lee,Discovery call
Email,2024-03-05,,Acme,Jo Park,Ann Lee,Pricing sheet
Meeting,,D2,,,Bo Chen,Demo
Meeting,2024-03-12,,Acme,Jo Park,Ann Lee,Onsite
`
	log := crm.ActivityLog{
		Columns: crm.ActivityColumns{DealID: "Deal ID", Account: "Company", Contact: "Contact", Kind: "Activity Type", At: "Activity Date", Owner: "Assigned To"},
		Options: crm.Options{Lenient: true, OnSkip: func(e *crm.RowError) { fmt.Println("skipped:", e) }},
	}
	var acts []funnel.Activity
	for a, err := range log.Activities(context.Background(), strings.NewReader(in)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		acts = append(acts, a)
	}
	got, err := crm.Attach(deals, acts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range got.Deals {
		fmt.Print(d.ID, ":")
		for _, a := range d.Activities {
			fmt.Printf(" %s %s (%s)", a.At.Format("01-02"), a.Kind, a.Owner)
		}
		fmt.Println()
	}
	fmt.Println("unmatched:", len(got.Unmatched))
	// Output:
	// skipped: crm: line 4: deal "D2": column "Activity Date" = "": missing value: no time
	// D1: 03-02 Call (Ann Lee) 03-05 Email (Ann Lee) 03-12 Meeting (Ann Lee)
	// D2: 03-05 Email (Ann Lee)
	// unmatched: 0
}
