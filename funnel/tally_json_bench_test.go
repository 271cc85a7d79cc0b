package funnel

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// manyOwners returns a tally of n owners over a six-stage funnel, each
// with a won and a lost deal of realistic shape (amounts in cents, cycles
// and stage times of a few days).
func manyOwners(b *testing.B, n int) *Tally {
	b.Helper()
	f := MustNew("s0", "s1", "s2", "s3", "s4", "s5")
	t := NewTally(f, AttrOwner)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		owner := "owner-" + strconv.Itoa(i)
		d := start.Add(time.Duration(i%97) * 24 * time.Hour)
		won := Deal{ID: owner + "w", Owner: owner, Amount: decimal.NewNullDecimal(decimal.New(int64(100000+i), -2)), Outcome: Won,
			Events: []Event{{0, d}, {1, d.AddDate(0, 0, 2)}, {3, d.AddDate(0, 0, 9)}, {5, d.AddDate(0, 0, 20+i%30)}}}
		lost := Deal{ID: owner + "l", Owner: owner, Amount: decimal.NewNullDecimal(decimal.New(int64(5000+i), -2)), Outcome: Lost, Closed: d.AddDate(0, 0, 7),
			Events: []Event{{0, d}, {2, d.AddDate(0, 0, 3)}}}
		if err := t.Add(won); err != nil {
			b.Fatal(err)
		}
		if err := t.Add(lost); err != nil {
			b.Fatal(err)
		}
	}
	return t
}

// BenchmarkTallyJSON measures encoding and decoding a tally of many
// groups, as shards travel between workers: MB/s of JSON, and time per
// group, which should not grow with the number of groups.
func BenchmarkTallyJSON(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		t := manyOwners(b, n)
		wire, err := json.Marshal(t)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("marshal/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := t.MarshalJSON(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/group")
		})
		b.Run("unmarshal/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				var u Tally
				if err := u.UnmarshalJSON(wire); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/group")
		})
	}
}
