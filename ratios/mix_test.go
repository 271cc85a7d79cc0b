package ratios_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// mixFunnel is the funnel of the mix tests: qualified, proposal, won.
var mixFunnel = funnel.MustNew("qualified", "proposal", "won")

// mixCounts returns the counts of plain numbers keyed [rep, stratum].
func mixCounts(t testing.TB, rep, stratum string, reached, open []int64) funnel.Counts {
	t.Helper()
	c, err := funnel.FromReached(mixFunnel, reached, open)
	if err != nil {
		t.Fatalf("FromReached(%v, %v): %v", reached, open, err)
	}
	c.Key = []string{rep, stratum}
	return c
}

// simpson is the hand-worked Simpson's paradox over segment. At the step
// from proposal to won:
//
//	        smb            ent           raw
//	ann   80/100 = 0.80   2/20  = 0.10   82/120 = 0.6833
//	bob   18/20  = 0.90  30/100 = 0.30   48/120 = 0.4000
//
// Bob converts better in both segments, but ann was given mostly small
// deals, so her raw rate ranks her first. The team has 100+20 = 120
// resolved proposals in smb and 20+100 = 120 in ent: w = ½ each, and
//
//	ann: ½·0.80 + ½·0.10 = 0.45
//	bob: ½·0.90 + ½·0.30 = 0.60
//
// rank bob first. The step into proposal is 0.5 in every cell, so its
// standardized rates are 0.5.
func simpson(t testing.TB) []funnel.Counts {
	return []funnel.Counts{
		mixCounts(t, "ann", "smb", []int64{200, 100, 80}, nil),
		mixCounts(t, "ann", "ent", []int64{40, 20, 2}, nil),
		mixCounts(t, "bob", "smb", []int64{40, 20, 18}, nil),
		mixCounts(t, "bob", "ent", []int64{200, 100, 30}, nil),
	}
}

func TestStandardizeSimpson(t *testing.T) {
	reps := simpson(t)
	m, err := ratios.Standardize(mixFunnel, reps)
	if err != nil {
		t.Fatal(err)
	}
	sr := func(s string, k, n int64, share float64) ratios.StratumRate {
		return ratios.StratumRate{Stratum: s, Rate: funnel.Rate{K: k, N: n}, Share: funnel.Some(share)}
	}
	first := func() ratios.MixStep {
		return ratios.MixStep{Stage: "qualified", Strata: []ratios.StratumRate{{Stratum: "ent"}, {Stratum: "smb"}}}
	}
	want := ratios.Mix{
		Strata: []string{"ent", "smb"}, // sorted
		Team: ratios.RepMix{Stages: []ratios.MixStep{
			first(),
			// proposal: ent 20+100 = 120 of 40+200 = 240, smb 100+20 = 120 of 240.
			{Stage: "proposal", Raw: funnel.Rate{K: 240, N: 480}, Standardized: funnel.Some(0.5), Filled: funnel.Some(0.5),
				Strata: []ratios.StratumRate{sr("ent", 120, 240, 0.5), sr("smb", 120, 240, 0.5)}},
			// won: ent 2+30 = 32 of 120, smb 80+18 = 98 of 120; raw 130/240; ½·32/120 + ½·98/120 = 130/240.
			{Stage: "won", Raw: funnel.Rate{K: 130, N: 240}, Standardized: funnel.Some(130.0 / 240), Filled: funnel.Some(130.0 / 240),
				Strata: []ratios.StratumRate{sr("ent", 32, 120, 0.5), sr("smb", 98, 120, 0.5)}},
		}},
		Reps: []ratios.RepMix{
			{Rep: "ann", Stages: []ratios.MixStep{
				first(),
				// proposal: 20/40 and 100/200; her own mix is 40/240 ent.
				{Stage: "proposal", Raw: funnel.Rate{K: 120, N: 240}, Standardized: funnel.Some(0.5), Filled: funnel.Some(0.5),
					Strata: []ratios.StratumRate{sr("ent", 20, 40, 40.0/240), sr("smb", 100, 200, 200.0/240)}},
				{Stage: "won", Raw: funnel.Rate{K: 82, N: 120}, Standardized: funnel.Some(0.45), Filled: funnel.Some(0.45),
					Strata: []ratios.StratumRate{sr("ent", 2, 20, 20.0/120), sr("smb", 80, 100, 100.0/120)}},
			}},
			{Rep: "bob", Stages: []ratios.MixStep{
				first(),
				{Stage: "proposal", Raw: funnel.Rate{K: 120, N: 240}, Standardized: funnel.Some(0.5), Filled: funnel.Some(0.5),
					Strata: []ratios.StratumRate{sr("ent", 100, 200, 200.0/240), sr("smb", 20, 40, 40.0/240)}},
				{Stage: "won", Raw: funnel.Rate{K: 48, N: 120}, Standardized: funnel.Some(0.6), Filled: funnel.Some(0.6),
					Strata: []ratios.StratumRate{sr("ent", 30, 100, 100.0/120), sr("smb", 18, 20, 20.0/120)}},
			}},
		},
	}
	if diff := cmp.Diff(want, m, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Standardize(simpson) mismatch (-want +got):\n%s", diff)
	}
	// The paradox itself: raw ranks ann first, standardized ranks bob.
	ann, bob := m.Reps[0].Stages[2], m.Reps[1].Stages[2]
	if !(ann.Raw.Value() > bob.Raw.Value() && ann.Standardized.Float64 < bob.Standardized.Float64) {
		t.Errorf("raw %v vs %v, standardized %v vs %v: want the ranks reversed", ann.Raw, bob.Raw, ann.Standardized, bob.Standardized)
	}
}

// TestStandardizeSecondMethod checks the standardized rates against a
// second derivation: each cell's resolved step from funnel.NewTable, and
// the weights from the team's tables, on counts with open deals and a
// rep missing a stratum.
func TestStandardizeSecondMethod(t *testing.T) {
	reps := append(simpson(t),
		// cy sells smb only, with one proposal still open: his step into
		// won resolves 3 of 5 − 1 = 4.
		mixCounts(t, "cy", "smb", []int64{10, 5, 3}, []int64{0, 1, 0}),
		// a blank owner's deals count in the team only.
		mixCounts(t, " ", "ent", []int64{4, 2, 1}, nil),
	)
	m, err := ratios.Standardize(mixFunnel, reps)
	if err != nil {
		t.Fatal(err)
	}
	resolved := func(c funnel.Counts, k int) funnel.Rate {
		tb, err := funnel.NewTable(mixFunnel, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tb.Stages[k].Resolved
	}
	// cell[rep][stratum] over the tables of every group.
	type cell = struct{ k, n int64 }
	cells := map[string]map[string]*cell{}
	for _, c := range reps {
		for _, who := range []string{c.Key[0], "team"} {
			if strings.TrimSpace(who) == "" {
				continue
			}
			if cells[who] == nil {
				cells[who] = map[string]*cell{}
			}
			if cells[who][c.Key[1]] == nil {
				cells[who][c.Key[1]] = &cell{}
			}
		}
	}
	for k := 1; k < mixFunnel.Len(); k++ {
		for _, row := range cells {
			for _, c := range row {
				*c = cell{}
			}
		}
		for _, c := range reps {
			r := resolved(c, k)
			for _, who := range []string{c.Key[0], "team"} {
				if x := cells[who]; x != nil {
					x[c.Key[1]].k += r.K
					x[c.Key[1]].n += r.N
				}
			}
		}
		var total int64
		for _, c := range cells["team"] {
			total += c.n
		}
		for _, rm := range m.Reps {
			var std float64
			complete := true
			for s, tc := range cells["team"] {
				c := cells[rm.Rep][s]
				if c == nil || c.n == 0 {
					complete = false
					continue
				}
				std += float64(tc.n) / float64(total) * float64(c.k) / float64(c.n)
			}
			got := rm.Stages[k].Standardized
			if complete != got.Valid || complete && !cmp.Equal(std, got.Float64, cmpopts.EquateApprox(0, 1e-12)) {
				t.Errorf("%s at %s: standardized %v, second method %v (complete %v)", rm.Rep, mixFunnel.Stage(k), got, std, complete)
			}
		}
	}
	cy := m.Reps[2]
	if cy.Rep != "cy" || len(m.Reps) != 3 {
		t.Fatalf("reps %v: want ann, bob, cy (the blank owner in the team only)", m.Reps)
	}
	// Hand-worked fill for cy at won: the team resolves ent 2+30+1 = 33 of
	// 20+100+2 = 122 and smb 80+18+3 = 101 of 100+20+4 = 124, so
	// w_ent = 122/246 and w_smb = 124/246; cy has no ent trials, so his
	// standardized rate is null and the fill takes the team's 33/122:
	// 122/246·33/122 + 124/246·3/4 = (33 + 93)/246 = 126/246.
	want := ratios.MixStep{Stage: "won", Raw: funnel.Rate{K: 3, N: 4}, Filled: funnel.Some(126.0 / 246), FilledStrata: []string{"ent"},
		Strata: []ratios.StratumRate{{Stratum: "ent", Share: funnel.Some(0)}, {Stratum: "smb", Rate: funnel.Rate{K: 3, N: 4}, Share: funnel.Some(1)}}}
	if diff := cmp.Diff(want, cy.Stages[2], cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Standardize cy at won mismatch (-want +got):\n%s", diff)
	}
}

// TestStandardizeFromTally runs the mix from deals through a Tally grouped
// by owner and segment, the shape the function documents.
func TestStandardizeFromTally(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	deal := func(id, owner, segment string, furthest int, out funnel.Outcome) funnel.Deal {
		d := funnel.Deal{ID: id, Owner: owner, Segment: segment, Outcome: out}
		for k := 0; k <= furthest; k++ {
			d.Events = append(d.Events, funnel.Event{Stage: k, At: day.AddDate(0, 0, k)})
		}
		if out != funnel.Open {
			d.Closed = day.AddDate(0, 0, furthest+1)
		}
		return d
	}
	tl := funnel.NewTally(mixFunnel, "owner", "segment")
	for _, d := range []funnel.Deal{
		deal("1", "ann", "smb", 2, funnel.Won),
		deal("2", "ann", "smb", 1, funnel.Lost),
		deal("3", "ann", "ent", 1, funnel.Lost),
		deal("4", "bob", "ent", 2, funnel.Won),
		deal("5", "bob", "ent", 1, funnel.Open), // still at proposal: not resolved
	} {
		if err := tl.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ratios.Standardize(mixFunnel, tl.Groups())
	if err != nil {
		t.Fatal(err)
	}
	// Into won, resolved: ann smb 1 of 2, ent 0 of 1; bob ent 1 of 1 (one
	// open). Team: ent 1 of 2, smb 1 of 2, so w = ½ each; ann ½·½ + ½·0 =
	// ¼; bob has no smb trials: null, filled ½·1 + ½·(1/2) = ¾.
	got := []funnel.NullFloat64{m.Reps[0].Stages[2].Standardized, m.Reps[1].Stages[2].Standardized, m.Reps[1].Stages[2].Filled}
	want := []funnel.NullFloat64{funnel.Some(0.25), {}, funnel.Some(0.75)}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Standardize(tally) mismatch (-want +got):\n%s", diff)
	}
}

func TestStandardizeBadInput(t *testing.T) {
	good := func() []funnel.Counts { return simpson(t) }
	other := funnel.MustNew("a", "b")
	short, err := funnel.FromReached(other, []int64{2, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	short.Key = []string{"ann", "smb"}
	// Open deals at the first stage leave 15 − 5 = 10 resolved, below the
	// 15 that reached the next stage: counts no deals could give, though
	// each sum checks.
	rise := mixCounts(t, "ann", "smb", []int64{15, 15, 10}, []int64{0, 5, 0})
	rise.OpenAt = []int64{5, 0, 0}
	for _, tc := range []struct {
		name  string
		reps  []funnel.Counts
		f     funnel.Funnel
		want  error
		place string
	}{
		{"no reps", nil, mixFunnel, funnel.ErrNoData, "reps"},
		{"empty funnel", good(), funnel.Funnel{}, funnel.ErrEmptyFunnel, "funnel"},
		{"key without stratum", func() []funnel.Counts { r := good(); r[1].Key = []string{"ann"}; return r }(), mixFunnel, funnel.ErrIncompatible, "reps[1].key"},
		{"counts of another funnel", append(good(), short), mixFunnel, funnel.ErrLengthMismatch, "reps[4]"},
		{"negative count", func() []funnel.Counts { r := good(); r[2].Reached[2] = -1; return r }(), mixFunnel, funnel.ErrNegativeCount, "reps[2]"},
		{"counts rise", func() []funnel.Counts { r := good(); r[3].Reached[2] = 101; return r }(), mixFunnel, funnel.ErrCountsRise, "reps[3]"},
		{"resolved below reached", append(good(), rise), mixFunnel, funnel.ErrCountsRise, "reps[4]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratios.Standardize(tc.f, tc.reps)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Standardize: error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "ratios.Standardize") || !strings.Contains(err.Error(), tc.place) {
				t.Errorf("error %q does not name ratios.Standardize and %q", err, tc.place)
			}
		})
	}
}

func TestStandardizeInputsAndJSON(t *testing.T) {
	reps := append(simpson(t), mixCounts(t, "cy", "smb", []int64{10, 5, 3}, []int64{0, 1, 0}))
	before := make([]funnel.Counts, len(reps))
	for i, c := range reps {
		before[i] = c.Clone()
	}
	m, err := ratios.Standardize(mixFunnel, reps)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, reps, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Standardize modified its input (-before +after):\n%s", diff)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"standardized":null`, `"filled_strata":["ent"]`, `"strata":["ent","smb"]`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
		t.Errorf("JSON holds NaN or Inf: %s", s)
	}
}

// BenchmarkStandardize: 200 reps × 3 segments over an 8-stage funnel.
func BenchmarkStandardize(b *testing.B) {
	f := funnel.MustNew("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7")
	var reps []funnel.Counts
	for r := range 200 {
		for s, seg := range []string{"smb", "mid", "ent"} {
			reached := make([]int64, f.Len())
			v := int64(400 + 7*r + 31*s)
			for k := range reached {
				reached[k] = v
				v = v * int64(50+(r+k+s)%40) / 100
			}
			c, err := funnel.FromReached(f, reached, nil)
			if err != nil {
				b.Fatal(err)
			}
			c.Key = []string{"rep" + string(rune('A'+r/26)) + string(rune('a'+r%26)), seg}
			reps = append(reps, c)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ratios.Standardize(f, reps); err != nil {
			b.Fatal(err)
		}
	}
}
