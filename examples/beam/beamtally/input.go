package beamtally

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"

	// Local files; a program that reads gs:// or s3:// paths imports
	// those file systems too (see the command in the module's root).
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// Row is one record of a shard as the pipeline carries it from the read to
// the build of its deal. Shard and Line put the rows of a deal back in input
// order and name the place of an error.
type Row struct {
	Shard int    `json:"shard"` // index of the shard in Input.Shards
	Line  int    `json:"line"`  // line of the shard where the record starts (1-based; the header's is 1 unless blank lines come first)
	Text  string `json:"text"`  // the record as written, or several consecutive records of one deal, without the final line end
}

// Input is the shards of one run and the header they share. Open makes it;
// the pipeline's DoFns carry it to the workers (as JSON: the paths must be
// valid UTF-8).
//
// The shards are taken to be one history cut in pieces, in order: the input
// order of the rows of a deal that spans shards is shard order, then line
// order. That order matters only where the crm reader's rules use it (the
// last non-empty owner or amount of a deal wins; rows at the same time keep
// input order).
type Input struct {
	Config Config   `json:"config"`
	Shards []string `json:"shards"`
	// Header is the header record of the first shard that has one, as
	// written (its byte order mark and line end removed); every other
	// non-empty shard must start with the same fields.
	Header []byte `json:"header"`
	// HeaderShard and HeaderLine say where Header was read.
	HeaderShard int `json:"header_shard"`
	HeaderLine  int `json:"header_line"`
}

// Open expands the patterns into shards and reads the header of the first
// non-empty one, checking it and the configuration with the crm reader
// (crm.Long.Deals on the header alone), so that a missing column or a bad
// configuration is reported before a pipeline is built.
//
// A pattern with a glob character (*, ?, [) is expanded by the Beam file
// system of its scheme (local files here; gs://, s3:// where the program
// imports them), its matches sorted by name; any other pattern is a path
// as it is. Shards are in the order of the patterns. Open reads the shards
// up to the first non-empty one; the pipeline reads them all (a shard that
// cannot be opened fails it then). Empty shards are allowed (a split may
// make them); an input whose every shard is empty gets the crm reader's
// error for a missing header.
//
// It returns a *funnel.InputError wrapping ErrNoShard (no pattern, a
// pattern that matches nothing or that the file system of its scheme cannot
// expand) or ErrDuplicateShard (a file named twice),
// a *ShardError around the file system's error or the crm reader's error
// for the header (crm.ErrMissingColumn, crm.ErrDuplicateColumn,
// crm.ErrBadConfig, crm.ErrMalformedRow), or Config.Reader's error. The
// patterns are not modified.
func Open(ctx context.Context, cfg Config, patterns ...string) (Input, error) {
	in := Input{Config: cfg}
	if len(patterns) == 0 {
		return Input{}, &funnel.InputError{Op: "beamtally.Open", Name: "patterns", Err: ErrNoShard}
	}
	seen := make(map[string]bool)
	for i, p := range patterns {
		names := []string{p}
		if strings.ContainsAny(p, "*?[") {
			var err error
			if names, err = list(ctx, p); err != nil {
				return Input{}, &funnel.InputError{Op: "beamtally.Open", Name: fmt.Sprintf("patterns[%d]", i), Value: p, Err: fmt.Errorf("%w: %v", ErrNoShard, err)}
			}
			if len(names) == 0 {
				return Input{}, &funnel.InputError{Op: "beamtally.Open", Name: fmt.Sprintf("patterns[%d]", i), Value: p, Err: fmt.Errorf("%w: the pattern matches no file", ErrNoShard)}
			}
		}
		for _, n := range names {
			if seen[n] {
				return Input{}, &funnel.InputError{Op: "beamtally.Open", Name: fmt.Sprintf("patterns[%d]", i), Value: n, Err: ErrDuplicateShard}
			}
			seen[n] = true
			in.Shards = append(in.Shards, n)
		}
	}
	found := false
	for i, name := range in.Shards {
		rec, line, err := firstRecord(ctx, name)
		if err != nil {
			return Input{}, &ShardError{Shard: name, Err: err}
		}
		if rec != nil {
			in.Header, in.HeaderShard, in.HeaderLine, found = rec, i, line, true
			break
		}
	}
	if !found {
		// Every shard is empty: the reader's own error for that.
		long, err := cfg.Reader()
		if err != nil {
			return Input{}, err
		}
		for _, err := range long.Deals(ctx, strings.NewReader("")) {
			if err != nil {
				return Input{}, &ShardError{Shard: in.Shards[0], Err: err}
			}
		}
		return Input{}, &ShardError{Shard: in.Shards[0], Err: &crm.RowError{Line: 1, Err: fmt.Errorf("%w: no header", crm.ErrMissingColumn)}}
	}
	if _, err := in.plan(ctx); err != nil {
		return Input{}, err
	}
	return in, nil
}

// list expands a glob pattern with the Beam file system of its scheme.
func list(ctx context.Context, pattern string) ([]string, error) {
	fs, err := filesystem.New(ctx, pattern)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	names, err := fs.List(ctx, pattern)
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

// open opens a shard with the Beam file system of its scheme.
func open(ctx context.Context, name string) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, name)
	if err != nil {
		fs.Close()
		return nil, err
	}
	return readCloser{r, fs}, nil
}

// readCloser closes a file and then its file system.
type readCloser struct {
	io.ReadCloser
	fs io.Closer
}

func (r readCloser) Close() error {
	err := r.ReadCloser.Close()
	if e := r.fs.Close(); err == nil {
		err = e
	}
	return err
}

// firstRecord returns a copy of the first non-empty record of a shard and
// its line, or nil for an empty shard.
func firstRecord(ctx context.Context, name string) ([]byte, int, error) {
	r, err := open(ctx, name)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	rec, line, err := newScanner(r).next()
	if err == io.EOF {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return bytes.Clone(rec), line, nil
}

// ReadShard reads shard number shard of the input from r and calls emit with
// its records and their deal id as the crm reader reads it (the id cell,
// unquoted, surrounding white space removed), in input order: each run of
// consecutive records of one deal is one Row (up to about a megabyte of
// text), so that a history grouped by deal gives the runner one element per
// deal and shard rather than one per record. The shard's first
// non-empty record must hold the input's header fields, else the error is a
// *ShardError around a *crm.RowError wrapping ErrHeaderMismatch; an empty
// shard has no rows. A record the id cannot be read from (bad quoting, a
// number of fields other than the header's, an empty id) is read by the crm
// reader alone with the header, and its error, a *crm.RowError naming the
// line of the shard (crm.ErrMalformedRow, crm.ErrMissingValue), is returned
// in a *ShardError; such a record the reader reads without an error (a row
// marked deleted) belongs to no deal and is left out. An error from emit or
// r, or ctx's (checked every 4096 records), ends reading and is returned. r
// is read to its end unless reading stops first; it is not closed.
func (in Input) ReadShard(ctx context.Context, shard int, r io.Reader, emit func(id string, row Row) error) error {
	p, err := in.plan(ctx)
	if err != nil {
		return err
	}
	if shard < 0 || shard >= len(in.Shards) {
		return &funnel.InputError{Op: "beamtally.ReadShard", Name: "shard", Value: fmt.Sprint(shard), Err: fmt.Errorf("%w: the input has %d shards", funnel.ErrOutOfRange, len(in.Shards))}
	}
	return p.readShard(ctx, shard, r, emit)
}

// BuildDeals builds the deals of rows, the rows of one deal id from any
// shards in any order: it puts them in input order (shard, then line), reads
// them with the header through the crm reader (Config.Reader) and calls emit
// with each deal it yields, normally one (none when every row is marked
// deleted, or rows is empty). The reader's error, wrapping a sentinel of
// crm or funnel (crm.ErrBadAmount, crm.ErrBadDate, crm.ErrMalformedRow,
// funnel.ErrUnknownStage, funnel.ErrWonAndLost, crm.ErrAfterClose, ...), is
// returned as a *ShardError around a *crm.RowError whose Line is the line of
// the shard the failing row is on; a Shard out of range is a
// *funnel.InputError wrapping funnel.ErrOutOfRange. An error from emit ends
// reading and is returned. rows is not modified.
func (in Input) BuildDeals(ctx context.Context, rows []Row, emit func(funnel.Deal) error) error {
	p, err := in.plan(ctx)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if r.Shard < 0 || r.Shard >= len(in.Shards) {
			return &funnel.InputError{Op: "beamtally.BuildDeals", Name: fmt.Sprintf("rows[%d].shard", i), Value: fmt.Sprint(r.Shard), Err: fmt.Errorf("%w: the input has %d shards", funnel.ErrOutOfRange, len(in.Shards))}
		}
	}
	return p.build(ctx, slices.Clone(rows), emit, nil)
}

// plan is an Input made ready to read: the reader, the separator, the
// header's fields and the id column, with scratch space reused across
// calls. It is not safe for concurrent use; each DoFn instance has its own.
type plan struct {
	in     Input
	long   crm.Long
	comma  byte
	header [][]byte
	idCol  int
	hlines int // physical lines of the header record

	fields [][]byte
	buf    []byte
	starts []int
}

// plan checks the configuration and the header and returns the plan.
func (in Input) plan(ctx context.Context) (*plan, error) {
	long, err := in.Config.Reader()
	if err != nil {
		return nil, err
	}
	comma, err := in.Config.comma()
	if err != nil {
		return nil, err
	}
	if in.HeaderShard < 0 || in.HeaderShard >= len(in.Shards) {
		return nil, &funnel.InputError{Op: "beamtally.Input", Name: "header_shard", Value: fmt.Sprint(in.HeaderShard), Err: fmt.Errorf("%w: the input has %d shards", funnel.ErrOutOfRange, len(in.Shards))}
	}
	p := &plan{in: in, long: long, comma: comma, hlines: bytes.Count(in.Header, []byte{'\n'}) + 1}
	// The crm reader checks the configuration against the header.
	hdr := append(bytes.Clone(in.Header), '\n')
	for _, err := range long.Deals(ctx, bytes.NewReader(hdr)) {
		if err != nil {
			return nil, p.headerError(err)
		}
	}
	header, ok := splitRecord(nil, in.Header, comma)
	if !ok || len(in.Header) == 0 {
		return nil, p.headerError(&crm.RowError{Line: 1, Err: fmt.Errorf("%w: bad quoting in the header", crm.ErrMalformedRow)})
	}
	p.header = header
	p.idCol = column(header, in.Config.idColumn())
	if p.idCol < 0 {
		return nil, p.headerError(&crm.RowError{Line: 1, Column: in.Config.idColumn(), Err: fmt.Errorf("%w: not in the header", crm.ErrMissingColumn)})
	}
	return p, nil
}

// column finds a header name as the crm readers do: exactly first, then
// ignoring case and surrounding white space; -1 when absent or ambiguous.
func column(header [][]byte, name string) int {
	for i, h := range header {
		if string(h) == name {
			return i
		}
	}
	idx := -1
	k := strings.ToLower(strings.TrimSpace(name))
	for i, h := range header {
		if strings.ToLower(strings.TrimSpace(string(h))) == k {
			if idx >= 0 {
				return -1
			}
			idx = i
		}
	}
	return idx
}

// headerError places an error of the crm reader on the header-only input at
// the header's shard and line.
func (p *plan) headerError(err error) error {
	var re *crm.RowError
	if errors.As(err, &re) {
		c := *re
		if c.Line > 0 {
			c.Line = p.in.HeaderLine + c.Line - 1
		}
		err = &c
	}
	return &ShardError{Shard: p.in.Shards[p.in.HeaderShard], Err: err}
}

// readShard is ReadShard on a plan.
func (p *plan) readShard(ctx context.Context, shard int, r io.Reader, emit func(id string, row Row) error) error {
	name := p.in.Shards[shard]
	sc := newScanner(r)
	rec, line, err := sc.next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return &ShardError{Shard: name, Err: err}
	}
	fields, ok := splitRecord(p.fields[:0], rec, p.comma)
	p.fields = fields
	if !ok || !slices.EqualFunc(fields, p.header, bytes.Equal) {
		return &ShardError{Shard: name, Err: &crm.RowError{Line: line, Err: fmt.Errorf("%w: %s", ErrHeaderMismatch, p.in.Shards[p.in.HeaderShard])}}
	}
	// A run of consecutive records of one deal is one Row: fewer, larger
	// elements for the runner to shuffle.
	var (
		runID   []byte
		run     []byte
		runLine int
		runNext int // the line after the run
	)
	flush := func() error {
		if len(runID) == 0 {
			return nil
		}
		err := emit(string(runID), Row{Shard: shard, Line: runLine, Text: string(run)})
		runID = runID[:0]
		return err
	}
	for n := 1; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, line, err := sc.next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return &ShardError{Shard: name, Err: err}
		}
		fields, ok := splitRecord(p.fields[:0], rec, p.comma)
		p.fields = fields
		var id []byte
		if ok && len(fields) == len(p.header) {
			id = bytes.TrimSpace(fields[p.idCol])
		}
		if len(id) == 0 {
			// The reader's own error for this row. A row it reads
			// without an error and without a deal (a deleted row)
			// belongs to no deal; one it makes a deal of would be a
			// row this reader cannot key, which is an error too.
			row := Row{Shard: shard, Line: line, Text: string(rec)}
			unkeyed := func(funnel.Deal) error {
				return &ShardError{Shard: name, Err: &crm.RowError{Line: line, Column: string(p.header[p.idCol]), Err: fmt.Errorf("%w: the deal id cannot be read", crm.ErrMalformedRow)}}
			}
			if err := p.build(ctx, []Row{row}, unkeyed, nil); err != nil {
				return err
			}
			continue
		}
		next := line + bytes.Count(rec, []byte{'\n'}) + 1
		if line == runNext && bytes.Equal(id, runID) && len(run) < maxRun {
			run = append(append(run, '\n'), rec...)
			runNext = next
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		runID = append(runID[:0], id...)
		run = append(run[:0], rec...)
		runLine, runNext = line, next
	}
}

// maxRun bounds the text of one Row.
const maxRun = 1 << 20

// build is BuildDeals on a plan; it sorts rows in place. onNote, when not
// nil, receives the reader's notes.
func (p *plan) build(ctx context.Context, rows []Row, emit func(funnel.Deal) error, onNote func(crm.Note)) error {
	sortRows(rows)
	return p.read(ctx, rows, emit, onNote)
}

// sortRows puts the rows of one deal in input order: shard, then line.
func sortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Shard, b.Shard), cmp.Compare(a.Line, b.Line))
	})
}

// read reads rows, the rows of one or more deals, each deal's together and
// in input order, with the header through the crm reader, and calls emit
// with each deal. Reading several deals in one call is what a read of the
// whole input does with them (the crm reader ends a deal where the id
// changes), and it spreads the reader's set-up over them.
func (p *plan) read(ctx context.Context, rows []Row, emit func(funnel.Deal) error, onNote func(crm.Note)) error {
	p.buf = append(append(p.buf[:0], p.in.Header...), '\n')
	p.starts = p.starts[:0]
	line := p.hlines + 1
	for _, r := range rows {
		p.starts = append(p.starts, line)
		p.buf = append(append(p.buf, r.Text...), '\n')
		line += strings.Count(r.Text, "\n") + 1
	}
	long := p.long
	long.OnNote = onNote
	for d, err := range long.Deals(ctx, bytes.NewReader(p.buf)) {
		if err != nil {
			return p.locate(err, rows)
		}
		if err := emit(d); err != nil {
			return err
		}
	}
	return nil
}

// locate maps a reader error on the input build made (the header, then
// rows) back to the shard and line of the failing row.
func (p *plan) locate(err error, rows []Row) error {
	var re *crm.RowError
	if !errors.As(err, &re) || re.Line <= 0 {
		if len(rows) == 0 {
			return err
		}
		return &ShardError{Shard: p.in.Shards[rows[0].Shard], Err: err}
	}
	i := sort.SearchInts(p.starts, re.Line+1) - 1 // the last row starting at or before the line
	if i < 0 {
		return p.headerError(err)
	}
	c := *re
	c.Line = rows[i].Line + re.Line - p.starts[i]
	return &ShardError{Shard: p.in.Shards[rows[i].Shard], Err: &c}
}
