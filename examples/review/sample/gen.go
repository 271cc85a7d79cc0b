//go:build ignore

// Command gen writes the sample team that examples/review embeds: deals.csv
// (a long stage history), activities.csv (the reps' touches) and quotas.csv
// (a quarterly quota per current rep), beside itself. Run it from this
// directory:
//
//	go run gen.go
//
// It uses only the standard library and one PCG generator with a fixed seed,
// so every run writes the same bytes. It prints a summary (deals, won, lost,
// open per owner) on stderr as the Markdown tables that README.md shows.
//
// The team is simulated, not sampled from a real CRM. Each deal starts at Lead
// on the weekday it was created and, stage by stage, either advances with the
// step's conversion (segment base × source × the rep's multiplier) after a
// log-normal time in stage, or is lost after one; a deal whose next move would
// fall after the data's last day (2026-11-20) stays open where it is. README.md
// lists the rules and the parameters.
//
// Any change of a parameter or of the order of the draws gives another
// sample: check it again with README.md's list before committing it.
package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"
)

// The seed of the one PCG generator every draw comes from. seed2 was picked
// by hand among 1 to 300, as a draw whose sample meets the targets listed in
// README.md (open share, past due, inherited, skips and moves back, the
// planted rep effects visible, wins in every quarter).
const (
	seed1 = 20250106
	seed2 = 166
)

// stages are the funnel's stages in order; the last is the won stage.
// lostStage is the row that closes a lost deal.
var stages = [...]string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"}

const (
	lostStage = "Closed Lost"
	won       = len(stages) - 1 // index of Closed Won
	meeting   = 2               // index of Meeting
	proposal  = 3               // index of Proposal
)

// Dates of the story, all UTC.
var (
	firstDay    = day(2025, time.January, 6)   // first creation day (a Monday)
	lastDay     = day(2026, time.November, 20) // the data's last day (a Friday)
	dataEnd     = lastDay.Add(18 * time.Hour)  // nothing happens after 18:00 that day
	freezeStart = day(2025, time.June, 2)      // Sam Ortiz stops moving his deals
	handover    = time.Date(2025, time.October, 1, 9, 0, 0, 0, time.UTC)
	samLastDay  = day(2025, time.September, 30)
	hireDay     = day(2026, time.March, 2) // the new hire's first day (a Monday)
	stuckBefore = day(2026, time.June, 1)  // only deals created before it get stuck
)

const (
	leaver = "Sam Ortiz"
	// Quarterly quotas by segment, in dollars; the new hire is ramped at
	// half.
	quotaSMB        = 35000
	quotaEnterprise = 90000
)

// heirs receive the leaver's open deals at handover, alternately.
var heirs = [...]string{"Olivia Brooks", "Grace Okafor"}

// segment holds the base behaviour of a segment.
type segment struct {
	name string
	// conv[k] is the base conversion from stage k to k+1.
	conv [won]float64
	// stay[k] is the median time in stage k, in days; times are log-normal
	// with sigma stayLog.
	stay    [won]float64
	stayLog float64
	// linger multiplies the time in stage before a lost deal is closed
	// out: deals are marked lost after they went quiet. A share of them
	// (cleanupShare) is left open until the expected close has gone by.
	linger float64
	// amounts are log-normal with median amountMed and sigma amountLog,
	// redrawn until within [amountMin, amountMax].
	amountMed, amountLog, amountMin, amountMax float64
	// expected close = created + cycle ± cycleSD days (normal), set at
	// creation.
	cycle, cycleSD float64
}

var (
	smb = segment{
		name:      "SMB",
		conv:      [won]float64{0.74, 0.76, 0.74, 0.82, 0.72},
		stay:      [won]float64{5, 6, 7, 8, 7},
		linger:    3.5,
		stayLog:   0.6,
		amountMed: 10000, amountLog: 0.45, amountMin: 4000, amountMax: 25000,
		cycle: 50, cycleSD: 10,
	}
	enterprise = segment{
		name:      "Enterprise",
		conv:      [won]float64{0.68, 0.70, 0.66, 0.76, 0.64},
		stay:      [won]float64{10, 14, 18, 22, 20},
		linger:    3.0,
		stayLog:   0.55,
		amountMed: 75000, amountLog: 0.45, amountMin: 35000, amountMax: 180000,
		cycle: 115, cycleSD: 25,
	}
)

// rep is one owner of deals and how they sell.
type rep struct {
	name string
	seg  *segment
	role string // one line for the README
	// mult[k] multiplies the segment's conversion from stage k to k+1.
	mult [won]float64
	// rate is the expected number of deals created per weekday.
	rate float64
	// effort scales the number of touches per deal; firstTouch is the
	// longest wait, in days, before the first touch.
	effort, firstTouch float64
	// from and to bound the days on which the rep creates deals.
	from, to time.Time
}

func reps() []rep {
	return []rep{
		{name: "Ava Patel", seg: &smb, role: "star closer", mult: [won]float64{1.05, 1.08, 1.12, 1.12, 1.35}, rate: 0.22, effort: 1.2, firstTouch: 3},
		{name: "Marcus Chen", seg: &smb, role: "weak at Qualified → Meeting", mult: [won]float64{1.00, 0.60, 1.00, 1.00, 1.00}, rate: 0.22, effort: 1.0, firstTouch: 5},
		{name: "Ethan Walker", seg: &smb, role: "weak at Negotiation → won", mult: [won]float64{1.00, 1.02, 1.00, 1.00, 0.55}, rate: 0.22, effort: 1.0, firstTouch: 5},
		{name: "Diego Alvarez", seg: &smb, role: "near base", mult: [won]float64{1.02, 0.98, 1.03, 0.97, 1.00}, rate: 0.22, effort: 1.0, firstTouch: 5},
		{name: "Hannah Kim", seg: &smb, role: "near base", mult: [won]float64{0.97, 1.03, 0.98, 1.02, 1.03}, rate: 0.22, effort: 1.0, firstTouch: 5},
		{name: "Olivia Brooks", seg: &enterprise, role: "near base; inherits half of Sam Ortiz's open deals", mult: [won]float64{1.03, 1.00, 1.02, 0.98, 1.04}, rate: 0.14, effort: 1.0, firstTouch: 5},
		{name: "Priya Shah", seg: &enterprise, role: "low effort: half the deals, fewer touches", mult: [won]float64{0.95, 0.92, 0.95, 1.00, 0.95}, rate: 0.07, effort: 0.5, firstTouch: 12},
		{name: "Noah Fischer", seg: &enterprise, role: "new hire, deals from 2026-03-02", mult: [won]float64{0.95, 0.92, 0.92, 0.95, 0.90}, rate: 0.14, effort: 0.9, firstTouch: 5, from: hireDay},
		{name: "Grace Okafor", seg: &enterprise, role: "near base; inherits half of Sam Ortiz's open deals", mult: [won]float64{0.98, 1.03, 1.00, 1.03, 0.98}, rate: 0.14, effort: 1.0, firstTouch: 5},
		{name: "Liam Novak", seg: &enterprise, role: "near base", mult: [won]float64{1.00, 0.97, 1.02, 1.00, 1.02}, rate: 0.14, effort: 1.0, firstTouch: 5},
		{name: leaver, seg: &enterprise, role: "left; no deals after 2025-09-30, his open deals reassigned on 2025-10-01", mult: [won]float64{1, 1, 1, 1, 1}, rate: 0.20, effort: 0.9, firstTouch: 5, to: samLastDay},
	}
}

// season multiplies the creation rate by month (January first): a summer
// and a December lull, busier quarter starts.
var season = [12]float64{1.05, 1.00, 1.10, 1.05, 1.00, 0.95, 0.90, 0.80, 1.05, 1.10, 1.00, 0.75}

// Shares of deals with a particular history.
const (
	inboundShare = 0.45 // Inbound, the rest Outbound
	// skipChance is the chance that an advance from Lead..Proposal skips a
	// stage (once per deal), some 3% of the deals; backChance that a deal
	// arriving at Meeting..Negotiation moves back one stage and advances
	// again (once per deal), some 2% of the deals.
	skipChance   = 0.028
	backChance   = 0.018
	cleanupShare = 0.5  // lost deals left open until the expected close went by
	stuckShare   = 0.05 // deals created before stuckBefore that stop moving
	noAmount     = 0.02 // deals without an amount
	reuseAccount = 0.22 // a new deal on an account that already has one
	maxPerAcct   = 3
)

// Source effect on the first two steps: inbound converts better at the top.
var sourceMult = map[string][2]float64{
	"Inbound":  {1.20, 1.08},
	"Outbound": {0.85, 0.94},
}

type event struct {
	stage string
	at    time.Time
}

type deal struct {
	id, owner, segment, source string
	acct                       *account
	rep                        *rep
	cents                      int64 // amount in cents; -1 when missing
	expected                   time.Time
	assigned                   time.Time // zero unless inherited
	events                     []event   // stage entries, then the close row if closed
	outcome                    string    // "won", "lost" or "open"
	furthest                   int
	stuck                      bool
}

// created is the time of the first row, start of the deal.
func (d *deal) created() time.Time { return d.events[0].at }

// end is the close time, or dataEnd for an open deal.
func (d *deal) end() time.Time {
	if d.outcome == "open" {
		return dataEnd
	}
	return d.events[len(d.events)-1].at
}

type activity struct {
	dealID, account, contact, kind string
	at                             time.Time
	owner                          string
}

type account struct {
	name     string
	contacts []string
	deals    int
}

type gen struct {
	r        *rand.Rand
	accounts map[string][]*account // by segment
	names    map[string]bool       // account names used
	heir     int
	steer    map[string]*steer // by rep
}

// steer keeps, per rep, the expected and the realised number of deals
// created and of advances at each step, so that draws lean towards the
// expected: a rep's realised figures stay near the designed ones instead of
// wandering by chance over a few dozen deals (see lean).
type steer struct {
	expDeals, gotDeals float64
	exp, got           [won]float64
}

// Gains of lean: how far a shortfall of one deal moves the next draw's
// probability.
const (
	createGain = 0.02
	stepGain   = 0.25
)

// lean returns the probability p moved towards making up the shortfall
// exp − got, within [0.01, 0.99] for a step (an outcome stays uncertain)
// and [0, 1] for creation.
func lean(p, exp, got, gain, lo, hi float64) float64 {
	return min(max(p+gain*(exp-got), lo), hi)
}

func main() {
	if err := run(os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(summary io.Writer) error {
	g := &gen{
		r:        rand.New(rand.NewPCG(seed1, seed2)),
		accounts: map[string][]*account{},
		names:    map[string]bool{},
		steer:    map[string]*steer{},
	}
	team := reps()
	deals := g.deals(team)
	var acts []activity
	for _, d := range deals {
		acts = append(acts, g.activities(d)...)
	}
	slices.SortStableFunc(acts, func(a, b activity) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.dealID, b.dealID))
	})
	if err := check(deals, acts); err != nil {
		return err
	}
	if err := writeFile("deals.csv", func(w *csv.Writer) error { return writeDeals(w, deals) }); err != nil {
		return err
	}
	if err := writeFile("activities.csv", func(w *csv.Writer) error { return writeActivities(w, acts) }); err != nil {
		return err
	}
	if err := writeFile("quotas.csv", func(w *csv.Writer) error { return writeQuotas(w, team) }); err != nil {
		return err
	}
	printSummary(summary, team, deals, acts)
	return nil
}

// deals creates the deals day by day, rep by rep, in creation order.
func (g *gen) deals(team []rep) []*deal {
	var out []*deal
	for dd := firstDay; !dd.After(lastDay); dd = dd.AddDate(0, 0, 1) {
		if wd := dd.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		var today []*deal
		for i := range team {
			rp := &team[i]
			if !rp.from.IsZero() && dd.Before(rp.from) || !rp.to.IsZero() && dd.After(rp.to) {
				continue
			}
			st := g.steerOf(rp)
			p := rp.rate * season[dd.Month()-1]
			q := lean(p, st.expDeals, st.gotDeals, createGain, 0, 1)
			st.expDeals += p
			if g.r.Float64() >= q {
				continue
			}
			st.gotDeals++
			today = append(today, g.deal(rp, bizTime(g.r, dd)))
		}
		slices.SortStableFunc(today, func(a, b *deal) int { return a.created().Compare(b.created()) })
		out = append(out, today...)
	}
	for i, d := range out {
		d.id = fmt.Sprintf("D%04d", i+1)
	}
	return out
}

// deal simulates one deal of the rep created at the given time.
func (g *gen) deal(rp *rep, created time.Time) *deal {
	r := g.r
	seg := rp.seg
	d := &deal{owner: rp.name, segment: seg.name, rep: rp, source: "Outbound"}
	if r.Float64() < inboundShare {
		d.source = "Inbound"
	}
	d.acct = g.account(seg.name)
	d.cents = -1
	if r.Float64() >= noAmount {
		d.cents = g.amount(seg)
	}
	exp := seg.cycle + seg.cycleSD*r.NormFloat64()
	d.expected = day(created.Year(), created.Month(), created.Day()).AddDate(0, 0, int(math.Round(max(exp, 14))))

	stuckAt := -1
	skipped, movedBack := false, false
	if created.Before(stuckBefore) && r.Float64() < stuckShare {
		stuckAt = r.IntN(won) // stops at Lead..Negotiation, when it gets there
		d.stuck = true
	}

	d.events = []event{{stages[0], created}}
	d.outcome = "open"
	at := created
	k := 0
	for {
		if k == stuckAt {
			break
		}
		if !movedBack && k >= meeting && r.Float64() < backChance {
			movedBack = true
			t1 := g.move(rp, at, seg.stay[k]*0.5*logn(r, seg.stayLog))
			t2 := g.move(rp, t1, seg.stay[k-1]*0.6*logn(r, seg.stayLog))
			if t2.After(dataEnd) {
				if !t1.After(dataEnd) {
					d.events = append(d.events, event{stages[k-1], t1})
				}
				break
			}
			d.events = append(d.events, event{stages[k-1], t1}, event{stages[k], t2})
			at = t2
		}
		p := seg.conv[k] * rp.mult[k]
		if k < 2 {
			p *= sourceMult[d.source][k]
		}
		p = min(p, 0.95)
		st := g.steerOf(rp)
		if r.Float64() < lean(p, st.exp[k], st.got[k], stepGain, 0.01, 0.99) {
			next := k + 1
			if !skipped && k <= proposal && r.Float64() < skipChance {
				next = k + 2
				skipped = true
			}
			t := g.move(rp, at, seg.stay[k]*logn(r, seg.stayLog))
			if t.After(dataEnd) {
				break
			}
			d.events = append(d.events, event{stages[next], t})
			st.exp[k] += p
			st.got[k]++
			at, k = t, next
			if k == won {
				d.outcome = "won"
				break
			}
			continue
		}
		t := g.move(rp, at, seg.linger*seg.stay[k]*logn(r, seg.stayLog))
		if r.Float64() < cleanupShare {
			// Left open until the expected close went by, then closed out.
			days := math.Max(0, d.expected.Sub(at).Hours()/24+seg.cycleSD*r.NormFloat64())
			t = later(t, g.move(rp, at, days))
		}
		if t.After(dataEnd) {
			break
		}
		d.events = append(d.events, event{lostStage, t})
		st.exp[k] += p
		d.outcome = "lost"
		break
	}
	d.furthest = k
	if rp.name == leaver && d.end().After(handover) {
		d.owner = heirs[g.heir%len(heirs)]
		g.heir++
		d.assigned = handover
	}
	return d
}

func (g *gen) steerOf(rp *rep) *steer {
	st := g.steer[rp.name]
	if st == nil {
		st = &steer{}
		g.steer[rp.name] = st
	}
	return st
}

// move returns the time of the next row, about days calendar days after at,
// on a weekday in business hours and after at. The leaver's deals do not
// move between freezeStart and the handover: a move that would fall then
// falls in the first weeks after it.
func (g *gen) move(rp *rep, at time.Time, days float64) time.Time {
	// Count working days: days × 5/7 of them, so that weekends take no
	// share of a stay and no weekday gets the rows of the weekend.
	dd := day(at.Year(), at.Month(), at.Day())
	for n := int(math.Round(days * 5 / 7)); n > 0; {
		dd = dd.AddDate(0, 0, 1)
		if wd := dd.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	t := bizTime(g.r, dd)
	if !t.After(at) {
		t = at.Add(time.Duration(20+g.r.IntN(220)) * time.Minute)
	}
	if rp.name == leaver && !t.Before(freezeStart) && t.Before(handover) {
		dd := weekday(day(handover.Year(), handover.Month(), handover.Day()).AddDate(0, 0, g.r.IntN(15)))
		t = bizTime(g.r, dd)
		if !t.After(handover) {
			t = handover.Add(time.Duration(30+g.r.IntN(300)) * time.Minute)
		}
	}
	return t
}

// account returns an account of the segment: a new one, or now and then
// one that already has deals.
func (g *gen) account(seg string) *account {
	pool := g.accounts[seg]
	if len(pool) > 0 && g.r.Float64() < reuseAccount {
		a := pool[g.r.IntN(len(pool))]
		if a.deals < maxPerAcct {
			a.deals++
			return a
		}
	}
	var name string
	for {
		name = companyFirst[g.r.IntN(len(companyFirst))] + " " + companyLast[g.r.IntN(len(companyLast))]
		if seg == "Enterprise" && g.r.Float64() < 0.4 {
			name += " " + companyEnt[g.r.IntN(len(companyEnt))]
		}
		if !g.names[name] {
			break
		}
	}
	g.names[name] = true
	a := &account{name: name, deals: 1}
	for range 1 + g.r.IntN(4) {
		for {
			c := firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))]
			if !slices.Contains(a.contacts, c) {
				a.contacts = append(a.contacts, c)
				break
			}
		}
	}
	g.accounts[seg] = append(pool, a)
	return a
}

// amount draws a deal amount, in cents.
func (g *gen) amount(seg *segment) int64 {
	for {
		v := seg.amountMed * logn(g.r, seg.amountLog)
		if v >= seg.amountMin && v <= seg.amountMax {
			return int64(math.Round(v * 100))
		}
	}
}

// activities writes the touches of a deal, all within [created, end], to
// the minute.
func (g *gen) activities(d *deal) []activity {
	r := g.r
	rp := d.rep
	start, end := d.created(), d.end()
	last := d.events[len(d.events)-1].at
	// meetAt is when the deal reached Meeting (or a later stage by a skip);
	// zero when it never did. Meetings come only from then on.
	var meetAt time.Time
	for _, e := range d.events {
		if i := slices.Index(stages[:], e.stage); i >= meeting {
			meetAt = e.at
			break
		}
	}

	// An open deal is one of: touched lately (the most), stale (nothing in
	// the last 30 days, only when it has not moved for longer), never
	// touched (a few, only before Meeting).
	const (
		normal = iota
		recent
		stale
		never
	)
	mode := normal
	if d.outcome == "open" {
		quiet := last.Before(lastDay.AddDate(0, 0, -35))
		u := r.Float64()
		switch {
		case meetAt.IsZero() && !d.stuck && u < 0.10:
			mode = never
		case d.stuck && quiet || u < 0.32 && quiet:
			mode = stale
		case u < 0.85:
			mode = recent
		}
	}
	if mode == never {
		return nil
	}
	if mode == stale {
		end = earlier(end, lastDay.AddDate(0, 0, -31))
		if d.stuck {
			// Stuck deals went quiet soon after their last move.
			end = earlier(end, last.AddDate(0, 0, 10+r.IntN(30)))
		}
	}

	contacts := d.acct.contacts
	var out []activity
	// add records a touch; one that the leaver would have made during his
	// last months is mostly not made, unless must is set.
	add := func(kind string, at time.Time, must bool) {
		at = at.Truncate(time.Minute)
		if at.Before(start) || at.After(end) {
			return
		}
		if kind == "meeting" && (meetAt.IsZero() || at.Before(meetAt)) {
			kind = "call"
		}
		owner := d.owner
		if !d.assigned.IsZero() && at.Before(d.assigned) {
			owner = leaver
			if !must && !at.Before(freezeStart) && r.Float64() < 0.75 {
				return
			}
		}
		out = append(out, activity{d.id, d.acct.name, contacts[r.IntN(len(contacts))], kind, at, owner})
	}
	// within draws a time in [from, end], in office hours when it can.
	within := func(from time.Time) time.Time { return officeTime(r, from, end) }

	// How many touches: more for deals that went further, scaled by the
	// rep's effort; 2 to 15.
	n := rp.effort * (1.5 + 1.6*float64(d.furthest) + 0.6*r.NormFloat64())
	if d.segment == "Enterprise" {
		n *= 1.25
	}
	touches := int(math.Round(min(max(n, 2), 15)))

	// The first touch, 0 to firstTouch days after creation.
	// The first touch, 0 to firstTouch days after creation.
	first := officeTime(r, start, earlier(end, start.Add(time.Duration(rp.firstTouch*24*float64(time.Hour)))))
	add(pick(r, 0.5, "call", "email"), first, false)
	touches--

	// A meeting when the deal reached Meeting, and for half of those that
	// reached Proposal a follow-up meeting after it.
	if !meetAt.IsZero() {
		at := meetAt.Add(time.Duration(r.IntN(90)) * time.Minute)
		add("meeting", earlier(at, end), true)
		touches--
		for _, e := range d.events {
			if e.stage == stages[proposal] {
				if r.Float64() < 0.5 {
					add("meeting", within(e.at), false)
					touches--
				}
				break
			}
		}
	}
	for ; touches > 0; touches-- {
		add(pick3(r), within(first), false)
	}
	if mode == recent {
		from := lastDay.AddDate(0, 0, -13)
		if from.Before(start) {
			from = start
		}
		add(pick(r, 0.5, "call", "email"), within(from), false)
	}
	return out
}

// check asserts the rules the brief sets, so a change of parameters that
// breaks one fails loudly.
func check(deals []*deal, acts []activity) error {
	byID := map[string]*deal{}
	for _, d := range deals {
		byID[d.id] = d
		for i, e := range d.events {
			if e.at.After(dataEnd) || e.at.Before(firstDay) {
				return fmt.Errorf("deal %s: row %d at %v out of range", d.id, i, e.at)
			}
			if i > 0 && !e.at.After(d.events[i-1].at) {
				return fmt.Errorf("deal %s: row %d not after the one before", d.id, i)
			}
		}
		if d.owner == leaver && d.end().After(handover) {
			return fmt.Errorf("deal %s: leaver owns a deal open at handover", d.id)
		}
		if d.rep.name == leaver && !d.created().Before(samLastDay.AddDate(0, 0, 1)) {
			return fmt.Errorf("deal %s: leaver creates a deal after he left", d.id)
		}
	}
	for _, a := range acts {
		d := byID[a.dealID]
		if a.at.Before(d.created()) || a.at.After(d.end()) {
			return fmt.Errorf("activity on %s at %v outside the deal's life", a.dealID, a.at)
		}
	}
	return nil
}

func writeFile(name string, write func(*csv.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeDeals(w *csv.Writer, deals []*deal) error {
	if err := w.Write([]string{"deal_id", "owner", "segment", "source", "account", "stage", "entered_at", "amount", "expected_close", "assigned_at"}); err != nil {
		return err
	}
	for _, d := range deals {
		assigned := ""
		if !d.assigned.IsZero() {
			assigned = d.assigned.Format(time.RFC3339)
		}
		amount := ""
		if d.cents >= 0 {
			amount = fmt.Sprintf("%d.%02d", d.cents/100, d.cents%100)
		}
		for _, e := range d.events {
			if err := w.Write([]string{d.id, d.owner, d.segment, d.source, d.acct.name, e.stage,
				e.at.Format(time.RFC3339), amount, d.expected.Format(time.DateOnly), assigned}); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeActivities(w *csv.Writer, acts []activity) error {
	if err := w.Write([]string{"deal_id", "account", "contact", "kind", "at", "owner"}); err != nil {
		return err
	}
	for _, a := range acts {
		if err := w.Write([]string{a.dealID, a.account, a.contact, a.kind, a.at.Format(time.RFC3339), a.owner}); err != nil {
			return err
		}
	}
	return nil
}

func writeQuotas(w *csv.Writer, team []rep) error {
	if err := w.Write([]string{"owner", "quota"}); err != nil {
		return err
	}
	for _, rp := range team {
		if rp.name == leaver {
			continue
		}
		q := quotaSMB
		if rp.seg == &enterprise {
			q = quotaEnterprise
		}
		if !rp.from.IsZero() {
			q /= 2 // ramping
		}
		if err := w.Write([]string{rp.name, fmt.Sprintf("%d.00", q)}); err != nil {
			return err
		}
	}
	return nil
}

// printSummary writes the Markdown table of README.md.
func printSummary(w io.Writer, team []rep, deals []*deal, acts []activity) {
	type row struct {
		deals, won, lost, open, inherited, pastDue, rows int
		wonCents                                         int64
	}
	per := map[string]*row{}
	var total row
	for _, rp := range team {
		per[rp.name] = &row{}
	}
	for _, d := range deals {
		for _, x := range []*row{per[d.owner], &total} {
			x.deals++
			x.rows += len(d.events)
			switch d.outcome {
			case "won":
				x.won++
				x.wonCents += max(d.cents, 0)
			case "lost":
				x.lost++
			default:
				x.open++
				if d.expected.Before(lastDay) {
					x.pastDue++
				}
			}
			if !d.assigned.IsZero() {
				x.inherited++
			}
		}
	}
	touches := map[string]int{}
	owner := map[string]string{}
	for _, d := range deals {
		owner[d.id] = d.owner
	}
	for _, a := range acts {
		touches[owner[a.dealID]]++
	}
	fmt.Fprintf(w, "seed PCG(%d, %d): %d deals (%d rows), %d activities, %d accounts\n\n",
		seed1, seed2, total.deals, total.rows, len(acts), accountCount(deals))
	fmt.Fprintln(w, "| owner | segment | deals | won | lost | open | open past due | inherited | activities | won amount |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, rp := range team {
		x := per[rp.name]
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %s |\n",
			rp.name, rp.seg.name, x.deals, x.won, x.lost, x.open, x.pastDue, x.inherited, touches[rp.name], money(x.wonCents))
	}
	fmt.Fprintf(w, "| **all** | | %d | %d | %d | %d | %d | %d | %d | %s |\n",
		total.deals, total.won, total.lost, total.open, total.pastDue, total.inherited, len(acts), money(total.wonCents))

	fmt.Fprintln(w)
	fmt.Fprintln(w, "| segment | deals | won | median won cycle (days) | median amount |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, seg := range []*segment{&smb, &enterprise} {
		var n, nWon int
		var cycles []float64
		var amounts []int64
		for _, d := range deals {
			if d.segment != seg.name {
				continue
			}
			n++
			if d.cents >= 0 {
				amounts = append(amounts, d.cents)
			}
			if d.outcome == "won" {
				nWon++
				cycles = append(cycles, d.end().Sub(d.created()).Hours()/24)
			}
		}
		slices.Sort(cycles)
		slices.Sort(amounts)
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %s |\n", seg.name, n, nWon, cycles[len(cycles)/2], money(amounts[len(amounts)/2]))
	}
}

func accountCount(deals []*deal) int {
	seen := map[*account]bool{}
	for _, d := range deals {
		seen[d.acct] = true
	}
	return len(seen)
}

// money formats cents as whole dollars with thousands separators.
func money(c int64) string {
	s := fmt.Sprintf("%d", c/100)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// weekday moves a Saturday or Sunday to the Monday after.
func weekday(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// officeTime draws a time in [from, to], on a weekday between 07:00 and
// 19:00 when ten draws find one, else the last draw; from when to is not
// after it.
func officeTime(r *rand.Rand, from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	var t time.Time
	for range 10 {
		t = from.Add(time.Duration(r.Int64N(int64(to.Sub(from)) + 1)))
		wd, h := t.Weekday(), t.Hour()
		if wd != time.Saturday && wd != time.Sunday && h >= 7 && h < 19 {
			break
		}
	}
	return t
}

// bizTime returns a time on the day between 08:00 and 18:00, to the minute.
func bizTime(r *rand.Rand, d time.Time) time.Time {
	return d.Add(8*time.Hour + time.Duration(r.IntN(600))*time.Minute)
}

// logn draws exp(sigma·Z), a log-normal factor with median 1.
func logn(r *rand.Rand, sigma float64) float64 { return math.Exp(sigma * r.NormFloat64()) }

func pick(r *rand.Rand, p float64, a, b string) string {
	if r.Float64() < p {
		return a
	}
	return b
}

// pick3 draws a touch's kind: call 45%, email 45%, meeting 10%.
func pick3(r *rand.Rand) string {
	switch u := r.Float64(); {
	case u < 0.45:
		return "call"
	case u < 0.90:
		return "email"
	}
	return "meeting"
}

var companyFirst = []string{
	"Northwind", "Bluepeak", "Cedar", "Ironbridge", "Silverline", "Redwood", "Brightwater",
	"Summit", "Harbor", "Granite", "Maple", "Falcon", "Orion", "Keystone", "Lumen", "Pioneer",
	"Crescent", "Evergreen", "Atlas", "Beacon", "Cobalt", "Driftwood", "Elmstone", "Foxglove",
	"Highland", "Juniper", "Kestrel", "Lakeside", "Meridian", "Northstar", "Oakridge",
	"Pinecrest", "Quarry", "Riverside", "Sagebrush", "Tidewater", "Upland", "Vantage",
	"Westbrook", "Willow", "Aspen", "Copperfield", "Greystone", "Silverbirch", "Stonegate",
}

var companyLast = []string{
	"Logistics", "Software", "Health", "Foods", "Analytics", "Manufacturing", "Dental",
	"Legal", "Realty", "Energy", "Labs", "Media", "Robotics", "Supply", "Systems",
	"Insurance", "Outfitters", "Clinics", "Freight", "Finance", "Engineering", "Hospitality",
}

var companyEnt = []string{"Group", "Holdings", "Corporation", "International", "Partners"}

var firstNames = []string{
	"James", "Maria", "Robert", "Linda", "Michael", "Sofia", "David", "Emma", "Daniel", "Chloe",
	"Kevin", "Aisha", "Brian", "Yuki", "Carlos", "Fatima", "Tom", "Nina", "Peter", "Leah",
	"Omar", "Julia", "Victor", "Rosa", "Ian", "Mei", "Paul", "Sara", "Raj", "Elena",
}

var lastNames = []string{
	"Smith", "Garcia", "Johnson", "Nguyen", "Miller", "Rossi", "Davis", "Kowalski", "Lopez",
	"Wilson", "Tanaka", "Martin", "Moore", "Singh", "Taylor", "Anderson", "Thomas", "Hughes",
	"Bennett", "Murphy", "Schmidt", "Dubois", "Larsen", "Reyes", "Cohen", "Park", "Silva",
}
