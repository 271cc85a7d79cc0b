package crm_test

import (
	"context"
	"iter"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// checkDeals runs a reader's sequence and checks the invariants that hold
// for any input: no panic, an error only as the last item, every deal
// valid for the funnel, implied reach never rising down the funnel, and
// won + lost + open = deals.
func checkDeals(t *testing.T, f funnel.Funnel, seq iter.Seq2[funnel.Deal, error]) {
	t.Helper()
	reached := make([]int64, f.Len())
	var n, won, lost, open int64
	errored := false
	for d, err := range seq {
		if errored {
			t.Fatalf("an item after the error")
		}
		if err != nil {
			errored = true
			continue
		}
		if err := d.Validate(f); err != nil {
			t.Fatalf("deal does not validate: %v", err)
		}
		n++
		switch d.Outcome {
		case funnel.Won:
			won++
		case funnel.Lost:
			lost++
		case funnel.Open:
			open++
		}
		for k := range reached {
			if d.Reached(k, funnel.Implied) {
				reached[k]++
			}
		}
	}
	if won+lost+open != n {
		t.Fatalf("won %d + lost %d + open %d != deals %d", won, lost, open, n)
	}
	for k := 1; k < len(reached); k++ {
		if reached[k] > reached[k-1] {
			t.Fatalf("reached rises at stage %d: %v", k, reached)
		}
	}
}

func opts(lenient bool) crm.Options {
	return crm.Options{Lenient: lenient, OnSkip: func(*crm.RowError) {}, OnNote: func(crm.Note) {}}
}

func FuzzLong(f *testing.F) {
	for _, s := range []string{
		longHeader + "D1,ann,Lead,2024-01-01T00:00:00Z,\"$1,200.50\"\nD1,ann,Closed Won,2024-01-05,5\n",
		longHeader + "D4,ann,Closed Won,2024-01-04T00:00:00Z,5\nD4,ann,Lead,2024-01-01T00:00:00Z,5\n",
		longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Closed Lost,2024-01-02,5\nA,ann,Qualified,2024-01-03,5\n",
		longHeader + "A,ann,Lead,2024-01-01,5\nB,b,Lead,2024-01-01,5\nA,ann,Meeting,2024-01-03,5\n",
		longHeader + "A,ann,Closed Lost,2024-01-01,5\nA,ann,Closed Won,2024-01-01,5\n",
	} {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, in string, scattered, lenient bool) {
		rd := crm.Long{Funnel: sales, Scattered: scattered, Options: opts(lenient)}
		checkDeals(t, sales, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}

func FuzzWide(f *testing.F) {
	for _, s := range []string{
		wideHeader + "W,ann,100,2024-01-01,,2024-01-03,,,2024-01-09,,,\n",
		wideHeader + "F,bob,,2024-01-01,,,,,,,yes,2024-01-06\n",
		wideHeader + "R,ann,5,2024-01-03,2024-01-02,,,,,,,\n",
		wideHeader + "X,ann,5,2024-01-01,2024-01-05,,,,,2024-01-03,,\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.Wide{Funnel: sales, Options: opts(lenient)}
		checkDeals(t, sales, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}

func FuzzSnapshot(f *testing.F) {
	for _, s := range []string{
		mavenHeader + "W1,Moses Frase,GTX Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n",
		mavenHeader + "L1,Moses Frase,GTXPro,Isdom,Lost,2016-10-25,2017-03-11,0\nP1,A,B,,Prospecting,,,\n",
		mavenHeader + "X,a,p,c,Won,2017-10-20,2017-03-01,5\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.Snapshot{Funnel: maven, Columns: mavenCols, Options: opts(lenient)}
		checkDeals(t, maven, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}

func FuzzSnapshotStatus(f *testing.F) {
	f.Add("deal_id,stage,status,created_at,closed_at,amount\nA,Proposal,lost,2024-01-01,2024-01-09,10\nB,Negotiation,WON,2024-01-02,2024-01-08,20\n", true)
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.Snapshot{Funnel: sales, Options: opts(lenient)}
		checkDeals(t, sales, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}

func FuzzActivities(f *testing.F) {
	f.Add(activityLog, false)
	f.Add(activityLog, true)
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.ActivityLog{Options: opts(lenient)}
		var acts []funnel.Activity
		errored := false
		for a, err := range rd.Activities(context.Background(), strings.NewReader(in)) {
			if errored {
				t.Fatalf("an item after the error")
			}
			if err != nil {
				errored = true
				continue
			}
			if a.At.IsZero() || (a.DealID == "" && a.Account == "") {
				t.Fatalf("activity without a time or a target: %+v", a)
			}
			acts = append(acts, a)
		}
		// Every activity is attached or reported.
		deals := []funnel.Deal{{ID: "D1", Account: "Acme", Events: []funnel.Event{{Stage: 0}}}}
		got, err := crm.Attach(deals, acts)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, len(acts))
		for _, u := range got.Unmatched {
			seen[u.Index] = true
		}
		for _, a := range got.Deals[0].Activities {
			for i := range acts {
				if acts[i] == a {
					seen[i] = true
				}
			}
		}
		for i, s := range seen {
			if !s {
				t.Fatalf("activity %d neither attached nor reported: %+v", i, acts[i])
			}
		}
	})
}

func FuzzSalesforceHistory(f *testing.F) {
	seed := sfHeader + "\n" + strings.Join(sfRows, "\n") + "\n"
	f.Add(seed, false)
	f.Add(seed, true)
	f.Add(sfHeader+"\n"+sfRows[0]+"\n"+sfRows[8]+"\n"+sfRows[3]+"\n", false)
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.SalesforceHistory(sfFunnel)
		rd.Options = crm.Options{Stages: rd.Stages, Dates: rd.Dates, Lenient: lenient, OnSkip: func(*crm.RowError) {}, OnNote: func(crm.Note) {}}
		checkDeals(t, sfFunnel, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}

func FuzzHubSpotDeals(f *testing.F) {
	for _, entered := range []func(string, string) string{
		func(v, s string) string { return v + ` "` + s + ` (Sales Pipeline)"` },
		func(v, s string) string { return v + " " + s },
	} {
		f.Add(hsExport(entered, hsRows), false)
		f.Add(hsExport(entered, hsRows), true)
	}
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		rd := crm.HubSpotDeals(hsFunnel)
		rd.Options = crm.Options{Stages: rd.Stages, Dates: rd.Dates, Lenient: lenient, OnSkip: func(*crm.RowError) {}, OnNote: func(crm.Note) {}}
		checkDeals(t, hsFunnel, rd.Deals(context.Background(), strings.NewReader(in)))
	})
}
