package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/shopspring/decimal"
)

const day = 24 * time.Hour

// levers are one rep's four levers as a sales manager gives them.
type levers struct {
	Rep, Segment  string
	Opportunities float64 // open on an average day of the quarter
	WinRate       float64 // won of closed opportunities
	ASP           string  // average won amount, a decimal
	CycleDays     float64 // average days from creation to win
}

// team is the AE team this quarter: three SMB reps and three enterprise
// reps. Each SMB rep's win rate, ASP and cycle are those of their quarter
// below (won ÷ closed, bookings ÷ won, cycle days ÷ won), and the
// opportunities are about what Little's law gives for their closes
// (closed per day × cycle: 120 closed in 91 days × 30 days ≈ 40).
func team() []levers {
	return []levers{
		{"ana", "SMB", 40, 0.25, "12000", 30},
		{"ben", "SMB", 36, 0.30, "11000", 33},
		{"cal", "SMB", 45, 0.20, "11000", 33},
		{"dee", "Enterprise", 8, 0.20, "150000", 120},
		{"eli", "Enterprise", 10, 0.25, "120000", 100},
		{"fay", "Enterprise", 6, 0.30, "160000", 144},
	}
}

// The rep whose win rate fell: last quarter's levers, and the fall as a
// relative change of the win rate (25% to 20% is a fifth lost).
const (
	struggling  = "cal"
	winRateFall = -0.20
)

func lastQuarter() levers { return levers{"cal", "SMB", 45, 0.25, "11000", 33} }

// bestPerformer is the SMB rep with the most bookings per meeting
// (330,000 over 222 meetings), whose ratio the best-performers method of
// the triangulation takes.
const bestPerformer = "ben"

// quarter is one SMB rep's closed opportunities and activity over the
// quarter, the counts behind the diagnosis and the triangulation.
type quarter struct {
	Rep                            string
	Closed, Won, Lost              int64   // opportunities closed, won and lost; Closed = Won + Lost
	Bookings                       string  // money won, a decimal
	CycleDays                      float64 // days from creation to win, summed over the won deals
	Meetings                       int64   // meetings held on the closed opportunities
	Initial, FollowUps             int64   // of those, the first on each opportunity and the rest
	MeetingsWon, MeetingsLost      int64   // of those, on won and on lost opportunities
	HappyEars                      int64   // lost opportunities with 3 or more meetings
	Touches                        int64   // calls, emails and meetings on the closed opportunities
	TouchesWon, TouchesLost        int64   // of those, on won and on lost ones
	InboundLeads, InboundQualified int64   // inbound leads resolved, and those qualified
	Qualified                      int64   // qualified prospects resolved; Closed of them became opportunities
	FirstTouchDays                 float64 // days from assignment to first touch, summed over
	FirstTouchDeals                int64   // the leads touched
}

// smbQuarter is the SMB reps' quarter.
func smbQuarter() []quarter {
	return []quarter{
		{"ana", 120, 30, 90, "360000", 900, 250, 120, 130, 95, 155, 9, 600, 240, 360, 150, 90, 180, 150, 150},
		{"ben", 100, 30, 70, "330000", 990, 222, 100, 122, 96, 126, 7, 535, 255, 280, 130, 80, 160, 130, 130},
		{"cal", 125, 25, 100, "275000", 825, 285, 125, 160, 80, 205, 30, 600, 200, 400, 140, 85, 190, 170, 140},
	}
}

// actuals are the struggling rep's first three weeks on the plan: lost
// opportunities with 3 or more meetings of those lost, and won of closed.
func actuals() []target.Actual {
	he, wr := ratios.HappyEars.String(), ratios.WinRate.String()
	return []target.Actual{
		{Goal: he, Week: 1, Num: 2, Den: 8}, {Goal: wr, Week: 1, Num: 2, Den: 9},
		{Goal: he, Week: 2, Num: 2, Den: 7}, {Goal: wr, Week: 2, Num: 3, Den: 10},
		{Goal: he, Week: 3, Num: 3, Den: 8}, {Goal: wr, Week: 3, Num: 1, Den: 10},
	}
}

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "aeteam:", err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	quota          decimal.Decimal // next quarter's quota of the struggling rep
	weeks          float64         // weeks in the quota period
	aggressiveness float64         // where in the range the target is picked
	fdr            float64         // the diagnosis's false discovery rate
	start          time.Time       // the plan's first day
	planWeeks      int             // the plan's length
	shape          target.Shape    // how the plan spreads the improvement
}

// run parses args, works the team's numbers and writes the report to w.
// -h writes the flags' documentation to w and returns nil.
func run(ctx context.Context, w io.Writer, args []string) error {
	cfg, help, err := parse(args)
	if err != nil {
		return err
	}
	if help != "" {
		_, err := io.WriteString(w, help)
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := analyze(cfg)
	if err != nil {
		return err
	}
	return r.write(w)
}

// parse reads the flags. It returns the usage text instead of a config
// when -h or -help is given, and an error for an unknown flag, a bad value
// or a positional argument.
func parse(args []string) (config, string, error) {
	fs := flag.NewFlagSet("aeteam", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	quota := fs.String("quota", "330000", "the struggling rep's quota for next quarter, a decimal `amount`")
	weeks := fs.Float64("weeks", 13, "`weeks` in the quota period")
	aggr := fs.Float64("aggressiveness", 0.5, "where the meetings target is picked in its range, `a` from 0 (the fewest) to 1 (the most)")
	fdr := fs.Float64("fdr", 0, "the false discovery `rate` of the diagnosis's tests; 0 is the package's default, 0.10")
	start := fs.String("start", "2025-01-06", "the performance plan's first `day`, YYYY-MM-DD")
	planWeeks := fs.Int("plan-weeks", 6, "the performance plan's length in `weeks`")
	var shape target.Shape
	fs.TextVar(&shape, "shape", target.Linear, "the plan's `shape`, how it spreads the improvement: linear or front-loaded")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, usage(fs), nil
		}
		return config{}, "", fmt.Errorf("%w (-h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return config{}, "", fmt.Errorf("unexpected argument %q: the program takes flags only (-h lists them)", fs.Arg(0))
	}
	cfg := config{weeks: *weeks, aggressiveness: *aggr, fdr: *fdr, planWeeks: *planWeeks, shape: shape}
	q, err := decimal.NewFromString(*quota)
	if err != nil {
		return config{}, "", fmt.Errorf("-quota: %q is not a decimal amount", *quota)
	}
	cfg.quota = q
	if cfg.start, err = time.Parse(time.DateOnly, *start); err != nil {
		return config{}, "", fmt.Errorf("-start: %q is not a date YYYY-MM-DD", *start)
	}
	return cfg, "", nil
}

// usage is the text of -h: what the program does and every flag.
func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(`Usage: go run ./examples/aeteam [flags]

An account-executive team's four levers and velocity by segment; a rep
whose win rate fell and what another lever must make up; that rep's
diagnosis in four areas; a meetings target for next quarter's quota asked
four ways; and a performance plan checked against the first weeks.

Example:
  go run ./examples/aeteam -quota 300000 -aggressiveness 0.25 -shape front-loaded

Flags:
`)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// repLevers is one rep's levers, velocity and bookings over a quarter.
type repLevers struct {
	Rep, Segment string
	Levers       velocity.Levers
	PerDay       decimal.Decimal
	Quarter      decimal.Decimal
}

// segment is a segment's reps and their velocities added up.
type segment struct {
	Name    string
	Reps    []repLevers
	PerDay  decimal.Decimal
	Quarter decimal.Decimal
}

// report is everything the program prints, each figure from the packages.
type report struct {
	Segments []segment
	// Last and Now are the struggling rep's levers last quarter and now;
	// LastPerDay and NowPerDay their velocities.
	Last, Now             velocity.Levers
	LastPerDay, NowPerDay decimal.Decimal
	// MakeUp holds, for each other lever, the change that holds last
	// quarter's velocity after the fall; Solved the opportunities that
	// hold it at the new win rate, solved directly; Fall the gap split by
	// lever.
	MakeUp []velocity.MakeUpResult
	Solved velocity.Levers
	Fall   velocity.Decomposition
	// Diagnosis is the struggling rep against the rest of the SMB team.
	Diagnosis ratios.Diagnosis
	// Own, Team and Best are the triangulation's measured groups: the
	// rep, the SMB team and the best performer; Meetings the target.
	Own, Team, Best target.Measured
	Meetings        target.Triangulation
	// Plan is the performance plan and Progress its check.
	Plan     target.Plan
	Progress target.Progress
}

// analyze works every section from the program's numbers and cfg.
func analyze(cfg config) (report, error) {
	var r report
	if err := r.velocities(); err != nil {
		return r, err
	}
	if err := r.makeUp(); err != nil {
		return r, err
	}
	if err := r.diagnose(cfg); err != nil {
		return r, err
	}
	if err := r.triangulate(cfg); err != nil {
		return r, err
	}
	if err := r.plan(cfg); err != nil {
		return r, err
	}
	return r, nil
}

// newLevers checks and converts a rep's plain levers.
func newLevers(l levers) (velocity.Levers, error) {
	asp, err := decimal.NewFromString(l.ASP)
	if err != nil {
		return velocity.Levers{}, fmt.Errorf("%s: asp %q is not a decimal", l.Rep, l.ASP)
	}
	v, err := velocity.NewLevers(l.Opportunities, l.WinRate, asp, time.Duration(l.CycleDays*float64(day)))
	if err != nil {
		return velocity.Levers{}, fmt.Errorf("%s: %w", l.Rep, err)
	}
	return v, nil
}

// velocities measures every rep's velocity and adds them up by segment:
// bookings per day add across reps.
func (r *report) velocities() error {
	for _, l := range team() {
		v, err := newLevers(l)
		if err != nil {
			return err
		}
		rl := repLevers{Rep: l.Rep, Segment: l.Segment, Levers: v}
		if rl.PerDay, err = v.Velocity(); err != nil {
			return err
		}
		if rl.Quarter, err = v.Bookings(velocity.DaysQuarter); err != nil {
			return err
		}
		if n := len(r.Segments); n == 0 || r.Segments[n-1].Name != l.Segment {
			r.Segments = append(r.Segments, segment{Name: l.Segment})
		}
		s := &r.Segments[len(r.Segments)-1]
		s.Reps = append(s.Reps, rl)
		s.PerDay = s.PerDay.Add(rl.PerDay)
		s.Quarter = s.Quarter.Add(rl.Quarter)
		if l.Rep == struggling {
			r.Now = v
		}
	}
	return nil
}

// makeUp answers the fall of the struggling rep's win rate.
func (r *report) makeUp() error {
	last, err := newLevers(lastQuarter())
	if err != nil {
		return err
	}
	r.Last = last
	if r.LastPerDay, err = last.Velocity(); err != nil {
		return err
	}
	if r.NowPerDay, err = r.Now.Velocity(); err != nil {
		return err
	}
	for _, adjust := range []velocity.Lever{velocity.LeverOpportunities, velocity.LeverASP, velocity.LeverCycle} {
		m, err := velocity.MakeUp(last, velocity.LeverWinRate, winRateFall, adjust)
		if err != nil {
			return err
		}
		r.MakeUp = append(r.MakeUp, m)
	}
	if r.Solved, err = velocity.Solve(r.Now, velocity.LeverOpportunities, velocity.PerDay(r.LastPerDay)); err != nil {
		return err
	}
	r.Fall, err = velocity.Decompose(last, r.Now)
	return err
}

// metrics builds a rep's micro metrics from the quarter's counts.
func metrics(q quarter) (ratios.RepMetrics, error) {
	bookings, err := decimal.NewFromString(q.Bookings)
	if err != nil {
		return ratios.RepMetrics{}, fmt.Errorf("%s: bookings %q is not a decimal", q.Rep, q.Bookings)
	}
	var ms []ratios.Metric
	var first error
	add := func(m ratios.Metric, err error) {
		if err != nil && first == nil {
			first = fmt.Errorf("%s: %w", q.Rep, err)
		}
		ms = append(ms, m)
	}
	add(ratios.DaysMetric(ratios.DaysToFirstTouch, q.FirstTouchDays, q.FirstTouchDeals))
	add(ratios.CountMetric(ratios.TouchesPerWon, q.TouchesWon, q.Won))
	add(ratios.CountMetric(ratios.TouchesPerLost, q.TouchesLost, q.Lost))
	add(ratios.CountMetric(ratios.TouchesPerInitialMeeting, q.Touches, q.Initial))
	add(ratios.CountMetric(ratios.InboundQualified, q.InboundQualified, q.InboundLeads))
	add(ratios.CountMetric(ratios.QualifiedToOpportunity, q.Closed, q.Qualified))
	add(ratios.CountMetric(ratios.FollowUpsPerInitial, q.FollowUps, q.Initial))
	add(ratios.CountMetric(ratios.HappyEars, q.HappyEars, q.Lost))
	add(ratios.CountMetric(ratios.WinRate, q.Won, q.Closed))
	add(ratios.MoneyMetric(ratios.DealSize, bookings, q.Won))
	add(ratios.DaysMetric(ratios.CycleDays, q.CycleDays, q.Won))
	add(ratios.MoneyMetric(ratios.BookingsPerMeeting, bookings, q.Meetings))
	if first != nil {
		return ratios.RepMetrics{}, first
	}
	return ratios.NewRepMetrics(q.Rep, ms...)
}

// diagnose scores the struggling rep against the rest of the SMB team.
func (r *report) diagnose(cfg config) error {
	var reps []ratios.RepMetrics
	for _, q := range smbQuarter() {
		m, err := metrics(q)
		if err != nil {
			return err
		}
		reps = append(reps, m)
	}
	var err error
	r.Diagnosis, err = ratios.Diagnose(struggling, reps, &ratios.DiagnoseOptions{FDR: cfg.fdr})
	return err
}

// opportunities is the funnel of the quarter's counts: an opportunity is
// won or lost.
var opportunities = funnel.MustNew("opportunity", "won")

// measure measures a group's triangulation inputs from its quarter. The
// counts come from funnel.FromReached, which has no money: the won amount
// is set on the documented fields of funnel.Counts (every won deal has an
// amount, no lost one has), and checked by target.Measure.
func measure(name string, q quarter) (target.Measured, error) {
	c, err := funnel.FromReached(opportunities, []int64{q.Closed, q.Won}, nil)
	if err != nil {
		return target.Measured{}, fmt.Errorf("%s: %w", name, err)
	}
	won, err := decimal.NewFromString(q.Bookings)
	if err != nil {
		return target.Measured{}, fmt.Errorf("%s: bookings %q is not a decimal", name, q.Bookings)
	}
	c.Key = []string{name}
	c.WonAmount, c.WonWithAmount, c.NoAmount = won, q.Won, q.Lost
	c.AmountReached = []decimal.Decimal{won, won}
	act := target.Activity{
		PerWon:  funnel.Ratio{Num: q.MeetingsWon, Den: q.Won},
		PerLost: funnel.Ratio{Num: q.MeetingsLost, Den: q.Lost},
		Total:   q.Meetings,
	}
	m, err := target.Measure(c, act)
	if err != nil {
		return target.Measured{}, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// segmentQuarter adds the reps' quarters: the SMB team's counts and money.
// (funnel.Sum adds Counts, but target.Activity has no sum, so the team's
// quarter is added here, counts and money alike.)
func segmentQuarter(qs []quarter) (quarter, error) {
	t := quarter{Rep: "SMB", Bookings: "0"}
	sum := decimal.Zero
	for _, q := range qs {
		b, err := decimal.NewFromString(q.Bookings)
		if err != nil {
			return quarter{}, fmt.Errorf("%s: bookings %q is not a decimal", q.Rep, q.Bookings)
		}
		sum = sum.Add(b)
		t.Closed += q.Closed
		t.Won += q.Won
		t.Lost += q.Lost
		t.Meetings += q.Meetings
		t.MeetingsWon += q.MeetingsWon
		t.MeetingsLost += q.MeetingsLost
	}
	t.Bookings = sum.String()
	return t, nil
}

// triangulate asks for the struggling rep's meetings target four ways.
func (r *report) triangulate(cfg config) error {
	qs := smbQuarter()
	var err error
	for _, q := range qs {
		switch q.Rep {
		case struggling:
			r.Own, err = measure(q.Rep, q)
		case bestPerformer:
			r.Best, err = measure(q.Rep, q)
		}
		if err != nil {
			return err
		}
	}
	t, err := segmentQuarter(qs)
	if err != nil {
		return err
	}
	if r.Team, err = measure(t.Rep, t); err != nil {
		return err
	}
	in := target.FromMeasured(cfg.quota, cfg.weeks, r.Own, r.Team, r.Best)
	in.Activity = "meetings"
	in.Aggressiveness = cfg.aggressiveness
	r.Meetings, err = target.Triangulate(in)
	return err
}

// line returns the diagnosis's line of a metric.
func (r *report) line(n ratios.MetricName) (ratios.ScoreLine, bool) {
	for _, a := range r.Diagnosis.Areas {
		for _, l := range a.Lines {
			if l.Metric == n {
				return l, true
			}
		}
	}
	return ratios.ScoreLine{}, false
}

// plan makes the performance plan: happy ears from the rep's value to the
// rest of the team's, and the win rate back to last quarter's, checked
// against the first weeks.
func (r *report) plan(cfg config) error {
	he, ok := r.line(ratios.HappyEars)
	if !ok || !he.Rep.Value.Valid || !he.Rest.Value.Valid {
		return errors.New("the diagnosis has no happy-ears value for the rep and the rest")
	}
	spec := target.PlanSpec{
		Goals: []target.Goal{
			{Name: ratios.HappyEars.String(), Kind: target.MetricShare, Current: he.Rep.Value.Float64, Target: he.Rest.Value.Float64},
			{Name: ratios.WinRate.String(), Kind: target.MetricShare, Current: r.Now.WinRate, Target: r.Last.WinRate},
		},
		Start: cfg.start, Weeks: cfg.planWeeks, Shape: cfg.shape,
	}
	var err error
	if r.Plan, err = target.NewPlan(spec); err != nil {
		return err
	}
	r.Progress, err = target.Check(r.Plan, actuals(), nil)
	return err
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// row prints the plan's columns: the week, the due date, then one per
// goal, padded but for the last.
func (p *printer) row(cols []string) {
	widths := []int{4, 10}
	var b strings.Builder
	b.WriteString(" ")
	for i, c := range cols {
		b.WriteString(" ")
		w := 34
		if i < len(widths) {
			w = widths[i]
		}
		if i == len(cols)-1 {
			w = 0
		}
		fmt.Fprintf(&b, "%-*s", w, c)
	}
	p.f("%s\n", b.String())
}

// noNegZero returns x, or 0 for a negative zero, which prints as "-0.0".
func noNegZero(x float64) float64 {
	if x == 0 {
		return 0
	}
	return x
}

// write prints the report.
func (r report) write(w io.Writer) error {
	p := &printer{w: w}
	r.writeVelocity(p)
	r.writeMakeUp(p)
	r.writeDiagnosis(p)
	r.writeTarget(p)
	r.writePlan(p)
	return p.err
}

func (r report) writeVelocity(p *printer) {
	p.f("The four levers, V = O x W x ASP / C (O open on an average day, C in days), per day and per quarter (%d days)\n", velocity.DaysQuarter)
	p.f("  %-4s %-11s %6s %6s %10s %5s %10s %11s\n", "rep", "segment", "O", "W", "ASP", "C", "V a day", "a quarter")
	for _, s := range r.Segments {
		for _, rl := range s.Reps {
			l := rl.Levers
			p.f("  %-4s %-11s %6.1f %5.1f%% %10s %5.0f %10s %11s\n", rl.Rep, rl.Segment, l.Opportunities, 100*l.WinRate, l.ASP.StringFixed(2), l.CycleDays(), rl.PerDay.StringFixed(2), rl.Quarter.StringFixed(2))
		}
	}
	for _, s := range r.Segments {
		p.f("  %-16s the reps' sum %17s %11s\n", s.Name, s.PerDay.StringFixed(2), s.Quarter.StringFixed(2))
	}
	p.f("\n")
}

func (r report) writeMakeUp(p *printer) {
	p.f("%s's win rate fell %.1f%% -> %.1f%% (%+.0f%%): V %s -> %s a day\n", struggling, 100*r.Last.WinRate, 100*r.Now.WinRate, 100*winRateFall, r.LastPerDay.StringFixed(2), r.NowPerDay.StringFixed(2))
	p.f("  to hold %s a day, one other lever must make it up (velocity.MakeUp):\n", r.LastPerDay.StringFixed(2))
	for _, m := range r.MakeUp {
		switch m.Adjust {
		case velocity.LeverOpportunities:
			p.f("    %-13s %+7.2f%%: %.2f -> %.2f\n", m.Adjust, 100*m.Change, r.Last.Opportunities, m.Levers.Opportunities)
		case velocity.LeverASP:
			p.f("    %-13s %+7.2f%%: %s -> %s\n", m.Adjust, 100*m.Change, r.Last.ASP.StringFixed(2), m.Levers.ASP.StringFixed(2))
		case velocity.LeverCycle:
			p.f("    %-13s %+7.2f%%: %.1f -> %.1f days\n", m.Adjust, 100*m.Change, r.Last.CycleDays(), m.Levers.CycleDays())
		}
	}
	p.f("  velocity.Solve agrees: at %.1f%%, %.2f opportunities give %s a day\n", 100*r.Solved.WinRate, r.Solved.Opportunities, r.LastPerDay.StringFixed(2))
	p.f("  the fall of %s a day by lever (velocity.Decompose):", r.Fall.Gap.StringFixed(2))
	for i, s := range r.Fall.Shares {
		sep := ","
		if i == 0 {
			sep = ""
		}
		p.f("%s %s %.1f%%", sep, s.Lever, noNegZero(s.Percent))
	}
	p.f("; the largest: %s\n\n", r.Fall.Largest)
}

func (r report) writeDiagnosis(p *printer) {
	d := r.Diagnosis
	p.f("%s against the rest of the SMB team in four areas (gaps beyond noise at a false discovery rate of %.0f%%):\n", d.Rep, 100*d.FDR)
	p.f("  %-18s %-27s %9s %9s %9s  %s\n", "area", "metric", d.Rep, "rest", "relative", "noise test")
	for _, a := range d.Areas {
		for _, l := range a.Lines {
			if l.Rep.Status == ratios.NoData {
				continue
			}
			p.f("  %-18s %-27s %9.3f %9.3f %+8.1f%%  ", a.Area, l.Metric, l.Rep.Value.Float64, l.Rest.Value.Float64, 100*l.Relative.Float64)
			switch {
			case !l.Test.P.Valid:
				p.f("not tested: %s\n", l.Test.Reason)
			case l.Worse:
				p.f("adjusted p %.2g: beyond noise, worse\n", l.Test.Adjusted.Float64)
			case l.BeyondNoise:
				p.f("adjusted p %.2g: beyond noise, better\n", l.Test.Adjusted.Float64)
			default:
				p.f("adjusted p %.2g: within noise\n", l.Test.Adjusted.Float64)
			}
		}
	}
	p.f("  coach first: %s (%d gaps tested, %d beyond noise)\n\n", d.CoachFirst, d.Tests, d.Discoveries)
}

func (r report) writeTarget(p *printer) {
	m := r.Meetings
	p.f("Meetings for %s's quota of %s over %g weeks, asked four ways (the team: SMB; the best performer: %s):\n", r.Own.Name, m.Quota.StringFixed(2), m.Weeks, r.Best.Name)
	for _, e := range m.Estimates {
		p.f("  %-16s %7.2f %s (%.2f a week)\n", e.Method, e.Target, m.Activity, e.PerWeek)
		p.f("    %s\n    ", e.Formula)
		for i, t := range e.Terms {
			if i > 0 {
				p.f(", ")
			}
			p.f("%s = %s", t.Name, t.Value.Round(4))
		}
		p.f("\n")
	}
	for _, o := range m.Omitted {
		p.f("  %-16s left out: %s\n", o.Method, o.Reason)
	}
	p.f("  range %.2f (%s) to %.2f (%s), %.2f to %.2f a week\n", m.Low.Target, m.LowMethod, m.High.Target, m.HighMethod, m.Low.PerWeek, m.High.PerWeek)
	p.f("  picked at aggressiveness %.2f: %.2f %s, %d whole; %.2f a week, %d whole\n\n", m.Aggressiveness, m.Pick.Target, m.Activity, m.Pick.Whole, m.Pick.PerWeek, m.Pick.PerWeekWhole)
}

func (r report) writePlan(p *printer) {
	pl := r.Plan
	p.f("Performance plan for %s from %s, %d weeks, %s:\n", struggling, pl.Start.Format(time.DateOnly), pl.Weeks, pl.Shape)
	for _, g := range pl.Goals {
		p.f("  %-10s %s from %.3f to %.3f (%s is better)\n", g.Name, g.Kind, g.Current, g.Target, g.Direction)
	}
	cols := []string{"week", "due"}
	for _, g := range r.Progress.Goals {
		cols = append(cols, g.Goal.Name+": due, actual")
	}
	p.row(cols)
	for i, c := range pl.Checkpoints {
		cols := []string{fmt.Sprint(c.Week), c.Due.Format(time.DateOnly)}
		for _, g := range r.Progress.Goals {
			ws := g.Weeks[i]
			if ws.Status == target.StatusPending {
				cols = append(cols, fmt.Sprintf("%.3f  pending", ws.Planned.Float64))
				continue
			}
			cols = append(cols, fmt.Sprintf("%.3f  %d/%d = %.3f %s", ws.Planned.Float64, ws.Num, ws.Den, ws.Actual.Float64, ws.Status))
		}
		p.row(cols)
	}
	p.f("Where %s stands, the weeks reported pooled:\n", struggling)
	for _, g := range r.Progress.Goals {
		s := g.ToDate
		if !s.Actual.Valid {
			p.f("  %-10s %s\n", g.Goal.Name, s.Status)
			continue
		}
		p.f("  %-10s %d/%d = %.3f against %.3f planned: %s", g.Goal.Name, s.Num, s.Den, s.Actual.Float64, s.Planned.Float64, s.Status)
		if s.Status == target.StatusBehind {
			noise := "within noise"
			if s.BeyondNoise {
				noise = "beyond noise"
			}
			p.f(" by %.3f (%.0f%% of the improvement), p = %.3f, %s", s.Shortfall.Float64, 100*s.ShortfallShare.Float64, s.P.Float64, noise)
		}
		p.f("\n")
	}
}
