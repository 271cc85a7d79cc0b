package ratios

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/shopspring/decimal"
)

// MetricName names one micro metric: a ratio behind the stage rates that a
// manager can coach. In JSON and text it is its [MetricName.String].
type MetricName int8

// The micro metrics, grouped by the area of [Diagnose] they belong to.
const (
	// DaysToFirstTouch is the mean time, in days, from a deal's
	// assignment (or its start when the assignment is unknown) to its first
	// touch, over the deals touched after it ([pipeline.DealActivity]).
	// Effort; lower is better.
	DaysToFirstTouch MetricName = iota
	// UntouchedOpen is the share of the open deals that have had no touch
	// at all. Effort; lower is better.
	UntouchedOpen
	// TouchesPerWon is the touches on won deals per won deal. Effort;
	// higher is better.
	TouchesPerWon
	// TouchesPerLost is the touches on lost deals per lost deal: how hard
	// a deal was worked before it was let go. Effort; higher is better.
	TouchesPerLost
	// ContactsPerAccount is the distinct contacts touched per account
	// worked ([pipeline.OwnerActivity]). Effort; higher is better.
	ContactsPerAccount
	// TouchesPerInitialMeeting is the touches (calls, emails, meetings
	// and any other activity) per initial meeting, a deal's first: the
	// activity it takes to capture interest. Capturing interest; lower is
	// better.
	TouchesPerInitialMeeting
	// InboundQualified is the share of inbound leads (deals of the inbound
	// source at the first stage) that reached the qualified stage, of
	// those resolved ([MetricsOptions]). Capturing interest; higher is
	// better.
	InboundQualified
	// LeadFlowShare is the share of opportunities (deals that reached the
	// opportunity stage) that came from the inbound source: how much of a
	// rep's pipeline was handed over rather than self-sourced. It
	// describes the mix, not a skill, so it belongs to no area of
	// [Diagnose].
	LeadFlowShare
	// QualifiedToOpportunity is the resolved conversion from the
	// qualified stage to the opportunity stage ([MetricsOptions]).
	// Qualifying; higher is better.
	QualifiedToOpportunity
	// FollowUpsPerInitial is the follow-up meetings per initial meeting:
	// every meeting on a deal after its first, per deal with a meeting.
	// Qualifying; higher is better.
	FollowUpsPerInitial
	// HappyEars is the share of lost deals that had N or more meetings
	// (MetricsOptions.HappyEarsMeetings, 3 by default): deals the rep
	// kept meeting on and lost, a sign of poor qualifying. Qualifying;
	// lower is better.
	HappyEars
	// WinRate is the won deals of the closed ones ([funnel.Counts.WinRate]).
	// Closing; higher is better.
	WinRate
	// DealSize is the mean amount of the won deals with an amount, in the
	// currency of the amounts. Closing; higher is better.
	DealSize
	// CycleDays is the mean time, in days, from a won deal's start to its
	// win ([funnel.Counts].WonCycle). Closing; lower is better.
	CycleDays
	// BookingsPerMeeting is the money won per meeting held, on deals of
	// any outcome, in the currency of the amounts: won amounts
	// ([funnel.Counts].WonAmount) over meetings
	// ([pipeline.OwnerActivity].MeetingsPerDeal.Num). Won deals without
	// an amount add meetings but no money. Closing; higher is better.
	BookingsPerMeeting
)

// NumMetrics is the number of micro metrics; [RepMetrics] holds one of
// each, indexed by [MetricName].
const NumMetrics = int(BookingsPerMeeting) + 1

var metricNames = [NumMetrics]string{
	"days-to-first-touch", "untouched-open", "touches-per-won", "touches-per-lost", "contacts-per-account",
	"touches-per-initial-meeting", "inbound-qualified", "lead-flow-share", "qualified-to-opportunity",
	"follow-ups-per-initial", "happy-ears", "win-rate", "deal-size", "cycle-days", "bookings-per-meeting",
}

// String returns the metric's name in kebab case, such as
// "touches-per-won", or "MetricName(n)" for a value out of range.
func (n MetricName) String() string {
	if n < 0 || int(n) >= NumMetrics {
		return "MetricName(" + strconv.Itoa(int(n)) + ")"
	}
	return metricNames[n]
}

// MarshalText encodes the name as its [MetricName.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (n MetricName) MarshalText() ([]byte, error) {
	return diagText("metric", n, BookingsPerMeeting)
}

// UnmarshalText decodes a name written by [MetricName.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (n *MetricName) UnmarshalText(b []byte) error {
	return diagParse("metric", b, n, BookingsPerMeeting)
}

// Kind returns how the metric is measured, and so which constructor makes
// it: [CountMetric] for [KindShare] and [KindPerUnit], [DaysMetric] for
// [KindDays], [MoneyMetric] for [KindMoney]. A name out of range gives
// [KindShare].
func (n MetricName) Kind() MetricKind {
	switch n {
	case DaysToFirstTouch, CycleDays:
		return KindDays
	case TouchesPerWon, TouchesPerLost, ContactsPerAccount, TouchesPerInitialMeeting, FollowUpsPerInitial:
		return KindPerUnit
	case DealSize, BookingsPerMeeting:
		return KindMoney
	}
	return KindShare
}

// Better returns which way the metric improves: [HigherIsBetter],
// [LowerIsBetter] or, for [LeadFlowShare] and names out of range,
// [NoDirection].
func (n MetricName) Better() Better {
	switch n {
	case DaysToFirstTouch, UntouchedOpen, TouchesPerInitialMeeting, HappyEars, CycleDays:
		return LowerIsBetter
	case LeadFlowShare:
		return NoDirection
	}
	if n < 0 || int(n) >= NumMetrics {
		return NoDirection
	}
	return HigherIsBetter
}

// MetricKind says what a metric's parts count and so how it is tested for
// noise in [Diagnose].
type MetricKind int8

const (
	// KindShare is a proportion, Num successes of Den trials, in [0, 1].
	KindShare MetricKind = iota
	// KindPerUnit is a count per unit, Num events (touches, meetings,
	// contacts) over Den units (deals, meetings, accounts); it may pass 1.
	KindPerUnit
	// KindDays is a mean in days: Days, the total over Den observations.
	KindDays
	// KindMoney is money per unit: Money, the total over Den units.
	KindMoney
)

// String returns "share", "per-unit", "days" or "money".
func (k MetricKind) String() string {
	switch k {
	case KindShare:
		return "share"
	case KindPerUnit:
		return "per-unit"
	case KindDays:
		return "days"
	case KindMoney:
		return "money"
	}
	return "MetricKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its [MetricKind.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k MetricKind) MarshalText() ([]byte, error) { return diagText("kind", k, KindMoney) }

// UnmarshalText decodes a kind written by [MetricKind.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k *MetricKind) UnmarshalText(b []byte) error { return diagParse("kind", b, k, KindMoney) }

// Better is the direction in which a metric improves.
type Better int8

const (
	// HigherIsBetter: a rep below the rest of the team is behind.
	HigherIsBetter Better = iota
	// LowerIsBetter: a rep above the rest of the team is behind.
	LowerIsBetter
	// NoDirection: a gap is reported but is neither good nor bad.
	NoDirection
)

// String returns "higher", "lower" or "none".
func (b Better) String() string {
	switch b {
	case HigherIsBetter:
		return "higher"
	case LowerIsBetter:
		return "lower"
	case NoDirection:
		return "none"
	}
	return "Better(" + strconv.Itoa(int(b)) + ")"
}

// MarshalText encodes the direction as its [Better.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (b Better) MarshalText() ([]byte, error) { return diagText("better", b, NoDirection) }

// UnmarshalText decodes a direction written by [Better.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (b *Better) UnmarshalText(t []byte) error { return diagParse("better", t, b, NoDirection) }

// MetricStatus says whether a metric was measured. A missing metric is
// never a zero: its value is null.
type MetricStatus int8

const (
	// NoData is a metric the caller had no data for, such as touches when
	// no activity was given; its parts are not read. It is the zero
	// value, so a zero [Metric] is missing.
	NoData MetricStatus = iota
	// ZeroDenominator is a metric with data but a denominator of 0, such
	// as touches per won deal for a rep without a won deal: undefined,
	// not 0 and not NaN.
	ZeroDenominator
	// Measured is a metric with a positive denominator and a value.
	Measured
)

// String returns "no-data", "zero-denominator" or "measured".
func (s MetricStatus) String() string {
	switch s {
	case NoData:
		return "no-data"
	case ZeroDenominator:
		return "zero-denominator"
	case Measured:
		return "measured"
	}
	return "MetricStatus(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the status as its [MetricStatus.String]; a value
// out of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (s MetricStatus) MarshalText() ([]byte, error) { return diagText("status", s, Measured) }

// UnmarshalText decodes a status written by [MetricStatus.MarshalText];
// anything else is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (s *MetricStatus) UnmarshalText(b []byte) error { return diagParse("status", b, s, Measured) }

// Metric is one micro metric kept with its parts, so that metrics of
// several reps add up (the rest of a team is the sum of its other reps'
// parts) and a gap can be tested for noise. Its value is
//
//	Value = Num / Den    (KindShare, KindPerUnit)
//	Value = Days / Den   (KindDays, in days)
//	Value = Money / Den  (KindMoney, in the currency of the amounts)
//
// and is null unless Status is [Measured]. In JSON every field is present,
// with null for the numerator a kind does not use, and for Value, MoneyPer
// when undefined.
type Metric struct {
	Name   MetricName   `json:"name"`
	Status MetricStatus `json:"status"`
	// Num is the count numerator of a share (successes, <= Den) or of a
	// count per unit (events); 0 for the other kinds.
	Num int64 `json:"num"`
	// Days is the total of days of a [KindDays] metric, >= 0; null for
	// the other kinds.
	Days funnel.NullFloat64 `json:"days"`
	// Money is the total money of a [KindMoney] metric, exact; null for
	// the other kinds.
	Money decimal.NullDecimal `json:"money"`
	// Den is the denominator: trials, deals, meetings, accounts or
	// observations.
	Den int64 `json:"den"`
	// Value is the metric, derived from the parts (a caller's Value is
	// never read). For money it is the quotient as a float64, for gaps and
	// ranking; the money a person reads is MoneyPer.
	Value funnel.NullFloat64 `json:"value"`
	// MoneyPer is Money / Den rounded half to even to cents, for a
	// measured [KindMoney] metric; null otherwise.
	MoneyPer decimal.NullDecimal `json:"money_per"`
}

// CountMetric returns a share or count-per-unit metric from its parts,
// num over den: such as 12 lost deals with three or more meetings of 40
// lost deals (HappyEars), or 180 touches on 20 won deals (TouchesPerWon).
// A den of 0 gives a [ZeroDenominator] metric, missing rather than 0.
//
// It returns a *[funnel.InputError] with Op "ratios.CountMetric" naming
// "name" that wraps [funnel.ErrOutOfRange] for a name out of range or not
// of [KindShare] or [KindPerUnit]; naming "num" or "den" that wraps
// [funnel.ErrNegativeCount] for a negative count; and, for a share,
// naming "num" that wraps [funnel.ErrKExceedsN] when num > den (a share of
// more than all).
func CountMetric(name MetricName, num, den int64) (Metric, error) {
	return newMetric("ratios.CountMetric", Metric{Name: name, Status: Measured, Num: num, Den: den}, KindShare, KindPerUnit)
}

// DaysMetric returns a mean-days metric from its parts: days, the total
// over n observations (such as 60 days to first touch over 20 deals, a
// mean of 3). An n of 0 gives a [ZeroDenominator] metric.
//
// It returns a *[funnel.InputError] with Op "ratios.DaysMetric" naming
// "name" that wraps [funnel.ErrOutOfRange] for a name that is not of
// [KindDays]; naming "days" that wraps [funnel.ErrNotFinite] or
// [funnel.ErrNegative] for a NaN, infinite or negative total, or
// [funnel.ErrOutOfRange] for a positive total over no observation; and
// naming "den" that wraps [funnel.ErrNegativeCount] for a negative n.
func DaysMetric(name MetricName, days float64, n int64) (Metric, error) {
	return newMetric("ratios.DaysMetric", Metric{Name: name, Status: Measured, Days: funnel.Some(days), Den: n}, KindDays)
}

// MoneyMetric returns a money-per-unit metric from its parts: money, the
// total over n units (such as 120000 won over 8 won deals, a deal size of
// 15000). An n of 0 gives a [ZeroDenominator] metric, money or not (deals
// won without a meeting on record have bookings but no bookings per
// meeting).
//
// It returns a *[funnel.InputError] with Op "ratios.MoneyMetric" naming
// "name" that wraps [funnel.ErrOutOfRange] for a name that is not of
// [KindMoney]; naming "money" that wraps the errors of [funnel.CheckAmount];
// and naming "den" that wraps [funnel.ErrNegativeCount] for a negative n.
func MoneyMetric(name MetricName, money decimal.Decimal, n int64) (Metric, error) {
	return newMetric("ratios.MoneyMetric", Metric{Name: name, Status: Measured, Money: decimal.NullDecimal{Decimal: money, Valid: true}, Den: n}, KindMoney)
}

func newMetric(op string, m Metric, kinds ...MetricKind) (Metric, error) {
	if m.Name < 0 || int(m.Name) >= NumMetrics || !slices.Contains(kinds, m.Name.Kind()) {
		return Metric{}, &funnel.InputError{Op: op, Name: "name", Value: m.Name.String(),
			Err: fmt.Errorf("%w: a metric of kind %s, not %s", funnel.ErrOutOfRange, m.Name.Kind(), kinds[0])}
	}
	out, err := m.derive()
	if err != nil {
		return Metric{}, placed(op, "", err)
	}
	return out, nil
}

// derive checks a metric's parts for its kind and returns it with its
// Status, Value and MoneyPer worked out from them. A [NoData] metric comes
// back with its name and nothing else. Errors are *funnel.InputError
// naming the field, without an Op.
func (m Metric) derive() (Metric, error) {
	c, err := m.check()
	if err != nil {
		return Metric{}, err
	}
	return c.valued(), nil
}

// check is derive without the values: it returns the metric's name,
// status and the parts of its kind. Its values are for valued to work out,
// so that a sum of many metrics divides once.
func (m Metric) check() (Metric, error) {
	if m.Name < 0 || int(m.Name) >= NumMetrics {
		return Metric{}, &funnel.InputError{Name: "name", Value: strconv.Itoa(int(m.Name)), Err: funnel.ErrOutOfRange}
	}
	switch m.Status {
	case NoData:
		return Metric{Name: m.Name}, nil
	case ZeroDenominator, Measured:
	default:
		return Metric{}, &funnel.InputError{Name: "status", Value: strconv.Itoa(int(m.Status)), Err: funnel.ErrOutOfRange}
	}
	if m.Den < 0 {
		return Metric{}, &funnel.InputError{Name: "den", Value: strconv.FormatInt(m.Den, 10), Err: funnel.ErrNegativeCount}
	}
	out := Metric{Name: m.Name, Status: ZeroDenominator, Den: m.Den}
	switch kind := m.Name.Kind(); kind {
	case KindShare, KindPerUnit:
		switch {
		case m.Num < 0:
			return Metric{}, &funnel.InputError{Name: "num", Value: strconv.FormatInt(m.Num, 10), Err: funnel.ErrNegativeCount}
		case kind == KindShare && m.Num > m.Den:
			return Metric{}, &funnel.InputError{Name: "num", Value: strconv.FormatInt(m.Num, 10),
				Err: fmt.Errorf("%w: a share of %d of %d", funnel.ErrKExceedsN, m.Num, m.Den)}
		}
		out.Num = m.Num
	case KindDays:
		d := m.Days.Float64
		switch {
		case !m.Days.Valid:
			return Metric{}, &funnel.InputError{Name: "days", Value: "null", Err: fmt.Errorf("%w: a days metric needs its total of days", funnel.ErrNoData)}
		case math.IsNaN(d) || math.IsInf(d, 0):
			return Metric{}, &funnel.InputError{Name: "days", Value: strconv.FormatFloat(d, 'g', -1, 64), Err: funnel.ErrNotFinite}
		case d < 0:
			return Metric{}, &funnel.InputError{Name: "days", Value: strconv.FormatFloat(d, 'g', -1, 64), Err: funnel.ErrNegative}
		case d > 0 && m.Den == 0:
			return Metric{}, &funnel.InputError{Name: "days", Value: strconv.FormatFloat(d, 'g', -1, 64), Err: fmt.Errorf("%w: days over no observation", funnel.ErrOutOfRange)}
		}
		out.Days = funnel.Some(d)
	case KindMoney:
		if !m.Money.Valid {
			return Metric{}, &funnel.InputError{Name: "money", Value: "null", Err: fmt.Errorf("%w: a money metric needs its total", funnel.ErrNoData)}
		}
		if err := funnel.AmountReason(m.Money.Decimal); err != nil {
			return Metric{}, &funnel.InputError{Name: "money", Value: m.Money.Decimal.String(), Err: err}
		}
		out.Money = m.Money
	}
	if m.Den > 0 {
		out.Status = Measured
	}
	return out, nil
}

// add returns the sum of two metrics of the same name: their parts added,
// without values (see valued). A [NoData] metric adds nothing; the sum of
// two is NoData. Sums that pass an int64 or a float64 are an error
// wrapping [funnel.ErrOutOfRange]. Both metrics have been checked.
func (m Metric) add(o Metric) (Metric, error) {
	switch {
	case o.Status == NoData:
		return m, nil
	case m.Status == NoData:
		return o, nil
	}
	s := Metric{Name: m.Name, Status: ZeroDenominator}
	var ok1, ok2 bool
	s.Num, ok1 = num.Add(m.Num, o.Num)
	s.Den, ok2 = num.Add(m.Den, o.Den)
	if !ok1 || !ok2 {
		return Metric{}, &funnel.InputError{Name: "num", Err: fmt.Errorf("%w: sum past an int64", funnel.ErrOutOfRange)}
	}
	if m.Days.Valid {
		d := m.Days.Float64 + o.Days.Float64
		if math.IsInf(d, 0) {
			return Metric{}, &funnel.InputError{Name: "days", Err: fmt.Errorf("%w: sum past a float64", funnel.ErrOutOfRange)}
		}
		s.Days = funnel.Some(d)
	}
	if m.Money.Valid {
		s.Money = decimal.NullDecimal{Decimal: m.Money.Decimal.Add(o.Money.Decimal), Valid: true}
	}
	if s.Den > 0 {
		s.Status = Measured
	}
	return s, nil
}

// valued works out Value and MoneyPer of a checked metric, or of a sum of
// checked metrics, whose parts are valid by construction (a sum of money
// may pass the bound on one amount, which a sum is allowed to).
func (m Metric) valued() Metric {
	m.Value, m.MoneyPer = funnel.NullFloat64{}, decimal.NullDecimal{}
	if m.Status != Measured || m.Den == 0 {
		return m
	}
	switch m.Name.Kind() {
	case KindShare, KindPerUnit:
		m.Value = funnel.Some(float64(m.Num) / float64(m.Den))
	case KindDays:
		m.Value = funnel.Some(m.Days.Float64 / float64(m.Den))
	case KindMoney:
		q, _ := dec.Quo(m.Money.Decimal, decimal.NewFromInt(m.Den))
		m.Value = funnel.Some(q.InexactFloat64())
		m.MoneyPer = decimal.NullDecimal{Decimal: dec.Cents(q), Valid: true}
	}
	return m
}

// RepMetrics are the micro metrics of one rep (or of a team, Rep ""), one
// of each, indexed by [MetricName]: Metrics[WinRate] is the win rate. A
// metric left as the zero [Metric] is missing ([NoData]).
type RepMetrics struct {
	Rep     string             `json:"rep"`
	Metrics [NumMetrics]Metric `json:"metrics"`
}

// NewRepMetrics returns a rep's metrics from the metrics the caller has,
// each placed by its name; the others are missing ([NoData]). Each metric
// is checked as [CountMetric], [DaysMetric] and [MoneyMetric] check their
// parts, and its Status, Value and MoneyPer are worked out from the parts.
// The input is not modified.
//
// It returns a *[funnel.InputError] with Op "ratios.NewRepMetrics" naming
// the metric's place and field, such as "metrics[2].num", that wraps the
// errors of those constructors, [funnel.ErrOutOfRange] for a name or
// status out of range, [funnel.ErrNoData] for a measured metric without
// the numerator of its kind (Days or Money), and [funnel.ErrIncompatible]
// for a name given twice.
func NewRepMetrics(rep string, ms ...Metric) (RepMetrics, error) {
	const op = "ratios.NewRepMetrics"
	r := RepMetrics{Rep: rep}
	for i := range r.Metrics {
		r.Metrics[i].Name = MetricName(i)
	}
	seen := [NumMetrics]bool{}
	for i, m := range ms {
		d, err := m.derive()
		if err != nil {
			return RepMetrics{}, placed(op, fmt.Sprintf("metrics[%d]", i), err)
		}
		if seen[d.Name] {
			return RepMetrics{}, &funnel.InputError{Op: op, Name: fmt.Sprintf("metrics[%d].name", i), Value: d.Name.String(),
				Err: fmt.Errorf("%w: metric given twice", funnel.ErrIncompatible)}
		}
		seen[d.Name] = true
		r.Metrics[d.Name] = d
	}
	return r, nil
}

// checked checks every metric of r and returns its name, status and parts
// (see Metric.check); a missing metric is placed by its index. Errors name
// the field of reps[at], such as "reps[1].metrics[11].num".
func (r RepMetrics) checked(op string, at int) (RepMetrics, error) {
	out := RepMetrics{Rep: r.Rep}
	for i, m := range r.Metrics {
		if m.Status != NoData && m.Name != MetricName(i) {
			return RepMetrics{}, &funnel.InputError{Op: op, Name: fmt.Sprintf("reps[%d].metrics[%d].name", at, i), Value: m.Name.String(),
				Err: fmt.Errorf("%w: metric at the place of %s", funnel.ErrIncompatible, MetricName(i))}
		}
		if m.Status == NoData {
			m.Name = MetricName(i)
		}
		d, err := m.check()
		if err != nil {
			return RepMetrics{}, placed(op, fmt.Sprintf("reps[%d].metrics[%d]", at, i), err)
		}
		out.Metrics[i] = d
	}
	return out, nil
}

// placed gives a field error of a metric its Op and its place.
func placed(op, at string, err error) error {
	var e *funnel.InputError
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Op = op
	if at != "" {
		c.Name = at + "." + c.Name
	}
	return &c
}

// MetricsOptions name the stages and the source that some metrics read.
// The zero value names none: the metrics that need them are then missing
// ([NoData]), and HappyEarsMeetings is 3.
type MetricsOptions struct {
	// Qualified is the stage of a qualified prospect, for
	// InboundQualified and QualifiedToOpportunity.
	Qualified string
	// Opportunity is the stage of an opportunity, after Qualified, for
	// QualifiedToOpportunity and LeadFlowShare.
	Opportunity string
	// InboundSource is the value of the source attribute of leads handed
	// over from lead flow (marketing, inbound), for InboundQualified and
	// LeadFlowShare. It needs counts grouped by owner and source.
	InboundSource string
	// HappyEarsMeetings is N of HappyEars, the meetings at or above which
	// a lost deal counts as happy ears; 0 means 3. It must not be
	// negative.
	HappyEarsMeetings int
}

// MetricsReport is the result of [Measure]: the micro metrics of every rep
// and of the team.
type MetricsReport struct {
	// Team is every deal's metrics, those of blank owners included.
	Team RepMetrics `json:"team"`
	// Reps holds one entry per non-blank rep, sorted by rep.
	Reps []RepMetrics `json:"reps"`
}

// Measure returns the micro metrics of every rep and of the team from the
// two aggregates that hold them: reps, the Counts of a [funnel.Tally]
// grouped by owner, or by owner and source in that order
// (funnel.NewTally(f, "owner", "source")), for the stage and money
// metrics; and activity, the report of [pipeline.Activity] over the same
// deals, for the touch and meeting metrics. Each metric's formula is on
// its [MetricName]; the stage shares are resolved (open deals that have
// not had their chance to reach the later stage are left out of the
// trials, as [funnel.Row.Resolved] does), with q the qualified stage, o the
// opportunity stage and "in" the rep's inbound groups:
//
//	InboundQualified       = Reached_in[q] of (Reached_in[0] − Σ_{j<q} OpenAt_in[j])
//	QualifiedToOpportunity = Reached[o] of (Reached[q] − Σ_{q<=j<o} OpenAt[j])
//	LeadFlowShare          = Reached_in[o] of Reached[o]
//	HappyEars              = lost deals with >= N meetings of lost deals
//	UntouchedOpen          = open deals with no touch of open deals
//
// Either aggregate may be left out (nil reps, the zero ActivityReport):
// the metrics that need it are then missing ([NoData]), never zero, as are
// those that need an option that is not set, UntouchedOpen and HappyEars
// when the report lists no deals, and, for a rep that only one aggregate
// names, the other aggregate's metrics. A rep without inbound leads has an
// InboundQualified of 0 of 0, undefined ([ZeroDenominator]). A rep is
// named by its owner; blank owners (only white space) are in Team only, as
// pipeline.Activity does. The inputs are not modified.
//
// Errors have Op "ratios.Measure": a *[funnel.InputError] wrapping
// [funnel.ErrEmptyFunnel] for a funnel without stages, [funnel.ErrNoData]
// when neither aggregate names a rep, [funnel.ErrIncompatible] for counts
// whose keys are not [owner] or [owner, source] throughout, the errors of
// [funnel.Sum] for invalid counts (naming "reps[i]"), [funnel.ErrOutOfRange]
// for a negative HappyEarsMeetings or an Opportunity stage not after
// Qualified, and, naming the place in the activity report, such as
// "activity.deals[3].touches", [funnel.ErrNegativeCount] for a negative
// count, [funnel.ErrNotFinite] or [funnel.ErrNegative] for a bad number of
// days, [funnel.ErrOutOfRange] for an outcome out of range or a sum past
// an int64 and [funnel.ErrIncompatible] for an owner listed twice; a
// *[funnel.StageError] wrapping [funnel.ErrUnknownStage] for a stage name
// not in the funnel, or [funnel.ErrCountsRise] for counts whose open deals
// leave fewer resolved deals than reached a later stage.
func Measure(f funnel.Funnel, reps []funnel.Counts, activity pipeline.ActivityReport, opts *MetricsOptions) (MetricsReport, error) {
	const op = "ratios.Measure"
	var o MetricsOptions
	if opts != nil {
		o = *opts
	}
	if f.Len() == 0 {
		return MetricsReport{}, &funnel.InputError{Op: op, Name: "funnel", Err: funnel.ErrEmptyFunnel}
	}
	st, err := measureStages(op, f, o)
	if err != nil {
		return MetricsReport{}, err
	}
	act, err := checkActivity(op, activity, st.happy)
	if err != nil {
		return MetricsReport{}, err
	}
	var names []string
	bySource := false
	if len(reps) > 0 {
		if _, err := team(op, f, reps); err != nil {
			return MetricsReport{}, err
		}
		bySource = len(reps[0].Key) == 2
		for i, c := range reps {
			if l := len(c.Key); l != 1 && l != 2 || (l == 2) != bySource {
				return MetricsReport{}, &funnel.InputError{Op: op, Name: fmt.Sprintf("reps[%d].key", i), Value: fmt.Sprintf("%q", c.Key),
					Err: fmt.Errorf("%w: want [owner] or [owner, source] throughout, got %d values", funnel.ErrIncompatible, l)}
			}
			if !blank(c.Key[0]) {
				names = append(names, c.Key[0])
			}
		}
	}
	for _, oa := range activity.Owners {
		if !blank(oa.Owner) {
			names = append(names, oa.Owner)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return MetricsReport{}, &funnel.InputError{Op: op, Name: "reps", Value: "none", Err: fmt.Errorf("%w: no rep in the counts or the activity", funnel.ErrNoData)}
	}

	mc := measurer{op: op, f: f, st: st, reps: reps, bySource: bySource && o.InboundSource != "", inbound: o.InboundSource}
	rep := MetricsReport{Reps: make([]RepMetrics, len(names))}
	rep.Team, err = mc.measure("", func(string) bool { return true }, act, act.team, act.teamOK)
	if err != nil {
		return MetricsReport{}, err
	}
	for i, name := range names {
		oa, ok := act.owners[name]
		rep.Reps[i], err = mc.measure(name, func(k string) bool { return k == name }, act, oa, ok)
		if err != nil {
			return MetricsReport{}, err
		}
	}
	return rep, nil
}

// stages are the stage indices and the threshold that Measure reads; -1
// for a stage not named.
type stages struct {
	q, o, happy int
}

func measureStages(op string, f funnel.Funnel, o MetricsOptions) (stages, error) {
	st := stages{q: -1, o: -1, happy: o.HappyEarsMeetings}
	if st.happy < 0 {
		return stages{}, &funnel.InputError{Op: op, Name: "HappyEarsMeetings", Value: strconv.Itoa(st.happy), Err: fmt.Errorf("%w: want at least 0", funnel.ErrOutOfRange)}
	}
	if st.happy == 0 {
		st.happy = 3
	}
	for _, s := range []struct {
		name string
		at   *int
	}{{o.Qualified, &st.q}, {o.Opportunity, &st.o}} {
		if s.name == "" {
			continue
		}
		k, err := f.Index(s.name)
		if err != nil {
			return stages{}, funnel.WithOp(op, err)
		}
		*s.at = k
	}
	if st.q >= 0 && st.o >= 0 && st.o <= st.q {
		return stages{}, &funnel.InputError{Op: op, Name: "Opportunity", Value: strconv.Quote(o.Opportunity),
			Err: fmt.Errorf("%w: the opportunity stage must come after the qualified stage %q", funnel.ErrOutOfRange, o.Qualified)}
	}
	return st, nil
}

// ownerActivity is what Measure reads of one owner's (or the team's)
// activity: the owner's ratios and the per-deal counts it needs.
type ownerActivity struct {
	oa              pipeline.OwnerActivity
	open, untouched int64 // open deals listed, and those never touched
	lost, happy     int64 // lost deals listed, and those with >= N meetings
}

// activityIndex is an activity report checked and indexed by owner.
type activityIndex struct {
	team   ownerActivity
	teamOK bool // whether the report holds any activity
	listed bool // whether it lists deals, for the per-deal counts
	owners map[string]ownerActivity
}

// checkActivity checks the parts of an activity report that Measure reads
// and indexes it by owner. happy is N of HappyEars.
func checkActivity(op string, a pipeline.ActivityReport, happy int) (activityIndex, error) {
	ix := activityIndex{owners: map[string]ownerActivity{}, listed: len(a.Deals) > 0}
	ix.teamOK = len(a.Owners) > 0 || len(a.Deals) > 0 || a.Team.Deals > 0
	if err := checkOwner(op, "activity.team", a.Team); err != nil {
		return activityIndex{}, err
	}
	ix.team.oa = a.Team
	for i, oa := range a.Owners {
		at := fmt.Sprintf("activity.owners[%d]", i)
		if err := checkOwner(op, at, oa); err != nil {
			return activityIndex{}, err
		}
		if _, dup := ix.owners[oa.Owner]; dup {
			return activityIndex{}, &funnel.InputError{Op: op, Name: at + ".owner", Value: strconv.Quote(oa.Owner), Err: fmt.Errorf("%w: owner listed twice", funnel.ErrIncompatible)}
		}
		ix.owners[oa.Owner] = ownerActivity{oa: oa}
	}
	// The per-deal counts are of deals listed, so they cannot pass an
	// int64.
	for i, d := range a.Deals {
		at := fmt.Sprintf("activity.deals[%d]", i)
		switch {
		case d.Touches < 0:
			return activityIndex{}, &funnel.InputError{Op: op, Name: at + ".touches", Value: strconv.Itoa(d.Touches), Err: funnel.ErrNegativeCount}
		case d.Meetings < 0:
			return activityIndex{}, &funnel.InputError{Op: op, Name: at + ".meetings", Value: strconv.Itoa(d.Meetings), Err: funnel.ErrNegativeCount}
		case d.Outcome < funnel.Open || d.Outcome > funnel.Lost:
			return activityIndex{}, &funnel.InputError{Op: op, Name: at + ".outcome", Value: strconv.Itoa(int(d.Outcome)), Err: funnel.ErrOutOfRange}
		}
		add := func(x *ownerActivity) {
			switch d.Outcome {
			case funnel.Open:
				x.open++
				if d.Touches == 0 {
					x.untouched++
				}
			case funnel.Lost:
				x.lost++
				if d.Meetings >= happy {
					x.happy++
				}
			}
		}
		add(&ix.team)
		if x, ok := ix.owners[d.Owner]; ok {
			add(&x)
			ix.owners[d.Owner] = x
		}
	}
	return ix, nil
}

// checkOwner checks the figures of one owner's activity that Measure
// reads.
func checkOwner(op, at string, oa pipeline.OwnerActivity) error {
	for _, v := range []struct {
		name string
		v    int64
	}{
		{"touches_per_won.num", oa.TouchesPerWon.Num}, {"touches_per_won.den", oa.TouchesPerWon.Den},
		{"touches_per_lost.num", oa.TouchesPerLost.Num}, {"touches_per_lost.den", oa.TouchesPerLost.Den},
		{"touches_per_open.num", oa.TouchesPerOpen.Num}, {"touches_per_open.den", oa.TouchesPerOpen.Den},
		{"meetings_per_deal.num", oa.MeetingsPerDeal.Num}, {"meetings_per_deal.den", oa.MeetingsPerDeal.Den},
		{"follow_ups_per_initial.num", oa.FollowUpsPerInitial.Num}, {"follow_ups_per_initial.den", oa.FollowUpsPerInitial.Den},
		{"contacts_per_account.num", oa.ContactsPerAccount.Num}, {"contacts_per_account.den", oa.ContactsPerAccount.Den},
		{"days_to_first_touch.n", oa.DaysToFirstTouch.N},
	} {
		if v.v < 0 {
			return &funnel.InputError{Op: op, Name: at + "." + v.name, Value: strconv.FormatInt(v.v, 10), Err: funnel.ErrNegativeCount}
		}
	}
	d := oa.DaysToFirstTouch.Days
	switch {
	case d.Valid && (math.IsNaN(d.Float64) || math.IsInf(d.Float64, 0)):
		return &funnel.InputError{Op: op, Name: at + ".days_to_first_touch.days", Value: strconv.FormatFloat(d.Float64, 'g', -1, 64), Err: funnel.ErrNotFinite}
	case d.Valid && d.Float64 < 0:
		return &funnel.InputError{Op: op, Name: at + ".days_to_first_touch.days", Value: strconv.FormatFloat(d.Float64, 'g', -1, 64), Err: funnel.ErrNegative}
	case d.Valid != (oa.DaysToFirstTouch.N > 0):
		return &funnel.InputError{Op: op, Name: at + ".days_to_first_touch", Value: d.String(),
			Err: fmt.Errorf("%w: a mean over %d observations", funnel.ErrOutOfRange, oa.DaysToFirstTouch.N)}
	}
	return nil
}

// measurer measures the metrics of one rep, or of the team.
type measurer struct {
	op       string
	f        funnel.Funnel
	st       stages
	reps     []funnel.Counts
	bySource bool // counts grouped by owner and source, and an inbound source named
	inbound  string
}

// measure returns the metrics of the groups whose owner match accepts and
// of the activity oa (when ok).
func (mc measurer) measure(name string, match func(owner string) bool, ix activityIndex, oa ownerActivity, ok bool) (RepMetrics, error) {
	var ms []Metric
	var first error // the first error of put
	put := func(m Metric, err error) {
		switch {
		case err != nil && first == nil:
			first = placed(mc.op, "", err)
		case err == nil:
			ms = append(ms, m)
		}
	}
	var all, in []funnel.Counts
	for _, c := range mc.reps {
		if match(c.Key[0]) {
			all = append(all, c)
			if mc.bySource && c.Key[1] == mc.inbound {
				in = append(in, c)
			}
		}
	}
	var c funnel.Counts
	if len(all) > 0 {
		var err error
		if c, err = funnel.Sum(mc.f, all); err != nil {
			return RepMetrics{}, renamed(mc.op, err)
		}
		cin, err := funnel.Sum(mc.f, in) // no groups give zero counts
		if err != nil {
			return RepMetrics{}, renamed(mc.op, err)
		}
		put(CountMetric(WinRate, c.Won, c.Won+c.Lost)) // Check keeps Won + Lost <= Deals
		put(MoneyMetric(DealSize, c.WonAmount, c.WonWithAmount))
		put(DaysMetric(CycleDays, float64(c.WonCycle.Seconds())/secondsPerDay, c.WonCycle.N()))
		if q, o := mc.st.q, mc.st.o; q >= 0 && o >= 0 {
			put(mc.resolved(name, QualifiedToOpportunity, c, q, o))
		}
		if q := mc.st.q; q >= 0 && mc.bySource {
			put(mc.resolved(name, InboundQualified, cin, 0, q))
		}
		if o := mc.st.o; o >= 0 && mc.bySource {
			put(CountMetric(LeadFlowShare, cin.Reached[o], c.Reached[o]))
		}
	}
	if ok {
		a := oa.oa
		first := a.DaysToFirstTouch
		touches, ok1 := num.Add(a.TouchesPerWon.Num, a.TouchesPerLost.Num)
		touches, ok2 := num.Add(touches, a.TouchesPerOpen.Num)
		if !ok1 || !ok2 {
			return RepMetrics{}, &funnel.InputError{Op: mc.op, Name: "activity", Value: strconv.Quote(name), Err: fmt.Errorf("%w: touches past an int64", funnel.ErrOutOfRange)}
		}
		put(DaysMetric(DaysToFirstTouch, first.Days.Float64*float64(first.N), first.N))
		put(CountMetric(TouchesPerWon, a.TouchesPerWon.Num, a.TouchesPerWon.Den))
		put(CountMetric(TouchesPerLost, a.TouchesPerLost.Num, a.TouchesPerLost.Den))
		put(CountMetric(ContactsPerAccount, a.ContactsPerAccount.Num, a.ContactsPerAccount.Den))
		put(CountMetric(FollowUpsPerInitial, a.FollowUpsPerInitial.Num, a.FollowUpsPerInitial.Den))
		put(CountMetric(TouchesPerInitialMeeting, touches, a.FollowUpsPerInitial.Den))
		if ix.listed {
			put(CountMetric(UntouchedOpen, oa.untouched, oa.open))
			put(CountMetric(HappyEars, oa.happy, oa.lost))
		}
		if len(all) > 0 {
			put(MoneyMetric(BookingsPerMeeting, c.WonAmount, a.MeetingsPerDeal.Num))
		}
	}
	if first != nil {
		return RepMetrics{}, first
	}
	r, err := NewRepMetrics(name, ms...)
	if err != nil {
		return RepMetrics{}, placed(mc.op, "", err)
	}
	return r, nil
}

// secondsPerDay converts a sum of seconds to days.
const secondsPerDay = 24 * 60 * 60

// resolved returns the share of the deals that reached stage from and
// have had their chance to reach stage to that did:
//
//	Reached[to] of (Reached[from] − Σ_{from<=j<to} OpenAt[j])
func (mc measurer) resolved(name string, m MetricName, c funnel.Counts, from, to int) (Metric, error) {
	trials := c.Reached[from]
	for j := from; j < to; j++ {
		trials -= c.OpenAt[j] // no wrap: counts are at most Deals
	}
	if c.Reached[to] > trials {
		return Metric{}, &funnel.StageError{Op: mc.op, Input: fmt.Sprintf("counts of %q", name), Stage: mc.f.Stage(to), Index: to,
			Err: fmt.Errorf("%w: %d reached it of %d resolved at stage %q", funnel.ErrCountsRise, c.Reached[to], trials, mc.f.Stage(from))}
	}
	return CountMetric(m, c.Reached[to], trials)
}

// diagText encodes one of this file's enumerations as its name; a value
// out of range is a *funnel.InputError naming what.
func diagText[T enum.Enum](what string, v, last T) ([]byte, error) {
	b, ok := enum.Text(v, last)
	if !ok {
		return nil, &funnel.InputError{Op: "ratios", Name: what, Value: strconv.Itoa(int(v)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// diagParse decodes the name of one of this file's enumerations; an
// unknown name is a *funnel.InputError naming what.
func diagParse[T enum.Enum](what string, b []byte, dst *T, last T) error {
	v, ok := enum.Parse(b, last)
	if !ok {
		s := string(b)
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return &funnel.InputError{Op: "ratios", Name: what, Value: strconv.Quote(s), Err: funnel.ErrOutOfRange}
	}
	*dst = v
	return nil
}
