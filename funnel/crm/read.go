package crm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
)

// Options are the settings that every reader shares. The zero Options
// reads comma-separated input, RFC 3339 and 2006-01-02 dates in UTC, the
// funnel's own stage names (ignoring case) plus "Closed Lost" and "Lost",
// and stops at the first bad row.
type Options struct {
	// Stages maps the export's stage names to the funnel; see [Stages].
	Stages Stages
	// Dates says how date cells are parsed; see [Dates].
	Dates Dates
	// Comma is the field separator; 0 means ','. It must be a single-byte
	// character other than '"', '\r' and '\n' (';' and '\t' are common).
	Comma rune
	// Lenient, when set, skips a row or deal that cannot be read, reports
	// it to OnSkip, and goes on. By default (strict) reading stops at the
	// first such row, whose error ends the sequence.
	Lenient bool
	// OnSkip receives each skipped row or deal in lenient mode, in input
	// order; it is required when Lenient is set, so that nothing is
	// dropped silently. A deal with one bad row is left out whole (its
	// other rows are not reported again); the error names the deal.
	// A row that is not valid CSV (a bad quote) or has no deal id cannot
	// be tied to a deal: it names none and is skipped alone.
	OnSkip func(*RowError)
	// OnNote receives each change the reader made to a deal that it kept,
	// such as a repeated row dropped; see [NoteKind]. Nil discards notes.
	OnNote func(Note)
}

// NoteKind says what a reader changed in, or noticed about, a deal that it
// kept.
type NoteKind int8

const (
	// NoteDuplicate is an event repeated at the same stage and the same
	// time; the repeat was dropped.
	NoteDuplicate NoteKind = iota
	// NoteReordered is a deal whose rows (long format) or stage dates
	// (wide format) were not in time order; its events were sorted by
	// time, so a stage dated before an earlier stage reads as a move back.
	NoteReordered
	// NoteNoAmount is a won deal without an amount; it is kept with its
	// Amount not Valid.
	NoteNoAmount
	// NoteReopened is a deal with a lost date whose lost flag says it is
	// not lost (wide format): it was reopened, and the stale lost date
	// was ignored.
	NoteReopened
	// NoteSameStage is a run of rows at one stage at different times (long
	// format), such as the row Salesforce's OpportunityHistory writes at
	// each change of amount or close date, or two stage names aliased to
	// one stage, or a lost deal edited after it closed (a run of lost
	// rows): one stay, kept as one event at the run's first time. The
	// note is at the first merged row and names every merged line.
	NoteSameStage
	// NoteDeleted is a row marked deleted ([LongColumns.Deleted]), left
	// out. A deal whose every row is deleted is not read; its notes are
	// all there is of it.
	NoteDeleted
	// NoteScattered is a deal whose rows are not together, found by
	// [Long.Tally] reading a history as grouped by deal (Scattered not
	// set): the input was read again as with Scattered, and this note, at
	// the first line where an id came back, reported before the reports
	// of that read, says so.
	NoteScattered
)

// String returns "duplicate", "reordered", "no-amount",
// "reopened", "same-stage", "deleted" or "scattered".
func (k NoteKind) String() string {
	switch k {
	case NoteSameStage:
		return "same-stage"
	case NoteDeleted:
		return "deleted"
	case NoteScattered:
		return "scattered"
	case NoteDuplicate:
		return "duplicate"
	case NoteReordered:
		return "reordered"
	case NoteNoAmount:
		return "no-amount"
	case NoteReopened:
		return "reopened"
	}
	return fmt.Sprintf("NoteKind(%d)", int8(k))
}

// MarshalText encodes the kind as its [NoteKind.String]; a kind out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k NoteKind) MarshalText() ([]byte, error) {
	b, ok := enum.Text(k, NoteScattered)
	if !ok {
		return nil, &funnel.InputError{Op: "crm", Name: "note kind", Value: strconv.Itoa(int(k)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// UnmarshalText decodes a kind from its [NoteKind.String]; any other text
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k *NoteKind) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, NoteScattered)
	if !ok {
		return &funnel.InputError{Op: "crm", Name: "note kind", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*k = v
	return nil
}

// Note records a change a reader made to a deal it kept, or a gap it
// noticed; a [NoteDeleted] may be about a deal that was not read.
type Note struct {
	Line   int      `json:"line"` // the line the note is about (for a deal, its first line)
	DealID string   `json:"deal_id"`
	Kind   NoteKind `json:"kind"`
	Detail string   `json:"detail"`
}

// Result is everything a ReadAll method read: the deals in input order,
// the rows or deals it skipped (lenient mode only) and its notes.
type Result struct {
	Deals   []funnel.Deal `json:"deals"`
	Skipped []*RowError   `json:"skipped,omitempty"`
	Notes   []Note        `json:"notes,omitempty"`
}

// none is the column name that says a role has no column.
const none = "-"

// ctxEvery is the number of records read between two checks of the
// context.
const ctxEvery = 4096

// errStopped tells a reader's loop that the consumer stopped iterating.
var errStopped = errors.New("crm: iteration stopped")

// errNeedLines tells a part read before its line numbers were known that
// it has something to report: it is read again with them (see
// [table.relLines]).
var errNeedLines = errors.New("crm: line numbers needed")

// errReturned tells a reader's caller that a deal id came back after its
// deal was read, in a reader told to stop there (it will read the input
// again as Scattered).
var errReturned = errors.New("crm: deal id came back")

// table is an opened input: its records, header and settings.
type table struct {
	rec    *records
	header []string
	hline  int // the header's line: 1 unless blank lines come first
	opt    Options
	lax    bool   // an optional column named and absent is absent, not an error
	used   []bool // header columns given a role
	in     interner
	texts  *textCache // in front of in
	months monthCache // of the event times read
	ctx    context.Context
	// tillCtx counts down the records left before ctx is checked again.
	tillCtx int
	// pending holds the notes about the deal being finished; they are
	// reported only when the deal is kept (see [table.check]).
	pending []Note
	stay    []int // scratch of [table.finish]: lines merged into one stay
	// idCol is the deal id column, -1 when none; badIDs are the ids of
	// rows with the wrong number of fields that next skipped since it
	// last returned, so that a reader can leave their deals out.
	idCol  int
	badIDs []string
	// out is where finished deals go.
	out *sink
	// halt, when set, ends reading at the next deal: see [table.note].
	halt error
	// relLines says the line numbers are not yet known (a part of the
	// input read in parallel, see tallyParts): any report ends reading
	// with errNeedLines, and the part is read again once they are.
	relLines bool
}

func (o Options) check() error {
	if o.Lenient && o.OnSkip == nil {
		return configErr("lenient mode without OnSkip would drop rows silently")
	}
	if o.Comma < 0 || o.Comma >= 0x80 || o.Comma == '"' || o.Comma == '\r' || o.Comma == '\n' {
		return configErr("separator %q: want a single-byte character other than quote and line end", o.Comma)
	}
	return nil
}

func checkFunnel(f funnel.Funnel) error {
	if f.Len() == 0 {
		return configErr("%w", funnel.ErrEmptyFunnel)
	}
	return nil
}

// open reads the header. A header error is never skipped.
func open(ctx context.Context, r io.Reader, o Options) (*table, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	comma := byte(',')
	if o.Comma != 0 {
		comma = byte(o.Comma)
	}
	t := &table{rec: newRecords(r, comma), opt: o, in: interner{}, ctx: ctx, idCol: -1, tillCtx: ctxEvery}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fields, err := t.rec.next()
	if err == io.EOF {
		return nil, &RowError{Line: 1, Err: fmt.Errorf("%w: no header", ErrMissingColumn)}
	}
	if err != nil {
		return nil, err
	}
	t.hline = t.rec.start
	t.header = make([]string, len(fields))
	seen := make(map[string]int, len(fields))
	for i, f := range fields {
		h := string(f)
		if j, ok := seen[h]; ok && h != "" {
			return nil, &RowError{Line: t.rec.start, Column: h, Err: fmt.Errorf("%w: columns %d and %d", ErrDuplicateColumn, j+1, i+1)}
		}
		seen[h] = i
		t.header[i] = h
	}
	t.used = make([]bool, len(fields))
	return t, nil
}

// col finds the column for a role: name, or def when name is "". It
// returns -1 when name is "-", or when the column is absent, the role is
// optional and the name is the default (or t.lax is set). Names match
// exactly first, then ignoring case and surrounding white space. A missing
// column's error lists the header's names nearest to it.
func (t *table) col(name, def string, required bool) (int, error) {
	explicit := name != ""
	if !explicit {
		name = def
	}
	if name == none {
		if required {
			return 0, configErr("a required column is mapped to %q", none)
		}
		return -1, nil
	}
	idx := -1
	for i, h := range t.header {
		if h == name {
			idx = i
			break
		}
	}
	if idx < 0 {
		k := strings.ToLower(strings.TrimSpace(name))
		for i, h := range t.header {
			if strings.ToLower(strings.TrimSpace(h)) == k {
				if idx >= 0 {
					return 0, &RowError{Line: t.hline, Column: name, Err: fmt.Errorf("%w: matches columns %d and %d once case and surrounding space are ignored", ErrDuplicateColumn, idx+1, i+1)}
				}
				idx = i
			}
		}
	}
	if idx < 0 {
		if required || (explicit && !t.lax) {
			return 0, t.missing(name, "not in the header")
		}
		return -1, nil
	}
	t.used[idx] = true
	return idx, nil
}

// missing returns the error for a column name the header lacks, with the
// header's names nearest to it (see [nearest]).
func (t *table) missing(name, why string) *RowError {
	if near := nearest(name, t.header, 3); len(near) > 0 {
		var b strings.Builder
		for i, h := range near {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(h))
		}
		why += "; nearest: " + b.String()
	}
	return &RowError{Line: t.hline, Column: name, Err: fmt.Errorf("%w: %s", ErrMissingColumn, why)}
}

// nearest returns up to n of the names closest to name, ignoring case and
// surrounding white space, nearest first (ties in input order): those
// within an edit distance (Levenshtein, in runes) of half name's length,
// at least 2, and those that contain name or are contained in it (of 3
// runes or more). Blank names are left out.
func nearest(name string, names []string, n int) []string {
	key := []rune(strings.ToLower(strings.TrimSpace(name)))
	limit := max(2, len(key)/2)
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, h := range names {
		k := strings.ToLower(strings.TrimSpace(h))
		if k == "" {
			continue
		}
		d := editDistance(key, []rune(k))
		contains := min(len(key), utf8.RuneCountInString(k)) >= 3 && (strings.Contains(k, string(key)) || strings.Contains(string(key), k))
		if d <= limit || contains {
			cs = append(cs, cand{h, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
	out := make([]string, 0, min(n, len(cs)))
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// editDistance returns the Levenshtein distance between a and b: the
// fewest insertions, deletions and substitutions of one rune that turn a
// into b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i, ra := range a {
		cur[0] = i + 1
		for j, rb := range b {
			sub := prev[j]
			if ra != rb {
				sub++
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// attrCols returns the columns without a role and with a name.
func (t *table) attrCols() []int {
	var a []int
	for i, u := range t.used {
		if !u && strings.TrimSpace(t.header[i]) != "" {
			a = append(a, i)
		}
	}
	return a
}

// next returns the next record with the header's number of fields. Bad
// records go to skip; io.EOF ends the input. A record with the wrong
// number of fields but a deal id cell names that deal, whose id is added
// to badIDs.
func (t *table) next() ([][]byte, error) {
	t.badIDs = t.badIDs[:0]
	for {
		fields, err := t.rec.next()
		if err != io.EOF {
			// Every record counts, bad ones too, so that a long run of
			// malformed rows in lenient mode still sees a cancellation.
			t.tillCtx--
			if t.tillCtx <= 0 {
				t.tillCtx = ctxEvery
				if err := t.ctx.Err(); err != nil {
					return nil, err
				}
			}
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				if err := t.skip(re); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		if len(fields) != len(t.header) {
			err := &RowError{Line: t.rec.start, Err: fmt.Errorf("%w: %d fields, the header has %d", ErrMalformedRow, len(fields), len(t.header))}
			if t.idCol >= 0 && t.idCol < len(fields) {
				err.DealID = string(cell(fields, t.idCol)) // "" names no deal
				t.badIDs = append(t.badIDs, err.DealID)
			}
			if err := t.skip(err); err != nil {
				return nil, err
			}
			continue
		}
		return fields, nil
	}
}

// skip reports a bad row: in strict mode it is returned as the error that
// ends reading; in lenient mode it goes to OnSkip.
func (t *table) skip(e *RowError) error {
	if t.relLines {
		return errNeedLines
	}
	if !t.opt.Lenient {
		return e
	}
	t.opt.OnSkip(e)
	return nil
}

func (t *table) note(n Note) {
	if t.opt.OnNote == nil {
		return
	}
	if t.relLines {
		t.halt = errNeedLines
		return
	}
	t.opt.OnNote(n)
}

// cellErr returns a *RowError for cell i of the current record, fields,
// with the cell's text as it stands in the file (surrounding space
// included).
func (t *table) cellErr(fields [][]byte, i int, id string, err error) *RowError {
	return &RowError{Line: t.rec.start, Column: t.header[i], Value: string(fields[i]), DealID: id, Err: err}
}

// seq turns a reader's loop into a sequence: the loop yields deals through
// emit and returns the error that ended it, nil at the end of the input.
func seq[T any](run func(emit func(T) error) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		err := run(func(v T) error {
			if !yield(v, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && err != errStopped {
			var zero T
			yield(zero, err)
		}
	}
}

// collect gathers a sequence with the options' callbacks chained.
func collect(o *Options, read func(Options) iter.Seq2[funnel.Deal, error]) (Result, error) {
	var res Result
	opt := *o
	userSkip, userNote := o.OnSkip, o.OnNote
	opt.OnSkip = func(e *RowError) {
		res.Skipped = append(res.Skipped, e)
		if userSkip != nil {
			userSkip(e)
		}
	}
	opt.OnNote = func(n Note) {
		res.Notes = append(res.Notes, n)
		if userNote != nil {
			userNote(n)
		}
	}
	for d, err := range read(opt) {
		if err != nil {
			return res, err
		}
		res.Deals = append(res.Deals, d)
	}
	return res, nil
}
