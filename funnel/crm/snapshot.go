package crm

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
)

// SnapshotColumns names the header of each column of a one-row-per-deal
// snapshot. An empty name means the default in brackets; "-" means the
// export has no such column. A required column that is absent, or an
// optional column named explicitly and absent, is an error wrapping
// [ErrMissingColumn]. Header names match exactly, or else ignoring case
// and surrounding white space; one header may serve two roles. Columns
// without a role are kept in [funnel.Deal.Attrs] by header name.
type SnapshotColumns struct {
	ID            string // deal id, required ["deal_id"]
	Stage         string // current stage, a funnel stage or a lost name, required ["stage"]
	Status        string // open, won or lost, optional ["status"]
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
	Closed   string // optional date the deal was won or lost ["closed_at"]
	// StageDates optionally maps a funnel stage's name to the header of a
	// column holding the date the deal entered it, such as "Engaging" to
	// "engage_date". Nil means none. A key that is not a funnel stage is an
	// error wrapping [ErrBadConfig]; a named column must be present.
	StageDates map[string]string
}

// Snapshot reads one row per deal with its current stage, as most
// opportunity reports do (Salesforce's Opportunities report, the Maven CRM
// sample's sales_pipeline.csv, Pipedrive's deals with their status).
//
// # Outcome
//
// Without a Status column, a deal at the last stage is won, a deal at a
// lost name (see [Stages]) is lost, and any other is open at its stage.
// With a Status column (open, won or lost, in any case; empty means as
// without one), the stage cell is the stage the deal reached: won at
// "Negotiation" is a won deal that was in Negotiation. A status that
// contradicts the stage (open at the last stage or at a lost name, won at
// a lost name, lost at the last stage) is an error wrapping
// [ErrBadStatus] or [funnel.ErrWonAndLost].
//
// # Events
//
// A snapshot has no history, so the reader makes these events, in funnel
// order:
//   - the first stage, at its StageDates date when there is one, else at
//     Created (zero when that is empty too): every deal entered the funnel;
//   - each stage with a StageDates date, at that date;
//   - the stage reached (the stage cell of an open deal, or of a won or
//     lost deal with a Status), at its StageDates date or zero;
//   - for a won deal, the last stage, at its StageDates date or else at
//     Closed (zero when empty).
//
// Stages in between get no event: [funnel.Implied] reach counts them,
// which is right for a deal that passed them, while [funnel.Strict] reach
// does not. A lost deal closes at Closed; it reached the stage its cell
// names with a Status, or else the furthest stage with a StageDates date,
// or else only the first stage. An open deal's Closed cell is ignored
// (Salesforce and HubSpot fill it with the expected close; map the same
// column as ExpectedClose to keep it). Dates that go backwards in funnel
// order, or a close before an event, make the deal an error wrapping
// [funnel.ErrInvalidDeal] and [funnel.ErrEventOrder]; an id on two rows,
// an error wrapping [funnel.ErrDuplicateDeal]. A won deal without an
// amount is kept with a [NoteNoAmount].
//
// A snapshot cannot carry the time of a stage without a date column,
// moves back, repeated entries, or how far a lost deal got when its stage
// cell is a lost name and no stage date says.
//
// The zero Snapshot has no funnel and returns an error wrapping
// [ErrBadConfig]; set Funnel.
type Snapshot struct {
	// Funnel is the list of stages, whose last is the won stage.
	Funnel funnel.Funnel
	// Columns maps the header to roles.
	Columns SnapshotColumns
	// Options are the settings shared by all readers.
	Options
}

// Deals returns the deals read from r, one per row in input order, each
// of which passes [funnel.Deal.Validate]; see [Long.Deals] for how the
// sequence ends and for errors.
func (c Snapshot) Deals(ctx context.Context, r io.Reader) iter.Seq2[funnel.Deal, error] {
	return seq(func(emit func(funnel.Deal) error) error { return c.run(ctx, r, &sink{emit: emit}, nil, nil) })
}

// ReadAll reads every deal from r; see [Long.ReadAll].
func (c Snapshot) ReadAll(ctx context.Context, r io.Reader) (Result, error) {
	return collect(&c.Options, func(o Options) iter.Seq2[funnel.Deal, error] {
		c.Options = o
		return c.Deals(ctx, r)
	})
}

// run reads the snapshot from r into out; see [Wide.run].
func (c Snapshot) run(ctx context.Context, r io.Reader, out *sink, by []string, part *partCtl) error {
	f := c.Funnel
	if err := checkFunnel(f); err != nil {
		return err
	}
	stages, err := newStageTable(f, c.Stages)
	if err != nil {
		return err
	}
	if err := checkStageKeys(f, c.Columns.StageDates); err != nil {
		return err
	}
	t, err := open(ctx, r, c.Options)
	if err != nil {
		return err
	}
	k, err := t.dealCols(dealCols{ID: c.Columns.ID, Owner: c.Columns.Owner, Segment: c.Columns.Segment, Source: c.Columns.Source,
		Account: c.Columns.Account, Amount: c.Columns.Amount, ExpectedClose: c.Columns.ExpectedClose, Assigned: c.Columns.Assigned,
		Created: c.Columns.Created, createdDef: "created_at"})
	if err != nil {
		return err
	}
	cs := struct{ stage, status, closed int }{}
	if cs.stage, err = t.col(c.Columns.Stage, "stage", true); err != nil {
		return err
	}
	if cs.status, err = t.col(c.Columns.Status, "status", false); err != nil {
		return err
	}
	if cs.closed, err = t.col(c.Columns.Closed, "closed_at", false); err != nil {
		return err
	}
	stageCols := make([]int, f.Len())
	for i := range stageCols {
		stageCols[i] = -1
		if name, ok := c.Columns.StageDates[f.Stage(i)]; ok && name != none {
			if stageCols[i], err = t.col(name, "", true); err != nil {
				return err
			}
		}
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
	dates := make([]time.Time, f.Len())
	build := func(fields [][]byte) (*RowError, error) {
		date := func(i int) (time.Time, *RowError) {
			if i < 0 {
				return time.Time{}, nil
			}
			v := cell(fields, i)
			if len(v) == 0 {
				return time.Time{}, nil
			}
			d, err := t.opt.Dates.parse(v)
			if err != nil {
				return time.Time{}, t.cellErr(fields, i, b.ident(), err)
			}
			return d, nil
		}
		if re := t.fill(&k, &b, fields); re != nil {
			return re, nil
		}
		sv := cell(fields, cs.stage)
		st, _, ok := stages.lookup(sv)
		if !ok {
			return t.cellErr(fields, cs.stage, b.ident(), unknownStage(sv)), nil
		}
		outcome, reached := funnel.Open, st
		switch {
		case st == last:
			outcome = funnel.Won
		case st == lostStage:
			outcome = funnel.Lost
		}
		if cs.status >= 0 {
			v := cell(fields, cs.status)
			bad := func(err error, why string) (*RowError, error) {
				return t.cellErr(fields, cs.status, b.ident(), fmt.Errorf("%w: %s at stage %q", err, why, sv)), nil
			}
			switch strings.ToLower(string(v)) {
			case "":
			case "open":
				if st == last || st == lostStage {
					return bad(ErrBadStatus, "open")
				}
			case "won":
				if st == lostStage {
					return bad(funnel.ErrWonAndLost, "won")
				}
				outcome = funnel.Won
			case "lost":
				if st == last {
					return bad(funnel.ErrWonAndLost, "lost")
				}
				outcome = funnel.Lost
			default:
				return t.cellErr(fields, cs.status, b.ident(), fmt.Errorf("%w: want open, won or lost", ErrBadStatus)), nil
			}
		}
		var re *RowError
		for s, i := range stageCols {
			if dates[s], re = date(i); re != nil {
				return re, nil
			}
		}
		// An open deal's Closed cell is ignored (see [Snapshot]), so a
		// value there that is not a date cannot cost the deal.
		var closed time.Time
		if outcome != funnel.Open {
			if closed, re = date(cs.closed); re != nil {
				return re, nil
			}
		}
		n := 0
		has := func(s int) bool {
			return (s == 0 && s != last) || !dates[s].IsZero() || (s == reached && s != last) || (s == last && outcome == funnel.Won)
		}
		for s := range dates {
			if has(s) {
				n++
			}
		}
		events := t.out.take(n)
		n = 0
		for s := range dates {
			if !has(s) {
				continue
			}
			at := dates[s]
			switch {
			case !at.IsZero():
			case s == 0:
				at = b.created
			case s == last:
				at = closed
			}
			events[n] = funnel.Event{Stage: s, At: at}
			n++
		}
		d := t.out.deal(&b, events)
		if outcome != funnel.Open {
			d.Outcome, d.Closed = outcome, closed
			if outcome == funnel.Won {
				d.Closed = events[n-1].At
			}
		}
		return t.accept(f, d, &b, nil)
	}
	return t.perRow(&k, &b, build, ids)
}
