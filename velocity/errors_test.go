package velocity

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// TestErrorText walks failures from every entry point, nested ones
// included (a deal that funnel rejects, a field of a forecast input, a
// product funnel.LiveDeals rejects), and checks the exact text (one
// package prefix, each thing named once), the sentinel and the typed
// error.
func TestErrorText(t *testing.T) {
	unknownStage := mkDeal("x", "A", "2024-01-10", "2024-02-01", funnel.Won, "100")
	unknownStage.Events = append(unknownStage.Events, funnel.Event{Stage: 5})
	measure := func(d ...funnel.Deal) error {
		_, err := MeasureDeals(leadWon(), d, winFrom, winTo, Options{})
		return err
	}
	forecast := func(f func(*ForecastInput)) error {
		in := threeDeals("1", 10, 1)
		in.Reps[0].Open = append([]OpenDeal(nil), in.Reps[0].Open...)
		f(&in)
		_, err := Forecast(context.Background(), in)
		return err
	}
	tests := []struct {
		name string
		err  func() error
		text string
		is   error
		as   string // the typed error: "lever", "input" or "deal"
	}{
		{"new levers", func() error { _, err := NewLevers(40, 1.2, mustDec("1"), day); return err },
			"velocity.NewLevers: win rate = 1.2: rate outside [0,1]", funnel.ErrRateRange, "lever"},
		{"validate negative asp", func() error { return Levers{1, 1, mustDec("-1"), day}.Validate() },
			"velocity.Levers.Validate: asp: negative amount: -1", funnel.ErrNegativeAmount, "lever"},
		{"bookings days", func() error { _, err := smb().Bookings(-2); return err },
			"velocity.Levers.Bookings: days = -2: negative value", funnel.ErrNegative, "input"},
		{"solve unreachable", func() error { _, err := Solve(smb(), LeverWinRate, PerDay(mustDec("20000"))); return err },
			"velocity.Solve: win rate = 1.25: target unreachable: win rate above 1", ErrUnreachable, "lever"},
		{"make up same lever", func() error { _, err := MakeUp(smb(), LeverASP, 0.1, LeverASP); return err },
			"velocity.MakeUp: adjust lever = asp: value out of range: same as the moved lever", funnel.ErrOutOfRange, "input"},
		{"decompose zero asp", func() error { _, err := Decompose(smb(), Levers{1, 1, mustDec("0"), day}); return err },
			"velocity.Decompose: to levers: asp = 0: log of zero", ErrLogZero, "lever"},
		{"decompose bad from", func() error { _, err := Decompose(Levers{math.NaN(), 1, mustDec("1"), day}, smb()); return err },
			"velocity.Decompose: from levers: opportunities = NaN: not a finite number", funnel.ErrNotFinite, "lever"},
		{"sensitivity cycle", func() error { _, err := Sensitivities(Levers{1, 1, mustDec("1"), 1}, 1, []float64{0.6}); return err },
			"velocity.Sensitivities: cycle = 0ns: value out of range: below one nanosecond", funnel.ErrOutOfRange, "lever"},
		{"little overflow", func() error { _, err := Little(1, math.MaxFloat64, time.Duration(math.MaxInt64)); return err },
			"velocity.Little: live deals = +Inf: value out of range: too large for a float64", funnel.ErrOutOfRange, "input"},
		{"measured undefined", func() error {
			_, err := (Measured{WinRate: funnel.Some(1), WinCount: funnel.Rate{K: 1, N: 1}}).Levers()
			return err
		},
			"velocity.Measured.Levers: asp: lever undefined: no won deal with an amount in the window", ErrUndefined, "lever"},
		{"measure window", func() error { _, err := MeasureDeals(leadWon(), nil, winTo, winFrom, Options{}); return err },
			"velocity.Measure: window = 2024-04-01T00:00:00Z to 2024-01-01T00:00:00Z: dates out of order: the window must end after it starts", funnel.ErrDateOrder, "input"},
		{"measure option", func() error {
			_, err := MeasureDeals(leadWon(), nil, winFrom, winTo, Options{CycleStat: 7})
			return err
		},
			"velocity.Measure: options.cycle_stat = CycleStat(7): value out of range", funnel.ErrOutOfRange, "input"},
		{"measure deal funnel rejects", func() error { return measure(unknownStage) },
			`velocity.Measure: deal "x": event 2: unknown stage: index 5`, funnel.ErrUnknownStage, "deal"},
		{"build forecast deal funnel rejects", func() error {
			p := QuotaPeriod{Start: winFrom, End: winTo, AsOf: winTo}
			_, err := BuildForecast(leadWon(), funnel.Stream([]funnel.Deal{{ID: "x", Outcome: funnel.Won}}), p, nil, BuildOptions{})
			return err
		}, `velocity.BuildForecast: deal "x": invalid deal: won deal with no stage events`, funnel.ErrInvalidDeal, "deal"},
		{"forecast field", func() error { return forecast(func(in *ForecastInput) { in.Reps[0].Open[2].Stage = 9 }) },
			"velocity.Forecast: reps[0].open[2].stage = 9: unknown stage: 4 stage win probabilities", funnel.ErrUnknownStage, "input"},
		{"forecast quota", func() error { return forecast(func(in *ForecastInput) { in.Reps[0].Quota = mustDec("-1") }) },
			"velocity.Forecast: reps[0].quota: negative amount: -1", funnel.ErrNegativeAmount, "input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil {
				t.Fatalf("no error, want %q", tc.text)
			}
			if diff := cmp.Diff(tc.text, err.Error()); diff != "" {
				t.Errorf("error text mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			var le *LeverError
			var ie *funnel.InputError
			var de *funnel.DealError
			var got string
			switch {
			case errors.As(err, &le):
				got = "lever"
			case errors.As(err, &ie):
				got = "input"
			case errors.As(err, &de):
				got = "deal"
			}
			if got != tc.as {
				t.Errorf("error %#v is a %q error, want %q", err, got, tc.as)
			}
			if strings.Count(err.Error(), "velocity") != 1 || strings.Contains(err.Error(), "funnel:") {
				t.Errorf("error %q does not have one package prefix", err)
			}
		})
	}
}
