package beamtally

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

func init() {
	beam.RegisterCoder(reflect.TypeOf(Acc{}), encodeAcc, decodeAcc)
	beam.RegisterCoder(reflect.TypeOf(funnel.Deal{}), encodeDeal, decodeDeal)
	beam.RegisterType(reflect.TypeOf(Row{}))

	register.DoFn3x1[context.Context, int, func(string, Row), error](&readFn{})
	register.Emitter2[string, Row]()
	register.DoFn4x1[context.Context, string, func(*Row) bool, func(string, funnel.Deal), error](&buildFn{})
	register.Iter1[Row]()
	register.Emitter2[string, funnel.Deal]()
	register.Combiner2[Acc, funnel.Deal](&TallyFn{})
	register.Combiner1[Acc](&mergeFn{})
	register.DoFn4x1[context.Context, []byte, func(*Acc) bool, func(string), error](&reportFn{})
	register.Iter1[Acc]()
	register.Emitter1[string]()
	register.DoFn2x1[context.Context, string, error](&writeFn{})
}

// Deals adds to s the read of the input's shards and the build of their
// deals, and returns the deals keyed by their group: a PCollection of
// KV<string, funnel.Deal> whose key stands for the deal's values of
// Config.GroupBy (the value itself for one attribute, the values with their
// lengths for several; see GroupKey). Each shard is read whole by one worker
// (a Reshuffle spreads the shards over the workers); the rows are grouped by
// deal id, and the rows of each deal are read by the crm reader, as
// Input.ReadShard and Input.BuildDeals describe. A row or deal that cannot
// be read fails the pipeline with the error those return.
func Deals(s beam.Scope, in Input) beam.PCollection {
	s = s.Scope("beamtally.Deals")
	idx := make([]int, len(in.Shards))
	for i := range idx {
		idx[i] = i
	}
	shards := beam.Reshuffle(s, beam.CreateList(s, idx))
	rows := beam.ParDo(s, &readFn{In: in}, shards)
	byID := beam.GroupByKey(s, rows)
	return beam.ParDo(s, &buildFn{In: in}, byID)
}

// Tally adds to s the pipeline from the input's shards to the tally of all
// their deals: Deals, then a CombinePerKey with TallyFn (one tally per
// group, merged with funnel.Tally.Merge), then a global Combine that merges
// the groups' tallies. It returns a PCollection of Acc with one element, or
// none when the input has no deal. The result equals crm.Long.Tally over the
// concatenated shards, grouped by Config.GroupBy. It returns the errors of
// Config.Funnel (funnel.ErrEmptyFunnel, funnel.ErrBlankStage,
// funnel.ErrDuplicateStage) before adding anything to s.
func Tally(s beam.Scope, in Input) (beam.PCollection, error) {
	fn, err := NewTallyFn(in.Config)
	if err != nil {
		return beam.PCollection{}, err
	}
	deals := Deals(s, in)
	s = s.Scope("beamtally.Tally")
	perGroup := beam.CombinePerKey(s, fn, deals)
	return beam.Combine(s, &mergeFn{}, beam.DropKey(s, perGroup)), nil
}

// Report adds to s the formatting of tallies (a PCollection of Acc, such as
// Tally returns) with FormatReport, and returns a PCollection of one string,
// the CSV. The tallies are merged first; none gives the header alone.
func Report(s beam.Scope, cfg Config, tallies beam.PCollection) beam.PCollection {
	s = s.Scope("beamtally.Report")
	return beam.ParDo(s, &reportFn{Stages: cfg.Stages, By: cfg.GroupBy()}, beam.Impulse(s), beam.SideInput{Input: tallies})
}

// WriteFile adds to s the write of each string of col (a report) to path,
// through the Beam file system of its scheme, replacing the file.
func WriteFile(s beam.Scope, path string, col beam.PCollection) {
	s = s.Scope("beamtally.WriteFile")
	beam.ParDo0(s, &writeFn{Path: path}, col)
}

// GroupKey returns the key a deal is grouped under: its value of the one
// attribute, or for several the values each preceded by its length and a
// colon, so that distinct tuples have distinct keys.
func GroupKey(d funnel.Deal, by []string) string {
	if len(by) == 1 {
		return d.Attr(by[0])
	}
	var b strings.Builder
	for _, a := range by {
		v := d.Attr(a)
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	return b.String()
}

// readFn reads one shard into rows keyed by deal id.
type readFn struct {
	In Input `json:"in"`

	p    *plan
	rows beam.Counter
}

func (fn *readFn) Setup(ctx context.Context) error {
	p, err := fn.In.plan(ctx)
	if err != nil {
		return err
	}
	fn.p = p
	fn.rows = beam.NewCounter("beamtally", "rows")
	return nil
}

func (fn *readFn) ProcessElement(ctx context.Context, shard int, emit func(string, Row)) error {
	if shard < 0 || shard >= len(fn.In.Shards) {
		return &funnel.InputError{Op: "beamtally.Deals", Name: "shard", Value: fmt.Sprint(shard), Err: fmt.Errorf("%w: the input has %d shards", funnel.ErrOutOfRange, len(fn.In.Shards))}
	}
	name := fn.In.Shards[shard]
	r, err := open(ctx, name)
	if err != nil {
		return &ShardError{Shard: name, Err: err}
	}
	defer r.Close()
	var n int64
	err = fn.p.readShard(ctx, shard, r, func(id string, row Row) error {
		emit(id, row)
		n++
		return nil
	})
	fn.rows.Inc(ctx, n)
	return err
}

// buildFn builds the deals of the rows grouped by id and keys each by its
// group. It reads the deals of a bundle in batches of about batchBytes of
// rows, each deal's rows together and in input order, with one call of the
// crm reader per batch: a call has a fixed cost (its buffers, its stage
// table) that one deal of three rows would not repay.
type buildFn struct {
	In Input `json:"in"`

	p     *plan
	by    []string
	batch []Row
	size  int
	deals beam.Counter
}

// batchBytes is the size of the rows read by one call of the crm reader.
const batchBytes = 256 << 10

func (fn *buildFn) Setup(ctx context.Context) error {
	p, err := fn.In.plan(ctx)
	if err != nil {
		return err
	}
	fn.p = p
	fn.by = fn.In.Config.GroupBy()
	fn.deals = beam.NewCounter("beamtally", "deals")
	return nil
}

func (fn *buildFn) ProcessElement(ctx context.Context, _ string, rows func(*Row) bool, emit func(string, funnel.Deal)) error {
	start := len(fn.batch)
	var r Row
	for rows(&r) {
		fn.batch = append(fn.batch, r)
		fn.size += len(r.Text) + 1
	}
	sortRows(fn.batch[start:])
	if fn.size < batchBytes {
		return nil
	}
	return fn.flush(ctx, emit)
}

func (fn *buildFn) FinishBundle(ctx context.Context, emit func(string, funnel.Deal)) error {
	return fn.flush(ctx, emit)
}

// flush reads the batch and emits its deals.
func (fn *buildFn) flush(ctx context.Context, emit func(string, funnel.Deal)) error {
	if len(fn.batch) == 0 {
		return nil
	}
	var n int64
	onNote := func(note crm.Note) {
		beam.NewCounter("beamtally", "note_"+note.Kind.String()).Inc(ctx, 1)
	}
	err := fn.p.read(ctx, fn.batch, func(d funnel.Deal) error {
		emit(GroupKey(d, fn.by), d)
		n++
		return nil
	}, onNote)
	fn.deals.Inc(ctx, n)
	fn.batch, fn.size = fn.batch[:0], 0
	return err
}

// reportFn merges the tallies of its side input and formats them.
type reportFn struct {
	Stages []string `json:"stages"`
	By     []string `json:"by"`
}

func (fn *reportFn) ProcessElement(ctx context.Context, _ []byte, tallies func(*Acc) bool, emit func(string)) error {
	f, err := Config{Stages: fn.Stages}.Funnel()
	if err != nil {
		return err
	}
	t := funnel.NewTally(f, fn.By...)
	var a Acc
	for tallies(&a) {
		if a.Tally == nil {
			continue
		}
		if err := t.Merge(a.Tally); err != nil {
			return err
		}
	}
	var b strings.Builder
	if err := FormatReport(&b, t); err != nil {
		return err
	}
	emit(b.String())
	return nil
}

// writeFn writes each string it gets to Path.
type writeFn struct {
	Path string `json:"path"`
}

func (fn *writeFn) ProcessElement(ctx context.Context, text string) error {
	fs, err := filesystem.New(ctx, fn.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, fn.Path)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, text); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
