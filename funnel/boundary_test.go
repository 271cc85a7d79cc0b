package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// The tests of this file pin boundaries and error texts that the
// behavioural tests pass through without deciding: a `<` turned `<=` or a
// sign flipped in an error's index must fail one of them.

// TestErrorTexts checks the exact text of the package's errors at the
// edges of their formatting (no stage, index 0, index −1).
func TestErrorTexts(t *testing.T) {
	var nilT *Tally
	_, tallyErr := nilT.Total()
	var nilC *CohortTally
	_, reverseErr := Funnel{}.Reverse("x", 1, nil)
	_, tableErr := NewTable(Funnel{}, Counts{}, nil)
	_, cohortErr := NewCohortTally(Funnel{}, CohortOptions{Window: time.Hour, AsOf: jan(1)})
	_, riseErr := FromReached(salesFunnel, []int64{200, 80, 90, 12, 6}, nil)
	_, stepsErr := NewTable(MustNew("a", "b", "c"), countsUnchecked([]int64{1, 1, 1}), &TableOptions{BenchmarkRates: []float64{0.5}})
	tests := []struct {
		err  error
		want string
	}{
		{&StageError{Index: 0, Err: ErrCountsRise}, "funnel: stage (index 0): count rises down the funnel"},
		{&StageError{Stage: "a", Index: 0, Err: ErrCountsRise}, `funnel: stage "a" (index 0): count rises down the funnel`},
		{&StageError{Stage: "a", Index: -1, Err: ErrUnknownStage}, `funnel: stage "a": unknown stage`},
		{&StageError{Index: -1, Err: ErrEmptyFunnel}, "funnel: empty funnel"},
		{&StageError{Op: "x.Y", Index: 2}, "x.Y: stage (index 2): <nil>"},
		{tallyErr, "funnel: tally: empty funnel"},
		{nilC.Add(Deal{ID: "1"}), "funnel: cohort tally: empty funnel"},
		{nilC.Merge(nilC), "funnel: cohort tally: empty funnel"},
		{reverseErr, "funnel: empty funnel"},
		{tableErr, "funnel: empty funnel"},
		{cohortErr, "funnel: empty funnel"},
		{riseErr, `funnel: reached: stage "meeting" (index 2): count rises down the funnel: 90 after 80 at "qualified"`},
		{stepsErr, "funnel: benchmark rates = 1 rates: length mismatch: the funnel has 2 steps between 3 stages"},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("error text = %v, want %q", tt.err, tt.want)
		}
	}
}

// TestDurationsBoundaries pins the limits of a Durations: the longest
// duration, the dense and sparse days, the bins' bounds on the seconds.
func TestDurationsBoundaries(t *testing.T) {
	var h Durations
	for _, d := range []time.Duration{0, maxDays * 24 * time.Hour} {
		if err := h.Add(d); err != nil {
			t.Errorf("Add(%v) = %v, want nil (within the limit)", d, err)
		}
	}
	if err := h.Add(maxDays*24*time.Hour + time.Nanosecond); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Add(the limit + 1ns) = %v, want ErrOutOfRange", err)
	}
	// Day 511 is the last dense day, 512 the first sparse one; the dense
	// part grows in powers of two from 8.
	var d Durations
	day := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	_ = d.Add(day(5))
	if len(d.dense) != 8 || d.top != 6 {
		t.Errorf("after day 5: dense %d, top %d; want 8, 6", len(d.dense), d.top)
	}
	_ = d.Add(day(300))
	if len(d.dense) != 512 || d.top != 301 {
		t.Errorf("after day 300: dense %d, top %d; want 512, 301", len(d.dense), d.top)
	}
	_ = d.Add(day(511))
	_ = d.Add(day(512))
	_ = d.Add(day(600))
	_ = d.Add(day(600))
	_ = d.Add(day(550))
	want := []Bin{{5, 1}, {300, 1}, {511, 1}, {512, 1}, {550, 1}, {600, 2}}
	if diff := cmp.Diff(want, d.Bins()); diff != "" {
		t.Errorf("Bins() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Bin{{512, 1}, {550, 1}, {600, 2}}, d.bins); diff != "" {
		t.Errorf("sparse bins mismatch (-want +got):\n%s", diff)
	}
	// A merge into an empty distribution grows its dense part.
	var e Durations
	if err := e.Merge(d); err != nil || !e.Equal(d) || len(e.dense) < d.top {
		t.Errorf("Merge into empty: %v, equal %v, dense %d", err, e.Equal(d), len(e.dense))
	}
	// Equal ignores the dense part's length but not a count past it.
	a, b := durs(1), durs(1)
	b.dense = append(b.dense, make([]int64, 24)...)
	if !a.Equal(b) || !b.Equal(a) {
		t.Error("Equal depends on the dense part's length")
	}
	c := durs(1, 20)
	c.n, c.seconds = a.n, a.seconds // same totals, one more bin
	if a.Equal(c) || c.Equal(a) {
		t.Error("Equal missed a bin past the shorter dense part")
	}
	// The seconds a bin allows: day 0 holds 0 to 86399 seconds.
	for _, tt := range []struct {
		doc string
		ok  bool
	}{
		{`{"n":1,"seconds":86399,"days":[[0,1]]}`, true},
		{`{"n":1,"seconds":86400,"days":[[0,1]]}`, false},
		{`{"n":1,"seconds":86400,"days":[[1,1]]}`, true},
		{`{"n":1,"seconds":86399,"days":[[1,1]]}`, false},
		{`{"n":1,"seconds":8640000000,"days":[[100000,1]]}`, true},
		{`{"n":0,"seconds":0,"days":[]}`, true},
	} {
		var g Durations
		if err := g.UnmarshalJSON([]byte(tt.doc)); (err == nil) != tt.ok {
			t.Errorf("UnmarshalJSON(%s) = %v, want ok %v", tt.doc, err, tt.ok)
		}
	}
}

// TestDurationsParse pins the one-pass reader: what it accepts and what it
// leaves to the general decoder.
func TestDurationsParse(t *testing.T) {
	tests := []struct {
		doc  string
		ok   bool
		want durationsJSON
	}{
		{`{"n":3,"seconds":345600,"days":[[1,2],[2,1]]}`, true, durationsJSON{3, 345600, [][2]int64{{1, 2}, {2, 1}}}},
		{" {\t\"n\" :\n3 ,\r\"seconds\": 5 , \"days\" : [ [ 0 , 3 ] ] } ", true, durationsJSON{3, 5, [][2]int64{{0, 3}}}},
		{`{"n":0,"seconds":0,"days":[]}`, true, durationsJSON{}},
		{`{"n":-2,"seconds":-0,"days":[]}`, true, durationsJSON{N: -2}},
		{`{"n":123456789012345678,"seconds":0,"days":[]}`, true, durationsJSON{N: 123456789012345678}},
		{`{"n":1234567890123456789,"seconds":0,"days":[]}`, false, durationsJSON{}}, // 19 digits: left to encoding/json
		{`{"n":01,"seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"n":-01,"seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"n":-,"seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"n":1.0,"seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"seconds":0,"n":1,"days":[]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[]}x`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1,1]`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1,1],]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1,1][2,1]]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1]]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[1,1]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[]`, false, durationsJSON{}},
		{`{"n":1,"seconds":0}`, false, durationsJSON{}},
		{`{"n":1 "seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"n" 1,"seconds":0,"days":[]}`, false, durationsJSON{}},
		{`{"n":1,"seconds" 0,"days":[]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0 "days":[]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days" []}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1 1]]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[a,1]]}`, false, durationsJSON{}},
		{`{"n":1,"seconds":0,"days":[[1,a]]}`, false, durationsJSON{}},
		{`["n"]`, false, durationsJSON{}},
		{``, false, durationsJSON{}},
	}
	for _, tt := range tests {
		var got durationsJSON
		ok := got.parse([]byte(tt.doc))
		if ok != tt.ok {
			t.Errorf("parse(%q) = %v, want %v", tt.doc, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if len(got.Days) == 0 {
			got.Days = nil
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parse(%q) mismatch (-want +got):\n%s", tt.doc, diff)
		}
	}
}

// TestCountsBoundaries pins the edges of the Counts' methods and checks.
func TestCountsBoundaries(t *testing.T) {
	c := mustTotal(t, mustTally(t, tallyFunnel, handDeals()))
	if r := c.WinProbability(len(c.Reached)); r != (Rate{}) {
		t.Errorf("WinProbability(len) = %v, want the zero Rate", r)
	}
	if r := c.WinProbability(-1); r != (Rate{}) {
		t.Errorf("WinProbability(-1) = %v, want the zero Rate", r)
	}
	if got := (Counts{}).AvgWon(); got.Valid {
		t.Errorf("AvgWon with no won amount = %v, want null", got)
	}
	if err := (Counts{}).Check(); err != nil {
		t.Errorf("Check of empty counts = %v", err)
	}
	// A visit timed at the won stage, where no time is spent.
	bad := c.Clone()
	last := len(bad.StageTime) - 1
	_ = bad.StageTime[last].Add(time.Hour)
	if err := bad.Check(); !errors.Is(err, ErrCountsRise) {
		t.Errorf("Check with time in the won stage = %v, want ErrCountsRise", err)
	}
	// More deals at the first stage than deals with a stage.
	bad = countsUnchecked([]int64{3, 1})
	bad.LostNoStage, bad.Lost = 1, 3
	bad.LostAt[0] = 1
	if err := bad.Check(); !errors.Is(err, ErrCountsRise) && !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Check of a first stage above deals with a stage = %v", err)
	}
	// Open deals pending at a stage are the ones open there and no
	// further (a deal that moved back is pending where it went furthest).
	if diff := cmp.Diff([]int64{1, 1, 1, 0, 0}, c.StrictPending); diff != "" {
		t.Errorf("StrictPending mismatch (-want +got):\n%s", diff)
	}
	// A deal spanning exactly the longest duration is added; a second
	// more is not.
	f := MustNew("a", "b")
	start := jan(1)
	ta := NewTally(f)
	if err := ta.Add(Deal{ID: "x", Outcome: Lost, Closed: start.Add(maxDays * 24 * time.Hour), Events: []Event{{0, start}}}); err != nil {
		t.Errorf("a deal of exactly %d days: %v", maxDays, err)
	}
	if err := ta.Add(Deal{ID: "y", Outcome: Lost, Closed: start.Add(maxDays*24*time.Hour + time.Second), Events: []Event{{0, start}}}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("a deal of a second past %d days: %v, want ErrOutOfRange", maxDays, err)
	}
	// A funnel longer than the stack buffer of Add: 65 stages.
	names := make([]string, 65)
	for i := range names {
		names[i] = "s" + string(rune('A'+i/26)) + string(rune('a'+i%26))
	}
	long := MustNew(names...)
	lt := NewTally(long)
	ct, _ := NewCohortTally(long, CohortOptions{Window: time.Hour, AsOf: jan(30)})
	d := Deal{ID: "z", Outcome: Won, Closed: jan(3), Events: []Event{{0, jan(1)}, {64, jan(3)}}}
	if err := lt.Add(d); err != nil {
		t.Fatal(err)
	}
	if err := ct.Add(d); err != nil {
		t.Fatal(err)
	}
	if got := mustTotal(t, lt); got.Reached[64] != 1 || got.Entered[1] != 0 || got.Entered[64] != 1 {
		t.Errorf("65-stage tally: reached %d, entered %d %d", got.Reached[64], got.Entered[1], got.Entered[64])
	}
	if got := ct.Cohorts()[0].Stages[64].Reached; got != 1 {
		t.Errorf("65-stage cohort reached the last stage %d times, want 1", got)
	}
}

// TestSmallTables pins the tables of one and two stages and the weakest
// step's name.
func TestSmallTables(t *testing.T) {
	two := closedTable(t, MustNew("a", "b"), []int64{4, 1}, nil)
	if diff := cmp.Diff([]float64{0.25}, two.Rates()); diff != "" {
		t.Errorf("Rates() of two stages mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0.25}, two.NaiveRates()); diff != "" {
		t.Errorf("NaiveRates() of two stages mismatch (-want +got):\n%s", diff)
	}
	if two.WeakestStage != "b" || two.Weakest != 1 {
		t.Errorf("weakest = %d %q, want 1 b", two.Weakest, two.WeakestStage)
	}
	one := closedTable(t, MustNew("a"), []int64{4}, nil)
	if one.Rates() != nil || one.NaiveRates() != nil || one.WeakestStage != "" {
		t.Errorf("one stage: %v %v %q", one.Rates(), one.NaiveRates(), one.WeakestStage)
	}
}

// TestRatiosAndPriors pins the edges of Ratio, Prior and the intervals.
func TestRatiosAndPriors(t *testing.T) {
	if v := (Ratio{3, 0}).Value(); v != 0 {
		t.Errorf("Ratio{3, 0}.Value() = %v, want 0", v)
	}
	if v := (Ratio{0, 1}).Value(); v != 0 {
		t.Errorf("Ratio{0, 1}.Value() = %v", v)
	}
	for _, p := range []Prior{{Alpha: 0, Beta: 1}, {Alpha: 1, Beta: 0}, {Alpha: math.MaxFloat64, Beta: math.MaxFloat64}} {
		if _, err := p.Shrunk(Rate{1, 2}); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("Prior %+v: Shrunk error = %v, want ErrOutOfRange", p, err)
		}
	}
	// Two rates of one trial each: no information about the spread
	// (N − ΣN²/N − (R − 1) = 2 − 1 − 1 = 0).
	sh, err := Shrink([]Rate{{1, 1}, {0, 1}})
	if err != nil || sh.Prior.Reason != FitNoSpread {
		t.Errorf("Shrink of 1/1 and 0/1: %v, %v; want no-spread", sh.Prior.Reason, err)
	}
	// The Jeffreys interval ends at 0 for no successes and at 1 for all.
	for _, tt := range []struct {
		r      Rate
		lo, hi bool // whether the end is exactly 0, 1
	}{{Rate{0, 10}, true, false}, {Rate{10, 10}, false, true}, {Rate{1, 10}, false, false}, {Rate{9, 10}, false, false}} {
		iv, err := tt.r.Jeffreys(0.95)
		if err != nil || (iv.Lo == 0) != tt.lo || (iv.Hi == 1) != tt.hi {
			t.Errorf("Jeffreys(%v) = %v, %v; want lo 0 %v, hi 1 %v", tt.r, iv, err, tt.lo, tt.hi)
		}
	}
	// The largest volume Reverse returns, 2^53.
	f := MustNew("a", "b")
	if r, err := f.Reverse("b", 1<<53, []float64{1}); err != nil || r.Volumes[0].Whole != 1<<53 {
		t.Errorf("Reverse(2^53) = %v, %v", r.Volumes, err)
	}
	if _, err := f.Reverse("b", 1<<52, []float64{0.25}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Reverse past 2^53: %v, want ErrOutOfRange", err)
	}
}

// TestCohortBoundaries pins the decoder's window and deals limits, and the
// lengths a merged cohort keeps.
func TestCohortBoundaries(t *testing.T) {
	doc := func(window, deals string) string {
		return `{"funnel":["a","b"],"period":"month","window_days":` + window + `,"as_of":"2024-03-01T00:00:00Z","undated":0,"cohorts":[` +
			`{"start":"2024-01-01T00:00:00Z","deals":` + deals + `,"reached":[0,0],"converted":[0],"unknown":[0],"last_reach":["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z"]}]}`
	}
	for _, tt := range []struct {
		window, deals string
		ok            bool
	}{{"100000", "0", true}, {"100000.001", "0", false}, {"0", "0", false}, {"7", "-1", false}} {
		var c CohortTally
		if err := c.UnmarshalJSON([]byte(doc(tt.window, tt.deals))); (err == nil) != tt.ok {
			t.Errorf("window %s, deals %s: %v, want ok %v", tt.window, tt.deals, err, tt.ok)
		}
	}
	// A cohort created by a merge has the lengths of one created by Add,
	// so it encodes and decodes.
	f := MustNew("a", "b", "c")
	opts := CohortOptions{Window: 24 * time.Hour, AsOf: jan(30)}
	a, _ := NewCohortTally(f, opts)
	b, _ := NewCohortTally(f, opts)
	if err := b.Add(Deal{ID: "1", Events: []Event{{0, jan(2)}, {1, jan(3)}}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	wire, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back CohortTally
	if err := back.UnmarshalJSON(wire); err != nil {
		t.Errorf("decode of a merged cohort tally %s: %v", wire, err)
	}
}

// TestMoneyPastInt64 checks that a sum of cents past an int64 goes on
// exactly in the decimal.
func TestMoneyPastInt64(t *testing.T) {
	var m money
	m.addCents(math.MaxInt64)
	m.addCents(1)
	want := decimal.New(math.MaxInt64, -2).Add(decimal.New(1, -2))
	if !m.value().Equal(want) {
		t.Errorf("sum = %s, want %s", m.value(), want)
	}
	var n money
	n.addCents(5)
	n.merge(m)
	if !n.value().Equal(want.Add(decimal.New(5, -2))) {
		t.Errorf("merged sum = %s", n.value())
	}
}

// TestJSONStringEscapes checks the hand-written encoder's strings against
// the JSON grammar: control characters escaped, invalid UTF-8 replaced.
func TestJSONStringEscapes(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\n\r\t\x01\x1f", `"\n\r\t\u0001\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"é", `"é"`},
		{"\x80x", `"\ufffdx"`},
		{"\xff", `"\ufffd"`},
	} {
		got := string(appendJSONString(nil, tt.in))
		if got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || !strings.HasPrefix(got, `"`) {
			t.Errorf("%s is not a JSON string: %v", got, err)
		}
	}
}
