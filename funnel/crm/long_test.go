package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

const longHeader = "deal_id,owner,stage,entered_at,amount\n"

func TestLongHistories(t *testing.T) {
	tests := []struct {
		name      string
		cfg       crm.Long // Funnel defaults to sales
		in        string
		want      []funnel.Deal
		wantNotes []noteKey
		wantSkips []skip // lenient cases
		wantErr   *skip  // strict cases: the error that ends reading
	}{{
		name: "won lost and open",
		// Each deal worked by hand from its rows: the won deal closes at
		// its Closed Won row, the lost at its Closed Lost row; the open
		// deal skipped Qualified, which implied reach still counts.
		in: longHeader +
			"D1,ann,Lead,2024-01-01T00:00:00Z,\"$1,200.50\"\n" +
			"D1,ann,Qualified,2024-01-02,\"$1,200.50\"\n" +
			"D1,ann,Closed Won,2024-01-05T00:00:00Z,\"$1,200.50\"\n" +
			"D2,bob,Lead,2024-01-01T00:00:00Z,300\n" +
			"D2,bob,Closed Lost,2024-01-03T00:00:00Z,300\n" +
			"D3,bob,Lead,2024-01-01T00:00:00Z,10\n" +
			"D3,bob,Meeting,2024-01-04T00:00:00Z,10\n",
		want: []funnel.Deal{
			{ID: "D1", Owner: "ann", Amount: amount("1200.50"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2)), ev(won, day(5))}, Outcome: funnel.Won, Closed: day(5)},
			{ID: "D2", Owner: "bob", Amount: amount("300"), Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(3)},
			{ID: "D3", Owner: "bob", Amount: amount("10"), Events: []funnel.Event{ev(lead, day(1)), ev(meeting, day(4))}},
		},
	}, {
		name: "rows out of time order are sorted",
		in: longHeader +
			"D4,ann,Closed Won,2024-01-04T00:00:00Z,5\n" +
			"D4,ann,Qualified,2024-01-03T00:00:00Z,5\n" +
			"D4,ann,Lead,2024-01-01T00:00:00Z,5\n",
		want:      []funnel.Deal{{ID: "D4", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(3)), ev(won, day(4))}, Outcome: funnel.Won, Closed: day(4)}},
		wantNotes: []noteKey{{2, "D4", crm.NoteReordered}},
	}, {
		name: "a repeated event is dropped with a note",
		in: longHeader +
			"D5,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"D5,ann,lead,2024-01-01T00:00:00Z,5\n" +
			"D5,ann,Qualified,2024-01-02T00:00:00Z,5\n",
		want:      []funnel.Deal{{ID: "D5", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}}},
		wantNotes: []noteKey{{3, "D5", crm.NoteDuplicate}},
	}, {
		name: "consecutive rows at one stage are one stay",
		// Worked by hand: the rows sorted by time are Lead 1 (line 2),
		// Lead 4 (3: an amount change), Qualified 5 (4), Qualified 5 (5:
		// an exact repeat), Qualified 7 (6), Qualified 8 (7). Each run at
		// one stage is one stay from its first row: Lead from day 1,
		// Qualified from day 5. Line 5 is a duplicate; lines 3 and 6-7 are
		// merged into the stays before them. The last amount, 6, stands.
		in: longHeader +
			"D6,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 2
			"D6,ann,Lead,2024-01-04T00:00:00Z,6\n" + // 3
			"D6,ann,Qualified,2024-01-05T00:00:00Z,6\n" + // 4
			"D6,ann,Qualified,2024-01-05T00:00:00Z,6\n" + // 5
			"D6,ann,Qualified,2024-01-07T00:00:00Z,6\n" + // 6
			"D6,ann,Qualified,2024-01-08T00:00:00Z,6\n", // 7
		want:      []funnel.Deal{{ID: "D6", Owner: "ann", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(5))}}},
		wantNotes: []noteKey{{3, "D6", crm.NoteSameStage}, {5, "D6", crm.NoteDuplicate}, {6, "D6", crm.NoteSameStage}},
	}, {
		name: "a won deal with a later row at the won stage closes at the first",
		// Worked by hand: Closed Won on day 3 (line 3) is the win; the row
		// on day 9 (line 4, an amount edited after the win) is the same
		// stay, so the deal closes on day 3 with the last amount, 8.
		in: longHeader +
			"D13,ann,Lead,2024-01-01T00:00:00Z,7\n" + // 2
			"D13,ann,Closed Won,2024-01-03T00:00:00Z,7\n" + // 3
			"D13,ann,Closed Won,2024-01-09T00:00:00Z,8\n", // 4
		want:      []funnel.Deal{{ID: "D13", Owner: "ann", Amount: amount("8"), Events: []funnel.Event{ev(lead, day(1)), ev(won, day(3))}, Outcome: funnel.Won, Closed: day(3)}},
		wantNotes: []noteKey{{4, "D13", crm.NoteSameStage}},
	}, {
		name: "a move back is kept as an event",
		in: longHeader +
			"D7,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"D7,ann,Qualified,2024-01-02T00:00:00Z,5\n" +
			"D7,ann,Lead,2024-01-03T00:00:00Z,5\n" +
			"D7,ann,Qualified,2024-01-04T00:00:00Z,5\n" +
			"D7,ann,Closed Lost,2024-01-05T00:00:00Z,5\n",
		want: []funnel.Deal{{ID: "D7", Owner: "ann", Amount: amount("5"),
			Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2)), ev(lead, day(3)), ev(qualified, day(4))}, Outcome: funnel.Lost, Closed: day(5)}},
	}, {
		name: "a deal entering mid-funnel is kept",
		in: longHeader +
			"D8,ann,Proposal,2024-01-01T00:00:00Z,5\n" +
			"D8,ann,Closed Won,2024-01-02T00:00:00Z,5\n",
		want: []funnel.Deal{{ID: "D8", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(proposal, day(1)), ev(won, day(2))}, Outcome: funnel.Won, Closed: day(2)}},
	}, {
		name: "a won deal without an amount is kept with a note",
		in: longHeader +
			"D9,ann,Lead,2024-01-01T00:00:00Z,\n" +
			"D9,ann,Closed Won,2024-01-02T00:00:00Z,\n",
		want:      []funnel.Deal{{ID: "D9", Owner: "ann", Events: []funnel.Event{ev(lead, day(1)), ev(won, day(2))}, Outcome: funnel.Won, Closed: day(2)}},
		wantNotes: []noteKey{{2, "D9", crm.NoteNoAmount}},
	}, {
		// A lost deal edited after it closed gets another lost row: one
		// stay in lost, closed at the first (Salesforce writes a history
		// row at each change of amount or close date, lost deals too).
		name: "lost twice closes at the first",
		in: longHeader +
			"D10,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"D10,ann,Closed Lost,2024-01-02T00:00:00Z,5\n" +
			"D10,ann,Closed Lost,2024-01-06T00:00:00Z,5\n",
		want:      []funnel.Deal{{ID: "D10", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1))}, Outcome: funnel.Lost, Closed: day(2)}},
		wantNotes: []noteKey{{4, "D10", crm.NoteSameStage}},
	}, {
		name: "later non-empty values win and other columns go to Attrs",
		in: "deal_id,owner,stage,entered_at,amount,region\n" +
			"D11,ann,Lead,2024-01-01T00:00:00Z,5,EMEA\n" +
			"D11,,Qualified,2024-01-02T00:00:00Z,7,\n" +
			"D11,bob,Meeting,2024-01-03T00:00:00Z,,\n",
		want: []funnel.Deal{{ID: "D11", Owner: "bob", Amount: amount("7"), Attrs: map[string]string{"region": "EMEA"},
			Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2)), ev(meeting, day(3))}}},
	}, {
		name: "aliases, lost names and case",
		cfg:  crm.Long{Options: crm.Options{Stages: crm.Stages{Aliases: map[string]string{"Discovery": "Qualified"}, Lost: []string{"Dead"}}}},
		in: longHeader +
			"D12,ann, LEAD ,2024-01-01T00:00:00Z,5\n" +
			"D12,ann,discovery,2024-01-02T00:00:00Z,5\n" +
			"D12,ann,DEAD,2024-01-03T00:00:00Z,5\n",
		want: []funnel.Deal{{ID: "D12", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}, Outcome: funnel.Lost, Closed: day(3)}},
	}, {
		name: "scattered rows are grouped by id in order of first row",
		cfg:  crm.Long{Scattered: true},
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"B,bob,Lead,2024-01-02T00:00:00Z,6\n" +
			"A,ann,Qualified,2024-01-03T00:00:00Z,5\n",
		want: []funnel.Deal{
			{ID: "A", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(3))}},
			{ID: "B", Owner: "bob", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(2))}},
		},
	}, {
		name: "unknown stage, strict",
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"A,ann,Discovery,2024-01-02T00:00:00Z,5\n",
		wantErr: &skip{Line: 3, Column: "stage", Value: "Discovery", DealID: "A", Err: funnel.ErrUnknownStage},
	}, {
		name: "unknown stage, lenient: the deal is left out whole",
		cfg:  crm.Long{Options: crm.Options{Lenient: true}},
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"A,ann,Discovery,2024-01-02T00:00:00Z,5\n" +
			"B,bob,Lead,2024-01-02T00:00:00Z,6\n",
		want:      []funnel.Deal{{ID: "B", Owner: "bob", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(2))}}},
		wantSkips: []skip{{Line: 3, Column: "stage", Value: "Discovery", DealID: "A", Err: funnel.ErrUnknownStage}},
	}, {
		name: "won and lost",
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"A,ann,Closed Won,2024-01-02T00:00:00Z,5\n" +
			"A,ann,Closed Lost,2024-01-03T00:00:00Z,5\n",
		wantErr: &skip{Line: 4, DealID: "A", Err: funnel.ErrWonAndLost},
	}, {
		name: "a stage after the close",
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"A,ann,Closed Lost,2024-01-02T00:00:00Z,5\n" +
			"A,ann,Qualified,2024-01-03T00:00:00Z,5\n",
		wantErr: &skip{Line: 4, Column: "stage", Value: "Qualified", DealID: "A", Err: funnel.ErrEventOrder},
	}, {
		name: "rows of a deal not contiguous",
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
			"A,ann,Qualified,2024-01-02T00:00:00Z,5\n" +
			"B,bob,Lead,2024-01-02T00:00:00Z,6\n" +
			"A,ann,Meeting,2024-01-03T00:00:00Z,5\n",
		wantErr: &skip{Line: 5, DealID: "A", Err: crm.ErrNotContiguous},
	}, {
		name:    "missing column",
		in:      "deal_id,stage,amount\nA,Lead,5\n",
		wantErr: &skip{Line: 1, Column: "entered_at", Err: crm.ErrMissingColumn},
	}, {
		name:    "bad date",
		in:      longHeader + "A,ann,Lead,2024-02-30,5\n",
		wantErr: &skip{Line: 2, Column: "entered_at", Value: "2024-02-30", DealID: "A", Err: crm.ErrBadDate},
	}, {
		name:    "missing time",
		in:      longHeader + "A,ann,Lead,,5\n",
		wantErr: &skip{Line: 2, Column: "entered_at", DealID: "A", Err: crm.ErrMissingValue},
	}, {
		name:    "bad amount",
		in:      longHeader + "A,ann,Lead,2024-01-01,\"12,34\"\n",
		wantErr: &skip{Line: 2, Column: "amount", Value: "12,34", DealID: "A", Err: crm.ErrBadAmount},
	}, {
		name:    "missing deal id",
		in:      longHeader + ",ann,Lead,2024-01-01,5\n",
		wantErr: &skip{Line: 2, Column: "deal_id", Err: crm.ErrMissingValue},
	}, {
		name:    "wrong number of fields",
		in:      longHeader + "A,ann,Lead,2024-01-01\n",
		wantErr: &skip{Line: 2, DealID: "A", Err: crm.ErrMalformedRow},
	}, {
		name:    "bare quote",
		in:      longHeader + "A,a\"nn,Lead,2024-01-01,5\n",
		wantErr: &skip{Line: 2, Err: crm.ErrMalformedRow},
	}, {
		name: "notes only for deals kept",
		// A's rows sorted by time are Lead (1, line 3; line 4 repeats it),
		// Closed Lost (2, line 5), Qualified (3, line 2): a stage after the
		// close, so A is skipped at line 2, and its reorder and duplicate
		// notes go with it (notes are for deals kept). B has none.
		cfg: crm.Long{Options: crm.Options{Lenient: true}},
		in: longHeader +
			"A,ann,Qualified,2024-01-03T00:00:00Z,5\n" + // 2
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 3
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 4
			"A,ann,Closed Lost,2024-01-02T00:00:00Z,5\n" + // 5
			"B,bob,Lead,2024-01-02T00:00:00Z,6\n", // 6
		want:      []funnel.Deal{{ID: "B", Owner: "bob", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(2))}}},
		wantSkips: []skip{{Line: 2, Column: "stage", Value: "Qualified", DealID: "A", Err: crm.ErrAfterClose}},
	}, {
		name: "a row with a field too many leaves its deal out, lenient",
		// A's Closed Won row (line 3) has six fields: A cannot be read as
		// it is (without that row it would pass for open), so it is left
		// out whole and the error names it. The same for B, whose first
		// row (line 4) has too few fields. C is read.
		cfg: crm.Long{Options: crm.Options{Lenient: true}},
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 2
			"A,ann,Closed Won,2024-01-03T00:00:00Z,5,x\n" + // 3
			"B,bob,Lead\n" + // 4
			"B,bob,Qualified,2024-01-04T00:00:00Z,6\n" + // 5
			"C,cy,Lead,2024-01-05T00:00:00Z,7\n", // 6
		want: []funnel.Deal{{ID: "C", Owner: "cy", Amount: amount("7"), Events: []funnel.Event{ev(lead, day(5))}}},
		wantSkips: []skip{
			{Line: 3, DealID: "A", Err: crm.ErrMalformedRow},
			{Line: 4, DealID: "B", Err: crm.ErrMalformedRow},
		},
	}, {
		name: "a row with a field too many leaves its deal out, scattered",
		// As above with the rows of A around B's: A is left out whole.
		cfg: crm.Long{Scattered: true, Options: crm.Options{Lenient: true}},
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 2
			"B,bob,Lead,2024-01-04T00:00:00Z,6\n" + // 3
			"A,ann,Closed Won,2024-01-03T00:00:00Z,5,x\n", // 4
		want:      []funnel.Deal{{ID: "B", Owner: "bob", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(4))}}},
		wantSkips: []skip{{Line: 4, DealID: "A", Err: crm.ErrMalformedRow}},
	}, {
		name: "lenient goes on past every kind of bad row",
		cfg:  crm.Long{Options: crm.Options{Lenient: true}},
		in: longHeader +
			"A,ann,Lead,2024-01-01T00:00:00Z,5\n" + // 2
			"A,ann,Closed Won,2024-01-02T00:00:00Z,5\n" + // 3
			"A,ann,Closed Lost,2024-01-03T00:00:00Z,5\n" + // 4: A won and lost
			"B,bob,Lead,2024-01-02T00:00:00Z,6\n" + // 5
			"C,bob,Lead\n" + // 6: too few fields
			"C,bob,Lead,soon,6\n" + // 7: bad date, C left out
			"B,bob,Qualified,2024-01-05T00:00:00Z,6\n" + // 8: B came back
			"D,cy,Lead,2024-01-01T00:00:00Z,$7\n", // 9
		want: []funnel.Deal{
			{ID: "B", Owner: "bob", Amount: amount("6"), Events: []funnel.Event{ev(lead, day(2))}},
			{ID: "D", Owner: "cy", Amount: amount("7"), Events: []funnel.Event{ev(lead, day(1))}},
		},
		wantSkips: []skip{
			{Line: 4, DealID: "A", Err: funnel.ErrWonAndLost},
			{Line: 6, DealID: "C", Err: crm.ErrMalformedRow},
			{Line: 7, Column: "entered_at", Value: "soon", DealID: "C", Err: crm.ErrBadDate},
			{Line: 8, DealID: "B", Err: crm.ErrNotContiguous},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Funnel = sales
			res, err := cfg.ReadAll(context.Background(), strings.NewReader(tt.in))
			if !checkRead(t, res, err, tt.want, tt.wantNotes, tt.wantSkips, tt.wantErr) {
				return
			}
			for _, d := range res.Deals {
				if err := d.Validate(sales); err != nil {
					t.Errorf("deal %s does not validate: %v", d.ID, err)
				}
			}
		})
	}
}

// TestLongNotContiguousNamesBothLines checks the error text of a deal that
// comes back: lines 2-3 then line 5.
func TestLongNotContiguousNamesBothLines(t *testing.T) {
	in := longHeader +
		"A,ann,Lead,2024-01-01T00:00:00Z,5\n" +
		"A,ann,Qualified,2024-01-02T00:00:00Z,5\n" +
		"B,bob,Lead,2024-01-02T00:00:00Z,6\n" +
		"A,ann,Meeting,2024-01-03T00:00:00Z,5\n"
	_, err := crm.Long{Funnel: sales}.ReadAll(context.Background(), strings.NewReader(in))
	const want = `crm: line 5: deal "A": deal rows not contiguous: the deal was already read at lines 2-3; set Scattered if the rows of a deal are not together`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestLongNotContiguousSkippedDeal checks that a deal left out in lenient
// mode (its row at line 2 has an unknown stage) and then come back at
// line 4 is not said to have been emitted.
func TestLongNotContiguousSkippedDeal(t *testing.T) {
	in := longHeader +
		"A,ann,Nope,2024-01-01T00:00:00Z,5\n" +
		"B,bob,Lead,2024-01-02T00:00:00Z,6\n" +
		"A,ann,Lead,2024-01-03T00:00:00Z,5\n"
	res, err := crm.Long{Funnel: sales, Options: crm.Options{Lenient: true}}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 2 {
		t.Fatalf("skipped %v, want the unknown stage and the return", res.Skipped)
	}
	const want = `crm: line 4: deal "A": deal rows not contiguous: the deal was already read at line 2; set Scattered if the rows of a deal are not together`
	if got := res.Skipped[1].Error(); got != want {
		t.Errorf("error = %s, want %s", got, want)
	}
}

// TestHeaderLineInErrors checks that a header error names the header's
// line, which is not line 1 when blank lines come first (line 3 here).
func TestHeaderLineInErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		read   func(string) error
		in     string
		column string
	}{
		{"long", func(in string) error {
			_, err := crm.Long{Funnel: sales}.ReadAll(ctx, strings.NewReader(in))
			return err
		}, "\n\ndeal_id,stage,amount\nA,Lead,5\n", "entered_at"},
		{"wide", func(in string) error {
			_, err := crm.Wide{Funnel: sales}.ReadAll(ctx, strings.NewReader(in))
			return err
		}, "\r\n\r\ndeal_id,Lead,Qualified,Meeting,Proposal,Closed Won\n", "Negotiation"},
		{"activity", func(in string) error {
			_, err := crm.ActivityLog{}.ReadAll(ctx, strings.NewReader(in))
			return err
		}, "\n\nkind,at\ncall,2024-01-01\n", "deal_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *crm.RowError
			if err := tt.read(tt.in); !errors.As(err, &re) || !errors.Is(err, crm.ErrMissingColumn) {
				t.Fatalf("error = %v, want a *RowError wrapping ErrMissingColumn", err)
			}
			if re.Line != 3 || re.Column != tt.column {
				t.Errorf("error at line %d column %q, want line 3 column %q", re.Line, re.Column, tt.column)
			}
		})
	}
}

// TestLongSalesforce reads a Salesforce OpportunityHistory-like report
// through a mapping: a US date layout in a fixed zone, quoted amounts with
// separators, Salesforce's stage names mapped by aliases.
func TestLongSalesforce(t *testing.T) {
	f := funnel.MustNew("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won")
	est := time.FixedZone("EST", -5*3600)
	in := "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Edit Date,Owner Role\n" +
		"006A1,\"Acme, Inc. renewal\",Prospecting,\"$12,500.00\",03/31/2024,01/02/2024 09:30,AE\n" +
		"006A1,\"Acme, Inc. renewal\",Value Proposition,\"$12,500.00\",03/31/2024,01/09/2024 14:00,AE\n" +
		"006A1,\"Acme, Inc. renewal\",Closed Won,\"$13,000.00\",02/15/2024,02/15/2024 16:45,AE\n"
	rd := crm.Long{
		Funnel: f,
		Columns: crm.LongColumns{ID: "Opportunity ID", Stage: "Stage", At: "Edit Date", Amount: "Amount",
			ExpectedClose: "Close Date", Owner: "-", Segment: "-", Source: "-", Account: "-"},
		Options: crm.Options{
			Stages: crm.Stages{Aliases: map[string]string{"Value Proposition": "Needs Analysis"}},
			Dates:  crm.Dates{Layouts: []string{"01/02/2006 15:04", "01/02/2006"}, Location: est},
		},
	}
	// "Close Date" is a date alone in the second layout, read at midnight
	// in est; "Edit Date" uses the first layout; the last non-empty amount
	// and close date win.
	want := []funnel.Deal{{
		ID: "006A1", Attrs: map[string]string{"Opportunity Name": "Acme, Inc. renewal", "Owner Role": "AE"},
		Amount: amount("13000"), ExpectedClose: time.Date(2024, 2, 15, 0, 0, 0, 0, est),
		Events: []funnel.Event{
			ev(0, time.Date(2024, 1, 2, 9, 30, 0, 0, est)),
			ev(2, time.Date(2024, 1, 9, 14, 0, 0, 0, est)),
			ev(5, time.Date(2024, 2, 15, 16, 45, 0, 0, est)),
		},
		Outcome: funnel.Won, Closed: time.Date(2024, 2, 15, 16, 45, 0, 0, est),
	}}
	res, err := rd.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
}

func TestLongConfigErrors(t *testing.T) {
	in := longHeader + "A,ann,Lead,2024-01-01,5\n"
	tests := []struct {
		name string
		cfg  crm.Long
		want error
	}{
		{"no funnel", crm.Long{}, funnel.ErrEmptyFunnel},
		{"alias to no stage", crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Aliases: map[string]string{"X": "Nope"}}}}, funnel.ErrUnknownStage},
		{"alias takes a stage elsewhere", crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Aliases: map[string]string{"Lead": "Meeting"}}}}, crm.ErrBadConfig},
		{"lost name is a stage", crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Lost: []string{"Lead"}}}}, crm.ErrBadConfig},
		{"lenient without OnSkip", crm.Long{Funnel: sales, Options: crm.Options{Lenient: true}}, crm.ErrBadConfig},
		{"quote as separator", crm.Long{Funnel: sales, Options: crm.Options{Comma: '"'}}, crm.ErrBadConfig},
		// A separator must be one byte: 0x80 is the first rune UTF-8 writes in two.
		{"separator past ASCII", crm.Long{Funnel: sales, Options: crm.Options{Comma: 0x80}}, crm.ErrBadConfig},
		{"negative separator", crm.Long{Funnel: sales, Options: crm.Options{Comma: -1}}, crm.ErrBadConfig},
		{"line end as separator", crm.Long{Funnel: sales, Options: crm.Options{Comma: '\n'}}, crm.ErrBadConfig},
		{"carriage return as separator", crm.Long{Funnel: sales, Options: crm.Options{Comma: '\r'}}, crm.ErrBadConfig},
		{"explicit column absent", crm.Long{Funnel: sales, Columns: crm.LongColumns{Segment: "Segment Name"}}, crm.ErrMissingColumn},
		{"required column unmapped", crm.Long{Funnel: sales, Columns: crm.LongColumns{At: "-"}}, crm.ErrBadConfig},
		// A blank alias would read every empty stage cell as that stage.
		{"blank alias", crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Aliases: map[string]string{" ": "Lead"}}}}, crm.ErrBadConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			var got error
			for _, err := range tt.cfg.Deals(context.Background(), strings.NewReader(in)) {
				n++
				got = err
			}
			if n != 1 || !errors.Is(got, tt.want) {
				t.Errorf("got %d items, last error %v; want one error wrapping %v", n, got, tt.want)
			}
		})
	}
}

func TestLongDuplicateHeader(t *testing.T) {
	_, err := crm.Long{Funnel: sales}.ReadAll(context.Background(), strings.NewReader("deal_id,stage,entered_at,stage\n"))
	if !errors.Is(err, crm.ErrDuplicateColumn) {
		t.Errorf("error = %v, want ErrDuplicateColumn", err)
	}
}

// TestLongSemicolonBOMCRLF reads an Excel-style export: a byte order
// mark, semicolons and CRLF line ends.
func TestLongSemicolonBOMCRLF(t *testing.T) {
	in := "\ufeffdeal_id;stage;entered_at;amount\r\nA;Lead;2024-01-01;€1,000.5\r\n\r\nA;Closed Won;2024-01-03;€1,000.5\r\n"
	res, err := crm.Long{Funnel: sales, Options: crm.Options{Comma: ';'}}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []funnel.Deal{{ID: "A", Amount: amount("1000.5"), Events: []funnel.Event{ev(lead, day(1)), ev(won, day(3))}, Outcome: funnel.Won, Closed: day(3)}}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
}

func TestLongStopsEarlyAndOnCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString(longHeader)
	for i := range 10000 {
		b.WriteString("D")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(",ann,Lead,2024-01-01T00:00:00Z,5\n")
	}
	in := b.String()
	// Breaking out of the loop ends the sequence without an error.
	n := 0
	for _, err := range (crm.Long{Funnel: sales, Scattered: true}).Deals(context.Background(), strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("read %d deals, want 3", n)
	}
	// A cancelled context ends it with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := crm.Long{Funnel: sales}.ReadAll(ctx, strings.NewReader(in))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestLongConfigNotModified checks that reading leaves the configuration's
// maps and slices as they were.
func TestLongConfigNotModified(t *testing.T) {
	aliases := map[string]string{"Discovery": "Qualified"}
	lost := []string{"Dead"}
	cfg := crm.Long{Funnel: sales, Options: crm.Options{Stages: crm.Stages{Aliases: aliases, Lost: lost}}}
	in := longHeader + "A,ann,Discovery,2024-01-01,5\nA,ann,Dead,2024-01-02,5\n"
	if _, err := cfg.ReadAll(context.Background(), strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(aliases, map[string]string{"Discovery": "Qualified"}) || len(lost) != 1 || lost[0] != "Dead" {
		t.Errorf("configuration changed: %v %v", aliases, lost)
	}
}

// TestLongLostWithoutStages checks the defined outcome of a deal with only
// a lost row: a lost deal with no stage events, which funnel.Deal.Validate
// accepts (created straight as lost, it counts in the win rate).
func TestLongLostWithoutStages(t *testing.T) {
	in := longHeader + "A,ann,Closed Lost,2024-01-02T00:00:00Z,5\n"
	res, err := crm.Long{Funnel: sales}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []funnel.Deal{{ID: "A", Owner: "ann", Amount: amount("5"), Outcome: funnel.Lost, Closed: day(2)}}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
}

// TestResultJSON checks that a Result with a skipped row and a note
// encodes with the reason as text.
func TestResultJSON(t *testing.T) {
	in := longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Lead,2024-01-01,5\nB,bob,Nope,2024-01-01,5\n"
	res, err := crm.Long{Funnel: sales, Options: crm.Options{Lenient: true}}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct {
		Skipped []*crm.RowError `json:"skipped"`
		Notes   []crm.Note      `json:"notes"`
	}{res.Skipped, res.Notes})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"skipped":[{"line":4,"column":"stage","value":"Nope","deal_id":"B","error":"unknown stage: \"Nope\" is not a funnel stage, an alias or a lost name"}],` +
		`"notes":[{"line":3,"deal_id":"A","kind":"duplicate","detail":"Lead at 2024-01-01T00:00:00Z repeats line 2"}]}`
	if string(b) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", b, want)
	}
}

// TestLenientCancelOnBadRows checks that a cancellation is seen within a
// run of rows that all fail to split (a bare quote), not only among good
// rows: OnSkip cancels at the first bad row, and reading stops within
// 4096 records.
func TestLenientCancelOnBadRows(t *testing.T) {
	var in strings.Builder
	in.WriteString(longHeader)
	for range 10000 {
		in.WriteString("A,ann,Le\"ad,2024-01-01T00:00:00Z,5\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	skipped := 0
	rd := crm.Long{Funnel: sales, Options: crm.Options{Lenient: true, OnSkip: func(*crm.RowError) {
		skipped++
		cancel()
	}}}
	var err error
	for _, e := range rd.Deals(ctx, strings.NewReader(in.String())) {
		err = e
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if skipped == 0 || skipped > 4096 {
		t.Errorf("skipped %d rows before stopping, want 1 to 4096", skipped)
	}
}

// TestAssigned reads the assignment time of an inherited deal from the
// assigned_at column of each reader into funnel.Deal.Assigned, zero when
// the cell is blank.
func TestAssigned(t *testing.T) {
	f := funnel.MustNew("Lead", "Won")
	at := time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		deals func(io.Reader) iter.Seq2[funnel.Deal, error]
		in    string
	}{{
		name: "long",
		deals: func(r io.Reader) iter.Seq2[funnel.Deal, error] {
			return crm.Long{Funnel: f}.Deals(context.Background(), r)
		},
		in: "deal_id,stage,entered_at,assigned_at\n" +
			"A,Lead,2025-09-01,2025-10-01T09:00:00Z\nA,Won,2025-11-01,2025-10-01T09:00:00Z\nB,Lead,2025-09-02,\n",
	}, {
		name: "long scattered",
		deals: func(r io.Reader) iter.Seq2[funnel.Deal, error] {
			return crm.Long{Funnel: f, Scattered: true}.Deals(context.Background(), r)
		},
		in: "deal_id,stage,entered_at,assigned_at\n" +
			"A,Lead,2025-09-01,2025-10-01T09:00:00Z\nB,Lead,2025-09-02,\nA,Won,2025-11-01,\n",
	}, {
		name: "wide",
		deals: func(r io.Reader) iter.Seq2[funnel.Deal, error] {
			return crm.Wide{Funnel: f}.Deals(context.Background(), r)
		},
		in: "deal_id,Lead,Won,assigned_at\nA,2025-09-01,2025-11-01,2025-10-01T09:00:00Z\nB,2025-09-02,,\n",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := map[string]time.Time{}
			for d, err := range c.deals(strings.NewReader(c.in)) {
				if err != nil {
					t.Fatal(err)
				}
				got[d.ID] = d.Assigned
			}
			want := map[string]time.Time{"A": at, "B": {}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Assigned (-want +got):\n%s", diff)
			}
		})
	}
}
