package markov_test

import (
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
	ch, err := markov.Build(stages, history())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range ch.Results {
		fmt.Printf("%-8s P(won) %.4f  P(lost) %.4f  expected days to close %5.2f\n", r.Name, r.PWon, r.PLost, r.ExpectedDays)
	}
	fmt.Printf("a deal in Lead visits Demo %.4f times on average\n", ch.Visits[0][1])
	// Output:
	// Lead     P(won) 0.3404  P(lost) 0.6596  expected days to close  9.53
	// Demo     P(won) 0.3830  P(lost) 0.6170  expected days to close 10.72
	// Proposal P(won) 0.5957  P(lost) 0.4043  expected days to close  8.68
	// a deal in Lead visits Demo 0.7660 times on average
}

// ExampleCounts_Merge counts two shards apart and solves once: the result
// is that of one pass over all deals.
func ExampleCounts_Merge() {
	deals := history()
	a, err := markov.Count(stages, deals[:3])
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := markov.Count(stages, deals[3:])
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

// ExampleCounts_Solve_unresolved shows a stage no deal has left yet: the
// chain does not guess its outcome but sends moves into it to Unresolved.
func ExampleCounts_Solve_unresolved() {
	f := funnel.MustNew("Applied", "Interview", "Offer")
	c, err := markov.Count(f, []funnel.Deal{
		{ID: "a", Outcome: funnel.Won, Events: []funnel.Event{{Stage: 0}, {Stage: 2}}},
		{ID: "b", Outcome: funnel.Lost, Events: []funnel.Event{{Stage: 0}}},
		{ID: "c", Outcome: funnel.Open, Events: []funnel.Event{{Stage: 0}, {Stage: 1}}},
		{ID: "d", Outcome: funnel.Open, Events: []funnel.Event{{Stage: 0}, {Stage: 1}}},
	})
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
	fmt.Printf("from Applied: won %.2f, lost %.2f, unresolved %.2f; won among resolved %.2f\n", r.PWon, r.PLost, r.PUnresolved, r.PWonResolved)
	fmt.Printf("Interview observed: %v\n", ch.Results[1].Observed)
	// Output:
	// from Applied: won 0.25, lost 0.25, unresolved 0.50; won among resolved 0.50
	// Interview observed: false
}

// ExampleBuild_noPathToWon: a history in which no deal was ever won gives
// an error, not a chain of zeros.
func ExampleBuild_noPathToWon() {
	_, err := markov.Build(stages, []funnel.Deal{deal("x", funnel.Lost, 0, 1)})
	fmt.Println(err)
	// Output:
	// markov: Solve: no path to won: no deal was seen entering "Won"
}
