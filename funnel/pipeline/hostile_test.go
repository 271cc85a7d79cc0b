package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// Hostile and extreme input (issue 9): every failure wraps a sentinel and
// names its place, no sum wraps, and no date the model cannot hold gets
// through.

// dateAt returns the date at midnight on 1 June of year y, in UTC.
func dateAt(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }

// TestPriorStateAmountBounds pins the bounds of a prior state's amount,
// those of funnel.AmountInRange: at most 18 decimal places and a magnitude
// below 10^36.
// 1e999999 was accepted before issue 8 while −1 was refused; each is
// named as coefficient and exponent when out of range, not written out in
// full (1e-2147483647 would be two billion digits).
func TestPriorStateAmountBounds(t *testing.T) {
	// decimal's parser refuses an exponent past 10,000, so the two
	// extremes are built as coefficient and exponent, as a caller's
	// arithmetic could make them.
	for _, d := range []decimal.Decimal{decimal.New(1, 999999), decimal.New(1, -2147483647)} {
		opt := WaterfallOptions{Before: map[string]PriorState{"A": {Amount: decimal.NullDecimal{Decimal: d, Valid: true}}}}
		_, err := Waterfall(testFunnel, handDeals(), day(30), day(60), opt)
		want := `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1e` + fmt.Sprint(d.Exponent()) + ` has more than 18 decimal places or 36 digits`
		if err == nil || err.Error() != want || !errors.Is(err, funnel.ErrOutOfRange) {
			t.Errorf("Waterfall(prior amount 1e%d): error %v, want %s", d.Exponent(), err, want)
		}
	}
	tests := []struct {
		amount string
		text   string // "" when accepted
		is     error
	}{
		{"1e9999", `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1e9999 has more than 18 decimal places or 36 digits`, funnel.ErrOutOfRange},
		{"1e-9999", `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1e-9999 has more than 18 decimal places or 36 digits`, funnel.ErrOutOfRange},
		{"0.1234567890123456789", `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1234567890123456789e-19 has more than 18 decimal places or 36 digits`, funnel.ErrOutOfRange},
		{"12345678901234567890123456789012345678901", `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 12345678901234567890123456789012345678901e0 has more than 18 decimal places or 36 digits`, funnel.ErrOutOfRange},
		// 10^36 itself: 37 digits.
		{"1000000000000000000000000000000000000", `pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1000000000000000000000000000000000000e0 has more than 18 decimal places or 36 digits`, funnel.ErrOutOfRange},
		{"-1", `pipeline.Waterfall: Before["A"].Amount: negative amount: -1`, funnel.ErrNegativeAmount},
		{"0.123456789012345678", "", nil},                   // 18 places
		{"123456789012345678901234567890123456", "", nil},   // 36 digits
		{"999999999999999999999999999999999999.5", "", nil}, // below 10^36
		{"0", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			opt := WaterfallOptions{Before: map[string]PriorState{"A": {Amount: amt(tt.amount)}}}
			_, err := Waterfall(testFunnel, handDeals(), day(30), day(60), opt)
			if tt.text == "" {
				if err != nil {
					t.Fatalf("Waterfall(prior amount %s): %v", tt.amount, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Waterfall(prior amount %s): no error", tt.amount)
			}
			if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
				t.Errorf("Waterfall(prior amount %s) error mismatch (-want +got):\n%s", tt.amount, diff)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

// placeOf returns the place a typed error names: an InputError's Name, a
// StageError's Input, a DealError's deal id, and its Op.
func placeOf(err error) (place, op string) {
	var ie *funnel.InputError
	var se *funnel.StageError
	var de *funnel.DealError
	switch {
	case errors.As(err, &ie):
		return ie.Name, ie.Op
	case errors.As(err, &se):
		return se.Input, se.Op
	case errors.As(err, &de):
		return "deal " + de.ID, de.Op
	}
	return "", ""
}

// bigTally returns a tally over threeStage grouped by "warm", decoded from
// JSON, with one group per entry of groups: closed deals lost at Lead,
// lost at Proposal and won, and open deals at Lead, counts that no
// machine could tally but that a merge of many shards (or a hostile
// document) can hold. Every count of a group is consistent with the
// others, so funnel.Counts.Check accepts it.
func bigTally(t *testing.T, groups map[string][4]int64) *funnel.Tally {
	t.Helper()
	empty := `{"n":0,"seconds":0,"days":[]}`
	var gs []string
	for v, c := range groups {
		lead, prop, won, open := c[0], c[1], c[2], c[3]
		deals := lead + prop + won + open
		gs = append(gs, fmt.Sprintf(`{"key":[%q],"deals":%d,"won":%d,"lost":%d,"open":%d,"reached":[%d,%d,%d],"entered":[0,0,0],`+
			`"entered_both":[0,0,0],"open_at":[%d,0,0],"strict_pending":[0,0,0],"lost_at":[%d,%d,0],"lost_no_stage":0,`+
			`"amount_reached":["0","0","0"],"no_amount":%d,"won_amount":"0","won_with_amount":0,"open_amount":"0","open_with_amount":0,`+
			`"won_cycle":%s,"lost_cycle":%s,"stage_time":[%s,%s,%s],"won_to_close":[%s,%s,%s]}`,
			v, deals, won, lead+prop, open, deals, prop+won, won, open, lead, prop, deals, empty, empty, empty, empty, empty, empty, empty, empty))
	}
	doc := `{"funnel":["Lead","Proposal","Won"],"by":["warm"],"groups":[` + strings.Join(gs, ",") + `]}`
	var tl funnel.Tally
	if err := json.Unmarshal([]byte(doc), &tl); err != nil {
		t.Fatalf("bigTally: %v", err)
	}
	return &tl
}

// TestAttributeEffectOverflow: values that differ only by white space are
// one value, so their counts are added; so are the counts of blank values
// and of every value's closed deals. A sum past an int64 is an error
// wrapping funnel.ErrOutOfRange, not a count that wrapped negative (2^62 +
// 1 twice is 2^63 + 2, which wraps to −2^63 + 2). At exactly MaxInt64 the
// sums fit and the table is exact.
func TestAttributeEffectOverflow(t *testing.T) {
	const half = 1<<62 + 1
	const m = math.MaxInt64
	tests := []struct {
		name   string
		groups map[string][4]int64
		text   string
	}{
		{"one value's won deals", map[string][4]int64{"a": {0, 0, half, 0}, "a ": {0, 0, half, 0}},
			`pipeline.AttributeEffect: tally = by "warm": value out of range: the deepest count past an int64`},
		{"one value's lost deals", map[string][4]int64{"a": {half, 0, 0, 0}, " a": {half, 0, 0, 0}},
			`pipeline.AttributeEffect: tally = by "warm": value out of range: the deepest count past an int64`},
		{"closed deals of two values", map[string][4]int64{"a": {0, 0, half, 0}, "b": {0, half, 0, 0}},
			`pipeline.AttributeEffect: tally = by "warm": value out of range: the deals count past an int64`},
		{"deals without a value", map[string][4]int64{"": {half, 0, 0, 0}, " ": {0, 0, half, 0}, "a": {0, 0, 1, 0}},
			`pipeline.AttributeEffect: tally = by "warm": value out of range: the missing count past an int64`},
		{"open deals", map[string][4]int64{"a": {0, 0, 1, half}, "b": {0, 0, 1, half}},
			`pipeline.AttributeEffect: tally = by "warm": value out of range: the open count past an int64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := AttributeEffect(threeStage, bigTally(t, tt.groups))
			if err == nil {
				t.Fatalf("AttributeEffect: no error, effect deals %d, deepest %v", e.Deals, e.Deepest)
			}
			if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
				t.Errorf("AttributeEffect error mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Errorf("errors.Is(%v, funnel.ErrOutOfRange) = false", err)
			}
		})
	}
	// At the limit: a has m/2 won deals (stage 2) and b has m − m/2 lost at
	// Proposal (stage 1); the deals add to m exactly. Reaching Proposal:
	// a: A = m/2, B = 0; the rest C = m − m/2, D = 0: a zero cell, so
	// corrected.
	e, err := AttributeEffect(threeStage, bigTally(t, map[string][4]int64{"a": {0, 0, m / 2, 0}, "b": {0, m - m/2, 0, 0}}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]int64{{0, 0, m / 2}, {0, m - m/2, 0}}, e.Deepest); diff != "" || e.Deals != m {
		t.Errorf("AttributeEffect at MaxInt64: deals %d (want %d), deepest mismatch (-want +got):\n%s", e.Deals, int64(m), diff)
	}
	if o := e.Odds[0]; o.A != m/2 || o.B != 0 || o.C != m-m/2 || o.D != 0 || !o.Corrected {
		t.Errorf("odds of a reaching Proposal = %+v, want A %d, B 0, C %d, D 0, corrected", o, int64(m/2), int64(m-m/2))
	}
	for _, o := range e.Odds {
		for _, v := range []float64{o.Ratio, o.Low, o.High, e.Test.Stat, e.Test.P} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("figure %v not finite: %+v", v, o)
			}
		}
	}
}

// TestLiveByDayMeanExact: the mean is the exact sum of the day counts over
// the days, worked by hand: one deal open through [day 0, day 3) counts 1
// on each of 3 days, another from day 1 counts on 2: (1 + 2 + 2)/3.
func TestLiveByDayMeanExact(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "a", Created: day(0), Events: []funnel.Event{ev(lead, 0)}},
		{ID: "b", Created: day(1), Events: []funnel.Event{ev(lead, 1)}},
	}
	got, err := LiveByDay(testFunnel, deals, day(0), day(3))
	if err != nil {
		t.Fatal(err)
	}
	want := Live{Days: []DayCount{{day(0), 1}, {day(1), 2}, {day(2), 2}}, Mean: 5.0 / 3, Peak: 2}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("LiveByDay mismatch (-want +got):\n%s", diff)
	}
}

// TestZeroValues: zero values and nil pointers given by a programmer get
// an error or a sane answer, never a nil dereference.
func TestZeroValues(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		is   error
	}{
		{"zero thresholds", func() error { _, err := Health(testFunnel, nil, day(1), Thresholds{}); return err }, funnel.ErrOutOfRange},
		{"zero funnel", func() error {
			_, err := Waterfall(funnel.Funnel{}, nil, day(1), day(2), WaterfallOptions{})
			return err
		}, funnel.ErrEmptyFunnel},
		{"zero tally", func() error { _, err := AttributeEffect(threeStage, &funnel.Tally{}); return err }, funnel.ErrIncompatible},
		{"zero deal", func() error { _, err := Activity(testFunnel, []funnel.Deal{{}}); return err }, funnel.ErrInvalidDeal},
		{"nil *PriorState", func() error { return (*PriorState)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData},
		{"nil *WaterfallOptions", func() error { return (*WaterfallOptions)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData},
		{"nil *Thresholds", func() error { return (*Thresholds)(nil).UnmarshalJSON([]byte(`{}`)) }, funnel.ErrNoData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.is) {
				t.Errorf("error %v, want one wrapping %v", err, tt.is)
			}
		})
	}
	// The zero report balances: nothing moved.
	if n, a := (WaterfallReport{}).Net(); n != 0 || !a.IsZero() {
		t.Errorf("WaterfallReport{}.Net() = %d, %s; want 0, 0", n, a)
	}
	// Options decoded from an empty object are the zero options.
	var o WaterfallOptions
	if err := json.Unmarshal([]byte(`{}`), &o); err != nil || o.Before != nil || !o.CloseFrom.IsZero() {
		t.Errorf("decoding {}: %+v, %v; want the zero options", o, err)
	}
}
