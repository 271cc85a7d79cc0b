package target

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/shopspring/decimal"
)

// Method is one of the four ways [Triangulate] asks for an activity
// target. In JSON and text it is its [Method.String].
type Method int8

const (
	// ByProcess: activities per won deal × won deals needed.
	ByProcess Method = iota
	// ByWinRate: the activities on the won deals needed and on the lost
	// deals that come with them at the win rate.
	ByWinRate
	// ByEfficiency: quota ÷ the team's bookings per activity.
	ByEfficiency
	// ByBestPerformers: quota ÷ the best performers' bookings per
	// activity, or the won deals needed through the role models' rates.
	ByBestPerformers
)

// NumMethods is the number of methods of triangulation.
const NumMethods = int(ByBestPerformers) + 1

// String returns "process", "win-rate", "efficiency" or
// "best-performers", or "Method(n)" for a value out of range.
func (m Method) String() string {
	switch m {
	case ByProcess:
		return "process"
	case ByWinRate:
		return "win-rate"
	case ByEfficiency:
		return "efficiency"
	case ByBestPerformers:
		return "best-performers"
	}
	return "Method(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText encodes the method as its [Method.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (m Method) MarshalText() ([]byte, error) {
	if b, ok := enum.Text(m, ByBestPerformers); ok {
		return b, nil
	}
	return nil, &funnel.InputError{Op: "target.Method", Name: "method", Value: strconv.Itoa(int(m)), Err: funnel.ErrOutOfRange}
}

// UnmarshalText decodes a method written by [Method.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (m *Method) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, ByBestPerformers)
	if !ok {
		return &funnel.InputError{Op: "target.Method", Name: "method", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*m = v
	return nil
}

// TriangulateInput is what [Triangulate] works from. The figures a method
// needs may be left out (Valid false, or nil rates): the method is then
// omitted with the reason. Quota and Weeks are always required. Rates and
// ratios measured from deals go in with their Null methods
// ([funnel.Rate.Null], [funnel.Ratio.Null]), plain numbers with
// [funnel.Some]; [FromMeasured] fills the input from measured groups.
type TriangulateInput struct {
	// Activity names the activity counted ("meetings", "calls", "first
	// interviews"); it is carried to the result and not interpreted.
	Activity string `json:"activity"`
	// Quota is the bookings to reach over the period, in the currency of
	// the amounts, >= 0.
	Quota decimal.Decimal `json:"quota"`
	// Weeks is the length of the period in weeks, > 0 (13 for a quarter).
	Weeks float64 `json:"weeks"`
	// Aggressiveness, in [0, 1], picks the target in the range: 0 the
	// lowest, 1 the highest (see [Triangulation].Pick).
	Aggressiveness float64 `json:"aggressiveness"`

	// ASP is the value of a won deal, > 0 (ByProcess, ByWinRate and the
	// rates form of ByBestPerformers).
	ASP decimal.NullDecimal `json:"asp"`
	// ActivitiesPerWon and ActivitiesPerLost are the activities held on
	// a won and on a lost deal, >= 0.
	ActivitiesPerWon  funnel.NullFloat64 `json:"activities_per_won"`
	ActivitiesPerLost funnel.NullFloat64 `json:"activities_per_lost"`
	// WinRate is won of closed deals, in (0, 1].
	WinRate funnel.NullFloat64 `json:"win_rate"`
	// BookingsPerActivity is the team's money won per activity, > 0
	// (ByEfficiency).
	BookingsPerActivity decimal.NullDecimal `json:"bookings_per_activity"`
	// BestBookingsPerActivity is the best performers' money won per
	// activity, > 0 (ByBestPerformers).
	BestBookingsPerActivity decimal.NullDecimal `json:"best_bookings_per_activity"`
	// BestRates is the role-model funnel from the activity's stage to
	// won: BestRates[i] is the role models' conversion of the i-th step
	// after the stage the activity enters, each in (0, 1], one activity
	// per deal at that stage (a first meeting per deal). ByBestPerformers
	// uses it, with ASP, when BestBookingsPerActivity is not given.
	// [RoleModelRates] gives the rates of a benchmark.
	BestRates []float64 `json:"best_rates"`
}

// Term is one named value in the working of an [Estimate], exact.
type Term struct {
	Name  string          `json:"name"`
	Value decimal.Decimal `json:"value"`
}

// Level is an activity target over the period: exact, whole (rounded up)
// and per week.
type Level struct {
	// Target is the activities over the period, exact (not rounded).
	Target float64 `json:"target"`
	// Whole is ⌈Target⌉, except that a Target within 1e−9 (relative) of a
	// whole number is that number, so that float noise adds no activity.
	Whole int64 `json:"whole"`
	// PerWeek is Target / weeks, and PerWeekWhole its ceiling under the
	// same rule.
	PerWeek      float64 `json:"per_week"`
	PerWeekWhole int64   `json:"per_week_whole"`
}

// Estimate is the activity target of one method with its working: the
// formula, with the names of its terms, and the terms' values, so that a
// report can print how the number came out.
type Estimate struct {
	Method  Method `json:"method"`
	Formula string `json:"formula"`
	Terms   []Term `json:"terms"`
	Level
}

// Omitted is a method left out for want of data, with the reason.
type Omitted struct {
	Method Method `json:"method"`
	Reason string `json:"reason"`
}

// Triangulation is the result of [Triangulate].
type Triangulation struct {
	Activity string          `json:"activity"`
	Quota    decimal.Decimal `json:"quota"`
	Weeks    float64         `json:"weeks"`
	// Estimates are the methods the input had data for, in [Method]
	// order; Omitted the others with the reason.
	Estimates []Estimate `json:"estimates"`
	Omitted   []Omitted  `json:"omitted"`
	// Low and High are the lowest and the highest target among the
	// Estimates, LowMethod and HighMethod the methods that gave them
	// (the earlier method on a tie).
	Low        Level  `json:"low"`
	High       Level  `json:"high"`
	LowMethod  Method `json:"low_method"`
	HighMethod Method `json:"high_method"`
	// Aggressiveness is the input's, and Pick the target it picks:
	//
	//	Pick = Low + Aggressiveness × (High − Low)
	Aggressiveness float64 `json:"aggressiveness"`
	Pick           Level   `json:"pick"`
}

// Triangulate asks for an activity target for a quota over a period four
// ways, each with its working:
//
//	won needed  W = quota ÷ ASP
//	process     = activities per won × W
//	win rate    = activities per won × W + activities per lost × W × (1 − w)/w
//	efficiency  = quota ÷ team bookings per activity
//	best        = quota ÷ best performers' bookings per activity
//	            or W ÷ Π BestRates (the role-model funnel from the activity's stage to won)
//
// where w is the win rate: W won deals at a win rate w come with
// W × (1 − w)/w lost ones, and their activities count too. The targets are
// in activities over the period (exact and whole) and per week (÷ Weeks);
// together they are a range from Low to High, and the pick is
//
//	Pick = Low + a × (High − Low),  a = Aggressiveness in [0, 1]
//
// The convention: a is how demanding the target is. a = 0 asks for the
// fewest activities, the count that makes quota only if the rep converts
// as the most favourable method assumes; a = 1 asks for the most, the
// count that covers quota even under the least favourable method. The
// higher target is the more demanding for the rep and the more
// conservative for the quota.
//
// For quota $300,000 over 13 weeks, ASP $25,000, 4 activities per won deal
// and 2 per lost, a win rate of 25%, the team's $2,500 and the best
// performers' $3,000 of bookings per activity: process 48, win rate 120,
// efficiency 120, best performers 100; the range 48 to 120 (3.69 to 9.23
// a week), and a = 0.5 picks 84 (6.46 a week).
//
// A method whose figures are not given is left out of the estimates and
// listed in Omitted with the reason. The input is not modified.
//
// Errors are a *[funnel.InputError] with Op "target.Triangulate" naming
// the input: [funnel.ErrNoData] when no method has its data;
// [funnel.ErrNegativeAmount] for a quota, ASP or bookings below zero,
// [funnel.ErrOutOfRange] for a zero ASP or bookings per activity, an
// amount out of [funnel.AmountInRange], Weeks <= 0, Aggressiveness outside
// [0, 1] or a target above 2^53 activities; [funnel.ErrNotFinite] for a
// NaN or infinite number; [funnel.ErrNegative] for negative activities
// per deal; [funnel.ErrZeroRate] for a zero win rate or best rate and
// [funnel.ErrRateRange] for one outside [0, 1].
func Triangulate(in TriangulateInput) (Triangulation, error) {
	if err := triCheck(in); err != nil {
		return Triangulation{}, err
	}
	out := Triangulation{Activity: in.Activity, Quota: in.Quota, Weeks: in.Weeks, Aggressiveness: in.Aggressiveness}
	for m := Method(0); int(m) < NumMethods; m++ {
		e, reason, err := triMethod(in, m)
		if err != nil {
			return Triangulation{}, err
		}
		if reason != "" {
			out.Omitted = append(out.Omitted, Omitted{Method: m, Reason: reason})
			continue
		}
		out.Estimates = append(out.Estimates, e)
	}
	if len(out.Estimates) == 0 {
		return Triangulation{}, &funnel.InputError{Op: triOp, Name: "input", Err: fmt.Errorf("%w: no method has its data", funnel.ErrNoData)}
	}
	lo, hi := out.Estimates[0], out.Estimates[0]
	for _, e := range out.Estimates[1:] {
		if e.Target < lo.Target {
			lo = e
		}
		if e.Target > hi.Target {
			hi = e
		}
	}
	out.Low, out.LowMethod = lo.Level, lo.Method
	out.High, out.HighMethod = hi.Level, hi.Method
	pick := lo.Target + in.Aggressiveness*(hi.Target-lo.Target)
	out.Pick = triLevel(min(max(pick, lo.Target), hi.Target), in.Weeks)
	return out, nil
}

const triOp = "target.Triangulate"

// triErr is the error of the input name holding v.
func triErr(name, v string, err error) error {
	return &funnel.InputError{Op: triOp, Name: name, Value: v, Err: err}
}

func triFmt(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// triCheck validates every figure given, used by a method or not.
func triCheck(in TriangulateInput) error {
	if err := funnel.AmountReason(in.Quota); err != nil {
		return triErr("quota", in.Quota.String(), err)
	}
	if err := triFinite("weeks", in.Weeks); err != nil {
		return err
	}
	if in.Weeks <= 0 {
		return triErr("weeks", triFmt(in.Weeks), funnel.ErrOutOfRange)
	}
	if err := triFinite("aggressiveness", in.Aggressiveness); err != nil {
		return err
	}
	if in.Aggressiveness < 0 || in.Aggressiveness > 1 {
		return triErr("aggressiveness", triFmt(in.Aggressiveness), funnel.ErrOutOfRange)
	}
	for _, a := range []struct {
		name string
		v    decimal.NullDecimal
	}{{"asp", in.ASP}, {"bookings_per_activity", in.BookingsPerActivity}, {"best_bookings_per_activity", in.BestBookingsPerActivity}} {
		if !a.v.Valid {
			continue
		}
		if err := funnel.AmountReason(a.v.Decimal); err != nil {
			return triErr(a.name, a.v.Decimal.String(), err)
		}
		if a.v.Decimal.IsZero() {
			return triErr(a.name, "0", funnel.ErrOutOfRange)
		}
	}
	for _, a := range []struct {
		name string
		v    funnel.NullFloat64
	}{{"activities_per_won", in.ActivitiesPerWon}, {"activities_per_lost", in.ActivitiesPerLost}} {
		if !a.v.Valid {
			continue
		}
		if err := triFinite(a.name, a.v.Float64); err != nil {
			return err
		}
		if a.v.Float64 < 0 {
			return triErr(a.name, triFmt(a.v.Float64), funnel.ErrNegative)
		}
	}
	if in.WinRate.Valid {
		if err := triRate("win_rate", in.WinRate.Float64); err != nil {
			return err
		}
	}
	for i, r := range in.BestRates {
		if err := triRate("best_rates["+strconv.Itoa(i)+"]", r); err != nil {
			return err
		}
	}
	return nil
}

func triFinite(name string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return triErr(name, triFmt(x), funnel.ErrNotFinite)
	}
	return nil
}

// checkRate accepts a rate in (0, 1].
func triRate(name string, r float64) error {
	if err := triFinite(name, r); err != nil {
		return err
	}
	if r < 0 || r > 1 {
		return triErr(name, triFmt(r), funnel.ErrRateRange)
	}
	if r == 0 {
		return triErr(name, "0", funnel.ErrZeroRate)
	}
	return nil
}

// triMax is the largest target whose whole count is exact in a float64.
const triMax = 1 << 53

// triMethod works out one method: its estimate, or the reason it is left
// out, or an error for a target past triMax.
func triMethod(in TriangulateInput, m Method) (Estimate, string, error) {
	e := Estimate{Method: m}
	var target float64
	wonNeeded := func() (decimal.Decimal, float64) {
		w, _ := dec.Quo(in.Quota, in.ASP.Decimal) // ASP checked above zero
		return w, w.InexactFloat64()
	}
	switch m {
	case ByProcess:
		if r := triMissing(in.ASP.Valid, "asp", in.ActivitiesPerWon.Valid, "activities_per_won"); r != "" {
			return e, r, nil
		}
		wd, w := wonNeeded()
		target = in.ActivitiesPerWon.Float64 * w
		e.Formula = "activities_per_won × won_needed,  won_needed = quota ÷ asp"
		e.Terms = []Term{{"quota", in.Quota}, {"asp", in.ASP.Decimal}, {"won_needed", wd},
			{"activities_per_won", triDec(in.ActivitiesPerWon.Float64)}}
	case ByWinRate:
		if r := triMissing(in.ASP.Valid, "asp", in.ActivitiesPerWon.Valid, "activities_per_won",
			in.ActivitiesPerLost.Valid, "activities_per_lost", in.WinRate.Valid, "win_rate"); r != "" {
			return e, r, nil
		}
		wd, w := wonNeeded()
		wr := in.WinRate.Float64
		lost := w * (1 - wr) / wr
		target = in.ActivitiesPerWon.Float64*w + in.ActivitiesPerLost.Float64*lost
		e.Formula = "activities_per_won × won_needed + activities_per_lost × lost_with_won,  " +
			"won_needed = quota ÷ asp,  lost_with_won = won_needed × (1 − win_rate) ÷ win_rate"
		e.Terms = []Term{{"quota", in.Quota}, {"asp", in.ASP.Decimal}, {"won_needed", wd},
			{"win_rate", triDec(wr)}, {"lost_with_won", triDec(lost)},
			{"activities_per_won", triDec(in.ActivitiesPerWon.Float64)}, {"activities_per_lost", triDec(in.ActivitiesPerLost.Float64)}}
	case ByEfficiency:
		if !in.BookingsPerActivity.Valid {
			return e, "needs the team's bookings_per_activity, not given", nil
		}
		q, _ := dec.Quo(in.Quota, in.BookingsPerActivity.Decimal)
		target = q.InexactFloat64()
		e.Formula = "quota ÷ bookings_per_activity"
		e.Terms = []Term{{"quota", in.Quota}, {"bookings_per_activity", in.BookingsPerActivity.Decimal}}
	case ByBestPerformers:
		switch {
		case in.BestBookingsPerActivity.Valid:
			q, _ := dec.Quo(in.Quota, in.BestBookingsPerActivity.Decimal)
			target = q.InexactFloat64()
			e.Formula = "quota ÷ best_bookings_per_activity"
			e.Terms = []Term{{"quota", in.Quota}, {"best_bookings_per_activity", in.BestBookingsPerActivity.Decimal}}
		case len(in.BestRates) > 0 && in.ASP.Valid:
			wd, w := wonNeeded()
			p := 1.0
			e.Terms = []Term{{"quota", in.Quota}, {"asp", in.ASP.Decimal}, {"won_needed", wd}}
			for i, r := range in.BestRates {
				p *= r
				e.Terms = append(e.Terms, Term{"best_rates[" + strconv.Itoa(i) + "]", triDec(r)})
			}
			target = w / p
			e.Formula = "won_needed ÷ Π best_rates,  won_needed = quota ÷ asp"
		case len(in.BestRates) > 0:
			return e, "needs asp with best_rates, not given", nil
		default:
			return e, "needs best_bookings_per_activity or best_rates, not given", nil
		}
	}
	if !(target <= triMax) { // also catches an overflow to +Inf
		return e, "", triErr(m.String(), triFmt(target), funnel.ErrOutOfRange)
	}
	e.Level = triLevel(target, in.Weeks)
	return e, "", nil
}

// missing returns the reason a method is left out: the names of the
// figures not given, given as (valid, name) pairs; "" when none is missing.
func triMissing(pairs ...any) string {
	var names []string
	for i := 0; i < len(pairs); i += 2 {
		if !pairs[i].(bool) {
			names = append(names, pairs[i+1].(string))
		}
	}
	if len(names) == 0 {
		return ""
	}
	s := "needs "
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s + ": not given"
}

// fdec is a checked-finite float64 as a decimal.
func triDec(x float64) decimal.Decimal {
	d, _ := dec.FromFloat(x)
	return d
}

// levelOf returns the level of target activities over weeks.
func triLevel(target, weeks float64) Level {
	pw := target / weeks
	return Level{Target: target, Whole: triWhole(target), PerWeek: pw, PerWeekWhole: triWhole(pw)}
}

// wholeUp returns ⌈x⌉ for 0 <= x <= 2^53, except that an x within 1e−9
// (relative, at least absolute) of a whole number is that number.
func triWhole(x float64) int64 {
	r := math.Round(x)
	if math.Abs(x-r) <= 1e-9*max(1, x) {
		return int64(r)
	}
	return int64(math.Ceil(x))
}

// Activity is the activity counted on a group's deals, for [Measure]:
// activities on won and on lost deals over those deals, and all
// activities (on deals of any outcome, open ones too).
type Activity struct {
	// PerWon is activities on won deals over won deals, PerLost the same
	// for lost deals.
	PerWon  funnel.Ratio `json:"per_won"`
	PerLost funnel.Ratio `json:"per_lost"`
	// Total is the activities on deals of any outcome, >= PerWon.Num +
	// PerLost.Num; 0 means PerWon.Num + PerLost.Num.
	Total int64 `json:"total"`
}

// ActivityOf returns the touches of an owner's (or the team's) activity
// report as an [Activity]: PerWon and PerLost are TouchesPerWon and
// TouchesPerLost, Total the touches on won, lost and open deals.
func ActivityOf(a pipeline.OwnerActivity) Activity {
	t := a.TouchesPerWon.Num + a.TouchesPerLost.Num + a.TouchesPerOpen.Num
	return Activity{PerWon: a.TouchesPerWon, PerLost: a.TouchesPerLost, Total: t}
}

// Measured are the inputs of a triangulation measured from one group of
// deals (a rep, a team, a segment, the best performers): see [Measure].
type Measured struct {
	Name string `json:"name"` // [ratios.Name] of the counts
	// ASP is the average won amount ([funnel.Counts.AvgWon]), null
	// without a won deal with an amount.
	ASP decimal.NullDecimal `json:"asp"`
	// WinRate is won of closed deals ([funnel.Counts.WinRate]).
	WinRate funnel.Rate `json:"win_rate"`
	// ActivitiesPerWon and ActivitiesPerLost are the activity's ratios.
	ActivitiesPerWon  funnel.Ratio `json:"activities_per_won"`
	ActivitiesPerLost funnel.Ratio `json:"activities_per_lost"`
	// Activities is all the activities counted, Bookings the won amount
	// ([funnel.Counts].WonAmount), and
	//
	//	BookingsPerActivity = Bookings ÷ Activities
	//
	// to at least 20 significant digits and at most
	// [funnel.MaxAmountPlaces] places, so that it is a valid amount; null
	// with no activity.
	Activities          int64               `json:"activities"`
	Bookings            decimal.Decimal     `json:"bookings"`
	BookingsPerActivity decimal.NullDecimal `json:"bookings_per_activity"`
}

// Measure measures the inputs of a triangulation from a group's counts (a
// rep's, a team's, a segment's: a Group of a [funnel.Tally] or
// [funnel.Sum] of several) and the activity counted on its deals. The
// inputs are not modified.
//
// It returns the errors of [funnel.Counts.Check] with Op "target.Measure",
// or a *[funnel.InputError] naming the activity's field and wrapping
// [funnel.ErrNegativeCount] for a negative part, or [funnel.ErrOutOfRange]
// for a Total below the activities on won and lost deals or a sum past an
// int64.
func Measure(c funnel.Counts, act Activity) (Measured, error) {
	const op = "target.Measure"
	if err := c.Check(); err != nil {
		return Measured{}, funnel.WithOp(op, err)
	}
	for _, p := range []struct {
		name string
		v    int64
	}{{"per_won.num", act.PerWon.Num}, {"per_won.den", act.PerWon.Den}, {"per_lost.num", act.PerLost.Num},
		{"per_lost.den", act.PerLost.Den}, {"total", act.Total}} {
		if p.v < 0 {
			return Measured{}, &funnel.InputError{Op: op, Name: "activity." + p.name, Value: strconv.FormatInt(p.v, 10), Err: funnel.ErrNegativeCount}
		}
	}
	closed := act.PerWon.Num + act.PerLost.Num
	if closed < 0 { // wrapped past int64
		return Measured{}, &funnel.InputError{Op: op, Name: "activity", Err: funnel.ErrOutOfRange}
	}
	total := act.Total
	if total == 0 {
		total = closed
	}
	if total < closed {
		return Measured{}, &funnel.InputError{Op: op, Name: "activity.total", Value: strconv.FormatInt(total, 10), Err: funnel.ErrOutOfRange}
	}
	m := Measured{Name: ratios.Name(c), ASP: c.AvgWon(), WinRate: c.WinRate(),
		ActivitiesPerWon: act.PerWon, ActivitiesPerLost: act.PerLost, Activities: total, Bookings: c.WonAmount}
	if q, ok := dec.QuoPlaces(c.WonAmount, decimal.NewFromInt(total), funnel.MaxAmountPlaces); ok {
		m.BookingsPerActivity = decimal.NullDecimal{Decimal: q, Valid: true}
	}
	return m, nil
}

// FromMeasured returns the input of a triangulation for quota over weeks
// from measured groups: ASP, activities per won and lost deal and win rate
// from own (the rep, team or segment the target is for), the team's
// bookings per activity from team and the best performers' from best.
// A figure that is zero or undefined (no won deal, a win rate of 0, no
// bookings) is left out, so that its methods are omitted rather than
// refused. Activity and Aggressiveness are left for the caller.
func FromMeasured(quota decimal.Decimal, weeks float64, own, team, best Measured) TriangulateInput {
	in := TriangulateInput{Quota: quota, Weeks: weeks,
		ActivitiesPerWon: own.ActivitiesPerWon.Null(), ActivitiesPerLost: own.ActivitiesPerLost.Null()}
	positive := func(d decimal.NullDecimal) decimal.NullDecimal {
		if d.Valid && d.Decimal.Sign() > 0 {
			return d
		}
		return decimal.NullDecimal{}
	}
	in.ASP = positive(own.ASP)
	in.BookingsPerActivity = positive(team.BookingsPerActivity)
	in.BestBookingsPerActivity = positive(best.BookingsPerActivity)
	if own.WinRate.K > 0 {
		in.WinRate = own.WinRate.Null()
	}
	return in
}

// RoleModelRates returns the role-model funnel of a benchmark as step
// rates, as [funnel.Funnel.Reverse] and [TriangulateInput].BestRates take them:
// element j is the resolved rate of the role model of the step into stage
// j+1 (Report.RoleModels[j].Rate), 0 at a step with no role model. The
// slice is new.
func RoleModelRates(r ratios.Report) []float64 {
	out := make([]float64, len(r.RoleModels))
	for j, m := range r.RoleModels {
		out[j] = m.Rate.Value()
	}
	return out
}
