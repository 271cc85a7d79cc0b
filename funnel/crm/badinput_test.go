package crm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// readIDs reads in with some reader under the options o and returns the
// ids of what it read (deal ids, or for activities the deal id or else
// the account), the rows it skipped and the error that ended reading.
type readIDs func(o crm.Options, in string) ([]string, []*crm.RowError, error)

func dealIDs(res crm.Result, err error) ([]string, []*crm.RowError, error) {
	var ids []string
	for _, d := range res.Deals {
		ids = append(ids, d.ID)
	}
	return ids, res.Skipped, err
}

func longIDs(scattered bool, cols crm.LongColumns) readIDs {
	return func(o crm.Options, in string) ([]string, []*crm.RowError, error) {
		return dealIDs(crm.Long{Funnel: sales, Columns: cols, Scattered: scattered, Options: o}.ReadAll(context.Background(), strings.NewReader(in)))
	}
}

func wideIDs(cols crm.WideColumns) readIDs {
	return func(o crm.Options, in string) ([]string, []*crm.RowError, error) {
		return dealIDs(crm.Wide{Funnel: sales, Columns: cols, Options: o}.ReadAll(context.Background(), strings.NewReader(in)))
	}
}

func snapshotIDs(f funnel.Funnel, cols crm.SnapshotColumns) readIDs {
	return func(o crm.Options, in string) ([]string, []*crm.RowError, error) {
		return dealIDs(crm.Snapshot{Funnel: f, Columns: cols, Options: o}.ReadAll(context.Background(), strings.NewReader(in)))
	}
}

func salesforceIDs(o crm.Options, in string) ([]string, []*crm.RowError, error) {
	rd := crm.SalesforceHistory(sfFunnel)
	rd.Lenient = o.Lenient
	return dealIDs(rd.ReadAll(context.Background(), strings.NewReader(in)))
}

func hubspotIDs(o crm.Options, in string) ([]string, []*crm.RowError, error) {
	rd := crm.HubSpotDeals(sales)
	rd.Lenient = o.Lenient
	return dealIDs(rd.ReadAll(context.Background(), strings.NewReader(in)))
}

func activityIDs(o crm.Options, in string) ([]string, []*crm.RowError, error) {
	res, err := crm.ActivityLog{Options: o}.ReadAll(context.Background(), strings.NewReader(in))
	var ids []string
	for _, a := range res.Activities {
		ids = append(ids, a.DealID+a.Account)
	}
	return ids, res.Skipped, err
}

// Amounts just past funnel's bounds (MaxAmountDigits = 36 digits before
// the point, MaxAmountPlaces = 18 places), as a hostile export has them.
var (
	digits41   = strings.Repeat("9", 41)           // 41 digits before the point
	places19   = "0.0000000000000000001"           // 19 places (10^-19)
	grouped37  = "$1" + strings.Repeat(",000", 12) // 10^36: 37 digits, with separators
	zeros19    = "0." + strings.Repeat("0", 19)    // zero written with 19 places
	bigText41  = "crm: line %d: deal \"A\": column \"amount\" = \"" + digits41 + "\": bad amount: value out of range: 41 digits before the point, more than 36"
	smallText  = "crm: line %d: deal \"A\": column \"amount\" = \"" + places19 + "\": bad amount: value out of range: 19 decimal places, more than 18"
	zeroReason = "bad date: zero date: 0001-01-01T00:00:00Z stands for no date"
)

// threeRows is a long history: deal A at Lead, Qualified and Meeting on
// January 1-3 (lines 2-4) with amount a on the row at line bad and 5 on
// the others, then deal G (line 5), which a lenient reader reads.
func threeRows(a string, bad int) string {
	amt := func(line int) string {
		if line == bad {
			return a
		}
		return "5"
	}
	return longHeader +
		"A,ann,Lead,2024-01-01," + amt(2) + "\n" +
		"A,ann,Qualified,2024-01-02," + amt(3) + "\n" +
		"A,ann,Meeting,2024-01-03," + amt(4) + "\n" +
		"G,bob,Lead,2024-01-01,7\n"
}

// badCase is a bad input: the *RowError that strict reading ends with (its
// fields, the sentinels errors.Is finds, its exact text, worked from the
// rules of RowError.Error), and the ids a lenient reader reads, having
// skipped that one row or deal with the same error. A header fault ends
// lenient reading too.
type badCase struct {
	name   string
	read   readIDs
	in     string
	want   skip // Line, Column, Value, DealID; Err unused
	is     []error
	text   string
	good   []string // ids read in lenient mode
	header bool
}

// amountCases walks an amount past each bound on the first, a middle and
// the last row of a deal, in both long modes: each is named at its own
// line and column with the value as written.
func amountCases() []badCase {
	var cs []badCase
	for _, scattered := range []bool{false, true} {
		mode := "contiguous"
		if scattered {
			mode = "scattered"
		}
		for line := 2; line <= 4; line++ {
			for _, a := range []struct{ v, text string }{{digits41, bigText41}, {places19, smallText}} {
				cs = append(cs, badCase{
					name: mode + ": amount " + a.v[:4] + "... at line " + string(rune('0'+line)),
					read: longIDs(scattered, crm.LongColumns{}),
					in:   threeRows(a.v, line),
					want: skip{Line: line, Column: "amount", Value: a.v, DealID: "A"},
					is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
					text: strings.Replace(a.text, "%d", string(rune('0'+line)), 1),
					good: []string{"G"},
				})
			}
		}
	}
	return cs
}

// TestBadInput walks every decode path of every reader (each kind of
// cell: dates, amounts, flags, status, stages, ids; malformed rows; header
// faults) in strict and lenient mode.
func TestBadInput(t *testing.T) {
	const g = "G,bob,Lead,2024-01-01,7\n" // a good long row, deal G
	const wg = "G,bob,7,2024-01-01,,,,,,,,\n"
	const snapHeader = "deal_id,stage,status,created_at,closed_at,amount\n"
	const snapG = "G,Lead,open,2024-01-01,,7\n"
	expCols := crm.LongColumns{ExpectedClose: "expected_close"}
	tests := append(amountCases(), []badCase{{
		name: "long: amount past both bounds, with symbol and separators, as written",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01,\"" + grouped37 + "\"\n" + g,
		want: skip{Line: 2, Column: "amount", Value: grouped37, DealID: "A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		text: `crm: line 2: deal "A": column "amount" = "` + grouped37 + `": bad amount: value out of range: 37 digits before the point, more than 36`,
		good: []string{"G"},
	}, {
		name: "long: zero with 19 places",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01," + zeros19 + "\n" + g,
		want: skip{Line: 2, Column: "amount", Value: zeros19, DealID: "A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		text: `crm: line 2: deal "A": column "amount" = "` + zeros19 + `": bad amount: value out of range: 19 decimal places, more than 18`,
		good: []string{"G"},
	}, {
		name: "long: negative amount",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01,-5\n" + g,
		want: skip{Line: 2, Column: "amount", Value: "-5", DealID: "A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrNegativeAmount},
		text: `crm: line 2: deal "A": column "amount" = "-5": bad amount: negative amount`,
		good: []string{"G"},
	}, {
		name: "long: amount with a decimal comma",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01,\"12,34\"\n" + g,
		want: skip{Line: 2, Column: "amount", Value: "12,34", DealID: "A"},
		is:   []error{crm.ErrBadAmount},
		text: `crm: line 2: deal "A": column "amount" = "12,34": bad amount: misplaced thousands separator`,
		good: []string{"G"},
	}, {
		name: "long: amount cell as written, surrounding space kept",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01, 5x \n" + g,
		want: skip{Line: 2, Column: "amount", Value: " 5x ", DealID: "A"},
		is:   []error{crm.ErrBadAmount},
		text: `crm: line 2: deal "A": column "amount" = " 5x ": bad amount: unexpected 'x'`,
		good: []string{"G"},
	}, {
		name: "long: a date that is no day",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-02-30,5\n" + g,
		want: skip{Line: 2, Column: "entered_at", Value: "2024-02-30", DealID: "A"},
		is:   []error{crm.ErrBadDate},
		text: `crm: line 2: deal "A": column "entered_at" = "2024-02-30": bad date: want RFC 3339 or 2006-01-02`,
		good: []string{"G"},
	}, {
		// 0001-01-01 is Go's zero time, which the model reads as unknown.
		name: "long: entered_at at the zero time, date alone",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01,5\nA,ann,Qualified,0001-01-01,5\n" + g,
		want: skip{Line: 3, Column: "entered_at", Value: "0001-01-01", DealID: "A"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 3: deal "A": column "entered_at" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "long scattered: entered_at at the zero time, RFC 3339",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,0001-01-01T00:00:00Z,5\n" + g,
		want: skip{Line: 2, Column: "entered_at", Value: "0001-01-01T00:00:00Z", DealID: "A"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "A": column "entered_at" = "0001-01-01T00:00:00Z": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "long: no time",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,,5\n" + g,
		want: skip{Line: 2, Column: "entered_at", Value: "", DealID: "A"},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: deal "A": column "entered_at" = "": missing value: no time`,
		good: []string{"G"},
	}, {
		name: "long: unknown stage",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,Discovery,2024-01-01,5\n" + g,
		want: skip{Line: 2, Column: "stage", Value: "Discovery", DealID: "A"},
		is:   []error{funnel.ErrUnknownStage},
		text: `crm: line 2: deal "A": column "stage" = "Discovery": unknown stage: "Discovery" is not a funnel stage, an alias or a lost name`,
		good: []string{"G"},
	}, {
		// The stage cells are spelled in lower case; the error shows the
		// cell as written, not the funnel's name.
		name: "long: a stage after the close, as written",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,lead,2024-01-01,5\nA,ann,closed lost,2024-01-02,5\nA,ann,qualified,2024-01-03,5\n" + g,
		want: skip{Line: 4, Column: "stage", Value: "qualified", DealID: "A"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 4: deal "A": column "stage" = "qualified": stage entered after the deal closed: events out of time order: ` +
			`entered Qualified at 2024-01-03T00:00:00Z, closed at 2024-01-02T00:00:00Z (line 3)`,
		good: []string{"G"},
	}, {
		name: "long scattered: a stage after the close, as written",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,LEAD,2024-01-01,5\n" + g + "A,ann,Lost,2024-01-02,5\nA,ann,Meeting ,2024-01-03,5\n",
		want: skip{Line: 5, Column: "stage", Value: "Meeting ", DealID: "A"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 5: deal "A": column "stage" = "Meeting ": stage entered after the deal closed: events out of time order: ` +
			`entered Meeting at 2024-01-03T00:00:00Z, closed at 2024-01-02T00:00:00Z (line 4)`,
		good: []string{"G"},
	}, {
		// The row in error is the first read: its spelling is the first
		// kept, index 0.
		name: "long: a stage after the close, first row, as written",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,meeting ,2024-01-03,5\nA,ann,Lead,2024-01-01,5\nA,ann,lost,2024-01-02,5\n" + g,
		want: skip{Line: 2, Column: "stage", Value: "meeting ", DealID: "A"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 2: deal "A": column "stage" = "meeting ": stage entered after the deal closed: events out of time order: ` +
			`entered Meeting at 2024-01-03T00:00:00Z, closed at 2024-01-02T00:00:00Z (line 4)`,
		good: []string{"G"},
	}, {
		name: "long scattered: a stage after the close, first row, as written",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,meeting ,2024-01-03,5\n" + g + "A,ann,Lead,2024-01-01,5\nA,ann,lost,2024-01-02,5\n",
		want: skip{Line: 2, Column: "stage", Value: "meeting ", DealID: "A"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 2: deal "A": column "stage" = "meeting ": stage entered after the deal closed: events out of time order: ` +
			`entered Meeting at 2024-01-03T00:00:00Z, closed at 2024-01-02T00:00:00Z (line 5)`,
		good: []string{"G"},
	}, {
		// Lost first, the close is the deal's first event.
		name: "long: created lost, then a stage",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Closed Lost,2024-01-01,5\nA,ann,Lead,2024-01-02,5\n" + g,
		want: skip{Line: 3, Column: "stage", Value: "Lead", DealID: "A"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 3: deal "A": column "stage" = "Lead": stage entered after the deal closed: events out of time order: ` +
			`entered Lead at 2024-01-02T00:00:00Z, closed at 2024-01-01T00:00:00Z (line 2)`,
		good: []string{"G"},
	}, {
		// The id is the last column and the row stops short of it.
		name: "long: a short row without its id cell",
		read: longIDs(false, crm.LongColumns{}),
		in:   "stage,entered_at,deal_id\nLead,2024-01-01\nLead,2024-01-01,G\n",
		want: skip{Line: 2},
		is:   []error{crm.ErrMalformedRow},
		text: `crm: line 2: malformed row: 2 fields, the header has 3`,
		good: []string{"G"},
	}, {
		name:   "long: header names a column twice once case is ignored, the first at column 1",
		read:   longIDs(false, crm.LongColumns{Stage: "STAGE"}),
		in:     "Stage,deal_id,stage,entered_at\nLead,A,Lead,2024-01-01\n",
		want:   skip{Line: 1, Column: "STAGE"},
		is:     []error{crm.ErrDuplicateColumn},
		text:   `crm: line 1: column "STAGE": duplicate column: matches columns 1 and 3 once case and surrounding space are ignored`,
		header: true,
	}, {
		// An activity log has no deal id column of its own to name a
		// deal by: a malformed row names none.
		name: "activity: a row with a field too many",
		read: activityIDs,
		in:   "at,deal_id\n2024-01-01,D1,x\n2024-01-01,G\n",
		want: skip{Line: 2},
		is:   []error{crm.ErrMalformedRow},
		text: `crm: line 2: malformed row: 3 fields, the header has 2`,
		good: []string{"G"},
	}, {
		name: "long: no deal id",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + ",ann,Lead,2024-01-01,5\n" + g,
		want: skip{Line: 2, Column: "deal_id", Value: ""},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: column "deal_id" = "": missing value: no deal id`,
		good: []string{"G"},
	}, {
		name: "long: expected close at the zero time",
		read: longIDs(false, expCols),
		in:   "deal_id,stage,entered_at,expected_close\nA,Lead,2024-01-01,0001-01-01\nG,Lead,2024-01-01,\n",
		want: skip{Line: 2, Column: "expected_close", Value: "0001-01-01", DealID: "A"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "A": column "expected_close" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "long scattered: expected close not a date",
		read: longIDs(true, expCols),
		in:   "deal_id,stage,entered_at,expected_close\nA,Lead,2024-01-01,2024-01-05\nG,Lead,2024-01-01,\nA,Meeting,2024-01-02,soon\n",
		want: skip{Line: 4, Column: "expected_close", Value: "soon", DealID: "A"},
		is:   []error{crm.ErrBadDate},
		text: `crm: line 4: deal "A": column "expected_close" = "soon": bad date: want RFC 3339 or 2006-01-02`,
		good: []string{"G"},
	}, {
		name: "long: assigned_at not a date",
		read: longIDs(false, crm.LongColumns{}),
		in:   "deal_id,stage,entered_at,assigned_at\nA,Lead,2024-01-01,later\nG,Lead,2024-01-01,\n",
		want: skip{Line: 2, Column: "assigned_at", Value: "later", DealID: "A"},
		is:   []error{crm.ErrBadDate},
		text: `crm: line 2: deal "A": column "assigned_at" = "later": bad date: want RFC 3339 or 2006-01-02`,
		good: []string{"G"},
	}, {
		name: "long: a row with a field too few",
		read: longIDs(false, crm.LongColumns{}),
		in:   longHeader + "A,ann,Lead,2024-01-01\n" + g,
		want: skip{Line: 2, DealID: "A"},
		is:   []error{crm.ErrMalformedRow},
		text: `crm: line 2: deal "A": malformed row: 4 fields, the header has 5`,
		good: []string{"G"},
	}, {
		name: "long scattered: a bare quote",
		read: longIDs(true, crm.LongColumns{}),
		in:   longHeader + "A,ann,Le\"ad,2024-01-01,5\n" + g,
		want: skip{Line: 2},
		is:   []error{crm.ErrMalformedRow},
		text: `crm: line 2: malformed row: bare " in an unquoted field`,
		good: []string{"G"},
	}, {
		// "entered" is 3 edits from "entered_at" and contained in it;
		// "deal_id" and "stage" are 8 and 9 away, past the cut-off of 5.
		name:   "long: header without the time column",
		read:   longIDs(false, crm.LongColumns{}),
		in:     "deal_id,stage,entered\nA,Lead,2024-01-01\n",
		want:   skip{Line: 1, Column: "entered_at"},
		is:     []error{crm.ErrMissingColumn},
		text:   `crm: line 1: column "entered_at": missing column: not in the header; nearest: "entered"`,
		header: true,
	}, {
		name:   "long: header with a column twice",
		read:   longIDs(true, crm.LongColumns{}),
		in:     "deal_id,stage,entered_at,amount,amount\nA,Lead,2024-01-01,5,5\n",
		want:   skip{Line: 1, Column: "amount"},
		is:     []error{crm.ErrDuplicateColumn},
		text:   `crm: line 1: column "amount": duplicate column: columns 4 and 5`,
		header: true,
	}, {
		name:   "long: header names a column twice once case is ignored",
		read:   longIDs(false, crm.LongColumns{Stage: "STAGE"}),
		in:     "deal_id,stage,Stage,entered_at\nA,Lead,Lead,2024-01-01\n",
		want:   skip{Line: 1, Column: "STAGE"},
		is:     []error{crm.ErrDuplicateColumn},
		text:   `crm: line 1: column "STAGE": duplicate column: matches columns 2 and 3 once case and surrounding space are ignored`,
		header: true,
	}, {
		name: "salesforce: a created date at the zero time",
		read: salesforceIDs,
		in:   "OpportunityId,StageName,CreatedDate\n006A,Prospecting,0001-01-01T00:00:00.000+0000\n006G,Prospecting,2024-03-01T09:00:00.000+0000\n",
		want: skip{Line: 2, Column: "CreatedDate", Value: "0001-01-01T00:00:00.000+0000", DealID: "006A"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "006A": column "CreatedDate" = "0001-01-01T00:00:00.000+0000": ` + zeroReason,
		good: []string{"006G"},
	}, {
		name: "salesforce: a deleted flag that is not yes or no",
		read: salesforceIDs,
		in:   "OpportunityId,StageName,CreatedDate,IsDeleted\n006A,Prospecting,2024-03-01T09:00:00.000+0000,maybe\n006G,Prospecting,2024-03-01T09:00:00.000+0000,false\n",
		want: skip{Line: 2, Column: "IsDeleted", Value: "maybe", DealID: "006A"},
		is:   []error{crm.ErrBadFlag},
		text: `crm: line 2: deal "006A": column "IsDeleted" = "maybe": bad flag: want true/false, yes/no, y/n, t/f or 1/0`,
		good: []string{"006G"},
	}, {
		name: "salesforce: an amount past the places bound on a middle row",
		read: salesforceIDs,
		in: "OpportunityId,StageName,CreatedDate,Amount\n006A,Prospecting,2024-03-01T09:00:00.000+0000,5\n" +
			"006A,Prospecting,2024-03-02T09:00:00.000+0000," + places19 + "\n006A,Qualification,2024-03-03T09:00:00.000+0000,5\n006G,Prospecting,2024-03-01T09:00:00.000+0000,\n",
		want: skip{Line: 3, Column: "Amount", Value: places19, DealID: "006A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		text: `crm: line 3: deal "006A": column "Amount" = "` + places19 + `": bad amount: value out of range: 19 decimal places, more than 18`,
		good: []string{"006G"},
	}, {
		name: "wide: a stage date that is no day",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-32,,,,,,,,\n" + wg,
		want: skip{Line: 2, Column: "Lead", Value: "2024-01-32", DealID: "X"},
		is:   []error{crm.ErrBadDate},
		text: `crm: line 2: deal "X": column "Lead" = "2024-01-32": bad date: want RFC 3339 or 2006-01-02`,
		good: []string{"G"},
	}, {
		name: "wide: a stage date at the zero time",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,0001-01-01,,,,,,,\n" + wg,
		want: skip{Line: 2, Column: "Qualified", Value: "0001-01-01", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "Qualified" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "wide: a lost date at the zero time",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,,,,,,0001-01-01T00:00:00Z,,\n" + wg,
		want: skip{Line: 2, Column: "lost_at", Value: "0001-01-01T00:00:00Z", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "lost_at" = "0001-01-01T00:00:00Z": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "wide: a close date at the zero time for a deal lost by its flag",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,,,,,,,yes,0001-01-01\n" + wg,
		want: skip{Line: 2, Column: "closed_at", Value: "0001-01-01", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "closed_at" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "wide: a lost flag that is not yes or no",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,,,,,,,perhaps,\n" + wg,
		want: skip{Line: 2, Column: "is_lost", Value: "perhaps", DealID: "X"},
		is:   []error{crm.ErrBadFlag},
		text: `crm: line 2: deal "X": column "is_lost" = "perhaps": bad flag: want true/false, yes/no, y/n, t/f or 1/0`,
		good: []string{"G"},
	}, {
		name: "wide: an amount past the digits bound",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "A,ann," + digits41 + ",2024-01-01,,,,,,,,\n" + wg,
		want: skip{Line: 2, Column: "amount", Value: digits41, DealID: "A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		text: strings.Replace(bigText41, "%d", "2", 1),
		good: []string{"G"},
	}, {
		name: "wide: an amount with two points",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,1.2.3,2024-01-01,,,,,,,,\n" + wg,
		want: skip{Line: 2, Column: "amount", Value: "1.2.3", DealID: "X"},
		is:   []error{crm.ErrBadAmount},
		text: `crm: line 2: deal "X": column "amount" = "1.2.3": bad amount: unexpected '.'`,
		good: []string{"G"},
	}, {
		name: "wide: a created date at the zero time",
		read: wideIDs(crm.WideColumns{}),
		in:   "deal_id,created_at,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,0001-01-01,2024-01-01,,,,,\nG,,2024-01-01,,,,,\n",
		want: skip{Line: 2, Column: "created_at", Value: "0001-01-01", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "created_at" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "wide: the same id twice",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,,,,,,,,\nX,bob,6,2024-01-02,,,,,,,,\n" + wg,
		want: skip{Line: 3, DealID: "X"},
		is:   []error{funnel.ErrDuplicateDeal},
		text: `crm: line 3: deal "X": duplicate deal id: first at line 2`,
		good: []string{"X", "G"},
	}, {
		name: "wide: no deal id",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + " ,ann,5,2024-01-01,,,,,,,,\n" + wg,
		want: skip{Line: 2, Column: "deal_id", Value: " "},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: column "deal_id" = " ": missing value: no deal id`,
		good: []string{"G"},
	}, {
		// The Meeting cell, as written, is after the lost date: the error
		// names it, not the time it was read as.
		name: "wide: a stage dated after the close, as written",
		read: wideIDs(crm.WideColumns{}),
		in:   wideHeader + "X,ann,5,2024-01-01,,2024-01-05,,,,2024-01-03,,\n" + wg,
		want: skip{Line: 2, Column: "Meeting", Value: "2024-01-05", DealID: "X"},
		is:   []error{crm.ErrAfterClose, funnel.ErrEventOrder},
		text: `crm: line 2: deal "X": column "Meeting" = "2024-01-05": stage entered after the deal closed: events out of time order: ` +
			`entered Meeting at 2024-01-05T00:00:00Z, closed at 2024-01-03T00:00:00Z (line 2)`,
		good: []string{"G"},
	}, {
		name: "wide: a current stage that is no stage",
		read: wideIDs(crm.WideColumns{Stage: "Deal Stage"}),
		in:   "deal_id,Deal Stage,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,Pending,2024-01-01,,,,,\nG,Lead,2024-01-01,,,,,\n",
		want: skip{Line: 2, Column: "Deal Stage", Value: "Pending", DealID: "X"},
		is:   []error{funnel.ErrUnknownStage},
		text: `crm: line 2: deal "X": column "Deal Stage" = "Pending": unknown stage: "Pending" is not a funnel stage, an alias or a lost name`,
		good: []string{"G"},
	}, {
		name: "wide: won by its current stage without a date",
		read: wideIDs(crm.WideColumns{Stage: "Deal Stage"}),
		in:   "deal_id,Deal Stage,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\nX,Closed Won,2024-01-01,,,,,\nG,Lead,2024-01-01,,,,,\n",
		want: skip{Line: 2, Column: "Deal Stage", Value: "Closed Won", DealID: "X"},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: deal "X": column "Deal Stage" = "Closed Won": missing value: at the won stage without a won date or a close date`,
		good: []string{"G"},
	}, {
		name: "hubspot: a stage date at the zero time",
		read: hubspotIDs,
		in:   "Record ID,Deal Stage,Date entered Lead,Date entered Qualified,Date entered Meeting,Date entered Proposal,Date entered Negotiation,Date entered Closed Won\n7,Qualified,2024-01-01 09:00,0001-01-01 00:00,,,,\n8,Lead,2024-01-01 09:00,,,,,\n",
		want: skip{Line: 2, Column: "Date entered Qualified", Value: "0001-01-01 00:00", DealID: "7"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "7": column "Date entered Qualified" = "0001-01-01 00:00": ` + zeroReason,
		good: []string{"8"},
	}, {
		name:   "wide: header without a stage's column",
		read:   wideIDs(crm.WideColumns{}),
		in:     "deal_id,Lead,Qualified,Meeting,Proposal,Closed Won\n",
		want:   skip{Line: 1, Column: "Negotiation"},
		is:     []error{crm.ErrMissingColumn},
		text:   `crm: line 1: column "Negotiation": missing column: not in the header`,
		header: true,
	}, {
		name: "snapshot: a stage that is no stage",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "X,Pending,open,2024-01-01,,5\n" + snapG,
		want: skip{Line: 2, Column: "stage", Value: "Pending", DealID: "X"},
		is:   []error{funnel.ErrUnknownStage},
		text: `crm: line 2: deal "X": column "stage" = "Pending": unknown stage: "Pending" is not a funnel stage, an alias or a lost name`,
		good: []string{"G"},
	}, {
		name: "snapshot: a status that is none",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "X,Lead,pending,2024-01-01,,5\n" + snapG,
		want: skip{Line: 2, Column: "status", Value: "pending", DealID: "X"},
		is:   []error{crm.ErrBadStatus},
		text: `crm: line 2: deal "X": column "status" = "pending": bad status: want open, won or lost`,
		good: []string{"G"},
	}, {
		name: "snapshot: open at the won stage",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "X,Closed Won,Open,2024-01-01,,5\n" + snapG,
		want: skip{Line: 2, Column: "status", Value: "Open", DealID: "X"},
		is:   []error{crm.ErrBadStatus},
		text: `crm: line 2: deal "X": column "status" = "Open": bad status: open at stage "Closed Won"`,
		good: []string{"G"},
	}, {
		name: "snapshot: a created date at the zero time",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "X,Lead,open,0001-01-01,,5\n" + snapG,
		want: skip{Line: 2, Column: "created_at", Value: "0001-01-01", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "created_at" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "snapshot: a close date at the zero time for a lost deal",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "X,Lead,lost,2024-01-01,0001-01-01T00:00:00Z,5\n" + snapG,
		want: skip{Line: 2, Column: "closed_at", Value: "0001-01-01T00:00:00Z", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "closed_at" = "0001-01-01T00:00:00Z": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "snapshot: an amount past the places bound",
		read: snapshotIDs(sales, crm.SnapshotColumns{}),
		in:   snapHeader + "A,Lead,open,2024-01-01,," + places19 + "\n" + snapG,
		want: skip{Line: 2, Column: "amount", Value: places19, DealID: "A"},
		is:   []error{crm.ErrBadAmount, funnel.ErrOutOfRange},
		text: strings.Replace(smallText, "%d", "2", 1),
		good: []string{"G"},
	}, {
		name: "snapshot: a stage date column at the zero time",
		read: snapshotIDs(maven, mavenCols),
		in:   mavenHeader + "X,Moses Frase,GTX Basic,Cancity,Engaging,0001-01-01,,\nG,Moses Frase,GTX Basic,Cancity,Engaging,2016-10-20,,\n",
		want: skip{Line: 2, Column: "engage_date", Value: "0001-01-01", DealID: "X"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: deal "X": column "engage_date" = "0001-01-01": ` + zeroReason,
		good: []string{"G"},
	}, {
		// "status" is 3 edits from "stage", past the cut-off of 2.
		name:   "snapshot: header without the stage column",
		read:   snapshotIDs(sales, crm.SnapshotColumns{}),
		in:     "deal_id,status\nX,open\n",
		want:   skip{Line: 1, Column: "stage"},
		is:     []error{crm.ErrMissingColumn},
		text:   `crm: line 1: column "stage": missing column: not in the header`,
		header: true,
	}, {
		name: "activity: a time that is no time",
		read: activityIDs,
		in:   "deal_id,at\nD1,yesterday\nG,2024-01-01\n",
		want: skip{Line: 2, Column: "at", Value: "yesterday", DealID: "D1"},
		is:   []error{crm.ErrBadDate},
		text: `crm: line 2: deal "D1": column "at" = "yesterday": bad date: want RFC 3339 or 2006-01-02`,
		good: []string{"G"},
	}, {
		// 09:00 at +09:00 is midnight UTC: the zero instant.
		name: "activity: a time at the zero instant in another zone",
		read: activityIDs,
		in:   "account,at\nAcme,0001-01-01T09:00:00+09:00\nG,2024-01-01\n",
		want: skip{Line: 2, Column: "at", Value: "0001-01-01T09:00:00+09:00"},
		is:   []error{crm.ErrBadDate, funnel.ErrZeroDate},
		text: `crm: line 2: column "at" = "0001-01-01T09:00:00+09:00": ` + zeroReason,
		good: []string{"G"},
	}, {
		name: "activity: no time",
		read: activityIDs,
		in:   "deal_id,at\nD1,\nG,2024-01-01\n",
		want: skip{Line: 2, Column: "at", Value: "", DealID: "D1"},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: deal "D1": column "at" = "": missing value: no time`,
		good: []string{"G"},
	}, {
		name: "activity: neither a deal nor an account",
		read: activityIDs,
		in:   "deal_id,account,at\n,,2024-01-01\nG,,2024-01-01\n",
		want: skip{Line: 2, Column: "deal_id", Value: ""},
		is:   []error{crm.ErrMissingValue},
		text: `crm: line 2: column "deal_id" = "": missing value: no deal id or account`,
		good: []string{"G"},
	}, {
		name:   "activity: header without a time column",
		read:   activityIDs,
		in:     "deal_id,when\nD1,2024-01-01\n",
		want:   skip{Line: 1, Column: "at"},
		is:     []error{crm.ErrMissingColumn},
		text:   `crm: line 1: column "at": missing column: not in the header`,
		header: true,
	}}...)
	check := func(t *testing.T, tt badCase, err error) {
		t.Helper()
		if got := err.Error(); got != tt.text {
			t.Errorf("Error() mismatch (-want +got):\n%s", cmp.Diff(tt.text, got))
		}
		for _, s := range tt.is {
			if !errors.Is(err, s) {
				t.Errorf("errors.Is(%v, %v) = false", err, s)
			}
		}
		var re *crm.RowError
		if !errors.As(err, &re) {
			t.Fatalf("error %v is not a *crm.RowError", err)
		}
		got := skip{Line: re.Line, Column: re.Column, Value: re.Value, DealID: re.DealID}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("RowError mismatch (-want +got):\n%s", diff)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.read(crm.Options{}, tt.in)
			if err == nil {
				t.Fatal("strict: no error")
			}
			check(t, tt, err)
			ids, skipped, err := tt.read(crm.Options{Lenient: true}, tt.in)
			if tt.header {
				if err == nil {
					t.Fatal("lenient: no error for a header fault")
				}
				check(t, tt, err)
				return
			}
			if err != nil {
				t.Fatalf("lenient: %v", err)
			}
			if len(skipped) != 1 {
				t.Fatalf("lenient: skipped %v, want one row", skipped)
			}
			check(t, tt, skipped[0])
			if diff := cmp.Diff(tt.good, ids); diff != "" {
				t.Errorf("lenient: ids read mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
