package domino

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// recruiting is the chain of issue 12: 1,000 DMs, 30% to prequalification
// calls, 50% to qualification calls, 60% to profile marketing, 40% to
// interview requests, 25% to placements, at $20,000 a placement.
func recruiting() Chain {
	return Chain{TopName: "dms", Top: 1000, Stages: []Stage{
		{"prequal", 0.30}, {"qual", 0.50}, {"marketing", 0.60}, {"interview", 0.40}, {"placement", 0.25},
	}, ASP: decimal.NewFromInt(20000)}
}

// chainApprox compares floats to 1e-9 relative.
var chainApprox = cmpopts.EquateApprox(1e-9, 1e-12)

func chainDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestRecruitingChain(t *testing.T) {
	c := recruiting()
	// Hand: 1000 × 0.3 = 300, × 0.5 = 150, × 0.6 = 90, × 0.4 = 36,
	// × 0.25 = 9 placements; 9 × 20,000 = $180,000.
	if diff := cmp.Diff([]float64{1000, 300, 150, 90, 36, 9}, c.Counts(), chainApprox); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
	if r, err := c.Revenue(); err != nil || !r.Equal(chainDec("180000")) {
		t.Errorf("Revenue() = %s, %v; want 180000", r, err)
	}
	// +10% on the DMs and each of the five rates (levers 0..5, not the ASP):
	// 1100, × 0.33 = 363, × 0.55 = 199.65, × 0.66 = 131.769,
	// × 0.44 = 57.97836, × 0.275 = 15.944049 placements;
	// 15.944049 × 20,000 = $318,880.98; 1.1⁶ = 1.771561 (+77.16%).
	o, err := Uniform(c, []int{0, 1, 2, 3, 4, 5}, 0.10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{1100, 363, 199.65, 131.769, 57.97836, 15.944049}, o.Counts, chainApprox); diff != "" {
		t.Errorf("Uniform counts mismatch (-want +got):\n%s", diff)
	}
	if !o.Revenue.Equal(chainDec("318880.98")) || !o.Base.Equal(chainDec("180000")) {
		t.Errorf("Uniform revenue = %s base %s; want 318880.98, 180000", o.Revenue, o.Base)
	}
	if diff := cmp.Diff(funnel.Some(1.771561), o.Multiplier, chainApprox); diff != "" {
		t.Errorf("Uniform multiplier mismatch (-want +got):\n%s", diff)
	}
	if len(o.Capped) != 0 {
		t.Errorf("Uniform capped %v; want none", o.Capped)
	}
	// The rates of the plan: 0.33, 0.55, 0.66, 0.44, 0.275 (each × 1.1).
	var rates []float64
	for _, s := range o.Chain.Stages {
		rates = append(rates, s.Rate)
	}
	if diff := cmp.Diff([]float64{0.33, 0.55, 0.66, 0.44, 0.275}, rates, chainApprox); diff != "" {
		t.Errorf("Uniform rates mismatch (-want +got):\n%s", diff)
	}
}

func TestConventions(t *testing.T) {
	// Velocity as a chain: O = 100 opportunities, W = 0.25, ASP = 1,000,
	// cycle 50 days: 100 × 0.25 × 1000 / 50 = $500 a day.
	v := Chain{Top: 100, Stages: []Stage{{"won", 0.25}}, ASP: decimal.NewFromInt(1000), Cycle: funnel.Some(50)}
	five := Chain{Top: 100, Stages: []Stage{{"a", 0.5}, {"b", 0.5}, {"c", 0.5}, {"d", 0.5}}, ASP: decimal.NewFromInt(10)}
	for _, tt := range []struct {
		name    string
		c       Chain
		levers  []int
		g       float64
		mult    float64
		revenue string
	}{
		// 1.1³ / 0.9 = 1.331 / 0.9 = 1.478888…: +47.9%;
		// 110 × 0.275 × 1100 / 45 = 33275 / 45 = 739.444… → $739.44.
		{"velocity levers", v, nil, 0.10, 1.331 / 0.9, "739.44"},
		// A 10% shorter cycle alone: 1/0.9 = 1.1111; 500 / 0.9 = 555.56.
		{"cycle alone", v, []int{3}, 0.10, 1 / 0.9, "555.56"},
		// Five multiplicative levers (top and four rates): 1.1⁵ = 1.61051;
		// base 100 × 0.5⁴ × 10 = 62.5, × 1.61051 = 100.656875 → 100.66.
		{"five levers", five, []int{0, 1, 2, 3, 4}, 0.10, 1.61051, "100.66"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Uniform(tt.c, tt.levers, tt.g)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(funnel.Some(tt.mult), o.Multiplier, chainApprox); diff != "" {
				t.Errorf("Uniform multiplier mismatch (-want +got):\n%s", diff)
			}
			if !o.Revenue.Equal(chainDec(tt.revenue)) {
				t.Errorf("Uniform revenue = %s, want %s", o.Revenue, tt.revenue)
			}
		})
	}
}

func TestApplyKinds(t *testing.T) {
	// Top 100, rates 0.95 and 0.5, ASP 10, cycle 30 days:
	// 100 × 0.95 × 0.5 × 10 / 30 = 475 / 30 = 15.8333 → $15.83 a day.
	c := Chain{TopName: "calls", Top: 100, Stages: []Stage{{"meeting", 0.95}, {"won", 0.5}}, ASP: decimal.NewFromInt(10), Cycle: funnel.Some(30)}
	for _, tt := range []struct {
		name    string
		gains   []Gain
		effects []Effect
		revenue string
	}{
		{
			// 0.95 × 1.1 = 1.045 > 1: capped at 1, factor 1/0.95;
			// 100 × 1 × 0.5 × 10 / 30 = 16.6667 → 16.67.
			"capped rate", []Gain{{1, Relative, 0.10}},
			[]Effect{{Lever: 1, Name: "meeting", Kind: Rate, From: 0.95, Requested: 1.045, Applied: 1, Capped: true, Factor: funnel.Some(1 / 0.95)}},
			"16.67",
		},
		{
			// +0.05 points: 0.5 → 0.55, factor 1.1; 475 × 1.1 / 30 = 17.4167 → 17.42.
			"points on a rate", []Gain{{2, Points, 0.05}},
			[]Effect{{Lever: 2, Name: "won", Kind: Rate, From: 0.5, Requested: 0.55, Applied: 0.55, Factor: funnel.Some(1.1)}},
			"17.42",
		},
		{
			// 3 days shorter: 30 → 27, factor 30/27; 475 / 27 = 17.5926 → 17.59.
			"points on the cycle", []Gain{{4, Points, 3}},
			[]Effect{{Lever: 4, Name: "cycle", Kind: Divisor, From: 30, Requested: 27, Applied: 27, Factor: funnel.Some(30.0 / 27)}},
			"17.59",
		},
		{
			// New ASP 12: factor 1.2; 100 × 0.95 × 0.5 × 12 / 30 = 19.00.
			"value of the asp", []Gain{{3, Value, 12}},
			[]Effect{{Lever: 3, Name: "asp", Kind: Volume, From: 10, Requested: 12, Applied: 12, Factor: funnel.Some(1.2)}},
			"19",
		},
		{
			// Top 100 → 150 (factor 1.5) and a 10% longer cycle (g = −0.1:
			// 33 days, factor 1/1.1): 150 × 0.475 × 10 / 33 = 21.5909 → 21.59.
			"value and a longer cycle", []Gain{{0, Value, 150}, {4, Relative, -0.1}},
			[]Effect{
				{Lever: 0, Name: "calls", Kind: Volume, From: 100, Requested: 150, Applied: 150, Factor: funnel.Some(1.5)},
				{Lever: 4, Name: "cycle", Kind: Divisor, From: 30, Requested: 33, Applied: 33, Factor: funnel.Some(1 / 1.1)},
			},
			"21.59",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Apply(c, tt.gains)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.effects, o.Effects, chainApprox); diff != "" {
				t.Errorf("Apply effects mismatch (-want +got):\n%s", diff)
			}
			var capped []Effect
			for _, e := range tt.effects {
				if e.Capped {
					capped = append(capped, e)
				}
			}
			if diff := cmp.Diff(capped, o.Capped, chainApprox); diff != "" {
				t.Errorf("Apply capped mismatch (-want +got):\n%s", diff)
			}
			if !o.Revenue.Equal(chainDec(tt.revenue)) || !o.Base.Equal(chainDec("15.83")) {
				t.Errorf("Apply revenue = %s base %s, want %s and 15.83", o.Revenue, o.Base, tt.revenue)
			}
		})
	}
}

func TestChainOf(t *testing.T) {
	f := funnel.MustNew("dms", "prequal", "qual", "marketing", "interview", "placement")
	// The recruiting counts, all closed: 1000, 300, 150, 90, 36, 9, so each
	// resolved rate is the hand-worked one (300/1000 = 0.3, ...).
	counts, err := funnel.FromReached(f, []int64{1000, 300, 150, 90, 36, 9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ChainOf(f, counts, decimal.NewFromInt(20000))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(recruiting(), got, chainApprox); diff != "" {
		t.Errorf("ChainOf mismatch (-want +got):\n%s", diff)
	}
	// Open deals leave the resolved trials: 100 reached, 20 open at the
	// first stage, 40 converted: 40 of 80 = 0.5.
	g := funnel.MustNew("lead", "won")
	counts, err = funnel.FromReached(g, []int64{100, 40}, []int64{20, 0})
	if err != nil {
		t.Fatal(err)
	}
	got, err = ChainOf(g, counts, decimal.NewFromInt(1))
	if err != nil || got.Stages[0].Rate != 0.5 {
		t.Errorf("ChainOf(open) = %v, %v; want rate 0.5", got, err)
	}
	empty, _ := funnel.FromReached(g, []int64{0, 0}, nil)
	if _, err := ChainOf(g, empty, decimal.NewFromInt(1)); !errors.Is(err, funnel.ErrNoData) {
		t.Errorf("ChainOf(no trials) error = %v, want ErrNoData", err)
	}
	if _, err := ChainOf(f, counts, decimal.NewFromInt(1)); !errors.Is(err, funnel.ErrLengthMismatch) {
		t.Errorf("ChainOf(short counts) error = %v, want ErrLengthMismatch", err)
	}
}

func TestInverse(t *testing.T) {
	two := func(r1, r2 float64) Chain {
		return Chain{Top: 100, Stages: []Stage{{"a", r1}, {"b", r2}}, ASP: decimal.NewFromInt(10), Cycle: funnel.Some(10)}
	}
	for _, tt := range []struct {
		name       string
		c          Chain
		levers     []int
		growth     float64
		closed     funnel.NullFloat64
		gain       float64
		reachable  bool
		best       funnel.NullFloat64
		planRates  []float64
		planGrowth float64
	}{
		{
			// 1.25^(1/6) − 1 = 0.0378908 (3.789% each), no caps.
			"recruiting +25%", recruiting(), []int{0, 1, 2, 3, 4, 5}, 0.25,
			funnel.Some(math.Pow(1.25, 1.0/6) - 1), math.Pow(1.25, 1.0/6) - 1, true, funnel.NullFloat64{},
			[]float64{0.3 * 1.0378908, 0.5 * 1.0378908, 0.6 * 1.0378908, 0.4 * 1.0378908, 0.25 * 1.0378908}, 0.25,
		},
		{
			// Rates 0.95 and 0.5, +50%: uncapped √1.5 − 1 = 0.2247, but 0.95
			// caps at g = 1/0.95 − 1 = 0.0526, after which the factor is
			// (1/0.95)(1 + g) = 1.5, so g = 1.5 × 0.95 − 1 = 0.425.
			// Best: (1/0.95)(1/0.5) − 1 = 1.1053.
			"capped, reachable", two(0.95, 0.5), []int{1, 2}, 0.5,
			funnel.Some(math.Sqrt(1.5) - 1), 0.425, true, funnel.Some(2/0.95 - 1),
			[]float64{1, 0.5 * 1.425}, 0.5,
		},
		{
			// Rates 0.8 and 0.5 can give at most (1/0.8)(1/0.5) = 2.5, +150%:
			// +200% is out of reach; every rate at 1 from g = 1/0.5 − 1 = 1.
			"capped, out of reach", two(0.8, 0.5), []int{1, 2}, 2,
			funnel.Some(math.Sqrt(3) - 1), 1, false, funnel.Some(1.5),
			[]float64{1, 1}, 1.5,
		},
		{
			// Top and cycle: (1 + g)/(1 − g) = 1.1 ⇒ 2.1 g = 0.1 ⇒ g = 0.047619.
			"divisor", two(0.5, 0.5), []int{0, 4}, 0.1,
			funnel.NullFloat64{}, 0.1 / 2.1, true, funnel.NullFloat64{},
			[]float64{0.5, 0.5}, 0.1,
		},
		{
			// No growth: no gain (all levers, the cycle among them, so no
			// closed form).
			"zero growth", two(0.5, 0.5), nil, 0,
			funnel.NullFloat64{}, 0, true, funnel.NullFloat64{},
			[]float64{0.5, 0.5}, 0,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Inverse(tt.c, tt.levers, tt.growth)
			if err != nil {
				t.Fatal(err)
			}
			type summary struct {
				Closed, Best funnel.NullFloat64
				Gain         float64
				Reachable    bool
				Rates        []float64
				Growth       float64
			}
			var rates []float64
			for _, s := range got.Plan.Chain.Stages {
				rates = append(rates, s.Rate)
			}
			want := summary{tt.closed, tt.best, tt.gain, tt.reachable, tt.planRates, tt.planGrowth}
			have := summary{got.ClosedForm, got.BestGrowth, got.Gain, got.Reachable, rates, got.Plan.Multiplier.Float64 - 1}
			if diff := cmp.Diff(want, have, cmpopts.EquateApprox(1e-7, 1e-12)); diff != "" {
				t.Errorf("Inverse mismatch (-want +got):\n%s", diff)
			}
			if got.Reachable && got.Plan.Multiplier.Float64 < 1+tt.growth {
				t.Errorf("Inverse plan multiplier %v below %v", got.Plan.Multiplier.Float64, 1+tt.growth)
			}
		})
	}
	// The recruiting plan: $180,000 × 1.25 = $225,000 at 3.789% each.
	got, err := Inverse(recruiting(), []int{0, 1, 2, 3, 4, 5}, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if got.Plan.Revenue.Sub(chainDec("225000")).Abs().GreaterThan(chainDec("0.01")) {
		t.Errorf("Inverse plan revenue %s, want 225000.00", got.Plan.Revenue)
	}
}

// TestChainProperties checks, on random chains, that uncapped gains
// compound as Π(1 + g) (the multiplier and the revenue recomputed from the
// counts), and that output never falls when a uniform gain rises.
func TestChainProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := 1 + rng.IntN(6)
		c := Chain{Top: 1 + rng.Float64()*1e4, ASP: decimal.NewFromInt(int64(1 + rng.IntN(10000)))}
		for range n {
			c.Stages = append(c.Stages, Stage{Rate: 0.01 + 0.4*rng.Float64()}) // ≤ 0.41: +100% never caps
		}
		gains := make([]Gain, 0, n+2)
		prod := 1.0
		for l := range c.NumLevers() {
			g := rng.Float64() // < 1
			gains = append(gains, Gain{Lever: l, Kind: Relative, By: g})
			prod *= 1 + g
		}
		o, err := Apply(c, gains)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(funnel.Some(prod), o.Multiplier, chainApprox); diff != "" {
			t.Fatalf("Apply(%v) multiplier mismatch (-want +got):\n%s", c, diff)
		}
		// A second method: the end volume of the counts over the base's.
		if diff := cmp.Diff(prod, o.Counts[n]*o.Chain.ASP.InexactFloat64()/(c.Counts()[n]*c.ASP.InexactFloat64()), chainApprox); diff != "" {
			t.Fatalf("Apply(%v) counts ratio mismatch (-want +got):\n%s", c, diff)
		}
		// Monotone: rates up to 0.41 cap along the way, still never falling.
		prev := 0.0
		for g := 0.0; g < 3; g += 0.05 {
			m := multiplier(c, []int{1, 2, 3}[:min(n, 3)], g)
			u, err := Uniform(c, []int{1, 2, 3}[:min(n, 3)], g)
			if err != nil {
				t.Fatal(err)
			}
			if m < prev || u.Counts[n] < prev*c.Counts()[n]*(1-1e-12) {
				t.Fatalf("Uniform(%v, %v) fell: %v after %v", c, g, m, prev)
			}
			prev = m
		}
	}
}

func TestChainInputsUnmodified(t *testing.T) {
	c := recruiting()
	keep := slices.Clone(c.Stages)
	gains := []Gain{{1, Relative, 5}, {0, Points, 10}}
	keepGains := slices.Clone(gains)
	levers := []int{2, 1}
	if _, err := Apply(c, gains); err != nil {
		t.Fatal(err)
	}
	if _, err := Inverse(c, levers, 0.5); err != nil {
		t.Fatal(err)
	}
	if _, err := Uniform(c, levers, 0.5); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keep, c.Stages) || !slices.Equal(keepGains, gains) || !slices.Equal([]int{2, 1}, levers) {
		t.Errorf("inputs modified: %v %v %v", c.Stages, gains, levers)
	}
}

func TestChainBadInput(t *testing.T) {
	ok := recruiting()
	mod := func(f func(*Chain)) Chain {
		c := ok.clone()
		f(&c)
		return c
	}
	apply := func(c Chain, g ...Gain) func() error {
		return func() error { _, err := Apply(c, g); return err }
	}
	for _, tt := range []struct {
		name string
		call func() error
		want error
		op   string
		in   string
	}{
		{"negative volume", apply(mod(func(c *Chain) { c.Top = -1 })), funnel.ErrNegative, "domino.Apply", "top"},
		{"rate above 1", apply(mod(func(c *Chain) { c.Stages[2].Rate = 1.2 })), funnel.ErrRateRange, "domino.Apply", "stages[2].rate"},
		{"NaN rate", apply(mod(func(c *Chain) { c.Stages[0].Rate = math.NaN() })), funnel.ErrNotFinite, "domino.Apply", "stages[0].rate"},
		{"infinite top", apply(mod(func(c *Chain) { c.Top = math.Inf(1) })), funnel.ErrNotFinite, "domino.Apply", "top"},
		{"zero cycle", apply(mod(func(c *Chain) { c.Cycle = funnel.Some(0) })), funnel.ErrOutOfRange, "domino.Apply", "cycle_days"},
		{"negative ASP", apply(mod(func(c *Chain) { c.ASP = decimal.NewFromInt(-5) })), funnel.ErrNegativeAmount, "domino.Apply", "asp"},
		{"unknown lever", apply(ok, Gain{7, Relative, 0.1}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].lever"},
		{"negative lever", apply(ok, Gain{-1, Relative, 0.1}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].lever"},
		{"lever twice", apply(ok, Gain{1, Relative, 0.1}, Gain{1, Points, 0.1}), funnel.ErrOutOfRange, "domino.Apply", "gains[1].lever"},
		{"unknown kind", apply(ok, Gain{1, GainKind(9), 0.1}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].kind"},
		{"NaN gain", apply(ok, Gain{1, Relative, math.NaN()}), funnel.ErrNotFinite, "domino.Apply", "gains[0].by"},
		{"gain below -1", apply(ok, Gain{0, Relative, -1.5}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].by"},
		{"rate below 0", apply(ok, Gain{1, Points, -0.5}), funnel.ErrRateRange, "domino.Apply", "gains[0].by"},
		{"rate value above 1", apply(ok, Gain{1, Value, 1.5}), funnel.ErrRateRange, "domino.Apply", "gains[0].by"},
		{"negative top value", apply(ok, Gain{0, Value, -3}), funnel.ErrNegative, "domino.Apply", "gains[0].by"},
		{"negative ASP value", apply(ok, Gain{6, Value, -3}), funnel.ErrNegativeAmount, "domino.Apply", "gains[0].by"},
		{"top past float64", apply(ok, Gain{0, Value, math.MaxFloat64}, Gain{6, Value, math.MaxFloat64}), funnel.ErrOutOfRange, "domino.Apply", "gains[1].by"},
		{"cycle gain 1", apply(mod(func(c *Chain) { c.Cycle = funnel.Some(30) }), Gain{7, Relative, 1}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].by"},
		{"cycle to zero", apply(mod(func(c *Chain) { c.Cycle = funnel.Some(30) }), Gain{7, Points, 30}), funnel.ErrOutOfRange, "domino.Apply", "gains[0].by"},
		{"uniform lever", func() error { _, err := Uniform(ok, []int{0, 9}, 0.1); return err }, funnel.ErrOutOfRange, "domino.Uniform", "levers[1]"},
		{"uniform twice", func() error { _, err := Uniform(ok, []int{0, 0}, 0.1); return err }, funnel.ErrOutOfRange, "domino.Uniform", "levers[1]"},
		{"uniform NaN", func() error { _, err := Uniform(ok, nil, math.NaN()); return err }, funnel.ErrNotFinite, "domino.Uniform", "gain"},
		{"inverse growth", func() error { _, err := Inverse(ok, nil, -0.1); return err }, funnel.ErrOutOfRange, "domino.Inverse", "growth"},
		{"inverse NaN", func() error { _, err := Inverse(ok, nil, math.NaN()); return err }, funnel.ErrNotFinite, "domino.Inverse", "growth"},
		{"inverse lever", func() error { _, err := Inverse(ok, []int{12}, 0.1); return err }, funnel.ErrOutOfRange, "domino.Inverse", "levers[0]"},
		{"new chain", func() error {
			_, err := NewChain("x", 1, []Stage{{"a", -0.1}}, decimal.NewFromInt(1), funnel.NullFloat64{})
			return err
		}, funnel.ErrRateRange, "domino.NewChain", "stages[0].rate"},
		{"revenue", func() error { _, err := mod(func(c *Chain) { c.Cycle = funnel.Some(-2) }).Revenue(); return err }, funnel.ErrOutOfRange, "domino.Chain.Revenue", "cycle_days"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != tt.op || ie.Name != tt.in {
				t.Errorf("error = %#v, want an InputError with Op %q, Name %q", err, tt.op, tt.in)
			}
		})
	}
}

func TestEnumsText(t *testing.T) {
	for _, k := range []LeverKind{Volume, Rate, Divisor} {
		b, err := k.MarshalText()
		var back LeverKind
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("LeverKind %v round trip: %s, %v", k, b, err)
		}
	}
	for _, k := range []GainKind{Relative, Points, Value} {
		b, err := k.MarshalText()
		var back GainKind
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("GainKind %v round trip: %s, %v", k, b, err)
		}
	}
	if _, err := LeverKind(5).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("LeverKind(5).MarshalText error = %v", err)
	}
	var g GainKind
	if err := g.UnmarshalText([]byte("x")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("GainKind.UnmarshalText(x) error = %v", err)
	}
}
