package markov

import (
	"encoding/json"
	"errors"
	"fmt"
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

func some(v float64) funnel.NullFloat64 { return funnel.Some(v) }

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
// rows sum to 47/47. Steps before closing are N's row sums, (124, 116,
// 76)/47. With τ = (2, 4, 6) days per visit:
//
//	N·τ = (56·2 + 36·4 + 32·6, 16·2 + 64·4 + 36·6, 4·2 + 16·4 + 56·6)/47
//	    = (448, 504, 408)/47 days.
func TestChainHandWorked(t *testing.T) {
	deals := handDeals()
	got, err := Build(f4, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	want := Chain{
		Stages:  []string{"Lead", "Demo", "Proposal"},
		Columns: []string{"Lead", "Demo", "Proposal", "Won", "lost"},
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
			{Stage: lead, Name: "Lead", Observed: true, Exits: 4, PWon: 16.0 / 47, PLost: 31.0 / 47, PWonResolved: some(16.0 / 47),
				Steps: some(124.0 / 47), ExpectedDays: some(448.0 / 47), MeanVisitDays: some(2), TimedVisits: 4},
			{Stage: demo, Name: "Demo", Observed: true, Exits: 4, PWon: 18.0 / 47, PLost: 29.0 / 47, PWonResolved: some(18.0 / 47),
				Steps: some(116.0 / 47), ExpectedDays: some(504.0 / 47), MeanVisitDays: some(4), TimedVisits: 4},
			{Stage: proposal, Name: "Proposal", Observed: true, Exits: 4, PWon: 28.0 / 47, PLost: 19.0 / 47, PWonResolved: some(28.0 / 47),
				Steps: some(76.0 / 47), ExpectedDays: some(408.0 / 47), MeanVisitDays: some(6), TimedVisits: 4},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Build mismatch (-want +got):\n%s", diff)
	}
}

// TestTransitionsHandWorked checks the raw counts behind the chain above,
// and that the deals are not modified.
func TestTransitionsHandWorked(t *testing.T) {
	deals := handDeals()
	before := slices.Clone(deals)
	for i := range before {
		before[i].Events = slices.Clone(deals[i].Events)
	}
	got, err := CountMoves(f4, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, deals); diff != "" {
		t.Errorf("deals modified (-before +after):\n%s", diff)
	}
	want := Transitions{
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
		t.Errorf("CountMoves mismatch (-want +got):\n%s", diff)
	}
}

// TestStays: consecutive events at one stage (Salesforce writes a history
// row at each amount change) are one stay, not a move from the stage to
// itself. Lead@0, Qualified@2, Qualified@12, then Won@20 (or lost at 20):
// one 2-day visit to Lead, one 18-day visit to Qualified (2 → 20), and no
// Moves[Qualified][Qualified]. Before stays were used this gave a
// self-loop and two visits of 10 and 8 days.
func TestStays(t *testing.T) {
	f := funnel.MustNew("Lead", "Qualified", "Won")
	events := []funnel.Event{{Stage: 0, At: day(0)}, {Stage: 1, At: day(2)}, {Stage: 1, At: day(12)}}
	won := funnel.Deal{ID: "w", Outcome: funnel.Won, Events: append(slices.Clone(events), funnel.Event{Stage: 2, At: day(20)})}
	lost := funnel.Deal{ID: "l", Outcome: funnel.Lost, Events: slices.Clone(events), Closed: day(20)}
	tests := []struct {
		name string
		deal funnel.Deal
		want Transitions
	}{
		{"won", won, Transitions{Funnel: f, Moves: [][]int64{{0, 1, 0}, {0, 0, 1}}, Lost: []int64{0, 0}, Open: []int64{0, 0},
			VisitDays: []float64{2, 18}, TimedVisits: []int64{1, 1}, Deals: 1}},
		{"lost", lost, Transitions{Funnel: f, Moves: [][]int64{{0, 1, 0}, {0, 0, 0}}, Lost: []int64{0, 1}, Open: []int64{0, 0},
			VisitDays: []float64{2, 18}, TimedVisits: []int64{1, 1}, Deals: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewTransitions(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Add(tt.deal); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Add(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
	// The won deal alone: Lead → Qualified → Won with certainty, one visit
	// each, 2 + 18 = 20 days from Lead.
	ch, err := Build(f, funnel.Stream([]funnel.Deal{won}))
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Stage: 0, Name: "Lead", Observed: true, Exits: 1, PWon: 1, PWonResolved: some(1), Steps: some(2), ExpectedDays: some(20), MeanVisitDays: some(2), TimedVisits: 1},
		{Stage: 1, Name: "Qualified", Observed: true, Exits: 1, PWon: 1, PWonResolved: some(1), Steps: some(1), ExpectedDays: some(18), MeanVisitDays: some(18), TimedVisits: 1},
	}
	if diff := cmp.Diff(want, ch.Results, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Build(stays) mismatch (-want +got):\n%s", diff)
	}
}

// TestMergeEqualsOnePass: counting two halves and merging gives the counts
// of one pass over all deals.
func TestMergeEqualsOnePass(t *testing.T) {
	deals := handDeals()
	all, err := CountMoves(f4, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := CountMoves(f4, funnel.Stream(deals[:3]))
	b, _ := CountMoves(f4, funnel.Stream(deals[3:]))
	m, err := a.Merge(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, m); diff != "" {
		t.Errorf("Merge mismatch (-one pass +merged):\n%s", diff)
	}
	other, _ := NewTransitions(funnel.MustNew("A", "B"))
	if _, err := a.Merge(other); !errors.Is(err, funnel.ErrIncompatible) {
		t.Errorf("Merge over different funnels: error %v, want funnel.ErrIncompatible", err)
	}
}

// TestUnresolvedStage: Lead > Demo > Won with one deal won straight from
// Lead and one open in Demo. Lead has 2 exits: Won 1/2, Demo 1/2; Demo has
// no observed exit, so it is unresolved and the move into it ends there:
// from Lead P(won) = 1/2, P(unresolved) = 1/2, P(won | resolved) = 1.
// Demo: P(unresolved) = 1, and the chain gives no visits or days for it.
// Expected days from Lead: τ_Lead = (3 + 5)/2 = 4, one visit: 4.
func TestUnresolvedStage(t *testing.T) {
	got, err := Build(f3, funnel.Stream(unresolvedDeals()))
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Stage: 0, Name: "Lead", Observed: true, Exits: 2, PWon: 0.5, PUnresolved: 0.5, PWonResolved: some(1), Steps: some(1),
			ExpectedDays: some(4), MeanVisitDays: some(4), TimedVisits: 2},
		{Stage: 1, Name: "Demo", PUnresolved: 1},
	}
	if diff := cmp.Diff(want, got.Results, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Results mismatch (-want +got):\n%s", diff)
	}
}

var f3 = funnel.MustNew("Lead", "Demo", "Won")

func unresolvedDeals() []funnel.Deal {
	return []funnel.Deal{
		path("w", funnel.Won, []int{0, 2}, []int{3}),
		path("o", funnel.Open, []int{0, 1}, []int{5}),
	}
}

// TestChainJSON checks the encoded chain of TestUnresolvedStage: stage
// names beside the per-stage arrays, and null for what the chain cannot
// say about Demo.
func TestChainJSON(t *testing.T) {
	ch, err := Build(f3, funnel.Stream(unresolvedDeals()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"stages":["Lead","Demo"],"columns":["Lead","Demo","Won","lost"],` +
		`"p":[[0,0.5,0.5,0],[0,0,0,0]],"visits":[[1,0],[0,0]],"results":[` +
		`{"stage":0,"name":"Lead","observed":true,"exits":2,"p_won":0.5,"p_lost":0,"p_unresolved":0.5,"p_won_resolved":1,"steps":1,"expected_days":4,"mean_visit_days":4,"timed_visits":2},` +
		`{"stage":1,"name":"Demo","observed":false,"exits":0,"p_won":0,"p_lost":0,"p_unresolved":1,"p_won_resolved":null,"steps":null,"expected_days":null,"mean_visit_days":null,"timed_visits":0}]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal(chain) mismatch (-want +got):\n%s", diff)
	}
}

// TestUntimedStage: with no timed visit to Demo, τ_Demo is unknown, so
// the expected days from every stage that may pass through Demo are null,
// not a sum that leaves Demo's time out. Lead → Demo → Won with no times:
// P(won) = 1 from both; steps 2 from Lead, 1 from Demo.
func TestUntimedStage(t *testing.T) {
	d := funnel.Deal{ID: "x", Outcome: funnel.Won, Events: []funnel.Event{{Stage: 0}, {Stage: 1}, {Stage: 2}}}
	ch, err := Build(f3, funnel.Stream([]funnel.Deal{d}))
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Stage: 0, Name: "Lead", Observed: true, Exits: 1, PWon: 1, PWonResolved: some(1), Steps: some(2)},
		{Stage: 1, Name: "Demo", Observed: true, Exits: 1, PWon: 1, PWonResolved: some(1), Steps: some(1)},
	}
	if diff := cmp.Diff(want, ch.Results, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Build(untimed) mismatch (-want +got):\n%s", diff)
	}
}

// TestChainEqualsShare: when every deal is closed and none skips or moves
// back, the chain's P(won) from stage k telescopes to Won / Reached[k],
// the share of closed deals that reached k and won: a second method,
// funnel.Counts.WinProbability over the same deals.
func TestChainEqualsShare(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	var deals []funnel.Deal
	for i := range 60 {
		deepest := r.IntN(4) // 3 is Won
		stages := make([]int, deepest+1)
		for s := range stages {
			stages[s] = s
		}
		outcome := funnel.Lost
		if deepest == won {
			outcome = funnel.Won
		}
		deals = append(deals, path(fmt.Sprint(i), outcome, stages, []int{1, 1, 1, 1}))
	}
	tally := funnel.NewTally(f4)
	if err := tally.AddAll(funnel.Stream(deals)); err != nil {
		t.Fatal(err)
	}
	counts, err := tally.Total()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := Build(f4, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	var want, got []float64
	for k := range won {
		want = append(want, counts.WinProbability(k).Value())
		got = append(got, ch.Results[k].PWon)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("chain P(won) against WinProbability mismatch (-share +chain):\n%s", diff)
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
			_, err := Build(tt.f, funnel.Stream(tt.deals))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Build: error %v, want one wrapping %v", err, tt.want)
			}
		})
	}
}

// errStream yields one good deal and then a read error, as a reader of
// package funnel/crm does on a bad row.
func errStream(err error) func(yield func(funnel.Deal, error) bool) {
	return func(yield func(funnel.Deal, error) bool) {
		if !yield(path("ok", funnel.Won, []int{lead, won}, []int{1}), nil) {
			return
		}
		yield(funnel.Deal{}, err)
	}
}

// TestErrorText walks the package's nested failures: each error reads
// with one package prefix and names its thing once, and errors.Is and
// errors.As find the sentinel and the typed error under it.
func TestErrorText(t *testing.T) {
	readErr := errors.New("line 7: bad date")
	singular := []funnel.Deal{path("w", funnel.Won, []int{0, 3}, []int{1}), path("loop", funnel.Open, []int{1, 2, 1, 2}, []int{1, 1, 1})}
	other, _ := NewTransitions(funnel.MustNew("A", "B"))
	good, _ := CountMoves(f4, funnel.Stream(handDeals()))
	bad := func(mutate func(c *Transitions)) func() error {
		return func() error {
			c, _ := CountMoves(f4, funnel.Stream(handDeals()))
			mutate(&c)
			_, err := c.Solve()
			return err
		}
	}
	tests := []struct {
		name    string
		call    func() error
		text    string
		is      error
		asStage bool // a *funnel.StageError, else see asDeal / asInput
		asDeal  bool
		op      string
	}{
		{"invalid deal in a stream", func() error {
			_, err := Build(f4, funnel.Stream([]funnel.Deal{{ID: "bad", Events: []funnel.Event{{Stage: 7}}}}))
			return err
		}, `markov.CountMoves: deal "bad": event 0: unknown stage: index 7`, funnel.ErrUnknownStage, false, true, "markov.CountMoves"},
		{"invalid deal added", func() error {
			c, _ := NewTransitions(f4)
			return c.Add(funnel.Deal{ID: "w", Outcome: funnel.Won, Events: []funnel.Event{{Stage: lead}}})
		}, `markov.Add: deal "w": invalid deal: won deal without an event at the last stage "Won"`, funnel.ErrInvalidDeal, false, true, "markov.Add"},
		{"singular", func() error {
			_, err := Build(f4, funnel.Stream(singular))
			return err
		}, `markov.Solve: stage "Demo" (index 1): singular chain: it never reaches an absorbing state`, ErrSingular, true, false, "markov.Solve"},
		{"no path to won", func() error {
			_, err := Build(f4, funnel.Stream([]funnel.Deal{path("x", funnel.Lost, []int{0, 1}, []int{1, 1})}))
			return err
		}, `markov.Solve: stage "Won" (index 3): no path to won: no deal was seen entering it`, ErrNoPathToWon, true, false, "markov.Solve"},
		{"negative move", bad(func(c *Transitions) { c.Moves[demo][lead] = -2 }),
			`markov.Solve: moves: stage "Demo" (index 1): negative count: to "Lead": -2`, funnel.ErrNegativeCount, true, false, "markov.Solve"},
		{"merge over another funnel", func() error { _, err := good.Merge(other); return err },
			`markov.Merge: funnel = A > B: incompatible aggregates: merging into Lead > Demo > Proposal > Won`, funnel.ErrIncompatible, false, false, "markov.Merge"},
		{"bad matrix row", func() error {
			_, err := Matrix{States: []string{"a"}, Absorbing: []string{"won"}, P: [][]float64{{0.5, 0.4}}}.Solve()
			return err
		}, `markov.Matrix.Solve: p: stage "a" (index 0): value out of range: row sums to 0.9, not 1`, funnel.ErrOutOfRange, true, false, "markov.Matrix.Solve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
				t.Errorf("error text mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			var op string
			var se *funnel.StageError
			var de *funnel.DealError
			var ie *funnel.InputError
			switch {
			case tt.asStage && errors.As(err, &se):
				op = se.Op
			case tt.asDeal && errors.As(err, &de):
				op = de.Op
			case !tt.asStage && !tt.asDeal && errors.As(err, &ie):
				op = ie.Op
			default:
				t.Fatalf("errors.As: %T is not the typed error expected", err)
			}
			if op != tt.op {
				t.Errorf("Op = %q, want %q", op, tt.op)
			}
		})
	}
	// A stream's own error comes back as it is, not wrapped again.
	if _, err := Build(f4, errStream(readErr)); err != readErr {
		t.Errorf("Build(stream with a read error) = %v, want the stream's error itself", err)
	}
}

// TestBadTransitions: hand-made transitions that no deals could give are
// rejected with the sentinel that says why.
func TestBadTransitions(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Transitions)
		want   error
		place  string // the input named
	}{
		{"negative move", func(c *Transitions) { c.Moves[0][1] = -1 }, funnel.ErrNegativeCount, "moves"},
		{"negative lost", func(c *Transitions) { c.Lost[2] = -1 }, funnel.ErrNegativeCount, "lost"},
		{"negative open", func(c *Transitions) { c.Open[1] = -1 }, funnel.ErrNegativeCount, "open"},
		{"negative timed visits", func(c *Transitions) { c.TimedVisits[1] = -1 }, funnel.ErrNegativeCount, "timed_visits"},
		{"negative deals", func(c *Transitions) { c.Deals = -1 }, funnel.ErrNegativeCount, "deals"},
		{"short row", func(c *Transitions) { c.Moves[1] = c.Moves[1][:2] }, funnel.ErrLengthMismatch, "moves"},
		{"missing rows", func(c *Transitions) { c.Lost = c.Lost[:1] }, funnel.ErrLengthMismatch, "lost"},
		{"missing days", func(c *Transitions) { c.VisitDays = nil }, funnel.ErrLengthMismatch, "visit_days"},
		{"NaN days", func(c *Transitions) { c.VisitDays[2] = math.NaN() }, funnel.ErrNotFinite, "visit_days"},
		{"infinite days", func(c *Transitions) { c.VisitDays[2] = math.Inf(1) }, funnel.ErrNotFinite, "visit_days"},
		{"negative days", func(c *Transitions) { c.VisitDays[0] = -1 }, funnel.ErrNegative, "visit_days"},
		// Proposal has 4 exits (TestTransitionsHandWorked).
		{"timed visits past exits", func(c *Transitions) { c.TimedVisits[2] = 5 }, funnel.ErrCountsRise, "timed_visits"},
		{"no funnel", func(c *Transitions) { *c = Transitions{} }, funnel.ErrEmptyFunnel, "funnel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CountMoves(f4, funnel.Stream(handDeals()))
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(&c)
			_, err = c.Solve()
			if !errors.Is(err, tt.want) {
				t.Errorf("Solve: error %v, want %v", err, tt.want)
			}
			if place, _ := placeOf(err); place != tt.place {
				t.Errorf("Solve: error %v names %q, want %q", err, place, tt.place)
			}
			if _, err := c.Merge(c); !errors.Is(err, tt.want) {
				t.Errorf("Merge: error %v, want %v", err, tt.want)
			}
			if err := c.Add(handDeals()[0]); !errors.Is(err, tt.want) {
				t.Errorf("Add: error %v, want %v", err, tt.want)
			}
		})
	}
}

// randomDeals draws valid deals over the funnel f4 with random paths,
// repeated stages included.
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
// finite non-negative days and visits, and no self-loop from deals.
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
		for _, p := range []float64{r.PWon, r.PLost, r.PUnresolved, r.PWonResolved.Float64} {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("stage %s: probability %v out of [0,1]: %+v", r.Name, p, r)
			}
		}
		if s := r.PWon + r.PLost + r.PUnresolved; math.Abs(s-1) > 1e-9 {
			t.Fatalf("stage %s: absorption row sums to %v", r.Name, s)
		}
		for _, v := range []funnel.NullFloat64{r.ExpectedDays, r.Steps, r.MeanVisitDays} {
			if v.Valid && (math.IsNaN(v.Float64) || math.IsInf(v.Float64, 0) || v.Float64 < 0) {
				t.Fatalf("stage %s: figure %v out of range: %+v", r.Name, v, r)
			}
		}
		if r.Observed != r.Steps.Valid || r.Steps.Valid && r.Steps.Float64 < 1-1e-9 {
			t.Fatalf("stage %s: observed %v with steps %v (an observed stage is visited at least once)", r.Name, r.Observed, r.Steps)
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
// of the documented errors, and never a move from a stage to itself.
func TestRandomChains(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 200 {
		deals := randomDeals(r, r.IntN(25))
		c, err := CountMoves(f4, funnel.Stream(deals))
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.Moves {
			if c.Moves[i][i] != 0 {
				t.Fatalf("Moves[%d][%d] = %d: a self-loop from deals", i, i, c.Moves[i][i])
			}
		}
		ch, err := c.Solve()
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
		ch, err := Build(f4, funnel.Stream(randomDeals(r, int(n%80))))
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkChain(t, ch)
	})
}

// isMalformed reports whether err is one of the errors of malformed or
// overflowing transitions.
func isMalformed(err error) bool {
	for _, s := range []error{funnel.ErrOutOfRange, funnel.ErrNegativeCount, funnel.ErrCountsRise, funnel.ErrLengthMismatch, funnel.ErrNotFinite, funnel.ErrNegative} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzSolve: hand-made transitions (as from JSON) with any non-negative
// moves, small or near MaxInt64, and any finite visit days give a valid
// chain or a documented error; never a panic, a NaN or an infinity.
// Merging the transitions with themselves gives valid transitions or an
// error wrapping funnel.ErrOutOfRange.
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
		c, _ := NewTransitions(f4)
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
			// A timed visit ends in an exit: stages left at least once
			// have one, of i+1 days.
			if slices.ContainsFunc(c.Moves[i], func(m int64) bool { return m != 0 }) || c.Lost[i] != 0 {
				c.VisitDays[i], c.TimedVisits[i] = float64(i+1), 1
			}
		}
		if len(b) > 15 {
			c.VisitDays[0] = math.Ldexp(1, 4*int(b[15])+3)
		}
		ch, err := c.Solve()
		if err != nil {
			if !errors.Is(err, ErrNoPathToWon) && !errors.Is(err, ErrSingular) && !errors.Is(err, funnel.ErrNoData) && !isMalformed(err) {
				t.Fatalf("unexpected error: %v", err)
			}
		} else {
			checkChain(t, ch)
		}
		if m, err := c.Merge(c); err != nil {
			// Malformed transitions (byte 15 may give days to a stage
			// with no timed visit) fail as Solve does; others only past
			// an int64 or a float64.
			if !errors.Is(err, funnel.ErrOutOfRange) && c.check("Merge") == nil {
				t.Fatalf("Merge: unexpected error: %v", err)
			}
		} else if err := m.check("Merge"); err != nil {
			t.Fatalf("Merge gave bad transitions: %v", err)
		}
		if err := c.Add(handDeals()[0]); err != nil {
			if !isMalformed(err) {
				t.Fatalf("Add: unexpected error: %v", err)
			}
		} else if err := c.check("Add"); err != nil {
			t.Fatalf("Add gave bad transitions: %v", err)
		}
	})
}

// TestHugeCounts: hand-made transitions (as from JSON or a long chain of
// merges) whose sums do not fit in an int64 or whose days overflow a
// float64 are rejected with funnel.ErrOutOfRange, never a panic, a wrapped
// count or an infinite result.
func TestHugeCounts(t *testing.T) {
	counts := func(set func(c *Transitions)) Transitions {
		c, _ := NewTransitions(f4)
		set(&c)
		return c
	}
	tests := []struct {
		name string
		c    Transitions
	}{
		// Lead's exits are MaxInt64 + 1: the row sum wraps.
		{"exits overflow", counts(func(c *Transitions) { c.Moves[lead][won], c.Lost[lead] = math.MaxInt64, 1 })},
		{"exits overflow in moves", counts(func(c *Transitions) { c.Moves[lead][demo], c.Moves[lead][won] = math.MaxInt64, 1 })},
		// Lead: 5 repeats, 1 win, 1 loss: N[Lead][Lead] = 1/(1 − 5/7) = 7/2
		// visits of 1e308 days each, 3.5e308 > MaxFloat64.
		{"expected days overflow", counts(func(c *Transitions) {
			c.Moves[lead][lead], c.Moves[lead][won], c.Lost[lead] = 5, 1, 1
			c.VisitDays[lead], c.TimedVisits[lead] = 1e308, 1
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := tt.c.Solve()
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Errorf("Solve: error %v, want funnel.ErrOutOfRange (chain %+v)", err, ch.Results)
			}
		})
	}
}

// TestAddOverflow: adding a deal to hand-made transitions whose count of a
// stage's exits is at MaxInt64 is refused and leaves them unchanged.
func TestAddOverflow(t *testing.T) {
	c, _ := NewTransitions(f4)
	c.Moves[lead][won] = math.MaxInt64
	before, _ := c.Merge(Transitions{Funnel: f4, Moves: [][]int64{make([]int64, 4), make([]int64, 4), make([]int64, 4)},
		Lost: make([]int64, 3), Open: make([]int64, 3), VisitDays: make([]float64, 3), TimedVisits: make([]int64, 3)})
	if err := c.Add(path("x", funnel.Won, []int{lead, won}, []int{1})); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Add: error %v, want funnel.ErrOutOfRange", err)
	}
	if diff := cmp.Diff(before, c); diff != "" {
		t.Errorf("Add changed the transitions on error (-before +after):\n%s", diff)
	}
}

// TestMergeOverflow: a merge whose sums do not fit returns
// funnel.ErrOutOfRange rather than counts that wrapped negative or days
// that became infinite.
func TestMergeOverflow(t *testing.T) {
	big, _ := NewTransitions(f4)
	big.Moves[lead][won] = math.MaxInt64
	days, _ := NewTransitions(f4)
	days.Moves[lead][won], days.VisitDays[lead], days.TimedVisits[lead] = 1, math.MaxFloat64, 1
	deals, _ := NewTransitions(f4)
	deals.Deals = math.MaxInt64
	for name, c := range map[string]Transitions{"moves": big, "visit days": days, "deals": deals} {
		t.Run(name, func(t *testing.T) {
			if m, err := c.Merge(c); !errors.Is(err, funnel.ErrOutOfRange) {
				t.Errorf("Merge: error %v, want funnel.ErrOutOfRange (merged %+v)", err, m)
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
	c, err := CountMoves(f4, funnel.Stream([]funnel.Deal{d}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.VisitDays[lead]; got != 155229 {
		t.Errorf("VisitDays[Lead] = %v, want 155229", got)
	}
}

// TestSelfLoops checks a stage that moves to itself (a repeated row at one
// stage counted as a move) against the hand-worked chain: the chain is the
// same with four moves Lead → Lead added, so the absorption probabilities
// are those of TestChainHandWorked (a self-loop only delays), and each entry
// to Lead now stays for exits/leave = 8/4 = 2 visits, so Lead's column of
// Visits doubles: from Lead 2·56/47 = 112/47, from Demo 32/47, from
// Proposal 8/47. With 8 timed visits of 16 days (2 a visit, as before) the
// expected days from Lead are 2·112/47 + 4·36/47 + 6·32/47 = 560/47.
func TestSelfLoops(t *testing.T) {
	c := Transitions{
		Funnel:      f4,
		Moves:       [][]int64{{4, 2, 1, 0}, {1, 0, 2, 0}, {0, 1, 0, 2}},
		Lost:        []int64{1, 1, 1},
		Open:        []int64{1, 0, 0},
		VisitDays:   []float64{16, 16, 24},
		TimedVisits: []int64{8, 4, 4},
		Deals:       6,
	}
	got, err := c.Solve()
	if err != nil {
		t.Fatal(err)
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	wantVisits := [][]float64{
		{112.0 / 47, 36.0 / 47, 32.0 / 47},
		{32.0 / 47, 64.0 / 47, 36.0 / 47},
		{8.0 / 47, 16.0 / 47, 56.0 / 47},
	}
	if diff := cmp.Diff(wantVisits, got.Visits, approx); diff != "" {
		t.Errorf("Visits mismatch (-want +got):\n%s", diff)
	}
	wantP := []float64{0.5, 0.25, 0.125, 0, 0.125} // observed moves from Lead of 8 exits
	if diff := cmp.Diff(wantP, got.P[0], approx); diff != "" {
		t.Errorf("P[Lead] mismatch (-want +got):\n%s", diff)
	}
	for i, w := range [][2]float64{{16.0 / 47, 31.0 / 47}, {18.0 / 47, 29.0 / 47}, {28.0 / 47, 19.0 / 47}} {
		r := got.Results[i]
		if diff := cmp.Diff(w, [2]float64{r.PWon, r.PLost}, approx); diff != "" {
			t.Errorf("stage %d absorption mismatch (-want +got):\n%s", i, diff)
		}
	}
	if r := got.Results[0]; !r.ExpectedDays.Valid || math.Abs(r.ExpectedDays.Float64-560.0/47) > 1e-12 {
		t.Errorf("Lead expected days = %v, want 560/47", r.ExpectedDays)
	}
	if r := got.Results[0]; !r.Steps.Valid || math.Abs(r.Steps.Float64-(112.0+36+32)/47) > 1e-12 {
		t.Errorf("Lead steps = %v, want 180/47", r.Steps)
	}
}
