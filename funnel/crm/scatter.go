package crm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// A Scattered read for a tally (see [Long.Tally]) is done in two phases,
// each over the input's parts at once, so that no step looks up a deal in
// a table larger than the cache:
//
//  1. each part of the input is read row by row, every row checked as the
//     Scattered reader checks it (and reported alike), and kept as a
//     scatterRow in one of scatterBuckets buckets chosen by the hash of its
//     deal id;
//  2. each bucket, the rows of every part in input order, is grouped by
//     deal, and each deal is done as the Scattered reader does it, in the
//     order of its first row, into a tally per worker.
//
// The reports of phase 1 come in input order, part after part; those of
// phase 2, one deal at a time, are put in the order of the deals' first
// rows, as the Scattered reader reports them. The tallies are merged.
//
// A row costs a scatterRow (64 bytes), 8 bytes for each text column the
// tally needs (the owner for a tally by owner), its id's bytes and their
// length, and the bytes of a text value not seen before (names are
// shared); phase 2 needs, for the bucket a worker is on, a table of its
// deals.

// scatterBuckets is the number of buckets of phase 1, by the top bits of
// an id's hash.
const scatterBuckets = 256

// Kinds of scatterRow.
const (
	rowEvent   = iota // a stage entry or a lost row
	rowDeleted        // a row marked deleted
	rowFailed         // a row that could not be read: its deal is left out
	rowBadOnly        // a malformed row naming the deal: its deal is left out
)

// Amount kinds of a scatterRow (amtP ≥ 0 is an amount amt × 10^−amtP).
const (
	amtNone = -1 // no amount in the row
	amtText = -2 // an amount past int64, its text at offset amt
)

// scatterRow is a row of a Scattered read for a tally, as phase 1 keeps
// it: no pointers, so the garbage collector does not scan the buckets.
type scatterRow struct {
	hash uint64 // of the deal id, seeded as every part is
	line int64  // the row's line, before the part's shift is added
	sec  int64  // the time, as [held] keeps it
	amt  int64
	// id is the deal id when it has at most len(id) bytes (idn of them);
	// otherwise (idn 255) its first 8 bytes are the offset of the id in
	// the part's text.
	id   [16]byte
	nsec int32
	code int32 // see [eventCode]
	zone int16 // in the part's zones
	idn  uint8
	kind int8
	amtP int8
	// cont says the row with an id read before it in the input has the
	// same id: a row of the same deal, not one that came back.
	cont bool
}

// longID marks a scatterRow whose id is in the part's text.
const longID = 255

// rowChunk is the number of rows in a chunk of a bucket (the first chunk
// grows to it), so that a bucket grows without its rows being copied.
const rowChunk = 1 << 10

// bucket holds rows in chunks, and the offsets in text of the values of
// the columns kept (ncell of them a row) in chunks alike.
type bucket struct {
	rows  [][]scatterRow
	cells [][]int64
	n     int
}

// add adds a row; a first chunk is made with room for first rows.
func (b *bucket) add(r scatterRow, cells []int64, ncell, first int) {
	c := len(b.rows) - 1
	if c < 0 || len(b.rows[c]) == rowChunk {
		size := rowChunk
		if c < 0 {
			size = first
		}
		b.rows = append(b.rows, make([]scatterRow, 0, size))
		b.cells = append(b.cells, make([]int64, 0, size*ncell))
		c++
	}
	b.rows[c] = append(b.rows[c], r)
	if ncell > 0 {
		if cells == nil {
			b.cells[c] = append(b.cells[c], make([]int64, ncell)...)
		} else {
			b.cells[c] = append(b.cells[c], cells...)
		}
	}
	b.n++
}

// row returns row i.
func (b *bucket) row(i int) *scatterRow { return &b.rows[i/rowChunk][i%rowChunk] }

// cellsOf returns the offsets of row i's values.
func (b *bucket) cellsOf(i, ncell int) []int64 {
	return b.cells[i/rowChunk][i%rowChunk*ncell:][:ncell]
}

// scatterPart is what phase 1 keeps of one part of the input.
type scatterPart struct {
	buckets [scatterBuckets]bucket
	text    []byte // long ids and values, each after its length as a uvarint
	shared  map[string]int64
	zones   zones
	// The part's stage spellings, for the events' codes.
	spell  []string
	stages []int
	// The first row with an id, and the last row's id, so that a deal
	// whose rows run on from one part to the next is not taken for one
	// that came back.
	firstBucket, firstRow int
	firstID, lastID       []byte
	// lines is the last line the part read; abs says the part's lines
	// are the input's (otherwise the part's lines count from 0 and the
	// lines of the parts before it are to be added).
	lines   int
	abs     bool
	reports reports
	err     error
	atLimit bool
}

// setID stores id in r.
func (p *scatterPart) setID(r *scatterRow, id []byte) {
	if len(id) <= len(r.id) {
		r.idn = uint8(copy(r.id[:], id))
		return
	}
	r.idn = longID
	binary.LittleEndian.PutUint64(r.id[:], uint64(p.put(id)))
}

// idOf returns the id of r.
func (p *scatterPart) idOf(r *scatterRow) []byte {
	if r.idn != longID {
		return r.id[:r.idn]
	}
	return p.at(int64(binary.LittleEndian.Uint64(r.id[:])))
}

// put stores v in p.text and returns its offset.
func (p *scatterPart) put(v []byte) int64 {
	off := int64(len(p.text))
	p.text = binary.AppendUvarint(p.text, uint64(len(v)))
	p.text = append(p.text, v...)
	return off
}

// at returns the value stored at off.
func (p *scatterPart) at(off int64) []byte {
	n, k := binary.Uvarint(p.text[off:])
	return p.text[off+int64(k) : off+int64(k)+int64(n)]
}

// putShared stores a text value, once for a value seen before (up to a
// bound, so that hostile input cannot grow the map without end).
func (p *scatterPart) putShared(v []byte) int64 {
	if off, ok := p.shared[string(v)]; ok {
		return off
	}
	off := p.put(v)
	if len(p.shared) < 1<<14 {
		p.shared[string(v)] = off
	}
	return off
}

// bucketOf returns the bucket of a hash.
func bucketOf(h uint64) int { return int(h >> 56) }

// scatterKeep returns the columns whose last value a deal of a Scattered
// read keeps, as text, for a tally: the amount is kept apart.
func (lr *longReader) scatterKeep() []int {
	return lr.k.kept(false)
}

// scatterRead is phase 1 over the part lr reads: it checks every row as
// [longReader.scattered] does and keeps it in p.
func (lr *longReader) scatterRead(p *scatterPart, keep []int) error {
	t, k := lr.t, &lr.k
	p.shared = map[string]int64{}
	p.text = append(p.text[:0], 0)
	p.zones = newZones(t.opt.Dates.loc())
	p.firstBucket = -1
	vals := make([]int64, len(keep))
	// The room a bucket starts with: for a part of known size, what its
	// share of rows of 64 bytes would need.
	first := 16
	if lr.size > 0 {
		first = int(min(max(lr.size/64/scatterBuckets, 16), rowChunk))
	}
	add := func(r scatterRow, cells []int64) {
		b := bucketOf(r.hash)
		if p.firstBucket < 0 && r.kind != rowBadOnly {
			p.firstBucket, p.firstRow = b, p.buckets[b].n
		}
		p.buckets[b].add(r, cells, len(keep), first)
	}
	havePrev := false
	for {
		fields, err := t.next()
		for _, id := range t.badIDs {
			if id != "" {
				r := scatterRow{hash: hashID(lr.seed, []byte(id)), kind: rowBadOnly, amtP: amtNone}
				p.setID(&r, []byte(id))
				add(r, nil)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		id := cell(fields, k.id)
		if len(id) == 0 {
			if err := lr.missingID(fields); err != nil {
				return err
			}
			continue
		}
		r := scatterRow{hash: hashID(lr.seed, id), line: int64(t.rec.start), amtP: amtNone}
		if havePrev && bytes.Equal(id, p.lastID) {
			r.cont = true
		} else {
			p.lastID = append(p.lastID[:0], id...)
		}
		if !havePrev {
			p.firstID = append(p.firstID[:0], id...)
			havePrev = true
		}
		p.setID(&r, id)
		e, del, re := lr.event(fields)
		switch {
		case re != nil:
		case del:
			r.kind = rowDeleted
		default:
			r.sec, r.nsec, r.zone = e.at.Unix(), int32(e.at.Nanosecond()), int16(p.zones.index(e.at.Location()))
			r.code = eventCode(e.stage, e.src)
			re = lr.scatterCells(p, &r, fields, keep, vals)
		}
		if re != nil {
			re.DealID = string(id)
			r.kind = rowFailed
			add(r, nil)
			if err := t.skip(re); err != nil {
				return err
			}
			continue
		}
		if r.kind == rowDeleted {
			add(r, nil)
		} else {
			add(r, vals)
		}
	}
	p.lines = t.rec.line
	p.spell, p.stages = lr.stages.text, lr.stages.stages
	return nil
}

// scatterCells checks and keeps the cells of a row as [held.hold] does:
// an amount or a date that cannot be read is an error; other values are
// text. It sets r's amount and vals.
func (lr *longReader) scatterCells(p *scatterPart, r *scatterRow, fields [][]byte, keep []int, vals []int64) *RowError {
	t, k := lr.t, &lr.k
	if k.amount >= 0 {
		if v := cell(fields, k.amount); len(v) > 0 {
			a, places, fits, err := scanAmount(v)
			if err != nil {
				return t.cellErr(fields, k.amount, "", err)
			}
			if fits {
				r.amt, r.amtP = a, int8(places)
			} else {
				if _, err := bigAmount(v); err != nil {
					return t.cellErr(fields, k.amount, "", err)
				}
				r.amt, r.amtP = p.put(v), amtText
			}
		}
	}
	for j, col := range keep {
		v := cell(fields, col)
		vals[j] = 0
		if len(v) == 0 {
			continue
		}
		if k.isDate(col) {
			if _, err := t.opt.Dates.parse(v); err != nil {
				return t.cellErr(fields, col, "", err)
			}
			vals[j] = p.put(v)
			continue
		}
		vals[j] = p.putShared(v)
	}
	return nil
}

// scatterDeal is a deal of a bucket in phase 2.
type scatterDeal struct {
	hash  uint64
	row   uint64 // its first row, as (part << 48 | index)
	first int64  // the line of its first row (not a malformed one)
	n     int32  // its rows
	start int32  // the offset of its rows in the bucket's order
}

// scatterWorker is phase 2 for the buckets one goroutine does.
type scatterWorker struct {
	lr    *longReader // columns, stage names and funnel; lr.t is not used
	t     *table      // where the deals are done, into a tally
	parts []*scatterPart
	shift []int64 // added to each part's lines
	base  []int32 // the offset of each part's spellings in spell
	spell []string
	keep  []int
	// noteReturn says to find the first id that comes back (w.backLine).
	noteReturn bool
	key        int64 // the first line of the deal being done
	held       []keyedReport
	err        error // the error of the deal at errKey, the first to fail
	errKey     int64 // math.MaxInt64 while no deal failed
	// The first row, in input order, whose deal had a row before and
	// whose row before is of another deal.
	backLine  int64
	backDeal  []byte
	backFirst int64
	// Scratch, kept from bucket to bucket.
	slots []int32
	deals []scatterDeal
	rowOf []int32 // each row's deal
	order []uint64
	last  []int64
}

// keyedReport is a report of phase 2 with the first line of its deal.
type keyedReport struct {
	key int64
	report
}

// options returns o with its callbacks replaced by ones that hold the
// reports with the key of the deal being done.
func (w *scatterWorker) options(o Options) Options {
	if o.OnSkip != nil {
		o.OnSkip = func(e *RowError) { w.held = append(w.held, keyedReport{w.key, report{skip: e}}) }
	}
	if o.OnNote != nil {
		o.OnNote = func(n Note) { w.held = append(w.held, keyedReport{w.key, report{note: n}}) }
	}
	return o
}

// bucket does the deals of bucket q, in the order of their first rows.
// It returns ctx's error; the error of a deal (strict mode, or the
// tally's own) is kept in w.err, and only the deals before it are done
// after it.
func (w *scatterWorker) bucket(q int) error {
	if !w.group(q) {
		return nil
	}
	if w.noteReturn {
		w.backs(q)
	}
	// Do the deals. After an error, only the deals before it count.
	var b builder
	for d := range w.deals {
		c := &w.deals[d]
		if c.first == math.MaxInt64 || c.first >= w.errKey {
			continue // only malformed rows (not a deal), or after an error
		}
		if d%1024 == 0 {
			if err := w.t.ctx.Err(); err != nil {
				return err
			}
		}
		w.key = c.first
		w.t.halt = nil
		if err := w.deal(q, c, &b); err != nil {
			w.err, w.errKey = err, c.first
		}
	}
	return nil
}

// back finds, among the rows of bucket q, the first whose deal had a row
// before and whose row before is of another deal (see w.backLine).
func (w *scatterWorker) back(q int) {
	if w.group(q) {
		w.backs(q)
	}
}

// backs is back on the bucket q grouped.
func (w *scatterWorker) backs(q int) {
	for d := range w.deals {
		c := &w.deals[d]
		seen := false
		for _, ref := range w.order[c.start : c.start+c.n] {
			pi, ri := int(ref>>48), int(ref&(1<<48-1))
			p := w.parts[pi]
			w.backOf(p, p.buckets[q].row(ri), pi, c.first, &seen)
		}
	}
}

// backOf looks at row r, of part pi, of a deal first read at first, for
// w.backLine; seen says a row of the deal came before.
func (w *scatterWorker) backOf(p *scatterPart, r *scatterRow, pi int, first int64, seen *bool) {
	if r.kind == rowBadOnly {
		return
	}
	if *seen && !r.cont && (w.backLine == 0 || r.line+w.shift[pi] < w.backLine) {
		w.backLine, w.backDeal, w.backFirst = r.line+w.shift[pi], slices.Clone(p.idOf(r)), first
	}
	*seen = true
}

// group groups the rows of bucket q by deal, in w.deals (numbered in the
// order of their first rows) and w.order, and reports whether the bucket
// has any.
func (w *scatterWorker) group(q int) bool {
	n := 0
	for _, p := range w.parts {
		n += p.buckets[q].n
	}
	if n == 0 {
		return false
	}
	size := 16
	for size < 2*n {
		size *= 2
	}
	w.slots = slices.Grow(w.slots[:0], size)[:size]
	clear(w.slots)
	mask := size - 1
	w.deals = w.deals[:0]
	w.rowOf = slices.Grow(w.rowOf[:0], n)[:n]
	// Group the rows by deal, deals numbered in the order of their first
	// rows.
	i := 0
	for pi, p := range w.parts {
		bk := &p.buckets[q]
		for ri := range bk.n {
			r := bk.row(ri)
			s := int(r.hash>>8) & mask
			d := int32(-1)
			for ; w.slots[s] != 0; s = (s + 1) & mask {
				c := &w.deals[w.slots[s]-1]
				if c.hash != r.hash {
					continue
				}
				cp := w.parts[c.row>>48]
				if bytes.Equal(cp.idOf(cp.buckets[q].row(int(c.row&(1<<48-1)))), p.idOf(r)) {
					d = w.slots[s] - 1
					break
				}
			}
			if d < 0 {
				d = int32(len(w.deals))
				w.deals = append(w.deals, scatterDeal{hash: r.hash, row: uint64(pi)<<48 | uint64(ri), first: math.MaxInt64})
				w.slots[s] = d + 1
			}
			c := &w.deals[d]
			if r.kind != rowBadOnly && c.first == math.MaxInt64 {
				c.first = r.line + w.shift[pi]
			}
			c.n++
			w.rowOf[i] = d
			i++
		}
	}
	start := int32(0)
	for d := range w.deals {
		w.deals[d].start = start
		start += w.deals[d].n
		w.deals[d].n = 0
	}
	w.order = slices.Grow(w.order[:0], n)[:n]
	i = 0
	for pi, p := range w.parts {
		for ri := range p.buckets[q].n {
			c := &w.deals[w.rowOf[i]]
			w.order[c.start+c.n] = uint64(pi)<<48 | uint64(ri)
			c.n++
			i++
		}
	}
	return true
}

// deal does one deal of bucket q as [longReader.scattered] does: its
// rows restored as [held.restore] does, then done.
func (w *scatterWorker) deal(q int, c *scatterDeal, b *builder) error {
	t, k, lr := w.t, &w.lr.k, w.lr
	fp := w.parts[c.row>>48]
	b.reset(fp.idOf(fp.buckets[q].row(int(c.row&(1<<48-1)))), int(c.first))
	rows := w.order[c.start : c.start+c.n]
	// The offsets of the values kept, as (part << 48 | offset).
	w.last = slices.Grow(w.last[:0], len(w.keep))[:len(w.keep)]
	last := w.last
	clear(last)
	amtRow := int64(-1) // the last row with an amount, as (part << 48 | index)
	for _, ref := range rows {
		pi, ri := int(ref>>48), int(ref&(1<<48-1))
		p := w.parts[pi]
		bk := &p.buckets[q]
		r := bk.row(ri)
		switch r.kind {
		case rowFailed, rowBadOnly:
			b.bad = true
			continue
		case rowDeleted:
			b.deleted = append(b.deleted, int(r.line+w.shift[pi]))
			continue
		}
		at := time.Unix(r.sec, int64(r.nsec)).In(p.zones.locs[r.zone])
		e := rawEvent{at: at, line: int(r.line + w.shift[pi]), src: -1}
		if r.code >= 0 {
			e.stage, e.src = p.stages[r.code], w.base[pi]+r.code
		} else {
			e.stage = int(-3 - r.code)
		}
		b.events = append(b.events, e)
		if len(w.keep) > 0 {
			for j, off := range bk.cellsOf(ri, len(w.keep)) {
				if off != 0 {
					last[j] = int64(pi)<<48 | off
				}
			}
		}
		if r.amtP != amtNone {
			amtRow = int64(pi)<<48 | int64(ri)
		}
	}
	if b.bad || len(b.events) == 0 {
		// Left out, or deleted whole: done reports what there is.
		b.events = b.events[:0]
		return lr.doneIn(t, b, w.cellOf)
	}
	if len(k.attrs) > 0 {
		b.attrs = t.attrMap(len(k.attrs))
		for _, col := range k.attrs {
			b.attrs[t.header[col]] = ""
		}
	}
	for j, col := range w.keep {
		if last[j] == 0 {
			continue
		}
		v := w.parts[last[j]>>48].at(last[j] & (1<<48 - 1))
		if err := t.setKept(k, b, col, v); err != nil {
			return t.skip(&RowError{Line: b.line, Column: t.header[col], Value: string(v), DealID: b.ident(), Err: err})
		}
	}
	if amtRow >= 0 {
		p := w.parts[amtRow>>48]
		r := p.buckets[q].row(int(amtRow & (1<<48 - 1)))
		if r.amtP == amtText {
			a, err := bigAmount(p.at(r.amt))
			if err != nil {
				return t.skip(&RowError{Line: b.line, Column: t.header[k.amount], Value: string(p.at(r.amt)), DealID: b.ident(), Err: err})
			}
			b.amount, b.inCents = a, false
		} else {
			b.setScaled(r.amt, int(r.amtP), t.out != nil && t.out.tally != nil)
		}
	}
	return lr.doneIn(t, b, w.cellOf)
}

// cellOf names the stage cell of an event as written, its spelling
// numbered across the parts.
func (w *scatterWorker) cellOf(e rawEvent) (string, string) {
	s := stageName(w.lr.f, e.stage)
	if e.src >= 0 {
		s = w.spell[e.src]
	}
	return w.t.header[w.lr.stageCol], s
}

// doneIn is [longReader.done] on the table t, with cellOf naming stage
// cells.
func (lr *longReader) doneIn(t *table, b *builder, cellOf func(rawEvent) (string, string)) error {
	if b.bad {
		return t.halt
	}
	if len(b.events) == 0 {
		for _, line := range b.deleted {
			t.note(deletedNote(b.ident(), line))
		}
		return t.halt
	}
	d, re := t.finish(lr.f, b, cellOf)
	if re == nil {
		var err error
		if re, err = t.accept(lr.f, d, b, nil); err != nil {
			return err
		}
	}
	if re != nil {
		if err := t.skip(re); err != nil {
			return err
		}
	}
	return t.halt
}

// tallyScattered reads a long history as with Scattered into a tally
// grouped by by, in parts at once when in can be read at random and is
// large (see [Long.Tally]). With noteReturn set, the first row whose id
// came back gets a [NoteScattered], reported first.
func tallyScattered(ctx context.Context, c Long, o Options, in input, by []string, noteReturn bool, sp split) (*funnel.Tally, error) {
	type partIn struct {
		r   func() io.Reader
		ctl *partCtl
	}
	var parts []partIn
	random := sp.on(in)
	if random {
		probe := &partCtl{mode: modeProbe}
		if err := (longTally{c}).run(ctx, io.NewSectionReader(in.ra, in.start, in.size-in.start), &sink{}, by, o, probe); err != nil {
			return nil, err
		}
		t := probe.t
		hdrEnd := in.start + t.rec.offset()
		hdr := make([]byte, hdrEnd-in.start)
		if _, err := in.ra.ReadAt(hdr, in.start); err != nil {
			return nil, err
		}
		bounds := []int64{hdrEnd}
		for i := 1; i < sp.parts; i++ {
			at := hdrEnd + (in.size-hdrEnd)*int64(i)/int64(sp.parts)
			b, err := splitAt(in.ra, at, in.size, t.rec.comma, len(t.header), probe.idCol)
			if err != nil {
				return nil, err
			}
			if b > bounds[len(bounds)-1] {
				bounds = append(bounds, b)
			}
		}
		bounds = append(bounds, in.size)
		for i := range len(bounds) - 1 {
			ctl := &partCtl{mode: modeScattered, part: true, shift: bounds[i] - int64(len(hdr)), line: -1, limit: bounds[i+1],
				hdrEnd: hdrEnd, hdrLines: t.rec.line, from: bounds[i], size: bounds[i+1] - bounds[i]}
			if i == 0 {
				ctl.line = t.rec.line
			}
			if i == len(bounds)-2 {
				ctl.limit = -1
			}
			parts = append(parts, partIn{func() io.Reader {
				return io.MultiReader(bytes.NewReader(hdr), io.NewSectionReader(in.ra, bounds[i], in.size-bounds[i]))
			}, ctl})
		}
	} else {
		parts = []partIn{{func() io.Reader { return in.r }, &partCtl{mode: modeScattered, size: max(in.size-in.start, 0)}}}
	}
	seed := maphash.MakeSeed()
	outs := make([]*scatterPart, len(parts))
	var lr0 *longReader // the reader of the first part, for its columns
	ctxs := make([]context.Context, len(parts))
	cancels := make([]context.CancelFunc, len(parts))
	for i := range parts {
		ctxs[i], cancels[i] = context.WithCancel(ctx)
		defer cancels[i]()
	}
	var wg sync.WaitGroup
	for i, pt := range parts {
		wg.Go(func() {
			var p *scatterPart
			for {
				p = &scatterPart{}
				outs[i] = p
				cc := c
				cc.Options = p.reports.options(o)
				lr, err := cc.open(ctxs[i], pt.r(), tallySink(funnel.NewTally(c.Funnel, by...), by), by)
				if err == nil {
					pt.ctl.apply(lr.t)
					lr.size = pt.ctl.size
					lr.seed = seed
					if i == 0 {
						lr0 = lr
					}
					p.abs = !lr.t.relLines
					err = lr.scatterRead(p, lr.scatterKeep())
					p.atLimit = lr.t.rec.atLimit
				}
				p.err = err
				if err != errNeedLines {
					break
				}
				lines, err := countLines(in.ra, pt.ctl.hdrEnd, pt.ctl.from)
				if err != nil {
					p.err = err
					break
				}
				pt.ctl.line = pt.ctl.hdrLines + lines
			}
			if p.err != nil {
				for _, c := range cancels[i+1:] {
					c()
				}
			}
		})
	}
	wg.Wait()
	// Phase 1 ends at its first error in input order.
	var failed error
	for i, p := range outs {
		if p.err != nil {
			failed, outs = p.err, outs[:i+1]
			break
		}
		if i < len(outs)-1 && !p.atLimit {
			// A split fell inside a quoted field: one stream.
			if err := in.rewind(); err != nil {
				return nil, err
			}
			in.ra = nil
			return tallyScattered(ctx, c, o, in, by, noteReturn, sp)
		}
	}
	// The lines of each part and the spellings across the parts.
	shift := make([]int64, len(outs))
	base := make([]int32, len(outs))
	var spell []string
	end := int64(0)
	var done reports
	for i, p := range outs {
		done = append(done, p.reports...)
		if !p.abs {
			shift[i] = end
		}
		end = shift[i] + int64(p.lines)
		base[i] = int32(len(spell))
		spell = append(spell, p.spell...)
		if i > 0 && p.firstBucket >= 0 && bytes.Equal(p.firstID, outs[i-1].lastID) {
			p.buckets[p.firstBucket].row(p.firstRow).cont = true
		}
	}
	// The note of the first id that came back.
	note := func(w *scatterWorker) {
		if noteReturn && w != nil && o.OnNote != nil {
			o.OnNote(Note{Line: int(w.backLine), DealID: string(w.backDeal), Kind: NoteScattered,
				Detail: fmt.Sprintf("the deal's rows are not together (first read at line %d): the input was read again as with Scattered", w.backFirst)})
		}
	}
	if failed != nil {
		if noteReturn && o.OnNote != nil {
			w := &scatterWorker{parts: outs, shift: shift}
			for q := range scatterBuckets {
				w.back(q)
			}
			if w.backLine != 0 {
				note(w)
			}
		}
		done.deliver(o)
		return nil, failed
	}
	// Phase 2.
	rows := 0
	for _, p := range outs {
		for q := range p.buckets {
			rows += p.buckets[q].n
		}
	}
	n := 1
	if rows > sp.rows {
		n = min(max(sp.parts, 1), scatterBuckets)
	}
	workers := make([]*scatterWorker, n)
	keep := lr0.scatterKeep()
	for wi := range workers {
		w := &scatterWorker{lr: lr0, parts: outs, shift: shift, base: base, spell: spell, keep: keep, errKey: math.MaxInt64, noteReturn: noteReturn}
		ty := funnel.NewTally(c.Funnel, by...)
		w.t = &table{header: lr0.t.header, opt: w.options(o), ctx: ctx, out: tallySink(ty, by), in: interner{}}
		workers[wi] = w
	}
	for wi, w := range workers {
		wg.Go(func() {
			for q := wi; q < scatterBuckets; q += len(workers) {
				if err := w.bucket(q); err != nil {
					w.err, w.errKey = err, -1
					return
				}
			}
		})
	}
	wg.Wait()
	var err error
	errKey := int64(math.MaxInt64)
	var held []keyedReport
	var back *scatterWorker
	for _, w := range workers {
		if w.err != nil && w.errKey < errKey {
			err, errKey = w.err, w.errKey
		}
		held = append(held, w.held...)
		if w.backLine != 0 && (back == nil || w.backLine < back.backLine) {
			back = w
		}
	}
	slices.SortStableFunc(held, func(a, b keyedReport) int { return cmp.Compare(a.key, b.key) })
	note(back)
	done.deliver(o)
	for _, r := range held {
		if r.key > errKey {
			break
		}
		reports{r.report}.deliver(o)
	}
	if err != nil {
		return nil, err
	}
	total := workers[0].t.out.tally
	for _, w := range workers[1:] {
		if err := total.Merge(w.t.out.tally); err != nil {
			return nil, err
		}
	}
	if random {
		// Read at random: leave the reader at the end.
		if err := in.end(nil); err != nil {
			return nil, err
		}
	}
	return total, nil
}
