package target_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

var revFunnel = funnel.MustNew("Lead", "Meeting", "Proposal", "Won")

var revOpts = cmp.Options{
	cmpopts.EquateApprox(1e-12, 1e-12),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
}

func revVols(exact []float64, whole []int64) []funnel.Volume {
	names := revFunnel.Stages()
	out := make([]funnel.Volume, len(exact))
	for i := range exact {
		out[i] = funnel.Volume{Stage: names[i], Exact: exact[i], Whole: whole[i]}
	}
	return out
}

// revCounts are three reps over Lead > Meeting > Proposal > Won, every deal
// closed:
//
//	      Lead  Meeting  Proposal  Won   steps
//	amy    240    120       30     12    0.50  0.25  0.40
//	ben    100     60       24     12    0.60  0.40  0.50
//	cal    100     50       25     15    0.50  0.50  0.60
//	team   440    230       79     39    230/440  79/230  39/79
func revCounts(t *testing.T) []funnel.Counts {
	t.Helper()
	var out []funnel.Counts
	for _, r := range []struct {
		name    string
		reached []int64
	}{{"amy", []int64{240, 120, 30, 12}}, {"ben", []int64{100, 60, 24, 12}}, {"cal", []int64{100, 50, 25, 15}}} {
		c, err := funnel.FromReached(revFunnel, r.reached, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Key = []string{r.name}
		out = append(out, c)
	}
	return out
}

func TestReverseThreeHand(t *testing.T) {
	reps := revCounts(t)
	team, err := funnel.Sum(revFunnel, reps)
	if err != nil {
		t.Fatal(err)
	}
	repRates, err := target.StepRates(revFunnel, reps[0])
	if err != nil {
		t.Fatal(err)
	}
	teamRates, err := target.StepRates(revFunnel, team)
	if err != nil {
		t.Fatal(err)
	}
	// Raw rates, every rep scored: the best step is ben's into Meeting
	// (0.6), cal's into Proposal (0.5) and into Won (0.6).
	rep, err := ratios.Benchmark(revFunnel, reps, &ratios.Options{Rule: ratios.RuleRaw, MinTrials: 1})
	if err != nil {
		t.Fatal(err)
	}
	bench := target.RoleModelRates(rep)
	if diff := cmp.Diff([]float64{0.6, 0.5, 0.6}, bench, revOpts); diff != "" {
		t.Errorf("RoleModelRates mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0.5, 0.25, 0.4}, repRates, revOpts); diff != "" {
		t.Errorf("StepRates(amy) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{230.0 / 440, 79.0 / 230, 39.0 / 79}, teamRates, revOpts); diff != "" {
		t.Errorf("StepRates(team) mismatch (-want +got):\n%s", diff)
	}

	tests := []struct {
		name  string
		rates target.ThreeRates
		want  target.ThreeWay
	}{
		{
			// $300,000 / $25,000 = 12 won.
			// amy: Proposal 12/0.4 = 30, Meeting 30/0.25 = 120, Lead 120/0.5 = 240 (all whole).
			// team: Proposal 12 × 79/39 = 24.308 → 25; Meeting 12 × 230/39 = 70.769,
			//   whole ⌈25 × 230/79⌉ = ⌈72.78⌉ = 73; Lead 12 × 440/39 = 135.385,
			//   whole ⌈73 × 440/230⌉ = ⌈139.65⌉ = 140.
			// benchmark: Proposal 12/0.6 = 20, Meeting 20/0.5 = 40,
			//   Lead 40/0.6 = 66.667 → 67.
			name:  "rep, team and benchmark from counts",
			rates: target.ThreeRates{Rep: repRates, Team: teamRates, Benchmark: bench},
			want: target.ThreeWay{Stage: "Won", Target: triD("300000"), ASP: triD("25000"), WonNeeded: 12,
				Rep: target.Way{Rates: []float64{0.5, 0.25, 0.4},
					Volumes: revVols([]float64{240, 120, 30, 12}, []int64{240, 120, 30, 12})},
				Team: target.Way{Rates: []float64{230.0 / 440, 79.0 / 230, 39.0 / 79},
					Volumes: revVols([]float64{12.0 * 440 / 39, 12.0 * 230 / 39, 12.0 * 79 / 39, 12}, []int64{140, 73, 25, 12})},
				Benchmark: target.Way{Rates: []float64{0.6, 0.5, 0.6},
					Volumes: revVols([]float64{40 / 0.6, 40, 20, 12}, []int64{67, 40, 20, 12})},
			},
		},
		{
			// No team rates; a benchmark with a zero step (no role model):
			// both left out, the rep's as above.
			name:  "ways left out",
			rates: target.ThreeRates{Rep: repRates, Benchmark: []float64{0.6, 0, 0.6}},
			want: target.ThreeWay{Stage: "Won", Target: triD("300000"), ASP: triD("25000"), WonNeeded: 12,
				Rep: target.Way{Rates: []float64{0.5, 0.25, 0.4},
					Volumes: revVols([]float64{240, 120, 30, 12}, []int64{240, 120, 30, 12})},
				Team: target.Way{Reason: "no team rates given"},
				Benchmark: target.Way{Rates: []float64{0.6, 0, 0.6},
					Reason: "the benchmark rate from Meeting to Proposal is zero: no volume reaches the target"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.rates.Rep)
			got, err := target.ReverseThree(revFunnel, triD("300000"), triD("25000"), tt.rates)
			if err != nil {
				t.Fatalf("ReverseThree: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, revOpts); diff != "" {
				t.Errorf("ReverseThree(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if !slices.Equal(before, tt.rates.Rep) {
				t.Errorf("rates changed: %v, was %v", tt.rates.Rep, before)
			}
			// Second method: going forward from the whole volumes at the
			// same rates meets the target at every stage.
			for _, w := range []target.Way{got.Rep, got.Team, got.Benchmark} {
				for i := 0; i+1 < len(w.Volumes); i++ {
					if fwd := float64(w.Volumes[i].Whole) * w.Rates[i]; fwd < float64(w.Volumes[i+1].Whole)-1e-9 {
						t.Errorf("%v: %d × %v = %v < %d", w.Volumes[i].Stage, w.Volumes[i].Whole, w.Rates[i], fwd, w.Volumes[i+1].Whole)
					}
				}
			}
		})
	}
}

func TestReverseThreeBadInput(t *testing.T) {
	ok := []float64{0.5, 0.25, 0.4}
	tests := []struct {
		name   string
		f      funnel.Funnel
		target string
		asp    string
		rates  target.ThreeRates
		want   error
	}{
		{"zero ASP", revFunnel, "300000", "0", target.ThreeRates{Rep: ok}, funnel.ErrOutOfRange},
		{"negative target", revFunnel, "-1", "25000", target.ThreeRates{Rep: ok}, funnel.ErrNegativeAmount},
		{"negative ASP", revFunnel, "300000", "-25000", target.ThreeRates{Rep: ok}, funnel.ErrNegativeAmount},
		{"empty funnel", funnel.Funnel{}, "300000", "25000", target.ThreeRates{Rep: ok}, funnel.ErrEmptyFunnel},
		{"wrong length", revFunnel, "300000", "25000", target.ThreeRates{Team: ok[:2]}, funnel.ErrLengthMismatch},
		{"NaN rate", revFunnel, "300000", "25000", target.ThreeRates{Benchmark: []float64{0.5, math.NaN(), 0.4}}, funnel.ErrNotFinite},
		{"rate above 1", revFunnel, "300000", "25000", target.ThreeRates{Rep: []float64{0.5, 1.5, 0.4}}, funnel.ErrRateRange},
		{"volume past 2^53", revFunnel, "1e30", "1", target.ThreeRates{Rep: ok}, funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := target.ReverseThree(tt.f, triD(tt.target), triD(tt.asp), tt.rates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReverseThree: %v, want errors.Is %v", err, tt.want)
			}
			var ie *funnel.InputError
			var se *funnel.StageError
			switch {
			case errors.As(err, &ie):
				if ie.Op != "target.ReverseThree" {
					t.Errorf("Op = %q", ie.Op)
				}
			case errors.As(err, &se):
				if se.Op != "target.ReverseThree" {
					t.Errorf("Op = %q", se.Op)
				}
			default:
				t.Errorf("error %T is not the module's", err)
			}
		})
	}
	if _, err := target.StepRates(revFunnel, funnel.Counts{Reached: []int64{1, 1}}); !errors.Is(err, funnel.ErrLengthMismatch) {
		t.Errorf("StepRates of other counts: %v, want ErrLengthMismatch", err)
	}
}

func BenchmarkReverseThree(b *testing.B) {
	r := target.ThreeRates{Rep: []float64{0.5, 0.25, 0.4}, Team: []float64{0.5, 0.3, 0.5}, Benchmark: []float64{0.6, 0.5, 0.6}}
	q, asp := decimal.RequireFromString("300000"), decimal.RequireFromString("25000")
	for b.Loop() {
		if _, err := target.ReverseThree(revFunnel, q, asp, r); err != nil {
			b.Fatal(err)
		}
	}
}
