package beamtally_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// The whole pipeline on prism, in this process: two shards of one history,
// deal D1's rows in both, tallied per owner and written as the report.
func Example() {
	dir, err := os.MkdirTemp("", "beamtally")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	const header = "deal_id,owner,segment,source,stage,entered_at,amount\n"
	shards := map[string]string{
		"part-0.csv": header +
			"D1,ann,SMB,Inbound,Lead,2024-01-01T00:00:00Z,100.00\n" +
			"D2,bob,SMB,Inbound,Lead,2024-01-02T00:00:00Z,50.00\n",
		"part-1.csv": header +
			"D2,bob,SMB,Inbound,Closed Lost,2024-01-05T00:00:00Z,50.00\n" +
			"D1,ann,SMB,Inbound,Proposal,2024-01-04T00:00:00Z,100.00\n" +
			"D1,ann,SMB,Inbound,Closed Won,2024-01-11T00:00:00Z,100.00\n",
	}
	for name, text := range shards {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			fmt.Println(err)
			return
		}
	}
	cfg := beamtally.Config{} // the bench's columns and funnel, by owner
	in, err := beamtally.Open(context.Background(), cfg, filepath.Join(dir, "part-*.csv"))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, s := beam.NewPipelineWithRoot()
	tallies, err := beamtally.Tally(s, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := filepath.Join(dir, "owner_funnel.csv")
	beamtally.WriteFile(s, out, beamtally.Report(s, cfg, tallies))
	if err := ptest.Run(p); err != nil { // beamx.Run(ctx, p) in a program
		fmt.Println(err)
		return
	}
	report, err := os.ReadFile(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(report))
	// ann's D1 skips to Proposal and is won: it reached every stage, won 1
	// of 1, 100, Jan 1 to Jan 11 = 10 days; bob's D2 is lost after Lead:
	// 0 of 1, no won amount, Jan 2 to Jan 5 = 3 days.

	// Output:
	// owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days
	// ann,Lead,1,1,1,100,10
	// ann,Qualified,1,1,1,100,10
	// ann,Meeting,1,1,1,100,10
	// ann,Proposal,1,1,1,100,10
	// ann,Negotiation,1,1,1,100,10
	// ann,Closed Won,1,,1,100,10
	// bob,Lead,1,0,0,,3
	// bob,Qualified,0,,0,,3
	// bob,Meeting,0,,0,,3
	// bob,Proposal,0,,0,,3
	// bob,Negotiation,0,,0,,3
	// bob,Closed Won,0,,0,,3
}

// FormatReport on the crm reader's tally of one file: the single-process
// form of the same report.
func ExampleFormatReport() {
	const history = "deal_id,owner,stage,entered_at,amount\n" +
		"A,ann,Lead,2024-01-01,10.50\n" +
		"A,ann,Won,2024-01-03,10.50\n" +
		"B,ann,Lead,2024-01-01,\n" +
		"B,ann,Qualified,2024-01-02,\n" +
		"B,ann,Closed Lost,2024-01-05,\n"
	f := funnel.MustNew("Lead", "Qualified", "Won")
	ty, err := crm.Long{Funnel: f}.Tally(context.Background(), strings.NewReader(history), funnel.AttrOwner)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := beamtally.FormatReport(os.Stdout, ty); err != nil {
		fmt.Println(err)
	}
	// Output:
	// owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days
	// ann,Lead,2,1,0.5,10.5,3
	// ann,Qualified,2,0.5,0.5,10.5,3
	// ann,Won,1,,0.5,10.5,3
}

// BuildDeals puts the rows of one deal back in input order, whatever shard
// they came from, and reads them with the crm reader.
func ExampleInput_BuildDeals() {
	in := beamtally.Input{
		Shards: []string{"part-0.csv", "part-1.csv"},
		Header: []byte("deal_id,owner,stage,entered_at,amount"),
	}
	rows := []beamtally.Row{ // as the GroupByKey hands them over: any order
		{Shard: 1, Line: 4, Text: "D1,ann,Closed Won,2024-01-11,100"},
		{Shard: 0, Line: 2, Text: "D1,ann,Lead,2024-01-01,100"},
	}
	err := in.BuildDeals(context.Background(), rows, func(d funnel.Deal) error {
		fmt.Println(d.ID, d.Owner, d.Outcome, len(d.Events), "events, closed", d.CloseTime().Format("2006-01-02"))
		return nil
	})
	fmt.Println(err)
	rows[0].Text = "D1,ann,Closed Won,2024-01-11,-100"
	fmt.Println(in.BuildDeals(context.Background(), rows, func(funnel.Deal) error { return nil }))
	// Output:
	// D1 ann won 2 events, closed 2024-01-11
	// <nil>
	// part-1.csv: crm: line 4: deal "D1": column "amount" = "-100": bad amount: negative amount
}
