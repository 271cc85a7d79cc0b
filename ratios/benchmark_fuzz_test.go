package ratios_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
)

// bmFuzzTeam decodes a team from fuzz data: the number of reps (1 to
// 6) and of stages (2 to 6), then per rep and stage the count reached
// and per rep and stage but the last the deals open there, each a
// big-endian uint16 reduced to what the counts allow (reached never
// rising, open at most the deals that stopped at the stage). Missing
// bytes read as zero.
func bmFuzzTeam(data []byte) (funnel.Funnel, []funnel.Counts) {
	next := func() int64 {
		if len(data) < 2 {
			data = nil
			return 0
		}
		v := int64(binary.BigEndian.Uint16(data))
		data = data[2:]
		return v
	}
	nr, ns := 1+int(next()%6), 2+int(next()%5)
	stages := make([]string, ns)
	for k := range stages {
		stages[k] = "s" + strconv.Itoa(k)
	}
	f := funnel.MustNew(stages...)
	reps := make([]funnel.Counts, nr)
	for i := range reps {
		reached, open := make([]int64, ns), make([]int64, ns)
		reached[0] = next()
		for k := 1; k < ns; k++ {
			reached[k] = next() % (reached[k-1] + 1)
		}
		for k := 0; k < ns-1; k++ {
			open[k] = next() % (reached[k] - reached[k+1] + 1)
		}
		c, err := funnel.FromReached(f, reached, open)
		if err != nil {
			panic(err) // the decoding keeps the counts valid
		}
		c.Key = []string{"r" + strconv.Itoa(i%4)} // names repeat past four reps
		reps[i] = c
	}
	return f, reps
}

// bmFuzzEncode is the inverse of bmFuzzTeam for counts below 2^16.
func bmFuzzEncode(reached, open [][]int64) []byte {
	var b []byte
	put := func(v int64) { b = binary.BigEndian.AppendUint16(b, uint16(v)) }
	put(int64(len(reached) - 1))
	put(int64(len(reached[0]) - 2))
	for i := range reached {
		for _, v := range reached[i] {
			put(v)
		}
		for k := range len(reached[i]) - 1 {
			var o int64
			if open != nil {
				o = open[i][k]
			}
			put(o)
		}
	}
	return b
}

// bmIn reports whether a NullFloat64 is null or a value in [lo, hi].
func bmIn(x funnel.NullFloat64, lo, hi float64) bool {
	return !x.Valid || (!math.IsNaN(x.Float64) && x.Float64 >= lo && x.Float64 <= hi)
}

func FuzzBenchmark(f *testing.F) {
	// The table cases: the four reps, the signal team, 3 of 3 against 45
	// of 60, the floor, open deals, and a team of one.
	f.Add(bmFuzzEncode([][]int64{{100, 60, 30, 12}, {100, 40, 28, 10}, {80, 40, 16, 10}, {50, 30, 15, 6}}, nil), uint8(0), uint8(0))
	f.Add(bmFuzzEncode([][]int64{{400, 80, 20}, {400, 160, 40}, {400, 170, 45}, {400, 150, 40}, {12, 6, 1}}, nil), uint8(1), uint8(0))
	f.Add(bmFuzzEncode([][]int64{{3, 3}, {60, 45}, {60, 20}, {50, 15}, {40, 10}}, nil), uint8(0), uint8(1))
	f.Add(bmFuzzEncode([][]int64{{3, 3}, {60, 45}, {100, 75}, {200, 150}}, nil), uint8(2), uint8(1))
	f.Add(bmFuzzEncode([][]int64{{40, 12}, {50, 20}}, [][]int64{{10}, {0}}), uint8(2), uint8(0))
	f.Add(bmFuzzEncode([][]int64{{0, 0, 0}}, nil), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, rule, minTrials uint8) {
		fn, reps := bmFuzzTeam(data)
		keep := make([]funnel.Counts, len(reps))
		for i, c := range reps {
			keep[i] = c.Clone()
		}
		opts := &ratios.Options{Rule: ratios.Rule(rule % 3), MinTrials: int64(minTrials % 20)}
		r, err := ratios.Benchmark(fn, reps, opts)
		if err != nil {
			t.Fatalf("Benchmark(%v): %v", reps, err)
		}
		if diff := cmp.Diff(keep, reps); diff != "" {
			t.Fatalf("Benchmark modified its reps (-before +after):\n%s", diff)
		}
		// No NaN or infinity anywhere: encoding/json refuses them.
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("json: %v", err)
		}
		ns := fn.Len() - 1
		for j, rm := range r.RoleModels {
			best, scored := math.Inf(-1), 0
			var ranks []int
			for i, rr := range r.Reps {
				c := rr.Steps[j]
				row := rr.Table.Stages[j+1]
				s := c.Signal
				for _, x := range []funnel.NullFloat64{row.Step.Null(), row.Resolved.Null(), c.Score, c.Shrunk, s.P, s.Adjusted, s.PBelow, s.FisherP, s.Difference.P} {
					if !bmIn(x, 0, 1) {
						t.Fatalf("rep %d step %d: %v outside [0, 1] in %+v", i, j, x, c)
					}
				}
				if !bmIn(s.Difference.Diff, -1, 1) || s.Beyond && !s.P.Valid {
					t.Fatalf("rep %d step %d: signal %+v", i, j, s)
				}
				if c.Score.Valid != (row.Resolved.N >= r.MinTrials) || c.Score.Valid != (c.Rank > 0) {
					t.Fatalf("rep %d step %d: score %v rank %d with %v resolved and min trials %d", i, j, c.Score, c.Rank, row.Resolved, r.MinTrials)
				}
				if c.Score.Valid {
					best, scored = max(best, c.Score.Float64), scored+1
					ranks = append(ranks, c.Rank)
				}
			}
			// The benchmark's score is the highest of the rule's scores.
			if rm.Candidates != scored || (scored > 0) != (rm.Rep >= 0) {
				t.Fatalf("step %d: %d candidates, rep %d; %d scored", j, rm.Candidates, rm.Rep, scored)
			}
			if rm.Rep >= 0 {
				if rm.Score.Float64 != best || r.Reps[rm.Rep].Steps[j].Score != rm.Score || r.Reps[rm.Rep].Steps[j].Rank != 1 ||
					rm.Rate != r.Reps[rm.Rep].Table.Stages[j+1].Resolved {
					t.Fatalf("step %d: role model %+v, best score %v", j, rm, best)
				}
			}
			slices.Sort(ranks)
			for k, v := range ranks {
				if v != k+1 {
					t.Fatalf("step %d: ranks %v are not 1..%d", j, ranks, len(ranks))
				}
			}
		}
		for i, rr := range r.Reps {
			for _, l := range rr.Levers {
				prev := math.Inf(1)
				for _, x := range l.ExtraDeals {
					if x.Valid && (x.Float64 < 0 || x.Float64 > prev) {
						t.Fatalf("rep %d lever %+v: extra deals must be >= 0 and never rise", i, l)
					}
					if x.Valid {
						prev = x.Float64
					}
				}
				if !l.ExtraDeals[0].Valid || l.ExtraDeals[0].Float64 <= 0 || len(l.ExtraDeals) != ns-l.Index+1 || l.Rate.Value() >= l.Benchmark {
					t.Fatalf("rep %d lever %+v", i, l)
				}
			}
		}
		if r.Discoveries > r.Tests {
			t.Fatalf("%d discoveries of %d tests", r.Discoveries, r.Tests)
		}
	})
}

func FuzzMovers(f *testing.F) {
	f.Add(bmFuzzEncode([][]int64{{200, 60, 15}, {200, 80, 20}, {100, 30, 9}}, nil), bmFuzzEncode([][]int64{{200, 100, 25}, {200, 78, 22}, {10, 4, 1}}, nil))
	f.Add(bmFuzzEncode([][]int64{{5, 1}}, nil), bmFuzzEncode([][]int64{{5, 2}, {7, 3}}, nil))
	f.Fuzz(func(t *testing.T, b, a []byte) {
		fb, before := bmFuzzTeam(b)
		fa, after := bmFuzzTeam(a)
		m, err := ratios.Movers(fb, before, after, nil)
		if !fb.Equal(fa) {
			// Counts of another funnel (here, of another length) are an
			// error, not a panic.
			if err == nil {
				t.Fatalf("funnels %v and %v: no error", fb, fa)
			}
			return
		}
		if err != nil {
			// Names repeat past four reps: the one error valid counts get.
			if len(before) <= 4 && len(after) <= 4 {
				t.Fatalf("Movers: %v", err)
			}
			return
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("json: %v", err)
		}
		if len(m.Reps)+len(m.OnlyBefore) != len(before) || len(m.Reps)+len(m.OnlyAfter) != len(after) || m.Discoveries > m.Tests {
			t.Fatalf("moves %+v for %d and %d reps", m, len(before), len(after))
		}
		for _, r := range m.Reps {
			for _, s := range r.Steps {
				if !bmIn(s.P, 0, 1) || !bmIn(s.Adjusted, 0, 1) || !bmIn(s.Difference.Diff, -1, 1) || s.Beyond && !s.P.Valid {
					t.Fatalf("%s: move %+v", r.Name, s)
				}
			}
		}
	})
}
