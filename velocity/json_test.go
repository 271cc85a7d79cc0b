package velocity

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestResultsJSON checks that every result encodes (no NaN or Inf, which
// encoding/json rejects) and that the results a service may read back
// round-trip.
func TestResultsJSON(t *testing.T) {
	dcmp, err := Decompose(smb(), ent())
	if err != nil {
		t.Fatal(err)
	}
	sens, err := Sensitivities(smb(), DaysQuarter, []float64{0.05, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := MeasureDeals(leadWon(), measureDeals(), winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := Forecast(context.Background(), threeDeals("50000", 1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := MakeUp(smb(), LeverWinRate, -0.1, LeverOpportunities)
	if err != nil {
		t.Fatal(err)
	}
	gaps, err := Gaps(smb(), team(), DaysQuarter)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{dcmp, sens, rep, fc, mk, gaps} {
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("json.Marshal(%T): %v", v, err)
		}
	}
	roundTrip(t, dcmp, new(Decomposition))
	roundTrip(t, rep, new(Report))
	roundTrip(t, gaps, new(GapRanking))
	roundTrip(t, mk, new(MakeUpResult))
	in := threeDeals("50000", 500, 9)
	in.TimeToClose = []time.Duration{30 * day, 10*day + 12*time.Hour}
	in.Reps[0].Open[1].Age = 3*day + 6*time.Hour
	roundTrip(t, in, new(ForecastInput))
	roundTrip(t, BuildOptions{GroupBy: "segment", RateWindow: 45 * day}, new(BuildOptions))
}

// roundTrip encodes v, decodes it into back and compares.
func roundTrip[T any](t *testing.T, v T, back *T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, back); err != nil {
		t.Fatalf("json.Unmarshal(%T): %v", v, err)
	}
	if diff := cmp.Diff(v, *back, decEq, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%T JSON round trip mismatch (-want +got):\n%s", v, diff)
	}
}

// shape decodes v's JSON into a generic map, as a client in another
// language sees it.
func shape(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks a decoded document by object keys and array indices.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return "<missing>"
			}
			v = a[k]
		}
	}
	return v
}

// noKeys reports the keys of a decoded document, at any depth, that end
// in one of the suffixes.
func noKeys(v any, suffixes ...string) []string {
	var bad []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			for _, s := range suffixes {
				if strings.HasSuffix(k, s) {
					bad = append(bad, k)
				}
			}
			bad = append(bad, noKeys(e, suffixes...)...)
		}
	case []any:
		for _, e := range x {
			bad = append(bad, noKeys(e, suffixes...)...)
		}
	}
	return bad
}

// TestResultShapes checks the JSON each result type gives a client: field
// names, days in *_days fields as numbers, money as decimal strings to the
// cent, null for what is undefined, and no nanoseconds or *_defined flags.
func TestResultShapes(t *testing.T) {
	rep, err := MeasureDeals(leadWon(), measureDeals(), winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sens, err := Sensitivities(smb(), DaysQuarter, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	dcmp, err := Decompose(smb(), ent())
	if err != nil {
		t.Fatal(err)
	}
	same, err := Decompose(smb(), smb())
	if err != nil {
		t.Fatal(err)
	}
	fc, err := Forecast(context.Background(), threeDeals("50000", 1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	gaps, err := Gaps(smb(), team(), DaysQuarter)
	if err != nil {
		t.Fatal(err)
	}
	ahead, err := Gaps(team(), smb(), DaysQuarter)
	if err != nil {
		t.Fatal(err)
	}
	little, err := Little(3, 0, 30*day)
	if err != nil {
		t.Fatal(err)
	}
	in := threeDeals("50000", 500, 9)
	in.TimeToClose = []time.Duration{10*day + 12*time.Hour}
	in.Reps[0].Open[0].Age = 3 * day
	tests := []struct {
		name string
		v    any
		path []any
		want any
	}{
		// Report and Measured: the worked case of TestMeasureDefaults.
		{"report window", rep, []any{"window_days"}, 91.0},
		{"report count", rep, []any{"options", "count"}, "average open"},
		{"measured cycle", rep, []any{"total", "cycle_days"}, 161.0 / 3},
		{"measured win rate", rep, []any{"total", "win_rate"}, 0.5},
		{"measured win count", rep, []any{"total", "win_count"}, map[string]any{"k": 3.0, "n": 6.0, "value": 0.5}},
		{"measured asp", rep, []any{"total", "asp"}, "11000"},
		{"measured bookings", rep, []any{"total", "bookings"}, "33000"},
		{"measured steady bookings", rep, []any{"total", "steady_bookings"}, "27465.84"},
		{"measured no asp", rep, []any{"groups", 2, "asp"}, nil},
		{"measured no cycle", rep, []any{"groups", 2, "cycle_days"}, nil},
		{"measured no steady bookings", rep, []any{"groups", 2, "steady_bookings"}, nil},
		{"measured alone", rep.Groups[1], []any{"cycle_days"}, 60.0},
		// Sensitivity: money to the cent, no best lever.
		{"sensitivity base", sens, []any{"base"}, "364000"},
		{"sensitivity point", sens, []any{"levers", 3, "points", 0, "bookings"}, "404444.44"},
		{"sensitivity best", sens, []any{"best"}, nil},
		// Decomposition: levers' cycle in days, the largest share named.
		{"decomposition cycle", dcmp, []any{"to", "cycle_days"}, 120.0},
		{"decomposition largest", dcmp, []any{"largest"}, "asp"},
		{"decomposition share", dcmp, []any{"shares", 2, "amount"}, "7287.72"},
		{"decomposition no gap", same, []any{"largest"}, nil},
		// ForecastResult: quantiles and expectation in money.
		{"forecast expected", fc, []any{"reps", 0, "expected"}, "54000"},
		{"forecast draws", fc, []any{"draws"}, 1000.0},
		// ForecastInput: times and ages in days.
		{"forecast input times", in, []any{"time_to_close_days"}, []any{10.5}},
		{"forecast input age", in, []any{"reps", 0, "open", 0, "age_days"}, 3.0},
		{"build options window", BuildOptions{RateWindow: 45 * day}, []any{"rate_window_days"}, 45.0},
		// GapRanking: the worked case of Gaps' documentation.
		{"gaps best", gaps, []any{"best"}, "win rate"},
		{"gaps first", gaps, []any{"gaps", 0}, map[string]any{"lever": "win rate", "bookings": "509600", "gain": "145600"}},
		{"gaps rep cycle", gaps, []any{"rep", "cycle_days"}, 30.0},
		{"gaps none", ahead, []any{"best"}, nil},
		// LittleCheck: an undefined percentage is null.
		{"little gap percent", little, []any{"gap_percent"}, nil},
		{"little implied", little, []any{"implied"}, 0.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := shape(t, tc.v)
			if diff := cmp.Diff(tc.want, at(m, tc.path...), cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("JSON %v mismatch (-want +got):\n%s", tc.path, diff)
			}
			if bad := noKeys(m, "_ns", "_defined"); len(bad) > 0 {
				t.Errorf("JSON has keys %v", bad)
			}
		})
	}
	// The keys of a measured group, exactly.
	var keys []string
	for k := range shape(t, rep.Total) {
		keys = append(keys, k)
	}
	want := []string{"group", "opportunities", "opportunity_deals", "created", "created_per_day", "average_open",
		"win_count", "win_rate", "won_value", "lost_value", "value_deals", "no_amount", "asp", "asp_deals",
		"cycle_days", "cycle_deals", "bookings", "steady_bookings", "undated"}
	if diff := cmp.Diff(want, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("Measured JSON keys mismatch (-want +got):\n%s", diff)
	}
}

// TestDecodeErrors checks that a document a decoder cannot take is a
// *funnel.InputError naming the field, wrapping funnel.ErrOutOfRange.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		into any
		want string // the error's text
	}{
		{"cycle beyond Duration", `{"opportunities":1,"win_rate":0.5,"asp":"1","cycle_days":1e300}`, new(Levers),
			"velocity.Levers.UnmarshalJSON: cycle_days = 1e+300: value out of range: beyond time.Duration (106751 days either way)"},
		{"cycle of the wrong type", `{"cycle_days":"30"}`, new(Levers),
			`velocity.Levers.UnmarshalJSON: cycle_days = string: value out of range: want a JSON number`},
		{"measured cycle without deals", `{"cycle_days":30,"cycle_deals":0}`, new(Measured),
			"velocity.Measured.UnmarshalJSON: cycle_days = 30: value out of range: a cycle is defined when cycle_deals (0) is above zero"},
		{"measured cycle", `{"cycle_days":-1e200,"cycle_deals":1}`, new(Measured),
			"velocity.Measured.UnmarshalJSON: cycle_days = -1e+200: value out of range: beyond time.Duration (106751 days either way)"},
		{"age", `{"id":"a","age_days":1e20}`, new(OpenDeal),
			"velocity.OpenDeal.UnmarshalJSON: age_days = 1e+20: value out of range: beyond time.Duration (106751 days either way)"},
		{"time to close", `{"time_to_close_days":[1, 1e20]}`, new(ForecastInput),
			"velocity.ForecastInput.UnmarshalJSON: time_to_close_days[1] = 1e+20: value out of range: beyond time.Duration (106751 days either way)"},
		{"rate window", `{"rate_window_days":true}`, new(BuildOptions),
			"velocity.BuildOptions.UnmarshalJSON: rate_window_days = bool: value out of range: want a JSON number"},
		{"lever name", `{"best":"speed"}`, new(GapRanking),
			`velocity.GapRanking.UnmarshalJSON: best = "speed": value out of range: want one of "opportunities", "win rate", "asp", "cycle"`},
		{"amount", `{"reps":[{},{"open":[{"amount":"NaN"}]}]}`, new(ForecastInput),
			`velocity.ForecastInput.UnmarshalJSON: reps[1].open[0].amount = "NaN": value out of range: not a decimal amount`},
		{"amount places", `{"asp":"5.3333333333333333333"}`, new(Levers),
			`velocity.Levers.UnmarshalJSON: asp = "5.3333333333333333333": value out of range: more than 18 decimal places or 36 digits`},
		{"count 1e30", `{"created":1e30}`, new(Measured),
			"velocity.Measured.UnmarshalJSON: created = number 1e30: value out of range: want a whole number from -9223372036854775808 to 9223372036854775807"},
		{"seed negative", `{"seed":-1}`, new(ForecastInput),
			"velocity.ForecastInput.UnmarshalJSON: seed = number -1: value out of range: want a whole number from 0 to 18446744073709551615"},
		{"array", `[]`, new(Measured), "velocity.Measured.UnmarshalJSON: measured = array: value out of range: want a JSON object"},
		{"date", `{"start":"2024-13-01T00:00:00Z"}`, new(QuotaPeriod),
			`velocity.QuotaPeriod.UnmarshalJSON: start = "2024-13-01T00:00:00Z": value out of range: want an RFC 3339 date and time`},
		{"option name", `{"count":"sometimes"}`, new(Options),
			`velocity.Options.UnmarshalJSON: count = "sometimes": value out of range: want one of "average open", "live", "created", "closed"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := json.Unmarshal([]byte(tc.doc), tc.into)
			var ie *funnel.InputError
			if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &ie) {
				t.Fatalf("json.Unmarshal(%s) error = %v, want a *funnel.InputError wrapping funnel.ErrOutOfRange", tc.doc, err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("json.Unmarshal(%s) error text mismatch (-want +got):\n%s", tc.doc, diff)
			}
		})
	}
}

func TestForecastInputUnchanged(t *testing.T) {
	mk := func() ForecastInput {
		in := threeDeals("50000", 500, 9)
		// Unsorted on purpose: Forecast sorts a copy.
		in.TimeToClose = []time.Duration{30 * day, 10 * day, 20 * day}
		return in
	}
	in, keep := mk(), mk()
	if _, err := Forecast(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keep, in, decEq); diff != "" {
		t.Errorf("Forecast modified its input:\n%s", diff)
	}
}

// TestOptionsJSON checks that the measuring options read as text in JSON
// and come back the same, and that an unknown name is an error.
func TestOptionsJSON(t *testing.T) {
	o := Options{Count: CountLive, WinBasis: WinByValue, CycleStat: CycleMedian, CycleDeals: CycleClosed}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"count":"live","win_basis":"value","cycle_stat":"median","cycle_deals":"closed"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	var back Options
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, back); diff != "" {
		t.Errorf("Options JSON round trip mismatch (-want +got):\n%s", diff)
	}
	for c := CountAverageOpen; c <= CountClosed; c++ {
		b, err := c.MarshalText()
		var back Counting
		if err != nil || back.UnmarshalText(b) != nil || back != c {
			t.Errorf("Counting %v: text %q, %v; read back %v", c, b, err, back)
		}
	}
	if _, err := json.Marshal(Options{Count: 9}); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Counting(9): err = %v, want funnel.ErrOutOfRange", err)
	}
}

// team is the reference of the worked case of Gaps: 45 opportunities, a
// 35% win rate, $12,500 and a 28-day cycle.
func team() Levers {
	return Levers{Opportunities: 45, WinRate: 0.35, ASP: mustDec("12500"), Cycle: 28 * day}
}
