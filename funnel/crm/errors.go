package crm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
)

// Sentinel errors. Every error the readers return wraps one of these (a
// cancelled context and a failing io.Reader come back as they are), so
// callers can test for a kind of failure with [errors.Is]. Those that
// match a sentinel of package funnel wrap it too, so both
// errors.Is(err, crm.ErrUnknownStage) and errors.Is(err,
// funnel.ErrUnknownStage) hold.
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
	// name that matches two headers.
	ErrDuplicateColumn = errors.New("duplicate column")
	// ErrMalformedRow reports a row that is not valid CSV (a bare or
	// unterminated quote) or whose number of fields differs from the
	// header's.
	ErrMalformedRow = errors.New("malformed row")
	// ErrMissingValue reports an empty cell where a value is required, such
	// as a deal id or an event time.
	ErrMissingValue = errors.New("missing value")
	// ErrBadDate reports a date that is neither RFC 3339, 2006-01-02, nor
	// the layout the caller gave.
	ErrBadDate = errors.New("bad date")
	// ErrBadAmount reports an amount that is not a plain non-negative
	// decimal with optional thousands separators and currency symbol.
	ErrBadAmount = errors.New("bad amount")
	// ErrBadFlag reports a yes/no cell that is not one of true, false, yes,
	// no, y, n, t, f, 1, 0 (in any case) or empty.
	ErrBadFlag = errors.New("bad flag")
	// ErrBadStatus reports a status cell that is not open, won or lost (in
	// any case) or empty, or that contradicts the stage cell.
	ErrBadStatus = errors.New("bad status")
	// ErrUnknownStage reports a stage name that is neither a stage of the
	// funnel, an alias, nor a lost name. It wraps [funnel.ErrUnknownStage].
	ErrUnknownStage = fmt.Errorf("%w", funnel.ErrUnknownStage)
	// ErrWonAndLost reports a deal that has both a won-stage entry and a
	// lost row, date or flag. It wraps [funnel.ErrWonAndLost].
	ErrWonAndLost = fmt.Errorf("%w", funnel.ErrWonAndLost)
	// ErrAfterClose reports a deal that enters a stage after it was won or
	// lost (a re-opened deal, which the deal model cannot hold). It wraps
	// [funnel.ErrEventOrder].
	ErrAfterClose = fmt.Errorf("stage entered after the deal closed: %w", funnel.ErrEventOrder)
	// ErrInvalidDeal reports a deal that fails [funnel.Deal.Validate] after
	// reading, such as a created date after its first stage entry. It wraps
	// [funnel.ErrInvalidDeal]; the *[funnel.DealError] from Validate is
	// wrapped beside it, so its own sentinel matches too.
	ErrInvalidDeal = fmt.Errorf("%w", funnel.ErrInvalidDeal)
	// ErrNotContiguous reports, in the default contiguous mode of [Long], a
	// deal id that comes back after its deal was read and emitted.
	ErrNotContiguous = errors.New("deal rows not contiguous")
	// ErrDuplicateDeal reports a deal id on two rows of a one-row-per-deal
	// export, or twice among the deals given to [Attach].
	ErrDuplicateDeal = errors.New("duplicate deal id")
	// ErrUnmatched reports an activity that [Attach] could not attach to
	// any deal.
	ErrUnmatched = errors.New("unmatched activity")
)

// RowError records a failure tied to a row of the input. Line is the
// 1-based line of the file where the row starts (the header is line 1).
// Column is the header name of the offending cell and Value its text;
// both are empty when the whole row or deal is at fault. DealID is the
// deal the row belongs to, when known.
type RowError struct {
	Line   int    // 1-based line where the row starts; 0 when not tied to a line
	Column string // header name of the offending cell, or ""
	Value  string // the offending cell's text, or ""
	DealID string // the row's deal id, or "" when unknown
	Err    error  // the reason, which wraps a sentinel
}

// Error formats the error with the package prefix, what and where, and the reason.
func (e *RowError) Error() string {
	s := "crm: "
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.DealID != "" {
		s += "deal " + strconv.Quote(e.DealID) + ": "
	}
	if e.Column != "" {
		s += "column " + strconv.Quote(e.Column) + " = " + strconv.Quote(e.Value) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// MarshalJSON encodes the error as an object with the fields line, column,
// value, deal_id and error (the reason's text), so a [Result] can be
// returned as JSON.
func (e *RowError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Line   int    `json:"line"`
		Column string `json:"column,omitempty"`
		Value  string `json:"value,omitempty"`
		DealID string `json:"deal_id,omitempty"`
		Error  string `json:"error"`
	}{e.Line, e.Column, e.Value, e.DealID, e.Err.Error()})
}

func configErr(format string, args ...any) error {
	return fmt.Errorf("crm: %w: "+format, append([]any{ErrBadConfig}, args...)...)
}
