package domino

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// driversFiniteAll reports whether every value is finite.
func driversFiniteAll(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// driversSameBits reports whether a and b hold the same bits, NaN included.
func driversSameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
}

func FuzzDrivers(f *testing.F) {
	// Seeds from the table cases: the first five rows of the reference
	// data set, the confounded case, the three-point hand case, the edge
	// confounders, and bad inputs.
	f.Add(uint8(5), 120.0, 95.0, 150.0, 80.0, 130.0, 14.0, 10.0, 19.0, 9.0, 15.0, 18.0, 25.0, 22.0, 30.0, 15.0)
	f.Add(uint8(5), 130.0, 110.0, 130.0, 110.0, 90.0, 260.0, 260.0, 220.0, 220.0, 180.0, 40.0, 40.0, 40.0, 40.0, 20.0)
	f.Add(uint8(3), 1.0, 2.0, 3.0, 0.0, 0.0, 2.0, 4.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(uint8(5), 1.0, 2.0, 3.0, 4.0, 6.0, 2.0, 3.0, 5.0, 4.0, 7.0, 3.0, 5.0, 7.0, 9.0, 13.0)
	f.Add(uint8(5), 1.0, 2.0, 3.0, 4.0, 6.0, 2.0, 3.0, 5.0, 4.0, 7.0, 1.0, 0.0, -2.0, -1.0, -4.0)
	f.Add(uint8(5), 1.0, 2.0, 3.0, 4.0, 6.0, 2.0, 3.0, 5.0, 4.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0)
	f.Add(uint8(5), 1.3e-298, 1.1e-298, 1.3e-298, 1.1e-298, 9e-299, 2.6e302, 2.6e302, 2.2e302, 2.2e302, 1.8e302, 1.0, 2.0, 3.0, 4.0, 5.0)
	f.Add(uint8(5), math.NaN(), 2.0, 3.0, 4.0, 6.0, 2.0, 3.0, 5.0, 4.0, 7.0, 1.0, 2.0, 3.0, 4.0, 5.0)
	f.Add(uint8(5), 5.0, 5.0, 5.0, 5.0, 5.0, 2.0, 3.0, 5.0, 4.0, 7.0, 1.0, 2.0, 3.0, 4.0, 5.0)
	f.Add(uint8(2), 1.0, 2.0, 3.0, 4.0, 6.0, 2.0, 3.0, 5.0, 4.0, 7.0, 1.0, 2.0, 3.0, 4.0, 5.0)
	f.Add(uint8(5), math.MaxFloat64, -math.MaxFloat64, 5e-324, 0.0, 1.0, math.MaxFloat64, 0.0, -5e-324, 1.0, 2.0, -math.MaxFloat64, 1.0, 0.0, 3.0, 5e-324)
	f.Fuzz(func(t *testing.T, n uint8, x0, x1, x2, x3, x4, y0, y1, y2, y3, y4, z0, z1, z2, z3, z4 float64) {
		k := int(n % 6)
		x := []float64{x0, x1, x2, x3, x4}[:k]
		y := []float64{y0, y1, y2, y3, y4}[:k]
		z := []float64{z0, z1, z2, z3, z4}[:k]
		obs := make([]Observation, k)
		for i := range k {
			obs[i] = Observation{Activity: x[i], Output: y[i], Confounders: map[string]float64{"z": z[i]}}
		}
		xc, yc, zc := slices.Clone(x), slices.Clone(y), slices.Clone(z)
		withZ := k >= 4
		p := DriverParams{}
		if withZ {
			p.Confounders = []string{"z"}
		}
		got, err := Drivers(obs, p)
		gotOf, errOf := DriversOf(x, y, map[string][]float64{"z": z}, p)
		if !driversSameBits(x, xc) || !driversSameBits(y, yc) || !driversSameBits(z, zc) {
			t.Fatalf("DriversOf modified its inputs")
		}
		if (err == nil) != (errOf == nil) {
			t.Fatalf("Drivers error %v, DriversOf error %v", err, errOf)
		}
		if err != nil {
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "domino.Drivers" {
				t.Fatalf("error %#v is not a *funnel.InputError of domino.Drivers", err)
			}
			if !errors.Is(err, funnel.ErrNoData) && !errors.Is(err, funnel.ErrNotFinite) && !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("error %v wraps no expected sentinel", err)
			}
			// Finite inputs, enough of them, with activity and output
			// that vary fail only when the line passes the float64 range.
			valid := k >= 3 && driversFiniteAll(x...) && driversFiniteAll(y...) && (!withZ || driversFiniteAll(z...)) &&
				slices.Min(x) != slices.Max(x) && slices.Min(y) != slices.Max(y)
			if valid && !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("valid input %v %v %v: error %v", x, y, z, err)
			}
			return
		}
		if diff := cmp.Diff(got, gotOf); diff != "" {
			t.Fatalf("Drivers and DriversOf differ:\n%s", diff)
		}
		r := got.Regression
		if !driversFiniteAll(r.Intercept, r.Slope, r.SlopeSE, r.T.Float64, r.P, r.R, r.RSquared) {
			t.Fatalf("not finite: %+v", r)
		}
		if r.RSquared < 0 || r.RSquared > 1 || math.Abs(r.R) > 1 || r.P < 0 || r.P > 1 || r.SlopeSE < 0 || r.DF != k-2 {
			t.Fatalf("out of range: %+v", r)
		}
		if got.Significant != (r.P < got.Alpha) {
			t.Fatalf("Significant %v with P %v", got.Significant, r.P)
		}
		survives := got.Significant
		for _, c := range got.Confounders {
			if !driversFiniteAll(c.ActivityR, c.OutputR, c.PartialR.Float64, c.T.Float64, c.P.Float64) {
				t.Fatalf("not finite: %+v", c)
			}
			if math.Abs(c.ActivityR) > 1 || math.Abs(c.OutputR) > 1 || math.Abs(c.PartialR.Float64) > 1 || c.P.Float64 < 0 || c.P.Float64 > 1 || c.DF != k-3 {
				t.Fatalf("out of range: %+v", c)
			}
			if c.Survives && (!c.PartialR.Valid || !c.P.Valid || c.P.Float64 >= got.Alpha || (c.PartialR.Float64 > 0) != (r.R > 0)) {
				t.Fatalf("Survives against the rule: %+v, r %v", c, r.R)
			}
			survives = survives && c.Survives
		}
		if got.Survives != survives {
			t.Fatalf("Survives %v, want %v", got.Survives, survives)
		}
	})
}
