package ratios_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/shopspring/decimal"
)

// Two reps close proposals in two segments. Bob converts better in both,
// but Ann was given mostly small deals, so her raw rate looks better;
// at the team's mix of segments Bob is ahead (Simpson's paradox).
func ExampleStandardize() {
	f := funnel.MustNew("proposal", "won")
	group := func(rep, segment string, proposals, won int64) funnel.Counts {
		c, err := funnel.FromReached(f, []int64{proposals, won}, nil)
		if err != nil {
			panic(err)
		}
		c.Key = []string{rep, segment} // as a Tally grouped by "owner", "segment"
		return c
	}
	m, err := ratios.Standardize(f, []funnel.Counts{
		group("ann", "smb", 100, 80), group("ann", "ent", 20, 2),
		group("bob", "smb", 20, 18), group("bob", "ent", 100, 30),
	})
	if err != nil {
		panic(err)
	}
	for _, r := range m.Reps {
		won := r.Stages[1]
		fmt.Printf("%s: raw %.3f, standardized %.3f;", r.Rep, won.Raw.Value(), won.Standardized.Float64)
		for _, s := range won.Strata {
			fmt.Printf(" %s %v", s.Stratum, s.Rate)
		}
		fmt.Println()
	}
	// Output:
	// ann: raw 0.683, standardized 0.450; ent 2/20 (10.0%) smb 80/100 (80.0%)
	// bob: raw 0.400, standardized 0.600; ent 30/100 (30.0%) smb 18/20 (90.0%)
}

// A rep whose only real gap is at qualifying: the scorecard names that
// area, and the other areas' gaps, all noise-sized, name nothing.
func ExampleDiagnose() {
	rep := func(name string, qualified, opportunities, won, closed int64) ratios.RepMetrics {
		count := func(n ratios.MetricName, num, den int64) ratios.Metric {
			m, err := ratios.CountMetric(n, num, den)
			if err != nil {
				panic(err)
			}
			return m
		}
		size, err := ratios.MoneyMetric(ratios.DealSize, decimal.NewFromInt(5000*won), won)
		if err != nil {
			panic(err)
		}
		r, err := ratios.NewRepMetrics(name,
			count(ratios.TouchesPerLost, 60, 20),
			count(ratios.QualifiedToOpportunity, opportunities, qualified),
			count(ratios.WinRate, won, closed),
			size,
		)
		if err != nil {
			panic(err)
		}
		return r
	}
	d, err := ratios.Diagnose("dan", []ratios.RepMetrics{
		rep("dan", 100, 30, 9, 30), // 30% of qualified prospects become opportunities
		rep("eve", 100, 60, 10, 30),
		rep("fay", 100, 60, 10, 30),
	}, nil)
	if err != nil {
		panic(err)
	}
	for _, a := range d.Areas {
		for _, l := range a.Lines {
			if l.Rep.Status == ratios.NoData {
				continue
			}
			fmt.Printf("%-18s %-24s dan %8.3f rest %8.3f", a.Area, l.Metric, l.Rep.Value.Float64, l.Rest.Value.Float64)
			if l.Test.P.Valid {
				fmt.Printf("  adjusted p %.2g beyond noise %v\n", l.Test.Adjusted.Float64, l.BeyondNoise)
			} else {
				fmt.Printf("  not tested: %s\n", l.Test.Reason)
			}
		}
	}
	fmt.Println("coach first:", d.CoachFirst)
	// Output:
	// effort             touches-per-lost         dan    3.000 rest    3.000  adjusted p 1 beyond noise false
	// qualifying         qualified-to-opportunity dan    0.300 rest    0.600  adjusted p 2.9e-06 beyond noise true
	// closing            win-rate                 dan    0.300 rest    0.333  adjusted p 1 beyond noise false
	// closing            deal-size                dan 5000.000 rest 5000.000  not tested: a mean from sums only
	// coach first: qualifying
}

// The micro metrics of each rep from a tally grouped by owner and source
// and the activity report of the same deals.
func ExampleMeasure() {
	f := funnel.MustNew("lead", "qualified", "won")
	var deals []funnel.Deal
	for i, d := range []struct {
		owner, source string
		furthest      int
		outcome       funnel.Outcome
		meetings      int
	}{
		{"ann", "inbound", 2, funnel.Won, 2},
		{"ann", "inbound", 1, funnel.Lost, 3},
		{"ann", "outbound", 0, funnel.Lost, 0},
		{"bob", "inbound", 2, funnel.Won, 1},
		{"bob", "outbound", 1, funnel.Lost, 1},
	} {
		deal := funnel.Deal{ID: fmt.Sprint(i), Owner: d.owner, Source: d.source, Outcome: d.outcome}
		for k := 0; k <= d.furthest; k++ {
			deal.Events = append(deal.Events, funnel.Event{Stage: k})
		}
		for range d.meetings {
			deal.Activities = append(deal.Activities, funnel.Activity{Kind: funnel.KindMeeting})
		}
		deals = append(deals, deal)
	}
	tally := funnel.NewTally(f, "owner", "source")
	if err := tally.AddAll(funnel.Stream(deals)); err != nil {
		panic(err)
	}
	activity, err := pipeline.Activity(f, deals)
	if err != nil {
		panic(err)
	}
	r, err := ratios.Measure(f, tally.Groups(), activity, &ratios.MetricsOptions{Qualified: "qualified", InboundSource: "inbound"})
	if err != nil {
		panic(err)
	}
	for _, rep := range r.Reps {
		for _, n := range []ratios.MetricName{ratios.WinRate, ratios.InboundQualified, ratios.HappyEars, ratios.FollowUpsPerInitial, ratios.DealSize} {
			m := rep.Metrics[n]
			fmt.Printf("%s %s: %d/%d = %v (%s)\n", rep.Rep, n, m.Num, m.Den, m.Value, m.Status)
		}
	}
	// Output:
	// ann win-rate: 1/3 = 0.3333333333333333 (measured)
	// ann inbound-qualified: 2/2 = 1 (measured)
	// ann happy-ears: 1/2 = 0.5 (measured)
	// ann follow-ups-per-initial: 3/2 = 1.5 (measured)
	// ann deal-size: 0/0 = null (zero-denominator)
	// bob win-rate: 1/2 = 0.5 (measured)
	// bob inbound-qualified: 1/1 = 1 (measured)
	// bob happy-ears: 0/1 = 0 (measured)
	// bob follow-ups-per-initial: 0/2 = 0 (measured)
	// bob deal-size: 0/0 = null (zero-denominator)
}
