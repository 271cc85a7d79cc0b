package crm

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"time"
)

// TestIDSet checks the table of ids against a map, the second method:
// claim finds an id exactly when the map has it, with the lines it was
// read at, through the table's growth.
func TestIDSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 7))
	s := newIDSet()
	want := map[string][2]int32{}
	for line := 2; line < 300000; line++ {
		id := fmt.Sprintf("D%d", rng.IntN(120000)) // past idSplit ids
		slot, lines, found := s.claim([]byte(id), line)
		w, ok := want[id]
		if found != ok || (ok && lines != w) {
			t.Fatalf("claim(%s) at line %d = %v, %v; want %v, %v", id, line, lines, found, w, ok)
		}
		if !ok {
			s.setLast(slot, line+1)
			want[id] = [2]int32{int32(line), int32(line + 1)}
		}
		if line%100 == 0 {
			// Start the lookups of a few ids: no effect on what is found.
			s.touch([][]byte{[]byte(id), []byte("X")})
		}
	}
	if s.len() != len(want) {
		t.Errorf("%d ids held, want %d", s.len(), len(want))
	}
	for i, p := range s.parts {
		if n := len(p.slots); p.n > n/16*13 || (n > 16 && p.n < n/32*13-1) {
			t.Errorf("table %d: %d ids in %d slots, outside the load it keeps", i, p.n, n)
		}
	}
}

// TestHashSet checks the set of hashes against a map: add, addAll (an id
// twice within one batch included), reserve, has, and all.
func TestHashSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 8))
	seed := maphash.MakeSeed()
	s := newHashSet()
	s.reserve(3000) // 3000 fit at 13/16 full in 4096 slots
	if len(s.hs) != 4096 {
		t.Errorf("reserve(3000): %d slots, want 4096", len(s.hs))
	}
	want := map[uint64]bool{}
	var batch []uint64
	for range 20000 {
		h := hashID(seed, fmt.Appendf(nil, "D%d", rng.IntN(12000)))
		batch = append(batch, h)
		if len(batch) == 40 {
			dup := false
			seen := map[uint64]bool{}
			for _, h := range batch {
				dup = dup || want[h] || seen[h]
				seen[h] = true
			}
			if got := s.addAll(batch); got != dup {
				t.Fatalf("addAll = %v, want %v", got, dup)
			}
			for _, h := range batch {
				want[h] = true
			}
			batch = batch[:0]
		}
	}
	for h := range want {
		if !s.has(h) {
			t.Fatalf("has(%x) = false after add", h)
		}
	}
	n := 0
	for h := range s.all {
		if !want[h] {
			t.Fatalf("all yields %x, never added", h)
		}
		n++
	}
	if n != len(want) || s.n != len(want) {
		t.Errorf("all yields %d hashes, n = %d; want %d", n, s.n, len(want))
	}
	if s.add(hashID(seed, []byte("new"))) || !s.add(hashID(seed, []byte("new"))) {
		t.Errorf("add of a new hash, then of it again: want false, then true")
	}
	// anyIn, with the second method: a loop over the map.
	other := newHashSet()
	other.add(hashID(seed, []byte("elsewhere")))
	if anyIn(other, s) {
		t.Errorf("anyIn finds a hash that is not there")
	}
	other.add(hashID(seed, []byte("new")))
	if !anyIn(other, s) {
		t.Errorf("anyIn misses a hash that is there")
	}
}

// TestHashIDNeverZero checks that a hash of 0, which marks an empty slot,
// is stored as 1: the case cannot be made with maphash's random seeds, so
// the rule is checked on hashID's output over many ids instead.
func TestHashIDNeverZero(t *testing.T) {
	seed := maphash.MakeSeed()
	for i := range 100000 {
		if hashID(seed, fmt.Appendf(nil, "%d", i)) == 0 {
			t.Fatalf("hashID of %d is 0", i)
		}
	}
}

// TestDaysSinceEpoch checks the day count against the time package, the
// second method, on the first and last day of every month of years 0 to
// 9999, and by hand on a few days: 1970-01-01 is day 0, 2000-03-01 is
// day 11017 (30 years of 365 days and 7 leap days, 1972 to 1996, give
// 10957 to 2000-01-01, then 31 + 29 days of January and February 2000),
// and 0000-01-01 is day −719528 (1970 years of 365 days, 719050, and the
// leap days of the years 0 to 1969: 493 multiples of 4, 0 to 1968, less
// the 15 centuries 100, 200, 300, 500, ..., 1900 that 400 does not
// divide, 478).
func TestDaysSinceEpoch(t *testing.T) {
	for _, tt := range []struct {
		y, m, d int
		want    int64
	}{{1970, 1, 1, 0}, {2000, 3, 1, 11017}, {0, 1, 1, -719528}} {
		if got := daysSinceEpoch(tt.y, tt.m, tt.d); got != tt.want {
			t.Errorf("daysSinceEpoch(%d, %d, %d) = %d, want %d", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
	for y := 0; y <= 9999; y++ {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, daysIn(time.Month(m), y)} {
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
				if got := daysSinceEpoch(y, m, d); got != want {
					t.Fatalf("daysSinceEpoch(%d, %d, %d) = %d, time package %d", y, m, d, got, want)
				}
			}
		}
	}
}

// TestFastDateCache checks that reading dates through a cache of the
// month gives what reading each alone gives, on a run of dates that
// changes month now and then and holds days a month does not have.
func TestFastDateCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 9))
	var mc monthCache
	y, m := 2024, 1
	for range 20000 {
		if rng.IntN(10) == 0 {
			y, m = 1990+rng.IntN(40), 1+rng.IntN(12)
		}
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, rng.IntN(33), rng.IntN(25), rng.IntN(61), rng.IntN(61))
		want, wok := fastDate([]byte(s), true, time.UTC)
		got, ok := fastDateIn([]byte(s), true, time.UTC, &mc)
		if ok != wok || !got.Equal(want) || got != want {
			t.Fatalf("fastDateIn(%s) = %v, %v; without the cache %v, %v", s, got, ok, want, wok)
		}
	}
}
