package crm

import (
	"slices"

	"github.com/funnelmath/funnelmath/funnel"
)

// sink is where a reader's finished deals go: to a consumer (Deals), or
// into a tally (Tally), which keeps no deal, so that the deals it is
// handed can share their storage from one to the next.
type sink struct {
	emit  func(funnel.Deal) error // Deals: hand each deal on
	tally *funnel.Tally           // Tally: add each deal
	// ids says the tally needs the deals' ids (it is grouped by id); a
	// tally's deals otherwise carry a stand-in id, not made per deal.
	ids    bool
	sl     slab           // Deals: the deals' events
	events []funnel.Event // Tally: the events of the deal being added
	attrs  map[string]string
	d      funnel.Deal // the deal being made, built in place
}

// tallySink returns a sink that adds deals to ty, grouped by by.
func tallySink(ty *funnel.Tally, by []string) *sink {
	return &sink{tally: ty, ids: slices.Contains(by, funnel.AttrID)}
}

// standInID is the id of a deal a tally adds, when the tally does not use
// ids: [funnel.Deal.Validate] wants one that is not blank, and the real id
// is put back for an error.
const standInID = "-"

// take returns room for n events of one deal.
func (s *sink) take(n int) []funnel.Event {
	if s.tally == nil {
		return s.sl.take(n)
	}
	if n == 0 {
		return nil
	}
	s.events = slices.Grow(s.events[:0], n)[:n]
	return s.events
}

// deal returns the deal b holds, with events, made in s: it stays valid
// until the next call.
func (s *sink) deal(b *builder, events []funnel.Event) *funnel.Deal {
	id := standInID
	if s.tally == nil || s.ids {
		id = b.ident()
	}
	s.d = funnel.Deal{
		ID: id, Owner: b.owner, Segment: b.segment, Source: b.source, Account: b.account,
		Attrs: b.attrs, Amount: b.amount, Created: b.created, Assigned: b.assigned, ExpectedClose: b.expected, Events: events,
	}
	return &s.d
}

// add adds d, which b holds, to the tally, with its amount in cents when
// b has it so.
func (s *sink) add(d *funnel.Deal, b *builder) error {
	if b.inCents {
		return s.tally.AddCents(*d, b.cents)
	}
	return s.tally.Add(*d)
}

// accept validates a finished deal, read from line, and hands it on: to
// the consumer, or into the tally. A deal that fails
// [funnel.Deal.Validate] comes back as a *RowError for the caller to skip
// or return; the error of the consumer or of [funnel.Tally.Add] ends
// reading. When the deal is valid, the notes pending from [table.finish]
// are reported, then a [NoteNoAmount] for a won deal without an amount,
// then post, and then the deal is handed on.
//
// A tally validates the deals it adds, so a deal for a tally is validated
// once, by [funnel.Tally.Add]; only when Add refuses it is it validated
// again, with its id, for the error, and added again for the tally's own
// error (Add leaves the tally unchanged on an error).
func (t *table) accept(f funnel.Funnel, d *funnel.Deal, b *builder, post []Note) (*RowError, error) {
	s := t.out
	var addErr error
	if s.tally != nil {
		addErr = s.add(d, b)
		if addErr != nil {
			d.ID = b.ident()
		}
	}
	if s.tally == nil || addErr != nil {
		if err := d.Validate(f); err != nil {
			return &RowError{Line: b.line, DealID: d.ID, Err: invalidDeal(err)}, nil
		}
	}
	for _, n := range t.pending {
		t.note(n)
	}
	t.pending = t.pending[:0]
	if d.Outcome == funnel.Won && !d.Amount.Valid && !b.inCents {
		t.note(Note{Line: b.line, DealID: b.ident(), Kind: NoteNoAmount, Detail: "won without an amount"})
	}
	for _, n := range post {
		t.note(n)
	}
	if s.tally != nil {
		if addErr != nil {
			return nil, s.add(d, b)
		}
		return nil, nil
	}
	return nil, s.emit(*d)
}
