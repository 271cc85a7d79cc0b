package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// runReview runs the program with args and decodes its -json output.
func runReview(t *testing.T, args ...string) Review {
	t.Helper()
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, append(args, "-json")); err != nil {
		t.Fatalf("run %v: %v\nstderr: %s", args, err, errs.String())
	}
	var rv Review
	if err := json.Unmarshal(out.Bytes(), &rv); err != nil {
		t.Fatalf("decoding -json: %v", err)
	}
	return rv
}

// TestHandWorked reviews four deals whose figures were worked by hand
// (testdata/hand.csv):
//
//	D1 ann  Lead 1/1, Qualified 1/2, Meeting 1/3, Proposal 1/4, Negotiation 1/5, won 1/11, 100
//	D2 ann  Lead 1/1, Qualified 1/3, lost 1/5, 50
//	D3 bob  Lead 1/2, lost 1/3, no amount
//	D4 bob  Lead 1/2, Qualified 1/4, open, 70
func TestHandWorked(t *testing.T) {
	rv := runReview(t, "-in", "testdata/hand.csv", "-quota", "100")
	// Reached Lead 4, Qualified 3 (D1 D2 D4), Meeting..won 1 (D1).
	reached := []int64{4, 3, 1, 1, 1, 1}
	var got []int64
	for _, r := range rv.Team.Stages {
		got = append(got, r.Reached)
	}
	if diff := cmp.Diff(reached, got); diff != "" {
		t.Errorf("team reached (-want +got):\n%s", diff)
	}
	// Into Qualified 3 of 4, Wilson 95% with z = 1.959964: centre
	// (0.75 + z²/8)/(1 + z²/4) = 0.62753, half-width
	// z·√(0.75·0.25/4 + z²/64)/(1 + z²/4) = 0.32689: [0.30064, 0.95442].
	q := rv.Team.Stages[1]
	if q.Resolved.K != 3 || q.Resolved.N != 4 || math.Abs(q.ResolvedCI.Lo-0.30064) > 1e-4 || math.Abs(q.ResolvedCI.Hi-0.95442) > 1e-4 {
		t.Errorf("into Qualified: %v %v, want 3 of 4 in [0.30064, 0.95442]", q.Resolved, q.ResolvedCI)
	}
	// Into Meeting: D4 is open at Qualified, so 1 of 3 − 1 = 2 resolved;
	// the weakest step (1/2 against 3/4 and 1/1 after).
	if m := rv.Team.Stages[2].Resolved; m.K != 1 || m.N != 2 || rv.Team.WeakestStage != "Meeting" {
		t.Errorf("into Meeting %v, weakest %q; want 1 of 2, Meeting", m, rv.Team.WeakestStage)
	}
	// Lead visits that ended: D1 1, D2 2, D3 1 (to its loss), D4 2 days:
	// mean 1.5. Negotiation: D1 1/5 to 1/11, 6 days.
	if s := rv.StageTime[0]; s.N != 4 || s.MeanDays.Float64 != 1.5 {
		t.Errorf("time in Lead: %+v, want 4 visits, mean 1.5", s)
	}
	if s := rv.StageTime[4]; s.N != 1 || s.MeanDays.Float64 != 6 {
		t.Errorf("time in Negotiation: %+v, want 1 visit of 6 days", s)
	}
	// ann: 1 won of 2 closed, avg won 100, cycle 10 days; bob: 0 of 1,
	// one open.
	want := []RepSummary{
		{Rep: "ann", Deals: 2, Won: 1, Lost: 1, WinRate: rate(1, 2), AvgWon: decimal.NewNullDecimal(decimal.NewFromInt(100))},
		{Rep: "bob", Deals: 2, Lost: 1, Open: 1, WinRate: rate(0, 1)},
	}
	if diff := cmp.Diff(want, rv.Reps, cmpopts.IgnoreFields(RepSummary{}, "WinCI", "Cycle")); diff != "" {
		t.Errorf("reps (-want +got):\n%s", diff)
	}
	if m := rv.Reps[0].Cycle.MedianDays; m.Float64 != 10 {
		t.Errorf("ann's cycle %v, want 10 days", m)
	}
	// As of the data's last date, 1/11; reviewed period the last full
	// quarter before it, 2023-Q4; the current one 2024-Q1.
	if rv.Period.Label != "2023-Q4" || rv.Current.Label != "2024-Q1" || !rv.AsOf.Equal(time.Date(2024, 1, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("period %s, current %s, as of %s", rv.Period.Label, rv.Current.Label, rv.AsOf)
	}
	// Open at 1/11: D4 only (bob), at Qualified, 9 days old (1/2 to 1/11),
	// never touched (no activity log: untouched).
	if len(rv.Pipeline) != 1 || rv.Pipeline[0].Rep != "bob" || rv.Pipeline[0].Health.Pipeline.Deals != 1 ||
		!rv.Pipeline[0].Health.Pipeline.Amount.Equal(decimal.NewFromInt(70)) || rv.Pipeline[0].Ages.MedianDays.Float64 != 9 {
		t.Errorf("pipeline: %+v", rv.Pipeline)
	}
}

func rate(k, n int64) funnel.Rate { return funnel.Rate{K: k, N: n} }

// TestFlags checks that a stray argument, an unknown flag and bad values
// are errors, and that -h documents every flag with an example.
func TestFlags(t *testing.T) {
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-nosuch"}, "flag provided but not defined: -nosuch"},
		{[]string{"-format", "xml", "-in", "x.csv"}, `-format "xml"`},
		{[]string{"-preset", "pipedrive", "-in", "x.csv"}, `-preset "pipedrive"`},
		{[]string{"-report", "owner-funnel"}, "-report needs -in"},
		{[]string{"-stages", "A,B"}, "give -in"},
		{[]string{"-aggressiveness", "2"}, "-aggressiveness 2"},
		{[]string{"-period", "year"}, "-period"},
		{[]string{"-as-of", "yesterday"}, `-as-of "yesterday"`},
		{[]string{"-in", "testdata/nosuch.csv"}, "nosuch.csv"},
		{[]string{"-quota", "-5"}, `-quota "-5"`},
		{[]string{"-quotas", "testdata/badquotas.csv"}, `line 3: column "quota" = "-100": not an amount: crm: amount "-100": bad amount: negative amount`},
		{[]string{"-backtest", "year"}, `-backtest "year"`},
		{[]string{"-backtest", "month"}, "-backtest month with -period quarter"},
	}
	for _, c := range bad {
		var out, errs bytes.Buffer
		err := run(context.Background(), &out, &errs, c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run %v: error %v, want one containing %q", c.args, err, c.want)
		}
	}
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	usage := errs.String()
	// Every flag appears in the usage, and the usage shows examples.
	for _, name := range []string{"in", "format", "preset", "stages", "lost", "alias", "id", "stage", "at", "owner", "segment",
		"source", "account", "amount", "expected-close", "assigned", "created", "closed", "status", "stage-dates", "lost-at",
		"is-lost", "deleted", "comma", "scattered", "lenient", "activities", "quotas", "quota", "as-of", "period", "lookback", "levers-periods",
		"growth", "aggressiveness", "stalled", "untouched", "qualified", "opportunity", "inbound", "draws", "seed", "json",
		"svg", "png", "report", "o", "probability", "backtest"} {
		if !strings.Contains(usage, "\n  -"+name+" ") && !strings.Contains(usage, "\n  -"+name+"\n") {
			t.Errorf("usage does not document -%s", name)
		}
	}
	if !strings.Contains(usage, "Examples:") || !strings.Contains(usage, "go run ./examples/review -in") {
		t.Errorf("usage has no examples:\n%s", usage)
	}
}

// TestBadFile checks that a bad row stops the review with its line,
// column and value.
func TestBadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.csv")
	in := "deal_id,owner,stage,entered_at,amount\nD1,ann,Lead,2024-01-01,5\nD1,ann,Qualified,2024-13-45,5\n"
	if err := os.WriteFile(p, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	err := run(context.Background(), &out, &errs, []string{"-in", p})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"bad.csv", "line 3", `column "entered_at"`, `"2024-13-45"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Lenient: the deal is skipped, reported on stderr, and counted.
	errs.Reset()
	good := in + "D2,bob,Lead,2024-01-02,7\nD2,bob,Closed Won,2024-01-09,7\n"
	if err := os.WriteFile(p, []byte(strings.Replace(good, "Closed Won", "Closed Won", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), &out, &errs, []string{"-in", p, "-lenient", "-json", "-stages", "Lead,Qualified,Closed Won"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs.String(), "line 3") {
		t.Errorf("stderr does not report the skipped row: %q", errs.String())
	}
}

// deal is one deal of a long CSV, read with encoding/csv for a second
// derivation of the review's figures.
type deal struct {
	owner, source string
	stages        map[string]bool
	won, lost     bool
	closed        time.Time
	first         time.Time
	amount        decimal.NullDecimal
	expected      time.Time
}

// readDeals reads a long stage history with encoding/csv.
func readDeals(t *testing.T, r io.Reader) map[string]*deal {
	t.Helper()
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]*deal{}
	for _, rec := range recs[1:] {
		id := rec[col["deal_id"]]
		d := out[id]
		if d == nil {
			d = &deal{stages: map[string]bool{}}
			out[id] = d
		}
		d.owner = rec[col["owner"]]
		if i, ok := col["source"]; ok {
			d.source = rec[i]
		}
		at, err := time.Parse(time.RFC3339, rec[col["entered_at"]])
		if err != nil {
			at, err = time.Parse(time.DateOnly, rec[col["entered_at"]])
			if err != nil {
				t.Fatal(err)
			}
		}
		if d.first.IsZero() || at.Before(d.first) {
			d.first = at
		}
		switch st := rec[col["stage"]]; st {
		case "Closed Won":
			d.won, d.closed = true, at
		case "Closed Lost":
			d.lost, d.closed = true, at
		default:
			d.stages[st] = true
		}
		if a := rec[col["amount"]]; a != "" {
			d.amount = decimal.NewNullDecimal(decimal.RequireFromString(a))
		}
		if i, ok := col["expected_close"]; ok && rec[i] != "" {
			d.expected, _ = time.Parse(time.DateOnly, rec[i])
		}
	}
	return out
}

var stageNames = strings.Split(defaultStages, ",")

// furthest is the index of the deal's furthest stage (the last for a won
// deal), -1 for none.
func (d *deal) furthest() int {
	if d.won {
		return len(stageNames) - 1
	}
	f := -1
	for k, s := range stageNames {
		if d.stages[s] {
			f = k
		}
	}
	return f
}

// TestSample checks the key figures of every section on the embedded
// sample against a second derivation from the CSV files with encoding/csv.
func TestSample(t *testing.T) {
	rv := runReview(t)
	fh, _ := sample.Open("sample/deals.csv")
	deals := readDeals(t, fh)
	fh.Close()
	asOf := rv.AsOf

	// The as-of date is the data's last time; the reviewed period is the
	// last full quarter before it.
	var last time.Time
	for _, d := range deals {
		for _, t2 := range []time.Time{d.first, d.closed} {
			if t2.After(last) {
				last = t2
			}
		}
	}
	if asOf.Before(last) {
		t.Errorf("as of %s, before the last stage date %s", asOf, last)
	}
	qs := time.Date(asOf.Year(), (asOf.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	if !rv.Current.From.Equal(qs) || !rv.Period.To.Equal(qs) || !rv.Period.From.Equal(qs.AddDate(0, -3, 0)) {
		t.Errorf("periods %+v %+v, want the quarter before %s", rv.Period, rv.Current, qs)
	}

	// 1. Team funnel: reached and resolved at every stage.
	n := len(stageNames)
	reached, openAt := make([]int64, n), make([]int64, n)
	for _, d := range deals {
		f := d.furthest()
		for k := 0; k <= f; k++ {
			reached[k]++
		}
		if !d.won && !d.lost && f >= 0 {
			openAt[f]++
		}
	}
	for k, r := range rv.Team.Stages {
		if r.Reached != reached[k] {
			t.Errorf("reached %s = %d, want %d", r.Stage, r.Reached, reached[k])
		}
		if k > 0 && (r.Resolved.K != reached[k] || r.Resolved.N != reached[k-1]-openAt[k-1]) {
			t.Errorf("resolved into %s = %v, want %d of %d", r.Stage, r.Resolved, reached[k], reached[k-1]-openAt[k-1])
		}
	}

	// Reps: won, lost, open and the average won amount to the cent.
	type tally struct {
		won, lost, open int64
		wonSum          decimal.Decimal
		wonN            int64
	}
	reps := map[string]*tally{}
	for _, d := range deals {
		r := reps[d.owner]
		if r == nil {
			r = &tally{}
			reps[d.owner] = r
		}
		switch {
		case d.won:
			r.won++
			if d.amount.Valid {
				r.wonSum, r.wonN = r.wonSum.Add(d.amount.Decimal), r.wonN+1
			}
		case d.lost:
			r.lost++
		default:
			r.open++
		}
	}
	if len(rv.Reps) != len(reps) {
		t.Errorf("%d reps, want %d", len(rv.Reps), len(reps))
	}
	for _, s := range rv.Reps {
		r := reps[s.Rep]
		if r == nil || s.Won != r.won || s.Lost != r.lost || s.Open != r.open {
			t.Errorf("rep %s: %d won %d lost %d open, want %+v", s.Rep, s.Won, s.Lost, s.Open, r)
			continue
		}
		if r.wonN > 0 && !s.AvgWon.Decimal.Round(2).Equal(r.wonSum.Div(decimal.NewFromInt(r.wonN)).Round(2)) {
			t.Errorf("rep %s: avg won %s, want %s", s.Rep, s.AvgWon.Decimal, r.wonSum.Div(decimal.NewFromInt(r.wonN)).Round(2))
		}
	}

	// 2. Benchmark: the role model's rate at each step is its own resolved
	// step, the highest-scoring of the reps with enough trials.
	for j, m := range rv.Benchmark.RoleModels {
		if m.Rep < 0 {
			continue
		}
		row := rv.Benchmark.Reps[m.Rep].Table.Stages[j+1]
		if row.Resolved != m.Rate || row.Resolved.N < rv.Benchmark.MinTrials {
			t.Errorf("role model into %s: %v, its own row %v", m.Stage, m.Rate, row.Resolved)
		}
	}

	// 3. Levers: each rep's bookings over the trailing four quarters are
	// the amounts of the deals won in them.
	if !rv.Trailing.From.Equal(rv.Period.From.AddDate(0, -9, 0)) || !rv.Trailing.To.Equal(rv.Period.To) {
		t.Errorf("levers over %+v, want the four quarters up to %s", rv.Trailing, rv.Period.To)
	}
	book := map[string]decimal.Decimal{}
	for _, d := range deals {
		if d.won && !d.closed.Before(rv.Trailing.From) && d.closed.Before(rv.Trailing.To) && d.amount.Valid {
			book[d.owner] = book[d.owner].Add(d.amount.Decimal)
		}
	}
	for _, r := range rv.Velocity.Reps {
		if !r.Measured.Bookings.Equal(book[r.Rep]) {
			t.Errorf("%s bookings in %s: %s, want %s", r.Rep, rv.Period.Label, r.Measured.Bookings, book[r.Rep])
		}
	}

	// 4. Dashboard: each rep's open deals and pipeline at the date, and
	// the past-due ones (expected close day over by the date).
	open := map[string]int{}
	amount := map[string]decimal.Decimal{}
	due := map[string]int{}
	for _, d := range deals {
		if d.won || d.lost {
			continue
		}
		open[d.owner]++
		if d.amount.Valid {
			amount[d.owner] = amount[d.owner].Add(d.amount.Decimal)
		}
		if !d.expected.IsZero() && !d.expected.AddDate(0, 0, 1).After(asOf) {
			due[d.owner]++
		}
	}
	for _, p := range rv.Pipeline {
		h := p.Health
		if h.Pipeline.Deals != open[p.Rep] || !h.Pipeline.Amount.Equal(amount[p.Rep].Round(2)) || h.PastDue != due[p.Rep] {
			t.Errorf("%s pipeline: %d deals %s, %d past due; want %d %s %d", p.Rep, h.Pipeline.Deals, h.Pipeline.Amount, h.PastDue,
				open[p.Rep], amount[p.Rep], due[p.Rep])
		}
	}

	// 5-6. Diagnosis: of the rep whose velocity is furthest below the
	// average rep's.
	worst, low := "", 0.0
	for _, r := range rv.Velocity.Reps {
		if r.Gap != nil && r.Gap.LogRatio < low {
			worst, low = r.Rep, r.Gap.LogRatio
		}
	}
	if rv.Diagnosis == nil || rv.Diagnosis.Rep != worst {
		t.Errorf("diagnosis of %v, want %q", rv.Diagnosis, worst)
	}
	// 5. Micro metrics: each rep's touches per won deal are the
	// activities on the rep's won deals over those deals.
	if rv.Metrics == nil {
		t.Fatal("no micro metrics with the sample's activity log")
	}
	ah, _ := sample.Open("sample/activities.csv")
	acts, err := csv.NewReader(ah).ReadAll()
	ah.Close()
	if err != nil {
		t.Fatal(err)
	}
	touches := map[string]int64{}
	for _, a := range acts[1:] {
		if d := deals[a[0]]; d != nil && d.won {
			touches[d.owner]++
		}
	}
	for _, m := range rv.Metrics.Reps {
		got := m.Metrics[ratios.TouchesPerWon]
		if r := reps[m.Rep]; r != nil && r.won > 0 && (got.Num != touches[m.Rep] || got.Den != r.won) {
			t.Errorf("%s touches per won: %d over %d, want %d over %d", m.Rep, got.Num, got.Den, touches[m.Rep], r.won)
		}
	}

	// 7. Domino: the chain's top is the deals that reached the first
	// stage, and 10% on every lever multiplies revenue by 1.1^levers.
	if rv.Domino.Chain.Top != float64(reached[0]) {
		t.Errorf("chain top %v, want %d", rv.Domino.Chain.Top, reached[0])
	}
	levers := len(rv.Domino.TenPercent.Effects)
	if m := rv.Domino.TenPercent.Multiplier.Float64; math.Abs(m-math.Pow(1.1, float64(levers))) > 1e-12 {
		t.Errorf("ten per cent on %d levers: × %v, want %v", levers, m, math.Pow(1.1, float64(levers)))
	}
	if g := rv.Domino.Target.Gain; math.Abs(math.Pow(1+g, float64(levers))-1.2) > 1e-9 {
		t.Errorf("gain for +20%%: %v, (1+g)^%d = %v", g, levers, math.Pow(1+g, float64(levers)))
	}

	// 8. Targets: the pick sits at the aggressiveness in the range.
	if len(rv.Targets) == 0 {
		t.Error("no activity targets")
	}
	for _, tg := range rv.Targets {
		tr := tg.Triangulation
		if want := tr.Low.Target + 0.5*(tr.High.Target-tr.Low.Target); math.Abs(tr.Pick.Target-want) > 1e-9*want {
			t.Errorf("%s pick %v, want %v", tg.Rep, tr.Pick.Target, want)
		}
	}

	// 9. Forecast: each rep's bookings so far in the current period are
	// the deals won in it by the date.
	sofar := map[string]decimal.Decimal{}
	for _, d := range deals {
		if d.won && !d.closed.Before(rv.Current.From) && !d.closed.After(asOf) && d.amount.Valid {
			sofar[d.owner] = sofar[d.owner].Add(d.amount.Decimal)
		}
	}
	for _, r := range rv.Forecast.Reps {
		if !r.WonSoFar.Equal(sofar[r.Rep]) {
			t.Errorf("%s won so far %s, want %s", r.Rep, r.WonSoFar, sofar[r.Rep])
		}
		if r.P10.GreaterThan(r.P50) || r.P50.GreaterThan(r.P90) || r.P10.LessThan(r.WonSoFar) {
			t.Errorf("%s quantiles out of order: %s %s %s (so far %s)", r.Rep, r.P10, r.P50, r.P90, r.WonSoFar)
		}
	}
	if len(rv.Skipped) != 0 {
		t.Errorf("sections skipped on the sample: %+v", rv.Skipped)
	}
}

// TestText checks that the text review prints every section in order.
func TestText(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, nil); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	at := -1
	for _, s := range []string{"1. Team funnel", "Time in stage", "Reps:", "2. Reps against the benchmark", "3. The four levers",
		"4. 1:1 pipeline dashboard", "5. Micro metrics", "6. Diagnosis", "7. Domino", "8. Activity targets", "9. Quota forecast",
		"10. Coverage and forecast categories"} {
		i := strings.Index(text, s)
		if i < 0 || i < at {
			t.Errorf("section %q missing or out of order", s)
		}
		at = i
	}
	if strings.Contains(text, "NaN") || strings.Contains(text, "Inf") {
		t.Error("the review prints NaN or Inf")
	}
}

// TestJSON checks the documented top-level shape of -json.
func TestJSON(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, []string{"-json"}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"activities", "ages", "as_of", "backtest", "benchmark", "counted", "coverage", "current", "deals", "diagnosis", "domino", "forecast",
		"known", "metrics", "period", "pipeline", "reps", "skipped", "skipped_rows", "source", "stage_time", "targets", "team", "trailing",
		"unmatched_activities", "velocity", "window"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
}

// sampleQuotas reads the sample's quotas with encoding/csv.
func sampleQuotas(t *testing.T) map[string]decimal.Decimal {
	t.Helper()
	fh, err := sample.Open("sample/quotas.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	q := map[string]decimal.Decimal{}
	for _, r := range recs[1:] {
		q[r[0]] = decimal.RequireFromString(r[1])
	}
	return q
}

// TestCoverage checks section 10 on the sample against a second
// derivation from the CSV with encoding/csv: for each rep, the deals won
// from the current quarter's start to the review date, the pipeline open
// at the date with an expected close in the quarter, and its coverage,
// pipeline / (quota − won). The categories hold every open deal.
func TestCoverage(t *testing.T) {
	rv := runReview(t)
	fh, _ := sample.Open("sample/deals.csv")
	deals := readDeals(t, fh)
	fh.Close()
	quotas := sampleQuotas(t)
	type figures struct{ won, pipeline, open decimal.Decimal }
	want := map[string]*figures{}
	asOf, cur := rv.AsOf, rv.Current
	for _, d := range deals {
		w := want[d.owner]
		if w == nil {
			w = &figures{}
			want[d.owner] = w
		}
		amount := d.amount.Decimal // zero when missing, which adds nothing
		if d.won && !d.closed.Before(cur.From) && !d.closed.After(asOf) {
			w.won = w.won.Add(amount)
		}
		open := !d.first.After(asOf) && (d.closed.IsZero() || d.closed.After(asOf))
		if !open {
			continue
		}
		w.open = w.open.Add(amount)
		if !d.expected.IsZero() && !d.expected.Before(cur.From) && d.expected.Before(cur.To) {
			w.pipeline = w.pipeline.Add(amount)
		}
	}
	c := rv.Coverage
	if c == nil || len(c.Reps) != len(want) {
		t.Fatalf("coverage %+v, want %d reps", c, len(want))
	}
	for _, r := range c.Reps {
		w := want[r.Rep]
		if w == nil {
			t.Errorf("unknown rep %q", r.Rep)
			continue
		}
		if !r.Won.Amount.Equal(w.won) || !r.Pipeline.Amount.Equal(w.pipeline) || !r.Open.Amount.Equal(w.open) {
			t.Errorf("%s: won %s, pipeline %s, open %s; CSV %s, %s, %s", r.Rep, r.Won.Amount, r.Pipeline.Amount, r.Open.Amount, w.won, w.pipeline, w.open)
		}
		q, ok := quotas[r.Rep]
		switch toGo := q.Sub(w.won); {
		case !ok:
			if r.Quota.Valid || r.Coverage.Valid {
				t.Errorf("%s has no quota in the CSV: quota %v coverage %v", r.Rep, r.Quota, r.Coverage)
			}
		case !toGo.IsPositive():
			if !r.Met || r.Coverage.Valid {
				t.Errorf("%s met the quota (%s of %s): met %v coverage %v", r.Rep, w.won, q, r.Met, r.Coverage)
			}
		default:
			cov := w.pipeline.InexactFloat64() / toGo.InexactFloat64()
			if !r.Coverage.Valid || math.Abs(r.Coverage.Float64-cov) > 1e-9*cov {
				t.Errorf("%s coverage %v, CSV %s / %s = %v", r.Rep, r.Coverage, w.pipeline, toGo, cov)
			}
		}
		var n int
		for _, k := range r.Categories {
			n += k.Deals
		}
		if n != r.Open.Deals {
			t.Errorf("%s: categories hold %d deals, %d open", r.Rep, n, r.Open.Deals)
		}
	}
}

// TestBacktest checks section 11 on the sample (-backtest quarter)
// against a second derivation from the CSV with encoding/csv: each rep's
// actual bookings in each quarter replayed (the deals won in it) and
// whether they reached the rep's quota; and that the quarters replayed
// run from the first after the data's start to the last that ended by
// the review date.
func TestBacktest(t *testing.T) {
	rv := runReview(t, "-backtest", "quarter")
	b := rv.Backtest
	if b == nil || len(b.Periods) == 0 {
		t.Fatalf("no backtest: %+v (skipped %+v)", b, rv.Skipped)
	}
	fh, _ := sample.Open("sample/deals.csv")
	deals := readDeals(t, fh)
	fh.Close()
	quotas := sampleQuotas(t)
	var first time.Time
	for _, d := range deals {
		if first.IsZero() || d.first.Before(first) {
			first = d.first
		}
	}
	q := funnel.Quarter
	if want := q.End(q.Start(first)); !b.Periods[0].Start.Equal(want) && (len(b.Skipped) == 0 || !b.Skipped[0].Start.Equal(want)) {
		t.Errorf("first quarter %s, want %s", b.Periods[0].Start, want)
	}
	if last := b.Periods[len(b.Periods)-1]; last.End.After(rv.AsOf) || !q.End(last.End).After(rv.AsOf) {
		t.Errorf("last quarter %s to %s, review date %s", last.Start, last.End, rv.AsOf)
	}
	for _, p := range b.Periods {
		actual := map[string]decimal.Decimal{}
		for _, d := range deals {
			if d.won && !d.closed.Before(p.Start) && d.closed.Before(p.End) {
				actual[d.owner] = actual[d.owner].Add(d.amount.Decimal)
			}
		}
		for _, r := range p.Reps {
			if !r.Actual.Equal(actual[r.Rep]) || r.Hit != !actual[r.Rep].LessThan(quotas[r.Rep]) || !r.Quota.Equal(quotas[r.Rep]) {
				t.Errorf("%s %s: actual %s hit %v quota %s; CSV %s of %s", p.Label, r.Rep, r.Actual, r.Hit, r.Quota, actual[r.Rep], quotas[r.Rep])
			}
		}
	}
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, []string{"-backtest", "quarter"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "11. Backtest of the quota forecast, by quarter") || !strings.Contains(out.String(), "Calibration:") {
		t.Error("the text review has no backtest section")
	}
}

// TestMaven reviews the Maven CRM export (one row per deal) with the
// mapping the README gives, and checks each agent's win rate and average
// won value against a derivation with encoding/csv.
func TestMaven(t *testing.T) {
	const path = "../../../shared/data/maven-crm/sales_pipeline.csv"
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("Maven CRM data absent: %v", err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type agent struct {
		won, lost int64
		sum       decimal.Decimal
	}
	agents := map[string]*agent{}
	for _, r := range recs[1:] {
		a := agents[r[1]]
		if a == nil {
			a = &agent{}
			agents[r[1]] = a
		}
		switch r[4] {
		case "Won":
			a.won++
			a.sum = a.sum.Add(decimal.RequireFromString(r[7]))
		case "Lost":
			a.lost++
		}
	}
	rv := runReview(t, mavenArgs(path)...)
	if len(rv.Reps) != len(agents) {
		t.Errorf("%d agents, want %d", len(rv.Reps), len(agents))
	}
	for _, s := range rv.Reps {
		a := agents[s.Rep]
		if a == nil {
			t.Errorf("unknown agent %q", s.Rep)
			continue
		}
		if s.WinRate.K != a.won || s.WinRate.N != a.won+a.lost {
			t.Errorf("%s win rate %v, want %d of %d", s.Rep, s.WinRate, a.won, a.won+a.lost)
		}
		if want := a.sum.Div(decimal.NewFromInt(a.won)); a.won > 0 && !s.AvgWon.Decimal.Sub(want).Abs().LessThan(decimal.New(1, -9)) {
			t.Errorf("%s avg won %s, want %s", s.Rep, s.AvgWon.Decimal, want)
		}
	}
}

// mavenArgs is the README's command for the Maven export.
func mavenArgs(path string) []string {
	return []string{"-in", path, "-format", "snapshot", "-stages", "Prospecting,Engaging,Won",
		"-id", "opportunity_id", "-owner", "sales_agent", "-stage", "deal_stage",
		"-stage-dates", "Engaging=engage_date", "-closed", "close_date", "-amount", "close_value"}
}

// TestOwnerFunnel runs -report owner-funnel on the bench's hand-made file
// and compares it with the hand-computed answer beside it.
func TestOwnerFunnel(t *testing.T) {
	const dir = "../../../shared/bench/testdata/"
	want, err := os.ReadFile(dir + "tiny.expected.csv")
	if err != nil {
		t.Skipf("bench data absent: %v", err)
	}
	// The rows of deal D3 are not together: the reader finds it out and
	// reads the file again as scattered, with or without -scattered.
	for _, args := range [][]string{{}, {"-scattered"}} {
		var out, errs bytes.Buffer
		if err := run(context.Background(), &out, &errs, append([]string{"-in", dir + "tiny.csv", "-report", "owner-funnel", "-o", "csv"}, args...)); err != nil {
			t.Fatal(err)
		}
		if err := sameTable(string(want), out.String()); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// sameTable compares two CSV tables: same lines and text fields, numbers
// within 1e-9 relative, as the bench's check.sh does.
func sameTable(want, got string) error {
	wl, gl := strings.Split(strings.TrimSpace(want), "\n"), strings.Split(strings.TrimSpace(got), "\n")
	if len(wl) != len(gl) {
		return errorf("%d lines, want %d", len(gl), len(wl))
	}
	for i := range wl {
		wf, gf := strings.Split(wl[i], ","), strings.Split(gl[i], ",")
		if len(wf) != len(gf) {
			return errorf("line %d: %q, want %q", i+1, gl[i], wl[i])
		}
		for j := range wf {
			if wf[j] == gf[j] {
				continue
			}
			x, err1 := strconv.ParseFloat(wf[j], 64)
			y, err2 := strconv.ParseFloat(gf[j], 64)
			if err1 != nil || err2 != nil || math.Abs(x-y) > 1e-9*math.Max(math.Abs(x), math.Abs(y)) {
				return errorf("line %d field %d: %q, want %q", i+1, j+1, gf[j], wf[j])
			}
		}
	}
	return nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// TestPresets reviews a small Salesforce OpportunityHistory export and a
// small HubSpot deals export through -preset, as the README shows: each
// rep's won, lost and open deals are counted by hand from the rows.
func TestPresets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// 006A (ann) Prospecting 3/1, Qualification 3/11, won 4/1; 006B (bob)
	// Prospecting 3/5, lost 3/20; 006C (bob) Prospecting 3/6, open.
	sf := write("sf.csv", "OpportunityId,StageName,Amount,CloseDate,CreatedDate,IsDeleted,Opportunity Owner\n"+
		"006A,Prospecting,10000.00,2024-04-30,2024-03-01T09:00:00.000+0000,false,ann\n"+
		"006B,Prospecting,5000.00,2024-05-31,2024-03-05T10:00:00.000+0000,false,bob\n"+
		"006C,Prospecting,7000.00,2024-05-31,2024-03-06T10:00:00.000+0000,false,bob\n"+
		"006A,Qualification,10000.00,2024-04-30,2024-03-11T09:00:00.000+0000,false,ann\n"+
		"006B,Closed Lost,5000.00,2024-03-20,2024-03-20T10:00:00.000+0000,false,bob\n"+
		"006A,Closed Won,10000.00,2024-04-01,2024-04-01T09:00:00.000+0000,false,ann\n")
	// H1 (ann) created 3/1, won 3/15; H2 (bob) created 3/2, open.
	hs := write("hs.csv", "Record ID,Deal owner,Amount,Create Date,Close Date,Deal Stage,"+
		`"Date entered ""Appointment Scheduled (Sales Pipeline)""","Date entered ""Closed Won (Sales Pipeline)"""`+"\n"+
		"H1,ann,900,2024-03-01 10:00,2024-03-15,Closed Won,2024-03-01 10:00,2024-03-15 12:00\n"+
		"H2,bob,400,2024-03-02 10:00,2024-04-30,Appointment Scheduled,2024-03-02 10:00,\n")
	cases := []struct {
		name string
		args []string
		want []RepSummary
	}{{
		name: "salesforce",
		args: []string{"-in", sf, "-preset", "salesforce", "-owner", "Opportunity Owner", "-stages", "Prospecting,Qualification,Closed Won"},
		want: []RepSummary{{Rep: "ann", Deals: 1, Won: 1, WinRate: rate(1, 1)}, {Rep: "bob", Deals: 2, Lost: 1, Open: 1, WinRate: rate(0, 1)}},
	}, {
		name: "hubspot",
		args: []string{"-in", hs, "-preset", "hubspot", "-stages", "Appointment Scheduled,Closed Won"},
		want: []RepSummary{{Rep: "ann", Deals: 1, Won: 1, WinRate: rate(1, 1)}, {Rep: "bob", Deals: 1, Open: 1, WinRate: rate(0, 0)}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rv := runReview(t, c.args...)
			if diff := cmp.Diff(c.want, rv.Reps, cmpopts.IgnoreFields(RepSummary{}, "WinCI", "Cycle", "AvgWon")); diff != "" {
				t.Errorf("reps (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCharts writes the charts with -svg and -png and checks that each
// exists, that every SVG names what it shows, and that every PNG decodes.
func TestCharts(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if err := run(context.Background(), &out, &errs, []string{"-svg", dir, "-png", dir}); err != nil {
		t.Fatal(err)
	}
	rv := runReview(t)
	labels := map[string][]string{
		"funnel":   {rv.Team.Stages[0].Stage, strconv.FormatInt(rv.Team.Stages[1].Reached, 10)},
		"heatmap":  {rv.Benchmark.Reps[0].Name, rv.Benchmark.RoleModels[0].Stage},
		"tornado":  {rv.Domino.Points[0].Name},
		"forecast": {rv.Forecast.Reps[0].Rep, "quota"},
		"ages":     {rv.Ages[0].Stage, "days since the deal started"},
	}
	for name, want := range labels {
		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, w := range want {
			if !bytes.Contains(svg, []byte(w)) {
				t.Errorf("%s.svg lacks %q", name, w)
			}
		}
		fh, err := os.Open(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Error(err)
			continue
		}
		if _, err := png.Decode(fh); err != nil {
			t.Errorf("%s.png: %v", name, err)
		}
		fh.Close()
	}
}
