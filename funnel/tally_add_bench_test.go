package funnel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// crmDeals returns n deals shaped like the bench's CRM history
// (../shared/bench/gen.go): 50 owners, two segments and sources, every
// deal starting at the first of six stages and moving one stage at a time
// (now and then skipping one or moving back), log-normal gaps of days with
// times to the second, about 10% left open, the rest won (an event at the
// last stage) or lost (a Closed time and no event for it), and amounts in
// cents. That is about three events per deal.
func crmDeals(r *rand.Rand, n int) []Deal {
	const stages = 6
	owners := make([]string, 50)
	for i := range owners {
		owners[i] = fmt.Sprintf("owner_%02d", i+1)
	}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	median := [2][stages - 1]float64{{2, 4, 5, 6, 7}, {5, 12, 15, 20, 28}} // days, by segment and stage
	adv := [2][stages - 1]float64{{0.55, 0.62, 0.66, 0.60, 0.58}, {0.45, 0.55, 0.60, 0.55, 0.48}}
	gap := func(seg, stage int) time.Duration {
		days := median[seg][stage] * math.Exp(0.8*r.NormFloat64())
		return time.Duration(days * 86400 * float64(time.Second)).Truncate(time.Second)
	}
	deals := make([]Deal, n)
	for i := range deals {
		seg := 0
		if r.IntN(10) < 3 {
			seg = 1
		}
		d := Deal{
			ID:      fmt.Sprintf("D%09d", i+1),
			Owner:   owners[r.IntN(len(owners))],
			Segment: [2]string{"SMB", "Enterprise"}[seg],
			Source:  [2]string{"Inbound", "Outbound"}[r.IntN(2)],
			Amount:  decimal.NewNullDecimal(decimal.New(int64(500000+r.IntN(20000000)), -2)),
		}
		at := start.Add(time.Duration(r.IntN(2*365*86400)) * time.Second)
		stage := 0
		d.Events = append(d.Events, Event{Stage: stage, At: at})
		moved := false
		for {
			at = at.Add(gap(seg, stage))
			if r.Float64() >= adv[seg][stage] {
				if r.IntN(100) >= 11 {
					d.Outcome, d.Closed = Lost, at
				}
				break
			}
			next := stage + 1
			if stage < stages-2 && r.IntN(100) < 3 {
				next++
			}
			d.Events = append(d.Events, Event{Stage: next, At: at})
			if next == stages-1 {
				d.Outcome, d.Closed = Won, at
				break
			}
			stage = next
			if !moved && stage > 0 && r.IntN(1000) < 8 { // back one stage and forward again
				moved = true
				at = at.Add(gap(seg, stage) / 2)
				d.Events = append(d.Events, Event{Stage: stage - 1, At: at})
				at = at.Add(gap(seg, stage-1) / 2)
				d.Events = append(d.Events, Event{Stage: stage, At: at})
			}
		}
		deals[i] = d
	}
	return deals
}

// BenchmarkTallyAddCRM measures [Tally.Add] on deals shaped like a CRM
// history (see crmDeals), into a tally grouped by owner: one op is one
// deal. allocs/op is the allocations per deal once the 50 groups and their
// histograms exist.
func BenchmarkTallyAddCRM(b *testing.B) {
	f := MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")
	deals := crmDeals(rand.New(rand.NewPCG(1, 2)), 1<<14)
	t := NewTally(f, "owner")
	for _, d := range deals { // the groups and their histograms exist before the timing
		if err := t.Add(d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := t.Add(deals[i%len(deals)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/deal")
}

// BenchmarkTallyAddCRMGrouped2 is [BenchmarkTallyAddCRM] grouped by owner
// and segment, the path that builds a tuple key.
func BenchmarkTallyAddCRMGrouped2(b *testing.B) {
	f := MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")
	deals := crmDeals(rand.New(rand.NewPCG(1, 2)), 1<<14)
	t := NewTally(f, "owner", "segment")
	for _, d := range deals {
		if err := t.Add(d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := t.Add(deals[i%len(deals)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/deal")
}
