package crm

import "hash/maphash"

// Deal ids are remembered by a 64-bit hash (hash/maphash, seeded at
// random per read), never by their text, in open-addressing tables of
// flat arrays that hold no pointers, so the garbage collector never scans
// them. Two different ids share a hash with probability about n²/2⁶⁵ over
// n ids (below 3e-6 for ten million), which would report a false repeat.
// The hash 0 marks an empty slot; an id whose hash is 0 is stored as 1.
//
// A table doubles when it is 13/16 full, so it is between 13/32 and 13/16
// full: an idSet costs 16 bytes a slot, 20 to 40 bytes a deal; a hashSet
// 8 bytes a slot, 10 to 20 bytes a deal, and twice that while it doubles.

// minSlots is the size of a new table.
const minSlots = 1 << 10

// hashID returns the hash of an id in a set seeded with seed, never 0.
func hashID(seed maphash.Seed, id []byte) uint64 {
	h := maphash.Bytes(seed, id)
	if h == 0 {
		h = 1
	}
	return h
}

// idSlot is a slot of an [idSet]: an id's hash and the lines where its
// deal was read.
type idSlot struct {
	h           uint64
	first, last int32
}

// idSet remembers deal ids with the first and last lines of their deal,
// for the error that names them when an id comes back. Past idSplit ids
// it is split by the top bits of the hash into idParts tables that grow
// one at a time, so that growing never holds much more than the ids: a
// table that doubles is a 256th of them.
type idSet struct {
	seed maphash.Seed
	// parts are the tables, by the top bits of the hash once split is
	// set; until then, while the set is small, the first holds every id.
	parts   [idParts]idTable
	split   bool
	hs      []uint64 // scratch of touch
	touched uint64   // the sum of the slots touched, so the loads stay
}

// idParts is the number of tables of an idSet, and idSplit the number of
// ids past which it uses them all.
const (
	idParts = 256
	idSplit = 1 << 16
)

// part returns the table of hash h.
func (s *idSet) part(h uint64) uint64 {
	if !s.split {
		return 0
	}
	return h >> 56
}

// idTable is one table of an idSet.
type idTable struct {
	slots []idSlot
	n     int
}

func newIDSet() *idSet { return &idSet{seed: maphash.MakeSeed()} }

// claim looks id up. When it is there, claim returns its slot and the
// lines it was read at, and found; otherwise it adds the id, read from
// line, and returns its new slot. A slot stays valid until the next
// claim.
func (s *idSet) claim(id []byte, line int) (slot int, lines [2]int32, found bool) {
	h := hashID(s.seed, id)
	if !s.split && s.parts[0].n == idSplit {
		s.splitUp()
	}
	p := s.part(h)
	t := &s.parts[p]
	if t.n+1 > len(t.slots)/16*13 {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		switch t.slots[i].h {
		case h:
			return int(p)<<40 | i, [2]int32{t.slots[i].first, t.slots[i].last}, true
		case 0:
			t.slots[i] = idSlot{h: h, first: int32(line), last: int32(line)}
			t.n++
			return int(p)<<40 | i, [2]int32{}, false
		}
	}
}

// touch loads the slots where the lookups of ids start, all at once, so
// that the misses of the cache overlap instead of following one another,
// and the lookups, when they come, find their slots in the cache.
func (s *idSet) touch(ids [][]byte) {
	s.hs = s.hs[:0]
	for _, id := range ids {
		s.hs = append(s.hs, hashID(s.seed, id))
	}
	var sum uint64
	for _, h := range s.hs {
		if t := &s.parts[s.part(h)]; len(t.slots) > 0 {
			sum += t.slots[int(h)&(len(t.slots)-1)].h
		}
	}
	s.touched += sum
}

// setLast records the last line of the deal in slot.
func (s *idSet) setLast(slot, line int) { s.parts[slot>>40].slots[slot&(1<<40-1)].last = int32(line) }

// len returns the number of ids held.
func (s *idSet) len() int {
	n := 0
	for i := range s.parts {
		n += s.parts[i].n
	}
	return n
}

// splitUp moves the ids of the first table to the tables of their
// hashes' top bits.
func (s *idSet) splitUp() {
	old := s.parts[0]
	s.parts[0] = idTable{}
	s.split = true
	size := 16
	for size/16*13 < old.n/idParts*5/4 {
		size *= 2
	}
	for i := range s.parts {
		s.parts[i].slots = make([]idSlot, size)
	}
	for _, o := range old.slots {
		if o.h == 0 {
			continue
		}
		t := &s.parts[o.h>>56]
		if t.n+1 > len(t.slots)/16*13 {
			t.grow()
		}
		mask := len(t.slots) - 1
		i := int(o.h) & mask
		for t.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = o
		t.n++
	}
}

func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]idSlot, max(16, 2*len(old)))
	mask := len(t.slots) - 1
	for _, o := range old {
		if o.h == 0 {
			continue
		}
		i := int(o.h) & mask
		for t.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = o
	}
}

// hashSet remembers hashes of deal ids alone: the set of a reader that
// reads the input again when an id comes back, and so never names the
// lines.
type hashSet struct {
	hs      []uint64
	n       int
	touched uint64 // the sum of the slots addAll touched, so the loads stay
}

func newHashSet() *hashSet { return &hashSet{hs: make([]uint64, minSlots)} }

// add adds h (never 0) and reports whether it was there already.
func (s *hashSet) add(h uint64) bool {
	if s.n+1 > len(s.hs)/16*13 {
		s.grow()
	}
	mask := len(s.hs) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		switch s.hs[i] {
		case h:
			return true
		case 0:
			s.hs[i] = h
			s.n++
			return false
		}
	}
}

// reserve makes room for n hashes in all, growing the table at once to
// the size that holds them.
func (s *hashSet) reserve(n int) {
	size := len(s.hs)
	for n > size/16*13 {
		size *= 2
	}
	if size > len(s.hs) {
		s.rehash(size)
	}
}

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	mask := len(s.hs) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		switch s.hs[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func (s *hashSet) grow() { s.rehash(2 * len(s.hs)) }

// rehash moves the hashes to a table of size slots, a power of two.
func (s *hashSet) rehash(size int) {
	old := s.hs
	s.hs = make([]uint64, size)
	mask := len(s.hs) - 1
	// The old table in batches, each touched first as in addAll.
	var batch [32]uint64
	n := 0
	put := func() {
		var touch uint64
		for _, h := range batch[:n] {
			touch += s.hs[int(h)&mask]
		}
		s.touched += touch
		for _, h := range batch[:n] {
			i := int(h) & mask
			for s.hs[i] != 0 {
				i = (i + 1) & mask
			}
			s.hs[i] = h
		}
		n = 0
	}
	for _, h := range old {
		if h == 0 {
			continue
		}
		batch[n] = h
		n++
		if n == len(batch) {
			put()
		}
	}
	put()
}

// all calls yield with each hash in the set.
func (s *hashSet) all(yield func(uint64) bool) {
	for _, h := range s.hs {
		if h != 0 && !yield(h) {
			return
		}
	}
}

// addAll adds hs (none 0) in order and reports whether one of them was in
// the set already or comes twice in hs. It touches the slots of all of
// them before it probes any, so that the misses of the cache overlap
// instead of following one another: in a table larger than the cache a
// probe costs a miss, and hs are the ids of consecutive deals, read as a
// batch.
func (s *hashSet) addAll(hs []uint64) bool {
	for s.n+len(hs) > len(s.hs)/16*13 {
		s.grow()
	}
	mask := len(s.hs) - 1
	var touch uint64
	for _, h := range hs {
		touch += s.hs[int(h)&mask]
	}
	s.touched = touch
	dup := false
	for _, h := range hs {
		dup = s.add(h) || dup
	}
	return dup
}
