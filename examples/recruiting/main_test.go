package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// figures are the key figures of a report, as plain numbers.
type figures struct {
	Rates                      []float64
	Revenue                    float64
	Weakest                    string
	BetterLevers               []string
	BetterCounts               []float64
	BetterMultiplier           float64
	BetterRevenue              float64
	AllMultiplier              float64
	AllRevenue                 float64
	YearTwoGain, YearTwoClosed float64
	YearTwoCounts              []float64
	YearTwoRevenue             float64
	YearTwoCapped              int
	RatesGain, RatesBest       float64
	RatesPlaced                float64
	RatesReachable             bool
	RelativeDown, RelativeUp   []float64
	PointsOrder                []string
	PointsSwing                []float64
	Domino                     string
	DominoPlaced, DominoRev    float64
}

func figuresOf(t *testing.T, r report) figures {
	t.Helper()
	money := func(d interface{ InexactFloat64() float64 }) float64 { return d.InexactFloat64() }
	var f figures
	for _, s := range r.Chain.Stages {
		f.Rates = append(f.Rates, s.Rate)
	}
	f.Revenue = money(r.Better.Base)
	f.Weakest = r.Table.WeakestStage
	for _, e := range r.Better.Effects {
		f.BetterLevers = append(f.BetterLevers, e.Name)
	}
	f.BetterCounts = r.Better.Counts
	f.BetterMultiplier = r.Better.Multiplier.Float64
	f.BetterRevenue = money(r.Better.Revenue)
	f.AllMultiplier = r.AllLevers.Multiplier.Float64
	f.AllRevenue = money(r.AllLevers.Revenue)
	f.YearTwoGain, f.YearTwoClosed = r.YearTwo.Gain, r.YearTwo.ClosedForm.Float64
	f.YearTwoCounts = r.YearTwo.Plan.Counts
	f.YearTwoRevenue = money(r.YearTwo.Plan.Revenue)
	f.YearTwoCapped = len(r.YearTwo.Plan.Capped)
	f.RatesGain, f.RatesBest = r.RatesOnly.Gain, r.RatesOnly.BestGrowth.Float64
	f.RatesPlaced = r.RatesOnly.Plan.Counts[len(r.RatesOnly.Plan.Counts)-1]
	f.RatesReachable = r.RatesOnly.Reachable
	for _, b := range r.Relative.Bars {
		f.RelativeDown = append(f.RelativeDown, money(b.Down))
		f.RelativeUp = append(f.RelativeUp, money(b.Up))
	}
	for _, b := range r.Points.Bars {
		f.PointsOrder = append(f.PointsOrder, name(r.Chain, b.Lever))
		f.PointsSwing = append(f.PointsSwing, money(b.Swing))
	}
	f.Domino = r.Domino.Name
	f.DominoPlaced = r.Domino.After[len(r.Domino.After)-1]
	f.DominoRev = money(r.Domino.Revenue)
	return f
}

func defaults(t *testing.T) config {
	t.Helper()
	cfg, help, err := parse(nil)
	if err != nil || help != "" {
		t.Fatalf("parse(nil) = %q, %v", help, err)
	}
	return cfg
}

// TestKeyFigures checks the worked case, 2,400 DMs, 360 prequal calls,
// 180 qualification calls, 90 profiles, 36 interview requests and 12
// placements at 25,000.00, against arithmetic by hand.
func TestKeyFigures(t *testing.T) {
	r, err := analyze(defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	const third = 1.0 / 3
	// Year-two gains, a second derivation: (1 + X)^(1/n) − 1.
	// R: 1.5^(1/6) - 1 = 0.06991319; 1.5^(1/5) - 1 = 0.08447177.
	g6 := math.Pow(1.5, 1.0/6) - 1
	g5 := math.Pow(1.5, 1.0/5) - 1
	want := figures{
		// 360/2400 = 0.15, 180/360 = 0.5, 90/180 = 0.5, 36/90 = 0.4, 12/36 = 1/3.
		Rates: []float64{0.15, 0.5, 0.5, 0.4, third},
		// 12 placements × 25,000 = 300,000.
		Revenue: 300000,
		// The lowest of the five rates.
		Weakest: "prequal calls",
		// +10% on the DMs and the five rates, the fee held: six levers.
		BetterLevers: []string{"DMs", "prequal calls", "qual calls", "profiles marketed", "interview requests", "placements"},
		// Each count × 1.1^(j+1): 2400×1.1 = 2640, 360×1.21 = 435.6,
		// 180×1.331 = 239.58, 90×1.4641 = 131.769, 36×1.61051 =
		// 57.97836, 12×1.771561 = 21.258732.
		BetterCounts: []float64{2640, 435.6, 239.58, 131.769, 57.97836, 21.258732},
		// 1.1^6 = 1.771561; 300,000 × 1.771561 = 531,468.30.
		BetterMultiplier: 1.771561, BetterRevenue: 531468.30,
		// With the fee, seven levers: 1.1^7 = 1.9487171; × 300,000 =
		// 584,615.13.
		AllMultiplier: 1.9487171, AllRevenue: 584615.13,
		// +50% over six levers uncapped: every rate stays far below 1
		// (the largest, 0.5 × 1.07, is 0.535), so the gain is the closed
		// form; the DMs rise by it and placements by 1.5: 12 × 1.5 = 18,
		// 450,000.00.
		YearTwoGain: g6, YearTwoClosed: g6,
		YearTwoCounts: []float64{
			2400 * (1 + g6), 360 * math.Pow(1+g6, 2), 180 * math.Pow(1+g6, 3),
			90 * math.Pow(1+g6, 4), 36 * math.Pow(1+g6, 5), 18,
		},
		YearTwoRevenue: 450000,
		// The five rates only: 1.5^(1/5) − 1; the most the caps allow is
		// every rate at 1, 1/(0.15 × 0.5 × 0.5 × 0.4 × 1/3) − 1 = 1/0.005
		// − 1 = 199 (+19,900%); 2,400 DMs at rates of 1 would place
		// 2,400, so 18 is within reach.
		RatesGain: g5, RatesBest: 199, RatesPlaced: 18, RatesReachable: true,
		// ±10% on any lever of elasticity 1: 300,000 × 0.9 and × 1.1.
		RelativeDown: []float64{270000, 270000, 270000, 270000, 270000, 270000, 270000},
		RelativeUp:   []float64{330000, 330000, 330000, 330000, 330000, 330000, 330000},
		// ±5 points: revenue × 2 × 0.05 / rate. Prequal 300,000 × 0.1/0.15
		// = 200,000; placements 0.1/(1/3) → 90,000; interview requests
		// 0.1/0.4 → 75,000; qual and profiles 0.1/0.5 → 60,000 each (a tie,
		// in lever order); the DMs ±0.05 of 2,400 → 300,000 × 0.1/2400 =
		// 12.50; the fee ±0.05 of 25,000 → 300,000 × 0.1/25,000 = 1.20.
		PointsOrder: []string{"prequal calls", "placements", "interview requests", "qual calls", "profiles marketed", "DMs", "fee"},
		PointsSwing: []float64{200000, 90000, 75000, 60000, 60000, 12.50, 1.20},
		// The top is not fixed, so the DMs are the domino: +10% gives 12 ×
		// 1.1 = 13.2 placements, 330,000.
		Domino: "DMs", DominoPlaced: 13.2, DominoRev: 330000,
	}
	got := figuresOf(t, r)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 1e-9)); diff != "" {
		t.Errorf("analyze(defaults) mismatch (-want +got):\n%s", diff)
	}
}

// TestOutput checks that the key figures reach the printed report.
func TestOutput(t *testing.T) {
	var b bytes.Buffer
	if err := run(context.Background(), &b, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// The lines below hold the figures of TestKeyFigures, worked there;
	// the year-two placement rate is 1/3 × 1.069913 = 35.66%.
	for _, line := range []string{
		"  placements              12   12/36 (33.3%)\n",
		"  revenue 300000.00; the weakest step is into prequal calls (15.0%)\n",
		"the package moved 6 levers (DMs, prequal calls, qual calls, profiles marketed, interview requests, placements); the fee is held\n",
		"  revenue 300000.00 -> 531468.30: x1.771561 = (1 + 10%)^6, +77.16%\n",
		"  with the fee too, all 7 levers of the chain: x1.948717 = (1 + 10%)^7, 584615.13\n",
		"Year two: +50% revenue, 300000.00 -> 450000.00, from the same 6 levers\n",
		"  each +6.9913% (closed form (1 + 50%)^(1/6) - 1 = 6.9913%); rates capped at 100%: none\n",
		"  placements               12.00      18.00    33.33% ->  35.66%\n",
		"over the 5 rates: each +8.4472%, placements 12.00 -> 18.00; reachable, and the caps allow at most +19900% (every rate at 100%); capped: none\n",
		"  prequal calls        15.00%   200000.00 ..  400000.00  swing  200000.00\n",
		"The domino is DMs, the earliest step whose gain moves every count after it: +10% there gives 13.20 placements, 330000.00\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q; it is:\n%s", line, out)
		}
	}
	var again bytes.Buffer
	if err := run(context.Background(), &again, nil); err != nil {
		t.Fatal(err)
	}
	if again.String() != out {
		t.Error("two runs print different reports")
	}
}

// TestCaps asks the rates alone for more than they can give: +300x
// revenue is out of reach when the best is +199x, and every rate that
// would pass 1 is held there and listed.
func TestCaps(t *testing.T) {
	cfg := defaults(t)
	cfg.growth = 300
	r, err := analyze(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := r.RatesOnly
	if o.Reachable {
		t.Error("growth of +30000% over the rates reported reachable; the caps allow +19900%")
	}
	// Out of reach, the plan has every chosen rate at 1: 2,400 DMs all
	// placed, 2,400 × 25,000 = 60,000,000.
	if got := o.Plan.Counts[len(o.Plan.Counts)-1]; math.Abs(got-2400) > 1e-9 {
		t.Errorf("placements at every rate 1 = %v, want 2400", got)
	}
	if got := o.Plan.Revenue.StringFixed(2); got != "60000000.00" {
		t.Errorf("revenue at every rate 1 = %s, want 60000000.00", got)
	}
	if len(o.Plan.Capped) == 0 {
		t.Error("no rate reported capped")
	}
}

// TestFlags checks that the flags change what is worked, and that -h
// documents every flag.
func TestFlags(t *testing.T) {
	cfg, help, err := parse([]string{"-counts", "1000, 300,150,90,36,9", "-fee", "20000", "-gain", "0.2", "-growth", "0.25", "-points", "0.1"})
	if err != nil || help != "" {
		t.Fatalf("parse: %q, %v", help, err)
	}
	r, err := analyze(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The chain of package domino's doc: 1,000 DMs at 30%, 50%, 60%, 40%
	// and 25% is 9 placements, 9 × 20,000 = 180,000; +20% on six levers is
	// 1.2^6 = 2.985984; +25% over six levers is 1.25^(1/6) − 1 = 3.789%.
	if got := r.Better.Base.StringFixed(2); got != "180000.00" {
		t.Errorf("revenue = %s, want 180000.00", got)
	}
	if got, want := r.Better.Multiplier.Float64, math.Pow(1.2, 6); math.Abs(got-want) > 1e-12 {
		t.Errorf("multiplier = %v, want 1.2^6 = %v", got, want)
	}
	if got, want := r.YearTwo.Gain, math.Pow(1.25, 1.0/6)-1; math.Abs(got-want) > 1e-12 {
		t.Errorf("year-two gain = %v, want %v", got, want)
	}
	// ±10 points on the 25% placement rate: 180,000 × 0.2/0.25 = 144,000.
	if got := name(r.Chain, r.Points.Bars[0].Lever); got != "placements" {
		t.Errorf("widest points bar = %s, want placements (the lowest rate, 25%%)", got)
	}
	if got := r.Points.Bars[0].Swing.StringFixed(2); got != "144000.00" {
		t.Errorf("placements swing = %s, want 144000.00", got)
	}

	var b bytes.Buffer
	if err := run(context.Background(), &b, []string{"-h"}); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, f := range []string{"-counts", "-fee", "-gain", "-growth", "-points", "Example:"} {
		if !strings.Contains(b.String(), f) {
			t.Errorf("-h does not document %s:\n%s", f, b.String())
		}
	}
}

// TestBadInput checks that bad flags and numbers are errors naming what
// is wrong, wrapping the module's sentinels where the package decides.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want error  // a sentinel, or nil to check the text only
		text string // a part of the message
	}{
		{"unknown flag", []string{"-bogus"}, nil, "flag provided but not defined: -bogus"},
		{"stray argument", []string{"extra"}, nil, `unexpected argument "extra"`},
		{"flag after argument", []string{"extra", "-fee", "1"}, nil, `unexpected argument "extra"`},
		{"count not a number", []string{"-counts", "2400,x,180,90,36,12"}, nil, `count 2 (prequal calls): "x"`},
		{"too few counts", []string{"-counts", "2400,360"}, funnel.ErrLengthMismatch, "-counts"},
		{"counts rise", []string{"-counts", "2400,3600,180,90,36,12"}, funnel.ErrCountsRise, "prequal calls"},
		{"negative count", []string{"-counts", "2400,360,180,90,36,-1"}, funnel.ErrNegativeCount, "placements"},
		{"no placements possible", []string{"-counts", "2400,0,0,0,0,0"}, funnel.ErrNoData, "qual calls"},
		{"fee not a decimal", []string{"-fee", "lots"}, nil, `-fee: "lots"`},
		{"negative fee", []string{"-fee", "-1"}, funnel.ErrNegativeAmount, "asp"},
		{"gain NaN", []string{"-gain", "NaN"}, funnel.ErrNotFinite, "gain"},
		{"gain below -100%", []string{"-gain", "-2"}, funnel.ErrOutOfRange, "gain"},
		{"negative growth", []string{"-growth", "-0.5"}, funnel.ErrOutOfRange, "growth"},
		{"negative points", []string{"-points", "-0.05"}, funnel.ErrOutOfRange, "step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := run(context.Background(), &b, tt.args)
			if err == nil {
				t.Fatalf("run(%q): no error; printed:\n%s", tt.args, b.String())
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("run(%q) = %v, want an error wrapping %v", tt.args, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("run(%q) = %q, want it to name %q", tt.args, err, tt.text)
			}
			if b.Len() != 0 {
				t.Errorf("run(%q) printed a report before failing:\n%s", tt.args, b.String())
			}
		})
	}
}

// TestCancelled checks that a cancelled context stops the program.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, &bytes.Buffer{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("run(cancelled) = %v, want context.Canceled", err)
	}
}

// FuzzRun runs the program on any flag values: it never panics, and a
// report it prints holds no NaN or infinity.
func FuzzRun(f *testing.F) {
	f.Add("2400,360,180,90,36,12", "25000.00", 0.10, 0.50, 0.05)
	f.Add("1000,300,150,90,36,9", "20000", 0.2, 0.25, 0.1)
	f.Add("2400,3600,180,90,36,12", "-1", -2.0, -0.5, -0.05)
	f.Add("1,1,1,1,1,1", "0", 0.0, 300.0, 0.99)
	f.Add("2400,0,0,0,0,0", "1e20", 1e300, 1e300, 1e300)
	f.Fuzz(func(t *testing.T, counts, fee string, gain, growth, points float64) {
		args := []string{"-counts", counts, "-fee", fee, "-gain", strconv.FormatFloat(gain, 'g', -1, 64),
			"-growth", strconv.FormatFloat(growth, 'g', -1, 64), "-points", strconv.FormatFloat(points, 'g', -1, 64)}
		var b bytes.Buffer
		if err := run(context.Background(), &b, args); err != nil {
			return
		}
		if out := b.String(); strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("run(%q) printed NaN or Inf:\n%s", args, out)
		}
	})
}
