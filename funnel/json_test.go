package funnel

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shape returns the JSON of v decoded into plain maps and slices, as an
// API consumer in another language reads it.
func shape(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%T): %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	return out
}

// TestResultJSONShapes checks the JSON of each result type of the package
// as a consumer reads it: rates with k, n and value, undefined figures
// null (never 0 or a missing field), days in fields named *_days, money as
// decimal strings, stage names beside per-stage figures, enums by name.
// (Table's shape is checked in TestTableJSON.)
func TestResultJSONShapes(t *testing.T) {
	rate := func(k, n float64, v any) map[string]any { return map[string]any{"k": k, "n": n, "value": v} }
	f := MustNew("a", "b")

	// A cohort of one deal that entered a and not b.
	ct, err := NewCohortTally(f, CohortOptions{Window: 24 * time.Hour, AsOf: jan(10)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ct.Add(Deal{ID: "1", Events: []Event{{0, jan(2)}}}); err != nil {
		t.Fatal(err)
	}
	changes, err := Compare(f, countsUnchecked([]int64{0, 0}), countsUnchecked([]int64{2, 1}))
	if err != nil {
		t.Fatal(err)
	}
	sh, err := Shrink([]Rate{{3, 3}, {45, 60}})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := f.Reverse("b", 2, []float64{0.5})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		v    any
		want any
	}{
		{"Cohort", ct.Cohorts()[0], map[string]any{
			"label": "2024-01", "start": "2024-01-01T00:00:00Z", "end": "2024-02-01T00:00:00Z", "deals": 1.0, "mature": true,
			"stages": []any{
				map[string]any{"stage": "a", "reached": 1.0, "converted": rate(0, 0, nil), "unknown": 0.0, "mature": true},
				map[string]any{"stage": "b", "reached": 0.0, "converted": rate(0, 1, 0.0), "unknown": 0.0, "mature": true},
			},
		}},
		// From no deals to two: the share of a change from 0 is undefined.
		{"Change", changes[1], map[string]any{
			"stage": "b", "before": 0.0, "after": 1.0, "delta": 1.0, "delta_share": nil,
			"step_before": rate(0, 0, nil), "step_after": rate(1, 2, 0.5), "step_delta": nil,
		}},
		{"empty Summary", Durations{}.Summary(), map[string]any{"n": 0.0, "mean_days": nil, "median_days": nil, "p90_days": nil, "max_days": nil}},
		{"Summary", durs(1, 2).Summary(), map[string]any{"n": 2.0, "mean_days": 1.5, "median_days": 1.5, "p90_days": 1.9, "max_days": 2.0}},
		{"Durations", durs(1, 1, 600), map[string]any{"n": 3.0, "seconds": 602.0 * 86400, "days": []any{[]any{1.0, 2.0}, []any{600.0, 1.0}}}},
		{"Interval", Interval{Lo: 0.25, Hi: 0.5}, map[string]any{"lo": 0.25, "hi": 0.5}},
		{"ReverseFunnel", rev, map[string]any{"stage": "b", "target": 2.0, "volumes": []any{
			map[string]any{"stage": "a", "exact": 4.0, "whole": 4.0}, map[string]any{"stage": "b", "exact": 2.0, "whole": 2.0}}}},
		{"ShrunkRate", sh.Rates[0].Rate, rate(3, 3, 1.0)},
		// Pooled m = 48/63; SS = 3(1 − m)² + 60(0.75 − m)² = 0.179 is below
		// the noise (R − 1)m(1 − m) = 0.181: no spread beyond noise.
		{"FitReason", sh.Prior.Reason, "no-spread"},
		{"Outcome", Won, "won"},
		{"Reach", Strict, "strict"},
		{"Period", Quarter, "quarter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, shape(t, tt.v)); diff != "" {
				t.Errorf("JSON of %T mismatch (-want +got):\n%s", tt.v, diff)
			}
		})
	}
}

// TestCohortTallyJSON checks that a cohort tally travels as JSON: the
// decoded one has the same cohorts and merges like the original, and bad
// documents are errors naming their place.
func TestCohortTallyJSON(t *testing.T) {
	f := MustNew("L", "Q", "M", "W")
	opts := CohortOptions{Window: 7 * 24 * time.Hour, AsOf: day(3, 1)}
	ev := func(stage int, m time.Month, d int) Event { return Event{Stage: stage, At: day(m, d)} }
	deals := []Deal{
		{ID: "C1", Outcome: Won, Closed: day(1, 25), Events: []Event{ev(0, 1, 3), ev(1, 1, 5), ev(2, 1, 20), ev(3, 1, 25)}},
		{ID: "C2", Events: []Event{ev(0, 1, 10), ev(1, 1, 20)}},
		{ID: "C4", Events: []Event{ev(0, 2, 25), ev(1, 2, 27)}},
		{ID: "C5", Events: []Event{{Stage: 0}}},
	}
	a, _ := NewCohortTally(f, opts)
	for _, d := range deals {
		if err := a.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back CohortTally
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(a.Cohorts(), back.Cohorts()); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if back.Undated() != 1 || back.Options() != opts {
		t.Errorf("round trip: undated %d, options %+v", back.Undated(), back.Options())
	}
	if err := back.Merge(a); err != nil {
		t.Fatal(err)
	}
	if got := back.Cohorts()[0].Deals; got != 4 { // C1 and C2, twice
		t.Errorf("merged January deals = %d, want 4", got)
	}
	bad := []struct {
		name, json string
	}{
		{"window", `{"funnel":["a","b"],"period":"month","window_days":0,"as_of":"2024-03-01T00:00:00Z","cohorts":[]}`},
		{"period", `{"funnel":["a","b"],"period":"year","window_days":7,"as_of":"2024-03-01T00:00:00Z","cohorts":[]}`},
		{"start", `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","cohorts":[{"start":"2024-01-02T00:00:00Z","deals":0,"reached":[0,0],"converted":[0],"unknown":[0],"last_reach":["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z"]}]}`},
		{"rise", `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","cohorts":[{"start":"2024-01-01T00:00:00Z","deals":1,"reached":[1,2],"converted":[0],"unknown":[0],"last_reach":["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z"]}]}`},
		{"converted", `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","cohorts":[{"start":"2024-01-01T00:00:00Z","deals":1,"reached":[1,1],"converted":[2],"unknown":[0],"last_reach":["0001-01-01T00:00:00Z","0001-01-01T00:00:00Z"]}]}`},
		{"lengths", `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","cohorts":[{"start":"2024-01-01T00:00:00Z","deals":1,"reached":[1],"converted":[0],"unknown":[0],"last_reach":[]}]}`},
		{"type", `{"funnel":["a","b"],"period":"month","window_days":"seven"}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var u CohortTally
			err := u.UnmarshalJSON([]byte(tt.json))
			var ie *InputError
			var se *StageError
			if err == nil || (!errorsAs(err, &ie) && !errorsAs(err, &se)) {
				t.Errorf("UnmarshalJSON: err = %v, want a typed error of the package", err)
			}
		})
	}
}

// errorsAs is errors.As, named so that the table above reads plainly.
func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestDecodeBadInput walks every decoder of the package with hostile
// documents: each failure is a typed error of the package (never
// encoding/json's or decimal's), wraps the sentinel, and names the place,
// down to the group and field of a tally.
func TestDecodeBadInput(t *testing.T) {
	// A valid group of a two-stage tally grouped by owner: one won deal
	// of 5.00 that entered both stages.
	group := func(owner, extra string) string {
		return `{"key":["` + owner + `"],"deals":1,"won":1,"reached":[1,1],"entered":[1,1],"entered_both":[1,0],` +
			`"open_at":[0,0],"strict_pending":[0,0],"lost_at":[0,0],"amount_reached":["5","5"],"won_amount":"5",` +
			`"won_with_amount":1,"stage_time":[{},{}],"won_to_close":[{},{}]` + extra + `}`
	}
	tally := func(second string) string {
		return `{"funnel":["a","b"],"by":["owner"],"groups":[` + group("x", "") + `,` + second + `]}`
	}
	var ta Tally
	if err := ta.UnmarshalJSON([]byte(tally(group("y", "")))); err != nil {
		t.Fatalf("the valid document: %v", err)
	}
	tests := []struct {
		name  string
		into  interface{ UnmarshalJSON([]byte) error }
		doc   string
		want  error
		place string // the name the error gives its input
	}{
		{"tally truncated", new(Tally), `{"funnel":["a","b"],"by":["owner"],"groups":[`, ErrOutOfRange, "tally"},
		{"tally as an array", new(Tally), `[1,2]`, ErrOutOfRange, "tally"},
		{"tally deals a string", new(Tally), tally(`{"key":["y"],"deals":"two"}`), ErrOutOfRange, "groups[1].deals"},
		{"tally deals 1e30", new(Tally), tally(`{"key":["y"],"deals":1e30}`), ErrOutOfRange, "groups[1].deals"},
		{"tally amount 1e999999", new(Tally), tally(group("y", `,"won_amount":"1e999999"`)), ErrOutOfRange, "groups[1].won_amount"},
		{"tally amount 1e-2147483647", new(Tally), tally(group("y", `,"won_amount":"1e-2147483647"`)), ErrOutOfRange, "groups[1].won_amount"},
		{"tally amount NaN", new(Tally), tally(group("y", `,"won_amount":"NaN"`)), ErrOutOfRange, "groups[1].won_amount"},
		{"tally amount 19 places", new(Tally), tally(group("y", `,"won_amount":"0.0000000000000000001"`)), ErrOutOfRange, "groups[1].won_amount"},
		{"tally negative won amount", new(Tally), tally(group("y", `,"won_amount":"-5"`)), ErrNegativeAmount, "groups[1].won_amount"},
		{"tally amount per stage", new(Tally), tally(group("y", `,"amount_reached":["5","1e40"]`)), ErrOutOfRange, "groups[1].amount_reached"},
		{"tally won with amount above won", new(Tally), tally(group("y", `,"won_with_amount":2`)), ErrCountsRise, "groups[1].won_with_amount"},
		// 50 observations of a won cycle for one won deal.
		{"tally won cycle of 50", new(Tally), tally(group("y", `,"won_cycle":{"n":50,"seconds":0,"days":[[0,50]]}`)), ErrCountsRise, "groups[1].won_cycle.n"},
		{"tally won + lost + open", new(Tally), tally(group("y", `,"lost":1`)), ErrOutOfRange, "groups[1].deals"},
		{"tally repeated key", new(Tally), tally(group("x", "")), ErrIncompatible, "groups[1].key"},
		{"tally key length", new(Tally), tally(`{"key":["y","z"]}`), ErrLengthMismatch, "groups[1].key"},
		{"tally no funnel", new(Tally), `{"funnel":[],"by":[],"groups":[]}`, ErrEmptyFunnel, "funnel"},
		{"tally histogram bins", new(Tally), tally(group("y", `,"won_cycle":{"n":1,"seconds":0,"days":[[5,1]]}`)), ErrOutOfRange, "groups[1].won_cycle.seconds"},
		{"tally histogram day", new(Tally), tally(group("y", `,"won_cycle":{"n":1,"seconds":0,"days":[[100001,1]]}`)), ErrOutOfRange, "groups[1].won_cycle.days[0].day"},
		{"durations order", new(Durations), `{"n":2,"seconds":172800,"days":[[1,1],[1,1]]}`, ErrOutOfRange, "days[1].day"},
		{"durations empty bin", new(Durations), `{"n":0,"seconds":0,"days":[[1,0]]}`, ErrOutOfRange, "days[0].count"},
		{"durations negative", new(Durations), `{"n":-1,"seconds":0,"days":[[1,-1]]}`, ErrNegativeCount, "days[0].count"},
		{"durations n", new(Durations), `{"n":3,"seconds":86400,"days":[[1,1]]}`, ErrOutOfRange, "n"},
		{"durations bins past int64", new(Durations), `{"n":2,"seconds":0,"days":[[0,9223372036854775807],[1,1]]}`, ErrOutOfRange, "days[1].count"},
		{"durations truncated", new(Durations), `{"n":`, ErrOutOfRange, "durations"},
		{"rate k above n", new(Rate), `{"k":7,"n":6}`, ErrKExceedsN, "k"},
		{"rate type", new(Rate), `{"k":"7","n":6}`, ErrOutOfRange, "k"},
		{"ratio negative", new(Ratio), `{"num":-1,"den":6}`, ErrNegativeCount, "num"},
		{"null float string", new(NullFloat64), `"1.5"`, ErrOutOfRange, "number"},
		{"funnel object", new(Funnel), `{"a":1}`, ErrOutOfRange, "funnel"},
		{"funnel duplicate", new(Funnel), `["a","a"]`, ErrDuplicateStage, "funnel"},
		{"cohort tally window", new(CohortTally), `{"funnel":["a","b"],"period":"month","window_days":-1,"as_of":"2024-03-01T00:00:00Z","cohorts":[]}`, ErrOutOfRange, "window_days"},
		{"cohort tally undated", new(CohortTally), `{"funnel":["a","b"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","undated":-1,"cohorts":[]}`, ErrNegativeCount, "undated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.into.UnmarshalJSON([]byte(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want %v", tt.doc, err, tt.want)
			}
			var ie *InputError
			var se *StageError
			switch {
			case errors.As(err, &ie):
				if tt.place != "" && ie.Name != tt.place {
					t.Errorf("error %q names %q, want %q", err, ie.Name, tt.place)
				}
			case errors.As(err, &se):
				if tt.place != "" && se.Input != tt.place {
					t.Errorf("error %q names %q, want %q", err, se.Input, tt.place)
				}
			default:
				t.Errorf("error %#v is not a typed error of the package", err)
			}
		})
	}
	// Text enums.
	for _, tt := range []struct {
		into interface{ UnmarshalText([]byte) error }
		name string
	}{{new(Outcome), "outcome"}, {new(Reach), "reach"}, {new(Period), "period"}, {new(FitReason), "fit reason"}} {
		err := tt.into.UnmarshalText([]byte("nope"))
		var ie *InputError
		if !errors.Is(err, ErrOutOfRange) || !errors.As(err, &ie) || ie.Name != tt.name {
			t.Errorf("%T.UnmarshalText(nope) = %v, want a *InputError naming %q", tt.into, err, tt.name)
		}
	}
}

// FuzzDurationsParse checks the one-pass reader of a Durations against
// encoding/json: whenever it accepts a document, encoding/json decodes the
// same numbers from it.
func FuzzDurationsParse(f *testing.F) {
	f.Add(`{"n":3,"seconds":345600,"days":[[1,2],[2,1]]}`)
	f.Add(`{"n":0,"seconds":0,"days":[]}`)
	f.Add(` { "n" : -1 , "seconds" : 01 , "days" : [ [ 1 , 2 ] ] } `)
	f.Add(`{"n":1,"seconds":1,"days":[[1,2]],"x":1}`)
	f.Add(`{"n":1e2,"seconds":1,"days":[[1,2]]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var fast durationsJSON
		if !fast.parse([]byte(doc)) {
			return
		}
		var slow durationsJSON
		if err := json.Unmarshal([]byte(doc), &slow); err != nil {
			t.Fatalf("parse accepted %q, which encoding/json rejects: %v", doc, err)
		}
		if len(slow.Days) == 0 {
			slow.Days = nil
		}
		if len(fast.Days) == 0 {
			fast.Days = nil
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("parse(%q) mismatch (-encoding/json +parse):\n%s", doc, diff)
		}
	})
}
