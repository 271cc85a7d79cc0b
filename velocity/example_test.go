package velocity_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/shopspring/decimal"
)

const day = 24 * time.Hour

// The SMB rep and the enterprise rep of the worked case.
var (
	smb = velocity.Levers{Opportunities: 40, WinRate: 0.25, ASP: decimal.NewFromInt(12000), Cycle: 30 * day}
	ent = velocity.Levers{Opportunities: 8, WinRate: 0.20, ASP: decimal.NewFromInt(150000), Cycle: 120 * day}
)

func ExampleLevers_Velocity() {
	l, err := velocity.NewLevers(40, 0.25, decimal.NewFromInt(12000), 30*day)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, _ := l.Velocity()
	q, _ := l.Bookings(velocity.DaysQuarter)
	fmt.Println("SMB per day:", v.StringFixed(2))
	fmt.Println("SMB per quarter:", q.StringFixed(2))
	e, _ := ent.Velocity()
	fmt.Println("enterprise per day:", e.StringFixed(2))

	_, err = velocity.NewLevers(40, 1.2, decimal.NewFromInt(12000), 30*day)
	fmt.Println(err)
	// Output:
	// SMB per day: 4000.00
	// SMB per quarter: 364000.00
	// enterprise per day: 2000.00
	// velocity.NewLevers: win rate = 1.2: rate outside [0,1]
}

func ExampleSolve() {
	// How many opportunities does the SMB rep need for $5,000 a day?
	l, err := velocity.Solve(smb, velocity.LeverOpportunities, velocity.PerDay(decimal.NewFromInt(5000)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("opportunities: %.1f\n", l.Opportunities)

	// And which cycle gives $546,000 in a quarter with the other levers held?
	l, _ = velocity.Solve(smb, velocity.LeverCycle, velocity.Target{Bookings: decimal.NewFromInt(546000), Days: velocity.DaysQuarter})
	fmt.Printf("cycle: %.1f days\n", l.CycleDays())

	// A win rate above 1 is out of reach.
	_, err = velocity.Solve(smb, velocity.LeverWinRate, velocity.PerDay(decimal.NewFromInt(20000)))
	fmt.Println(err)
	// Output:
	// opportunities: 50.0
	// cycle: 20.0 days
	// velocity.Solve: win rate = 1.25: target unreachable: win rate above 1
}

func ExampleMakeUp() {
	// The win rate slips 10%: how many more opportunities hold bookings?
	m, err := velocity.MakeUp(smb, velocity.LeverWinRate, -0.10, velocity.LeverOpportunities)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("opportunities %+.1f%%: %.2f\n", 100*m.Change, m.Levers.Opportunities)
	// A 10% longer cycle needs 10% more opportunities.
	m, _ = velocity.MakeUp(smb, velocity.LeverCycle, 0.10, velocity.LeverOpportunities)
	fmt.Printf("opportunities %+.1f%%\n", 100*m.Change)
	// Output:
	// opportunities +11.1%: 44.44
	// opportunities +10.0%
}

func ExampleDecompose() {
	// From the SMB rep ($4,000/day) to the enterprise rep ($2,000/day).
	d, err := velocity.Decompose(smb, ent)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("gap per day:", d.Gap.StringFixed(2))
	for _, s := range d.Shares {
		fmt.Printf("%-13s %+.4f %8.2f%% %9s\n", s.Lever, s.LogTerm, s.Percent, s.Amount.StringFixed(2))
	}
	fmt.Println("largest share:", d.Largest)
	// Output:
	// gap per day: -2000.00
	// opportunities -1.6094   232.19%  -4643.86
	// win rate      -0.2231    32.19%   -643.86
	// asp           +2.5257  -364.39%   7287.72
	// cycle         -1.3863   200.00%  -4000.00
	// largest share: asp
}

// A uniform ±10% on each lever: the cycle always answers a little more
// (1/0.9 − 1 = +11.1%), whatever the rep's numbers, so this says how
// bookings respond, not which lever to work on; see ExampleGaps.
func ExampleSensitivities() {
	s, err := velocity.Sensitivities(smb, velocity.DaysQuarter, []float64{0.10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("base:", s.Base.StringFixed(2))
	for _, ls := range s.Levers {
		fmt.Printf("%-13s -10%%: %10s  +10%%: %10s  improve: %+.1f%%\n", ls.Lever,
			ls.Points[0].Bookings.StringFixed(2), ls.Points[1].Bookings.StringFixed(2), 100*ls.Improve)
	}
	// Output:
	// base: 364000.00
	// opportunities -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// win rate      -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// asp           -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// cycle         -10%:  404444.44  +10%:  330909.09  improve: +11.1%
}

// Which lever is the SMB rep's to work on? Against the team (45
// opportunities, a 35% win rate, $12,500, 28 days), closing each gap alone
// over a quarter: the win rate is worth $145,600 (40 × 0.35 × 12000 × 91 /
// 30 = 509,600 against 364,000), far more than the cycle the uniform
// sensitivity points at. A rep ahead on every lever has nothing to close.
func ExampleGaps() {
	team := velocity.Levers{Opportunities: 45, WinRate: 0.35, ASP: decimal.NewFromInt(12500), Cycle: 28 * day}
	g, err := velocity.Gaps(smb, team, velocity.DaysQuarter)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rep books:", g.RepBookings.StringFixed(2))
	for _, lg := range g.Gaps {
		fmt.Printf("%-13s %10s  gain %10s\n", lg.Lever, lg.Bookings.StringFixed(2), lg.Gain.StringFixed(2))
	}
	fmt.Println("best:", g.Best)
	ahead, _ := velocity.Gaps(team, smb, velocity.DaysQuarter)
	fmt.Println("team against the rep, best:", ahead.Best)
	// Output:
	// rep books: 364000.00
	// win rate       509600.00  gain  145600.00
	// opportunities  409500.00  gain   45500.00
	// cycle          390000.00  gain   26000.00
	// asp            379166.67  gain   15166.67
	// best: win rate
	// team against the rep, best: none
}

func ExampleLittle() {
	// A job seeker with six live applications and a 30-day cycle resolves
	// one about every five days: 0.2 a day × 30 days = 6.
	c, err := velocity.Little(6, 0.2, 30*day)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("implied %.1f, gap %.1f\n", c.Implied, c.Gap)
	// Output:
	// implied 6.0, gap 0.0
}

// Deals built by hand, measured over the first quarter of 2024 (91 days).
// ann's deals were open 30 + 60 + 20 + 31 = 141 days of it, 1.55 on an
// average day; she won 2 of 3 at an ASP of 10,000 over 45 days, so the
// levers say 141/91 × 2/3 × 10000 / 45 × 91 = 20,888.89 of bookings
// against the 20,000 she booked.
func ExampleMeasureDeals() {
	f := funnel.MustNew("Lead", "Won")
	at := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	amount := func(v int64) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.NewFromInt(v)) }
	deal := func(id, owner, created, closed string, o funnel.Outcome, a decimal.NullDecimal) funnel.Deal {
		d := funnel.Deal{ID: id, Owner: owner, Created: at(created), Outcome: o, Amount: a,
			Events: []funnel.Event{{Stage: 0, At: at(created)}}}
		if o != funnel.Open {
			d.Closed = at(closed)
		}
		if o == funnel.Won {
			d.Events = append(d.Events, funnel.Event{Stage: 1, At: at(closed)})
		}
		return d
	}
	deals := []funnel.Deal{
		deal("1", "ann", "2024-01-05", "2024-02-04", funnel.Won, amount(12000)),
		deal("2", "ann", "2024-01-10", "2024-03-10", funnel.Won, amount(8000)),
		deal("3", "ann", "2024-02-01", "2024-02-21", funnel.Lost, decimal.NullDecimal{}),
		deal("4", "ann", "2024-03-01", "", funnel.Open, amount(5000)),
		deal("5", "bob", "2024-02-01", "2024-03-01", funnel.Lost, decimal.NullDecimal{}),
	}
	r, err := velocity.MeasureDeals(f, deals, at("2024-01-01"), at("2024-04-01"), velocity.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range r.Groups {
		fmt.Printf("%s: %.2f opportunities, won %v", m.Group[0], m.Opportunities, m.WinCount)
		if !m.SteadyBookings.Valid {
			fmt.Printf(", booked %s; no won deal: ASP and cycle undefined\n", m.Bookings.StringFixed(2))
			continue
		}
		fmt.Printf(", ASP %s, cycle %.0f days, booked %s, levers say %s\n", m.ASP.Decimal.StringFixed(2),
			m.CycleDays().Float64, m.Bookings.StringFixed(2), m.SteadyBookings.Decimal.StringFixed(2))
	}
	// Output:
	// ann: 1.55 opportunities, won 2/3 (66.7%), ASP 10000.00, cycle 45 days, booked 20000.00, levers say 20888.89
	// bob: 0.32 opportunities, won 0/1 (0.0%), booked 0.00; no won deal: ASP and cycle undefined
}

// A steady pipeline read from a CRM export, streamed straight from the
// reader into Measure: a deal every 10 days, each closed 20 days later,
// every other one won, at $1,000 on average. Over January and February
// 2024 (60 days) two deals are open on an average day, and V × 60 days
// equals the $3,000 booked. Counting every deal live in the window (8)
// instead overstates it 4×, 1 + T/C = 1 + 60/20.
func ExampleMeasure() {
	f := funnel.MustNew("Lead", "Closed Won")
	const export = `deal_id,owner,stage,entered_at,amount
D1,ann,Lead,2023-12-12,1200
D1,ann,Closed Won,2024-01-01,1200
D2,ann,Lead,2023-12-22,900
D2,ann,Closed Lost,2024-01-11,900
D3,ann,Lead,2024-01-01,800
D3,ann,Closed Won,2024-01-21,800
D4,ann,Lead,2024-01-11,900
D4,ann,Closed Lost,2024-01-31,900
D5,ann,Lead,2024-01-21,1000
D5,ann,Closed Won,2024-02-10,1000
D6,ann,Lead,2024-01-31,900
D6,ann,Closed Lost,2024-02-20,900
D7,ann,Lead,2024-02-10,1000
D7,ann,Closed Won,2024-03-01,1000
D8,ann,Lead,2024-02-20,900
D8,ann,Closed Lost,2024-03-11,900
`
	ctx := context.Background()
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, count := range []velocity.Counting{velocity.CountAverageOpen, velocity.CountLive} {
		deals := crm.Long{Funnel: f}.Deals(ctx, strings.NewReader(export))
		r, err := velocity.Measure(f, deals, from, to, velocity.Options{Count: count})
		if err != nil {
			fmt.Println(err)
			return
		}
		m := r.Total
		fmt.Printf("%-12s O %.2f, W %.2f, ASP %s, C %.0f days: V × %.0f days %s, booked %s\n", count,
			m.Opportunities, m.WinRate.Float64, m.ASP.Decimal.StringFixed(2), m.CycleDays().Float64,
			r.WindowDays, m.SteadyBookings.Decimal.StringFixed(2), m.Bookings.StringFixed(2))
	}
	// A bad row is the reader's error, and no report.
	bad := "deal_id,owner,stage,entered_at,amount\nD1,ann,Lead,2024-01-01,12.5.0\n"
	_, err := velocity.Measure(f, crm.Long{Funnel: f}.Deals(ctx, strings.NewReader(bad)), from, to, velocity.Options{})
	fmt.Println(err)
	// Output:
	// average open O 2.00, W 0.50, ASP 1000.00, C 20 days: V × 60 days 3000.00, booked 3000.00
	// live         O 8.00, W 0.50, ASP 1000.00, C 20 days: V × 60 days 12000.00, booked 3000.00
	// crm: line 2: deal "D1": column "amount" = "12.5.0": bad amount: unexpected '.'
}

// Build a forecast input from deals as they stood on 2 March 2024, with a
// month left in the quarter, then forecast with a fixed seed. ann has one
// open deal of 500 at Demo, where 2 of the 3 closed deals that reached it
// were won; it is 21 days old and both observed times to win (40 and 50
// days) are longer, so it closes in time if won: P = 2/3. She has won 100
// so far, and new deals add 2/30 a day × 30 days × her win rate 1/3 ×
// the share of a won new deal that closes in the 30 days left (none: both
// times exceed 30 days) = 0. Expected 100 + 500 × 2/3 = 433.33, and she
// reaches her quota of 400 when o1 is won: P(hit) = 2/3, which 20,000
// draws estimate within their standard error. bob has no quota and 300
// won: always hit.
func ExampleBuildForecast() {
	f := funnel.MustNew("Lead", "Demo", "Won")
	at := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	amount := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	ev := func(stage int, s string) funnel.Event { return funnel.Event{Stage: stage, At: at(s)} }
	deals := []funnel.Deal{
		{ID: "w1", Owner: "ann", Created: at("2023-12-01"), Closed: at("2024-01-10"), Outcome: funnel.Won, Amount: amount("100"),
			Events: []funnel.Event{ev(0, "2023-12-01"), ev(1, "2023-12-20"), ev(2, "2024-01-10")}},
		{ID: "w2", Owner: "bob", Created: at("2024-01-01"), Closed: at("2024-02-20"), Outcome: funnel.Won, Amount: amount("300"),
			Events: []funnel.Event{ev(0, "2024-01-01"), ev(2, "2024-02-20")}},
		{ID: "l1", Owner: "ann", Created: at("2024-01-15"), Closed: at("2024-02-01"), Outcome: funnel.Lost, Amount: amount("50"),
			Events: []funnel.Event{ev(0, "2024-01-15"), ev(1, "2024-01-20")}},
		{ID: "l2", Owner: "ann", Created: at("2024-02-01"), Closed: at("2024-02-05"), Outcome: funnel.Lost,
			Events: []funnel.Event{ev(0, "2024-02-01")}},
		{ID: "o1", Owner: "ann", Created: at("2024-02-10"), Amount: amount("500"),
			Events: []funnel.Event{ev(0, "2024-02-10"), ev(1, "2024-02-15")}},
	}
	p := velocity.QuotaPeriod{Start: at("2024-01-01"), End: at("2024-04-01"), AsOf: at("2024-03-02")}
	quotas := map[string]decimal.Decimal{"ann": decimal.NewFromInt(400)}
	in, err := velocity.BuildForecast(f, funnel.Stream(deals), p, quotas, velocity.BuildOptions{RateWindow: 30 * day})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stage win:", in.StageWinCounts)
	in.Draws, in.Seed = 20_000, 1
	fc, err := velocity.Forecast(context.Background(), in)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range fc.Reps {
		fmt.Printf("%s: quota %s, won %s, expected %s, P(hit) %.3f ± %.3f\n", r.Rep, r.Quota, r.WonSoFar, r.Expected.StringFixed(2), r.PHit, r.PHitStdErr)
	}
	// Output:
	// stage win: [2/4 (50.0%) 2/3 (66.7%) 2/2 (100.0%)]
	// ann: quota 400, won 100, expected 433.33, P(hit) 0.663 ± 0.003
	// bob: quota 0, won 300, expected 300.00, P(hit) 1.000 ± 0.000
}

func ExampleForecast() {
	// A rep with $5,000 won so far, a $50,000 quota and three open deals,
	// won with probability 0.3, 0.6 and 0.85 and sure to close in time if
	// won. Enumerating the eight outcomes gives P(hit) = 0.612 exactly.
	in := velocity.ForecastInput{
		Days:     30,
		StageWin: []float64{0.3, 0.6, 0.85, 1},
		Reps: []velocity.RepInput{{
			Rep:      "ann",
			Quota:    decimal.NewFromInt(50000),
			WonSoFar: decimal.NewFromInt(5000),
			Open: []velocity.OpenDeal{
				{ID: "a", Stage: 0, Amount: decimal.NewFromInt(10000)},
				{ID: "b", Stage: 1, Amount: decimal.NewFromInt(20000)},
				{ID: "c", Stage: 2, Amount: decimal.NewFromInt(40000)},
			},
		}},
		Draws: 100_000,
		Seed:  42,
	}
	f, err := velocity.Forecast(context.Background(), in)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := f.Reps[0]
	fmt.Printf("P(hit) %.2f ± %.3f\n", r.PHit, r.PHitStdErr)
	fmt.Println("P10/P50/P90:", r.P10.StringFixed(0), r.P50.StringFixed(0), r.P90.StringFixed(0))
	fmt.Println("expected:", r.Expected.StringFixed(2))
	// Output:
	// P(hit) 0.61 ± 0.002
	// P10/P50/P90: 25000 65000 75000
	// expected: 54000.00
}
