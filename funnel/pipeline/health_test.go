package pipeline

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

var approx = cmpopts.EquateApprox(0, 1e-9)

// TestHealthHandWorked checks every figure and flag of the open deals at
// day 60 with StalledDays 14 and UntouchedDays 7, each worked by hand from
// the fixture (see handDeals):
//
//	open at 60: A B C E G. D closed (won) at 55, F starts at 70; E is lost
//	today but closed at 65, after day 60, so it was open.
//	A  Proposal since 50: 10 days < 14, not stalled. Touches 5, 20, 55: last
//	   5 days ago < 7, touched; gaps (55−5)/2 = 25. Close 70 not passed.
//	B  Qualified since 20: 40 >= 14, stalled. Last touch 30: 30 >= 7,
//	   untouched. Close day 45 ended at day 46 <= 60: past due, 60−45 = 15.
//	C  Lead 10, Proposal 25, Qualified 40: moved back; Qualified since 40:
//	   20 >= 14, stalled; no touch, untouched.
//	E  Lead since 20: 40, stalled. Touches 21, 58 (given out of order): last
//	   2 days ago, touched; one gap of 37.
//	G  Lead 40, Qualified 55, Lead 58: moved back; Lead since 58: 2 days.
//	   Touch 59: 1 day. Expected close day 60, whose day is not over at
//	   60 00:00: not past due.
//
//	pipeline 5 deals: 100 + 50 + 30 + 40 = 220 priced (4), B unpriced.
//	stalled B C E = 3, untouched B C = 2, past due B = 1, moved back C G = 2.
//	touch gaps pooled: A 2 gaps over 50 days, E 1 of 37: 87/3 = 29.
//	C and E have no expected close: days past due null; A and G are not
//	yet due: 0. C has no touch: days since touch and between touches null.
func TestHealthHandWorked(t *testing.T) {
	deals := handDeals()
	before := cloneDeals(deals)
	got, err := Health(testFunnel, deals, day(60), Thresholds{StalledDays: 14, UntouchedDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkUnchanged(t, before, deals)
	want := HealthReport{
		At: day(60),
		Deals: []DealHealth{
			{ID: "A", Owner: "ann", Stage: proposal, StageName: "Proposal", AgeDays: 60, DaysInStage: 10,
				Touches: 3, LastTouch: day(55), DaysSinceTouch: funnel.Some(5), TouchGaps: 2, MeanDaysBetweenTouches: funnel.Some(25),
				ExpectedClose: day(70), DaysPastDue: funnel.Some(0), Amount: amt("100")},
			{ID: "B", Owner: "bob", Stage: qualified, StageName: "Qualified", AgeDays: 55, DaysInStage: 40,
				Touches: 1, LastTouch: day(30), DaysSinceTouch: funnel.Some(30),
				ExpectedClose: day(45), DaysPastDue: funnel.Some(15),
				Stalled: true, Untouched: true, PastDue: true},
			{ID: "C", Owner: "ann", Stage: qualified, StageName: "Qualified", AgeDays: 50, DaysInStage: 20,
				Amount: amt("50"), Stalled: true, Untouched: true, MovedBack: true},
			{ID: "E", Owner: "ann", Stage: lead, StageName: "Lead", AgeDays: 40, DaysInStage: 40,
				Touches: 2, LastTouch: day(58), DaysSinceTouch: funnel.Some(2), TouchGaps: 1, MeanDaysBetweenTouches: funnel.Some(37),
				Amount: amt("30"), Stalled: true},
			{ID: "G", Owner: "bob", Stage: lead, StageName: "Lead", AgeDays: 20, DaysInStage: 2,
				Touches: 1, LastTouch: day(59), DaysSinceTouch: funnel.Some(1),
				ExpectedClose: day(60), DaysPastDue: funnel.Some(0), Amount: amt("40"), MovedBack: true},
		},
		Pipeline:               PipelineValue{Deals: 5, Priced: 4, Unpriced: 1, Amount: decimal.RequireFromString("220")},
		Stalled:                3,
		Untouched:              2,
		PastDue:                1,
		MovedBack:              2,
		TouchGaps:              3,
		MeanDaysBetweenTouches: funnel.Some(29),
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("Health(day 60) mismatch (-want +got):\n%s", diff)
	}
}

// TestHealthReconstructs checks that the state at an earlier date comes
// from the history, not from today's outcome. Flags at day 50, worked by
// hand (S stalled >= 14 days, U untouched >= 7 days, P past due, M moved
// back):
//
//	A  Proposal entered at 50 itself: 0 days. Last touch 20: 30 days. U
//	B  Qualified since 20: 30. Touch 30: 20 days. Close 45 over.     S U P
//	C  Qualified since 40: 10. No touch. Moved back at 40.           U M
//	D  won today, but at 50 in Proposal since 30: 20. No touch.     S U
//	E  Lead since 20: 30. Touch 21 (58 is later): 29.                S U
//	G  Lead since 40: 10; its move back is at 58, later. No touch.   U
func TestHealthReconstructs(t *testing.T) {
	got, err := Health(testFunnel, handDeals(), day(50), Thresholds{StalledDays: 14, UntouchedDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "U", "B": "SUP", "C": "UM", "D": "SU", "E": "SU", "G": "U"}
	flags := map[string]string{}
	for _, d := range got.Deals {
		s := ""
		for _, f := range []struct {
			on bool
			c  string
		}{{d.Stalled, "S"}, {d.Untouched, "U"}, {d.PastDue, "P"}, {d.MovedBack, "M"}} {
			if f.on {
				s += f.c
			}
		}
		flags[d.ID] = s
	}
	if diff := cmp.Diff(want, flags); diff != "" {
		t.Errorf("Health(day 50) flags mismatch (-want +got):\n%s", diff)
	}
	// D at 50: Proposal since day 30, 20 days; A at 50: Proposal since 50.
	for _, d := range got.Deals {
		switch d.ID {
		case "D":
			if d.Stage != proposal || d.DaysInStage != 20 {
				t.Errorf("D at day 50: stage %d, %v days; want %d, 20", d.Stage, d.DaysInStage, proposal)
			}
		case "A":
			if d.Stage != proposal || d.DaysInStage != 0 {
				t.Errorf("A at day 50: stage %d, %v days; want %d, 0", d.Stage, d.DaysInStage, proposal)
			}
		}
	}
}

// TestHealthUndatedAndEmpty: a deal with no Created and no timed event,
// and a lost deal without a Closed time, cannot be placed and are counted
// apart; no deals give an empty report.
func TestHealthUndatedAndEmpty(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "u1", Events: []funnel.Event{{Stage: lead}}},
		{ID: "u2", Created: day(0), Outcome: funnel.Lost, Events: []funnel.Event{ev(lead, 0)}},
		{ID: "ok", Created: day(0), Events: []funnel.Event{ev(lead, 0)}},
	}
	got, err := Health(testFunnel, deals, day(10), Thresholds{StalledDays: 5, UntouchedDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Undated != 2 || len(got.Deals) != 1 || got.Deals[0].ID != "ok" {
		t.Errorf("Health: undated %d, deals %v; want 2 undated and deal ok", got.Undated, got.Deals)
	}
	empty, err := Health(testFunnel, nil, day(10), Thresholds{StalledDays: 5, UntouchedDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := HealthReport{At: day(10), Deals: []DealHealth{}}
	if diff := cmp.Diff(want, empty); diff != "" {
		t.Errorf("Health(no deals) mismatch (-want +got):\n%s", diff)
	}
}

// TestLiveByDay counts the deals open on each day, worked by hand for days
// 53..57 (range [day 53, day 58)):
//
//	A B C E G are open through all five days (E closes at 65, G starts at 40).
//	D is won at day 55 00:00: live on 53 and 54, not on 55 (it closed at the
//	day's start). F starts at 70.
//	live: 6, 6, 5, 5, 5; mean 27/5 = 5.4, peak 6.
func TestLiveByDay(t *testing.T) {
	got, err := LiveByDay(testFunnel, handDeals(), day(53), day(58))
	if err != nil {
		t.Fatal(err)
	}
	want := Live{
		Days: []DayCount{{day(53), 6}, {day(54), 6}, {day(55), 5}, {day(56), 5}, {day(57), 5}},
		Mean: 5.4,
		Peak: 6,
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("LiveByDay mismatch (-want +got):\n%s", diff)
	}
	// A deal starting at noon on day 69 is live on day 69: F starts at
	// 70 00:00, so with [day 69 12:00, day 71 12:00) the days are
	// [69.5, 70.5) with F live (starts 70 < 70.5) and [70.5, 71.5).
	got, err = LiveByDay(testFunnel, handDeals(), day(69).Add(12*time.Hour), day(71).Add(12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Open from 69.5 on: A B C G F (E closed at 65, D at 55) = 5 on both.
	if len(got.Days) != 2 || got.Days[0].Live != 5 || got.Days[1].Live != 5 {
		t.Errorf("LiveByDay(69.5, 71.5) = %+v, want two days of 5", got.Days)
	}
}

// TestPeriodSummary lists the deals of (day 50, day 70], by hand:
//
//	created: F (70; the end is included). G started at 40, outside.
//	advanced: D (Proposal → Won at 55), G (Lead → Qualified at 55).
//	moved back: G (Qualified → Lead at 58).
//	won: D (55). lost: E (65).
//	A's Proposal at 50 is at the start, which belongs to the state at 50.
func TestPeriodSummary(t *testing.T) {
	got, err := PeriodSummary(testFunnel, handDeals(), day(50), day(70))
	if err != nil {
		t.Fatal(err)
	}
	want := Movement{From: day(50), To: day(70), Created: []string{"F"}, Advanced: []string{"D", "G"},
		MovedBack: []string{"G"}, Won: []string{"D"}, Lost: []string{"E"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PeriodSummary mismatch (-want +got):\n%s", diff)
	}
}

// TestBadInput checks that each bad input gets an error wrapping its
// sentinel, and no result.
func TestBadInput(t *testing.T) {
	th := Thresholds{StalledDays: 14, UntouchedDays: 7}
	dup := append(handDeals(), funnel.Deal{ID: "A", Created: day(0), Events: []funnel.Event{ev(lead, 0)}})
	badStage := []funnel.Deal{{ID: "x", Created: day(0), Events: []funnel.Event{{Stage: 9, At: day(0)}}}}
	waterfall := func(from, to int, opt WaterfallOptions) func() error {
		return func() error { _, err := Waterfall(testFunnel, handDeals(), day(from), day(to), opt); return err }
	}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"health zero date", func() error { _, err := Health(testFunnel, handDeals(), time.Time{}, th); return err }, funnel.ErrZeroDate},
		{"health stalled 0", func() error {
			_, err := Health(testFunnel, handDeals(), day(1), Thresholds{StalledDays: 0, UntouchedDays: 7})
			return err
		}, funnel.ErrOutOfRange},
		{"health untouched -3", func() error {
			_, err := Health(testFunnel, handDeals(), day(1), Thresholds{StalledDays: 1, UntouchedDays: -3})
			return err
		}, funnel.ErrOutOfRange},
		{"health duplicate id", func() error { _, err := Health(testFunnel, dup, day(1), th); return err }, funnel.ErrDuplicateDeal},
		{"health unknown stage", func() error { _, err := Health(testFunnel, badStage, day(1), th); return err }, funnel.ErrUnknownStage},
		{"health empty funnel", func() error { _, err := Health(funnel.Funnel{}, nil, day(1), th); return err }, funnel.ErrEmptyFunnel},
		{"live reversed", func() error { _, err := LiveByDay(testFunnel, handDeals(), day(5), day(1)); return err }, funnel.ErrDateOrder},
		{"live zero-length", func() error { _, err := LiveByDay(testFunnel, handDeals(), day(5), day(5)); return err }, funnel.ErrDateOrder},
		{"live zero from", func() error { _, err := LiveByDay(testFunnel, handDeals(), time.Time{}, day(5)); return err }, funnel.ErrZeroDate},
		{"period reversed", func() error { _, err := PeriodSummary(testFunnel, handDeals(), day(5), day(1)); return err }, funnel.ErrDateOrder},
		{"period zero-length", func() error { _, err := PeriodSummary(testFunnel, handDeals(), day(5), day(5)); return err }, funnel.ErrDateOrder},
		{"waterfall reversed", waterfall(60, 30, WaterfallOptions{}), funnel.ErrDateOrder},
		{"waterfall zero-length", waterfall(30, 30, WaterfallOptions{}), funnel.ErrDateOrder},
		{"waterfall window reversed", waterfall(30, 60, WaterfallOptions{CloseFrom: day(90), CloseTo: day(60)}), funnel.ErrDateOrder},
		{"waterfall window half set", waterfall(30, 60, WaterfallOptions{CloseFrom: day(90)}), funnel.ErrZeroDate},
		{"waterfall prior state of an unknown id", waterfall(30, 60, WaterfallOptions{Before: map[string]PriorState{"nope": {}}}), ErrPriorState},
		// F starts at 70, after from = 30.
		{"waterfall prior state before start", waterfall(30, 80, WaterfallOptions{Before: map[string]PriorState{"F": {}}}), ErrPriorState},
		{"waterfall prior state negative amount", waterfall(30, 60, WaterfallOptions{Before: map[string]PriorState{"A": {Amount: amt("-1")}}}), funnel.ErrNegativeAmount},
		{"waterfall prior state amount out of range", waterfall(30, 60, WaterfallOptions{Before: map[string]PriorState{"A": {Amount: amt("1e-40")}}}), funnel.ErrOutOfRange},
		{"waterfall prior state outcome", waterfall(30, 60, WaterfallOptions{Before: map[string]PriorState{"A": {Outcome: 7}}}), funnel.ErrOutOfRange},
		{"activity duplicate id", func() error { _, err := Activity(testFunnel, dup); return err }, funnel.ErrDuplicateDeal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want one wrapping %v", err, tt.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "pipeline.") || strings.Count(msg, "pipeline") != 1 {
				t.Errorf("error %q does not start with its one pipeline Op", msg)
			}
		})
	}
}

// TestErrorText walks the package's nested failures: each reads with one
// package prefix and names its thing once, and errors.Is and errors.As
// find the sentinel and the typed error with the function's Op.
func TestErrorText(t *testing.T) {
	th := Thresholds{StalledDays: 14, UntouchedDays: 7}
	badStage := []funnel.Deal{{ID: "x", Created: day(0), Events: []funnel.Event{{Stage: 9, At: day(0)}}}}
	dup := append(handDeals(), funnel.Deal{ID: "A", Created: day(0), Events: []funnel.Event{ev(lead, 0)}})
	tests := []struct {
		name string
		call func() error
		text string
		is   error
		as   any // a pointer to the typed error expected
		op   func(any) string
	}{
		{"invalid deal", func() error { _, err := Health(testFunnel, badStage, day(1), th); return err },
			`pipeline.Health: deal "x": event 0: unknown stage: index 9`, funnel.ErrUnknownStage, new(*funnel.DealError), dealOp},
		{"duplicate deal", func() error { _, err := Activity(testFunnel, dup); return err },
			`pipeline.Activity: deal "A": duplicate deal id: deals[0] and deals[7]`, funnel.ErrDuplicateDeal, new(*funnel.DealError), dealOp},
		{"threshold", func() error {
			_, err := Health(testFunnel, nil, day(1), Thresholds{StalledDays: 0, UntouchedDays: 7})
			return err
		}, `pipeline.Health: StalledDays = 0: value out of range: a threshold must be a positive number of days`, funnel.ErrOutOfRange, new(*funnel.InputError), inputOp},
		{"zero date", func() error { _, err := Health(testFunnel, nil, time.Time{}, th); return err },
			`pipeline.Health: at: zero date`, funnel.ErrZeroDate, new(*funnel.InputError), inputOp},
		{"empty range", func() error { _, err := PeriodSummary(testFunnel, nil, day(5), day(5)); return err },
			`pipeline.PeriodSummary: to = 2025-01-06T00:00:00Z: dates out of order: not after from 2025-01-06T00:00:00Z`, funnel.ErrDateOrder, new(*funnel.InputError), inputOp},
		{"window", func() error {
			_, err := Waterfall(testFunnel, nil, day(0), day(5), WaterfallOptions{CloseFrom: day(9), CloseTo: day(8)})
			return err
		}, `pipeline.Waterfall: CloseTo = 2025-01-09T00:00:00Z: dates out of order: not after CloseFrom 2025-01-10T00:00:00Z`, funnel.ErrDateOrder, new(*funnel.InputError), inputOp},
		{"prior state", func() error {
			_, err := Waterfall(testFunnel, handDeals(), day(30), day(60), WaterfallOptions{Before: map[string]PriorState{"nope": {}}})
			return err
		}, `pipeline.Waterfall: Before["nope"]: prior state does not match the deals: no deal with this id`, ErrPriorState, new(*funnel.InputError), inputOp},
		{"prior amount", func() error {
			_, err := Waterfall(testFunnel, handDeals(), day(30), day(60), WaterfallOptions{Before: map[string]PriorState{"A": {Amount: amt("-1")}}})
			return err
		}, `pipeline.Waterfall: Before["A"].Amount: negative amount: -1`, funnel.ErrNegativeAmount, new(*funnel.InputError), inputOp},
		{"attribute", func() error { _, err := AttributeEffect(testFunnel, funnel.NewTally(testFunnel, "color")); return err },
			`pipeline.AttributeEffect: tally = by "color": no data: no closed deal with a value and a stage (0 open, 0 lost before any stage, 0 without a value)`, funnel.ErrNoData, new(*funnel.InputError), inputOp},
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
			if !errors.As(err, tt.as) {
				t.Fatalf("errors.As(%T, %T) = false", err, tt.as)
			}
			if op, want := tt.op(tt.as), "pipeline."+strings.SplitN(strings.TrimPrefix(tt.text, "pipeline."), ":", 2)[0]; op != want {
				t.Errorf("Op = %q, want %q", op, want)
			}
		})
	}
}

func dealOp(p any) string  { return (*p.(**funnel.DealError)).Op }
func inputOp(p any) string { return (*p.(**funnel.InputError)).Op }

// TestHealthStays: consecutive events at one stage are one stay, as
// Salesforce writes a history row at each amount change, and the time in
// stage runs from the stay's start. On day 20, with StalledDays 14:
//
//	Lead 1, Qualified 2, Qualified 12: one stay in Qualified since day 2,
//	  20 − 2 = 18 days (not 8), stalled; the repeated row is not a move.
//	Lead 1, Qualified 2, Lead (no time), Qualified 12: the deal left
//	  Qualified in between, so its stay began on day 12: 8 days, not
//	  stalled. The move back has no time, so it is not flagged.
func TestHealthStays(t *testing.T) {
	tests := []struct {
		name   string
		events []funnel.Event
		want   DealHealth
	}{
		{"repeated row", []funnel.Event{ev(lead, 1), ev(qualified, 2), ev(qualified, 12)},
			DealHealth{ID: "s", Stage: qualified, StageName: "Qualified", AgeDays: 19, DaysInStage: 18, Stalled: true, Untouched: true}},
		{"left and came back", []funnel.Event{ev(lead, 1), ev(qualified, 2), {Stage: lead}, ev(qualified, 12)},
			DealHealth{ID: "s", Stage: qualified, StageName: "Qualified", AgeDays: 19, DaysInStage: 8, Untouched: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deals := []funnel.Deal{{ID: "s", Created: day(1), Events: tt.events}}
			h, err := Health(testFunnel, deals, day(20), Thresholds{StalledDays: 14, UntouchedDays: 7})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]DealHealth{tt.want}, h.Deals, approx); diff != "" {
				t.Errorf("Health(%s, day 20) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
	// The repeated row is neither an advance nor a move back.
	deals := []funnel.Deal{{ID: "s", Created: day(1), Events: tests[0].events}}
	m, err := PeriodSummary(testFunnel, deals, day(10), day(20))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Advanced) != 0 || len(m.MovedBack) != 0 {
		t.Errorf("PeriodSummary(day 10, day 20) = advanced %v, moved back %v; want none (the day-12 row is not a move)", m.Advanced, m.MovedBack)
	}
}

// TestInputsUnchanged runs the functions not covered elsewhere on the
// fixture and checks that neither the deals nor the prior states changed.
func TestInputsUnchanged(t *testing.T) {
	deals := handDeals()
	before := cloneDeals(deals)
	if _, err := LiveByDay(testFunnel, deals, day(0), day(80)); err != nil {
		t.Fatal(err)
	}
	if _, err := PeriodSummary(testFunnel, deals, day(0), day(80)); err != nil {
		t.Fatal(err)
	}
	checkUnchanged(t, before, deals)
	wd, prior := windowDeals(), windowPriorStates()
	wdBefore, priorBefore := cloneDeals(wd), windowPriorStates()
	if _, err := Waterfall(testFunnel, wd, day(50), day(70), WaterfallOptions{CloseFrom: day(60), CloseTo: day(90), Before: prior}); err != nil {
		t.Fatal(err)
	}
	checkUnchanged(t, wdBefore, wd)
	if diff := cmp.Diff(priorBefore, prior); diff != "" {
		t.Errorf("prior states modified (-before +after):\n%s", diff)
	}
}

// TestThresholdBoundaries: a flag is raised at exactly N days, not one
// day before. The deal entered Lead at day 0 and was touched at day 0.
func TestThresholdBoundaries(t *testing.T) {
	deals := []funnel.Deal{{ID: "b", Created: day(0), Events: []funnel.Event{ev(lead, 0)}, Activities: []funnel.Activity{touch("call", 0)}}}
	tests := []struct {
		at                 int
		stalled, untouched bool
	}{
		{at: 13, stalled: false, untouched: false}, // 13 days < 14 and < 14
		{at: 14, stalled: true, untouched: true},   // 14 days >= 14
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("day ", tt.at), func(t *testing.T) {
			h, err := Health(testFunnel, deals, day(tt.at), Thresholds{StalledDays: 14, UntouchedDays: 14})
			if err != nil {
				t.Fatal(err)
			}
			if d := h.Deals[0]; d.Stalled != tt.stalled || d.Untouched != tt.untouched {
				t.Errorf("day %d: stalled %v untouched %v, want %v %v", tt.at, d.Stalled, d.Untouched, tt.stalled, tt.untouched)
			}
		})
	}
}

// TestOldDates: spans longer than time.Duration can hold (about 292
// years) are measured in full, not cut off at the largest Duration. From
// 1600-01-01 to 2025-01-01 is 425 × 365 + 104 leap days (1600..2024 has
// 107 years divisible by 4, less 1700, 1800 and 1900) = 155229 days, as
// Python's datetime.date also gives.
func TestOldDates(t *testing.T) {
	const span = 155229.0
	old := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	deals := []funnel.Deal{{ID: "old", Created: old, Assigned: old, ExpectedClose: old,
		Events:     []funnel.Event{{Stage: lead, At: old}},
		Activities: []funnel.Activity{{Kind: "call", At: old}, {Kind: "call", At: at}}}}
	h, err := Health(testFunnel, deals, at, Thresholds{StalledDays: 1, UntouchedDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := h.Deals[0]
	// Age, days in stage and days past due all run from 1600-01-01; the
	// two touches are the whole span apart.
	got := []float64{d.AgeDays, d.DaysInStage, d.DaysPastDue.Float64, d.MeanDaysBetweenTouches.Float64}
	if diff := cmp.Diff([]float64{span, span, span, span}, got, approx); diff != "" {
		t.Errorf("Health figures over 425 years mismatch (-want +got):\n%s", diff)
	}
	// With the 1600 touch dropped, the first touch after the assignment in
	// 1600 is the one in 2025, the whole span later.
	deals[0].Activities = deals[0].Activities[1:]
	a, err := Activity(testFunnel, deals)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Deals[0].DaysToFirstTouch; !got.Valid || math.Abs(got.Float64-span) > 1e-9 {
		t.Errorf("DaysToFirstTouch = %v, want %v", got, span)
	}
}

// TestLiveByDayRangeCap checks that a range of more than MaxLiveDays days
// (a mistyped year) is an error rather than millions of day counts, and
// that exactly MaxLiveDays days is accepted.
func TestLiveByDayRangeCap(t *testing.T) {
	from := day(0)
	if _, err := LiveByDay(testFunnel, nil, from, from.AddDate(0, 0, MaxLiveDays+1)); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("LiveByDay over %d days: err = %v, want funnel.ErrOutOfRange", MaxLiveDays+1, err)
	}
	live, err := LiveByDay(testFunnel, nil, from, from.AddDate(0, 0, MaxLiveDays))
	if err != nil || len(live.Days) != MaxLiveDays {
		t.Errorf("LiveByDay over %d days: %d days, %v", MaxLiveDays, len(live.Days), err)
	}
}
