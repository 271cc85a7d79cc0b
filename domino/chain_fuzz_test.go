package domino

import (
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// fuzzChain builds a chain of up to three stages from fuzzed numbers.
func fuzzChain(top, r1, r2, r3 float64, asp int64, cycle float64) Chain {
	c := Chain{Top: top, Stages: []Stage{{"a", r1}, {"b", r2}, {"c", r3}}, ASP: decimal.NewFromInt(asp)}
	if cycle != 0 {
		c.Cycle = funnel.Some(cycle)
	}
	return c
}

func chainNoNaN(t *testing.T, what string, xs ...float64) {
	t.Helper()
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s: %v not finite", what, x)
		}
	}
}

// FuzzApply: no panic, no NaN or infinity, rates in [0, 1], counts never
// rise down the chain, and a capped rate is at 1 and reported.
func FuzzApply(f *testing.F) {
	// Seeds from the table cases: the recruiting chain, the capped rate, the
	// points on the cycle, the bad inputs.
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(20000), 0.0, 0, int8(0), 0.1, 3, int8(1), 0.05)
	f.Add(100.0, 0.95, 0.5, 1.0, int64(10), 30.0, 1, int8(0), 0.1, 4, int8(1), 3.0)
	f.Add(-1.0, 1.2, math.NaN(), 0.5, int64(-5), 0.0, 7, int8(9), math.NaN(), 1, int8(2), 1.5)
	f.Fuzz(func(t *testing.T, top, r1, r2, r3 float64, asp int64, cycle float64, l1 int, k1 int8, by1 float64, l2 int, k2 int8, by2 float64) {
		c := fuzzChain(top, r1, r2, r3, asp, cycle)
		o, err := Apply(c, []Gain{{l1, GainKind(k1), by1}, {l2, GainKind(k2), by2}})
		if err != nil {
			return
		}
		chainNoNaN(t, "counts", o.Counts...)
		chainNoNaN(t, "multiplier", o.Multiplier.Float64)
		for k, s := range o.Chain.Stages {
			if s.Rate < 0 || s.Rate > 1 {
				t.Fatalf("rate %d = %v", k, s.Rate)
			}
			if o.Counts[k+1] > o.Counts[k] {
				t.Fatalf("counts rise: %v", o.Counts)
			}
		}
		for _, e := range o.Capped {
			if e.Applied != 1 || e.Requested <= 1 {
				t.Fatalf("capped effect %+v", e)
			}
		}
	})
}

// FuzzUniformInverse: no panic, no NaN; the uniform outcome never falls
// when the gain rises, and an inverse that is reachable reaches its growth.
func FuzzUniformInverse(f *testing.F) {
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(20000), 0.0, 0.1, 0.25)
	f.Add(100.0, 0.95, 0.5, 0.8, int64(10), 30.0, 0.2, 2.0)
	f.Add(100.0, 0.0, 1.0, 0.5, int64(0), 1e-300, 0.99, 1e300)
	f.Fuzz(func(t *testing.T, top, r1, r2, r3 float64, asp int64, cycle, g, growth float64) {
		c := fuzzChain(top, r1, r2, r3, asp, cycle)
		rates := []int{1, 2, 3}
		lo, err := Uniform(c, rates, g)
		if err != nil {
			return
		}
		hi, err := Uniform(c, rates, g+0.01)
		if err == nil && hi.Counts[3] < lo.Counts[3] {
			t.Fatalf("output fell: %v after %v", hi.Counts[3], lo.Counts[3])
		}
		tg, err := Inverse(c, nil, growth)
		if err != nil {
			return
		}
		chainNoNaN(t, "inverse", tg.Gain, tg.ClosedForm.Float64, tg.BestGrowth.Float64)
		chainNoNaN(t, "plan", tg.Plan.Counts...)
		if tg.Reachable && tg.Plan.Multiplier.Valid && tg.Plan.Multiplier.Float64 < (1+growth)*(1-1e-12) {
			t.Fatalf("Inverse(%v) plan %v short of %v", growth, tg.Plan.Multiplier.Float64, 1+growth)
		}
		if _, err := TornadoOf(c, Relative, math.Abs(g)); err == nil {
			return
		}
	})
}
