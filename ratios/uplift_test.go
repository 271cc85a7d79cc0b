package ratios_test

import (
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// bmLever is the part of a Lever a hand-worked case checks.
type bmLever struct {
	Stage     string
	Benchmark float64
	Extra     []float64 // extra deals, stage j to the last
	Won       float64
	Bookings  string // cents, "" for null
}

func bmLevers(ls []ratios.Lever) []bmLever {
	out := make([]bmLever, len(ls))
	for i, l := range ls {
		out[i] = bmLever{Stage: l.Stage, Benchmark: l.Benchmark, Won: l.ExtraWon.Float64}
		for _, x := range l.ExtraDeals {
			out[i].Extra = append(out[i].Extra, x.Float64)
		}
		if l.ExtraBookings.Valid {
			out[i].Bookings = l.ExtraBookings.Decimal.StringFixed(2)
		}
	}
	return out
}

func TestLeversFourReps(t *testing.T) {
	// The role models are ann into Meeting (0.60), bob into Proposal
	// (0.70) and cat into Won (10/16 = 0.625); a won deal is worth 1000.
	// extra_j = N × (b − K/N), carried to Won at the rep's own later
	// rates; bookings = extra won × 1000. Ranked by bookings.
	want := map[string][]bmLever{
		// ann 100 > 60 > 30 > 12: at 0.60 into Meeting she is the role
		// model. Into Won 30 × 0.625 − 12 = 18.75 − 12 = 6.75 won, 6750.00.
		// Into Proposal 60 × 0.7 − 30 = 12 proposals, × 12/30 = 4.8 won,
		// 4800.00.
		"ann": {
			{"Won", 0.625, []float64{6.75}, 6.75, "6750.00"},
			{"Proposal", 0.7, []float64{12, 4.8}, 4.8, "4800.00"},
		},
		// bob 100 > 40 > 28 > 10: into Won 28 × 0.625 − 10 = 7.5 won,
		// 7500.00; into Meeting 100 × 0.6 − 40 = 20 meetings, × 28/40 = 14
		// proposals, × 10/28 = 5 won, 5000.00; he is the role model into
		// Proposal.
		"bob": {
			{"Won", 0.625, []float64{7.5}, 7.5, "7500.00"},
			{"Meeting", 0.6, []float64{20, 14, 5}, 5, "5000.00"},
		},
		// cat 80 > 40 > 16 > 10: into Proposal 40 × 0.7 − 16 = 12
		// proposals, × 10/16 = 7.5 won, 7500.00; into Meeting 80 × 0.6 − 40
		// = 8 meetings, × 16/40 = 3.2 proposals, × 10/16 = 2 won, 2000.00;
		// she is the role model into Won.
		"cat": {
			{"Proposal", 0.7, []float64{12, 7.5}, 7.5, "7500.00"},
			{"Meeting", 0.6, []float64{8, 3.2, 2}, 2, "2000.00"},
		},
		// dan 50 > 30 > 15 > 6: 30/50 = 0.60 into Meeting is the role
		// model's rate, no lever. Into Won 15 × 0.625 − 6 = 3.375 won,
		// 3375.00; into Proposal 30 × 0.7 − 15 = 6 proposals, × 6/15 = 2.4
		// won, 2400.00.
		"dan": {
			{"Won", 0.625, []float64{3.375}, 3.375, "3375.00"},
			{"Proposal", 0.7, []float64{6, 2.4}, 2.4, "2400.00"},
		},
	}
	r, err := ratios.Benchmark(bmFour, bmFourReps(t), &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.NewFromInt(1000))})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]bmLever{}
	for _, rr := range r.Reps {
		got[rr.Name] = bmLevers(rr.Levers)
	}
	if diff := cmp.Diff(want, got, bmApprox); diff != "" {
		t.Errorf("levers mismatch (-want +got):\n%s", diff)
	}
	// Each lever's first extra is the core's gap shortfall on that row.
	for _, rr := range r.Reps {
		for _, l := range rr.Levers {
			if g := rr.Table.Stages[l.Index].Gap; g == nil || g.Shortfall.Float64 != l.ExtraDeals[0].Float64 {
				t.Errorf("%s into %s: extra %v, row gap %+v", rr.Name, l.Stage, l.ExtraDeals[0], g)
			}
		}
	}
}

func TestLeversRankByWonWithoutValue(t *testing.T) {
	// Without amounts and a won value the levers rank by extra won: ann's
	// 6.75 into Won before her 4.8 into Proposal (as above), with null
	// bookings.
	r, err := ratios.Benchmark(bmFour, bmFourReps(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []bmLever{{"Won", 0.625, []float64{6.75}, 6.75, ""}, {"Proposal", 0.7, []float64{12, 4.8}, 4.8, ""}}
	if diff := cmp.Diff(want, bmLevers(r.Reps[0].Levers), bmApprox); diff != "" {
		t.Errorf("ann's levers mismatch (-want +got):\n%s", diff)
	}
}

func TestLeversUnknownLaterRate(t *testing.T) {
	// gus reached Meeting with 20 of 50 leads but all 20 are still open
	// at Meeting: he has no resolved step into Won, so matching the role
	// model into Meeting (hal, 30 of 50 = 0.6) gives 50 × 0.6 − 20 = 10
	// more meetings and an unknown number of wins, null not zero.
	f := funnel.MustNew("Lead", "Meeting", "Won")
	reps := []funnel.Counts{
		bmCounts(t, f, "gus", []int64{50, 20, 0}, []int64{0, 20, 0}),
		bmCounts(t, f, "hal", []int64{50, 30, 10}, nil),
	}
	r, err := ratios.Benchmark(f, reps, &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.NewFromInt(500))})
	if err != nil {
		t.Fatal(err)
	}
	l := r.Reps[0].Levers
	if len(l) != 1 {
		t.Fatalf("gus's levers: %+v, want one into Meeting", l)
	}
	want := []funnel.NullFloat64{funnel.Some(10), {}}
	if diff := cmp.Diff(want, l[0].ExtraDeals, bmApprox); diff != "" {
		t.Errorf("extra deals mismatch (-want +got):\n%s", diff)
	}
	if l[0].ExtraWon.Valid || l[0].ExtraBookings.Valid {
		t.Errorf("extra won %v bookings %v, want null", l[0].ExtraWon, l[0].ExtraBookings)
	}
}

func TestLeversAvgWonDefault(t *testing.T) {
	// Deals with amounts: ann wins 5 of 10 leads at 100 each, bob 2 of 10
	// at 300 each. The team's average won amount is (500 + 600)/7 =
	// 157.142857142857142857…, which funnel.Counts.AvgWon keeps to 20
	// significant digits: 157.14285714285714286. The role model is ann at
	// 0.5 (MinTrials 1); bob's lever: 10 × 0.5 − 2 = 3 won, 3 ×
	// 157.14285714285714286 = 471.42857142857142858, 471.43 to the cent.
	f := funnel.MustNew("Lead", "Won")
	tally := funnel.NewTally(f, funnel.AttrOwner)
	closed := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(owner string, won, lost int, amount int64) {
		for i := range won + lost {
			d := funnel.Deal{ID: owner + string(rune('a'+i)), Owner: owner, Closed: closed}
			if i < won {
				d.Outcome, d.Amount = funnel.Won, decimal.NewNullDecimal(decimal.NewFromInt(amount))
				d.Events = []funnel.Event{{Stage: 0}, {Stage: 1, At: closed}}
			} else {
				d.Outcome, d.Events = funnel.Lost, []funnel.Event{{Stage: 0}}
			}
			if err := tally.Add(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("ann", 5, 5, 100)
	add("bob", 2, 8, 300)
	r, err := ratios.Benchmark(f, tally.Groups(), &ratios.Options{MinTrials: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.WonValue.Decimal.String(), "157.14285714285714286"; !r.WonValue.Valid || got != want {
		t.Errorf("won value %v, want %s", r.WonValue, want)
	}
	want := []bmLever{{"Won", 0.5, []float64{3}, 3, "471.43"}}
	if diff := cmp.Diff(want, bmLevers(r.Reps[1].Levers), bmApprox); diff != "" {
		t.Errorf("bob's levers mismatch (-want +got):\n%s", diff)
	}
	// A stated value wins over the average: 3 × 250 = 750.00.
	r, err = ratios.Benchmark(f, tally.Groups(), &ratios.Options{MinTrials: 1, WonValue: decimal.NewNullDecimal(decimal.NewFromInt(250))})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Reps[1].Levers[0].ExtraBookings.Decimal.StringFixed(2); got != "750.00" {
		t.Errorf("bookings at 250 a deal: %s, want 750.00", got)
	}
}
