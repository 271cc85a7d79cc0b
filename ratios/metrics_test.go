package ratios_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// metricOpts compare metrics: floats to 1e-12, decimals by value.
var metricOpts = cmp.Options{
	cmpopts.EquateApprox(0, 1e-12),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
}

// must returns a metric built by hand, failing the test on an error.
func must(t testing.TB) func(ratios.Metric, error) ratios.Metric {
	return func(m ratios.Metric, err error) ratios.Metric {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
}

func TestMetricConstructors(t *testing.T) {
	dec := decimal.RequireFromString
	for _, tc := range []struct {
		name     string
		got      func() (ratios.Metric, error)
		status   ratios.MetricStatus
		value    funnel.NullFloat64
		moneyPer decimal.NullDecimal
	}{
		// 12 of 40 lost deals had three or more meetings: 12/40 = 0.3.
		{"share", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.HappyEars, 12, 40) }, ratios.Measured, funnel.Some(0.3), decimal.NullDecimal{}},
		// 180 touches on 20 won deals: 180/20 = 9, a count per unit above 1.
		{"per unit", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.TouchesPerWon, 180, 20) }, ratios.Measured, funnel.Some(9), decimal.NullDecimal{}},
		// 5 touches and no won deal: undefined, not 0 and not +Inf.
		{"per unit over zero", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.TouchesPerWon, 5, 0) }, ratios.ZeroDenominator, funnel.NullFloat64{}, decimal.NullDecimal{}},
		{"share 0 of 0", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.WinRate, 0, 0) }, ratios.ZeroDenominator, funnel.NullFloat64{}, decimal.NullDecimal{}},
		// 600 days over 10 won deals: a mean cycle of 60 days.
		{"days", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.CycleDays, 600, 10) }, ratios.Measured, funnel.Some(60), decimal.NullDecimal{}},
		{"days over none", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.DaysToFirstTouch, 0, 0) }, ratios.ZeroDenominator, funnel.NullFloat64{}, decimal.NullDecimal{}},
		// 100 over 3 deals: 33.333…, 33.33 to the cent (half to even).
		{"money", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.DealSize, dec("100"), 3) }, ratios.Measured, funnel.Some(100.0 / 3), decimal.NullDecimal{Decimal: dec("33.33"), Valid: true}},
		// 0.125 over 1: 0.125 rounds half to even to 0.12.
		{"money to even", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.BookingsPerMeeting, dec("0.125"), 1) }, ratios.Measured, funnel.Some(0.125), decimal.NullDecimal{Decimal: dec("0.12"), Valid: true}},
		{"money over none", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.BookingsPerMeeting, decimal.Zero, 0) }, ratios.ZeroDenominator, funnel.NullFloat64{}, decimal.NullDecimal{}},
		// 5000 booked on deals without a meeting on record: undefined.
		{"money over no meeting", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.BookingsPerMeeting, dec("5000"), 0) }, ratios.ZeroDenominator, funnel.NullFloat64{}, decimal.NullDecimal{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.got()
			if err != nil {
				t.Fatal(err)
			}
			got := struct {
				S ratios.MetricStatus
				V funnel.NullFloat64
				M decimal.NullDecimal
			}{m.Status, m.Value, m.MoneyPer}
			want := struct {
				S ratios.MetricStatus
				V funnel.NullFloat64
				M decimal.NullDecimal
			}{tc.status, tc.value, tc.moneyPer}
			if diff := cmp.Diff(want, got, metricOpts); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestMetricBadInput(t *testing.T) {
	dec := decimal.RequireFromString
	for _, tc := range []struct {
		name  string
		got   func() (ratios.Metric, error)
		want  error
		place string
	}{
		{"share above its whole", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.HappyEars, 5, 4) }, funnel.ErrKExceedsN, "num"},
		{"share of nothing", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.WinRate, 5, 0) }, funnel.ErrKExceedsN, "num"},
		{"negative num", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.TouchesPerWon, -1, 3) }, funnel.ErrNegativeCount, "num"},
		{"negative den", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.TouchesPerWon, 1, -3) }, funnel.ErrNegativeCount, "den"},
		{"count of a days metric", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.CycleDays, 1, 2) }, funnel.ErrOutOfRange, "name"},
		{"name out of range", func() (ratios.Metric, error) { return ratios.CountMetric(ratios.MetricName(99), 1, 2) }, funnel.ErrOutOfRange, "name"},
		{"days NaN", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.CycleDays, math.NaN(), 2) }, funnel.ErrNotFinite, "days"},
		{"days negative", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.CycleDays, -1, 2) }, funnel.ErrNegative, "days"},
		{"days over none", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.CycleDays, 5, 0) }, funnel.ErrOutOfRange, "days"},
		{"days of a share", func() (ratios.Metric, error) { return ratios.DaysMetric(ratios.WinRate, 5, 1) }, funnel.ErrOutOfRange, "name"},
		{"money negative", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.DealSize, dec("-5"), 1) }, funnel.ErrNegativeAmount, "money"},
		{"money too fine", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.DealSize, dec("1e-30"), 1) }, funnel.ErrOutOfRange, "money"},
		{"money of a count", func() (ratios.Metric, error) { return ratios.MoneyMetric(ratios.TouchesPerWon, dec("5"), 1) }, funnel.ErrOutOfRange, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.got()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Name != tc.place || !strings.HasPrefix(ie.Op, "ratios.") {
				t.Errorf("error %#v: want a *funnel.InputError of ratios naming %q", err, tc.place)
			}
		})
	}
}

func TestNewRepMetrics(t *testing.T) {
	m := must(t)
	r, err := ratios.NewRepMetrics("ann", m(ratios.CountMetric(ratios.WinRate, 3, 10)), m(ratios.DaysMetric(ratios.CycleDays, 30, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range r.Metrics {
		name := ratios.MetricName(i)
		want := ratios.Metric{Name: name} // missing: no data, never zero
		switch name {
		case ratios.WinRate:
			want = ratios.Metric{Name: name, Status: ratios.Measured, Num: 3, Den: 10, Value: funnel.Some(0.3)} // 3/10
		case ratios.CycleDays:
			want = ratios.Metric{Name: name, Status: ratios.Measured, Days: funnel.Some(30), Den: 3, Value: funnel.Some(10)} // 30/3
		}
		if diff := cmp.Diff(want, got, metricOpts); diff != "" {
			t.Errorf("NewRepMetrics %s mismatch (-want +got):\n%s", name, diff)
		}
	}
	// A caller's Value is never read: the parts decide.
	lie := m(ratios.CountMetric(ratios.WinRate, 1, 4))
	lie.Value = funnel.Some(0.9)
	r, err = ratios.NewRepMetrics("bob", lie)
	if err != nil || r.Metrics[ratios.WinRate].Value != funnel.Some(0.25) {
		t.Errorf("NewRepMetrics(value 0.9 over 1 of 4) = %v, %v: want 0.25", r.Metrics[ratios.WinRate].Value, err)
	}
	_, err = ratios.NewRepMetrics("bob", m(ratios.CountMetric(ratios.WinRate, 1, 4)), m(ratios.CountMetric(ratios.WinRate, 2, 4)))
	if !errors.Is(err, funnel.ErrIncompatible) || !strings.Contains(err.Error(), "metrics[1].name") {
		t.Errorf("NewRepMetrics(win rate twice): %v, want ErrIncompatible naming metrics[1].name", err)
	}
	_, err = ratios.NewRepMetrics("bob", ratios.Metric{Name: ratios.DealSize, Status: ratios.Measured, Den: 2})
	if !errors.Is(err, funnel.ErrNoData) || !strings.Contains(err.Error(), "metrics[0].money") {
		t.Errorf("NewRepMetrics(deal size without money): %v, want ErrNoData naming metrics[0].money", err)
	}
	_, err = ratios.NewRepMetrics("bob", ratios.Metric{Name: ratios.WinRate, Status: 7})
	if !errors.Is(err, funnel.ErrOutOfRange) || !strings.Contains(err.Error(), "metrics[0].status") {
		t.Errorf("NewRepMetrics(status 7): %v, want ErrOutOfRange naming metrics[0].status", err)
	}
}

// metricsFunnel is the funnel of the Measure tests.
var metricsFunnel = funnel.MustNew("lead", "qualified", "opportunity", "won")

// metricsDeals are seven deals of ann and bob and one without an owner,
// with their touches. Every deal is created and assigned on day 0.
//
//	id  owner source   furthest     outcome  touches (day kind contact@account)
//	A1  ann   inbound  won (d10)    won 1000 d1 call c1@acme, d2 meeting c1, d5 meeting c2, d6 email c2
//	A2  ann   inbound  opportunity  lost     d1, d2, d3 meetings c3@beta
//	A3  ann   outbound qualified    lost     d2 call c4@gamma
//	A4  ann   inbound  lead         open     none (account delta)
//	B1  bob   outbound won (d20)    won 3000 d3 email c5@eps, d4 meeting c5
//	B2  bob   inbound  qualified    open     d1 call c6@zeta
//	B3  bob   outbound lead         lost     none (account eta)
//	X1  ""    inbound  lead         lost     none
func metricsDeals() []funnel.Deal {
	d0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return d0.AddDate(0, 0, n) }
	type act struct {
		day              int
		kind, contact, a string
	}
	deal := func(id, owner, source, account string, stages []int, out funnel.Outcome, closed int, amount string, acts ...act) funnel.Deal {
		d := funnel.Deal{ID: id, Owner: owner, Source: source, Account: account, Created: d0, Assigned: d0, Outcome: out}
		for k, at := range stages {
			d.Events = append(d.Events, funnel.Event{Stage: k, At: day(at)})
		}
		if out != funnel.Open {
			d.Closed = day(closed)
		}
		if amount != "" {
			d.Amount = decimal.NullDecimal{Decimal: decimal.RequireFromString(amount), Valid: true}
		}
		for _, a := range acts {
			d.Activities = append(d.Activities, funnel.Activity{Kind: a.kind, At: day(a.day), Contact: a.contact, Account: a.a})
		}
		return d
	}
	return []funnel.Deal{
		deal("A1", "ann", "inbound", "acme", []int{0, 1, 3, 10}, funnel.Won, 10, "1000",
			act{1, "call", "c1", ""}, act{2, "meeting", "c1", ""}, act{5, "meeting", "c2", ""}, act{6, "email", "c2", ""}),
		deal("A2", "ann", "inbound", "beta", []int{0, 1, 2}, funnel.Lost, 8, "",
			act{1, "meeting", "c3", ""}, act{2, "meeting", "c3", ""}, act{3, "meeting", "c3", ""}),
		deal("A3", "ann", "outbound", "gamma", []int{0, 1}, funnel.Lost, 4, "", act{2, "call", "c4", ""}),
		deal("A4", "ann", "inbound", "delta", []int{0}, funnel.Open, 0, ""),
		deal("B1", "bob", "outbound", "eps", []int{0, 2, 5, 20}, funnel.Won, 20, "3000", act{3, "email", "c5", ""}, act{4, "meeting", "c5", ""}),
		deal("B2", "bob", "inbound", "zeta", []int{0, 1}, funnel.Open, 0, "", act{1, "call", "c6", ""}),
		deal("B3", "bob", "outbound", "eta", []int{0}, funnel.Lost, 2, ""),
		deal("X1", "", "inbound", "", []int{0}, funnel.Lost, 1, ""),
	}
}

// measured returns the aggregates of metricsDeals: a tally grouped by
// owner and source, and the activity report.
func measured(t testing.TB, by ...string) ([]funnel.Counts, pipeline.ActivityReport) {
	t.Helper()
	deals := metricsDeals()
	tl := funnel.NewTally(metricsFunnel, by...)
	if err := tl.AddAll(funnel.Stream(deals)); err != nil {
		t.Fatal(err)
	}
	act, err := pipeline.Activity(metricsFunnel, deals)
	if err != nil {
		t.Fatal(err)
	}
	return tl.Groups(), act
}

func TestMeasure(t *testing.T) {
	m := must(t)
	c := func(n ratios.MetricName, num, den int64) ratios.Metric { return m(ratios.CountMetric(n, num, den)) }
	d := func(n ratios.MetricName, days float64, den int64) ratios.Metric {
		return m(ratios.DaysMetric(n, days, den))
	}
	money := func(n ratios.MetricName, s string, den int64) ratios.Metric {
		return m(ratios.MoneyMetric(n, decimal.RequireFromString(s), den))
	}
	rm := func(rep string, ms ...ratios.Metric) ratios.RepMetrics {
		r, err := ratios.NewRepMetrics(rep, ms...)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Worked from the table of metricsDeals.
	ann := rm("ann",
		d(ratios.DaysToFirstTouch, 4, 3),            // A1 1 day, A2 1, A3 2; A4 untouched
		c(ratios.UntouchedOpen, 1, 1),               // A4
		c(ratios.TouchesPerWon, 4, 1),               // A1's 4
		c(ratios.TouchesPerLost, 4, 2),              // A2's 3 + A3's 1
		c(ratios.ContactsPerAccount, 4, 4),          // c1, c2 @acme, c3 @beta, c4 @gamma; acme, beta, gamma, delta
		c(ratios.TouchesPerInitialMeeting, 8, 2),    // 4 + 3 + 1 + 0 touches; A1 and A2 had a meeting
		c(ratios.InboundQualified, 2, 2),            // inbound A1, A2, A4 led; A4 still open at lead; A1, A2 qualified
		c(ratios.LeadFlowShare, 2, 2),               // opportunities A1, A2, both inbound
		c(ratios.QualifiedToOpportunity, 2, 3),      // A1, A2, A3 qualified and resolved; A1, A2 went on
		c(ratios.FollowUpsPerInitial, 3, 2),         // A1 1 follow-up, A2 2
		c(ratios.HappyEars, 1, 2),                   // A2 lost after 3 meetings; A3 after none
		c(ratios.WinRate, 1, 3),                     // A1 won; A2, A3 lost
		money(ratios.DealSize, "1000", 1),           // A1
		d(ratios.CycleDays, 10, 1),                  // A1, day 0 to day 10
		money(ratios.BookingsPerMeeting, "1000", 5), // A1's 1000 over 2 + 3 meetings
	)
	bob := rm("bob",
		d(ratios.DaysToFirstTouch, 4, 2),            // B1 3 days, B2 1
		c(ratios.UntouchedOpen, 0, 1),               // B2 was touched
		c(ratios.TouchesPerWon, 2, 1),               // B1
		c(ratios.TouchesPerLost, 0, 1),              // B3
		c(ratios.ContactsPerAccount, 2, 3),          // c5 @eps, c6 @zeta; eps, zeta, eta
		c(ratios.TouchesPerInitialMeeting, 3, 1),    // 2 + 1 + 0; B1 had a meeting
		c(ratios.InboundQualified, 1, 1),            // B2
		c(ratios.LeadFlowShare, 0, 1),               // B1 is outbound
		c(ratios.QualifiedToOpportunity, 1, 1),      // B1, B2 qualified; B2 still open there
		c(ratios.FollowUpsPerInitial, 0, 1),         // B1's one meeting
		c(ratios.HappyEars, 0, 1),                   // B3
		c(ratios.WinRate, 1, 2),                     // B1 won, B3 lost
		money(ratios.DealSize, "3000", 1),           // B1
		d(ratios.CycleDays, 20, 1),                  // B1
		money(ratios.BookingsPerMeeting, "3000", 1), // B1's one meeting
	)
	team := rm("",
		d(ratios.DaysToFirstTouch, 8, 5),            // ann's 4 over 3 and bob's 4 over 2
		c(ratios.UntouchedOpen, 1, 2),               // A4 of A4, B2
		c(ratios.TouchesPerWon, 6, 2),               // 4 + 2
		c(ratios.TouchesPerLost, 4, 4),              // A2 3, A3 1, B3 0, X1 0
		c(ratios.ContactsPerAccount, 6, 7),          // 6 pairs; 7 accounts (X1 has none)
		c(ratios.TouchesPerInitialMeeting, 11, 3),   // 8 + 3
		c(ratios.InboundQualified, 3, 4),            // A1, A2, A4, B2, X1; A4 open; A1, A2, B2 qualified
		c(ratios.LeadFlowShare, 2, 3),               // A1, A2 of A1, A2, B1
		c(ratios.QualifiedToOpportunity, 3, 4),      // A1, A2, A3, B1 (B2 open); A1, A2, B1
		c(ratios.FollowUpsPerInitial, 3, 3),         // 3 + 0 over A1, A2, B1
		c(ratios.HappyEars, 1, 4),                   // A2 of A2, A3, B3, X1
		c(ratios.WinRate, 2, 6),                     // A1, B1 of 6 closed
		money(ratios.DealSize, "4000", 2),           // 1000 + 3000
		d(ratios.CycleDays, 30, 2),                  // 10 + 20
		money(ratios.BookingsPerMeeting, "4000", 6), // 2 + 3 + 1 meetings: 666.67
	)
	opts := &ratios.MetricsOptions{Qualified: "qualified", Opportunity: "opportunity", InboundSource: "inbound"}
	counts, act := measured(t, "owner", "source")
	got, err := ratios.Measure(metricsFunnel, counts, act, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := ratios.MetricsReport{Team: team, Reps: []ratios.RepMetrics{ann, bob}}
	if diff := cmp.Diff(want, got, metricOpts); diff != "" {
		t.Errorf("Measure mismatch (-want +got):\n%s", diff)
	}
	if v := got.Team.Metrics[ratios.BookingsPerMeeting].MoneyPer; !v.Valid || v.Decimal.String() != "666.67" {
		t.Errorf("team bookings per meeting %v, want 4000/6 = 666.67", v)
	}

	// What each missing input leaves missing, never zero.
	missing := func(r ratios.MetricsReport, names ...ratios.MetricName) []ratios.MetricName {
		var out []ratios.MetricName
		for _, rep := range append([]ratios.RepMetrics{r.Team}, r.Reps...) {
			for _, n := range names {
				if mm := rep.Metrics[n]; mm.Status != ratios.NoData || mm.Value.Valid {
					out = append(out, n)
				}
			}
		}
		return out
	}
	countsOnly := []ratios.MetricName{ratios.WinRate, ratios.DealSize, ratios.CycleDays, ratios.QualifiedToOpportunity, ratios.InboundQualified, ratios.LeadFlowShare, ratios.BookingsPerMeeting}
	activityOnly := []ratios.MetricName{ratios.DaysToFirstTouch, ratios.UntouchedOpen, ratios.TouchesPerWon, ratios.TouchesPerLost, ratios.ContactsPerAccount,
		ratios.TouchesPerInitialMeeting, ratios.FollowUpsPerInitial, ratios.HappyEars, ratios.BookingsPerMeeting}
	byOwner, _ := measured(t, "owner")
	for _, tc := range []struct {
		name    string
		counts  []funnel.Counts
		act     pipeline.ActivityReport
		opts    *ratios.MetricsOptions
		missing []ratios.MetricName
	}{
		{"no counts", nil, act, opts, countsOnly},
		{"no activity", counts, pipeline.ActivityReport{}, opts, activityOnly},
		{"no options", counts, act, nil, []ratios.MetricName{ratios.QualifiedToOpportunity, ratios.InboundQualified, ratios.LeadFlowShare}},
		{"no source", byOwner, act, opts, []ratios.MetricName{ratios.InboundQualified, ratios.LeadFlowShare}},
		{"no deals listed", counts, pipeline.ActivityReport{Team: act.Team, Owners: act.Owners}, opts, []ratios.MetricName{ratios.UntouchedOpen, ratios.HappyEars}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ratios.Measure(metricsFunnel, tc.counts, tc.act, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if bad := missing(r, tc.missing...); len(bad) > 0 {
				t.Errorf("Measure: %v not missing", bad)
			}
			// The others are as with every input.
			for i, rep := range r.Reps {
				for n, mm := range rep.Metrics {
					if mm.Status != ratios.NoData && !cmp.Equal(mm, want.Reps[i].Metrics[n], metricOpts) {
						t.Errorf("%s %s = %+v, want %+v", rep.Rep, ratios.MetricName(n), mm, want.Reps[i].Metrics[n])
					}
				}
			}
		})
	}

	// Happy ears at N = 4: A2's 3 meetings no longer count.
	r, err := ratios.Measure(metricsFunnel, counts, act, &ratios.MetricsOptions{HappyEarsMeetings: 4})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c(ratios.HappyEars, 0, 2), r.Reps[0].Metrics[ratios.HappyEars], metricOpts); diff != "" {
		t.Errorf("Measure(N = 4) ann happy ears mismatch (-want +got):\n%s", diff)
	}
}

func TestMeasureBadInput(t *testing.T) {
	counts, act := measured(t, "owner", "source")
	opts := &ratios.MetricsOptions{Qualified: "qualified", Opportunity: "opportunity", InboundSource: "inbound"}
	clone := func() []funnel.Counts {
		out := make([]funnel.Counts, len(counts))
		for i, c := range counts {
			out[i] = c.Clone()
		}
		return out
	}
	actWith := func(edit func(*pipeline.ActivityReport)) pipeline.ActivityReport {
		a := act
		a.Deals = append([]pipeline.DealActivity(nil), act.Deals...)
		a.Owners = append([]pipeline.OwnerActivity(nil), act.Owners...)
		edit(&a)
		return a
	}
	for _, tc := range []struct {
		name   string
		f      funnel.Funnel
		counts []funnel.Counts
		act    pipeline.ActivityReport
		opts   *ratios.MetricsOptions
		want   error
		place  string
	}{
		{"no reps", metricsFunnel, nil, pipeline.ActivityReport{}, opts, funnel.ErrNoData, "reps"},
		{"empty funnel", funnel.Funnel{}, counts, act, opts, funnel.ErrEmptyFunnel, "funnel"},
		{"negative count", metricsFunnel, func() []funnel.Counts { c := clone(); c[1].Won = -1; return c }(), act, opts, funnel.ErrNegativeCount, "reps[1]"},
		{"counts of another funnel", metricsFunnel, func() []funnel.Counts {
			c := clone()
			o, _ := funnel.FromReached(funnel.MustNew("a", "b"), []int64{1, 1}, nil)
			o.Key = []string{"cy", "inbound"}
			return append(c, o)
		}(), act, opts, funnel.ErrLengthMismatch, "reps[5]"},
		{"mixed keys", metricsFunnel, func() []funnel.Counts { c := clone(); c[2].Key = c[2].Key[:1]; return c }(), act, opts, funnel.ErrIncompatible, "reps[2].key"},
		{"unknown stage", metricsFunnel, counts, act, &ratios.MetricsOptions{Qualified: "SQL"}, funnel.ErrUnknownStage, "SQL"},
		{"opportunity before qualified", metricsFunnel, counts, act, &ratios.MetricsOptions{Qualified: "opportunity", Opportunity: "qualified"}, funnel.ErrOutOfRange, "Opportunity"},
		{"negative happy ears", metricsFunnel, counts, act, &ratios.MetricsOptions{HappyEarsMeetings: -1}, funnel.ErrOutOfRange, "HappyEarsMeetings"},
		{"negative touches", metricsFunnel, counts, actWith(func(a *pipeline.ActivityReport) { a.Deals[2].Touches = -1 }), opts, funnel.ErrNegativeCount, "activity.deals[2].touches"},
		{"outcome out of range", metricsFunnel, counts, actWith(func(a *pipeline.ActivityReport) { a.Deals[0].Outcome = 9 }), opts, funnel.ErrOutOfRange, "activity.deals[0].outcome"},
		{"negative ratio", metricsFunnel, counts, actWith(func(a *pipeline.ActivityReport) { a.Owners[1].TouchesPerWon.Den = -2 }), opts, funnel.ErrNegativeCount, "activity.owners[1].touches_per_won.den"},
		{"mean without observations", metricsFunnel, counts, actWith(func(a *pipeline.ActivityReport) { a.Team.DaysToFirstTouch.N = 0 }), opts, funnel.ErrOutOfRange, "activity.team.days_to_first_touch"},
		{"owner twice", metricsFunnel, counts, actWith(func(a *pipeline.ActivityReport) { a.Owners = append(a.Owners, a.Owners[0]) }), opts, funnel.ErrIncompatible, "activity.owners[2].owner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratios.Measure(tc.f, tc.counts, tc.act, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Measure: error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "ratios.Measure") || !strings.Contains(err.Error(), tc.place) {
				t.Errorf("error %q does not name ratios.Measure and %q", err, tc.place)
			}
		})
	}
}

func TestMeasureInputsAndJSON(t *testing.T) {
	counts, act := measured(t, "owner", "source")
	before := make([]funnel.Counts, len(counts))
	for i, c := range counts {
		before[i] = c.Clone()
	}
	actBefore, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ratios.Measure(metricsFunnel, counts, act, &ratios.MetricsOptions{Qualified: "qualified", Opportunity: "opportunity", InboundSource: "inbound"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, counts, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Measure modified its counts (-before +after):\n%s", diff)
	}
	if after, _ := json.Marshal(act); string(after) != string(actBefore) {
		t.Errorf("Measure modified its activity report")
	}
	// Round trip: the report decodes to itself, missing values as null.
	r.Reps[0].Metrics[ratios.WinRate] = ratios.Metric{Name: ratios.WinRate}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `{"name":"win-rate","status":"no-data","num":0,"days":null,"money":null,"den":0,"value":null,"money_per":null}`) {
		t.Errorf("JSON of a missing metric not as documented: %s", b)
	}
	var back ratios.MetricsReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back, metricOpts); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
	var n ratios.MetricName
	if err := json.Unmarshal([]byte(`"win-ratio"`), &n); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("decoding an unknown metric name: %v, want ErrOutOfRange", err)
	}
}
