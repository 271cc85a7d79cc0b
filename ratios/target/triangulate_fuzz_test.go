package target_test

import (
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/shopspring/decimal"
)

// FuzzTriangulate checks, for any numbers: no panic; an error is a
// *funnel.InputError; a result has no NaN or infinity, every method's
// target is >= 0 with its whole count its ceiling, every method is either
// estimated or omitted, Low and High are the least and the most of the
// estimates and Low <= Pick <= High. Money is fuzzed in cents; mask
// selects which optional inputs are given (bit i for the i-th of ASP,
// activities per won, per lost, win rate, bookings per activity, best
// bookings, best rates).
func FuzzTriangulate(f *testing.F) {
	// The table cases: issue 11, the role-model funnel, win rate 1 and 0.3,
	// and bad input (zero ASP, win rate 0, quota below zero, aggressiveness
	// outside [0, 1], NaN, weeks <= 0).
	f.Add(int64(30000000), int64(2500000), int64(250000), int64(300000), 4.0, 2.0, 0.25, 13.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(30000000), int64(2500000), int64(0), int64(0), 0.0, 0.0, 0.0, 13.0, 0.0, 0.5, 0.4, uint8(0x41))
	f.Add(int64(30000000), int64(2500000), int64(0), int64(0), 4.0, 2.0, 1.0, 13.0, 1.0, 0.5, 0.4, uint8(0x0f))
	f.Add(int64(10000000), int64(3000000), int64(0), int64(0), 3.0, 1.0, 0.3, 4.0, 0.0, 0.5, 0.4, uint8(0x0f))
	f.Add(int64(30000000), int64(0), int64(250000), int64(300000), 4.0, 2.0, 0.25, 13.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(30000000), int64(2500000), int64(250000), int64(300000), 4.0, 2.0, 0.0, 13.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(-30000000), int64(2500000), int64(250000), int64(300000), 4.0, 2.0, 0.25, 13.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(30000000), int64(2500000), int64(250000), int64(300000), 4.0, 2.0, 0.25, 13.0, 1.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(30000000), int64(2500000), int64(250000), int64(300000), math.NaN(), 2.0, 0.25, 13.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Add(int64(30000000), int64(2500000), int64(250000), int64(300000), 4.0, 2.0, 0.25, 0.0, 0.5, 0.5, 0.4, uint8(0x3f))
	f.Fuzz(func(t *testing.T, quota, asp, bpa, best int64, apw, apl, wr, weeks, agg, r0, r1 float64, mask uint8) {
		cents := func(c int64) decimal.Decimal { return decimal.New(c, -2) }
		nd := func(bit uint8, c int64) decimal.NullDecimal {
			return decimal.NullDecimal{Decimal: cents(c), Valid: mask&bit != 0}
		}
		nf := func(bit uint8, x float64) funnel.NullFloat64 {
			return funnel.NullFloat64{Float64: x, Valid: mask&bit != 0}
		}
		in := target.TriangulateInput{Quota: cents(quota), Weeks: weeks, Aggressiveness: agg,
			ASP: nd(1, asp), ActivitiesPerWon: nf(2, apw), ActivitiesPerLost: nf(4, apl), WinRate: nf(8, wr),
			BookingsPerActivity: nd(16, bpa), BestBookingsPerActivity: nd(32, best)}
		if mask&64 != 0 {
			in.BestRates = []float64{r0, r1}
		}
		tr, err := target.Triangulate(in)
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "target.Triangulate" {
				t.Fatalf("error %T %v is not a target.Triangulate *funnel.InputError", err, err)
			}
			return
		}
		if n := len(tr.Estimates) + len(tr.Omitted); n != target.NumMethods || len(tr.Estimates) == 0 {
			t.Fatalf("%d estimates + %d omitted", len(tr.Estimates), len(tr.Omitted))
		}
		check := func(what string, l target.Level) {
			for _, x := range []float64{l.Target, l.PerWeek} {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					t.Fatalf("%s: %v is not a finite count >= 0", what, l)
				}
			}
			// The ceiling, a count within 1e−9 (relative, at least
			// absolute) of a whole number being that number.
			if float64(l.Whole) < l.Target-1e-9*max(1, l.Target) || float64(l.Whole) >= l.Target+1 {
				t.Fatalf("%s: whole %d is not the ceiling of %v", what, l.Whole, l.Target)
			}
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, e := range tr.Estimates {
			check(e.Method.String(), e.Level)
			lo, hi = min(lo, e.Target), max(hi, e.Target)
		}
		check("low", tr.Low)
		check("high", tr.High)
		check("pick", tr.Pick)
		if tr.Low.Target != lo || tr.High.Target != hi {
			t.Fatalf("range %v to %v, estimates %v to %v", tr.Low.Target, tr.High.Target, lo, hi)
		}
		if !(tr.Low.Target <= tr.Pick.Target && tr.Pick.Target <= tr.High.Target) {
			t.Fatalf("pick %v outside [%v, %v]", tr.Pick.Target, tr.Low.Target, tr.High.Target)
		}
	})
}

// FuzzReverseThree checks, for any target, ASP and rates over a funnel of
// four stages: no panic; an error is the module's with Op
// "target.ReverseThree"; each way is left out with a reason or has one
// volume per stage, finite, >= 0, its whole count at least its exact one,
// the won stage's exact volume the won deals needed, and the whole
// volumes going forward at the same rates meeting the next stage's.
func FuzzReverseThree(f *testing.F) {
	f.Add(int64(30000000), int64(2500000), 0.5, 0.25, 0.4, 0.6, 0.5, 0.6)
	f.Add(int64(30000000), int64(2500000), 0.5, 0.0, 0.4, 0.6, math.NaN(), 0.6)
	f.Add(int64(30000000), int64(0), 0.5, 0.25, 0.4, 0.6, 0.5, 0.6)
	f.Add(int64(-1), int64(2500000), 0.5, 1.5, 0.4, 0.6, 0.5, 0.6)
	fn := funnel.MustNew("Lead", "Meeting", "Proposal", "Won")
	f.Fuzz(func(t *testing.T, tgt, asp int64, a0, a1, a2, b0, b1, b2 float64) {
		rates := target.ThreeRates{Rep: []float64{a0, a1, a2}, Benchmark: []float64{b0, b1, b2}}
		tw, err := target.ReverseThree(fn, decimal.New(tgt, -2), decimal.New(asp, -2), rates)
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "target.ReverseThree" {
				t.Fatalf("error %T %v is not a target.ReverseThree *funnel.InputError", err, err)
			}
			return
		}
		if math.IsNaN(tw.WonNeeded) || math.IsInf(tw.WonNeeded, 0) || tw.WonNeeded < 0 {
			t.Fatalf("won needed %v", tw.WonNeeded)
		}
		for _, w := range []target.Way{tw.Rep, tw.Team, tw.Benchmark} {
			if w.Reason != "" {
				if w.Volumes != nil {
					t.Fatalf("way left out (%s) with volumes", w.Reason)
				}
				continue
			}
			if len(w.Volumes) != fn.Len() || w.Volumes[fn.Last()].Exact != tw.WonNeeded {
				t.Fatalf("volumes %v for %v won", w.Volumes, tw.WonNeeded)
			}
			for i, v := range w.Volumes {
				if math.IsNaN(v.Exact) || math.IsInf(v.Exact, 0) || v.Exact < 0 || float64(v.Whole) < v.Exact-1e-9*max(1, v.Exact) {
					t.Fatalf("volume %v", v)
				}
				if i+1 < len(w.Volumes) && float64(v.Whole)*w.Rates[i] < float64(w.Volumes[i+1].Whole)*(1-1e-12) {
					t.Fatalf("%d × %v < %d", v.Whole, w.Rates[i], w.Volumes[i+1].Whole)
				}
			}
		}
	})
}
