package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func defaults(t *testing.T) config {
	t.Helper()
	cfg, help, err := parse(nil)
	if err != nil || help != "" {
		t.Fatalf("parse(nil) = %q, %v", help, err)
	}
	return cfg
}

func analyzed(t *testing.T, cfg config) report {
	t.Helper()
	r, err := analyze(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var approx = cmpopts.EquateApprox(1e-9, 1e-9)

// TestData checks that the program's numbers agree with each other: each
// SMB rep's win rate, ASP and cycle are those of the quarter's counts,
// the meetings and touches add up, and the fall takes last quarter's win
// rate to this quarter's.
func TestData(t *testing.T) {
	lv := map[string]levers{}
	for _, l := range team() {
		lv[l.Rep] = l
	}
	for _, q := range smbQuarter() {
		l := lv[q.Rep]
		b := parseFloat(t, q.Bookings)
		got := []float64{l.WinRate, parseFloat(t, l.ASP), l.CycleDays}
		want := []float64{float64(q.Won) / float64(q.Closed), b / float64(q.Won), q.CycleDays / float64(q.Won)}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("%s: levers against the quarter (-quarter +levers):\n%s", q.Rep, diff)
		}
		sums := []int64{q.Won + q.Lost, q.Initial + q.FollowUps, q.MeetingsWon + q.MeetingsLost, q.TouchesWon + q.TouchesLost, q.Closed}
		if diff := cmp.Diff([]int64{q.Closed, q.Meetings, q.Meetings, q.Touches, q.Initial}, sums); diff != "" {
			t.Errorf("%s: counts do not add up (-want +got):\n%s", q.Rep, diff)
		}
	}
	if got := lastQuarter().WinRate * (1 + winRateFall); math.Abs(got-lv[struggling].WinRate) > 1e-15 {
		t.Errorf("last quarter's win rate after the fall = %v, want this quarter's %v", got, lv[struggling].WinRate)
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return f
}

// TestVelocity checks every rep's V = O × W × ASP ÷ C and the segments'
// sums, by hand.
func TestVelocity(t *testing.T) {
	r := analyzed(t, defaults(t))
	type row struct {
		Rep              string
		PerDay, Quarter  float64
		Segment          string
		SegDay, SegQuart float64
	}
	var got []row
	for _, s := range r.Segments {
		for _, rl := range s.Reps {
			got = append(got, row{rl.Rep, rl.PerDay.InexactFloat64(), rl.Quarter.InexactFloat64(), s.Name, s.PerDay.InexactFloat64(), s.Quarter.InexactFloat64()})
		}
	}
	// ana 40 × 0.25 × 12,000 / 30 = 4,000; ben 36 × 0.30 × 11,000 / 33 =
	// 3,600; cal 45 × 0.20 × 11,000 / 33 = 3,000; a quarter is × 91.
	// dee 8 × 0.20 × 150,000 / 120 = 2,000; eli 10 × 0.25 × 120,000 /
	// 100 = 3,000; fay 6 × 0.30 × 160,000 / 144 = 2,000.
	// SMB 4,000 + 3,600 + 3,000 = 10,600 a day, × 91 = 964,600;
	// enterprise 7,000 a day, 637,000 a quarter.
	want := []row{
		{"ana", 4000, 364000, "SMB", 10600, 964600},
		{"ben", 3600, 327600, "SMB", 10600, 964600},
		{"cal", 3000, 273000, "SMB", 10600, 964600},
		{"dee", 2000, 182000, "Enterprise", 7000, 637000},
		{"eli", 3000, 273000, "Enterprise", 7000, 637000},
		{"fay", 2000, 182000, "Enterprise", 7000, 637000},
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("velocities mismatch (-want +got):\n%s", diff)
	}
}

// TestMakeUp checks the fall of cal's win rate from 25% to 20%.
func TestMakeUp(t *testing.T) {
	r := analyzed(t, defaults(t))
	type fig struct {
		Last, Now                      float64
		OppsChange, Opps               float64
		ASPChange, ASP                 float64
		CycleChange, Cycle             float64
		Solved                         float64
		Gap, WinShare, WinLog, Largest float64
	}
	// Last quarter 45 × 0.25 × 11,000 / 33 = 3,750 a day, now 45 × 0.20 ×
	// 11,000 / 33 = 3,000. The fall multiplies V by 0.8, so opportunities
	// or the ASP must rise 1/0.8 − 1 = 25% (45 → 56.25, 11,000 → 13,750)
	// or the cycle shorten to 0.8 × 33 = 26.4 days (−20%). Solved
	// directly, O = V × C / (W × ASP) = 3,750 × 33 / (0.2 × 11,000) =
	// 56.25. The gap, 3,000 − 3,750 = −750, is all the win rate:
	// ln(0.20/0.25) = −0.2231436 (R: log(0.8)), 100% of ln(V1/V0).
	want := fig{3750, 3000, 0.25, 56.25, 0.25, 13750, -0.2, 26.4, 56.25, -750, 100, math.Log(0.8), float64(velocity.LeverWinRate)}
	got := fig{
		Last: r.LastPerDay.InexactFloat64(), Now: r.NowPerDay.InexactFloat64(),
		OppsChange: r.MakeUp[0].Change, Opps: r.MakeUp[0].Levers.Opportunities,
		ASPChange: r.MakeUp[1].Change, ASP: r.MakeUp[1].Levers.ASP.InexactFloat64(),
		CycleChange: r.MakeUp[2].Change, Cycle: r.MakeUp[2].Levers.CycleDays(),
		Solved: r.Solved.Opportunities,
		Gap:    r.Fall.Gap.InexactFloat64(), WinShare: r.Fall.Shares[velocity.LeverWinRate].Percent,
		WinLog: r.Fall.Shares[velocity.LeverWinRate].LogTerm, Largest: float64(r.Fall.Largest.Lever),
	}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("make-up mismatch (-want +got):\n%s", diff)
	}
}

// TestDiagnosis checks cal against the rest of the SMB team (ana and ben
// added): the values by hand, the adjusted p-values against R.
func TestDiagnosis(t *testing.T) {
	r := analyzed(t, defaults(t))
	type line struct {
		Metric         ratios.MetricName
		Rep, Rest, Rel float64
		Adjusted       float64 // −1 when not tested
		Worse          bool
	}
	var got []line
	for _, a := range r.Diagnosis.Areas {
		for _, l := range a.Lines {
			if l.Rep.Status == ratios.NoData {
				continue
			}
			adj := -1.0
			if l.Test.Adjusted.Valid {
				adj = l.Test.Adjusted.Float64
			}
			got = append(got, line{l.Metric, l.Rep.Value.Float64, l.Rest.Value.Float64, l.Relative.Float64, adj, l.Worse})
		}
	}
	// Values: cal's parts, and ana's + ben's for the rest; Relative =
	// (cal − rest) / max(cal, rest). Adjusted p-values, R:
	//   p <- c(poisson.test(c(200,495), c(25,60))$p.value,        # touches per won
	//          poisson.test(c(400,640), c(100,160))$p.value,      # touches per lost
	//          poisson.test(c(600,1135), c(125,220))$p.value,     # touches per initial meeting
	//          prop.test(c(85,170), c(140,280), correct=FALSE)$p.value,   # inbound qualified
	//          prop.test(c(125,220), c(190,340), correct=FALSE)$p.value,  # qualified to opportunity
	//          poisson.test(c(160,252), c(125,220))$p.value,      # follow-ups per initial
	//          prop.test(c(30,16), c(100,160), correct=FALSE)$p.value,    # happy ears
	//          prop.test(c(25,60), c(125,220), correct=FALSE)$p.value)    # win rate
	//   p.adjust(p, "BH") = 1, 1, 0.412434, 1, 1, 0.563752, 0.000314599, 0.412434
	// (the smallest expected count of each 2 × 2 table is at least 5,
	// e.g. happy ears 100 × 46 / 260 = 17.7, so the z test is used).
	want := []line{
		{ratios.DaysToFirstTouch, 170.0 / 140, 280.0 / 280, (170.0/140 - 1) / (170.0 / 140), -1, false},
		{ratios.TouchesPerWon, 200.0 / 25, 495.0 / 60, (8 - 8.25) / 8.25, 1, false},
		{ratios.TouchesPerLost, 4, 640.0 / 160, 0, 1, false},
		{ratios.TouchesPerInitialMeeting, 600.0 / 125, 1135.0 / 220, (4.8 - 1135.0/220) / (1135.0 / 220), 0.412434, false},
		{ratios.InboundQualified, 85.0 / 140, 170.0 / 280, 0, 1, false},
		{ratios.QualifiedToOpportunity, 125.0 / 190, 220.0 / 340, (125.0/190 - 220.0/340) / (125.0 / 190), 1, false},
		{ratios.FollowUpsPerInitial, 160.0 / 125, 252.0 / 220, (1.28 - 252.0/220) / 1.28, 0.563752, false},
		{ratios.HappyEars, 30.0 / 100, 16.0 / 160, (0.3 - 0.1) / 0.3, 0.000314599, true},
		{ratios.WinRate, 25.0 / 125, 60.0 / 220, (0.2 - 60.0/220) / (60.0 / 220), 0.412434, false},
		{ratios.DealSize, 275000.0 / 25, 690000.0 / 60, (11000.0 - 11500) / 11500, -1, false},
		{ratios.CycleDays, 825.0 / 25, 1890.0 / 60, (33 - 31.5) / 33, -1, false},
		{ratios.BookingsPerMeeting, 275000.0 / 285, 690000.0 / 472, (275000.0/285 - 690000.0/472) / (690000.0 / 472), -1, false},
	}
	// The p-values are R's to six significant digits.
	opt := cmp.Options{cmpopts.EquateApprox(1e-5, 1e-9)}
	if diff := cmp.Diff(want, got, opt); diff != "" {
		t.Errorf("diagnosis mismatch (-want +got):\n%s", diff)
	}
	// Only happy ears is beyond noise and worse: the area to coach is
	// qualifying, out of 8 tests.
	d := r.Diagnosis
	if !d.CoachFirst.Valid || d.CoachFirst.Area != ratios.Qualifying || d.Tests != 8 || d.Discoveries != 1 {
		t.Errorf("coach first %v, %d tests, %d discoveries; want qualifying, 8, 1", d.CoachFirst, d.Tests, d.Discoveries)
	}
}

// TestTriangulation checks cal's meetings target for 330,000 over 13
// weeks, by hand.
func TestTriangulation(t *testing.T) {
	r := analyzed(t, defaults(t))
	m := r.Meetings
	var got []float64
	for _, e := range m.Estimates {
		got = append(got, e.Target)
	}
	// Won needed 330,000 / 11,000 (cal's ASP, 275,000 / 25) = 30.
	// process:    80/25 = 3.2 meetings per won × 30 = 96.
	// win rate:   96 + 205/100 = 2.05 per lost × 30 × 0.8/0.2 = 120 lost
	//             → 96 + 246 = 342.
	// efficiency: the SMB team books 965,000 over 757 meetings; 330,000 ×
	//             757 / 965,000 = 258.870466…
	// best:       ben books 330,000 over 222 meetings: 330,000 × 222 /
	//             330,000 = 222.
	want := []float64{96, 342, 330000.0 * 757 / 965000, 222}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("estimates mismatch (-want +got):\n%s", diff)
	}
	// The range 96 (process) to 342 (win rate); at 0.5 the pick is 96 +
	// 0.5 × 246 = 219, 219/13 = 16.846 a week, 17 whole.
	type pick struct {
		Low, High       float64
		LowM, HighM     target.Method
		Pick, PerWeek   float64
		Whole, WeekWhol int64
	}
	wantP := pick{96, 342, target.ByProcess, target.ByWinRate, 219, 219.0 / 13, 219, 17}
	gotP := pick{m.Low.Target, m.High.Target, m.LowMethod, m.HighMethod, m.Pick.Target, m.Pick.PerWeek, m.Pick.Whole, m.Pick.PerWeekWhole}
	if diff := cmp.Diff(wantP, gotP, approx); diff != "" {
		t.Errorf("range mismatch (-want +got):\n%s", diff)
	}
}

// TestPlan checks the performance plan and where cal stands after three
// weeks: the values due by hand, the p-values against R.
func TestPlan(t *testing.T) {
	r := analyzed(t, defaults(t))
	type week struct {
		Due    string
		HE, WR float64 // values due
		HS, WS target.Status
		HP, WP float64 // p-values, −1 when pending or on track
	}
	var got []week
	he, wr := r.Progress.Goals[0], r.Progress.Goals[1]
	for i, c := range r.Plan.Checkpoints {
		p := func(s target.WeekStanding) float64 {
			if s.Status != target.StatusBehind {
				return -1
			}
			return s.P.Float64
		}
		got = append(got, week{c.Due.Format(time.DateOnly), c.Values[0], c.Values[1], he.Weeks[i].Status, wr.Weeks[i].Status, p(he.Weeks[i]), p(wr.Weeks[i])})
	}
	// Linear over 6 weeks from 2025-01-06: due every 7 days from
	// 2025-01-13. Happy ears 0.30 → 0.10 (cal's 30/100 to the rest's
	// 16/160): 0.30 − 0.2·i/6. Win rate 0.20 → 0.25 (last quarter's):
	// 0.20 + 0.05·i/6.
	// Week 1: 2/8 = 0.25 ≤ 0.2667 and 2/9 = 0.222 ≥ 0.2083, on track.
	// Week 2: 2/7 = 0.286 > 0.2333 behind, R: pbinom(1, 7, 0.3-0.4/6,
	// lower.tail=FALSE) = 0.512639; 3/10 ≥ 0.2167 on track.
	// Week 3: 3/8 > 0.2 behind, R: pbinom(2, 8, 0.2, lower.tail=FALSE) =
	// 0.203082; 1/10 < 0.225 behind, R: pbinom(1, 10, 0.225) = 0.305099.
	on, behind, pending := target.StatusOnTrack, target.StatusBehind, target.StatusPending
	want := []week{
		{"2025-01-13", 0.3 - 0.2/6, 0.2 + 0.05/6, on, on, -1, -1},
		{"2025-01-20", 0.3 - 0.4/6, 0.2 + 0.1/6, behind, on, 0.512639, -1},
		{"2025-01-27", 0.2, 0.225, behind, behind, 0.203082, 0.305099},
		{"2025-02-03", 0.3 - 0.8/6, 0.2 + 0.2/6, pending, pending, -1, -1},
		{"2025-02-10", 0.3 - 1.0/6, 0.2 + 0.25/6, pending, pending, -1, -1},
		{"2025-02-17", 0.1, 0.25, pending, pending, -1, -1},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-5, 1e-12)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}

	// To date, pooled: happy ears 7/23 against (8·0.26667 + 7·0.23333 +
	// 8·0.2)/23 = 0.233333, behind by 7/23 − 0.233333 = 0.071014, 35.5%
	// of the 0.2 improvement, R: pbinom(6, 23, 0.2333333,
	// lower.tail=FALSE) = 0.278217. Win rate 6/29 against (9·0.20833 +
	// 10·0.21667 + 10·0.225)/29 = 0.216954, behind by 0.010057, 20.1% of
	// 0.05, R: pbinom(6, 29, 0.216954) = 0.554276. Neither beyond noise.
	type toDate struct {
		Num, Den                  int64
		Planned, Shortfall, Share float64
		P                         float64
		Status                    target.Status
		Beyond                    bool
	}
	gotT := []toDate{}
	for _, g := range r.Progress.Goals {
		s := g.ToDate
		gotT = append(gotT, toDate{s.Num, s.Den, s.Planned.Float64, s.Shortfall.Float64, s.ShortfallShare.Float64, s.P.Float64, s.Status, s.BeyondNoise})
	}
	hePlanned := (8*(0.3-0.2/6) + 7*(0.3-0.4/6) + 8*0.2) / 23
	wrPlanned := (9*(0.2+0.05/6) + 10*(0.2+0.1/6) + 10*0.225) / 29
	wantT := []toDate{
		{7, 23, hePlanned, 7.0/23 - hePlanned, (7.0/23 - hePlanned) / 0.2, 0.278217, behind, false},
		{6, 29, wrPlanned, wrPlanned - 6.0/29, (wrPlanned - 6.0/29) / 0.05, 0.554276, behind, false},
	}
	if diff := cmp.Diff(wantT, gotT, cmpopts.EquateApprox(1e-5, 1e-12)); diff != "" {
		t.Errorf("to date mismatch (-want +got):\n%s", diff)
	}
}

// TestOutput checks that the key figures reach the printed report.
func TestOutput(t *testing.T) {
	var b bytes.Buffer
	if err := run(context.Background(), &b, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Each line's figures are worked in the tests above.
	for _, line := range []string{
		"  cal  SMB           45.0  20.0%   11000.00    33    3000.00   273000.00\n",
		"  SMB              the reps' sum          10600.00   964600.00\n",
		"  Enterprise       the reps' sum           7000.00   637000.00\n",
		"cal's win rate fell 25.0% -> 20.0% (-20%): V 3750.00 -> 3000.00 a day\n",
		"    opportunities  +25.00%: 45.00 -> 56.25\n",
		"    asp            +25.00%: 11000.00 -> 13750.00\n",
		"    cycle          -20.00%: 33.0 -> 26.4 days\n",
		"  velocity.Solve agrees: at 20.0%, 56.25 opportunities give 3750.00 a day\n",
		"opportunities 0.0%, win rate 100.0%, asp 0.0%, cycle 0.0%; the largest: win rate\n",
		"  qualifying         happy-ears                      0.300     0.100    +66.7%  adjusted p 0.00031: beyond noise, worse\n",
		"  coach first: qualifying (8 gaps tested, 1 beyond noise)\n",
		"  range 96.00 (process) to 342.00 (win-rate), 7.38 to 26.31 a week\n",
		"  picked at aggressiveness 0.50: 219.00 meetings, 219 whole; 16.85 a week, 17 whole\n",
		"  3    2025-01-27 0.200  3/8 = 0.375 behind          0.225  1/10 = 0.100 behind\n",
		"  happy-ears 7/23 = 0.304 against 0.233 planned: behind by 0.071 (36% of the improvement), p = 0.278, within noise\n",
		"  win-rate   6/29 = 0.207 against 0.217 planned: behind by 0.010 (20% of the improvement), p = 0.554, within noise\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q; it is:\n%s", line, out)
		}
	}
	var again bytes.Buffer
	if err := run(context.Background(), &again, nil); err != nil {
		t.Fatal(err)
	}
	if again.String() != out {
		t.Error("two runs print different reports")
	}
}

// TestFlags checks that the flags reach what is worked and that -h
// documents every flag.
func TestFlags(t *testing.T) {
	cfg, help, err := parse([]string{"-quota", "300000", "-aggressiveness", "0", "-shape", "front-loaded", "-plan-weeks", "4", "-start", "2025-03-03", "-fdr", "0.05", "-weeks", "12"})
	if err != nil || help != "" {
		t.Fatalf("parse: %q, %v", help, err)
	}
	r := analyzed(t, cfg)
	// 300,000 / 11,000 = 27.27 won × 3.2 = 87.27 by process, the lowest;
	// at aggressiveness 0 the pick is the lowest, over 12 weeks 7.27 a
	// week.
	if got, want := r.Meetings.Pick.Target, 3.2*300000/11000; math.Abs(got-want) > 1e-9 {
		t.Errorf("pick = %v, want %v", got, want)
	}
	if got, want := r.Meetings.Pick.PerWeek, 3.2*300000/11000/12; math.Abs(got-want) > 1e-9 {
		t.Errorf("per week = %v, want %v", got, want)
	}
	// Front-loaded over 4 weeks, week 2: s = 1 − (1 − 2/4)² = 0.75, so
	// happy ears is due 0.30 − 0.75 × 0.2 = 0.15, on 2025-03-17.
	c := r.Plan.Checkpoints[1]
	if math.Abs(c.Values[0]-0.15) > 1e-12 || c.Due.Format(time.DateOnly) != "2025-03-17" || len(r.Plan.Checkpoints) != 4 {
		t.Errorf("week 2 = %v due %s of %d weeks, want 0.15 due 2025-03-17 of 4", c.Values[0], c.Due.Format(time.DateOnly), len(r.Plan.Checkpoints))
	}
	// At an FDR of 5% happy ears (adjusted p 0.0003) is still the one
	// discovery.
	if r.Diagnosis.FDR != 0.05 || r.Diagnosis.Discoveries != 1 {
		t.Errorf("FDR %v with %d discoveries, want 0.05 and 1", r.Diagnosis.FDR, r.Diagnosis.Discoveries)
	}

	var b bytes.Buffer
	if err := run(context.Background(), &b, []string{"-help"}); err != nil {
		t.Fatalf("-help: %v", err)
	}
	for _, f := range []string{"-quota", "-weeks", "-aggressiveness", "-fdr", "-start", "-plan-weeks", "-shape", "Example:"} {
		if !strings.Contains(b.String(), f) {
			t.Errorf("-h does not document %s:\n%s", f, b.String())
		}
	}
}

// TestBadInput checks that bad flags are errors naming what is wrong,
// wrapping the module's sentinels where a package decides.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want error  // a sentinel, or nil to check the text only
		text string // a part of the message
	}{
		{"unknown flag", []string{"-bogus"}, nil, "flag provided but not defined: -bogus"},
		{"stray argument", []string{"cal"}, nil, `unexpected argument "cal"`},
		{"quota not a decimal", []string{"-quota", "lots"}, nil, `-quota: "lots"`},
		{"negative quota", []string{"-quota", "-1"}, funnel.ErrNegativeAmount, "quota"},
		{"no weeks", []string{"-weeks", "0"}, funnel.ErrOutOfRange, "weeks"},
		{"aggressiveness above 1", []string{"-aggressiveness", "1.5"}, funnel.ErrOutOfRange, "aggressiveness"},
		{"aggressiveness NaN", []string{"-aggressiveness", "NaN"}, funnel.ErrNotFinite, "aggressiveness"},
		{"fdr of 1", []string{"-fdr", "1"}, funnel.ErrOutOfRange, "FDR"},
		{"start not a date", []string{"-start", "next monday"}, nil, `-start: "next monday"`},
		{"no plan weeks", []string{"-plan-weeks", "0"}, funnel.ErrOutOfRange, "weeks"},
		{"plan too long", []string{"-plan-weeks", "10000"}, funnel.ErrOutOfRange, "weeks"},
		{"unknown shape", []string{"-shape", "zigzag"}, nil, "-shape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := run(context.Background(), &b, tt.args)
			if err == nil {
				t.Fatalf("run(%q): no error; printed:\n%s", tt.args, b.String())
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("run(%q) = %v, want an error wrapping %v", tt.args, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("run(%q) = %q, want it to name %q", tt.args, err, tt.text)
			}
			if b.Len() != 0 {
				t.Errorf("run(%q) printed a report before failing:\n%s", tt.args, b.String())
			}
		})
	}
}

// TestCancelled checks that a cancelled context stops the program.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(ctx, &bytes.Buffer{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("run(cancelled) = %v, want context.Canceled", err)
	}
}

// FuzzRun runs the program on any flag values: it never panics, and a
// report it prints holds no NaN or infinity.
func FuzzRun(f *testing.F) {
	f.Add("330000", 13.0, 0.5, 0.0, 6, "linear")
	f.Add("300000", 12.0, 0.0, 0.05, 4, "front-loaded")
	f.Add("-1", 0.0, 1.5, 1.0, 0, "zigzag")
	f.Add("1e30", 1e-300, 1.0, 0.999, 520, "linear")
	f.Fuzz(func(t *testing.T, quota string, weeks, aggr, fdr float64, planWeeks int, shape string) {
		args := []string{"-quota", quota, "-weeks", strconv.FormatFloat(weeks, 'g', -1, 64),
			"-aggressiveness", strconv.FormatFloat(aggr, 'g', -1, 64), "-fdr", strconv.FormatFloat(fdr, 'g', -1, 64),
			"-plan-weeks", strconv.Itoa(planWeeks), "-shape", shape}
		var b bytes.Buffer
		if err := run(context.Background(), &b, args); err != nil {
			return
		}
		if out := b.String(); strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("run(%q) printed NaN or Inf:\n%s", args, out)
		}
	})
}
