//go:build ignore

// gen.go writes a synthetic CRM opportunity stage-history CSV in long format,
// one row per stage entry:
//
//	deal_id,owner,segment,source,stage,entered_at,amount
//
// Usage: go run gen.go -deals 323000 -seed 1 -out data/events_1m.csv
//
// The output is a pure function of the flags (-deals, -seed): same flags, same
// bytes. Stdlib only.
//
// Model
//   - stages in order: Lead, Qualified, Meeting, Proposal, Negotiation, then a
//     terminal "Closed Won" or "Closed Lost".
//   - 50 owners; each owner has a skill factor and a per-stage multiplier on the
//     conversion probability, and a speed factor on stage durations.
//   - segment SMB (70%) or Enterprise (30%): different base conversion rates,
//     amount distributions and stage durations.
//   - source Inbound (55%) or Outbound: Inbound converts better at the top.
//   - each deal starts at Lead and advances one stage at a time with
//     probability base[segment][stage] * owner[stage] * source[stage]; from
//     Negotiation, advancing means "Closed Won".
//   - when a deal stops advancing it gets "Closed Lost", or, with probability
//     -open (default 0.11), stays open (no terminal row): about 10% of deals.
//   - an advance skips the next stage with probability -skip (default 0.03,
//     e.g. Qualified -> Proposal, or Proposal -> Closed Won).
//   - once per deal at most, on entering a stage past Lead, the deal regresses
//     one stage with probability -regress (default 0.008), then re-enters the
//     stage it left: about 1% of deals.
//   - entered_at is RFC3339 UTC, strictly increasing within a deal; gaps are
//     log-normal days, by segment, stage and owner.
//   - amount has 2 decimals and is constant for a deal.
//   - rows are grouped by deal (a deal's rows are contiguous, in time order);
//     deals are written in deal-creation order, whose start times are only
//     loosely increasing (jittered by up to +-5 days), so the file is not
//     sorted by entered_at globally.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

var stageNames = [...]string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won", "Closed Lost"}

const (
	stLead = iota
	stQualified
	stMeeting
	stProposal
	stNegotiation
	stWon
	stLost
)

type segment struct {
	name string
	// base probability of advancing from stage k (Lead..Negotiation) to k+1
	// (from Negotiation, k+1 is Closed Won).
	adv [5]float64
	// amount: log-normal, median and sigma (in dollars)
	amtMedian, amtSigma float64
	// stage duration: log-normal days, median per stage, common sigma
	durMedian [5]float64
	durSigma  float64
}

var segments = [2]segment{
	{
		name:      "SMB",
		adv:       [5]float64{0.55, 0.62, 0.66, 0.60, 0.58},
		amtMedian: 9000, amtSigma: 0.7,
		durMedian: [5]float64{2, 4, 5, 6, 7},
		durSigma:  0.8,
	},
	{
		name:      "Enterprise",
		adv:       [5]float64{0.45, 0.55, 0.60, 0.55, 0.48},
		amtMedian: 85000, amtSigma: 0.8,
		durMedian: [5]float64{5, 12, 15, 20, 28},
		durSigma:  0.7,
	},
}

var sourceNames = [2]string{"Inbound", "Outbound"}

// source multipliers on the advance probability per stage
var sourceMult = [2][5]float64{
	{1.20, 1.08, 1.00, 1.00, 1.00},
	{0.80, 0.92, 1.00, 1.00, 1.00},
}

type owner struct {
	name  string
	mult  [5]float64 // per-stage multiplier on advance probability
	speed float64    // multiplier on durations
	ent   float64    // share of Enterprise deals
}

func main() {
	nDeals := flag.Int("deals", 323000, "number of deals")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "-", "output file (- for stdout)")
	nOwners := flag.Int("owners", 50, "number of owners")
	pOpen := flag.Float64("open", 0.11, "probability that a deal that stops advancing stays open (no terminal row)")
	pSkip := flag.Float64("skip", 0.03, "probability that an advance skips one stage")
	pRegress := flag.Float64("regress", 0.008, "probability, on entering a stage past Lead, of regressing one stage (once per deal)")
	flag.Parse()

	rng := rand.New(rand.NewPCG(*seed, 0x9e3779b97f4a7c15))

	owners := make([]owner, *nOwners)
	for i := range owners {
		o := &owners[i]
		o.name = fmt.Sprintf("owner_%02d", i+1)
		skill := 0.85 + 0.30*rng.Float64() // 0.85 .. 1.15
		for k := range o.mult {
			o.mult[k] = skill * (0.88 + 0.24*rng.Float64())
		}
		o.speed = 0.7 + 0.6*rng.Float64()
		o.ent = 0.15 + 0.30*rng.Float64() // 15% .. 45% Enterprise; mean 30%
	}

	var w *bufio.Writer
	if *out == "-" {
		w = bufio.NewWriterSize(os.Stdout, 1<<20)
	} else {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = bufio.NewWriterSize(f, 1<<20)
	}

	w.WriteString("deal_id,owner,segment,source,stage,entered_at,amount\n")

	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	const span = 2 * 365 * 86400 // deals are created over two years
	const jitter = 5 * 86400

	var (
		rows                                  int64
		nWon, nLost, nOpen, nSkip, nRegressed int64
		line                                  []byte
	)
	emit := func(dealID []byte, o *owner, seg *segment, src, stage int, ts int64, cents int64) {
		line = line[:0]
		line = append(line, dealID...)
		line = append(line, ',')
		line = append(line, o.name...)
		line = append(line, ',')
		line = append(line, seg.name...)
		line = append(line, ',')
		line = append(line, sourceNames[src]...)
		line = append(line, ',')
		line = append(line, stageNames[stage]...)
		line = append(line, ',')
		line = time.Unix(ts, 0).UTC().AppendFormat(line, time.RFC3339)
		line = append(line, ',')
		line = strconv.AppendInt(line, cents/100, 10)
		line = append(line, '.')
		c := cents % 100
		line = append(line, byte('0'+c/10), byte('0'+c%10))
		line = append(line, '\n')
		w.Write(line)
		rows++
	}

	// gap draws a log-normal stage duration in seconds (at least one hour).
	gap := func(seg *segment, o *owner, stage int) int64 {
		days := seg.durMedian[stage] * o.speed * math.Exp(seg.durSigma*rng.NormFloat64())
		s := int64(days * 86400)
		if s < 3600 {
			s = 3600
		}
		return s
	}

	var dealID []byte
	for d := 0; d < *nDeals; d++ {
		o := &owners[rng.IntN(len(owners))]
		si := 0
		if rng.Float64() < o.ent {
			si = 1
		}
		seg := &segments[si]
		src := 0
		if rng.Float64() >= 0.55 {
			src = 1
		}
		cents := int64(math.Round(seg.amtMedian*math.Exp(seg.amtSigma*rng.NormFloat64()))) * 100
		if rng.IntN(4) == 0 { // a quarter of deals have non-round amounts
			cents += int64(rng.IntN(100000))
		}
		if cents < 50000 {
			cents = 50000 + int64(rng.IntN(100))
		}

		dealID = dealID[:0]
		dealID = append(dealID, 'D')
		n := strconv.AppendInt(nil, int64(d+1), 10)
		for i := len(n); i < 9; i++ {
			dealID = append(dealID, '0')
		}
		dealID = append(dealID, n...)

		ts := start + int64(d)*span/int64(*nDeals) + rng.Int64N(2*jitter) - jitter + rng.Int64N(86400)
		stage := stLead
		emit(dealID, o, seg, src, stage, ts, cents)
		regressed, skipped := false, false
		for {
			p := seg.adv[stage] * o.mult[stage] * sourceMult[src][stage]
			p = math.Min(0.95, math.Max(0.02, p))
			ts += gap(seg, o, stage)
			if rng.Float64() >= p {
				// stops advancing
				if rng.Float64() < *pOpen {
					nOpen++
				} else {
					emit(dealID, o, seg, src, stLost, ts, cents)
					nLost++
				}
				break
			}
			next := stage + 1
			// skip one stage: Lead->Meeting ... Proposal->Closed Won
			if stage <= stProposal && rng.Float64() < *pSkip {
				next = stage + 2
				skipped = true
			}
			if next == stWon {
				emit(dealID, o, seg, src, stWon, ts, cents)
				nWon++
				break
			}
			emit(dealID, o, seg, src, next, ts, cents)
			stage = next
			if !regressed && stage > stLead && rng.Float64() < *pRegress {
				// regress one stage, then advance again to the stage it left
				regressed = true
				nRegressed++
				ts += gap(seg, o, stage) / 2
				emit(dealID, o, seg, src, stage-1, ts, cents)
				ts += gap(seg, o, stage-1) / 2
				emit(dealID, o, seg, src, stage, ts, cents)
			}
		}
		if skipped {
			nSkip++
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nd := float64(*nDeals)
	fmt.Fprintf(os.Stderr, "deals=%d rows=%d rows/deal=%.3f won=%.2f%% lost=%.2f%% open=%.2f%% skipped=%.2f%% regressed=%.2f%%\n",
		*nDeals, rows, float64(rows)/nd, 100*float64(nWon)/nd, 100*float64(nLost)/nd, 100*float64(nOpen)/nd,
		100*float64(nSkip)/nd, 100*float64(nRegressed)/nd)
}
