package domino

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// BenchmarkTornado10 is a tornado over 10 levers: the top, eight rates and
// the ASP.
func BenchmarkTornado10(b *testing.B) {
	c := Chain{Top: 5000, ASP: decimal.NewFromInt(12000)}
	for k := range 8 {
		c.Stages = append(c.Stages, Stage{Name: "s" + string(rune('a'+k)), Rate: 0.3 + 0.05*float64(k)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TornadoOf(c, Relative, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}

// benchChain is the recruiting chain of issue 12 with a 30-day cycle:
// the top, five rates, the ASP and the cycle, eight levers.
func benchChain() Chain {
	c := recruiting()
	c.Cycle = funnel.Some(30)
	return c
}

// BenchmarkFactor is the revenue factor of +10% on one lever of each kind,
// without building the changed chain, as package velocity's
// sensitivities call it.
func BenchmarkFactor(b *testing.B) {
	c := benchChain()
	for _, tc := range []struct {
		name  string
		lever int
	}{
		{"top", LeverTop},
		{"rate", c.RateLever(2)},
		{"asp", c.ASPLever()},
		{"cycle", c.CycleLever()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			g := Gain{Lever: tc.lever, Kind: Relative, By: 0.1}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, ok := Factor(c, g); !ok {
					b.Fatal("no factor")
				}
			}
		})
	}
}

// BenchmarkApply is three gains on the recruiting chain: +10% on a rate,
// $1,000 on the ASP and a cycle three days shorter.
func BenchmarkApply(b *testing.B) {
	c := benchChain()
	gains := []Gain{
		{Lever: c.RateLever(1), Kind: Relative, By: 0.1},
		{Lever: c.ASPLever(), Kind: Points, By: 1000},
		{Lever: c.CycleLever(), Kind: Points, By: 3},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(c, gains); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUniform is +10% on every lever of the recruiting chain.
func BenchmarkUniform(b *testing.B) {
	c := benchChain()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Uniform(c, nil, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInverse is the uniform gain for +25% revenue over every lever
// of the recruiting chain (a divisor among them: bisection to adjacent
// floats) and over its five rates alone (capped at 1).
func BenchmarkInverse(b *testing.B) {
	c := benchChain()
	for _, tc := range []struct {
		name   string
		levers []int
	}{
		{"all", nil},
		{"rates", []int{1, 2, 3, 4, 5}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Inverse(c, tc.levers, 0.25); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFactorAllocatesNothing keeps Factor free of allocation on every
// lever of a chain with a cycle, its stages named or not, for each kind
// of gain, except Points and Value on the ASP, whose factor is the new
// decimal ASP over the old. Each call is made once first to check that
// it succeeds, so the count is not that of a failing one.
func TestFactorAllocatesNothing(t *testing.T) {
	named := benchChain()
	unnamed := benchChain()
	unnamed.TopName = ""
	unnamed.Stages = slices.Clone(unnamed.Stages)
	for k := range unnamed.Stages {
		unnamed.Stages[k].Name = ""
	}
	for _, cc := range []struct {
		name string
		c    Chain
	}{{"named", named}, {"unnamed", unnamed}} {
		c := cc.c
		for l := range c.NumLevers() {
			for _, g := range []Gain{
				{Lever: l, Kind: Relative, By: 0.1},
				{Lever: l, Kind: Relative, By: -0.1},
				{Lever: l, Kind: Points, By: 0.05},
				{Lever: l, Kind: Value, By: 0.5},
			} {
				if l == c.ASPLever() && g.Kind != Relative {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%s/%g", cc.name, c.LeverName(l), g.Kind, g.By), func(t *testing.T) {
					if _, _, ok := Factor(c, g); !ok {
						t.Fatal("no factor: the count would be that of a failing call")
					}
					if n := testing.AllocsPerRun(100, func() { Factor(c, g) }); n != 0 {
						t.Errorf("Factor allocates %v times per call, want 0", n)
					}
				})
			}
		}
	}
}

// TestFactorStackChainAllocatesNothing keeps Factor from moving a chain
// built for the call to the heap, as package velocity builds one per lever
// (the opportunities, one rate, the ASP and the cycle): checking the chain
// must not let its stages escape.
func TestFactorStackChainAllocatesNothing(t *testing.T) {
	asp := decimal.NewFromInt(12000)
	call := func() bool {
		c := Chain{Top: 40, Stages: []Stage{{Rate: 0.25}}, ASP: asp, Cycle: funnel.Some(30)}
		_, _, ok := Factor(c, Gain{Lever: c.RateLever(0), Kind: Relative, By: 0.1})
		return ok
	}
	if !call() {
		t.Fatal("no factor: the count would be that of a failing call")
	}
	if n := testing.AllocsPerRun(100, func() { call() }); n != 0 {
		t.Errorf("Factor on a chain built for the call allocates %v times per call, want 0", n)
	}
}

// TestFactorASPAllocatesNothing keeps Factor free of allocation for a
// relative gain on ASPs written in several ways: a whole number, a
// coefficient of 30 digits (beyond an int64) and a positive exponent.
func TestFactorASPAllocatesNothing(t *testing.T) {
	for _, asp := range []decimal.Decimal{
		decimal.NewFromInt(20000),
		decimal.RequireFromString("123456789012.345678901234567890"),
		decimal.New(12, 3),
	} {
		t.Run(asp.String(), func(t *testing.T) {
			c := benchChain()
			c.ASP = asp
			g := Gain{Lever: c.ASPLever(), Kind: Relative, By: 0.1}
			if _, _, ok := Factor(c, g); !ok {
				t.Fatal("no factor: the count would be that of a failing call")
			}
			if n := testing.AllocsPerRun(100, func() { Factor(c, g) }); n != 0 {
				t.Errorf("Factor allocates %v times per call, want 0", n)
			}
		})
	}
}

// TestFactorMatchesApply checks Factor, which for a relative gain on the
// ASP does not build the new ASP, against the second method: the Effect
// that Apply reports for the same gain, and whether Apply succeeds at all.
// The ASPs run from a cent to the bounds of money (an amount is below
// 10^36), so that both the short path and the general one are taken, and
// the gains from −100% to 10^20 − 1.
func TestFactorMatchesApply(t *testing.T) {
	for _, asp := range []decimal.Decimal{
		decimal.New(1, -2),                   // a cent
		decimal.NewFromInt(20000),            // the recruiting ASP
		decimal.New(123456789, -18),          // 18 places
		decimal.New(99999999999999999, 3),    // just below 10^20: the short path
		decimal.New(1, 20),                   // 10^20: the general path
		decimal.New(5, 34),                   // 5 × 10^34
		decimal.RequireFromString("9e35"),    // 9 × 10^35, the largest digit below 10^36
		decimal.New(0, 0),                    // zero
		decimal.New(12, 3),                   // 12,000 with a positive exponent
		decimal.RequireFromString("1.5e-17"), // 17 places
	} {
		c := benchChain()
		c.ASP = asp
		if err := c.Validate(); err != nil {
			t.Fatalf("ASP %s: %v", asp, err)
		}
		for _, x := range []float64{-1, -0.5, -0.1, 0, 0.1, 1, 9, 99, 1e14 - 1, 1e15 - 1, 1e15, 1e16, 1e20 - 1, math.NaN(), math.Inf(1), -1.5} {
			g := Gain{Lever: c.ASPLever(), Kind: Relative, By: x}
			f, capped, ok := Factor(c, g)
			o, err := Apply(c, []Gain{g})
			if ok != (err == nil) {
				t.Errorf("ASP %s, gain %g: Factor ok = %v, Apply error = %v", asp, x, ok, err)
				continue
			}
			if err != nil {
				continue
			}
			e := o.Effects[0]
			if !e.Factor.Valid || f != e.Factor.Float64 || capped != e.Capped {
				t.Errorf("ASP %s, gain %g: Factor = %v, %v; Apply's effect = %v, %v", asp, x, f, capped, e.Factor, e.Capped)
			}
		}
	}
}

// TestMultiplierAllocatesNothing keeps Inverse's revenue factor M(g), which
// its bisection evaluates up to 200 times, free of allocation.
func TestMultiplierAllocatesNothing(t *testing.T) {
	c := benchChain()
	levers := []int{0, 1, 2, 3, 4, 5, 6, 7}
	if m := multiplier(c, levers, 0.05); !(m > 1) {
		t.Fatalf("M(0.05) = %v, want above 1", m)
	}
	if n := testing.AllocsPerRun(100, func() { multiplier(c, levers, 0.05) }); n != 0 {
		t.Errorf("multiplier allocates %v times per call, want 0", n)
	}
}

// FuzzFactor checks Factor against Apply on fuzzed chains and gains (the
// ASP as a coefficient and an exponent, so that it runs from far below a
// cent to the bounds of money): Factor succeeds exactly when Apply does
// and the factor is defined, and then equals Apply's Effect.Factor and
// Capped, and is finite. It lives beside the benchmarks because it guards
// Factor's allocation-free path for a relative gain on the ASP. Seeds from
// TestFactorMatchesApply.
func FuzzFactor(f *testing.F) {
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(20000), int32(0), 30.0, 4, int8(0), 0.1)
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(99999999999999999), int32(3), 30.0, 4, int8(0), 1e15-1)
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(9), int32(35), 0.0, 4, int8(0), 0.1)
	f.Add(1000.0, 0.3, 0.5, 0.25, int64(1), int32(20), 0.0, 4, int8(0), 1e16)
	f.Add(100.0, 0.95, 0.5, 1.0, int64(10), int32(0), 30.0, 1, int8(0), 0.1)
	f.Add(100.0, 0.95, 0.5, 1.0, int64(10), int32(-2), 30.0, 5, int8(1), 3.0)
	f.Add(100.0, 0.95, 0.5, 1.0, int64(0), int32(0), 0.0, 4, int8(0), -1.0)
	f.Add(100.0, 0.95, 0.5, 1.0, int64(15), int32(-18), 0.0, 4, int8(2), 2.5)
	f.Fuzz(func(t *testing.T, top, r1, r2, r3 float64, coef int64, exp int32, cycle float64, lever int, kind int8, by float64) {
		if exp < -40 || exp > 40 {
			return // far past the bounds of money either way
		}
		c := fuzzChain(top, r1, r2, r3, 0, cycle)
		c.ASP = decimal.New(coef, exp)
		g := Gain{Lever: lever, Kind: GainKind(kind), By: by}
		factor, capped, ok := Factor(c, g)
		o, err := Apply(c, []Gain{g})
		want := err == nil && o.Effects[0].Factor.Valid
		if ok != want {
			t.Fatalf("Factor(%+v) ok = %v; Apply: %v", g, ok, err)
		}
		if !ok {
			return
		}
		chainNoNaN(t, "factor", factor)
		if e := o.Effects[0]; factor != e.Factor.Float64 || capped != e.Capped {
			t.Fatalf("Factor(%+v) = %v, %v; Apply's effect = %v, %v", g, factor, capped, e.Factor.Float64, e.Capped)
		}
	})
}
