package crm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// records splits CSV input into records as RFC 4180 and encoding/csv (with
// its default settings) do: fields separated by comma, a field in double
// quotes may hold the separator, doubled quotes and line breaks, a CRLF
// line end reads as LF, empty lines are skipped, and a quote inside an
// unquoted field or after a closing quote is an error. A UTF-8 byte order
// mark at the start is dropped.
//
// The fields it returns share one buffer that the next call reuses: it
// makes no allocation per record once its buffers have grown, which is
// why the readers use it instead of encoding/csv.
type records struct {
	br     *bufio.Reader
	comma  byte
	line   int    // lines read so far
	start  int    // line where the last record started
	buf    []byte // the last record's field bytes
	ends   []int  // end offset of each field in buf
	fields [][]byte
	long   []byte // a line longer than the bufio buffer
	begun  bool
}

func newRecords(r io.Reader, comma byte) *records {
	return &records{br: bufio.NewReaderSize(r, 64<<10), comma: comma}
}

// readLine returns the next line without its line end, and whether it
// had one (false only for a last line without a newline). The slice is
// valid until the next call.
func (r *records) readLine() ([]byte, bool, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = r.br.ReadSlice('\n')
			r.long = append(r.long, b...)
		}
		b = r.long
	}
	if len(b) == 0 {
		if err == nil {
			err = io.EOF
		}
		return nil, false, err
	}
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	r.line++
	if !r.begun {
		r.begun = true
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	}
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		n--
		if n > 0 && b[n-1] == '\r' {
			n--
		}
		return b[:n], true, nil
	}
	// A last line without a newline: a trailing CR is a line end too.
	if n > 0 && b[n-1] == '\r' {
		n--
	}
	return b[:n], false, nil
}

// next returns the fields of the next non-empty record, io.EOF at the end,
// a *RowError wrapping ErrMalformedRow for bad quoting (the rest of the
// offending line is skipped), or the reader's error.
func (r *records) next() ([][]byte, error) {
	var line []byte
	var nl bool
	for {
		var err error
		line, nl, err = r.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) > 0 {
			break
		}
	}
	r.start = r.line
	if bytes.IndexByte(line, '"') < 0 {
		// No quotes: the fields are the pieces between separators, taken
		// in place (the line stays valid until the next call).
		r.fields = r.fields[:0]
		for {
			i := bytes.IndexByte(line, r.comma)
			if i < 0 {
				r.fields = append(r.fields, line[:len(line):len(line)])
				return r.fields, nil
			}
			r.fields = append(r.fields, line[:i:i])
			line = line[i+1:]
		}
	}
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The quoted field goes on past this line.
					r.buf = append(r.buf, line[pos:]...)
					if !nl {
						return nil, r.syntax("quoted field not closed before the end of the input")
					}
					r.buf = append(r.buf, '\n')
					var err error
					line, nl, err = r.readLine()
					if err == io.EOF {
						return nil, r.syntax("quoted field not closed before the end of the input")
					}
					if err != nil {
						return nil, err
					}
					pos = 0
					continue
				}
				r.buf = append(r.buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					r.buf = append(r.buf, '"')
					pos++
					continue
				}
				break
			}
			r.ends = append(r.ends, len(r.buf))
			if pos == len(line) {
				return r.split(), nil
			}
			if line[pos] != r.comma {
				return nil, r.syntax(fmt.Sprintf("extraneous %q after a closing quote", line[pos]))
			}
			pos++
			continue
		}
		i := bytes.IndexByte(line[pos:], r.comma)
		end := len(line)
		if i >= 0 {
			end = pos + i
		}
		f := line[pos:end]
		if bytes.ContainsRune(f, '"') {
			return nil, r.syntax(`bare " in an unquoted field`)
		}
		r.buf = append(r.buf, f...)
		r.ends = append(r.ends, len(r.buf))
		if i < 0 {
			return r.split(), nil
		}
		pos = end + 1
	}
}

func (r *records) split() [][]byte {
	r.fields = r.fields[:0]
	s := 0
	for _, e := range r.ends {
		r.fields = append(r.fields, r.buf[s:e:e])
		s = e
	}
	return r.fields
}

// syntax returns a *RowError at the line where the record starts, as
// RowError.Line promises; when the fault is on a later line of a
// multi-line record, the text says which.
func (r *records) syntax(msg string) error {
	if r.line != r.start {
		msg += fmt.Sprintf(" (found at line %d)", r.line)
	}
	return &RowError{Line: r.start, Err: fmt.Errorf("%w: %s", ErrMalformedRow, msg)}
}
