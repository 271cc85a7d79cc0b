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
	id              string
	line, lastLine  int
	owner, segment  string
	source, account string
	amount          decimal.NullDecimal
	amountRaw       []byte
	expected        time.Time
	expectedRaw     []byte
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

func (b *builder) reset(id string, line int) {
	*b = builder{id: id, line: line, lastLine: line, amountRaw: b.amountRaw[:0], expectedRaw: b.expectedRaw[:0], events: b.events[:0], deleted: b.deleted[:0]}
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

// cell returns cell i trimmed of surrounding white space.
func cell(fields [][]byte, i int) []byte { return bytes.TrimSpace(fields[i]) }

// fill copies the deal fields of a row into b: each keeps the last
// non-empty value in input order.
func (t *table) fill(k *cols, b *builder, fields [][]byte) *RowError {
	str := func(i int, p *string) {
		if i < 0 {
			return
		}
		if v := cell(fields, i); len(v) > 0 && string(v) != *p {
			*p = t.in.get(v)
		}
	}
	str(k.owner, &b.owner)
	str(k.segment, &b.segment)
	str(k.source, &b.source)
	str(k.account, &b.account)
	if k.amount >= 0 {
		if v := cell(fields, k.amount); len(v) > 0 && !bytes.Equal(v, b.amountRaw) {
			a, err := parseAmount(v)
			if err != nil {
				return t.cellErr(fields, k.amount, b.id, err)
			}
			b.amount = a
			b.amountRaw = append(b.amountRaw[:0], v...)
		}
	}
	if k.expected >= 0 {
		if v := cell(fields, k.expected); len(v) > 0 && !bytes.Equal(v, b.expectedRaw) {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.expected, b.id, err)
			}
			b.expected = d
			b.expectedRaw = append(b.expectedRaw[:0], v...)
		}
	}
	if k.assigned >= 0 {
		if v := cell(fields, k.assigned); len(v) > 0 {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.assigned, b.id, err)
			}
			b.assigned = d
		}
	}
	if k.created >= 0 {
		if v := cell(fields, k.created); len(v) > 0 {
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return t.cellErr(fields, k.created, b.id, err)
			}
			b.created = d
		}
	}
	if len(k.attrs) > 0 {
		if b.attrs == nil {
			b.attrs = make(map[string]string, len(k.attrs))
			for _, i := range k.attrs {
				b.attrs[t.header[i]] = t.in.get(cell(fields, i))
			}
		} else {
			for _, i := range k.attrs {
				if v := cell(fields, i); len(v) > 0 && string(v) != b.attrs[t.header[i]] {
					b.attrs[t.header[i]] = t.in.get(v)
				}
			}
		}
	}
	return nil
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

// finish turns the timed rows of a deal into a Deal, by the rules of the
// long and wide formats documented on [Long] and [Wide]. It reorders b's
// events in place. Its notes are held until the deal passes [table.check],
// so that a deal left out brings no notes.
func (t *table) finish(f funnel.Funnel, b *builder, cellOf func(rawEvent) (col, val string), sl *slab) (funnel.Deal, *RowError) {
	t.pending = t.pending[:0]
	pend := func(n Note) {
		if t.opt.OnNote != nil {
			t.pending = append(t.pending, n)
		}
	}
	for _, line := range b.deleted {
		pend(deletedNote(b.id, line))
	}
	last := f.Last()
	term := func(e rawEvent) int {
		if e.stage == last || e.stage == lostStage {
			return 1
		}
		return 0
	}
	order := func(x, y rawEvent) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		return cmp.Compare(term(x), term(y))
	}
	evs := b.events
	if !slices.IsSortedFunc(evs, order) {
		slices.SortStableFunc(evs, order)
		pend(Note{Line: b.line, DealID: b.id, Kind: NoteReordered, Detail: "events sorted by time"})
	}
	out := evs[:0]
	wonLine, lostLine, closeAt := 0, 0, -1
	var closed time.Time
	// t.stay holds the lines of the rows merged into the stay out ends
	// with (kept only when notes are wanted).
	t.stay = t.stay[:0]
	endStay := func() {
		if len(t.stay) > 0 {
			pend(sameStageNote(f, b.id, out[len(out)-1], t.stay))
			t.stay = t.stay[:0]
		}
	}
	for _, e := range evs {
		dup := false
		for j := len(out) - 1; j >= 0 && out[j].at.Equal(e.at); j-- {
			if out[j].stage == e.stage {
				dup = true
				pend(Note{Line: e.line, DealID: b.id, Kind: NoteDuplicate, Detail: fmt.Sprintf("%s at %s repeats line %d", stageName(f, e.stage), e.at.Format(time.RFC3339), out[j].line)})
				break
			}
		}
		if dup {
			continue
		}
		if n := len(out); n > 0 && out[n-1].stage == e.stage {
			// A later row of the same stay (an amount or close date
			// changed, or two names aliased to one stage): the stay
			// began at the run's first row. For a run of lost rows (a
			// lost deal edited after it closed) the deal closed at the
			// first.
			if t.opt.OnNote != nil {
				t.stay = append(t.stay, e.line)
			}
			continue
		}
		endStay()
		switch e.stage {
		case last:
			wonLine = e.line
		case lostStage:
			lostLine = e.line
		}
		out = append(out, e)
		if term(e) == 1 {
			closeAt, closed = len(out)-1, e.at
		}
	}
	endStay()
	lost := lostLine != 0 || b.lostUntimed
	if wonLine != 0 && lost {
		line := max(wonLine, lostLine)
		if lostLine == 0 {
			line = b.line
		}
		return funnel.Deal{}, &RowError{Line: line, DealID: b.id, Err: fmt.Errorf("%w: won at line %d, lost at line %d", funnel.ErrWonAndLost, wonLine, max(lostLine, b.line))}
	}
	if closeAt >= 0 && closeAt < len(out)-1 {
		e := out[closeAt+1]
		col, val := cellOf(e)
		return funnel.Deal{}, &RowError{Line: e.line, Column: col, Value: val, DealID: b.id,
			Err: fmt.Errorf("%w: entered %s at %s, closed at %s (line %d)", ErrAfterClose, stageName(f, e.stage), e.at.Format(time.RFC3339), closed.Format(time.RFC3339), out[closeAt].line)}
	}
	n := 0
	for _, e := range out {
		if e.stage != lostStage {
			n++
		}
	}
	// An open deal whose current stage (wide format) is not its last
	// event's, because the export has no date for it: it is there now, at
	// an unknown time, after the stages it has dates for.
	// (Not lost, out has no lost event: its last is a stage.)
	untimed := b.curSet && wonLine == 0 && !lost && (n == 0 || out[len(out)-1].stage != b.curStage)
	if untimed {
		n++
	}
	events := sl.take(n)
	n = 0
	for _, e := range out {
		if e.stage != lostStage {
			events[n] = funnel.Event{Stage: e.stage, At: e.at}
			n++
		}
	}
	if untimed {
		events[n] = funnel.Event{Stage: b.curStage}
	}
	d := b.deal(events)
	switch {
	case wonLine != 0:
		d.Outcome, d.Closed = funnel.Won, closed
	case lostLine != 0:
		d.Outcome, d.Closed = funnel.Lost, closed
	case b.lostUntimed:
		d.Outcome, d.Closed = funnel.Lost, b.closedHint
	}
	return t.check(f, d, b.line)
}

func (b *builder) deal(events []funnel.Event) funnel.Deal {
	return funnel.Deal{
		ID: b.id, Owner: b.owner, Segment: b.segment, Source: b.source, Account: b.account,
		Attrs: b.attrs, Amount: b.amount, Created: b.created, Assigned: b.assigned, ExpectedClose: b.expected, Events: events,
	}
}

// check validates a finished deal; when it is kept, it reports the notes
// pending from [table.finish] and notes a won deal without amount.
func (t *table) check(f funnel.Funnel, d funnel.Deal, line int) (funnel.Deal, *RowError) {
	if err := d.Validate(f); err != nil {
		return funnel.Deal{}, &RowError{Line: line, DealID: d.ID, Err: invalidDeal(err)}
	}
	for _, n := range t.pending {
		t.note(n)
	}
	t.pending = t.pending[:0]
	if d.Outcome == funnel.Won && !d.Amount.Valid {
		t.note(Note{Line: line, DealID: d.ID, Kind: NoteNoAmount, Detail: "won without an amount"})
	}
	return d, nil
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
