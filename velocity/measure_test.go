package velocity

import (
	"errors"
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

func mkDeal(id, owner, created, closed string, o funnel.Outcome, amount string) funnel.Deal {
	d := funnel.Deal{ID: id, Owner: owner, Segment: "smb", Created: date(created), Closed: date(closed), Outcome: o}
	if amount != "" {
		d.Amount = decimal.NewNullDecimal(dec(amount))
	}
	if created == "" {
		d.Events = []funnel.Event{{Stage: 0}}
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
	got, err := MeasureDeals(deals, winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		From: winFrom, To: winTo,
		Options: Options{GroupBy: []string{funnel.AttrOwner}},
		// Live in the window: a1 a2 a3 a4 a6 b1 b2 c1 = 8; created in it:
		// a2 a3 a4 a6 b1 b2 c1 = 7; closed in it: a1 a2 a3 b1 b2 c1 = 6, won
		// a1 a2 b1 = 3. ASP 33000 / 3 = 11000. Mean won cycle (61 + 40 + 60)
		// / 3 = 53 2/3 days = 53d16h. Open days in the window 30 + 40 + 41 +
		// 60 + 17 + 60 + 10 + 10 = 268, over 91 days.
		Total: Measured{
			Opportunities: 8, OpportunityDeals: 8, Created: 7, CreatedPerDay: 7.0 / 91, AverageOpen: 268.0 / 91,
			WinCount: funnel.Rate{K: 3, N: 6}, WinRate: 0.5, WinRateDefined: true,
			WonValue: dec("33000"), LostValue: dec("5500"), ValueDeals: 5, NoAmount: 1,
			ASP: dec("11000"), ASPDeals: 3, ASPDefined: true,
			Cycle: 53*day + 16*time.Hour, CycleDeals: 3, CycleDefined: true,
			Undated: 1,
		},
		Groups: []Measured{
			{
				// A: live a1 a2 a3 a4 a6; created a2 a3 a4 a6; won 2 of 3 closed;
				// ASP 30000 / 2; cycle (61 + 40) / 2 = 50.5 days; open days 188.
				Group:         []string{"A"},
				Opportunities: 5, OpportunityDeals: 5, Created: 4, CreatedPerDay: 4.0 / 91, AverageOpen: 188.0 / 91,
				WinCount: funnel.Rate{K: 2, N: 3}, WinRate: 2.0 / 3, WinRateDefined: true,
				WonValue: dec("30000"), LostValue: dec("5000"), ValueDeals: 3,
				ASP: dec("15000"), ASPDeals: 2, ASPDefined: true,
				Cycle: 50*day + 12*time.Hour, CycleDeals: 2, CycleDefined: true,
			},
			{
				// B: b3 has no start; won 1 of 2; b2 has no amount.
				Group:         []string{"B"},
				Opportunities: 2, OpportunityDeals: 2, Created: 2, CreatedPerDay: 2.0 / 91, AverageOpen: 70.0 / 91,
				WinCount: funnel.Rate{K: 1, N: 2}, WinRate: 0.5, WinRateDefined: true,
				WonValue: dec("3000"), LostValue: dec("0"), ValueDeals: 1, NoAmount: 1,
				ASP: dec("3000"), ASPDeals: 1, ASPDefined: true,
				Cycle: 60 * day, CycleDeals: 1, CycleDefined: true,
				Undated: 1,
			},
			{
				// C: one lost deal; no won deal, so no ASP and no won cycle.
				Group:         []string{"C"},
				Opportunities: 1, OpportunityDeals: 1, Created: 1, CreatedPerDay: 1.0 / 91, AverageOpen: 10.0 / 91,
				WinCount: funnel.Rate{K: 0, N: 1}, WinRate: 0, WinRateDefined: true,
				WonValue: dec("0"), LostValue: dec("500"), ValueDeals: 1,
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
	// A's levers: 5 × 2/3 × 15000 / 50.5 = 990.099... per day.
	l, err := got.Groups[0].Levers()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := l.Velocity()
	if f := v.InexactFloat64(); f < 990.0990 || f > 990.0991 {
		t.Errorf("A velocity = %v, want 50000/50.5 = 990.099", v)
	}
}

func TestMeasureOptions(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, m Measured) // on the total
	}{
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
			if d := m.WinRate - 6.0/7; d > 1e-15 || d < -1e-15 || !m.WinRateDefined {
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
			r, err := MeasureDeals(measureDeals(), winFrom, winTo, tc.opts)
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
	r, err := MeasureDeals(deals, winFrom, winTo, Options{GroupBy: []string{funnel.AttrSegment, funnel.AttrOwner}})
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
	r, err = MeasureDeals(deals, winFrom, winTo, Options{GroupBy: []string{"region"}})
	if err != nil {
		t.Fatal(err)
	}
	// Deals without the attribute group under "".
	if len(r.Groups) != 2 || r.Groups[0].Group[0] != "" || r.Groups[1].Group[0] != "west" || r.Groups[0].WinCount != (funnel.Rate{K: 2, N: 2}) {
		t.Errorf("groups by region = %+v", r.Groups)
	}
}

func TestMeasureEmpty(t *testing.T) {
	r, err := MeasureDeals(nil, winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := r.Total
	if len(r.Groups) != 0 || m.WinRateDefined || m.ASPDefined || m.CycleDefined || m.Opportunities != 0 {
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
		{"closed before start", bad(func(d *funnel.Deal) { d.Closed = date("2024-01-01") }), winFrom, winTo, Options{}, ErrInvalidDeal},
		{"negative amount", bad(func(d *funnel.Deal) { d.Amount = decimal.NewNullDecimal(dec("-1")) }), winFrom, winTo, Options{}, ErrInvalidDeal},
		{"bad outcome", bad(func(d *funnel.Deal) { d.Outcome = 9 }), winFrom, winTo, Options{}, ErrInvalidDeal},
		{"open with close", bad(func(d *funnel.Deal) { d.Outcome = funnel.Open }), winFrom, winTo, Options{}, ErrInvalidDeal},
		{"empty window", nil, winFrom, winFrom, Options{}, ErrOutOfRange},
		{"reversed window", nil, winTo, winFrom, Options{}, ErrOutOfRange},
		{"bad count", nil, winFrom, winTo, Options{Count: 9}, ErrOutOfRange},
		{"bad basis", nil, winFrom, winTo, Options{WinBasis: 9}, ErrOutOfRange},
		{"bad stat", nil, winFrom, winTo, Options{CycleStat: 9}, ErrOutOfRange},
		{"bad cycle deals", nil, winFrom, winTo, Options{CycleDeals: 9}, ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MeasureDeals(tc.deals, tc.from, tc.to, tc.opts)
			if !errors.Is(err, tc.err) {
				t.Errorf("Measure error = %v, want %v", err, tc.err)
			}
			var de *DealError
			if tc.err == ErrInvalidDeal && (!errors.As(err, &de) || de.ID != "x") {
				t.Errorf("Measure error = %#v, want a *DealError for x", err)
			}
		})
	}
}

func TestMeasuredLittle(t *testing.T) {
	// Total with CountAverageOpen and CycleClosed: L = 268/91, λ = 7/91 per
	// day, W = 37 days: implied 259/91, gap 9/91.
	r, err := MeasureDeals(measureDeals(), winFrom, winTo, Options{Count: CountAverageOpen, CycleDeals: CycleClosed})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Total.Little()
	if err != nil {
		t.Fatal(err)
	}
	want := LittleCheck{268.0 / 91, 7.0 / 91, 37, 259.0 / 91, 9.0 / 91, 100 * 9.0 / 259, true}
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
	r, err := MeasureDeals(deals, winFrom, winTo, Options{GroupBy: []string{funnel.AttrSegment, funnel.AttrOwner}})
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
	rep, err := MeasureDeals(deals, jan(1), jan(31), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Total
	// Won 1 of 1 closed; ASP 100 over 1 deal; cycle 1/1 → 1/11 = 10 days.
	got := []any{m.WinCount, m.ASP.String(), m.ASPDeals, m.Cycle, m.CycleDeals, m.Undated}
	want := []any{funnel.Rate{K: 1, N: 1}, "100", int64(1), 10 * day, int64(1), int64(0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Measure of a won deal without Closed mismatch (-want +got):\n%s", diff)
	}
}
