package ratios_test

import (
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
)

// bmAbs is |x|.
func bmAbs(x float64) float64 { return max(x, -x) }

// bmSignalTeam is five reps over Lead > Meeting > Won, every deal closed:
//
//	      Lead  Meeting  Won
//	ava    400     80     20     0.20  0.25
//	ben    400    160     40     0.40  0.25
//	cal    400    170     45     0.425 0.265
//	dee    400    150     40     0.375 0.267
//	eli     12      6      1     0.50  0.167
//	team  1612    566    146
//
// ava is far below the rest into Meeting; the step into Won is noise for
// everyone; eli's samples are small enough for Fisher's test.
func bmSignalTeam(tb testing.TB) (funnel.Funnel, []funnel.Counts) {
	tb.Helper()
	f := funnel.MustNew("Lead", "Meeting", "Won")
	return f, []funnel.Counts{
		bmCounts(tb, f, "ava", []int64{400, 80, 20}, nil),
		bmCounts(tb, f, "ben", []int64{400, 160, 40}, nil),
		bmCounts(tb, f, "cal", []int64{400, 170, 45}, nil),
		bmCounts(tb, f, "dee", []int64{400, 150, 40}, nil),
		bmCounts(tb, f, "eli", []int64{12, 6, 1}, nil),
	}
}

// bmSignal is the part of a Signal checked against R.
type bmSignal struct {
	Diff, P, Adjusted, PBelow float64
	Fisher                    bool
	Beyond                    bool
}

func TestSignalsAgainstR(t *testing.T) {
	// Each rep against the rest of the team (team − rep) at each step,
	// with the prior stated as Beta(5, 5) so that the posteriors are
	// Beta(5 + K, 5 + N − K). R 4.x, per cell, with the rest's counts kB of
	// nB and me = min(nA, nB)·min(k, n − k)/n the smallest expected count:
	//
	//	p      = if (me < 5) fisher.test(matrix(c(kA, nA-kA, kB, nB-kB), 2, byrow=TRUE))$p.value
	//	         else prop.test(c(kA, kB), c(nA, nB), correct=FALSE)$p.value
	//	adj    = p.adjust(p, "BH") over the 10 cells, discovery when <= 0.10
	//	pbelow = integrate(function(t) dbeta(t, 5+kB, 5+nB-kB) * pbeta(t, 5+kA, 5+nA-kA), 0, 1, rel.tol=1e-12)$value
	//
	// eli's cells are the two with an expected count below 5 (4.21 into
	// Meeting, 12 × 566/1612; 1.55 into Won), so Fisher's: into Won
	// fisher.test gives 1 where prop.test gives 0.607. ben into Meeting
	// (p 0.018, adjusted 0.0606) is a discovery at q = 0.10 and would not
	// be at 0.05.
	want := [][]bmSignal{
		{ // into Meeting
			{-0.200990099009901, 2.82721371725728e-13, 2.82721371725728e-12, 0.999999999999912, false, true},
			{0.065016501650165, 0.0181677183677232, 0.060559061225744, 0.00807899590456049, false, true},
			{0.0982673267326732, 0.00035663755199673, 0.00178318775998365, 0.000168823497537376, false, true},
			{0.0317656765676568, 0.248454341983146, 0.621135854957865, 0.111096260934495, false, false},
			{0.15, 0.362876247599272, 0.725752495198545, 0.0798773274191532, true, false},
		},
		{ // into Won
			{-0.00925925925925924, 0.860759969399621, 0.956399965999579, 0.40425062019997, false, false},
			{-0.0110837438423645, 0.786080140044758, 0.956399965999579, 0.526476114974834, false, false},
			{0.00965537730243615, 0.809799514450151, 0.956399965999579, 0.340968965385662, false, false},
			{0.0118589743589744, 0.775944750681324, 0.956399965999579, 0.31215126556766, false, false},
			{-0.0922619047619048, 1, 1, 0.181588203200231, true, false},
		},
	}
	f, reps := bmSignalTeam(t)
	r, err := ratios.Benchmark(f, reps, &ratios.Options{Shrink: &funnel.ShrinkOptions{Prior: funnel.Prior{Alpha: 5, Beta: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]bmSignal, 2)
	for j := range got {
		for _, rr := range r.Reps {
			s := rr.Steps[j].Signal
			got[j] = append(got[j], bmSignal{s.Difference.Diff.Float64, s.P.Float64, s.Adjusted.Float64, s.PBelow.Float64, s.FisherP.Valid, s.Beyond})
		}
	}
	// The p-values agree with R's to 1e-9 relative. PBelow takes the
	// Edgeworth approximation when all four parameters are at least 50,
	// documented good to 3e-5 (absolute) there: ben, cal and dee into
	// Meeting and cal into Won differ from R's integral by 1e-7 to 1.1e-5.
	pbelow := cmp.Comparer(func(a, b bmSignal) bool {
		close := func(x, y float64) bool {
			return x == y || bmAbs(x-y) <= 1e-9*max(bmAbs(x), bmAbs(y)) || bmAbs(x-y) <= 1e-13
		}
		return close(a.Diff, b.Diff) && close(a.P, b.P) && close(a.Adjusted, b.Adjusted) &&
			bmAbs(a.PBelow-b.PBelow) <= 3e-5 && a.Fisher == b.Fisher && a.Beyond == b.Beyond
	})
	if diff := cmp.Diff(want, got, pbelow); diff != "" {
		t.Errorf("signals mismatch (-want +got):\n%s", diff)
	}
	if r.Tests != 10 || r.Discoveries != 3 {
		t.Errorf("%d tests, %d discoveries; want 10 and 3", r.Tests, r.Discoveries)
	}
	// The rest's rate and the rep's are the contrast's B and A.
	ava := r.Reps[0].Steps[0].Signal.Difference
	if diff := cmp.Diff([]funnel.Rate{{K: 80, N: 400}, {K: 486, N: 1212}}, []funnel.Rate{ava.A, ava.B}); diff != "" {
		t.Errorf("ava's contrast mismatch (-want +got):\n%s", diff)
	}
	// At q = 0.05 ben's adjusted 0.0606 is no longer a discovery.
	r, err = ratios.Benchmark(f, reps, &ratios.Options{FDR: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if r.Reps[1].Steps[0].Signal.Beyond || !r.Reps[0].Steps[0].Signal.Beyond {
		t.Errorf("at q = 0.05: ben beyond %v, ava beyond %v; want false, true", r.Reps[1].Steps[0].Signal.Beyond, r.Reps[0].Steps[0].Signal.Beyond)
	}
}

func TestSignalsBelowTeamLever(t *testing.T) {
	// ava's gap into Meeting is beyond noise and below the rest, so her
	// lever there says so; her gap into Won (0.25 against the role
	// model's) is noise.
	f, reps := bmSignalTeam(t)
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range r.Reps[0].Levers {
		got[l.Stage] = l.BelowTeam
	}
	if diff := cmp.Diff(map[string]bool{"Meeting": true, "Won": false}, got); diff != "" {
		t.Errorf("ava's levers below the team mismatch (-want +got):\n%s", diff)
	}
}

func TestSignalsNoTrials(t *testing.T) {
	// A rep with no resolved trials at a step (all 10 leads still open)
	// cannot be tested there: its P, adjusted p and PBelow are null and
	// the cell is not counted among the tests; a team of one rep has no
	// rest to compare with.
	f := funnel.MustNew("Lead", "Won")
	reps := []funnel.Counts{
		bmCounts(t, f, "new", []int64{10, 0}, []int64{10, 0}),
		bmCounts(t, f, "old", []int64{40, 10}, nil),
	}
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Reps[0].Steps[0].Signal
	if s.P.Valid || s.Adjusted.Valid || s.PBelow.Valid || s.Difference.Diff.Valid || r.Tests != 0 {
		t.Errorf("no trials: signal %+v, %d tests; want nulls and 0", s, r.Tests)
	}
	r, err = ratios.Benchmark(f, reps[1:], nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Reps[0].Steps[0].Signal; s.P.Valid || s.PBelow.Valid {
		t.Errorf("a team of one: signal %+v, want nulls", s)
	}
}
