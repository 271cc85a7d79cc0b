package pipeline

import (
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// Tests that pin boundaries: each fails when a comparison is turned
// around or loosened by one.

// TestChiSquareExpectedFive: Cochran's rule counts expected counts below
// 5, so a cell expecting exactly 5 is not low. The table [[5, 5], [5, 5]]
// expects 10 × 10 / 20 = 5 in every cell: X² = 0, df = 1, p = 1, no low
// cell.
func TestChiSquareExpectedFive(t *testing.T) {
	got := chiSquare([][]int64{{5, 5}, {5, 5}})
	want := ChiSquare{Tested: true, Stat: 0, DF: 1, P: 1, Cells: 4, LowExpected: 0, MinExpected: 5}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("chiSquare([[5 5] [5 5]]) mismatch (-want +got):\n%s", diff)
	}
}

// TestLiveOneDay: a deal that starts and closes within one day is live on
// that day only. Created day 1 at 06:00, lost day 1 at 18:00; over [day 0,
// day 3) it counts 0, 1, 0, mean 1/3.
func TestLiveOneDay(t *testing.T) {
	deals := []funnel.Deal{{ID: "d", Created: day(1).Add(6 * time.Hour), Outcome: funnel.Lost, Closed: day(1).Add(18 * time.Hour),
		Events: []funnel.Event{{Stage: lead, At: day(1).Add(6 * time.Hour)}}}}
	got, err := LiveByDay(testFunnel, deals, day(0), day(3))
	if err != nil {
		t.Fatal(err)
	}
	want := Live{Days: []DayCount{{day(0), 0}, {day(1), 1}, {day(2), 0}}, Mean: 1.0 / 3, Peak: 1}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("LiveByDay(one-day deal) mismatch (-want +got):\n%s", diff)
	}
}

// TestPeriodSummaryEqualStays: two timed stays at one stage with an
// untimed stay elsewhere between them (Lead 1, Qualified 2, Lead at no
// time, Qualified 12) are consecutive among the timed stays, and a move
// from a stage to the same stage is neither an advance nor a move back.
// Over (day 10, day 20] the only timed stay is Qualified 12, after
// Qualified 2: nothing moved.
func TestPeriodSummaryEqualStays(t *testing.T) {
	deals := []funnel.Deal{{ID: "s", Created: day(1), Events: []funnel.Event{ev(lead, 1), ev(qualified, 2), {Stage: lead}, ev(qualified, 12)}}}
	m, err := PeriodSummary(testFunnel, deals, day(10), day(20))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Advanced) != 0 || len(m.MovedBack) != 0 {
		t.Errorf("PeriodSummary: advanced %v, moved back %v; want neither (Qualified to Qualified)", m.Advanced, m.MovedBack)
	}
}

// TestUndated: a deal with no Created and no timed event cannot be placed
// in time; every analysis at a date counts it apart and uses nothing else
// of it.
func TestUndated(t *testing.T) {
	deals := append(handDeals(), funnel.Deal{ID: "u", Amount: amt("7"), Events: []funnel.Event{{Stage: lead}}})
	live, err := LiveByDay(testFunnel, deals, day(53), day(58))
	if err != nil {
		t.Fatal(err)
	}
	p, err := PeriodSummary(testFunnel, deals, day(50), day(70))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Waterfall(testFunnel, deals, day(30), day(60), WaterfallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Without u, the hand-worked figures: live 6, 6, 5, 5, 5 (peak 6);
	// start 5 deals, 380 (TestWaterfallHandWorked).
	got := []int{live.Undated, p.Undated, w.Undated, live.Peak, w.Start.Deals}
	if diff := cmp.Diff([]int{1, 1, 1, 6, 5}, got); diff != "" {
		t.Errorf("undated counts, peak and start deals mismatch (-want +got):\n%s", diff)
	}
}

// TestHealthBeforeFirstStage: a deal created before its first stage event
// has no stage until then; its time in stage runs from its start. Created
// day 0, Lead at day 5; at day 2: stage −1, 2 days.
func TestHealthBeforeFirstStage(t *testing.T) {
	deals := []funnel.Deal{{ID: "n", Created: day(0), Events: []funnel.Event{ev(lead, 5)}}}
	h, err := Health(testFunnel, deals, day(2), Thresholds{StalledDays: 2, UntouchedDays: 9})
	if err != nil {
		t.Fatal(err)
	}
	want := []DealHealth{{ID: "n", Stage: -1, AgeDays: 2, DaysInStage: 2, Stalled: true, Untouched: true}}
	if diff := cmp.Diff(want, h.Deals, approx); diff != "" {
		t.Errorf("Health(day 2) mismatch (-want +got):\n%s", diff)
	}
}
