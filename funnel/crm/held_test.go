package crm

import (
	"fmt"
	"hash/maphash"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// TestHeldChain checks that ids whose hashes collide are told apart by
// their bytes. A collision of two 64-bit hashes cannot be made to order,
// so the test makes one: it points the hash of each new id at the deals
// already held, as a collision would.
func TestHeldChain(t *testing.T) {
	h := newHeld(nil, time.UTC)
	ids := []string{"A", "B", "C"}
	for n, id := range ids {
		if n > 0 {
			// id's hash now leads to the last deal added, as if it
			// collided with every earlier id.
			h.index[maphash.Bytes(h.seed, []byte(id))] = int32(n - 1)
		}
		if got := h.deal([]byte(id), n+2); got != int32(n) {
			t.Fatalf("deal(%s) = %d, want the new deal %d", id, got, n)
		}
	}
	// Every id is now reached through the chain C → B → A.
	for n, id := range ids {
		h.index[maphash.Bytes(h.seed, []byte(id))] = 2
		if got := h.deal([]byte(id), 99); got != int32(n) {
			t.Errorf("deal(%s) = %d, want %d", id, got, n)
		}
	}
	if len(h.deals) != 3 {
		t.Errorf("%d deals held, want 3", len(h.deals))
	}
	var lines []int
	for _, d := range h.deals {
		lines = append(lines, d.line)
	}
	if diff := cmp.Diff([]int{2, 3, 4}, lines); diff != "" {
		t.Errorf("first lines mismatch (-want +got):\n%s", diff)
	}
}

// TestHeldBounds checks the bounds that keep hostile input from growing
// the shared cell values and the interner without end: 1<<14 entries, the
// values past them still read back right.
func TestHeldBounds(t *testing.T) {
	const bound = 1 << 14
	h := newHeld([]int{0}, time.UTC)
	tb := &table{}
	k := &cols{amount: -1, expected: -1, assigned: -1}
	in := interner{}
	for n := range bound + 3 {
		v := []byte(fmt.Sprintf("owner %d", n))
		i := h.deal(v, n)
		if re := h.hold(tb, k, i, [][]byte{v}); re != nil {
			t.Fatal(re)
		}
		if got := string(h.at(h.cells[i])); got != string(v) {
			t.Fatalf("value %d reads back as %q", n, got)
		}
		if got := in.get(v); got != string(v) {
			t.Fatalf("interner gives %q for %q", got, v)
		}
	}
	if len(h.shared) != bound || len(in) != bound {
		t.Errorf("%d shared values and %d interned strings, want %d each", len(h.shared), len(in), bound)
	}
	// A value seen before is shared, not stored again.
	i := h.deal([]byte("X"), 1)
	before := len(h.text)
	if re := h.hold(tb, k, i, [][]byte{[]byte("owner 7")}); re != nil || len(h.text) != before {
		t.Errorf("holding a known value grew the text by %d bytes (%v)", len(h.text)-before, re)
	}
}

// TestEventCode checks the packing of a stage and a spelling into one
// int32 and back, as held.restore reads it.
func TestEventCode(t *testing.T) {
	st := &stageTable{stages: []int{4, lostStage}}
	for _, tt := range []struct {
		stage int
		spell int32
	}{{0, -1}, {3, -1}, {lostStage, -1}, {4, 0}, {lostStage, 1}} {
		c := eventCode(tt.stage, tt.spell)
		if c == deletedRow {
			t.Fatalf("eventCode(%d, %d) is the deleted mark", tt.stage, tt.spell)
		}
		stage, spell := int(-3-c), int32(-1)
		if c >= 0 {
			stage, spell = st.stages[c], c
		}
		if stage != tt.stage || spell != tt.spell {
			t.Errorf("eventCode(%d, %d) = %d, reads back as (%d, %d)", tt.stage, tt.spell, c, stage, spell)
		}
	}
}

// TestSlabFillsBlocks checks that the slab hands out a block to its last
// event before it takes another (blocks hold 1024 events), and that a
// slice it hands out is capped at its length.
func TestSlabFillsBlocks(t *testing.T) {
	var a, b []funnel.Event
	n := testing.AllocsPerRun(10, func() {
		var s slab
		a = s.take(1000)
		b = s.take(24) // the rest of the block: no allocation
	})
	if n != 1 {
		t.Errorf("two takes filling one block allocate %v times, want 1", n)
	}
	if len(a) != 1000 || len(b) != 24 || cap(a) != 1000 {
		t.Fatalf("takes of 1000 and 24: lengths %d and %d, capacity %d", len(a), len(b), cap(a))
	}
	// Appending to the first copies it, never touching its neighbour.
	b[0] = funnel.Event{Stage: 2}
	_ = append(a, funnel.Event{Stage: 5})
	if b[0].Stage != 2 {
		t.Errorf("appending to a slice from the slab changed the next one: %v", b[0])
	}
}
