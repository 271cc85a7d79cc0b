package funnel_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// Issue 15: every mergeable aggregate of the package (Tally, CohortTally,
// Durations) travels as JSON between the workers of a distributed engine.
// These tests build each one from real deals (the Maven CRM sample and a
// stage history in the shape of the bench generator, both read with
// funnel/crm), check that it comes back from its encoding exactly, and
// that the merge of shards tallied, encoded and decoded apart equals one
// pass over all the deals. The decoders' refusal of aggregates no deals
// could give is in TestAggregateDecodeRejects.

// encMavenPath is the public Maven CRM sample; see
// /work/shared/data/maven-crm/README.md. It is not shipped with the module,
// so the tests that read it skip without it.
var encMavenPath = filepath.Join("..", "..", "shared", "data", "maven-crm", "sales_pipeline.csv")

// encMaven is the Maven sample's funnel and mapping: one row per deal, its
// current stage, an engage date for Engaging and later, a close date and
// value for Won and Lost.
var (
	encMaven     = funnel.MustNew("Prospecting", "Engaging", "Won")
	encMavenCols = crm.SnapshotColumns{ID: "opportunity_id", Owner: "sales_agent", Account: "account", Stage: "deal_stage",
		Closed: "close_date", Amount: "close_value", StageDates: map[string]string{"Engaging": "engage_date"}}
)

// encMavenDeals reads the Maven sample with the snapshot reader.
func encMavenDeals(t testing.TB) []funnel.Deal {
	t.Helper()
	fh, err := os.Open(encMavenPath)
	if err != nil {
		t.Skipf("Maven CRM sample absent: %v", err)
	}
	defer fh.Close()
	res, err := crm.Snapshot{Funnel: encMaven, Columns: encMavenCols}.ReadAll(context.Background(), fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deals) != 8800 || len(res.Skipped) != 0 {
		t.Fatalf("Maven sample: %d deals, %d skipped; its README says 8,800 deals", len(res.Deals), len(res.Skipped))
	}
	return res.Deals
}

// encStages is the bench generator's funnel (/work/shared/bench/gen.go).
var encStages = funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")

// encHistory returns a long stage history of n deals in the shape of the
// bench generator's (deal_id, owner, segment, source, stage, entered_at,
// amount; 50 owners, SMB and Enterprise, Inbound and Outbound), drawn from
// seed, with what the encodings must carry: skips, moves back, repeated
// rows at one stage (an amount edit, which the reader folds into one
// stay), open deals, deals created straight as lost (no stage), deals
// without an amount, stalls of 550 to 1100 days (the sparse part of a
// Durations), times to the second, and owner names that need quoting in
// CSV and escaping in JSON.
func encHistory(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 15))
	owners := make([]string, 50)
	for i := range owners {
		owners[i] = fmt.Sprintf("owner_%02d", i+1)
	}
	owners[7] = `Núñez, Zoë "Z"`
	owners[8] = "tab\there"
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	must := func(err error) {
		if err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
	}
	must(w.Write([]string{"deal_id", "owner", "segment", "source", "stage", "entered_at", "amount"}))
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range n {
		id := fmt.Sprintf("D%07d", d+1)
		owner := owners[r.IntN(len(owners))]
		seg, src := "SMB", "Inbound"
		if r.IntN(10) < 3 {
			seg = "Enterprise"
		}
		if r.IntN(100) >= 55 {
			src = "Outbound"
		}
		amount := ""
		if r.IntN(50) > 0 {
			amount = fmt.Sprintf("%d.%02d", 500+r.IntN(200_000), r.IntN(100))
		}
		at := t0.Add(time.Duration(r.IntN(2*365*24*60)) * time.Minute)
		row := func(stage string) {
			must(w.Write([]string{id, owner, seg, src, stage, at.Format(time.RFC3339), amount}))
		}
		gap := func() {
			h := 1 + r.IntN(24*20)
			if r.IntN(100) == 0 {
				h = 24 * (550 + r.IntN(550))
			}
			at = at.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
		}
		if r.IntN(200) == 0 {
			row("Closed Lost") // created straight as lost
			continue
		}
		stage, movedBack := 0, false
		row(encStages.Stage(stage))
	deal:
		for {
			gap()
			switch x := r.Float64(); {
			case x < 0.05: // an edit at the same stage
				row(encStages.Stage(stage))
			case x < 0.08 && stage > 0 && !movedBack:
				stage--
				movedBack = true
				row(encStages.Stage(stage))
			case x < 0.62:
				stage++
				if r.IntN(30) == 0 {
					stage++ // a skip
				}
				if stage >= encStages.Last() {
					row(encStages.Stage(encStages.Last()))
					break deal
				}
				row(encStages.Stage(stage))
			case x < 0.70:
				break deal // still open
			default:
				row("Closed Lost")
				break deal
			}
		}
	}
	w.Flush()
	must(w.Error())
	return buf.Bytes()
}

// encHistoryDeals reads encHistory(n, seed) with the long reader.
func encHistoryDeals(t testing.TB, n int, seed uint64) []funnel.Deal {
	t.Helper()
	res, err := crm.Long{Funnel: encStages}.ReadAll(context.Background(), bytes.NewReader(encHistory(n, seed)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deals) != n || len(res.Skipped) != 0 {
		t.Fatalf("history: %d deals, %d skipped; want %d, 0", len(res.Deals), len(res.Skipped), n)
	}
	return res.Deals
}

// encSource is a set of real deals and its funnel.
type encSource struct {
	name  string
	f     funnel.Funnel
	deals []funnel.Deal
}

// encSources returns the Maven sample (unless absent) and a 20,000-deal
// history.
func encSources(t *testing.T) []encSource {
	t.Helper()
	srcs := []encSource{{"history", encStages, encHistoryDeals(t, 20_000, 1)}}
	if _, err := os.Stat(encMavenPath); err == nil {
		srcs = append(srcs, encSource{"maven", encMaven, encMavenDeals(t)})
	} else {
		t.Logf("Maven CRM sample absent (%v): history only", err)
	}
	return srcs
}

// encShards splits deals into k shards, round robin (deal i to shard
// i mod k) or in contiguous runs.
func encShards(deals []funnel.Deal, k int, contiguous bool) [][]funnel.Deal {
	out := make([][]funnel.Deal, k)
	for i, d := range deals {
		s := i % k
		if contiguous {
			s = i * k / len(deals)
		}
		out[s] = append(out[s], d)
	}
	return out
}

// tallyView is everything a Tally holds, through its exported methods,
// for cmp: its funnel, grouping and the counts of every group (a Funnel,
// a decimal.Decimal and a Durations compare with their Equal methods, so
// money and histograms compare exactly).
type tallyView struct {
	Funnel funnel.Funnel
	By     []string
	Groups []funnel.Counts
}

func viewTally(t *funnel.Tally) tallyView {
	return tallyView{Funnel: t.Funnel(), By: t.By(), Groups: t.Groups()}
}

// encTally tallies deals over f grouped by by.
func encTally(t testing.TB, f funnel.Funnel, deals []funnel.Deal, by ...string) *funnel.Tally {
	t.Helper()
	ta := funnel.NewTally(f, by...)
	if err := ta.AddAll(funnel.Stream(deals)); err != nil {
		t.Fatal(err)
	}
	return ta
}

// decodeTally decodes b with encoding/json, as a worker receiving it does.
func decodeTally(t testing.TB, b []byte) *funnel.Tally {
	t.Helper()
	var u funnel.Tally
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	return &u
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%T): %v", v, err)
	}
	return b
}

// encGroupings returns the groupings the tests tally src by: none, one
// attribute, two (keys of two values), and a column of the export kept
// in Deal.Attrs.
func encGroupings(src encSource) [][]string {
	if src.name == "maven" {
		return [][]string{nil, {funnel.AttrOwner}, {funnel.AttrOwner, funnel.AttrAccount}, {"product"}}
	}
	return [][]string{nil, {funnel.AttrOwner}, {funnel.AttrOwner, funnel.AttrSegment}, {"source"}}
}

// TestTallyEncodingRoundTrip: a tally of real deals decodes to the same
// tally, exactly (every count, every sum of money to the last digit,
// every histogram bin), and encodes again to the same bytes.
func TestTallyEncodingRoundTrip(t *testing.T) {
	for _, src := range encSources(t) {
		for _, by := range encGroupings(src) {
			t.Run(fmt.Sprintf("%s by %q", src.name, by), func(t *testing.T) {
				ta := encTally(t, src.f, src.deals, by...)
				if by != nil && ta.Len() < 2 {
					t.Fatalf("%d groups: the data does not exercise grouping", ta.Len())
				}
				b := mustMarshal(t, ta)
				back := decodeTally(t, b)
				if diff := cmp.Diff(viewTally(ta), viewTally(back)); diff != "" {
					t.Errorf("round trip mismatch (-tallied +decoded):\n%s", diff)
				}
				if again := mustMarshal(t, back); !bytes.Equal(b, again) {
					t.Errorf("encoding the decoded tally gives other bytes:\n%.300s\nthen\n%.300s", b, again)
				}
				// A second derivation of the total: the deals counted
				// straight from the slice.
				tot, err := back.Total()
				if err != nil {
					t.Fatal(err)
				}
				var won, lost, open int64
				for _, d := range src.deals {
					switch d.Outcome {
					case funnel.Won:
						won++
					case funnel.Lost:
						lost++
					default:
						open++
					}
				}
				if got, want := [4]int64{tot.Deals, tot.Won, tot.Lost, tot.Open}, [4]int64{int64(len(src.deals)), won, lost, open}; got != want {
					t.Errorf("decoded total deals, won, lost, open = %v; counted from the deals %v", got, want)
				}
			})
		}
	}
}

// TestTallyEncodingShards: shards of the deals tallied apart, each
// encoded and decoded as it would travel to a combiner (as JSON and in
// the binary form), merge to the tally of one pass over all the deals,
// exactly, in either order, and to its bytes.
func TestTallyEncodingShards(t *testing.T) {
	codecs := []struct {
		name   string
		encode func(testing.TB, *funnel.Tally) []byte
		decode func(testing.TB, []byte) *funnel.Tally
	}{
		{"json", func(t testing.TB, ta *funnel.Tally) []byte { return mustMarshal(t, ta) }, decodeTally},
		{"binary", mustMarshalBinary, decodeBinary},
	}
	for _, src := range encSources(t) {
		for _, by := range encGroupings(src) {
			one := encTally(t, src.f, src.deals, by...)
			for _, c := range codecs {
				oneWire := c.encode(t, one)
				for _, k := range []int{3, 4} {
					for _, contiguous := range []bool{false, true} {
						t.Run(fmt.Sprintf("%s %s by %q %d shards contiguous=%v", c.name, src.name, by, k, contiguous), func(t *testing.T) {
							var decoded []*funnel.Tally
							for _, shard := range encShards(src.deals, k, contiguous) {
								decoded = append(decoded, c.decode(t, c.encode(t, encTally(t, src.f, shard, by...))))
							}
							for _, reverse := range []bool{false, true} {
								merged := funnel.NewTally(src.f, by...)
								for i := range decoded {
									if reverse {
										i = len(decoded) - 1 - i
									}
									if err := merged.Merge(decoded[i]); err != nil {
										t.Fatal(err)
									}
								}
								if diff := cmp.Diff(viewTally(one), viewTally(merged)); diff != "" {
									t.Fatalf("reverse=%v: merge of decoded shards mismatch (-one pass +merged):\n%s", reverse, diff)
								}
								if got := c.encode(t, merged); !bytes.Equal(oneWire, got) {
									t.Errorf("reverse=%v: the merged tally encodes to other bytes than one pass", reverse)
								}
							}
						})
					}
				}
			}
		}
	}
}

// cohortView is everything a CohortTally holds, through its exported
// methods.
type cohortView struct {
	Funnel  funnel.Funnel
	Options funnel.CohortOptions
	Undated int64
	Cohorts []funnel.Cohort
}

func viewCohorts(c *funnel.CohortTally) cohortView {
	return cohortView{Funnel: c.Funnel(), Options: c.Options(), Undated: c.Undated(), Cohorts: c.Cohorts()}
}

// encCohortOptions returns options for the deals of src, as of a day in
// the span of the data, so that the early cohorts are mature and the late
// ones are not: by month, by week with a window of 10 days and 90 minutes,
// by quarter in a zone of UTC+2.
func encCohortOptions(src encSource) []funnel.CohortOptions {
	// The history runs from 2023 to 2027 (with its stalls), the Maven
	// sample from October 2016 to December 2017.
	asOf, quarterAsOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if src.name == "maven" {
		asOf, quarterAsOf = time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	return []funnel.CohortOptions{
		{Period: funnel.Month, Window: 30 * 24 * time.Hour, AsOf: asOf},
		{Period: funnel.Week, Window: 10*24*time.Hour + 90*time.Minute, AsOf: asOf},
		{Period: funnel.Quarter, Window: 90 * 24 * time.Hour, AsOf: quarterAsOf.In(time.FixedZone("UTC+2", 2*3600))},
	}
}

func encCohortTally(t testing.TB, f funnel.Funnel, opts funnel.CohortOptions, deals []funnel.Deal) *funnel.CohortTally {
	t.Helper()
	c, err := funnel.NewCohortTally(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deals {
		if err := c.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func decodeCohorts(t testing.TB, b []byte) *funnel.CohortTally {
	t.Helper()
	var u funnel.CohortTally
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	return &u
}

// TestCohortTallyEncoding: a cohort tally of real deals decodes to the
// same cohorts, options and undated count and encodes again to the same
// bytes; shards tallied, encoded and decoded apart merge to one pass.
func TestCohortTallyEncoding(t *testing.T) {
	for _, src := range encSources(t) {
		for _, opts := range encCohortOptions(src) {
			t.Run(fmt.Sprintf("%s by %s", src.name, opts.Period), func(t *testing.T) {
				one := encCohortTally(t, src.f, opts, src.deals)
				v := viewCohorts(one)
				mature := 0
				for _, c := range v.Cohorts {
					if c.Mature {
						mature++
					}
				}
				t.Logf("%d cohorts, %d mature", len(v.Cohorts), mature)
				if len(v.Cohorts) < 2 || mature == 0 || mature == len(v.Cohorts) {
					t.Fatalf("%d cohorts, %d mature: the data does not exercise maturity", len(v.Cohorts), mature)
				}
				b := mustMarshal(t, one)
				back := decodeCohorts(t, b)
				if diff := cmp.Diff(v, viewCohorts(back)); diff != "" {
					t.Errorf("round trip mismatch (-tallied +decoded):\n%s", diff)
				}
				if again := mustMarshal(t, back); !bytes.Equal(b, again) {
					t.Errorf("encoding the decoded cohort tally gives other bytes")
				}
				for _, k := range []int{3, 4} {
					merged, err := funnel.NewCohortTally(src.f, opts)
					if err != nil {
						t.Fatal(err)
					}
					for _, shard := range encShards(src.deals, k, false) {
						if err := merged.Merge(decodeCohorts(t, mustMarshal(t, encCohortTally(t, src.f, opts, shard)))); err != nil {
							t.Fatal(err)
						}
					}
					if diff := cmp.Diff(v, viewCohorts(merged)); diff != "" {
						t.Errorf("%d shards: merge of decoded shards mismatch (-one pass +merged):\n%s", k, diff)
					}
					if got := mustMarshal(t, merged); !bytes.Equal(b, got) {
						t.Errorf("%d shards: the merged cohort tally encodes to other bytes than one pass", k)
					}
				}
			})
		}
	}
}

// durationsView is what a Durations holds.
type durationsView struct {
	N, Seconds int64
	Bins       []funnel.Bin
}

func viewDurations(h funnel.Durations) durationsView {
	return durationsView{N: h.N(), Seconds: h.Seconds(), Bins: h.Bins()}
}

// encCycles returns the cycle (Deal.Start to Deal.CloseTime) of every
// closed deal of deals whose both times are known, as Durations.
func encCycles(t testing.TB, deals []funnel.Deal) funnel.Durations {
	t.Helper()
	var h funnel.Durations
	for _, d := range deals {
		start, end := d.Start(), d.CloseTime()
		if start.IsZero() || end.IsZero() {
			continue
		}
		if err := h.Add(end.Sub(start)); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// TestDurationsEncoding: the cycles of real deals, a Durations with dense
// and sparse days, decode to the same histogram and sum of seconds; the
// histograms of shards, encoded and decoded, merge to one pass.
func TestDurationsEncoding(t *testing.T) {
	for _, src := range encSources(t) {
		t.Run(src.name, func(t *testing.T) {
			one := encCycles(t, src.deals)
			v := viewDurations(one)
			if len(v.Bins) < 10 {
				t.Fatalf("%d bins: the data does not exercise the histogram", len(v.Bins))
			}
			b := mustMarshal(t, one)
			var back funnel.Durations
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(v, viewDurations(back)); diff != "" {
				t.Errorf("round trip mismatch (-added +decoded):\n%s", diff)
			}
			if !back.Equal(one) {
				t.Errorf("decoded.Equal(original) = false")
			}
			for _, k := range []int{3, 4} {
				var merged funnel.Durations
				for _, shard := range encShards(src.deals, k, true) {
					var part funnel.Durations
					if err := json.Unmarshal(mustMarshal(t, encCycles(t, shard)), &part); err != nil {
						t.Fatal(err)
					}
					if err := merged.Merge(part); err != nil {
						t.Fatal(err)
					}
				}
				if diff := cmp.Diff(v, viewDurations(merged)); diff != "" {
					t.Errorf("%d shards: merge of decoded shards mismatch (-one pass +merged):\n%s", k, diff)
				}
			}
		})
	}
	// The history has stalls past the dense days (512): the sparse part
	// travels too.
	h := encCycles(t, encHistoryDeals(t, 20_000, 1))
	if bins := h.Bins(); bins[len(bins)-1].Day < 550 {
		t.Errorf("longest cycle %d days: the history does not reach the sparse bins", bins[len(bins)-1].Day)
	}
}

// The hand-worked aggregates that TestAggregateDecodeRejects breaks one
// field at a time.
//
// handTallyJSON is the tally over a > b > c grouped by owner of three
// deals of owner "x", all in January 2024:
//
//	W won, 10.00, at a on the 1st, b on the 3rd, c on the 6th
//	O open, 4.00, at a on the 2nd
//	L lost, no amount, at a on the 1st, b on the 2nd, closed on the 5th
//
// Deals 3 (won 1, lost 1, open 1); reached a 3, b 2 (W, L), c 1 (W), as
// entered; both a and b W and L, both b and c W: [2, 1, 0]; open at a 1
// (O), lost at b 1 (L); money reaching a 10 + 4 = 14, b and c 10 (W);
// one deal without an amount; won cycle 5 days (432000 s); lost cycle 4
// days (345600 s); time in a: W 2 days, L 1 day (259200 s); in b: W 3
// days, L 3 days to its close (518400 s); none in the won stage, nor for
// O, still in a; time to win from a 5 days, from b 3 days (259200 s).
const handTallyJSON = `{"funnel":["a","b","c"],"by":["owner"],"groups":[{"key":["x"],"deals":3,"won":1,"lost":1,"open":1,` +
	`"reached":[3,2,1],"entered":[3,2,1],"entered_both":[2,1,0],"open_at":[1,0,0],"strict_pending":[1,0,0],"lost_at":[0,1,0],"lost_no_stage":0,` +
	`"amount_reached":["14","10","10"],"no_amount":1,"won_amount":"10","won_with_amount":1,"open_amount":"4","open_with_amount":1,` +
	`"won_cycle":{"n":1,"seconds":432000,"days":[[5,1]]},"lost_cycle":{"n":1,"seconds":345600,"days":[[4,1]]},` +
	`"stage_time":[{"n":2,"seconds":259200,"days":[[1,1],[2,1]]},{"n":2,"seconds":518400,"days":[[3,2]]},{"n":0,"seconds":0,"days":[]}],` +
	`"won_to_close":[{"n":1,"seconds":432000,"days":[[5,1]]},{"n":1,"seconds":259200,"days":[[3,1]]},{"n":0,"seconds":0,"days":[]}]}]}`

// handCohortJSON is the cohort tally over a > b > c by month, a window of
// 7 days, as of 2024-03-01, of two deals of January 2024: W at a on the
// 3rd, b on the 5th (2 days: in the window), c on the 20th (15 days: not);
// O at a on the 10th, b on the 20th (10 days: not). Reached 2, 2, 1;
// converted a→b 1 (W), b→c 0; latest reach of a the 10th, of b and c the
// 20th.
const handCohortJSON = `{"funnel":["a","b","c"],"period":"month","window_days":7,"as_of":"2024-03-01T00:00:00Z","undated":0,` +
	`"cohorts":[{"start":"2024-01-01T00:00:00Z","deals":2,"reached":[2,2,1],"converted":[1,0],"unknown":[0,0],` +
	`"last_reach":["2024-01-10T00:00:00Z","2024-01-20T00:00:00Z","2024-01-20T00:00:00Z"]}]}`

// handDurationsJSON is the durations of 1, 1 and 600 days: 602 days of
// 86400 s.
const handDurationsJSON = `{"n":3,"seconds":52012800,"days":[[1,2],[600,1]]}`

// handAggregates returns the deals of handTallyJSON and handCohortJSON.
func handAggregates(t testing.TB) (*funnel.Tally, *funnel.CohortTally, funnel.Durations) {
	t.Helper()
	jan := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	ev := func(stage, d int) funnel.Event { return funnel.Event{Stage: stage, At: jan(d)} }
	f := funnel.MustNew("a", "b", "c")
	ta := encTally(t, f, []funnel.Deal{
		{ID: "W", Owner: "x", Outcome: funnel.Won, Amount: decimalOf("10.00"), Events: []funnel.Event{ev(0, 1), ev(1, 3), ev(2, 6)}},
		{ID: "O", Owner: "x", Amount: decimalOf("4.00"), Events: []funnel.Event{ev(0, 2)}},
		{ID: "L", Owner: "x", Outcome: funnel.Lost, Closed: jan(5), Events: []funnel.Event{ev(0, 1), ev(1, 2)}},
	}, funnel.AttrOwner)
	ct := encCohortTally(t, f, funnel.CohortOptions{Window: 7 * 24 * time.Hour, AsOf: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, []funnel.Deal{
		{ID: "W", Outcome: funnel.Won, Events: []funnel.Event{ev(0, 3), ev(1, 5), ev(2, 20)}},
		{ID: "O", Events: []funnel.Event{ev(0, 10), ev(1, 20)}},
	})
	var h funnel.Durations
	for _, days := range []int{1, 1, 600} {
		if err := h.Add(time.Duration(days) * 24 * time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	return ta, ct, h
}

// TestHandAggregatesJSON checks the hand-worked documents against the
// encodings of their deals.
func TestHandAggregatesJSON(t *testing.T) {
	ta, ct, h := handAggregates(t)
	for _, tt := range []struct {
		name string
		v    any
		want string
	}{{"tally", ta, handTallyJSON}, {"cohort tally", ct, handCohortJSON}, {"durations", h, handDurationsJSON}} {
		if diff := cmp.Diff(tt.want, string(mustMarshal(t, tt.v))); diff != "" {
			t.Errorf("%s: encoding mismatch (-hand-worked +encoded):\n%s", tt.name, diff)
		}
	}
}

// withField returns doc, a JSON object, with the member at path set to
// the JSON value v: path is member names and array indexes, such as
// "groups", "0", "open_at".
func withField(t testing.TB, doc, v string, path ...string) string {
	t.Helper()
	var root any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	var val any
	if err := json.Unmarshal([]byte(v), &val); err != nil {
		t.Fatal(err)
	}
	cur := root
	for i, p := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = val
			}
			cur = c[p]
		case []any:
			k, err := strconv.Atoi(p)
			if err != nil || k >= len(c) {
				t.Fatalf("path %q: %q is not an index of %d elements", path, p, len(c))
			}
			if last {
				c[k] = val
			}
			cur = c[k]
		default:
			t.Fatalf("path %q: %q is in a %T", path, p, cur)
		}
	}
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withCopy returns doc with a copy of the first element of the array at
// path appended to it.
func withCopy(t testing.TB, doc string, path ...string) string {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	var cur any = root
	for _, p := range path[:len(path)-1] {
		cur = cur.(map[string]any)[p]
	}
	m := cur.(map[string]any)
	arr := m[path[len(path)-1]].([]any)
	m[path[len(path)-1]] = append(arr, arr[0])
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lostGroupJSON is a tally over a > b > c of one deal of owner "x", lost
// at a with an amount of 5 (amountReached and noAmount say otherwise where
// a case needs).
func lostGroupJSON(amountReached string, noAmount int) string {
	return `{"funnel":["a","b","c"],"by":["owner"],"groups":[{"key":["x"],"deals":1,"won":0,"lost":1,"open":0,` +
		`"reached":[1,0,0],"entered":[1,0,0],"entered_both":[0,0,0],"open_at":[0,0,0],"strict_pending":[0,0,0],"lost_at":[1,0,0],` +
		`"amount_reached":` + amountReached + `,"no_amount":` + strconv.Itoa(noAmount) + `,"won_amount":"0","open_amount":"0",` +
		`"stage_time":[{},{},{}],"won_to_close":[{},{},{}]}]}`
}

// badAggregate is a document that no deals could give, the sentinel its
// decoder must wrap, and the place it must name.
type badAggregate struct {
	name  string
	kind  string // "tally", "cohort tally" or "durations"
	doc   string
	want  error
	place string
}

// handDecoded returns a new aggregate of the kind holding its hand-worked
// document, decoded, and that document.
func handDecoded(t testing.TB, kind string) (json.Unmarshaler, string) {
	t.Helper()
	var v json.Unmarshaler
	var doc string
	switch kind {
	case "tally":
		v, doc = new(funnel.Tally), handTallyJSON
	case "cohort tally":
		v, doc = new(funnel.CohortTally), handCohortJSON
	default:
		v, doc = new(funnel.Durations), handDurationsJSON
	}
	if err := v.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatalf("the hand-worked %s: %v", kind, err)
	}
	return v, doc
}

// badAggregates returns the hand-worked documents above, each broken in
// one way. The cases named "new: ..." were accepted before issue 15.
func badAggregates(t testing.TB) []badAggregate {
	g := func(v string, field ...string) string {
		return withField(t, handTallyJSON, v, append([]string{"groups", "0"}, field...)...)
	}
	co := func(v string, field ...string) string {
		return withField(t, handCohortJSON, v, append([]string{"cohorts", "0"}, field...)...)
	}
	const empty = `{"n":0,"seconds":0,"days":[]}`
	return []badAggregate{
		// Tally: counts that rise, parts above their whole, negatives.
		{"reached rises", "tally", g(`[2,3,1]`, "reached"), funnel.ErrCountsRise, "groups[0].reached"},
		{"won above closed", "tally", g(`2`, "won"), funnel.ErrOutOfRange, "groups[0].deals"},
		{"won with amount above won", "tally", g(`2`, "won_with_amount"), funnel.ErrCountsRise, "groups[0].won_with_amount"},
		{"open at not open", "tally", g(`[0,0,0]`, "open_at"), funnel.ErrOutOfRange, "groups[0].open_at"},
		{"negative lost at", "tally", g(`[0,-1,0]`, "lost_at"), funnel.ErrNegativeCount, "groups[0].lost_at"},
		{"negative deals", "tally", g(`-3`, "deals"), funnel.ErrNegativeCount, "groups[0].deals"},
		{"negative amount", "tally", g(`"-4"`, "open_amount"), funnel.ErrNegativeAmount, "groups[0].open_amount"},
		// Histograms whose n disagrees with the counts or with their bins.
		{"won cycle n above won", "tally", g(`{"n":2,"seconds":864000,"days":[[5,2]]}`, "won_cycle"), funnel.ErrCountsRise, "groups[0].won_cycle.n"},
		{"time to win above won", "tally", g(`{"n":2,"seconds":864000,"days":[[5,2]]}`, "won_to_close", "0"), funnel.ErrCountsRise, "groups[0].won_to_close"},
		{"histogram n not its bins", "tally", g(`{"n":2,"seconds":432000,"days":[[5,1]]}`, "won_cycle"), funnel.ErrOutOfRange, "groups[0].won_cycle.n"},
		{"histogram seconds outside its bins", "tally", g(`{"n":1,"seconds":10,"days":[[5,1]]}`, "lost_cycle"), funnel.ErrOutOfRange, "groups[0].lost_cycle.seconds"},
		{"time in the won stage", "tally", g(`{"n":1,"seconds":86400,"days":[[1,1]]}`, "stage_time", "2"), funnel.ErrCountsRise, "groups[0].stage_time"},
		// Lengths.
		{"reached of another funnel", "tally", g(`[3,2]`, "reached"), funnel.ErrLengthMismatch, "groups[0].reached"},
		{"stage time short", "tally", g(`[`+empty+`]`, "stage_time"), funnel.ErrLengthMismatch, "groups[0].stage_time"},
		{"key of two values", "tally", g(`["x","y"]`, "key"), funnel.ErrLengthMismatch, "groups[0].key"},
		// The tally itself.
		{"repeated key", "tally", withCopy(t, handTallyJSON, "groups"), funnel.ErrIncompatible, "groups[1].key"},
		{"no funnel", "tally", withField(t, handTallyJSON, `[]`, "funnel"), funnel.ErrEmptyFunnel, "funnel"},
		{"funnel repeats a stage", "tally", withField(t, handTallyJSON, `["a","b","a"]`, "funnel"), funnel.ErrDuplicateStage, ""},
		// New: reach that the deals' furthest stages do not give. With the
		// lost deal's furthest stage a, the open deal's a and the won
		// deal's c, reached is [3, 1, 1], not [3, 2, 1].
		{"new: reached not the deals' furthest stages", "tally", g(`[1,0,0]`, "lost_at"), funnel.ErrOutOfRange, "groups[0].reached"},
		// New: money that rises down the funnel, or that is not the won
		// deals' at the won stage, or less at the first stage than the
		// won and open deals hold, or where no deal reached, or with no
		// deal to hold it.
		{"new: money rises", "tally", g(`["14","9","10"]`, "amount_reached"), funnel.ErrCountsRise, "groups[0].amount_reached"},
		{"new: money at the won stage not won", "tally", g(`["14","10","9"]`, "amount_reached"), funnel.ErrOutOfRange, "groups[0].amount_reached"},
		{"new: money at a below won and open", "tally", g(`["13","10","10"]`, "amount_reached"), funnel.ErrCountsRise, "groups[0].amount_reached"},
		{"new: money where no deal reached", "tally", lostGroupJSON(`["5","1","0"]`, 0), funnel.ErrOutOfRange, "groups[0].amount_reached"},
		{"new: money without a deal with an amount", "tally", lostGroupJSON(`["5","0","0"]`, 1), funnel.ErrOutOfRange, "groups[0].amount_reached"},
		// New: a time to win from the won stage itself.
		{"new: time to win from the won stage", "tally", g(`{"n":1,"seconds":0,"days":[[0,1]]}`, "won_to_close", "2"), funnel.ErrOutOfRange, "groups[0].won_to_close"},
		// (A group of no deals, which no tally makes, is still accepted:
		// FromGroupSums makes one of an empty group of sums.)

		// CohortTally.
		{"cohort reached rises", "cohort tally", co(`[2,1,2]`, "reached"), funnel.ErrCountsRise, "cohorts[0].reached"},
		{"cohort reached above deals", "cohort tally", co(`[3,2,1]`, "reached"), funnel.ErrCountsRise, "cohorts[0].reached"},
		{"cohort converted above reached", "cohort tally", co(`[1,2]`, "converted"), funnel.ErrCountsRise, "cohorts[0].converted"},
		{"cohort converted and unknown above reached", "cohort tally", co(`[2,0]`, "unknown"), funnel.ErrCountsRise, "cohorts[0].converted"},
		{"cohort negative unknown", "cohort tally", co(`[-1,0]`, "unknown"), funnel.ErrNegativeCount, "cohorts[0].converted"},
		{"cohort negative deals", "cohort tally", co(`-2`, "deals"), funnel.ErrNegativeCount, "cohorts[0].deals"},
		{"cohort lengths", "cohort tally", co(`[1]`, "converted"), funnel.ErrLengthMismatch, "cohorts[0].converted"},
		{"cohort funnel of one stage", "cohort tally", withField(t, handCohortJSON, `["a"]`, "funnel"), funnel.ErrLengthMismatch, "cohorts[0].reached"},
		{"cohort start mid-month", "cohort tally", co(`"2024-01-02T00:00:00Z"`, "start"), funnel.ErrOutOfRange, "cohorts[0].start"},
		{"cohort repeated", "cohort tally", withCopy(t, handCohortJSON, "cohorts"), funnel.ErrIncompatible, "cohorts[1].start"},
		{"cohort window 0", "cohort tally", withField(t, handCohortJSON, `0`, "window_days"), funnel.ErrOutOfRange, "window_days"},
		{"cohort period", "cohort tally", withField(t, handCohortJSON, `"year"`, "period"), funnel.ErrOutOfRange, ""},
		{"cohort last reach not a time", "cohort tally", co(`""`, "last_reach", "1"), funnel.ErrOutOfRange, "cohorts[0].last_reach[1]"},
		{"cohort start a number", "cohort tally", co(`20240101`, "start"), funnel.ErrOutOfRange, "cohorts[0].start"},
		{"cohort as of in no zone", "cohort tally", withField(t, handCohortJSON, `"2024-03-01T00:00:00"`, "as_of"), funnel.ErrOutOfRange, "as_of"},
		{"cohort negative undated", "cohort tally", withField(t, handCohortJSON, `-1`, "undated"), funnel.ErrNegativeCount, "undated"},
		// New: a latest reach of a stage no deal reached; a reach before
		// the cohort began. (A cohort of no deals, which no cohort tally
		// makes either, is still accepted: TestCohortBoundaries decodes
		// one.)
		{"new: reach time of a stage not reached", "cohort tally", co(`[2,2,0]`, "reached"), funnel.ErrOutOfRange, "cohorts[0].last_reach"},
		{"new: reach before the cohort", "cohort tally", co(`"2023-12-31T23:59:59Z"`, "last_reach", "0"), funnel.ErrOutOfRange, "cohorts[0].last_reach"},

		// Durations.
		{"durations n not its bins", "durations", withField(t, handDurationsJSON, `4`, "n"), funnel.ErrOutOfRange, "n"},
		{"durations seconds outside its bins", "durations", withField(t, handDurationsJSON, `1`, "seconds"), funnel.ErrOutOfRange, "seconds"},
		{"durations days out of order", "durations", withField(t, handDurationsJSON, `[[600,1],[1,2]]`, "days"), funnel.ErrOutOfRange, "days[1].day"},
		{"durations negative bin", "durations", withField(t, handDurationsJSON, `[[1,-2],[600,5]]`, "days"), funnel.ErrNegativeCount, "days[0].count"},
		{"durations day past the limit", "durations", withField(t, handDurationsJSON, `[[1,2],[100001,1]]`, "days"), funnel.ErrOutOfRange, "days[1].day"},
	}
}

// TestAggregateDecodeRejects: each decoder refuses a document that no
// deals could give with a typed error that wraps the sentinel and names
// the place, and leaves its receiver (holding the hand-worked aggregate)
// as it was.
func TestAggregateDecodeRejects(t *testing.T) {
	for _, tt := range badAggregates(t) {
		t.Run(tt.name, func(t *testing.T) {
			into, before := handDecoded(t, tt.kind)
			err := into.UnmarshalJSON([]byte(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want %v", tt.doc, err, tt.want)
			}
			var ie *funnel.InputError
			var se *funnel.StageError
			place := ""
			switch {
			case errors.As(err, &ie):
				place = ie.Name
			case errors.As(err, &se):
				place = se.Input
			default:
				t.Fatalf("error %#v is not a typed error of package funnel", err)
			}
			if tt.place != "" && place != tt.place {
				t.Errorf("error %q names %q, want %q", err, place, tt.place)
			}
			if diff := cmp.Diff(before, string(mustMarshal(t, into))); diff != "" {
				t.Errorf("a failed decode changed the receiver (-before +after):\n%s", diff)
			}
		})
	}
}

// decimalOf returns the amount s.
func decimalOf(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

// TestCohortWindowRoundTrip: the window travels as a float64 of days,
// which cannot hold every duration of more than 2^53 ns (104 days); a
// window of whole microseconds up to 10^4 days, or of whole milliseconds
// up to the limit, comes back exactly, so a decoded cohort tally merges
// with one made with the same options. Before issue 15 a window past 104
// days came back some nanoseconds off, and the merge failed with
// ErrIncompatible, for about one in three of whole seconds and one in
// eight of whole minutes (measured over 20,000 random windows each).
func TestCohortWindowRoundTrip(t *testing.T) {
	f := funnel.MustNew("a", "b")
	asOf := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	windows := []time.Duration{time.Nanosecond, time.Microsecond, 7 * 24 * time.Hour, 10*24*time.Hour + 90*time.Minute,
		(33*24*time.Hour + 12*time.Hour + 29*time.Minute + 55*time.Second + 985*time.Millisecond), 45*24*time.Hour + time.Minute,
		9999*24*time.Hour + 23*time.Hour + 59*time.Minute + 59*time.Second + 999999*time.Microsecond,
		funnel.MaxDurationDays*24*time.Hour - time.Millisecond, funnel.MaxDurationDays * 24 * time.Hour}
	r := rand.New(rand.NewPCG(15, 2))
	for range 500 {
		windows = append(windows, time.Duration(1+r.Int64N(int64(1e4*24*time.Hour/time.Microsecond)))*time.Microsecond,
			time.Duration(1+r.Int64N(int64(funnel.MaxDurationDays*24*time.Hour/time.Millisecond)))*time.Millisecond)
	}
	for _, w := range windows {
		opts := funnel.CohortOptions{Window: w, AsOf: asOf}
		made := encCohortTally(t, f, opts, nil)
		back := decodeCohorts(t, mustMarshal(t, made))
		if got := back.Options().Window; got != w {
			t.Errorf("window %v (%d ns) comes back as %v (%d ns)", w, w, got, got)
			continue
		}
		if err := made.Merge(back); err != nil {
			t.Errorf("window %v: Merge of the decoded tally: %v", w, err)
		}
	}
}
