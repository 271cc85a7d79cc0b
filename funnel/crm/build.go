package crm

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// rawEvent is a stage entry or a lost row as read, with its line and
// where it was read: in a long history, the index of the stage cell's
// spelling (see [stageTable.lookup]); in a wide export, the column of its
// date; -1 when unknown.
type rawEvent struct {
	at    time.Time
	line  int
	stage int // a funnel stage index, or lostStage
	src   int32
}

// builder gathers the rows of one deal.
type builder struct {
	idb             []byte // the deal id as read
	id              string // idb as a string, once made (see ident)
	line, lastLine  int
	owner, segment  string
	source, account string
	amount          decimal.NullDecimal // the amount, unless inCents
	cents           int64               // the amount in cents, when inCents
	inCents         bool                // the amount is in cents, for a tally (see setScaled)
	amountRaw       []byte
	expected        time.Time
	expectedRaw     []byte
	assignedRaw     []byte
	assigned        time.Time
	created         time.Time
	attrs           map[string]string
	events          []rawEvent
	deleted         []int     // lines of rows marked deleted, left out
	lostUntimed     bool      // lost by a flag, without a lost date
	curSet          bool      // curStage holds the stage a current-stage column gives
	curStage        int       // the deal's stage now, when curSet (wide format)
	closedHint      time.Time // close date of a deal lost by a flag
	bad             bool      // a row failed; the deal is left out
}

func (b *builder) reset(id []byte, line int) {
	*b = builder{idb: append(b.idb[:0], id...), line: line, lastLine: line, amountRaw: b.amountRaw[:0], expectedRaw: b.expectedRaw[:0],
		assignedRaw: b.assignedRaw[:0], events: b.events[:0], deleted: b.deleted[:0]}
}

// ident returns the deal's id, made a string on first use: a reader that
// only tallies deals makes none for a deal that reads without a fault.
func (b *builder) ident() string {
	if b.id == "" {
		b.id = string(b.idb)
	}
	return b.id
}

// cols are the columns of the deal fields that every reader shares; -1
// when absent.
type cols struct {
	id, owner, segment, source, account, amount, expected, created, assigned int
	attrs                                                                    []int
}

// dealCols holds the column names of the shared deal fields.
type dealCols struct {
	ID, Owner, Segment, Source, Account, Amount, ExpectedClose, Created, Assigned string
	createdDef                                                                    string
}

func (t *table) dealCols(c dealCols) (cols, error) {
	var k cols
	var err error
	set := func(p *int, name, def string, required bool) {
		if err == nil {
			*p, err = t.col(name, def, required)
		}
	}
	set(&k.id, c.ID, "deal_id", true)
	t.idCol = k.id
	set(&k.owner, c.Owner, "owner", false)
	set(&k.segment, c.Segment, "segment", false)
	set(&k.source, c.Source, "source", false)
	set(&k.account, c.Account, "account", false)
	set(&k.amount, c.Amount, "amount", false)
	set(&k.expected, c.ExpectedClose, "expected_close", false)
	set(&k.assigned, c.Assigned, "assigned_at", false)
	if c.createdDef != "" {
		set(&k.created, c.Created, c.createdDef, false)
	} else {
		k.created = -1
	}
	return k, err
}

// only leaves out of k the columns of text (owner, segment, source,
// account, other columns) that no attribute of by names: a reader that
// only tallies deals grouped by by reads the others for nothing, since
// a text cell cannot be wrong. Dates and amounts are still read, as
// their cells can be.
func (k cols) only(t *table, by []string) cols {
	drop := func(p *int, name string) {
		if !slices.Contains(by, name) {
			*p = -1
		}
	}
	drop(&k.owner, funnel.AttrOwner)
	drop(&k.segment, funnel.AttrSegment)
	drop(&k.source, funnel.AttrSource)
	drop(&k.account, funnel.AttrAccount)
	var attrs []int
	for _, i := range k.attrs {
		if slices.Contains(by, t.header[i]) {
			attrs = append(attrs, i)
		}
	}
	k.attrs = attrs
	return k
}

// kept returns the columns whose last value a deal keeps when its rows
// are held apart (Scattered): the deal fields and the other columns, with
// the amount or, for a tally's Scattered read that keeps it apart, without.
func (k *cols) kept(amount bool) []int {
	cs := []int{k.owner, k.segment, k.source, k.account, k.expected, k.assigned}
	if amount {
		cs = append(cs, k.amount)
	}
	var keep []int
	for _, col := range append(cs, k.attrs...) {
		if col >= 0 {
			keep = append(keep, col)
		}
	}
	return keep
}

// isDate reports whether column col holds one of the deal's dates.
func (k *cols) isDate(col int) bool { return col >= 0 && (col == k.expected || col == k.assigned) }

// setKept sets b's field of column col (one of [cols.kept]) from the
// deal's last value v, as [table.fill] does row by row; an amount or a
// date that cannot be read is the error, which names no place.
func (t *table) setKept(k *cols, b *builder, col int, v []byte) error {
	switch col {
	case k.owner:
		b.owner = t.intern(v)
	case k.segment:
		b.segment = t.intern(v)
	case k.source:
		b.source = t.intern(v)
	case k.account:
		b.account = t.intern(v)
	case k.amount:
		return t.setAmount(b, v)
	case k.expected, k.assigned:
		at, err := t.opt.Dates.parse(v)
		if err != nil {
			return err
		}
		if col == k.expected {
			b.expected = at
		} else {
			b.assigned = at
		}
	default:
		b.attrs[t.header[col]] = t.intern(v)
	}
	return nil
}

// setAmount reads the amount cell v into b, as [ParseAmount] reads it; an
// empty v is a missing amount.
func (t *table) setAmount(b *builder, v []byte) error {
	b.amount, b.inCents = decimal.NullDecimal{}, false
	if len(v) == 0 {
		return nil
	}
	a, places, fits, err := scanAmount(v)
	if err != nil {
		return err
	}
	if !fits {
		d, err := bigAmount(v)
		b.amount = d
		return err
	}
	b.setScaled(a, places, t.out != nil && t.out.tally != nil)
	return nil
}

// setScaled sets b's amount to v × 10^−places, an amount [scanAmount]
// found to fit: when cents is set (the deal goes to a tally, which takes
// amounts in cents with [funnel.Tally.AddCents]) and the amount is a whole
// number of cents below 10^14, as cents, which costs no allocation;
// otherwise as a decimal with the places as written.
func (b *builder) setScaled(v int64, places int, cents bool) {
	if cents && places <= 2 && v < 1e14 {
		c := v
		for p := places; p < 2; p++ {
			c *= 10
		}
		if c < 1e14 {
			b.amount, b.cents, b.inCents = decimal.NullDecimal{}, c, true
			return
		}
	}
	b.amount, b.inCents = decimal.NewNullDecimal(decimal.New(v, -int32(places))), false
}

// cell returns cell i trimmed of surrounding white space.
func cell(fields [][]byte, i int) []byte {
	f := fields[i]
	if n := len(f); n == 0 || (f[0] > ' ' && f[0] < 0x80 && f[n-1] > ' ' && f[n-1] < 0x80) {
		return f
	}
	return bytes.TrimSpace(f)
}

// fill copies the deal fields of a row into b: each keeps the last
// non-empty value in input order.
func (t *table) fill(k *cols, b *builder, fields [][]byte) *RowError {
	if k.owner >= 0 {
		t.text(&b.owner, cell(fields, k.owner))
	}
	if k.segment >= 0 {
		t.text(&b.segment, cell(fields, k.segment))
	}
	if k.source >= 0 {
		t.text(&b.source, cell(fields, k.source))
	}
	if k.account >= 0 {
		t.text(&b.account, cell(fields, k.account))
	}
	if k.amount >= 0 {
		if v := cell(fields, k.amount); len(v) > 0 && !bytes.Equal(v, b.amountRaw) {
			if err := t.setAmount(b, v); err != nil {
				return t.cellErr(fields, k.amount, b.ident(), err)
			}
			b.amountRaw = append(b.amountRaw[:0], v...)
		}
	}
	if k.expected >= 0 {
		if v := cell(fields, k.expected); len(v) > 0 && !bytes.Equal(v, b.expectedRaw) {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.expected, b.ident(), err)
			}
			b.expected = d
			b.expectedRaw = append(b.expectedRaw[:0], v...)
		}
	}
	if k.assigned >= 0 {
		if v := cell(fields, k.assigned); len(v) > 0 && !bytes.Equal(v, b.assignedRaw) {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.assigned, b.ident(), err)
			}
			b.assigned = d
			b.assignedRaw = append(b.assignedRaw[:0], v...)
		}
	}
	if k.created >= 0 {
		if v := cell(fields, k.created); len(v) > 0 {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.created, b.ident(), err)
			}
			b.created = d
		}
	}
	if len(k.attrs) > 0 {
		if b.attrs == nil {
			b.attrs = t.attrMap(len(k.attrs))
			for _, i := range k.attrs {
				b.attrs[t.header[i]] = t.intern(cell(fields, i))
			}
		} else {
			for _, i := range k.attrs {
				if v := cell(fields, i); len(v) > 0 && string(v) != b.attrs[t.header[i]] {
					b.attrs[t.header[i]] = t.intern(v)
				}
			}
		}
	}
	return nil
}

// attrMap returns an empty map for a deal's attributes: a new one, or,
// for a tally, which keeps no deal, the same one each time.
func (t *table) attrMap(n int) map[string]string {
	if t.out == nil || t.out.tally == nil {
		return make(map[string]string, n)
	}
	if t.out.attrs == nil {
		t.out.attrs = make(map[string]string, n)
	}
	clear(t.out.attrs)
	return t.out.attrs
}

// text sets *p to v when v is not empty and differs from it.
func (t *table) text(p *string, v []byte) {
	if len(v) > 0 && string(v) != *p {
		*p = t.intern(v)
	}
}

// slab hands out event slices carved from shared blocks, so that a deal
// costs no allocation of its own for its events. Each slice is capped at
// its length: appending to it copies, never touching a neighbour.
type slab struct{ buf []funnel.Event }

func (s *slab) take(n int) []funnel.Event {
	if n == 0 {
		return nil
	}
	if len(s.buf)+n > cap(s.buf) {
		s.buf = make([]funnel.Event, 0, max(1024, n))
	}
	i := len(s.buf)
	s.buf = s.buf[:i+n]
	return s.buf[i : i+n : i+n]
}

// isTerm reports whether stage is where a deal closes: the funnel's last
// stage (won) or lostStage.
func isTerm(stage, last int) bool { return stage == last || stage == lostStage }

// before reports whether x sorts after y in a deal's events: by time,
// and at the same time a won or lost row after the others.
func after(x, y *rawEvent, last int) bool {
	if c := x.at.Compare(y.at); c != 0 {
		return c > 0
	}
	return isTerm(x.stage, last) && !isTerm(y.stage, last)
}

// finish turns the timed rows of a deal into a Deal, by the rules of the
// long and wide formats documented on [Long] and [Wide]. It reorders b's
// events in place. Its notes are held in t.pending until the deal is
// accepted (see [table.accept]), so that a deal left out brings no notes.
func (t *table) finish(f funnel.Funnel, b *builder, cellOf func(rawEvent) (col, val string)) (*funnel.Deal, *RowError) {
	t.pending = t.pending[:0]
	notes := t.opt.OnNote != nil
	if notes {
		for _, line := range b.deleted {
			t.pending = append(t.pending, deletedNote(b.ident(), line))
		}
	}
	last := f.Last()
	evs := b.events
	for i := 1; i < len(evs); i++ {
		if after(&evs[i-1], &evs[i], last) {
			slices.SortStableFunc(evs, func(x, y rawEvent) int {
				if c := x.at.Compare(y.at); c != 0 {
					return c
				}
				return cmp.Compare(termRank(x.stage, last), termRank(y.stage, last))
			})
			if notes {
				t.pending = append(t.pending, Note{Line: b.line, DealID: b.ident(), Kind: NoteReordered, Detail: "events sorted by time"})
			}
			break
		}
	}
	out := evs[:0]
	wonLine, lostLine, closeAt := 0, 0, -1
	var closed time.Time
	// t.stay holds the lines of the rows merged into the stay out ends
	// with (kept only when notes are wanted).
	t.stay = t.stay[:0]
	n := 0 // events at a stage (not lost) in out
	for i := range evs {
		e := evs[i]
		if k := len(out); k > 0 {
			if out[k-1].at.Equal(e.at) {
				dup := false
				for j := k - 1; j >= 0 && out[j].at.Equal(e.at); j-- {
					if out[j].stage == e.stage {
						dup = true
						if notes {
							t.pending = append(t.pending, Note{Line: e.line, DealID: b.ident(), Kind: NoteDuplicate,
								Detail: fmt.Sprintf("%s at %s repeats line %d", stageName(f, e.stage), e.at.Format(time.RFC3339), out[j].line)})
						}
						break
					}
				}
				if dup {
					continue
				}
			}
			if out[k-1].stage == e.stage {
				// A later row of the same stay (an amount or close date
				// changed, or two names aliased to one stage): the stay
				// began at the run's first row. For a run of lost rows (a
				// lost deal edited after it closed) the deal closed at the
				// first.
				if notes {
					t.stay = append(t.stay, e.line)
				}
				continue
			}
			if len(t.stay) > 0 {
				t.pending = append(t.pending, sameStageNote(f, b.ident(), out[k-1], t.stay))
				t.stay = t.stay[:0]
			}
		}
		switch e.stage {
		case last:
			wonLine = e.line
		case lostStage:
			lostLine = e.line
		}
		out = append(out, e)
		if e.stage != lostStage {
			n++
		}
		if isTerm(e.stage, last) {
			closeAt, closed = len(out)-1, e.at
		}
	}
	if len(t.stay) > 0 {
		t.pending = append(t.pending, sameStageNote(f, b.ident(), out[len(out)-1], t.stay))
		t.stay = t.stay[:0]
	}
	lost := lostLine != 0 || b.lostUntimed
	if wonLine != 0 && lost {
		line := max(wonLine, lostLine)
		if lostLine == 0 {
			line = b.line
		}
		return nil, &RowError{Line: line, DealID: b.ident(), Err: fmt.Errorf("%w: won at line %d, lost at line %d", funnel.ErrWonAndLost, wonLine, max(lostLine, b.line))}
	}
	if closeAt >= 0 && closeAt < len(out)-1 {
		e := out[closeAt+1]
		col, val := cellOf(e)
		return nil, &RowError{Line: e.line, Column: col, Value: val, DealID: b.ident(),
			Err: fmt.Errorf("%w: entered %s at %s, closed at %s (line %d)", ErrAfterClose, stageName(f, e.stage), e.at.Format(time.RFC3339), closed.Format(time.RFC3339), out[closeAt].line)}
	}
	// An open deal whose current stage (wide format) is not its last
	// event's, because the export has no date for it: it is there now, at
	// an unknown time, after the stages it has dates for.
	// (Not lost, out has no lost event: its last is a stage.)
	untimed := b.curSet && wonLine == 0 && !lost && (n == 0 || out[len(out)-1].stage != b.curStage)
	if untimed {
		n++
	}
	events := t.out.take(n)
	n = 0
	for i := range out {
		if out[i].stage != lostStage {
			events[n] = funnel.Event{Stage: out[i].stage, At: out[i].at}
			n++
		}
	}
	if untimed {
		events[n] = funnel.Event{Stage: b.curStage}
	}
	d := t.out.deal(b, events)
	switch {
	case wonLine != 0:
		d.Outcome, d.Closed = funnel.Won, closed
	case lostLine != 0:
		d.Outcome, d.Closed = funnel.Lost, closed
	case b.lostUntimed:
		d.Outcome, d.Closed = funnel.Lost, b.closedHint
	}
	return d, nil
}

// termRank orders a deal's rows at one time: a won or lost row after the
// others.
func termRank(stage, last int) int {
	if isTerm(stage, last) {
		return 1
	}
	return 0
}

func stageName(f funnel.Funnel, i int) string {
	if i == lostStage {
		return "lost"
	}
	return f.Stage(i)
}

// sameStageNote is the note for the rows at lines merged into the stay
// that began with first.
func sameStageNote(f funnel.Funnel, id string, first rawEvent, lines []int) Note {
	var b strings.Builder
	if len(lines) == 1 {
		b.WriteString("line ")
	} else {
		b.WriteString("lines ")
	}
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(l))
	}
	return Note{Line: lines[0], DealID: id, Kind: NoteSameStage,
		Detail: fmt.Sprintf("%s: %s merged into the stay entered at line %d (%s)", stageName(f, first.stage), b.String(), first.line, first.at.Format(time.RFC3339))}
}
