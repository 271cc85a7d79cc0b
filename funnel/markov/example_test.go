package markov_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/markov"
)

var stages = funnel.MustNew("Lead", "Demo", "Proposal", "Won")

// deal builds a deal from its stages; each visit lasts 2 days in Lead, 4
// in Demo and 6 in Proposal, and a lost deal closes when its last visit
// ends.
func deal(id string, outcome funnel.Outcome, path ...int) funnel.Deal {
	stay := []int{2, 4, 6}
	t := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	d := funnel.Deal{ID: id, Outcome: outcome, Created: t}
	for _, s := range path {
		d.Events = append(d.Events, funnel.Event{Stage: s, At: t})
		if s < len(stay) {
			t = t.AddDate(0, 0, stay[s])
		}
	}
	if outcome == funnel.Lost {
		d.Closed = t
	}
	return d
}

// history has skips (Lead → Proposal), regressions (Demo → Lead, Proposal
// → Demo) and an open deal; it is the chain solved by hand in the tests:
// from Lead the chance of winning is 16/47 and the expected time to close
// 448/47 days.
func history() []funnel.Deal {
	return []funnel.Deal{
		deal("1", funnel.Won, 0, 1, 2, 3),
		deal("2", funnel.Lost, 0, 1, 0),
		deal("3", funnel.Won, 0, 2, 3),
		deal("4", funnel.Lost, 1, 2, 1),
		deal("5", funnel.Lost, 2),
		deal("6", funnel.Open, 0),
	}
}

func ExampleBuild() {
	ch, err := markov.Build(stages, funnel.Stream(history()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range ch.Results {
		fmt.Printf("%-8s P(won) %.4f  P(lost) %.4f  expected days to close %5.2f\n", r.Name, r.PWon, r.PLost, r.ExpectedDays.Float64)
	}
	fmt.Printf("a deal in Lead visits Demo %.4f times on average\n", ch.Visits[0][1])
	// Output:
	// Lead     P(won) 0.3404  P(lost) 0.6596  expected days to close  9.53
	// Demo     P(won) 0.3830  P(lost) 0.6170  expected days to close 10.72
	// Proposal P(won) 0.5957  P(lost) 0.4043  expected days to close  8.68
	// a deal in Lead visits Demo 0.7660 times on average
}

// ExampleTransitions_Merge counts two shards apart and solves once: the
// result is that of one pass over all deals.
func ExampleTransitions_Merge() {
	deals := history()
	a, err := markov.CountMoves(stages, funnel.Stream(deals[:3]))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := markov.CountMoves(stages, funnel.Stream(deals[3:]))
	if err != nil {
		fmt.Println(err)
		return
	}
	all, err := a.Merge(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := all.Solve()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d deals, P(won from Lead) = %.4f (16/47 = %.4f)\n", all.Deals, ch.Results[0].PWon, 16.0/47)
	// Output:
	// 6 deals, P(won from Lead) = 0.3404 (16/47 = 0.3404)
}

// ExampleTransitions_Solve_unresolved shows a stage no deal has left yet:
// the chain does not guess its outcome but sends moves into it to
// Unresolved.
func ExampleTransitions_Solve_unresolved() {
	f := funnel.MustNew("Applied", "Interview", "Offer")
	c, err := markov.CountMoves(f, funnel.Stream([]funnel.Deal{
		{ID: "a", Outcome: funnel.Won, Events: []funnel.Event{{Stage: 0}, {Stage: 2}}},
		{ID: "b", Outcome: funnel.Lost, Events: []funnel.Event{{Stage: 0}}},
		{ID: "c", Outcome: funnel.Open, Events: []funnel.Event{{Stage: 0}, {Stage: 1}}},
		{ID: "d", Outcome: funnel.Open, Events: []funnel.Event{{Stage: 0}, {Stage: 1}}},
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := c.Solve()
	if err != nil {
		fmt.Println(err)
		return
	}
	r := ch.Results[0]
	fmt.Printf("from Applied: won %.2f, lost %.2f, unresolved %.2f; won among resolved %.2f\n", r.PWon, r.PLost, r.PUnresolved, r.PWonResolved.Float64)
	fmt.Printf("Interview observed: %v\n", ch.Results[1].Observed)
	// Output:
	// from Applied: won 0.25, lost 0.25, unresolved 0.50; won among resolved 0.50
	// Interview observed: false
}

// ExampleBuild_noPathToWon: a history in which no deal was ever won gives
// an error, not a chain of zeros.
func ExampleBuild_noPathToWon() {
	_, err := markov.Build(stages, funnel.Stream([]funnel.Deal{deal("x", funnel.Lost, 0, 1)}))
	fmt.Println(err)
	fmt.Println(errors.Is(err, markov.ErrNoPathToWon))
	// Output:
	// markov.Solve: stage "Won" (index 3): no path to won: no deal was seen entering it
	// true
}

// ExampleBuild_stays reads a Salesforce OpportunityHistory-like deal that
// has two rows at Qualification (the amount changed on day 12): that is
// one 18-day stay, not a move from Qualification to itself.
func ExampleBuild_stays() {
	f := funnel.MustNew("Prospecting", "Qualification", "Closed Won")
	at := func(day int) time.Time { return time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, day) }
	d := funnel.Deal{ID: "006A", Outcome: funnel.Won, Events: []funnel.Event{
		{Stage: 0, At: at(0)}, {Stage: 1, At: at(2)}, {Stage: 1, At: at(12)}, {Stage: 2, At: at(20)},
	}}
	c, err := markov.CountMoves(f, funnel.Stream([]funnel.Deal{d}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Qualification → Qualification: %d; visits %d, %.0f days\n", c.Moves[1][1], c.TimedVisits[1], c.VisitDays[1])
	// Output:
	// Qualification → Qualification: 0; visits 1, 18 days
}

// ExampleMatrix_Solve solves the drunkard's walk of Grinstead and Snell,
// Introduction to Probability, §11.2 (Example 11.13): from 1, 2 or 3 a step
// left or right with probability 1/2; 0 and 4 are absorbing. The book
// prints t = (3, 4, 3) steps and B = NR with rows (3/4, 1/4), (1/2, 1/2),
// (1/4, 3/4).
func ExampleMatrix_Solve() {
	m := markov.Matrix{
		States:    []string{"1", "2", "3"},
		Absorbing: []string{"0", "4"},
		P: [][]float64{
			{0, 0.5, 0, 0.5, 0},
			{0.5, 0, 0.5, 0, 0},
			{0, 0.5, 0, 0, 0.5},
		},
	}
	ab, err := m.Solve()
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, s := range ab.States {
		fmt.Printf("from %s: %.0f steps, P(0) %.2f, P(4) %.2f\n", s, ab.Steps[i], ab.Probabilities[i][0], ab.Probabilities[i][1])
	}
	// Output:
	// from 1: 3 steps, P(0) 0.75, P(4) 0.25
	// from 2: 4 steps, P(0) 0.50, P(4) 0.50
	// from 3: 3 steps, P(0) 0.25, P(4) 0.75
}

// Transitions counted on one machine travel as JSON and are checked when
// they are read: a document no deals could give is refused, with the
// place at fault named.
func ExampleTransitions_UnmarshalJSON() {
	var c markov.Transitions
	// Lead was left twice (to Demo and to Won) but claims 3 timed visits.
	doc := `{"funnel":["Lead","Demo","Won"],"moves":[[0,1,1],[0,0,0]],"lost":[0,0],"open":[0,1],"visit_days":[8,0],"timed_visits":[3,0],"deals":2}`
	err := json.Unmarshal([]byte(doc), &c)
	fmt.Println(err)
	fmt.Println(errors.Is(err, funnel.ErrCountsRise))
	// A count of the wrong type is named down to its element.
	err = json.Unmarshal([]byte(`{"funnel":["Lead","Won"],"moves":[[0,1e30]]}`), &c)
	fmt.Println(err)
	// Output:
	// markov.Transitions: timed_visits: stage "Lead" (index 0): count rises down the funnel: 3 timed visits but 2 exits
	// true
	// markov.Transitions: moves[0][1] = number 1e30: value out of range: want a JSON number
}
