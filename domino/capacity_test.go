package domino

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// interviews30 caps the recruiting chain's interview requests (the count
// after Stages[3]) at 30 a period.
func interviews30() Capacity {
	return Capacity{Stages: []funnel.NullFloat64{{}, {}, {}, funnel.Some(30), {}}}
}

func TestFit(t *testing.T) {
	none := funnel.NullFloat64{}
	for _, tt := range []struct {
		name   string
		c      Chain
		limits Capacity
		want   Fitted
	}{
		{
			// Demand 1000, 300, 150, 90, 36, 9 (1000 × .3 × .5 × .6 × .4 × .25).
			// Interviews capped at 30: 30/36 = 0.8333 is the only ratio below 1,
			// so the interview step binds; placements 30 × 0.25 = 7.5, revenue
			// 7.5 × 20,000 = 150,000 against 9 × 20,000 = 180,000.
			"recruiting, interviews 30", recruiting(), interviews30(),
			Fitted{
				Counts: []float64{1000, 300, 150, 90, 30, 7.5}, Demand: []float64{1000, 300, 150, 90, 36, 9},
				Revenue: chainDec("150000"), DemandRevenue: chainDec("180000"), Scale: 30.0 / 36,
				Binding: 4, BindingName: "interview",
				Slack: []funnel.NullFloat64{none, none, none, none, funnel.Some(0), none},
			},
		},
		{
			// Limits that do not bind: top 1,200 (slack 200), qual 160 (slack 10),
			// interviews 36 (exactly the demand: ratio 1, slack 0, not binding).
			"nothing binds", recruiting(),
			Capacity{Top: funnel.Some(1200), Stages: []funnel.NullFloat64{none, funnel.Some(160), none, funnel.Some(36), none}},
			Fitted{
				Counts: []float64{1000, 300, 150, 90, 36, 9}, Demand: []float64{1000, 300, 150, 90, 36, 9},
				Revenue: chainDec("180000"), DemandRevenue: chainDec("180000"), Scale: 1, Binding: -1,
				Slack: []funnel.NullFloat64{funnel.Some(200), none, funnel.Some(10), none, funnel.Some(0), none},
			},
		},
		{
			// Two limits: top 800 (ratio 0.8) and interviews 30 (30/36 = 0.833):
			// the top binds. Counts 800, 240, 120, 72, 28.8 (under 30: slack 1.2),
			// 7.2 placements, 144,000.
			"two limits, the smaller ratio binds", recruiting(),
			Capacity{Top: funnel.Some(800), Stages: interviews30().Stages},
			Fitted{
				Counts: []float64{800, 240, 120, 72, 28.8, 7.2}, Demand: []float64{1000, 300, 150, 90, 36, 9},
				Revenue: chainDec("144000"), DemandRevenue: chainDec("180000"), Scale: 0.8, Binding: 0, BindingName: "dms",
				Slack: []funnel.NullFloat64{funnel.Some(0), none, none, none, funnel.Some(1.2), none},
			},
		},
		{
			// The same ratio at two steps (qual 75/150 = 0.5, interviews 18/36 =
			// 0.5): the earlier binds and the later is full with slack 0.
			// 75 × .6 × .4 = 18, × .25 = 4.5 placements, 90,000.
			"tie binds the earlier", recruiting(),
			Capacity{Stages: []funnel.NullFloat64{none, funnel.Some(75), none, funnel.Some(18), none}},
			Fitted{
				Counts: []float64{1000, 300, 75, 45, 18, 4.5}, Demand: []float64{1000, 300, 150, 90, 36, 9},
				Revenue: chainDec("90000"), DemandRevenue: chainDec("180000"), Scale: 0.5, Binding: 2, BindingName: "qual",
				Slack: []funnel.NullFloat64{none, none, funnel.Some(0), none, funnel.Some(0), none},
			},
		},
		{
			// A cycle makes the revenue per day: 7.5 × 20,000 / 30 = 5,000.
			"with a cycle", func() Chain { c := recruiting(); c.Cycle = funnel.Some(30); return c }(), interviews30(),
			Fitted{
				Counts: []float64{1000, 300, 150, 90, 30, 7.5}, Demand: []float64{1000, 300, 150, 90, 36, 9},
				Revenue: chainDec("5000"), DemandRevenue: chainDec("6000"), Scale: 30.0 / 36, Binding: 4, BindingName: "interview",
				Slack: []funnel.NullFloat64{none, none, none, none, funnel.Some(0), none},
			},
		},
		{
			// A zero limit with no demand behind it (top 0) does not bind.
			"no demand", Chain{Top: 0, Stages: []Stage{{"won", 0.5}}, ASP: decimal.NewFromInt(10)},
			Capacity{Stages: []funnel.NullFloat64{funnel.Some(0)}},
			Fitted{
				Counts: []float64{0, 0}, Demand: []float64{0, 0}, Revenue: chainDec("0"), DemandRevenue: chainDec("0"),
				Scale: 1, Binding: -1, Slack: []funnel.NullFloat64{none, funnel.Some(0)},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Fit(tt.c, tt.limits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, chainApprox); diff != "" {
				t.Errorf("Fit(%v) mismatch (-want +got):\n%s", tt.limits, diff)
			}
			// Second method: every count is the demand scaled by the tightest
			// limit ÷ demand at or before it, and the output by Scale.
			s := 1.0
			for j, d := range got.Demand {
				if l := tt.limits.limitAt(j); l.Valid && d > 0 {
					s = min(s, l.Float64/d)
				}
				if math.Abs(d*s-got.Counts[j]) > 1e-9*max(1, d) {
					t.Errorf("Fit counts[%d] = %v, want demand × running scale = %v", j, got.Counts[j], d*s)
				}
			}
			if math.Abs(s-got.Scale) > 1e-12 {
				t.Errorf("Fit scale = %v, want %v", got.Scale, s)
			}
		})
	}
}

// A gain upstream of the binding step raises the demand there and nothing
// after it: +10% on the DMs makes 39.6 interview requests against the 30
// that fit, so placements stay 7.5 and revenue 150,000; +10% on the
// placement rate (after the binding step) gives 30 × 0.275 = 8.25,
// 165,000.
func TestFitGainUpstream(t *testing.T) {
	for _, tt := range []struct {
		name    string
		lever   int
		placed  float64
		revenue string
	}{
		{"dms", LeverTop, 7.5, "150000"},
		{"prequal", 1, 7.5, "150000"},
		{"interview rate", 4, 7.5, "150000"},
		{"placement rate", 5, 8.25, "165000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Apply(recruiting(), []Gain{{tt.lever, Relative, 0.10}})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Fit(o.Chain, interviews30())
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Counts[5]; math.Abs(got-tt.placed) > 1e-9 {
				t.Errorf("placements = %v, want %v", got, tt.placed)
			}
			if !f.Revenue.Equal(chainDec(tt.revenue)) {
				t.Errorf("revenue = %s, want %s", f.Revenue, tt.revenue)
			}
			if f.Counts[4] > 30 {
				t.Errorf("interviews = %v past the limit 30", f.Counts[4])
			}
		})
	}
}

func TestFindDomino(t *testing.T) {
	fixed := recruiting()
	fixed.TopFixed = true
	first1 := recruiting()
	first1.TopFixed = true
	first1.Stages = slices.Clone(first1.Stages)
	first1.Stages[0].Rate = 1 // 1000, 1000, 500, 300, 120, 30: $600,000
	for _, tt := range []struct {
		name   string
		c      Chain
		limits Capacity
		gain   float64
		want   Domino
	}{
		{
			// The top is not fixed: the DMs are the domino. +10%: 1,100 DMs,
			// 330, 165, 99, 39.6, 9.9 placements (every count × 1.1), 198,000.
			"top", recruiting(), Capacity{}, 0.10,
			Domino{Lever: 0, Name: "dms", Kind: Volume, Bound: -1, Unbound: 0, Gain: 0.10,
				Before: []float64{1000, 300, 150, 90, 36, 9}, After: []float64{1100, 330, 165, 99, 39.6, 9.9},
				Base: chainDec("180000"), Revenue: chainDec("198000")},
		},
		{
			// The top is fixed: the first rate below 1, prequal 0.30 → 0.33:
			// 1000, 330, 165, 99, 39.6, 9.9, 198,000.
			"top fixed", fixed, Capacity{}, 0.10,
			Domino{Lever: 1, Name: "prequal", Kind: Rate, Bound: -1, Unbound: 1, Gain: 0.10,
				Before: []float64{1000, 300, 150, 90, 36, 9}, After: []float64{1000, 330, 165, 99, 39.6, 9.9},
				Base: chainDec("180000"), Revenue: chainDec("198000")},
		},
		{
			// A first rate at 1 cannot rise: qual 0.5 → 0.55 is the domino:
			// 1000, 1000, 550, 330, 132, 33 placements, 660,000.
			"rate at 1 skipped", first1, Capacity{}, 0.10,
			Domino{Lever: 2, Name: "qual", Kind: Rate, Bound: -1, Unbound: 2, Gain: 0.10,
				Before: []float64{1000, 1000, 500, 300, 120, 30}, After: []float64{1000, 1000, 550, 330, 132, 33},
				Base: chainDec("600000"), Revenue: chainDec("660000")},
		},
		{
			// Interviews capped at 30 bind (step 4): the DMs' gain would be
			// absorbed there, so the domino is the first rate after it, the
			// placement rate 0.25 → 0.275: 30 × 0.275 = 8.25, 165,000.
			"capacity bounds it", recruiting(), interviews30(), 0.10,
			Domino{Lever: 5, Name: "placement", Kind: Rate, Bound: 4, BoundName: "interview", Unbound: 0, Gain: 0.10,
				Before: []float64{1000, 300, 150, 90, 30, 7.5}, After: []float64{1000, 300, 150, 90, 30, 8.25},
				Base: chainDec("150000"), Revenue: chainDec("165000")},
		},
		{
			// Placements capped at 8 bind (8/9): no step after the last, so no
			// domino; the counts stay.
			"bound at the end", recruiting(), Capacity{Stages: []funnel.NullFloat64{{}, {}, {}, {}, funnel.Some(8)}}, 0.10,
			Domino{Lever: -1, Bound: 5, BoundName: "placement", Unbound: 0, Gain: 0.10,
				Before: []float64{1000, 300, 150, 90, 36, 8}, After: []float64{1000, 300, 150, 90, 36, 8},
				Base: chainDec("160000"), Revenue: chainDec("160000")},
		},
		{
			// A gain that passes a later limit stops there: top not bound,
			// placements capped at 9.5; +10% on the DMs asks 9.9, 9.5 fit, 190,000.
			"later limit", recruiting(), Capacity{Stages: []funnel.NullFloat64{{}, {}, {}, {}, funnel.Some(9.5)}}, 0.10,
			Domino{Lever: 0, Name: "dms", Kind: Volume, Bound: -1, Unbound: 0, Gain: 0.10,
				Before: []float64{1000, 300, 150, 90, 36, 9}, After: []float64{1100, 330, 165, 99, 39.6, 9.5},
				Base: chainDec("180000"), Revenue: chainDec("190000")},
		},
		{
			// A rate of 0.95 raised 10% is capped at 1: 100 → 100 × 1 × 0.5 = 50, $500.
			"capped", Chain{TopFixed: true, Top: 100, Stages: []Stage{{"show", 0.95}, {"won", 0.5}}, ASP: decimal.NewFromInt(10)}, Capacity{}, 0.10,
			Domino{Lever: 1, Name: "show", Kind: Rate, Bound: -1, Unbound: 1, Gain: 0.10,
				Before: []float64{100, 95, 47.5}, After: []float64{100, 100, 50},
				Base: chainDec("475"), Revenue: chainDec("500"), Capped: true},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FindDomino(tt.c, tt.limits, tt.gain)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, chainApprox); diff != "" {
				t.Errorf("FindDomino mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCapacityInputsUnmodified(t *testing.T) {
	c := recruiting()
	limits := interviews30()
	cs, ls := slices.Clone(c.Stages), slices.Clone(limits.Stages)
	if _, err := Fit(c, limits); err != nil {
		t.Fatal(err)
	}
	if _, err := FindDomino(c, limits, 0.2); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cs, c.Stages) || !slices.Equal(ls, limits.Stages) {
		t.Errorf("inputs modified: %v %v", c.Stages, limits.Stages)
	}
}

func TestCapacityBadInput(t *testing.T) {
	ok := recruiting()
	fitErr := func(c Chain, l Capacity) func() error {
		return func() error { _, err := Fit(c, l); return err }
	}
	domErr := func(l Capacity, g float64) func() error {
		return func() error { _, err := FindDomino(ok, l, g); return err }
	}
	at := func(k int, v float64) Capacity {
		s := make([]funnel.NullFloat64, 5)
		s[k] = funnel.Some(v)
		return Capacity{Stages: s}
	}
	for _, tt := range []struct {
		name string
		call func() error
		want error
		op   string
		in   string
	}{
		{"negative limit", fitErr(ok, at(2, -1)), funnel.ErrNegative, "domino.Fit", "capacity.stages[2]"},
		{"NaN limit", fitErr(ok, at(0, math.NaN())), funnel.ErrNotFinite, "domino.Fit", "capacity.stages[0]"},
		{"infinite limit", fitErr(ok, at(4, math.Inf(1))), funnel.ErrNotFinite, "domino.Fit", "capacity.stages[4]"},
		{"negative top limit", fitErr(ok, Capacity{Top: funnel.Some(-5)}), funnel.ErrNegative, "domino.Fit", "capacity.top"},
		{"mismatched lengths", fitErr(ok, Capacity{Stages: make([]funnel.NullFloat64, 3)}), funnel.ErrLengthMismatch, "domino.Fit", "capacity.stages"},
		{"bad chain", fitErr(Chain{Top: math.NaN()}, Capacity{}), funnel.ErrNotFinite, "domino.Fit", "top"},
		{"domino NaN gain", domErr(Capacity{}, math.NaN()), funnel.ErrNotFinite, "domino.FindDomino", "gain"},
		{"domino gain below -1", domErr(Capacity{}, -2), funnel.ErrOutOfRange, "domino.FindDomino", "gain"},
		{"domino negative limit", domErr(at(1, -3), 0.1), funnel.ErrNegative, "domino.FindDomino", "capacity.stages[1]"},
		{"domino mismatched", domErr(Capacity{Stages: make([]funnel.NullFloat64, 6)}, 0.1), funnel.ErrLengthMismatch, "domino.FindDomino", "capacity.stages"},
		{"domino top past float64", func() error {
			_, err := FindDomino(Chain{Top: math.MaxFloat64, Stages: []Stage{{"a", 1}}, ASP: decimal.NewFromInt(1)}, Capacity{}, 1)
			return err
		}, funnel.ErrOutOfRange, "domino.FindDomino", "gain"},
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

// FuzzFit: no panic, no NaN or infinity; what fits is never above a limit,
// never above the demand, never negative, and the binding step has slack 0.
func FuzzFit(f *testing.F) {
	// Seeds from the table cases: the recruiting chain's first three rates
	// with a limit on the third count, limits that do not bind, the top
	// bound, a zero limit, bad limits.
	f.Add(1000.0, 0.3, 0.5, 0.6, -1.0, -1.0, -1.0, 30.0)
	f.Add(1000.0, 0.3, 0.5, 0.6, 1200.0, -1.0, 160.0, -1.0)
	f.Add(1000.0, 0.3, 0.5, 0.6, 800.0, -1.0, -1.0, 30.0)
	f.Add(0.0, 0.5, 1.0, 0.0, -1.0, 0.0, -1.0, -1.0)
	f.Add(5.0, 0.5, 0.5, 0.5, math.NaN(), math.Inf(1), -2.0, 1.0)
	f.Fuzz(func(t *testing.T, top, r1, r2, r3, lt, l1, l2, l3 float64) {
		c := Chain{Top: top, Stages: []Stage{{"a", r1}, {"b", r2}, {"c", r3}}, ASP: decimal.NewFromInt(100)}
		// A limit of exactly −1 is no limit, so the fuzzer reaches both.
		lim := func(x float64) funnel.NullFloat64 {
			if x == -1 {
				return funnel.NullFloat64{}
			}
			return funnel.Some(x)
		}
		limits := Capacity{Top: lim(lt), Stages: []funnel.NullFloat64{lim(l1), lim(l2), lim(l3)}}
		got, err := Fit(c, limits)
		if err != nil {
			return
		}
		chainNoNaN(t, "counts", got.Counts...)
		chainNoNaN(t, "scale", got.Scale)
		for j, n := range got.Counts {
			l := limits.limitAt(j)
			switch {
			case n < 0:
				t.Fatalf("counts[%d] = %v negative", j, n)
			case n > got.Demand[j]:
				t.Fatalf("counts[%d] = %v above the demand %v", j, n, got.Demand[j])
			case l.Valid && n > l.Float64:
				t.Fatalf("counts[%d] = %v above the limit %v", j, n, l.Float64)
			case got.Slack[j].Valid && got.Slack[j].Float64 < 0:
				t.Fatalf("slack[%d] = %v negative", j, got.Slack[j].Float64)
			}
		}
		if got.Scale < 0 || got.Scale > 1 {
			t.Fatalf("scale = %v", got.Scale)
		}
		if got.Revenue.GreaterThan(got.DemandRevenue) || got.Revenue.IsNegative() {
			t.Fatalf("revenue %s, demand revenue %s", got.Revenue, got.DemandRevenue)
		}
		if b := got.Binding; b >= 0 && (!got.Slack[b].Valid || got.Slack[b].Float64 != 0) {
			t.Fatalf("binding step %d has slack %v", b, got.Slack[b])
		}
	})
}

// FuzzFindDomino: no panic, no NaN or infinity; the domino is a step (the
// top or a rate below 1), and a gain of at least 0 never lowers a count.
func FuzzFindDomino(f *testing.F) {
	// Seeds from the table cases: the recruiting chain's first three rates,
	// the fixed top, a rate at 1, a binding limit, a bad gain.
	f.Add(1000.0, 0.3, 0.5, 0.6, false, -1.0, 0.1)
	f.Add(1000.0, 0.3, 0.5, 0.6, true, -1.0, 0.1)
	f.Add(1000.0, 1.0, 0.5, 0.6, true, 50.0, 0.1)
	f.Add(100.0, 0.95, 0.5, 1.0, true, -1.0, 0.1)
	f.Add(1.0, 0.5, 0.5, 0.5, false, 0.1, math.NaN())
	f.Fuzz(func(t *testing.T, top, r1, r2, r3 float64, fixed bool, l2, g float64) {
		c := Chain{Top: top, TopFixed: fixed, Stages: []Stage{{"a", r1}, {"b", r2}, {"c", r3}}, ASP: decimal.NewFromInt(100)}
		var limits Capacity
		if l2 != -1 {
			limits.Stages = []funnel.NullFloat64{{}, funnel.Some(l2), {}}
		}
		d, err := FindDomino(c, limits, g)
		if err != nil {
			return
		}
		chainNoNaN(t, "before", d.Before...)
		chainNoNaN(t, "after", d.After...)
		if d.Lever > 0 && (c.Kind(d.Lever) != Rate || c.Stages[d.Lever-1].Rate >= 1) {
			t.Fatalf("domino %d is not a rate below 1", d.Lever)
		}
		if d.Lever > c.ASPLever()-1 {
			t.Fatalf("domino %d is not a step", d.Lever)
		}
		for j := range d.After {
			if g >= 0 && d.After[j] < d.Before[j] {
				t.Fatalf("gain %v lowers counts[%d]: %v -> %v", g, j, d.Before[j], d.After[j])
			}
		}
	})
}
