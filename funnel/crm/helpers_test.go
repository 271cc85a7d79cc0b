package crm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// sales is the funnel of the bench generator's data.
var sales = funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")

// Stage indexes in sales.
const (
	lead = iota
	qualified
	meeting
	proposal
	negotiation
	won
)

// day returns midnight UTC of a day in January 2024 (day 32 is 1 February).
func day(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

func ev(stage int, at time.Time) funnel.Event { return funnel.Event{Stage: stage, At: at} }

func amount(s string) decimal.NullDecimal {
	return decimal.NewNullDecimal(decimal.RequireFromString(s))
}

// dealOpts compares deals: nil and empty slices and maps alike.
var dealOpts = cmp.Options{cmpopts.EquateEmpty()}

// skip is what a test expects of a *crm.RowError.
type skip struct {
	Line   int
	Column string
	Value  string
	DealID string
	Err    error // a sentinel that errors.Is must find
}

// checkSkips compares row errors with what is wanted: the fields exactly,
// the reason by errors.Is.
// checkRead checks a ReadAll result against a table case: with wantErr
// set, that reading ended with that *RowError (and it returns false: there
// is nothing more to check); otherwise the deals, the notes and the skipped
// rows. It returns whether reading succeeded.
func checkRead(t *testing.T, res crm.Result, err error, want []funnel.Deal, wantNotes []noteKey, wantSkips []skip, wantErr *skip) bool {
	t.Helper()
	if wantErr != nil {
		var re *crm.RowError
		if !errors.As(err, &re) {
			t.Fatalf("ReadAll error = %v, want a *RowError", err)
		}
		checkSkips(t, []skip{*wantErr}, []*crm.RowError{re})
		return false
	}
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantNotes, noteKeys(res.Notes), dealOpts); diff != "" {
		t.Errorf("notes mismatch (-want +got):\n%s", diff)
	}
	checkSkips(t, wantSkips, res.Skipped)
	return true
}

func checkSkips(t *testing.T, want []skip, got []*crm.RowError) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("skipped %d rows, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		gs := skip{Line: g.Line, Column: g.Column, Value: g.Value, DealID: g.DealID, Err: w.Err}
		if diff := cmp.Diff(w, gs, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("skipped[%d] mismatch (-want +got):\n%s", i, diff)
		}
		if !errors.Is(g, w.Err) {
			t.Errorf("skipped[%d] = %v, want it to wrap %v", i, g, w.Err)
		}
	}
}

// noteKinds returns the (line, deal, kind) of each note.
type noteKey struct {
	Line   int
	DealID string
	Kind   crm.NoteKind
}

func noteKeys(ns []crm.Note) []noteKey {
	var k []noteKey
	for _, n := range ns {
		k = append(k, noteKey{n.Line, n.DealID, n.Kind})
	}
	return k
}

// cloneDeals returns a deep copy of deals, to check later that a function
// left its input alone.
func cloneDeals(ds []funnel.Deal) []funnel.Deal {
	out := make([]funnel.Deal, len(ds))
	for i, d := range ds {
		d.Events = append([]funnel.Event(nil), d.Events...)
		d.Activities = append([]funnel.Activity(nil), d.Activities...)
		if d.Attrs != nil {
			m := make(map[string]string, len(d.Attrs))
			for k, v := range d.Attrs {
				m[k] = v
			}
			d.Attrs = m
		}
		out[i] = d
	}
	return out
}
