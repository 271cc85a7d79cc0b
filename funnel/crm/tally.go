package crm

import (
	"bytes"
	"context"
	"errors"
	"hash/maphash"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/funnelmath/funnelmath/funnel"
)

// Tally reads the history from r and returns the tally of its deals,
// grouped by the attributes by as [funnel.NewTally] groups them: the tally
// that adding every deal of [Long.Deals] to one with [funnel.Tally.AddAll]
// would give, with the same rows skipped, the same notes in the same
// order, and the same error. A header alone gives an empty tally; on an
// error the tally is nil. The errors are those of Deals (a bad
// configuration wrapping [ErrBadConfig], a missing column, a *[RowError]
// in strict mode, a read error, ctx's error) and those of
// [funnel.Tally.Add] (a duration past [funnel.MaxDurationDays]).
//
// It is faster than adding the deals one by one. A deal it adds shares
// its storage with the one before: per deal it allocates only the amount
// (a [decimal.Decimal]). When r can be read at random (an io.ReaderAt and
// io.Seeker whose size is known: an *os.File of a regular file, a
// *bytes.Reader, a *strings.Reader) and holds more than 8 MB past its
// current offset, it reads r in runtime.GOMAXPROCS(0) parts at once,
// each split from the next where a deal ends, into a tally each, merged
// in input order with [funnel.Tally.Merge]. The reports are then held and
// made at the end, from the calling goroutine, in input order, with the
// input's line numbers. The context is checked every 4096 rows in every
// part; a cancelled context ends every part.
//
// Unless Scattered is set, the rows of a deal are taken to be together,
// and that is checked, not assumed: when an id comes back after its deal
// was read (within a part or in a later one), an r that can be read
// again (an io.Seeker, or the random-access readers above) is read again
// from the offset it was at, as with Scattered, and the reports are
// those of the Scattered read after a [NoteScattered] at the row where an
// id came back first; any other r ends as Deals does, with the errors
// wrapping [ErrNotContiguous]. With Scattered set, r is read as with
// Scattered, in parts at once when it can be read at random. A Scattered
// read holds every row until the end (64 bytes, the id's bytes and 8
// bytes per text column the tally needs), where Deals holds every deal.
//
// r is read to its end unless reading fails first; it is not closed.
func (c Long) Tally(ctx context.Context, r io.Reader, by ...string) (*funnel.Tally, error) {
	return tallyInput(ctx, longTally{c}, c.Funnel, c.Options, r, by, defaultSplit())
}

// Tally reads the export from r into a tally grouped by the attributes
// by, as [Long.Tally] does (in parts at once when r is large and can be
// read at random): the tally that adding every deal of [Wide.Deals] to
// one would give, with the same skipped rows, notes and error. An id
// read twice is what Deals makes of it, even across parts: when a part
// finds one, the input is read again in one stream.
func (c Wide) Tally(ctx context.Context, r io.Reader, by ...string) (*funnel.Tally, error) {
	return tallyInput(ctx, wideTally{c}, c.Funnel, c.Options, r, by, defaultSplit())
}

// Tally reads the snapshot from r into a tally grouped by the attributes
// by, as [Wide.Tally] does: the tally that adding every deal of
// [Snapshot.Deals] to one would give, with the same skipped rows, notes
// and error.
func (c Snapshot) Tally(ctx context.Context, r io.Reader, by ...string) (*funnel.Tally, error) {
	return tallyInput(ctx, snapshotTally{c}, c.Funnel, c.Options, r, by, defaultSplit())
}

// mode says how a reader for a tally reads (see partCtl).
type mode int8

const (
	// modeExact reads as Deals does: an id that comes back is a row error.
	modeExact mode = iota
	// modeRestart ends with errReturned when an id comes back.
	modeRestart
	// modeScattered reads a long history as with Scattered.
	modeScattered
	// modeProbe reads the header and stops, keeping the table in t.
	modeProbe
)

// partCtl sets up a reader for a tally: how it reads, and, for one part
// of an input read in parallel, where the part is. The reader then reads
// the input's header followed by the part's bytes.
type partCtl struct {
	mode  mode
	part  bool // the rest is set: the reader reads one part
	shift int64
	line  int   // lines before the part's first byte; -1 when not yet known
	limit int64 // the next part's first byte; -1 for the last part
	size  int64 // the bytes to read, when known
	ids   *idHashes
	// ord, when set, has a modeRestart reader keep no ids while they rise
	// (see [idOrder]); it ends with errUnordered when they do not.
	ord *idOrder
	// For counting the lines before a part: where the header ends, its
	// lines, and where the part begins.
	hdrEnd, from int64
	hdrLines     int
	// Set by modeProbe: the header's table and the id column.
	t     *table
	idCol int
}

// idHashes is the set of id hashes a reader of one part of an input
// fills, with the seed every part shares.
type idHashes struct {
	seed maphash.Seed
	set  *hashSet
}

// apply sets up t, which has read the header, for the part.
func (p *partCtl) apply(t *table) {
	p.t = t
	if !p.part {
		return
	}
	t.rec.base += p.shift
	t.rec.limit = p.limit
	if p.line < 0 {
		t.relLines = true
		t.rec.line = 0
	} else {
		t.rec.line = p.line
	}
}

// tallyReader is a reader that a tally reads through.
type tallyReader interface {
	// run reads r into out with the options o, as ctl says.
	run(ctx context.Context, r io.Reader, out *sink, by []string, o Options, ctl *partCtl) error
	// scattered reports whether the reader reads a long history as with
	// Scattered.
	scattered() bool
	// restartable reports whether an id that comes back is read again as
	// Scattered (a long history) rather than read again in one stream.
	long() bool
}

type longTally struct{ c Long }

func (l longTally) scattered() bool { return l.c.Scattered }
func (l longTally) long() bool      { return true }

func (l longTally) run(ctx context.Context, r io.Reader, out *sink, by []string, o Options, ctl *partCtl) error {
	c := l.c
	c.Options = o
	lr, err := c.open(ctx, r, out, by)
	if err != nil {
		return err
	}
	if ctl.mode == modeProbe {
		ctl.t, ctl.idCol = lr.t, lr.k.id
		return nil
	}
	ctl.apply(lr.t)
	switch ctl.mode {
	case modeScattered:
		return lr.scattered()
	case modeRestart:
		if ctl.ord != nil {
			lr.ord = ctl.ord
		} else if ctl.ids != nil {
			lr.seed, lr.ids = ctl.ids.seed, ctl.ids.set
		}
		lr.size = ctl.size
		return lr.grouped(true)
	}
	return lr.grouped(false)
}

type wideTally struct{ c Wide }

func (w wideTally) scattered() bool { return false }
func (w wideTally) long() bool      { return false }

func (w wideTally) run(ctx context.Context, r io.Reader, out *sink, by []string, o Options, ctl *partCtl) error {
	c := w.c
	c.Options = o
	return c.run(ctx, r, out, by, ctl)
}

type snapshotTally struct{ c Snapshot }

func (s snapshotTally) scattered() bool { return false }
func (s snapshotTally) long() bool      { return false }

func (s snapshotTally) run(ctx context.Context, r io.Reader, out *sink, by []string, o Options, ctl *partCtl) error {
	c := s.c
	c.Options = o
	return c.run(ctx, r, out, by, ctl)
}

// report is a skipped row or a note, held to be reported later.
type report struct {
	skip *RowError // nil for a note
	note Note
}

// held reports, in order.
type reports []report

// options returns o with its callbacks replaced by ones that hold the
// reports in rs; a nil callback stays nil.
func (rs *reports) options(o Options) Options {
	if o.OnSkip != nil {
		o.OnSkip = func(e *RowError) { *rs = append(*rs, report{skip: e}) }
	}
	if o.OnNote != nil {
		o.OnNote = func(n Note) { *rs = append(*rs, report{note: n}) }
	}
	return o
}

// deliver hands the reports to o's callbacks, in order.
func (rs reports) deliver(o Options) {
	for _, r := range rs {
		if r.skip != nil {
			o.OnSkip(r.skip)
		} else {
			o.OnNote(r.note)
		}
	}
}

// input is a reader for a tally, with what it allows: reading again from
// start (seek), and reading at random (ra), size bytes in all.
type input struct {
	r     io.Reader
	seek  io.Seeker
	ra    io.ReaderAt
	start int64
	size  int64 // -1 when unknown
}

func inputOf(r io.Reader) input {
	in := input{r: r, size: -1}
	s, ok := r.(io.Seeker)
	if !ok {
		return in
	}
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return in
	}
	in.seek, in.start = s, start
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return in
	}
	switch v := r.(type) {
	case interface{ Size() int64 }:
		in.size = v.Size()
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			in.size = fi.Size()
		}
	}
	if in.size >= start {
		in.ra = ra
	}
	return in
}

// rewind puts the reader back where it was.
func (in input) rewind() error {
	_, err := in.seek.Seek(in.start, io.SeekStart)
	return err
}

// minParallel is the size past which an input that can be read at random
// is read in parts at once.
const minParallel = 8 << 20

// minParallelRows is the number of rows past which phase 2 of a Scattered
// read for a tally is done by several goroutines.
const minParallelRows = 1 << 16

// split says when and how an input is read in parts at once.
type split struct {
	min   int64 // the size past which it is
	parts int   // into how many parts
	rows  int   // the rows past which phase 2 of a Scattered read is
}

func defaultSplit() split {
	return split{min: minParallel, parts: runtime.GOMAXPROCS(0), rows: minParallelRows}
}

// on reports whether in is read in parts.
func (s split) on(in input) bool { return in.ra != nil && in.size-in.start > s.min && s.parts > 1 }

// tallyInput reads r through rd into a tally of f grouped by by.
func tallyInput(ctx context.Context, rd tallyReader, f funnel.Funnel, o Options, r io.Reader, by []string, sp split) (*funnel.Tally, error) {
	in := inputOf(r)
	switch {
	case rd.scattered():
		return tallyScattered(ctx, rd.(longTally).c, o, in, by, false, sp)
	case in.seek == nil || !rd.long():
		if sp.on(in) {
			ty, err := tallyParts(ctx, rd, f, o, in, by, sp)
			if err != errFallback && err != errReturned {
				return ty, in.end(err)
			}
			if err := in.rewind(); err != nil {
				return nil, err
			}
		}
		// Not to be read again, or one row a deal: as Deals reads it.
		return tallyStream(ctx, rd, f, o, r, by, &partCtl{mode: modeExact})
	}
	err := errFallback
	var ty *funnel.Tally
	if sp.on(in) {
		ty, err = tallyParts(ctx, rd, f, o, in, by, sp)
		if err != errFallback && err != errReturned {
			return ty, in.end(err)
		}
		if err := in.rewind(); err != nil {
			return nil, err
		}
	}
	if err == errFallback {
		var held reports
		ty, err = tallyStream(ctx, rd, f, held.options(o), r, by, &partCtl{mode: modeRestart, size: max(in.size-in.start, 0)})
		if err != errReturned {
			held.deliver(o)
			return ty, err
		}
		if err := in.rewind(); err != nil {
			return nil, err
		}
	}
	return tallyScattered(ctx, rd.(longTally).c, o, in, by, true, sp)
}

// end leaves the reader at the end of the input, as reading it in one
// stream would, unless err is set.
func (in input) end(err error) error {
	if err != nil {
		return err
	}
	_, err = in.seek.Seek(in.size, io.SeekStart)
	return err
}

// tallyStream reads r in one stream into a new tally.
func tallyStream(ctx context.Context, rd tallyReader, f funnel.Funnel, o Options, r io.Reader, by []string, ctl *partCtl) (*funnel.Tally, error) {
	ty := funnel.NewTally(f, by...)
	if err := rd.run(ctx, r, tallySink(ty, by), by, o, ctl); err != nil {
		return nil, err
	}
	return ty, nil
}

// errFallback tells tallyInput that reading in parts could not be done
// right, and the input is to be read in one stream.
var errFallback = errors.New("crm: read in one stream")

// partOut is what reading one part gave.
type partOut struct {
	tally   *funnel.Tally
	ids     *hashSet // nil when the ids rose and were not kept (ord)
	ord     *idOrder
	reports reports
	err     error
	atLimit bool // the part ended where the next begins
}

// tallyParts reads in.ra in parts at once (see [Long.Tally]). It returns
// errReturned when an id comes back, within a part or in a later part
// (the ids of each part are checked against those of the parts before
// it), and errFallback when the input could not be split or a split fell
// inside a quoted field: then the caller reads the input again. Its
// reports are delivered only when it returns neither.
func tallyParts(ctx context.Context, rd tallyReader, f funnel.Funnel, o Options, in input, by []string, sp split) (*funnel.Tally, error) {
	// The header, read as every part will read it.
	probe := &partCtl{mode: modeProbe}
	if err := rd.run(ctx, io.NewSectionReader(in.ra, in.start, in.size-in.start), &sink{}, by, o, probe); err != nil {
		return nil, err
	}
	t := probe.t
	hdrEnd := in.start + t.rec.offset()
	hdrLines := t.rec.line
	hdr := make([]byte, hdrEnd-in.start)
	if _, err := in.ra.ReadAt(hdr, in.start); err != nil {
		return nil, err
	}
	bounds := []int64{hdrEnd}
	n := sp.parts
	for i := 1; i < n; i++ {
		at := hdrEnd + (in.size-hdrEnd)*int64(i)/int64(n)
		b, err := splitAt(in.ra, at, in.size, t.rec.comma, len(t.header), probe.idCol)
		if err != nil {
			return nil, err
		}
		if b > bounds[len(bounds)-1] {
			bounds = append(bounds, b)
		}
	}
	if len(bounds) < 2 {
		return nil, errFallback
	}
	bounds = append(bounds, in.size)
	seed := maphash.MakeSeed()
	outs := make([]partOut, len(bounds)-1)
	// readParts reads the parts in idx at once, each first keeping no
	// ids while they rise (when ordered is set), then keeping them.
	readParts := func(idx []int, ordered bool) {
		ctxs := make([]context.Context, len(outs))
		cancels := make([]context.CancelFunc, len(outs))
		for _, i := range idx {
			ctxs[i], cancels[i] = context.WithCancel(ctx)
			defer cancels[i]()
		}
		var wg sync.WaitGroup
		for _, i := range idx {
			wg.Go(func() {
				out := &outs[i]
				ctl := &partCtl{mode: modeRestart, part: true, limit: bounds[i+1], line: -1, size: bounds[i+1] - bounds[i]}
				if i == len(outs)-1 {
					ctl.limit = -1
				}
				r := func() io.Reader {
					return io.MultiReader(bytes.NewReader(hdr), io.NewSectionReader(in.ra, bounds[i], in.size-bounds[i]))
				}
				ctl.shift = bounds[i] - int64(len(hdr))
				if i == 0 {
					ctl.line = hdrLines
				}
				out.ord = nil
				if ordered {
					out.ord = &idOrder{}
				}
				for {
					out.tally = funnel.NewTally(f, by...)
					out.reports = out.reports[:0]
					ctl.ord, ctl.ids = out.ord, nil
					if out.ord == nil {
						ctl.ids = &idHashes{seed: seed, set: newHashSet()}
					}
					out.err = rd.run(ctxs[i], r(), tallySink(out.tally, by), by, out.reports.options(o), ctl)
					out.ids = nil
					if ctl.ids != nil {
						out.ids = ctl.ids.set
					}
					if out.err == errUnordered {
						out.ord = nil // read it again, keeping ids
						continue
					}
					if out.err != errNeedLines {
						break
					}
					lines, err := countLines(in.ra, hdrEnd, bounds[i])
					if err != nil {
						out.err = err
						break
					}
					ctl.line = hdrLines + lines
				}
				out.atLimit = ctl.t != nil && ctl.t.rec.atLimit
				if out.err != nil {
					for _, c := range cancels[i+1:] {
						if c != nil {
							c() // the parts after this one do not count
						}
					}
				}
			})
		}
		wg.Wait()
	}
	all := make([]int, len(outs))
	for i := range all {
		all[i] = i
	}
	readParts(all, rd.long()) // the wide readers keep their ids
	// When every part read its ids rising, and each part's ids sort
	// before the next's, no id came back: the ids were never kept.
	// Otherwise the parts that kept none are read again keeping them.
	var again []int
	for i := range outs {
		if outs[i].ord != nil {
			again = append(again, i)
		}
	}
	if len(again) > 0 && !risingParts(outs) {
		readParts(again, false)
	}
	var total *funnel.Tally
	var done reports
	for i := range outs {
		out := &outs[i]
		if i > 0 && out.err != errReturned && out.ids != nil {
			// An id of this part that was read in an earlier one came
			// back.
			if anyIn(out.ids, outs[0].ids) {
				out.err = errReturned
			} else if out.err == nil && i < len(outs)-1 {
				outs[0].ids.addAll(slices.Collect(out.ids.all))
			}
		}
		switch {
		case out.err == errReturned:
			return nil, errReturned
		case out.err != nil:
			done = append(done, out.reports...)
			done.deliver(o)
			return nil, out.err
		case i < len(outs)-1 && !out.atLimit:
			// The split fell inside a quoted field.
			return nil, errFallback
		}
		done = append(done, out.reports...)
		if total == nil {
			total = out.tally
		} else if err := total.Merge(out.tally); err != nil {
			done.deliver(o)
			return nil, err
		}
	}
	done.deliver(o)
	return total, nil
}

// risingParts reports whether every part was read without an error,
// keeping no ids because they rose, and each part's ids sort before the
// next's (parts without deals left out).
func risingParts(outs []partOut) bool {
	var prev *idOrder
	for i := range outs {
		o := outs[i].ord
		if o == nil || outs[i].err != nil {
			return false
		}
		if len(o.first) == 0 {
			continue
		}
		if prev != nil && !prev.before(o) {
			return false
		}
		prev = o
	}
	return true
}

// anyIn reports whether a hash of a is in b, touching b's slots a batch
// at a time as [hashSet.addAll] does.
func anyIn(a, b *hashSet) bool {
	var batch [64]uint64
	n := 0
	check := func() bool {
		mask := len(b.hs) - 1
		var touch uint64
		for _, h := range batch[:n] {
			touch += b.hs[int(h)&mask]
		}
		b.touched += touch
		for _, h := range batch[:n] {
			if b.has(h) {
				return true
			}
		}
		n = 0
		return false
	}
	for h := range a.all {
		batch[n] = h
		n++
		if n == len(batch) && check() {
			return true
		}
	}
	return check()
}

// countLines returns the number of newlines in ra from from to to.
func countLines(ra io.ReaderAt, from, to int64) (int, error) {
	buf := make([]byte, max(1, min(1<<20, to-from)))
	n := 0
	for from < to {
		m := int(min(int64(len(buf)), to-from))
		k, err := ra.ReadAt(buf[:m], from)
		n += bytes.Count(buf[:k], []byte{'\n'})
		from += int64(k)
		if err != nil && !(err == io.EOF && from >= to) {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
	}
	return n, nil
}

// splitWindow is how far past the point it is asked to split at splitAt
// looks for a place.
const splitWindow = 1 << 20

// splitAt returns where to split the input ra, size bytes, at or after
// at, or -1 when it finds no place within splitWindow: the start of a row
// that begins a deal and follows a whole deal, both in rows that hold no
// quote, have nfields fields and a deal id (in column idCol), so that the
// row before the split is the end of a deal and no row the reader skips
// (whose id marks a deal bad) lies within that deal. A split found so
// still falls inside a quoted field when a quoted field spans lines around
// it; the part before it then does not end there, which its reader checks.
func splitAt(ra io.ReaderAt, at, size int64, comma byte, nfields, idCol int) (int64, error) {
	if at <= 0 || at >= size {
		return -1, nil
	}
	buf := make([]byte, min(splitWindow, size-at+1))
	k, err := ra.ReadAt(buf, at-1)
	if err != nil && err != io.EOF {
		return 0, err
	}
	buf = buf[:k]
	// The first line that starts at or after at.
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return -1, nil
	}
	pos := i + 1
	var prevID, dealID []byte
	state := 0 // 0: no row before; 1: a row before; 2: a deal begun after a row
	for {
		j := bytes.IndexByte(buf[pos:], '\n')
		if j < 0 {
			return -1, nil
		}
		line := buf[pos : pos+j]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		id, ok := plainID(line, comma, nfields, idCol)
		switch {
		case !ok:
			state = 0
		case state == 0:
			state = 1
		case state == 1:
			if !bytes.Equal(id, prevID) {
				state, dealID = 2, id
			}
		case !bytes.Equal(id, dealID):
			return at - 1 + int64(pos), nil
		}
		prevID = id
		pos += j + 1
	}
}

// plainID returns the deal id of a line that holds no quote and has
// nfields fields, and whether it is such a line with an id.
func plainID(line []byte, comma byte, nfields, idCol int) ([]byte, bool) {
	if len(line) == 0 || bytes.IndexByte(line, '"') >= 0 || bytes.Count(line, []byte{comma}) != nfields-1 {
		return nil, false
	}
	var id []byte
	for f := 0; f <= idCol; f++ {
		j := bytes.IndexByte(line, comma)
		if j < 0 {
			j = len(line)
		}
		id, line = line[:j], line[min(j+1, len(line)):]
	}
	id = bytes.TrimSpace(id)
	return id, len(id) > 0
}
