package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// decimalEqual compares decimals by value, so 1.50 equals 1.5.
var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// jan returns 2024-01-d 00:00 UTC.
func jan(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

func amount(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

// tallyFunnel is the five-stage funnel of the hand-worked tally cases.
var tallyFunnel = MustNew("Lead", "Qualified", "Meeting", "Proposal", "Won")

// handDeals are seven histories with a skip, a regression, a mid-funnel
// start, open deals and missing amounts. Stages: L=0 Q=1 M=2 P=3 W=4; days
// are January 2024.
func handDeals() []Deal {
	ev := func(stage, day int) Event { return Event{Stage: stage, At: jan(day)} }
	return []Deal{
		// D1 won straight through: L1 Q3 M6 P10 W20.
		{ID: "D1", Owner: "a", Amount: amount("1000"), Outcome: Won, Closed: jan(20),
			Events: []Event{ev(0, 1), ev(1, 3), ev(2, 6), ev(3, 10), ev(4, 20)}},
		// D2 lost after Meeting: L1 Q2 M5, lost on the 9th.
		{ID: "D2", Owner: "a", Amount: amount("500"), Outcome: Lost, Closed: jan(9),
			Events: []Event{ev(0, 1), ev(1, 2), ev(2, 5)}},
		// D3 skipped Qualified: L2 M4 P8 W15.
		{ID: "D3", Owner: "b", Amount: amount("2000"), Outcome: Won, Closed: jan(15),
			Events: []Event{ev(0, 2), ev(2, 4), ev(3, 8), ev(4, 15)}},
		// D4 moved back from Meeting to Qualified and on again, still open:
		// L1 Q2 M4 Q6 M8.
		{ID: "D4", Owner: "b", Amount: amount("300"), Outcome: Open,
			Events: []Event{ev(0, 1), ev(1, 2), ev(2, 4), ev(1, 6), ev(2, 8)}},
		// D5 entered mid-funnel at Qualified on the 5th, open, no amount.
		{ID: "D5", Owner: "a", Outcome: Open, Events: []Event{ev(1, 5)}},
		// D6 open at Lead since the 10th.
		{ID: "D6", Owner: "b", Amount: amount("100"), Outcome: Open, Events: []Event{ev(0, 10)}},
		// D7 lost at Lead a day after it came in, no amount.
		{ID: "D7", Owner: "a", Outcome: Lost, Closed: jan(4), Events: []Event{ev(0, 3)}},
	}
}

// durs builds the Durations of whole-day observations.
func durs(days ...int) Durations {
	var h Durations
	for _, d := range days {
		if err := h.Add(time.Duration(d) * 24 * time.Hour); err != nil {
			panic(err)
		}
	}
	return h
}

func mustTally(t testing.TB, f Funnel, deals []Deal, by ...string) *Tally {
	t.Helper()
	ta := NewTally(f, by...)
	for _, d := range deals {
		if err := ta.Add(d); err != nil {
			t.Fatalf("Add(%s): %v", d.ID, err)
		}
	}
	return ta
}

// mustTotal returns the tally's Total or fails the test.
func mustTotal(t testing.TB, ta *Tally) Counts {
	t.Helper()
	c, err := ta.Total()
	if err != nil {
		t.Fatalf("Total(): %v", err)
	}
	return c
}

func TestTallyHandWorked(t *testing.T) {
	got := mustTotal(t, mustTally(t, tallyFunnel, handDeals()))
	// Every figure below is worked from the histories in handDeals.
	// Furthest stage: D1 4, D2 2, D3 4, D4 2, D5 1, D6 0, D7 0.
	want := Counts{
		Key:   []string{},
		Deals: 7, Won: 2, Lost: 2, Open: 3, // won D1 D3; lost D2 D7; open D4 D5 D6
		// furthest >= k: k0 all 7; k1 D1-D5; k2 D1-D4; k3, k4 D1 D3.
		Reached: []int64{7, 5, 4, 2, 2},
		// events at k: L D1 D2 D3 D4 D6 D7; Q D1 D2 D4 D5; M D1 D2 D3 D4; P, W D1 D3.
		Entered: []int64{6, 4, 4, 2, 2},
		// L&Q D1 D2 D4; Q&M D1 D2 D4; M&P D1 D3; P&W D1 D3.
		EnteredBoth: []int64{3, 3, 2, 2, 0},
		// open deals by furthest stage: D6 at 0, D5 at 1, D4 at 2.
		OpenAt: []int64{1, 1, 1, 0, 0},
		// D6 entered L not Q; D5 entered Q not M; D4 entered M not P.
		StrictPending: []int64{1, 1, 1, 0, 0},
		// lost by furthest stage: D7 at 0, D2 at 2.
		LostAt: []int64{1, 0, 1, 0, 0},
		// amounts D1 1000, D2 500, D3 2000, D4 300, D6 100 (D5, D7 none):
		// k0 3900; k1, k2 without D6: 3800; k3, k4 D1 + D3: 3000.
		AmountReached: []decimal.Decimal{decimal.NewFromInt(3900), decimal.NewFromInt(3800), decimal.NewFromInt(3800), decimal.NewFromInt(3000), decimal.NewFromInt(3000)},
		NoAmount:      2,
		WonAmount:     decimal.NewFromInt(3000), WonWithAmount: 2,
		OpenAmount: decimal.NewFromInt(400), OpenWithAmount: 2, // D4 300 + D6 100
		// start is the first event: D1 1→20 = 19 days, D3 2→15 = 13.
		WonCycle: durs(19, 13),
		// D2 1→9 = 8, D7 3→4 = 1.
		LostCycle: durs(8, 1),
		StageTime: []Durations{
			// L: D1 1→3 2, D2 1→2 1, D3 2→4 2, D4 1→2 1, D7 3→close 4 1; D6 open.
			durs(2, 1, 2, 1, 1),
			// Q: D1 3→6 3, D2 2→5 3, D4 2→4 2 and 6→8 2; D5 open.
			durs(3, 3, 2, 2),
			// M: D1 6→10 4, D2 5→close 9 4, D3 4→8 4, D4 4→6 2; D4's second visit open.
			durs(4, 4, 4, 2),
			// P: D1 10→20 10, D3 8→15 7.
			durs(10, 7),
			{}, // no time in the won stage
		},
		WonToClose: []Durations{
			// from reaching k to the win: D1 (won 20) L1 Q3 M6 P10;
			// D3 (won 15) L2, Q reached at M4, M4, P8.
			durs(19, 13), durs(17, 11), durs(14, 11), durs(10, 7), {},
		},
	}
	opts := cmp.Options{decimalEqual, cmpopts.EquateEmpty()}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("Total() mismatch (-want +got):\n%s", diff)
	}
	if err := got.Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}

	// Derived figures, from the counts above.
	if diff := cmp.Diff(Rate{K: 2, N: 4}, got.WinRate()); diff != "" {
		t.Errorf("WinRate() mismatch (-want +got):\n%s", diff)
	}
	// Won / (Reached[k] - open deals at k or beyond): k0 2/(7-3), k1 2/(5-2)
	// (D4, D5 open), k2 2/(4-1) (D4), k3 2/2, k4 2/2.
	var probs []Rate
	for k := range 5 {
		probs = append(probs, got.WinProbability(k))
	}
	if diff := cmp.Diff([]Rate{{2, 4}, {2, 3}, {2, 3}, {2, 2}, {2, 2}}, probs); diff != "" {
		t.Errorf("WinProbability mismatch (-want +got):\n%s", diff)
	}
	if avg := got.AvgWon(); !avg.Valid || !avg.Decimal.Equal(decimal.NewFromInt(1500)) { // (1000 + 2000) / 2
		t.Errorf("AvgWon() = %v; want 1500", avg)
	}
	// Stage L in whole days 2,1,2,1,1: mean 7/5 = 1.4; sorted 1,1,1,2,2,
	// median x₂ = 1, p90 at h = 4·0.9 = 3.6: x₃ + 0.6(x₄ − x₃) = 2.
	if diff := cmp.Diff(Summary{N: 5, MeanDays: Some(1.4), MedianDays: Some(1), P90Days: Some(2), MaxDays: Some(2)}, got.StageTime[0].Summary(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("StageTime[0].Summary() mismatch (-want +got):\n%s", diff)
	}
}

// TestTableSteps reads the steps of the hand-worked tally from the one
// table: row k is stage k and its step is the one into it.
func TestTableSteps(t *testing.T) {
	c := mustTotal(t, mustTally(t, tallyFunnel, handDeals()))
	type step struct {
		Step, Resolved Rate
		Pending        int64
	}
	tests := []struct {
		name string
		rule Reach
		want []step
	}{
		{
			// Naive Reached[k]/Reached[k−1] from 7,5,4,2,2; resolved takes
			// the previous row's Pending (OpenAt 1,1,1,0,0) out of each
			// denominator.
			name: "implied", rule: Implied,
			want: []step{
				{Pending: 1},
				{Step: Rate{5, 7}, Resolved: Rate{5, 6}, Pending: 1},
				{Step: Rate{4, 5}, Resolved: Rate{4, 4}, Pending: 1},
				{Step: Rate{2, 4}, Resolved: Rate{2, 3}},
				{Step: Rate{2, 2}, Resolved: Rate{2, 2}},
			},
		},
		{
			// EnteredBoth 3,3,2,2 of Entered 6,4,4,2, less StrictPending
			// 1,1,1,0.
			name: "strict", rule: Strict,
			want: []step{
				{Pending: 1},
				{Step: Rate{3, 6}, Resolved: Rate{3, 5}, Pending: 1},
				{Step: Rate{3, 4}, Resolved: Rate{3, 3}, Pending: 1},
				{Step: Rate{2, 4}, Resolved: Rate{2, 3}},
				{Step: Rate{2, 2}, Resolved: Rate{2, 2}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := NewTable(tallyFunnel, c, &TableOptions{Rule: tt.rule})
			if err != nil {
				t.Fatal(err)
			}
			var got []step
			for _, r := range tb.Stages {
				got = append(got, step{r.Step, r.Resolved, r.Pending})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewTable(%v) mismatch (-want +got):\n%s", tt.rule, diff)
			}
		})
	}
	if _, err := NewTable(MustNew("a", "b"), c, nil); !errors.Is(err, ErrLengthMismatch) {
		t.Errorf("NewTable on a 2-stage funnel with 5-stage counts: err = %v, want ErrLengthMismatch", err)
	}
}

func TestTallyLostWithoutStage(t *testing.T) {
	// A deal created straight as lost, beside D1 (won straight through):
	// two deals, one won, one lost; only D1 reached any stage.
	deals := []Deal{handDeals()[0], {ID: "X", Outcome: Lost, Closed: jan(2), Amount: amount("50")}}
	c := mustTotal(t, mustTally(t, tallyFunnel, deals))
	got := []any{c.Deals, c.Won, c.Lost, c.LostNoStage, c.Reached, c.LostAt, c.WinRate()}
	want := []any{int64(2), int64(1), int64(1), int64(1), []int64{1, 1, 1, 1, 1}, []int64{0, 0, 0, 0, 0}, Rate{K: 1, N: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tally with a stageless lost deal mismatch (-want +got):\n%s", diff)
	}
	if err := c.Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}
	if err := NewTally(tallyFunnel).Add(Deal{ID: "Y"}); !errors.Is(err, ErrInvalidDeal) {
		t.Errorf("an open deal with no events: err = %v, want ErrInvalidDeal", err)
	}
}

func TestTallyGroups(t *testing.T) {
	ta := mustTally(t, tallyFunnel, handDeals(), "owner")
	groups := ta.Groups()
	// Owner a: D1 (furthest 4), D2 (2), D5 (1), D7 (0); owner b: D3 (4),
	// D4 (2), D6 (0).
	got := map[string][]int64{}
	for _, g := range groups {
		got[g.Key[0]] = g.Reached
	}
	want := map[string][]int64{"a": {4, 3, 2, 1, 1}, "b": {3, 2, 2, 1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached by owner mismatch (-want +got):\n%s", diff)
	}
	if g, ok := ta.Group("b"); !ok || g.Won != 1 || g.Open != 2 {
		t.Errorf(`Group("b") = won %d open %d, %v; want 1, 2, true`, g.Won, g.Open, ok)
	}
	if _, ok := ta.Group("nobody"); ok {
		t.Error(`Group("nobody") found`)
	}
	// Two attributes: owner and outcome.
	ta2 := mustTally(t, tallyFunnel, handDeals(), "owner", "outcome")
	if g, ok := ta2.Group("a", "lost"); !ok || g.Deals != 2 { // D2, D7
		t.Errorf(`Group("a","lost") deals = %d, %v; want 2, true`, g.Deals, ok)
	}
	if ta2.Len() != 5 { // a/won a/lost a/open b/won b/open
		t.Errorf("Len() = %d, want 5", ta2.Len())
	}
}

// randomDeals makes n valid deals over the funnel of k stages from the
// generator, with skips, regressions, open and lost deals.
func randomDeals(r *rand.Rand, k, n int) []Deal {
	owners := []string{"a", "b", "c"}
	deals := make([]Deal, n)
	for i := range deals {
		t := jan(1).Add(time.Duration(r.IntN(1000)) * time.Hour)
		d := Deal{ID: string(rune('A'+i%26)) + string(rune('a'+i/26%26)) + string(rune('0'+i/676)), Owner: owners[r.IntN(len(owners))]}
		if r.IntN(4) > 0 {
			d.Amount = decimal.NewNullDecimal(decimal.New(int64(r.IntN(100000)), -2))
		}
		if r.IntN(20) == 0 { // created straight as lost: no stage
			d.Outcome, d.Closed = Lost, t
			deals[i] = d
			continue
		}
		stage := r.IntN(2) // sometimes mid-funnel
		for {
			d.Events = append(d.Events, Event{Stage: stage, At: t})
			if stage == k-1 {
				d.Outcome = Won
				d.Closed = t
				break
			}
			t = t.Add(time.Duration(1+r.IntN(300)) * time.Hour)
			x := r.IntN(10)
			switch {
			case x < 5:
				stage++
			case x < 6 && stage+2 < k:
				stage += 2
			case x < 7 && stage > 0:
				stage--
			case x < 8:
				d.Outcome = Open
			default:
				d.Outcome = Lost
				d.Closed = t
			}
			if x >= 7 {
				break
			}
		}
		deals[i] = d
	}
	return deals
}

func TestTallyMergeEqualsOnePass(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	f := MustNew("s0", "s1", "s2", "s3", "s4", "s5")
	deals := randomDeals(r, f.Len(), 300)
	want := mustTally(t, f, deals, "owner")
	for trial := range 20 {
		parts := 1 + trial%5
		shards := make([]*Tally, parts)
		for i := range shards {
			shards[i] = NewTally(f, "owner")
		}
		for _, d := range deals {
			if err := shards[r.IntN(parts)].Add(d); err != nil {
				t.Fatal(err)
			}
		}
		got := NewTally(f, "owner")
		for _, s := range shards {
			if err := got.Merge(s); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(want.Groups(), got.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("trial %d: merge of %d shards mismatch (-one pass +merged):\n%s", trial, parts, diff)
		}
	}
	for _, g := range want.Groups() {
		if err := g.Check(); err != nil {
			t.Errorf("group %q: Check() = %v", g.Key, err)
		}
	}
}

func TestTallyJSONRoundTrip(t *testing.T) {
	ta := mustTally(t, tallyFunnel, handDeals(), "owner")
	b, err := json.Marshal(ta)
	if err != nil {
		t.Fatal(err)
	}
	var back Tally
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ta.Groups(), back.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	// A decoded tally merges like the original.
	if err := back.Merge(ta); err != nil {
		t.Fatal(err)
	}
	if g, _ := back.Group("a"); g.Deals != 8 { // 4 deals of owner a, twice
		t.Errorf("after merge, owner a deals = %d, want 8", g.Deals)
	}
	bad := []struct {
		name string
		json string
		want error
	}{
		{"counts rise", `{"funnel":["a","b"],"by":[],"groups":[{"key":[],"deals":1,"open":1,"reached":[1,2],"entered":[1,0],"entered_both":[0,0],"open_at":[1,0],"strict_pending":[1,0],"lost_at":[0,0],"amount_reached":["0","0"],"stage_time":[{},{}],"won_to_close":[{},{}]}]}`, ErrCountsRise},
		{"wrong stage count", `{"funnel":["a","b"],"by":[],"groups":[{"key":[],"reached":[0]}]}`, ErrLengthMismatch},
		{"empty funnel", `{"funnel":[],"by":[],"groups":[]}`, ErrEmptyFunnel},
		{"bad histogram", `{"funnel":["a","b"],"by":[],"groups":[{"key":[],"won_cycle":{"days":[[1,1]],"n":2,"seconds":86400}}]}`, ErrOutOfRange},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var u Tally
			if err := json.Unmarshal([]byte(tt.json), &u); !errors.Is(err, tt.want) {
				t.Errorf("Unmarshal: err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestTallyBadInput(t *testing.T) {
	ok := handDeals()[0]
	tests := []struct {
		name string
		deal Deal
		want error
	}{
		{"won and lost", Deal{ID: "x", Outcome: Lost, Closed: jan(9), Events: []Event{{0, jan(1)}, {4, jan(5)}}}, ErrWonAndLost},
		{"events out of order", Deal{ID: "x", Events: []Event{{0, jan(5)}, {1, jan(1)}}}, ErrEventOrder},
		{"unknown stage", Deal{ID: "x", Events: []Event{{7, jan(1)}}}, ErrUnknownStage},
		{"no events", Deal{ID: "x"}, ErrInvalidDeal},
		{"blank id", Deal{Events: []Event{{0, jan(1)}}}, ErrInvalidDeal},
		{"won without last stage", Deal{ID: "x", Outcome: Won, Events: []Event{{0, jan(1)}}}, ErrInvalidDeal},
		{"negative amount", Deal{ID: "x", Amount: amount("-1"), Events: []Event{{0, jan(1)}}}, ErrNegativeAmount},
		{"closed before last event", Deal{ID: "x", Outcome: Lost, Closed: jan(1), Events: []Event{{0, jan(5)}}}, ErrEventOrder},
		{"span too long", Deal{ID: "x", Outcome: Lost, Closed: jan(1).AddDate(300, 0, 0), Events: []Event{{0, jan(1)}}}, ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := NewTally(tallyFunnel)
			err := ta.Add(tt.deal)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Add: err = %v, want %v", err, tt.want)
			}
			var de *DealError
			if !errors.As(err, &de) || de.ID != tt.deal.ID {
				t.Errorf("Add: err = %v, want a *DealError for %q", err, tt.deal.ID)
			}
			if ta.Len() != 0 {
				t.Errorf("a rejected deal left %d groups", ta.Len())
			}
		})
	}
	a, b := NewTally(tallyFunnel, "owner"), NewTally(tallyFunnel, "segment")
	if err := a.Add(ok); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(b); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Merge by different attributes: err = %v, want ErrIncompatible", err)
	}
	if err := a.Merge(NewTally(MustNew("x", "y"), "owner")); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Merge over another funnel: err = %v, want ErrIncompatible", err)
	}
}

func TestTallyDoesNotModifyInput(t *testing.T) {
	deals := handDeals()
	before := handDeals()
	mustTally(t, tallyFunnel, deals, "owner", "segment")
	if diff := cmp.Diff(before, deals, decimalEqual); diff != "" {
		t.Errorf("Add changed its input (-before +after):\n%s", diff)
	}
}

func TestDurationsQuantiles(t *testing.T) {
	h := durs(5, 1, 3, 3, 10, 0, 7, 2, 4, 3) // sorted x₀..x₉: 0 1 2 3 3 3 4 5 7 10
	tests := []struct {
		p       float64
		linear  float64 // at h = 9p: x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋)
		nearest float64 // x at rank ⌈10p⌉ (at least 1)
	}{
		{0, 0, 0},        // the smallest
		{0.1, 0.9, 0},    // h 0.9: 0 + 0.9·1; rank 1
		{0.5, 3, 3},      // h 4.5: 3 + 0.5·0; rank 5
		{0.9, 7.3, 7},    // h 8.1: 7 + 0.1·3; rank 9
		{0.95, 8.65, 10}, // h 8.55: 7 + 0.55·3; rank ⌈9.5⌉ = 10
		{1, 10, 10},      // the largest
		{0.25, 2.25, 2},  // h 2.25: 2 + 0.25·1 (pandas' and Excel's first quartile); rank ⌈2.5⌉ = 3
		{0.75, 4.75, 5},  // h 6.75: 4 + 0.75·1; rank ⌈7.5⌉ = 8
	}
	for _, tt := range tests {
		got, err := h.QuantileDays(tt.p)
		if err != nil || !got.Valid || !cmp.Equal(got.Float64, tt.linear, cmpopts.EquateApprox(0, 1e-12)) {
			t.Errorf("QuantileDays(%v) = %v, %v; want %v", tt.p, got, err, tt.linear)
		}
		near, err := h.NearestRankDays(tt.p)
		if err != nil || near != Some(tt.nearest) {
			t.Errorf("NearestRankDays(%v) = %v, %v; want %v", tt.p, near, err, tt.nearest)
		}
	}
	// The median of an even count is the mean of the two middle values,
	// as Excel's MEDIAN, pandas and R print it: 58 and 59 give 58.5, where
	// the nearest rank gives 58.
	even := durs(61, 58, 59, 50)
	if got := even.MedianDays(); got != Some(58.5) {
		t.Errorf("MedianDays of 50 58 59 61 = %v, want 58.5", got)
	}
	// 38 days over 10 observations.
	if mean := h.MeanDays(); !mean.Valid || !cmp.Equal(mean.Float64, 3.8, cmpopts.EquateApprox(0, 1e-12)) {
		t.Errorf("MeanDays() = %v, want 3.8", mean)
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if _, err := h.QuantileDays(p); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("QuantileDays(%v): err = %v, want ErrOutOfRange", p, err)
		}
		if _, err := h.NearestRankDays(p); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("NearestRankDays(%v): err = %v, want ErrOutOfRange", p, err)
		}
	}
	var empty Durations
	if q, _ := empty.QuantileDays(0.5); q.Valid {
		t.Errorf("QuantileDays on empty = %v, want null", q)
	}
	if s := empty.Summary(); s != (Summary{}) {
		t.Errorf("Summary of empty = %+v, want all null", s)
	}
	if err := empty.Add(-time.Second); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Add(-1s): err = %v, want ErrOutOfRange", err)
	}
}

// FuzzTallyMerge builds deals from the fuzzer's seed, splits them by the
// bits of mask, and checks that the merge of the two tallies equals one
// pass and that every group satisfies the invariants.
func FuzzTallyMerge(f *testing.F) {
	f.Add(uint64(1), uint64(0), 10)
	f.Add(uint64(7), uint64(0xF0F0), 40)
	f.Add(uint64(99), ^uint64(0), 64)
	f.Fuzz(func(t *testing.T, seed, mask uint64, n int) {
		if n < 0 || n > 64 {
			return
		}
		fn := MustNew("a", "b", "c", "d")
		deals := randomDeals(rand.New(rand.NewPCG(seed, 3)), fn.Len(), n)
		one := NewTally(fn, "owner")
		left, right := NewTally(fn, "owner"), NewTally(fn, "owner")
		for i, d := range deals {
			if err := one.Add(d); err != nil {
				t.Fatal(err)
			}
			side := left
			if mask>>(uint(i)%64)&1 == 1 {
				side = right
			}
			if err := side.Add(d); err != nil {
				t.Fatal(err)
			}
		}
		if err := left.Merge(right); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(one.Groups(), left.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("merge mismatch (-one pass +merged):\n%s", diff)
		}
		tot := mustTotal(t, one)
		if err := tot.Check(); err != nil {
			t.Fatal(err)
		}
		if tot.Deals != int64(n) {
			t.Fatalf("Total().Deals = %d, want %d", tot.Deals, n)
		}
	})
}
