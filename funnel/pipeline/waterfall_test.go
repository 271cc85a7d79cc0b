package pipeline

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func money(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func bucket(amount string, ids ...string) Bucket {
	if ids == nil {
		ids = []string{}
	}
	return Bucket{Deals: len(ids), Amount: money(amount), IDs: ids}
}

// TestWaterfallHandWorked derives every bucket by hand from handDeals.
func TestWaterfallHandWorked(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Time
		opt      WaterfallOptions
		deals    []funnel.Deal
		want     WaterfallReport
	}{
		{
			// Open at 30: A B C D E (F starts at 70, G at 40): 100 + 50 +
			// 200 + 30 = 380 priced, B unpriced. Open at 60: A B C E G:
			// 100 + 50 + 30 + 40 = 220. D won at 55: Won 200. G started at
			// 40 > 30: Created 40. A B C E carried, amounts unchanged.
			// 5 + 1 − 1 = 5; 380 + 40 − 200 = 220.
			name: "30 to 60", from: day(30), to: day(60), deals: handDeals(),
			want: WaterfallReport{From: day(30), To: day(60),
				Start:   PipelineValue{Deals: 5, Priced: 4, Unpriced: 1, Amount: money("380")},
				End:     PipelineValue{Deals: 5, Priced: 4, Unpriced: 1, Amount: money("220")},
				Created: bucket("40", "G"), Reopened: bucket("0"), PulledIn: bucket("0"),
				Won: bucket("200", "D"), Lost: bucket("0"), PushedOut: bucket("0"),
				AmountChange: bucket("0"), Carried: 4, CreatedAndClosed: bucket("0")},
		},
		{
			// Open at 50: A B C D E G = 100+50+200+30+40 = 420, B unpriced.
			// Open at 70: A B C F G (E lost at 65, F starts at 70, which
			// counts as started by 70) = 100+50+80+40 = 270. Won D 200,
			// lost E 30, created F 80. 6 + 1 − 1 − 1 = 5;
			// 420 + 80 − 200 − 30 = 270.
			name: "50 to 70", from: day(50), to: day(70), deals: handDeals(),
			want: WaterfallReport{From: day(50), To: day(70),
				Start:   PipelineValue{Deals: 6, Priced: 5, Unpriced: 1, Amount: money("420")},
				End:     PipelineValue{Deals: 5, Priced: 4, Unpriced: 1, Amount: money("270")},
				Created: bucket("80", "F"), Reopened: bucket("0"), PulledIn: bucket("0"),
				Won: bucket("200", "D"), Lost: bucket("30", "E"), PushedOut: bucket("0"),
				AmountChange: bucket("0"), Carried: 4, CreatedAndClosed: bucket("0")},
		},
		{
			// Window [60, 90), prior states at 50 (see windowDeals): start W1
			// 90 + W2 50 + W6 300 + W7 10 = 450 (4 deals); end W1 100 + W3
			// 70 + W4 40 + W5 20 = 230 (4 deals). Buckets: created W5 20,
			// reopened W4 40, pulled in W3 70, won W6 300, lost W7 10,
			// pushed out W2 50, amount change W1 +10. Deals: 4 + 3 − 3 = 4.
			// Money: 450 + 20 + 40 + 70 − 300 − 10 − 50 + 10 = 230.
			name: "window and prior states", from: day(50), to: day(70), deals: windowDeals(),
			opt: WaterfallOptions{CloseFrom: day(60), CloseTo: day(90), Before: windowPriorStates()},
			want: WaterfallReport{From: day(50), To: day(70),
				Start:   PipelineValue{Deals: 4, Priced: 4, Amount: money("450")},
				End:     PipelineValue{Deals: 4, Priced: 4, Amount: money("230")},
				Created: bucket("20", "W5"), Reopened: bucket("40", "W4"), PulledIn: bucket("70", "W3"),
				Won: bucket("300", "W6"), Lost: bucket("10", "W7"), PushedOut: bucket("50", "W2"),
				AmountChange: bucket("10", "W1"), Carried: 1, CreatedAndClosed: bucket("15", "W9"),
				NoExpectedClose: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneDeals(tt.deals)
			got, err := Waterfall(testFunnel, tt.deals, tt.from, tt.to, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkUnchanged(t, before, tt.deals)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Waterfall mismatch (-want +got):\n%s", diff)
			}
			if err := checkBalance(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestWaterfallRounding: amounts finer than a cent are summed exactly and
// each reported figure is rounded to cents, half to even; the remainder
// that keeps the balance exact is Rounding. From day 30 to day 60:
//
//	S1 open throughout, 10.005: carried
//	S2 open at 30, won at 50, 20.005: Won
//	S3 created at 40, 0.335: Created
//
// Exact: start 30.010, end 10.340 = 30.010 + 0.335 − 20.005. Rounded:
// start 30.01, end 10.34, created 0.335 → 0.34 (half to even: 3 is odd),
// won 20.005 → 20.00 (0 is even). 30.01 + 0.34 − 20.00 = 10.35, one cent
// above the end: Rounding = 10.34 − 10.35 = −0.01.
func TestWaterfallRounding(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "S1", Created: day(0), Amount: amt("10.005"), Events: []funnel.Event{ev(lead, 0)}},
		{ID: "S2", Created: day(0), Amount: amt("20.005"), Outcome: funnel.Won, Closed: day(50),
			Events: []funnel.Event{ev(lead, 0), ev(won, 50)}},
		{ID: "S3", Created: day(40), Amount: amt("0.335"), Events: []funnel.Event{ev(lead, 40)}},
	}
	got, err := Waterfall(testFunnel, deals, day(30), day(60), WaterfallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := WaterfallReport{From: day(30), To: day(60),
		Start:   PipelineValue{Deals: 2, Priced: 2, Amount: money("30.01")},
		End:     PipelineValue{Deals: 2, Priced: 2, Amount: money("10.34")},
		Created: bucket("0.34", "S3"), Reopened: bucket("0"), PulledIn: bucket("0"),
		Won: bucket("20.00", "S2"), Lost: bucket("0"), PushedOut: bucket("0"),
		AmountChange: bucket("0"), Carried: 1, CreatedAndClosed: bucket("0"),
		Rounding: money("-0.01")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Waterfall(sub-cent amounts) mismatch (-want +got):\n%s", diff)
	}
	if err := checkBalance(got); err != nil {
		t.Error(err)
	}
	// Every reported amount has at most two decimal places.
	for _, a := range []decimal.Decimal{got.Start.Amount, got.End.Amount, got.Created.Amount, got.Won.Amount, got.Rounding} {
		if a.Exponent() < -2 && !a.Equal(a.Round(2)) {
			t.Errorf("amount %s is not in cents", a)
		}
	}
}

// windowDeals and windowPriorStates: a quarter's pipeline, window [day 60,
// day 90), from day 50 to day 70. "EC" is the expected close.
//
//	W1 open; EC 75 now, 80 at 50: in both; amount 90 → 100: AmountChange +10
//	W2 open; EC 120 now, 85 at 50: in at 50, out at 70: PushedOut 50
//	W3 open; EC 65 now, 95 at 50: out at 50, in at 70: PulledIn 70 (its amount at 70)
//	W4 open now; lost at 50 per the prior state: Reopened 40
//	W5 created 55, EC 62: Created 20
//	W6 won at 60, EC 60 (in window at 50): Won 300
//	W7 lost at 65, EC 70: Lost 10
//	W8 open, no EC: outside the window both times, NoExpectedClose 1
//	W9 created 52, lost 58: in neither; CreatedAndClosed 15
func windowDeals() []funnel.Deal {
	open := func(id, amount string, ec int) funnel.Deal {
		d := funnel.Deal{ID: id, Created: day(0), Amount: amt(amount), Events: []funnel.Event{ev(lead, 0)}}
		if ec > 0 {
			d.ExpectedClose = day(ec)
		}
		return d
	}
	w5 := open("W5", "20", 62)
	w5.Created, w5.Events = day(55), []funnel.Event{ev(lead, 55)}
	w6 := open("W6", "300", 60)
	w6.Events = []funnel.Event{ev(lead, 0), ev(qualified, 10), ev(proposal, 20), ev(won, 60)}
	w6.Outcome, w6.Closed = funnel.Won, day(60)
	w7 := open("W7", "10", 70)
	w7.Outcome, w7.Closed = funnel.Lost, day(65)
	w9 := open("W9", "15", 0)
	w9.Created, w9.Events, w9.Outcome, w9.Closed = day(52), []funnel.Event{ev(lead, 52)}, funnel.Lost, day(58)
	return []funnel.Deal{open("W1", "100", 75), open("W2", "50", 120), open("W3", "70", 65), open("W4", "40", 80), w5, w6, w7, open("W8", "5", 0), w9}
}

func windowPriorStates() map[string]PriorState {
	return map[string]PriorState{
		"W1": {Amount: amt("90"), ExpectedClose: day(80)},
		"W2": {Amount: amt("50"), ExpectedClose: day(85)},
		"W3": {Amount: amt("60"), ExpectedClose: day(95)},
		"W4": {Outcome: funnel.Lost, Amount: amt("40"), ExpectedClose: day(80)},
	}
}

// checkBalance checks start + net = end in deals and money, and that no
// deal sits in two buckets.
func checkBalance(w WaterfallReport) error {
	n, a := w.Net()
	if w.Start.Deals+n != w.End.Deals {
		return fmt.Errorf("deals: start %d + net %d != end %d", w.Start.Deals, n, w.End.Deals)
	}
	if !w.Start.Amount.Add(a).Equal(w.End.Amount) {
		return fmt.Errorf("money: start %s + net %s != end %s", w.Start.Amount, a, w.End.Amount)
	}
	seen := map[string]string{}
	for name, b := range map[string]Bucket{"created": w.Created, "reopened": w.Reopened, "pulled in": w.PulledIn,
		"won": w.Won, "lost": w.Lost, "pushed out": w.PushedOut, "amount change": w.AmountChange} {
		if b.Deals != len(b.IDs) {
			return fmt.Errorf("%s: %d deals but %d ids", name, b.Deals, len(b.IDs))
		}
		for _, id := range b.IDs {
			if prev, ok := seen[id]; ok {
				return fmt.Errorf("deal %s in both %s and %s", id, prev, name)
			}
			seen[id] = name
		}
	}
	if w.AmountChange.Deals > w.Carried {
		return fmt.Errorf("amount change on %d deals but only %d carried", w.AmountChange.Deals, w.Carried)
	}
	return nil
}

// randomDeals draws valid deals over days 0..99 with random stage paths
// (skips and regressions), outcomes, amounts (some missing), expected
// closes (some missing) and, with prior states, random states at from.
func randomDeals(r *rand.Rand, n int) []funnel.Deal {
	deals := make([]funnel.Deal, n)
	for i := range deals {
		d := funnel.Deal{ID: fmt.Sprintf("d%d", i), Created: day(r.IntN(100))}
		t := d.Created
		k := 1 + r.IntN(5)
		for range k {
			d.Events = append(d.Events, funnel.Event{Stage: r.IntN(won), At: t})
			t = t.Add(time.Duration(r.IntN(15*24)) * time.Hour)
		}
		switch r.IntN(3) {
		case 1:
			d.Outcome = funnel.Won
			d.Events = append(d.Events, funnel.Event{Stage: won, At: t})
			if r.IntN(2) == 0 {
				d.Closed = t
			}
		case 2:
			d.Outcome = funnel.Lost
			d.Closed = t.Add(time.Duration(r.IntN(48)) * time.Hour)
		}
		if r.IntN(4) > 0 {
			d.Amount = amt(fmt.Sprintf("%d.%02d", r.IntN(1000), r.IntN(100)))
		}
		if r.IntN(3) > 0 {
			d.ExpectedClose = day(r.IntN(150))
		}
		deals[i] = d
	}
	return deals
}

func randomPriorStates(r *rand.Rand, deals []funnel.Deal, from time.Time) map[string]PriorState {
	s := map[string]PriorState{}
	for _, d := range deals {
		if d.Start().After(from) || r.IntN(2) == 0 {
			continue
		}
		sn := PriorState{Outcome: funnel.Outcome(r.IntN(3))}
		if r.IntN(4) > 0 {
			sn.Amount = amt(fmt.Sprint(r.IntN(1000)))
		}
		if r.IntN(3) > 0 {
			sn.ExpectedClose = day(r.IntN(150))
		}
		s[d.ID] = sn
	}
	return s
}

// TestWaterfallBalances is the property test: for random deals and any
// two dates, with and without a window and prior states, start + buckets =
// end in deals and in money and no deal is in two buckets. Seeded, so a
// failure reproduces.
func TestWaterfallBalances(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2025))
	for trial := range 300 {
		deals := randomDeals(r, 1+r.IntN(40))
		a, b := r.IntN(160)-20, r.IntN(160)-20
		if a == b {
			b++
		}
		from, to := day(min(a, b)), day(max(a, b))
		var opt WaterfallOptions
		if trial%2 == 1 {
			w0 := r.IntN(120)
			opt = WaterfallOptions{CloseFrom: day(w0), CloseTo: day(w0 + 1 + r.IntN(60)), Before: randomPriorStates(r, deals, from)}
		}
		w, err := Waterfall(testFunnel, deals, from, to, opt)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if err := checkBalance(w); err != nil {
			t.Fatalf("trial %d (%s to %s): %v", trial, from.Format(time.DateOnly), to.Format(time.DateOnly), err)
		}
		// Every amount is in whole cents, so the buckets balance on their
		// own: nothing is left to rounding.
		if !w.Rounding.IsZero() {
			t.Fatalf("trial %d: rounding %s with amounts in whole cents", trial, w.Rounding)
		}
		if trial%2 == 1 {
			continue
		}
		// Without prior states or a window, nothing can be pulled in, pushed
		// out, reopened or repriced, and the ends are the open pipelines
		// that Health reports at each date (a second method).
		if n := w.PulledIn.Deals + w.PushedOut.Deals + w.Reopened.Deals + w.AmountChange.Deals; n != 0 {
			t.Fatalf("trial %d: %d deals in buckets that need prior states: %+v", trial, n, w)
		}
		th := Thresholds{StalledDays: 1, UntouchedDays: 1}
		for _, end := range []struct {
			at   time.Time
			want PipelineValue
		}{{from, w.Start}, {to, w.End}} {
			h, err := Health(testFunnel, deals, end.at, th)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(end.want, h.Pipeline); diff != "" {
				t.Fatalf("trial %d: waterfall end at %s differs from Health (-waterfall +health):\n%s", trial, end.at.Format(time.DateOnly), diff)
			}
		}
	}
}

// FuzzWaterfall: no panic, and the balance holds in deals and money for
// any seed, deal count and dates; bad dates give a sentinel error.
func FuzzWaterfall(f *testing.F) {
	f.Add(uint64(1), uint8(7), int16(30), int16(60), false)
	f.Add(uint64(2), uint8(9), int16(50), int16(70), true)
	f.Add(uint64(3), uint8(0), int16(5), int16(5), false)
	f.Add(uint64(4), uint8(20), int16(60), int16(30), true)
	f.Fuzz(func(t *testing.T, seed uint64, n uint8, a, b int16, snaps bool) {
		r := rand.New(rand.NewPCG(seed, 7))
		deals := randomDeals(r, int(n%64))
		from, to := day(int(a)), day(int(b))
		var opt WaterfallOptions
		if snaps {
			opt = WaterfallOptions{CloseFrom: day(int(a % 100)), CloseTo: day(int(a%100) + 30), Before: randomPriorStates(r, deals, from)}
		}
		w, err := Waterfall(testFunnel, deals, from, to, opt)
		if err != nil {
			if !errors.Is(err, funnel.ErrDateOrder) && !errors.Is(err, ErrPriorState) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if err := checkBalance(w); err != nil {
			t.Fatal(err)
		}
	})
}
