package funnel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// The decoders of the mergeable aggregates take bytes from other machines.
// For any bytes they return without a panic either a typed error of
// package funnel wrapping one of its sentinels, or an aggregate that (1)
// satisfies the invariants of counts tallied from deals, checked here a
// second way, (2) encodes and decodes again to the same value and the same
// bytes, and (3) merges with itself to twice its counts, or fails with
// ErrOutOfRange when a sum would pass an int64.

// decodeSentinels are the sentinels a decoder of an aggregate may wrap.
var decodeSentinels = []error{funnel.ErrOutOfRange, funnel.ErrEmptyFunnel, funnel.ErrBlankStage, funnel.ErrDuplicateStage,
	funnel.ErrLengthMismatch, funnel.ErrNegativeCount, funnel.ErrNegativeAmount, funnel.ErrCountsRise, funnel.ErrIncompatible}

// checkDecodeErr fails unless err is a typed error of package funnel
// wrapping one of decodeSentinels.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	var ie *funnel.InputError
	var se *funnel.StageError
	if !errors.As(err, &ie) && !errors.As(err, &se) {
		t.Fatalf("error %T %v: want a *funnel.InputError or *funnel.StageError", err, err)
	}
	for _, s := range decodeSentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %v wraps none of the decoders' sentinels", err)
}

// addSeeds adds to f the encodings of small tallies of the history, the
// hand-worked documents and every bad document of kind.
func addSeeds(f *testing.F, kind string, encode func(deals []funnel.Deal) any) {
	for _, seed := range []uint64{1, 2, 3} {
		f.Add(mustMarshal(f, encode(encHistoryDeals(f, 12, seed))))
	}
	v, doc := handDecoded(f, kind)
	f.Add([]byte(doc))
	f.Add(mustMarshal(f, v))
	for _, tt := range badAggregates(f) {
		if tt.kind == kind {
			f.Add([]byte(tt.doc))
		}
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`{`))
}

// checkCounts checks the invariants of counts tallied from deals over a
// funnel of n stages, a second derivation of what the decoder checks:
// every count at least 0 and Won + Lost + Open = Deals; Reached the
// deals won or open or lost at each stage or a later one; Entered,
// StrictPending and the deals with an amount at most what holds them;
// money not negative, not rising down the funnel, WonAmount at the won
// stage, none where no deal reached.
func checkCounts(t *testing.T, n int, c funnel.Counts) {
	t.Helper()
	if err := c.Check(); err != nil {
		t.Fatalf("group %q: Check() = %v", c.Key, err)
	}
	if len(c.Reached) != n {
		t.Fatalf("group %q: %d stages, want %d", c.Key, len(c.Reached), n)
	}
	if c.Won < 0 || c.Lost < 0 || c.Open < 0 || c.Won+c.Lost+c.Open != c.Deals {
		t.Fatalf("group %q: deals %d, won %d, lost %d, open %d", c.Key, c.Deals, c.Won, c.Lost, c.Open)
	}
	past := big.NewInt(c.Won) // deals won, or open or lost at k or later
	for k := n - 1; k >= 0; k-- {
		past.Add(past, big.NewInt(c.OpenAt[k]))
		past.Add(past, big.NewInt(c.LostAt[k]))
		if !past.IsInt64() || past.Int64() != c.Reached[k] {
			t.Fatalf("group %q: reached[%d] = %d, but %v deals are won or stopped at or past it", c.Key, k, c.Reached[k], past)
		}
		if c.Entered[k] > c.Reached[k] || c.StrictPending[k] > c.Entered[k] || c.OpenAt[k] < 0 || c.LostAt[k] < 0 {
			t.Fatalf("group %q: stage %d: reached %d, entered %d, pending %d", c.Key, k, c.Reached[k], c.Entered[k], c.StrictPending[k])
		}
		a := c.AmountReached[k]
		if a.IsNegative() || (k > 0 && a.GreaterThan(c.AmountReached[k-1])) || (c.Reached[k] == 0 && !a.IsZero()) {
			t.Fatalf("group %q: money reaching the stages %v", c.Key, c.AmountReached)
		}
	}
	if !c.AmountReached[n-1].Equal(c.WonAmount) || c.AmountReached[0].LessThan(c.WonAmount.Add(c.OpenAmount)) {
		t.Fatalf("group %q: money reaching the stages %v, won %s, open %s", c.Key, c.AmountReached, c.WonAmount, c.OpenAmount)
	}
	if c.WonWithAmount > c.Won || c.OpenWithAmount > c.Open || c.NoAmount > c.Deals {
		t.Fatalf("group %q: deals with an amount above their deals", c.Key)
	}
	if c.WonCycle.N() > c.Won || c.LostCycle.N() > c.Lost || c.WonToClose[n-1].N() != 0 {
		t.Fatalf("group %q: more cycles than deals", c.Key)
	}
}

// FuzzTallyUnmarshal: see the comment at the top of the file.
func FuzzTallyUnmarshal(f *testing.F) {
	addSeeds(f, "tally", func(deals []funnel.Deal) any {
		return encTally(f, encStages, deals, funnel.AttrOwner, funnel.AttrSegment)
	})
	f.Add([]byte(lostGroupJSON(`["5","0","0"]`, 0)))
	f.Add([]byte(`{"funnel":["a"],"by":[],"groups":[{"key":[],"deals":1,"won":1,"reached":[1],"entered":[1],"entered_both":[0],` +
		`"open_at":[0],"strict_pending":[0],"lost_at":[0],"amount_reached":["9223372036854775807"],"won_amount":"9223372036854775807",` +
		`"won_with_amount":1,"stage_time":[{}],"won_to_close":[{}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var u funnel.Tally
		if err := u.UnmarshalJSON(b); err != nil {
			checkDecodeErr(t, err)
			return
		}
		if u.Funnel().Len() == 0 {
			return // null
		}
		for _, c := range u.Groups() {
			checkCounts(t, u.Funnel().Len(), c)
		}
		enc := mustMarshal(t, &u)
		v := decodeTally(t, enc)
		if diff := cmp.Diff(viewTally(&u), viewTally(v)); diff != "" {
			t.Fatalf("decode, encode, decode mismatch (-first +second):\n%s", diff)
		}
		if again := mustMarshal(t, v); !bytes.Equal(enc, again) {
			t.Fatalf("encode, decode, encode gives other bytes:\n%s\n%s", enc, again)
		}
		if tot, err := u.Total(); err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Total: %v", err)
			}
		} else if err := tot.Check(); err != nil {
			t.Fatalf("Total().Check() = %v", err)
		}
		if err := v.Merge(&u); err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Merge with itself: %v", err)
			}
			return
		}
		for i, c := range v.Groups() {
			if c.Deals != 2*u.Groups()[i].Deals || !c.WonAmount.Equal(u.Groups()[i].WonAmount.Mul(decimal.NewFromInt(2))) {
				t.Fatalf("Merge with itself: group %q holds %d deals, %s won", c.Key, c.Deals, c.WonAmount)
			}
		}
	})
}

// FuzzCohortTallyUnmarshal: see the comment at the top of the file.
func FuzzCohortTallyUnmarshal(f *testing.F) {
	opts := funnel.CohortOptions{Period: funnel.Week, Window: 10*24*time.Hour + 90*time.Minute, AsOf: time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("UTC+2", 2*3600))}
	addSeeds(f, "cohort tally", func(deals []funnel.Deal) any { return encCohortTally(f, encStages, opts, deals) })
	// Windows that no duration's days are exactly, or that several are.
	f.Add([]byte(withField(f, handCohortJSON, `33.5207752887485`, "window_days")))
	f.Add([]byte(withField(f, handCohortJSON, `99999.123456789`, "window_days")))
	f.Fuzz(func(t *testing.T, b []byte) {
		var u funnel.CohortTally
		if err := u.UnmarshalJSON(b); err != nil {
			checkDecodeErr(t, err)
			return
		}
		if u.Funnel().Len() == 0 {
			return // null
		}
		view := viewCohorts(&u)
		for _, co := range view.Cohorts {
			prev := co.Deals
			for _, s := range co.Stages {
				if s.Reached < 0 || s.Reached > prev || s.Converted.K < 0 || s.Unknown < 0 || s.Converted.K+s.Unknown > s.Reached {
					t.Fatalf("cohort %s: stages %+v", co.Label, co.Stages)
				}
				prev = s.Reached
			}
			if !co.Start.Before(co.End) {
				t.Fatalf("cohort %s: %v to %v", co.Label, co.Start, co.End)
			}
		}
		enc := mustMarshal(t, &u)
		v := decodeCohorts(t, enc)
		if diff := cmp.Diff(view, viewCohorts(v)); diff != "" {
			t.Fatalf("decode, encode, decode mismatch (-first +second):\n%s", diff)
		}
		if again := mustMarshal(t, v); !bytes.Equal(enc, again) {
			t.Fatalf("encode, decode, encode gives other bytes:\n%s\n%s", enc, again)
		}
		if err := v.Merge(&u); err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Merge with itself: %v", err)
			}
			return
		}
		if got := v.Undated(); got != 2*u.Undated() {
			t.Fatalf("Merge with itself: %d undated, want %d", got, 2*u.Undated())
		}
		for i, co := range v.Cohorts() {
			if co.Deals != 2*view.Cohorts[i].Deals {
				t.Fatalf("Merge with itself: cohort %s holds %d deals, want %d", co.Label, co.Deals, 2*view.Cohorts[i].Deals)
			}
		}
	})
}

// FuzzDurationsUnmarshal: see the comment at the top of the file. The
// invariants: the bins add up to N, the seconds lie within what whole-day
// bins allow, and the quantiles are observed days or between them.
func FuzzDurationsUnmarshal(f *testing.F) {
	addSeeds(f, "durations", func(deals []funnel.Deal) any { return encCycles(f, deals) })
	f.Add([]byte(`{"n":2,"seconds":17280000,"days":[[100,1],[100000,1]]}`))
	f.Add([]byte(`{"days":[[0,1]],"n":1,"seconds":86399}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h funnel.Durations
		if err := h.UnmarshalJSON(b); err != nil {
			checkDecodeErr(t, err)
			return
		}
		view := viewDurations(h)
		n, lo, hi := new(big.Int), new(big.Int), new(big.Int)
		for i, bin := range view.Bins {
			if bin.Count <= 0 || bin.Day < 0 || bin.Day > funnel.MaxDurationDays || (i > 0 && bin.Day <= view.Bins[i-1].Day) {
				t.Fatalf("bins %v", view.Bins)
			}
			c := big.NewInt(bin.Count)
			n.Add(n, c)
			lo.Add(lo, new(big.Int).Mul(c, big.NewInt(int64(bin.Day)*86400)))
			hi.Add(hi, new(big.Int).Mul(c, big.NewInt(int64(bin.Day+1)*86400-1)))
		}
		s := big.NewInt(view.Seconds)
		if n.Cmp(big.NewInt(view.N)) != 0 || s.Cmp(lo) < 0 || s.Cmp(hi) > 0 {
			t.Fatalf("n %d, seconds %d, bins %v", view.N, view.Seconds, view.Bins)
		}
		if view.N > 0 {
			for _, p := range []float64{0, 0.5, 0.9, 1} {
				q, err := h.QuantileDays(p)
				if err != nil || !q.Valid || math.IsNaN(q.Float64) || q.Float64 < float64(view.Bins[0].Day) || q.Float64 > float64(view.Bins[len(view.Bins)-1].Day) {
					t.Fatalf("QuantileDays(%v) = %v, %v; bins %v", p, q, err, view.Bins)
				}
			}
			if m := h.MeanDays(); !m.Valid || math.IsNaN(m.Float64) || math.IsInf(m.Float64, 0) {
				t.Fatalf("MeanDays() = %v", m)
			}
		}
		enc := mustMarshal(t, h)
		var g funnel.Durations
		if err := json.Unmarshal(enc, &g); err != nil {
			t.Fatalf("Unmarshal(%s): %v", enc, err)
		}
		if diff := cmp.Diff(view, viewDurations(g)); diff != "" {
			t.Fatalf("decode, encode, decode mismatch (-first +second):\n%s", diff)
		}
		if again := mustMarshal(t, g); !bytes.Equal(enc, again) {
			t.Fatalf("encode, decode, encode gives other bytes:\n%s\n%s", enc, again)
		}
		if err := g.Merge(h); err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Merge with itself: %v", err)
			}
			return
		}
		if g.N() != 2*h.N() || g.Seconds() != 2*h.Seconds() {
			t.Fatalf("Merge with itself: n %d, seconds %d; want %d, %d", g.N(), g.Seconds(), 2*h.N(), 2*h.Seconds())
		}
	})
}
