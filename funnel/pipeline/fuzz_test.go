package pipeline

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	idates "github.com/funnelmath/funnelmath/internal/dates"
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

// FuzzDecodeOptions: any document decodes to options whose amounts and
// dates the model holds and that encode and decode to themselves, or
// fails with a *funnel.InputError wrapping one of the decoders' sentinels;
// never a panic or another package's error.
func FuzzDecodeOptions(f *testing.F) {
	f.Add([]byte(`{"close_from":"2025-01-31T00:00:00Z","close_to":"2025-04-01T00:00:00Z","before":{"A":{"outcome":"lost","amount":"10.5","expected_close":"2025-02-10T00:00:00+02:00"}}}`))
	f.Add([]byte(`{"before":{"A":{"amount":1e9999}}}`))
	f.Add([]byte(`{"before":{"A":{"amount":"0.0000000000000000001"}}}`))
	f.Add([]byte(`{"before":{"B":{"expected_close":"0001-01-01T00:00:00+01:00"}}}`))
	f.Add([]byte(`{"before":{"A":{"outcome":"maybe"}}}`))
	f.Add([]byte(`{"before":[]}`))
	f.Add([]byte(`{"before":{"A":`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o WaterfallOptions
		err := o.UnmarshalJSON(b)
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "pipeline.WaterfallOptions" {
				t.Fatalf("error %T %v: want a *funnel.InputError with Op pipeline.WaterfallOptions", err, err)
			}
			if !errors.Is(err, funnel.ErrOutOfRange) && !errors.Is(err, funnel.ErrZeroDate) && !errors.Is(err, funnel.ErrNegativeAmount) {
				t.Fatalf("error %v wraps none of the decoders' sentinels", err)
			}
			return
		}
		dates := []time.Time{o.CloseFrom, o.CloseTo}
		for id, s := range o.Before {
			if s.Amount.Valid && funnel.AmountReason(s.Amount.Decimal) != nil {
				t.Fatalf("before[%q]: amount %s accepted", id, s.Amount.Decimal)
			}
			dates = append(dates, s.ExpectedClose)
		}
		for _, d := range dates {
			if !idates.Holdable(d) {
				t.Fatalf("date %s accepted", d)
			}
		}
		enc, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("decoded options do not encode: %v", err)
		}
		var back WaterfallOptions
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("%s does not decode: %v", enc, err)
		}
		if !back.CloseFrom.Equal(o.CloseFrom) || !back.CloseTo.Equal(o.CloseTo) || len(back.Before) != len(o.Before) {
			t.Fatalf("round trip: %+v became %+v", o, back)
		}
		for id, s := range o.Before {
			r := back.Before[id]
			if r.Outcome != s.Outcome || !r.ExpectedClose.Equal(s.ExpectedClose) || r.Amount.Valid != s.Amount.Valid || !r.Amount.Decimal.Equal(s.Amount.Decimal) {
				t.Fatalf("round trip of before[%q]: %+v became %+v", id, s, r)
			}
		}
	})
}
