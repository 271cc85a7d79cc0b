package ratios_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/shopspring/decimal"
)

// fourReps are the four reps of the worked case, from plain counts
// reached per stage.
func fourReps() (funnel.Funnel, []funnel.Counts) {
	f := funnel.MustNew("Lead", "Meeting", "Proposal", "Won")
	var reps []funnel.Counts
	for _, r := range []struct {
		name    string
		reached []int64
	}{
		{"ann", []int64{100, 60, 30, 12}},
		{"bob", []int64{100, 40, 28, 10}},
		{"cat", []int64{80, 40, 16, 10}},
		{"dan", []int64{50, 30, 15, 6}},
	} {
		c, err := funnel.FromReached(f, r.reached, nil)
		if err != nil {
			panic(err)
		}
		c.Key = []string{r.name}
		reps = append(reps, c)
	}
	return f, reps
}

// A role model per step rather than one superstar: ann converts leads to
// meetings best, bob meetings to proposals, cat proposals to wins. dan
// matches ann's 60% into Meeting on half the leads, and shrinkage gives
// the step to the larger sample. Into Won the team's prior is the
// no-spread fallback of strength 89 around 38/89, so cat's 10 of 16
// shrinks to (10 + 38)/(16 + 89) = 0.457.
func ExampleBenchmark() {
	f, reps := fourReps()
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rm := range r.RoleModels {
		fmt.Printf("%-8s -> %-8s %s %v (shrunk %.3f)\n", rm.From, rm.Stage, rm.Name, rm.Rate, rm.Score.Float64)
	}
	for _, rr := range r.Reps {
		fmt.Printf("%s:", rr.Name)
		for _, row := range rr.Table.Stages[1:] {
			fmt.Printf(" %+5.1f", 100*row.Gap.Points.Float64)
		}
		fmt.Println(" points behind the role models")
	}
	// Output:
	// Lead     -> Meeting  ann 60/100 (60.0%) (shrunk 0.578)
	// Meeting  -> Proposal bob 28/40 (70.0%) (shrunk 0.632)
	// Proposal -> Won      cat 10/16 (62.5%) (shrunk 0.457)
	// ann:  +0.0 -20.0 -22.5 points behind the role models
	// bob: -20.0  +0.0 -26.8 points behind the role models
	// cat: -10.0 -30.0  +0.0 points behind the role models
	// dan:  +0.0 -20.0 -22.5 points behind the role models
}

// Each rep sees the biggest lever first: what matching the role model at
// one step, and only there, would bring in won deals and bookings at
// $1,000 a deal. bob short 7.5 wins into Won (28 × 0.625 − 10) before
// the 20 meetings he is short at the top (100 × 0.6 − 40), which carry
// through his own 70% and 35.7% to 5 wins.
func ExampleBenchmark_levers() {
	f, reps := fourReps()
	r, err := ratios.Benchmark(f, reps, &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.NewFromInt(1000))})
	if err != nil {
		fmt.Println(err)
		return
	}
	bob := r.Reps[1]
	for _, l := range bob.Levers {
		fmt.Printf("into %-8s %v -> %s's %.3f: +%.1f there, +%.1f won, +$%s\n",
			l.Stage, l.Rate, l.RoleModel, l.Benchmark, l.ExtraDeals[0].Float64, l.ExtraWon.Float64, l.ExtraBookings.Decimal.StringFixed(2))
	}
	// Output:
	// into Won      10/28 (35.7%) -> cat's 0.625: +7.5 there, +7.5 won, +$7500.00
	// into Meeting  40/100 (40.0%) -> ann's 0.600: +20.0 there, +5.0 won, +$5000.00
}

// Signal or noise: each rep against the rest of the team, with the false
// discovery rate held at 10% across the whole grid (the p-values are R's
// prop.test, or fisher.test for eli, whose expected counts are below 5,
// and p.adjust(p, "BH")). ava books meetings far below the rest; ben and
// cal above it beyond noise; every gap into Won is noise, and eli's 12
// leads are too few to say anything.
func ExampleBenchmark_signal() {
	f := funnel.MustNew("Lead", "Meeting", "Won")
	var reps []funnel.Counts
	for _, r := range []struct {
		name    string
		reached []int64
	}{
		{"ava", []int64{400, 80, 20}}, {"ben", []int64{400, 160, 40}}, {"cal", []int64{400, 170, 45}},
		{"dee", []int64{400, 150, 40}}, {"eli", []int64{12, 6, 1}},
	} {
		c, err := funnel.FromReached(f, r.reached, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		c.Key = []string{r.name}
		reps = append(reps, c)
	}
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rr := range r.Reps {
		fmt.Printf("%s", rr.Name)
		for _, s := range rr.Steps {
			verdict := "noise"
			if s.Signal.Beyond {
				verdict = "BEYOND"
			}
			fmt.Printf("  %-7s %-6s %+.3f p=%.4f adj=%.4f", s.Stage, verdict, s.Signal.Difference.Diff.Float64, s.Signal.P.Float64, s.Signal.Adjusted.Float64)
		}
		fmt.Println()
	}
	fmt.Printf("%d of %d beyond noise at q = %.2f\n", r.Discoveries, r.Tests, r.FDR)
	// Output:
	// ava  Meeting BEYOND -0.201 p=0.0000 adj=0.0000  Won     noise  -0.009 p=0.8608 adj=0.9564
	// ben  Meeting BEYOND +0.065 p=0.0182 adj=0.0606  Won     noise  -0.011 p=0.7861 adj=0.9564
	// cal  Meeting BEYOND +0.098 p=0.0004 adj=0.0018  Won     noise  +0.010 p=0.8098 adj=0.9564
	// dee  Meeting noise  +0.032 p=0.2485 adj=0.6211  Won     noise  +0.012 p=0.7759 adj=0.9564
	// eli  Meeting noise  +0.150 p=0.3629 adj=0.7258  Won     noise  -0.092 p=1.0000 adj=1.0000
	// 3 of 10 beyond noise at q = 0.10
}

// Period over period: who moved, at which step, beyond noise. ava's
// meetings went from 60 to 100 of 200 leads (R: prop.test(c(100, 60),
// c(200, 200), correct=FALSE)$p.value = 4.4557e-05, 2.6734e-04 after
// p.adjust over the six cells; Newcombe's interval from the Wilson
// intervals of prop.test(100, 200) and prop.test(60, 200) is [0.104,
// 0.291]); ben's small changes and cal's ten leads this quarter are
// noise; old left and new joined.
func ExampleMovers() {
	f := funnel.MustNew("Lead", "Meeting", "Won")
	counts := func(name string, reached ...int64) funnel.Counts {
		c, _ := funnel.FromReached(f, reached, nil)
		c.Key = []string{name}
		return c
	}
	before := []funnel.Counts{counts("ava", 200, 60, 15), counts("ben", 200, 80, 20), counts("cal", 100, 30, 9), counts("old", 50, 10, 2)}
	after := []funnel.Counts{counts("ava", 200, 100, 25), counts("ben", 200, 78, 22), counts("cal", 10, 4, 1), counts("new", 40, 10, 3)}
	m, err := ratios.Movers(f, before, after, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range m.Reps {
		for _, s := range r.Steps {
			if s.Beyond {
				d := s.Difference
				fmt.Printf("%s into %s: %v -> %v, %+.2f [%.2f, %.2f], adjusted p %.5f\n", r.Name, s.Stage, d.B, d.A, d.Diff.Float64, d.Lo.Float64, d.Hi.Float64, s.Adjusted.Float64)
			}
		}
	}
	fmt.Println("only before:", m.OnlyBefore, "only after:", m.OnlyAfter)
	// Output:
	// ava into Meeting: 60/200 (30.0%) -> 100/200 (50.0%), +0.20 [0.10, 0.29], adjusted p 0.00027
	// only before: [old] only after: [new]
}
