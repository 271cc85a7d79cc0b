package domino

import (
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestTornadoOf(t *testing.T) {
	// Top 100, rates 0.95 and 0.5, ASP 10, cycle 30 days: 475/30 = $15.83 a day.
	c := Chain{TopName: "calls", Top: 100, Stages: []Stage{{"meeting", 0.95}, {"won", 0.5}}, ASP: decimal.NewFromInt(10), Cycle: funnel.Some(30)}
	bar := func(l int, name string, k LeverKind, down, up string, capped bool, el float64) Bar {
		return Bar{Lever: l, Name: name, Kind: k, Down: chainDec(down), Up: chainDec(up), Swing: chainDec(up).Sub(chainDec(down)), UpCapped: capped, Elasticity: el}
	}
	for _, tt := range []struct {
		name string
		kind GainKind
		step float64
		want []Bar
	}{
		{
			// ±10%: any multiplicative lever gives 475 × 0.9 / 30 = 14.25 and
			// 475 × 1.1 / 30 = 17.4167 → 17.42 (swing 3.17); the cycle 33
			// and 27 days gives 475/33 = 14.39 and 475/27 = 17.59 (3.20);
			// the 0.95 rate caps at 1 going up: 500/30 = 16.67 (2.42).
			"relative 10%", Relative, 0.10,
			[]Bar{
				bar(4, "cycle", Divisor, "14.39", "17.59", false, -1),
				bar(0, "calls", Volume, "14.25", "17.42", false, 1),
				bar(2, "won", Rate, "14.25", "17.42", false, 1),
				bar(3, "asp", Volume, "14.25", "17.42", false, 1),
				bar(1, "meeting", Rate, "14.25", "16.67", true, 1),
			},
		},
		{
			// ±0.05 points on the rates: 0.90 and 1 for the first,
			// 100 × 0.9 × 0.5 × 10/30 = 15.00, 16.67; 0.45 and 0.55 for the
			// second, 100 × 0.95 × 0.45 × 10/30 = 14.25, 17.42. ±0.05 on the
			// top, ASP and cycle is nearly nothing: 99.95 → 15.8254 → 15.83,
			// 100.05 → 15.8413 → 15.84; ASP 9.95, 10.05 → 15.75, 15.91;
			// cycle 30.05, 29.95 → 15.81, 15.86.
			"points 0.05", Points, 0.05,
			[]Bar{
				bar(2, "won", Rate, "14.25", "17.42", false, 1),
				bar(1, "meeting", Rate, "15", "16.67", false, 1), // 0.95 + 0.05 reaches 1, does not pass it
				bar(3, "asp", Volume, "15.75", "15.91", false, 1),
				bar(4, "cycle", Divisor, "15.81", "15.86", false, -1),
				bar(0, "calls", Volume, "15.83", "15.84", false, 1),
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TornadoOf(c, tt.kind, tt.step)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Bars); diff != "" {
				t.Errorf("TornadoOf mismatch (-want +got):\n%s", diff)
			}
			if !got.Base.Equal(chainDec("15.83")) {
				t.Errorf("TornadoOf base = %s, want 15.83", got.Base)
			}
		})
	}
	// A rate at 1 cannot rise: elasticity 0; down 10%: 0.9 × 100 × 2 = 180.
	one := Chain{Top: 100, Stages: []Stage{{"won", 1}}, ASP: decimal.NewFromInt(2)}
	got, err := TornadoOf(one, Relative, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	want := Bar{Lever: 1, Name: "won", Kind: Rate, Down: chainDec("180"), Up: chainDec("200"), Swing: chainDec("20"), UpCapped: true}
	if diff := cmp.Diff(want, got.Bars[2]); diff != "" {
		t.Errorf("TornadoOf(rate 1) mismatch (-want +got):\n%s", diff)
	}
}

func TestTornadoBadInput(t *testing.T) {
	c := Chain{Top: 100, Stages: []Stage{{"won", 0.5}}, ASP: decimal.NewFromInt(2), Cycle: funnel.Some(10)}
	for _, tt := range []struct {
		name string
		c    Chain
		kind GainKind
		step float64
		want error
		in   string
	}{
		{"value kind", c, Value, 0.1, funnel.ErrOutOfRange, "kind"},
		{"NaN step", c, Relative, math.NaN(), funnel.ErrNotFinite, "step"},
		{"negative step", c, Relative, -0.1, funnel.ErrOutOfRange, "step"},
		{"cycle to zero", c, Relative, 1, funnel.ErrOutOfRange, "step"},
		{"cycle points", c, Points, 10, funnel.ErrOutOfRange, "step"},
		{"bad chain", Chain{Top: -1}, Relative, 0.1, funnel.ErrNegative, "top"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TornadoOf(tt.c, tt.kind, tt.step)
			var ie *funnel.InputError
			if !errors.Is(err, tt.want) || !errors.As(err, &ie) || ie.Name != tt.in || ie.Op != "domino.TornadoOf" {
				t.Errorf("TornadoOf error = %v, want %v naming %q", err, tt.want, tt.in)
			}
		})
	}
}
