package crm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// held is what the Scattered long reader keeps of every deal until the end
// of the input: the deals' ids, their rows' stage entries and the last
// non-empty value of each of their cells, in a few flat arrays without
// pointers, which the garbage collector need not scan, rather than an
// object, a map entry and strings per deal. A deal costs its id's bytes, a
// heldDeal (32 bytes), a map entry (12 bytes and the map's slack), 8 bytes
// per column kept, the bytes of each value it changes to (a value seen
// before is shared), and 32 bytes per row.
type held struct {
	seed  maphash.Seed
	index map[uint64]int32 // hash of an id → the last deal read with that hash
	deals []heldDeal
	// text holds ids and cell values, each after its length as a uvarint;
	// offset 0 is no value, which reads as empty.
	text   []byte
	shared map[string]int // offsets in text of cell values, bounded
	events [][]heldEvent  // in chunks of heldChunk
	n      int32          // events held
	// cols are the columns whose last non-empty value a deal keeps, and
	// cells holds, for deal i, the offsets in text of its values at
	// cells[i*len(cols):].
	cols  []int
	cells []int
	zones zones
}

// heldChunk is the number of events in a chunk of held.events.
const heldChunk = 1024

// heldDeal is a deal of [held]: where its id and first line are, its
// chain of events, and the chain of deals whose ids share a hash.
type heldDeal struct {
	id         int   // offset of the id in held.text
	line       int   // the deal's first line
	head, tail int32 // its first and last event; tail -1 for none
	next       int32 // an earlier deal whose id has the same hash, -1 for none
	bad        bool  // a row failed; the deal is left out
}

// heldEvent is a row of a [heldDeal]: a stage entry, a lost row or a row
// marked deleted. Its time is at seconds and nsec nanoseconds past the
// Unix epoch, in the zone of index zone (see [zones]).
type heldEvent struct {
	sec  int64
	line int
	nsec int32
	zone int32
	next int32 // the deal's next event, unset for its last
	code int32 // see [eventCode]
}

// deletedRow is the code of a row marked deleted.
const deletedRow = -1

// eventCode packs a row's stage and spelling (see [stageTable.lookup]):
// the spelling's index when it is kept, which gives the stage too, or
// else −3 − stage (−2 for lostStage); −1 is [deletedRow].
func eventCode(stage int, spell int32) int32 {
	if spell >= 0 {
		return spell
	}
	return int32(-3 - stage)
}

func newHeld(cols []int, loc *time.Location) *held {
	return &held{seed: maphash.MakeSeed(), index: map[uint64]int32{}, text: []byte{0}, shared: map[string]int{}, cols: cols, zones: newZones(loc)}
}

// full reports whether h holds as many deals or events as its int32
// indexes can count; the reader then stops with an error.
func (h *held) full() bool { return len(h.deals) == math.MaxInt32 || h.n == math.MaxInt32 }

// put stores v in text and returns its offset.
func (h *held) put(v []byte) int {
	off := len(h.text)
	h.text = binary.AppendUvarint(h.text, uint64(len(v)))
	h.text = append(h.text, v...)
	return off
}

// at returns the value stored at off.
func (h *held) at(off int) []byte {
	n, k := binary.Uvarint(h.text[off:])
	return h.text[off+k : off+k+int(n)]
}

// deal returns the index of the deal with id, adding it, first read at
// line, when it is new.
func (h *held) deal(id []byte, line int) int32 {
	sum := maphash.Bytes(h.seed, id)
	first, ok := h.index[sum]
	if ok {
		for i := first; i >= 0; i = h.deals[i].next {
			if bytes.Equal(h.at(h.deals[i].id), id) {
				return i
			}
		}
	} else {
		first = -1
	}
	i := int32(len(h.deals))
	h.deals = append(h.deals, heldDeal{id: h.put(id), line: line, tail: -1, next: first})
	h.index[sum] = i
	h.cells = append(h.cells, make([]int, len(h.cols))...)
	return i
}

// event returns event e.
func (h *held) event(e int32) *heldEvent { return &h.events[e/heldChunk][e%heldChunk] }

// add appends the row at line, of time at and code (see [eventCode]), to
// deal i.
func (h *held) add(i int32, at time.Time, line int, code int32) {
	e := heldEvent{sec: at.Unix(), nsec: int32(at.Nanosecond()), zone: h.zones.index(at.Location()), line: line, code: code}
	if int(h.n/heldChunk) == len(h.events) {
		h.events = append(h.events, make([]heldEvent, heldChunk))
	}
	*h.event(h.n) = e
	d := &h.deals[i]
	if d.tail < 0 {
		d.head = h.n
	} else {
		h.event(d.tail).next = h.n
	}
	d.tail = h.n
	h.n++
}

// hold keeps the non-empty cells of a row of deal i that differ from the
// deal's values, checking an amount or a date as [table.fill] does.
func (h *held) hold(t *table, k *cols, i int32, fields [][]byte) *RowError {
	vals := h.cells[int(i)*len(h.cols):][:len(h.cols)]
	for j, col := range h.cols {
		v := cell(fields, col)
		if len(v) == 0 || bytes.Equal(h.at(vals[j]), v) {
			continue
		}
		var err error
		switch {
		case col == k.amount:
			_, err = parseAmount(v)
		case k.isDate(col):
			_, err = t.opt.Dates.parse(v)
		default:
			// A name (an owner, a segment) is often another deal's too.
			off, ok := h.shared[string(v)]
			if !ok {
				off = h.put(v)
				if len(h.shared) < 1<<14 {
					h.shared[string(v)] = off
				}
			}
			vals[j] = off
			continue
		}
		if err != nil {
			return t.cellErr(fields, col, "", err)
		}
		vals[j] = h.put(v)
	}
	return nil
}

// restore loads deal i into b as the contiguous reader would have built
// it from the same rows.
func (h *held) restore(t *table, k *cols, stages *stageTable, i int, b *builder) *RowError {
	d := &h.deals[i]
	b.reset(h.at(d.id), d.line)
	if d.bad {
		b.bad = true
		return nil
	}
	for e := d.head; d.tail >= 0; e = h.event(e).next {
		ev := h.event(e)
		at := time.Unix(ev.sec, int64(ev.nsec)).In(h.zones.locs[ev.zone])
		switch {
		case ev.code == deletedRow:
			b.deleted = append(b.deleted, ev.line)
		case ev.code >= 0:
			b.events = append(b.events, rawEvent{at: at, line: ev.line, stage: stages.stages[ev.code], src: ev.code})
		default:
			b.events = append(b.events, rawEvent{at: at, line: ev.line, stage: int(-3 - ev.code), src: -1})
		}
		if e == d.tail {
			break
		}
	}
	if len(b.events) == 0 {
		return nil
	}
	if len(k.attrs) > 0 {
		b.attrs = t.attrMap(len(k.attrs))
		for _, c := range k.attrs {
			b.attrs[t.header[c]] = ""
		}
	}
	for j, col := range h.cols {
		off := h.cells[i*len(h.cols)+j]
		if off == 0 {
			continue
		}
		v := h.at(off)
		if err := t.setKept(k, b, col, v); err != nil {
			return &RowError{Line: d.line, Column: t.header[col], Value: string(v), DealID: b.ident(), Err: err}
		}
	}
	return nil
}

// errTooMany is the error of a Scattered read that would hold more rows
// or deals than [held] can count.
func errTooMany(line int) error {
	return &RowError{Line: line, Err: fmt.Errorf("%w: Scattered holds at most %d deals and %d rows", funnel.ErrOutOfRange, math.MaxInt32, math.MaxInt32)}
}

// zones numbers the time zones of held events. A parsed time is in UTC,
// in Local, in the reader's Location, or else in a fixed zone that the
// time package made for an offset it read (a new one each time): those are
// numbered by name and offset, the others by themselves.
type zones struct {
	locs  []*time.Location
	own   map[*time.Location]int32
	fixed map[zoneKey]int32
}

type zoneKey struct {
	name   string
	offset int
}

func newZones(reader *time.Location) zones {
	z := zones{own: map[*time.Location]int32{}, fixed: map[zoneKey]int32{}}
	for _, loc := range []*time.Location{time.UTC, time.Local, reader} {
		if _, ok := z.own[loc]; !ok {
			z.own[loc] = int32(len(z.locs))
			z.locs = append(z.locs, loc)
		}
	}
	return z
}

// index returns the number of loc, the zone of a parsed time.
func (z *zones) index(loc *time.Location) int32 {
	if i, ok := z.own[loc]; ok {
		return i
	}
	name, offset := time.Unix(0, 0).In(loc).Zone()
	k := zoneKey{name, offset}
	if i, ok := z.fixed[k]; ok {
		return i
	}
	z.fixed[k] = int32(len(z.locs))
	z.locs = append(z.locs, time.FixedZone(name, offset))
	return int32(len(z.locs) - 1)
}
