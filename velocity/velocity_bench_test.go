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

func BenchmarkSolve(b *testing.B) {
	l, t := smb(), PerDay(mustDec("5000"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Solve(l, LeverOpportunities, t); err != nil {
			b.Fatal(err)
		}
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
			b.ReportMetric(dealDraws*float64(b.N)/b.Elapsed().Seconds(), "deal-draws/s")
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
