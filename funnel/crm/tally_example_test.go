package crm_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// A long stage history tallied by owner in one call: the per-owner funnel
// of the bench, from bytes to counts. The rows of deal A come back after
// B's, so the history is read again as with Scattered, and a note says
// so.
func ExampleLong_Tally() {
	f := funnel.MustNew("Lead", "Qualified", "Closed Won")
	in := `deal_id,owner,stage,entered_at,amount
A,ann,Lead,2024-01-01,100
B,bob,Lead,2024-01-02,50
A,ann,Qualified,2024-01-03,100
A,ann,Closed Won,2024-01-05,100
C,ann,Lead,2024-01-04,
C,ann,Closed Lost,2024-01-06,
`
	rd := crm.Long{Funnel: f, Options: crm.Options{OnNote: func(n crm.Note) {
		if n.Kind == crm.NoteScattered {
			fmt.Printf("note: line %d, deal %s: %s\n", n.Line, n.DealID, n.Kind)
		}
	}}}
	ty, err := rd.Tally(context.Background(), strings.NewReader(in), funnel.AttrOwner)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range ty.Groups() {
		asp := "none"
		if a := g.AvgWon(); a.Valid {
			asp = a.Decimal.StringFixed(2)
		}
		fmt.Printf("%s: reached %v, won %d of %d closed, ASP %s\n", g.Key[0], g.Reached, g.Won, g.Won+g.Lost, asp)
	}
	// Output:
	// note: line 4, deal A: scattered
	// ann: reached [2 1 1], won 1 of 2 closed, ASP 100.00
	// bob: reached [1 0 0], won 0 of 0 closed, ASP none
}

// A wide export tallied by owner: one row per deal, a date per stage.
func ExampleWide_Tally() {
	f := funnel.MustNew("Lead", "Qualified", "Closed Won")
	in := `deal_id,owner,amount,Lead,Qualified,Closed Won,lost_at
W1,ann,200,2024-01-01,2024-01-03,2024-01-09,
W2,ann,80,2024-01-02,,,2024-01-05
W3,bob,,2024-01-02,2024-01-04,,
`
	ty, err := crm.Wide{Funnel: f}.Tally(context.Background(), strings.NewReader(in), funnel.AttrOwner)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range ty.Groups() {
		fmt.Printf("%s: reached %v, won %d, lost %d, open %d\n", g.Key[0], g.Reached, g.Won, g.Lost, g.Open)
	}
	// Output:
	// ann: reached [2 1 1], won 1, lost 1, open 0
	// bob: reached [1 1 0], won 0, lost 0, open 1
}
