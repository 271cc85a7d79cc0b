package main

import (
	"fmt"
	"os"

	"github.com/funnelmath/funnelmath/funnel"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "jobsearch:", err)
		os.Exit(1)
	}
}

func run() error {
	f, err := funnel.New("outreach", "reply", "coffee", "interview", "offer")
	if err != nil {
		return err
	}
	// Step rates: 1 in 5 messages gets a reply, half the replies become a
	// coffee, 2 in 5 coffees an interview, 1 in 4 interviews an offer.
	rates := []float64{0.2, 0.5, 0.4, 0.25}
	r, err := f.Reverse("offer", 1, rates)
	if err != nil {
		return err
	}
	fmt.Println("For one offer:")
	for _, v := range r.Volumes {
		fmt.Printf("  %-9s %4d\n", v.Stage, v.Whole)
	}

	// Little's law: six initiatives live at once, each taking 30 days to
	// resolve (an offer or a no), resolve one every 30/6 days.
	every, err := funnel.DaysPerResolution(6, 30)
	if err != nil {
		return err
	}
	fmt.Printf("Six live initiatives on a 30-day cycle: one resolves every %.0f days\n", every)

	// A referral loop: 30 messages a month of one's own, and a quarter of
	// all conversations lead to a referral that feeds the top again.
	top, err := funnel.ReferralVolume(30, 0.25)
	if err != nil {
		return err
	}
	fmt.Printf("30 messages a month with a 25%% referral loop: %.0f a month in all\n", top)
	return nil
}
