package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// contact is one contact of the log as the test reads it, with
// encoding/csv and none of the module's code.
type contact struct {
	furthest int // index in stages of the furthest stage with a row; -1 for none
	no       bool
	warmth   string
	source   string
	referrer string
	first    time.Time // the earliest stage row
	closed   time.Time // the no row, or the offer row
}

// derived is the log tallied by hand: the second derivation of the
// program's figures.
type derived struct {
	n, offers, no, open int64
	reached, openAt     []int64 // per stage: furthest stage at k or later; open contacts whose furthest stage is k
	referrals           int64
	referrers           int64 // distinct non-blank referred_by
	from, to            time.Time
	closed              int64
	cycleDays           float64 // mean days from the first row to the no or offer row, closed contacts
	// deepest[w][k] counts the closed contacts of warmth w whose furthest
	// stage is k.
	deepest map[string][]int64
}

// derive reads a log in the program's layout with encoding/csv and
// tallies it by hand.
func derive(t testing.TB, data []byte) derived {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	index := map[string]int{}
	for i, s := range stages {
		index[s] = i
	}
	cs := map[string]*contact{}
	d := derived{reached: make([]int64, len(stages)), openAt: make([]int64, len(stages)), deepest: map[string][]int64{}}
	referrers := map[string]bool{}
	for _, r := range rows[1:] {
		id := r[col["contact"]]
		c := cs[id]
		if c == nil {
			c = &contact{furthest: -1}
			cs[id] = c
		}
		c.warmth, c.source, c.referrer = r[col["warmth"]], r[col["source"]], r[col["referred_by"]]
		if c.referrer != "" {
			referrers[c.referrer] = true
		}
		at, err := time.Parse(time.DateOnly, r[col["date"]])
		if err != nil {
			t.Fatal(err)
		}
		if d.from.IsZero() || at.Before(d.from) {
			d.from = at
		}
		if at.After(d.to) {
			d.to = at
		}
		st := r[col["stage"]]
		if st == "no" {
			c.no, c.closed = true, at
			continue
		}
		k, ok := index[st]
		if !ok {
			t.Fatalf("unknown stage %q", st)
		}
		c.furthest = max(c.furthest, k)
		if c.first.IsZero() || at.Before(c.first) {
			c.first = at
		}
		if k == len(stages)-1 {
			c.closed = at
		}
	}
	d.n = int64(len(cs))
	d.referrers = int64(len(referrers))
	var cycle float64
	for _, c := range cs {
		for k := 0; k <= c.furthest; k++ {
			d.reached[k]++
		}
		if c.source == "referral" {
			d.referrals++
		}
		won := c.furthest == len(stages)-1
		switch {
		case won:
			d.offers++
		case c.no:
			d.no++
		default:
			d.open++
			d.openAt[c.furthest]++
			continue
		}
		d.closed++
		cycle += c.closed.Sub(c.first).Hours() / 24
		if d.deepest[c.warmth] == nil {
			d.deepest[c.warmth] = make([]int64, len(stages))
		}
		d.deepest[c.warmth][c.furthest]++
	}
	d.cycleDays = cycle / float64(d.closed)
	return d
}

// sample is the embedded log, read from the file rather than the embed.
func sample(t testing.TB) derived {
	t.Helper()
	data, err := os.ReadFile("contacts.csv")
	if err != nil {
		t.Fatal(err)
	}
	return derive(t, data)
}

// TestSampleCounts pins the sample to the counts the figures below are
// worked from, so that a change of the data shows here first. Counted
// by derive with encoding/csv.
func TestSampleCounts(t *testing.T) {
	d := sample(t)
	got := map[string]any{
		"contacts": d.n, "offers": d.offers, "no": d.no, "open": d.open,
		"reached": d.reached, "open_at": d.openAt, "referrals": d.referrals, "referrers": d.referrers,
		"cold": d.deepest["cold"], "warm": d.deepest["warm"], "closed": d.closed,
		"from": d.from.Format(time.DateOnly), "to": d.to.Format(time.DateOnly),
	}
	want := map[string]any{
		"contacts": int64(80), "offers": int64(2), "no": int64(58), "open": int64(20),
		"reached": []int64{80, 40, 24, 8, 2}, "open_at": []int64{7, 7, 5, 1, 0},
		"referrals": int64(18), "referrers": int64(15),
		"cold": []int64{26, 5, 3, 3, 0}, "warm": []int64{7, 4, 8, 2, 2}, "closed": int64(60),
		"from": "2025-01-08", "to": "2025-04-30",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contacts.csv counts mismatch (-want +got):\n%s", diff)
	}
}

// figures are the key figures of the report, gathered from the program
// (got) or from the second derivation (want).
type figures struct {
	Contacts, Offers, No, Open  int64
	Reached, Pending            []int64
	Naive, Resolved             []funnel.Rate
	Weakest                     string
	PerOfferExact               []float64
	PerOfferWhole               []int64
	Conversations               int64
	Referrals, Referrers        int64
	PerConversation             float64
	Share                       float64
	DirectPerMonth, TopPerMonth float64
	Closed                      int64
	CycleDays                   float64
	ArrivalsPerDay, Live        float64
	DaysPerResolution           float64
	NeededPerDay, NeededLive    float64
	Deepest                     [][]int64
	Chi                         float64
	DF                          int
	P                           float64
	Significant                 bool
	Odds                        []float64
}

func gotFigures(t *testing.T, rep report) figures {
	t.Helper()
	var g figures
	g.Contacts, g.Offers, g.No, g.Open = rep.Contacts, rep.Offers, rep.No, rep.Open
	for i, row := range rep.Conversions.Stages {
		g.Reached = append(g.Reached, row.Reached)
		g.Pending = append(g.Pending, row.Pending)
		if i > 0 {
			g.Naive = append(g.Naive, row.Step)
			g.Resolved = append(g.Resolved, row.Resolved)
		}
	}
	g.Weakest = rep.Conversions.WeakestStage
	if rep.PerOffer == nil {
		t.Fatalf("no per-offer volumes: %s", rep.PerOfferNote)
	}
	for _, v := range rep.PerOffer.Volumes {
		g.PerOfferExact = append(g.PerOfferExact, v.Exact)
		g.PerOfferWhole = append(g.PerOfferWhole, v.Whole)
	}
	l := rep.Referrals
	g.Conversations, g.Referrals, g.Referrers = l.Conversations, l.Share.K, l.Referrers
	g.PerConversation, g.Share = l.PerConversation.Value(), l.Share.Value()
	g.DirectPerMonth, g.TopPerMonth = l.DirectPerMonth.Float64, l.TopPerMonth.Float64
	li := rep.Little
	g.Closed, g.CycleDays = li.Closed, li.CycleDays.Float64
	g.ArrivalsPerDay, g.Live, g.DaysPerResolution = li.ArrivalsPerDay.Float64, li.Live.Float64, li.DaysPerResolution.Float64
	g.NeededPerDay, g.NeededLive = li.NeededPerDay.Float64, li.NeededLive.Float64
	e := rep.Warmth.Effect
	g.Deepest = e.Deepest
	g.Chi, g.DF, g.P, g.Significant = e.Test.Stat, e.Test.DF, e.Test.P, rep.Warmth.Significant
	for _, o := range e.Odds {
		if o.Value == "warm" {
			g.Odds = append(g.Odds, o.Ratio)
		}
	}
	return g
}

// wantFigures derives every key figure from the hand tally d.
func wantFigures(d derived, offerEvery float64) figures {
	w := figures{Contacts: d.n, Offers: d.offers, No: d.no, Open: d.open, Reached: d.reached, Pending: d.openAt}
	// Steps into stage k: naive reached[k] of reached[k−1]; resolved
	// leaves out the contacts still open at k−1.
	weakest, low := "", 2.0
	product := 1.0
	for k := 1; k < len(stages); k++ {
		w.Naive = append(w.Naive, funnel.Rate{K: d.reached[k], N: d.reached[k-1]})
		r := funnel.Rate{K: d.reached[k], N: d.reached[k-1] - d.openAt[k-1]}
		w.Resolved = append(w.Resolved, r)
		if v := float64(r.K) / float64(r.N); v < low {
			weakest, low = stages[k], v
		}
		product *= float64(r.K) / float64(r.N)
	}
	w.Weakest = weakest
	// One offer at the resolved rates: stage i needs 1 / Π of the steps
	// from i on. Whole, rounded up at every step back, by hand:
	//   offer 1; interview ⌈1 / (2/7)⌉ = ⌈3.5⌉ = 4; coffee ⌈4 / (8/19)⌉ = ⌈9.5⌉ = 10;
	//   reply ⌈10 / (24/33)⌉ = ⌈13.75⌉ = 14; outreach ⌈14 / (40/73)⌉ = ⌈25.55⌉ = 26.
	exact := 1.0
	w.PerOfferExact = make([]float64, len(stages))
	w.PerOfferExact[len(stages)-1] = 1
	for k := len(stages) - 1; k > 0; k-- {
		r := w.Resolved[k-1]
		exact *= float64(r.N) / float64(r.K)
		w.PerOfferExact[k-1] = exact
	}
	w.PerOfferWhole = []int64{26, 14, 10, 4, 1}
	// The referral loop: r is the referral share; the loop's top,
	// direct / (1 − r) with direct = (n − R)/days·30 and r = R/n, is
	// n/days·30, the measured pace of all contacts: a second route.
	days := d.to.Sub(d.from).Hours() / 24
	w.Conversations = d.reached[2]
	w.Referrals, w.Referrers = d.referrals, d.referrers
	w.PerConversation = float64(d.referrals) / float64(d.reached[2])
	w.Share = float64(d.referrals) / float64(d.n)
	w.DirectPerMonth = float64(d.n-d.referrals) / days * 30
	w.TopPerMonth = float64(d.n) / days * 30
	// Little's law: live = contacts a day × mean days to an answer.
	w.Closed, w.CycleDays = d.closed, d.cycleDays
	w.ArrivalsPerDay = float64(d.n) / days
	w.Live = w.ArrivalsPerDay * d.cycleDays
	w.DaysPerResolution = days / float64(d.n) // cycle / live = 1 / arrivals
	w.NeededPerDay = 1 / product / offerEvery
	w.NeededLive = w.NeededPerDay * d.cycleDays
	// Warm vs cold: Pearson's statistic by hand on the rows cold, warm
	// (sorted) and the five stages, E = row total × column total / n.
	w.Deepest = [][]int64{d.deepest["cold"], d.deepest["warm"]}
	var n float64
	rowTot := make([]float64, 2)
	colTot := make([]float64, len(stages))
	for i, row := range w.Deepest {
		for k, o := range row {
			rowTot[i] += float64(o)
			colTot[k] += float64(o)
			n += float64(o)
		}
	}
	for i, row := range w.Deepest {
		for k, o := range row {
			e := rowTot[i] * colTot[k] / n
			w.Chi += (float64(o) - e) * (float64(o) - e) / e
		}
	}
	// df = (2 − 1)(5 − 1) = 4, and for 4 degrees of freedom the chi-square
	// survival function is exp(−x/2)·(1 + x/2) in closed form.
	w.DF = 4
	w.P = math.Exp(-w.Chi/2) * (1 + w.Chi/2)
	w.Significant = w.P < 0.05
	// Odds of reaching stage k, warm against cold, from the 2 × 2 table
	// of closed contacts reaching k or not; 0.5 added to every cell when
	// one is empty (Haldane–Anscombe).
	for k := 1; k < len(stages); k++ {
		var a, b, c, dd float64
		for j, o := range d.deepest["warm"] {
			if j >= k {
				a += float64(o)
			} else {
				b += float64(o)
			}
		}
		for j, o := range d.deepest["cold"] {
			if j >= k {
				c += float64(o)
			} else {
				dd += float64(o)
			}
		}
		if a == 0 || b == 0 || c == 0 || dd == 0 {
			a, b, c, dd = a+0.5, b+0.5, c+0.5, dd+0.5
		}
		w.Odds = append(w.Odds, a*dd/(b*c))
	}
	return w
}

// TestKeyFigures checks the report on the embedded sample against the
// hand tally of contacts.csv (derive, with encoding/csv) and formulas
// worked in the test.
func TestKeyFigures(t *testing.T) {
	rep, err := analyse(context.Background(), strings.NewReader(contacts), 30)
	if err != nil {
		t.Fatal(err)
	}
	want := wantFigures(sample(t), 30)
	got := gotFigures(t, rep)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("analyse(contacts.csv) mismatch (-want +got):\n%s", diff)
	}
}

// TestAgainstR checks the figures R computes on the same counts (the
// tables of TestSampleCounts):
//
//	m <- rbind(cold=c(26,5,3,3,0), warm=c(7,4,8,2,2))
//	r <- suppressWarnings(chisq.test(m))
//	r$statistic                            # X-squared 12.96229035
//	r$p.value                              # 0.01146152737 (df 4)
//	min(r$expected); sum(r$expected < 5)   # 0.7666667, 6
//	# reached a reply: warm 16 of 23 closed, cold 11 of 37
//	fisher.test(matrix(c(16,11,7,26),2))$p.value   # 0.003524728456
//	prop.test(40,73,correct=FALSE)$conf.int        # 0.434243 0.656853 (Wilson, into reply)
func TestAgainstR(t *testing.T) {
	rep, err := analyse(context.Background(), strings.NewReader(contacts), 30)
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Warmth.Effect.Test
	got := map[string]float64{
		"X-squared": e.Stat, "p.value": e.P, "min expected": e.MinExpected, "low expected": float64(e.LowExpected),
		"fisher": rep.Warmth.Reply.P,
		"ci.lo":  rep.Conversions.Stages[1].ResolvedCI.Lo, "ci.hi": rep.Conversions.Stages[1].ResolvedCI.Hi,
	}
	want := map[string]float64{
		"X-squared": 12.96229035, "p.value": 0.01146152737, "min expected": 0.7666667, "low expected": 6,
		"fisher": 0.003524728456,
		"ci.lo":  0.434243, "ci.hi": 0.656853,
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-6, 0)); diff != "" {
		t.Errorf("analyse(contacts.csv) against R mismatch (-want +got):\n%s", diff)
	}
}

// TestText checks that the printed report states the key figures, each
// formatted from the hand tally.
func TestText(t *testing.T) {
	d := sample(t)
	w := wantFigures(d, 30)
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatal(err)
	}
	days := d.to.Sub(d.from).Hours() / 24
	for _, line := range []string{
		sprintf("%d contacts from 2025-01-08 to 2025-04-30 (%.0f days): %d offers, %d no, %d still open", d.n, days, d.offers, d.no, d.open),
		sprintf("Weakest step: into %s", w.Weakest),
		sprintf("  outreach   %4d  (exactly %.2f)", w.PerOfferWhole[0], w.PerOfferExact[0]),
		sprintf("%d conversations (contacts who reached coffee) produced %d referrals", w.Conversations, w.Referrals),
		sprintf("makes a top of %.1f a month", w.TopPerMonth),
		sprintf("%d closed contacts took %.1f days on average", w.Closed, w.CycleDays),
		sprintf("keeps %.1f initiatives live (%d open now)", w.Live, d.open),
		sprintf("chi-square %.2f, df %d, p = %.4f: significant at 5%%", w.Chi, w.DF, w.P),
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}

// sprintf formats a line to look for, less its indentation.
func sprintf(format string, a ...any) string { return strings.TrimSpace(fmt.Sprintf(format, a...)) }

// TestJSON decodes -json and finds the documented fields.
func TestJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-json"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Contacts    int64 `json:"contacts"`
		Conversions struct {
			Stages []struct {
				Reached  int64 `json:"reached"`
				Resolved struct {
					K, N int64
				} `json:"resolved"`
			} `json:"stages"`
			WeakestStage string `json:"weakest_stage"`
		} `json:"conversions"`
		PerOffer struct {
			Volumes []struct {
				Whole int64 `json:"whole"`
			} `json:"volumes"`
		} `json:"per_offer"`
		Referrals struct {
			Share struct{ K, N int64 } `json:"share"`
		} `json:"referrals"`
		Little struct {
			CycleDays *float64 `json:"cycle_days"`
		} `json:"little"`
		Warmth struct {
			Significant bool `json:"significant"`
			Effect      struct {
				Test struct {
					Stat float64 `json:"stat"`
				} `json:"test"`
			} `json:"effect"`
		} `json:"warmth"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	d := sample(t)
	w := wantFigures(d, 30)
	got := []any{doc.Contacts, doc.Conversions.Stages[4].Reached, doc.Conversions.Stages[1].Resolved.N,
		doc.Conversions.WeakestStage, doc.PerOffer.Volumes[0].Whole, doc.Referrals.Share.K, doc.Referrals.Share.N,
		doc.Little.CycleDays != nil, doc.Warmth.Significant, doc.Warmth.Effect.Test.Stat}
	want := []any{d.n, d.offers, w.Resolved[0].N, w.Weakest, w.PerOfferWhole[0], d.referrals, d.n, true, true, w.Chi}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("-json mismatch (-want +got):\n%s", diff)
	}
}

// TestOfferEvery checks the pace flag: half the days, twice the contacts
// a day and twice the live initiatives (Little's law is linear in the
// arrival rate).
func TestOfferEvery(t *testing.T) {
	a, err := analyse(context.Background(), strings.NewReader(contacts), 30)
	if err != nil {
		t.Fatal(err)
	}
	b, err := analyse(context.Background(), strings.NewReader(contacts), 15)
	if err != nil {
		t.Fatal(err)
	}
	got := []float64{b.Little.NeededPerDay.Float64, b.Little.NeededLive.Float64}
	want := []float64{2 * a.Little.NeededPerDay.Float64, 2 * a.Little.NeededLive.Float64}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("-offer-every 15 against 30 mismatch (-want +got):\n%s", diff)
	}
}

// TestInFile reads the sample from a file with -in: the same report.
func TestInFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "search.csv")
	if err := os.WriteFile(path, []byte(contacts), 0o600); err != nil {
		t.Fatal(err)
	}
	var fromFile, embedded bytes.Buffer
	if err := run(context.Background(), &fromFile, []string{"-in", path, "-json"}); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), &embedded, []string{"-json"}); err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := json.Unmarshal(fromFile.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(embedded.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if a["input"] != path {
		t.Errorf("input = %v, want %s", a["input"], path)
	}
	delete(a, "input")
	delete(b, "input")
	if diff := cmp.Diff(b, a); diff != "" {
		t.Errorf("-in %s against the embedded sample mismatch (-want +got):\n%s", path, diff)
	}
}

// TestEarlySearch runs a search too young for some sections: no offer
// yet (a zero step, so no outreach per offer), one closed contact. The
// sections say why instead of failing.
func TestEarlySearch(t *testing.T) {
	const log = `contact,company,stage,date,warmth,source,referred_by
A,Acme,outreach,2025-03-03,cold,direct,
B,Bolt,outreach,2025-03-04,warm,direct,
A,Acme,no,2025-03-24,cold,direct,
B,Bolt,reply,2025-03-06,warm,direct,
`
	rep, err := analyse(context.Background(), strings.NewReader(log), 30)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-worked: A is lost at outreach after 21 days (03-03 to 03-24),
	// B is open at reply. Reached 2, 1, 0, 0, 0; open at outreach 0, at
	// reply 1. Into reply, resolved 1 of 2 − 0 = 1/2; into coffee 0 of
	// 1 − 1 = 0 of 0, a step with no trials, which Reverse meets as a zero
	// rate. One closed contact (A, 21 days); one warmth value closed, so
	// the chi-square has one row and is not tested.
	got := map[string]any{
		"per offer": rep.PerOffer == nil, "closed": rep.Little.Closed, "cycle": rep.Little.CycleDays.Float64,
		"needed": rep.Little.NeededLive.Valid, "tested": rep.Warmth.Effect.Test.Tested,
		"reply": rep.Conversions.Stages[1].Resolved, "days": rep.WindowDays,
	}
	want := map[string]any{
		"per offer": true, "closed": int64(1), "cycle": 21.0,
		"needed": false, "tested": false,
		"reply": funnel.Rate{K: 1, N: 2}, "days": 21.0, // 2025-03-03 to 2025-03-24
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("analyse(early search) mismatch (-want +got):\n%s", diff)
	}
	if err := rep.print(io.Discard); err != nil {
		t.Fatal(err)
	}
}

// TestBadInput runs the program on bad flags and bad files: each an error
// that names what is wrong and where.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "contact,company,stage,date,warmth,source,referred_by\n"
	badStage := write("stage.csv", head+"A,Acme,outreach,2025-03-03,cold,direct,\nA,Acme,coffe,2025-03-05,cold,direct,\n")
	badDate := write("date.csv", head+"A,Acme,outreach,2025-02-30,cold,direct,\n")
	noID := write("noid.csv", "name,stage,date\nA,outreach,2025-03-03\n")
	empty := write("empty.csv", head)
	tests := []struct {
		name string
		args []string
		is   error  // errors.Is target, or nil
		line int    // the *crm.RowError's line, 0 for none
		text string // in the message
	}{
		{"unknown flag", []string{"-nope"}, nil, 0, "flag provided but not defined: -nope"},
		{"stray argument", []string{"search.csv"}, nil, 0, `unexpected argument "search.csv"`},
		{"argument after a flag", []string{"-json", "x"}, nil, 0, `unexpected argument "x"`},
		{"zero pace", []string{"-offer-every", "0"}, nil, 0, "-offer-every 0: want a positive number of days"},
		{"NaN pace", []string{"-offer-every", "NaN"}, nil, 0, "-offer-every NaN"},
		{"infinite pace", []string{"-offer-every", "+Inf"}, nil, 0, "-offer-every +Inf"},
		{"missing file", []string{"-in", filepath.Join(dir, "none.csv")}, fs.ErrNotExist, 0, "none.csv"},
		{"unknown stage", []string{"-in", badStage}, funnel.ErrUnknownStage, 3, `"coffe"`},
		{"bad date", []string{"-in", badDate}, crm.ErrBadDate, 2, "2025-02-30"},
		{"no contact column", []string{"-in", noID}, crm.ErrMissingColumn, 1, `"contact"`},
		{"no contacts", []string{"-in", empty}, funnel.ErrNoData, 0, "no contacts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), io.Discard, tc.args)
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error", tc.args)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("run(%q) = %v, want an error wrapping %v", tc.args, err, tc.is)
			}
			if tc.line > 0 {
				var re *crm.RowError
				if !errors.As(err, &re) || re.Line != tc.line {
					t.Errorf("run(%q) = %v, want a *crm.RowError at line %d", tc.args, err, tc.line)
				}
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("run(%q) = %q, want it to say %q", tc.args, err, tc.text)
			}
		})
	}
}

// TestAnalyseRejectsPace checks analyse's own guard on the pace, for
// callers that skip the flags.
func TestAnalyseRejectsPace(t *testing.T) {
	for _, v := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err := analyse(context.Background(), strings.NewReader(contacts), v)
		if !errors.Is(err, funnel.ErrOutOfRange) {
			t.Errorf("analyse(offerEvery %v) = %v, want an error wrapping ErrOutOfRange", v, err)
		}
	}
}

// TestHelp checks that -h documents every flag and is not an error.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-h"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"-in file", "-offer-every days", "-json", "Examples:", "contact,company,stage,date,warmth,source,referred_by"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("-h lacks %q:\n%s", s, out.String())
		}
	}
}

// TestConcurrent runs the program from several goroutines: no shared
// state, the same output.
func TestConcurrent(t *testing.T) {
	var want bytes.Buffer
	if err := run(context.Background(), &want, nil); err != nil {
		t.Fatal(err)
	}
	outs := make([]bytes.Buffer, 4)
	errs := make(chan error, len(outs))
	for i := range outs {
		go func() { errs <- run(context.Background(), &outs[i], nil) }()
	}
	for range outs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range outs {
		if outs[i].String() != want.String() {
			t.Errorf("run %d printed another report", i)
		}
	}
}

// FuzzAnalyse feeds arbitrary logs and paces: no panic, and a report
// without NaN or infinity (encoding/json refuses them) whose counts hold
// together.
func FuzzAnalyse(f *testing.F) {
	// The head of the sample rather than all of it: the fuzzer minimises
	// every new input it finds, and on the whole 10 kB log that takes it
	// longer than a fuzzing run lasts.
	head := strings.SplitAfterN(contacts, "\n", 40)
	f.Add([]byte(strings.Join(head[:39], "")), 30.0)
	f.Add([]byte("contact,stage,date\nA,outreach,2025-03-03\nA,no,2025-03-24\nB,outreach,2025-03-04\nB,offer,2025-04-01\n"), 1e-300)
	f.Add([]byte("contact,stage,date,warmth,source\nA,no,2025-03-03,warm,referral\n"), 30.0)
	f.Add([]byte("contact,stage,date,source\nA,outreach,2025-03-03,referral\n"), 7.0)
	f.Fuzz(func(t *testing.T, data []byte, offerEvery float64) {
		rep, err := analyse(context.Background(), bytes.NewReader(data), offerEvery)
		if err != nil {
			return
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("report does not encode: %v", err)
		}
		if rep.Offers+rep.No+rep.Open != rep.Contacts {
			t.Fatalf("offers %d + no %d + open %d != contacts %d", rep.Offers, rep.No, rep.Open, rep.Contacts)
		}
		reached := make([]int64, 0, len(stages))
		for _, row := range rep.Conversions.Stages {
			reached = append(reached, row.Reached)
		}
		if !slices.IsSortedFunc(reached, func(a, b int64) int { return int(b - a) }) {
			t.Fatalf("reached %v rise down the funnel", reached)
		}
		if s := rep.Referrals.Share; s.K > s.N {
			t.Fatalf("referral share %v above 1", s)
		}
		if err := rep.print(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

// Example_main prints the report on the embedded sample. Its figures are
// checked against a second derivation in TestKeyFigures (a hand tally of
// contacts.csv with encoding/csv), TestAgainstR (R's chisq.test,
// fisher.test and prop.test on the same counts) and TestText; the
// outreach per offer is worked by hand in wantFigures.
func Example_main() {
	if err := run(context.Background(), os.Stdout, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Job search: embedded sample (contacts.csv)
	// 80 contacts from 2025-01-08 to 2025-04-30 (112 days): 2 offers, 58 no, 20 still open
	//
	// Conversions (a contact still waiting is open, not lost: the resolved step leaves them out)
	// stage      reached  open  step (naive)     step (resolved)  95% interval     of first
	// outreach        80     7                                                       100.0%
	// reply           40     7  40/80 (50.0%)    40/73 (54.8%)    [0.434, 0.657]      50.0%
	// coffee          24     5  24/40 (60.0%)    24/33 (72.7%)    [0.558, 0.849]      30.0%
	// interview        8     1  8/24 (33.3%)     8/19 (42.1%)     [0.231, 0.637]      10.0%
	// offer            2     0  2/8 (25.0%)      2/7 (28.6%)      [0.082, 0.641]       2.5%
	// Weakest step: into offer, 2/7 (28.6%)
	//
	// For one offer at the resolved rates
	//   outreach     26  (exactly 20.86)
	//   reply        14  (exactly 11.43)
	//   coffee       10  (exactly 8.31)
	//   interview     4  (exactly 3.50)
	//   offer         1  (exactly 1.00)
	//
	// The referral loop
	//   24 conversations (contacts who reached coffee) produced 18 referrals, 0.75 each, from 15 referrers
	//   referrals are 18/80 (22.5%) of all contacts: the loop's r = 0.225
	//   direct outreach of 16.6 a month, fed by the loop, makes a top of 21.4 a month: 16.6 / (1 - 0.225)
	//
	// Little's law (live initiatives = new contacts a day x days to an answer)
	//   cycle: 60 closed contacts took 24.5 days on average from outreach to an offer or a no
	//   (closed contacts only: the 20 still open may lengthen it)
	//   your pace: 0.71 contacts a day keeps 17.5 initiatives live (20 open now); one resolves every 1.4 days
	//   one offer every 30 days: 20.86 contacts per offer / 30 days = 0.70 a day, 17.0 initiatives live at once
	//
	// Warm vs cold: the deepest stage of the closed contacts
	//             outreach     reply    coffee interview     offer
	//   cold            26         5         3         3         0
	//   warm             7         4         8         2         2
	//   (60 closed in the table; 20 open and 0 without a warmth left out)
	//   chi-square 12.96, df 4, p = 0.0115: significant at 5%, warmth and how deep a contact goes are related
	//   (6 of 10 cells expect fewer than 5 contacts, the smallest 0.77: the chi-square p is rough)
	//   Fisher's exact test on getting a reply, warm against cold: p = 0.0035
	//   odds of reaching each stage, warm against cold, with the 95% interval
	//     reply        5.40  [1.74, 16.79]
	//     coffee       5.64  [1.70, 18.66]
	//     interview    2.39  [0.48, 11.80]  (the interval holds 1: no clear difference)
	//     offer        8.72  [0.40, 190.19]  (the interval holds 1: no clear difference; 0.5 added to each cell, one was empty)
}
