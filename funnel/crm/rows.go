package crm

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
)

// FromRows returns an input for every reader of this package ([Long],
// [Wide], [Snapshot], their Deals, ReadAll and Tally) that takes its
// records from the result of a database/sql query instead of CSV text:
// the result's column names are the header and each row's values are its
// cells, with the same column mapping, the same checks and the same
// errors as a CSV export of that result. Values are taken as database/sql
// gives them as text ([sql.RawBytes]): a string or []byte as it is, a
// time.Time in RFC 3339 with nanoseconds (read as any RFC 3339 time), a
// number in decimal, a bool as true or false, and NULL as an empty cell.
// An error names a row by its line in such an export: the column names
// are line 1 and the first row line 2. A row that cannot be scanned is a
// *[RowError] wrapping [ErrMalformedRow] (skipped in lenient mode), and
// the error of rows.Err ends reading.
//
// Rows are read one at a time, as the readers read text: none is held
// beyond what the reader holds. The readers read rows to the end or to
// their first error; they close neither rows nor the query, which the
// caller closes (defer rows.Close()). The input cannot be read again, so
// a grouped [Long] read whose ids come back ends with the errors of
// [Long.Deals] (ErrNotContiguous); order the query by deal (ORDER BY the
// id, then the time of each row) or set Scattered.
//
// The result is also an io.Reader of that CSV export (RFC 4180, comma
// separated, "\n" line ends), for callers that want the text: a reader
// of this package that is handed it reads the rows directly instead.
// Reading it as text and through a reader of this package are two uses
// of the same rows; use it once.
func FromRows(rows *sql.Rows) io.Reader {
	return &rowsInput{rows: rows}
}

// rowsInput is the input FromRows returns.
type rowsInput struct {
	rows   *sql.Rows
	header bool // the column names were returned
	raw    []sql.RawBytes
	dest   []any
	fields [][]byte
	// For Read: the CSV text not yet read.
	text  bytes.Buffer
	w     *csv.Writer
	rec   []string
	lines int // records written as text
	err   error
}

// next returns the cells of the next record: the column names first,
// then each row's values (valid until the next call); io.EOF after the
// last row; a *RowError at line for a row that cannot be scanned; or the
// error of the rows.
func (in *rowsInput) next(line int) ([][]byte, error) {
	if !in.header {
		cols, err := in.rows.Columns()
		if err != nil {
			return nil, err
		}
		in.header = true
		in.raw = make([]sql.RawBytes, len(cols))
		in.dest = make([]any, len(cols))
		for i := range in.raw {
			in.dest[i] = &in.raw[i]
		}
		in.fields = make([][]byte, len(cols))
		for i, c := range cols {
			in.fields[i] = []byte(c)
		}
		return in.fields, nil
	}
	if !in.rows.Next() {
		if err := in.rows.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	if err := in.rows.Scan(in.dest...); err != nil {
		return nil, &RowError{Line: line, Err: fmt.Errorf("%w: %w", ErrMalformedRow, err)}
	}
	for i, v := range in.raw {
		in.fields[i] = v
	}
	return in.fields, nil
}

// Read reads the rows as CSV text. A row that cannot be scanned ends it
// with the *RowError that names its line.
func (in *rowsInput) Read(p []byte) (int, error) {
	if in.w == nil {
		in.w = csv.NewWriter(&in.text)
	}
	for in.text.Len() == 0 && in.err == nil {
		fields, err := in.next(in.lines + 1)
		if err != nil {
			in.err = err
			break
		}
		in.lines++
		in.rec = in.rec[:0]
		for _, f := range fields {
			in.rec = append(in.rec, string(f))
		}
		if err := in.w.Write(in.rec); err != nil {
			in.err = err
			break
		}
		in.w.Flush()
	}
	if in.text.Len() > 0 {
		return in.text.Read(p)
	}
	return 0, in.err
}
