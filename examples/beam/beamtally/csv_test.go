package beamtally

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// record is a record the scanner returned, with its line.
type record struct {
	Text string
	Line int
}

func scanAll(t testing.TB, in string) []record {
	t.Helper()
	sc := newScanner(strings.NewReader(in))
	var out []record
	for {
		rec, line, err := sc.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("scanner(%q): %v", in, err)
		}
		out = append(out, record{string(rec), line})
	}
}

func TestScanner(t *testing.T) {
	// Expected records and lines worked by hand from the input: lines are
	// counted from 1 at each line end, blank lines counted and skipped.
	tests := []struct {
		name string
		in   string
		want []record
	}{
		{"empty", "", nil},
		{"blank lines only", "\n\r\n\n", nil},
		{"lf", "h\na\nb\n", []record{{"h", 1}, {"a", 2}, {"b", 3}}},
		{"no final line end", "h\na", []record{{"h", 1}, {"a", 2}}},
		{"crlf", "h\r\na\r\n", []record{{"h", 1}, {"a", 2}}},
		{"trailing cr at the end", "h\na\r", []record{{"h", 1}, {"a", 2}}},
		{"bom", "\xef\xbb\xbfh\na\n", []record{{"h", 1}, {"a", 2}}},
		{"bom on a blank first line", "\xef\xbb\xbf\nh\n", []record{{"h", 2}}},
		{"blank lines between", "h\n\na\n\n\nb\n", []record{{"h", 1}, {"a", 3}, {"b", 6}}},
		// "x\ny" is one quoted field over lines 2 and 3; b starts on 4.
		{"quoted line break", "h\n\"x\ny\",1\nb\n", []record{{"h", 1}, {"\"x\ny\",1", 2}, {"b", 4}}},
		{"quoted crlf kept as written", "h\r\n\"x\r\ny\"\r\nb\r\n", []record{{"h", 1}, {"\"x\r\ny\"", 2}, {"b", 4}}},
		// An escaped quote is two quotes: the count stays even.
		{"escaped quote", "\"a\"\"b\",c\nd\n", []record{{"\"a\"\"b\",c", 1}, {"d", 2}}},
		// An unterminated quote runs to the end of the input.
		{"unterminated quote", "h\n\"x\nb\n", []record{{"h", 1}, {"\"x\nb", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanAll(t, tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanner(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestScannerLongLine(t *testing.T) {
	// A record longer than the reader's buffer (64 KiB) comes back whole.
	long := strings.Repeat("x", 200<<10)
	got := scanAll(t, "h\n"+long+"\nz\n")
	want := []record{{"h", 1}, {long, 2}, {"z", 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scanner mismatch (-want +got):\n%s", diff)
	}
}

func TestSplitRecord(t *testing.T) {
	// Expected fields worked by hand from RFC 4180; the fuzz target below
	// checks the same against encoding/csv.
	tests := []struct {
		name   string
		rec    string
		comma  byte
		want   []string
		wantOK bool
	}{
		{"plain", "a,b,c", ',', []string{"a", "b", "c"}, true},
		{"empty fields", ",,", ',', []string{"", "", ""}, true},
		{"one field", "abc", ',', []string{"abc"}, true},
		{"quoted comma", `"a,b",c`, ',', []string{"a,b", "c"}, true},
		{"escaped quote", `"a""b",c`, ',', []string{`a"b`, "c"}, true},
		{"quoted line break, crlf read as lf", "\"a\r\nb\",c", ',', []string{"a\nb", "c"}, true},
		{"empty quoted", `"",x`, ',', []string{"", "x"}, true},
		{"trailing comma after quote", `"a",`, ',', []string{"a", ""}, true},
		{"semicolon", "a;b,c", ';', []string{"a", "b,c"}, true},
		{"space kept", " a , b ", ',', []string{" a ", " b "}, true},
		{"bare quote", `a"b,c`, ',', nil, false},
		{"space before quote", ` "a",b`, ',', nil, false},
		{"text after closing quote", `"a"b,c`, ',', nil, false},
		{"never closed", `"abc`, ',', nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, ok := splitRecord(nil, []byte(tt.rec), tt.comma)
			if ok != tt.wantOK {
				t.Fatalf("splitRecord(%q) ok = %v, want %v", tt.rec, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			got := make([]string, len(fields))
			for i, f := range fields {
				got[i] = string(f)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitRecord(%q) mismatch (-want +got):\n%s", tt.rec, diff)
			}
		})
	}
}

// FuzzScanner checks the scanner and splitRecord against encoding/csv, which
// the crm readers follow: on any input encoding/csv reads without an error,
// the records, their fields and their lines must be the same. Whatever the
// input, nothing panics and every record's line is after the one before.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		"h\na\nb\n", "h\r\na\r\n", "h\n\"x\ny\",1\nb\n", "\"a\"\"b\",c\nd\n", "a,b\n\n\nc,d",
		"deal_id,owner,stage\nD1,\"o, p\",Lead\n", "h\n\"x\nb\n", "a\"b\n", "\"a\"b\n", "x\r", "\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got []record
		var gotFields [][]string
		sc := newScanner(strings.NewReader(in))
		prev := 0
		for {
			rec, line, err := sc.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("scanner: %v", err)
			}
			if line <= prev {
				t.Fatalf("record at line %d after one at line %d", line, prev)
			}
			prev = line
			got = append(got, record{string(rec), line})
			fields, ok := splitRecord(nil, rec, ',')
			if !ok {
				gotFields = append(gotFields, nil)
				continue
			}
			fs := make([]string, len(fields))
			for i, f := range fields {
				fs[i] = string(f)
			}
			gotFields = append(gotFields, fs)
		}
		if strings.HasPrefix(in, bom) {
			return // encoding/csv keeps a byte order mark
		}
		r := csv.NewReader(strings.NewReader(in))
		r.FieldsPerRecord = -1
		var want [][]string
		var wantLines []int
		for {
			fs, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // not valid CSV: only the crm reader's error matters then
			}
			line, _ := r.FieldPos(0)
			want = append(want, fs)
			wantLines = append(wantLines, line)
		}
		if len(want) != len(got) {
			t.Fatalf("%d records, encoding/csv reads %d: %q", len(got), len(want), in)
		}
		for i := range want {
			if got[i].Line != wantLines[i] {
				t.Errorf("record %d at line %d, encoding/csv says %d", i, got[i].Line, wantLines[i])
			}
			if diff := cmp.Diff(want[i], gotFields[i]); diff != "" {
				t.Errorf("record %d %q fields mismatch (-encoding/csv +splitRecord):\n%s", i, got[i].Text, diff)
			}
		}
	})
}

func TestUnquote(t *testing.T) {
	// Hand-worked: "" is one quote, CRLF is LF, a lone CR stays.
	got := string(unquote([]byte("a\"\"b\r\nc\rd")))
	if want := "a\"b\nc\rd"; got != want {
		t.Errorf("unquote = %q, want %q", got, want)
	}
	if n := countQuotes([]byte(`"a""b"`)); n != 4 {
		t.Errorf("countQuotes = %d, want 4", n)
	}
	if !bytes.Equal(unquote(nil), []byte{}) {
		t.Errorf("unquote(nil) is not empty")
	}
}
