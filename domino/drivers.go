package domino

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultAlpha is the significance level [Drivers] and [DriversOf] use
// when [DriverParams].Alpha is zero.
const DefaultAlpha = 0.05

// driversCollinear is the smallest 1 − r² of activity (or output) with a
// confounder at which the partial correlation is still computed: below it
// the two move as one line up to rounding, and the data cannot tell them
// apart.
const driversCollinear = 1e-12

// Observation is one unit of a driver analysis: one rep, or one week of a
// team, with the activity it did and the output it got.
type Observation struct {
	// Name names the observation (a rep, a week); it appears in errors.
	Name string `json:"name"`
	// Activity is the count of the activity, such as cold calls or DMs.
	Activity float64 `json:"activity"`
	// Output is the output the activity is meant to drive, such as
	// meetings booked or bookings in currency units.
	Output float64 `json:"output"`
	// Confounders holds the candidate confounders by name, coded as
	// numbers: average deal size, the cycle in days, a segment as 0 or 1.
	Confounders map[string]float64 `json:"confounders,omitempty"`
}

// DriverParams are the options of [Drivers] and [DriversOf]. The zero
// value checks no confounder at the 5% level.
type DriverParams struct {
	// Confounders names the confounders to control for, one at a time,
	// in the order the results list them. Each must be present in every
	// observation (or in the map given to [DriversOf]).
	Confounders []string `json:"confounders,omitempty"`
	// Alpha is the significance level of the slope test and of the
	// survival rule, in (0, 1); zero means [DefaultAlpha].
	Alpha float64 `json:"alpha,omitempty"`
}

// Regression is the least-squares line of output on activity,
//
//	output = Intercept + Slope × activity,
//
// with the t-test of the slope against zero on DF = n − 2 degrees of
// freedom.
type Regression struct {
	// Intercept is the output at zero activity, in output units.
	Intercept float64 `json:"intercept"`
	// Slope is the output per unit of activity.
	Slope float64 `json:"slope"`
	// SlopeSE is the standard error of the slope,
	//
	//	SE = √( Σ(yᵢ − ŷᵢ)² / (n − 2) / Σ(xᵢ − x̄)² ).
	SlopeSE float64 `json:"slope_se"`
	// T is Slope / SlopeSE; null on a perfect fit (SlopeSE = 0).
	T funnel.NullFloat64 `json:"t"`
	// P is the two-sided p-value of T on Student's t with DF degrees of
	// freedom, 2·P(T_DF > |t|); 0 on a perfect fit.
	P float64 `json:"p_value"`
	// DF is n − 2.
	DF int `json:"df"`
	// R is Pearson's correlation of activity and output, in [−1, 1].
	R float64 `json:"r"`
	// RSquared is the share of the variance of output the line explains,
	// 1 − Σ(yᵢ − ŷᵢ)² / Σ(yᵢ − ȳ)², in [0, 1]; it equals R².
	RSquared float64 `json:"r_squared"`
}

// ConfounderCheck is the association of activity (x) and output (y) with
// one confounder (z) held constant: the first-order partial correlation
//
//	r_xy·z = (r_xy − r_xz·r_yz) / √((1 − r_xz²)(1 − r_yz²))
//
// (the correlation of the residuals of x and of y, each regressed on z),
// tested with
//
//	t = r_xy·z · √((n − 3) / (1 − r_xy·z²))
//
// on DF = n − 3 degrees of freedom.
type ConfounderCheck struct {
	// Name is the confounder's name, as given in [DriverParams].
	Name string `json:"name"`
	// ActivityR is r_xz, the correlation of activity and the confounder;
	// 0 when the confounder does not vary (it then confounds nothing).
	ActivityR float64 `json:"activity_r"`
	// OutputR is r_yz, the correlation of output and the confounder; 0
	// when the confounder does not vary.
	OutputR float64 `json:"output_r"`
	// PartialR is r_xy·z in [−1, 1]; null when the confounder is
	// collinear with activity or with output (1 − r² below 1e-12), so
	// that the data cannot separate them.
	PartialR funnel.NullFloat64 `json:"partial_r"`
	// T is the t statistic of PartialR; null when PartialR is null or ±1.
	T funnel.NullFloat64 `json:"t"`
	// P is the two-sided p-value of T on DF degrees of freedom, 0 when
	// PartialR is ±1; null when PartialR is null.
	P funnel.NullFloat64 `json:"p_value"`
	// DF is n − 3.
	DF int `json:"df"`
	// Survives reports whether the association survives the control:
	// PartialR is defined, has the sign of the raw correlation R (which
	// is not 0), and P < alpha. A partial correlation that cannot be
	// computed does not survive: the data cannot show that activity
	// matters apart from the confounder.
	Survives bool `json:"survives"`
}

// DriverAnalysis is the result of [Drivers] and [DriversOf].
type DriverAnalysis struct {
	// N is the number of observations.
	N int `json:"n"`
	// Alpha is the significance level used.
	Alpha float64 `json:"alpha"`
	// Regression is output regressed on activity.
	Regression Regression `json:"regression"`
	// Significant reports Regression.P < Alpha.
	Significant bool `json:"significant"`
	// Confounders holds one check per name in [DriverParams].Confounders,
	// in that order; empty when none was named.
	Confounders []ConfounderCheck `json:"confounders"`
	// Survives reports that the association is Significant and survives
	// every confounder checked; with none checked it equals Significant.
	Survives bool `json:"survives"`
}

// Drivers measures how much an activity count explains output across
// observations (reps, or weeks), and whether the association survives
// control for each confounder named in p.Confounders. It fits the
// least-squares line
//
//	output = a + b × activity,   b = Σ(xᵢ − x̄)(yᵢ − ȳ) / Σ(xᵢ − x̄)²,
//
// with gonum's stat.LinearRegression, R² with stat.RSquared, r with
// stat.Correlation; the slope's t-test and each partial correlation are
// as documented on [Regression] and [ConfounderCheck]. The rule for
// Survives is on [ConfounderCheck] and [DriverAnalysis].
//
// Correlation is not cause: an activity can "explain" output only
// because both follow something else. The rep with the longest cycle may
// also carry the largest deals, so cycle length explains bookings until
// deal size is controlled for. Name the likely confounders.
//
// The regression needs at least 3 observations, a check against a
// confounder at least 4. Values are scaled by a power of two before the
// sums, so any finite inputs work; results are in the inputs' units.
//
// Errors wrap [funnel.ErrNoData] for fewer than 3 observations (4 with a
// confounder), for activity or output that does not vary, or for a
// confounder an observation lacks; [funnel.ErrNotFinite] for a NaN or
// infinite value or Alpha; [funnel.ErrOutOfRange] for Alpha outside
// [0, 1) or a slope or intercept that would pass the float64 range. The
// errors are *[funnel.InputError] with Op "domino.Drivers". obs is not
// modified.
func Drivers(obs []Observation, p DriverParams) (DriverAnalysis, error) {
	const op = "domino.Drivers"
	alpha, err := driversAlpha(op, p.Alpha)
	if err != nil {
		return DriverAnalysis{}, err
	}
	n := len(obs)
	if err := driversCount(op, "observations", n, len(p.Confounders)); err != nil {
		return DriverAnalysis{}, err
	}
	x := make([]float64, n)
	y := make([]float64, n)
	for i, o := range obs {
		if err := driversFinite(op, fmt.Sprintf("observations[%d].activity", i), o.Name, o.Activity); err != nil {
			return DriverAnalysis{}, err
		}
		if err := driversFinite(op, fmt.Sprintf("observations[%d].output", i), o.Name, o.Output); err != nil {
			return DriverAnalysis{}, err
		}
		x[i], y[i] = o.Activity, o.Output
	}
	zs := make([][]float64, len(p.Confounders))
	for j, name := range p.Confounders {
		z := make([]float64, n)
		for i, o := range obs {
			v, ok := o.Confounders[name]
			field := fmt.Sprintf("observations[%d].confounders[%s]", i, strconv.Quote(name))
			if !ok {
				return DriverAnalysis{}, &funnel.InputError{Op: op, Name: field, Value: "missing",
					Err: fmt.Errorf("%w: no value for confounder %q%s", funnel.ErrNoData, name, driversWho(o.Name))}
			}
			if err := driversFinite(op, field, o.Name, v); err != nil {
				return DriverAnalysis{}, err
			}
			z[i] = v
		}
		zs[j] = z
	}
	return driversFit(op, x, y, p.Confounders, zs, alpha)
}

// DriversOf is [Drivers] on plain slices: activity[i] and output[i] are
// observation i, and confounders maps each name in p.Confounders to its
// values, one per observation. The math, the rules and the errors are
// those of Drivers, with Op "domino.DriversOf" and inputs named
// "activity[i]", "output", "confounders[name]"; a length that differs
// from len(activity) wraps [funnel.ErrLengthMismatch]. No input is
// modified.
func DriversOf(activity, output []float64, confounders map[string][]float64, p DriverParams) (DriverAnalysis, error) {
	const op = "domino.DriversOf"
	alpha, err := driversAlpha(op, p.Alpha)
	if err != nil {
		return DriverAnalysis{}, err
	}
	n := len(activity)
	if len(output) != n {
		return DriverAnalysis{}, &funnel.InputError{Op: op, Name: "output", Value: "length " + strconv.Itoa(len(output)),
			Err: fmt.Errorf("%w: activity has %d values", funnel.ErrLengthMismatch, n)}
	}
	zs := make([][]float64, len(p.Confounders))
	for j, name := range p.Confounders {
		field := "confounders[" + strconv.Quote(name) + "]"
		z, ok := confounders[name]
		if !ok {
			return DriverAnalysis{}, &funnel.InputError{Op: op, Name: field, Value: "missing",
				Err: fmt.Errorf("%w: no values for confounder %q", funnel.ErrNoData, name)}
		}
		if len(z) != n {
			return DriverAnalysis{}, &funnel.InputError{Op: op, Name: field, Value: "length " + strconv.Itoa(len(z)),
				Err: fmt.Errorf("%w: activity has %d values", funnel.ErrLengthMismatch, n)}
		}
		zs[j] = z
	}
	if err := driversCount(op, "activity", n, len(p.Confounders)); err != nil {
		return DriverAnalysis{}, err
	}
	for i := range n {
		if err := driversFinite(op, fmt.Sprintf("activity[%d]", i), "", activity[i]); err != nil {
			return DriverAnalysis{}, err
		}
		if err := driversFinite(op, fmt.Sprintf("output[%d]", i), "", output[i]); err != nil {
			return DriverAnalysis{}, err
		}
		for j, name := range p.Confounders {
			if err := driversFinite(op, fmt.Sprintf("confounders[%s][%d]", strconv.Quote(name), i), "", zs[j][i]); err != nil {
				return DriverAnalysis{}, err
			}
		}
	}
	return driversFit(op, activity, output, p.Confounders, zs, alpha)
}

// driversAlpha returns the significance level a stands for, or an error.
func driversAlpha(op string, a float64) (float64, error) {
	switch {
	case a == 0:
		return DefaultAlpha, nil
	case math.IsNaN(a) || math.IsInf(a, 0):
		return 0, &funnel.InputError{Op: op, Name: "alpha", Value: driversFmt(a), Err: funnel.ErrNotFinite}
	case a < 0 || a >= 1:
		return 0, &funnel.InputError{Op: op, Name: "alpha", Value: driversFmt(a),
			Err: fmt.Errorf("%w: want (0, 1), or 0 for %v", funnel.ErrOutOfRange, DefaultAlpha)}
	}
	return a, nil
}

// driversCount checks there are enough observations for the regression
// and for nConf confounder checks.
func driversCount(op, name string, n, nConf int) error {
	need := 3
	why := "the regression needs at least 3 observations"
	if nConf > 0 {
		need = 4
		why = "a confounder check needs at least 4 observations"
	}
	if n < need {
		return &funnel.InputError{Op: op, Name: name, Value: "count " + strconv.Itoa(n),
			Err: fmt.Errorf("%w: %s", funnel.ErrNoData, why)}
	}
	return nil
}

// driversFinite rejects a NaN or an infinite v.
func driversFinite(op, field, who string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &funnel.InputError{Op: op, Name: field, Value: driversFmt(v),
			Err: fmt.Errorf("%w%s", funnel.ErrNotFinite, driversWho(who))}
	}
	return nil
}

// driversWho returns " (observation "name")", or "" for no name.
func driversWho(name string) string {
	if name == "" {
		return ""
	}
	return " (observation " + strconv.Quote(name) + ")"
}

func driversFmt(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// driversScale returns v scaled by a power of two so that its largest
// magnitude is in [0.5, 1), the power, and whether v varies at all. The
// scaling is exact for all but values far below the largest, which keep
// their order, so a scaled slice varies exactly when v does.
func driversScale(v []float64) (scaled []float64, exp int, varies bool) {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
		if x != v[0] {
			varies = true
		}
	}
	if m == 0 {
		return make([]float64, len(v)), 0, varies
	}
	_, exp = math.Frexp(m)
	scaled = make([]float64, len(v))
	for i, x := range v {
		scaled[i] = math.Ldexp(x, -exp)
	}
	return scaled, exp, varies
}

// driversClamp returns v limited to [lo, hi], which rounding can pass.
func driversClamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

// driversP returns the two-sided p-value of t on df degrees of freedom.
func driversP(t float64, df int) float64 {
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}
	return driversClamp(2*st.Survival(math.Abs(t)), 0, 1)
}

// driversFit fits the checked, finite inputs. x, y and zs are not
// modified.
func driversFit(op string, x, y []float64, names []string, zs [][]float64, alpha float64) (DriverAnalysis, error) {
	n := len(x)
	xs, ex, xVaries := driversScale(x)
	if !xVaries {
		return DriverAnalysis{}, &funnel.InputError{Op: op, Name: "activity", Value: driversFmt(x[0]),
			Err: fmt.Errorf("%w: activity is the same in every observation, so it cannot explain output", funnel.ErrNoData)}
	}
	ys, ey, yVaries := driversScale(y)
	if !yVaries {
		return DriverAnalysis{}, &funnel.InputError{Op: op, Name: "output", Value: driversFmt(y[0]),
			Err: fmt.Errorf("%w: output is the same in every observation, so there is nothing to explain", funnel.ErrNoData)}
	}

	// The fit on the scaled data; slope and its SE scale by 2^(ey−ex),
	// the intercept by 2^ey, and t, p, r and R² not at all.
	a, b := stat.LinearRegression(xs, ys, nil, false)
	xbar := stat.Mean(xs, nil)
	var sxx, sse float64
	for i := range xs {
		d := xs[i] - xbar
		sxx += d * d
		e := ys[i] - a - b*xs[i]
		sse += e * e
	}
	df := n - 2
	se := math.Sqrt(sse / float64(df) / sxx)
	reg := Regression{
		Intercept: math.Ldexp(a, ey),
		Slope:     math.Ldexp(b, ey-ex),
		SlopeSE:   math.Ldexp(se, ey-ex),
		DF:        df,
		R:         driversClamp(stat.Correlation(xs, ys, nil), -1, 1),
		RSquared:  driversClamp(stat.RSquared(xs, ys, nil, a, b), 0, 1),
	}
	for _, v := range [...]struct {
		name string
		v    float64
	}{{"intercept", reg.Intercept}, {"slope", reg.Slope}, {"slope standard error", reg.SlopeSE}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return DriverAnalysis{}, &funnel.InputError{Op: op, Name: "output",
				Err: fmt.Errorf("%w: the %s passes the float64 range", funnel.ErrOutOfRange, v.name)}
		}
	}
	if t := b / se; se > 0 && !math.IsInf(t, 0) {
		reg.T = funnel.Some(t)
		reg.P = driversP(t, df)
	}

	res := DriverAnalysis{
		N:           n,
		Alpha:       alpha,
		Regression:  reg,
		Significant: reg.P < alpha,
		Confounders: make([]ConfounderCheck, len(names)),
	}
	res.Survives = res.Significant
	for j, name := range names {
		c := driversPartial(xs, ys, zs[j], reg.R, alpha)
		c.Name = name
		res.Confounders[j] = c
		res.Survives = res.Survives && c.Survives
	}
	return res, nil
}

// driversPartial checks the association of the scaled xs and ys, whose
// correlation is rxy, against the confounder z.
func driversPartial(xs, ys, z []float64, rxy, alpha float64) ConfounderCheck {
	c := ConfounderCheck{DF: len(xs) - 3}
	zs, _, varies := driversScale(z)
	if varies {
		c.ActivityR = driversClamp(stat.Correlation(xs, zs, nil), -1, 1)
		c.OutputR = driversClamp(stat.Correlation(ys, zs, nil), -1, 1)
	}
	dx := 1 - c.ActivityR*c.ActivityR
	dy := 1 - c.OutputR*c.OutputR
	if dx < driversCollinear || dy < driversCollinear {
		return c
	}
	r := driversClamp((rxy-c.ActivityR*c.OutputR)/math.Sqrt(dx*dy), -1, 1)
	c.PartialR = funnel.Some(r)
	if r == 1 || r == -1 {
		c.P = funnel.Some(0)
	} else {
		t := r * math.Sqrt(float64(c.DF)/(1-r*r))
		if math.IsInf(t, 0) {
			c.P = funnel.Some(0)
		} else {
			c.T = funnel.Some(t)
			c.P = funnel.Some(driversP(t, c.DF))
		}
	}
	c.Survives = rxy != 0 && math.Signbit(r) == math.Signbit(rxy) && r != 0 && c.P.Float64 < alpha
	return c
}
