package funnel_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// From the counts reached at each stage to the conversion table with
// 95% Wilson intervals: the step into proposal is the weakest, and with
// only 40 meetings behind it its interval is wide.
func Example() {
	f := funnel.MustNew("lead", "qualified", "meeting", "proposal", "won")
	c, err := funnel.FromReached(f, []int64{200, 80, 40, 12, 6}, nil) // all closed
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := funnel.NewTable(f, c, &funnel.TableOptions{Confidence: 0.95})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%-10s %5s %7s  %-16s %6s\n", "stage", "count", "step", "95% interval", "cum")
	for _, s := range t.Stages {
		if s.StepCI == nil {
			fmt.Printf("%-10s %5d %7s  %-16s %6.3f\n", s.Stage, s.Reached, "", "", s.Cumulative.Value())
			continue
		}
		fmt.Printf("%-10s %5d %7.2f  %-16s %6.3f\n", s.Stage, s.Reached, s.Step.Value(), s.StepCI, s.Cumulative.Value())
	}
	fmt.Printf("weakest step: into %s (%v)\n", t.WeakestStage, t.Stages[t.Weakest].Resolved)
	// Output:
	// stage      count    step  95% interval        cum
	// lead         200                            1.000
	// qualified     80    0.40  [0.335, 0.469]    0.400
	// meeting       40    0.50  [0.393, 0.607]    0.200
	// proposal      12    0.30  [0.181, 0.454]    0.060
	// won            6    0.50  [0.254, 0.746]    0.030
	// weakest step: into proposal (12/40 (30.0%))
}

// Plain counts with deals still open: 50 leads and 10 qualified deals have
// not had their chance yet. The naive step counts them as failures; the
// resolved step leaves them out, and none of them is counted as lost.
func ExampleNewTable() {
	f := funnel.MustNew("lead", "qualified", "won")
	c, err := funnel.FromReached(f, []int64{200, 60, 20}, []int64{50, 10, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := funnel.NewTable(f, c, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range t.Stages[1:] {
		fmt.Printf("%-9s naive %v  resolved %v  lost %d\n", s.Stage, s.Step, s.Resolved, s.Lost)
	}
	fmt.Printf("overall %v\n", t.Overall)
	// Output:
	// qualified naive 60/200 (30.0%)  resolved 60/150 (40.0%)  lost 90
	// won       naive 20/60 (33.3%)  resolved 20/50 (40.0%)  lost 30
	// overall 20/200 (10.0%)
}

// Money per stage at an average deal value, and the gap to a benchmark
// funnel given as step rates: 20 more qualified leads and 4 more
// proposals at the benchmark's rates.
func ExampleNewTable_benchmark() {
	f := funnel.MustNew("lead", "qualified", "meeting", "proposal", "won")
	c, err := funnel.FromReached(f, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := funnel.NewTable(f, c, &funnel.TableOptions{
		Value:          decimal.NewNullDecimal(decimal.RequireFromString("12500")),
		BenchmarkRates: []float64{0.5, 0.5, 0.4, 0.5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range t.Stages {
		fmt.Printf("%-9s %12s", s.Stage, s.Money.Decimal.StringFixed(2))
		if s.Gap != nil {
			fmt.Printf("  %+5.1f points  %+3.0f deals", 100*s.Gap.Points.Float64, s.Gap.Shortfall.Float64)
		}
		fmt.Println()
	}
	// Output:
	// lead        2500000.00
	// qualified   1000000.00  -10.0 points  +20 deals
	// meeting      500000.00   +0.0 points   +0 deals
	// proposal     150000.00  -10.0 points   +4 deals
	// won           75000.00   +0.0 points   +0 deals
}

func ExampleRate_Wilson() {
	for _, r := range []funnel.Rate{{K: 6, N: 20}, {K: 0, N: 10}, {K: 3, N: 3}} {
		iv, err := r.Wilson(0.95)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-13v %.6f to %.6f\n", r, iv.Lo, iv.Hi)
	}
	// Output:
	// 6/20 (30.0%)  0.145477 to 0.518973
	// 0/10 (0.0%)   0.000000 to 0.277533
	// 3/3 (100.0%)  0.438503 to 1.000000
}

func ExampleRate_Jeffreys() {
	for _, r := range []funnel.Rate{{K: 6, N: 20}, {K: 0, N: 10}, {K: 3, N: 3}} {
		iv, err := r.Jeffreys(0.95)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-13v %.6f to %.6f\n", r, iv.Lo, iv.Hi)
	}
	// Output:
	// 6/20 (30.0%)  0.136116 to 0.517228
	// 0/10 (0.0%)   0.000000 to 0.217196
	// 3/3 (100.0%)  0.464417 to 1.000000
}

// A rep with 3 won of 3 leads the team on raw win rate, but three deals
// say little: shrunk towards the team, the rep with 45 of 60 ranks first.
func ExampleShrink() {
	reps := []string{"Avery", "Blake", "Casey", "Drew", "Emery"}
	rates := []funnel.Rate{{K: 3, N: 3}, {K: 45, N: 60}, {K: 20, N: 50}, {K: 30, N: 70}, {K: 10, N: 40}}
	s, err := funnel.Shrink(rates)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := s.Prior
	fmt.Printf("prior Beta(%.2f, %.2f): mean %.3f, worth %.1f deals (%v)\n", p.Alpha, p.Beta, p.Mean, p.Strength, p.Reason)
	for _, i := range s.Ranking() {
		r := s.Rates[i]
		fmt.Printf("%-6s %2d/%-2d raw %.3f  shrunk %.3f\n", reps[i], r.Rate.K, r.Rate.N, r.Rate.Value(), r.Value)
	}
	// Output:
	// prior Beta(2.40, 2.56): mean 0.484, worth 5.0 deals (moments)
	// Blake  45/60 raw 0.750  shrunk 0.730
	// Avery   3/3  raw 1.000  shrunk 0.679
	// Drew   30/70 raw 0.429  shrunk 0.432
	// Casey  20/50 raw 0.400  shrunk 0.408
	// Emery  10/40 raw 0.250  shrunk 0.276
}

// Ten won deals at these step rates need 335 leads: the whole numbers round
// up at each step back, so the funnel run forward still reaches ten.
func ExampleFunnel_Reverse() {
	f := funnel.MustNew("lead", "qualified", "meeting", "proposal", "won")
	r, err := f.Reverse("won", 10, []float64{0.4, 0.5, 0.3, 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range r.Volumes {
		fmt.Printf("%-9s %7.2f %4d\n", v.Stage, v.Exact, v.Whole)
	}
	// Output:
	// lead       333.33  335
	// qualified  133.33  134
	// meeting     66.67   67
	// proposal    20.00   20
	// won         10.00   10
}

// Step rates measured from counts feed the reverse funnel directly.
func ExampleTable_Rates() {
	f := funnel.MustNew("lead", "qualified", "meeting", "proposal", "won")
	c, err := funnel.FromReached(f, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := funnel.NewTable(f, c, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := f.Reverse("proposal", 30, t.Rates())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range r.Volumes {
		fmt.Printf("%s %d\n", v.Stage, v.Whole)
	}
	// Output:
	// lead 500
	// qualified 200
	// meeting 100
	// proposal 30
}

// A job seeker with six live initiatives and a 30-day cycle hears back
// (an offer or a no) about every five days.
func ExampleDaysPerResolution() {
	every, err := funnel.DaysPerResolution(6, 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	perDay, err := funnel.ArrivalsPerDay(6, 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	// To keep six live, start a new one as often as one resolves.
	live, err := funnel.LiveDeals(perDay, 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("one resolves every %.0f days (%.1f a day); %.1f a day keeps %.0f live\n", every, perDay, perDay, live)
	// Output:
	// one resolves every 5 days (0.2 a day); 0.2 a day keeps 6 live
}

// A 30-day cycle is too slow: what is the cycle if 6 live initiatives
// should bring an answer every 3 days (a third of one a day)?
func ExampleDaysOpen() {
	days, err := funnel.DaysOpen(6, 1.0/3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f days\n", days)
	// Output:
	// 18 days
}

// Each new customer refers 0.2 more on average: 100 a month from other
// sources become 125 at the top of the funnel.
func ExampleReferralVolume() {
	top, err := funnel.ReferralVolume(100, 0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f\n", top)
	_, err = funnel.ReferralVolume(100, 1)
	fmt.Println(err)
	// Output:
	// 125
	// funnel: r = 1: value out of range: must be in [0, 1)
}
