package velocity_test

import (
	"context"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
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
	// velocity: win rate = 1.2: rate outside [0,1]
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
	// velocity: win rate = 1.25: target unreachable: win rate above 1
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
	// Output:
	// gap per day: -2000.00
	// opportunities -1.6094   232.19%  -4643.86
	// win rate      -0.2231    32.19%   -643.86
	// asp           +2.5257  -364.39%   7287.72
	// cycle         -1.3863   200.00%  -4000.00
}

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
	fmt.Printf("best: %v (%+.1f%%)\n", s.Best, 100*s.BestGain)
	// Output:
	// base: 364000.00
	// opportunities -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// win rate      -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// asp           -10%:  327600.00  +10%:  400400.00  improve: +10.0%
	// cycle         -10%:  404444.44  +10%:  330909.09  improve: +11.1%
	// best: cycle (+11.1%)
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

func ExampleMeasureDeals() {
	at := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	amount := func(v int64) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.NewFromInt(v)) }
	deals := []funnel.Deal{
		{ID: "1", Owner: "ann", Created: at("2024-01-05"), Closed: at("2024-02-04"), Outcome: funnel.Won, Amount: amount(12000)},
		{ID: "2", Owner: "ann", Created: at("2024-01-10"), Closed: at("2024-03-10"), Outcome: funnel.Won, Amount: amount(8000)},
		{ID: "3", Owner: "ann", Created: at("2024-02-01"), Closed: at("2024-02-21"), Outcome: funnel.Lost},
		{ID: "4", Owner: "ann", Created: at("2024-03-01"), Amount: amount(5000)},
		{ID: "5", Owner: "bob", Created: at("2024-02-01"), Closed: at("2024-03-01"), Outcome: funnel.Lost},
	}
	r, err := velocity.MeasureDeals(deals, at("2024-01-01"), at("2024-04-01"), velocity.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range r.Groups {
		fmt.Printf("%s: %v opportunities, won %v", m.Group[0], m.Opportunities, m.WinCount)
		if !m.ASPDefined {
			fmt.Println(", no won deal: ASP and cycle undefined")
			continue
		}
		fmt.Printf(", ASP %s, cycle %.0f days\n", m.ASP.StringFixed(2), m.Cycle.Hours()/24)
	}
	// Output:
	// ann: 4 opportunities, won 2/3 (66.7%), ASP 10000.00, cycle 45 days
	// bob: 1 opportunities, won 0/1 (0.0%), no won deal: ASP and cycle undefined
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
