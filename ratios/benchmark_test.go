package ratios_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// bmApprox compares floats to 1e-12 relative, 1e-12 absolute.
var bmApprox = cmpopts.EquateApprox(1e-12, 1e-12)

// bmCounts returns the counts of one rep from counts reached per stage
// and open deals per stage (nil: all closed), keyed by name.
func bmCounts(tb testing.TB, f funnel.Funnel, name string, reached, open []int64) funnel.Counts {
	tb.Helper()
	c, err := funnel.FromReached(f, reached, open)
	if err != nil {
		tb.Fatalf("FromReached(%v, %v): %v", reached, open, err)
	}
	c.Key = []string{name}
	return c
}

// bmTwoStage returns reps over Lead > Won with k won of n leads each.
func bmTwoStage(tb testing.TB, names []string, k, n []int64) (funnel.Funnel, []funnel.Counts) {
	tb.Helper()
	f := funnel.MustNew("Lead", "Won")
	reps := make([]funnel.Counts, len(names))
	for i := range names {
		reps[i] = bmCounts(tb, f, names[i], []int64{n[i], k[i]}, nil)
	}
	return f, reps
}

// The four reps of the worked case, every deal closed, over Lead >
// Meeting > Proposal > Won:
//
//	      Lead  Meeting  Proposal  Won    steps
//	ann    100     60       30     12     0.60  0.50  0.40
//	bob    100     40       28     10     0.40  0.70  0.357
//	cat     80     40       16     10     0.50  0.40  0.625
//	dan     50     30       15      6     0.60  0.50  0.40
//	team   330    170       89     38     0.515 0.524 0.427
//
// The best rep differs by step: ann (and dan) into Meeting, bob into
// Proposal, cat into Won.
var bmFour = funnel.MustNew("Lead", "Meeting", "Proposal", "Won")

func bmFourReps(tb testing.TB) []funnel.Counts {
	tb.Helper()
	return []funnel.Counts{
		bmCounts(tb, bmFour, "ann", []int64{100, 60, 30, 12}, nil),
		bmCounts(tb, bmFour, "bob", []int64{100, 40, 28, 10}, nil),
		bmCounts(tb, bmFour, "cat", []int64{80, 40, 16, 10}, nil),
		bmCounts(tb, bmFour, "dan", []int64{50, 30, 15, 6}, nil),
	}
}

// zOneSided95 is Φ⁻¹(0.95). R: qnorm(0.95) = 1.64485362695147.
const zOneSided95 = 1.64485362695147

// wilsonLower is the one-sided Wilson lower bound written out from its
// textbook formula, a second method beside funnel.Rate.LowerBound.
func wilsonLower(k, n int64, z float64) float64 {
	p, nf := float64(k)/float64(n), float64(n)
	return (p + z*z/(2*nf) - z*math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))) / (1 + z*z/nf)
}

// momentsPrior is the trial-weighted moment fit of funnel.Shrink written
// out from its documented formula, a second method: it returns the
// pooled mean m and the strength s = α + β, with the no-spread and cap
// fallbacks (strength ΣN) and the floor at 1.
func momentsPrior(k, n []int64) (m, s float64) {
	var sk, sn, sn2, r float64
	for i := range k {
		if n[i] > 0 {
			sk += float64(k[i])
			sn += float64(n[i])
			sn2 += float64(n[i]) * float64(n[i])
			r++
		}
	}
	m = sk / sn
	var ss float64
	for i := range k {
		if n[i] > 0 {
			d := float64(k[i])/float64(n[i]) - m
			ss += float64(n[i]) * d * d
		}
	}
	tau2 := (ss - (r-1)*m*(1-m)) / (sn - sn2/sn - (r - 1))
	if tau2 <= 0 {
		return m, sn
	}
	s = m*(1-m)/tau2 - 1
	return m, min(max(s, 1), sn)
}

func TestBenchmarkRoleModels(t *testing.T) {
	// At every step every other rep's raw rate is at or below the
	// team's pooled rate m and the best one's above it (0.60 > 0.515,
	// 0.70 > 0.524, 0.625 > 0.427), and shrinkage moves each rate towards
	// m, so the order at the top holds for any prior: ann into Meeting
	// (60 of 100 and dan's 30 of 50 are both 0.60, and ann's with more
	// trials is pulled less), bob into Proposal, cat into Won. The Wilson
	// bounds (R, qnorm(0.95) in the textbook formula): ann 60/100 0.5178
	// above dan 30/50 0.4838; bob 28/40 0.5713; cat 10/16 0.4219 above
	// ann's 12/30 0.2671. The raw rule ties ann and dan at 0.60 and gives
	// it to ann, who has more trials.
	want := []struct{ name, from, stage string }{{"ann", "Lead", "Meeting"}, {"bob", "Meeting", "Proposal"}, {"cat", "Proposal", "Won"}}
	wantRate := []funnel.Rate{{K: 60, N: 100}, {K: 28, N: 40}, {K: 10, N: 16}}
	tests := []struct {
		name  string
		opts  *ratios.Options
		score func(k, n []int64, i int) float64 // the rule's score by a second method
	}{
		{"default shrunk", nil, func(k, n []int64, i int) float64 {
			m, s := momentsPrior(k, n)
			return (float64(k[i]) + m*s) / (float64(n[i]) + s)
		}},
		{"wilson lower", &ratios.Options{Rule: ratios.RuleWilson}, func(k, n []int64, i int) float64 { return wilsonLower(k[i], n[i], zOneSided95) }},
		{"raw", &ratios.Options{Rule: ratios.RuleRaw, MinTrials: 1}, func(k, n []int64, i int) float64 { return float64(k[i]) / float64(n[i]) }},
	}
	reps := bmFourReps(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ratios.Benchmark(bmFour, reps, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.RoleModels) != 3 {
				t.Fatalf("%d role models, want 3", len(r.RoleModels))
			}
			for j, rm := range r.RoleModels {
				k, n := make([]int64, len(reps)), make([]int64, len(reps))
				for i, c := range reps {
					k[i], n[i] = c.Reached[j+1], c.Reached[j]
				}
				scores := make([]float64, len(reps))
				for i := range reps {
					scores[i] = tt.score(k, n, i)
				}
				wantIdx := slices.IndexFunc(reps, func(c funnel.Counts) bool { return ratios.Name(c) == want[j].name })
				got := struct {
					From, Stage, Name string
					Rep               int
					Rate              funnel.Rate
					Score             float64
					Candidates        int
				}{rm.From, rm.Stage, rm.Name, rm.Rep, rm.Rate, rm.Score.Float64, rm.Candidates}
				wantRM := got
				wantRM.From, wantRM.Stage, wantRM.Name, wantRM.Rep, wantRM.Rate = want[j].from, want[j].stage, want[j].name, wantIdx, wantRate[j]
				wantRM.Score, wantRM.Candidates = scores[wantIdx], 4
				if diff := cmp.Diff(wantRM, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
					t.Errorf("step %d role model mismatch (-want +got):\n%s", j+1, diff)
				}
				// Every rep's score is the rule's, and the ranks follow
				// the scores (ties to more trials, as in raw's step 1).
				gotScores, gotRanks := make([]float64, len(reps)), make([]int, len(reps))
				for i, rr := range r.Reps {
					gotScores[i], gotRanks[i] = rr.Steps[j].Score.Float64, rr.Steps[j].Rank
				}
				if diff := cmp.Diff(scores, gotScores, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
					t.Errorf("step %d scores mismatch (-want +got):\n%s", j+1, diff)
				}
				wantRanks := make([]int, len(reps))
				for i := range reps {
					wantRanks[i] = 1
					for o := range reps {
						if scores[o] > scores[i] || scores[o] == scores[i] && n[o] > n[i] {
							wantRanks[i]++
						}
					}
				}
				if diff := cmp.Diff(wantRanks, gotRanks); diff != "" {
					t.Errorf("step %d ranks mismatch (-want +got):\n%s", j+1, diff)
				}
			}
		})
	}
}

func TestBenchmarkTables(t *testing.T) {
	// The rep's table is the core's, with the gap to the role models'
	// resolved rates 0.60, 0.70 and 0.625 (ann, bob, cat). For bob:
	// into Meeting 40 of 100 is 0.2 behind, short 100 × 0.6 − 40 = 20;
	// into Proposal he is the role model, 0 and 0; into Won 10 of 28 is
	// 10/28 − 0.625 = −0.267857 behind, short 28 × 0.625 − 10 = 7.5.
	r, err := ratios.Benchmark(bmFour, bmFourReps(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	bob := r.Reps[1]
	want, err := funnel.NewTable(bmFour, bmFourReps(t)[1], &funnel.TableOptions{Confidence: 0.95, BenchmarkRates: []float64{0.6, 0.7, 0.625}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, bob.Table, bmApprox); diff != "" {
		t.Errorf("bob's table mismatch (-want +got):\n%s", diff)
	}
	var gotGaps [][2]float64
	for _, row := range bob.Table.Stages[1:] {
		gotGaps = append(gotGaps, [2]float64{row.Gap.Points.Float64, row.Gap.Shortfall.Float64})
	}
	wantGaps := [][2]float64{{-0.2, 20}, {0, 0}, {10.0/28 - 0.625, 7.5}}
	if diff := cmp.Diff(wantGaps, gotGaps, bmApprox); diff != "" {
		t.Errorf("bob's gaps mismatch (-want +got):\n%s", diff)
	}
	// The team's table is the core's on the sum, 330 > 170 > 89 > 38.
	team, err := funnel.NewTable(bmFour, bmCounts(t, bmFour, "", []int64{330, 170, 89, 38}, nil), &funnel.TableOptions{Confidence: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(team, r.Team, bmApprox); diff != "" {
		t.Errorf("team table mismatch (-want +got):\n%s", diff)
	}
}

func TestBenchmarkOpenDeals(t *testing.T) {
	// Open deals leave the resolved trials: eve has 40 leads of which 10
	// are still open at Lead, and 12 reached Meeting, so her naive step
	// is 12 of 40 (0.30) and her resolved step 12 of 30 (0.40); fay has
	// 20 of 50, all closed (0.40 both ways). Both have 30 or more resolved
	// trials; fay, with 50, wins the raw rule's tie at 0.40 on trials.
	f := funnel.MustNew("Lead", "Meeting")
	reps := []funnel.Counts{
		bmCounts(t, f, "eve", []int64{40, 12}, []int64{10, 0}),
		bmCounts(t, f, "fay", []int64{50, 20}, nil),
	}
	r, err := ratios.Benchmark(f, reps, &ratios.Options{Rule: ratios.RuleRaw})
	if err != nil {
		t.Fatal(err)
	}
	eve := r.Reps[0].Table.Stages[1]
	got := []funnel.Rate{eve.Step, eve.Resolved, r.RoleModels[0].Rate}
	want := []funnel.Rate{{K: 12, N: 40}, {K: 12, N: 30}, {K: 20, N: 50}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("eve's steps and the role model mismatch (-want +got):\n%s", diff)
	}
	if r.RoleModels[0].Name != "fay" {
		t.Errorf("role model %q, want fay (0.40 on 50 trials beats 0.40 on 30)", r.RoleModels[0].Name)
	}
	// At the role model's rate eve has no lever: 0.40 − 0.40 = 0.
	if len(r.Reps[0].Levers) != 0 {
		t.Errorf("eve's levers %+v, want none", r.Reps[0].Levers)
	}
}

func TestBenchmarkShrinkVsRaw(t *testing.T) {
	// Into Won: lucky 3 of 3, steady 45 of 60, and three reps at 20/60,
	// 15/50 and 10/40. R, the moment fit of funnel.Shrink's formula:
	// m = 93/213 = 0.43662, τ² = 0.056618, α + β = m(1 − m)/τ² − 1 =
	// 3.3446 (between 1 and ΣN = 213, no fallback). Shrunk, lucky is
	// (3 + 0.43662 × 3.3446)/(3 + 3.3446) = 4.4603/6.3446 = 0.7030 and
	// steady (45 + 1.4603)/63.3446 = 0.7335: shrinkage picks steady where
	// the raw rate picks lucky's 1.0. The Wilson bounds at 95% one-sided
	// (funnel.Rate.LowerBound's documented case): 3 of 3 0.526, 45 of 60
	// 0.649.
	f, reps := bmTwoStage(t, []string{"lucky", "steady", "c", "d", "e"}, []int64{3, 45, 20, 15, 10}, []int64{3, 60, 60, 50, 40})
	tests := []struct {
		name  string
		opts  *ratios.Options
		want  string
		score float64
	}{
		{"default", nil, "steady", (45 + 93.0/213*3.3446020591109376) / (60 + 3.3446020591109376)},
		{"shrunk any sample", &ratios.Options{MinTrials: 1}, "steady", (45 + 93.0/213*3.3446020591109376) / (60 + 3.3446020591109376)},
		{"wilson any sample", &ratios.Options{Rule: ratios.RuleWilson, MinTrials: 1}, "steady", 0.648624241268694},
		{"raw any sample", &ratios.Options{Rule: ratios.RuleRaw, MinTrials: 1}, "lucky", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ratios.Benchmark(f, reps, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rm := r.RoleModels[0]
			if diff := cmp.Diff([]any{tt.want, tt.score}, []any{rm.Name, rm.Score.Float64}, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("role model mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// lucky's shrunk rate, (3 + m·s)/(3 + s) = 0.7030.
	r, err := ratios.Benchmark(f, reps, &ratios.Options{MinTrials: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Reps[0].Steps[0].Shrunk.Float64, (3+93.0/213*3.3446020591109376)/(3+3.3446020591109376); math.Abs(got-want) > 1e-12 {
		t.Errorf("lucky's shrunk rate %v, want %v", got, want)
	}
}

func TestBenchmarkFloor(t *testing.T) {
	// A team converting above 45/60: lucky 3/3, steady 45/60, x 75/100,
	// y 150/200. m = 273/363 = 0.75207; the spread SS = 3(1 − m)² +
	// 360(0.75 − m)² = 0.18441 + 0.00154 = 0.18595 is below the binomial
	// noise (R − 1)m(1 − m) = 3 × 0.75207 × 0.24793 = 0.55938, so the
	// prior falls back to no spread, strength ΣN = 363. Shrunk, lucky is
	// (3 + 273)/366 = 0.75410, steady (45 + 273)/423 = 0.75177, x
	// 348/463 = 0.75162, y 423/563 = 0.75133: with every sample scored,
	// shrinkage crowns lucky, by the team's record rightly so. The
	// default's floor of 10 resolved trials keeps 3 of 3 from being
	// anyone's role model: steady, 45 of 60, is.
	f, reps := bmTwoStage(t, []string{"lucky", "steady", "x", "y"}, []int64{3, 45, 75, 150}, []int64{3, 60, 100, 200})
	tests := []struct {
		name  string
		opts  *ratios.Options
		want  string
		score float64
	}{
		{"every sample", &ratios.Options{MinTrials: 1}, "lucky", 276.0 / 366},
		{"default floor", nil, "steady", 318.0 / 423},
		{"raw default floor", &ratios.Options{Rule: ratios.RuleRaw}, "y", 0.75}, // 0.75 three ways; y has most trials
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ratios.Benchmark(f, reps, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rm := r.RoleModels[0]
			if diff := cmp.Diff([]any{tt.want, tt.score}, []any{rm.Name, rm.Score.Float64}, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("role model mismatch (-want +got):\n%s", diff)
			}
			if tt.opts == nil && r.Reps[0].Steps[0].Score.Valid {
				t.Errorf("lucky scored %v with 3 trials, below the floor", r.Reps[0].Steps[0].Score)
			}
		})
	}
}

func TestBenchmarkTies(t *testing.T) {
	// Equal scores go to more resolved trials, then to the name first in
	// byte order, then to the rep given first. Under the raw rule: 5/10
	// and 10/20 tie at 0.5 (10/20 wins on trials); zed 10/20 and amy
	// 10/20 tie on both (amy wins on name); two reps named "amy" with
	// 10/20 tie on everything (the first given wins).
	tests := []struct {
		name   string
		names  []string
		k, n   []int64
		want   int
		ranks  []int
		reason string
	}{
		{"trials", []string{"a", "b"}, []int64{5, 10}, []int64{10, 20}, 1, []int{2, 1}, "10 of 20 has more trials"},
		{"name", []string{"zed", "amy"}, []int64{10, 10}, []int64{20, 20}, 1, []int{2, 1}, "amy sorts first"},
		{"order", []string{"amy", "amy"}, []int64{10, 10}, []int64{20, 20}, 0, []int{1, 2}, "the first given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, reps := bmTwoStage(t, tt.names, tt.k, tt.n)
			r, err := ratios.Benchmark(f, reps, &ratios.Options{Rule: ratios.RuleRaw, MinTrials: 1})
			if err != nil {
				t.Fatal(err)
			}
			ranks := []int{r.Reps[0].Steps[0].Rank, r.Reps[1].Steps[0].Rank}
			if diff := cmp.Diff([]any{tt.want, tt.ranks}, []any{r.RoleModels[0].Rep, ranks}); diff != "" {
				t.Errorf("%s: mismatch (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestBenchmarkNoRoleModel(t *testing.T) {
	// With MinTrials 61 nobody qualifies into Proposal or Won (at most 60
	// and 30 resolved trials), so those steps have no role model, no gap
	// and no lever; into Meeting ann, bob and cat qualify (100, 100 and
	// 80 trials, dan's 50 do not), ann (60 of 100) is the role model and
	// bob, cat and dan have levers there. The counts carry no amounts and
	// no won value is given, so bookings are null, never zero.
	r, err := ratios.Benchmark(bmFour, bmFourReps(t), &ratios.Options{MinTrials: 61})
	if err != nil {
		t.Fatal(err)
	}
	var got []any
	for _, rm := range r.RoleModels {
		got = append(got, rm.Rep, rm.Name, rm.Score.Valid, rm.Candidates)
	}
	want := []any{0, "ann", true, 3, -1, "", false, 0, -1, "", false, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("role models mismatch (-want +got):\n%s", diff)
	}
	if r.WonValue.Valid {
		t.Errorf("won value %v, want null", r.WonValue)
	}
	for i, rr := range r.Reps {
		for _, row := range rr.Table.Stages[2:] {
			if row.Gap != nil {
				t.Errorf("rep %d stage %s: gap %+v without a role model", i, row.Stage, *row.Gap)
			}
		}
		for _, l := range rr.Levers {
			if l.Index != 1 || l.ExtraBookings.Valid {
				t.Errorf("rep %d: lever %+v, want only into Meeting and null bookings", i, l)
			}
		}
	}
	// bob: 100 × 0.6 − 40 = 20 meetings, × 0.7 = 14 proposals, × 10/28 =
	// 5 won.
	if diff := cmp.Diff([]funnel.NullFloat64{funnel.Some(20), funnel.Some(14), funnel.Some(5)}, r.Reps[1].Levers[0].ExtraDeals, bmApprox); diff != "" {
		t.Errorf("bob's extra deals mismatch (-want +got):\n%s", diff)
	}
}

func TestBenchmarkOneStage(t *testing.T) {
	f := funnel.MustNew("Won")
	reps := []funnel.Counts{bmCounts(t, f, "a", []int64{3}, nil), bmCounts(t, f, "b", []int64{4}, nil)}
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RoleModels) != 0 || len(r.Reps) != 2 || len(r.Reps[0].Steps) != 0 || r.Tests != 0 {
		t.Errorf("one stage: %d role models, %d reps, %d steps, %d tests; want 0, 2, 0, 0", len(r.RoleModels), len(r.Reps), len(r.Reps[0].Steps), r.Tests)
	}
}

func TestBenchmarkBadInput(t *testing.T) {
	f := bmFour
	good := bmFourReps(t)
	other := bmCounts(t, funnel.MustNew("Lead", "Won"), "x", []int64{10, 5}, nil)
	rising := good[1].Clone()
	rising.Reached[2] = rising.Reached[1] + 1 // 100 > 40 > 41: more deals at Proposal than at Meeting
	negative := good[2].Clone()
	negative.Reached[3] = -1
	nan := math.NaN()
	tests := []struct {
		name  string
		f     funnel.Funnel
		reps  []funnel.Counts
		opts  *ratios.Options
		place string // the InputError's Name, or the Input of a StageError
		is    error
	}{
		{"no reps", f, nil, nil, "reps", funnel.ErrNoData},
		{"empty reps", f, []funnel.Counts{}, nil, "reps", funnel.ErrNoData},
		{"zero funnel", funnel.Funnel{}, good, nil, "funnel", funnel.ErrEmptyFunnel},
		{"counts rise", f, []funnel.Counts{good[0], rising}, nil, "reps[1].reached", funnel.ErrCountsRise},
		{"mismatched funnels", f, []funnel.Counts{good[0], good[1], other}, nil, "reps[2].reached", funnel.ErrLengthMismatch},
		{"negative count", f, []funnel.Counts{good[0], good[1], negative}, nil, "reps[2].reached", funnel.ErrNegativeCount},
		{"confidence 1", f, good, &ratios.Options{Confidence: 1}, "confidence", funnel.ErrOutOfRange},
		{"confidence negative", f, good, &ratios.Options{Confidence: -0.95}, "confidence", funnel.ErrOutOfRange},
		{"confidence NaN", f, good, &ratios.Options{Confidence: nan}, "confidence", funnel.ErrNotFinite},
		{"confidence +Inf", f, good, &ratios.Options{Confidence: math.Inf(1)}, "confidence", funnel.ErrNotFinite},
		{"wilson at 0.5", f, good, &ratios.Options{Rule: ratios.RuleWilson, Confidence: 0.5}, "confidence", funnel.ErrOutOfRange},
		{"unknown rule", f, good, &ratios.Options{Rule: 3}, "rule", funnel.ErrOutOfRange},
		{"negative rule", f, good, &ratios.Options{Rule: -1}, "rule", funnel.ErrOutOfRange},
		{"negative min trials", f, good, &ratios.Options{MinTrials: -1}, "min_trials", funnel.ErrOutOfRange},
		{"fdr 1", f, good, &ratios.Options{FDR: 1}, "fdr", funnel.ErrOutOfRange},
		{"fdr negative", f, good, &ratios.Options{FDR: -0.1}, "fdr", funnel.ErrOutOfRange},
		{"fdr NaN", f, good, &ratios.Options{FDR: nan}, "fdr", funnel.ErrNotFinite},
		{"won value negative", f, good, &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.NewFromInt(-5))}, "won_value", funnel.ErrNegativeAmount},
		{"won value too precise", f, good, &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.New(1, -30))}, "won_value", funnel.ErrOutOfRange},
		{"shrink estimator", f, good, &ratios.Options{Shrink: &funnel.ShrinkOptions{Estimator: 9}}, "shrink.estimator", funnel.ErrOutOfRange},
		{"shrink prior", f, good, &ratios.Options{Shrink: &funnel.ShrinkOptions{Prior: funnel.Prior{Alpha: -1, Beta: 2}}}, "shrink.prior", funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ratios.Benchmark(tt.f, tt.reps, tt.opts)
			if !errors.Is(err, tt.is) {
				t.Fatalf("Benchmark error = %v, want one wrapping %v", err, tt.is)
			}
			checkPlace(t, err, "ratios.Benchmark", tt.place)
			if r.Reps != nil || r.RoleModels != nil {
				t.Errorf("a failed Benchmark returned %+v, want the zero Report", r)
			}
		})
	}
}

// checkPlace checks that err is a *funnel.InputError naming place, or a
// *funnel.StageError whose input is place, with op.
func checkPlace(t *testing.T, err error, op, place string) {
	t.Helper()
	var ie *funnel.InputError
	var se *funnel.StageError
	switch {
	case errors.As(err, &ie):
		if ie.Op != op || ie.Name != place {
			t.Errorf("error %q: Op %q Name %q, want %q %q", err, ie.Op, ie.Name, op, place)
		}
	case errors.As(err, &se):
		if se.Op != op || se.Input != place {
			t.Errorf("error %q: Op %q Input %q, want %q %q", err, se.Op, se.Input, op, place)
		}
		if se.Index >= 0 && se.Stage == "" {
			t.Errorf("error %q names stage %d without its name", err, se.Index)
		}
	default:
		t.Errorf("error %v (%T) is neither a *funnel.InputError nor a *funnel.StageError", err, err)
	}
	if n := strings.Count(err.Error(), "ratios"); n != 1 {
		t.Errorf("error %q has %d package prefixes, want 1", err, n)
	}
}

func TestBenchmarkInputsUnchanged(t *testing.T) {
	reps := bmFourReps(t)
	keep := make([]funnel.Counts, len(reps))
	for i, c := range reps {
		keep[i] = c.Clone()
	}
	opts := &ratios.Options{Shrink: &funnel.ShrinkOptions{Estimator: funnel.MaxLikelihood}, WonValue: decimal.NewNullDecimal(decimal.NewFromInt(1000))}
	keepOpts := *opts
	keepShrink := *opts.Shrink
	if _, err := ratios.Benchmark(bmFour, reps, opts); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keep, reps); diff != "" {
		t.Errorf("Benchmark modified its reps (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(keepOpts, *opts, cmpopts.IgnoreFields(ratios.Options{}, "Shrink")); diff != "" {
		t.Errorf("Benchmark modified its options (-before +after):\n%s", diff)
	}
	if keepShrink != *opts.Shrink {
		t.Errorf("Benchmark modified its shrink options: %+v, was %+v", *opts.Shrink, keepShrink)
	}
}

func TestBenchmarkJSON(t *testing.T) {
	// A step without a role model (MinTrials 61 leaves Proposal and Won
	// without one) and counts without amounts: nulls, not NaN or zero.
	r, err := ratios.Benchmark(bmFour, bmFourReps(t), &ratios.Options{MinTrials: 61, Rule: ratios.RuleWilson})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, bad := range []string{"NaN", "Inf"} {
		if strings.Contains(s, bad) {
			t.Errorf("JSON holds %s: %s", bad, s)
		}
	}
	var doc struct {
		Rule       string `json:"rule"`
		WonValue   any    `json:"won_value"`
		RoleModels []struct {
			Rep   int             `json:"rep"`
			Score *float64        `json:"score"`
			Prior json.RawMessage `json:"prior"`
		} `json:"role_models"`
		Reps []struct {
			Steps []struct {
				Score  *float64 `json:"score"`
				Signal struct {
					P      *float64 `json:"p"`
					Beyond *bool    `json:"beyond_noise"`
					PBelow *float64 `json:"p_below"`
				} `json:"signal"`
			} `json:"steps"`
			Levers []struct {
				ExtraBookings any `json:"extra_bookings"`
			} `json:"levers"`
		} `json:"reps"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Rule != "wilson-lower" || doc.WonValue != nil {
		t.Errorf("rule %q won_value %v, want \"wilson-lower\" and null", doc.Rule, doc.WonValue)
	}
	if doc.RoleModels[1].Rep != -1 || doc.RoleModels[1].Score != nil || string(doc.RoleModels[1].Prior) == "null" {
		t.Errorf("role model into Proposal: %+v, want rep -1, null score and a prior", doc.RoleModels[1])
	}
	if doc.Reps[0].Steps[2].Score != nil || doc.Reps[0].Steps[0].Score == nil {
		t.Errorf("ann's scores: %v, %v; want a score into Meeting (100 trials) and null into Won (30)", doc.Reps[0].Steps[0].Score, doc.Reps[0].Steps[2].Score)
	}
	if sig := doc.Reps[0].Steps[0].Signal; sig.P == nil || sig.Beyond == nil || sig.PBelow == nil {
		t.Errorf("ann's signal into Meeting: %+v, want p, beyond_noise and p_below", sig)
	}
	for _, l := range doc.Reps[1].Levers {
		if l.ExtraBookings != nil {
			t.Errorf("bob's lever bookings %v, want null", l.ExtraBookings)
		}
	}
}

func TestRuleText(t *testing.T) {
	for _, r := range []ratios.Rule{ratios.RuleShrunk, ratios.RuleWilson, ratios.RuleRaw} {
		b, err := r.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got ratios.Rule
		if err := got.UnmarshalText(b); err != nil || got != r {
			t.Errorf("%v: round trip gave %v, %v", r, got, err)
		}
	}
	want := []string{"shrunk", "wilson-lower", "raw", "Rule(3)"}
	var got []string
	for r := ratios.Rule(0); r <= 3; r++ {
		got = append(got, r.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	if _, err := ratios.Rule(3).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("MarshalText(3) error = %v, want ErrOutOfRange", err)
	}
	r := ratios.RuleRaw
	if err := r.UnmarshalText([]byte("best")); !errors.Is(err, funnel.ErrOutOfRange) || r != ratios.RuleRaw {
		t.Errorf("UnmarshalText(best) = %v leaving %v, want ErrOutOfRange leaving raw", err, r)
	}
	var o ratios.Options
	if err := json.Unmarshal([]byte(`{"rule":"wilson-lower","min_trials":20}`), &o); err != nil || o.Rule != ratios.RuleWilson || o.MinTrials != 20 {
		t.Errorf("options from JSON: %+v, %v", o, err)
	}
}
