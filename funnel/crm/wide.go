package crm

import (
	"context"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// WideColumns names the header of each column of a wide export. An empty
// name means the default in brackets; "-" means the export has no such
// column. A required column that is absent, or an optional column named
// explicitly and absent (unless AllowAbsent is set), is an error wrapping
// [ErrMissingColumn]. Header names match exactly, or else ignoring case
// and surrounding white space. Columns without a role are kept in
// [funnel.Deal.Attrs] by header name.
type WideColumns struct {
	ID            string // deal id, required ["deal_id"]
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
	Created  string // optional creation date ["created_at"]
	// StageDates maps a funnel stage's name to the header of the column
	// holding the date the deal entered it, such as HubSpot's
	// "Date entered Qualified (Sales Pipeline)"; "-" says the export has
	// no column for that stage. A stage that is not in the map uses the
	// column StagePattern finds for it, else a column named as the stage
	// itself. Every stage's column is required. A key that is not a
	// funnel stage is an error wrapping [ErrBadConfig].
	StageDates map[string]string
	// StagePattern, when set, finds the stage date columns by their
	// header, for exports whose spelling varies (see
	// [HubSpotStagePattern]). A header that matches it holds the date a
	// deal entered the stage named by the pattern's submatch "stage" (its
	// first submatch when none is named so), which is read as a stage cell
	// is ([Options.Stages]: a funnel stage, an alias or a lost name):
	//   - a funnel stage's header is its date column, unless StageDates
	//     names one;
	//   - a lost name's header is the lost date column, unless LostAt
	//     names one;
	//   - a header whose stage is neither (another pipeline's, say) is
	//     not a stage date and goes to Attrs.
	// Two headers for one stage, or for the lost date, are an error
	// wrapping [ErrDuplicateColumn].
	StagePattern *regexp.Regexp
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
	// Stage is the deal's current stage, optional, no column when empty
	// (HubSpot's "Deal Stage"). It is read as a stage cell is
	// ([Options.Stages]) and, like the Lost flag, is the deal's state
	// now: a lost name says lost; a funnel stage says not lost, and a
	// stage other than the last says not won. A won or lost date it
	// contradicts is stale (the deal was reopened after it) and is
	// ignored with a [NoteReopened]. A deal at the last stage without a
	// won date is won at the Closed date, and is an error wrapping
	// [ErrMissingValue] when that is empty too. A Lost flag that says
	// otherwise is an error wrapping [ErrBadStatus]; a name that is not a
	// stage, alias or lost name, one wrapping [funnel.ErrUnknownStage].
	Stage string
	// Closed is the close date, optional ["closed_at"]. It is used only as
	// the close of a deal lost (by the Lost flag or Stage) without a lost
	// date, or won by Stage without a won date: a won deal closes when it
	// entered the last stage, and an open deal's close date, which HubSpot
	// and Salesforce fill with the expected close, is not a close.
	Closed string
	// AllowAbsent, when set, reads an optional column named above that
	// the header lacks as absent instead of as an error; stage date
	// columns and the id are still required. The presets set it.
	AllowAbsent bool
}

// Wide reads a wide export: one row per deal with a date column per stage
// (HubSpot's "Date entered <stage>" properties), plus lost date,
// closed-lost flag or current stage columns, owner, amount and the like.
// [HubSpotDeals] returns one set up for HubSpot's deals export.
//
// Each stage with a date is an event; a stage without one has none (the
// export did not say, or the deal skipped it; implied reach still counts
// it when a later stage has a date). The events are sorted by time; when
// that is not the funnel's order a [NoteReordered] says so, and the
// earlier stage dated after a later one reads as a move back. A deal with
// a date at the last stage is won then; a deal with a lost date or a true
// lost flag is lost, at the lost date (or, with only the flag, at the
// Closed column's date, zero when empty), unless the flag or the current
// stage says otherwise (see [WideColumns.Lost] and [WideColumns.Stage]).
// A deal with neither is open. A deal both won and lost is an error
// wrapping [funnel.ErrWonAndLost]; a stage dated after the deal closed,
// an error wrapping [ErrAfterClose]; an id on two rows, an error wrapping
// [funnel.ErrDuplicateDeal] naming both lines. A won deal without an
// amount is kept with a [NoteNoAmount].
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
	// Options are the settings shared by all readers; Stages reads the
	// stage names of StagePattern's headers and of the Stage column.
	Options
}

// Deals returns the deals read from r, one per row in input order, each
// of which passes [funnel.Deal.Validate]; see [Long.Deals] for how the
// sequence ends and for errors.
func (c Wide) Deals(ctx context.Context, r io.Reader) iter.Seq2[funnel.Deal, error] {
	return seq(func(emit func(funnel.Deal) error) error { return c.run(ctx, r, &sink{emit: emit}, nil, nil) })
}

// ReadAll reads every deal from r; see [Long.ReadAll].
func (c Wide) ReadAll(ctx context.Context, r io.Reader) (Result, error) {
	return collect(&c.Options, func(o Options) iter.Seq2[funnel.Deal, error] {
		c.Options = o
		return c.Deals(ctx, r)
	})
}

// run reads the export from r into out; by names the grouping of out's
// tally, and part, when not nil, sets the reader up for one part of an
// input read in parallel.
func (c Wide) run(ctx context.Context, r io.Reader, out *sink, by []string, part *partCtl) error {
	f := c.Funnel
	if err := checkFunnel(f); err != nil {
		return err
	}
	if err := checkStageKeys(f, c.Columns.StageDates); err != nil {
		return err
	}
	stages, err := newStageTable(f, c.Stages)
	if err != nil {
		return err
	}
	t, err := open(ctx, r, c.Options)
	if err != nil {
		return err
	}
	t.lax = c.Columns.AllowAbsent
	k, err := t.dealCols(dealCols{ID: c.Columns.ID, Owner: c.Columns.Owner, Segment: c.Columns.Segment, Source: c.Columns.Source,
		Account: c.Columns.Account, Amount: c.Columns.Amount, ExpectedClose: c.Columns.ExpectedClose, Assigned: c.Columns.Assigned,
		Created: c.Columns.Created, createdDef: "created_at"})
	if err != nil {
		return err
	}
	lostFlag, err := t.col(c.Columns.Lost, "is_lost", false)
	if err != nil {
		return err
	}
	stageCol, err := t.col(c.Columns.Stage, none, false)
	if err != nil {
		return err
	}
	closedCol, err := t.col(c.Columns.Closed, "closed_at", false)
	if err != nil {
		return err
	}
	stageCols, lostAt, err := t.stageDateCols(f, c.Columns, stages)
	if err != nil {
		return err
	}
	k.attrs = t.attrCols()
	t.out = out
	if out.tally != nil {
		k = k.only(t, by)
	}
	var ids *idHashes
	if part != nil {
		if part.mode == modeProbe {
			part.t, part.idCol = t, k.id
			return nil
		}
		part.apply(t)
		if part.mode == modeRestart {
			ids = part.ids
		}
	}
	last := f.Last()
	var b builder
	var row [][]byte // the record being read
	// cellOf names the cell an event was read from, as written.
	cellOf := func(e rawEvent) (string, string) {
		return t.header[e.src], string(row[e.src])
	}
	date := func(fields [][]byte, i int) (time.Time, []byte, *RowError) {
		if i < 0 {
			return time.Time{}, nil, nil
		}
		v := cell(fields, i)
		if len(v) == 0 {
			return time.Time{}, nil, nil
		}
		at, err := t.opt.Dates.parse(v)
		if err != nil {
			return time.Time{}, nil, t.cellErr(fields, i, b.ident(), err)
		}
		return at, v, nil
	}
	build := func(fields [][]byte) (*RowError, error) {
		row = fields
		// The deal's state now: the current stage (-2 when unknown) and
		// the lost flag (-1 unknown, 0 no, 1 yes).
		cur, flag := -2, -1
		var curCell []byte
		if stageCol >= 0 {
			if curCell = cell(fields, stageCol); len(curCell) > 0 {
				st, _, ok := stages.lookup(curCell)
				if !ok {
					return t.cellErr(fields, stageCol, b.ident(), unknownStage(curCell)), nil
				}
				cur = st
			}
		}
		if lostFlag >= 0 {
			v := cell(fields, lostFlag)
			lost, err := parseFlag(v)
			if err != nil {
				return t.cellErr(fields, lostFlag, b.ident(), err), nil
			}
			if len(v) > 0 {
				flag = 0
				if lost {
					flag = 1
				}
			}
			if flag >= 0 && cur != -2 && (flag == 1) != (cur == lostStage) {
				return t.cellErr(fields, lostFlag, b.ident(), fmt.Errorf("%w: %s is %q", ErrBadStatus, t.header[stageCol], curCell)), nil
			}
		}
		saysLost := flag == 1 || cur == lostStage
		// why names the column that says a won or lost date is stale.
		why := func() string {
			if flag == 0 {
				return t.header[lostFlag] + " says not lost"
			}
			return t.header[stageCol] + " is " + strconv.Quote(string(curCell))
		}
		var stale []string // won or lost dates the state contradicts
		for s, i := range stageCols {
			at, v, re := date(fields, i)
			if re != nil {
				return re, nil
			}
			switch {
			case v == nil:
			case s == last && cur != -2 && cur != last:
				stale = append(stale, t.header[i]+" "+string(v))
			default:
				b.events = append(b.events, rawEvent{at: at, line: b.line, stage: s, src: int32(i)})
			}
		}
		if cur >= 0 && cur != last {
			b.curSet, b.curStage = true, cur
		}
		wonUntimed := cur == last && (stageCols[last] < 0 || len(cell(fields, stageCols[last])) == 0)
		at, v, re := date(fields, lostAt)
		switch {
		case re != nil:
			return re, nil
		case v == nil:
			b.lostUntimed = saysLost
		case flag == 0 || (cur != -2 && cur != lostStage):
			stale = append(stale, t.header[lostAt]+" "+string(v))
		default:
			b.events = append(b.events, rawEvent{at: at, line: b.line, stage: lostStage, src: int32(lostAt)})
		}
		if b.lostUntimed || wonUntimed {
			at, _, re := date(fields, closedCol)
			if re != nil {
				return re, nil
			}
			b.closedHint = at
			if wonUntimed {
				if at.IsZero() {
					return t.cellErr(fields, stageCol, b.ident(), fmt.Errorf("%w: at the won stage without a won date or a close date", ErrMissingValue)), nil
				}
				b.events = append(b.events, rawEvent{at: at, line: b.line, stage: last, src: int32(closedCol)})
			}
		}
		if re := t.fill(&k, &b, fields); re != nil {
			return re, nil
		}
		d, re := t.finish(f, &b, cellOf)
		if re != nil {
			return re, nil
		}
		var post []Note // reported once the deal is accepted
		if t.opt.OnNote != nil {
			for _, s := range stale {
				post = append(post, Note{Line: b.line, DealID: b.ident(), Kind: NoteReopened, Detail: s + " ignored: " + why()})
			}
		}
		return t.accept(f, d, &b, post)
	}
	return t.perRow(&k, &b, build, ids)
}

// checkStageKeys checks that every key of a StageDates map is a stage of
// f.
func checkStageKeys(f funnel.Funnel, m map[string]string) error {
	for s := range m {
		if _, err := f.Index(s); err != nil {
			return configErr("stage date column for %q: %w", s, funnel.ErrUnknownStage)
		}
	}
	return nil
}

// stageDateCols finds the date column of each funnel stage (-1 for none)
// and the lost date column (-1 when absent), by the rules of
// [WideColumns]: StageDates first, then StagePattern, then a column named
// as the stage.
func (t *table) stageDateCols(f funnel.Funnel, c WideColumns, stages *stageTable) ([]int, int, error) {
	const unset = -2
	cols := make([]int, f.Len())
	for i := range cols {
		cols[i] = unset
		name, ok := c.StageDates[f.Stage(i)]
		switch {
		case !ok:
		case name == none:
			cols[i] = -1
		default:
			var err error
			if cols[i], err = t.col(name, "", true); err != nil {
				return nil, 0, err
			}
		}
	}
	lostAt := unset
	if c.StagePattern != nil {
		sub := c.StagePattern.SubexpIndex("stage")
		if sub < 0 {
			sub = 1
		}
		if sub >= c.StagePattern.NumSubexp()+1 {
			return nil, 0, configErr("stage pattern %q has no submatch for the stage", c.StagePattern)
		}
		matched := make([]bool, len(t.header))
		for i, h := range t.header {
			m := c.StagePattern.FindStringSubmatch(h)
			if m == nil || t.used[i] {
				continue
			}
			st, _, ok := stages.lookup([]byte(m[sub]))
			if !ok {
				continue
			}
			p := &lostAt
			if st != lostStage {
				p = &cols[st]
			}
			switch {
			case st == lostStage && c.LostAt != "":
				continue // LostAt names the lost date column
			case *p >= 0 && matched[*p]:
				return nil, 0, &RowError{Line: t.hline, Column: h, Err: fmt.Errorf("%w: holds the date entered %q, as column %d (%q) does; "+
					"a StagePattern for one pipeline tells them apart", ErrDuplicateColumn, stageName(f, st), *p+1, t.header[*p])}
			case *p != unset:
				continue // StageDates names the stage's column
			}
			*p = i
			t.used[i], matched[i] = true, true
		}
	}
	for i, idx := range cols {
		if idx != unset {
			continue
		}
		name := f.Stage(i)
		if c.StagePattern == nil {
			var err error
			if cols[i], err = t.col(name, "", true); err != nil {
				return nil, 0, err
			}
			continue
		}
		var err error
		if cols[i], err = t.col("", name, false); err != nil {
			return nil, 0, err
		}
		if cols[i] < 0 {
			return nil, 0, t.missing(name, "no date column for the stage: no header matches StagePattern or is named so")
		}
	}
	if lostAt == unset {
		var err error
		if lostAt, err = t.col(c.LostAt, "lost_at", false); err != nil {
			return nil, 0, err
		}
	}
	return cols, lostAt, nil
}

// perRow runs the loop of a one-row-per-deal reader: build reads a row
// into b and hands its deal on. With ids nil, an id read twice is a row
// error wrapping [funnel.ErrDuplicateDeal] naming the first line;
// otherwise the ids' hashes go to ids, looked up in batches, and an id
// read twice ends reading with errReturned, whatever else would end it
// after that id (a reader that reads again in one stream needs no more).
func (t *table) perRow(k *cols, b *builder, build func([][]byte) (*RowError, error), ids *idHashes) error {
	var pend []uint64 // hashes not yet added to ids (see [hashSet.addAll])
	err := t.perRowLoop(k, b, build, ids, &pend)
	if ids != nil && ids.set.addAll(pend) {
		return errReturned
	}
	if err == io.EOF {
		return nil
	}
	return err
}

func (t *table) perRowLoop(k *cols, b *builder, build func([][]byte) (*RowError, error), ids *idHashes, pend *[]uint64) error {
	var seen *idSet
	if ids == nil {
		seen = newIDSet()
	}
	var next [][]byte // ids ahead (see [idSet.touch])
	ahead := 0        // rows to go before the next touch
	for {
		fields, err := t.next()
		if err != nil {
			return err
		}
		id := cell(fields, k.id)
		if len(id) == 0 {
			if err := t.skip(t.cellErr(fields, k.id, "", fmt.Errorf("%w: no deal id", ErrMissingValue))); err != nil {
				return err
			}
			continue
		}
		b.reset(id, t.rec.start)
		if ids != nil {
			if *pend = append(*pend, hashID(ids.seed, id)); len(*pend) == pendBatch {
				if ids.set.addAll(*pend) {
					return errReturned
				}
				*pend = (*pend)[:0]
			}
		} else {
			_, lines, dup := seen.claim(id, b.line)
			// Start the lookups of the next rows' ids, whose slots are
			// most often not in the cache, all at once.
			if ahead--; ahead <= 0 {
				next = t.rec.peekIDs(next[:0], k.id, id, 32, 64)
				seen.touch(next)
				ahead = len(next)
			}
			if dup {
				if err := t.skip(&RowError{Line: b.line, DealID: b.ident(), Err: fmt.Errorf("%w: first at line %d", funnel.ErrDuplicateDeal, lines[0])}); err != nil {
					return err
				}
				continue
			}
		}
		re, err := build(fields)
		if err == nil && re != nil {
			err = t.skip(re)
		}
		if err == nil {
			err = t.halt
		}
		if err != nil {
			return err
		}
	}
}
