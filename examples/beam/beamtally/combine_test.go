package beamtally_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// testDeals returns the deals of tiny.csv and of 300 synthetic deals.
func testDeals(t testing.TB) []funnel.Deal {
	t.Helper()
	tiny, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	whole := append(tiny, synthetic(rand.New(rand.NewPCG(1, 2)), 300)...)
	res, err := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...), Scattered: true}.ReadAll(context.Background(), bytes.NewReader(whole))
	if err != nil {
		t.Fatal(err)
	}
	return res.Deals
}

// onePass is the second method: one tally, every deal added in order.
func onePass(t testing.TB, deals []funnel.Deal, by ...string) *funnel.Tally {
	t.Helper()
	ty := funnel.NewTally(funnel.MustNew(beamtally.BenchStages()...), by...)
	for _, d := range deals {
		if err := ty.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	return ty
}

func TestAccRoundTrip(t *testing.T) {
	want := onePass(t, testDeals(t), "owner")
	// The binary form, which the Beam coder of Acc uses: the same bytes
	// again, and the same report.
	bin, err := beamtally.Acc{Tally: want}.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var fromBin beamtally.Acc
	if err := fromBin.UnmarshalBinary(bin); err != nil {
		t.Fatal(err)
	}
	if again, err := fromBin.MarshalBinary(); err != nil || !bytes.Equal(bin, again) {
		t.Errorf("Acc binary round trip gives other bytes (err %v)", err)
	}
	if diff := cmp.Diff(report(t, want), report(t, fromBin.Tally)); diff != "" {
		t.Errorf("Acc binary round trip report mismatch (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(tallyJSON(t, want), tallyJSON(t, fromBin.Tally)); diff != "" {
		t.Errorf("Acc binary round trip tally mismatch (-before +after):\n%s", diff)
	}
	// The zero Acc is no bytes and back.
	if zb, err := (beamtally.Acc{}).MarshalBinary(); err != nil || len(zb) != 0 {
		t.Errorf("Acc{}.MarshalBinary() = %q, %v; want no bytes, nil", zb, err)
	}
	fromBin = beamtally.Acc{Tally: want}
	if err := fromBin.UnmarshalBinary(nil); err != nil || fromBin.Tally != nil {
		t.Errorf("Acc.UnmarshalBinary(nil) = %v, tally %v; want nil, nil", err, fromBin.Tally)
	}
	// The JSON form.
	b, err := beamtally.Acc{Tally: want}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var a beamtally.Acc
	if err := a.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	b2, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(b), string(b2)); diff != "" {
		t.Errorf("Acc round trip mismatch (-encoded +re-encoded):\n%s", diff)
	}
	if diff := cmp.Diff(report(t, want), report(t, a.Tally)); diff != "" {
		t.Errorf("Acc round trip report mismatch (-before +after):\n%s", diff)
	}
	// The zero Acc is null and back.
	b, err = beamtally.Acc{}.MarshalJSON()
	if err != nil || string(b) != "null" {
		t.Errorf("Acc{}.MarshalJSON() = %s, %v; want null, nil", b, err)
	}
	a = beamtally.Acc{Tally: want}
	if err := a.UnmarshalJSON([]byte(" null ")); err != nil || a.Tally != nil {
		t.Errorf("Acc.UnmarshalJSON(null) = %v, tally %v; want nil, nil", err, a.Tally)
	}
	// Through encoding/json, as the Beam coder of a struct holding one.
	var held struct{ A beamtally.Acc }
	if err := json.Unmarshal([]byte(`{"A":`+string(b2)+`}`), &held); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(report(t, want), report(t, held.A.Tally)); diff != "" {
		t.Errorf("json.Unmarshal(Acc) report mismatch (-before +after):\n%s", diff)
	}
}

// small is a valid tally document: deals D1 (Lead 2024-01-01, Won
// 2024-01-03, amount 5) and D2 (Lead 2024-01-01, open, no amount) of owner
// "o", as funnel.Tally.MarshalJSON writes them.
const small = `{"funnel":["Lead","Won"],"by":["owner"],"groups":[{"key":["o"],"deals":2,"won":1,"lost":0,"open":1,` +
	`"reached":[2,1],"entered":[2,1],"entered_both":[1,0],"open_at":[1,0],"strict_pending":[1,0],"lost_at":[0,0],"lost_no_stage":0,` +
	`"amount_reached":["5","5"],"no_amount":1,"won_amount":"5","won_with_amount":1,"open_amount":"0","open_with_amount":0,` +
	`"won_cycle":{"n":1,"seconds":172800,"days":[[2,1]]},"lost_cycle":{"n":0,"seconds":0,"days":[]},` +
	`"stage_time":[{"n":1,"seconds":172800,"days":[[2,1]]},{"n":0,"seconds":0,"days":[]}],` +
	`"won_to_close":[{"n":1,"seconds":172800,"days":[[2,1]]},{"n":0,"seconds":0,"days":[]}]}]}`

func TestAccUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want error
	}{
		{"reached rises", strings.Replace(small, `"reached":[2,1]`, `"reached":[1,2]`, 1), funnel.ErrCountsRise},
		{"negative count", strings.Replace(small, `"no_amount":1`, `"no_amount":-1`, 1), funnel.ErrNegativeCount},
		{"outcomes do not add up", strings.Replace(small, `"deals":2`, `"deals":3`, 1), nil},
		{"one stage short", strings.Replace(small, `"entered":[2,1]`, `"entered":[2]`, 1), funnel.ErrLengthMismatch},
		{"truncated", small[:len(small)/2], funnel.ErrOutOfRange},
		{"wrong type", `{"funnel":"Lead","by":[],"groups":[]}`, funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := beamtally.Acc{}
			err := a.UnmarshalJSON([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Acc.UnmarshalJSON(%s) = nil, want an error", tt.doc)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Acc.UnmarshalJSON = %v, want errors.Is %v", err, tt.want)
			}
			if a.Tally != nil {
				t.Errorf("Acc.UnmarshalJSON set a tally on an error")
			}
		})
	}
	var a beamtally.Acc
	if err := a.UnmarshalJSON([]byte(small)); err != nil {
		t.Fatalf("Acc.UnmarshalJSON(small) = %v", err)
	}
	// Hand-worked from the document: 1 won of 1 closed, ASP 5, cycle 2 days.
	want := "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
		"o,Lead,2,0.5,1,5,2\n" +
		"o,Won,1,,1,5,2\n"
	if diff := cmp.Diff(want, report(t, a.Tally)); diff != "" {
		t.Errorf("report of small mismatch (-hand-worked +got):\n%s", diff)
	}
}

// smallBinary returns the binary form of small (see there), checking the
// bytes the cases of TestAccUnmarshalBinaryRejects edit, worked by hand from
// the layout of funnel.Tally.MarshalBinary: a version byte, the funnel (a
// count, then each name's length and bytes: 1 + 5 + 4 bytes), the grouping
// (1 + 1 + 5), the count of groups, the key (1 + 1 + 1), then the counts as
// zig-zag varints (2v for v >= 0): deals 2 at offset 22, won 1, lost 0, open
// 1, and reached, a count of 2 at offset 26 then 2 and 1.
func smallBinary(t testing.TB) []byte {
	t.Helper()
	var a beamtally.Acc
	if err := a.UnmarshalJSON([]byte(small)); err != nil {
		t.Fatal(err)
	}
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x01, 0x02, 0x04, 'L', 'e', 'a', 'd', 0x03, 'W', 'o', 'n', 0x01, 0x05, 'o', 'w', 'n', 'e', 'r', 0x01,
		0x01, 0x01, 'o', 0x04, 0x02, 0x00, 0x02, 0x02, 0x04, 0x02}
	if diff := cmp.Diff(want, b[:len(want)]); diff != "" {
		t.Fatalf("binary form of small mismatch (-hand-worked +got):\n%s", diff)
	}
	return b
}

// withBytes returns a copy of b with the bytes at offset i replaced by v.
func withBytes(b []byte, i int, v ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[i:], v)
	return c
}

func TestAccUnmarshalBinaryRejects(t *testing.T) {
	b := smallBinary(t)
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"reached rises", withBytes(b, 27, 0x02, 0x04), funnel.ErrCountsRise},
		{"negative count", withBytes(b, 24, 0x01), funnel.ErrNegativeCount}, // lost −1
		{"outcomes do not add up", withBytes(b, 22, 0x06), funnel.ErrOutOfRange},
		{"one stage short", append(append(bytes.Clone(b[:26]), 0x01, 0x04), b[29:]...), funnel.ErrLengthMismatch}, // reached [2]
		{"truncated", b[:len(b)/2], funnel.ErrOutOfRange},
		{"a byte more", append(bytes.Clone(b), 0), funnel.ErrOutOfRange},
		{"version 2", withBytes(b, 0, 0x02), funnel.ErrOutOfRange},
		{"JSON", []byte(small), funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := beamtally.Acc{}
			err := a.UnmarshalBinary(tt.b)
			if !errors.Is(err, tt.want) {
				t.Errorf("Acc.UnmarshalBinary(% x) = %v, want errors.Is %v", tt.b, err, tt.want)
			}
			if a.Tally != nil {
				t.Errorf("Acc.UnmarshalBinary set a tally on an error")
			}
		})
	}
	var a beamtally.Acc
	if err := a.UnmarshalBinary(b); err != nil {
		t.Fatalf("Acc.UnmarshalBinary(small) = %v", err)
	}
	// Hand-worked from the document: 1 won of 1 closed, ASP 5, cycle 2 days.
	want := "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
		"o,Lead,2,0.5,1,5,2\n" +
		"o,Won,1,,1,5,2\n"
	if diff := cmp.Diff(want, report(t, a.Tally)); diff != "" {
		t.Errorf("report of small mismatch (-hand-worked +got):\n%s", diff)
	}
}

func TestTallyFnMergeEqualsOnePass(t *testing.T) {
	deals := testDeals(t)
	for _, by := range [][]string{{"owner"}, {"segment", "source"}, {}} {
		t.Run(strings.Join(by, "+"), func(t *testing.T) {
			want := onePass(t, deals, by...)
			fn, err := beamtally.NewTallyFn(beamtally.Config{By: by})
			if err != nil {
				t.Fatal(err)
			}
			// Deals spread over 5 accumulators at random, each encoded and
			// decoded as between Beam workers (the binary form of the
			// coder), merged in a shuffled order.
			rng := rand.New(rand.NewPCG(7, 8))
			accs := make([]beamtally.Acc, 5)
			for _, d := range deals {
				i := rng.IntN(len(accs))
				if accs[i], err = fn.AddInput(accs[i], d); err != nil {
					t.Fatal(err)
				}
			}
			rng.Shuffle(len(accs), func(i, j int) { accs[i], accs[j] = accs[j], accs[i] })
			var total beamtally.Acc // the zero Acc: nothing yet
			for _, a := range accs {
				b, err := a.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				var dec beamtally.Acc
				if err := dec.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
				if total, err = fn.MergeAccumulators(total, dec); err != nil {
					t.Fatal(err)
				}
			}
			got := fn.ExtractOutput(total).Tally
			if diff := cmp.Diff(tallyJSON(t, want), tallyJSON(t, got)); diff != "" {
				t.Errorf("merged tally mismatch (-one pass +merged):\n%s", diff)
			}
		})
	}
}

func TestTallyFnErrors(t *testing.T) {
	if _, err := beamtally.NewTallyFn(beamtally.Config{Stages: []string{"A", ""}}); !errors.Is(err, funnel.ErrBlankStage) {
		t.Errorf("NewTallyFn(blank stage) = %v, want errors.Is ErrBlankStage", err)
	}
	bad := &beamtally.TallyFn{Stages: []string{"A", "A"}}
	if _, err := bad.CreateAccumulator(); !errors.Is(err, funnel.ErrDuplicateStage) {
		t.Errorf("CreateAccumulator(duplicate stage) = %v, want errors.Is ErrDuplicateStage", err)
	}
	if _, err := bad.AddInput(beamtally.Acc{}, funnel.Deal{ID: "x"}); !errors.Is(err, funnel.ErrDuplicateStage) {
		t.Errorf("AddInput(duplicate stage) = %v, want errors.Is ErrDuplicateStage", err)
	}
	fn, err := beamtally.NewTallyFn(beamtally.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := fn.CreateAccumulator()
	if err != nil {
		t.Fatal(err)
	}
	// An open deal without events is not valid (funnel.Deal.Validate).
	if _, err := fn.AddInput(a, funnel.Deal{ID: "x"}); !errors.Is(err, funnel.ErrInvalidDeal) {
		t.Errorf("AddInput(deal without events) = %v, want errors.Is ErrInvalidDeal", err)
	}
	other, err := beamtally.NewTallyFn(beamtally.Config{By: []string{"segment"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := other.CreateAccumulator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fn.MergeAccumulators(a, b); !errors.Is(err, funnel.ErrIncompatible) {
		t.Errorf("MergeAccumulators(owner, segment) = %v, want errors.Is ErrIncompatible", err)
	}
	// The zero Acc merges as nothing, on either side.
	if got, err := fn.MergeAccumulators(beamtally.Acc{}, a); err != nil || got.Tally != a.Tally {
		t.Errorf("MergeAccumulators(zero, a) = %v, %v; want a", got, err)
	}
	if got, err := fn.MergeAccumulators(a, beamtally.Acc{}); err != nil || got.Tally != a.Tally {
		t.Errorf("MergeAccumulators(a, zero) = %v, %v; want a", got, err)
	}
}

// FuzzAccJSON decodes any document as an accumulator: no panic; a decoded
// tally re-encodes to a document that decodes to the same encoding, and
// formats without NaN or infinity.
func FuzzAccJSON(f *testing.F) {
	f.Add(small)
	f.Add("null")
	f.Add(`{"funnel":["A"],"by":[],"groups":[]}`)
	f.Add(strings.Replace(small, `"reached":[2,1]`, `"reached":[1,2]`, 1))
	f.Add(strings.Replace(small, `"seconds":172800`, `"seconds":-1`, 1))
	f.Fuzz(func(t *testing.T, doc string) {
		var a beamtally.Acc
		if err := a.UnmarshalJSON([]byte(doc)); err != nil || a.Tally == nil {
			return
		}
		b, err := a.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of a decoded tally: %v", err)
		}
		var c beamtally.Acc
		if err := c.UnmarshalJSON(b); err != nil {
			t.Fatalf("a re-encoded tally does not decode: %v\n%s", err, b)
		}
		b2, err := c.MarshalJSON()
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding changed:\n%s\n%s", b, b2)
		}
		var out strings.Builder
		if err := beamtally.FormatReport(&out, a.Tally); err != nil {
			if !errors.Is(err, funnel.ErrEmptyFunnel) && !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("FormatReport: %v", err)
			}
			return
		}
		checkFinite(t, out.String(), len(a.Tally.By()))
	})
}

// FuzzAccBinary decodes any bytes as an accumulator, as the Beam coder of Acc
// does: no panic; a decoded tally re-encodes to the same bytes, and formats
// without NaN or infinity.
func FuzzAccBinary(f *testing.F) {
	b := smallBinary(f)
	f.Add(b)
	f.Add([]byte{})
	f.Add(b[:len(b)/2])
	f.Add(withBytes(b, 27, 0x02, 0x04))
	f.Add([]byte(small))
	if big, err := (beamtally.Acc{Tally: onePass(f, testDeals(f), "owner", "segment")}).MarshalBinary(); err == nil {
		f.Add(big)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a beamtally.Acc
		if err := a.UnmarshalBinary(b); err != nil || a.Tally == nil {
			if a.Tally != nil {
				t.Fatalf("Acc.UnmarshalBinary set a tally on an error")
			}
			return
		}
		again, err := a.MarshalBinary()
		if err != nil || !bytes.Equal(b, again) {
			t.Fatalf("re-encoding changed (err %v):\n% x\n% x", err, b, again)
		}
		var out strings.Builder
		if err := beamtally.FormatReport(&out, a.Tally); err != nil {
			if !errors.Is(err, funnel.ErrEmptyFunnel) && !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("FormatReport: %v", err)
			}
			return
		}
		checkFinite(t, out.String(), len(a.Tally.By()))
	})
}
