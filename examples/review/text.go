package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/shopspring/decimal"
)

// writeText prints the review as text, section by section.
func writeText(w io.Writer, rv Review) error {
	p := &printer{w: w, sw: 14}
	for _, r := range rv.Team.Stages {
		p.sw = max(p.sw, len([]rune(r.Stage)))
	}
	p.header(rv)
	p.team(rv.Team)
	p.stageTime(rv)
	p.reps(rv.Reps)
	p.benchmark(rv.Benchmark)
	p.velocity(rv.Velocity, rv.Trailing)
	p.pipeline(rv.Pipeline, rv)
	p.metrics(rv.Metrics)
	p.diagnosis(rv.Diagnosis)
	p.domino(rv.Domino)
	p.targets(rv.Targets, rv.Current)
	p.forecast(rv.Forecast, rv.Current)
	p.coverage(rv.Coverage, rv)
	p.backtest(rv.Backtest)
	if len(rv.Skipped) > 0 {
		p.title("Not shown")
		for _, s := range rv.Skipped {
			p.f("  %s: %s\n", s.Section, s.Reason)
		}
	}
	return p.err
}

// printer writes formatted lines and keeps the first write error.
type printer struct {
	w   io.Writer
	err error
	sw  int // the width of a stage name column: the longest name, at least 14
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) title(s string) {
	p.f("\n%s\n%s\n", s, strings.Repeat("=", len([]rune(s))))
}

// pct formats a rate as a percentage with one decimal, "-" when undefined.
func pct(v funnel.NullFloat64) string {
	if !v.Valid {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*v.Float64)
}

// money formats an amount to whole units with thousands separators.
func money(d decimal.Decimal) string {
	s := d.Round(0).StringFixed(0)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func nullMoney(d decimal.NullDecimal) string {
	if !d.Valid {
		return "-"
	}
	return money(d.Decimal)
}

func days(v funnel.NullFloat64) string {
	if !v.Valid {
		return "-"
	}
	return fmt.Sprintf("%.1f", v.Float64)
}

func (p *printer) header(rv Review) {
	p.f("Sales review: %s\n", rv.Source)
	p.f("as of %s; reviewed period %s [%s, %s); current period %s\n", rv.AsOf.Format("2006-01-02 15:04 MST"),
		rv.Period.Label, rv.Period.From.Format("2006-01-02"), rv.Period.To.Format("2006-01-02"), rv.Current.Label)
	p.f("%d deals read, %d known at the date, %d in the funnel (%s)", rv.Deals, rv.Known, rv.Counted, rv.Window.Label)
	if rv.SkippedRows > 0 {
		p.f("; %d rows skipped", rv.SkippedRows)
	}
	switch {
	case rv.Activities && rv.Unmatched == 0:
		p.f("; activity log attached, every touch matched a deal")
	case rv.Activities:
		p.f("; activity log attached, %d touches matched no deal", rv.Unmatched)
	}
	p.f("\n")
}

func (p *printer) team(t funnel.Table) {
	p.title("1. Team funnel")
	p.f("Reached counts a deal at every stage up to its furthest; naive steps divide by the stage before,\n")
	p.f("resolved steps leave out the deals still open there (never counted as lost). 95%% Wilson intervals.\n\n")
	p.f("%-*s %7s %8s %-15s %9s %-15s %7s\n", p.sw, "stage", "reached", "naive", "  interval", "resolved", "  interval", "of 1st")
	for k, r := range t.Stages {
		if k == 0 {
			p.f("%-*s %7d %8s %-15s %9s %-15s %7s\n", p.sw, r.Stage, r.Reached, "", "", "", "", pct(r.Cumulative.Null()))
			continue
		}
		p.f("%-*s %7d %8s %-15s %9s %-15s %7s\n", p.sw, r.Stage, r.Reached, pct(r.Step.Null()), ci(r.StepCI),
			pct(r.Resolved.Null()), ci(r.ResolvedCI), pct(r.Cumulative.Null()))
	}
	if t.Weakest >= 0 {
		r := t.Stages[t.Weakest]
		p.f("Weakest step: into %s, %s resolved (%d of %d).\n", t.WeakestStage, pct(r.Resolved.Null()), r.Resolved.K, r.Resolved.N)
	}
}

func (p *printer) stageTime(rv Review) {
	p.f("\nTime in stage (visits that ended, in days)\n\n%-*s %6s %6s %6s %6s\n", p.sw, "stage", "visits", "mean", "median", "p90")
	for k, s := range rv.StageTime {
		p.f("%-*s %6d %6s %6s %6s\n", p.sw, rv.Team.Stages[k].Stage, s.N, days(s.MeanDays), days(s.MedianDays), days(s.P90Days))
	}
}

func (p *printer) reps(rs []RepSummary) {
	p.f("\nReps: outcomes of their deals (win rate of closed deals with its 95%% interval; cycle of won deals)\n\n")
	p.f("%-18s %5s %4s %5s %5s %8s %-15s %10s %9s\n", "rep", "deals", "won", "lost", "open", "win rate", "  interval", "avg won", "cycle p50")
	for _, r := range rs {
		p.f("%-18s %5d %4d %5d %5d %8s %-15s %10s %9s\n", short(orBlank(r.Rep), 18), r.Deals, r.Won, r.Lost, r.Open,
			pct(r.WinRate.Null()), ci(r.WinCI), nullMoney(r.AvgWon), days(r.Cycle.MedianDays))
	}
}

func ci(iv *funnel.Interval) string {
	if iv == nil {
		return ""
	}
	return fmt.Sprintf("[%4.1f, %5.1f]", 100*iv.Lo, 100*iv.Hi)
}

func (p *printer) benchmark(b *ratios.Report) {
	p.title("2. Reps against the benchmark")
	if b == nil {
		p.f("(not available)\n")
		return
	}
	p.f("The role model at each step is the rep with the highest shrunk resolved rate among those with at least\n")
	p.f("%d resolved trials; cells are the rep's resolved rate and its gap to the role model in points\n", b.MinTrials)
	p.f("(* below the rest of the team beyond noise, FDR %.0f%%).\n\n", 100*b.FDR)
	p.f("%-18s", "step into")
	for _, m := range b.RoleModels {
		p.f(" %15s", short(m.Stage, 15))
	}
	p.f("\n%-18s", "role model")
	for _, m := range b.RoleModels {
		name := m.Name
		if m.Rep < 0 {
			name = "(none)"
		}
		p.f(" %15s", short(name, 15))
	}
	p.f("\n%-18s", "  its rate")
	for _, m := range b.RoleModels {
		p.f(" %15s", pct(m.Rate.Null()))
	}
	p.f("\n")
	for _, r := range b.Reps {
		p.f("%-18s", short(orBlank(r.Name), 18))
		for j := range r.Steps {
			row := r.Table.Stages[j+1]
			cell := pct(row.Resolved.Null())
			if row.Gap != nil && row.Gap.Points.Valid {
				cell += fmt.Sprintf(" %+5.1f", 100*row.Gap.Points.Float64)
			}
			if r.Steps[j].Signal.Beyond && r.Steps[j].Signal.Difference.Diff.Float64 < 0 {
				cell += "*"
			}
			p.f(" %15s", cell)
		}
		p.f("\n")
	}
	p.f("\nBiggest lever per rep (matching the role model at one step, the rest unchanged):\n")
	for _, r := range b.Reps {
		if len(r.Levers) == 0 {
			p.f("  %-18s at or above the role model at every step\n", short(orBlank(r.Name), 18))
			continue
		}
		l := r.Levers[0]
		extra := "-"
		if l.ExtraWon.Valid {
			extra = fmt.Sprintf("%+.1f won", l.ExtraWon.Float64)
		}
		p.f("  %-18s into %-12s %s -> %s (%s): %s, %s bookings\n", short(orBlank(r.Name), 18), l.Stage,
			pct(l.Rate.Null()), pct(funnel.Some(l.Benchmark)), l.RoleModel, extra, nullMoney(l.ExtraBookings))
	}
}

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no owner)"
	}
	return s
}

// short cuts a name to n runes.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (p *printer) velocity(v *VelocitySection, per Span) {
	p.title("3. The four levers, " + per.Label)
	if v == nil {
		p.f("(not available)\n")
		return
	}
	p.f("V = O × W × ASP ÷ C: O opportunities open on an average day, W won of closed, ASP average won amount,\n")
	p.f("C mean days from start to close of the won deals; bookings are the won amounts closed in the span,\n")
	p.f("V×T what the levers say they were (T the span's days).\n")
	p.f("The gap is the rep's velocity against the average rep of the rep's segment (the segment's levers, its O\n")
	p.f("shared among its reps), split into each lever's share by ln V1/V0 = Σ ln of each lever's ratio.\n\n")
	p.f("%-18s %6s %6s %9s %6s %9s %10s %10s  %s\n", "rep / segment", "O", "W", "ASP", "C", "V/day", "V×T", "bookings", "gap to average: O / W / ASP / C; biggest")
	line := func(name string, m velocity.Measured, l *velocity.Levers, vel decimal.NullDecimal, gap *velocity.Decomposition, reason string) {
		if l == nil {
			p.f("%-18s %6.1f %6s %9s %6s %9s %10s %10s  %s\n", short(orBlank(name), 18), m.Opportunities, pct(m.WinRate), nullMoney(m.ASP), days(m.CycleDays()), "-", "-", money(m.Bookings), shortReason(reason))
			return
		}
		g := ""
		if gap != nil {
			if gap.NoGap {
				g = "no gap"
			} else {
				g = fmt.Sprintf("%s/day: %s / %s / %s / %s; %s", signed(gap.Gap), signed(gap.Shares[0].Amount), signed(gap.Shares[1].Amount),
					signed(gap.Shares[2].Amount), signed(gap.Shares[3].Amount), leverName(gap.Largest))
			}
		}
		p.f("%-18s %6.1f %6s %9s %6.1f %9s %10s %10s  %s\n", short(orBlank(name), 18), l.Opportunities, pct(funnel.Some(l.WinRate)), money(l.ASP),
			l.CycleDays(), nullMoney(vel), nullMoney(m.SteadyBookings), money(m.Bookings), g)
	}
	for _, r := range v.Reps {
		line(r.Rep, r.Measured, r.Levers, r.Velocity, r.Gap, r.Reason)
	}
	for i, m := range v.Segments.Groups {
		l, err := m.Levers()
		var vel decimal.NullDecimal
		var lp *velocity.Levers
		reason := ""
		if err == nil {
			lp = &l
			if x, err := l.Velocity(); err == nil {
				vel = decimal.NewNullDecimal(x)
			}
		} else {
			reason = err.Error()
		}
		name := orBlank(m.Group[0])
		if i < len(v.Average) {
			name += fmt.Sprintf(" (%d)", v.Average[i].Reps)
		}
		line(name, m, lp, vel, nil, reason)
	}
	tl, err := v.Report.Total.Levers()
	var tv decimal.NullDecimal
	var tlp *velocity.Levers
	if err == nil {
		tlp = &tl
		if x, err := tl.Velocity(); err == nil {
			tv = decimal.NewNullDecimal(x)
		}
	}
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	line("team", v.Report.Total, tlp, tv, nil, reason)
}

func shortReason(s string) string {
	if s == "" {
		return ""
	}
	return "levers undefined: " + short(s, 60)
}

func signed(d decimal.Decimal) string {
	if d.IsNegative() {
		return "-" + money(d.Neg())
	}
	return "+" + money(d)
}

func leverName(l velocity.NullLever) string {
	if !l.Valid {
		return "-"
	}
	return l.Lever.String()
}

func (p *printer) pipeline(ps []RepPipeline, rv Review) {
	p.title("4. 1:1 pipeline dashboard, as of " + rv.AsOf.Format("2006-01-02"))
	if len(ps) == 0 {
		p.f("(no open deals)\n")
		return
	}
	p.f("Open deals at the date; stuck: no stage change for the stalled threshold; untouched: no touch for the\n")
	p.f("untouched threshold (or never); past due: expected close passed. New, advanced, won and lost count the\n")
	p.f("deals that did so in %s up to the date.\n\n", rv.Current.Label)
	p.f("%-18s %5s %11s %6s %9s %5s %8s %9s %9s %4s %5s %4s %4s\n", "rep", "open", "pipeline", "stuck", "untouched", "past", "age p50",
		"days/tch", "tch/open", "new", "adv.", "won", "lost")
	for _, r := range ps {
		h := r.Health
		p.f("%-18s %5d %11s %6d %9d %5d %8s %9s %9s %4d %5d %4d %4d\n", short(orBlank(r.Rep), 18), h.Pipeline.Deals, money(h.Pipeline.Amount),
			h.Stalled, h.Untouched, h.PastDue, days(r.Ages.MedianDays), days(h.MeanDaysBetweenTouches), ratio(r.Engage),
			len(r.Moved.Created), len(r.Moved.Advanced), len(r.Moved.Won), len(r.Moved.Lost))
	}
}

func ratio(r funnel.Ratio) string {
	if !r.Defined() {
		return "-"
	}
	return fmt.Sprintf("%.1f", r.Value())
}

func (p *printer) metrics(m *ratios.MetricsReport) {
	if m == nil {
		return
	}
	p.title("5. Micro metrics")
	names := []ratios.MetricName{}
	for k := range ratios.NumMetrics {
		names = append(names, ratios.MetricName(k))
	}
	p.f("%-26s", "metric")
	for _, r := range m.Reps {
		p.f(" %9s", short(firstName(r.Rep), 9))
	}
	p.f(" %9s\n", "team")
	for _, n := range names {
		p.f("%-26s", short(n.String(), 26))
		for _, r := range m.Reps {
			p.f(" %9s", metricValue(r.Metrics[n]))
		}
		p.f(" %9s\n", metricValue(m.Team.Metrics[n]))
	}
}

// firstName is the first word of a name, for narrow columns.
func firstName(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return "(none)"
}

func metricValue(m ratios.Metric) string {
	if !m.Value.Valid {
		return "-"
	}
	switch m.Name.Kind() {
	case ratios.KindShare:
		return pct(m.Value)
	case ratios.KindMoney:
		return nullMoney(m.MoneyPer)
	}
	return fmt.Sprintf("%.1f", m.Value.Float64)
}

func (p *printer) diagnosis(d *ratios.Diagnosis) {
	p.title("6. Diagnosis")
	if d == nil {
		p.f("(not available)\n")
		return
	}
	p.f("%s, the rep furthest below the team, against the rest of the team (* beyond noise, FDR %.0f%%):\n\n", d.Rep, 100*d.FDR)
	p.f("%-20s %-26s %10s %10s %8s\n", "area", "metric", "rep", "rest", "p adj.")
	for _, a := range d.Areas {
		for i, l := range a.Lines {
			area := ""
			if i == 0 {
				area = a.Area.String()
			}
			mark := ""
			if l.Worse {
				mark = " * worse"
			} else if l.BeyondNoise {
				mark = " * better"
			}
			padj := "-"
			if l.Test.Adjusted.Valid {
				padj = fmt.Sprintf("%.3f", l.Test.Adjusted.Float64)
			}
			p.f("%-20s %-26s %10s %10s %8s%s\n", area, short(l.Metric.String(), 26), metricValue(l.Rep), metricValue(l.Rest), padj, mark)
		}
	}
	if d.CoachFirst.Valid {
		p.f("Coach first: %s.\n", d.CoachFirst.Area)
	} else {
		p.f("No area is weak beyond noise: nothing to coach on this evidence.\n")
	}
}

func (p *printer) domino(d *DominoSection) {
	p.title("7. Domino: what moves revenue")
	if d == nil {
		p.f("(not available)\n")
		return
	}
	base, _ := d.Chain.Revenue()
	p.f("The team's chain: %.0f %s", d.Chain.Top, d.Chain.TopName)
	for _, s := range d.Chain.Stages {
		p.f(" × %.1f%% %s", 100*s.Rate, s.Name)
	}
	p.f(" × ASP %s = %s\n\n", money(d.Chain.ASP), money(base))
	p.f("Tornado, each lever alone ±%.0f%%:\n", 100*d.Tornado.Step)
	for _, b := range d.Tornado.Bars {
		capped := ""
		if b.UpCapped {
			capped = " (capped at 100%)"
		}
		p.f("  %-22s %12s .. %12s  swing %12s%s\n", short(b.Name, 22), money(b.Down), money(b.Up), money(b.Swing), capped)
	}
	p.f("In a chain each lever moves revenue in proportion (elasticity 1), so ±10%% on any one is ±10%% on revenue.\n")
	p.f("A point of conversion is worth most where the rate is lowest; each stage rate alone ±5 points:\n")
	for _, b := range d.Points {
		p.f("  %-22s %12s .. %12s  swing %12s\n", short(b.Name, 22), money(b.Down), money(b.Up), money(b.Swing))
	}
	p.f("What differs is how far each can move. Against the role models' rates:\n")
	if d.Ranking != nil {
		for _, g := range d.Ranking.ByRevenue {
			p.f("  %-22s %6.1f%% -> %5.1f%%  %+13s\n", short(g.Name, 22), 100*g.From, 100*g.To, signed(g.Change))
		}
		if len(d.Ranking.ByRevenue) == 0 {
			p.f("  the team is at its role models' rates at every step\n")
		}
	}
	if d.TenPercent.Multiplier.Valid {
		p.f("\nTen per cent better on all %d levers at once: revenue × %.4f (%+.2f%%), %s -> %s.\n", len(d.TenPercent.Effects),
			d.TenPercent.Multiplier.Float64, 100*(d.TenPercent.Multiplier.Float64-1), money(d.TenPercent.Base), money(d.TenPercent.Revenue))
	}
	t := d.Target
	if t.Reachable {
		p.f("For %+.0f%% revenue: %.2f%% better on each of the %d levers", 100*t.Growth, 100*t.Gain, len(t.Levers))
		if t.ClosedForm.Valid {
			p.f(" ((1 + %.2f)^(1/%d) − 1)", t.Growth, len(t.Levers))
		}
		p.f(", revenue %s.\n", money(t.Plan.Revenue))
	} else {
		p.f("%+.0f%% revenue is out of reach on these levers; the most they give is %s.\n", 100*t.Growth, pct(t.BestGrowth))
	}
}

func (p *printer) targets(ts []RepTarget, cur Span) {
	p.title("8. Activity targets for " + cur.Label)
	if len(ts) == 0 {
		p.f("(not available)\n")
		return
	}
	p.f("Touches needed for each rep's quota, four ways (process, win rate, efficiency, best performers);\n")
	p.f("the range is the lowest to the highest method, the pick sits at the aggressiveness given.\n\n")
	p.f("%-18s %10s %9s %9s %9s %9s  %s\n", "rep", "quota", "low", "high", "pick", "per week", "methods (touches)")
	for _, t := range ts {
		tr := t.Triangulation
		var ms []string
		for _, e := range tr.Estimates {
			ms = append(ms, fmt.Sprintf("%s %d", e.Method, e.Whole))
		}
		if len(tr.Estimates) == 0 {
			p.f("%-18s %10s  no method had data\n", short(t.Rep, 18), money(t.Quota))
			continue
		}
		p.f("%-18s %10s %9d %9d %9d %9d  %s\n", short(t.Rep, 18), money(t.Quota), tr.Low.Whole, tr.High.Whole, tr.Pick.Whole,
			tr.Pick.PerWeekWhole, strings.Join(ms, ", "))
	}
}

func (p *printer) forecast(f *velocity.ForecastResult, cur Span) {
	p.title("9. Quota forecast, " + cur.Label)
	if f == nil {
		p.f("(not available)\n")
		return
	}
	p.f("%d Monte Carlo draws per rep (seed %d) over the %.0f days left: open deals won at their stage's\n", f.Draws, f.Seed, f.Days)
	p.f("historical win rate and closing in time, plus new deals at the rep's pace.\n\n")
	p.f("%-18s %10s %10s %10s %10s %10s %7s\n", "rep", "quota", "won so far", "P10", "P50", "P90", "P(hit)")
	for _, r := range f.Reps {
		if r.Quota.IsZero() {
			continue
		}
		p.f("%-18s %10s %10s %10s %10s %10s %6.0f%%\n", short(r.Rep, 18), money(r.Quota), money(r.WonSoFar), money(r.P10), money(r.P50), money(r.P90), 100*r.PHit)
	}
}

// cover formats a coverage multiple, "met" when the quota is met and "-"
// without a quota.
func cover(c funnel.NullFloat64, met bool) string {
	switch {
	case met:
		return "met"
	case !c.Valid:
		return "-"
	}
	return fmt.Sprintf("%.2fx", c.Float64)
}

func (p *printer) coverage(c *pipeline.CoverageReport, rv Review) {
	p.title("10. Coverage and forecast categories, " + rv.Current.Label + ", as of " + rv.AsOf.Format("2006-01-02"))
	if c == nil {
		p.f("(not available)\n")
		return
	}
	p.f("Coverage: open pipeline expected to close in %s / (quota - won so far); weighted: each deal's amount times\n", rv.Current.Label)
	p.f("the share of closed deals won from its stage. Commit: at the last open stage, closing in the period; best case:\n")
	p.f("closing in the period at a stage that won 30%% or more; pipeline: the rest closing in it; omitted: closing later\n")
	p.f("or with no expected close.\n\n")
	crm := c.Team.CRMWeighted.Valid
	p.f("%-18s %10s %10s %10s %10s %8s %10s", "rep", "quota", "won", "to go", "pipeline", "coverage", "weighted")
	if crm {
		p.f(" %10s", "CRM wtd")
	}
	p.f(" %10s %10s %10s %10s\n", "commit", "best case", "pipeline", "omitted")
	row := func(name string, r pipeline.RepCoverage) {
		p.f("%-18s %10s %10s %10s %10s %8s %10s", short(name, 18), nullMoney(r.Quota), money(r.Won.Amount), nullMoney(r.ToGo),
			money(r.Pipeline.Amount), cover(r.Coverage, r.Met), nullMoney(r.Weighted))
		if crm {
			p.f(" %10s", nullMoney(r.CRMWeighted))
		}
		for _, k := range r.Categories {
			p.f(" %10s", money(k.Amount))
		}
		p.f("\n")
	}
	for _, r := range c.Reps {
		row(r.Rep, r)
	}
	row("team", c.Team)
	p.f("\nTeam coverage by stage:")
	for _, st := range c.Team.ByStage {
		p.f(" %s %s;", st.StageName, cover(st.Coverage, c.Team.Met))
	}
	p.f(" %d open deals without an expected close.\n", c.Team.NoExpectedClose)
}

func brier(v funnel.NullFloat64) string {
	if !v.Valid {
		return "-"
	}
	return fmt.Sprintf("%.3f", v.Float64)
}

func share(r funnel.Rate) string {
	if !r.Defined() {
		return "-"
	}
	return fmt.Sprintf("%d/%d", r.K, r.N)
}

func (p *printer) backtest(b *backtest.Report) {
	if b == nil {
		return
	}
	p.title("11. Backtest of the quota forecast, by " + b.Period.String())
	p.f("At the start of each past %s, the forecast made from what was known then (deals started before it, at\n", b.Period)
	p.f("their stage then; rates from the deals closed before it), %d draws, open deals priced %s, against what\n", b.Draws, b.Pricing)
	p.f("happened. Brier: mean (P(hit) - hit)^2, beside last %s's attainment and the weighted pipeline.\n\n", b.Period)
	p.f("%-10s %5s %7s %7s %7s %8s %8s %10s\n", "period", "reps", "hit", "Brier", "last", "weighted", "P10-P90", "MAE P50")
	line := func(label string, s backtest.Scores) {
		p.f("%-10s %5d %7s %7s %7s %8s %8s %10s\n", label, s.Forecasts, share(s.Hits), brier(s.Brier), brier(s.BrierLast),
			brier(s.BrierWeighted), share(s.InBand), nullMoney(s.MAE))
	}
	for _, pr := range b.Periods {
		line(pr.Label, pr.Scores)
	}
	line("overall", b.Overall)
	if len(b.Skipped) > 0 {
		p.f("%d %s(s) skipped with no closed deal before them (first: %s).\n", len(b.Skipped), b.Period, b.Skipped[0].Label)
	}
	p.f("\nCalibration: of the forecasts in each band of P(hit), the share that hit, with its 95%% Wilson interval.\n\n")
	p.f("%-9s %6s %10s %9s %16s %s\n", "P(hit)", "n", "predicted", "observed", "interval", "")
	for _, bin := range b.Overall.Calibration {
		if bin.Forecasts == 0 {
			continue
		}
		mark := ""
		if !bin.Within {
			mark = "outside"
		}
		p.f("%.1f-%.1f   %6d %9.0f%% %8.0f%% %16s %s\n", bin.Lo, bin.Hi, bin.Forecasts, 100*bin.MeanPredicted.Float64,
			100*bin.Observed.Value(), bin.Interval, mark)
	}
}
