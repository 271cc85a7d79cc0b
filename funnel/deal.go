package funnel

import (
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Outcome is where a deal ended: still open, won or lost.
type Outcome int8

const (
	// Open is a deal that has neither been won nor lost.
	Open Outcome = iota
	// Won is a deal that entered the funnel's last stage.
	Won
	// Lost is a deal that closed without entering the last stage.
	Lost
)

// String returns "open", "won" or "lost".
func (o Outcome) String() string {
	switch o {
	case Open:
		return "open"
	case Won:
		return "won"
	case Lost:
		return "lost"
	}
	return fmt.Sprintf("Outcome(%d)", int8(o))
}

// MarshalText encodes the outcome as its [Outcome.String]; a value out of
// range is a *[InputError] wrapping [ErrOutOfRange].
func (o Outcome) MarshalText() ([]byte, error) { return marshalEnum("outcome", o, Lost) }

// UnmarshalText decodes "open", "won" or "lost"; anything else is a
// *[InputError] wrapping [ErrOutOfRange].
func (o *Outcome) UnmarshalText(b []byte) error { return unmarshalEnum("outcome", b, o, Lost) }

// Reach is the rule that says whether a deal reached a stage.
type Reach int8

const (
	// Implied counts a deal as having reached stage k when it entered k or
	// any later stage: a later stage implies the earlier ones, so a deal
	// that skipped a stage still reached it, and counts never rise down the
	// funnel. This is the default.
	Implied Reach = iota
	// Strict counts only the stages a deal actually entered.
	Strict
)

// String returns "implied" or "strict".
func (r Reach) String() string {
	switch r {
	case Implied:
		return "implied"
	case Strict:
		return "strict"
	}
	return fmt.Sprintf("Reach(%d)", int8(r))
}

// MarshalText encodes the rule as its [Reach.String]; a value out of range
// is a *[InputError] wrapping [ErrOutOfRange].
func (r Reach) MarshalText() ([]byte, error) { return marshalEnum("reach", r, Strict) }

// UnmarshalText decodes "implied" or "strict"; anything else is a
// *[InputError] wrapping [ErrOutOfRange].
func (r *Reach) UnmarshalText(b []byte) error { return unmarshalEnum("reach", b, r, Strict) }

// Event is a deal's entry into a stage.
type Event struct {
	Stage int       `json:"stage"` // index of the stage in the funnel
	At    time.Time `json:"at"`    // when the deal entered it; zero when the export does not say
}

// Activity is one touch on a deal or an account: a call, an email, a
// meeting. Kind is free text; [KindCall], [KindEmail] and [KindMeeting] are
// the kinds the analytics recognise.
type Activity struct {
	DealID  string    `json:"deal_id,omitempty"`
	Account string    `json:"account,omitempty"`
	Contact string    `json:"contact,omitempty"`
	Kind    string    `json:"kind"`
	At      time.Time `json:"at"`
	Owner   string    `json:"owner,omitempty"`
}

// Activity kinds that the analytics recognise, matched without regard to
// case.
const (
	KindCall    = "call"
	KindEmail   = "email"
	KindMeeting = "meeting"
)

// IsKind reports whether the activity's kind is kind, ignoring case and
// surrounding white space.
func (a Activity) IsKind(kind string) bool {
	return strings.EqualFold(strings.TrimSpace(a.Kind), kind)
}

// Deal is one opportunity with its stage history, as read from a CRM
// export.
//
// Events are the deal's stage entries in time order; a deal may skip a
// stage, re-enter an earlier one or start mid-funnel. A won deal has an
// event at the funnel's last stage and Outcome [Won]; a lost deal has
// Outcome [Lost] and a Closed time, and its events are the stages it entered
// before it closed. Times that an export does not give are zero.
//
// Amount is the deal's value; it is not Valid when the export has none, so
// a missing amount is never read as zero.
type Deal struct {
	ID            string              `json:"id"`
	Owner         string              `json:"owner,omitempty"`
	Segment       string              `json:"segment,omitempty"`
	Source        string              `json:"source,omitempty"`
	Account       string              `json:"account,omitempty"`
	Attrs         map[string]string   `json:"attrs,omitempty"` // other columns of the export, by header
	Amount        decimal.NullDecimal `json:"amount"`
	Created       time.Time           `json:"created,omitzero"`        // creation; zero when unknown
	Assigned      time.Time           `json:"assigned,omitzero"`       // assignment to the owner; zero when unknown
	ExpectedClose time.Time           `json:"expected_close,omitzero"` // zero when the export has none
	Events        []Event             `json:"events"`
	Outcome       Outcome             `json:"outcome"`
	Closed        time.Time           `json:"closed,omitzero"` // when won or lost; zero while open
	Activities    []Activity          `json:"activities,omitempty"`
}

// Attribute names that [Deal.Attr] maps to the deal's own fields. Any other
// name is looked up in Attrs.
const (
	AttrID      = "id"
	AttrOwner   = "owner"
	AttrSegment = "segment"
	AttrSource  = "source"
	AttrAccount = "account"
	AttrOutcome = "outcome"
)

// Attr returns the value of the named attribute: one of the Attr constants
// for the deal's own fields, otherwise the entry in Attrs ("" when absent).
func (d Deal) Attr(name string) string {
	switch name {
	case AttrID:
		return d.ID
	case AttrOwner:
		return d.Owner
	case AttrSegment:
		return d.Segment
	case AttrSource:
		return d.Source
	case AttrAccount:
		return d.Account
	case AttrOutcome:
		return d.Outcome.String()
	}
	return d.Attrs[name]
}

// HasAttr reports whether the deal has the named attribute: always for the
// Attr constants, otherwise when Attrs has an entry.
func (d Deal) HasAttr(name string) bool {
	switch name {
	case AttrID, AttrOwner, AttrSegment, AttrSource, AttrAccount, AttrOutcome:
		return true
	}
	_, ok := d.Attrs[name]
	return ok
}

// Furthest returns the index of the furthest stage the deal entered, or -1
// when it has no events (a deal lost before it entered any stage).
func (d Deal) Furthest() int {
	m := -1
	for _, e := range d.Events {
		m = max(m, e.Stage)
	}
	return m
}

// Current returns the stage of the deal's last event, which is below
// [Deal.Furthest] after a move back, or -1 when it has no events.
func (d Deal) Current() int {
	if len(d.Events) == 0 {
		return -1
	}
	return d.Events[len(d.Events)-1].Stage
}

// Entered reports whether the deal has an event at stage k.
func (d Deal) Entered(k int) bool {
	for _, e := range d.Events {
		if e.Stage == k {
			return true
		}
	}
	return false
}

// Reached reports whether the deal reached stage k under the rule.
func (d Deal) Reached(k int, rule Reach) bool {
	if rule == Strict {
		return d.Entered(k)
	}
	return k >= 0 && d.Furthest() >= k
}

// EnteredAt returns the time of the deal's first event at stage k, and
// whether it has one.
func (d Deal) EnteredAt(k int) (time.Time, bool) {
	for _, e := range d.Events {
		if e.Stage == k {
			return e.At, true
		}
	}
	return time.Time{}, false
}

// Start returns when the deal entered the funnel: Created when known,
// otherwise the time of its first timed event; zero when neither is known.
func (d Deal) Start() time.Time {
	if !d.Created.IsZero() {
		return d.Created
	}
	for _, e := range d.Events {
		if !e.At.IsZero() {
			return e.At
		}
	}
	return time.Time{}
}

// CloseTime returns when the deal closed: Closed when set, otherwise for a
// won deal the time of its event at the last stage; zero for an open deal
// or when unknown.
func (d Deal) CloseTime() time.Time {
	if !d.Closed.IsZero() || d.Outcome != Won || len(d.Events) == 0 {
		return d.Closed
	}
	t, _ := d.EnteredAt(d.Furthest())
	return t
}

// Stays returns the deal's events with each run of consecutive events at
// the same stage reduced to its first (with the first known time of the
// run when the first has none): one stay per visit to a stage. An
// export that writes a row whenever a deal's amount, probability or close
// date changes (Salesforce's OpportunityHistory), or stage aliases that map
// two names to one stage, give several events for one stay; a deal that
// sits 20 days in a stage with a row on day 10 spent one 20-day stay there,
// not two 10-day visits. Time in stage, Markov moves and time to win are
// measured over stays.
//
// When no two consecutive events share a stage, the result is d.Events
// itself (no copy is made); otherwise it is a new slice. Callers must not
// modify it.
func (d Deal) Stays() []Event { return stays(d.Events) }

// stays is [Deal.Stays] on the events alone, so that the tally does not
// copy the deal to call it.
func stays(events []Event) []Event {
	for i := 1; i < len(events); i++ {
		if events[i].Stage == events[i-1].Stage {
			out := make([]Event, i, len(events))
			copy(out, events[:i])
			for _, e := range events[i:] {
				switch last := &out[len(out)-1]; {
				case e.Stage != last.Stage:
					out = append(out, e)
				case last.At.IsZero():
					last.At = e.At // the stay began at the first known time
				}
			}
			return out
		}
	}
	return events
}

// MovedBack reports whether the deal ever moved to an earlier stage than
// the one it was in.
func (d Deal) MovedBack() bool {
	for i := 1; i < len(d.Events); i++ {
		if d.Events[i].Stage < d.Events[i-1].Stage {
			return true
		}
	}
	return false
}

// Validate checks the deal against the funnel. It returns a *[DealError]
// wrapping:
//   - [ErrInvalidDeal] for a blank id, an open or won deal with no
//     events (a lost deal may have none: CRMs export deals created straight
//     as lost, which count in the win rate but reached no stage), a won deal without an event at the
//     last stage, an open deal with one or with a Closed time, or an
//     outcome out of range;
//   - [ErrUnknownStage] for an event whose stage is not in the funnel;
//   - [ErrEventOrder] for events whose known times go backwards, or a
//     Closed time before the last event or before Created;
//   - [ErrWonAndLost] for a lost deal with an event at the last stage;
//   - [ErrNegativeAmount] for an amount below zero, and [ErrOutOfRange] for
//     one beyond the bounds of [AmountInRange].
func (d Deal) Validate(f Funnel) error {
	var v dealView
	return d.validate(f, &v)
}

// dealView is what [Tally.Add] learns of a deal in the one pass over its
// events that validates it, so that nothing is looked up twice: the
// furthest stage, the stages entered, and the times that [Deal.Start],
// [Deal.CloseTime] and the check of the deal's span would each find again.
type dealView struct {
	furthest int       // [Deal.Furthest]
	entered  uint64    // bit k set when the deal has an event at stage k < 64
	latest   time.Time // the first of the latest event times (by After); zero without events
	start    time.Time // [Deal.Start]
	closed   time.Time // [Deal.CloseTime]
	// cents and inCents are [centsOf] the amount, when it is Valid, or
	// the amount given to [Tally.AddCents], when hasCents is set.
	cents    int64
	inCents  bool
	hasCents bool
	// exact says that no time of the deal has a monotonic clock reading
	// (set by validate) and that every time lies in the span from start
	// to the later of the close and the latest event, which [checkSpan]
	// found to be at most [MaxDurationDays] (kept by checkSpan only
	// then): the difference of two of them is then taken from their
	// seconds and nanoseconds, without the overflow check of
	// [time.Time.Sub], and is the same.
	exact bool
}

// validate is [Deal.Validate], filling v as it goes; v is complete only
// when it returns nil. d is not modified.
func (d *Deal) validate(f Funnel, v *dealView) error {
	if !nonBlank(d.ID) {
		return d.fail(fmt.Errorf("%w: blank id", ErrInvalidDeal))
	}
	n := f.Len()
	if n == 0 {
		return d.fail(ErrEmptyFunnel)
	}
	if len(d.Events) == 0 && d.Outcome != Lost {
		return d.fail(fmt.Errorf("%w: %s deal with no stage events", ErrInvalidDeal, d.Outcome))
	}
	var first, last, latest, atLast time.Time
	won := false
	furthest := -1
	var entered uint64
	mono := (!d.Created.IsZero() && hasMono(d.Created)) || (!d.Closed.IsZero() && hasMono(d.Closed))
	for i := range d.Events {
		e := &d.Events[i]
		if uint(e.Stage) >= uint(n) { // not f.Has(e.Stage)
			return d.fail(fmt.Errorf("event %d: %w: index %d", i, ErrUnknownStage, e.Stage))
		}
		if e.Stage == n-1 && !won {
			won, atLast = true, e.At
		}
		furthest = max(furthest, e.Stage)
		entered |= 1 << (uint(e.Stage) & 63)
		if i == 0 || e.At.After(latest) {
			latest = e.At
		}
		if e.At.IsZero() {
			continue
		}
		mono = mono || hasMono(e.At)
		if first.IsZero() {
			first = e.At
		}
		if e.At.Before(last) {
			return d.fail(fmt.Errorf("event %d at %s (%s) before %s: %w", i, f.Stage(e.Stage), e.At.Format(time.RFC3339), last.Format(time.RFC3339), ErrEventOrder))
		}
		last = e.At
	}
	if !d.Created.IsZero() && !first.IsZero() && first.Before(d.Created) {
		return d.fail(fmt.Errorf("first event at %s before created %s: %w", first.Format(time.RFC3339), d.Created.Format(time.RFC3339), ErrEventOrder))
	}
	switch d.Outcome {
	case Open:
		if won {
			return d.fail(fmt.Errorf("%w: open deal with an event at the last stage %q", ErrInvalidDeal, f.Stage(f.Last())))
		}
		if !d.Closed.IsZero() {
			return d.fail(fmt.Errorf("%w: open deal with a closed time", ErrInvalidDeal))
		}
	case Won:
		if !won {
			return d.fail(fmt.Errorf("%w: won deal without an event at the last stage %q", ErrInvalidDeal, f.Stage(f.Last())))
		}
	case Lost:
		if won {
			return d.fail(ErrWonAndLost)
		}
	default:
		return d.fail(fmt.Errorf("%w: outcome %d", ErrInvalidDeal, int8(d.Outcome)))
	}
	if !d.Closed.IsZero() {
		if !last.IsZero() && d.Closed.Before(last) {
			return d.fail(fmt.Errorf("closed %s before the last event %s: %w", d.Closed.Format(time.RFC3339), last.Format(time.RFC3339), ErrEventOrder))
		}
		if !d.Created.IsZero() && d.Closed.Before(d.Created) {
			return d.fail(fmt.Errorf("closed %s before created %s: %w", d.Closed.Format(time.RFC3339), d.Created.Format(time.RFC3339), ErrEventOrder))
		}
	}
	if d.Amount.Valid {
		// An amount in cents (at most 14 digits, two places) that is not
		// negative is in range: skip the general check.
		v.cents, v.inCents = centsOf(d.Amount.Decimal)
		if !v.inCents || v.cents < 0 {
			if err := checkAmount(d.Amount.Decimal); err != nil {
				return d.fail(err)
			}
		}
	}
	v.furthest, v.entered, v.latest = furthest, entered, latest
	v.start = d.Created
	if v.start.IsZero() {
		v.start = first // [Deal.Start]
	}
	// [Deal.CloseTime]: a valid won deal's furthest stage is the last.
	v.closed = d.Closed
	if d.Closed.IsZero() && d.Outcome == Won && len(d.Events) > 0 {
		v.closed = atLast
	}
	v.exact = !mono
	return nil
}

// fail returns err as the deal's *[DealError].
func (d *Deal) fail(err error) error { return &DealError{ID: d.ID, Err: err} }

// nonBlank reports whether id has a character that is not white space,
// strings.TrimSpace(id) != "", deciding at the first byte when it is
// printable ASCII.
func nonBlank(id string) bool {
	if len(id) > 0 && id[0] > ' ' && id[0] < utf8.RuneSelf {
		return true
	}
	return strings.TrimSpace(id) != ""
}

// hasMono reports whether t carries a monotonic clock reading (a time
// from [time.Now]), which t.Round(0) strips. Two such times compare and
// subtract by their readings, so [Tally.Add] takes their differences with
// [time.Time.Sub].
func hasMono(t time.Time) bool { return t != t.Round(0) }

// Stream returns the deals of a slice as the stream that the readers of
// package funnel/crm yield and that analyses taking a stream accept, with
// no error: a slice of deals read earlier, or built by hand, goes where a
// reader's output goes.
func Stream(deals []Deal) iter.Seq2[Deal, error] {
	return func(yield func(Deal, error) bool) {
		for _, d := range deals {
			if !yield(d, nil) {
				return
			}
		}
	}
}
