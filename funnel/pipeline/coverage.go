package pipeline

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dates"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/shopspring/decimal"
)

// Category is a forecast category: where a manager puts an open deal in
// the forecast call. [CategoryRules] say which deals go where.
type Category int8

// The forecast categories, from the most to the least certain.
const (
	// CategoryCommit holds the deals the rep commits to close.
	CategoryCommit Category = iota
	// CategoryBestCase holds the deals that may close if things go well.
	CategoryBestCase
	// CategoryPipeline holds the deals still being worked.
	CategoryPipeline
	// CategoryOmitted holds the open deals that match no rule.
	CategoryOmitted
)

// NumCategories is the number of categories; [RepCoverage.Categories]
// has one entry for each, in [Category] order.
const NumCategories = 4

// String returns "commit", "best case", "pipeline" or "omitted".
func (c Category) String() string {
	switch c {
	case CategoryCommit:
		return "commit"
	case CategoryBestCase:
		return "best case"
	case CategoryPipeline:
		return "pipeline"
	case CategoryOmitted:
		return "omitted"
	}
	return fmt.Sprintf("Category(%d)", int8(c))
}

// MarshalText encodes the category as its [Category.String]; a value out
// of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (c Category) MarshalText() ([]byte, error) {
	b, ok := enum.Text(c, CategoryOmitted)
	if !ok {
		return nil, &funnel.InputError{Op: op("Category.MarshalText"), Name: "category", Value: strconv.Itoa(int(c)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// UnmarshalText decodes a name that [Category.String] returns; any other
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange], and c is
// then unchanged.
func (c *Category) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, CategoryOmitted)
	if !ok {
		return &funnel.InputError{Op: op("Category.UnmarshalText"), Name: "category", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*c = v
	return nil
}

// ProbabilityScale says how a CRM's probability column is written.
type ProbabilityScale int8

const (
	// ProbabilityPercent reads the column as a percent from 0 to 100, as
	// Salesforce's "Probability (%)" is exported; a trailing "%" is
	// allowed. It is the default.
	ProbabilityPercent ProbabilityScale = iota
	// ProbabilityFraction reads it as a fraction from 0 to 1, as
	// HubSpot's "Deal probability" is exported.
	ProbabilityFraction
)

// String returns "percent" or "fraction".
func (s ProbabilityScale) String() string {
	switch s {
	case ProbabilityPercent:
		return "percent"
	case ProbabilityFraction:
		return "fraction"
	}
	return fmt.Sprintf("ProbabilityScale(%d)", int8(s))
}

// MarshalText encodes the scale as its [ProbabilityScale.String]; a value
// out of range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (s ProbabilityScale) MarshalText() ([]byte, error) {
	b, ok := enum.Text(s, ProbabilityFraction)
	if !ok {
		return nil, &funnel.InputError{Op: op("ProbabilityScale.MarshalText"), Name: "probability scale", Value: strconv.Itoa(int(s)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// UnmarshalText decodes "percent" or "fraction"; anything else is a
// *[funnel.InputError] wrapping [funnel.ErrOutOfRange], and s is then
// unchanged.
func (s *ProbabilityScale) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, ProbabilityFraction)
	if !ok {
		return &funnel.InputError{Op: op("ProbabilityScale.UnmarshalText"), Name: "probability scale", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*s = v
	return nil
}

// CategoryRule is what an open deal must meet to fall in a forecast
// category. Every condition set must hold; the zero rule holds for every
// open deal.
type CategoryRule struct {
	// MinStage is the name of the earliest stage the deal must be at (its
	// stage at the date, as [Coverage] defines it) or beyond; "" means
	// any stage.
	MinStage string `json:"min_stage,omitempty"`
	// MinProbability is the least probability the deal must have, a
	// fraction in [0, 1]; 0 means no condition. The probability is the
	// measured P(win | stage) ([CoverageReport.StageWin]) or, with CRM, the
	// CRM's own (see [CoverageOptions.Probability]). A deal whose
	// probability is not known (its stage has no closed deal behind it, or
	// it has no CRM value) does not meet a condition above 0.
	MinProbability float64 `json:"min_probability,omitempty"`
	// CRM makes MinProbability apply to the CRM's probability instead of
	// the measured one; it needs [CoverageOptions.Probability].
	CRM bool `json:"crm,omitempty"`
	// InPeriod requires the deal's expected close to fall in the period
	// [from, to); a deal with no expected close does not meet it.
	InPeriod bool `json:"in_period,omitempty"`
}

// CategoryRules set the forecast categories. A deal open at the date goes
// to the first category whose rule it meets, in the order commit, best
// case, pipeline; a deal that meets none, or whose categories have no rule
// (nil), is omitted. The zero CategoryRules omits every deal.
type CategoryRules struct {
	Commit   *CategoryRule `json:"commit,omitempty"`
	BestCase *CategoryRule `json:"best_case,omitempty"`
	Pipeline *CategoryRule `json:"pipeline,omitempty"`
}

// CoverageOptions are the choices of [Coverage]; the zero value groups by
// owner, sets no quota, reads no CRM probability and omits every deal
// from the categories.
type CoverageOptions struct {
	// GroupBy is the attribute that names a rep (see [funnel.Deal.Attr]);
	// "" means [funnel.AttrOwner]. Deals whose value is blank count in the
	// team only.
	GroupBy string `json:"group_by,omitempty"`
	// Quotas maps a rep to the quota of the period. A rep named here is
	// in the report even without a deal.
	Quotas map[string]decimal.Decimal `json:"quotas,omitempty"`
	// Quota, when Valid, is the quota of the period of every rep with a
	// deal that Quotas does not name.
	Quota decimal.NullDecimal `json:"quota"`
	// Probability names the attribute that holds the CRM's probability of
	// each deal (such as "probability" for a column of that header); ""
	// means the CRM's probability is not read.
	Probability string `json:"probability,omitempty"`
	// ProbabilityScale says how that column is written.
	ProbabilityScale ProbabilityScale `json:"probability_scale"`
	// Rules set the forecast categories.
	Rules CategoryRules `json:"rules"`
}

// CoverageReport is the forecast view of the open pipeline at a date, for
// a quota period [From, To): coverage, weighted pipeline and forecast
// categories, for the team and per rep.
type CoverageReport struct {
	At   time.Time `json:"at"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// StageWin[k] is the chance that a deal at stage k ends won, by the
	// record of the deals closed at or before At: of those that reached
	// stage k (implied reach), the share won,
	// [funnel.Counts.WinProbability]. It is kept with its counts; one of
	// no closed deals (N = 0) is undefined. The last stage has 1 (every
	// won deal reached it) when any deal was won.
	StageWin []funnel.Rate `json:"stage_win"`
	// Team sums every deal, those with a blank rep included.
	Team RepCoverage `json:"team"`
	// Reps holds one entry per rep, sorted by name.
	Reps []RepCoverage `json:"reps"`
	// NoRep counts the deals with a blank rep, in Team only.
	NoRep int `json:"no_rep"`
	// Undated counts the deals left out because they cannot be placed in
	// time (see [HealthReport]).
	Undated int `json:"undated"`
}

// RepCoverage is the forecast view of one rep, or of the team (Rep "").
//
//	ToGo     = max(0, Quota − Won.Amount)
//	Coverage = Pipeline.Amount / ToGo
//	Weighted = Σ amount × StageWin[stage]     over Pipeline's priced deals
//	CRMWeighted = Σ amount × CRM probability  over the same
//
// Coverage is a multiple (3 is "3× covered"), computed from exact sums;
// money is rounded half to even to cents.
type RepCoverage struct {
	Rep string `json:"rep"`
	// Quota is the period's quota, null when the rep has none. The team's
	// is the sum of its reps' quotas, null when no rep has one.
	Quota decimal.NullDecimal `json:"quota"`
	// Won holds the deals won from From to At, both included.
	Won PipelineValue `json:"won"`
	// ToGo is the quota still to book, null without a quota; Met is set
	// when it is zero: the quota is met and coverage is undefined.
	ToGo decimal.NullDecimal `json:"to_go"`
	Met  bool                `json:"met"`
	// Open holds every deal open at At; Pipeline those of them whose
	// expected close falls in [From, To). NoExpectedClose counts the open
	// deals without an expected close, which are in no period.
	Open            PipelineValue `json:"open"`
	Pipeline        PipelineValue `json:"pipeline"`
	NoExpectedClose int           `json:"no_expected_close"`
	// Coverage is Pipeline.Amount / ToGo, null without a quota or when the
	// quota is met.
	Coverage funnel.NullFloat64 `json:"coverage"`
	// ByStage splits Pipeline by the deals' stage, one entry per stage
	// before the last.
	ByStage []StageCoverage `json:"by_stage"`
	// Weighted is the pipeline weighted by the measured stage win
	// probabilities, null when a priced deal of Pipeline is at a stage
	// whose probability is undefined.
	Weighted decimal.NullDecimal `json:"weighted"`
	// CRMWeighted is the pipeline weighted by the CRM's probabilities,
	// null when [CoverageOptions.Probability] is not set; the priced
	// deals of Pipeline without a CRM value are left out of it and
	// counted in NoProbability.
	CRMWeighted   decimal.NullDecimal `json:"crm_weighted"`
	NoProbability int                 `json:"no_probability"`
	// Categories holds the open deals (Open) of each forecast category,
	// one entry per [Category] in order; their Deals sum to Open.Deals.
	Categories []CategoryValue `json:"categories"`
}

// StageCoverage is the part of a rep's period pipeline at one stage.
type StageCoverage struct {
	Stage     int           `json:"stage"`
	StageName string        `json:"stage_name"`
	Pipeline  PipelineValue `json:"pipeline"`
	// Coverage is Pipeline.Amount / the rep's ToGo, null when the rep's
	// coverage is.
	Coverage funnel.NullFloat64 `json:"coverage"`
	// Weighted is Pipeline.Amount × StageWin[Stage], null when that
	// probability is undefined and the stage holds a priced deal.
	Weighted decimal.NullDecimal `json:"weighted"`
}

// CategoryValue is the count and money of one forecast category.
type CategoryValue struct {
	Category Category `json:"category"`
	PipelineValue
}

// Coverage reads a stream of deals (a reader of package funnel/crm, or
// [funnel.Stream] of a slice) as they stood at the date at, and reports
// for the quota period [from, to), per rep and for the team, what a
// forecast call reads beside the quota forecast of package velocity:
//
//	coverage          = open pipeline closing in [from, to) / (quota − won in [from, at])
//	by stage          = that pipeline at each stage / (quota − won)
//	weighted pipeline = Σ amount × P(win | stage), P measured from the deals closed by at
//	CRM weighted      = Σ amount × the CRM's probability
//	categories        = commit, best case, pipeline, omitted, by the caller's rules
//
// The period runs from from, included, to to, excluded, as
// velocity.QuotaPeriod and [funnel.Period] do, so a deal won or expected
// on the first day of a quarter, written as a date at midnight, is in it.
// at must be before to; it may be before from, for next period's
// coverage, when nothing is won yet.
//
// The deals are placed in time as [Health] places them: a deal is open at
// at when it started at or before at and was not won or lost at or before
// at; a deal that cannot be placed in time is counted in Undated. A deal's
// stage at at is the furthest stage below the last that it entered by at
// (events without a time count, as nothing says they came later), or the
// first stage when it entered none: the stage by which P(win | stage)
// ([funnel.Counts.WinProbability], as velocity.BuildForecast measures
// StageWin) is measured over the deals closed at or before at (a deal
// closing at the instant at is closed here, consistent with its being
// won so far; velocity.BuildForecast, which counts deals closed before
// AsOf, still sees it open). The amount,
// the expected close and the CRM's probability are the deal's only
// (current) values. A deal without an amount is counted as Unpriced,
// never as zero.
//
// The CRM's probability is read from the attribute opts.Probability: a
// number in [0, 100] (ProbabilityPercent, a trailing "%" allowed) or [0, 1]
// (ProbabilityFraction); an empty value is no probability. The rule is
// stated, not guessed from the values, since "1" is 1% in one CRM and 100%
// in another.
//
// The stream is read once and no deal is kept: memory is in proportion to
// the reps and stages. Duplicate ids are not detected (the readers of
// package funnel/crm reject them). ctx is checked as the deals are read;
// when it is cancelled Coverage returns ctx.Err(). No deals give a report
// with empty figures. The deals and the options are not modified.
//
// Errors: the stream's own error, as it is; a deal that fails
// [funnel.Deal.Validate] as its *[funnel.DealError] with Op
// "pipeline.Coverage"; a *[funnel.DealError] wrapping [funnel.ErrZeroDate]
// for a date of a deal the model cannot hold, or [funnel.ErrRateRange]
// (outside the scale), [funnel.ErrOutOfRange] (not a number) for a bad
// CRM probability of an open deal; a *[funnel.InputError] wrapping
// [funnel.ErrEmptyFunnel] for a funnel with no stage,
// [funnel.ErrOutOfRange] for a funnel of one stage or a scale out of
// range, [funnel.ErrZeroDate] for a missing date or one the model cannot
// hold, [funnel.ErrDateOrder] for to not after from or at not before to,
// [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange] for a bad quota,
// [funnel.ErrUnknownStage] for a rule's unknown MinStage,
// [funnel.ErrNotFinite] or [funnel.ErrRateRange] for a rule's bad
// MinProbability, and [funnel.ErrNoData] for a rule on the CRM's
// probability when opts.Probability is not set.
func Coverage(ctx context.Context, f funnel.Funnel, deals iter.Seq2[funnel.Deal, error], at, from, to time.Time, opts CoverageOptions) (CoverageReport, error) {
	const fn = "Coverage"
	cfg, err := checkCoverage(fn, f, at, from, to, opts)
	if err != nil {
		return CoverageReport{}, err
	}
	acc := coverageAcc{cfg: cfg, reps: map[string]*repAcc{}, closed: funnel.NewTally(f), team: newRepAcc(cfg.last)}
	for name := range opts.Quotas {
		acc.rep(name)
	}
	var n int
	for d, err := range deals {
		if err != nil {
			return CoverageReport{}, err
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return CoverageReport{}, err
			}
		}
		if err := acc.add(fn, &d); err != nil {
			return CoverageReport{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return CoverageReport{}, err
	}
	return acc.report(), nil
}

// coverageConfig is the checked input of [Coverage].
type coverageConfig struct {
	f            funnel.Funnel
	last         int
	at, from, to time.Time
	opts         CoverageOptions
	attr         string
	rules        [NumCategories - 1]*rule
}

// rule is a checked [CategoryRule].
type rule struct {
	minStage int
	minP     float64
	crm      bool
	inPeriod bool
}

func checkCoverage(fn string, f funnel.Funnel, at, from, to time.Time, opts CoverageOptions) (coverageConfig, error) {
	switch f.Len() {
	case 0:
		return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: "funnel", Err: funnel.ErrEmptyFunnel}
	case 1:
		return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: "funnel", Value: f.String(), Err: fmt.Errorf("%w: coverage needs at least one open stage and the won stage", funnel.ErrOutOfRange)}
	}
	if err := checkDate(fn, "at", at); err != nil {
		return coverageConfig{}, err
	}
	if err := checkRange(fn, "from", "to", from, to); err != nil {
		return coverageConfig{}, err
	}
	if !at.Before(to) {
		return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: "at", Value: dateString(at), Err: fmt.Errorf("%w: not before to %s", funnel.ErrDateOrder, dateString(to))}
	}
	for _, rep := range slices.Sorted(maps.Keys(opts.Quotas)) { // the first bad quota by name, the same every run
		if err := funnel.AmountReason(opts.Quotas[rep]); err != nil {
			return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: fmt.Sprintf("Quotas[%q]", rep), Value: opts.Quotas[rep].String(), Err: err}
		}
	}
	if opts.Quota.Valid {
		if err := funnel.AmountReason(opts.Quota.Decimal); err != nil {
			return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: "Quota", Value: opts.Quota.Decimal.String(), Err: err}
		}
	}
	if opts.ProbabilityScale < ProbabilityPercent || opts.ProbabilityScale > ProbabilityFraction {
		return coverageConfig{}, &funnel.InputError{Op: op(fn), Name: "ProbabilityScale", Value: strconv.Itoa(int(opts.ProbabilityScale)), Err: funnel.ErrOutOfRange}
	}
	cfg := coverageConfig{f: f, last: f.Len() - 1, at: at, from: from, to: to, opts: opts, attr: opts.GroupBy}
	if cfg.attr == "" {
		cfg.attr = funnel.AttrOwner
	}
	for i, r := range [...]struct {
		name string
		r    *CategoryRule
	}{{"Commit", opts.Rules.Commit}, {"BestCase", opts.Rules.BestCase}, {"Pipeline", opts.Rules.Pipeline}} {
		if r.r == nil {
			continue
		}
		c, err := checkRule(fn, "Rules."+r.name, f, *r.r, opts.Probability != "")
		if err != nil {
			return coverageConfig{}, err
		}
		cfg.rules[i] = &c
	}
	return cfg, nil
}

func checkRule(fn, name string, f funnel.Funnel, r CategoryRule, haveCRM bool) (rule, error) {
	c := rule{minP: r.MinProbability, crm: r.CRM, inPeriod: r.InPeriod}
	if r.MinStage != "" {
		k, err := f.Index(r.MinStage)
		if err != nil {
			return rule{}, &funnel.InputError{Op: op(fn), Name: name + ".MinStage", Value: strconv.Quote(r.MinStage), Err: funnel.ErrUnknownStage}
		}
		c.minStage = k
	}
	p := r.MinProbability
	switch {
	case math.IsNaN(p) || math.IsInf(p, 0):
		return rule{}, &funnel.InputError{Op: op(fn), Name: name + ".MinProbability", Value: fmt.Sprint(p), Err: funnel.ErrNotFinite}
	case p < 0 || p > 1:
		return rule{}, &funnel.InputError{Op: op(fn), Name: name + ".MinProbability", Value: fmt.Sprint(p), Err: funnel.ErrRateRange}
	}
	if r.CRM && !haveCRM {
		return rule{}, &funnel.InputError{Op: op(fn), Name: name + ".CRM", Value: "true", Err: fmt.Errorf("%w: no Probability attribute is named", funnel.ErrNoData)}
	}
	return c, nil
}

// repAcc accumulates one rep's figures with exact sums.
type repAcc struct {
	quota   decimal.NullDecimal
	won     PipelineValue
	open    PipelineValue
	period  PipelineValue
	stages  []PipelineValue // period pipeline by stage
	crm     decimal.Decimal
	noProb  int
	noClose int
	// meets[k][m] sums the open deals at stage k that meet the rules of
	// the bit mask m (bit i for rule i) in all but the measured
	// probability, which is known only once every deal is read; the
	// categories are decided from it at the end.
	meets [][1 << (NumCategories - 1)]PipelineValue
}

func newRepAcc(last int) *repAcc {
	return &repAcc{stages: make([]PipelineValue, last), meets: make([][1 << (NumCategories - 1)]PipelineValue, last)}
}

type coverageAcc struct {
	cfg     coverageConfig
	reps    map[string]*repAcc
	team    *repAcc
	closed  *funnel.Tally // deals closed at or before at
	noRep   int
	undated int
}

func (a *coverageAcc) rep(name string) *repAcc {
	r := a.reps[name]
	if r == nil {
		r = newRepAcc(a.cfg.last)
		if q, ok := a.cfg.opts.Quotas[name]; ok {
			r.quota = decimal.NullDecimal{Decimal: q, Valid: true}
		} else {
			r.quota = a.cfg.opts.Quota
		}
		a.reps[name] = r
	}
	return r
}

// add reads one deal.
func (a *coverageAcc) add(fn string, d *funnel.Deal) error {
	cfg := &a.cfg
	if err := d.Validate(cfg.f); err != nil {
		return funnel.WithOp(op(fn), err)
	}
	if err := dates.Deal(d); err != nil {
		return &funnel.DealError{Op: op(fn), ID: d.ID, Err: err}
	}
	tl, ok := place(d)
	if !ok {
		a.undated++
		return nil
	}
	if !tl.startedBy(cfg.at) {
		return nil
	}
	name := d.Attr(cfg.attr)
	var r *repAcc
	if strings.TrimSpace(name) == "" {
		a.noRep++
	} else {
		r = a.rep(name)
	}
	if tl.closedBy(cfg.at) {
		if err := a.closed.Add(*d); err != nil {
			return funnel.WithOp(op(fn), err)
		}
		if d.Outcome == funnel.Won && !tl.closed.Before(cfg.from) {
			a.team.won.add(d.Amount)
			if r != nil {
				r.won.add(d.Amount)
			}
		}
		return nil
	}
	// Open at at.
	stage := 0
	for _, e := range d.Events {
		if e.Stage < cfg.last && (e.At.IsZero() || !e.At.After(cfg.at)) {
			stage = max(stage, e.Stage)
		}
	}
	var crm decimal.NullDecimal
	if cfg.opts.Probability != "" {
		p, err := crmProbability(d, cfg.opts.Probability, cfg.opts.ProbabilityScale)
		if err != nil {
			return &funnel.DealError{Op: op(fn), ID: d.ID, Err: err}
		}
		crm = p
	}
	inPeriod := !d.ExpectedClose.IsZero() && !d.ExpectedClose.Before(cfg.from) && d.ExpectedClose.Before(cfg.to)
	var mask int
	for i, ru := range cfg.rules {
		if ru != nil && stage >= ru.minStage && (!ru.inPeriod || inPeriod) &&
			(ru.minP == 0 || !ru.crm || crm.Valid && crm.Decimal.InexactFloat64() >= ru.minP) {
			mask |= 1 << i
		}
	}
	for _, ra := range []*repAcc{a.team, r} {
		if ra == nil {
			continue
		}
		ra.open.add(d.Amount)
		ra.meets[stage][mask].add(d.Amount)
		if d.ExpectedClose.IsZero() {
			ra.noClose++
		}
		if !inPeriod {
			continue
		}
		ra.period.add(d.Amount)
		ra.stages[stage].add(d.Amount)
		if cfg.opts.Probability != "" && d.Amount.Valid {
			if crm.Valid {
				ra.crm = ra.crm.Add(d.Amount.Decimal.Mul(crm.Decimal))
			} else {
				ra.noProb++
			}
		}
	}
	return nil
}

// merge adds the deals and money of u.
func (v *PipelineValue) merge(u PipelineValue) {
	v.Deals += u.Deals
	v.Priced += u.Priced
	v.Unpriced += u.Unpriced
	v.Amount = v.Amount.Add(u.Amount)
}

// crmProbability reads the deal's CRM probability as a fraction in [0, 1],
// not Valid when the deal has none.
func crmProbability(d *funnel.Deal, attr string, scale ProbabilityScale) (decimal.NullDecimal, error) {
	s := strings.TrimSpace(d.Attr(attr))
	if s == "" {
		return decimal.NullDecimal{}, nil
	}
	raw, top := s, decimal.NewFromInt(1)
	if scale == ProbabilityPercent {
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
		top = decimal.NewFromInt(100)
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %s = %q: not a number", funnel.ErrOutOfRange, attr, raw)
	}
	if v.IsNegative() || v.GreaterThan(top) {
		return decimal.NullDecimal{}, fmt.Errorf("%w: %s = %q: outside [0, %s] (%s)", funnel.ErrRateRange, attr, raw, top, scale)
	}
	if scale == ProbabilityPercent {
		v = v.Shift(-2)
	}
	return decimal.NullDecimal{Decimal: v, Valid: true}, nil
}

// report finishes the figures once every deal is read.
func (a *coverageAcc) report() CoverageReport {
	cfg := &a.cfg
	out := CoverageReport{At: cfg.at, From: cfg.from, To: cfg.to, StageWin: make([]funnel.Rate, cfg.f.Len()), NoRep: a.noRep, Undated: a.undated, Reps: []RepCoverage{}}
	counts, ok := a.closed.Group() // the one group of an ungrouped tally
	if ok {
		for k := range out.StageWin {
			out.StageWin[k] = counts.WinProbability(k)
		}
	}
	var teamQuota decimal.NullDecimal
	for _, name := range slices.Sorted(maps.Keys(a.reps)) {
		r := a.reps[name]
		if r.quota.Valid {
			teamQuota = decimal.NullDecimal{Decimal: teamQuota.Decimal.Add(r.quota.Decimal), Valid: true}
		}
		out.Reps = append(out.Reps, a.finish(name, r, out.StageWin))
	}
	a.team.quota = teamQuota
	out.Team = a.finish("", a.team, out.StageWin)
	return out
}

// finish turns a rep's exact sums into its figures.
func (a *coverageAcc) finish(name string, r *repAcc, stageWin []funnel.Rate) RepCoverage {
	cfg := &a.cfg
	rc := RepCoverage{
		Rep: name, Quota: r.quota, Won: r.won, Open: r.open, Pipeline: r.period,
		NoExpectedClose: r.noClose, NoProbability: r.noProb,
		ByStage: make([]StageCoverage, cfg.last), Categories: make([]CategoryValue, NumCategories),
	}
	var toGo decimal.Decimal
	if r.quota.Valid {
		toGo = decimal.Max(decimal.Zero, r.quota.Decimal.Sub(r.won.Amount))
		rc.ToGo = decimal.NullDecimal{Decimal: dec.Cents(toGo), Valid: true}
		rc.Met = toGo.IsZero()
	}
	cover := func(amount decimal.Decimal) funnel.NullFloat64 {
		if !r.quota.Valid || toGo.IsZero() {
			return funnel.NullFloat64{}
		}
		q, _ := dec.Quo(amount, toGo) // toGo > 0
		return funnel.Some(q.InexactFloat64())
	}
	rc.Coverage = cover(r.period.Amount)
	weighted := decimal.NullDecimal{Valid: true}
	for k := range rc.ByStage {
		sv := r.stages[k]
		sc := StageCoverage{Stage: k, StageName: cfg.f.Stage(k), Pipeline: sv, Coverage: cover(sv.Amount)}
		switch w := stageWin[k]; {
		case sv.Priced == 0:
			sc.Weighted = decimal.NullDecimal{Valid: true}
		case w.Defined():
			x, _ := dec.Quo(sv.Amount.Mul(decimal.NewFromInt(w.K)), decimal.NewFromInt(w.N)) // N > 0
			sc.Weighted = decimal.NullDecimal{Decimal: x, Valid: true}
		}
		if sc.Weighted.Valid && weighted.Valid {
			weighted.Decimal = weighted.Decimal.Add(sc.Weighted.Decimal)
		} else {
			weighted = decimal.NullDecimal{}
		}
		sc.Pipeline.Amount = dec.Cents(sc.Pipeline.Amount)
		sc.Weighted.Decimal = dec.Cents(sc.Weighted.Decimal)
		rc.ByStage[k] = sc
	}
	weighted.Decimal = dec.Cents(weighted.Decimal)
	rc.Weighted = weighted
	if cfg.opts.Probability != "" {
		rc.CRMWeighted = decimal.NullDecimal{Decimal: dec.Cents(r.crm), Valid: true}
	}
	// Categories, now that the measured probabilities are known.
	var cats [NumCategories]PipelineValue
	for k, byMask := range r.meets {
		p := stageWin[k]
		for mask, v := range byMask {
			c := CategoryOmitted
			for i, ru := range cfg.rules {
				if ru != nil && mask&(1<<i) != 0 && (ru.crm || ru.minP == 0 || p.Defined() && p.Value() >= ru.minP) {
					c = Category(i)
					break
				}
			}
			cats[c].merge(v)
		}
	}
	for c := range rc.Categories {
		v := cats[c]
		v.Amount = dec.Cents(v.Amount)
		rc.Categories[c] = CategoryValue{Category: Category(c), PipelineValue: v}
	}
	rc.Won.Amount = dec.Cents(rc.Won.Amount)
	rc.Open.Amount = dec.Cents(rc.Open.Amount)
	rc.Pipeline.Amount = dec.Cents(rc.Pipeline.Amount)
	return rc
}
