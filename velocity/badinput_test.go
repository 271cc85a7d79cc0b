package velocity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// decoder is a value of the package that decodes itself.
type decoder interface{ UnmarshalJSON([]byte) error }

// TestDecodeBadInput walks every decode path of the package with
// documents a service may be sent: truncated (the method called directly,
// as json.Unmarshal checks the syntax before calling it), an array or a
// string instead of an object, values of the wrong type, numbers beyond
// their Go type (1e30 for an int), amounts that are no decimal ("NaN") or
// beyond the bounds of money ("1e999999", "1e-2147483647"), enum names
// that do not exist, and nested failures at every depth. Each is a
// *funnel.InputError with the decoder's Op, naming the place (the member,
// with the index of an array element, as in reps[1].open[0].amount), and
// wrapping the sentinel; the value decoded into is left as it was.
func TestDecodeBadInput(t *testing.T) {
	tests := []struct {
		name  string
		into  func() decoder
		doc   string
		op    string // the type whose decoder runs: Op is "velocity.<op>.UnmarshalJSON"
		place string // the InputError's Name
		is    error
	}{
		// Levers.
		{"levers truncated", func() decoder { return new(Levers) }, `{"asp":`, "Levers", "levers", funnel.ErrOutOfRange},
		{"levers array", func() decoder { return new(Levers) }, `[1,2]`, "Levers", "levers", funnel.ErrOutOfRange},
		{"levers string", func() decoder { return new(Levers) }, `"smb"`, "Levers", "levers", funnel.ErrOutOfRange},
		{"levers opportunities type", func() decoder { return new(Levers) }, `{"opportunities":"40"}`, "Levers", "opportunities", funnel.ErrOutOfRange},
		{"levers win rate 1e999", func() decoder { return new(Levers) }, `{"win_rate":1e999}`, "Levers", "win_rate", funnel.ErrOutOfRange},
		{"levers asp 1e999999", func() decoder { return new(Levers) }, `{"asp":"1e999999"}`, "Levers", "asp", funnel.ErrOutOfRange},
		{"levers asp 1e-2147483647", func() decoder { return new(Levers) }, `{"asp":"1e-2147483647"}`, "Levers", "asp", funnel.ErrOutOfRange},
		{"levers asp NaN", func() decoder { return new(Levers) }, `{"asp":"NaN"}`, "Levers", "asp", funnel.ErrOutOfRange},
		{"levers asp 19 places", func() decoder { return new(Levers) }, `{"asp":"5.3333333333333333333"}`, "Levers", "asp", funnel.ErrOutOfRange},
		{"levers asp object", func() decoder { return new(Levers) }, `{"asp":{}}`, "Levers", "asp", funnel.ErrOutOfRange},
		{"levers cycle beyond Duration", func() decoder { return new(Levers) }, `{"cycle_days":1e300}`, "Levers", "cycle_days", funnel.ErrOutOfRange},
		// Measured and Report.
		{"measured truncated", func() decoder { return new(Measured) }, `{"created":1`, "Measured", "measured", funnel.ErrOutOfRange},
		{"measured int 1e30", func() decoder { return new(Measured) }, `{"created":1e30}`, "Measured", "created", funnel.ErrOutOfRange},
		{"measured int fraction", func() decoder { return new(Measured) }, `{"asp_deals":1.5}`, "Measured", "asp_deals", funnel.ErrOutOfRange},
		{"measured group type", func() decoder { return new(Measured) }, `{"group":["A",1]}`, "Measured", "group[1]", funnel.ErrOutOfRange},
		{"measured won value", func() decoder { return new(Measured) }, `{"won_value":"1e999999"}`, "Measured", "won_value", funnel.ErrOutOfRange},
		{"measured lost value", func() decoder { return new(Measured) }, `{"lost_value":"x"}`, "Measured", "lost_value", funnel.ErrOutOfRange},
		{"measured asp NaN", func() decoder { return new(Measured) }, `{"asp":"NaN"}`, "Measured", "asp", funnel.ErrOutOfRange},
		{"measured bookings", func() decoder { return new(Measured) }, `{"bookings":"1e-2147483647"}`, "Measured", "bookings", funnel.ErrOutOfRange},
		{"measured steady bookings", func() decoder { return new(Measured) }, `{"steady_bookings":"1e999999"}`, "Measured", "steady_bookings", funnel.ErrOutOfRange},
		{"measured win count k above n", func() decoder { return new(Measured) }, `{"win_count":{"k":3,"n":2}}`, "Measured", "win_count.k", funnel.ErrKExceedsN},
		{"measured win count negative", func() decoder { return new(Measured) }, `{"win_count":{"k":0,"n":-1}}`, "Measured", "win_count.n", funnel.ErrNegativeCount},
		{"measured win count type", func() decoder { return new(Measured) }, `{"win_count":{"k":"3"}}`, "Measured", "win_count.k", funnel.ErrOutOfRange},
		{"measured win rate type", func() decoder { return new(Measured) }, `{"win_rate":"half"}`, "Measured", "win_rate", funnel.ErrOutOfRange},
		{"measured cycle without deals", func() decoder { return new(Measured) }, `{"cycle_days":30,"cycle_deals":0}`, "Measured", "cycle_days", funnel.ErrOutOfRange},
		{"measured cycle missing", func() decoder { return new(Measured) }, `{"cycle_deals":2}`, "Measured", "cycle_days", funnel.ErrOutOfRange},
		{"measured cycle beyond Duration", func() decoder { return new(Measured) }, `{"cycle_days":-1e200,"cycle_deals":1}`, "Measured", "cycle_days", funnel.ErrOutOfRange},
		{"report truncated", func() decoder { return new(Report) }, `{"groups":[{}`, "Report", "report", funnel.ErrOutOfRange},
		{"report array", func() decoder { return new(Report) }, `[]`, "Report", "report", funnel.ErrOutOfRange},
		{"report from", func() decoder { return new(Report) }, `{"from":"yesterday"}`, "Report", "from", funnel.ErrOutOfRange},
		{"report to type", func() decoder { return new(Report) }, `{"to":20240101}`, "Report", "to", funnel.ErrOutOfRange},
		{"report window days", func() decoder { return new(Report) }, `{"window_days":"91"}`, "Report", "window_days", funnel.ErrOutOfRange},
		{"report option", func() decoder { return new(Report) }, `{"options":{"count":"sometimes"}}`, "Report", "options.count", funnel.ErrOutOfRange},
		{"report group by", func() decoder { return new(Report) }, `{"options":{"group_by":"owner"}}`, "Report", "options.group_by", funnel.ErrOutOfRange},
		{"report total asp", func() decoder { return new(Report) }, `{"total":{"asp":"NaN"}}`, "Report", "total.asp", funnel.ErrOutOfRange},
		{"report group bookings", func() decoder { return new(Report) }, `{"groups":[{},{"bookings":"1e999999"}]}`, "Report", "groups[1].bookings", funnel.ErrOutOfRange},
		{"report group win count", func() decoder { return new(Report) }, `{"groups":[{"win_count":{"k":5,"n":1}}]}`, "Report", "groups[0].win_count.k", funnel.ErrKExceedsN},
		{"report groups object", func() decoder { return new(Report) }, `{"groups":{}}`, "Report", "groups", funnel.ErrOutOfRange},
		// Options.
		{"options truncated", func() decoder { return new(Options) }, `{"count":"li`, "Options", "options", funnel.ErrOutOfRange},
		{"options count", func() decoder { return new(Options) }, `{"count":"sometimes"}`, "Options", "count", funnel.ErrOutOfRange},
		{"options count number", func() decoder { return new(Options) }, `{"count":1}`, "Options", "count", funnel.ErrOutOfRange},
		{"options win basis", func() decoder { return new(Options) }, `{"win_basis":"amount"}`, "Options", "win_basis", funnel.ErrOutOfRange},
		{"options cycle stat", func() decoder { return new(Options) }, `{"cycle_stat":"mode"}`, "Options", "cycle_stat", funnel.ErrOutOfRange},
		{"options cycle deals", func() decoder { return new(Options) }, `{"cycle_deals":"lost"}`, "Options", "cycle_deals", funnel.ErrOutOfRange},
		{"options group by", func() decoder { return new(Options) }, `{"group_by":["owner",7]}`, "Options", "group_by[1]", funnel.ErrOutOfRange},
		// Target.
		{"target truncated", func() decoder { return new(Target) }, `{"bookings":"1`, "Target", "target", funnel.ErrOutOfRange},
		{"target array", func() decoder { return new(Target) }, `[1]`, "Target", "target", funnel.ErrOutOfRange},
		{"target bookings NaN", func() decoder { return new(Target) }, `{"bookings":"NaN"}`, "Target", "bookings", funnel.ErrOutOfRange},
		{"target bookings 1e999999", func() decoder { return new(Target) }, `{"bookings":"1e999999"}`, "Target", "bookings", funnel.ErrOutOfRange},
		{"target bookings 1e-2147483647", func() decoder { return new(Target) }, `{"bookings":1e-2147483647}`, "Target", "bookings", funnel.ErrOutOfRange},
		{"target days", func() decoder { return new(Target) }, `{"days":"91"}`, "Target", "days", funnel.ErrOutOfRange},
		// Forecast input and its parts.
		{"forecast input truncated", func() decoder { return new(ForecastInput) }, `{"reps":[{"open":[`, "ForecastInput", "forecast input", funnel.ErrOutOfRange},
		{"forecast input array", func() decoder { return new(ForecastInput) }, `[{}]`, "ForecastInput", "forecast input", funnel.ErrOutOfRange},
		{"forecast draws 1e30", func() decoder { return new(ForecastInput) }, `{"draws":1e30}`, "ForecastInput", "draws", funnel.ErrOutOfRange},
		{"forecast seed negative", func() decoder { return new(ForecastInput) }, `{"seed":-1}`, "ForecastInput", "seed", funnel.ErrOutOfRange},
		{"forecast workers type", func() decoder { return new(ForecastInput) }, `{"workers":"4"}`, "ForecastInput", "workers", funnel.ErrOutOfRange},
		{"forecast days type", func() decoder { return new(ForecastInput) }, `{"days":null,"stage_win":[0.5,"x"]}`, "ForecastInput", "stage_win[1]", funnel.ErrOutOfRange},
		{"forecast stage win counts", func() decoder { return new(ForecastInput) }, `{"stage_win_counts":[{"k":1,"n":1},{"k":-1,"n":1}]}`, "ForecastInput", "stage_win_counts[1].k", funnel.ErrNegativeCount},
		{"forecast time to close", func() decoder { return new(ForecastInput) }, `{"time_to_close_days":[1, 1e20]}`, "ForecastInput", "time_to_close_days[1]", funnel.ErrOutOfRange},
		{"forecast time to close type", func() decoder { return new(ForecastInput) }, `{"time_to_close_days":[true]}`, "ForecastInput", "time_to_close_days[0]", funnel.ErrOutOfRange},
		{"forecast reps object", func() decoder { return new(ForecastInput) }, `{"reps":{}}`, "ForecastInput", "reps", funnel.ErrOutOfRange},
		{"forecast quota NaN", func() decoder { return new(ForecastInput) }, `{"reps":[{},{"quota":"NaN"}]}`, "ForecastInput", "reps[1].quota", funnel.ErrOutOfRange},
		{"forecast won so far", func() decoder { return new(ForecastInput) }, `{"reps":[{"won_so_far":"1e999999"}]}`, "ForecastInput", "reps[0].won_so_far", funnel.ErrOutOfRange},
		{"forecast open amount", func() decoder { return new(ForecastInput) }, `{"reps":[{"open":[{"amount":"1"},{"amount":"1e-2147483647"}]}]}`, "ForecastInput", "reps[0].open[1].amount", funnel.ErrOutOfRange},
		{"forecast open stage", func() decoder { return new(ForecastInput) }, `{"reps":[{"open":[{"stage":1e30}]}]}`, "ForecastInput", "reps[0].open[0].stage", funnel.ErrOutOfRange},
		{"forecast open age", func() decoder { return new(ForecastInput) }, `{"reps":[{"open":[{"age_days":1e20}]}]}`, "ForecastInput", "reps[0].open[0].age_days", funnel.ErrOutOfRange},
		{"forecast new amounts", func() decoder { return new(ForecastInput) }, `{"reps":[{"new_amounts":["1","NaN"]}]}`, "ForecastInput", "reps[0].new_amounts[1]", funnel.ErrOutOfRange},
		{"forecast new per day", func() decoder { return new(ForecastInput) }, `{"reps":[{"new_per_day":"2"}]}`, "ForecastInput", "reps[0].new_per_day", funnel.ErrOutOfRange},
		{"forecast no amount", func() decoder { return new(ForecastInput) }, `{"reps":[{"no_amount":1e30}]}`, "ForecastInput", "reps[0].no_amount", funnel.ErrOutOfRange},
		{"forecast rep name", func() decoder { return new(ForecastInput) }, `{"reps":[{"rep":7}]}`, "ForecastInput", "reps[0].rep", funnel.ErrOutOfRange},
		{"open deal truncated", func() decoder { return new(OpenDeal) }, `{"id":"a"`, "OpenDeal", "open deal", funnel.ErrOutOfRange},
		{"open deal stage", func() decoder { return new(OpenDeal) }, `{"stage":"2"}`, "OpenDeal", "stage", funnel.ErrOutOfRange},
		{"open deal amount", func() decoder { return new(OpenDeal) }, `{"amount":"1e999999"}`, "OpenDeal", "amount", funnel.ErrOutOfRange},
		{"open deal age", func() decoder { return new(OpenDeal) }, `{"id":"a","age_days":1e20}`, "OpenDeal", "age_days", funnel.ErrOutOfRange},
		{"rep input truncated", func() decoder { return new(RepInput) }, `{`, "RepInput", "rep input", funnel.ErrOutOfRange},
		{"rep input quota", func() decoder { return new(RepInput) }, `{"quota":"1e-2147483647"}`, "RepInput", "quota", funnel.ErrOutOfRange},
		{"rep input open", func() decoder { return new(RepInput) }, `{"open":[{"amount":"NaN"}]}`, "RepInput", "open[0].amount", funnel.ErrOutOfRange},
		{"rep input new win rate", func() decoder { return new(RepInput) }, `{"new_win_rate":[0.5]}`, "RepInput", "new_win_rate", funnel.ErrOutOfRange},
		// Building a forecast.
		{"build options truncated", func() decoder { return new(BuildOptions) }, `{"stage_win":[0.1,`, "BuildOptions", "build options", funnel.ErrOutOfRange},
		{"build options rate window", func() decoder { return new(BuildOptions) }, `{"rate_window_days":true}`, "BuildOptions", "rate_window_days", funnel.ErrOutOfRange},
		{"build options rate window range", func() decoder { return new(BuildOptions) }, `{"rate_window_days":1e20}`, "BuildOptions", "rate_window_days", funnel.ErrOutOfRange},
		{"build options stage win", func() decoder { return new(BuildOptions) }, `{"stage_win":"0.5"}`, "BuildOptions", "stage_win", funnel.ErrOutOfRange},
		{"build options group by", func() decoder { return new(BuildOptions) }, `{"group_by":["owner"]}`, "BuildOptions", "group_by", funnel.ErrOutOfRange},
		{"quota period truncated", func() decoder { return new(QuotaPeriod) }, `{"start":"2024-01-01T00:00:00Z"`, "QuotaPeriod", "quota period", funnel.ErrOutOfRange},
		{"quota period start", func() decoder { return new(QuotaPeriod) }, `{"start":"2024-13-01T00:00:00Z"}`, "QuotaPeriod", "start", funnel.ErrOutOfRange},
		{"quota period end type", func() decoder { return new(QuotaPeriod) }, `{"end":1704067200}`, "QuotaPeriod", "end", funnel.ErrOutOfRange},
		{"quota period as of", func() decoder { return new(QuotaPeriod) }, `{"as_of":"2024-01-01"}`, "QuotaPeriod", "as_of", funnel.ErrOutOfRange},
		// Results.
		{"gap ranking truncated", func() decoder { return new(GapRanking) }, `{"gaps":[`, "GapRanking", "gap ranking", funnel.ErrOutOfRange},
		{"gap ranking best", func() decoder { return new(GapRanking) }, `{"best":"speed"}`, "GapRanking", "best", funnel.ErrOutOfRange},
		{"gap ranking rep asp", func() decoder { return new(GapRanking) }, `{"rep":{"asp":"NaN"}}`, "GapRanking", "rep.asp", funnel.ErrOutOfRange},
		{"gap ranking reference", func() decoder { return new(GapRanking) }, `{"reference":[]}`, "GapRanking", "reference", funnel.ErrOutOfRange},
		{"gap ranking bookings", func() decoder { return new(GapRanking) }, `{"rep_bookings":"1e999999"}`, "GapRanking", "rep_bookings", funnel.ErrOutOfRange},
		{"gap ranking gain", func() decoder { return new(GapRanking) }, `{"gaps":[{},{"gain":"1e-2147483647"},{},{}]}`, "GapRanking", "gaps[1].gain", funnel.ErrOutOfRange},
		{"gap ranking lever", func() decoder { return new(GapRanking) }, `{"gaps":[{},{},{},{"lever":"speed"}]}`, "GapRanking", "gaps[3].lever", funnel.ErrOutOfRange},
		{"gap ranking three gaps", func() decoder { return new(GapRanking) }, `{"gaps":[{},{},{}]}`, "GapRanking", "gaps", funnel.ErrLengthMismatch},
		{"gap ranking days", func() decoder { return new(GapRanking) }, `{"days":"q"}`, "GapRanking", "days", funnel.ErrOutOfRange},
		{"lever gap bookings", func() decoder { return new(LeverGap) }, `{"bookings":"NaN"}`, "LeverGap", "bookings", funnel.ErrOutOfRange},
		{"decomposition truncated", func() decoder { return new(Decomposition) }, `{"from":{`, "Decomposition", "decomposition", funnel.ErrOutOfRange},
		{"decomposition gap", func() decoder { return new(Decomposition) }, `{"gap":"1e999999"}`, "Decomposition", "gap", funnel.ErrOutOfRange},
		{"decomposition velocity", func() decoder { return new(Decomposition) }, `{"to_velocity":"NaN"}`, "Decomposition", "to_velocity", funnel.ErrOutOfRange},
		{"decomposition share amount", func() decoder { return new(Decomposition) }, `{"shares":[{"amount":"NaN"},{},{},{}]}`, "Decomposition", "shares[0].amount", funnel.ErrOutOfRange},
		{"decomposition share percent", func() decoder { return new(Decomposition) }, `{"shares":[{},{},{"percent":"12%"},{}]}`, "Decomposition", "shares[2].percent", funnel.ErrOutOfRange},
		{"decomposition five shares", func() decoder { return new(Decomposition) }, `{"shares":[{},{},{},{},{}]}`, "Decomposition", "shares", funnel.ErrLengthMismatch},
		{"decomposition largest", func() decoder { return new(Decomposition) }, `{"largest":4}`, "Decomposition", "largest", funnel.ErrOutOfRange},
		{"decomposition no gap", func() decoder { return new(Decomposition) }, `{"no_gap":"yes"}`, "Decomposition", "no_gap", funnel.ErrOutOfRange},
		{"decomposition from cycle", func() decoder { return new(Decomposition) }, `{"from":{"cycle_days":1e300}}`, "Decomposition", "from.cycle_days", funnel.ErrOutOfRange},
		{"share lever", func() decoder { return new(Share) }, `{"lever":"luck"}`, "Share", "lever", funnel.ErrOutOfRange},
		{"sensitivity truncated", func() decoder { return new(Sensitivity) }, `{"levers":[{"points":[{`, "Sensitivity", "sensitivity", funnel.ErrOutOfRange},
		{"sensitivity base", func() decoder { return new(Sensitivity) }, `{"base":"1e999999"}`, "Sensitivity", "base", funnel.ErrOutOfRange},
		{"sensitivity point bookings", func() decoder { return new(Sensitivity) }, `{"levers":[{},{"points":[{},{"bookings":"NaN"}]},{},{}]}`, "Sensitivity", "levers[1].points[1].bookings", funnel.ErrOutOfRange},
		{"sensitivity point capped", func() decoder { return new(Sensitivity) }, `{"levers":[{"points":[{"capped":1}]},{},{},{}]}`, "Sensitivity", "levers[0].points[0].capped", funnel.ErrOutOfRange},
		{"sensitivity lever", func() decoder { return new(Sensitivity) }, `{"levers":[{"lever":"x"},{},{},{}]}`, "Sensitivity", "levers[0].lever", funnel.ErrOutOfRange},
		{"sensitivity levers", func() decoder { return new(Sensitivity) }, `{"levers":[]}`, "Sensitivity", "levers", funnel.ErrLengthMismatch},
		{"lever sensitivity improve", func() decoder { return new(LeverSensitivity) }, `{"improve":"10%"}`, "LeverSensitivity", "improve", funnel.ErrOutOfRange},
		{"point gain", func() decoder { return new(Point) }, `{"gain":[]}`, "Point", "gain", funnel.ErrOutOfRange},
		{"make-up truncated", func() decoder { return new(MakeUpResult) }, `{"moved":"asp"`, "MakeUpResult", "make-up result", funnel.ErrOutOfRange},
		{"make-up moved", func() decoder { return new(MakeUpResult) }, `{"moved":"speed"}`, "MakeUpResult", "moved", funnel.ErrOutOfRange},
		{"make-up adjust", func() decoder { return new(MakeUpResult) }, `{"adjust":3}`, "MakeUpResult", "adjust", funnel.ErrOutOfRange},
		{"make-up levers", func() decoder { return new(MakeUpResult) }, `{"levers":{"asp":"1e999999"}}`, "MakeUpResult", "levers.asp", funnel.ErrOutOfRange},
		{"make-up change", func() decoder { return new(MakeUpResult) }, `{"change":"-10%"}`, "MakeUpResult", "change", funnel.ErrOutOfRange},
		{"little truncated", func() decoder { return new(LittleCheck) }, `{"gap":`, "LittleCheck", "little check", funnel.ErrOutOfRange},
		{"little implied", func() decoder { return new(LittleCheck) }, `{"implied":"4"}`, "LittleCheck", "implied", funnel.ErrOutOfRange},
		{"little gap percent", func() decoder { return new(LittleCheck) }, `{"gap_percent":"x"}`, "LittleCheck", "gap_percent", funnel.ErrOutOfRange},
		{"forecast result truncated", func() decoder { return new(ForecastResult) }, `{"reps":[`, "ForecastResult", "forecast result", funnel.ErrOutOfRange},
		{"forecast result draws", func() decoder { return new(ForecastResult) }, `{"draws":1e30}`, "ForecastResult", "draws", funnel.ErrOutOfRange},
		{"forecast result p10", func() decoder { return new(ForecastResult) }, `{"reps":[{},{"p10":"NaN"}]}`, "ForecastResult", "reps[1].p10", funnel.ErrOutOfRange},
		{"forecast result mean", func() decoder { return new(ForecastResult) }, `{"reps":[{"mean":"1e999999"}]}`, "ForecastResult", "reps[0].mean", funnel.ErrOutOfRange},
		{"rep forecast p hit", func() decoder { return new(RepForecast) }, `{"p_hit":"0.5"}`, "RepForecast", "p_hit", funnel.ErrOutOfRange},
		{"rep forecast open deals", func() decoder { return new(RepForecast) }, `{"open_deals":1e30}`, "RepForecast", "open_deals", funnel.ErrOutOfRange},
		{"rep forecast quota", func() decoder { return new(RepForecast) }, `{"quota":"1e-2147483647"}`, "RepForecast", "quota", funnel.ErrOutOfRange},
		// A lever that may be undefined.
		{"null lever truncated", func() decoder { return new(NullLever) }, `"sp`, "NullLever", "lever", funnel.ErrOutOfRange},
		{"null lever name", func() decoder { return new(NullLever) }, `"speed"`, "NullLever", "lever", funnel.ErrOutOfRange},
		{"null lever number", func() decoder { return new(NullLever) }, `2`, "NullLever", "lever", funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := "velocity." + tc.op + ".UnmarshalJSON"
			v := tc.into()
			err := v.UnmarshalJSON([]byte(tc.doc))
			checkDecodeErr(t, err, op, tc.place, tc.is)
			if diff := cmp.Diff(tc.into(), v, decEq); diff != "" {
				t.Errorf("UnmarshalJSON(%s) changed the value on error (-want +got):\n%s", tc.doc, diff)
			}
			if json.Valid([]byte(tc.doc)) {
				// Through encoding/json, the same error.
				err2 := json.Unmarshal([]byte(tc.doc), tc.into())
				if err2 == nil || err2.Error() != err.Error() {
					t.Errorf("json.Unmarshal(%s) error = %v, want %v", tc.doc, err2, err)
				}
			}
		})
	}
}

// checkDecodeErr checks that err is a *funnel.InputError with the Op and
// Name given, wrapping is, with one package prefix and no Go type name.
func checkDecodeErr(t *testing.T, err error, op, place string, is error) {
	t.Helper()
	var ie *funnel.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %#v (%v), want a *funnel.InputError", err, err)
	}
	if !errors.Is(err, is) {
		t.Errorf("error %q does not wrap %v", err, is)
	}
	if diff := cmp.Diff([]string{op, place}, []string{ie.Op, ie.Name}); diff != "" {
		t.Errorf("error %q: Op and Name mismatch (-want +got):\n%s", err, diff)
	}
	s := err.Error()
	if !strings.HasPrefix(s, op+": ") || strings.Count(s, "velocity.") != 1 || strings.Contains(s, "json:") || strings.Contains(s, "Fields") || strings.Contains(s, "decimal.") || strings.Contains(s, "funnel.") {
		t.Errorf("error %q: want one package prefix and no Go type or package name", s)
	}
}

// TestUnmarshalTextBadInput checks the text decoders of the enums, called
// directly and as JSON strings.
func TestUnmarshalTextBadInput(t *testing.T) {
	type textDecoder interface{ UnmarshalText([]byte) error }
	tests := []struct {
		into  textDecoder
		text  string
		op    string
		place string
	}{
		{new(Lever), "speed", "Lever", "lever"},
		{new(Lever), "", "Lever", "lever"},
		{new(Lever), "Asp", "Lever", "lever"},
		{new(Counting), "sometimes", "Counting", "counting"},
		{new(WinBasis), "amount", "WinBasis", "win basis"},
		{new(CycleStat), "mode", "CycleStat", "cycle stat"},
		{new(CycleDeals), "lost", "CycleDeals", "cycle deals"},
	}
	for _, tc := range tests {
		t.Run(tc.op+" "+tc.text, func(t *testing.T) {
			err := tc.into.UnmarshalText([]byte(tc.text))
			checkDecodeErr(t, err, "velocity."+tc.op+".UnmarshalText", tc.place, funnel.ErrOutOfRange)
		})
	}
}

// TestDecodeNullAndUnknown checks what encoding/json does too: null leaves
// the value as it is, and members the type does not have are ignored.
func TestDecodeNullAndUnknown(t *testing.T) {
	l := smb()
	if err := l.UnmarshalJSON([]byte("null")); err != nil || !cmp.Equal(smb(), l, decEq) {
		t.Errorf("Levers.UnmarshalJSON(null) = %v, levers %+v; want nil, unchanged", err, l)
	}
	var in ForecastInput
	if err := json.Unmarshal([]byte(`{"days":3,"extra":{"x":[1]},"reps":null,"time_to_close_days":null}`), &in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ForecastInput{Days: 3}, in); diff != "" {
		t.Errorf("ForecastInput mismatch (-want +got):\n%s", diff)
	}
	var n NullLever = SomeLever(LeverASP)
	if err := n.UnmarshalJSON([]byte(" null ")); err != nil || n.Valid {
		t.Errorf("NullLever.UnmarshalJSON(null) = %v, %+v; want nil, not Valid", err, n)
	}
}

// TestDecodeEveryField round-trips a value of every type that decodes
// itself, with every field set (checked by allSet), so that a field the
// member-by-member decoders leave out fails here.
func TestDecodeEveryField(t *testing.T) {
	d := mustDec
	lv := Levers{Opportunities: 40.5, WinRate: 0.25, ASP: d("12000.01"), Cycle: 30*day + time.Hour}
	meas := Measured{
		Group: []string{"A", "smb"}, Opportunities: 3.5, OpportunityDeals: 4, Created: 5, CreatedPerDay: 0.05,
		AverageOpen: 3.25, WinCount: funnel.Rate{K: 2, N: 3}, WinRate: funnel.Some(0.6), WonValue: d("30000"),
		LostValue: d("5000"), ValueDeals: 3, NoAmount: 1, ASP: decimal.NewNullDecimal(d("15000")), ASPDeals: 2,
		Cycle: 40 * day, CycleDeals: 2, Bookings: d("30000"), SteadyBookings: decimal.NewNullDecimal(d("29000.5")), Undated: 1,
	}
	opts := Options{Count: CountLive, WinBasis: WinByValue, CycleStat: CycleMedian, CycleDeals: CycleClosed, GroupBy: []string{"owner"}}
	open := OpenDeal{ID: "o1", Stage: 2, Amount: d("700.5"), Age: 3*day + 6*time.Hour}
	rep := RepInput{Rep: "A", Quota: d("50000"), WonSoFar: d("1000"), Open: []OpenDeal{open}, NewPerDay: 0.5,
		NewWinRate: 0.3, NewAmounts: []decimal.Decimal{d("100"), d("250.25")}, NoAmount: 2}
	rf := RepForecast{Rep: "A", Quota: d("5"), WonSoFar: d("1"), PHit: 0.5, PHitStdErr: 0.01, P10: d("1"), P50: d("2"),
		P90: d("3"), Mean: d("2.01"), Expected: d("2.02"), ExpectedNew: 0.7, OpenDeals: 3}
	gap := LeverGap{Lever: LeverASP, Bookings: d("10.5"), Gain: d("-1.25")}
	share := Share{Lever: LeverCycle, LogTerm: -0.1, Percent: 40, Amount: d("-2.5")}
	pt := Point{Change: 0.1, Capped: true, Bookings: d("7.5"), Gain: 0.05, Elasticity: 0.5}
	ls := LeverSensitivity{Lever: LeverWinRate, Elasticity: 1, Points: []Point{pt}, Improve: 0.05}
	tests := []struct {
		v    any
		back any
	}{
		{lv, new(Levers)},
		{meas, new(Measured)},
		{opts, new(Options)},
		{Report{From: winFrom, To: winTo, WindowDays: 91, Options: opts, Total: meas, Groups: []Measured{meas}}, new(Report)},
		{Target{Bookings: d("100.5"), Days: 7}, new(Target)},
		{open, new(OpenDeal)},
		{rep, new(RepInput)},
		{ForecastInput{Days: 30, StageWin: []float64{0.1, 1}, StageWinCounts: []funnel.Rate{{K: 1, N: 10}}, TimeToClose: []time.Duration{day},
			Reps: []RepInput{rep}, Draws: 100, Seed: 7, Workers: 2}, new(ForecastInput)},
		{BuildOptions{GroupBy: "segment", StageWin: []float64{0.5, 1}, RateWindow: 45 * day}, new(BuildOptions)},
		{QuotaPeriod{Start: winFrom, End: winTo, AsOf: date("2024-02-01")}, new(QuotaPeriod)},
		{rf, new(RepForecast)},
		{ForecastResult{Days: 30, Draws: 10, Seed: 1, Reps: []RepForecast{rf}}, new(ForecastResult)},
		{gap, new(LeverGap)},
		{GapRanking{Days: 91, Rep: lv, Reference: lv, RepBookings: d("1"), ReferenceBookings: d("2"),
			Gaps: [NumLevers]LeverGap{gap, gap, gap, gap}, Best: SomeLever(LeverCycle)}, new(GapRanking)},
		{share, new(Share)},
		{Decomposition{From: lv, To: lv, FromVelocity: d("1"), ToVelocity: d("2"), Gap: d("1"), LogRatio: 0.69, NoGap: true,
			Shares: [NumLevers]Share{share, share, share, share}, Largest: SomeLever(LeverASP)}, new(Decomposition)},
		{pt, new(Point)},
		{ls, new(LeverSensitivity)},
		{Sensitivity{Days: 91, Base: d("3"), Levers: [NumLevers]LeverSensitivity{ls, ls, ls, ls}}, new(Sensitivity)},
		{MakeUpResult{Moved: LeverWinRate, MovedChange: -0.1, Adjust: LeverASP, Change: 0.11, Levers: lv}, new(MakeUpResult)},
		{LittleCheck{Opportunities: 10, CreatedPerDay: 1, CycleDays: 9, Implied: 9, Gap: 1, GapPercent: funnel.Some(11.1)}, new(LittleCheck)},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%T", tc.v), func(t *testing.T) {
			if zero := unset(reflect.ValueOf(tc.v), ""); len(zero) > 0 {
				t.Fatalf("%T: fields not set: %v", tc.v, zero)
			}
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, tc.back); err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", b, err)
			}
			if diff := cmp.Diff(tc.v, reflect.ValueOf(tc.back).Elem().Interface(), decEq); diff != "" {
				t.Errorf("%T JSON round trip mismatch (-want +got):\n%s", tc.v, diff)
			}
		})
	}
}

// unset returns the paths of the exported struct fields at any depth of v
// that hold their zero value; the fields of package funnel's and
// decimal's types are taken as they are.
func unset(v reflect.Value, path string) []string {
	var zero []string
	switch v.Kind() {
	case reflect.Struct:
		if v.Type().PkgPath() != reflect.TypeFor[Levers]().PkgPath() {
			break
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := path + "." + f.Name
			if v.Field(i).IsZero() {
				zero = append(zero, p)
				continue
			}
			zero = append(zero, unset(v.Field(i), p)...)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			zero = append(zero, unset(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return zero
}

// where returns the kind and place an error of the package names: the
// Name of a *funnel.InputError, the lever set and lever of a *LeverError,
// the deal of a *funnel.DealError, with the operation.
func where(err error) (op, place string) {
	var le *LeverError
	var ie *funnel.InputError
	var de *funnel.DealError
	switch {
	case errors.As(err, &le):
		return le.Op, joinPlace(le.Input, le.Lever.String())
	case errors.As(err, &ie):
		return ie.Op, ie.Name
	case errors.As(err, &de):
		return de.Op, "deal " + de.ID
	}
	return "", ""
}

// TestBadInputPaths walks every input of every function with a bad value
// (levers, targets, days, steps, changes, windows, options, periods,
// quotas and every field of a forecast input) and checks the sentinel,
// the operation and the place the error names. Levers name the lever, and
// the lever set when a function takes two ("from levers.asp").
func TestBadInputPaths(t *testing.T) {
	d := mustDec
	nan, inf := math.NaN(), math.Inf(1)
	big := decimal.New(1, funnel.MaxAmountDigits) // 10^36, one digit too many
	tiny := decimal.New(1, -funnel.MaxAmountPlaces-1)
	lv := func(f func(*Levers)) Levers { l := smb(); f(&l); return l }
	solve := func(l Levers, s Lever, tg Target) func() error {
		return func() error { _, err := Solve(l, s, tg); return err }
	}
	makeUp := func(l Levers, moved Lever, c float64, adjust Lever) func() error {
		return func() error { _, err := MakeUp(l, moved, c, adjust); return err }
	}
	sens := func(l Levers, days float64, steps ...float64) func() error {
		return func() error { _, err := Sensitivities(l, days, steps); return err }
	}
	measure := func(f funnel.Funnel, deals []funnel.Deal, from, to time.Time, o Options) func() error {
		return func() error { _, err := MeasureDeals(f, deals, from, to, o); return err }
	}
	period := QuotaPeriod{Start: winFrom, End: winTo, AsOf: date("2024-02-15")}
	build := func(f funnel.Funnel, p QuotaPeriod, quotas map[string]decimal.Decimal, o BuildOptions) func() error {
		return func() error { _, err := BuildForecast(f, funnel.Stream(measureDeals()), p, quotas, o); return err }
	}
	forecast := func(f func(*ForecastInput)) func() error {
		return func() error {
			in := threeDeals("1", 10, 1)
			in.Reps[0].Open = slices.Clone(in.Reps[0].Open)
			in.StageWin = slices.Clone(in.StageWin)
			f(&in)
			_, err := Forecast(context.Background(), in)
			return err
		}
	}
	newDeals := func(in *ForecastInput) {
		in.Reps[0].NewPerDay, in.Reps[0].NewWinRate, in.Reps[0].NewAmounts = 1, 0.5, []decimal.Decimal{d("1"), d("2")}
	}
	tests := []struct {
		name  string
		err   func() error
		is    error
		op    string
		place string
	}{
		// Levers, through NewLevers, Validate and Bookings.
		{"opportunities NaN", func() error { _, err := NewLevers(nan, 0.5, d("1"), day); return err }, funnel.ErrNotFinite, "velocity.NewLevers", "opportunities"},
		{"opportunities Inf", func() error { _, err := NewLevers(inf, 0.5, d("1"), day); return err }, funnel.ErrNotFinite, "velocity.NewLevers", "opportunities"},
		{"opportunities negative", func() error { _, err := NewLevers(-1, 0.5, d("1"), day); return err }, funnel.ErrNegative, "velocity.NewLevers", "opportunities"},
		{"win rate NaN", func() error { _, err := NewLevers(1, nan, d("1"), day); return err }, funnel.ErrNotFinite, "velocity.NewLevers", "win rate"},
		{"win rate above 1", func() error { _, err := NewLevers(1, 1.0000001, d("1"), day); return err }, funnel.ErrRateRange, "velocity.NewLevers", "win rate"},
		{"win rate negative", func() error { _, err := NewLevers(1, -1e-300, d("1"), day); return err }, funnel.ErrRateRange, "velocity.NewLevers", "win rate"},
		{"asp negative", func() error { _, err := NewLevers(1, 1, d("-0.01"), day); return err }, funnel.ErrNegativeAmount, "velocity.NewLevers", "asp"},
		{"asp 36 digits", func() error { _, err := NewLevers(1, 1, big, day); return err }, funnel.ErrOutOfRange, "velocity.NewLevers", "asp"},
		{"asp 19 places", func() error { _, err := NewLevers(1, 1, tiny, day); return err }, funnel.ErrOutOfRange, "velocity.NewLevers", "asp"},
		{"cycle negative", func() error { _, err := NewLevers(1, 1, d("1"), -1); return err }, funnel.ErrNegative, "velocity.NewLevers", "cycle"},
		{"cycle zero", func() error { return lv(func(l *Levers) { l.Cycle = 0 }).Validate() }, ErrZeroCycle, "velocity.Levers.Validate", "cycle"},
		{"velocity invalid", func() error { _, err := lv(func(l *Levers) { l.WinRate = 2 }).Velocity(); return err }, funnel.ErrRateRange, "velocity.Levers.Velocity", "win rate"},
		{"bookings days NaN", func() error { _, err := smb().Bookings(nan); return err }, funnel.ErrNotFinite, "velocity.Levers.Bookings", "days"},
		{"bookings days Inf", func() error { _, err := smb().Bookings(inf); return err }, funnel.ErrNotFinite, "velocity.Levers.Bookings", "days"},
		{"bookings days negative", func() error { _, err := smb().Bookings(-0.5); return err }, funnel.ErrNegative, "velocity.Levers.Bookings", "days"},
		// Solve: the lever, the target and the held levers.
		{"solve lever", solve(smb(), 9, PerDay(d("1"))), funnel.ErrOutOfRange, "velocity.Solve", "lever"},
		{"solve target negative", solve(smb(), LeverASP, PerDay(d("-1"))), funnel.ErrNegativeAmount, "velocity.Solve", "target bookings"},
		{"solve target 36 digits", solve(smb(), LeverASP, PerDay(big)), funnel.ErrOutOfRange, "velocity.Solve", "target bookings"},
		{"solve target days NaN", solve(smb(), LeverASP, Target{Bookings: d("1"), Days: nan}), funnel.ErrNotFinite, "velocity.Solve", "target days"},
		{"solve target days negative", solve(smb(), LeverASP, Target{Bookings: d("1"), Days: -7}), funnel.ErrNegative, "velocity.Solve", "target days"},
		{"solve held lever", solve(lv(func(l *Levers) { l.Cycle = -day }), LeverASP, PerDay(d("1"))), funnel.ErrNegative, "velocity.Solve", "cycle"},
		{"solve zero held", solve(lv(func(l *Levers) { l.WinRate = 0 }), LeverASP, PerDay(d("1"))), ErrUnreachable, "velocity.Solve", "asp"},
		// At W = 1 the levers book 40 × 12000 / 30 = 16000 a day.
		{"solve win rate above 1", solve(smb(), LeverWinRate, PerDay(d("16000.01"))), ErrUnreachable, "velocity.Solve", "win rate"},
		{"solve cycle for zero", solve(smb(), LeverCycle, PerDay(d("0"))), ErrUnreachable, "velocity.Solve", "cycle"},
		{"solve asp below money", solve(lv(func(l *Levers) { l.Opportunities = 1e300 }), LeverASP, PerDay(d("0.01"))), funnel.ErrOutOfRange, "velocity.Solve", "asp"},
		// MakeUp: the levers, each lever named, the change.
		{"make-up levers", makeUp(Levers{}, LeverASP, 0.1, LeverCycle), ErrZeroCycle, "velocity.MakeUp", "cycle"},
		{"make-up moved", makeUp(smb(), -1, 0.1, LeverCycle), funnel.ErrOutOfRange, "velocity.MakeUp", "moved lever"},
		{"make-up adjust", makeUp(smb(), LeverASP, 0.1, 4), funnel.ErrOutOfRange, "velocity.MakeUp", "adjust lever"},
		{"make-up same", makeUp(smb(), LeverCycle, 0.1, LeverCycle), funnel.ErrOutOfRange, "velocity.MakeUp", "adjust lever"},
		{"make-up change NaN", makeUp(smb(), LeverASP, nan, LeverCycle), funnel.ErrNotFinite, "velocity.MakeUp", "change"},
		{"make-up change Inf", makeUp(smb(), LeverASP, inf, LeverCycle), funnel.ErrNotFinite, "velocity.MakeUp", "change"},
		{"make-up change -100%", makeUp(smb(), LeverASP, -1, LeverCycle), funnel.ErrOutOfRange, "velocity.MakeUp", "change"},
		{"make-up moved win rate", makeUp(smb(), LeverWinRate, 3.5, LeverASP), funnel.ErrRateRange, "velocity.MakeUp", "win rate"},
		{"make-up adjusted win rate", makeUp(smb(), LeverASP, -0.8, LeverWinRate), ErrUnreachable, "velocity.MakeUp", "win rate"},
		{"make-up opportunities", makeUp(lv(func(l *Levers) { l.Opportunities = 1e308 }), LeverASP, -0.9, LeverOpportunities), funnel.ErrOutOfRange, "velocity.MakeUp", "opportunities"},
		{"make-up asp digits", makeUp(lv(func(l *Levers) { l.ASP = d("6e35") }), LeverASP, 1, LeverCycle), funnel.ErrOutOfRange, "velocity.MakeUp", "asp"},
		{"make-up cycle", makeUp(smb(), LeverCycle, 1e9, LeverASP), funnel.ErrOutOfRange, "velocity.MakeUp", "cycle"},
		// Sensitivities: the levers, the days, each step.
		{"sensitivities levers", sens(lv(func(l *Levers) { l.ASP = d("-1") }), 1, 0.1), funnel.ErrNegativeAmount, "velocity.Sensitivities", "asp"},
		{"sensitivities days", sens(smb(), -1, 0.1), funnel.ErrNegative, "velocity.Sensitivities", "days"},
		{"sensitivities step NaN", sens(smb(), 1, 0.1, nan), funnel.ErrNotFinite, "velocity.Sensitivities", "steps[1]"},
		{"sensitivities step negative", sens(smb(), 1, -0.1), funnel.ErrOutOfRange, "velocity.Sensitivities", "steps[0]"},
		{"sensitivities step 1", sens(smb(), 1, 0.5, 0.2, 1), funnel.ErrOutOfRange, "velocity.Sensitivities", "steps[2]"},
		{"sensitivities opportunities", sens(lv(func(l *Levers) { l.Opportunities = math.MaxFloat64 }), 1, 0.5), funnel.ErrOutOfRange, "velocity.Sensitivities", "opportunities"},
		{"sensitivities asp digits", sens(lv(func(l *Levers) { l.ASP = d("9e35") }), 1, 0.5), funnel.ErrOutOfRange, "velocity.Sensitivities", "asp"},
		{"sensitivities cycle", sens(lv(func(l *Levers) { l.Cycle = 1 }), 1, 0.6), funnel.ErrOutOfRange, "velocity.Sensitivities", "cycle"},
		// Two lever sets: each named.
		{"decompose from", func() error { _, err := Decompose(lv(func(l *Levers) { l.WinRate = nan }), smb()); return err }, funnel.ErrNotFinite, "velocity.Decompose", "from levers.win rate"},
		{"decompose to zero", func() error { _, err := Decompose(smb(), lv(func(l *Levers) { l.Opportunities = 0 })); return err }, ErrLogZero, "velocity.Decompose", "to levers.opportunities"},
		{"gaps rep", func() error { _, err := Gaps(lv(func(l *Levers) { l.Cycle = 0 }), team(), 1); return err }, ErrZeroCycle, "velocity.Gaps", "rep levers.cycle"},
		{"gaps reference", func() error { _, err := Gaps(smb(), lv(func(l *Levers) { l.ASP = big }), 1); return err }, funnel.ErrOutOfRange, "velocity.Gaps", "reference levers.asp"},
		{"gaps days", func() error { _, err := Gaps(smb(), team(), nan); return err }, funnel.ErrNotFinite, "velocity.Gaps", "days"},
		// Little.
		{"little opportunities", func() error { _, err := Little(nan, 1, day); return err }, funnel.ErrNotFinite, "velocity.Little", "opportunities"},
		{"little rate", func() error { _, err := Little(1, -1, day); return err }, funnel.ErrNegative, "velocity.Little", "created per day"},
		{"little cycle", func() error { _, err := Little(1, 1, -day); return err }, funnel.ErrNegative, "velocity.Little", "cycle"},
		{"little overflow", func() error { _, err := Little(1, math.MaxFloat64, time.Duration(math.MaxInt64)); return err }, funnel.ErrOutOfRange, "velocity.Little", "live deals"},
		{"measured levers", func() error { _, err := (Measured{}).Levers(); return err }, ErrUndefined, "velocity.Measured.Levers", "win rate"},
		{"measured little", func() error { _, err := (Measured{}).Little(); return err }, ErrUndefined, "velocity.Measured.Little", "cycle"},
		// Measure: funnel, window, options, deals.
		{"measure funnel", measure(funnel.Funnel{}, nil, winFrom, winTo, Options{}), funnel.ErrEmptyFunnel, "velocity.Measure", "funnel"},
		{"measure window", measure(leadWon(), nil, winTo, winTo, Options{}), funnel.ErrDateOrder, "velocity.Measure", "window"},
		{"measure window length", measure(leadWon(), nil, date("1700-01-01"), winTo, Options{}), funnel.ErrOutOfRange, "velocity.Measure", "window"},
		{"measure count", measure(leadWon(), nil, winFrom, winTo, Options{Count: CountClosed + 1}), funnel.ErrOutOfRange, "velocity.Measure", "options.count"},
		{"measure count negative", measure(leadWon(), nil, winFrom, winTo, Options{Count: -1}), funnel.ErrOutOfRange, "velocity.Measure", "options.count"},
		{"measure win basis", measure(leadWon(), nil, winFrom, winTo, Options{WinBasis: WinByValue + 1}), funnel.ErrOutOfRange, "velocity.Measure", "options.win_basis"},
		{"measure win basis negative", measure(leadWon(), nil, winFrom, winTo, Options{WinBasis: -1}), funnel.ErrOutOfRange, "velocity.Measure", "options.win_basis"},
		{"measure cycle stat", measure(leadWon(), nil, winFrom, winTo, Options{CycleStat: CycleMedian + 1}), funnel.ErrOutOfRange, "velocity.Measure", "options.cycle_stat"},
		{"measure cycle stat negative", measure(leadWon(), nil, winFrom, winTo, Options{CycleStat: -1}), funnel.ErrOutOfRange, "velocity.Measure", "options.cycle_stat"},
		{"measure cycle deals", measure(leadWon(), nil, winFrom, winTo, Options{CycleDeals: CycleClosed + 1}), funnel.ErrOutOfRange, "velocity.Measure", "options.cycle_deals"},
		{"measure cycle deals negative", measure(leadWon(), nil, winFrom, winTo, Options{CycleDeals: -1}), funnel.ErrOutOfRange, "velocity.Measure", "options.cycle_deals"},
		{"measure deal", measure(leadWon(), []funnel.Deal{mkDeal("d1", "A", "2024-01-02", "2024-01-01", funnel.Lost, "1")}, winFrom, winTo, Options{}), funnel.ErrEventOrder, "velocity.Measure", "deal d1"},
		{"measure deal cycle", measure(leadWon(), []funnel.Deal{mkDeal("d2", "A", "1700-01-01", "2024-01-01", funnel.Lost, "1")}, winFrom, winTo, Options{}), funnel.ErrOutOfRange, "velocity.Measure", "deal d2"},
		// BuildForecast: funnel, period, options, quotas.
		{"build funnel", build(funnel.Funnel{}, period, nil, BuildOptions{}), funnel.ErrEmptyFunnel, "velocity.BuildForecast", "funnel"},
		{"build one stage", build(funnel.MustNew("Won"), period, nil, BuildOptions{}), funnel.ErrOutOfRange, "velocity.BuildForecast", "funnel"},
		{"build period", build(leadWon(), QuotaPeriod{Start: winTo, End: winFrom, AsOf: winTo}, nil, BuildOptions{}), funnel.ErrDateOrder, "velocity.BuildForecast", "period"},
		{"build as of before start", build(leadWon(), QuotaPeriod{Start: winFrom, End: winTo, AsOf: date("2023-12-31")}, nil, BuildOptions{}), funnel.ErrDateOrder, "velocity.BuildForecast", "period"},
		{"build as of after end", build(leadWon(), QuotaPeriod{Start: winFrom, End: winTo, AsOf: date("2024-04-02")}, nil, BuildOptions{}), funnel.ErrDateOrder, "velocity.BuildForecast", "period"},
		{"build rate window", build(leadWon(), period, nil, BuildOptions{RateWindow: -1}), funnel.ErrOutOfRange, "velocity.BuildForecast", "rate_window"},
		{"build stage win length", build(leadWon(), period, nil, BuildOptions{StageWin: []float64{1}}), funnel.ErrOutOfRange, "velocity.BuildForecast", "stage_win"},
		{"build stage win value", build(leadWon(), period, nil, BuildOptions{StageWin: []float64{0.5, nan}}), funnel.ErrNotFinite, "velocity.BuildForecast", "stage_win[1]"},
		{"build stage win above 1", build(leadWon(), period, nil, BuildOptions{StageWin: []float64{1.5, 1}}), funnel.ErrRateRange, "velocity.BuildForecast", "stage_win[0]"},
		{"build quota", build(leadWon(), period, map[string]decimal.Decimal{"A": d("1"), "B": d("-1")}, BuildOptions{}), funnel.ErrNegativeAmount, "velocity.BuildForecast", `quota["B"]`},
		{"build quota range", build(leadWon(), period, map[string]decimal.Decimal{"A": tiny}, BuildOptions{}), funnel.ErrOutOfRange, "velocity.BuildForecast", `quota["A"]`},
		{"build no closed deal", build(leadWon(), QuotaPeriod{Start: date("2020-01-01"), End: winTo, AsOf: date("2020-01-01")}, nil, BuildOptions{}), funnel.ErrNoData, "velocity.BuildForecast", "deals"},
		// Forecast: every field.
		{"forecast draws", forecast(func(in *ForecastInput) { in.Draws = -1 }), funnel.ErrNegative, "velocity.Forecast", "draws"},
		{"forecast draws max", forecast(func(in *ForecastInput) { in.Draws = MaxDraws + 1 }), funnel.ErrOutOfRange, "velocity.Forecast", "draws"},
		{"forecast days NaN", forecast(func(in *ForecastInput) { in.Days = nan }), funnel.ErrNotFinite, "velocity.Forecast", "days"},
		{"forecast days negative", forecast(func(in *ForecastInput) { in.Days = -1 }), funnel.ErrNegative, "velocity.Forecast", "days"},
		{"forecast days Duration", forecast(func(in *ForecastInput) { in.Days = 106752 }), funnel.ErrOutOfRange, "velocity.Forecast", "days"},
		{"forecast stage win", forecast(func(in *ForecastInput) { in.StageWin[2] = -0.1 }), funnel.ErrRateRange, "velocity.Forecast", "stage_win[2]"},
		{"forecast stage win NaN", forecast(func(in *ForecastInput) { in.StageWin[0] = nan }), funnel.ErrNotFinite, "velocity.Forecast", "stage_win[0]"},
		{"forecast time to close", forecast(func(in *ForecastInput) { in.TimeToClose = []time.Duration{day, -1} }), funnel.ErrNegative, "velocity.Forecast", "time_to_close[1]"},
		{"forecast quota", forecast(func(in *ForecastInput) { in.Reps[0].Quota = d("-1") }), funnel.ErrNegativeAmount, "velocity.Forecast", "reps[0].quota"},
		{"forecast quota range", forecast(func(in *ForecastInput) { in.Reps[0].Quota = big }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].quota"},
		{"forecast won so far", forecast(func(in *ForecastInput) { in.Reps[0].WonSoFar = tiny }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].won_so_far"},
		// 2^62 cents is 46116860184273879.04: half a cent below it rounds
		// half to even up to it.
		{"forecast won so far cents", forecast(func(in *ForecastInput) { in.Reps[0].Open, in.Reps[0].WonSoFar = nil, d("46116860184273879.035") }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].won_so_far"},
		{"forecast open stage", forecast(func(in *ForecastInput) { in.Reps[0].Open[1].Stage = -1 }), funnel.ErrUnknownStage, "velocity.Forecast", "reps[0].open[1].stage"},
		{"forecast open stage past", forecast(func(in *ForecastInput) { in.Reps[0].Open[1].Stage = len(in.StageWin) }), funnel.ErrUnknownStage, "velocity.Forecast", "reps[0].open[1].stage"},
		{"forecast open age", forecast(func(in *ForecastInput) { in.Reps[0].Open[2].Age = -1 }), funnel.ErrNegative, "velocity.Forecast", "reps[0].open[2].age"},
		{"forecast open amount", forecast(func(in *ForecastInput) { in.Reps[0].Open[0].Amount = d("-5") }), funnel.ErrNegativeAmount, "velocity.Forecast", "reps[0].open[0].amount"},
		{"forecast open amount range", forecast(func(in *ForecastInput) { in.Reps[0].Open[0].Amount = big }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].open[0].amount"},
		{"forecast open amount cents", forecast(func(in *ForecastInput) { in.Reps[0].Open[0].Amount = d("46116860184273879.04") }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].open[0].amount"},
		// Two halves of 2^62 cents (plus the rest of threeDeals).
		{"forecast open sum", forecast(func(in *ForecastInput) {
			in.Reps[0].Open[0].Amount, in.Reps[0].Open[1].Amount = d("23058430092136939.52"), d("23058430092136939.52")
		}), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0]"},
		{"forecast new per day", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewPerDay = inf }), funnel.ErrNotFinite, "velocity.Forecast", "reps[0].new_per_day"},
		{"forecast new per day negative", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewPerDay = -1 }), funnel.ErrNegative, "velocity.Forecast", "reps[0].new_per_day"},
		{"forecast new deals", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewPerDay = 1e12 }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].new_per_day"},
		{"forecast new win rate", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewWinRate = 1.5 }), funnel.ErrRateRange, "velocity.Forecast", "reps[0].new_win_rate"},
		{"forecast new amounts", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewAmounts = nil }), funnel.ErrNoData, "velocity.Forecast", "reps[0].new_amounts"},
		{"forecast new amount", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewAmounts[1] = d("-2") }), funnel.ErrNegativeAmount, "velocity.Forecast", "reps[0].new_amounts[1]"},
		{"forecast new amount cents", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewAmounts[0] = d("46116860184273879.04") }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0].new_amounts[0]"},
		// μ = 1 × 30 × 0.5 = 15 new deals; the Poisson table ends at
		// ⌈15 + 10√15 + 20⌉ = 74, and 74 × 10^15 × 100 cents passes 2^62.
		{"forecast new sum", forecast(func(in *ForecastInput) { newDeals(in); in.Reps[0].NewAmounts[0] = d("1e15") }), funnel.ErrOutOfRange, "velocity.Forecast", "reps[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if !errors.Is(err, tc.is) {
				t.Fatalf("error = %v, want one wrapping %v", err, tc.is)
			}
			op, place := where(err)
			if diff := cmp.Diff([]string{tc.op, tc.place}, []string{op, place}); diff != "" {
				t.Errorf("error %q: operation and place mismatch (-want +got):\n%s", err, diff)
			}
			if s := err.Error(); !strings.HasPrefix(s, tc.op+": ") || strings.Count(s, "velocity.") != 1 {
				t.Errorf("error %q: want one package prefix, %s", s, tc.op)
			}
		})
	}
}

// TestDecodeValueClipped checks that an error quotes at most 40 bytes of
// the offending JSON value, so that a hostile document of megabytes does
// not make a megabyte error: a value of 40 bytes (a string of 38 and its
// quotes) is quoted whole, one of 41 is cut to 40 bytes and "…", and a cut
// never splits a UTF-8 sequence (an "é" in bytes 40–41 is dropped whole).
func TestDecodeValueClipped(t *testing.T) {
	sevens := func(n int) string { return strings.Repeat("7", n) }
	tests := []struct {
		content string // the JSON string given as an amount
		want    string // the error's Value
	}{
		{sevens(38), `"` + sevens(38) + `"`},
		{sevens(39), `"` + sevens(39) + "…"},
		{sevens(37) + "é", `"` + sevens(37) + "é…"},
		{sevens(38) + "é", `"` + sevens(38) + "…"},
	}
	for _, tc := range tests {
		var l Levers
		err := l.UnmarshalJSON([]byte(`{"asp":"` + tc.content + `"}`))
		var ie *funnel.InputError
		if !errors.As(err, &ie) || ie.Value != tc.want {
			t.Errorf("Levers.UnmarshalJSON(asp %q): error %v; want the value %q", tc.content, err, tc.want)
		}
	}
}
