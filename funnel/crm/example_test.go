package crm_test

import (
	"context"
	"fmt"
	"strings"

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
