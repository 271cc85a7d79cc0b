package target

import (
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
)

// fuzzSpec builds a one-goal spec from fuzzed numbers: weeks > 0 asks for
// weeks, otherwise -weeks days to an end date.
func fuzzSpec(current, tgt float64, weeks int, shape, kind, dir int8) PlanSpec {
	s := PlanSpec{
		Goals: []Goal{{Name: "m", Kind: MetricKind(kind), Current: current, Target: tgt, Direction: Direction(dir)}},
		Start: planStart,
		Shape: Shape(shape),
	}
	if weeks > 0 {
		s.Weeks = weeks
	} else {
		s.End = planStart.AddDate(0, 0, -weeks)
	}
	return s
}

// checkPlanInvariants fails t unless every checkpoint of p lies between
// current and target, moves monotonically from one to the other, ends on
// the target exactly, and its dates run forward.
func checkPlanInvariants(t *testing.T, p Plan) {
	t.Helper()
	if len(p.Checkpoints) != p.Weeks || p.Weeks < 1 {
		t.Fatalf("%d checkpoints for %d weeks", len(p.Checkpoints), p.Weeks)
	}
	for j, g := range p.Goals {
		lo, hi := min(g.Current, g.Target), max(g.Current, g.Target)
		prev, prevDue := g.Current, p.Start
		for _, c := range p.Checkpoints {
			v := c.Values[j]
			if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
				t.Fatalf("week %d value %v outside [%v, %v]", c.Week, v, lo, hi)
			}
			if (g.Direction == HigherIsBetter && v < prev) || (g.Direction == LowerIsBetter && v > prev) {
				t.Fatalf("week %d value %v moves back from %v (%s)", c.Week, v, prev, g.Direction)
			}
			if c.Share < 0 || c.Share > 1 || math.IsNaN(c.Share) {
				t.Fatalf("week %d share %v", c.Week, c.Share)
			}
			if !c.Due.After(prevDue) || !c.Due.After(c.From) {
				t.Fatalf("week %d due %v not after %v / from %v", c.Week, c.Due, prevDue, c.From)
			}
			prev, prevDue = v, c.Due
		}
		if last := p.Checkpoints[p.Weeks-1].Values[j]; last != g.Target {
			t.Fatalf("last value %v, want the target %v exactly", last, g.Target)
		}
	}
}

func FuzzPlan(f *testing.F) {
	f.Add(0.33, 0.50, 6, int8(0), int8(0), int8(0))
	f.Add(0.33, 0.50, 6, int8(1), int8(0), int8(0))
	f.Add(0.33, 0.50, -39, int8(0), int8(0), int8(0))
	f.Add(12.0, 8.0, 2, int8(0), int8(0), int8(0))
	f.Add(5.0, 7.0, 2, int8(0), int8(2), int8(1))
	f.Add(0.3, 0.3, 2, int8(1), int8(1), int8(0))
	f.Add(0.33, 0.5, 6, int8(0), int8(0), int8(2))
	f.Add(math.NaN(), 0.5, 0, int8(7), int8(-1), int8(9))
	f.Add(1e308, 5e-324, MaxPlanWeeks, int8(1), int8(2), int8(0))
	f.Fuzz(func(t *testing.T, current, tgt float64, weeks int, shape, kind, dir int8) {
		if weeks < -10*7*MaxPlanWeeks {
			weeks = -10 * 7 * MaxPlanWeeks
		}
		p, err := NewPlan(fuzzSpec(current, tgt, weeks, shape, kind, dir))
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v, want *funnel.InputError", err, err)
			}
			return
		}
		checkPlanInvariants(t, p)
	})
}

func FuzzCheck(f *testing.F) {
	f.Add(0.33, 0.50, 6, int8(0), int8(0), 3, int64(4), int64(12), 1, int64(4), int64(10))
	f.Add(0.33, 0.50, 6, int8(1), int8(0), 3, int64(2), int64(20), 1, int64(0), int64(0))
	f.Add(0.3, 0.5, 2, int8(0), int8(1), 1, int64(3), int64(20), 2, int64(20), int64(20))
	f.Add(5.0, 9.0, 2, int8(0), int8(2), 1, int64(3), int64(0), 2, int64(9), int64(1))
	f.Add(12.0, 8.0, 2, int8(0), int8(0), 1, int64(12), int64(1), 2, int64(0), int64(5))
	f.Add(0.0, 1.0, 1, int8(0), int8(1), 1, int64(5), int64(5), 1, int64(5), int64(5))
	f.Add(1e300, 0.0, 3, int8(1), int8(0), 1, int64(math.MaxInt64), int64(1), 2, int64(1), int64(math.MaxInt64))
	f.Add(0.33, 0.50, 6, int8(0), int8(0), 7, int64(-1), int64(12), 0, int64(4), int64(3))
	f.Fuzz(func(t *testing.T, current, tgt float64, weeks int, shape, kind int8, w1 int, n1, d1 int64, w2 int, n2, d2 int64) {
		if weeks > 60 {
			weeks = 60
		}
		p, err := NewPlan(fuzzSpec(current, tgt, weeks, shape, kind, 0))
		if err != nil {
			return
		}
		acts := []Actual{{Goal: "m", Week: w1, Num: n1, Den: d1}, {Goal: "m", Week: w2, Num: n2, Den: d2}}
		got, err := Check(p, acts, nil)
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v, want *funnel.InputError", err, err)
			}
			return
		}
		g := got.Goals[0]
		if len(g.Weeks) != p.Weeks {
			t.Fatalf("%d weeks judged for %d planned", len(g.Weeks), p.Weeks)
		}
		all := []Standing{g.ToDate}
		reported := 0
		for _, w := range g.Weeks {
			all = append(all, w.Standing)
			if w.Status != StatusPending {
				reported++
			}
		}
		if reported != 2 && !(w1 == w2 && reported == 1) {
			t.Fatalf("%d weeks reported, want 2", reported)
		}
		for _, s := range all {
			for _, x := range []funnel.NullFloat64{s.Planned, s.Actual, s.Expected, s.Shortfall, s.ShortfallShare, s.P} {
				if x.Valid && (math.IsNaN(x.Float64) || math.IsInf(x.Float64, 0)) {
					t.Fatalf("non-finite figure in %+v", s)
				}
			}
			if s.P.Valid && (s.P.Float64 < 0 || s.P.Float64 > 1) {
				t.Fatalf("P = %v outside [0, 1]", s.P.Float64)
			}
			if s.Status == StatusBehind && (!s.Shortfall.Valid || s.Shortfall.Float64 <= 0) {
				t.Fatalf("behind with shortfall %v", s.Shortfall)
			}
			if s.BeyondNoise && (s.Status != StatusBehind || !s.P.Valid || s.P.Float64 >= got.Alpha) {
				t.Fatalf("beyond noise with status %s and P %v", s.Status, s.P)
			}
		}
	})
}
