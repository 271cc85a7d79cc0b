package crm_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// readErr reads in with a reader in strict mode and returns the error
// that ended reading.
type readErr func(in string) error

// reader is what Long, Wide and Snapshot have in common.
type reader interface {
	ReadAll(context.Context, io.Reader) (crm.Result, error)
}

func errOf(rd reader) readErr {
	return func(in string) error {
		_, err := rd.ReadAll(context.Background(), strings.NewReader(in))
		return err
	}
}

func activityErr(in string) error {
	_, err := crm.ActivityLog{}.ReadAll(context.Background(), strings.NewReader(in))
	return err
}

// TestErrorText walks the failures of every reader in strict mode, the
// nested ones included (a deal that fails funnel.Deal.Validate, a funnel
// error inside a configuration error), and checks the exact text (one
// package prefix, the deal named once), the sentinels errors.Is finds, and
// the *crm.RowError errors.As finds. Each text is read off the rules of
// RowError.Error: "crm: line N: deal "ID": column "C" = "V": reason".
func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		read readErr
		in   string
		want string
		is   []error
		row  *skip // the *RowError's fields; nil when there is none
	}{{
		name: "long: unknown stage",
		read: errOf(crm.Long{Funnel: sales}),
		in:   longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Discovery,2024-01-02,5\n",
		want: `crm: line 3: deal "A": column "stage" = "Discovery": unknown stage: "Discovery" is not a funnel stage, an alias or a lost name`,
		is:   []error{funnel.ErrUnknownStage},
		row:  &skip{Line: 3, Column: "stage", Value: "Discovery", DealID: "A"},
	}, {
		name: "long: won and lost",
		read: errOf(crm.Long{Funnel: sales}),
		in:   longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Closed Won,2024-01-02,5\nA,ann,Closed Lost,2024-01-03,5\n",
		want: `crm: line 4: deal "A": deal both won and lost: won at line 3, lost at line 4`,
		is:   []error{funnel.ErrWonAndLost},
		row:  &skip{Line: 4, DealID: "A"},
	}, {
		name: "long: a stage after the close",
		read: errOf(crm.Long{Funnel: sales}),
		in:   longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Closed Lost,2024-01-02,5\nA,ann,Qualified,2024-01-03,5\n",
		want: `crm: line 4: deal "A": column "stage" = "Qualified": stage entered after the deal closed: events out of time order: ` +
			`entered Qualified at 2024-01-03T00:00:00Z, closed at 2024-01-02T00:00:00Z (line 3)`,
		is:  []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		row: &skip{Line: 4, Column: "stage", Value: "Qualified", DealID: "A"},
	}, {
		name: "long: rows not contiguous suggest Scattered",
		read: errOf(crm.Long{Funnel: sales}),
		in:   longHeader + "A,ann,Lead,2024-01-01,5\nB,bob,Lead,2024-01-01,5\nA,ann,Qualified,2024-01-02,5\n",
		want: `crm: line 4: deal "A": deal rows not contiguous: the deal was already read at line 2; set Scattered if the rows of a deal are not together`,
		is:   []error{crm.ErrNotContiguous},
		row:  &skip{Line: 4, DealID: "A"},
	}, {
		// The header has "Deal ID" and "deal", at edit distances 1 and 3
		// from "deal_id" once case is ignored; "stage" and "entered_at"
		// are further off (6 and 8), past the cut-off of half the name's
		// length (3).
		name: "long: a missing column names the nearest headers",
		read: errOf(crm.Long{Funnel: sales}),
		in:   "Deal ID,deal,stage,entered_at\n",
		want: `crm: line 1: column "deal_id": missing column: not in the header; nearest: "Deal ID", "deal"`,
		is:   []error{crm.ErrMissingColumn},
		row:  &skip{Line: 1, Column: "deal_id"},
	}, {
		name: "long: a duplicate column is named once",
		read: errOf(crm.Long{Funnel: sales}),
		in:   "deal_id,stage,entered_at,stage\n",
		want: `crm: line 1: column "stage": duplicate column: columns 2 and 4`,
		is:   []error{crm.ErrDuplicateColumn},
		row:  &skip{Line: 1, Column: "stage"},
	}, {
		// 10^-19 has 19 decimal places, one more than funnel's bound on an
		// amount (MaxAmountPlaces = 18): the cell is at fault, not the deal.
		name: "long: an amount out of range names its cell",
		read: errOf(crm.Long{Funnel: sales}),
		in:   longHeader + "A,ann,Lead,2024-01-01,0.0000000000000000001\n",
		want: `crm: line 2: deal "A": column "amount" = "0.0000000000000000001": bad amount: value out of range: 19 decimal places, more than 18`,
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		row:  &skip{Line: 2, Column: "amount", Value: "0.0000000000000000001", DealID: "A"},
	}, {
		name: "long: an alias to no stage",
		read: errOf(crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Aliases: map[string]string{"Discovery": "Nope"}}}}),
		in:   longHeader,
		want: `crm: bad reader configuration: alias "Discovery" to "Nope": unknown stage`,
		is:   []error{crm.ErrBadConfig, funnel.ErrUnknownStage},
	}, {
		// Deal.Validate fails: the first event (Lead, Jan 1) is before the
		// deal was created (Jan 5). Its reason is passed on once, under
		// "invalid deal", without funnel's own prefix and deal name.
		name: "wide: a deal that fails Validate",
		read: errOf(crm.Wide{Funnel: sales}),
		in:   "deal_id,created_at,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,2024-01-05,2024-01-01,,,,,\n",
		want: `crm: line 2: deal "X": invalid deal: first event at 2024-01-01T00:00:00Z before created 2024-01-05T00:00:00Z: events out of time order`,
		is:   []error{funnel.ErrInvalidDeal, funnel.ErrEventOrder},
		row:  &skip{Line: 2, DealID: "X"},
	}, {
		name: "wide: the same id twice",
		read: errOf(crm.Wide{Funnel: sales}),
		in:   wideHeader + "X,ann,5,2024-01-01,,,,,,,,\nX,bob,6,2024-01-02,,,,,,,,\n",
		want: `crm: line 3: deal "X": duplicate deal id: first at line 2`,
		is:   []error{funnel.ErrDuplicateDeal},
		row:  &skip{Line: 3, DealID: "X"},
	}, {
		name: "wide: a stage date key that is not a stage",
		read: errOf(crm.Wide{Funnel: sales, Columns: crm.WideColumns{StageDates: map[string]string{"Nope": "x"}}}),
		in:   wideHeader,
		want: `crm: bad reader configuration: stage date column for "Nope": unknown stage`,
		is:   []error{crm.ErrBadConfig, funnel.ErrUnknownStage},
	}, {
		name: "snapshot: won at a lost name",
		read: errOf(crm.Snapshot{Funnel: sales}),
		in:   "deal_id,stage,status\nE,Closed Lost,won\n",
		want: `crm: line 2: deal "E": column "status" = "won": deal both won and lost: won at stage "Closed Lost"`,
		is:   []error{funnel.ErrWonAndLost},
		row:  &skip{Line: 2, Column: "status", Value: "won", DealID: "E"},
	}, {
		// Events by the Snapshot rules: Prospecting (no date), Engaging at
		// 2017-10-20, Won at the close, 2017-03-01: event 2 goes back.
		name: "snapshot: a deal that fails Validate",
		read: errOf(crm.Snapshot{Funnel: maven, Columns: mavenCols}),
		in:   mavenHeader + "X,a,p,c,Won,2017-10-20,2017-03-01,5\n",
		want: `crm: line 2: deal "X": invalid deal: event 2 at Won (2017-03-01T00:00:00Z) before 2017-10-20T00:00:00Z: events out of time order`,
		is:   []error{funnel.ErrInvalidDeal, funnel.ErrEventOrder},
		row:  &skip{Line: 2, DealID: "X"},
	}, {
		name: "salesforce: a time in no known layout",
		read: errOf(crm.SalesforceHistory(sfFunnel)),
		in:   "OpportunityId,StageName,CreatedDate\n006A,Prospecting,03/01/2024 9:00 AM\n",
		want: `crm: line 2: deal "006A": column "CreatedDate" = "03/01/2024 9:00 AM": bad date: want RFC 3339, 2006-01-02 or ["2006-01-02T15:04:05.000-0700"]`,
		is:   []error{crm.ErrBadDate},
		row:  &skip{Line: 2, Column: "CreatedDate", Value: "03/01/2024 9:00 AM", DealID: "006A"},
	}, {
		name: "salesforce: a deleted flag that is not yes or no",
		read: errOf(crm.SalesforceHistory(sfFunnel)),
		in:   "OpportunityId,StageName,CreatedDate,IsDeleted\n006A,Prospecting,2024-03-01T09:00:00.000+0000,maybe\n",
		want: `crm: line 2: deal "006A": column "IsDeleted" = "maybe": bad flag: want true/false, yes/no, y/n, t/f or 1/0`,
		is:   []error{crm.ErrBadFlag},
		row:  &skip{Line: 2, Column: "IsDeleted", Value: "maybe", DealID: "006A"},
	}, {
		name: "hubspot: a current stage the lost flag contradicts",
		read: errOf(crm.Wide{Funnel: sales, Columns: crm.WideColumns{Stage: "Deal Stage"}}),
		in:   "deal_id,Deal Stage,is_lost,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,Closed Lost,no,2024-01-01,,,,,\n",
		want: `crm: line 2: deal "X": column "is_lost" = "no": bad status: Deal Stage is "Closed Lost"`,
		is:   []error{crm.ErrBadStatus},
		row:  &skip{Line: 2, Column: "is_lost", Value: "no", DealID: "X"},
	}, {
		name: "activity: a bad time",
		read: activityErr,
		in:   "deal_id,kind,at\nD1,call,yesterday\n",
		want: `crm: line 2: deal "D1": column "at" = "yesterday": bad date: want RFC 3339 or 2006-01-02`,
		is:   []error{crm.ErrBadDate},
		row:  &skip{Line: 2, Column: "at", Value: "yesterday", DealID: "D1"},
	}, {
		name: "activity: neither a deal nor an account column",
		read: activityErr,
		in:   "kind,at\ncall,2024-01-01\n",
		want: `crm: line 1: column "deal_id": missing column: need a deal id or an account column`,
		is:   []error{crm.ErrMissingColumn},
		row:  &skip{Line: 1, Column: "deal_id"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Error() mismatch (-want +got):\n%s", diff)
			}
			for _, s := range tt.is {
				if !errors.Is(err, s) {
					t.Errorf("errors.Is(%v, %v) = false", err, s)
				}
			}
			var re *crm.RowError
			if got := errors.As(err, &re); got != (tt.row != nil) {
				t.Fatalf("errors.As(*crm.RowError) = %v, want %v", got, tt.row != nil)
			}
			if tt.row == nil {
				return
			}
			got := skip{Line: re.Line, Column: re.Column, Value: re.Value, DealID: re.DealID}
			if diff := cmp.Diff(*tt.row, got); diff != "" {
				t.Errorf("RowError mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAttachDuplicateError checks Attach's error for two deals with one
// id: funnel's *DealError with the operation named, wrapping
// funnel.ErrDuplicateDeal.
func TestAttachDuplicateError(t *testing.T) {
	_, err := crm.Attach([]funnel.Deal{{ID: "A"}, {ID: "B"}, {ID: "A"}}, nil)
	const want = `crm.Attach: deal "A": duplicate deal id: at indexes 0 and 2`
	if err == nil || err.Error() != want {
		t.Errorf("Attach error = %v, want %s", err, want)
	}
	var de *funnel.DealError
	if !errors.As(err, &de) || de.ID != "A" || !errors.Is(err, funnel.ErrDuplicateDeal) {
		t.Errorf("Attach error = %#v, want a *funnel.DealError for A wrapping ErrDuplicateDeal", err)
	}
}

// TestLenientSkipsCarryTheSameErrors checks that in lenient mode OnSkip
// gets the error that strict mode ends with, text and all.
func TestLenientSkipsCarryTheSameErrors(t *testing.T) {
	in := "deal_id,created_at,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,2024-01-05,2024-01-01,,,,,\n"
	var got []string
	rd := crm.Wide{Funnel: sales, Options: crm.Options{Lenient: true, OnSkip: func(e *crm.RowError) { got = append(got, e.Error()) }}}
	for _, err := range rd.Deals(context.Background(), strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`crm: line 2: deal "X": invalid deal: first event at 2024-01-01T00:00:00Z before created 2024-01-05T00:00:00Z: events out of time order`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}
}
