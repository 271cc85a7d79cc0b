package funnel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// BenchmarkTallyEncoding50Owners measures what a Beam combiner pays to
// carry a tally in its encodings, on the bench's shape: 100,000 deals of
// 50 owners (encHistory), tallied by owner.
//
//   - json/..., binary/...: marshal, unmarshal: the whole 50-owner tally in
//     each encoding (with its size), as a global combine (or a combiner
//     lifted before the shuffle) ships it; unmarshal+merge: what merging
//     one more such accumulator costs, the step repeated for every
//     accumulator of a combine;
//   - merge: the same without the decoding, for comparison;
//   - one owner marshal, unmarshal: a per-key accumulator (deals keyed by
//     owner, combined per key), a tally of one group;
//   - bundle: the same for the tally of a bundle of 2,000 deals, and for
//     its per-key accumulator of one owner, against tallying those deals;
//   - read per deal, add per deal: reading the deals from their CSV with
//     funnel/crm and tallying them, per deal, to weigh the encoding
//     against the work that produced it.
func BenchmarkTallyEncoding50Owners(b *testing.B) {
	deals := encHistoryDeals(b, 100_000, 1)
	ta := encTally(b, encStages, deals, funnel.AttrOwner)
	if ta.Len() != 50 {
		b.Fatalf("%d owners, want 50", ta.Len())
	}
	var one []funnel.Deal
	for _, d := range deals {
		if d.Owner == deals[0].Owner {
			one = append(one, d)
		}
	}
	single := encTally(b, encStages, one, funnel.AttrOwner)
	singleWire := mustMarshal(b, single)
	b.Logf("one owner (%d deals): %d bytes of JSON", len(one), len(singleWire))

	// The whole tally in each encoding, in the same run for the ratio.
	for _, c := range []struct {
		name      string
		marshal   func() ([]byte, error)
		unmarshal func(*funnel.Tally, []byte) error
	}{
		{"json", ta.MarshalJSON, (*funnel.Tally).UnmarshalJSON},
		{"binary", ta.MarshalBinary, (*funnel.Tally).UnmarshalBinary},
	} {
		wire, err := c.marshal()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/marshal", func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.marshal(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(wire)), "bytes")
		})
		b.Run(c.name+"/unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			for b.Loop() {
				var u funnel.Tally
				if err := c.unmarshal(&u, wire); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/unmarshal+merge", func(b *testing.B) {
			b.SetBytes(int64(len(wire)))
			b.ReportAllocs()
			acc := funnel.NewTally(encStages, funnel.AttrOwner)
			for b.Loop() {
				var u funnel.Tally
				if err := c.unmarshal(&u, wire); err != nil {
					b.Fatal(err)
				}
				if err := acc.Merge(&u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("merge", func(b *testing.B) {
		b.ReportAllocs()
		acc := funnel.NewTally(encStages, funnel.AttrOwner)
		for b.Loop() {
			if err := acc.Merge(ta); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one owner marshal", func(b *testing.B) {
		b.SetBytes(int64(len(singleWire)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(single); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one owner unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(singleWire)))
		b.ReportAllocs()
		for b.Loop() {
			var u funnel.Tally
			if err := json.Unmarshal(singleWire, &u); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A bundle of 2,000 deals, as a worker of a pipeline may tally before
	// it hands the accumulator on: its decoding and merge against its
	// tallying.
	bundle := encTally(b, encStages, deals[:2000], funnel.AttrOwner)
	bundleWire := mustMarshal(b, bundle)
	b.Logf("a bundle of 2,000 deals: %d owners, %d bytes of JSON", bundle.Len(), len(bundleWire))
	b.Run("bundle unmarshal+merge", func(b *testing.B) {
		b.SetBytes(int64(len(bundleWire)))
		b.ReportAllocs()
		acc := funnel.NewTally(encStages, funnel.AttrOwner)
		for b.Loop() {
			var u funnel.Tally
			if err := u.UnmarshalJSON(bundleWire); err != nil {
				b.Fatal(err)
			}
			if err := acc.Merge(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The per-key accumulator of that bundle: its deals of one owner.
	var keyDeals []funnel.Deal
	for _, d := range deals[:2000] {
		if d.Owner == deals[0].Owner {
			keyDeals = append(keyDeals, d)
		}
	}
	keyWire := mustMarshal(b, encTally(b, encStages, keyDeals, funnel.AttrOwner))
	b.Logf("its deals of one owner: %d deals, %d bytes of JSON", len(keyDeals), len(keyWire))
	b.Run("bundle one owner unmarshal+merge", func(b *testing.B) {
		b.SetBytes(int64(len(keyWire)))
		b.ReportAllocs()
		acc := funnel.NewTally(encStages, funnel.AttrOwner)
		for b.Loop() {
			var u funnel.Tally
			if err := u.UnmarshalJSON(keyWire); err != nil {
				b.Fatal(err)
			}
			if err := acc.Merge(&u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bundle one owner add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t := funnel.NewTally(encStages, funnel.AttrOwner)
			if err := t.AddAll(funnel.Stream(keyDeals)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bundle add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t := funnel.NewTally(encStages, funnel.AttrOwner)
			if err := t.AddAll(funnel.Stream(deals[:2000])); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read per deal", func(b *testing.B) {
		csv := encHistory(100_000, 1)
		b.SetBytes(int64(len(csv)))
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range (crm.Long{Funnel: encStages}).Deals(context.Background(), bytes.NewReader(csv)) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != len(deals) {
				b.Fatalf("read %d deals, want %d", n, len(deals))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(deals)), "ns/deal")
	})
	b.Run("add per deal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t := funnel.NewTally(encStages, funnel.AttrOwner)
			if err := t.AddAll(funnel.Stream(deals)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(deals)), "ns/deal")
	})
}
