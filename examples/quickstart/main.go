package main

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
)

func main() {
	f, err := funnel.New("lead", "qualified", "meeting", "proposal", "won")
	if err != nil {
		panic(err)
	}
	// Deals that reached each stage (none still open): the funnel table,
	// each step into a stage a rate k of n with its 95% interval.
	c, err := funnel.FromReached(f, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		panic(err)
	}
	t, err := funnel.NewTable(f, c, &funnel.TableOptions{Confidence: 0.95})
	if err != nil {
		panic(err)
	}
	for _, s := range t.Stages[1:] {
		fmt.Printf("%-9s %v  95%% %v\n", s.Stage, s.Resolved, s.ResolvedCI)
	}
	// The volume needed upstream for 10 won deals at those rates.
	r, err := f.Reverse("won", 10, t.Rates())
	if err != nil {
		panic(err)
	}
	for _, v := range r.Volumes {
		fmt.Printf("%-9s %4d (exactly %.2f)\n", v.Stage, v.Whole, v.Exact)
	}
}
