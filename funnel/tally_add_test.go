package funnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// This file checks [Tally.Add], which validates, checks the span and
// counts a deal in one pass over its events, against a second method: a
// reference tally that counts each deal from the exported methods of
// [Deal] (Reached, Entered, Furthest, Start, CloseTime, Stays) and
// [time.Time.Sub], one figure at a time, with the money summed in
// decimals; and, for the errors, Validate and the span check as they were
// written before the one pass (refValidate, refSpan), whose texts the
// errors must keep.

// refValidate is [Deal.Validate] as written before [Tally.Add] did it in
// one pass: the specification of the errors, text included.
func refValidate(d Deal, f Funnel) error {
	fail := func(err error) error { return &DealError{ID: d.ID, Err: err} }
	if strings.TrimSpace(d.ID) == "" {
		return fail(fmt.Errorf("%w: blank id", ErrInvalidDeal))
	}
	if f.Len() == 0 {
		return fail(ErrEmptyFunnel)
	}
	if len(d.Events) == 0 && d.Outcome != Lost {
		return fail(fmt.Errorf("%w: %s deal with no stage events", ErrInvalidDeal, d.Outcome))
	}
	var first, last time.Time
	won := false
	for i, e := range d.Events {
		if !f.Has(e.Stage) {
			return fail(fmt.Errorf("event %d: %w: index %d", i, ErrUnknownStage, e.Stage))
		}
		if e.Stage == f.Last() {
			won = true
		}
		if e.At.IsZero() {
			continue
		}
		if first.IsZero() {
			first = e.At
		}
		if e.At.Before(last) {
			return fail(fmt.Errorf("event %d at %s (%s) before %s: %w", i, f.Stage(e.Stage), e.At.Format(time.RFC3339), last.Format(time.RFC3339), ErrEventOrder))
		}
		last = e.At
	}
	if !d.Created.IsZero() && !first.IsZero() && first.Before(d.Created) {
		return fail(fmt.Errorf("first event at %s before created %s: %w", first.Format(time.RFC3339), d.Created.Format(time.RFC3339), ErrEventOrder))
	}
	switch d.Outcome {
	case Open:
		if won {
			return fail(fmt.Errorf("%w: open deal with an event at the last stage %q", ErrInvalidDeal, f.Stage(f.Last())))
		}
		if !d.Closed.IsZero() {
			return fail(fmt.Errorf("%w: open deal with a closed time", ErrInvalidDeal))
		}
	case Won:
		if !won {
			return fail(fmt.Errorf("%w: won deal without an event at the last stage %q", ErrInvalidDeal, f.Stage(f.Last())))
		}
	case Lost:
		if won {
			return fail(ErrWonAndLost)
		}
	default:
		return fail(fmt.Errorf("%w: outcome %d", ErrInvalidDeal, int8(d.Outcome)))
	}
	if !d.Closed.IsZero() {
		if !last.IsZero() && d.Closed.Before(last) {
			return fail(fmt.Errorf("closed %s before the last event %s: %w", d.Closed.Format(time.RFC3339), last.Format(time.RFC3339), ErrEventOrder))
		}
		if !d.Created.IsZero() && d.Closed.Before(d.Created) {
			return fail(fmt.Errorf("closed %s before created %s: %w", d.Closed.Format(time.RFC3339), d.Created.Format(time.RFC3339), ErrEventOrder))
		}
	}
	if d.Amount.Valid {
		if err := checkAmount(d.Amount.Decimal); err != nil {
			return fail(err)
		}
	}
	return nil
}

// refSpan is the check of a deal's span as written before the one pass.
func refSpan(d Deal) error {
	start := d.Start()
	end := d.CloseTime()
	for _, e := range d.Events {
		if e.At.After(end) {
			end = e.At
		}
	}
	if !start.IsZero() && !end.IsZero() && end.Sub(start) > maxDays*24*time.Hour {
		return &DealError{ID: d.ID, Err: fmt.Errorf("%w: spans %s to %s, over %d days", ErrOutOfRange, start.Format(time.DateOnly), end.Format(time.DateOnly), maxDays)}
	}
	return nil
}

// refTally counts the deals one figure at a time from Deal's exported
// methods, returning the groups sorted by key, as [Tally.Groups] does, and
// the error of each deal (nil for a deal counted).
func refTally(f Funnel, by []string, deals []Deal) ([]Counts, []error) {
	n, last := f.Len(), f.Last()
	groups := map[string]*Counts{}
	errs := make([]error, len(deals))
	for i, d := range deals {
		if errs[i] = refValidate(d, f); errs[i] != nil {
			continue
		}
		if errs[i] = refSpan(d); errs[i] != nil {
			continue
		}
		values := make([]string, len(by))
		for j, a := range by {
			values[j] = d.Attr(a)
		}
		k := fmt.Sprintf("%q", values)
		c := groups[k]
		if c == nil {
			c = &Counts{Key: values, Reached: make([]int64, n), Entered: make([]int64, n), EnteredBoth: make([]int64, n),
				OpenAt: make([]int64, n), StrictPending: make([]int64, n), LostAt: make([]int64, n),
				AmountReached: make([]decimal.Decimal, n), StageTime: make([]Durations, n), WonToClose: make([]Durations, n)}
			groups[k] = c
		}
		furthest := d.Furthest()
		c.Deals++
		switch d.Outcome {
		case Won:
			c.Won++
		case Lost:
			c.Lost++
			if furthest < 0 {
				c.LostNoStage++
			} else {
				c.LostAt[furthest]++
			}
		case Open:
			c.Open++
			c.OpenAt[furthest]++
		}
		for k := range n {
			if d.Reached(k, Implied) {
				c.Reached[k]++
				if d.Amount.Valid {
					c.AmountReached[k] = c.AmountReached[k].Add(d.Amount.Decimal)
				}
			}
			if d.Entered(k) {
				c.Entered[k]++
				if d.Entered(k + 1) {
					c.EnteredBoth[k]++
				}
				if d.Outcome == Open && !d.Entered(k+1) && furthest <= k {
					c.StrictPending[k]++
				}
			}
		}
		switch {
		case !d.Amount.Valid:
			c.NoAmount++
		case d.Outcome == Won:
			c.WonAmount = c.WonAmount.Add(d.Amount.Decimal)
			c.WonWithAmount++
		case d.Outcome == Open:
			c.OpenAmount = c.OpenAmount.Add(d.Amount.Decimal)
			c.OpenWithAmount++
		}
		start, closed := d.Start(), d.CloseTime()
		if !start.IsZero() && !closed.IsZero() {
			switch d.Outcome {
			case Won:
				_ = c.WonCycle.Add(closed.Sub(start))
			case Lost:
				_ = c.LostCycle.Add(closed.Sub(start))
			}
		}
		stays := d.Stays()
		for j, s := range stays {
			var next time.Time
			if j+1 < len(stays) {
				next = stays[j+1].At
			} else if d.Outcome == Lost {
				next = d.Closed
			}
			if s.Stage != last && !s.At.IsZero() && !next.IsZero() {
				_ = c.StageTime[s.Stage].Add(next.Sub(s.At))
			}
		}
		if d.Outcome == Won && !closed.IsZero() {
			for k := range last {
				for _, e := range d.Events { // the first event at k or later
					if e.Stage >= k {
						if !e.At.IsZero() {
							_ = c.WonToClose[k].Add(closed.Sub(e.At))
						}
						break
					}
				}
			}
		}
	}
	out := make([]Counts, 0, len(groups))
	for _, c := range groups {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Counts) int { return slices.Compare(a.Key, b.Key) })
	return out, errs
}

// edgeDeals returns n deals, valid and not, built to reach the corners of
// Add's one pass: times with nanoseconds, in other zones, before year 1,
// with monotonic readings (from time.Now), untimed events, runs of one
// stage, moves back, spans at and past [MaxDurationDays], equal instants
// in two zones, amounts in cents and not, blank ids, unknown stages and
// outcomes, and times out of order.
func edgeDeals(r *rand.Rand, f Funnel, n int) []Deal {
	zones := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), time.FixedZone("PST", -8*3600)}
	now := time.Now() // a monotonic reading
	base := func() time.Time {
		switch r.IntN(8) {
		case 0:
			return now.Add(time.Duration(r.IntN(1000)) * time.Hour)
		case 1:
			return time.Date(-3, 2, 1, 0, 0, 0, 0, time.UTC) // before year 1
		case 2:
			return time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC) // just after the zero time
		}
		t := time.Date(2023, 1, 1, 0, 0, 0, 0, zones[r.IntN(len(zones))])
		return t.Add(time.Duration(r.Int64N(2*365*86400)) * time.Second).Add(time.Duration(r.IntN(1e9)))
	}
	step := func() time.Duration {
		switch r.IntN(10) {
		case 0:
			return 0 // an equal instant
		case 1:
			return time.Duration(r.IntN(2e9)) // under two seconds, with a nanosecond borrow
		case 2:
			return -time.Duration(1+r.IntN(86400))*time.Second - 1 // backwards
		}
		return time.Duration(r.Int64N(60*86400)) * time.Second
	}
	amounts := []string{"0", "0.01", "123.45", "99999999999999", "999999999999.99", "1234567890123456", "1.005", "12e3", "-5", "1e-20", "1e40"}
	owners, segments := []string{"a", "b", "c", ""}, []string{"x", "y"}
	deals := make([]Deal, n)
	for i := range deals {
		d := Deal{ID: fmt.Sprintf("D%d", i), Owner: owners[r.IntN(len(owners))], Segment: segments[r.IntN(len(segments))]}
		switch r.IntN(40) {
		case 0:
			d.ID = " \t"
		case 1:
			d.ID = "\u00a0x"
		case 2:
			d.ID = "\u00a0"
		}
		if r.IntN(3) == 0 {
			d.Attrs = map[string]string{"region": owners[r.IntN(2)]}
		}
		if r.IntN(4) > 0 {
			d.Amount = decimal.NewNullDecimal(decimal.RequireFromString(amounts[r.IntN(len(amounts))]))
		}
		at := base()
		if r.IntN(4) == 0 {
			d.Created = at
			if r.IntN(10) == 0 {
				d.Created = at.Add(time.Hour) // after the first event
			}
			at = at.Add(step())
		}
		stage := r.IntN(f.Len())
		for range r.IntN(7) {
			e := Event{Stage: stage, At: at}
			switch r.IntN(12) {
			case 0:
				e.At = time.Time{} // untimed
			case 1:
				e.At = at.In(zones[r.IntN(len(zones))]) // the same instant in another zone
			case 2:
				e.At = at.Round(0) // no monotonic reading
			}
			d.Events = append(d.Events, e)
			at = at.Add(step())
			switch x := r.IntN(10); {
			case x < 5:
				stage++
			case x < 7: // the same stage again
			case x < 8:
				stage -= 2
			case x < 9:
				stage = r.IntN(f.Len()+2) - 1 // anywhere, out of range too
			}
			stage = min(max(stage, 0), f.Len())
		}
		switch {
		case r.IntN(30) == 0:
			d.Outcome = Outcome(3 + r.IntN(3))
		case len(d.Events) > 0 && d.Events[len(d.Events)-1].Stage == f.Last():
			d.Outcome = Won
		default:
			d.Outcome = []Outcome{Open, Open, Lost, Lost, Won}[r.IntN(5)]
		}
		if d.Outcome != Open || r.IntN(20) == 0 {
			switch r.IntN(6) {
			case 0: // closed time unknown
			case 1: // at the limit of the span from the start, or past it
				if s := d.Start(); !s.IsZero() {
					d.Closed = s.Add(maxDays*24*time.Hour + time.Duration(r.IntN(3)-1))
				}
			default:
				d.Closed = at.Add(step())
			}
		}
		deals[i] = d
	}
	return deals
}

// checkAgainstRef adds deals to a tally over f grouped by by, and checks
// each error and the groups against [refTally].
func checkAgainstRef(t *testing.T, f Funnel, by []string, deals []Deal) {
	t.Helper()
	want, wantErrs := refTally(f, by, deals)
	ta := NewTally(f, by...)
	// tc adds each deal whose amount is a whole number of cents below
	// 10^14 with AddCents, and must end as ta.
	tc := NewTally(f, by...)
	for i, d := range deals {
		err := ta.Add(d)
		if (err == nil) != (wantErrs[i] == nil) || (err != nil && err.Error() != wantErrs[i].Error()) {
			t.Fatalf("Add(deal %d %+v): err = %v, want %v", i, d, err, wantErrs[i])
		}
		var errC error
		if c, ok := refCents(d.Amount); ok {
			dc := d
			dc.Amount = decimal.NullDecimal{}
			errC = tc.AddCents(dc, c)
		} else {
			errC = tc.Add(d)
		}
		if (errC == nil) != (err == nil) || (err != nil && errC.Error() != err.Error()) {
			t.Fatalf("AddCents(deal %d %+v): err = %v, want Add's %v", i, d, errC, err)
		}
		for _, s := range []error{ErrInvalidDeal, ErrUnknownStage, ErrEventOrder, ErrWonAndLost, ErrNegativeAmount, ErrOutOfRange} {
			if errors.Is(err, s) != errors.Is(wantErrs[i], s) {
				t.Fatalf("Add(deal %d): err = %v, want one wrapping what %v wraps", i, err, wantErrs[i])
			}
		}
		// Validate takes the one pass too, and must say the same.
		if err, want := d.Validate(f), refValidate(d, f); (err == nil) != (want == nil) || (err != nil && err.Error() != want.Error()) {
			t.Fatalf("Validate(deal %d): err = %v, want %v", i, err, want)
		}
	}
	if diff := cmp.Diff(want, ta.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Groups() by %q mismatch (-reference +Add):\n%s", by, diff)
	}
	if diff := cmp.Diff(want, tc.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Groups() by %q mismatch (-reference +AddCents):\n%s", by, diff)
	}
}

// refCents returns the amount a in cents when it is valid, not negative,
// a whole number of cents and below 10^14 cents: computed with the
// decimal's arithmetic, apart from centsOf.
func refCents(a decimal.NullDecimal) (int64, bool) {
	if !a.Valid || a.Decimal.IsNegative() {
		return 0, false
	}
	c := a.Decimal.Shift(2)
	if !c.Equal(c.Truncate(0)) || c.GreaterThanOrEqual(decimal.New(1, 14)) {
		return 0, false
	}
	return c.IntPart(), true
}

func TestAddCentsErrors(t *testing.T) {
	f := MustNew("Lead", "Won")
	at := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	ok := Deal{ID: "d1", Events: []Event{{Stage: 0, At: at}}}
	withAmount := ok
	withAmount.Amount = decimal.NewNullDecimal(decimal.New(5, 0))
	for _, tc := range []struct {
		name  string
		d     Deal
		cents int64
		want  error
	}{
		{"both amounts", withAmount, 500, ErrInvalidDeal},
		{"negative", ok, -1, ErrNegativeAmount},
		{"10^14", ok, 1e14, ErrOutOfRange},
		{"max int64", ok, math.MaxInt64, ErrOutOfRange},
		{"unknown stage", Deal{ID: "d2", Events: []Event{{Stage: 5, At: at}}}, 1, ErrUnknownStage},
		{"blank id", Deal{Events: ok.Events}, 1, ErrInvalidDeal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := NewTally(f)
			err := ta.AddCents(tc.d, tc.cents)
			if !errors.Is(err, tc.want) {
				t.Fatalf("AddCents: err = %v, want one wrapping %v", err, tc.want)
			}
			if g := ta.Groups(); len(g) != 0 {
				t.Errorf("AddCents added a deal on an error: %+v", g)
			}
		})
	}
	// The largest amount it takes: 10^14 − 1 cents, summed as Add sums
	// 999999999999.99.
	ta, tb := NewTally(f), NewTally(f)
	if err := ta.AddCents(ok, 1e14-1); err != nil {
		t.Fatal(err)
	}
	if err := tb.Add(withAmountOf(ok, "999999999999.99")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tb.Groups(), ta.Groups(), decimalEqual); diff != "" {
		t.Errorf("AddCents(10^14 − 1) mismatch (-Add +AddCents):\n%s", diff)
	}
}

func withAmountOf(d Deal, s string) Deal {
	d.Amount = decimal.NewNullDecimal(decimal.RequireFromString(s))
	return d
}

func TestTallyAddMatchesReference(t *testing.T) {
	wide := make([]string, 70) // past the 64 stages of the bit set
	for i := range wide {
		wide[i] = fmt.Sprintf("s%d", i)
	}
	funnels := []struct {
		name string
		f    Funnel
	}{
		{"one stage", MustNew("won")},
		{"six stages", MustNew("s0", "s1", "s2", "s3", "s4", "s5")},
		{"64 stages", MustNew(wide[:64]...)},
		{"70 stages", MustNew(wide...)},
	}
	groupings := [][]string{nil, {AttrOwner}, {AttrOwner, AttrSegment}, {"region"}, {AttrOutcome}, {AttrID}}
	for _, fn := range funnels {
		for _, by := range groupings {
			t.Run(fmt.Sprintf("%s by %q", fn.name, by), func(t *testing.T) {
				n := 3000
				if slices.Equal(by, []string{AttrID}) {
					n = 300 // a group per deal
				}
				checkAgainstRef(t, fn.f, by, edgeDeals(rand.New(rand.NewPCG(uint64(fn.f.Len()), uint64(len(by)))), fn.f, n))
			})
		}
	}
	t.Run("crm-shaped deals", func(t *testing.T) {
		f := MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")
		checkAgainstRef(t, f, []string{AttrOwner}, crmDeals(rand.New(rand.NewPCG(5, 6)), 3000))
	})
}

// TestTallyAddCorners pins, by hand, the figures of the corners that the
// one pass takes apart from time.Time.Sub.
func TestTallyAddCorners(t *testing.T) {
	f := MustNew("a", "b", "won")
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 900_000_000, time.UTC)
	limit := maxDays * 24 * time.Hour
	tests := []struct {
		name    string
		deal    Deal
		wantErr error  // nil when counted
		text    string // the error's text
		check   func(c Counts) string
	}{{
		// 10:00:00.9 to 10:00:02.1 is 1.2 s: one whole second, with a
		// borrow from the seconds.
		name: "nanosecond borrow",
		deal: Deal{ID: "x", Outcome: Lost, Closed: t0.Add(1200 * time.Millisecond), Events: []Event{{0, t0}}},
		check: func(c Counts) string {
			return fmt.Sprint(c.LostCycle.Seconds(), c.StageTime[0].Seconds())
		},
	}, {
		// A span of exactly 100000 days is within the limit: day 100000.
		name: "span at the limit",
		deal: Deal{ID: "x", Outcome: Lost, Closed: t0.Add(limit), Events: []Event{{0, t0}}},
		check: func(c Counts) string {
			return fmt.Sprint(c.LostCycle.Bins())
		},
	}, {
		// Python: (datetime(2024,3,1,10,0,0,900000) + timedelta(days=100000)).date()
		// = 2297-12-15.
		name:    "span a nanosecond past the limit",
		deal:    Deal{ID: "x", Outcome: Lost, Closed: t0.Add(limit + 1), Events: []Event{{0, t0}}},
		wantErr: ErrOutOfRange,
		text:    `funnel: deal "x": value out of range: spans 2024-03-01 to 2297-12-15, over 100000 days`,
	}, {
		// The close and the last event are the same instant, the close in
		// UTC+14 (already the next day): the date is the close's, which
		// comes first. Python: (datetime(2024,3,1,10,0,0,900000) −
		// timedelta(days=100000, seconds=1)).date() = 1750-05-17.
		name: "equal instants in two zones",
		deal: Deal{ID: "x", Outcome: Lost, Created: t0.Add(-limit - time.Second),
			Closed: t0.In(time.FixedZone("LINT", 14*3600)), Events: []Event{{0, t0}}},
		wantErr: ErrOutOfRange,
		text:    `funnel: deal "x": value out of range: spans 1750-05-17 to 2024-03-02, over 100000 days`,
	}, {
		// Created before year 1 (an event there fails validation, being
		// before the zero time): 0000-12-30 to 0001-01-02 is 3 days.
		name: "before year 1",
		deal: Deal{ID: "x", Outcome: Lost, Created: time.Date(0, 12, 30, 0, 0, 0, 0, time.UTC),
			Closed: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), Events: []Event{{0, time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)}}},
		check: func(c Counts) string {
			return fmt.Sprint(c.LostCycle.Bins())
		},
	}, {
		// Monotonic readings: 3 hours from the event to the close.
		name: "monotonic times",
		deal: func() Deal {
			now := time.Now()
			return Deal{ID: "x", Outcome: Lost, Closed: now.Add(3 * time.Hour), Events: []Event{{0, now}}}
		}(),
		check: func(c Counts) string {
			return fmt.Sprint(c.LostCycle.Seconds())
		},
	}}
	want := map[string]string{
		"nanosecond borrow": "1 1",          // 1.2 s truncated, for the cycle and the stay at a
		"span at the limit": "[{100000 1}]", // 100000 days exactly
		"before year 1":     "[{3 1}]",      // 3 days
		"monotonic times":   "10800",        // 3 × 3600 s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := NewTally(f)
			err := ta.Add(tt.deal)
			if !errors.Is(err, tt.wantErr) || (err != nil && err.Error() != tt.text) {
				t.Fatalf("Add: err = %v, want %q wrapping %v", err, tt.text, tt.wantErr)
			}
			if err != nil {
				return
			}
			c := mustTotal(t, ta)
			if got := tt.check(c); got != want[tt.name] {
				t.Errorf("got %s, want %s", got, want[tt.name])
			}
		})
	}
}

// TestTallyAddGroupCache checks the group Add finds for a deal when the
// key repeats, alternates, or the tally took groups by Merge or by
// UnmarshalJSON, against the reference counted in one pass.
func TestTallyAddGroupCache(t *testing.T) {
	f := MustNew("s0", "s1", "s2", "s3")
	deals := randomDeals(rand.New(rand.NewPCG(11, 12)), f.Len(), 400)
	// Runs of one owner, then owners alternating.
	slices.SortStableFunc(deals[:200], func(a, b Deal) int { return strings.Compare(a.Owner, b.Owner) })
	for _, by := range [][]string{nil, {AttrOwner}, {AttrOwner, AttrSegment}} {
		t.Run(fmt.Sprintf("by %q", by), func(t *testing.T) {
			want, _ := refTally(f, by, deals)
			// Merge: the second part's groups come in by Merge, then
			// more deals are added.
			ta, other := NewTally(f, by...), NewTally(f, by...)
			for i, d := range deals {
				dst := ta
				if i >= 100 && i < 300 {
					dst = other
				}
				if i == 300 {
					if err := ta.Merge(other); err != nil {
						t.Fatal(err)
					}
				}
				if err := dst.Add(d); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(want, ta.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("after Merge (-reference +tally):\n%s", diff)
			}
			// UnmarshalJSON replaces a used tally whole; adding goes on.
			half, _ := refTally(f, by, deals[:200])
			enc, err := json.Marshal(mustTally(t, f, deals[:200], by...))
			if err != nil {
				t.Fatal(err)
			}
			u := mustTally(t, f, deals[200:], by...) // used: its last group is set
			if err := json.Unmarshal(enc, u); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(half, u.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("after UnmarshalJSON (-reference +tally):\n%s", diff)
			}
			for _, d := range deals[200:] {
				if err := u.Add(d); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(want, u.Groups(), decimalEqual, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("after UnmarshalJSON and Add (-reference +tally):\n%s", diff)
			}
		})
	}
}

// TestTallyAddAllocs checks that adding a deal to a group that exists
// allocates nothing, grouped or not.
func TestTallyAddAllocs(t *testing.T) {
	f := MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")
	deals := crmDeals(rand.New(rand.NewPCG(7, 8)), 512)
	for _, by := range [][]string{nil, {AttrOwner}, {AttrOwner, AttrSegment}} {
		ta := NewTally(f, by...)
		for _, d := range deals { // every group and histogram bin made
			if err := ta.Add(d); err != nil {
				t.Fatal(err)
			}
		}
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			if err := ta.Add(deals[i%len(deals)]); err != nil {
				t.Fatal(err)
			}
			i++
		})
		if allocs != 0 {
			t.Errorf("Add by %q: %v allocations per deal, want 0", by, allocs)
		}
		bare := make([]Deal, len(deals))
		for k, d := range deals {
			bare[k] = d
			bare[k].Amount = decimal.NullDecimal{}
		}
		allocs = testing.AllocsPerRun(1000, func() {
			if err := ta.AddCents(bare[i%len(bare)], 123456); err != nil {
				t.Fatal(err)
			}
			i++
		})
		if allocs != 0 {
			t.Errorf("AddCents by %q: %v allocations per deal, want 0", by, allocs)
		}
	}
}

// FuzzTallyAdd adds deals built from the fuzzer's seeds (see edgeDeals)
// and checks every error and every group against the reference tally,
// and that Add leaves the deals as they were.
func FuzzTallyAdd(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(6), uint8(1))
	f.Add(uint64(7), uint64(0), uint8(1), uint8(0))
	f.Add(uint64(99), uint64(3), uint8(70), uint8(2))
	f.Add(uint64(5), uint64(6), uint8(64), uint8(3))
	f.Fuzz(func(t *testing.T, s1, s2 uint64, stages, grouping uint8) {
		if stages == 0 || stages > 80 {
			return
		}
		names := make([]string, stages)
		for i := range names {
			names[i] = fmt.Sprintf("s%d", i)
		}
		fn := MustNew(names...)
		by := [][]string{nil, {AttrOwner}, {AttrOwner, AttrSegment}, {"region"}}[grouping%4]
		deals := edgeDeals(rand.New(rand.NewPCG(s1, s2)), fn, 40)
		before := slices.Clone(deals)
		for i := range before {
			before[i].Events = slices.Clone(deals[i].Events)
		}
		checkAgainstRef(t, fn, by, deals)
		if diff := cmp.Diff(before, deals, decimalEqual); diff != "" {
			t.Errorf("Add changed its input (-before +after):\n%s", diff)
		}
	})
}
