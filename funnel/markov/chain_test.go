package markov

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var f4 = funnel.MustNew("Lead", "Demo", "Proposal", "Won")

const (
	lead = iota
	demo
	proposal
	won
)

func day(n int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }

// path builds a deal from stages and the days spent in each before the
// next event; the last entry's days lead to Closed for a lost deal.
func path(id string, outcome funnel.Outcome, stages []int, stay []int) funnel.Deal {
	d := funnel.Deal{ID: id, Outcome: outcome, Created: day(0)}
	t := 0
	for i, s := range stages {
		d.Events = append(d.Events, funnel.Event{Stage: s, At: day(t)})
		if i < len(stay) {
			t += stay[i]
		}
	}
	if outcome == funnel.Lost {
		d.Closed = day(t)
	}
	return d
}

// handDeals realise the chain solved by hand in TestChainHandWorked. Each
// visit lasts 2 days in Lead, 4 in Demo, 6 in Proposal.
func handDeals() []funnel.Deal {
	return []funnel.Deal{
		path("1", funnel.Won, []int{lead, demo, proposal, won}, []int{2, 4, 6}),
		path("2", funnel.Lost, []int{lead, demo, lead}, []int{2, 4, 2}),
		path("3", funnel.Won, []int{lead, proposal, won}, []int{2, 6}),
		path("5", funnel.Lost, []int{demo, proposal, demo}, []int{4, 6, 4}),
		path("6", funnel.Lost, []int{proposal}, []int{6}),
		path("7", funnel.Open, []int{lead}, nil), // sits in Lead: no exit, no timed visit
	}
}

// TestChainHandWorked solves a three-stage absorbing chain by hand.
//
// Observed exits (moves between consecutive events, then to Lost):
//
//	Lead:     →Demo (1, 2), →Proposal (3), →Lost (2)      4 exits
//	Demo:     →Proposal (1, 5), →Lead (2), →Lost (5)      4 exits
//	Proposal: →Won (1, 3), →Demo (5), →Lost (6)           4 exits
//
// Deal 7 is open in Lead: no exit. So, in the order Lead, Demo, Proposal,
//
//	Q = | 0    1/2  1/4 |    R = Won  Lost
//	    | 1/4  0    1/2 |        | 0    1/4 |
//	    | 0    1/4  0   |        | 0    1/4 |
//	                             | 1/2  1/4 |
//
// 4(I − Q) = M = [[4, −2, −1], [−1, 4, −2], [0, −1, 4]], det M = 4·14 +
// 2·(−4) − 1·1 = 47, adj M = [[14, 9, 8], [4, 16, 9], [1, 4, 14]], so
//
//	N = 4 M⁻¹ = (1/47) | 56  36  32 |
//	                   | 16  64  36 |
//	                   |  4  16  56 |
//
// (check: row 1 of (I − Q) times column 1 of N = (56 − 8 − 1)/47 = 1).
//
//	N·R: Won  = N · (0, 0, 1/2)   = (16, 18, 28)/47
//	     Lost = N · (1/4, 1/4, 1/4) = row sums/4/47 = (31, 29, 19)/47
//
// rows sum to 47/47. With τ = (2, 4, 6) days per visit:
//
//	N·τ = (56·2 + 36·4 + 32·6, 16·2 + 64·4 + 36·6, 4·2 + 16·4 + 56·6)/47
//	    = (448, 504, 408)/47 days.
func TestChainHandWorked(t *testing.T) {
	deals := handDeals()
	got, err := Build(f4, deals)
	if err != nil {
		t.Fatal(err)
	}
	want := Chain{
		Stages: []string{"Lead", "Demo", "Proposal", "Won"},
		// Columns: Lead, Demo, Proposal, Won, Lost.
		P: [][]float64{
			{0, 0.5, 0.25, 0, 0.25},
			{0.25, 0, 0.5, 0, 0.25},
			{0, 0.25, 0, 0.5, 0.25},
		},
		Visits: [][]float64{
			{56.0 / 47, 36.0 / 47, 32.0 / 47},
			{16.0 / 47, 64.0 / 47, 36.0 / 47},
			{4.0 / 47, 16.0 / 47, 56.0 / 47},
		},
		Results: []StageResult{
			{Stage: lead, Name: "Lead", Observed: true, Exits: 4, PWon: 16.0 / 47, PLost: 31.0 / 47, PWonResolved: 16.0 / 47,
				ExpectedDays: 448.0 / 47, MeanDaysPerVisit: 2, TimedVisits: 4},
			{Stage: demo, Name: "Demo", Observed: true, Exits: 4, PWon: 18.0 / 47, PLost: 29.0 / 47, PWonResolved: 18.0 / 47,
				ExpectedDays: 504.0 / 47, MeanDaysPerVisit: 4, TimedVisits: 4},
			{Stage: proposal, Name: "Proposal", Observed: true, Exits: 4, PWon: 28.0 / 47, PLost: 19.0 / 47, PWonResolved: 28.0 / 47,
				ExpectedDays: 408.0 / 47, MeanDaysPerVisit: 6, TimedVisits: 4},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Build mismatch (-want +got):\n%s", diff)
	}
}

// TestCountsHandWorked checks the raw counts behind the chain above, and
// that the deals are not modified.
func TestCountsHandWorked(t *testing.T) {
	deals := handDeals()
	before := slices.Clone(deals)
	for i := range before {
		before[i].Events = slices.Clone(deals[i].Events)
	}
	got, err := Count(f4, deals)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, deals); diff != "" {
		t.Errorf("deals modified (-before +after):\n%s", diff)
	}
	want := Counts{
		Funnel: f4,
		// Columns Lead, Demo, Proposal, Won.
		Moves:       [][]int64{{0, 2, 1, 0}, {1, 0, 2, 0}, {0, 1, 0, 2}},
		Lost:        []int64{1, 1, 1},
		Open:        []int64{1, 0, 0},
		VisitDays:   []float64{8, 16, 24},
		TimedVisits: []int64{4, 4, 4},
		Deals:       6,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Count mismatch (-want +got):\n%s", diff)
	}
}

// TestMergeEqualsOnePass: counting two halves and merging gives the counts
// of one pass over all deals.
func TestMergeEqualsOnePass(t *testing.T) {
	deals := handDeals()
	all, err := Count(f4, deals)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Count(f4, deals[:3])
	b, _ := Count(f4, deals[3:])
	m, err := a.Merge(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, m); diff != "" {
		t.Errorf("Merge mismatch (-one pass +merged):\n%s", diff)
	}
	other, _ := NewCounts(funnel.MustNew("A", "B"))
	if _, err := a.Merge(other); !errors.Is(err, ErrFunnelMismatch) {
		t.Errorf("Merge over different funnels: error %v, want ErrFunnelMismatch", err)
	}
}

// TestUnresolvedStage: Lead > Demo > Won with one deal won straight from
// Lead and one open in Demo. Lead has 2 exits: Won 1/2, Demo 1/2; Demo has
// no observed exit, so it is unresolved and the move into it ends there:
// from Lead P(won) = 1/2, P(unresolved) = 1/2, P(won | resolved) = 1.
// Demo: P(unresolved) = 1. Expected days from Lead: τ_Lead = (3 + 5)/2 =
// 4, one visit: 4.
func TestUnresolvedStage(t *testing.T) {
	f := funnel.MustNew("Lead", "Demo", "Won")
	deals := []funnel.Deal{
		path("w", funnel.Won, []int{0, 2}, []int{3}),
		path("o", funnel.Open, []int{0, 1}, []int{5}),
	}
	got, err := Build(f, deals)
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Stage: 0, Name: "Lead", Observed: true, Exits: 2, PWon: 0.5, PUnresolved: 0.5, PWonResolved: 1, ExpectedDays: 4, MeanDaysPerVisit: 4, TimedVisits: 2},
		{Stage: 1, Name: "Demo", PUnresolved: 1},
	}
	if diff := cmp.Diff(want, got.Results, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Results mismatch (-want +got):\n%s", diff)
	}
}

// TestChainErrors checks each bad chain for its sentinel.
func TestChainErrors(t *testing.T) {
	f := funnel.MustNew("A", "B", "C", "Won")
	tests := []struct {
		name  string
		f     funnel.Funnel
		deals []funnel.Deal
		want  error
	}{
		{"no deals", f, nil, funnel.ErrNoData},
		// Single events: no move between stages.
		{"no moves", f, []funnel.Deal{path("x", funnel.Open, []int{0}, nil)}, funnel.ErrNoData},
		// Every deal lost: nothing ever entered Won.
		{"no path to won", f, []funnel.Deal{
			path("x", funnel.Lost, []int{0, 1}, []int{1, 1}),
			path("y", funnel.Lost, []int{1, 2}, []int{1, 1}),
		}, ErrNoPathToWon},
		// A → Won is seen, but B and C only move between each other: I − Q
		// is singular on {B, C}.
		{"singular", f, []funnel.Deal{
			path("w", funnel.Won, []int{0, 3}, []int{1}),
			path("loop", funnel.Open, []int{1, 2, 1, 2}, []int{1, 1, 1}),
		}, ErrSingular},
		{"invalid deal", f, []funnel.Deal{{ID: "bad", Events: []funnel.Event{{Stage: 7}}}}, funnel.ErrUnknownStage},
		{"empty funnel", funnel.Funnel{}, nil, funnel.ErrEmptyFunnel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.f, tt.deals)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Build: error %v, want one wrapping %v", err, tt.want)
			}
		})
	}
}

// TestBadCounts: hand-made counts that no deals could give are rejected.
func TestBadCounts(t *testing.T) {
	good, _ := Count(f4, handDeals())
	mutate := map[string]func(c *Counts){
		"negative move": func(c *Counts) { c.Moves[0][1] = -1 },
		"short row":     func(c *Counts) { c.Moves[1] = c.Moves[1][:2] },
		"NaN days":      func(c *Counts) { c.VisitDays[2] = math.NaN() },
		"missing rows":  func(c *Counts) { c.Lost = c.Lost[:1] },
	}
	for _, name := range slices.Sorted(maps.Keys(mutate)) {
		t.Run(name, func(t *testing.T) {
			c, _ := good.Merge(Counts{Funnel: f4, Moves: [][]int64{make([]int64, 4), make([]int64, 4), make([]int64, 4)},
				Lost: make([]int64, 3), Open: make([]int64, 3), VisitDays: make([]float64, 3), TimedVisits: make([]int64, 3)})
			mutate[name](&c)
			if _, err := c.Solve(); !errors.Is(err, ErrBadCounts) {
				t.Errorf("Solve: error %v, want ErrBadCounts", err)
			}
		})
	}
}

// randomDeals draws valid deals over the funnel f4 with random paths.
func randomDeals(r *rand.Rand, n int) []funnel.Deal {
	deals := make([]funnel.Deal, n)
	for i := range deals {
		k := 1 + r.IntN(6)
		stages, stay := make([]int, k), make([]int, k)
		for j := range stages {
			stages[j] = r.IntN(won)
			stay[j] = r.IntN(20)
		}
		outcome := funnel.Outcome(r.IntN(3))
		if outcome == funnel.Won {
			stages = append(stages, won)
		}
		deals[i] = path(fmt.Sprint(i), outcome, stages, stay)
	}
	return deals
}

// checkChain checks the invariants of a solved chain: probabilities in
// [0, 1], each row of P and of the absorption probabilities summing to 1,
// finite non-negative days and visits.
func checkChain(t *testing.T, ch Chain) {
	t.Helper()
	for i, row := range ch.P {
		s := 0.0
		for _, p := range row {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("P[%d] = %v: out of [0,1]", i, row)
			}
			s += p
		}
		if ch.Results[i].Observed && math.Abs(s-1) > 1e-9 {
			t.Fatalf("P[%d] sums to %v", i, s)
		}
	}
	for _, r := range ch.Results {
		for _, p := range []float64{r.PWon, r.PLost, r.PUnresolved, r.PWonResolved} {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("stage %s: probability %v out of [0,1]: %+v", r.Name, p, r)
			}
		}
		if s := r.PWon + r.PLost + r.PUnresolved; math.Abs(s-1) > 1e-9 {
			t.Fatalf("stage %s: absorption row sums to %v", r.Name, s)
		}
		if math.IsNaN(r.ExpectedDays) || math.IsInf(r.ExpectedDays, 0) || r.ExpectedDays < 0 {
			t.Fatalf("stage %s: expected days %v", r.Name, r.ExpectedDays)
		}
	}
	for _, row := range ch.Visits {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("visits %v", row)
			}
		}
	}
}

// TestRandomChains: seeded random deals always give a valid chain or one
// of the documented errors.
func TestRandomChains(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 200 {
		ch, err := Build(f4, randomDeals(r, r.IntN(25)))
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) {
				t.Fatalf("unexpected error: %v", err)
			}
			continue
		}
		checkChain(t, ch)
	}
}

// FuzzBuild: any seed and deal count give a chain whose probabilities are
// in [0, 1] and whose absorption rows sum to 1, or a documented error.
func FuzzBuild(f *testing.F) {
	f.Add(uint64(1), uint8(6))
	f.Add(uint64(2), uint8(0))
	f.Add(uint64(3), uint8(1))
	f.Add(uint64(4), uint8(40))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		r := rand.New(rand.NewPCG(seed, 9))
		ch, err := Build(f4, randomDeals(r, int(n%80)))
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkChain(t, ch)
	})
}

// FuzzSolve: hand-made counts (as from JSON) with any non-negative moves,
// small or near MaxInt64, and any finite visit days give a valid chain or
// a documented error; never a panic, a NaN or an infinity. Merging the
// counts with themselves gives valid counts or ErrBadCounts.
func FuzzSolve(f *testing.F) {
	// The hand-worked chain's counts, row by row: moves to Lead, Demo,
	// Proposal, Won, then Lost.
	f.Add([]byte{0, 2, 1, 0, 1, 1, 0, 2, 0, 1, 0, 1, 0, 2, 1})
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}) // singular {Demo, Proposal}
	f.Add([]byte{})
	// The cases of TestHugeCounts: a byte >= 0xF0 is MaxInt64 − (0xFF −
	// byte); byte 15 sets Lead's visit days to 2^(4·byte + 3).
	f.Add([]byte{0, 0, 0, 0xFF, 1})                                 // exits overflow
	f.Add([]byte{0, 0xFF, 0, 1, 0})                                 // exits overflow in moves
	f.Add([]byte{5, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255}) // days overflow
	f.Fuzz(func(t *testing.T, b []byte) {
		c, _ := NewCounts(f4)
		for i := range 3 {
			for j := range 5 {
				var v int64
				if k := 5*i + j; k < len(b) {
					v = int64(b[k])
					if b[k] >= 0xF0 {
						v = math.MaxInt64 - int64(0xFF-b[k])
					}
				}
				if j < 4 {
					c.Moves[i][j] = v
				} else {
					c.Lost[i] = v
				}
			}
			c.VisitDays[i], c.TimedVisits[i] = float64(i+1), 1
		}
		if len(b) > 15 {
			c.VisitDays[0] = math.Ldexp(1, 4*int(b[15])+3)
		}
		ch, err := c.Solve()
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) && !errors.Is(err, ErrBadCounts) {
				t.Fatalf("unexpected error: %v", err)
			}
		} else {
			checkChain(t, ch)
		}
		if m, err := c.Merge(c); err != nil {
			if !errors.Is(err, ErrBadCounts) {
				t.Fatalf("Merge: unexpected error: %v", err)
			}
		} else if err := m.check("Merge"); err != nil {
			t.Fatalf("Merge gave bad counts: %v", err)
		}
	})
}

// TestHugeCounts: hand-made counts (as from JSON or a long chain of
// merges) whose sums do not fit in an int64 or whose days overflow a
// float64 are rejected with ErrBadCounts, never a panic, a wrapped count or
// an infinite result.
func TestHugeCounts(t *testing.T) {
	counts := func(set func(c *Counts)) Counts {
		c, _ := NewCounts(f4)
		set(&c)
		return c
	}
	tests := []struct {
		name string
		c    Counts
	}{
		// Lead's exits are MaxInt64 + 1: the row sum wraps.
		{"exits overflow", counts(func(c *Counts) { c.Moves[lead][won], c.Lost[lead] = math.MaxInt64, 1 })},
		{"exits overflow in moves", counts(func(c *Counts) { c.Moves[lead][demo], c.Moves[lead][won] = math.MaxInt64, 1 })},
		// Lead: 5 repeats, 1 win, 1 loss: N[Lead][Lead] = 1/(1 − 5/7) = 7/2
		// visits of 1e308 days each, 3.5e308 > MaxFloat64.
		{"expected days overflow", counts(func(c *Counts) {
			c.Moves[lead][lead], c.Moves[lead][won], c.Lost[lead] = 5, 1, 1
			c.VisitDays[lead], c.TimedVisits[lead] = 1e308, 1
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := tt.c.Solve()
			if !errors.Is(err, ErrBadCounts) {
				t.Errorf("Solve: error %v, want ErrBadCounts (chain %+v)", err, ch.Results)
			}
		})
	}
}

// TestMergeOverflow: a merge whose sums do not fit returns ErrBadCounts
// rather than counts that wrapped negative or days that became infinite.
func TestMergeOverflow(t *testing.T) {
	big, _ := NewCounts(f4)
	big.Moves[lead][won] = math.MaxInt64
	days, _ := NewCounts(f4)
	days.VisitDays[lead], days.TimedVisits[lead] = math.MaxFloat64, 1
	deals, _ := NewCounts(f4)
	deals.Deals = math.MaxInt64
	for name, c := range map[string]Counts{"moves": big, "visit days": days, "deals": deals} {
		t.Run(name, func(t *testing.T) {
			if m, err := c.Merge(c); !errors.Is(err, ErrBadCounts) {
				t.Errorf("Merge: error %v, want ErrBadCounts (merged %+v)", err, m)
			}
		})
	}
}

// TestCountOldDates: a visit longer than time.Duration can hold (about 292
// years) is measured in full. Lead entered 1600-01-01, lost 2025-01-01:
// 425 × 365 + 104 leap days = 155229 days (Python's datetime.date agrees).
func TestCountOldDates(t *testing.T) {
	old := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	d := funnel.Deal{ID: "old", Outcome: funnel.Lost, Events: []funnel.Event{{Stage: lead, At: old}},
		Closed: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	c, err := Count(f4, []funnel.Deal{d})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.VisitDays[lead]; got != 155229 {
		t.Errorf("VisitDays[Lead] = %v, want 155229", got)
	}
}
