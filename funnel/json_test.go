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
