package backtest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/shopspring/decimal"
)

// benchPath is the funnelmath bench's 1M-row stage history (see
// /work/shared/bench/README.md: go run gen.go -deals 323000 -seed 1), not
// shipped with the module.
const benchPath = "../../../shared/bench/data/events_1m.csv"

// benchFunnel is the bench's funnel; "Closed Lost" is a lost name.
var benchFunnel = funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")

// BenchmarkRun backtests the bench's 1M-row history (323,000 deals of
// 50 owners over two years) month by month, with a quota of 60,000 a
// month for every owner and the default 2,000 draws, and reports
// periods replayed per second. The file is read once, before the timer;
// the benchmark is skipped when it is absent.
func BenchmarkRun(b *testing.B) {
	fh, err := os.Open(benchPath)
	if errors.Is(err, fs.ErrNotExist) {
		b.Skipf("%s absent", benchPath)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	res, err := crm.Long{Funnel: benchFunnel}.ReadAll(context.Background(), fh)
	if err != nil {
		b.Fatal(err)
	}
	opts := backtest.Options{
		Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(60000), Valid: true},
		Until: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Seed:  1,
	}
	var periods int
	for b.Loop() {
		rp, err := backtest.Run(context.Background(), benchFunnel, funnel.Stream(res.Deals), opts)
		if err != nil {
			b.Fatal(err)
		}
		periods += len(rp.Periods)
	}
	b.ReportMetric(float64(periods)/b.Elapsed().Seconds(), "periods/s")
	b.ReportMetric(float64(len(res.Deals)), "deals")
}
