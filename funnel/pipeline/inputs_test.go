package pipeline

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestInputPaths walks every input of the package with a bad value: each
// failure wraps its sentinel, carries the function's Op and names the
// place (an InputError's Name, a StageError's Input or the deal), and
// reads as the text worked out here.
func TestInputPaths(t *testing.T) {
	th := Thresholds{StalledDays: 14, UntouchedDays: 7}
	y0, y10000 := dateAt(0), dateAt(10000)
	// dealWith returns the hand deals with deal A changed by set.
	dealWith := func(set func(d *funnel.Deal)) []funnel.Deal {
		ds := handDeals()
		set(&ds[0])
		return ds
	}
	health := func(deals []funnel.Deal, at time.Time, th Thresholds) func() error {
		return func() error { _, err := Health(testFunnel, deals, at, th); return err }
	}
	live := func(from, to time.Time) func() error {
		return func() error { _, err := LiveByDay(testFunnel, handDeals(), from, to); return err }
	}
	period := func(from, to time.Time) func() error {
		return func() error { _, err := PeriodSummary(testFunnel, handDeals(), from, to); return err }
	}
	waterfall := func(from, to time.Time, opt WaterfallOptions) func() error {
		return func() error { _, err := Waterfall(testFunnel, handDeals(), from, to, opt); return err }
	}
	prior := func(s PriorState) WaterfallOptions { return WaterfallOptions{Before: map[string]PriorState{"A": s}} }
	offset24 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))
	const outside = "zero date: outside the years 1 to 9999 or more than a day off UTC"
	checkFailures(t, []failure{
		// Dates given as arguments.
		{"health at zero", health(handDeals(), time.Time{}, th), funnel.ErrZeroDate, "at", `pipeline.Health: at: zero date`},
		{"health at year 10000", health(handDeals(), y10000, th), funnel.ErrZeroDate, "at",
			`pipeline.Health: at = 10000-06-01T00:00:00Z: ` + outside},
		{"health at year 0", health(handDeals(), y0, th), funnel.ErrZeroDate, "at",
			`pipeline.Health: at = 0000-06-01T00:00:00Z: ` + outside},
		{"health at offset 24h", health(handDeals(), offset24, th), funnel.ErrZeroDate, "at",
			`pipeline.Health: at = 2025-01-01T00:00:00+24:00: ` + outside},
		{"live from year 0", live(y0, day(1)), funnel.ErrZeroDate, "from", `pipeline.LiveByDay: from = 0000-06-01T00:00:00Z: ` + outside},
		{"live to year 10000", live(day(1), y10000), funnel.ErrZeroDate, "to", `pipeline.LiveByDay: to = 10000-06-01T00:00:00Z: ` + outside},
		{"live zero to", live(day(1), time.Time{}), funnel.ErrZeroDate, "to", `pipeline.LiveByDay: to: zero date`},
		// 2025-01-01 + 100,001 days is 2298-10-18 (Python's datetime.date
		// agrees).
		{"live range too long", live(day(0), day(0).AddDate(0, 0, MaxLiveDays+1)), funnel.ErrOutOfRange, "to",
			`pipeline.LiveByDay: to = 2298-10-18T00:00:00Z: value out of range: more than 100000 days after from 2025-01-01T00:00:00Z`},
		{"period from year 10000", period(y10000, y10000.AddDate(0, 0, 1)), funnel.ErrZeroDate, "from",
			`pipeline.PeriodSummary: from = 10000-06-01T00:00:00Z: ` + outside},
		{"period reversed", period(day(5), day(1)), funnel.ErrDateOrder, "to",
			`pipeline.PeriodSummary: to = 2025-01-02T00:00:00Z: dates out of order: not after from 2025-01-06T00:00:00Z`},
		{"waterfall from year 0", waterfall(y0, day(1), WaterfallOptions{}), funnel.ErrZeroDate, "from",
			`pipeline.Waterfall: from = 0000-06-01T00:00:00Z: ` + outside},
		{"waterfall close from year 0", waterfall(day(1), day(2), WaterfallOptions{CloseFrom: y0, CloseTo: day(9)}), funnel.ErrZeroDate, "CloseFrom",
			`pipeline.Waterfall: CloseFrom = 0000-06-01T00:00:00Z: ` + outside},
		{"waterfall close to year 10000", waterfall(day(1), day(2), WaterfallOptions{CloseFrom: day(1), CloseTo: y10000}), funnel.ErrZeroDate, "CloseTo",
			`pipeline.Waterfall: CloseTo = 10000-06-01T00:00:00Z: ` + outside},
		{"waterfall close to missing", waterfall(day(1), day(2), WaterfallOptions{CloseFrom: day(1)}), funnel.ErrZeroDate, "CloseTo",
			`pipeline.Waterfall: CloseTo: zero date`},
		// Prior states.
		{"prior state of no deal", waterfall(day(30), day(60), WaterfallOptions{Before: map[string]PriorState{"nope": {}}}), ErrPriorState, `Before["nope"]`,
			`pipeline.Waterfall: Before["nope"]: prior state does not match the deals: no deal with this id`},
		{"prior state outcome", waterfall(day(30), day(60), prior(PriorState{Outcome: 3})), funnel.ErrOutOfRange, `Before["A"].Outcome`,
			`pipeline.Waterfall: Before["A"].Outcome = 3: value out of range`},
		{"prior state outcome -1", waterfall(day(30), day(60), prior(PriorState{Outcome: -1})), funnel.ErrOutOfRange, `Before["A"].Outcome`,
			`pipeline.Waterfall: Before["A"].Outcome = -1: value out of range`},
		{"prior state amount", waterfall(day(30), day(60), prior(PriorState{Amount: decimal.NullDecimal{Decimal: decimal.New(1, 999999), Valid: true}})), funnel.ErrOutOfRange, `Before["A"].Amount`,
			`pipeline.Waterfall: Before["A"].Amount: value out of range: amount 1e999999 has more than 18 decimal places or 36 digits`},
		{"prior state expected close year 0", waterfall(day(30), day(60), prior(PriorState{ExpectedClose: y0})), funnel.ErrZeroDate, `Before["A"].ExpectedClose`,
			`pipeline.Waterfall: Before["A"].ExpectedClose = 0000-06-01T00:00:00Z: ` + outside},
		// F started at day 70, after from.
		{"prior state before the deal started", waterfall(day(30), day(80), WaterfallOptions{Before: map[string]PriorState{"F": {}}}), ErrPriorState, `Before["F"]`,
			`pipeline.Waterfall: Before["F"]: prior state does not match the deals: deal started 2025-03-12T00:00:00Z, after from 2025-01-31T00:00:00Z`},
		// Thresholds.
		{"stalled 0", health(handDeals(), day(1), Thresholds{StalledDays: 0, UntouchedDays: 1}), funnel.ErrOutOfRange, "StalledDays",
			`pipeline.Health: StalledDays = 0: value out of range: a threshold must be a positive number of days`},
		{"untouched -1", health(handDeals(), day(1), Thresholds{StalledDays: 1, UntouchedDays: -1}), funnel.ErrOutOfRange, "UntouchedDays",
			`pipeline.Health: UntouchedDays = -1: value out of range: a threshold must be a positive number of days`},
		// Deals: each date of a deal, then Validate and duplicates.
		{"deal created year 0", health(dealWith(func(d *funnel.Deal) { d.Created = y0 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": created = 0000-06-01T00:00:00Z: ` + outside},
		{"deal assigned year 10000", health(dealWith(func(d *funnel.Deal) { d.Assigned = y10000 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": assigned = 10000-06-01T00:00:00Z: ` + outside},
		{"deal expected close year 10000", health(dealWith(func(d *funnel.Deal) { d.ExpectedClose = y10000 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": expected_close = 10000-06-01T00:00:00Z: ` + outside},
		{"deal closed year 10000", health(dealWith(func(d *funnel.Deal) { d.Outcome, d.Closed = funnel.Lost, y10000 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": closed = 10000-06-01T00:00:00Z: ` + outside},
		{"deal event year 10000", health(dealWith(func(d *funnel.Deal) { d.Events[2].At = y10000 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": events[2].at = 10000-06-01T00:00:00Z: ` + outside},
		{"deal activity year 0", health(dealWith(func(d *funnel.Deal) { d.Activities[1].At = y0 }), day(60), th), funnel.ErrZeroDate, `deal A`,
			`pipeline.Health: deal "A": activities[1].at = 0000-06-01T00:00:00Z: ` + outside},
		{"deal activity year 0 in Activity", func() error {
			_, err := Activity(testFunnel, dealWith(func(d *funnel.Deal) { d.Activities[0].At = y0 }))
			return err
		}, funnel.ErrZeroDate, `deal A`, `pipeline.Activity: deal "A": activities[0].at = 0000-06-01T00:00:00Z: ` + outside},
		{"deal amount", health(dealWith(func(d *funnel.Deal) { d.Amount = decimal.NullDecimal{Decimal: decimal.New(1, 999999), Valid: true} }), day(60), th), funnel.ErrOutOfRange, `deal A`,
			`pipeline.Health: deal "A": value out of range: amount 1e999999 has more than 18 decimal places or 36 digits`},
		{"deal negative amount", func() error {
			_, err := Waterfall(testFunnel, dealWith(func(d *funnel.Deal) { d.Amount = amt("-5") }), day(1), day(2), WaterfallOptions{})
			return err
		}, funnel.ErrNegativeAmount, `deal A`, `pipeline.Waterfall: deal "A": negative amount: -5`},
		{"deal unknown stage", func() error {
			_, err := PeriodSummary(testFunnel, dealWith(func(d *funnel.Deal) { d.Events[0].Stage = 9 }), day(1), day(2))
			return err
		}, funnel.ErrUnknownStage, `deal A`, `pipeline.PeriodSummary: deal "A": event 0: unknown stage: index 9`},
		{"duplicate deal", func() error {
			_, err := LiveByDay(testFunnel, append(handDeals(), handDeals()[1]), day(1), day(2))
			return err
		}, funnel.ErrDuplicateDeal, `deal B`, `pipeline.LiveByDay: deal "B": duplicate deal id: deals[1] and deals[7]`},
		{"empty funnel", func() error { _, err := Activity(funnel.Funnel{}, nil); return err }, funnel.ErrEmptyFunnel, "funnel",
			`pipeline.Activity: funnel: empty funnel`},
		// The tally of AttributeEffect.
		{"nil tally", func() error { _, err := AttributeEffect(threeStage, nil); return err }, funnel.ErrNoData, "tally",
			`pipeline.AttributeEffect: tally = nil: no data`},
		{"tally over another funnel", func() error { _, err := AttributeEffect(testFunnel, funnel.NewTally(threeStage, "warm")); return err },
			funnel.ErrIncompatible, "tally", `pipeline.AttributeEffect: tally = Lead > Proposal > Won: incompatible aggregates: a tally over another funnel than Lead > Qualified > Proposal > Won`},
		{"tally by two", func() error { _, err := AttributeEffect(threeStage, funnel.NewTally(threeStage, "a", "b")); return err },
			funnel.ErrIncompatible, "tally", `pipeline.AttributeEffect: tally = grouped by ["a" "b"]: incompatible aggregates: want a tally grouped by exactly one attribute`},
		{"tally past an int64", func() error {
			_, err := AttributeEffect(threeStage, bigTally(t, map[string][4]int64{"a": {0, 0, 1 << 62, 0}, "b": {0, 0, 1 << 62, 0}}))
			return err
		}, funnel.ErrOutOfRange, "tally", `pipeline.AttributeEffect: tally = by "warm": value out of range: the deals count past an int64`},
		// The JSON decoders.
		{"decoded prior state amount", func() error {
			var o WaterfallOptions
			return json.Unmarshal([]byte(`{"before":{"A":{"amount":"1e-2147483647"}}}`), &o)
		}, funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = "1e-2147483647": value out of range: not a decimal amount`},
		{"decoded thresholds", func() error { var th Thresholds; return json.Unmarshal([]byte(`{"stalled_days":1e30}`), &th) },
			funnel.ErrOutOfRange, "stalled_days", `pipeline.Thresholds: stalled_days = number 1e30: value out of range: want a JSON number`},
	})
}

// failure is a call that must fail: its error wraps is, names place (see
// placeOf) and reads as text, whose first word is the Op.
type failure struct {
	name  string
	call  func() error
	is    error
	place string
	text  string
}

// checkFailures runs each call and checks its error.
func checkFailures(t *testing.T, tests []failure) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			place, op := placeOf(err)
			if place != tt.place {
				t.Errorf("place = %q, want %q (error %v)", place, tt.place, err)
			}
			if diff := cmp.Diff(tt.text, err.Error()); diff != "" {
				t.Errorf("error text mismatch (-want +got):\n%s", diff)
			}
			if want, _, _ := strings.Cut(tt.text, ":"); op != want {
				t.Errorf("Op = %q, want %q", op, want)
			}
		})
	}
}

// TestDecodeBadInput walks the decoding paths with bad documents: each
// failure is a *funnel.InputError naming its place and wrapping a
// sentinel, never encoding/json's, time's or decimal's own error. The
// truncated documents are given to the method itself, as encoding/json
// checks a document before it calls a decoder.
func TestDecodeBadInput(t *testing.T) {
	const outside = "zero date: outside the years 1 to 9999 or more than a day off UTC"
	into := func(v any, doc string) func() error { return func() error { return json.Unmarshal([]byte(doc), v) } }
	opts := func(doc string) func() error { return into(new(WaterfallOptions), doc) }
	checkFailures(t, []failure{
		{"options truncated", func() error { return new(WaterfallOptions).UnmarshalJSON([]byte(`{"before":{"A":`)) }, funnel.ErrOutOfRange, "waterfall options",
			`pipeline.WaterfallOptions: waterfall options: value out of range: truncated JSON`},
		{"options an array", opts(`[1,2]`), funnel.ErrOutOfRange, "waterfall options",
			`pipeline.WaterfallOptions: waterfall options = array: value out of range: want a JSON object`},
		{"before an array", opts(`{"before":[]}`), funnel.ErrOutOfRange, "before",
			`pipeline.WaterfallOptions: before = array: value out of range: want a JSON object`},
		{"prior state a string", opts(`{"before":{"A":"won"}}`), funnel.ErrOutOfRange, `before["A"]`,
			`pipeline.WaterfallOptions: before["A"] = string: value out of range: want a JSON object`},
		{"close from a number", opts(`{"close_from":20250101}`), funnel.ErrOutOfRange, "close_from",
			`pipeline.WaterfallOptions: close_from = number: value out of range: want a JSON string`},
		{"close to not a date", opts(`{"close_to":"next week"}`), funnel.ErrZeroDate, "close_to",
			`pipeline.WaterfallOptions: close_to = "next week": zero date: not an RFC 3339 date`},
		{"close to year 0", opts(`{"close_to":"0000-06-01T00:00:00Z"}`), funnel.ErrZeroDate, "close_to",
			`pipeline.WaterfallOptions: close_to = "0000-06-01T00:00:00Z": ` + outside},
		// 0001-01-01 00:00 at +01:00 is an hour before the zero time.
		{"expected close 0001-01-01 at +01:00", opts(`{"before":{"B":{"expected_close":"0001-01-01T00:00:00+01:00"}}}`), funnel.ErrZeroDate, `before["B"].expected_close`,
			`pipeline.WaterfallOptions: before["B"].expected_close = "0001-01-01T00:00:00+01:00": ` + outside},
		{"outcome unknown", opts(`{"before":{"A":{"outcome":"maybe"}}}`), funnel.ErrOutOfRange, `before["A"].outcome`,
			`pipeline.WaterfallOptions: before["A"].outcome = "maybe": value out of range`},
		{"outcome a number", opts(`{"before":{"A":{"outcome":1}}}`), funnel.ErrOutOfRange, `before["A"].outcome`,
			`pipeline.WaterfallOptions: before["A"].outcome = number: value out of range: want a JSON string`},
		// decimal's parser refuses an exponent past 10,000.
		{"amount 1e999999", opts(`{"before":{"A":{"amount":1e999999}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = 1e999999: value out of range: not a decimal amount`},
		{"amount 1e-2147483647", opts(`{"before":{"A":{"amount":"1e-2147483647"}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = "1e-2147483647": value out of range: not a decimal amount`},
		// It parses 1e9999; the bounds then refuse it.
		{"amount 1e9999", opts(`{"before":{"A":{"amount":1e9999}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = 1e9999: value out of range: amount 1e9999 has more than 18 decimal places or 36 digits`},
		{"amount 19 places", opts(`{"before":{"A":{"amount":"0.0000000000000000001"}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = "0.0000000000000000001": value out of range: amount 1e-19 has more than 18 decimal places or 36 digits`},
		{"amount 41 digits", opts(`{"before":{"A":{"amount":"10000000000000000000000000000000000000000"}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = "10000000000000000000000000000000000000000": value out of range: amount 10000000000000000000000000000000000000000e0 has more than 18 decimal places or 36 digits`},
		{"amount NaN", opts(`{"before":{"A":{"amount":"NaN"}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = "NaN": value out of range: not a decimal amount`},
		{"amount negative", opts(`{"before":{"A":{"amount":-3}}}`), funnel.ErrNegativeAmount, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = -3: negative amount: -3`},
		{"amount an object", opts(`{"before":{"A":{"amount":{}}}}`), funnel.ErrOutOfRange, `before["A"].amount`,
			`pipeline.WaterfallOptions: before["A"].amount = {}: value out of range: not a decimal amount`},
		{"prior state truncated", func() error { return new(PriorState).UnmarshalJSON([]byte(`{"amount":"1`)) }, funnel.ErrOutOfRange, "prior state",
			`pipeline.PriorState: prior state: value out of range: truncated JSON`},
		{"prior state alone", into(new(PriorState), `{"amount":true}`), funnel.ErrOutOfRange, "amount",
			`pipeline.PriorState: amount = true: value out of range: not a decimal amount`},
		{"thresholds truncated", func() error { return new(Thresholds).UnmarshalJSON([]byte(`{"stalled_days":`)) }, funnel.ErrOutOfRange, "thresholds",
			`pipeline.Thresholds: thresholds: value out of range: truncated JSON`},
		{"thresholds an array", into(new(Thresholds), `[14,7]`), funnel.ErrOutOfRange, "thresholds",
			`pipeline.Thresholds: thresholds = array: value out of range: want a JSON object`},
		{"thresholds a string", into(new(Thresholds), `{"untouched_days":"7"}`), funnel.ErrOutOfRange, "untouched_days",
			`pipeline.Thresholds: untouched_days = string: value out of range: want a JSON number`},
		{"thresholds 1.5", into(new(Thresholds), `{"untouched_days":1.5}`), funnel.ErrOutOfRange, "untouched_days",
			`pipeline.Thresholds: untouched_days = number 1.5: value out of range: want a JSON number`},
		{"thresholds 1e30", into(new(Thresholds), `{"stalled_days":1e30}`), funnel.ErrOutOfRange, "stalled_days",
			`pipeline.Thresholds: stalled_days = number 1e30: value out of range: want a JSON number`},
	})
}

// TestDecodeRoundTrip: the options of the hand-worked window case encode
// and decode to themselves, and null leaves a value unchanged.
func TestDecodeRoundTrip(t *testing.T) {
	want := WaterfallOptions{CloseFrom: day(60), CloseTo: day(90), Before: windowPriorStates()}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got WaterfallOptions
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WaterfallOptions round trip mismatch (-want +got):\n%s", diff)
	}
	// A prior state with no amount and no expected close, written with
	// nulls; an amount as a JSON number.
	var s PriorState
	if err := json.Unmarshal([]byte(`{"outcome":"lost","amount":null,"expected_close":null}`), &s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(PriorState{Outcome: funnel.Lost}, s); diff != "" {
		t.Errorf("PriorState with nulls mismatch (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"amount":12.5}`), &s); err != nil || !s.Amount.Valid || s.Amount.Decimal.String() != "12.5" {
		t.Errorf("PriorState amount 12.5: %+v, %v", s, err)
	}
	th := Thresholds{StalledDays: 14, UntouchedDays: 7}
	if err := json.Unmarshal([]byte(`null`), &th); err != nil || th != (Thresholds{StalledDays: 14, UntouchedDays: 7}) {
		t.Errorf("Thresholds null: %+v, %v; want unchanged", th, err)
	}
	if err := json.Unmarshal([]byte(`{"stalled_days":30,"untouched_days":5}`), &th); err != nil || th != (Thresholds{StalledDays: 30, UntouchedDays: 5}) {
		t.Errorf("Thresholds: %+v, %v; want 30 and 5", th, err)
	}
}
