package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// TestParseAmountBounds checks ParseAmount on each side of funnel's
// bounds on an amount (MaxAmountDigits = 36 digits before the point,
// MaxAmountPlaces = 18 places, counted as written, trailing zeros
// included) against the second method, funnel.CheckAmount of the decimal
// that decimal.NewFromString reads from the same text less its symbol and
// separators: ParseAmount accepts exactly what CheckAmount accepts.
func TestParseAmountBounds(t *testing.T) {
	nines := func(n int) string { return strings.Repeat("9", n) }
	tests := []struct {
		in, clean string
		ok        bool
	}{
		{nines(36), nines(36), true},                           // below 10^36
		{nines(37), nines(37), false},                          // 37 digits
		{"1" + strings.Repeat("0", 36), "1e36", false},         // 10^36 itself
		{nines(36) + ".5", nines(36) + ".5", true},             // 36 digits and a place
		{"000" + nines(36), nines(36), true},                   // leading zeros are no digits
		{nines(18), nines(18), true},                           // the int64 path's last width
		{nines(19), nines(19), true},                           // past int64: the slow path
		{"0." + nines(18), "0." + nines(18), true},             // 18 places
		{"0." + nines(19), "0." + nines(19), false},            // 19 places
		{"0.000000000000000001", "0.000000000000000001", true}, // 10^-18
		{"0.0000000000000000001", "1e-19", false},              // 10^-19
		{"1.000000000000000000", "1.000000000000000000", true}, // 18 places, trailing zeros
		{"1.0000000000000000000", "1.0000000000000000000", false},
		{"0." + strings.Repeat("0", 18), "0.000000000000000000", true},
		{"0." + strings.Repeat("0", 19), "0.0000000000000000000", false},
		{"$" + "9" + strings.Repeat(",999", 11) + ".25", nines(34) + ".25", true},
		{"€1" + strings.Repeat(",000", 12), "1e36", false},
		{nines(30) + "." + nines(18), nines(30) + "." + nines(18), true}, // 48 digits, both bounds met
		{nines(30) + "." + nines(19), nines(30) + "." + nines(19), false},
	}
	for _, tt := range tests {
		want := decimal.RequireFromString(tt.clean)
		if got := funnel.CheckAmount(want) == nil; got != tt.ok {
			t.Fatalf("funnel.CheckAmount(%s) ok = %v, the table says %v", tt.clean, got, tt.ok)
		}
		got, err := crm.ParseAmount(tt.in)
		if !tt.ok {
			if !errors.Is(err, crm.ErrBadAmount) || !errors.Is(err, funnel.ErrOutOfRange) {
				t.Errorf("ParseAmount(%q) = %v, %v; want an error wrapping ErrBadAmount and ErrOutOfRange", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Valid || !got.Decimal.Equal(want) || got.Decimal.Exponent() != want.Exponent() {
			t.Errorf("ParseAmount(%q) = %v (valid %v, exponent %d), %v; want %v (exponent %d)", tt.in, got.Decimal, got.Valid, got.Decimal.Exponent(), err, want, want.Exponent())
		}
	}
}

// TestParseAmountText checks that an amount out of range is named as
// written, with the bound it passes, once.
func TestParseAmountText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0.0000000000000000001", `crm: amount "0.0000000000000000001": bad amount: value out of range: 19 decimal places, more than 18`},
		{" 1" + strings.Repeat("0", 36) + " ", `crm: amount " 1000000000000000000000000000000000000 ": bad amount: value out of range: 37 digits before the point, more than 36`},
		{"-0.5", `crm: amount "-0.5": bad amount: negative amount`},
	}
	for _, tt := range tests {
		_, err := crm.ParseAmount(tt.in)
		if diff := cmp.Diff(tt.want, fmt.Sprint(err)); diff != "" {
			t.Errorf("ParseAmount(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestDatesZeroTime checks that a date the model cannot hold, Go's zero
// time (0001-01-01T00:00:00Z, which funnel reads as "unknown"), is a bad
// date wrapping funnel.ErrZeroDate however it is written, while the
// instants next to it are read.
func TestDatesZeroTime(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		d    crm.Dates
		in   string
		want time.Time // zero: the error
	}{
		{crm.Dates{}, "0001-01-01", time.Time{}},
		{crm.Dates{}, "0001-01-01T00:00:00Z", time.Time{}},
		{crm.Dates{}, "0001-01-01T00:00:00.000Z", time.Time{}},
		{crm.Dates{}, "0001-01-01T09:00:00+09:00", time.Time{}}, // the same instant
		{crm.Dates{Layouts: []string{"01/02/2006"}}, "01/01/0001", time.Time{}},
		{crm.Dates{}, "0001-01-01T00:00:01Z", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)},
		{crm.Dates{}, "0001-01-02", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)},
		{crm.Dates{}, "0001-01-01T08:59:59+09:00", time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC)},
		{crm.Dates{}, "0000-12-31", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)},
		// Midnight in Tokyo is 15:00 UTC the day before: not the zero time.
		{crm.Dates{Location: tokyo}, "0001-01-01", time.Date(0, 12, 31, 15, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := tt.d.Parse(tt.in)
		if tt.want.IsZero() {
			if !errors.Is(err, crm.ErrBadDate) || !errors.Is(err, funnel.ErrZeroDate) {
				t.Errorf("Parse(%q) = %v, %v; want an error wrapping ErrBadDate and ErrZeroDate", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	_, err := crm.Dates{}.Parse("0001-01-01")
	const want = `crm: date "0001-01-01": bad date: zero date: 0001-01-01T00:00:00Z stands for no date`
	if diff := cmp.Diff(want, fmt.Sprint(err)); diff != "" {
		t.Errorf("Parse error mismatch (-want +got):\n%s", diff)
	}
}

// TestZeroValues calls the methods of the package's exported types on
// zero and nil values: a sane answer, never a panic.
func TestZeroValues(t *testing.T) {
	var nilErr *crm.RowError
	texts := []struct{ got, want string }{
		{nilErr.Error(), "crm: <nil>"},
		{(&crm.RowError{}).Error(), "crm: <nil>"},
		{(&crm.RowError{Line: 3}).Error(), "crm: line 3: <nil>"},
		{(&crm.RowError{Column: "amount"}).Error(), `crm: column "amount" = "": <nil>`},
		{crm.NoteKind(-1).String(), "NoteKind(-1)"},
		{crm.NoteKind(0).String(), "duplicate"},
	}
	for i, tt := range texts {
		if tt.got != tt.want {
			t.Errorf("text %d = %q, want %q", i, tt.got, tt.want)
		}
	}
	if err := nilErr.Unwrap(); err != nil {
		t.Errorf("(*RowError)(nil).Unwrap() = %v, want nil", err)
	}
	for _, tt := range []struct {
		e    *crm.RowError
		want string
	}{{nil, "null"}, {&crm.RowError{Line: 3}, `{"line":3,"error":"\u003cnil\u003e"}`}} {
		b, err := tt.e.MarshalJSON()
		if err != nil || string(b) != tt.want {
			t.Errorf("(%v).MarshalJSON() = %s, %v; want %s", tt.e, b, err, tt.want)
		}
	}
	ctx := context.Background()
	for name, read := range map[string]func() error{
		"Long":     func() error { _, err := crm.Long{}.ReadAll(ctx, strings.NewReader(longHeader)); return err },
		"Wide":     func() error { _, err := crm.Wide{}.ReadAll(ctx, strings.NewReader(wideHeader)); return err },
		"Snapshot": func() error { _, err := crm.Snapshot{}.ReadAll(ctx, strings.NewReader("deal_id,stage\n")); return err },
	} {
		if err := read(); !errors.Is(err, crm.ErrBadConfig) || !errors.Is(err, funnel.ErrEmptyFunnel) {
			t.Errorf("zero %s: error = %v, want ErrBadConfig and ErrEmptyFunnel", name, err)
		}
	}
	res, err := crm.ActivityLog{}.ReadAll(ctx, strings.NewReader("deal_id,at\nD1,2024-01-01\n"))
	want := crm.ActivityResult{Activities: []funnel.Activity{{DealID: "D1", At: day(1)}}}
	if err != nil || !cmp.Equal(want, res) {
		t.Errorf("zero ActivityLog: %+v, %v; want %+v", res, err, want)
	}
	if got, err := crm.Attach(nil, nil); err != nil || len(got.Deals) != 0 || len(got.Unmatched) != 0 {
		t.Errorf("Attach(nil, nil) = %+v, %v", got, err)
	}
	if got, err := (crm.Dates{}).Parse(""); !errors.Is(err, crm.ErrBadDate) || !got.IsZero() {
		t.Errorf(`Dates{}.Parse("") = %v, %v; want ErrBadDate`, got, err)
	}
}

// TestNoteKindDecode walks the decode paths of NoteKind: its text alone
// and inside a Note's JSON. Every failure names the note kind and the
// text, wraps funnel.ErrOutOfRange and leaves the kind as it was.
func TestNoteKindDecode(t *testing.T) {
	for _, in := range []string{"", "Duplicate", "dup", "same_stage", " deleted", "deleted ", "6", "NoteKind(6)", "no-amount\x00", "\xff"} {
		k := crm.NoteReopened
		err := k.UnmarshalText([]byte(in))
		var ie *funnel.InputError
		if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &ie) {
			t.Errorf("UnmarshalText(%q) error = %v, want a *funnel.InputError wrapping ErrOutOfRange", in, err)
			continue
		}
		want := funnel.InputError{Op: "crm", Name: "note kind", Value: strconv.Quote(in), Err: funnel.ErrOutOfRange}
		if diff := cmp.Diff(want, *ie, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("UnmarshalText(%q) mismatch (-want +got):\n%s", in, diff)
		}
		if k != crm.NoteReopened {
			t.Errorf("UnmarshalText(%q) changed the kind to %v", in, k)
		}
	}
	var n crm.Note
	err := json.Unmarshal([]byte(`{"line":2,"deal_id":"A","kind":"bogus","detail":""}`), &n)
	const want = `crm: note kind = "bogus": value out of range`
	if !errors.Is(err, funnel.ErrOutOfRange) || fmt.Sprint(err) != want {
		t.Errorf("json.Unmarshal(Note) error = %v, want %s wrapping ErrOutOfRange", err, want)
	}
}

// historyRows makes a long history of n deals with the bench generator's
// ways and more: stage names in any case, repeated rows and stays, lost
// rows, deleted rows, amounts and expected closes that change, an
// attribute column, and a few bad rows (an unknown stage, an amount out
// of range). Each deal's rows are in time order except in about one deal
// in ten. It returns the deals' rows, grouped by deal.
func historyRows(n int, seed uint64) [][]string {
	rng := rand.New(rand.NewPCG(seed, 7))
	names := sales.Stages()
	spell := func(s string) string {
		switch rng.IntN(4) {
		case 0:
			return strings.ToLower(s)
		case 1:
			return strings.ToUpper(s)
		}
		return s
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var deals [][]string
	for d := range n {
		owner := fmt.Sprintf("o%d", rng.IntN(7))
		var rows []string
		at := t0.Add(time.Duration(rng.IntN(1000)) * time.Hour)
		amt := strconv.Itoa(100 + rng.IntN(900))
		row := func(stage string) {
			cells := []string{fmt.Sprintf("D%d", d), owner, stage, at.Format(time.RFC3339), amt, "", "", ""}
			if rng.IntN(3) == 0 {
				cells[5] = at.AddDate(0, 1, 0).Format(time.DateOnly) // expected close
			}
			if rng.IntN(2) == 0 {
				cells[6] = strconv.Itoa(rng.IntN(100)) // prob
			}
			if rng.IntN(12) == 0 {
				cells[7] = "true" // deleted
			}
			rows = append(rows, strings.Join(cells, ","))
			if rng.IntN(5) > 0 {
				at = at.Add(time.Duration(1+rng.IntN(100)) * time.Hour)
			}
			if rng.IntN(4) == 0 {
				amt = strconv.Itoa(100 + rng.IntN(900))
			}
		}
		s := 0
		row(spell(names[0]))
		for {
			r := rng.IntN(20)
			switch {
			case r == 0:
				row("Nope")
			case r == 1:
				amt = "0." + strings.Repeat("1", 19)
				row(spell(names[s]))
				amt = "5"
			case r < 4:
				row(spell(names[s])) // another row of the stay, or a repeat
			case r < 7:
				row(spell("Closed Lost"))
			case r < 15 && s < len(names)-1:
				s = min(s+1+rng.IntN(5)/4, len(names)-1) // a skip one time in five
				row(spell(names[s]))
				continue
			}
			if r >= 4 || s == len(names)-1 || rng.IntN(3) == 0 {
				break
			}
		}
		if rng.IntN(10) == 0 {
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		}
		deals = append(deals, rows)
	}
	return deals
}

const historyHeader = "deal_id,owner,stage,entered_at,amount,expected_close,prob,deleted\n"

// TestScatteredMatchesContiguous checks the Scattered long reader, which
// holds every deal until the end, against the contiguous one, which holds
// one (the second method): on a grouped history both read the same deals,
// notes and skipped rows, lines and all; with the deals' rows interleaved
// (each deal's rows kept in order) Scattered reads the same deals again,
// in the order of their first rows, with the same kinds of notes and the
// same reasons for skips.
func TestScatteredMatchesContiguous(t *testing.T) {
	deals := historyRows(400, 1)
	var grouped strings.Builder
	grouped.WriteString(historyHeader)
	for _, rows := range deals {
		for _, r := range rows {
			grouped.WriteString(r + "\n")
		}
	}
	// Interleave: deals in blocks of 9, their rows taken in turn, so each
	// deal keeps its order and its first row keeps its rank.
	var mixed strings.Builder
	mixed.WriteString(historyHeader)
	for b := 0; b < len(deals); b += 9 {
		block := slices.Clone(deals[b:min(b+9, len(deals))])
		for more := true; more; {
			more = false
			for i := range block {
				if len(block[i]) > 0 {
					mixed.WriteString(block[i][0] + "\n")
					block[i] = block[i][1:]
					more = true
				}
			}
		}
	}
	read := func(in string, scattered bool) crm.Result {
		rd := crm.Long{Funnel: sales, Scattered: scattered, Columns: crm.LongColumns{Deleted: "deleted"}, Options: crm.Options{Lenient: true}}
		res, err := rd.ReadAll(context.Background(), strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	contiguous, scattered, mixedRes := read(grouped.String(), false), read(grouped.String(), true), read(mixed.String(), true)
	if len(contiguous.Deals) < 200 || len(contiguous.Skipped) < 20 || len(contiguous.Notes) < 100 {
		t.Fatalf("the history reads as %d deals, %d skips, %d notes: too few to test", len(contiguous.Deals), len(contiguous.Skipped), len(contiguous.Notes))
	}
	if diff := cmp.Diff(contiguous, scattered, dealOpts, cmp.Comparer(func(a, b *crm.RowError) bool { return a.Error() == b.Error() })); diff != "" {
		t.Errorf("Scattered on grouped rows mismatch (-contiguous +scattered):\n%s", diff)
	}
	if diff := cmp.Diff(contiguous.Deals, mixedRes.Deals, dealOpts); diff != "" {
		t.Errorf("Scattered on interleaved rows: deals mismatch (-contiguous +scattered):\n%s", diff)
	}
	kinds := func(res crm.Result) []string {
		var k []string
		for _, n := range res.Notes {
			k = append(k, n.DealID+" "+n.Kind.String())
		}
		for _, s := range res.Skipped {
			k = append(k, s.DealID+" "+s.Column+" = "+s.Value)
		}
		slices.Sort(k)
		return k
	}
	if diff := cmp.Diff(kinds(contiguous), kinds(mixedRes)); diff != "" {
		t.Errorf("Scattered on interleaved rows: notes and skips mismatch (-contiguous +scattered):\n%s", diff)
	}
}

// TestScatteredKeepsZones checks that the Scattered reader gives each
// event the time it was written in, zone and all, as the contiguous reader
// does (the second method): cmp compares times with Equal, which ignores
// the zone, so this compares their text, which shows it.
func TestScatteredKeepsZones(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600) // no zone database here
	}
	in := longHeader +
		"A,ann,Lead,2024-01-01,5\n" + // the reader's Location
		"A,ann,Qualified,2024-07-01T10:00:00+02:00,5\n" + // an offset: a fixed zone
		"A,ann,Meeting,2024-07-02T10:00:00.123456789-05:00,5\n" +
		"A,ann,Proposal,2024-07-03T10:00:00+02:00,5\n" + // the first offset again
		"B,bob,Lead,2024-07-04T10:00:00Z,5\n" + // UTC
		"B,bob,Qualified,2024-07-05,5\n"
	for _, loc := range []*time.Location{nil, tokyo, ny} {
		text := func(scattered bool) []string {
			rd := crm.Long{Funnel: sales, Scattered: scattered, Options: crm.Options{Dates: crm.Dates{Location: loc}}}
			res, err := rd.ReadAll(context.Background(), strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, d := range res.Deals {
				for _, e := range d.Events {
					s = append(s, e.At.String())
				}
			}
			return s
		}
		want, got := text(false), text(true)
		if len(want) != 6 {
			t.Fatalf("contiguous reader read %d events, want 6", len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Location %v: event times mismatch (-contiguous +scattered):\n%s", loc, diff)
		}
	}
}
