package target

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
)

// MaxPlanWeeks is the longest plan [NewPlan] makes, in weeks: ten years of
// 52 weeks. A performance plan runs for weeks or months; a longer one is a
// data error, such as an end date with the wrong year.
const MaxPlanWeeks = 520

// MetricKind is what a plan's metric measures, and so how its actual
// weeks are counted and tested ([Check]). In JSON and text it is its name.
type MetricKind int8

const (
	// MetricRatio, the default, is a per-unit ratio Num/Den of counts of
	// two different things that may pass 1, such as follow-up meetings
	// per initial meeting. Its values are >= 0. Behind is tested with the
	// Poisson model of the numerator given the denominator.
	MetricRatio MetricKind = iota
	// MetricShare is a share K of N, such as proposals won per proposal:
	// 0 <= K <= N and the values are in [0, 1]. Behind is tested with the
	// binomial model ([funnel.Rate.Test]).
	MetricShare
	// MetricCount is a count per week, such as first meetings a week.
	// Its values are >= 0. Behind is tested with the Poisson model of the
	// week's count.
	MetricCount
)

// lastMetricKind is the largest MetricKind.
const lastMetricKind = MetricCount

// String returns "ratio", "share" or "count".
func (k MetricKind) String() string {
	switch k {
	case MetricRatio:
		return "ratio"
	case MetricShare:
		return "share"
	case MetricCount:
		return "count"
	}
	return "MetricKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its [MetricKind.String]; a value out of
// range is a *[funnel.InputError] naming "kind" that wraps
// [funnel.ErrOutOfRange].
func (k MetricKind) MarshalText() ([]byte, error) {
	b, ok := enum.Text(k, lastMetricKind)
	if !ok {
		return nil, planEnumErr("kind", strconv.Itoa(int(k)))
	}
	return b, nil
}

// UnmarshalText decodes a name written by [MetricKind.MarshalText];
// anything else is a *[funnel.InputError] naming "kind" that wraps
// [funnel.ErrOutOfRange].
func (k *MetricKind) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, lastMetricKind)
	if !ok {
		return planEnumErr("kind", planQuote(b))
	}
	*k = v
	return nil
}

// Direction says which way a metric improves. In JSON and text it is its
// name.
type Direction int8

const (
	// DirectionInferred, the default, asks [NewPlan] to infer the
	// direction from the goal: higher is better when the target is at or
	// above the current value, lower is better when it is below.
	DirectionInferred Direction = iota
	// HigherIsBetter is a metric that improves as it rises, such as
	// follow-up meetings per initial meeting.
	HigherIsBetter
	// LowerIsBetter is a metric that improves as it falls, such as
	// touches per won deal.
	LowerIsBetter
)

// lastDirection is the largest Direction.
const lastDirection = LowerIsBetter

// String returns "inferred", "higher" or "lower".
func (d Direction) String() string {
	switch d {
	case DirectionInferred:
		return "inferred"
	case HigherIsBetter:
		return "higher"
	case LowerIsBetter:
		return "lower"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// MarshalText encodes the direction as its [Direction.String]; a value out
// of range is a *[funnel.InputError] naming "direction" that wraps
// [funnel.ErrOutOfRange].
func (d Direction) MarshalText() ([]byte, error) {
	b, ok := enum.Text(d, lastDirection)
	if !ok {
		return nil, planEnumErr("direction", strconv.Itoa(int(d)))
	}
	return b, nil
}

// UnmarshalText decodes a name written by [Direction.MarshalText];
// anything else is a *[funnel.InputError] naming "direction" that wraps
// [funnel.ErrOutOfRange].
func (d *Direction) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, lastDirection)
	if !ok {
		return planEnumErr("direction", planQuote(b))
	}
	*d = v
	return nil
}

// Shape is how a plan spreads the improvement over its weeks. With n
// weeks, the share of the improvement due by the end of week i is s(i),
// and the value due is
//
//	value(i) = current + (target − current) · s(i),  value(n) = target
//
// In JSON and text a Shape is its name.
type Shape int8

const (
	// Linear, the default, asks for the same improvement every week:
	//
	//	s(i) = i / n
	Linear Shape = iota
	// FrontLoaded asks for most of the improvement early, while the plan
	// has the rep's attention, and less each week after:
	//
	//	s(i) = 1 − (1 − i/n)²
	//
	// so half the plan asks for three quarters of the improvement, and
	// week i asks for (2n − 2i + 1)/n² of it, falling linearly.
	FrontLoaded
)

// lastShape is the largest Shape.
const lastShape = FrontLoaded

// String returns "linear" or "front-loaded".
func (s Shape) String() string {
	switch s {
	case Linear:
		return "linear"
	case FrontLoaded:
		return "front-loaded"
	}
	return "Shape(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the shape as its [Shape.String]; a value out of
// range is a *[funnel.InputError] naming "shape" that wraps
// [funnel.ErrOutOfRange].
func (s Shape) MarshalText() ([]byte, error) {
	b, ok := enum.Text(s, lastShape)
	if !ok {
		return nil, planEnumErr("shape", strconv.Itoa(int(s)))
	}
	return b, nil
}

// UnmarshalText decodes a name written by [Shape.MarshalText]; anything
// else is a *[funnel.InputError] naming "shape" that wraps
// [funnel.ErrOutOfRange].
func (s *Shape) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, lastShape)
	if !ok {
		return planEnumErr("shape", planQuote(b))
	}
	*s = v
	return nil
}

// share returns s(i) of the shape over n weeks, in [0, 1].
func (s Shape) share(i, n int) float64 {
	x := float64(i) / float64(n)
	if s == FrontLoaded {
		r := 1 - x
		return 1 - r*r
	}
	return x
}

// Goal is one metric of a plan: its name as the caller says it ("follow-up
// meetings per initial meeting", "first meetings a week"), what it
// measures, the rep's current value, the target and which way is better.
// Values are in the metric's units: a ratio (follow-ups per initial
// meeting), a share in [0, 1], or a count per week.
type Goal struct {
	Name      string     `json:"name"`
	Kind      MetricKind `json:"kind"`
	Current   float64    `json:"current"`
	Target    float64    `json:"target"`
	Direction Direction  `json:"direction"`
}

// PlanSpec asks [NewPlan] for a plan: the goals, the start, and either the
// number of weeks or the end date, and the shape.
type PlanSpec struct {
	// Goals are the metrics of the plan, at least one, with distinct
	// names.
	Goals []Goal `json:"goals"`
	// Start is when the plan begins; week i runs from Start + 7·(i − 1)
	// days to Start + 7·i days (calendar days in Start's location).
	Start time.Time `json:"start"`
	// Weeks is the length of the plan, 1 to [MaxPlanWeeks]. Leave it 0
	// and give End instead.
	Weeks int `json:"weeks,omitempty"`
	// End, when Weeks is 0, is when the plan ends: the plan has
	// ⌈d / 7⌉ weeks for the d calendar days from Start's date to End's
	// (in Start's location), and its last checkpoint is due at End.
	End time.Time `json:"end,omitzero"`
	// Shape is how the improvement is spread; the zero value is [Linear].
	Shape Shape `json:"shape"`
}

// Plan is a performance improvement plan: its goals, with their
// directions resolved, and one checkpoint per week.
type Plan struct {
	Start       time.Time    `json:"start"`
	End         time.Time    `json:"end"` // the last checkpoint's due date
	Weeks       int          `json:"weeks"`
	Shape       Shape        `json:"shape"`
	Goals       []Goal       `json:"goals"`
	Checkpoints []Checkpoint `json:"checkpoints"`
}

// Checkpoint is one week of a plan: what is due by the end of the week.
type Checkpoint struct {
	Week int       `json:"week"` // 1 to Plan.Weeks
	From time.Time `json:"from"` // the week's start: Start + 7·(Week − 1) days
	Due  time.Time `json:"due"`  // the week's end, by which the values are due
	// Share is the share of each goal's improvement due by Due, s(Week)
	// of the plan's [Shape], in [0, 1]; 1 on the last week.
	Share float64 `json:"share"`
	// Values[j] is the value of Plan.Goals[j] due by Due, between its
	// current value and its target; the last week's is the target
	// exactly.
	Values []float64 `json:"values"`
}

// NewPlan returns the plan from each goal's current value to its target
// over the weeks of spec, with a checkpoint at the end of every week i =
// 1..n:
//
//	due(i)      = Start + 7·i calendar days   (End for the last week when End is given)
//	value(j, i) = current_j + (target_j − current_j) · s(i),  value(j, n) = target_j
//
// with s(i) = i/n for [Linear] and 1 − (1 − i/n)² for [FrontLoaded]. Each
// value lies between the current value and the target and moves
// monotonically from one to the other. For 0.33 to 0.50 follow-up meetings
// per initial meeting over 6 weeks, linear, week 3 is due 0.415;
// front-loaded, 0.4575.
//
// A goal whose direction is [DirectionInferred] gets [HigherIsBetter] when
// its target is at or above its current value and [LowerIsBetter] below; a
// stated direction must agree with the goal (a target above the current
// value cannot be lower-is-better). A goal whose target equals its current
// value holds it: every checkpoint is that value. The spec is not
// modified.
//
// It returns a *[funnel.InputError] with Op "target.NewPlan" naming the
// input ("goals[1].target", "start", "weeks"...) that wraps
// [funnel.ErrNoData] for no goals; [funnel.ErrNotFinite] for a NaN or
// infinite value; [funnel.ErrNegative] for a negative value of a ratio or
// count; [funnel.ErrRateRange] for a share outside [0, 1];
// [funnel.ErrZeroDate] for a zero start (or a date outside the years 1 to
// 9999 or more than a day off UTC); [funnel.ErrDateOrder] for an end on or
// before the start's calendar day; and [funnel.ErrOutOfRange] for a blank
// or repeated name, an unknown kind, direction or shape, a direction
// against the goal, zero, negative or too many weeks, or both Weeks and
// End given.
func NewPlan(spec PlanSpec) (Plan, error) {
	const fn = "NewPlan"
	if len(spec.Goals) == 0 {
		return Plan{}, planErr(fn, "goals", "", fmt.Errorf("%w: a plan needs at least one goal", funnel.ErrNoData))
	}
	goals := make([]Goal, len(spec.Goals))
	seen := make(map[string]bool, len(spec.Goals))
	for j, g := range spec.Goals {
		name := "goals[" + strconv.Itoa(j) + "]"
		if err := checkGoal(fn, name, &g); err != nil {
			return Plan{}, err
		}
		if seen[g.Name] {
			return Plan{}, planErr(fn, name+".name", strconv.Quote(g.Name), fmt.Errorf("%w: name given twice", funnel.ErrOutOfRange))
		}
		seen[g.Name] = true
		goals[j] = g
	}
	if int(spec.Shape) < 0 || spec.Shape > lastShape {
		return Plan{}, planErr(fn, "shape", strconv.Itoa(int(spec.Shape)), funnel.ErrOutOfRange)
	}
	if err := planDate(fn, "start", spec.Start); err != nil {
		return Plan{}, err
	}
	n, end, err := planWeeks(fn, spec)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{
		Start:       spec.Start,
		Weeks:       n,
		Shape:       spec.Shape,
		Goals:       goals,
		Checkpoints: make([]Checkpoint, n),
	}
	for i := 1; i <= n; i++ {
		c := Checkpoint{
			Week:   i,
			From:   spec.Start.AddDate(0, 0, 7*(i-1)),
			Due:    spec.Start.AddDate(0, 0, 7*i),
			Share:  spec.Shape.share(i, n),
			Values: make([]float64, len(goals)),
		}
		for j, g := range goals {
			c.Values[j] = planValue(g, c.Share, i == n)
		}
		p.Checkpoints[i-1] = c
	}
	if !end.IsZero() {
		p.Checkpoints[n-1].Due = end
	}
	p.End = p.Checkpoints[n-1].Due
	if err := planDate(fn, "end", p.End); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// planValue returns the goal's value due at share s, kept between the
// current value and the target so that rounding never takes it past
// either; the target itself when last.
func planValue(g Goal, s float64, last bool) float64 {
	if last {
		return g.Target
	}
	v := g.Current + (g.Target-g.Current)*s
	lo, hi := min(g.Current, g.Target), max(g.Current, g.Target)
	return min(max(v, lo), hi)
}

// checkGoal checks a goal and resolves its direction in place.
func checkGoal(fn, name string, g *Goal) error {
	if strings.TrimSpace(g.Name) == "" {
		return planErr(fn, name+".name", strconv.Quote(g.Name), fmt.Errorf("%w: blank name", funnel.ErrOutOfRange))
	}
	if g.Kind < 0 || g.Kind > lastMetricKind {
		return planErr(fn, name+".kind", strconv.Itoa(int(g.Kind)), funnel.ErrOutOfRange)
	}
	for _, v := range []struct {
		field string
		x     float64
	}{{".current", g.Current}, {".target", g.Target}} {
		switch {
		case math.IsNaN(v.x) || math.IsInf(v.x, 0):
			return planErr(fn, name+v.field, planFloat(v.x), funnel.ErrNotFinite)
		case v.x < 0 && g.Kind != MetricShare:
			return planErr(fn, name+v.field, planFloat(v.x), funnel.ErrNegative)
		case (v.x < 0 || v.x > 1) && g.Kind == MetricShare:
			return planErr(fn, name+v.field, planFloat(v.x), funnel.ErrRateRange)
		}
	}
	switch g.Direction {
	case DirectionInferred:
		g.Direction = HigherIsBetter
		if g.Target < g.Current {
			g.Direction = LowerIsBetter
		}
	case HigherIsBetter:
		if g.Target < g.Current {
			return planErr(fn, name+".direction", g.Direction.String(), fmt.Errorf("%w: target %s below current %s", funnel.ErrOutOfRange, planFloat(g.Target), planFloat(g.Current)))
		}
	case LowerIsBetter:
		if g.Target > g.Current {
			return planErr(fn, name+".direction", g.Direction.String(), fmt.Errorf("%w: target %s above current %s", funnel.ErrOutOfRange, planFloat(g.Target), planFloat(g.Current)))
		}
	default:
		return planErr(fn, name+".direction", strconv.Itoa(int(g.Direction)), funnel.ErrOutOfRange)
	}
	return nil
}

// planWeeks returns the number of weeks of the spec and, when it was
// given by an end date, that date.
func planWeeks(fn string, spec PlanSpec) (int, time.Time, error) {
	if spec.End.IsZero() {
		if spec.Weeks < 1 || spec.Weeks > MaxPlanWeeks {
			return 0, time.Time{}, planErr(fn, "weeks", strconv.Itoa(spec.Weeks), fmt.Errorf("%w: a plan has 1 to %d weeks", funnel.ErrOutOfRange, MaxPlanWeeks))
		}
		return spec.Weeks, time.Time{}, nil
	}
	if spec.Weeks != 0 {
		return 0, time.Time{}, planErr(fn, "end", spec.End.Format(time.RFC3339), fmt.Errorf("%w: give weeks or an end, not both", funnel.ErrOutOfRange))
	}
	if err := planDate(fn, "end", spec.End); err != nil {
		return 0, time.Time{}, err
	}
	days := planCivilDays(spec.Start, spec.End)
	if days < 1 {
		return 0, time.Time{}, planErr(fn, "end", spec.End.Format(time.RFC3339), fmt.Errorf("%w: the plan ends on or before the day it starts", funnel.ErrDateOrder))
	}
	n := (days + 6) / 7
	if n > MaxPlanWeeks {
		return 0, time.Time{}, planErr(fn, "end", spec.End.Format(time.RFC3339), fmt.Errorf("%w: a plan has 1 to %d weeks", funnel.ErrOutOfRange, MaxPlanWeeks))
	}
	return int(n), spec.End, nil
}

// planCivilDays returns the calendar days from start's date to end's, both
// read in start's location.
func planCivilDays(start, end time.Time) int64 {
	day := func(t time.Time) int64 {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	return day(end.In(start.Location())) - day(start)
}

// planDate rejects a zero date and one the plan cannot hold: outside the
// years 1 to 9999 (in UTC or its own location) or more than a day off UTC,
// so that every date of a plan encodes as RFC 3339.
func planDate(fn, name string, t time.Time) error {
	if t.IsZero() {
		return planErr(fn, name, "", funnel.ErrZeroDate)
	}
	_, off := t.Zone()
	u, l := t.UTC().Year(), t.Year()
	if u < 1 || u > 9999 || l < 1 || l > 9999 || off <= -86400 || off >= 86400 {
		return planErr(fn, name, t.String(), fmt.Errorf("%w: outside the years 1 to 9999 or more than a day off UTC", funnel.ErrZeroDate))
	}
	return nil
}

// planErr returns a *funnel.InputError with Op "target."+fn.
func planErr(fn, name, value string, err error) error {
	return &funnel.InputError{Op: "target." + fn, Name: name, Value: value, Err: err}
}

// planEnumErr is the error of an enumeration's text form.
func planEnumErr(name, value string) error {
	return &funnel.InputError{Op: "target", Name: name, Value: value, Err: funnel.ErrOutOfRange}
}

// planQuote quotes a name read from a document, cut to 40 bytes.
func planQuote(b []byte) string {
	if len(b) > 40 {
		return strconv.Quote(string(b[:40]) + "...")
	}
	return strconv.Quote(string(b))
}

// planFloat formats a float64 in its shortest form.
func planFloat(x float64) string {
	return strconv.FormatFloat(x, 'g', -1, 64)
}
