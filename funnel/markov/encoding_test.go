package markov_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/funnel/markov"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Issue 15: the transitions counted on the workers of a distributed engine
// travel as JSON to the one that merges them. These tests count them from
// real deals read with funnel/crm (the Maven CRM sample and a stage
// history with moves back), check the round trip and that decoded shards
// merge to one pass, and that the decoder refuses moves that no deals'
// stays could give.

// encHistoryStages is the funnel of encHistoryCSV.
var encHistoryStages = funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")

// encHistoryCSV returns a long stage history of n deals in the shape of
// the bench generator's (deal_id, owner, segment, source, stage,
// entered_at, amount), drawn from seed, with the paths a chain must carry:
// skips, moves back (as many as a deal makes), repeated rows at one stage
// (one stay), open deals and deals created straight as lost. With
// wholeDays the times are dates, as in the Maven sample, so visit days are
// whole numbers; otherwise they run to the second.
func encHistoryCSV(n int, seed uint64, wholeDays bool) []byte {
	r := rand.New(rand.NewPCG(seed, 15))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	write := func(rec ...string) {
		if err := w.Write(rec); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
	}
	write("deal_id", "owner", "segment", "source", "stage", "entered_at", "amount")
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	last := encHistoryStages.Last()
	for d := range n {
		id, owner := fmt.Sprintf("D%07d", d+1), fmt.Sprintf("owner_%02d", 1+r.IntN(50))
		at := t0.Add(time.Duration(r.IntN(2*365*24)) * time.Hour)
		row := func(stage string) {
			ts := at.Format(time.RFC3339)
			if wholeDays {
				ts = at.Format(time.DateOnly)
			}
			write(id, owner, "SMB", "Inbound", stage, ts, "1000.00")
		}
		if r.IntN(200) == 0 {
			row("Closed Lost")
			continue
		}
		stage := r.IntN(2) // some deals start at Qualified
		row(encHistoryStages.Stage(stage))
	deal:
		for {
			at = at.Add(time.Duration(1+r.IntN(24*20))*time.Hour + time.Duration(r.IntN(3600))*time.Second)
			switch x := r.Float64(); {
			case x < 0.05:
				row(encHistoryStages.Stage(stage)) // an edit: the same stay
			case x < 0.12 && stage > 0:
				stage -= 1 + r.IntN(stage) // back one or more stages
				row(encHistoryStages.Stage(stage))
			case x < 0.62:
				stage += 1 + r.IntN(30)/29 // a skip one time in 30
				if stage >= last {
					row(encHistoryStages.Stage(last))
					break deal
				}
				row(encHistoryStages.Stage(stage))
			case x < 0.70:
				break deal // still open
			default:
				row("Closed Lost")
				break deal
			}
		}
	}
	w.Flush()
	return buf.Bytes()
}

// encSource is a set of deals read with funnel/crm, and its funnel.
type encSource struct {
	name  string
	f     funnel.Funnel
	deals []funnel.Deal
	exact bool // visit days are whole numbers, so float64 sums of them are exact
}

func encSources(t *testing.T) []encSource {
	t.Helper()
	var srcs []encSource
	for _, whole := range []bool{false, true} {
		res, err := crm.Long{Funnel: encHistoryStages}.ReadAll(context.Background(), bytes.NewReader(encHistoryCSV(20_000, 3, whole)))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deals) != 20_000 {
			t.Fatalf("history: %d deals, want 20000", len(res.Deals))
		}
		srcs = append(srcs, encSource{fmt.Sprintf("history wholeDays=%v", whole), encHistoryStages, res.Deals, whole})
	}
	// The Maven CRM sample (/work/shared/data/maven-crm/README.md), which
	// is not shipped with the module.
	fh, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "maven-crm", "sales_pipeline.csv"))
	if err != nil {
		t.Logf("Maven CRM sample absent (%v): history only", err)
		return srcs
	}
	defer fh.Close()
	maven := funnel.MustNew("Prospecting", "Engaging", "Won")
	res, err := crm.Snapshot{Funnel: maven, Columns: crm.SnapshotColumns{ID: "opportunity_id", Owner: "sales_agent", Stage: "deal_stage",
		Closed: "close_date", Amount: "close_value", StageDates: map[string]string{"Engaging": "engage_date"}}}.ReadAll(context.Background(), fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Deals) != 8800 {
		t.Fatalf("Maven sample: %d deals; its README says 8,800", len(res.Deals))
	}
	return append(srcs, encSource{"maven", maven, res.Deals, true})
}

func countMoves(t testing.TB, f funnel.Funnel, deals []funnel.Deal) markov.Transitions {
	t.Helper()
	c, err := markov.CountMoves(f, funnel.Stream(deals))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func roundTrip(t testing.TB, c markov.Transitions) (markov.Transitions, []byte) {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back markov.Transitions
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	return back, b
}

// TestTransitionsEncoding: transitions counted from real deals decode to
// the same counts and visit days, exactly, and encode again to the same
// bytes; the transitions of shards, each encoded and decoded, merge to
// those of one pass over all the deals.
func TestTransitionsEncoding(t *testing.T) {
	for _, src := range encSources(t) {
		t.Run(src.name, func(t *testing.T) {
			one := countMoves(t, src.f, src.deals)
			var back int64
			for i := range one.Moves {
				for j := range i {
					back += one.Moves[i][j]
				}
			}
			if !strings.HasPrefix(src.name, "maven") && back == 0 {
				t.Fatal("no move back: the data does not exercise the chain")
			}
			got, b := roundTrip(t, one)
			if diff := cmp.Diff(one, got); diff != "" {
				t.Errorf("round trip mismatch (-counted +decoded):\n%s", diff)
			}
			if _, again := roundTrip(t, got); !bytes.Equal(b, again) {
				t.Errorf("encoding the decoded transitions gives other bytes")
			}
			// Visit days are float64 sums, and a float64 sum depends on the
			// order of its terms: exact for whole days (integers below
			// 2^53), within a few units in the last place otherwise.
			days := cmpopts.EquateApprox(1e-12, 0)
			if src.exact {
				days = cmp.Options{}
			}
			for _, k := range []int{3, 4} {
				var merged markov.Transitions
				for i := range k {
					var shard []funnel.Deal
					for j := i; j < len(src.deals); j += k {
						shard = append(shard, src.deals[j])
					}
					part, _ := roundTrip(t, countMoves(t, src.f, shard))
					if i == 0 {
						merged = part
						continue
					}
					var err error
					if merged, err = merged.Merge(part); err != nil {
						t.Fatal(err)
					}
				}
				if diff := cmp.Diff(one, merged, days); diff != "" {
					t.Errorf("%d shards: merge of decoded shards mismatch (-one pass +merged):\n%s", k, diff)
				}
				if diff := cmp.Diff(one, merged, cmpopts.IgnoreFields(markov.Transitions{}, "VisitDays")); diff != "" {
					t.Errorf("%d shards: merged counts mismatch (-one pass +merged):\n%s", k, diff)
				}
			}
		})
	}
}

// handTransitionsJSON is CountMoves over Lead > Demo > Won of three deals
// (days from a start):
//
//	w Lead 0, Demo 2, Won 5
//	l Lead 0, Demo 1, Lead 4, lost on day 6
//	o Demo 3, open
//
// Moves Lead → Demo 2 (w, l), Demo → Lead 1 (l), Demo → Won 1 (w); lost at
// Lead 1 (l), open in Demo 1 (o); Lead's timed visits 2 + 1 + 2 = 5 days
// over 3, Demo's 3 + 3 = 6 days over 2 (o has not left). The paths that
// begin at Lead: exits 3 + open 0 − moves in 1 = 2 (w, l); at Demo:
// exits 2 + open 1 − moves in 2 = 1 (o); 3 in all, the 3 deals.
const handTransitionsJSON = `{"funnel":["Lead","Demo","Won"],"moves":[[0,2,0],[1,0,1]],"lost":[1,0],"open":[0,1],"visit_days":[5,6],"timed_visits":[3,2],"deals":3}`

func handTransitionsDeals() []funnel.Deal {
	day := func(n int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	return []funnel.Deal{
		{ID: "w", Outcome: funnel.Won, Events: []funnel.Event{{Stage: 0, At: day(0)}, {Stage: 1, At: day(2)}, {Stage: 2, At: day(5)}}},
		{ID: "l", Outcome: funnel.Lost, Closed: day(6), Events: []funnel.Event{{Stage: 0, At: day(0)}, {Stage: 1, At: day(1)}, {Stage: 0, At: day(4)}}},
		{ID: "o", Events: []funnel.Event{{Stage: 1, At: day(3)}}},
	}
}

// withMember returns handTransitionsJSON with the member name set to the
// JSON value v.
func withMember(t testing.TB, name, v string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(handTransitionsJSON), &m); err != nil {
		t.Fatal(err)
	}
	m[name] = json.RawMessage(v)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// badTransitions returns documents that no deals could give, the sentinel
// the decoder must wrap and the place it must name. Those named "new: ..."
// were accepted before issue 15.
func badTransitions(t testing.TB) []struct {
	name, doc string
	want      error
	place     string
} {
	const max = "9223372036854775807"
	return []struct {
		name, doc string
		want      error
		place     string
	}{
		{"negative move", withMember(t, "moves", `[[0,-2,0],[1,0,1]]`), funnel.ErrNegativeCount, "moves"},
		{"short row", withMember(t, "moves", `[[0,2],[1,0,1]]`), funnel.ErrLengthMismatch, "moves"},
		{"timed visits above exits", withMember(t, "timed_visits", `[4,2]`), funnel.ErrCountsRise, "timed_visits"},
		{"days over no timed visit", withMember(t, "timed_visits", `[3,0]`), funnel.ErrCountsRise, "visit_days"},
		{"negative deals", withMember(t, "deals", `-1`), funnel.ErrNegativeCount, "deals"},
		// New: more paths begin (won by a move, lost at a stage or open:
		// 3) than there are deals.
		{"new: fewer deals than paths", withMember(t, "deals", `2`), funnel.ErrCountsRise, "deals"},
		// New: a loss at Demo that no visit to Demo ended in: 4 paths.
		{"new: a loss without a visit", withMember(t, "lost", `[1,1]`), funnel.ErrCountsRise, "deals"},
		// New: 4 moves into Demo, but only 3 visits there ended (2 moves
		// out) or go on (1 open deal).
		{"new: more moves in than visits", withMember(t, "moves", `[[0,4,0],[1,0,1]]`), funnel.ErrCountsRise, "moves"},
		// New: moves into Proposal past 2^64, from three stages that each
		// have MaxInt64 exits.
		{"new: moves in past 2^64", `{"funnel":["a","b","c","d","e"],"moves":[[0,0,0,` + max + `,0],[0,0,0,` + max + `,0],[0,0,0,` + max + `,0],[0,0,0,0,0]],` +
			`"lost":[0,0,0,0],"open":[0,0,0,0],"visit_days":[0,0,0,0],"timed_visits":[0,0,0,0],"deals":` + max + `}`, funnel.ErrCountsRise, "moves"},
	}
}

// TestTransitionsDecodeRejects: the hand-worked document decodes to the
// counts of its deals, and each broken copy of it is refused with a typed
// error of Op markov.Transitions that wraps the sentinel and names the
// place, leaving the receiver as it was.
func TestTransitionsDecodeRejects(t *testing.T) {
	var hand markov.Transitions
	if err := json.Unmarshal([]byte(handTransitionsJSON), &hand); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(countMoves(t, hand.Funnel, handTransitionsDeals()), hand); diff != "" {
		t.Fatalf("hand-worked transitions mismatch (-counted +hand-worked):\n%s", diff)
	}
	for _, tt := range badTransitions(t) {
		t.Run(tt.name, func(t *testing.T) {
			c := hand
			err := json.Unmarshal([]byte(tt.doc), &c)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Unmarshal(%s) = %v, want %v", tt.doc, err, tt.want)
			}
			var ie *funnel.InputError
			var se *funnel.StageError
			var place, op string
			switch {
			case errors.As(err, &ie):
				place, op = ie.Name, ie.Op
			case errors.As(err, &se):
				place, op = se.Input, se.Op
			default:
				t.Fatalf("error %#v is not a typed error of package funnel", err)
			}
			if place != tt.place || op != "markov.Transitions" {
				t.Errorf("error %q names %q with Op %q, want %q with Op markov.Transitions", err, place, op, tt.place)
			}
			if diff := cmp.Diff(hand, c); diff != "" {
				t.Errorf("a failed decode changed the receiver (-before +after):\n%s", diff)
			}
		})
	}
}

// FuzzTransitionsUnmarshal: any bytes decode without a panic, either to
// transitions whose moves add up as deals' stays do (checked here in
// big integers, a second derivation of the decoder's check), that encode
// and decode again to the same value, and that merge with themselves to
// twice every count (or fail with ErrOutOfRange); or to a typed error of
// Op markov.Transitions wrapping a sentinel of package funnel.
func FuzzTransitionsUnmarshal(f *testing.F) {
	f.Add([]byte(handTransitionsJSON))
	for _, tt := range badTransitions(f) {
		f.Add([]byte(tt.doc))
	}
	f.Add([]byte(`{"funnel":["a"],"moves":[],"lost":[],"open":[],"visit_days":[],"timed_visits":[],"deals":0}`))
	f.Add([]byte(`{"funnel":["a","b"],"moves":[[3,1]],"lost":[0],"open":[0],"visit_days":[-0],"timed_visits":[0],"deals":1}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"moves":[[0,1`))
	sentinels := []error{funnel.ErrOutOfRange, funnel.ErrEmptyFunnel, funnel.ErrBlankStage, funnel.ErrDuplicateStage, funnel.ErrLengthMismatch,
		funnel.ErrNegativeCount, funnel.ErrCountsRise, funnel.ErrNegative, funnel.ErrNotFinite}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c markov.Transitions
		err := c.UnmarshalJSON(b)
		if err != nil {
			var ie *funnel.InputError
			var se *funnel.StageError
			if !(errors.As(err, &ie) && ie.Op == "markov.Transitions") && !(errors.As(err, &se) && se.Op == "markov.Transitions") {
				t.Fatalf("error %T %v: want a typed error with Op markov.Transitions", err, err)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the documented sentinels", err)
		}
		if c.Funnel.Len() == 0 {
			return // null: nothing decoded
		}
		// The paths that begin at each stage, and their sum.
		total := new(big.Int)
		for s := range c.Funnel.Last() {
			starts := big.NewInt(c.Lost[s])
			starts.Add(starts, big.NewInt(c.Open[s]))
			for j := range c.Moves[s] {
				starts.Add(starts, big.NewInt(c.Moves[s][j]))
			}
			for i := range c.Moves {
				starts.Sub(starts, big.NewInt(c.Moves[i][s]))
			}
			if starts.Sign() < 0 {
				t.Fatalf("stage %d: %v paths begin", s, starts)
			}
			total.Add(total, starts)
		}
		if total.Cmp(big.NewInt(c.Deals)) > 0 {
			t.Fatalf("%v paths begin, but %d deals", total, c.Deals)
		}
		for _, v := range c.VisitDays {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("visit days %v", c.VisitDays)
			}
		}
		again, _ := roundTrip(t, c)
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("decode, encode, decode mismatch (-first +second):\n%s", diff)
		}
		twice, err := c.Merge(c)
		if err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Merge with itself: %v", err)
			}
			return
		}
		// Merge succeeded, so every doubled count fits; c + c is 2c
		// exactly in float64.
		want := markov.Transitions{Funnel: c.Funnel, Deals: 2 * c.Deals}
		for i := range c.Moves {
			row := make([]int64, len(c.Moves[i]))
			for j, m := range c.Moves[i] {
				row[j] = 2 * m
			}
			want.Moves = append(want.Moves, row)
			want.Lost = append(want.Lost, 2*c.Lost[i])
			want.Open = append(want.Open, 2*c.Open[i])
			want.TimedVisits = append(want.TimedVisits, 2*c.TimedVisits[i])
			want.VisitDays = append(want.VisitDays, 2*c.VisitDays[i])
		}
		if diff := cmp.Diff(want, twice, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Merge with itself mismatch (-doubled +merged):\n%s", diff)
		}
	})
}
