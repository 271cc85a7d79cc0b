package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
)

// contacts is the sample proto-CRM: one row per stage a contact reached.
//
//go:embed contacts.csv
var contacts string

// stages is the job search as a funnel; an offer is the won stage and a
// "no" row (a refusal, or three weeks without an answer) is the lost
// outcome, not a stage.
var stages = []string{"outreach", "reply", "coffee", "interview", "offer"}

// The spreadsheet's columns and values. The columns the reader gives no
// role (warmth, referred_by) land in funnel.Deal.Attrs under their header.
const (
	colID       = "contact"
	colStage    = "stage"
	colDate     = "date"
	colCompany  = "company"
	colSource   = "source"
	colWarmth   = "warmth"
	colReferrer = "referred_by"
	lostName    = "no"
	referral    = "referral"
)

// month is the period, in days, of the referral loop's flows.
const month = 30.0

// alpha is the significance level of the warm-vs-cold test.
const alpha = 0.05

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "jobsearch:", err)
		os.Exit(1)
	}
}

const usageHead = `jobsearch: a job search as a sales funnel, from a small proto-CRM

Usage: go run ./examples/jobsearch [flags]

It reads a spreadsheet kept as a CSV, one row per stage a contact reached
(the embedded sample by default), with the header

  contact,company,stage,date,warmth,source,referred_by

stage one of outreach, reply, coffee, interview, offer, or no for a refusal
(or three weeks without an answer); date as 2025-01-31; warmth warm or cold;
source referral or direct; referred_by the contact whose conversation gave
the referral. The rows may be in any order. It prints the conversions, the
outreach needed for one offer, the referral loop, the live initiatives a
steady pace needs (Little's law) and whether warm contacts go deeper.

Examples:
  go run ./examples/jobsearch
  go run ./examples/jobsearch -in my-search.csv -offer-every 45
  go run ./examples/jobsearch -json > search.json

Flags:
`

// config is what the flags ask for.
type config struct {
	in         string
	offerEvery float64
	json       bool
}

// parseFlags reads args. For -h it writes the usage to w and returns
// flag.ErrHelp.
func parseFlags(w io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("jobsearch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.in, "in", "", "read the search from this CSV `file` (default: the embedded sample)")
	fs.Float64Var(&c.offerEvery, "offer-every", 30, "the pace to plan for, in `days` per offer (Little's law section)")
	fs.BoolVar(&c.json, "json", false, "print the report as one JSON document instead of text")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(w, usageHead)
			fs.SetOutput(w)
			fs.PrintDefaults()
			return c, err
		}
		return c, fmt.Errorf("%w (see -h)", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (flags only; a file goes in -in, see -h)", fs.Arg(0))
	}
	if !(c.offerEvery > 0) || math.IsInf(c.offerEvery, 0) {
		return c, fmt.Errorf("-offer-every %v: want a positive number of days", c.offerEvery)
	}
	return c, nil
}

// run parses args, reads the search and writes the report to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	c, err := parseFlags(w, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var r io.Reader = strings.NewReader(contacts)
	name := "embedded sample (contacts.csv)"
	if c.in != "" {
		fh, err := os.Open(c.in)
		if err != nil {
			return err
		}
		defer fh.Close()
		r, name = fh, c.in
	}
	rep, err := analyse(ctx, r, c.offerEvery)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rep.Input = name
	if c.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.print(w)
}

// report is everything the program prints; -json writes it as it is.
type report struct {
	Input    string `json:"input"`
	Contacts int64  `json:"contacts"`
	Offers   int64  `json:"offers"`
	No       int64  `json:"no"`
	Open     int64  `json:"open"`
	// Notes are the changes the reader made, such as a repeated row
	// dropped (an offer without an amount is not one: the log has none).
	Notes []crm.Note `json:"notes,omitempty"`
	// From is the first dated stage row, To the last date in the log;
	// both are absent when no contact has a dated stage row (a log of
	// "no" rows only). WindowDays is To − From in days, 0 then.
	From       time.Time `json:"from,omitzero"`
	To         time.Time `json:"to,omitzero"`
	WindowDays float64   `json:"window_days"`

	// Conversions is the funnel table with 95% Wilson intervals.
	Conversions funnel.Table `json:"conversions"`
	// PerOffer is the volume needed at each stage for one offer at the
	// resolved rates; null, with PerOfferNote saying why, when a step has
	// no conversion yet.
	PerOffer     *funnel.ReverseFunnel `json:"per_offer"`
	PerOfferNote string                `json:"per_offer_note,omitempty"`

	Referrals referralLoop `json:"referrals"`
	Little    little       `json:"little"`
	Warmth    warmth       `json:"warmth"`
}

// referralLoop is what the conversations fed back into the top of the
// funnel.
type referralLoop struct {
	// Conversations counts the contacts that reached coffee; Referrers
	// those named in a referred_by cell; PerConversation is the referrals
	// (Share.K) of Conversations.
	Conversations   int64        `json:"conversations"`
	Referrers       int64        `json:"referrers"`
	PerConversation funnel.Ratio `json:"per_conversation"`
	// Share is the referral contacts of all contacts: the loop's r, the
	// referrals each contact brings on average.
	Share funnel.Rate `json:"share"`
	// DirectPerMonth is the contacts from other sources per 30 days of
	// the window; TopPerMonth is funnel.ReferralVolume of it at r = Share.
	DirectPerMonth funnel.NullFloat64 `json:"direct_per_month"`
	TopPerMonth    funnel.NullFloat64 `json:"top_per_month"`
	Note           string             `json:"note,omitempty"`
}

// little is Little's law applied to the search.
type little struct {
	// Closed counts the contacts that ended in an offer or a no;
	// CycleDays is their mean time from outreach to that end.
	Closed    int64              `json:"closed"`
	CycleDays funnel.NullFloat64 `json:"cycle_days"`
	// ArrivalsPerDay is contacts per day over the window; Live the
	// initiatives it keeps open at CycleDays (funnel.LiveDeals), and
	// DaysPerResolution how often one resolves.
	ArrivalsPerDay    funnel.NullFloat64 `json:"arrivals_per_day"`
	Live              funnel.NullFloat64 `json:"live"`
	DaysPerResolution funnel.NullFloat64 `json:"days_per_resolution"`
	// OfferEveryDays is the pace asked for; NeededPerDay the contacts a
	// day it takes at the resolved rates (PerOffer's first stage over
	// OfferEveryDays); NeededLive the initiatives that keeps open.
	OfferEveryDays float64            `json:"offer_every_days"`
	NeededPerDay   funnel.NullFloat64 `json:"needed_per_day"`
	NeededLive     funnel.NullFloat64 `json:"needed_live"`
	Note           string             `json:"note,omitempty"`
}

// warmth is the warm-vs-cold test.
type warmth struct {
	Effect pipeline.Effect `json:"effect"`
	// Significant says whether the chi-square test rejects independence
	// of warmth and deepest stage at the 5% level.
	Significant bool `json:"significant"`
	// Reply is Fisher's exact test on reaching a reply, the first step,
	// for the value shown (the second of two values, or the first of
	// more) against the rest: exact where the chi-square's expected
	// counts are small.
	Reply *funnel.Fisher `json:"reply"`
	Shown string         `json:"shown"`
	Note  string         `json:"note,omitempty"`
}

// analyse reads the search from r and works out the report: the reader of
// funnel/crm, tallies, and the analyses of funnel and funnel/pipeline.
// Only the unit conversions (days in the window, per month) are its own.
func analyse(ctx context.Context, r io.Reader, offerEvery float64) (report, error) {
	var rep report
	if !(offerEvery > 0) || math.IsInf(offerEvery, 0) {
		return rep, &funnel.InputError{Op: "jobsearch", Name: "offer-every", Value: fmt.Sprint(offerEvery), Err: funnel.ErrOutOfRange}
	}
	f, err := funnel.New(stages...)
	if err != nil {
		return rep, err
	}
	rd := crm.Long{
		Funnel: f,
		Columns: crm.LongColumns{ID: colID, Stage: colStage, At: colDate, Account: colCompany, Source: colSource,
			// No owner, segment or amount: a job search has none.
			Owner: "-", Segment: "-", Amount: "-", ExpectedClose: "-", Assigned: "-",
			// A file without a company or a source column still reads.
			AllowAbsent: true},
		Scattered: true,
		Options:   crm.Options{Stages: crm.Stages{Lost: []string{lostName}}},
	}
	res, err := rd.ReadAll(ctx, r)
	if err != nil {
		return rep, err
	}
	if len(res.Deals) == 0 {
		return rep, fmt.Errorf("no contacts: %w", funnel.ErrNoData)
	}
	for _, n := range res.Notes {
		if n.Kind != crm.NoteNoAmount {
			rep.Notes = append(rep.Notes, n)
		}
	}

	all := funnel.NewTally(f)
	bySource := funnel.NewTally(f, funnel.AttrSource)
	byWarmth := funnel.NewTally(f, colWarmth)
	byReferrer := funnel.NewTally(f, colReferrer)
	for _, t := range []*funnel.Tally{all, bySource, byWarmth, byReferrer} {
		if err := t.AddAll(funnel.Stream(res.Deals)); err != nil {
			return rep, err
		}
	}
	tot, err := all.Total()
	if err != nil {
		return rep, err
	}
	rep.Contacts, rep.Offers, rep.No, rep.Open = tot.Deals, tot.Won, tot.Lost, tot.Open
	rep.From, rep.To = window(res.Deals)
	if !rep.From.IsZero() {
		rep.WindowDays = rep.To.Sub(rep.From).Hours() / 24
	}

	rep.Conversions, err = funnel.NewTable(f, tot, &funnel.TableOptions{Confidence: 0.95})
	if err != nil {
		return rep, err
	}
	per, err := f.Reverse(f.Stage(f.Last()), 1, rep.Conversions.Rates())
	switch {
	case errors.Is(err, funnel.ErrZeroRate):
		rep.PerOffer = nil
		rep.PerOfferNote = "a step has no conversion yet, so no number of contacts is measured to give an offer (" + err.Error() + ")"
	case err != nil:
		return rep, err
	default:
		rep.PerOffer = &per
	}

	if rep.Referrals, err = loop(f, tot, bySource, byReferrer, rep.WindowDays); err != nil {
		return rep, err
	}
	if rep.Little, err = littles(tot, rep.WindowDays, rep.PerOffer, offerEvery); err != nil {
		return rep, err
	}
	if rep.Warmth, err = warmVsCold(f, byWarmth); err != nil {
		return rep, err
	}
	return rep, nil
}

// window returns the first start and the last dated event or close of
// the deals: the span of the log. Both are zero when no deal has a
// dated event.
func window(deals []funnel.Deal) (from, to time.Time) {
	for _, d := range deals {
		if s := d.Start(); !s.IsZero() && (from.IsZero() || s.Before(from)) {
			from = s
		}
		last := d.CloseTime()
		for _, e := range d.Events {
			if e.At.After(last) {
				last = e.At
			}
		}
		if last.After(to) {
			to = last
		}
	}
	if from.IsZero() {
		return time.Time{}, time.Time{}
	}
	return from, to
}

// loop measures the referral loop: the referrals the conversations gave
// and the top of the funnel they feed.
func loop(f funnel.Funnel, tot funnel.Counts, bySource, byReferrer *funnel.Tally, days float64) (referralLoop, error) {
	var l referralLoop
	coffee, err := f.Index("coffee")
	if err != nil {
		return l, err
	}
	l.Conversations = tot.Reached[coffee]
	var referrals int64
	if g, ok := bySource.Group(referral); ok {
		referrals = g.Deals
	}
	for _, g := range byReferrer.Groups() {
		if strings.TrimSpace(g.Key[0]) != "" {
			l.Referrers++
		}
	}
	if l.Share, err = funnel.NewRate(referrals, tot.Deals); err != nil {
		return l, err
	}
	if l.PerConversation, err = funnel.NewRatio(referrals, l.Conversations); err != nil {
		return l, err
	}
	if !(days > 0) {
		l.Note = "the log spans no time, so there is no pace per month"
		return l, nil
	}
	direct := float64(tot.Deals-referrals) / days * month
	l.DirectPerMonth = funnel.Some(direct)
	top, err := funnel.ReferralVolume(direct, l.Share.Value())
	if errors.Is(err, funnel.ErrOutOfRange) {
		l.Note = "every contact came by referral: the loop has no base to multiply (" + err.Error() + ")"
		return l, nil
	}
	if err != nil {
		return l, err
	}
	l.TopPerMonth = funnel.Some(top)
	return l, nil
}

// littles applies Little's law: the pace of the log and the pace asked
// for, at the cycle measured on the closed contacts.
func littles(tot funnel.Counts, days float64, per *funnel.ReverseFunnel, offerEvery float64) (little, error) {
	l := little{OfferEveryDays: offerEvery}
	cycle := tot.WonCycle.Clone()
	if err := cycle.Merge(tot.LostCycle); err != nil {
		return l, err
	}
	l.Closed = cycle.N()
	l.CycleDays = cycle.MeanDays()
	if !l.CycleDays.Valid || !(days > 0) {
		l.Note = "no closed contact or no time span: the cycle or the pace is not measured"
		return l, nil
	}
	arrivals := float64(tot.Deals) / days
	l.ArrivalsPerDay = funnel.Some(arrivals)
	live, err := funnel.LiveDeals(arrivals, l.CycleDays.Float64)
	if err != nil {
		return l, err
	}
	l.Live = funnel.Some(live)
	if live > 0 {
		every, err := funnel.DaysPerResolution(live, l.CycleDays.Float64)
		if err != nil {
			return l, err
		}
		l.DaysPerResolution = funnel.Some(every)
	}
	if per == nil {
		l.Note = "no offer rate yet: the pace for one offer is not measured"
		return l, nil
	}
	need := per.Volumes[0].Exact / offerEvery
	needLive, err := funnel.LiveDeals(need, l.CycleDays.Float64)
	if errors.Is(err, funnel.ErrOutOfRange) {
		l.Note = "the pace asked for is out of range (" + err.Error() + ")"
		return l, nil
	}
	if err != nil {
		return l, err
	}
	l.NeededPerDay, l.NeededLive = funnel.Some(need), funnel.Some(needLive)
	return l, nil
}

// warmVsCold runs the attribute test on warmth, and Fisher's exact test on
// the first step for the value it shows.
func warmVsCold(f funnel.Funnel, byWarmth *funnel.Tally) (warmth, error) {
	var w warmth
	eff, err := pipeline.AttributeEffect(f, byWarmth)
	if errors.Is(err, funnel.ErrNoData) {
		w.Note = "no closed contact has a warmth: nothing to test"
		return w, nil
	}
	if err != nil {
		return w, err
	}
	w.Effect = eff
	w.Significant = eff.Test.Tested && eff.Test.P < alpha
	w.Shown = shown(eff.Values)
	for _, o := range eff.Odds {
		if o.Value == w.Shown && o.Stage == 1 {
			fi, err := funnel.FisherExact(o.A, o.B, o.C, o.D)
			if err != nil {
				return w, err
			}
			w.Reply = &fi
		}
	}
	return w, nil
}

// shown is the value whose odds the report shows: of two values the
// second (warm of cold, warm of a sorted pair), else the first.
func shown(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 2:
		return values[1]
	default:
		return values[0]
	}
}

// print writes the report as text.
func (rep report) print(w io.Writer) error {
	p := &printer{w: w}
	p.f("Job search: %s\n", rep.Input)
	p.f("%d contacts", rep.Contacts)
	if !rep.From.IsZero() {
		p.f(" from %s to %s (%.0f days)", rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly), rep.WindowDays)
	}
	p.f(": %d offers, %d no, %d still open\n", rep.Offers, rep.No, rep.Open)
	for _, n := range rep.Notes {
		p.f("note: line %d: contact %q: %s: %s\n", n.Line, n.DealID, n.Kind, n.Detail)
	}

	p.f("\nConversions (a contact still waiting is open, not lost: the resolved step leaves them out)\n")
	p.f("%-10s %7s %5s  %-16s %-16s %-16s %8s\n", "stage", "reached", "open", "step (naive)", "step (resolved)", "95% interval", "of first")
	for i, row := range rep.Conversions.Stages {
		if i == 0 {
			p.f("%-10s %7d %5d  %-16s %-16s %-16s %7.1f%%\n", row.Stage, row.Reached, row.Pending, "", "", "", 100*row.Cumulative.Value())
			continue
		}
		ci := ""
		if row.ResolvedCI != nil {
			ci = row.ResolvedCI.String()
		}
		p.f("%-10s %7d %5d  %-16s %-16s %-16s %7.1f%%\n", row.Stage, row.Reached, row.Pending, row.Step, row.Resolved, ci, 100*row.Cumulative.Value())
	}
	if t := rep.Conversions; t.Weakest >= 0 {
		p.f("Weakest step: into %s, %v\n", t.WeakestStage, t.Stages[t.Weakest].Resolved)
	}

	p.f("\nFor one offer at the resolved rates\n")
	if rep.PerOffer == nil {
		p.f("  %s\n", rep.PerOfferNote)
	} else {
		for _, v := range rep.PerOffer.Volumes {
			p.f("  %-10s %4d  (exactly %.2f)\n", v.Stage, v.Whole, v.Exact)
		}
	}

	l := rep.Referrals
	p.f("\nThe referral loop\n")
	p.f("  %d conversations (contacts who reached coffee) produced %d referrals, %.2f each, from %d referrers\n",
		l.Conversations, l.Share.K, l.PerConversation.Value(), l.Referrers)
	p.f("  referrals are %v of all contacts: the loop's r = %.3f\n", l.Share, l.Share.Value())
	if l.TopPerMonth.Valid {
		p.f("  direct outreach of %.1f a month, fed by the loop, makes a top of %.1f a month: %.1f / (1 - %.3f)\n",
			l.DirectPerMonth.Float64, l.TopPerMonth.Float64, l.DirectPerMonth.Float64, l.Share.Value())
	}
	if l.Note != "" {
		p.f("  %s\n", l.Note)
	}

	li := rep.Little
	p.f("\nLittle's law (live initiatives = new contacts a day x days to an answer)\n")
	if li.CycleDays.Valid {
		p.f("  cycle: %d closed contacts took %.1f days on average from outreach to an offer or a no\n", li.Closed, li.CycleDays.Float64)
		if rep.Open > 0 {
			p.f("  (closed contacts only: the %d still open may lengthen it)\n", rep.Open)
		}
	}
	if li.Live.Valid {
		p.f("  your pace: %.2f contacts a day keeps %.1f initiatives live (%d open now)", li.ArrivalsPerDay.Float64, li.Live.Float64, rep.Open)
		if li.DaysPerResolution.Valid {
			p.f("; one resolves every %.1f days", li.DaysPerResolution.Float64)
		}
		p.f("\n")
	}
	if li.NeededLive.Valid {
		p.f("  one offer every %g days: %.2f contacts per offer / %g days = %.2f a day, %.1f initiatives live at once\n",
			li.OfferEveryDays, rep.PerOffer.Volumes[0].Exact, li.OfferEveryDays, li.NeededPerDay.Float64, li.NeededLive.Float64)
	}
	if li.Note != "" {
		p.f("  %s\n", li.Note)
	}

	wm := rep.Warmth
	p.f("\nWarm vs cold: the deepest stage of the closed contacts\n")
	if wm.Note != "" {
		p.f("  %s\n", wm.Note)
		return p.err
	}
	e := wm.Effect
	p.f("  %-8s", "")
	for _, s := range e.Stages {
		p.f(" %9s", s)
	}
	p.f("\n")
	for i, v := range e.Values {
		p.f("  %-8s", v)
		for _, n := range e.Deepest[i] {
			p.f(" %9d", n)
		}
		p.f("\n")
	}
	p.f("  (%d closed in the table; %d open and %d without a warmth left out)\n", e.Deals, e.Open, e.Missing)
	t := e.Test
	switch {
	case !t.Tested:
		p.f("  the table has too few rows or columns to test\n")
	case wm.Significant:
		p.f("  chi-square %.2f, df %d, p = %.4f: significant at 5%%, warmth and how deep a contact goes are related\n", t.Stat, t.DF, t.P)
	default:
		p.f("  chi-square %.2f, df %d, p = %.4f: not significant at 5%%, no evidence that warmth changes how deep a contact goes\n", t.Stat, t.DF, t.P)
	}
	if t.Tested && t.LowExpected > 0 {
		p.f("  (%d of %d cells expect fewer than 5 contacts, the smallest %.2f: the chi-square p is rough)\n", t.LowExpected, t.Cells, t.MinExpected)
	}
	rest := "the rest"
	if len(e.Values) == 2 {
		rest = e.Values[0]
	}
	if wm.Reply != nil {
		p.f("  Fisher's exact test on getting a reply, %s against %s: p = %.4f\n", wm.Shown, rest, wm.Reply.P)
	}
	p.f("  odds of reaching each stage, %s against %s, with the 95%% interval\n", wm.Shown, rest)
	for _, o := range e.Odds {
		if o.Value != wm.Shown {
			continue
		}
		var notes []string
		if o.Low <= 1 && 1 <= o.High {
			notes = append(notes, "the interval holds 1: no clear difference")
		}
		if o.Corrected {
			notes = append(notes, "0.5 added to each cell, one was empty")
		}
		p.f("    %-10s %6.2f  [%.2f, %.2f]", o.StageName, o.Ratio, o.Low, o.High)
		if len(notes) > 0 {
			p.f("  (%s)", strings.Join(notes, "; "))
		}
		p.f("\n")
	}
	return p.err
}

// printer writes formatted text and keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
