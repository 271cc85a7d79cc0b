package pipeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/shopspring/decimal"
)

var stages = funnel.MustNew("Lead", "Qualified", "Proposal", "Won")

func day(n int) time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

func amount(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

// review returns a small book of deals for the examples.
func review() []funnel.Deal {
	return []funnel.Deal{
		{ID: "acme", Owner: "ann", Source: "referral", Created: day(0), Amount: amount("12000"), ExpectedClose: day(70),
			Events:     []funnel.Event{{Stage: 0, At: day(0)}, {Stage: 1, At: day(10)}, {Stage: 2, At: day(50)}},
			Activities: []funnel.Activity{{Kind: "call", At: day(5)}, {Kind: "meeting", At: day(55)}}},
		{ID: "beta", Owner: "bob", Source: "outbound", Created: day(5), ExpectedClose: day(45),
			Events:     []funnel.Event{{Stage: 0, At: day(5)}, {Stage: 1, At: day(20)}},
			Activities: []funnel.Activity{{Kind: "email", At: day(30)}}},
		{ID: "cobalt", Owner: "ann", Source: "outbound", Created: day(10), Amount: amount("5000"), ExpectedClose: day(120),
			Events: []funnel.Event{{Stage: 0, At: day(10)}, {Stage: 2, At: day(25)}, {Stage: 1, At: day(40)}}},
		{ID: "delta", Owner: "bob", Source: "referral", Created: day(0), Amount: amount("20000"), Outcome: funnel.Won, Closed: day(55),
			Events: []funnel.Event{{Stage: 0, At: day(0)}, {Stage: 1, At: day(15)}, {Stage: 2, At: day(30)}, {Stage: 3, At: day(55)}}},
		{ID: "echo", Owner: "ann", Source: "outbound", Created: day(20), Amount: amount("3000"), Outcome: funnel.Lost, Closed: day(65),
			Events: []funnel.Event{{Stage: 0, At: day(20)}}},
	}
}

// ExampleHealth flags the open deals at day 60 for a pipeline review.
// Echo is lost today but was still open at day 60; delta had already won.
func ExampleHealth() {
	h, err := pipeline.Health(stages, review(), day(60), pipeline.Thresholds{StalledDays: 14, UntouchedDays: 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range h.Deals {
		fmt.Printf("%-6s %-9s %3.0f days in stage  stalled=%-5v untouched=%-5v past due=%-5v moved back=%v\n",
			d.ID, d.StageName, d.DaysInStage, d.Stalled, d.Untouched, d.PastDue, d.MovedBack)
	}
	fmt.Printf("open %d, value %s (%d without an amount)\n", h.Pipeline.Deals, h.Pipeline.Amount.StringFixed(2), h.Pipeline.Unpriced)
	// Output:
	// acme   Proposal   10 days in stage  stalled=false untouched=false past due=false moved back=false
	// beta   Qualified  40 days in stage  stalled=true  untouched=true  past due=true  moved back=false
	// cobalt Qualified  20 days in stage  stalled=true  untouched=true  past due=false moved back=true
	// echo   Lead       40 days in stage  stalled=true  untouched=true  past due=false moved back=false
	// open 4, value 20000.00 (1 without an amount)
}

// ExampleWaterfall explains the open pipeline at day 60 from the one at
// day 30: delta was won, nothing was created, so 5 − 1 = 4 deals and
// 40000 − 20000 = 20000.
func ExampleWaterfall() {
	w, err := pipeline.Waterfall(stages, review(), day(30), day(60), pipeline.WaterfallOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	row := func(name string, deals int, amount decimal.Decimal) {
		fmt.Printf("%-9s %2d %10s\n", name, deals, amount.StringFixed(2))
	}
	row("start", w.Start.Deals, w.Start.Amount)
	row("created", w.Created.Deals, w.Created.Amount)
	row("won", -w.Won.Deals, w.Won.Amount.Neg())
	row("lost", -w.Lost.Deals, w.Lost.Amount.Neg())
	row("end", w.End.Deals, w.End.Amount)
	// Output:
	// start      5   40000.00
	// created    0       0.00
	// won       -1  -20000.00
	// lost       0       0.00
	// end        4   20000.00
}

// ExampleWaterfall_priorState shows a repricing and a pushed-out deal in
// the pipeline expected to close in [day 30, day 90), which only a prior
// state from an earlier export can reveal. At day 30 acme was priced 10000
// and expected at day 40, and cobalt was expected at day 80; cobalt is now
// expected at day 120. A prior state replaces the deal's figures at from,
// so it carries the amount too.
//
//	start: acme 10000, beta (no amount), cobalt 5000: 3 deals, 15000
//	acme   carried, repriced 10000 → 12000: +2000
//	cobalt pushed out with its 5000
//	end:   acme 12000, beta: 2 deals, 12000 = 15000 + 2000 − 5000
func ExampleWaterfall_priorState() {
	opt := pipeline.WaterfallOptions{
		CloseFrom: day(30),
		CloseTo:   day(90),
		Before: map[string]pipeline.PriorState{
			"acme":   {Amount: amount("10000"), ExpectedClose: day(40)},
			"cobalt": {Amount: amount("5000"), ExpectedClose: day(80)},
		},
	}
	w, err := pipeline.Waterfall(stages, review(), day(30), day(60), opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("start %d deals %s\n", w.Start.Deals, w.Start.Amount.StringFixed(2))
	fmt.Printf("amount change %v %s\n", w.AmountChange.IDs, w.AmountChange.Amount.StringFixed(2))
	fmt.Printf("pushed out %v %s\n", w.PushedOut.IDs, w.PushedOut.Amount.StringFixed(2))
	fmt.Printf("end %d deals %s (rounding %s)\n", w.End.Deals, w.End.Amount.StringFixed(2), w.Rounding.StringFixed(2))
	// Output:
	// start 3 deals 15000.00
	// amount change [acme] 2000.00
	// pushed out [cobalt] 5000.00
	// end 2 deals 12000.00 (rounding 0.00)
}

// ExampleActivity reads the touches per won and lost deal for the team.
func ExampleActivity() {
	rep, err := pipeline.Activity(stages, review())
	if err != nil {
		fmt.Println(err)
		return
	}
	t := rep.Team
	fmt.Printf("touches per won %.2f (%d/%d), per lost %.2f (%d/%d)\n",
		t.TouchesPerWon.Value(), t.TouchesPerWon.Num, t.TouchesPerWon.Den,
		t.TouchesPerLost.Value(), t.TouchesPerLost.Num, t.TouchesPerLost.Den)
	fmt.Printf("days to first touch %.1f over %d deals\n", t.DaysToFirstTouch.Days.Float64, t.DaysToFirstTouch.N)
	for _, o := range rep.Owners {
		fmt.Printf("%s: meetings per deal %.2f\n", o.Owner, o.MeetingsPerDeal.Value())
	}
	// Output:
	// touches per won 0.00 (0/1), per lost 0.00 (0/1)
	// days to first touch 15.0 over 2 deals
	// ann: meetings per deal 0.33
	// bob: meetings per deal 0.00
}

// ExampleLiveByDay counts the initiatives in the works each day. Delta
// closes at day 55 00:00, so it is not live on day 55.
func ExampleLiveByDay() {
	live, err := pipeline.LiveByDay(stages, review(), day(53), day(56))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range live.Days {
		fmt.Println(d.Day.Format(time.DateOnly), d.Live)
	}
	fmt.Printf("mean %.2f, peak %d\n", live.Mean, live.Peak)
	// Output:
	// 2025-02-23 5
	// 2025-02-24 5
	// 2025-02-25 4
	// mean 4.67, peak 5
}

// ExampleAttributeEffect tests whether warm and cold leads go equally
// deep, from a tally of the closed deals grouped by the attribute. The
// 2 × 3 table is cold 10/6/4, warm 4/6/10 (Lead, Proposal, Won): X² = 36/7
// on 2 degrees of freedom, p = exp(−18/7). An open warm deal is counted
// apart: it has not reached its deepest stage.
func ExampleAttributeEffect() {
	f := funnel.MustNew("Lead", "Proposal", "Won")
	var deals []funnel.Deal
	add := func(v string, deepest, n int) {
		for range n {
			d := funnel.Deal{ID: fmt.Sprint(len(deals)), Attrs: map[string]string{"warm": v}, Outcome: funnel.Lost}
			for s := 0; s <= deepest; s++ {
				d.Events = append(d.Events, funnel.Event{Stage: s})
			}
			if deepest == 2 {
				d.Outcome = funnel.Won
			}
			deals = append(deals, d)
		}
	}
	add("cold", 0, 10)
	add("cold", 1, 6)
	add("cold", 2, 4)
	add("warm", 0, 4)
	add("warm", 1, 6)
	add("warm", 2, 10)
	deals = append(deals, funnel.Deal{ID: "open", Attrs: map[string]string{"warm": "warm"}, Events: []funnel.Event{{Stage: 1}}})
	tally := funnel.NewTally(f, "warm")
	if err := tally.AddAll(funnel.Stream(deals)); err != nil {
		fmt.Println(err)
		return
	}
	e, err := pipeline.AttributeEffect(f, tally)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d closed deals, %d open apart\n", e.Deals, e.Open)
	fmt.Printf("chi-square %.4f, df %d, p %.4f, cells below 5: %d\n", e.Test.Stat, e.Test.DF, e.Test.P, e.Test.LowExpected)
	for _, o := range e.Odds {
		if o.Value == "warm" {
			fmt.Printf("warm reaches %s: odds ratio %.2f (95%% CI %.2f to %.2f)\n", o.StageName, o.Ratio, o.Low, o.High)
		}
	}
	// Output:
	// 40 closed deals, 1 open apart
	// chi-square 5.1429, df 2, p 0.0764, cells below 5: 0
	// warm reaches Proposal: odds ratio 4.00 (95% CI 0.98 to 16.27)
	// warm reaches Won: odds ratio 4.00 (95% CI 0.98 to 16.27)
}

// ExamplePeriodSummary lists what moved in (day 10, day 70]; an event at
// exactly day 10 belongs to the state at day 10. Echo was created on day
// 20 and lost on day 65; beta advanced to Qualified on day 20; cobalt
// skipped to Proposal on day 25 and moved back to Qualified on day 40;
// delta advanced twice and was won on day 55.
func ExamplePeriodSummary() {
	m, err := pipeline.PeriodSummary(stages, review(), day(10), day(70))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created   ", m.Created)
	fmt.Println("advanced  ", m.Advanced)
	fmt.Println("moved back", m.MovedBack)
	fmt.Println("won       ", m.Won)
	fmt.Println("lost      ", m.Lost)
	// Output:
	// created    [echo]
	// advanced   [acme beta cobalt delta]
	// moved back [cobalt]
	// won        [delta]
	// lost       [echo]
}

// A service reads a waterfall's options from a request body; a bad value
// is refused with its place in the document, before any arithmetic is
// done on it.
func ExampleWaterfallOptions_UnmarshalJSON() {
	body := `{"close_from":"2025-01-31T00:00:00Z","close_to":"2025-04-01T00:00:00Z",
		"before":{"acme":{"outcome":"open","amount":"10000","expected_close":"2025-02-10T00:00:00Z"}}}`
	var opt pipeline.WaterfallOptions
	if err := json.Unmarshal([]byte(body), &opt); err != nil {
		fmt.Println(err)
		return
	}
	w, err := pipeline.Waterfall(stages, review(), day(30), day(60), opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("amount change %v %s\n", w.AmountChange.IDs, w.AmountChange.Amount.StringFixed(2))

	bad := `{"before":{"acme":{"amount":"1e9999"}}}`
	err = json.Unmarshal([]byte(bad), &opt)
	fmt.Println(err)
	fmt.Println(errors.Is(err, funnel.ErrOutOfRange))
	// Output:
	// amount change [acme] 2000.00
	// pipeline.WaterfallOptions: before["acme"].amount = "1e9999": value out of range: amount 1e9999 has more than 18 decimal places or 36 digits
	// true
}
