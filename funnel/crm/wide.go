package crm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// WideColumns names the header of each column of a wide export. An empty
// name means the default in brackets; "-" means the export has no such
// column. A required column that is absent, or an optional column named
// explicitly and absent, is an error wrapping [ErrMissingColumn]. Header
// names match exactly, or else ignoring case and surrounding white space.
// Columns without a role are kept in [funnel.Deal.Attrs] by header name.
type WideColumns struct {
	ID            string // deal id, required ["deal_id"]
	Owner         string // optional ["owner"]
	Segment       string // optional ["segment"]
	Source        string // optional ["source"]
	Account       string // optional ["account"]
	Amount        string // optional, see [ParseAmount] ["amount"]
	ExpectedClose string // optional expected close date ["expected_close"]
	Created       string // optional creation date ["created_at"]
	// StageDates maps a funnel stage's name to the header of the column
	// holding the date the deal entered it, such as HubSpot's
	// "Date entered Qualified (Sales Pipeline)". A stage that is not in
	// the map uses a column named as the stage itself; "-" says the export
	// has no column for that stage. Every stage's column is required. A
	// key that is not a funnel stage is an error wrapping [ErrBadConfig].
	StageDates map[string]string
	// LostAt is the column of the date the deal was lost, optional
	// ["lost_at"].
	LostAt string
	// Lost is a yes/no column that says the deal is closed lost, optional
	// ["is_lost"]; see [ErrBadFlag] for the values. When both columns are
	// there the flag is the deal's current state: a lost date with the
	// flag saying no is a deal that was reopened (HubSpot keeps "Date
	// entered Closed Lost" after a deal moves back), and the date is
	// ignored with a [NoteReopened].
	Lost string
	// Closed is the close date, optional ["closed_at"]; it is used only as
	// the close of a deal lost by the Lost flag without a LostAt date (a
	// won deal closes when it entered the last stage, and an open deal's
	// close date, which HubSpot and Salesforce fill with the expected
	// close, is not a close).
	Closed string
}

// Wide reads a wide export: one row per deal with a date column per stage
// (HubSpot's "Date entered <stage>" properties), plus lost date or
// closed-lost flag columns, owner, amount and the like.
//
// Each stage with a date is an event; a stage without one has none (the
// export did not say, or the deal skipped it; implied reach still counts
// it when a later stage has a date). The events are sorted by time; when
// that is not the funnel's order a [NoteReordered] says so, and the
// earlier stage dated after a later one reads as a move back. A deal with
// a date at the last stage is won then; a deal with a lost date or a true
// lost flag is lost, at the lost date (or, with only the flag, at the
// Closed column's date, zero when empty), unless the flag says no (see
// [WideColumns.Lost]). A deal with neither is open. A
// deal both won and lost is an error wrapping [ErrWonAndLost]; a stage
// dated after the deal closed, an error wrapping [ErrAfterClose]; an id
// on two rows, an error wrapping [ErrDuplicateDeal] naming both lines. A
// won deal without an amount is kept with a [NoteNoAmount].
//
// A wide row holds one date per stage, so it cannot carry a deal that
// entered a stage twice; see [Long] for that.
//
// The zero Wide has no funnel and returns an error wrapping
// [ErrBadConfig]; set Funnel.
type Wide struct {
	// Funnel is the list of stages, whose last is the won stage.
	Funnel funnel.Funnel
	// Columns maps the header to roles.
	Columns WideColumns
	// Options are the settings shared by all readers; Stages is not used,
	// since the stages are columns.
	Options
}

// Deals returns the deals read from r, one per row in input order, each
// of which passes [funnel.Deal.Validate]; see [Long.Deals] for how the
// sequence ends and for errors.
func (c Wide) Deals(ctx context.Context, r io.Reader) iter.Seq2[funnel.Deal, error] {
	return seq(func(emit func(funnel.Deal) error) error { return c.run(ctx, r, emit) })
}

// ReadAll reads every deal from r; see [Long.ReadAll].
func (c Wide) ReadAll(ctx context.Context, r io.Reader) (Result, error) {
	return collect(&c.Options, func(o Options) iter.Seq2[funnel.Deal, error] {
		c.Options = o
		return c.Deals(ctx, r)
	})
}

func (c Wide) run(ctx context.Context, r io.Reader, emit func(funnel.Deal) error) error {
	f := c.Funnel
	if err := checkFunnel(f); err != nil {
		return err
	}
	for s := range c.Columns.StageDates {
		if _, err := f.Index(s); err != nil {
			return configErr("stage date column for %q: %w", s, err)
		}
	}
	t, err := open(ctx, r, c.Options)
	if err != nil {
		return err
	}
	k, err := t.dealCols(dealCols{ID: c.Columns.ID, Owner: c.Columns.Owner, Segment: c.Columns.Segment, Source: c.Columns.Source,
		Account: c.Columns.Account, Amount: c.Columns.Amount, ExpectedClose: c.Columns.ExpectedClose,
		Created: c.Columns.Created, createdDef: "created_at"})
	if err != nil {
		return err
	}
	stageCols := make([]int, f.Len())
	for i := range stageCols {
		name, ok := c.Columns.StageDates[f.Stage(i)]
		if !ok {
			name = f.Stage(i)
		}
		if name == none {
			stageCols[i] = -1
			continue
		}
		if stageCols[i], err = t.col(name, "", true); err != nil {
			return err
		}
	}
	lostAt, err := t.col(c.Columns.LostAt, "lost_at", false)
	if err != nil {
		return err
	}
	lostFlag, err := t.col(c.Columns.Lost, "is_lost", false)
	if err != nil {
		return err
	}
	closedCol, err := t.col(c.Columns.Closed, "closed_at", false)
	if err != nil {
		return err
	}
	k.attrs = t.attrCols()
	var sl slab
	var b builder
	cellOf := func(e rawEvent) (string, string) {
		i := lostAt
		if e.stage != lostStage {
			i = stageCols[e.stage]
		}
		return t.header[i], e.at.Format(time.RFC3339)
	}
	build := func(fields [][]byte) (funnel.Deal, *RowError) {
		for s, i := range stageCols {
			if i < 0 {
				continue
			}
			v := cell(fields, i)
			if len(v) == 0 {
				continue
			}
			at, err := t.opt.Dates.parse(v)
			if err != nil {
				return funnel.Deal{}, t.cellErr(i, v, b.id, err)
			}
			b.events = append(b.events, rawEvent{at: at, line: b.line, stage: s})
		}
		flagSaysNo := false
		if lostFlag >= 0 {
			v := cell(fields, lostFlag)
			lost, err := parseFlag(v)
			if err != nil {
				return funnel.Deal{}, t.cellErr(lostFlag, v, b.id, err)
			}
			b.lostUntimed = lost && (lostAt < 0 || len(cell(fields, lostAt)) == 0)
			flagSaysNo = !lost && len(bytes.TrimSpace(v)) > 0
		}
		var reopened []byte // a lost date the flag overrides
		if lostAt >= 0 {
			if v := cell(fields, lostAt); len(v) > 0 {
				at, err := t.opt.Dates.parse(v)
				if err != nil {
					return funnel.Deal{}, t.cellErr(lostAt, v, b.id, err)
				}
				if flagSaysNo {
					reopened = v
				} else {
					b.events = append(b.events, rawEvent{at: at, line: b.line, stage: lostStage})
				}
			}
		}
		if closedCol >= 0 && b.lostUntimed {
			if v := cell(fields, closedCol); len(v) > 0 {
				at, err := t.opt.Dates.parse(v)
				if err != nil {
					return funnel.Deal{}, t.cellErr(closedCol, v, b.id, err)
				}
				b.closedHint = at
			}
		}
		if re := t.fill(&k, &b, fields); re != nil {
			return funnel.Deal{}, re
		}
		d, re := t.finish(f, &b, cellOf, &sl) // checks the deal and reports its notes
		if re == nil && reopened != nil {
			t.note(Note{Line: b.line, DealID: b.id, Kind: NoteReopened,
				Detail: fmt.Sprintf("%s %s ignored: %s says not lost", t.header[lostAt], reopened, t.header[lostFlag])})
		}
		return d, re
	}
	return t.perRow(&k, &b, build, emit)
}

// perRow runs the loop of a one-row-per-deal reader.
func (t *table) perRow(k *cols, b *builder, build func([][]byte) (funnel.Deal, *RowError), emit func(funnel.Deal) error) error {
	seen := newIDSet()
	for {
		fields, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		id := cell(fields, k.id)
		if len(id) == 0 {
			if err := t.skip(t.cellErr(k.id, id, "", fmt.Errorf("%w: no deal id", ErrMissingValue))); err != nil {
				return err
			}
			continue
		}
		b.reset(string(id), t.rec.start)
		if lines, dup := seen.lookup(b.id); dup {
			if err := t.skip(&RowError{Line: b.line, DealID: b.id, Err: fmt.Errorf("%w: first at line %d", ErrDuplicateDeal, lines[0])}); err != nil {
				return err
			}
			continue
		}
		seen.add(b.id, b.line, b.line)
		d, re := build(fields)
		if re != nil {
			if err := t.skip(re); err != nil {
				return err
			}
			continue
		}
		if err := emit(d); err != nil {
			return err
		}
	}
}
