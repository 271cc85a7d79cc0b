package velocity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

func BenchmarkVelocity(b *testing.B) {
	l := smb()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Velocity(); err != nil {
			b.Fatal(err)
		}
	}
}

// reportOps reports the calls per second of a benchmark whose loop made
// one call per iteration.
func reportOps(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

func BenchmarkBookings(b *testing.B) {
	l := smb()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Bookings(DaysQuarter); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSolve solves each lever of the SMB rep (40 opportunities, 25%,
// $12,000, 30 days: $4,000 a day) for $5,000 a day. Every lever, the
// float64 ones included, is solved in exact decimals (B and ASP are
// decimals; a solved opportunities or win rate is the float64 nearest the
// exact quotient), so each call allocates.
func BenchmarkSolve(b *testing.B) {
	for _, tc := range []struct {
		name  string
		lever Lever
	}{
		{"opportunities", LeverOpportunities},
		{"win_rate", LeverWinRate},
		{"asp", LeverASP},
		{"cycle", LeverCycle},
	} {
		b.Run(tc.name, func(b *testing.B) {
			l, t := smb(), PerDay(mustDec("5000"))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Solve(l, tc.lever, t); err != nil {
					b.Fatal(err)
				}
			}
			reportOps(b)
		})
	}
}

// BenchmarkMakeUp is the make-up question on the float64 levers (win rate
// −10% made up by opportunities, which allocates nothing) and on the ASP
// (a decimal, which does).
func BenchmarkMakeUp(b *testing.B) {
	for _, tc := range []struct {
		name          string
		moved, adjust Lever
	}{
		{"win_rate-opportunities", LeverWinRate, LeverOpportunities},
		{"win_rate-asp", LeverWinRate, LeverASP},
	} {
		b.Run(tc.name, func(b *testing.B) {
			l := smb()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := MakeUp(l, tc.moved, -0.1, tc.adjust); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecompose(b *testing.B) {
	from, to := smb(), ent()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decompose(from, to); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// BenchmarkGaps ranks the levers of the SMB rep against the enterprise
// levers over a quarter.
func BenchmarkGaps(b *testing.B) {
	rep, ref := smb(), ent()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Gaps(rep, ref, DaysQuarter); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSensitivities is the response of the SMB rep's quarter to ±5%
// and ±10% on each lever: 16 points.
func BenchmarkSensitivities(b *testing.B) {
	l, steps := smb(), []float64{0.05, 0.1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sensitivities(l, DaysQuarter, steps); err != nil {
			b.Fatal(err)
		}
	}
}

// benchForecast is 50 reps with 20 open deals each across four stages, and
// a trickle of new deals.
func benchForecast() ForecastInput {
	in := ForecastInput{
		Days:        45,
		StageWin:    []float64{0.1, 0.25, 0.5, 0.8, 1},
		TimeToClose: []time.Duration{20 * day, 35 * day, 50 * day, 60 * day, 90 * day, 120 * day},
		Draws:       10_000,
		Seed:        1,
	}
	for r := range 50 {
		rep := RepInput{Rep: fmt.Sprintf("rep%02d", r), Quota: mustDec("250000"), WonSoFar: mustDec("60000"),
			NewPerDay: 0.3, NewWinRate: 0.25, NewAmounts: []decimal.Decimal{mustDec("8000"), mustDec("12000"), mustDec("30000")}}
		for d := range 20 {
			rep.Open = append(rep.Open, OpenDeal{ID: fmt.Sprint(d), Stage: d % 4, Amount: decimal.NewFromInt(int64(5000 + 1000*d)), Age: time.Duration(d) * 3 * day})
		}
		in.Reps = append(in.Reps, rep)
	}
	return in
}

func BenchmarkForecast(b *testing.B) {
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			in := benchForecast()
			in.Workers = workers
			// Deal-draws: one per open deal per draw per rep (new deals, a
			// handful per draw, are extra work not counted).
			dealDraws := float64(len(in.Reps) * in.Draws * len(in.Reps[0].Open))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Forecast(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
			// Draws: one per rep per draw, the bookings of one possible
			// period of one rep.
			draws := float64(len(in.Reps) * in.Draws)
			b.ReportMetric(dealDraws*float64(b.N)/b.Elapsed().Seconds(), "deal-draws/s")
			b.ReportMetric(draws*float64(b.N)/b.Elapsed().Seconds(), "draws/s")
		})
	}
}

func BenchmarkMeasure(b *testing.B) {
	base := date("2024-01-01")
	deals := make([]funnel.Deal, 10_000)
	for i := range deals {
		created := base.Add(time.Duration(i%300) * day)
		d := funnel.Deal{ID: fmt.Sprint(i), Owner: fmt.Sprintf("rep%02d", i%40), Created: created,
			Amount: decimal.NewNullDecimal(decimal.NewFromInt(int64(1000 + i%97*100))),
			Events: []funnel.Event{{Stage: 0, At: created}}}
		switch i % 3 {
		case 0:
			d.Outcome, d.Closed = funnel.Won, created.Add(time.Duration(10+i%60)*day)
			d.Events = append(d.Events, funnel.Event{Stage: 1, At: d.Closed})
		case 1:
			d.Outcome, d.Closed = funnel.Lost, created.Add(time.Duration(5+i%40)*day)
		}
		deals[i] = d
	}
	from, to := date("2024-04-01"), date("2024-07-01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MeasureDeals(leadWon(), deals, from, to, Options{CycleStat: CycleMedian}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForecastDraw is the per-draw cost of the forecast: the inner
// loop of one rep of benchForecast (20 open deals, new deals at 0.3 a
// day), 1,024 draws per call, without the set-up or the summary. ns/draw
// is the cost of one draw of one rep's bookings.
func BenchmarkForecastDraw(b *testing.B) {
	plans, err := prepare(benchForecast())
	if err != nil {
		b.Fatal(err)
	}
	p := &plans[0]
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]int64, 1024)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.draw(ctx, rng, buf); err != nil {
			b.Fatal(err)
		}
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		n := float64(b.N) * float64(len(buf))
		b.ReportMetric(n/s, "draws/s")
		b.ReportMetric(s*1e9/n, "ns/draw")
	}
}

// TestLeverMathAllocatesNothing keeps the float64 part of the lever math
// free of allocation: checking levers, the make-up question between two
// float64 levers (opportunities, win rate, cycle), the logarithms that
// Decompose splits the gap by, the factor of a lever's change that
// Sensitivities reports as Improve, and Little's-law check. The ASP and every figure in money are
// decimals, which allocate (see the benchmarks). Each call is made once
// first to check that it succeeds, so the count is not that of an error
// path.
func TestLeverMathAllocatesNothing(t *testing.T) {
	l := smb()
	cases := []struct {
		name string
		call func() bool // reports success
	}{
		{"Levers.Validate", func() bool { return l.Validate() == nil }},
		{"Levers.CycleDays", func() bool { return l.CycleDays() == 30 }},
		{"logs", func() bool { return logs(l)[LeverOpportunities] > 0 }},
		{"Little", func() bool { _, err := Little(40, 1.5, 30*day); return err == nil }},
	}
	for lever := range Lever(NumLevers) {
		// The factor a change of the lever applies to V, through
		// domino.Factor on a chain built for the call.
		cases = append(cases, struct {
			name string
			call func() bool
		}{"factor/" + lever.String(), func() bool { f, _ := factor(l, lever, ImprovementStep, true); return f > 1 }})
	}
	floats := []Lever{LeverOpportunities, LeverWinRate, LeverCycle}
	for _, moved := range floats {
		for _, adjust := range floats {
			if moved == adjust {
				continue
			}
			cases = append(cases, struct {
				name string
				call func() bool
			}{"MakeUp/" + moved.String() + "-" + adjust.String(), func() bool {
				_, err := MakeUp(l, moved, -0.1, adjust)
				return err == nil
			}})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.call() {
				t.Fatal("the call fails: the count would be that of its error path")
			}
			if n := testing.AllocsPerRun(100, func() { tc.call() }); n != 0 {
				t.Errorf("%s allocates %v times per call, want 0", tc.name, n)
			}
		})
	}
}

// TestDrawAllocatesNothing checks the Monte Carlo inner loop: a rep with
// uncertain open deals and new deals draws without allocating.
func TestDrawAllocatesNothing(t *testing.T) {
	plans, err := prepare(benchForecast())
	if err != nil {
		t.Fatal(err)
	}
	p := &plans[0]
	if len(p.threshold) == 0 || p.cdf == nil {
		t.Fatalf("plan has %d uncertain deals and cdf %v: not exercising the loop", len(p.threshold), p.cdf != nil)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]int64, 100)
	ctx := context.Background()
	if n := testing.AllocsPerRun(20, func() { _ = p.draw(ctx, rng, buf) }); n != 0 {
		t.Errorf("draw allocates %v times per run, want 0", n)
	}
}
