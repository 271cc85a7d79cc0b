package domino

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// driversObs builds observations from columns; z, when not nil, is the
// confounder "deal_size".
func driversObs(x, y, z []float64) []Observation {
	obs := make([]Observation, len(x))
	for i := range x {
		obs[i] = Observation{Name: "rep" + string(rune('A'+i)), Activity: x[i], Output: y[i]}
		if z != nil {
			obs[i].Confounders = map[string]float64{"deal_size": z[i]}
		}
	}
	return obs
}

// The reference data set: ten reps' calls, meetings booked and average
// deal size ($k).
var (
	refCalls    = []float64{120, 95, 150, 80, 130, 110, 160, 70, 140, 100}
	refMeetings = []float64{14, 10, 19, 9, 15, 11, 20, 8, 15, 13}
	refDeal     = []float64{18, 25, 22, 30, 15, 20, 24, 28, 16, 21}
)

// The confounded case: with the orthogonal ±1 columns (Sylvester-Hadamard
// rows of order 8)
//
//	h5 = [ 1  1  1  1 -1 -1 -1 -1]   deal size: z = 30 + 10·h5
//	h2 = [ 1 -1  1 -1  1 -1  1 -1]   calls:     x = 100 + 10·(2·h5 + h2)
//	h3 = [ 1  1 -1 -1  1  1 -1 -1]   bookings:  y = 200 + 20·(2·h5 + h3)
//
// calls and bookings share only deal size: their parts apart from it, h2
// and h3, are orthogonal.
var (
	cnfCalls    = []float64{130, 110, 130, 110, 90, 70, 90, 70}
	cnfBookings = []float64{260, 260, 220, 220, 180, 180, 140, 140}
	cnfDeal     = []float64{40, 40, 40, 40, 20, 20, 20, 20}
)

func TestDriversReference(t *testing.T) {
	tests := []struct {
		name    string
		x, y, z []float64
		want    DriverAnalysis
	}{
		{
			// R 4.x:
			//   calls <- c(120,95,150,80,130,110,160,70,140,100)
			//   meetings <- c(14,10,19,9,15,11,20,8,15,13)
			//   deal <- c(18,25,22,30,15,20,24,28,16,21)
			//   s <- summary(lm(meetings ~ calls)); coef(s)
			//     (Intercept) -1.616079775631027  1.5426951972524559
			//     calls        0.130009348706762  0.0129723014954886  t 10.02207270251740  p 8.34957903407747e-06
			//   s$r.squared = 0.926227805335745; cor(calls, meetings) = 0.962407297008779
			//   pr <- cor(resid(lm(meetings ~ deal)), resid(lm(calls ~ deal))) = 0.961493687685728
			//   t <- pr*sqrt(7/(1-pr^2)) = 9.25627045288738; 2*pt(-abs(t), 7) = 3.55244258655841e-05
			//   cor(calls, deal) = -0.580671994168597; cor(meetings, deal) = -0.461409602175997
			name: "R reference, survives deal size",
			x:    refCalls, y: refMeetings, z: refDeal,
			want: DriverAnalysis{
				N: 10, Alpha: 0.05, Significant: true, Survives: true,
				Regression: Regression{
					Intercept: -1.616079775631027, Slope: 0.130009348706762, SlopeSE: 0.0129723014954886,
					T: funnel.Some(10.02207270251740), P: 8.34957903407747e-06, DF: 8,
					R: 0.962407297008779, RSquared: 0.926227805335745,
				},
				Confounders: []ConfounderCheck{{
					Name: "deal_size", ActivityR: -0.580671994168597, OutputR: -0.461409602175997,
					PartialR: funnel.Some(0.961493687685728), T: funnel.Some(9.25627045288738),
					P: funnel.Some(3.55244258655841e-05), DF: 7, Survives: true,
				}},
			},
		},
		{
			// By hand: x = 1, 2, 3; y = 2, 4, 5. x̄ = 2, ȳ = 11/3,
			// Sxy = (−1)(−5/3) + 0 + (1)(4/3) = 3, Sxx = 2, Syy = 25/9 + 1/9 + 16/9 = 14/3.
			// b = 3/2, a = 11/3 − 3 = 2/3; residuals −1/6, 1/3, −1/6, SSE = 1/6.
			// SE = √((1/6)/1/2) = √(1/12); t = 1.5·√12 = 3√3; on 1 df (Cauchy)
			// p = 1 − (2/π)·atan(3√3). R² = 1 − (1/6)/(14/3) = 27/28;
			// r = 3/√(2·14/3). R agrees: summary(lm(c(2,4,5) ~ c(1,2,3)))
			// gives 0.666666666666669, 1.5, SE 0.288675134594812, p 0.121037718323677.
			name: "hand, three points",
			x:    []float64{1, 2, 3}, y: []float64{2, 4, 5},
			want: DriverAnalysis{
				N: 3, Alpha: 0.05, Confounders: []ConfounderCheck{},
				Regression: Regression{
					Intercept: 2.0 / 3, Slope: 1.5, SlopeSE: math.Sqrt(1.0 / 12),
					T: funnel.Some(3 * math.Sqrt(3)), P: 1 - 2/math.Pi*math.Atan(3*math.Sqrt(3)), DF: 1,
					R: 3 / math.Sqrt(2*14.0/3), RSquared: 27.0 / 28,
				},
			},
		},
		{
			// By hand (see cnfCalls): with x' = 2h5 + h2, y' = 2h5 + h3,
			// Σx'² = Σy'² = 4·8 + 8 = 40, Σx'y' = 4·8 = 32, Σx'h5 = Σy'h5 = 16.
			// r_xy = 32/40 = 0.8; r_xz = r_yz = 16/√(40·8) = 2/√5.
			// b = (20/10)·32/40 = 1.6; a = 200 − 1.6·100 = 40.
			// SSE = Syy(1 − r²) = 400·40·0.36 = 5760, Sxx = 100·40 = 4000,
			// SE = √(5760/6/4000) = √0.24; t = 1.6/√0.24;
			// p: R summary(lm(y ~ x)) Pr(>|t|) = 0.0171200000000001.
			// Partial: (0.8 − (2/√5)²)/(1 − 4/5) = (0.8 − 0.8)/0.2 = 0, so
			// t = 0 and p = 1 (R residual method: -3.6e-15). Significant raw,
			// does not survive deal size.
			name: "hand, confounded by deal size",
			x:    cnfCalls, y: cnfBookings, z: cnfDeal,
			want: DriverAnalysis{
				N: 8, Alpha: 0.05, Significant: true, Survives: false,
				Regression: Regression{
					Intercept: 40, Slope: 1.6, SlopeSE: math.Sqrt(0.24),
					T: funnel.Some(1.6 / math.Sqrt(0.24)), P: 0.0171200000000001, DF: 6,
					R: 0.8, RSquared: 0.64,
				},
				Confounders: []ConfounderCheck{{
					Name: "deal_size", ActivityR: 2 / math.Sqrt(5), OutputR: 2 / math.Sqrt(5),
					PartialR: funnel.Some(0), T: funnel.Some(0), P: funnel.Some(1), DF: 5, Survives: false,
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p DriverParams
			if tt.z != nil {
				p.Confounders = []string{"deal_size"}
			}
			got, err := Drivers(driversObs(tt.x, tt.y, tt.z), p)
			if err != nil {
				t.Fatalf("Drivers: %v", err)
			}
			// A partial correlation of exactly 0 comes out as rounding
			// noise; EquateApprox's absolute margin takes it.
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-9, 1e-12)); diff != "" {
				t.Errorf("Drivers(%v) mismatch (-want +got):\n%s", tt.name, diff)
			}
			var zs map[string][]float64
			if tt.z != nil {
				zs = map[string][]float64{"deal_size": tt.z}
			}
			gotOf, err := DriversOf(tt.x, tt.y, zs, p)
			if err != nil {
				t.Fatalf("DriversOf: %v", err)
			}
			if diff := cmp.Diff(got, gotOf); diff != "" {
				t.Errorf("DriversOf(%v) differs from Drivers (-Drivers +DriversOf):\n%s", tt.name, diff)
			}
		})
	}
}

// residuals returns y less its least-squares line on z, computed from the
// normal equations directly (not through gonum).
func residuals(y, z []float64) []float64 {
	n := float64(len(y))
	var sz, sy, szz, szy float64
	for i := range y {
		sz += z[i]
		sy += y[i]
		szz += z[i] * z[i]
		szy += z[i] * y[i]
	}
	b := (n*szy - sz*sy) / (n*szz - sz*sz)
	a := (sy - b*sz) / n
	r := make([]float64, len(y))
	for i := range y {
		r[i] = y[i] - a - b*z[i]
	}
	return r
}

// pearson is the textbook correlation, Σdx·dy/√(Σdx²·Σdy²).
func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// TestDriversSecondMethod checks random data sets against a second
// method: the partial correlation by the residual method, the slope as
// r·s_y/s_x, R² as r², the slope's p-value from t = r√((n−2)/(1 − r²)).
func TestDriversSecondMethod(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 4 + rng.IntN(30)
		x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			z[i] = 10 + 5*rng.NormFloat64()
			x[i] = 100 + 3*z[i] + 20*rng.NormFloat64()
			y[i] = 50 + 0.5*x[i] + 2*z[i] + 15*rng.NormFloat64()
		}
		got, err := DriversOf(x, y, map[string][]float64{"z": z}, DriverParams{Confounders: []string{"z"}})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		r := pearson(x, y)
		sx, sy := math.Sqrt(sumSqDev(x)), math.Sqrt(sumSqDev(y))
		tr := r * math.Sqrt(float64(n-2)/(1-r*r))
		want := struct{ R, R2, Slope, T, Partial float64 }{r, r * r, r * sy / sx, tr, pearson(residuals(x, z), residuals(y, z))}
		reg := got.Regression
		gotv := struct{ R, R2, Slope, T, Partial float64 }{reg.R, reg.RSquared, reg.Slope, reg.T.Float64, got.Confounders[0].PartialR.Float64}
		if diff := cmp.Diff(want, gotv, cmpopts.EquateApprox(1e-9, 1e-12)); diff != "" {
			t.Errorf("trial %d: DriversOf mismatch with the second method (-want +got):\n%s", trial, diff)
		}
		if got.Significant != (reg.P < 0.05) || got.Survives != (got.Significant && got.Confounders[0].Survives) {
			t.Errorf("trial %d: Significant %v, Survives %v inconsistent with P %v and check %+v", trial, got.Significant, got.Survives, reg.P, got.Confounders[0])
		}
	}
}

func sumSqDev(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s
}

func TestDriversEdgeConfounders(t *testing.T) {
	x := []float64{1, 2, 3, 4, 6}
	y := []float64{2, 3, 5, 4, 7}
	// By hand: x̄ = 3.2, ȳ = 4.2; Sxx = Σx² − 5x̄² = 66 − 51.2 = 14.8,
	// Syy = 103 − 88.2 = 14.8,
	// Sxy = 1·2+2·3+3·5+4·4+6·7 − 5·3.2·4.2 = 81 − 67.2 = 13.8, r = 13.8/14.8.
	r := 13.8 / 14.8
	// With a constant confounder, t = r√(2/(1 − r²)) on 2 df, whose
	// two-sided p-value has the closed form 1 − |t|/√(2 + t²) (Student's t
	// with ν = 2: F(t) = 1/2 + t/(2√(2 + t²))).
	t2 := r * math.Sqrt(2/(1-r*r))
	p2 := 1 - t2/math.Sqrt(2+t2*t2)
	tests := []struct {
		name string
		z    []float64
		want ConfounderCheck
	}{
		{
			// z = 2x + 1 is activity itself: r_xz = 1, so 1 − r_xz² = 0 and
			// the partial correlation does not exist.
			name: "collinear with activity",
			z:    []float64{3, 5, 7, 9, 13},
			want: ConfounderCheck{Name: "z", ActivityR: 1, OutputR: r, DF: 2},
		},
		{
			// z = 3 − y: r_yz = −1, output is the confounder.
			name: "collinear with output",
			z:    []float64{1, 0, -2, -1, -4},
			want: ConfounderCheck{Name: "z", ActivityR: -r, OutputR: -1, DF: 2},
		},
		{
			// A constant z is no confounder: r_xz = r_yz = 0, so
			// r_xy·z = r_xy (r = 0.932, t = 3.65, p = 0.068: not below 0.05).
			name: "constant",
			z:    []float64{7, 7, 7, 7, 7},
			want: ConfounderCheck{Name: "z", PartialR: funnel.Some(r), T: funnel.Some(t2), P: funnel.Some(p2), DF: 2, Survives: false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DriversOf(x, y, map[string][]float64{"z": tt.z}, DriverParams{Confounders: []string{"z"}})
			if err != nil {
				t.Fatalf("DriversOf: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Confounders[0], cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
				t.Errorf("DriversOf(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
			if !tt.want.Survives && got.Survives {
				t.Errorf("Survives = true with a check that does not survive")
			}
		})
	}
}

// TestDriversScale checks that a change of units moves the line and not
// the statistics: output by 1e100, activity by 1e-200 (a slope near 1e299).
func TestDriversScale(t *testing.T) {
	p := DriverParams{Confounders: []string{"deal_size"}}
	base, err := DriversOf(refCalls, refMeetings, map[string][]float64{"deal_size": refDeal}, p)
	if err != nil {
		t.Fatal(err)
	}
	const kx, ky = 1e-200, 1e100
	x, y := slices.Clone(refCalls), slices.Clone(refMeetings)
	for i := range x {
		x[i] *= kx
		y[i] *= ky
	}
	got, err := DriversOf(x, y, map[string][]float64{"deal_size": refDeal}, p)
	if err != nil {
		t.Fatal(err)
	}
	want := base
	want.Regression.Intercept *= ky
	want.Regression.Slope *= ky / kx
	want.Regression.SlopeSE *= ky / kx
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("DriversOf(scaled) mismatch (-want +got):\n%s", diff)
	}
}

func TestDriversBadInput(t *testing.T) {
	ok := driversObs(cnfCalls, cnfBookings, cnfDeal)
	with := func(f func(o []Observation)) []Observation {
		o := driversObs(cnfCalls, cnfBookings, cnfDeal)
		f(o)
		return o
	}
	dz := DriverParams{Confounders: []string{"deal_size"}}
	tests := []struct {
		name     string
		obs      []Observation
		p        DriverParams
		want     error
		wantName string
	}{
		{"none", nil, DriverParams{}, funnel.ErrNoData, "observations"},
		{"two", ok[:2], DriverParams{}, funnel.ErrNoData, "observations"},
		{"three with a confounder", ok[:3], dz, funnel.ErrNoData, "observations"},
		{"NaN activity", with(func(o []Observation) { o[2].Activity = math.NaN() }), DriverParams{}, funnel.ErrNotFinite, "observations[2].activity"},
		{"Inf output", with(func(o []Observation) { o[5].Output = math.Inf(-1) }), DriverParams{}, funnel.ErrNotFinite, "observations[5].output"},
		{"NaN confounder", with(func(o []Observation) { o[1].Confounders["deal_size"] = math.NaN() }), dz, funnel.ErrNotFinite, `observations[1].confounders["deal_size"]`},
		{"constant activity", with(func(o []Observation) {
			for i := range o {
				o[i].Activity = 40
			}
		}), DriverParams{}, funnel.ErrNoData, "activity"},
		{"constant output", with(func(o []Observation) {
			for i := range o {
				o[i].Output = 0
			}
		}), DriverParams{}, funnel.ErrNoData, "output"},
		{"unknown confounder", ok, DriverParams{Confounders: []string{"cycle"}}, funnel.ErrNoData, `observations[0].confounders["cycle"]`},
		{"confounder missing in one", with(func(o []Observation) { delete(o[3].Confounders, "deal_size") }), dz, funnel.ErrNoData, `observations[3].confounders["deal_size"]`},
		{"alpha NaN", ok, DriverParams{Alpha: math.NaN()}, funnel.ErrNotFinite, "alpha"},
		{"alpha 1", ok, DriverParams{Alpha: 1}, funnel.ErrOutOfRange, "alpha"},
		{"alpha negative", ok, DriverParams{Alpha: -0.05}, funnel.ErrOutOfRange, "alpha"},
		{"slope overflows", with(func(o []Observation) {
			for i := range o {
				o[i].Activity *= 1e-300
				o[i].Output *= 1e300
			}
		}), DriverParams{}, funnel.ErrOutOfRange, "output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Drivers(tt.obs, tt.p)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Drivers() error = %v, want errors.Is %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "domino.Drivers" || ie.Name != tt.wantName {
				t.Errorf("Drivers() error = %#v, want *funnel.InputError with Op domino.Drivers, Name %q", err, tt.wantName)
			}
			if strings.Count(err.Error(), "domino") != 1 {
				t.Errorf("error %q: want one package prefix", err)
			}
			if diff := cmp.Diff(DriverAnalysis{}, got); diff != "" {
				t.Errorf("Drivers() result with error not zero:\n%s", diff)
			}
		})
	}
}

func TestDriversOfBadInput(t *testing.T) {
	x, y, z := cnfCalls, cnfBookings, cnfDeal
	dz := DriverParams{Confounders: []string{"deal_size"}}
	m := map[string][]float64{"deal_size": z}
	nan := slices.Clone(y)
	nan[4] = math.NaN()
	zInf := slices.Clone(z)
	zInf[6] = math.Inf(1)
	tests := []struct {
		name     string
		x, y     []float64
		zs       map[string][]float64
		p        DriverParams
		want     error
		wantName string
	}{
		{"output shorter", x, y[:7], nil, DriverParams{}, funnel.ErrLengthMismatch, "output"},
		{"confounder shorter", x, y, map[string][]float64{"deal_size": z[:7]}, dz, funnel.ErrLengthMismatch, `confounders["deal_size"]`},
		{"unknown confounder", x, y, m, DriverParams{Confounders: []string{"segment"}}, funnel.ErrNoData, `confounders["segment"]`},
		{"nil map", x, y, nil, dz, funnel.ErrNoData, `confounders["deal_size"]`},
		{"two", x[:2], y[:2], nil, DriverParams{}, funnel.ErrNoData, "activity"},
		{"NaN output", x, nan, nil, DriverParams{}, funnel.ErrNotFinite, "output[4]"},
		{"Inf confounder", x, y, map[string][]float64{"deal_size": zInf}, dz, funnel.ErrNotFinite, `confounders["deal_size"][6]`},
		{"constant activity", []float64{5, 5, 5, 5}, y[:4], nil, DriverParams{}, funnel.ErrNoData, "activity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DriversOf(tt.x, tt.y, tt.zs, tt.p)
			if !errors.Is(err, tt.want) {
				t.Fatalf("DriversOf() error = %v, want errors.Is %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "domino.DriversOf" || ie.Name != tt.wantName {
				t.Errorf("DriversOf() error = %#v, want *funnel.InputError with Op domino.DriversOf, Name %q", err, tt.wantName)
			}
		})
	}
}

func TestDriversInputsUnchanged(t *testing.T) {
	obs := driversObs(refCalls, refMeetings, refDeal)
	before := driversObs(refCalls, refMeetings, refDeal)
	names := []string{"deal_size"}
	if _, err := Drivers(obs, DriverParams{Confounders: names}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, obs); diff != "" {
		t.Errorf("Drivers modified its observations (-before +after):\n%s", diff)
	}
	x, y, z := slices.Clone(refCalls), slices.Clone(refMeetings), slices.Clone(refDeal)
	if _, err := DriversOf(x, y, map[string][]float64{"deal_size": z}, DriverParams{Confounders: names}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x, refCalls) || !slices.Equal(y, refMeetings) || !slices.Equal(z, refDeal) || !slices.Equal(names, []string{"deal_size"}) {
		t.Errorf("DriversOf modified its inputs")
	}
}

func TestDriversJSON(t *testing.T) {
	// z = 2x + 1: the partial correlation is null.
	got, err := DriversOf([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 5}, map[string][]float64{"z": {3, 5, 7, 9}}, DriverParams{Confounders: []string{"z"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got.Confounders[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"partial_r":null`, `"p_value":null`, `"survives":false`, `"activity_r":1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json %s: want %s", b, want)
		}
	}
}
