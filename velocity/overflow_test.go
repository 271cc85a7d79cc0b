package velocity

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// TestCountDealLimit checks the one count of a stream's deals that bounds
// every other count Measure and BuildForecast keep (per group, per rep,
// per stage): it reaches math.MaxInt and then fails with
// funnel.ErrOutOfRange, leaving the count as it was, instead of wrapping
// to math.MinInt.
func TestCountDealLimit(t *testing.T) {
	n := math.MaxInt - 1
	if err := countDeal("velocity.Measure", &n); err != nil || n != math.MaxInt {
		t.Fatalf("countDeal(MaxInt−1) = %v, n = %d; want nil, %d", err, n, math.MaxInt)
	}
	err := countDeal("velocity.Measure", &n)
	var ie *funnel.InputError
	if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &ie) || ie.Name != "deals" || ie.Op != "velocity.Measure" {
		t.Errorf("countDeal(MaxInt) = %#v, want a *funnel.InputError naming deals with Op velocity.Measure, wrapping funnel.ErrOutOfRange", err)
	}
	if n != math.MaxInt {
		t.Errorf("countDeal(MaxInt) changed the count to %d", n)
	}
	n = 0
	if err := countDeal("velocity.Measure", &n); err != nil || n != 1 {
		t.Errorf("countDeal(0) = %v, n = %d; want nil, 1", err, n)
	}
}

// TestMeasureDurationLimits checks the longest window and cycle Measure
// takes, funnel.MaxDurationDays (100,000 days) exactly, and that a second
// more is an error wrapping funnel.ErrOutOfRange: the window's, naming
// it; the cycle's, naming the deal.
func TestMeasureDurationLimits(t *testing.T) {
	from := date("1800-01-01")
	longest := time.Duration(funnel.MaxDurationDays) * day
	to := from.Add(longest)
	if _, err := MeasureDeals(leadWon(), nil, from, to, Options{}); err != nil {
		t.Errorf("Measure over %d days: %v", funnel.MaxDurationDays, err)
	}
	_, err := MeasureDeals(leadWon(), nil, from, to.Add(time.Second), Options{})
	var ie *funnel.InputError
	if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &ie) || ie.Name != "window" {
		t.Errorf("Measure over %d days and a second: %v, want funnel.ErrOutOfRange naming the window", funnel.MaxDurationDays, err)
	}
	// A deal lost after a cycle of exactly 100,000 days, closing in the
	// window [to − 1 day, to + 1 day): one closed deal of cycle 100,000
	// days under CycleClosed.
	lost := funnel.Deal{ID: "old", Owner: "A", Created: from, Closed: to, Outcome: funnel.Lost, Events: []funnel.Event{{Stage: 0, At: from}}}
	r, err := MeasureDeals(leadWon(), []funnel.Deal{lost}, to.Add(-day), to.Add(day), Options{CycleDeals: CycleClosed})
	if err != nil {
		t.Fatalf("Measure of a %d-day cycle: %v", funnel.MaxDurationDays, err)
	}
	if r.Total.Cycle != longest || r.Total.CycleDeals != 1 {
		t.Errorf("cycle %v of %d deals, want %v of 1", r.Total.Cycle, r.Total.CycleDeals, longest)
	}
	lost.Closed = to.Add(time.Second)
	_, err = MeasureDeals(leadWon(), []funnel.Deal{lost}, to.Add(-day), to.Add(day), Options{})
	var de *funnel.DealError
	if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &de) || de.ID != "old" {
		t.Errorf("Measure of a cycle a second longer: %v, want funnel.ErrOutOfRange naming deal old", err)
	}
}
