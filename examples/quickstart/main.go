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
	// Counts reached per stage: conversions, each a rate k of n with its interval.
	c, err := f.Conversions([]int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		panic(err)
	}
	for _, s := range c.Stages[1:] {
		iv, err := s.Step.Wilson(0.95)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-9s %v  95%% %v\n", s.Stage, s.Step, iv)
	}
	// The volume needed upstream for 10 won deals at those rates.
	r, err := f.Reverse("won", 10, c.StepRates())
	if err != nil {
		panic(err)
	}
	for _, v := range r.Volumes {
		fmt.Printf("%-9s %4d (exactly %.2f)\n", v.Stage, v.Whole, v.Exact)
	}
}
