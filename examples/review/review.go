package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/shopspring/decimal"
)

// Review is the whole review, the document -json prints. Each section is a
// result of the module's packages, as it returns it; a section that the
// data cannot support is null, with the reason in Skipped.
type Review struct {
	Source string `json:"source"`
	// AsOf is the review date: deals are seen as they stood then
	// (funnel.Deal.AsOf).
	AsOf time.Time `json:"as_of"`
	// Period is the reviewed period, the last full one before AsOf;
	// Current is the one that holds AsOf (the dashboard's movement, the
	// forecast and the activity targets are for it); Window is the span
	// of starts of the deals in the funnel and the benchmarks.
	Period  Span `json:"period"`
	Current Span `json:"current"`
	Window  Span `json:"window"`
	// Trailing is the span the levers are measured over: the last
	// -levers-periods periods up to the reviewed one's end.
	Trailing Span `json:"trailing"`
	// Deals counts the deals read, those known at AsOf and those in the
	// window (Counted); Skipped are the rows or deals skipped in lenient
	// mode and Unmatched the activities that matched no deal.
	Deals       int  `json:"deals"`
	Known       int  `json:"known"`
	Counted     int  `json:"counted"`
	SkippedRows int  `json:"skipped_rows"`
	Unmatched   int  `json:"unmatched_activities"`
	Activities  bool `json:"activities"`

	// Team is the team funnel (95% Wilson intervals), from the Tally's
	// total over the window's deals.
	Team funnel.Table `json:"team"`
	// StageTime is the time spent in each stage on the visits that ended,
	// one per stage but the last.
	StageTime []funnel.Summary `json:"stage_time"`
	// Reps are each rep's outcomes over the window's deals: counts, win
	// rate with its 95% interval, average won amount and cycle.
	Reps []RepSummary `json:"reps"`
	// Benchmark is every rep against the role model at every step
	// (ratios.Benchmark, shrunk rule).
	Benchmark *ratios.Report `json:"benchmark"`
	// Velocity is the four levers per rep over the reviewed period, with
	// each rep's gap to the average rep decomposed.
	Velocity *VelocitySection `json:"velocity"`
	// Pipeline is the 1:1 dashboard per rep as of AsOf.
	Pipeline []RepPipeline `json:"pipeline"`
	// Metrics are the micro metrics per rep (null without an activity
	// log) and Diagnosis the four-area diagnosis of the rep furthest below
	// the team.
	Metrics   *ratios.MetricsReport `json:"metrics"`
	Diagnosis *ratios.Diagnosis     `json:"diagnosis"`
	// Domino is the team's chain of levers: the tornado, ten per cent on
	// every lever, and the uniform gain for the growth target.
	Domino *DominoSection `json:"domino"`
	// Targets are the activity targets per rep for the current period's
	// quota, and Forecast the quota forecast for it.
	Targets  []RepTarget              `json:"targets"`
	Forecast *velocity.ForecastResult `json:"forecast"`
	// Ages are the ages of the open deals at AsOf, by stage, for the
	// pipeline chart.
	Ages []StageAges `json:"ages"`
	// Coverage is the forecast call for the current period as of AsOf
	// (pipeline.Coverage): coverage of the quota still to book, overall
	// and by stage, the weighted pipeline, and the forecast categories by
	// the rules of coverageRules, per rep and for the team.
	Coverage *pipeline.CoverageReport `json:"coverage"`
	// Backtest is the forecast replayed at the start of each past
	// -backtest period and compared with what happened (backtest.Run);
	// null without -backtest.
	Backtest *backtest.Report `json:"backtest"`

	Skipped []Skip `json:"skipped"`
}

// RepSummary is one rep's outcomes.
type RepSummary struct {
	Rep   string `json:"rep"`
	Deals int64  `json:"deals"`
	Won   int64  `json:"won"`
	Lost  int64  `json:"lost"`
	Open  int64  `json:"open"`
	// WinRate is won of closed deals, WinCI its 95% Wilson interval.
	WinRate funnel.Rate      `json:"win_rate"`
	WinCI   *funnel.Interval `json:"win_ci"`
	// AvgWon is the mean amount of the won deals with one.
	AvgWon decimal.NullDecimal `json:"avg_won"`
	// Cycle are the start-to-close times of the won deals.
	Cycle funnel.Summary `json:"won_cycle"`
}

// Span is a half-open span of time [From, To) with its label.
type Span struct {
	Label string    `json:"label"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// Skip names a section left out and why.
type Skip struct {
	Section string `json:"section"`
	Reason  string `json:"reason"`
}

// VelocitySection holds the levers measured over the reviewed period.
type VelocitySection struct {
	Report velocity.Report `json:"report"`
	// Segments are the levers per segment, and Average the average rep
	// of each: the segment's levers with its opportunities divided among
	// the reps whose deals are mostly in it.
	Segments velocity.Report  `json:"segments"`
	Average  []SegmentAverage `json:"average"`
	Reps     []RepVelocity    `json:"reps"`
}

// SegmentAverage is the average rep of one segment.
type SegmentAverage struct {
	Segment string           `json:"segment"`
	Reps    int              `json:"reps"`
	Levers  *velocity.Levers `json:"levers"`
	Reason  string           `json:"reason,omitempty"`
}

// RepVelocity is one rep's levers, velocity and gap to the average rep.
type RepVelocity struct {
	Rep string `json:"rep"`
	// Segment is the segment most of the rep's deals are in, whose
	// average rep is the reference.
	Segment  string              `json:"segment"`
	Measured velocity.Measured   `json:"measured"`
	Levers   *velocity.Levers    `json:"levers"`
	Velocity decimal.NullDecimal `json:"velocity_per_day"`
	// Gap is the decomposition of the rep's velocity against the average
	// rep's of the segment (From the average, To the rep); Best the lever
	// worth most.
	Gap  *velocity.Decomposition `json:"gap"`
	Best *velocity.GapRanking    `json:"best"`
	// Reason says why the levers are missing, when they are.
	Reason string `json:"reason,omitempty"`
}

// RepPipeline is one rep's 1:1 dashboard as of the review date: the open
// pipeline's health and what moved in the current period so far.
type RepPipeline struct {
	Rep    string                `json:"rep"`
	Health pipeline.HealthReport `json:"health"`
	Moved  pipeline.Movement     `json:"moved"`
	Ages   funnel.Summary        `json:"age"`
	Engage funnel.Ratio          `json:"touches_per_open"`
}

// StageAges are the ages in days of the open deals at one stage.
type StageAges struct {
	Stage string    `json:"stage"`
	Days  []float64 `json:"days"`
}

// DominoSection is the team's chain of levers and what moves it.
type DominoSection struct {
	Chain   domino.Chain   `json:"chain"`
	Tornado domino.Tornado `json:"tornado"`
	// Points is the tornado of the stage rates alone moved ±5 points:
	// unlike a relative step, which moves every lever of a chain alike,
	// it shows where a point of conversion is worth most (the lowest
	// rates).
	Points []domino.Bar `json:"points"`
	// Ranking is the team's levers ranked by the revenue from matching
	// the role model's rate at each step (null without a benchmark).
	Ranking *domino.Ranking `json:"ranking"`
	// TenPercent is every lever ten per cent better at once.
	TenPercent domino.Outcome `json:"ten_percent"`
	// Target is the uniform gain on every lever for the growth target.
	Target domino.Target `json:"target"`
}

// RepTarget is one rep's activity target for the current period's quota.
type RepTarget struct {
	Rep           string               `json:"rep"`
	Quota         decimal.Decimal      `json:"quota"`
	Triangulation target.Triangulation `json:"triangulation"`
}

// periods returns the reviewed period (the last full one before asOf) and
// the current one (holding asOf).
func periods(p funnel.Period, asOf time.Time) (reviewed, current Span) {
	cs := p.Start(asOf)
	current = Span{Label: p.Label(cs), From: cs, To: p.End(cs)}
	rs := p.Start(cs.Add(-time.Nanosecond))
	reviewed = Span{Label: p.Label(rs), From: rs, To: cs}
	return reviewed, current
}

// trailing is the span of the n periods that end with the reviewed one.
func trailing(per funnel.Period, reviewed Span, n int) Span {
	from := reviewed.From
	for range n - 1 {
		from = per.Start(from.Add(-time.Nanosecond))
	}
	label := reviewed.Label
	if n > 1 {
		label = per.Label(from) + " to " + reviewed.Label
	}
	return Span{Label: label, From: from, To: reviewed.To}
}

// lastDate is the latest time in the deals: an event, a close or a touch.
func lastDate(deals []funnel.Deal) time.Time {
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, d := range deals {
		for _, e := range d.Events {
			later(e.At)
		}
		later(d.Closed)
		later(d.Created)
		for _, a := range d.Activities {
			later(a.At)
		}
	}
	return last
}

// build computes every section of the review from the input.
func build(ctx context.Context, cfg config, in input) (Review, error) {
	f := in.Funnel
	rv := Review{Source: in.Source, Deals: len(in.Deals), SkippedRows: in.Skipped, Unmatched: in.Unmatched, Activities: in.Activities}
	skip := func(section string, err error) {
		rv.Skipped = append(rv.Skipped, Skip{Section: section, Reason: err.Error()})
	}
	var per funnel.Period
	if err := per.UnmarshalText([]byte(cfg.period)); err != nil {
		return rv, fmt.Errorf("-period: %w", err)
	}
	if cfg.asOf != "" {
		t, err := time.Parse(time.DateOnly, cfg.asOf)
		if err != nil {
			return rv, fmt.Errorf("-as-of %q: want YYYY-MM-DD", cfg.asOf)
		}
		rv.AsOf = t.Add(24*time.Hour - time.Second) // the end of that day
	} else {
		rv.AsOf = lastDate(in.Deals)
		if rv.AsOf.IsZero() {
			return rv, fmt.Errorf("%s: no dates in the data: give -as-of", in.Source)
		}
	}
	rv.Period, rv.Current = periods(per, rv.AsOf)
	rv.Window = Span{Label: "all history", To: rv.Period.To}
	rv.Trailing = trailing(per, rv.Period, cfg.leverPeriods)
	if cfg.lookback > 0 {
		rv.Window = trailing(per, rv.Period, cfg.lookback)
	}

	// The deals as they stood at the review date, and those in the window.
	var known, window []funnel.Deal
	for _, d := range in.Deals {
		k, ok := d.AsOf(rv.AsOf)
		if !ok {
			continue
		}
		known = append(known, k)
		s := k.Start()
		if cfg.lookback == 0 || !s.IsZero() && !s.Before(rv.Window.From) && s.Before(rv.Window.To) {
			window = append(window, k)
		}
	}
	rv.Known, rv.Counted = len(known), len(window)
	if len(window) == 0 {
		return rv, fmt.Errorf("%s: no deal started in %s: %w", in.Source, rv.Window.Label, funnel.ErrNoData)
	}

	byOwner := funnel.NewTally(f, funnel.AttrOwner)
	if err := byOwner.AddAll(funnel.Stream(window)); err != nil {
		return rv, err
	}
	reps := byOwner.Groups()
	total, err := byOwner.Total()
	if err != nil {
		return rv, err
	}
	if rv.Team, err = funnel.NewTable(f, total, &funnel.TableOptions{Confidence: 0.95}); err != nil {
		return rv, err
	}
	for k := range f.Last() {
		rv.StageTime = append(rv.StageTime, total.StageTime[k].Summary())
	}
	for _, g := range reps {
		s := RepSummary{Rep: g.Key[0], Deals: g.Deals, Won: g.Won, Lost: g.Lost, Open: g.Open, WinRate: g.WinRate(), AvgWon: g.AvgWon(), Cycle: g.WonCycle.Summary()}
		if iv, err := s.WinRate.Wilson(0.95); err == nil {
			s.WinCI = &iv
		}
		rv.Reps = append(rv.Reps, s)
	}
	if b, err := ratios.Benchmark(f, reps, nil); err != nil {
		skip("benchmark", err)
	} else {
		rv.Benchmark = &b
	}
	rv.Velocity = velocitySection(f, known, rv.Trailing, skip)

	// Activity: per deal, per owner and for the team, over the window.
	var act pipeline.ActivityReport
	if in.Activities {
		if act, err = pipeline.Activity(f, window); err != nil {
			return rv, err
		}
	}
	rv.Pipeline, rv.Ages = pipelineSection(f, known, rv.AsOf, rv.Current, cfg, skip)

	metricsOpts := &ratios.MetricsOptions{Qualified: or(cfg.qualified, stageOr(f, 1)), Opportunity: or(cfg.opportunity, stageOr(f, 2)), InboundSource: cfg.inbound}
	bySource := funnel.NewTally(f, funnel.AttrOwner, funnel.AttrSource)
	if err := bySource.AddAll(funnel.Stream(window)); err != nil {
		return rv, err
	}
	metrics, err := ratios.Measure(f, bySource.Groups(), act, metricsOpts)
	if err != nil {
		skip("metrics", err)
	} else if in.Activities {
		rv.Metrics = &metrics
	}
	if err == nil {
		if rep := furthestBelow(rv.Velocity, rv.Benchmark); rep == "" {
			skip("diagnosis", fmt.Errorf("no rep is below the team"))
		} else if d, err := ratios.Diagnose(rep, metrics.Reps, nil); err != nil {
			skip("diagnosis", err)
		} else {
			rv.Diagnosis = &d
		}
	}
	rv.Domino = dominoSection(f, total, rv.Benchmark, cfg.growth, skip)
	rv.Targets = targetsSection(f, byOwner, act, in, rv.Benchmark, rv.Current, cfg, skip)
	rv.Forecast = forecastSection(ctx, f, in.Deals, in.Quotas, rv.AsOf, rv.Current, cfg, skip)
	rv.Coverage = coverageSection(ctx, f, in, rv.AsOf, rv.Current, cfg, skip)
	rv.Backtest = backtestSection(ctx, f, in, rv.AsOf, cfg, skip)
	return rv, ctx.Err()
}

// stageOr returns the name of stage k, or "" when the funnel is shorter.
func stageOr(f funnel.Funnel, k int) string {
	if k < f.Len()-1 {
		return f.Stage(k)
	}
	return ""
}

// velocitySection measures the levers per rep over the reviewed period and
// decomposes each rep's gap to the average rep.
func velocitySection(f funnel.Funnel, known []funnel.Deal, p Span, skip func(string, error)) *VelocitySection {
	rep, err := velocity.MeasureDeals(f, known, p.From, p.To, velocity.Options{})
	if err != nil {
		skip("velocity", err)
		return nil
	}
	seg, err := velocity.MeasureDeals(f, known, p.From, p.To, velocity.Options{GroupBy: []string{funnel.AttrSegment}})
	if err != nil {
		skip("velocity", err)
		return nil
	}
	// Each rep's segment is the one most of the rep's deals are in; the
	// reference is the average rep of that segment.
	bySeg := funnel.NewTally(f, funnel.AttrOwner, funnel.AttrSegment)
	if err := bySeg.AddAll(funnel.Stream(known)); err != nil {
		skip("velocity", err)
		return nil
	}
	home := map[string]funnel.Counts{}
	for _, g := range bySeg.Groups() {
		if h, ok := home[g.Key[0]]; !ok || g.Deals > h.Deals {
			home[g.Key[0]] = g
		}
	}
	s := &VelocitySection{Report: rep, Segments: seg}
	for _, m := range seg.Groups {
		n := 0
		for owner, h := range home {
			if h.Key[1] == m.Group[0] && strings.TrimSpace(owner) != "" {
				n++
			}
		}
		avg := SegmentAverage{Segment: m.Group[0], Reps: n}
		if l, err := m.Levers(); err != nil {
			avg.Reason = err.Error()
		} else if n > 0 {
			if a, err := velocity.NewLevers(l.Opportunities/float64(n), l.WinRate, l.ASP, l.Cycle); err == nil {
				avg.Levers = &a
			}
		}
		s.Average = append(s.Average, avg)
	}
	for _, g := range rep.Groups {
		rv := RepVelocity{Rep: g.Group[0], Segment: home[g.Group[0]].Key[1], Measured: g}
		l, err := g.Levers()
		if err != nil {
			rv.Reason = err.Error()
			s.Reps = append(s.Reps, rv)
			continue
		}
		rv.Levers = &l
		if v, err := l.Velocity(); err == nil {
			rv.Velocity = decimal.NewNullDecimal(v)
		}
		for _, a := range s.Average {
			if a.Segment != rv.Segment || a.Levers == nil {
				continue
			}
			if d, err := velocity.Decompose(*a.Levers, l); err == nil {
				rv.Gap = &d
			} else {
				rv.Reason = err.Error()
			}
			if g, err := velocity.Gaps(l, *a.Levers, rep.WindowDays); err == nil {
				rv.Best = &g
			}
		}
		s.Reps = append(s.Reps, rv)
	}
	return s
}

// pipelineSection is the 1:1 dashboard per rep as of the date, and the
// ages of the open deals by stage.
func pipelineSection(f funnel.Funnel, known []funnel.Deal, asOf time.Time, cur Span, cfg config, skip func(string, error)) ([]RepPipeline, []StageAges) {
	th := pipeline.Thresholds{StalledDays: cfg.stalledDays, UntouchedDays: cfg.untouchedDays}
	byRep := map[string][]funnel.Deal{}
	var names []string
	for _, d := range known {
		if _, ok := byRep[d.Owner]; !ok {
			names = append(names, d.Owner)
		}
		byRep[d.Owner] = append(byRep[d.Owner], d)
	}
	slices.Sort(names)
	var out []RepPipeline
	ages := make([]StageAges, f.Len()-1)
	for k := range ages {
		ages[k].Stage = f.Stage(k)
	}
	for _, name := range names {
		deals := byRep[name]
		h, err := pipeline.Health(f, deals, asOf, th)
		if err != nil {
			skip("pipeline", err)
			return nil, nil
		}
		if h.Pipeline.Deals == 0 {
			continue
		}
		m, err := pipeline.PeriodSummary(f, deals, cur.From, asOf)
		if err != nil {
			skip("pipeline", err)
			return nil, nil
		}
		var age funnel.Durations
		var touches int64
		for _, d := range h.Deals {
			if err := age.Add(time.Duration(d.AgeDays * float64(24*time.Hour))); err != nil {
				skip("pipeline", fmt.Errorf("deal %q: age: %w", d.ID, err))
				return nil, nil
			}
			touches += int64(d.Touches)
			if d.Stage >= 0 && d.Stage < len(ages) {
				ages[d.Stage].Days = append(ages[d.Stage].Days, d.AgeDays)
			}
		}
		engage, _ := funnel.NewRatio(touches, int64(len(h.Deals)))
		h.Deals = nil // the per-deal rows stay out of the review
		out = append(out, RepPipeline{Rep: name, Health: h, Moved: m, Ages: age.Summary(), Engage: engage})
	}
	return out, ages
}

// furthestBelow names the rep furthest below the team: the lowest
// velocity against the average rep, or else the lowest shrunk win into
// the last stage.
func furthestBelow(v *VelocitySection, b *ratios.Report) string {
	name, worst := "", 0.0
	if v != nil {
		for _, r := range v.Reps {
			if r.Gap != nil && strings.TrimSpace(r.Rep) != "" && r.Gap.LogRatio < worst {
				name, worst = r.Rep, r.Gap.LogRatio
			}
		}
	}
	if name != "" || b == nil {
		return name
	}
	low := 2.0
	for _, r := range b.Reps {
		last := r.Steps[len(r.Steps)-1]
		if last.Shrunk.Valid && last.Shrunk.Float64 < low && strings.TrimSpace(r.Name) != "" {
			name, low = r.Name, last.Shrunk.Float64
		}
	}
	return name
}

// dominoSection is the team's chain: tornado, ten per cent everywhere and
// the uniform gain for the growth target.
func dominoSection(f funnel.Funnel, total funnel.Counts, b *ratios.Report, growth float64, skip func(string, error)) *DominoSection {
	asp := total.AvgWon()
	if !asp.Valid {
		skip("domino", fmt.Errorf("no won deal with an amount: the chain needs an average selling price"))
		return nil
	}
	c, err := domino.ChainOf(f, total, asp.Decimal)
	if err != nil {
		skip("domino", err)
		return nil
	}
	s := &DominoSection{Chain: c}
	var pts domino.Tornado
	if pts, err = domino.TornadoOf(c, domino.Points, 0.05); err == nil {
		for _, b := range pts.Bars {
			if b.Kind == domino.Rate {
				s.Points = append(s.Points, b)
			}
		}
		s.Tornado, err = domino.TornadoOf(c, domino.Relative, 0.10)
	}
	if err == nil {
		if s.TenPercent, err = domino.Uniform(c, nil, 0.10); err == nil {
			s.Target, err = domino.Inverse(c, nil, growth)
		}
	}
	if err != nil {
		skip("domino", err)
		return nil
	}
	if b != nil {
		// The reference: the team's chain with each step at its role
		// model's rate where there is one.
		ref := c
		ref.Stages = slices.Clone(c.Stages)
		for j, m := range b.RoleModels {
			if m.Rep >= 0 && j < len(ref.Stages) {
				ref.Stages[j].Rate = m.Rate.Value()
			}
		}
		if r, err := domino.RankLevers(c, ref, nil); err != nil {
			skip("domino ranking", err)
		} else {
			s.Ranking = &r
		}
	}
	return s
}

// targetsSection triangulates each rep's touches target for the current
// period's quota from the rep's, the team's and the role models' measures.
func targetsSection(f funnel.Funnel, byOwner *funnel.Tally, act pipeline.ActivityReport, in input, b *ratios.Report, cur Span, cfg config, skip func(string, error)) []RepTarget {
	if !in.Activities {
		skip("targets", fmt.Errorf("activity targets need an activity log (-activities)"))
		return nil
	}
	if len(in.Quotas) == 0 {
		skip("targets", fmt.Errorf("no quota: give -quota or -quotas"))
		return nil
	}
	acts := map[string]target.Activity{}
	for _, o := range act.Owners {
		acts[o.Owner] = target.ActivityOf(o)
	}
	teamCounts, err := byOwner.Total()
	if err != nil {
		skip("targets", err)
		return nil
	}
	team, err := target.Measure(teamCounts, target.ActivityOf(act.Team))
	if err != nil {
		skip("targets", err)
		return nil
	}
	// The best performers: the role models of the benchmark, together.
	best := team
	if b != nil {
		var cs []funnel.Counts
		var a target.Activity
		seen := map[string]bool{}
		for _, m := range b.RoleModels {
			if m.Rep < 0 || seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			c, _ := byOwner.Group(m.Name)
			cs = append(cs, c)
			o := acts[m.Name]
			a.PerWon.Num += o.PerWon.Num
			a.PerWon.Den += o.PerWon.Den
			a.PerLost.Num += o.PerLost.Num
			a.PerLost.Den += o.PerLost.Den
			a.Total += o.Total
		}
		if len(cs) > 0 {
			sum, err := funnel.Sum(f, cs)
			if err == nil {
				if m, err := target.Measure(sum, a); err == nil {
					best = m
				}
			}
		}
	}
	weeks := cur.To.Sub(cur.From).Hours() / (24 * 7)
	var out []RepTarget
	for _, c := range byOwner.Groups() {
		name := c.Key[0]
		q, ok := in.Quotas[name]
		if !ok {
			continue
		}
		own, err := target.Measure(c, acts[name])
		if err != nil {
			skip("targets "+name, err)
			continue
		}
		ti := target.FromMeasured(q, weeks, own, team, best)
		ti.Activity, ti.Aggressiveness = "touches", cfg.aggressiveness
		tr, err := target.Triangulate(ti)
		if err != nil {
			skip("targets "+name, err)
			continue
		}
		out = append(out, RepTarget{Rep: name, Quota: q, Triangulation: tr})
	}
	return out
}

// forecastSection draws each rep's bookings in the current period.
func forecastSection(ctx context.Context, f funnel.Funnel, deals []funnel.Deal, quotas map[string]decimal.Decimal, asOf time.Time, cur Span, cfg config, skip func(string, error)) *velocity.ForecastResult {
	if len(quotas) == 0 {
		skip("forecast", fmt.Errorf("no quota: give -quota or -quotas"))
		return nil
	}
	in, err := velocity.BuildForecast(f, funnel.Stream(deals), velocity.QuotaPeriod{Start: cur.From, End: cur.To, AsOf: asOf}, quotas, velocity.BuildOptions{})
	if err != nil {
		skip("forecast", err)
		return nil
	}
	in.Draws, in.Seed = cfg.draws, cfg.seed
	res, err := velocity.Forecast(ctx, in)
	if err != nil {
		skip("forecast", err)
		return nil
	}
	return &res
}

// coverageRules are the review's forecast categories: commit is a deal at
// the last open stage (the stage before won) or beyond, expected to close
// in the period; best case one expected in the period whose stage has
// won at least 30% of the deals closed from it; pipeline any other deal
// expected in the period; the rest (expected later, or with no expected
// close) is omitted.
func coverageRules(f funnel.Funnel) pipeline.CategoryRules {
	return pipeline.CategoryRules{
		Commit:   &pipeline.CategoryRule{MinStage: f.Stage(f.Len() - 2), InPeriod: true},
		BestCase: &pipeline.CategoryRule{MinProbability: 0.3, InPeriod: true},
		Pipeline: &pipeline.CategoryRule{InPeriod: true},
	}
}

// coverageSection is the forecast call for the current period as of the
// date: coverage, weighted pipeline and categories per rep.
func coverageSection(ctx context.Context, f funnel.Funnel, in input, asOf time.Time, cur Span, cfg config, skip func(string, error)) *pipeline.CoverageReport {
	if f.Len() < 2 {
		skip("coverage", fmt.Errorf("a funnel of one stage has no open stage"))
		return nil
	}
	opts := pipeline.CoverageOptions{Quotas: in.Quotas, Probability: cfg.probability, Rules: coverageRules(f)}
	c, err := pipeline.Coverage(ctx, f, funnel.Stream(in.Deals), asOf, cur.From, cur.To, opts)
	if err != nil {
		skip("coverage", err)
		return nil
	}
	return &c
}

// backtestSection replays the quota forecast at the start of each past
// -backtest period up to the review date. A snapshot export's amounts are
// today's, so its open deals are priced at the rep's mean won amount
// (backtest.PriceWonMean); other exports' at their own amount.
func backtestSection(ctx context.Context, f funnel.Funnel, in input, asOf time.Time, cfg config, skip func(string, error)) *backtest.Report {
	if cfg.backtest == "" {
		return nil
	}
	if len(in.Quotas) == 0 {
		skip("backtest", fmt.Errorf("no quota: give -quota or -quotas"))
		return nil
	}
	var per funnel.Period
	if err := per.UnmarshalText([]byte(cfg.backtest)); err != nil {
		skip("backtest", err)
		return nil
	}
	opts := backtest.Options{Period: per, Quotas: in.Quotas, Until: asOf, Seed: cfg.seed}
	if cfg.format == "snapshot" {
		opts.Pricing = backtest.PriceWonMean
	}
	r, err := backtest.Run(ctx, f, funnel.Stream(in.Deals), opts)
	if err != nil {
		skip("backtest", err)
		return nil
	}
	return &r
}
