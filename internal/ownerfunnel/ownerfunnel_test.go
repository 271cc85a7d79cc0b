package ownerfunnel

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestWrite checks the report of two owners worked by hand, one of them
// with a comma in the name, and that encoding/csv reads it back.
func TestWrite(t *testing.T) {
	f := funnel.MustNew("Lead", "Demo", "Won")
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	ta := funnel.NewTally(f, funnel.AttrOwner)
	for _, d := range []funnel.Deal{
		// ann: won in 4 days (100), lost at Demo after 2 days, open at Lead.
		{ID: "1", Owner: "ann", Amount: amt("100"), Outcome: funnel.Won, Events: []funnel.Event{{Stage: 0, At: day(1)}, {Stage: 1, At: day(2)}, {Stage: 2, At: day(5)}}},
		{ID: "2", Owner: "ann", Outcome: funnel.Lost, Closed: day(3), Events: []funnel.Event{{Stage: 0, At: day(1)}, {Stage: 1, At: day(2)}}},
		{ID: "3", Owner: "ann", Events: []funnel.Event{{Stage: 0, At: day(1)}}},
		// "Smith, Jo": one open deal, nothing closed.
		{ID: "4", Owner: "Smith, Jo", Events: []funnel.Event{{Stage: 0, At: day(1)}}},
	} {
		if err := ta.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	if err := Write(&b, f, []string{funnel.AttrOwner}, ta.Groups()); err != nil {
		t.Fatal(err)
	}
	// ann: reached 3, 2, 1; conv 2/3 and 1/2; win rate 1/2; ASP 100;
	// cycle (4 + 2) / 2 = 3 days. Smith, Jo: reached 1, 0, 0; conv 0/1,
	// none from Demo (0 reached); nothing closed.
	want := "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
		`"Smith, Jo",Lead,1,0,,,` + "\n" +
		`"Smith, Jo",Demo,0,,,,` + "\n" +
		`"Smith, Jo",Won,0,,,,` + "\n" +
		"ann,Lead,3,0.6666666666666666,0.5,100,3\n" +
		"ann,Demo,2,0.5,0.5,100,3\n" +
		"ann,Won,1,,0.5,100,3\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("report mismatch (-want +got):\n%s", diff)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil || len(recs) != 7 || recs[1][0] != "Smith, Jo" {
		t.Errorf("encoding/csv reads %q, %v", recs, err)
	}
}
