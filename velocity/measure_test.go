package velocity

import (
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

func date(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// leadWon is the funnel of the measuring tests: Lead > Won.
func leadWon() funnel.Funnel { return funnel.MustNew("Lead", "Won") }

// mkDeal builds a deal of the leadWon funnel: it enters Lead when
// created (an untimed event when the creation is unknown) and, when won,
// Won when it closes.
func mkDeal(id, owner, created, closed string, o funnel.Outcome, amount string) funnel.Deal {
	d := funnel.Deal{ID: id, Owner: owner, Segment: "smb", Created: date(created), Closed: date(closed), Outcome: o}
	if amount != "" {
		d.Amount = decimal.NewNullDecimal(mustDec(amount))
	}
	d.Events = []funnel.Event{{Stage: 0, At: date(created)}}
	if o == funnel.Won {
		d.Events = append(d.Events, funnel.Event{Stage: 1, At: date(closed)})
	}
	return d
}

// measureDeals is a hand-worked set over the window [2024-01-01,
// 2024-04-01), 91 days (January 31, leap February 29, March 31).
func measureDeals() []funnel.Deal {
	return []funnel.Deal{
		mkDeal("a1", "A", "2023-12-01", "2024-01-31", funnel.Won, "10000"), // cycle 61 days, open 30 days in the window
		mkDeal("a2", "A", "2024-01-10", "2024-02-19", funnel.Won, "20000"), // cycle 40, open 40
		mkDeal("a3", "A", "2024-01-20", "2024-03-01", funnel.Lost, "5000"), // cycle 41, open 41
		mkDeal("a4", "A", "2024-02-01", "", funnel.Open, "8000"),           // open 60 (Feb 1 to Apr 1)
		mkDeal("a5", "A", "2023-11-01", "2023-12-15", funnel.Lost, "1000"), // closed before the window
		mkDeal("a6", "A", "2024-03-15", "2024-04-10", funnel.Won, "7000"),  // closes after; open 17
		mkDeal("b1", "B", "2024-01-05", "2024-03-05", funnel.Won, "3000"),  // cycle 60, open 60
		mkDeal("b2", "B", "2024-02-01", "2024-02-11", funnel.Lost, ""),     // cycle 10, open 10, no amount
		mkDeal("b3", "B", "", "", funnel.Open, "900"),                      // no start: undated
		mkDeal("c1", "C", "2024-01-02", "2024-01-12", funnel.Lost, "500"),  // cycle 10, open 10
	}
}

var winFrom, winTo = date("2024-01-01"), date("2024-04-01")

func TestMeasureDefaults(t *testing.T) {
	deals := measureDeals()
	got, err := MeasureDeals(leadWon(), deals, winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	some := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(mustDec(s)) }
	want := Report{
		From: winFrom, To: winTo, WindowDays: 91,
		Options: Options{GroupBy: []string{funnel.AttrOwner}},
		// Open days in the window 30 + 40 + 41 + 60 + 17 + 60 + 10 + 10 =
		// 268 over 91 days: 268/91 open on an average day (the default
		// count), over the 8 deals open for some time in it (a1 a2 a3 a4
		// a6 b1 b2 c1). Created in it: a2 a3 a4 a6 b1 b2 c1 = 7; closed in
		// it: a1 a2 a3 b1 b2 c1 = 6, won a1 a2 b1 = 3, booking 10000 +
		// 20000 + 3000 = 33000. ASP 33000 / 3 = 11000. Mean won cycle (61 +
		// 40 + 60) / 3 = 161/3 days = 53d16h. V × 91 = 268/91 × 0.5 × 11000
		// × 91 / (161/3) = 4422000/161 = 27465.8385...
		Total: Measured{
			Opportunities: 268.0 / 91, OpportunityDeals: 8, Created: 7, CreatedPerDay: 7.0 / 91, AverageOpen: 268.0 / 91,
			WinCount: funnel.Rate{K: 3, N: 6}, WinRate: funnel.Some(0.5),
			WonValue: mustDec("33000"), LostValue: mustDec("5500"), ValueDeals: 5, NoAmount: 1,
			ASP: some("11000"), ASPDeals: 3,
			Cycle: 53*day + 16*time.Hour, CycleDeals: 3,
			Bookings: mustDec("33000"), SteadyBookings: some("27465.84"),
			Undated: 1,
		},
		Groups: []Measured{
			{
				// A: open a1 a2 a3 a4 a6 for 30 + 40 + 41 + 60 + 17 = 188 days;
				// created a2 a3 a4 a6; won 2 of 3 closed; ASP 30000 / 2; cycle
				// (61 + 40) / 2 = 50.5 days. V × 91 = 188 × 2/3 × 15000 / 50.5
				// = 37227.7227...
				Group:         []string{"A"},
				Opportunities: 188.0 / 91, OpportunityDeals: 5, Created: 4, CreatedPerDay: 4.0 / 91, AverageOpen: 188.0 / 91,
				WinCount: funnel.Rate{K: 2, N: 3}, WinRate: funnel.Some(2.0 / 3),
				WonValue: mustDec("30000"), LostValue: mustDec("5000"), ValueDeals: 3,
				ASP: some("15000"), ASPDeals: 2,
				Cycle: 50*day + 12*time.Hour, CycleDeals: 2,
				Bookings: mustDec("30000"), SteadyBookings: some("37227.72"),
			},
			{
				// B: b3 has no start; won 1 of 2; b2 has no amount. Open 60 +
				// 10 days. V × 91 = 70 × 0.5 × 3000 / 60 = 1750.
				Group:         []string{"B"},
				Opportunities: 70.0 / 91, OpportunityDeals: 2, Created: 2, CreatedPerDay: 2.0 / 91, AverageOpen: 70.0 / 91,
				WinCount: funnel.Rate{K: 1, N: 2}, WinRate: funnel.Some(0.5),
				WonValue: mustDec("3000"), LostValue: mustDec("0"), ValueDeals: 1, NoAmount: 1,
				ASP: some("3000"), ASPDeals: 1,
				Cycle: 60 * day, CycleDeals: 1,
				Bookings: mustDec("3000"), SteadyBookings: some("1750"),
				Undated: 1,
			},
			{
				// C: one lost deal; no won deal, so no ASP, no won cycle and
				// no steady bookings; nothing booked.
				Group:         []string{"C"},
				Opportunities: 10.0 / 91, OpportunityDeals: 1, Created: 1, CreatedPerDay: 1.0 / 91, AverageOpen: 10.0 / 91,
				WinCount: funnel.Rate{K: 0, N: 1}, WinRate: funnel.Some(0),
				WonValue: mustDec("0"), LostValue: mustDec("500"), ValueDeals: 1,
				Bookings: mustDec("0"),
			},
		},
	}
	if diff := cmp.Diff(want, got, decEq, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("Measure mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(measureDeals(), deals, decEq); diff != "" {
		t.Errorf("Measure modified its input:\n%s", diff)
	}
	// C's levers are undefined: an error, never a zero or NaN ASP.
	if _, err := got.Groups[2].Levers(); !errors.Is(err, ErrUndefined) {
		t.Errorf("C Levers error = %v, want ErrUndefined", err)
	}
	// A's levers: 188/91 × 2/3 × 15000 / 50.5 = 409.0958... per day.
	l, err := got.Groups[0].Levers()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := l.Velocity()
	if f := v.InexactFloat64(); f < 409.0958 || f > 409.0959 {
		t.Errorf("A velocity = %v, want 1880000/4595.5 = 409.0958", v)
	}
}

func TestMeasureOptions(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, m Measured) // on the total
	}{
		{"live", Options{Count: CountLive}, func(t *testing.T, m Measured) {
			if m.Opportunities != 8 || m.OpportunityDeals != 8 {
				t.Errorf("Opportunities = %v (%d deals), want 8 (a1 a2 a3 a4 a6 b1 b2 c1)", m.Opportunities, m.OpportunityDeals)
			}
		}},
		{"created", Options{Count: CountCreated}, func(t *testing.T, m Measured) {
			if m.Opportunities != 7 {
				t.Errorf("Opportunities = %v, want 7 (a2 a3 a4 a6 b1 b2 c1)", m.Opportunities)
			}
		}},
		{"closed", Options{Count: CountClosed}, func(t *testing.T, m Measured) {
			if m.Opportunities != 6 {
				t.Errorf("Opportunities = %v, want 6 (a1 a2 a3 b1 b2 c1)", m.Opportunities)
			}
		}},
		{"average open", Options{Count: CountAverageOpen}, func(t *testing.T, m Measured) {
			if d := m.Opportunities - 268.0/91; d > 1e-12 || d < -1e-12 || m.OpportunityDeals != 8 {
				t.Errorf("Opportunities = %v (%d deals), want 268/91 (8)", m.Opportunities, m.OpportunityDeals)
			}
		}},
		{"by value", Options{WinBasis: WinByValue}, func(t *testing.T, m Measured) {
			// 33000 won of 33000 + 5500 closed with an amount = 6/7.
			if d := m.WinRate.Float64 - 6.0/7; d > 1e-15 || d < -1e-15 || !m.WinRate.Valid {
				t.Errorf("WinRate = %v, want 6/7", m.WinRate)
			}
		}},
		{"median won", Options{CycleStat: CycleMedian}, func(t *testing.T, m Measured) {
			// Won cycles 40, 60, 61: median 60.
			if m.Cycle != 60*day {
				t.Errorf("Cycle = %v, want 60 days", m.Cycle)
			}
		}},
		{"mean closed", Options{CycleDeals: CycleClosed}, func(t *testing.T, m Measured) {
			// 61 + 40 + 41 + 60 + 10 + 10 = 222 over 6 = 37 days.
			if m.Cycle != 37*day || m.CycleDeals != 6 {
				t.Errorf("Cycle = %v over %d, want 37 days over 6", m.Cycle, m.CycleDeals)
			}
		}},
		{"median closed", Options{CycleStat: CycleMedian, CycleDeals: CycleClosed}, func(t *testing.T, m Measured) {
			// 10 10 40 41 60 61: (40 + 41) / 2 = 40.5 days.
			if m.Cycle != 40*day+12*time.Hour {
				t.Errorf("Cycle = %v, want 40.5 days", m.Cycle)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := MeasureDeals(leadWon(), measureDeals(), winFrom, winTo, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r.Total)
		})
	}
}

func TestMeasureGroupBy(t *testing.T) {
	deals := []funnel.Deal{
		mkDeal("1", "A", "2024-01-10", "2024-02-01", funnel.Won, "100"),
		mkDeal("2", "A", "2024-01-10", "2024-02-01", funnel.Won, "300"),
		mkDeal("3", "B", "2024-01-10", "2024-02-01", funnel.Lost, "100"),
	}
	deals[1].Segment = "ent"
	deals[2].Attrs = map[string]string{"region": "west"}
	r, err := MeasureDeals(leadWon(), deals, winFrom, winTo, Options{GroupBy: []string{funnel.AttrSegment, funnel.AttrOwner}})
	if err != nil {
		t.Fatal(err)
	}
	var keys [][]string
	for _, g := range r.Groups {
		keys = append(keys, g.Group)
	}
	// Sorted by segment, then owner.
	if diff := cmp.Diff([][]string{{"ent", "A"}, {"smb", "A"}, {"smb", "B"}}, keys); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	r, err = MeasureDeals(leadWon(), deals, winFrom, winTo, Options{GroupBy: []string{"region"}})
	if err != nil {
		t.Fatal(err)
	}
	// Deals without the attribute group under "".
	if len(r.Groups) != 2 || r.Groups[0].Group[0] != "" || r.Groups[1].Group[0] != "west" || r.Groups[0].WinCount != (funnel.Rate{K: 2, N: 2}) {
		t.Errorf("groups by region = %+v", r.Groups)
	}
}

func TestMeasureEmpty(t *testing.T) {
	r, err := MeasureDeals(leadWon(), nil, winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := r.Total
	if len(r.Groups) != 0 || m.WinRate.Valid || m.ASP.Valid || m.CycleDays().Valid || m.SteadyBookings.Valid || m.Opportunities != 0 || !m.Bookings.IsZero() {
		t.Errorf("empty report = %+v", r)
	}
	if _, err := m.Levers(); !errors.Is(err, ErrUndefined) {
		t.Errorf("empty Levers error = %v, want ErrUndefined", err)
	}
	if _, err := m.Little(); !errors.Is(err, ErrUndefined) {
		t.Errorf("empty Little error = %v, want ErrUndefined", err)
	}
}

func TestMeasureErrors(t *testing.T) {
	bad := func(f func(*funnel.Deal)) []funnel.Deal {
		d := mkDeal("x", "A", "2024-01-10", "2024-02-01", funnel.Won, "100")
		f(&d)
		return []funnel.Deal{d}
	}
	tests := []struct {
		name     string
		deals    []funnel.Deal
		from, to time.Time
		opts     Options
		err      error
	}{
		{"closed before start", bad(func(d *funnel.Deal) { d.Closed = date("2024-01-01") }), winFrom, winTo, Options{}, funnel.ErrEventOrder},
		{"negative amount", bad(func(d *funnel.Deal) { d.Amount = decimal.NewNullDecimal(mustDec("-1")) }), winFrom, winTo, Options{}, funnel.ErrNegativeAmount},
		{"bad outcome", bad(func(d *funnel.Deal) { d.Outcome = 9 }), winFrom, winTo, Options{}, funnel.ErrInvalidDeal},
		{"open with close", bad(func(d *funnel.Deal) { d.Outcome, d.Events = funnel.Open, d.Events[:1] }), winFrom, winTo, Options{}, funnel.ErrInvalidDeal},
		{"unknown stage", bad(func(d *funnel.Deal) { d.Events = append(d.Events, funnel.Event{Stage: 5}) }), winFrom, winTo, Options{}, funnel.ErrUnknownStage},
		{"cycle beyond durations", bad(func(d *funnel.Deal) { d.Created, d.Events[0].At = date("1700-01-01"), date("1700-01-01") }), winFrom, winTo, Options{}, funnel.ErrOutOfRange},
		{"empty window", nil, winFrom, winFrom, Options{}, funnel.ErrDateOrder},
		{"reversed window", nil, winTo, winFrom, Options{}, funnel.ErrDateOrder},
		{"window beyond durations", nil, date("1700-01-01"), winTo, Options{}, funnel.ErrOutOfRange},
		{"bad count", nil, winFrom, winTo, Options{Count: 9}, funnel.ErrOutOfRange},
		{"bad basis", nil, winFrom, winTo, Options{WinBasis: 9}, funnel.ErrOutOfRange},
		{"bad stat", nil, winFrom, winTo, Options{CycleStat: 9}, funnel.ErrOutOfRange},
		{"bad cycle deals", nil, winFrom, winTo, Options{CycleDeals: 9}, funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MeasureDeals(leadWon(), tc.deals, tc.from, tc.to, tc.opts)
			if !errors.Is(err, tc.err) {
				t.Errorf("Measure error = %v, want %v", err, tc.err)
			}
			var de *funnel.DealError
			if tc.deals != nil && (!errors.As(err, &de) || de.ID != "x" || de.Op != "velocity.Measure") {
				t.Errorf("Measure error = %#v, want a *funnel.DealError for x from velocity.Measure", err)
			}
		})
	}
}

func TestMeasuredLittle(t *testing.T) {
	// Total with CountAverageOpen and CycleClosed: L = 268/91, λ = 7/91 per
	// day, W = 37 days: implied 259/91, gap 9/91.
	r, err := MeasureDeals(leadWon(), measureDeals(), winFrom, winTo, Options{Count: CountAverageOpen, CycleDeals: CycleClosed})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Total.Little()
	if err != nil {
		t.Fatal(err)
	}
	want := LittleCheck{268.0 / 91, 7.0 / 91, 37, 259.0 / 91, 9.0 / 91, funnel.Some(100 * 9.0 / 259)}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
		t.Errorf("Little mismatch (-want +got):\n%s", diff)
	}
}

func TestMeasureGroupValuesWithNUL(t *testing.T) {
	// Two different groups whose values, joined with a separator byte,
	// would read the same: (segment "a\x00b", owner "c") and (segment "a",
	// owner "b\x00c"). They stay two groups, sorted by segment ("a" before
	// "a\x00b"), each with its own deal: lost 0 of 1 and won 1 of 1.
	deals := []funnel.Deal{
		mkDeal("1", "c", "2024-01-10", "2024-02-01", funnel.Won, "100"),
		mkDeal("2", "b\x00c", "2024-01-10", "2024-02-01", funnel.Lost, "100"),
	}
	deals[0].Segment = "a\x00b"
	deals[1].Segment = "a"
	r, err := MeasureDeals(leadWon(), deals, winFrom, winTo, Options{GroupBy: []string{funnel.AttrSegment, funnel.AttrOwner}})
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		Group []string
		Win   funnel.Rate
	}
	var got []g
	for _, m := range r.Groups {
		got = append(got, g{m.Group, m.WinCount})
	}
	want := []g{{[]string{"a", "b\x00c"}, funnel.Rate{K: 0, N: 1}}, {[]string{"a\x00b", "c"}, funnel.Rate{K: 1, N: 1}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
}

// TestMeasureWonWithoutClosed checks that a won deal without a Closed time
// closes when it entered the last stage (funnel.Deal.CloseTime), as in
// BuildForecast: it is closed in the window, counts in the win rate, the
// ASP and the cycle, and is not undated.
func TestMeasureWonWithoutClosed(t *testing.T) {
	jan := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	deals := []funnel.Deal{{
		ID: "w", Owner: "ann", Outcome: funnel.Won,
		Amount: decimal.NewNullDecimal(decimal.NewFromInt(100)),
		Events: []funnel.Event{{Stage: 0, At: jan(1)}, {Stage: 2, At: jan(11)}},
	}}
	rep, err := MeasureDeals(funnel.MustNew("Lead", "Demo", "Won"), deals, jan(1), jan(31), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Total
	// Won 1 of 1 closed; ASP 100 over 1 deal; cycle 1/1 → 1/11 = 10 days.
	got := []any{m.WinCount, m.ASP.Decimal.String(), m.ASPDeals, m.Cycle, m.CycleDeals, m.Undated}
	want := []any{funnel.Rate{K: 1, N: 1}, "100", int64(1), 10 * day, int64(1), int64(0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Measure of a won deal without Closed mismatch (-want +got):\n%s", diff)
	}
}

// failAfter yields the deals, then err: a reader's stream that hits a bad
// row after reading them.
func failAfter(err error, deals ...funnel.Deal) iter.Seq2[funnel.Deal, error] {
	return func(yield func(funnel.Deal, error) bool) {
		for _, d := range deals {
			if !yield(d, nil) {
				return
			}
		}
		yield(funnel.Deal{}, err)
	}
}

// TestMeasureValidates checks that Measure checks every deal with
// funnel.Deal.Validate, as BuildForecast does, and passes on a reader's
// error as it is: a bad deal or row never gives a valid-looking report.
func TestMeasureValidates(t *testing.T) {
	ok := mkDeal("ok", "A", "2024-01-10", "2024-02-01", funnel.Won, "100")
	blank := mkDeal(" ", "A", "2024-01-10", "", funnel.Open, "100")
	noEvents := mkDeal("w", "A", "2024-01-10", "2024-02-01", funnel.Won, "100")
	noEvents.Events = nil
	badRow := errors.New("crm: line 4: bad amount")
	tests := []struct {
		name  string
		deals iter.Seq2[funnel.Deal, error]
		text  string
		err   error
	}{
		{"blank id", funnel.Stream([]funnel.Deal{ok, blank}), `velocity.Measure: deal " ": invalid deal: blank id`, funnel.ErrInvalidDeal},
		{"won without events", funnel.Stream([]funnel.Deal{noEvents}), `velocity.Measure: deal "w": invalid deal: won deal with no stage events`, funnel.ErrInvalidDeal},
		// Two good deals read, then a row the reader could not read.
		{"stream error", failAfter(badRow, ok, ok), "crm: line 4: bad amount", badRow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Measure(leadWon(), tc.deals, winFrom, winTo, Options{})
			if err == nil || err.Error() != tc.text || !errors.Is(err, tc.err) {
				t.Fatalf("Measure error = %v, want %q wrapping %v", err, tc.text, tc.err)
			}
			if diff := cmp.Diff(Report{}, r, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Measure returned a report with its error (-want +got):\n%s", diff)
			}
			if tc.err == badRow && err != badRow {
				t.Errorf("Measure error = %#v, want the stream's error as it is", err)
			}
		})
	}
	// BuildForecast too passes the stream's error on as it is.
	p := QuotaPeriod{Start: winFrom, End: winTo, AsOf: date("2024-03-01")}
	if in, err := BuildForecast(leadWon(), failAfter(badRow, ok, ok), p, nil, BuildOptions{}); err != badRow || in.Reps != nil {
		t.Errorf("BuildForecast = %+v, %v; want nothing and the stream's error", in, err)
	}
}

// TestMeasureSteadyBookings checks the opportunity convention on a steady
// pipeline worked by hand: one deal created a day from 2023-12-22 (day
// −10) to 2024-01-30 (day 29), each closed 10 days later, those created on
// even days won, every amount 1000, over the window [2024-01-01,
// 2024-01-31) of T = 30 days.
//
// Closed in the window: the deals created on days −10 to 19 (closing on
// days 0 to 29), 30 of them, 15 won: the bookings are 15 × 1000 = 15000.
// On every day 10 deals are open (those created in the last 10 days), so
// the average open is 10 (L = λ × C = 1 × 10); the won cycle is 10 days.
// V × T = 10 × 0.5 × 1000 / 10 × 30 = 15000: the bookings. Live at some
// time in the window are the 40 deals created on days −10 to 29 (λ × (C +
// T)): V × T = 40 × 0.5 × 1000 / 10 × 30 = 60000, 1 + T/C = 4 times the
// bookings.
func TestMeasureSteadyBookings(t *testing.T) {
	var deals []funnel.Deal
	for i := -10; i < 30; i++ {
		o := funnel.Lost
		if i%2 == 0 {
			o = funnel.Won
		}
		c := winFrom.AddDate(0, 0, i)
		deals = append(deals, mkDeal(fmt.Sprint(i), "A", c.Format(time.DateOnly), c.AddDate(0, 0, 10).Format(time.DateOnly), o, "1000"))
	}
	to := winFrom.AddDate(0, 0, 30)
	type got struct {
		Opportunities         float64
		Bookings, SteadyBooks decimal.Decimal
		Ratio                 float64
	}
	tests := []struct {
		count Counting
		want  got
	}{
		{CountAverageOpen, got{10, mustDec("15000"), mustDec("15000"), 1}},
		{CountLive, got{40, mustDec("15000"), mustDec("60000"), 1 + 30.0/10}},
	}
	for _, tc := range tests {
		r, err := MeasureDeals(leadWon(), deals, winFrom, to, Options{Count: tc.count})
		if err != nil {
			t.Fatal(err)
		}
		m := r.Total
		g := got{m.Opportunities, m.Bookings, m.SteadyBookings.Decimal,
			m.SteadyBookings.Decimal.InexactFloat64() / m.Bookings.InexactFloat64()}
		if diff := cmp.Diff(tc.want, g, decEq, cmpopts.EquateApprox(1e-12, 0)); diff != "" || !m.SteadyBookings.Valid || r.WindowDays != 30 {
			t.Errorf("Measure(%v) mismatch (-want +got):\n%s", tc.count, diff)
		}
	}
}
