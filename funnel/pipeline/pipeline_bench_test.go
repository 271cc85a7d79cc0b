package pipeline

import (
	"math/rand/v2"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
)

// benchDeals returns 1000 random deals with a few touches each and a
// source attribute.
func benchDeals() []funnel.Deal {
	r := rand.New(rand.NewPCG(1, 2))
	deals := randomDeals(r, 1000)
	for i := range deals {
		deals[i].Source = []string{"inbound", "outbound", "referral"}[r.IntN(3)]
		deals[i].Owner = []string{"ann", "bob", "cy", "di"}[r.IntN(4)]
		deals[i].Account = []string{"a1", "a2", "a3", "a4", "a5"}[r.IntN(5)]
		for range r.IntN(6) {
			deals[i].Activities = append(deals[i].Activities, funnel.Activity{Kind: []string{"call", "email", "meeting"}[r.IntN(3)], At: day(r.IntN(120)), Contact: []string{"x", "y", "z"}[r.IntN(3)]})
		}
	}
	return deals
}

func BenchmarkHealth(b *testing.B) {
	deals := benchDeals()
	th := Thresholds{StalledDays: 14, UntouchedDays: 7}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Health(testFunnel, deals, day(60), th); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWaterfall(b *testing.B) {
	deals := benchDeals()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Waterfall(testFunnel, deals, day(30), day(60), WaterfallOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLiveByDay(b *testing.B) {
	deals := benchDeals()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LiveByDay(testFunnel, deals, day(0), day(365)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkActivity(b *testing.B) {
	deals := benchDeals()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Activity(testFunnel, deals); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAttributeEffect(b *testing.B) {
	tally := tallyOf(b, testFunnel, funnel.AttrSource, benchDeals())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AttributeEffect(testFunnel, tally); err != nil {
			b.Fatal(err)
		}
	}
}
