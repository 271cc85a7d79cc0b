package crm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// LongColumns names the header of each column of a long stage history.
// An empty name means the default in brackets; "-" means the export has no
// such column. A required column that is absent, or an optional column
// named explicitly and absent (unless AllowAbsent is set), is an error
// wrapping [ErrMissingColumn].
// Header names match exactly, or else ignoring case and surrounding white
// space. Columns without a role are kept in [funnel.Deal.Attrs] by header
// name.
type LongColumns struct {
	ID            string // deal id, required ["deal_id"]
	Stage         string // stage entered, required ["stage"]
	At            string // when the stage was entered, required ["entered_at"]
	Owner         string // optional ["owner"]
	Segment       string // optional ["segment"]
	Source        string // optional ["source"]
	Account       string // optional ["account"]
	Amount        string // optional, see [ParseAmount] ["amount"]
	ExpectedClose string // optional expected close date ["expected_close"]
	// Assigned is when the deal was assigned to its owner, for a deal
	// inherited from another owner (funnel.Deal.Assigned); optional
	// ["assigned_at"].
	Assigned string
	// Deleted is an optional yes/no column (see [ErrBadFlag] for the
	// values) that marks a row deleted, as Salesforce's IsDeleted does in
	// an export that includes the recycle bin; no column when empty. A
	// deleted row is left out, with a [NoteDeleted], before its other
	// cells are read.
	Deleted string
	// AllowAbsent, when set, reads an optional column named above that
	// the header lacks as absent instead of as an error (a required
	// column is still required). The presets set it, since an export may
	// leave out any optional column.
	AllowAbsent bool
}

// Long reads a long stage history: one row per stage entry, with a deal
// id, a stage and the time the deal entered it, as the output of the
// funnelmath bench generator (deal_id, owner, segment, source, stage,
// entered_at, amount) or another export mapped through Columns.
// [SalesforceHistory] returns one set up for Salesforce's
// OpportunityHistory.
//
// # Rows to deals
//
// A row whose stage is a funnel stage is an event; a row whose stage is a
// lost name (see [Stages]) is the deal's close as lost. Each row needs a
// time. A row marked deleted (see [LongColumns.Deleted]) is left out. A
// deal's rows are then:
//   - sorted by time when they are not in time order (rows at the same
//     time keep input order, except that a won or lost row goes after the
//     others), with a [NoteReordered];
//   - rid of exact repeats (same stage, same time), with a
//     [NoteDuplicate] for each;
//   - reduced to one event per stay: a run of consecutive rows at one
//     stage is one stay in it, begun at the run's first row, with a
//     [NoteSameStage] naming the rows merged. An export that writes a row
//     at every change of amount, probability or close date (Salesforce's
//     OpportunityHistory), or aliases that map two names to one stage,
//     give several rows for one stay; a deal 20 days in a stage with a
//     row on day 10 spent 20 days there, not two visits of 10;
//   - won when a row enters the last stage, closing at the start of the
//     last stay there (a deal won, moved back and won again closes at the
//     second win); lost when a row is lost, closing at the first of a run
//     of lost rows (a lost deal edited afterwards gets another lost row;
//     [NoteSameStage]); open otherwise.
//
// A deal both won and lost is an error wrapping [funnel.ErrWonAndLost],
// and a stage entered after the deal closed an error wrapping
// [ErrAfterClose].
// A move back to an earlier stage is kept as an event (see
// [funnel.Deal.MovedBack]); a deal whose first row is mid-funnel is kept
// as it is (implied reach counts the stages before it). Owner, segment,
// source, account, amount, expected close and the other columns take the
// last non-empty value among the deal's rows in input order. A won deal
// without an amount is kept with a [NoteNoAmount]. A deal with a lost row
// and no stage row is yielded as a lost deal with no events: created
// straight as lost, it counts in the win rate and reached no stage.
//
// # Grouping
//
// By default the rows of a deal are taken to be contiguous: a deal is
// emitted as soon as the id changes, and the reader holds one deal at a
// time plus a 64-bit hash of each id read with its first and last lines,
// never the ids, in a flat open-addressing table of 16-byte slots kept
// between 40% and 81% full (20 to 40 bytes a deal), to find an id that
// comes back after its deal was emitted; each row of it is an error
// wrapping [ErrNotContiguous] naming the lines of both and suggesting
// Scattered. Two ids share a hash with probability about n²/2⁶⁵ over n
// deals (under 3e-6 for ten million), which would report a false repeat.
// [Long.Tally] reads again as Scattered an input whose ids come back. With
// Scattered set, the reader holds every deal until the end of the input
// and emits them in the order of their first rows. It holds them compactly,
// in flat arrays that the garbage collector need not scan: per deal its
// id, 32 bytes, a map entry, 8 bytes per optional column read and the
// text of each value the deal changes to (names seen before are shared),
// plus 32 bytes per row; about 230 bytes a deal on the bench generator's
// history. It holds at most 2³¹−1 deals and rows; past that reading ends
// with an error wrapping [funnel.ErrOutOfRange].
//
// The zero Long has no funnel and returns an error wrapping
// [ErrBadConfig]; set Funnel.
type Long struct {
	// Funnel is the list of stages, whose last is the won stage.
	Funnel funnel.Funnel
	// Columns maps the header to roles; the zero value reads the bench
	// generator's output.
	Columns LongColumns
	// Scattered, when set, lets the rows of a deal be anywhere in the
	// input, at the cost of holding all deals in memory until the end.
	Scattered bool
	// Options are the settings shared by all readers.
	Options
}

// Deals returns the deals of the history read from r, one at a time and
// in input order (see [Long] for the rules), each of which passes
// [funnel.Deal.Validate]. The sequence ends at the end of the input, when
// the consumer stops, or after its only error, which is yielded with a
// zero Deal: a bad configuration or header, a row that cannot be read in
// strict mode (a *[RowError] naming the line, column and value), a read
// error from r, or ctx's error (checked every 4096 rows). In lenient mode
// bad rows go to [Options.OnSkip] instead. r is read once, to its end
// unless the consumer stops first; it is not closed.
func (c Long) Deals(ctx context.Context, r io.Reader) iter.Seq2[funnel.Deal, error] {
	return seq(func(emit func(funnel.Deal) error) error {
		lr, err := c.open(ctx, r, &sink{emit: emit}, nil)
		if err != nil {
			return err
		}
		if c.Scattered {
			return lr.scattered()
		}
		return lr.grouped(false)
	})
}

// ReadAll reads every deal from r, as [Long.Deals] does, and returns them
// with the skipped rows (lenient mode; Lenient needs no OnSkip here) and
// the notes. OnSkip and OnNote, when set, are called as well. On an
// error, the deals read before it are returned with it.
func (c Long) ReadAll(ctx context.Context, r io.Reader) (Result, error) {
	return collect(&c.Options, func(o Options) iter.Seq2[funnel.Deal, error] {
		c.Options = o
		return c.Deals(ctx, r)
	})
}

// longReader is a long history opened: its table past the header, and
// the columns and stage names resolved.
type longReader struct {
	f                       funnel.Funnel
	t                       *table
	k                       cols
	stageCol, atCol, delCol int
	stages                  *stageTable
	// seed hashes the ids of a reader that stops when one comes back
	// (grouped(true)); ids holds their hashes.
	seed maphash.Seed
	ids  *hashSet
	pend []uint64 // hashes not yet added to ids (see [hashSet.addAll])
	// size is the number of bytes the reader is to read, 0 when unknown:
	// ids is made the size that the first deals say it will need.
	size int64
	// ord, when set, makes a reader that stops when an id comes back
	// keep no ids while they rise (see [idOrder]).
	ord *idOrder
}

// idOrder is what a reader that stops when an id comes back learns of
// its ids while each deal's id sorts after the one before, in byte order
// (lex) or shortest first and then in byte order (short): ids that rise
// are all different, so that none can have come back and none need be
// kept. When both orders fail the reader stops with errUnordered, and is
// to be read again keeping ids.
type idOrder struct {
	lex, short  bool
	first, last []byte // the first and last deal's ids; nil without deals
}

// errUnordered tells the caller of a reader keeping no ids that they do
// not rise.
var errUnordered = errors.New("crm: ids out of order")

// next notes id, the id of the deal after the one whose id is prev (nil
// for the first deal), and reports whether the ids still rise.
func (o *idOrder) next(prev, id []byte) bool {
	if prev == nil {
		*o = idOrder{lex: true, short: true, first: append(o.first[:0], id...)}
		return true
	}
	c := bytes.Compare(id, prev)
	o.lex = o.lex && c > 0
	o.short = o.short && (len(id) > len(prev) || (len(id) == len(prev) && c > 0))
	return o.lex || o.short
}

// before reports whether every id of o sorts before every id of p, in an
// order in which the ids of both rise; both have deals.
func (o *idOrder) before(p *idOrder) bool {
	c := bytes.Compare(o.last, p.first)
	return (o.lex && p.lex && c < 0) || (o.short && p.short && (len(o.last) < len(p.first) || (len(o.last) == len(p.first) && c < 0)))
}

// open checks the configuration and reads the header of r. Deals go to
// out; by, when out is a tally's, names its grouping attributes.
func (c Long) open(ctx context.Context, r io.Reader, out *sink, by []string) (*longReader, error) {
	if err := checkFunnel(c.Funnel); err != nil {
		return nil, err
	}
	stages, err := newStageTable(c.Funnel, c.Stages)
	if err != nil {
		return nil, err
	}
	t, err := open(ctx, r, c.Options)
	if err != nil {
		return nil, err
	}
	t.out = out
	t.lax = c.Columns.AllowAbsent
	lr := &longReader{f: c.Funnel, t: t, stages: stages}
	lr.k, err = t.dealCols(dealCols{ID: c.Columns.ID, Owner: c.Columns.Owner, Segment: c.Columns.Segment, Source: c.Columns.Source,
		Account: c.Columns.Account, Amount: c.Columns.Amount, ExpectedClose: c.Columns.ExpectedClose, Assigned: c.Columns.Assigned})
	if err != nil {
		return nil, err
	}
	if lr.stageCol, err = t.col(c.Columns.Stage, "stage", true); err != nil {
		return nil, err
	}
	if lr.atCol, err = t.col(c.Columns.At, "entered_at", true); err != nil {
		return nil, err
	}
	if lr.delCol, err = t.col(c.Columns.Deleted, none, false); err != nil {
		return nil, err
	}
	lr.k.attrs = t.attrCols()
	if out.tally != nil {
		lr.k = lr.k.only(t, by)
	}
	return lr, nil
}

// cellOf names the stage cell of an event as written.
func (lr *longReader) cellOf(e rawEvent) (string, string) {
	return lr.t.header[lr.stageCol], lr.stages.written(lr.f, e.src, e.stage)
}

// event reads the stage and time of a record, or that it is marked
// deleted. Its error names no deal; the caller sets it.
func (lr *longReader) event(fields [][]byte) (e rawEvent, deleted bool, re *RowError) {
	t := lr.t
	e.line = t.rec.start
	if lr.delCol >= 0 {
		del, err := parseFlag(cell(fields, lr.delCol))
		if err != nil {
			return e, false, t.cellErr(fields, lr.delCol, "", err)
		}
		if del {
			return e, true, nil
		}
	}
	st, spell, ok := lr.stages.lookup(fields[lr.stageCol])
	if !ok {
		return e, false, t.cellErr(fields, lr.stageCol, "", unknownStage(cell(fields, lr.stageCol)))
	}
	av := cell(fields, lr.atCol)
	if len(av) == 0 {
		return e, false, t.cellErr(fields, lr.atCol, "", fmt.Errorf("%w: no time", ErrMissingValue))
	}
	at, err := t.opt.Dates.parseIn(av, &t.months)
	if err != nil {
		return e, false, t.cellErr(fields, lr.atCol, "", err)
	}
	e.at, e.stage, e.src = at, st, spell
	return e, false, nil
}

// row reads one record into b; a failure marks the deal bad.
func (lr *longReader) row(b *builder, fields [][]byte) error {
	t := lr.t
	b.lastLine = t.rec.start
	e, del, re := lr.event(fields)
	switch {
	case re != nil:
		re.DealID = b.ident()
	case del:
		b.deleted = append(b.deleted, e.line)
		return nil
	default:
		if re = t.fill(&lr.k, b, fields); re == nil {
			b.events = append(b.events, e)
			return nil
		}
	}
	b.bad = true
	return t.skip(re)
}

// done hands on a finished deal, or reports why it cannot be.
func (lr *longReader) done(b *builder) error {
	t := lr.t
	if b.bad {
		return t.halt
	}
	if len(b.events) == 0 {
		// Every row of the deal was deleted: nothing is left to read
		// but the notes.
		for _, line := range b.deleted {
			t.note(deletedNote(b.ident(), line))
		}
		return t.halt
	}
	d, re := t.finish(lr.f, b, lr.cellOf)
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

func (lr *longReader) missingID(fields [][]byte) error {
	t := lr.t
	return t.skip(t.cellErr(fields, lr.k.id, "", fmt.Errorf("%w: no deal id", ErrMissingValue)))
}

// grouped reads deals whose rows are together: a deal is done as soon as
// the id changes. An id that comes back after its deal was done is, when
// restart is set, the end of reading with errReturned; otherwise each of
// its rows is a row error wrapping [ErrNotContiguous].
//
// With restart set, the ids are looked up in batches of pendBatch deals,
// whatever happens in between is undone by reading the input again: when
// reading ends, for any reason, with an id in the batch that came back,
// it ends with errReturned.
func (lr *longReader) grouped(restart bool) error {
	if !restart {
		return lr.groupedLoop(false)
	}
	if lr.ord != nil {
		lr.ord.first, lr.ord.last = lr.ord.first[:0], lr.ord.last[:0]
		return lr.groupedLoop(true)
	}
	if lr.ids == nil {
		lr.seed, lr.ids = maphash.MakeSeed(), newHashSet()
	}
	err := lr.groupedLoop(true)
	if lr.ids.addAll(lr.pend) {
		return errReturned
	}
	lr.pend = lr.pend[:0]
	return err
}

// sizeAfter is the number of deals after which a restartable grouped
// read of known size sizes its set of ids (see longReader.size).
const sizeAfter = 4096

// pendBatch is the number of deals whose ids a restartable grouped read
// looks up together.
const pendBatch = 64

func (lr *longReader) groupedLoop(restart bool) error {
	t, k := lr.t, &lr.k
	var seen *idSet
	if !restart {
		seen = newIDSet()
	}
	var b builder
	inDeal := false   // b holds a deal
	returned := false // b's id came back after its deal was done
	var first [2]int32
	slot := 0 // b's slot in seen
	// ids of rows with the wrong number of fields skipped since the last
	// change of deal: the deal held or the next one is left out.
	var bad []string
	from, deals := t.rec.offset(), 0
	var next [][]byte // ids ahead (see [idSet.touch])
	ahead := 0        // deals to go before the next touch
	for {
		fields, err := t.next()
		for _, id := range t.badIDs {
			if inDeal && id == string(b.idb) {
				b.bad = true
			} else {
				bad = append(bad, id)
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
		if !inDeal || !bytes.Equal(id, b.idb) {
			if inDeal && !returned {
				if seen != nil {
					seen.setLast(slot, b.lastLine)
				}
				if err := lr.done(&b); err != nil {
					return err
				}
			}
			if lr.ord != nil {
				var prev []byte
				if inDeal {
					prev = b.idb
				}
				if !lr.ord.next(prev, id) {
					return errUnordered
				}
			}
			b.reset(id, t.rec.start)
			inDeal = true
			switch {
			case restart && lr.ord != nil:
				// The ids rise (checked above): none is kept.
			case restart:
				if deals++; deals == sizeAfter && lr.size > 0 {
					if read := t.rec.offset() - from; read > 0 {
						n := float64(deals) * float64(lr.size) / float64(read)
						lr.ids.reserve(int(min(n*1.05, 1<<31)))
					}
				}
				lr.pend = append(lr.pend, hashID(lr.seed, id))
				if len(lr.pend) == pendBatch {
					if lr.ids.addAll(lr.pend) {
						return errReturned
					}
					lr.pend = lr.pend[:0]
				}
			default:
				slot, first, returned = seen.claim(id, t.rec.start)
				// Start the lookups of the next deals, whose slots are
				// most often not in the cache, all at once.
				if ahead--; ahead <= 0 {
					next = t.rec.peekIDs(next[:0], k.id, id, 32, 256)
					seen.touch(next)
					ahead = len(next)
				}
			}
			b.bad = len(bad) > 0 && slices.Contains(bad, string(id))
			bad = bad[:0]
		}
		if returned {
			b.lastLine = t.rec.start
			lines := fmt.Sprintf("line %d", first[0])
			if first[1] != first[0] {
				lines = fmt.Sprintf("lines %d-%d", first[0], first[1])
			}
			re := &RowError{Line: t.rec.start, DealID: b.ident(), Err: fmt.Errorf("%w: the deal was already read at %s; set Scattered if the rows of a deal are not together", ErrNotContiguous, lines)}
			if err := t.skip(re); err != nil {
				return err
			}
			continue
		}
		if err := lr.row(&b, fields); err != nil {
			return err
		}
	}
	if inDeal && !returned {
		if seen != nil {
			seen.setLast(slot, b.lastLine)
		}
		if lr.ord != nil {
			lr.ord.last = append(lr.ord.last[:0], b.idb...)
		}
		return lr.done(&b)
	}
	return nil
}

// scattered reads deals whose rows may be anywhere in the input: it holds
// them all (see [held]) and does them at the end of the input, in the
// order of their first rows.
func (lr *longReader) scattered() error {
	t, k := lr.t, &lr.k
	h := newHeld(k.kept(true), t.opt.Dates.loc())
	bad := map[string]bool{} // ids of rows with the wrong number of fields
	for {
		fields, err := t.next()
		for _, id := range t.badIDs {
			bad[id] = true
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
		if h.full() {
			return errTooMany(t.rec.start)
		}
		i := h.deal(id, t.rec.start)
		e, del, re := lr.event(fields)
		switch {
		case re != nil:
		case del:
			h.add(i, time.Time{}, e.line, deletedRow)
		default:
			if re = h.hold(t, k, i, fields); re == nil {
				h.add(i, e.at, e.line, eventCode(e.stage, e.src))
			}
		}
		if re != nil {
			re.DealID = string(id)
			h.deals[i].bad = true
			if err := t.skip(re); err != nil {
				return err
			}
		}
	}
	var b builder
	for i := range h.deals {
		if re := h.restore(t, k, lr.stages, i, &b); re != nil {
			if err := t.skip(re); err != nil {
				return err
			}
			continue
		}
		b.bad = b.bad || bad[b.ident()]
		if err := lr.done(&b); err != nil {
			return err
		}
	}
	return nil
}

// deletedNote is the note for a row of deal id marked deleted.
func deletedNote(id string, line int) Note {
	return Note{Line: line, DealID: id, Kind: NoteDeleted, Detail: "row marked deleted, left out"}
}
