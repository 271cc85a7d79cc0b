package ratios_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// finite reports whether a null float is null or finite.
func finite(n funnel.NullFloat64) bool {
	return !n.Valid || !math.IsNaN(n.Float64) && !math.IsInf(n.Float64, 0)
}

// inUnit reports whether a null float is null or in [lo, hi].
func inUnit(n funnel.NullFloat64, lo, hi float64) bool {
	return !n.Valid || n.Float64 >= lo && n.Float64 <= hi
}

// fuzzGroups decodes groups keyed [rep, stratum] from bytes, six a group:
// rep (3 is a blank owner), stratum, reached at each of the three stages
// of mixFunnel and the open deals at the first; a set top bit of the rep
// byte makes the counts invalid (a negative count).
func fuzzGroups(data []byte) []funnel.Counts {
	reps := []string{"ann", "bob", "cy", " "}
	strata := []string{"smb", "ent", "mid"}
	var out []funnel.Counts
	for len(data) >= 6 && len(out) < 12 {
		b := data[:6]
		data = data[6:]
		r0 := int64(b[2])
		r1 := min(int64(b[3]), r0)
		r2 := int64(b[4]) % (r1 + 1)
		o0 := int64(b[5]) % (r0 - r1 + 1)
		c, err := funnel.FromReached(mixFunnel, []int64{r0, r1, r2}, []int64{o0, 0, 0})
		if err != nil {
			continue
		}
		if b[0]&0x80 != 0 {
			c.Reached[1] = -1
		}
		c.Key = []string{reps[b[0]%4], strata[b[1]%3]}
		out = append(out, c)
	}
	return out
}

func FuzzStandardize(f *testing.F) {
	// The Simpson case of TestStandardizeSimpson, then cy's open deal and
	// a blank owner (TestStandardizeSecondMethod), then a negative count.
	f.Add([]byte{0, 0, 200, 100, 80, 0, 0, 1, 40, 20, 2, 0, 1, 0, 40, 20, 18, 0, 1, 1, 200, 100, 30, 0})
	f.Add([]byte{0, 0, 200, 100, 80, 0, 2, 0, 10, 5, 3, 0, 3, 1, 4, 2, 1, 0, 1, 1, 9, 9, 9, 0})
	f.Add([]byte{0x80, 0, 10, 5, 3, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		groups := fuzzGroups(data)
		before := make([]funnel.Counts, len(groups))
		for i, c := range groups {
			before[i] = c.Clone()
		}
		m, err := ratios.Standardize(mixFunnel, groups)
		if diff := cmp.Diff(before, groups, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Standardize modified its input (-before +after):\n%s", diff)
		}
		if err != nil {
			return
		}
		for _, rm := range append([]ratios.RepMix{m.Team}, m.Reps...) {
			for k, st := range rm.Stages {
				if !finite(st.Standardized) || !finite(st.Filled) || !inUnit(st.Standardized, 0, 1) || !inUnit(st.Filled, 0, 1) {
					t.Fatalf("%q stage %d: standardized %v, filled %v", rm.Rep, k, st.Standardized, st.Filled)
				}
				if st.Raw.K > st.Raw.N || st.Raw.K < 0 {
					t.Fatalf("%q stage %d: raw %v", rm.Rep, k, st.Raw)
				}
				// Second method: Σ w_s p_s from the team's strata.
				team := m.Team.Stages[k]
				var std, shares float64
				var all int64
				complete := true
				for s, sr := range st.Strata {
					if !finite(sr.Share) || !inUnit(sr.Share, 0, 1) || sr.Rate.K > sr.Rate.N {
						t.Fatalf("%q stage %d stratum %d: %+v", rm.Rep, k, s, sr)
					}
					shares += sr.Share.Float64
					all += team.Strata[s].Rate.N
				}
				for s, sr := range st.Strata {
					tn := team.Strata[s].Rate.N
					if tn == 0 {
						continue
					}
					if sr.Rate.N == 0 {
						complete = false
						continue
					}
					std += float64(tn) / float64(all) * sr.Rate.Value()
				}
				complete = complete && all > 0
				if complete != st.Standardized.Valid || complete && math.Abs(std-st.Standardized.Float64) > 1e-9 {
					t.Fatalf("%q stage %d: standardized %v, second method %v (complete %v)", rm.Rep, k, st.Standardized, std, complete)
				}
				if st.Raw.N > 0 && math.Abs(shares-1) > 1e-9 {
					t.Fatalf("%q stage %d: shares add to %v", rm.Rep, k, shares)
				}
				if st.Filled.Valid != (st.Raw.N > 0 && all > 0) {
					t.Fatalf("%q stage %d: filled %v with %d trials", rm.Rep, k, st.Filled, st.Raw.N)
				}
			}
			if rm.Rep == "" {
				for k, st := range rm.Stages {
					if st.Standardized.Valid && math.Abs(st.Standardized.Float64-st.Raw.Value()) > 1e-9 {
						t.Fatalf("team stage %d: standardized %v, raw %v", k, st.Standardized, st.Raw)
					}
				}
			}
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("json: %v", err)
		}
	})
}

// fuzzReps decodes the reps of a scorecard from bytes, three for each of a
// rep's metrics: a status (one in five missing), a numerator and a
// denominator, scaled up by 2^40 when the status byte says so to reach the
// large-count paths. Shares may have a numerator above the denominator,
// which Diagnose must reject.
func fuzzReps(data []byte) []ratios.RepMetrics {
	names := []string{"ann", "bob", "cy", "dan"}
	var reps []ratios.RepMetrics
	for len(reps) < len(names) && len(data) > 0 {
		r := ratios.RepMetrics{Rep: names[len(reps)]}
		for i := range r.Metrics {
			var b [3]byte
			copy(b[:], data)
			data = data[min(3, len(data)):]
			n := ratios.MetricName(i)
			if b[0]%5 == 0 {
				r.Metrics[i] = ratios.Metric{Name: n}
				continue
			}
			scale := int64(1)
			if b[0]%7 == 6 {
				scale = 1 << 40
			}
			num, den := int64(b[1])*scale, int64(b[2])*scale
			m := ratios.Metric{Name: n, Status: ratios.Measured, Num: num, Den: den}
			switch n.Kind() {
			case ratios.KindDays:
				m.Num, m.Days = 0, funnel.Some(float64(num)/7)
			case ratios.KindMoney:
				m.Num, m.Money = 0, decimal.NullDecimal{Decimal: decimal.New(num, -2), Valid: true}
			}
			if den == 0 {
				m.Days, m.Money = funnel.Some(0), decimal.NullDecimal{Decimal: decimal.Zero, Valid: m.Money.Valid}
				if n.Kind() != ratios.KindDays {
					m.Days = funnel.NullFloat64{}
				}
			}
			r.Metrics[i] = m
		}
		reps = append(reps, r)
	}
	return reps
}

func FuzzDiagnose(f *testing.F) {
	// Seeds: an even team, dan weak at qualifying (TestDiagnoseScorecards),
	// and large counts.
	seed := func(edit func(i int, b []byte)) []byte {
		var out []byte
		for r := range 3 {
			for i := range ratios.NumMetrics {
				b := []byte{1, 10, 30}
				if edit != nil {
					edit(r*ratios.NumMetrics+i, b)
				}
				out = append(out, b...)
			}
		}
		return out
	}
	f.Add(seed(nil), uint8(0))
	f.Add(seed(func(i int, b []byte) {
		if i == int(ratios.QualifiedToOpportunity) {
			b[1], b[2] = 3, 100
		}
	}), uint8(0))
	f.Add(seed(func(i int, b []byte) { b[0] = 6 }), uint8(1))
	f.Add(seed(func(i int, b []byte) { b[1], b[2] = 40, 3 }), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, who uint8) {
		reps := fuzzReps(data)
		if len(reps) == 0 {
			return
		}
		before, err := json.Marshal(reps)
		if err != nil {
			t.Fatal(err)
		}
		rep := reps[int(who)%len(reps)].Rep
		d, err := ratios.Diagnose(rep, reps, nil)
		if after, _ := json.Marshal(reps); string(after) != string(before) {
			t.Fatalf("Diagnose modified its input")
		}
		if err != nil {
			return
		}
		tests, weak := 0, false
		for a, sc := range d.Areas {
			anyWorse := false
			for _, l := range sc.Lines {
				for _, x := range []funnel.NullFloat64{l.Gap, l.Relative, l.Test.P, l.Test.Adjusted, l.Rep.Value, l.Rest.Value, l.Rep.Days, l.Rest.Days} {
					if !finite(x) {
						t.Fatalf("area %d %s: a NaN or infinity in %+v", a, l.Metric, l)
					}
				}
				if !inUnit(l.Test.P, 0, 1) || !inUnit(l.Test.Adjusted, 0, 1) || !inUnit(l.Relative, -1, 1) {
					t.Fatalf("area %d %s: p %v, adjusted %v, relative %v", a, l.Metric, l.Test.P, l.Test.Adjusted, l.Relative)
				}
				if l.Metric.Kind() == ratios.KindShare && (!inUnit(l.Rep.Value, 0, 1) || !inUnit(l.Rest.Value, 0, 1)) {
					t.Fatalf("area %d %s: share %v against %v", a, l.Metric, l.Rep.Value, l.Rest.Value)
				}
				if l.Test.P.Valid {
					tests++
				} else if l.Test.Reason == "" {
					t.Fatalf("area %d %s: untested without a reason", a, l.Metric)
				}
				if l.Worse && !l.BeyondNoise || l.BeyondNoise && !l.Test.Adjusted.Valid {
					t.Fatalf("area %d %s: worse %v, beyond noise %v, adjusted %v", a, l.Metric, l.Worse, l.BeyondNoise, l.Test.Adjusted)
				}
				anyWorse = anyWorse || l.Worse
			}
			if sc.Weak != anyWorse || sc.Weak != sc.Shortfall.Valid || !inUnit(sc.Shortfall, 0, 1) {
				t.Fatalf("area %d: weak %v, shortfall %v, a worse line %v", a, sc.Weak, sc.Shortfall, anyWorse)
			}
			weak = weak || sc.Weak
		}
		if tests != d.Tests || d.CoachFirst.Valid != weak || d.CoachFirst.Valid && !d.Areas[d.CoachFirst.Area].Weak {
			t.Fatalf("tests %d of %d, coach %v, weak %v", d.Tests, tests, d.CoachFirst, weak)
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatalf("json: %v", err)
		}
	})
}

func FuzzCountMetric(f *testing.F) {
	// Seeds from TestMetricConstructors and TestMetricBadInput.
	f.Add(int8(ratios.HappyEars), int64(12), int64(40))
	f.Add(int8(ratios.TouchesPerWon), int64(180), int64(20))
	f.Add(int8(ratios.TouchesPerWon), int64(5), int64(0))
	f.Add(int8(ratios.HappyEars), int64(5), int64(4))
	f.Add(int8(ratios.CycleDays), int64(1), int64(2))
	f.Add(int8(99), int64(-1), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, name int8, num, den int64) {
		n := ratios.MetricName(name)
		m, err := ratios.CountMetric(n, num, den)
		if err != nil {
			return
		}
		if !finite(m.Value) || m.Value.Valid != (den > 0) || m.Num != num || m.Den != den {
			t.Fatalf("CountMetric(%v, %d, %d) = %+v", n, num, den, m)
		}
		if n.Kind() == ratios.KindShare && !inUnit(m.Value, 0, 1) {
			t.Fatalf("share %v outside [0, 1]", m.Value)
		}
	})
}

// fuzzDeals decodes deals of metricsFunnel from bytes, four a deal: the
// owner and source, the furthest stage and outcome, the meetings and the
// other touches. Every owner is a rep, so the team is the sum of the reps.
func fuzzDeals(data []byte) []funnel.Deal {
	owners := []string{"ann", "bob", "cy"}
	sources := []string{"inbound", "outbound"}
	var deals []funnel.Deal
	for len(data) >= 4 && len(deals) < 40 {
		b := data[:4]
		data = data[4:]
		d := funnel.Deal{ID: string(rune('A' + len(deals))), Owner: owners[b[0]%3], Source: sources[b[0]/3%2], Account: string(rune('a' + b[0]%5))}
		furthest := int(b[1]) % metricsFunnel.Len()
		switch {
		case furthest == metricsFunnel.Last():
			d.Outcome = funnel.Won
			d.Amount = decimal.NullDecimal{Decimal: decimal.New(int64(b[2])+1, 2), Valid: true}
		case b[1]&0x80 != 0:
			d.Outcome = funnel.Lost
		}
		for k := 0; k <= furthest; k++ {
			d.Events = append(d.Events, funnel.Event{Stage: k})
		}
		for i := range int(b[2] % 5) {
			d.Activities = append(d.Activities, funnel.Activity{Kind: funnel.KindMeeting, Contact: string(rune('p' + i))})
		}
		for range int(b[3] % 4) {
			d.Activities = append(d.Activities, funnel.Activity{Kind: funnel.KindCall})
		}
		deals = append(deals, d)
	}
	return deals
}

func FuzzMeasure(f *testing.F) {
	// Seeds: the owners, sources, stages and meetings of metricsDeals.
	f.Add([]byte{0, 3, 2, 2, 0, 0x82, 3, 0, 3, 0x81, 0, 1, 0, 0, 0, 0, 4, 3, 1, 1, 1, 1, 0, 1, 4, 0x80, 0, 0}, uint8(3))
	f.Add([]byte{5, 3, 200, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, happy uint8) {
		deals := fuzzDeals(data)
		tl := funnel.NewTally(metricsFunnel, "owner", "source")
		if err := tl.AddAll(funnel.Stream(deals)); err != nil {
			t.Fatal(err)
		}
		act, err := pipeline.Activity(metricsFunnel, deals)
		if err != nil {
			t.Fatal(err)
		}
		opts := &ratios.MetricsOptions{Qualified: "qualified", Opportunity: "opportunity", InboundSource: "inbound", HappyEarsMeetings: int(happy % 6)}
		r, err := ratios.Measure(metricsFunnel, tl.Groups(), act, opts)
		if len(deals) == 0 {
			if err == nil {
				t.Fatal("Measure of no deals: no error")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, rep := range append([]ratios.RepMetrics{r.Team}, r.Reps...) {
			for i, m := range rep.Metrics {
				if m.Name != ratios.MetricName(i) || !finite(m.Value) || !finite(m.Days) || m.Value.Valid != (m.Status == ratios.Measured) {
					t.Fatalf("%q %s: %+v", rep.Rep, ratios.MetricName(i), m)
				}
				if m.Name.Kind() == ratios.KindShare && !inUnit(m.Value, 0, 1) {
					t.Fatalf("%q %s: share %v", rep.Rep, m.Name, m.Value)
				}
			}
		}
		// Merge equals one pass: the team's counted parts are the reps'
		// added (contacts per account counts distinct accounts, and days
		// are floats, so they are left out).
		for i := range ratios.NumMetrics {
			n := ratios.MetricName(i)
			if n == ratios.ContactsPerAccount || n.Kind() == ratios.KindDays {
				continue
			}
			var num, den int64
			money := decimal.Zero
			for _, rep := range r.Reps {
				num += rep.Metrics[i].Num
				den += rep.Metrics[i].Den
				money = money.Add(rep.Metrics[i].Money.Decimal)
			}
			tm := r.Team.Metrics[i]
			if tm.Num != num || tm.Den != den || !tm.Money.Decimal.Equal(money) {
				t.Fatalf("team %s = %d/%d (%v), reps add to %d/%d (%v)", n, tm.Num, tm.Den, tm.Money.Decimal, num, den, money)
			}
		}
	})
}

func FuzzDaysMetric(f *testing.F) {
	// Seeds from TestMetricConstructors and TestMetricBadInput.
	f.Add(int8(ratios.CycleDays), 600.0, int64(10))
	f.Add(int8(ratios.DaysToFirstTouch), 0.0, int64(0))
	f.Add(int8(ratios.CycleDays), math.NaN(), int64(2))
	f.Add(int8(ratios.CycleDays), 5.0, int64(0))
	f.Add(int8(ratios.WinRate), 5.0, int64(1))
	f.Fuzz(func(t *testing.T, name int8, days float64, n int64) {
		m, err := ratios.DaysMetric(ratios.MetricName(name), days, n)
		if err != nil {
			return
		}
		if !finite(m.Value) || m.Value.Valid != (n > 0) || m.Value.Valid && m.Value.Float64 < 0 || !m.Days.Valid || m.Days.Float64 != days {
			t.Fatalf("DaysMetric(%d, %v, %d) = %+v", name, days, n, m)
		}
	})
}

func FuzzMoneyMetric(f *testing.F) {
	// Seeds from TestMetricConstructors and TestMetricBadInput.
	f.Add(int8(ratios.DealSize), "100", int64(3))
	f.Add(int8(ratios.BookingsPerMeeting), "0.125", int64(1))
	f.Add(int8(ratios.BookingsPerMeeting), "5000", int64(0))
	f.Add(int8(ratios.DealSize), "-5", int64(1))
	f.Add(int8(ratios.DealSize), "1e-30", int64(1))
	f.Add(int8(ratios.DealSize), "9e35", int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, name int8, money string, n int64) {
		d, err := decimal.NewFromString(money)
		if err != nil {
			return
		}
		m, err := ratios.MoneyMetric(ratios.MetricName(name), d, n)
		if err != nil {
			return
		}
		if !finite(m.Value) || m.Value.Valid != (n > 0) || m.MoneyPer.Valid != (n > 0) || m.MoneyPer.Valid && (m.MoneyPer.Decimal.IsNegative() || m.MoneyPer.Decimal.Exponent() < -2) {
			t.Fatalf("MoneyMetric(%d, %s, %d) = %+v", name, money, n, m)
		}
	})
}
