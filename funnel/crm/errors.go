package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
)

// Sentinel errors of package crm, for the failures only a reader has.
// Every error the readers return wraps one of these or a sentinel of
// package funnel, such as [funnel.ErrUnknownStage], [funnel.ErrWonAndLost],
// [funnel.ErrInvalidDeal] or [funnel.ErrDuplicateDeal] (a cancelled context
// and a failing io.Reader come back as they are), so callers can test for
// a kind of failure with [errors.Is].
var (
	// ErrBadConfig reports a reader configuration that cannot work: no
	// funnel, an alias to a stage the funnel does not have, a stage name
	// mapped two ways, a separator that cannot be used, lenient mode
	// without a place to report skipped rows.
	ErrBadConfig = errors.New("bad reader configuration")
	// ErrMissingColumn reports a header without a column the reader needs,
	// or without a column the configuration names explicitly.
	ErrMissingColumn = errors.New("missing column")
	// ErrDuplicateColumn reports a header name given twice, or a mapped
	// name or pattern that matches two headers.
	ErrDuplicateColumn = errors.New("duplicate column")
	// ErrMalformedRow reports a row that is not valid CSV (a bare or
	// unterminated quote) or whose number of fields differs from the
	// header's.
	ErrMalformedRow = errors.New("malformed row")
	// ErrMissingValue reports an empty cell where a value is required, such
	// as a deal id or an event time.
	ErrMissingValue = errors.New("missing value")
	// ErrBadDate reports a date that is neither RFC 3339, 2006-01-02, nor
	// a layout the caller gave, or that is Go's zero time (then it wraps
	// [funnel.ErrZeroDate] too), which a deal cannot hold: funnel reads
	// the zero time as "unknown".
	ErrBadDate = errors.New("bad date")
	// ErrBadAmount reports an amount that is not a plain non-negative
	// decimal with optional thousands separators and currency symbol, or
	// that is beyond the bounds of [funnel.AmountInRange] (then it wraps
	// [funnel.ErrOutOfRange] too).
	ErrBadAmount = errors.New("bad amount")
	// ErrBadFlag reports a yes/no cell that is not one of true, false, yes,
	// no, y, n, t, f, 1, 0 (in any case) or empty.
	ErrBadFlag = errors.New("bad flag")
	// ErrBadStatus reports a status cell that is not open, won or lost (in
	// any case) or empty, or that contradicts the stage cell.
	ErrBadStatus = errors.New("bad status")
	// ErrAfterClose reports a deal that enters a stage after it was won or
	// lost (a re-opened deal, which the deal model cannot hold). It wraps
	// [funnel.ErrEventOrder].
	ErrAfterClose = fmt.Errorf("stage entered after the deal closed: %w", funnel.ErrEventOrder)
	// ErrNotContiguous reports, in the default contiguous mode of [Long], a
	// deal id that comes back after its deal was read and emitted.
	ErrNotContiguous = errors.New("deal rows not contiguous")
	// ErrUnmatched reports an activity that [Attach] could not attach to
	// any deal.
	ErrUnmatched = errors.New("unmatched activity")
)

// RowError records a failure tied to a row of the input. Line is the
// 1-based line of the file where the row starts (the header is line 1).
// Column is the header name of the offending cell and Value its text as
// it stands in the file (surrounding white space included, CSV quoting
// removed);
// both are empty when the whole row or deal is at fault, and Value is
// empty for a fault of the header (a missing or duplicate column). DealID
// is the deal the row belongs to, when known.
//
// Err is the reason. For a deal that fails [funnel.Deal.Validate] it is
// the reason of the *[funnel.DealError], under [funnel.ErrInvalidDeal]
// (which errors.Is finds, as it finds the reason's own sentinel), so that
// the text has one package prefix and names the deal once:
//
//	crm: line 3: deal "X": invalid deal: first event at ... before created ...: events out of time order
type RowError struct {
	Line   int    // 1-based line where the row starts; 0 when not tied to a line
	Column string // header name of the offending cell, or ""
	Value  string // the offending cell's text as written, or ""
	DealID string // the row's deal id, or "" when unknown
	Err    error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and
// the reason:
//
//	crm: line 7: deal "D1": column "amount" = "12,34": bad amount: misplaced thousands separator
//	crm: line 1: column "deal_id": missing column: not in the header; nearest: "Deal ID"
//
// A nil *RowError reads "crm: <nil>", and a nil reason "<nil>".
func (e *RowError) Error() string {
	if e == nil {
		return "crm: <nil>"
	}
	s := "crm: "
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.DealID != "" {
		s += "deal " + strconv.Quote(e.DealID) + ": "
	}
	if e.Column != "" {
		s += "column " + strconv.Quote(e.Column)
		if !headerErr(e.Err) {
			s += " = " + strconv.Quote(e.Value)
		}
		s += ": "
	}
	return s + errText(e.Err)
}

// headerErr reports whether err is a fault of the header, whose column has
// no cell value to show.
func headerErr(err error) bool {
	return errors.Is(err, ErrMissingColumn) || errors.Is(err, ErrDuplicateColumn)
}

// Unwrap returns the underlying error, nil for a nil *RowError.
func (e *RowError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// MarshalJSON encodes the error as an object with the fields line, column,
// value, deal_id and error (the reason's text), so a [Result] can be
// returned as JSON; a nil *RowError encodes as null.
func (e *RowError) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Line   int    `json:"line"`
		Column string `json:"column,omitempty"`
		Value  string `json:"value,omitempty"`
		DealID string `json:"deal_id,omitempty"`
		Error  string `json:"error"`
	}{e.Line, e.Column, e.Value, e.DealID, errText(e.Err)})
}

// errText returns err's text, or "<nil>" for a nil reason, so that a
// hand-built RowError never panics when printed.
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// invalidDeal returns the reason a deal failed [funnel.Deal.Validate]: the
// *[funnel.DealError]'s own reason, without funnel's prefix and the deal's
// name (the *RowError names the deal), under [funnel.ErrInvalidDeal]
// unless the reason already wraps it.
func invalidDeal(err error) error {
	var de *funnel.DealError
	if errors.As(err, &de) && de.Err != nil {
		err = de.Err
	}
	if errors.Is(err, funnel.ErrInvalidDeal) {
		return err
	}
	return fmt.Errorf("%w: %w", funnel.ErrInvalidDeal, err)
}

func configErr(format string, args ...any) error {
	return fmt.Errorf("crm: %w: "+format, append([]any{ErrBadConfig}, args...)...)
}
