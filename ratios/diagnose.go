package ratios

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/shopspring/decimal"
)

// Area is one of the four areas of a rep's work that [Diagnose] scores,
// in the order a deal meets them. In JSON and text it is its
// [Area.String].
type Area int8

const (
	// Effort: the work put in. DaysToFirstTouch, UntouchedOpen,
	// TouchesPerWon, TouchesPerLost, ContactsPerAccount.
	Effort Area = iota
	// CapturingInterest: turning activity and leads into interest.
	// TouchesPerInitialMeeting, InboundQualified.
	CapturingInterest
	// Qualifying: telling real deals from the rest. QualifiedToOpportunity,
	// FollowUpsPerInitial, HappyEars.
	Qualifying
	// Closing: winning the deals worked. WinRate, DealSize, CycleDays,
	// BookingsPerMeeting.
	Closing
)

// NumAreas is the number of areas; [Diagnosis].Areas holds one of each.
const NumAreas = int(Closing) + 1

var areaMetrics = [NumAreas][]MetricName{
	Effort:            {DaysToFirstTouch, UntouchedOpen, TouchesPerWon, TouchesPerLost, ContactsPerAccount},
	CapturingInterest: {TouchesPerInitialMeeting, InboundQualified},
	Qualifying:        {QualifiedToOpportunity, FollowUpsPerInitial, HappyEars},
	Closing:           {WinRate, DealSize, CycleDays, BookingsPerMeeting},
}

// String returns "effort", "capturing-interest", "qualifying" or
// "closing".
func (a Area) String() string {
	switch a {
	case Effort:
		return "effort"
	case CapturingInterest:
		return "capturing-interest"
	case Qualifying:
		return "qualifying"
	case Closing:
		return "closing"
	}
	return "Area(" + strconv.Itoa(int(a)) + ")"
}

// MarshalText encodes the area as its [Area.String]; a value out of range
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (a Area) MarshalText() ([]byte, error) { return diagText("area", a, Closing) }

// UnmarshalText decodes an area written by [Area.MarshalText]; anything
// else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (a *Area) UnmarshalText(b []byte) error { return diagParse("area", b, a, Closing) }

// Metrics returns the metrics of the area, in the order [Diagnose] lists
// them; none for an area out of range. The slice is new.
func (a Area) Metrics() []MetricName {
	if a < 0 || int(a) >= NumAreas {
		return nil
	}
	return append([]MetricName(nil), areaMetrics[a]...)
}

// Area returns the area of [Diagnose] the metric belongs to, and false
// for [LeadFlowShare] (which describes a rep's mix, not a skill) and for
// names out of range.
func (n MetricName) Area() (Area, bool) {
	for a, ms := range areaMetrics {
		for _, m := range ms {
			if m == n {
				return Area(a), true
			}
		}
	}
	return 0, false
}

// NullArea is an area that may be undefined, as [funnel.NullFloat64] is
// for a number: in JSON the area's name, or null when not Valid.
type NullArea struct {
	Area  Area
	Valid bool // Valid is true when Area is set
}

// String returns the area's name, or "null".
func (n NullArea) String() string {
	if !n.Valid {
		return "null"
	}
	return n.Area.String()
}

// MarshalJSON encodes the area's name, or null when not Valid; an area out
// of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (n NullArea) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	b, err := n.Area.MarshalText()
	if err != nil {
		return nil, err
	}
	return strconv.AppendQuote(nil, string(b)), nil
}

// UnmarshalJSON decodes null (not Valid) or an area's name; anything else
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange], and n is
// then unchanged.
func (n *NullArea) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = NullArea{}
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return &funnel.InputError{Op: "ratios", Name: "area", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	var a Area
	if err := a.UnmarshalText([]byte(s)); err != nil {
		return err
	}
	*n = NullArea{Area: a, Valid: true}
	return nil
}

// NoiseMethod names the test that tells a rep's gap from noise.
type NoiseMethod int8

const (
	// NoTest: the gap was not tested; [NoiseTest].Reason says why.
	NoTest NoiseMethod = iota
	// TwoProportion is the pooled two-proportion z test of a share
	// against the rest of the team ([funnel.CompareRates]).
	TwoProportion
	// FisherExact is Fisher's exact test of the same 2 × 2 table
	// ([funnel.FisherExact]), used when an expected count is below 5.
	FisherExact
	// PoissonRates is the conditional test of two Poisson rates for a
	// count per unit ([funnel.Rate.Test]).
	PoissonRates
)

// String returns "none", "two-proportion", "fisher-exact" or
// "poisson-rates".
func (m NoiseMethod) String() string {
	switch m {
	case NoTest:
		return "none"
	case TwoProportion:
		return "two-proportion"
	case FisherExact:
		return "fisher-exact"
	case PoissonRates:
		return "poisson-rates"
	}
	return "NoiseMethod(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText encodes the method as its [NoiseMethod.String]; a value out
// of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (m NoiseMethod) MarshalText() ([]byte, error) { return diagText("method", m, PoissonRates) }

// UnmarshalText decodes a method written by [NoiseMethod.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (m *NoiseMethod) UnmarshalText(b []byte) error { return diagParse("method", b, m, PoissonRates) }

// NoiseTest is the test of one gap against noise.
type NoiseTest struct {
	Method NoiseMethod `json:"method"`
	// P is the test's two-sided p-value, in [0, 1]; null when not tested.
	P funnel.NullFloat64 `json:"p"`
	// Adjusted is P adjusted by Benjamini–Hochberg across every test of
	// the scorecard ([funnel.BenjaminiHochberg]); null when not tested.
	Adjusted funnel.NullFloat64 `json:"adjusted"`
	// Reason says why a gap was not tested, "" when it was: "missing for
	// the rep", "missing for the rest of the team" (no data, or a zero
	// denominator), "a mean from sums only", "no events on either side",
	// "exposures too unequal to test" (a ratio of units that a float64
	// cannot tell from 0 or 1) or "counts too large to test" (a sum past
	// an int64).
	Reason string `json:"reason,omitempty"`
}

// ScoreLine is one metric of a scorecard: the rep against the rest of the
// team.
type ScoreLine struct {
	Metric MetricName `json:"metric"`
	Better Better     `json:"better"`
	// Rep is the rep's metric and Rest the rest of the team's: the parts
	// of every other rep added, over the reps that have the metric.
	Rep  Metric `json:"rep"`
	Rest Metric `json:"rest"`
	// Gap = Rep.Value − Rest.Value, in the metric's unit; null when either
	// is missing.
	Gap funnel.NullFloat64 `json:"gap"`
	// MoneyGap = Rep.MoneyPer − Rest.MoneyPer, in cents, for a money
	// metric; null otherwise or when either is missing.
	MoneyGap decimal.NullDecimal `json:"money_gap"`
	// Relative = Gap / max(Rep.Value, Rest.Value), in [−1, 1]: the gap as
	// a share of the larger value, −0.25 for a rep a quarter below the
	// rest. It is null when Gap is or when both values are 0.
	Relative funnel.NullFloat64 `json:"relative"`
	Test     NoiseTest          `json:"test"`
	// BeyondNoise reports a discovery: the adjusted p-value is at most
	// the scorecard's false discovery rate, in either direction.
	BeyondNoise bool `json:"beyond_noise"`
	// Worse reports a gap beyond noise in the direction that is worse for
	// the rep (below the rest where higher is better, above where lower
	// is).
	Worse bool `json:"worse"`
}

// AreaScore is one area of a scorecard.
type AreaScore struct {
	Area  Area        `json:"area"`
	Lines []ScoreLine `json:"metrics"` // in the order of [Area.Metrics]
	// Weak reports an area with at least one line Worse.
	Weak bool `json:"weak"`
	// Shortfall is the largest |Relative| among the Worse lines, in
	// (0, 1]; null when the area is not weak.
	Shortfall funnel.NullFloat64 `json:"shortfall"`
}

// Diagnosis is the result of [Diagnose]: one rep's scorecard against the
// rest of the team in the four areas.
type Diagnosis struct {
	Rep   string              `json:"rep"`
	Areas [NumAreas]AreaScore `json:"areas"` // in [Area] order
	// CoachFirst is the weak area with the largest Shortfall, the earlier
	// area on a tie; null when no area is weak, so that no one is coached
	// on noise.
	CoachFirst NullArea `json:"coach_first"`
	// FDR is the false discovery rate the scorecard's tests are
	// controlled at; Tests counts the gaps tested and Discoveries those
	// beyond noise.
	FDR         float64 `json:"fdr"`
	Tests       int     `json:"tests"`
	Discoveries int     `json:"discoveries"`
}

// DiagnoseOptions are the options of [Diagnose]. A nil *DiagnoseOptions,
// like the zero value, asks for a false discovery rate of [DefaultFDR],
// the same as [Benchmark]'s, so that one rep's gap is beyond noise or not
// by one rule across the package.
type DiagnoseOptions struct {
	// FDR is the false discovery rate q across the scorecard's tests, in
	// (0, 1); 0 means [DefaultFDR].
	FDR float64
}

// Diagnose scores one rep against the rest of the team in four areas:
// effort, capturing interest, qualifying and closing (see [Area] for the
// metrics of each; [LeadFlowShare], which describes the rep's mix rather
// than a skill, is left out). reps are the metrics of every rep of the
// team, from [Measure] or [NewRepMetrics]; the rest of the team is the sum
// of the other reps' parts, over the reps that have each metric (so an
// account two reps worked counts once for each in ContactsPerAccount).
// Each line gives the rep's value, the rest's, the gap, and whether the
// gap is beyond noise:
//
//   - a share (K of N) by the pooled two-proportion z test
//     ([funnel.CompareRates]) of the rep against the rest, or by Fisher's
//     exact test ([funnel.FisherExact]) when an expected count of the
//     2 × 2 table, row total × column total / n, is below 5 (Cochran's
//     rule, as [funnel.ChiSquare] reports it);
//   - a count per unit (touches per deal) by the conditional test of two
//     Poisson rates (Przyborowski and Wilenski 1940): given the rep's x₁
//     events over t₁ units and the rest's x₂ over t₂, under equal rates
//     x₁ is binomial(x₁ + x₂, t₁/(t₁ + t₂)), tested exactly by
//     [funnel.Rate.Test] (the score test beyond its work bound), as R's
//     poisson.test(c(x₁, x₂), c(t₁, t₂)) does;
//   - a mean from sums only (days to first touch, deal size, cycle,
//     bookings per meeting) is not tested: its gap is given with the
//     method [NoTest] and the reason, since sums say nothing of the
//     spread a test needs.
//
// The p-values of the lines tested are adjusted together by
// Benjamini–Hochberg ([funnel.BenjaminiHochberg]) and a gap is beyond
// noise when its adjusted p-value is at most the false discovery rate. The
// area to coach first is the weak area (one with a gap beyond noise in the
// worse direction) whose largest relative shortfall,
//
//	|Rep − Rest| / max(Rep, Rest)
//
// is the largest, the earlier area on a tie; none when no area is weak.
// Missing metrics are reported missing, untested, and weigh on nothing.
// The inputs are not modified.
//
// Errors have Op "ratios.Diagnose": a *[funnel.InputError] wrapping
// [funnel.ErrNoData] for no reps or a rep not among them,
// [funnel.ErrIncompatible] for a rep listed twice or a metric at the place
// of another, the errors of [NewRepMetrics] for invalid metrics (naming
// the place, such as "reps[1].metrics[11].num"), [funnel.ErrOutOfRange]
// for a sum of parts past an int64 or a float64, and [funnel.ErrNotFinite]
// or [funnel.ErrOutOfRange] for an FDR that is NaN, infinite or outside
// (0, 1).
func Diagnose(rep string, reps []RepMetrics, opts *DiagnoseOptions) (Diagnosis, error) {
	const op = "ratios.Diagnose"
	q := DefaultFDR
	if opts != nil && opts.FDR != 0 {
		q = opts.FDR
		switch {
		case math.IsNaN(q) || math.IsInf(q, 0):
			return Diagnosis{}, &funnel.InputError{Op: op, Name: "FDR", Value: strconv.FormatFloat(q, 'g', -1, 64), Err: funnel.ErrNotFinite}
		case q <= 0 || q >= 1:
			return Diagnosis{}, &funnel.InputError{Op: op, Name: "FDR", Value: strconv.FormatFloat(q, 'g', -1, 64), Err: fmt.Errorf("%w: want (0, 1)", funnel.ErrOutOfRange)}
		}
	}
	if len(reps) == 0 {
		return Diagnosis{}, &funnel.InputError{Op: op, Name: "reps", Value: "none", Err: fmt.Errorf("%w: no reps to compare", funnel.ErrNoData)}
	}
	self := -1
	seen := make(map[string]bool, len(reps))
	for i, r := range reps {
		if seen[r.Rep] {
			return Diagnosis{}, &funnel.InputError{Op: op, Name: fmt.Sprintf("reps[%d].rep", i), Value: strconv.Quote(r.Rep), Err: fmt.Errorf("%w: rep listed twice", funnel.ErrIncompatible)}
		}
		seen[r.Rep] = true
		if r.Rep == rep {
			self = i
		}
	}
	if self < 0 {
		return Diagnosis{}, &funnel.InputError{Op: op, Name: "rep", Value: strconv.Quote(rep), Err: fmt.Errorf("%w: no metrics for the rep", funnel.ErrNoData)}
	}
	var me, rest RepMetrics
	for i := range rest.Metrics {
		rest.Metrics[i].Name = MetricName(i)
	}
	for i, r := range reps {
		c, err := r.checked(op, i)
		if err != nil {
			return Diagnosis{}, err
		}
		if i == self {
			me = c
			continue
		}
		for j := range rest.Metrics {
			s, err := rest.Metrics[j].add(c.Metrics[j])
			if err != nil {
				return Diagnosis{}, placed(op, fmt.Sprintf("reps[%d].metrics[%d]", i, j), err)
			}
			rest.Metrics[j] = s
		}
	}

	d := Diagnosis{Rep: rep, FDR: q}
	var ps []float64
	var at [][2]int // the area and line of each p-value
	for a := range NumAreas {
		sc := AreaScore{Area: Area(a), Lines: make([]ScoreLine, len(areaMetrics[a]))}
		for l, m := range areaMetrics[a] {
			sc.Lines[l] = scoreLine(me.Metrics[m].valued(), rest.Metrics[m].valued())
			if p := sc.Lines[l].Test.P; p.Valid {
				ps = append(ps, p.Float64)
				at = append(at, [2]int{a, l})
			}
		}
		d.Areas[a] = sc
	}
	d.Tests = len(ps)
	bh, err := funnel.BenjaminiHochberg(ps, q)
	if err != nil {
		return Diagnosis{}, funnel.WithOp(op, err) // unreachable: p-values in [0, 1] and q checked
	}
	d.Discoveries = bh.Count
	for i, al := range at {
		ln := &d.Areas[al[0]].Lines[al[1]]
		ln.Test.Adjusted = funnel.Some(bh.Adjusted[i])
		ln.BeyondNoise = bh.Discovery[i]
		g := ln.Gap.Float64
		ln.Worse = ln.BeyondNoise && ln.Gap.Valid && (ln.Better == HigherIsBetter && g < 0 || ln.Better == LowerIsBetter && g > 0)
	}
	best := 0.0
	for a := range d.Areas {
		sc := &d.Areas[a]
		for _, ln := range sc.Lines {
			if ln.Worse && ln.Relative.Valid {
				sc.Weak = true
				if r := math.Abs(ln.Relative.Float64); !sc.Shortfall.Valid || r > sc.Shortfall.Float64 {
					sc.Shortfall = funnel.Some(r)
				}
			}
		}
		if sc.Weak && (!d.CoachFirst.Valid || sc.Shortfall.Float64 > best) {
			d.CoachFirst, best = NullArea{Area: sc.Area, Valid: true}, sc.Shortfall.Float64
		}
	}
	return d, nil
}

// scoreLine compares the rep's metric with the rest's and tests the gap,
// without the adjustment across the scorecard.
func scoreLine(rep, rest Metric) ScoreLine {
	ln := ScoreLine{Metric: rep.Name, Better: rep.Name.Better(), Rep: rep, Rest: rest}
	switch {
	case rep.Status != Measured:
		ln.Test.Reason = "missing for the rep"
		return ln
	case rest.Status != Measured:
		ln.Test.Reason = "missing for the rest of the team"
		return ln
	}
	r, s := rep.Value.Float64, rest.Value.Float64
	ln.Gap = funnel.Some(r - s)
	if top := max(r, s); top > 0 {
		ln.Relative = funnel.Some(min(1, max(-1, (r-s)/top)))
	}
	switch rep.Name.Kind() {
	case KindShare:
		ln.Test = shareTest(rep, rest)
	case KindPerUnit:
		ln.Test = poissonTest(rep, rest)
	case KindMoney:
		ln.MoneyGap = decimal.NullDecimal{Decimal: rep.MoneyPer.Decimal.Sub(rest.MoneyPer.Decimal), Valid: true}
		ln.Test.Reason = "a mean from sums only"
	default:
		ln.Test.Reason = "a mean from sums only"
	}
	return ln
}

// shareTest tests a share of the rep against the rest's: Fisher's exact
// test when an expected count is below 5, the pooled z test otherwise (or
// when the exact test would take too long).
func shareTest(rep, rest Metric) NoiseTest {
	// The benchmark's rule ([contrast]): Fisher's exact test when an
	// expected cell is below 5, else the pooled two-proportion test.
	c, err := contrast(funnel.Rate{K: rep.Num, N: rep.Den}, funnel.Rate{K: rest.Num, N: rest.Den}, DefaultConfidence)
	switch {
	case err != nil || !c.P.Valid:
		// Both sides all successes or all failures: nothing varies.
		return NoiseTest{Method: TwoProportion, P: funnel.Some(1)}
	case c.FisherP.Valid:
		return NoiseTest{Method: FisherExact, P: c.P}
	}
	return NoiseTest{Method: TwoProportion, P: c.P}
}

// poissonTest tests the rep's count per unit against the rest's by the
// conditional test of two Poisson rates.
func poissonTest(rep, rest Metric) NoiseTest {
	x, ok := num.Add(rep.Num, rest.Num)
	switch {
	case !ok:
		return NoiseTest{Reason: "counts too large to test"}
	case x == 0:
		return NoiseTest{Reason: "no events on either side"}
	}
	p0 := float64(rep.Den) / (float64(rep.Den) + float64(rest.Den))
	if !(p0 > 0 && p0 < 1) {
		return NoiseTest{Reason: "exposures too unequal to test"}
	}
	rt, err := funnel.Rate{K: rep.Num, N: x}.Test(p0)
	if err != nil {
		return NoiseTest{Reason: "exposures too unequal to test"}
	}
	p := rt.Exact
	if !p.Valid {
		p = rt.ScoreP
	}
	return NoiseTest{Method: PoissonRates, P: p}
}
