package funnel_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// Issue 15: the binary form of a Tally (Tally.MarshalBinary), for a Beam
// combiner whose time goes to decoding JSON. These tests check it against
// a byte layout worked by hand, against a second encoder written here from
// the documented layout (binTally, which can also write what no tally
// gives), against the JSON form (both decode to the same tally), and on
// the real tallies of encoding_test.go: round trips, shards merged, every
// truncation refused.

// handTallyBinary is the binary form of handTallyJSON (see there for the
// deals and their counts), worked by hand from the layout in the doc of
// Tally.MarshalBinary. Counts are zig-zag varints (2v for v >= 0), lengths
// uvarints; a decimal is zigzag(exponent)·2 then its coefficient, trailing
// zeros stripped; seconds s are zig-zag 2s written 7 bits at a time, low
// bits first, with 0x80 on every byte but the last:
//
//	432000 s -> 864000 = 52·128² + 94·128 + 0  -> 0x80 0xde 0x34
//	345600 s -> 691200 = 42·128² + 24·128 + 0  -> 0x80 0x98 0x2a
//	259200 s -> 518400 = 31·128² + 82·128 + 0  -> 0x80 0xd2 0x1f
//	518400 s -> 1036800 = 63·128² + 36·128 + 0 -> 0x80 0xa4 0x3f
var handTallyBinary = []byte{
	0x01,                                  // version 1
	0x03, 0x01, 'a', 0x01, 'b', 0x01, 'c', // funnel: 3 stages a, b, c
	0x01, 0x05, 'o', 'w', 'n', 'e', 'r', // by: "owner"
	0x01,            // 1 group
	0x01, 0x01, 'x', // key ["x"]
	0x06, 0x02, 0x02, 0x02, // deals 3, won 1, lost 1, open 1
	0x03, 0x06, 0x04, 0x02, // reached 3 2 1
	0x03, 0x06, 0x04, 0x02, // entered 3 2 1
	0x03, 0x04, 0x02, 0x00, // entered_both 2 1 0
	0x03, 0x02, 0x00, 0x00, // open_at 1 0 0
	0x03, 0x02, 0x00, 0x00, // strict_pending 1 0 0
	0x03, 0x00, 0x02, 0x00, // lost_at 0 1 0
	0x00,                                     // lost_no_stage 0
	0x03, 0x00, 0x1c, 0x04, 0x02, 0x04, 0x02, // amount_reached 14e0 (coefficient 2·14 = 0x1c), 1e1 (exponent 2·2 = 4), 1e1
	0x02,       // no_amount 1
	0x04, 0x02, // won_amount 1e1
	0x02,       // won_with_amount 1
	0x00, 0x08, // open_amount 4e0
	0x02,                                     // open_with_amount 1
	0x02, 0x80, 0xde, 0x34, 0x01, 0x05, 0x02, // won_cycle n 1, 432000 s, 1 bin: day 5 count 1
	0x02, 0x80, 0x98, 0x2a, 0x01, 0x04, 0x02, // lost_cycle n 1, 345600 s, 1 bin: day 4 count 1
	0x03,                                                 // stage_time: 3 stages
	0x04, 0x80, 0xd2, 0x1f, 0x02, 0x01, 0x02, 0x01, 0x02, // a: n 2, 259200 s, 2 bins: day 1 count 1, day 1+1 count 1
	0x04, 0x80, 0xa4, 0x3f, 0x01, 0x03, 0x04, // b: n 2, 518400 s, 1 bin: day 3 count 2
	0x00, 0x00, 0x00, // c: empty
	0x03,                                     // won_to_close: 3 stages
	0x02, 0x80, 0xde, 0x34, 0x01, 0x05, 0x02, // from a: n 1, 432000 s, day 5
	0x02, 0x80, 0xd2, 0x1f, 0x01, 0x03, 0x02, // from b: n 1, 259200 s, day 3
	0x00, 0x00, 0x00, // from c: empty
}

// binDecimal is a decimal as the binary form writes it: coefficient C
// times 10^Exp, in the big form (length and big-endian bytes) when Big is
// set. Nothing is normalized, so that a test can write a form the decoder
// must refuse.
type binDecimal struct {
	C   *big.Int
	Exp int64
	Big bool
}

func dec(c, exp int64) binDecimal { return binDecimal{C: big.NewInt(c), Exp: exp} }

// binDurations is a Durations as the binary form writes it, N and Seconds
// as given, whatever the bins say; Days are [day, count] pairs.
type binDurations struct {
	N, Seconds int64
	Days       [][2]int64
}

// binGroup is one group's Counts as the binary form writes it.
type binGroup struct {
	Key                                                          []string
	Deals, Won, Lost, Open                                       int64
	Reached, Entered, EnteredBoth, OpenAt, StrictPending, LostAt []int64
	LostNoStage                                                  int64
	AmountReached                                                []binDecimal
	NoAmount                                                     int64
	WonAmount                                                    binDecimal
	WonWithAmount                                                int64
	OpenAmount                                                   binDecimal
	OpenWithAmount                                               int64
	WonCycle, LostCycle                                          binDurations
	StageTime, WonToClose                                        []binDurations
}

// binTally is a tally as the binary form writes it.
type binTally struct {
	Version    byte
	Funnel, By []string
	Groups     []binGroup
}

// encode writes t in the layout of the doc of Tally.MarshalBinary: the
// second encoder, written from the layout and not from MarshalBinary.
func (t binTally) encode() []byte {
	b := []byte{t.Version}
	strs := func(v []string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		for _, s := range v {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	ints := func(v []int64) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		for _, x := range v {
			b = binary.AppendVarint(b, x)
		}
	}
	putDecimal := func(d binDecimal) {
		z := uint64(d.Exp<<1) ^ uint64(d.Exp>>63)
		if !d.Big {
			b = binary.AppendUvarint(b, z<<1)
			b = binary.AppendVarint(b, d.C.Int64())
			return
		}
		b = binary.AppendUvarint(b, z<<1|1)
		mag := new(big.Int).Abs(d.C).Bytes()
		neg := uint64(0)
		if d.C.Sign() < 0 {
			neg = 1
		}
		b = binary.AppendUvarint(b, uint64(len(mag))<<1|neg)
		b = append(b, mag...)
	}
	durations := func(h binDurations) {
		b = binary.AppendVarint(b, h.N)
		b = binary.AppendVarint(b, h.Seconds)
		b = binary.AppendUvarint(b, uint64(len(h.Days)))
		prev := int64(0)
		for _, d := range h.Days {
			b = binary.AppendUvarint(b, uint64(d[0]-prev))
			b = binary.AppendVarint(b, d[1])
			prev = d[0]
		}
	}
	strs(t.Funnel)
	strs(t.By)
	b = binary.AppendUvarint(b, uint64(len(t.Groups)))
	for _, g := range t.Groups {
		strs(g.Key)
		for _, v := range []int64{g.Deals, g.Won, g.Lost, g.Open} {
			b = binary.AppendVarint(b, v)
		}
		for _, v := range [][]int64{g.Reached, g.Entered, g.EnteredBoth, g.OpenAt, g.StrictPending, g.LostAt} {
			ints(v)
		}
		b = binary.AppendVarint(b, g.LostNoStage)
		b = binary.AppendUvarint(b, uint64(len(g.AmountReached)))
		for _, d := range g.AmountReached {
			putDecimal(d)
		}
		b = binary.AppendVarint(b, g.NoAmount)
		putDecimal(g.WonAmount)
		b = binary.AppendVarint(b, g.WonWithAmount)
		putDecimal(g.OpenAmount)
		b = binary.AppendVarint(b, g.OpenWithAmount)
		durations(g.WonCycle)
		durations(g.LostCycle)
		for _, hs := range [][]binDurations{g.StageTime, g.WonToClose} {
			b = binary.AppendUvarint(b, uint64(len(hs)))
			for _, h := range hs {
				durations(h)
			}
		}
	}
	return b
}

// handBin returns the hand-worked tally of handTallyJSON as a binTally, a
// new one on every call.
func handBin() binTally {
	return binTally{Version: 1, Funnel: []string{"a", "b", "c"}, By: []string{"owner"}, Groups: []binGroup{handBinGroup("x")}}
}

// handBinGroup returns the group of handTallyJSON under the given key.
func handBinGroup(key string) binGroup {
	return binGroup{
		Key: []string{key}, Deals: 3, Won: 1, Lost: 1, Open: 1,
		Reached: []int64{3, 2, 1}, Entered: []int64{3, 2, 1}, EnteredBoth: []int64{2, 1, 0},
		OpenAt: []int64{1, 0, 0}, StrictPending: []int64{1, 0, 0}, LostAt: []int64{0, 1, 0},
		AmountReached: []binDecimal{dec(14, 0), dec(1, 1), dec(1, 1)}, NoAmount: 1,
		WonAmount: dec(1, 1), WonWithAmount: 1, OpenAmount: dec(4, 0), OpenWithAmount: 1,
		WonCycle:   binDurations{1, 432000, [][2]int64{{5, 1}}},
		LostCycle:  binDurations{1, 345600, [][2]int64{{4, 1}}},
		StageTime:  []binDurations{{2, 259200, [][2]int64{{1, 1}, {2, 1}}}, {2, 518400, [][2]int64{{3, 2}}}, {}},
		WonToClose: []binDurations{{1, 432000, [][2]int64{{5, 1}}}, {1, 259200, [][2]int64{{3, 1}}}, {}},
	}
}

func mustMarshalBinary(t testing.TB, ta *funnel.Tally) []byte {
	t.Helper()
	b, err := ta.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return b
}

func decodeBinary(t testing.TB, b []byte) *funnel.Tally {
	t.Helper()
	var u funnel.Tally
	if err := u.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	return &u
}

// TestTallyBinaryHandWorked: the tally of the hand-worked deals encodes to
// the bytes worked by hand, which the second encoder writes too, and those
// bytes decode to the tally of the deals and of its JSON.
func TestTallyBinaryHandWorked(t *testing.T) {
	ta, _, _ := handAggregates(t)
	got := mustMarshalBinary(t, ta)
	if diff := cmp.Diff(handTallyBinary, got); diff != "" {
		t.Errorf("MarshalBinary mismatch (-hand-worked +got):\n%s", diff)
	}
	if diff := cmp.Diff(handTallyBinary, handBin().encode()); diff != "" {
		t.Errorf("second encoder mismatch (-hand-worked +binTally):\n%s", diff)
	}
	in := slices.Clone(handTallyBinary)
	back := decodeBinary(t, in)
	if !bytes.Equal(in, handTallyBinary) {
		t.Errorf("UnmarshalBinary modified its input")
	}
	fromJSON, _ := handDecoded(t, "tally")
	for name, want := range map[string]*funnel.Tally{"deals": ta, "JSON": fromJSON.(*funnel.Tally)} {
		if diff := cmp.Diff(viewTally(want), viewTally(back)); diff != "" {
			t.Errorf("decoded mismatch (-tally of the %s +decoded):\n%s", name, diff)
		}
	}
	t.Logf("hand-worked tally: %d bytes binary, %d bytes JSON", len(handTallyBinary), len(handTallyJSON))
}

// TestTallyBinaryRoundTrip: a tally of real deals comes back from its
// binary form exactly, encodes again to the same bytes, and is the tally
// its JSON decodes to (the JSON-decoded tally encodes to the same bytes).
func TestTallyBinaryRoundTrip(t *testing.T) {
	for _, src := range encSources(t) {
		for _, by := range encGroupings(src) {
			t.Run(fmt.Sprintf("%s by %q", src.name, by), func(t *testing.T) {
				ta := encTally(t, src.f, src.deals, by...)
				before := viewTally(ta)
				b := mustMarshalBinary(t, ta)
				if diff := cmp.Diff(before, viewTally(ta)); diff != "" {
					t.Fatalf("MarshalBinary changed the tally (-before +after):\n%s", diff)
				}
				back := decodeBinary(t, b)
				if diff := cmp.Diff(before, viewTally(back)); diff != "" {
					t.Errorf("round trip mismatch (-tallied +decoded):\n%s", diff)
				}
				if again := mustMarshalBinary(t, back); !bytes.Equal(b, again) {
					t.Errorf("encoding the decoded tally gives other bytes")
				}
				j := mustMarshal(t, ta)
				fromJSON := decodeTally(t, j)
				if diff := cmp.Diff(viewTally(fromJSON), viewTally(back)); diff != "" {
					t.Errorf("binary and JSON decode to other tallies (-JSON +binary):\n%s", diff)
				}
				if got := mustMarshalBinary(t, fromJSON); !bytes.Equal(b, got) {
					t.Errorf("the tally decoded from JSON encodes to other bytes")
				}
				if got := mustMarshal(t, back); !bytes.Equal(j, got) {
					t.Errorf("the tally decoded from binary has other JSON")
				}
				t.Logf("%d groups: %d bytes binary, %d bytes JSON", ta.Len(), len(b), len(j))
			})
		}
	}
}

// TestTallyBinaryMoney: amounts of every shape come back exactly: whole
// cents, a fraction of a cent (1e-18, the finest MaxAmountPlaces allows),
// 922337203685477580.7 (coefficient 2^63 − 1, the largest int64), an
// amount of 34 digits whose sums need the big form, and zero.
func TestTallyBinaryMoney(t *testing.T) {
	f := funnel.MustNew("a", "b")
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	amounts := []string{"5.00", "0.000000000000000001", "922337203685477580.7", "99999999999999999999999999999999.99", "0", "12.5"}
	ta := funnel.NewTally(f, funnel.AttrOwner)
	for i, a := range amounts {
		for j, outcome := range []funnel.Outcome{funnel.Won, funnel.Open} {
			d := funnel.Deal{ID: fmt.Sprintf("%d-%d", i, j), Owner: fmt.Sprintf("o%d", i%3), Amount: decimalOf(a), Outcome: outcome,
				Events: []funnel.Event{{Stage: 0, At: at}}}
			if outcome == funnel.Won {
				d.Events = append(d.Events, funnel.Event{Stage: 1, At: at.Add(36 * time.Hour)})
			}
			if err := ta.Add(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := mustMarshalBinary(t, ta)
	back := decodeBinary(t, b)
	if diff := cmp.Diff(viewTally(ta), viewTally(back)); diff != "" {
		t.Errorf("round trip mismatch (-tallied +decoded):\n%s", diff)
	}
	if again := mustMarshalBinary(t, back); !bytes.Equal(b, again) {
		t.Errorf("encoding the decoded tally gives other bytes")
	}
	// A second derivation of the total won: the amounts added here,
	// 100000000000000000000000000000033.190000000000000001 (5 + 1e-18 +
	// 922337203685477580.7 + 99999999999999999999999999999999.99 + 0 +
	// 12.5), which the tally holds as a decimal past an int64 of cents.
	var want decimal.Decimal
	for _, a := range amounts {
		want = want.Add(decimal.RequireFromString(a))
	}
	tot, err := back.Total()
	if err != nil {
		t.Fatal(err)
	}
	if !tot.WonAmount.Equal(want) || !tot.OpenAmount.Equal(want) {
		t.Errorf("decoded total won %s, open %s; the amounts add up to %s", tot.WonAmount, tot.OpenAmount, want)
	}
	fromJSON := decodeTally(t, mustMarshal(t, ta))
	if got := mustMarshalBinary(t, fromJSON); !bytes.Equal(b, got) {
		t.Errorf("the tally decoded from JSON encodes to other bytes")
	}
}

// TestTallyBinaryTruncated: every proper prefix of a valid encoding, and
// the encoding with a byte more, is refused with an error wrapping
// ErrOutOfRange, never a panic, and leaves the receiver as it was.
func TestTallyBinaryTruncated(t *testing.T) {
	hist := encTally(t, encStages, encHistoryDeals(t, 80, 4), funnel.AttrOwner, funnel.AttrSegment)
	for name, full := range map[string][]byte{"hand-worked": handTallyBinary, "history": mustMarshalBinary(t, hist)} {
		t.Run(name, func(t *testing.T) {
			into := decodeBinary(t, handTallyBinary)
			before := viewTally(into)
			check := func(b []byte, what string) {
				err := into.UnmarshalBinary(b)
				if !errors.Is(err, funnel.ErrOutOfRange) {
					t.Fatalf("%s: UnmarshalBinary = %v, want an error wrapping ErrOutOfRange", what, err)
				}
				checkDecodeErr(t, err)
			}
			for i := range full {
				check(full[:i], fmt.Sprintf("the first %d of %d bytes", i, len(full)))
			}
			check(append(slices.Clone(full), 0), "a byte more")
			if diff := cmp.Diff(before, viewTally(into)); diff != "" {
				t.Errorf("a failed decode changed the receiver (-before +after):\n%s", diff)
			}
		})
	}
}

// TestTallyBinaryRejects: a tally no deals could give, or bytes not in the
// form, encoded by hand, is refused with a typed error that wraps the
// sentinel and names the place, as UnmarshalJSON refuses the same tally
// (TestAggregateDecodeRejects), and leaves the receiver as it was.
func TestTallyBinaryRejects(t *testing.T) {
	g := func(edit func(*binGroup)) []byte {
		ta := handBin()
		edit(&ta.Groups[0])
		return ta.encode()
	}
	tally := func(edit func(*binTally)) []byte {
		ta := handBin()
		edit(&ta)
		return ta.encode()
	}
	// noGroups is the hand-worked tally without its group; its last byte is
	// the count of groups, 0.
	noGroups := tally(func(ta *binTally) { ta.Groups = nil })
	lastIs := func(b ...byte) []byte { return append(slices.Clone(noGroups[:len(noGroups)-1]), b...) }
	huge := new(big.Int).Lsh(big.NewInt(1), 200)
	huge.Add(huge, big.NewInt(1)) // 2^200 + 1: 61 digits, not a multiple of 10
	tests := []struct {
		name  string
		b     []byte
		want  error
		place string
	}{
		// As TestAggregateDecodeRejects: counts that rise, parts above
		// their whole, negatives.
		{"reached rises", g(func(c *binGroup) { c.Reached = []int64{2, 3, 1} }), funnel.ErrCountsRise, "groups[0].reached"},
		{"won above deals", g(func(c *binGroup) { c.Won = 2 }), funnel.ErrOutOfRange, "groups[0].deals"},
		{"won with amount above won", g(func(c *binGroup) { c.WonWithAmount = 2 }), funnel.ErrCountsRise, "groups[0].won_with_amount"},
		{"open at not open", g(func(c *binGroup) { c.OpenAt = []int64{0, 0, 0} }), funnel.ErrOutOfRange, "groups[0].open_at"},
		{"negative lost at", g(func(c *binGroup) { c.LostAt = []int64{0, -1, 0} }), funnel.ErrNegativeCount, "groups[0].lost_at"},
		{"negative deals", g(func(c *binGroup) { c.Deals = -3 }), funnel.ErrNegativeCount, "groups[0].deals"},
		{"negative amount", g(func(c *binGroup) { c.OpenAmount = dec(-4, 0) }), funnel.ErrNegativeAmount, "groups[0].open_amount"},
		{"reached not the deals' furthest stages", g(func(c *binGroup) { c.LostAt = []int64{1, 0, 0} }), funnel.ErrOutOfRange, "groups[0].reached"},
		{"money rises", g(func(c *binGroup) { c.AmountReached[1] = dec(9, 0) }), funnel.ErrCountsRise, "groups[0].amount_reached"},
		{"money at the won stage not won", g(func(c *binGroup) { c.AmountReached[2] = dec(9, 0) }), funnel.ErrOutOfRange, "groups[0].amount_reached"},
		// Histograms whose n disagrees with the counts or with their bins.
		{"won cycle n above won", g(func(c *binGroup) { c.WonCycle = binDurations{2, 864000, [][2]int64{{5, 2}}} }), funnel.ErrCountsRise, "groups[0].won_cycle.n"},
		{"histogram n not its bins", g(func(c *binGroup) { c.WonCycle.N = 2 }), funnel.ErrOutOfRange, "groups[0].won_cycle.n"},
		{"histogram seconds outside its bins", g(func(c *binGroup) { c.LostCycle.Seconds = 10 }), funnel.ErrOutOfRange, "groups[0].lost_cycle.seconds"},
		{"histogram empty bin", g(func(c *binGroup) { c.WonCycle.Days = [][2]int64{{5, 1}, {6, 0}} }), funnel.ErrOutOfRange, "groups[0].won_cycle.days[1].count"},
		{"histogram negative bin", g(func(c *binGroup) { c.WonCycle.Days = [][2]int64{{4, -1}, {5, 2}} }), funnel.ErrNegativeCount, "groups[0].won_cycle.days[0].count"},
		{"histogram day repeated", g(func(c *binGroup) { c.StageTime[0].Days = [][2]int64{{1, 1}, {1, 1}} }), funnel.ErrOutOfRange, "groups[0].stage_time[0].days[1].day"},
		{"histogram step past the limit", g(func(c *binGroup) { c.LostCycle.Days = [][2]int64{{100_001, 1}} }), funnel.ErrOutOfRange, "groups[0].lost_cycle.days[0].day"},
		{"histogram day past the limit", g(func(c *binGroup) { c.LostCycle.Days = [][2]int64{{60_000, 1}, {110_000, 1}} }), funnel.ErrOutOfRange, "groups[0].lost_cycle.days[1].day"},
		{"time in the won stage", g(func(c *binGroup) { c.StageTime[2] = binDurations{1, 86400, [][2]int64{{1, 1}}} }), funnel.ErrCountsRise, "groups[0].stage_time"},
		{"time to win from the won stage", g(func(c *binGroup) { c.WonToClose[2] = binDurations{1, 0, [][2]int64{{0, 1}}} }), funnel.ErrOutOfRange, "groups[0].won_to_close"},
		// Lengths: the funnel's and the grouping's.
		{"reached of another funnel", g(func(c *binGroup) { c.Reached = []int64{3, 2} }), funnel.ErrLengthMismatch, "groups[0].reached"},
		{"stage time short", g(func(c *binGroup) { c.StageTime = c.StageTime[:1] }), funnel.ErrLengthMismatch, "groups[0].stage_time"},
		{"amounts short", g(func(c *binGroup) { c.AmountReached = c.AmountReached[:2] }), funnel.ErrLengthMismatch, "groups[0].amount_reached"},
		{"key of two values", g(func(c *binGroup) { c.Key = []string{"x", "y"} }), funnel.ErrLengthMismatch, "groups[0].key"},
		// The tally itself.
		{"repeated key", tally(func(ta *binTally) { ta.Groups = append(ta.Groups, handBinGroup("x")) }), funnel.ErrIncompatible, "groups[1].key"},
		{"no funnel", tally(func(ta *binTally) { ta.Funnel = nil }), funnel.ErrEmptyFunnel, "funnel"},
		{"funnel repeats a stage", tally(func(ta *binTally) { ta.Funnel = []string{"a", "b", "a"} }), funnel.ErrDuplicateStage, "funnel"},
		{"blank stage", tally(func(ta *binTally) { ta.Funnel = []string{"a", " ", "c"} }), funnel.ErrBlankStage, "funnel"},
		// The form: what MarshalBinary never writes.
		{"no bytes", nil, funnel.ErrOutOfRange, "version"},
		{"version 2", tally(func(ta *binTally) { ta.Version = 2 }), funnel.ErrOutOfRange, "version"},
		{"JSON", []byte(handTallyJSON), funnel.ErrOutOfRange, "version"},
		{"a byte after the last group", append(handBin().encode(), 0), funnel.ErrOutOfRange, "tally"},
		{"groups out of order", tally(func(ta *binTally) { ta.Groups = append([]binGroup{handBinGroup("y")}, ta.Groups...) }), funnel.ErrOutOfRange, "groups[1].key"},
		{"varint longer than it need be", lastIs(0x80, 0x00), funnel.ErrOutOfRange, "groups"},
		{"varint past 64 bits", lastIs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), funnel.ErrOutOfRange, "groups"},
		{"varint of 11 bytes", lastIs(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), funnel.ErrOutOfRange, "groups"},
		{"count past the bytes left", lastIs(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), funnel.ErrOutOfRange, "groups"},
		{"stage name past the bytes left", []byte{1, 1, 0x7f, 'a'}, funnel.ErrOutOfRange, "funnel"},
		{"decimal with a trailing zero", g(func(c *binGroup) { c.OpenAmount = dec(40, -1) }), funnel.ErrOutOfRange, "groups[0].open_amount"},
		{"zero with an exponent", g(func(c *binGroup) { c.OpenAmount = dec(0, -2) }), funnel.ErrOutOfRange, "groups[0].open_amount"},
		{"small coefficient in the big form", g(func(c *binGroup) { c.AmountReached[0] = binDecimal{C: big.NewInt(14), Big: true} }), funnel.ErrOutOfRange, "groups[0].amount_reached[0]"},
		{"exponent past an int32", g(func(c *binGroup) { c.WonAmount = dec(1, math.MaxInt32+1) }), funnel.ErrOutOfRange, "groups[0].won_amount"},
		{"amount of 61 digits", g(func(c *binGroup) { c.WonAmount = binDecimal{C: huge, Big: true} }), funnel.ErrOutOfRange, "groups[0].won_amount"},
		{"coefficient of 33 bytes", g(func(c *binGroup) {
			c.WonAmount = binDecimal{C: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 260), big.NewInt(1)), Big: true}
		}), funnel.ErrOutOfRange, "groups[0].won_amount"},
		{"amount with 19 places", g(func(c *binGroup) { c.OpenAmount = dec(4, -19) }), funnel.ErrOutOfRange, "groups[0].open_amount"},
		// Refused at once: an error that wrote the amount out (2·10^9
		// zeros) took a minute, found by FuzzTallyUnmarshalBinary.
		{"amount of 2·10^9 digits", g(func(c *binGroup) { c.OpenAmount = dec(4, 2_000_000_000) }), funnel.ErrOutOfRange, "groups[0].open_amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			into := decodeBinary(t, handTallyBinary)
			before := viewTally(into)
			err := into.UnmarshalBinary(tt.b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalBinary(% x) = %v, want %v", tt.b, err, tt.want)
			}
			checkDecodeErr(t, err)
			var ie *funnel.InputError
			var se *funnel.StageError
			place := ""
			switch {
			case errors.As(err, &ie):
				place = ie.Name
			case errors.As(err, &se):
				place = se.Input
			}
			if place != tt.place {
				t.Errorf("error %q names %q, want %q", err, place, tt.place)
			}
			if diff := cmp.Diff(before, viewTally(into)); diff != "" {
				t.Errorf("a failed decode changed the receiver (-before +after):\n%s", diff)
			}
		})
	}
	// The edits above are the only fault: the same tally with the two
	// groups in order decodes.
	two := tally(func(ta *binTally) { ta.Groups = append(ta.Groups, handBinGroup("y")) })
	if got := decodeBinary(t, two); got.Len() != 2 {
		t.Errorf("two groups in order: %d groups decoded", got.Len())
	}
}

// TestTallyBinaryBoundedMemory: a length in the input is checked against
// the bytes left before anything is allocated for it, so a few bytes that
// claim 2^56 stages, groups, stages' counts, bins or coefficient bytes
// cost no more than the bytes themselves.
func TestTallyBinaryBoundedMemory(t *testing.T) {
	claim := []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01} // uvarint 2^56
	ta := handBin()
	full := ta.encode()
	cases := map[string][]byte{
		"stages":  append([]byte{1}, claim...),
		"groups":  append(slices.Clone(full[:15]), claim...), // version, funnel, by (15 bytes), then the count of groups
		"reached": append(slices.Clone(full[:23]), claim...), // then group 0's key (3 bytes) and 4 counts
		// then reached to lost_at (24 bytes), lost_no_stage and the count
		// of amounts; the first amount in the big form (0x01) of 2^55 bytes
		"big form": append(slices.Clone(full[:49]), append([]byte{0x01}, claim...)...),
		// then the amounts, no_amount, won_amount (2 bytes), won_with_amount,
		// open_amount (2), open_with_amount and won_cycle's n and seconds (4)
		"bins": append(slices.Clone(full[:66]), claim...),
	}
	if !bytes.Equal(full, handTallyBinary) || full[15] != 0x01 || full[23] != 0x03 || full[48] != 0x03 || full[66] != 0x01 {
		t.Fatalf("the offsets above are not those of handTallyBinary")
	}
	for name, b := range cases {
		var ms0, ms1 runtime.MemStats
		var u funnel.Tally
		runtime.ReadMemStats(&ms0)
		err := u.UnmarshalBinary(b)
		runtime.ReadMemStats(&ms1)
		if !errors.Is(err, funnel.ErrOutOfRange) {
			t.Errorf("%s: UnmarshalBinary(% x) = %v, want an error wrapping ErrOutOfRange", name, b, err)
		}
		if n := ms1.TotalAlloc - ms0.TotalAlloc; n > 1<<16 {
			t.Errorf("%s: %d bytes allocated for %d bytes of input", name, n, len(b))
		}
	}
}

// TestTallyBinaryConcurrent: MarshalBinary only reads the tally, so
// goroutines may encode one tally at once (run with -race), each getting
// the same bytes.
func TestTallyBinaryConcurrent(t *testing.T) {
	ta := encTally(t, encStages, encHistoryDeals(t, 500, 5), funnel.AttrOwner)
	want := mustMarshalBinary(t, ta)
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Go(func() { got[i], _ = ta.MarshalBinary() })
	}
	wg.Wait()
	for i, b := range got {
		if !bytes.Equal(want, b) {
			t.Errorf("goroutine %d: other bytes", i)
		}
	}
}

// allUTF8 reports whether every string of the tally is valid UTF-8, which
// its JSON then carries unchanged.
func allUTF8(u *funnel.Tally) bool {
	ss := append(u.Funnel().Stages(), u.By()...)
	for _, c := range u.Groups() {
		ss = append(ss, c.Key...)
	}
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// FuzzTallyUnmarshalBinary decodes any bytes: no panic, and either a typed
// error wrapping a decoder's sentinel with the receiver unchanged, or a
// tally whose counts satisfy the invariants of tallied deals (checked a
// second way by checkCounts), that encodes back to the same bytes, whose
// JSON decodes to the same tally (when its strings are UTF-8, which JSON
// needs), and that merges with itself or fails with ErrOutOfRange.
func FuzzTallyUnmarshalBinary(f *testing.F) {
	f.Add(handTallyBinary)
	for _, seed := range []uint64{1, 2, 3} {
		deals := encHistoryDeals(f, 12, seed)
		for _, by := range [][]string{nil, {funnel.AttrOwner}, {funnel.AttrOwner, funnel.AttrSegment}} {
			f.Add(mustMarshalBinary(f, encTally(f, encStages, deals, by...)))
		}
	}
	for _, ta := range []binTally{handBin(), {Version: 1, Funnel: []string{"a"}}} {
		b := ta.encode()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0})
	huge := handBin()
	huge.Groups[0].OpenAmount = dec(4, 2_000_000_000)
	f.Add(huge.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		var u funnel.Tally
		if err := u.UnmarshalBinary(b); err != nil {
			checkDecodeErr(t, err)
			if u.Funnel().Len() != 0 || u.Len() != 0 {
				t.Fatalf("a failed decode left %d groups over %v", u.Len(), u.Funnel())
			}
			return
		}
		for _, c := range u.Groups() {
			checkCounts(t, u.Funnel().Len(), c)
		}
		if again := mustMarshalBinary(t, &u); !bytes.Equal(b, again) {
			t.Fatalf("decode, encode gives other bytes:\n% x\n% x", b, again)
		}
		if allUTF8(&u) {
			v := decodeTally(t, mustMarshal(t, &u))
			if diff := cmp.Diff(viewTally(&u), viewTally(v)); diff != "" {
				t.Fatalf("binary and its JSON decode to other tallies (-binary +JSON):\n%s", diff)
			}
			if again := mustMarshalBinary(t, v); !bytes.Equal(b, again) {
				t.Fatalf("the tally decoded from its JSON encodes to other bytes:\n% x\n% x", b, again)
			}
		}
		v := decodeBinary(t, b)
		if err := v.Merge(&u); err != nil {
			if !errors.Is(err, funnel.ErrOutOfRange) {
				t.Fatalf("Merge with itself: %v", err)
			}
			return
		}
		once := u.Groups()
		for i, c := range v.Groups() {
			if c.Deals != 2*once[i].Deals || !c.WonAmount.Equal(once[i].WonAmount.Mul(decimal.NewFromInt(2))) {
				t.Fatalf("Merge with itself: group %q holds %d deals, %s won", c.Key, c.Deals, c.WonAmount)
			}
		}
	})
}

// A tally travels between machines in its binary form: about a quarter
// of the size of its JSON, exact, and checked when it is decoded.
func ExampleTally_MarshalBinary() {
	f := funnel.MustNew("lead", "qualified", "meeting", "won")
	t := funnel.NewTally(f, funnel.AttrOwner)
	if err := t.AddAll(funnel.Stream(exampleDeals())); err != nil {
		fmt.Println(err)
		return
	}
	b, err := t.MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	var u funnel.Tally
	if err := u.UnmarshalBinary(b); err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range u.Groups() {
		fmt.Printf("%s: %d deals, %d won for %s\n", c.Key[0], c.Deals, c.Won, c.WonAmount.StringFixed(2))
	}
	// A byte cut off is refused.
	err = u.UnmarshalBinary(b[:len(b)-1])
	fmt.Println(errors.Is(err, funnel.ErrOutOfRange))
	// Output:
	// ann: 2 deals, 2 won for 2000.00
	// bob: 3 deals, 0 won for 0.00
	// true
}
