package crm

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// readAllRecords splits s with records, copying each record's fields.
func readAllRecords(s string) ([][]string, error) {
	r := newRecords(strings.NewReader(s), ',')
	var out [][]string
	for {
		f, err := r.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		row := make([]string, len(f))
		for i, b := range f {
			row[i] = string(b)
		}
		out = append(out, row)
	}
}

// stdRecords splits s with encoding/csv, the second method.
func stdRecords(s string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

var csvCases = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n1,2\r\n",
	"a,b\n\n\n1,2",
	"\"a,1\",\"b \"\"q\"\"\"\n",
	"\"multi\nline\",x\n",
	"\"multi\r\nline\",x\r\n",
	"a,,\n,,\n",
	"\"\",\"\"\n",
	"a,b\r",
	"\ufeffa,b\n1,2\n",
	"x\n\"y\"\n",
	"a,\"b\"\n",
	"a,\"\"\n",
	"\"\n\n\",z\n",
}

func TestRecordsMatchEncodingCSV(t *testing.T) {
	for _, in := range csvCases {
		want, err := stdRecords(in)
		if err != nil {
			t.Fatalf("encoding/csv(%q): %v", in, err)
		}
		if strings.HasPrefix(in, "\ufeff") {
			// encoding/csv keeps the byte order mark; records drops it.
			want[0][0] = strings.TrimPrefix(want[0][0], "\ufeff")
		}
		got, err := readAllRecords(in)
		if err != nil {
			t.Fatalf("records(%q): %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records(%q) mismatch (-encoding/csv +got):\n%s", in, diff)
		}
	}
}

func TestRecordsErrors(t *testing.T) {
	// Line is where the row starts (the RowError doc), which is where the
	// user must look; the line where the fault was found is in the text.
	tests := []struct {
		in   string
		line int
		text string
	}{
		{"a,b\nx\"y,z\n", 2, ""},                         // bare quote
		{"a,b\n\"x\"y,z\n", 2, ""},                       // text after a closing quote
		{"a,b\n\"open\n\nnever", 2, "(found at line 4)"}, // unterminated quote opened on line 2, input ends on line 4
		{"a,b\n\"x\ny\"z,w\n", 2, "(found at line 3)"},   // text after a quote closed on line 3 of a row from line 2
	}
	for _, tt := range tests {
		_, err := readAllRecords(tt.in)
		var re *RowError
		if !errors.As(err, &re) || !errors.Is(err, ErrMalformedRow) || re.Line != tt.line {
			t.Errorf("records(%q) error = %v, want ErrMalformedRow at line %d", tt.in, err, tt.line)
		}
		if err != nil && !strings.Contains(err.Error(), tt.text) {
			t.Errorf("records(%q) error = %v, want it to say %q", tt.in, err, tt.text)
		}
	}
}

// TestRecordsLongLine reads a line longer than the read buffer.
func TestRecordsLongLine(t *testing.T) {
	long := strings.Repeat("x", 200_000)
	got, err := readAllRecords("a,b\n" + long + ",\"" + long + "\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1][0] != long || got[1][1] != long {
		t.Errorf("long line not read back")
	}
}

// FuzzRecords checks records against encoding/csv: wherever encoding/csv
// reads the input, records reads the same fields.
func FuzzRecords(f *testing.F) {
	for _, c := range csvCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.HasPrefix(in, "\ufeff") {
			return
		}
		want, err := stdRecords(in)
		if err != nil {
			return
		}
		got, err := readAllRecords(in)
		if err != nil {
			t.Fatalf("records(%q): %v; encoding/csv read %q", in, err, want)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records(%q) mismatch (-encoding/csv +got):\n%s", in, diff)
		}
	})
}

var dateCases = []string{
	"2024-01-31T23:59:59Z", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10",
	"2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z", "2024-01-01T10:00:60Z",
	"2024-01-01T10:00:00+02:00", "2024-01-01T10:00:00.5Z", "2024-1-01", "0000-01-01", "abcd-ef-gh", "2024-01-01T10:00:00z",
	"0001-01-01", "0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00.000000001Z",
}

// TestDatesMatchTimePackage checks the allocation-free forms against the
// time package, the second method: the same instant, or both refusing.
func TestDatesMatchTimePackage(t *testing.T) {
	for _, s := range dateCases {
		checkDate(t, s)
	}
}

func checkDate(t *testing.T, s string) {
	t.Helper()
	got, err := Dates{}.parse([]byte(s))
	want, werr := time.Parse(time.RFC3339, s)
	if werr != nil {
		want, werr = time.Parse(time.DateOnly, s)
	}
	if werr == nil && want.IsZero() {
		// The zero time, which a deal cannot hold, is a bad date.
		if !errors.Is(err, ErrBadDate) || !errors.Is(err, funnel.ErrZeroDate) {
			t.Fatalf("parse(%q) = %v, %v; want an error wrapping ErrBadDate and ErrZeroDate", s, got, err)
		}
		return
	}
	if (err == nil) != (werr == nil) {
		t.Fatalf("parse(%q) error = %v, time package error = %v", s, err, werr)
	}
	if err != nil {
		if !errors.Is(err, ErrBadDate) {
			t.Errorf("parse(%q) error = %v, want ErrBadDate", s, err)
		}
		return
	}
	if !got.Equal(want) {
		t.Errorf("parse(%q) = %v, time package = %v", s, got, want)
	}
}

func FuzzDates(f *testing.F) {
	for _, s := range dateCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.TrimSpace(s) != s || s == "" {
			return
		}
		checkDate(t, s)
	})
}

func TestDatesLayoutsAndLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	d := Dates{Layouts: []string{"02.01.2006"}, Location: tokyo}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-03-05", time.Date(2024, 3, 5, 0, 0, 0, 0, tokyo)},                     // date alone: in the location
		{"05.03.2024", time.Date(2024, 3, 5, 0, 0, 0, 0, tokyo)},                     // the layout: in the location
		{"2024-03-05T00:00:00Z", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)},        // RFC 3339 keeps its zone
		{" 2024-03-05T09:00:00+09:00 ", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)}, // same instant as midnight UTC
	}
	for _, tt := range tests {
		got, err := d.Parse(tt.in)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := d.Parse("5 March 2024"); !errors.Is(err, ErrBadDate) {
		t.Errorf("Parse(5 March 2024) error = %v, want ErrBadDate", err)
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for missing; the decimal otherwise
		err  error
	}{
		{"", "", nil},
		{"  ", "", nil},
		{"0", "0", nil},
		{"1234.50", "1234.5", nil},
		{"$1,234.50", "1234.5", nil},
		{"€1,234,567.891", "1234567.891", nil},
		{"123,456.5", "123456.5", nil}, // a first group of three
		{"123,456", "123456", nil},
		{"£7", "7", nil},
		{"¥1,000", "1000", nil},
		{" 42 ", "42", nil},
		{"123456789012345678901234.5", "123456789012345678901234.5", nil}, // past int64: the slow path
		{"0.000000000000000000001", "", funnel.ErrOutOfRange},             // 21 places, past funnel.MaxAmountPlaces (18)
		{"-5", "", funnel.ErrNegativeAmount},
		{"$-5", "", ErrBadAmount},
		{"12,34", "", ErrBadAmount},
		{"1234,567", "", ErrBadAmount},
		{",123", "", ErrBadAmount},
		{"1,,234", "", ErrBadAmount},
		{"1,234,56.7", "", ErrBadAmount},
		{"1.", "", ErrBadAmount},
		{".5", "", ErrBadAmount},
		{"1.2.3", "", ErrBadAmount},
		{"1e5", "", ErrBadAmount},
		{"+5", "", ErrBadAmount},
		{"5$", "", ErrBadAmount},
		{"USD 5", "", ErrBadAmount},
		{"$ 5", "", ErrBadAmount},
		{"1.234,50", "", ErrBadAmount},
		{"$", "", ErrBadAmount},
		{"NaN", "", ErrBadAmount},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) || !errors.Is(err, ErrBadAmount) {
				t.Errorf("ParseAmount(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAmount(%q): %v", tt.in, err)
			continue
		}
		if tt.want == "" {
			if got.Valid {
				t.Errorf("ParseAmount(%q) = %v, want missing", tt.in, got.Decimal)
			}
			continue
		}
		if !got.Valid || !got.Decimal.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("ParseAmount(%q) = %v (valid %v), want %s", tt.in, got.Decimal, got.Valid, tt.want)
		}
	}
}

// FuzzParseAmount checks, for any input, that an accepted amount is not
// negative, passes funnel.CheckAmount and equals what decimal.NewFromString
// reads once the symbol and the separators are taken out (the second
// method), and that an amount refused as out of range is one that
// funnel.CheckAmount refuses too.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"", "0", "$1,234.50", "12,34", "-5", "1e5", "123456789012345678901234.5",
		"0.0000000000000000001", "1" + strings.Repeat("0", 36), "$1,000.0000000000000000000"} {
		f.Add(s)
	}
	clean := func(s string) string {
		c := strings.TrimSpace(s)
		for _, sym := range []string{"$", "€", "£", "¥"} {
			if rest, ok := strings.CutPrefix(c, sym); ok {
				c = rest
				break
			}
		}
		return strings.ReplaceAll(c, ",", "")
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAmount(s)
		if err != nil {
			if !errors.Is(err, ErrBadAmount) {
				t.Fatalf("ParseAmount(%q) error %v does not wrap ErrBadAmount", s, err)
			}
			if errors.Is(err, funnel.ErrOutOfRange) {
				d, derr := decimal.NewFromString(clean(s))
				if derr != nil || funnel.CheckAmount(d) == nil {
					t.Fatalf("ParseAmount(%q) = %v, but funnel.CheckAmount(%v) accepts it (%v)", s, err, d, derr)
				}
			}
			return
		}
		if got.Valid && funnel.CheckAmount(got.Decimal) != nil {
			t.Fatalf("ParseAmount(%q) = %v, which funnel.CheckAmount refuses", s, got.Decimal)
		}
		if !got.Valid {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("ParseAmount(%q) missing for a non-empty input", s)
			}
			return
		}
		if got.Decimal.IsNegative() {
			t.Fatalf("ParseAmount(%q) = %v, negative", s, got.Decimal)
		}
		want, err := decimal.NewFromString(clean(s))
		if err != nil || !want.Equal(got.Decimal) {
			t.Fatalf("ParseAmount(%q) = %v, decimal reads %v (%v)", s, got.Decimal, want, err)
		}
	})
}

// TestEditDistance checks the Levenshtein distance on the textbook cases
// (kitten → sitting is 3: two substitutions and an insertion) and on runes
// outside ASCII, which count one each.
func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"déal", "deal", 1},
		{"deal_id", "deal id", 1},
	}
	for _, tt := range tests {
		if got := editDistance([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestNearest checks the order and the cut-off of the nearest names: by
// distance, ties in header order, at most n, and names that contain the
// one looked for even when far by edit distance.
func TestNearest(t *testing.T) {
	header := []string{"Stage", "Deal ID", "deal", "Opportunity Owner", " ", "Owner Role"}
	tests := []struct {
		name string
		n    int
		want []string
	}{
		// deal_id: "Deal ID" 1, "deal" 3 (cut-off 3); "Stage" is 6 away.
		{"deal_id", 3, []string{"Deal ID", "deal"}},
		{"deal_id", 1, []string{"Deal ID"}},
		// owner: cut-off 2; no name that close, but two contain it,
		// "Owner Role" (5 away) before "Opportunity Owner" (12).
		{"owner", 3, []string{"Owner Role", "Opportunity Owner"}},
		{"zzz", 3, []string{}},
		// "own" (3 runes, the shortest that counts) is in "Owner Role" and
		// "Opportunity Owner", 7 and 14 edits away; "ow" (2) is in them
		// too, but too short to count.
		{"own", 3, []string{"Owner Role", "Opportunity Owner"}},
		{"ow", 3, []string{}},
		// "stain" is 2 edits from "stage" (g→i, e→n), the cut-off for 5
		// runes, and contains no "stage": in by distance alone.
		{"stain", 3, []string{"Stage"}},
	}
	for _, tt := range tests {
		got := nearest(tt.name, header, tt.n)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("nearest(%q, %d) mismatch (-want +got):\n%s", tt.name, tt.n, diff)
		}
	}
}

// TestFastDate checks the allocation-free reader of 2006-01-02 and
// 2006-01-02T15:04:05Z on each side of every field's range, against the
// time package (the second method): it reads every valid date the time
// package reads, to the same instant, and refuses the others, so that
// nothing valid is left to the slow path.
func TestFastDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"0000-01-01", true}, {"9999-12-31", true}, {"2024-01-01", true}, {"2024-12-31", true},
		{"2024-02-29", true}, {"2000-02-29", true}, {"2023-02-28", true}, {"1900-02-28", true},
		{"2024-04-30", true}, {"2024-06-30", true}, {"2024-09-30", true}, {"2024-11-30", true},
		{"2024-01-31", true}, {"2024-03-31", true}, {"2024-10-09", true},
		{"2023-02-29", false}, {"1900-02-29", false}, {"2100-02-29", false}, {"2024-02-30", false},
		{"2024-04-31", false}, {"2024-06-31", false}, {"2024-09-31", false}, {"2024-11-31", false},
		{"2024-01-32", false}, {"2024-13-01", false}, {"2024-00-01", false}, {"2024-01-00", false},
		{"2024/01/01", false}, {"2024-01/01", false}, {"2024-0/-01", false}, {"2024-0:-01", false},
		{"/024-01-01", false}, {":024-01-01", false}, {"2024-01-0/", false}, {"2024-01-0:", false},
		{"2024-01-01T00:00:00Z", true}, {"2024-01-01T23:59:59Z", true}, {"2024-01-01T09:09:09Z", true},
		{"2024-01-01T24:00:00Z", false}, {"2024-01-01T23:60:00Z", false}, {"2024-01-01T23:59:60Z", false},
		{"2024-01-01T0/:00:00Z", false}, {"2024-01-01T00:0::00Z", false}, {"2024-01-01T00:00:/0Z", false},
		{"2024-01-01T00-00:00Z", false}, {"2024-01-01T00:00-00Z", false}, {"2024-02-30T00:00:00Z", false},
	}
	for _, tt := range tests {
		clock := len(tt.in) == 20
		got, ok := fastDate([]byte(tt.in), clock, time.UTC)
		layout := time.DateOnly
		if clock {
			layout = time.RFC3339
		}
		want, err := time.Parse(layout, tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("time.Parse(%q) error = %v, the table says ok %v", tt.in, err, tt.ok)
		}
		if ok != tt.ok || (ok && !got.Equal(want)) {
			t.Errorf("fastDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, want, tt.ok)
		}
	}
}

// TestReadersFastPaths checks the allocation counts that the readers'
// speed rests on: the two common date forms are read without allocating
// (Dates.parse), and an amount of up to 18 significant digits, the widest
// an int64 holds, costs no more than one of a single digit (the big-number
// path starts at 19).
func TestReadersFastPaths(t *testing.T) {
	for _, s := range []string{"2024-01-01", "0000-01-01", "9999-12-31", "2024-12-31T23:59:59Z", "2024-01-01T00:00:00Z"} {
		if n := testing.AllocsPerRun(100, func() { _, _ = Dates{}.parse([]byte(s)) }); n != 0 {
			t.Errorf("Dates.parse(%q) allocates %v times, want 0", s, n)
		}
	}
	one := testing.AllocsPerRun(100, func() { _, _ = parseAmount([]byte("7")) })
	for _, s := range []string{"999999999999999999", "1,000,000,000,000,000.00", "0.000000000000000001", "000000000000000000000000000123456789012345678"} {
		if n := testing.AllocsPerRun(100, func() { _, _ = parseAmount([]byte(s)) }); n > one {
			t.Errorf("parseAmount(%q) allocates %v times, more than the %v of one digit", s, n, one)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = parseAmount([]byte("9999999999999999999")) }); n <= one {
		t.Errorf("parseAmount of 19 digits allocates %v times, want more than %v: the test above cannot tell the paths apart", n, one)
	}
}
