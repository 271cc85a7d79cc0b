package crm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
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
// why the readers use it instead of encoding/csv. It reads its input in
// blocks into a buffer of its own, and a record without quotes is split
// in place there.
type records struct {
	r        io.Reader
	comma    byte
	in       []byte // the input read and not yet consumed is in[pos:end]
	pos, end int
	scanned  int   // in[pos:scanned] holds no newline
	rerr     error // the error the input returned, once in is drained
	base     int64 // input offset of in[0]
	line     int   // lines read so far
	start    int   // line where the last record started
	startOff int64 // input offset where the last record started
	// limit, when not negative, ends the records at the first that
	// starts at or after it (next returns io.EOF); atLimit tells
	// whether that record started exactly there.
	limit   int64
	atLimit bool
	buf     []byte // the last record's field bytes, when it had quotes
	ends    []int  // end offset of each field in buf
	fields  [][]byte
	begun   bool
	// rows, when set, gives the records instead of r (see [FromRows]).
	rows *rowsInput
}

// recordsBlock is the size of a read from the input.
const recordsBlock = 64 << 10

func newRecords(r io.Reader, comma byte) *records {
	rows, _ := r.(*rowsInput)
	return &records{r: r, comma: comma, limit: -1, rows: rows}
}

// fill reads more input, keeping in[pos:end]: it moves that to the front,
// grows the buffer when it is full, and reads once. It returns false when
// the input has ended or failed (rerr is then set).
func (r *records) fill() bool {
	if r.rerr != nil {
		return false
	}
	if r.pos > 0 {
		n := copy(r.in, r.in[r.pos:r.end])
		r.base += int64(r.pos)
		r.scanned -= r.pos
		r.pos, r.end = 0, n
	}
	if r.in == nil {
		r.in = make([]byte, recordsBlock)
	} else if r.end == len(r.in) {
		r.in = append(r.in, make([]byte, len(r.in))...)
		r.in = r.in[:cap(r.in)]
	}
	for range 100 {
		n, err := r.r.Read(r.in[r.end:])
		if n < 0 || n > len(r.in)-r.end {
			r.rerr = io.ErrNoProgress
			return false
		}
		r.end += n
		if err != nil {
			r.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.rerr = io.ErrNoProgress
	return false
}

// readLine returns the next line without its line end, and whether it
// had one (false only for a last line without a newline). The slice is
// valid until the next call.
func (r *records) readLine() ([]byte, bool, error) {
	for {
		if i := bytes.IndexByte(r.in[r.scanned:r.end], '\n'); i >= 0 {
			nl := r.scanned + i
			b := r.in[r.pos:nl]
			r.pos = nl + 1
			r.scanned = r.pos
			r.line++
			if !r.begun {
				r.begun = true
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			if n := len(b); n > 0 && b[n-1] == '\r' {
				b = b[:n-1]
			}
			return b, true, nil
		}
		r.scanned = r.end
		if r.fill() {
			continue
		}
		if r.rerr != io.EOF {
			return nil, false, r.rerr
		}
		if r.pos == r.end {
			return nil, false, io.EOF
		}
		// A last line without a newline: a trailing CR is a line end too.
		b := r.in[r.pos:r.end]
		r.pos = r.end
		r.scanned = r.end
		r.line++
		if !r.begun {
			r.begun = true
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		return b, false, nil
	}
}

// peekIDs appends to ids, from the lines buffered ahead, each cell col
// (trimmed) that is not empty and differs from the one before it (the
// first from cur), looking at up to lines lines and stopping at max ids or
// at a quote: most often the ids of the deals after the one being read.
// It is a guess, for lookups that can be started early, and consumes
// nothing; the ids are valid until the next read.
func (r *records) peekIDs(ids [][]byte, col int, cur []byte, max, lines int) [][]byte {
	buf := r.in[r.pos:r.end]
	prev := cur
	for range lines {
		nl := bytes.IndexByte(buf, '\n')
		if nl < 0 {
			return ids
		}
		f := buf[:nl]
		buf = buf[nl+1:]
		for range col {
			j := bytes.IndexByte(f, r.comma)
			if j < 0 {
				f = nil
				break
			}
			f = f[j+1:]
		}
		if j := bytes.IndexByte(f, r.comma); j >= 0 {
			f = f[:j]
		}
		if bytes.IndexByte(f, '"') >= 0 {
			return ids
		}
		if f = bytes.TrimSpace(f); len(f) > 0 && !bytes.Equal(f, prev) {
			if ids = append(ids, f); len(ids) == max {
				return ids
			}
			prev = f
		}
	}
	return ids
}

// offset returns the input offset of the next byte readLine reads.
func (r *records) offset() int64 { return r.base + int64(r.pos) }

// next returns the fields of the next non-empty record, io.EOF at the end
// (or at the limit), a *RowError wrapping ErrMalformedRow for bad quoting
// (the rest of the offending line is skipped), or the reader's error.
func (r *records) next() ([][]byte, error) {
	if r.rows != nil {
		fields, err := r.rows.next(r.line + 1)
		if _, bad := err.(*RowError); err == nil || bad {
			r.line++ // a record read, or one that could not be
			r.start = r.line
		}
		return fields, err
	}
	var line []byte
	var nl bool
	for {
		off := r.offset()
		if r.limit >= 0 && off >= r.limit {
			r.atLimit = off == r.limit
			return nil, io.EOF
		}
		var err error
		line, nl, err = r.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) > 0 {
			r.startOff = off
			break
		}
	}
	r.start = r.line
	if r.plain(line) {
		return r.fields, nil
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
		if bytes.IndexByte(f, '"') >= 0 {
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

// Masks for finding bytes eight at a time.
const (
	ones = 0x0101010101010101
	low7 = 0x7f7f7f7f7f7f7f7f
)

// match returns the bytes of w equal to those of m, with the top bit set in
// each such byte and every other bit clear. Unlike the usual test for a
// zero byte it has no false positives, so every bit it sets is a match.
func match(w, m uint64) uint64 {
	x := w ^ m
	return ^((x&low7 + low7) | x | low7)
}

// plain splits a line that holds no quote into r.fields, the pieces
// between separators taken in place (the line stays valid until the next
// call), and reports whether it held none. It finds the separators eight
// bytes at a time.
func (r *records) plain(line []byte) bool {
	fields := r.fields[:cap(r.fields)]
	n := 0
	sep := uint64(r.comma) * ones
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		if match(w, '"'*ones) != 0 {
			return false
		}
		for m := match(w, sep); m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			if n == len(fields) {
				fields = append(fields, nil)
				fields = fields[:cap(fields)]
			}
			fields[n] = line[start:j:j]
			n++
			start = j + 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == '"' {
			return false
		}
		if line[i] == r.comma {
			if n == len(fields) {
				fields = append(fields, nil)
				fields = fields[:cap(fields)]
			}
			fields[n] = line[start:i:i]
			n++
			start = i + 1
		}
	}
	if n == len(fields) {
		fields = append(fields, nil)
		fields = fields[:cap(fields)]
	}
	fields[n] = line[start:len(line):len(line)]
	r.fields = fields[:n+1]
	return true
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
