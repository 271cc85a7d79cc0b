package crm

import (
	"context"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/funnelmath/funnelmath/funnel"
)

// ActivityColumns names the header of each column of an activity log. An
// empty name means the default in brackets; "-" means the export has no
// such column. At least one of DealID and Account must be present. Header
// names match exactly, or else ignoring case and surrounding white space.
// Other columns are not read ([funnel.Activity] has no place for them).
type ActivityColumns struct {
	DealID  string // the deal touched ["deal_id"]
	Account string // the account touched, for account-level touches ["account"]
	Contact string // optional ["contact"]
	Kind    string // optional, such as call, email or meeting ["kind"]
	At      string // when, required ["at"]
	Owner   string // who made the touch, optional ["owner"]
}

// ActivityLog reads an activity log: one row per touch (a call, an email,
// a meeting) on a deal or an account. Each row needs a time and a deal id
// or an account; a row without either is an error wrapping
// [ErrMissingValue]. Kind is kept as written (see [funnel.Activity.IsKind]).
// [Options.Stages] is not used.
type ActivityLog struct {
	// Columns maps the header to roles.
	Columns ActivityColumns
	// Options are the settings shared by all readers.
	Options
}

// ActivityResult is everything [ActivityLog.ReadAll] read: the activities
// in input order and the rows it skipped (lenient mode only).
type ActivityResult struct {
	Activities []funnel.Activity `json:"activities"`
	Skipped    []*RowError       `json:"skipped,omitempty"`
}

// Activities returns the activities read from r, in input order. The
// sequence ends as [Long.Deals] describes.
func (c ActivityLog) Activities(ctx context.Context, r io.Reader) iter.Seq2[funnel.Activity, error] {
	return seq(func(emit func(funnel.Activity) error) error { return c.run(ctx, r, emit) })
}

// ReadAll reads every activity from r, with the skipped rows in lenient
// mode (Lenient needs no OnSkip here; when set it is called as well). On
// an error, the activities read before it are returned with it.
func (c ActivityLog) ReadAll(ctx context.Context, r io.Reader) (ActivityResult, error) {
	var res ActivityResult
	user := c.OnSkip
	c.OnSkip = func(e *RowError) {
		res.Skipped = append(res.Skipped, e)
		if user != nil {
			user(e)
		}
	}
	for a, err := range c.Activities(ctx, r) {
		if err != nil {
			return res, err
		}
		res.Activities = append(res.Activities, a)
	}
	return res, nil
}

func (c ActivityLog) run(ctx context.Context, r io.Reader, emit func(funnel.Activity) error) error {
	t, err := open(ctx, r, c.Options)
	if err != nil {
		return err
	}
	var k struct{ deal, account, contact, kind, at, owner int }
	for _, p := range []struct {
		p         *int
		name, def string
		required  bool
	}{
		{&k.deal, c.Columns.DealID, "deal_id", false},
		{&k.account, c.Columns.Account, "account", false},
		{&k.contact, c.Columns.Contact, "contact", false},
		{&k.kind, c.Columns.Kind, "kind", false},
		{&k.at, c.Columns.At, "at", true},
		{&k.owner, c.Columns.Owner, "owner", false},
	} {
		if *p.p, err = t.col(p.name, p.def, p.required); err != nil {
			return err
		}
	}
	if k.deal < 0 && k.account < 0 {
		return &RowError{Line: t.hline, Column: "deal_id", Err: fmt.Errorf("%w: need a deal id or an account column", ErrMissingColumn)}
	}
	str := func(fields [][]byte, i int) string {
		if i < 0 {
			return ""
		}
		return t.in.get(cell(fields, i))
	}
	for {
		fields, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		a := funnel.Activity{DealID: str(fields, k.deal), Account: str(fields, k.account), Contact: str(fields, k.contact),
			Kind: str(fields, k.kind), Owner: str(fields, k.owner)}
		if a.DealID == "" && a.Account == "" {
			col := k.deal
			if col < 0 {
				col = k.account
			}
			if err := t.skip(t.cellErr(fields, col, "", fmt.Errorf("%w: no deal id or account", ErrMissingValue))); err != nil {
				return err
			}
			continue
		}
		v := cell(fields, k.at)
		if len(v) == 0 {
			if err := t.skip(t.cellErr(fields, k.at, a.DealID, fmt.Errorf("%w: no time", ErrMissingValue))); err != nil {
				return err
			}
			continue
		}
		if a.At, err = t.opt.Dates.parse(v); err != nil {
			if err := t.skip(t.cellErr(fields, k.at, a.DealID, err)); err != nil {
				return err
			}
			continue
		}
		if err := emit(a); err != nil {
			return err
		}
	}
}

// Unmatched is an activity that [Attach] could not attach, with its index
// in the input and the reason, which wraps [ErrUnmatched].
type Unmatched struct {
	Index    int             `json:"index"`
	Activity funnel.Activity `json:"activity"`
	Reason   string          `json:"reason"`
	Err      error           `json:"-"`
}

// Attached is the result of [Attach]: the deals with their activities, in
// the order given, and every activity that matched no deal.
type Attached struct {
	Deals     []funnel.Deal `json:"deals"`
	Unmatched []Unmatched   `json:"unmatched,omitempty"`
}

// Attach returns copies of the deals with the activities attached:
//   - an activity with a DealID goes to the deal with that id, and is
//     unmatched when there is none (its Account is not used then);
//   - an activity with only an Account is an account-level touch: it goes
//     to every deal of that account that was live at its time, that is
//     with Start (see [funnel.Deal.Start]) zero or not after it and Closed
//     zero or not before it; it is unmatched when no deal of the account
//     was live then, or when its time is zero.
//
// Each deal's activities are its own followed by the new ones, sorted by
// time (stable, so equal times keep their order). Every activity is
// attached at least once or listed in Unmatched, with an error wrapping
// [ErrUnmatched]. The inputs are not modified; deals without new
// activities share their Activities with the input.
//
// It returns a *[funnel.DealError] wrapping [funnel.ErrDuplicateDeal] when
// two deals share an id. With no activities it returns copies of the deals.
func Attach(deals []funnel.Deal, acts []funnel.Activity) (Attached, error) {
	byID := make(map[string]int, len(deals))
	byAccount := map[string][]int{}
	for i, d := range deals {
		if j, ok := byID[d.ID]; ok {
			return Attached{}, &funnel.DealError{Op: "crm.Attach", ID: d.ID, Err: fmt.Errorf("%w: at indexes %d and %d", funnel.ErrDuplicateDeal, j, i)}
		}
		byID[d.ID] = i
		if d.Account != "" {
			byAccount[d.Account] = append(byAccount[d.Account], i)
		}
	}
	out := Attached{Deals: slices.Clone(deals)}
	added := make([][]funnel.Activity, len(deals))
	unmatched := func(i int, a funnel.Activity, why string, args ...any) {
		err := fmt.Errorf("crm: %w: "+why, append([]any{ErrUnmatched}, args...)...)
		out.Unmatched = append(out.Unmatched, Unmatched{Index: i, Activity: a, Reason: err.Error(), Err: err})
	}
	for i, a := range acts {
		if a.DealID != "" {
			j, ok := byID[a.DealID]
			if !ok {
				unmatched(i, a, "no deal %q", a.DealID)
				continue
			}
			added[j] = append(added[j], a)
			continue
		}
		if a.Account == "" {
			unmatched(i, a, "no deal id and no account")
			continue
		}
		if a.At.IsZero() {
			unmatched(i, a, "account %q touch without a time", a.Account)
			continue
		}
		found := false
		for _, j := range byAccount[a.Account] {
			d := deals[j]
			if s := d.Start(); !s.IsZero() && s.After(a.At) {
				continue
			}
			if !d.Closed.IsZero() && d.Closed.Before(a.At) {
				continue
			}
			added[j] = append(added[j], a)
			found = true
		}
		if !found {
			unmatched(i, a, "no deal of account %q live at %s", a.Account, a.At.Format("2006-01-02T15:04:05Z07:00"))
		}
	}
	for j, add := range added {
		if len(add) == 0 {
			continue
		}
		all := append(slices.Clip(slices.Clone(deals[j].Activities)), add...)
		slices.SortStableFunc(all, func(x, y funnel.Activity) int { return x.At.Compare(y.At) })
		out.Deals[j].Activities = all
	}
	return out, nil
}
