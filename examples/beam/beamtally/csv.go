package beamtally

import (
	"bufio"
	"bytes"
	"io"
)

// scanner splits CSV input into records as written: a record is a line, or
// several when a quoted field holds a line break. It does not check the
// quoting (the crm reader does that when it reads the rows); it only needs
// to find where a record of well-formed input ends, which is the first line
// end after an even number of quotes. Lines empty once their line end (LF,
// CRLF, or a trailing CR at the end of the input) is removed are skipped, as
// encoding/csv and the crm readers skip them, and a UTF-8 byte order mark
// at the start of the input is dropped.
type scanner struct {
	br    *bufio.Reader
	line  int // physical lines read
	begun bool
	rec   []byte // the last record, reused
}

func newScanner(r io.Reader) *scanner {
	return &scanner{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next non-empty record without its final line end (inner
// line ends are kept as written) and the line it starts on, or io.EOF at the
// end of the input, or the reader's error. The record is valid until the
// next call.
func (s *scanner) next() ([]byte, int, error) {
	for {
		s.rec = s.rec[:0]
		start := s.line + 1
		quotes := 0
		ended := false // the input ended
		for {
			n := len(s.rec)
			frag, err := s.br.ReadSlice('\n')
			s.rec = append(s.rec, frag...)
			if !s.begun {
				s.begun = true
				if len(s.rec) >= len(bom) && string(s.rec[:len(bom)]) == bom {
					s.rec = s.rec[:copy(s.rec, s.rec[len(bom):])]
				}
			}
			quotes += countQuotes(s.rec[n:])
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				ended = true
				if len(frag) > 0 {
					s.line++ // a last line without a line end
				}
				break
			}
			if err != nil {
				return nil, 0, err
			}
			s.line++
			if quotes%2 == 0 {
				break
			}
		}
		rec := s.rec
		if n := len(rec); n > 0 && rec[n-1] == '\n' {
			rec = rec[:n-1]
		}
		if n := len(rec); n > 0 && rec[n-1] == '\r' {
			rec = rec[:n-1]
		}
		if len(rec) > 0 {
			return rec, start, nil
		}
		if ended {
			return nil, 0, io.EOF
		}
	}
}

// bom is the UTF-8 byte order mark.
const bom = "\xef\xbb\xbf"

// countQuotes returns the number of double quotes in b.
func countQuotes(b []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, '"')
		if i < 0 {
			return n
		}
		n++
		b = b[i+1:]
	}
}

// splitRecord appends to dst the fields of rec, separated by comma and
// unquoted as RFC 4180 and encoding/csv (with its default settings) read
// them: a field in double quotes may hold the separator, doubled quotes and
// line breaks (CRLF read as LF); a quote inside an unquoted field, after a
// closing quote, or never closed makes ok false. Unquoted fields share rec's
// storage; a quoted field with an escape or a CRLF is copied.
func splitRecord(dst [][]byte, rec []byte, comma byte) (fields [][]byte, ok bool) {
	i := 0
	for {
		if i < len(rec) && rec[i] == '"' {
			j := i + 1
			escaped := false
			for {
				k := bytes.IndexByte(rec[j:], '"')
				if k < 0 {
					return dst, false // never closed
				}
				j += k + 1
				if j < len(rec) && rec[j] == '"' {
					j++
					escaped = true
					continue
				}
				break
			}
			f := rec[i+1 : j-1]
			if escaped || bytes.Contains(f, []byte("\r\n")) {
				f = unquote(f)
			}
			dst = append(dst, f)
			if j == len(rec) {
				return dst, true
			}
			if rec[j] != comma {
				return dst, false // text after the closing quote
			}
			i = j + 1
			continue
		}
		end := len(rec)
		if k := bytes.IndexByte(rec[i:], comma); k >= 0 {
			end = i + k
		}
		f := rec[i:end]
		if bytes.IndexByte(f, '"') >= 0 {
			return dst, false // a bare quote
		}
		dst = append(dst, f)
		if end == len(rec) {
			return dst, true
		}
		i = end + 1
	}
}

// unquote returns a copy of the inside of a quoted field with each doubled
// quote made one and each CRLF made LF.
func unquote(f []byte) []byte {
	out := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '"' && i+1 < len(f) && f[i+1] == '"':
			out = append(out, '"')
			i++
		case f[i] == '\r' && i+1 < len(f) && f[i+1] == '\n':
			out = append(out, '\n')
			i++
		default:
			out = append(out, f[i])
		}
	}
	return out
}
