package pipeline

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// FuzzHealth: any seed, date and thresholds give either a sentinel error
// (a threshold <= 0) or a report with finite figures whose counts agree
// with its deals.
func FuzzHealth(f *testing.F) {
	f.Add(uint64(1), int16(60), 14, 7)
	f.Add(uint64(2), int16(50), 1, 1)
	f.Add(uint64(3), int16(-5), 0, 7)
	f.Add(uint64(4), int16(200), 30, -1)
	f.Fuzz(func(t *testing.T, seed uint64, at int16, stalled, untouched int) {
		r := rand.New(rand.NewPCG(seed, 3))
		deals := randomDeals(r, 1+r.IntN(30))
		for i := range deals {
			for range r.IntN(4) {
				deals[i].Activities = append(deals[i].Activities, funnel.Activity{Kind: "call", At: day(r.IntN(120))})
			}
		}
		h, err := Health(testFunnel, deals, day(int(at)), Thresholds{StalledDays: stalled, UntouchedDays: untouched})
		if err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		var s, u, p, m int
		for _, d := range h.Deals {
			for _, v := range []float64{d.AgeDays, d.DaysInStage, d.DaysSinceTouch.Float64, d.MeanDaysBetweenTouches.Float64, d.DaysPastDue.Float64} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("deal %s: figure %v out of range: %+v", d.ID, v, d)
				}
			}
			if d.DaysInStage > d.AgeDays {
				t.Fatalf("deal %s: %v days in stage > age %v", d.ID, d.DaysInStage, d.AgeDays)
			}
			s, u, p, m = s+b2i(d.Stalled), u+b2i(d.Untouched), p+b2i(d.PastDue), m+b2i(d.MovedBack)
		}
		if s != h.Stalled || u != h.Untouched || p != h.PastDue || m != h.MovedBack || h.Pipeline.Deals != len(h.Deals) ||
			h.Pipeline.Priced+h.Pipeline.Unpriced != h.Pipeline.Deals {
			t.Fatalf("counts disagree with the deals: %+v", h)
		}
	})
}

// FuzzLiveByDay: any seed and range give either a sentinel error or one
// count per day, each at most the number of deals, with a finite mean.
func FuzzLiveByDay(f *testing.F) {
	f.Add(uint64(1), int16(53), int16(58), int16(0))
	f.Add(uint64(2), int16(5), int16(5), int16(0))
	f.Add(uint64(3), int16(9), int16(1), int16(0))
	f.Add(uint64(4), int16(-10), int16(200), int16(13))
	f.Fuzz(func(t *testing.T, seed uint64, a, b, hours int16) {
		r := rand.New(rand.NewPCG(seed, 5))
		deals := randomDeals(r, r.IntN(30))
		from := day(int(a))
		to := day(int(b)).Add(time.Duration(hours%24) * time.Hour)
		live, err := LiveByDay(testFunnel, deals, from, to)
		if err != nil {
			if !errors.Is(err, funnel.ErrDateOrder) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if len(live.Days) == 0 || math.IsNaN(live.Mean) || live.Mean < 0 || live.Mean > float64(len(deals)) {
			t.Fatalf("bad result: %+v", live)
		}
		for _, d := range live.Days {
			if d.Live < 0 || d.Live > len(deals) || d.Live > live.Peak {
				t.Fatalf("day %v: %d live of %d deals, peak %d", d.Day, d.Live, len(deals), live.Peak)
			}
		}
	})
}
