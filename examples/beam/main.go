package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// options are the program's own flags; Beam's (-runner, -project, -endpoint
// ...) live in the same flag set.
type options struct {
	in, out, by, stages, lost, alias, comma, tz string
	cols                                        crm.LongColumns
}

// register adds the program's flags to fs. Their names avoid Beam's, which
// share the set (Beam's worker harness uses -id, hence -col-id).
func register(fs *flag.FlagSet) *options {
	o := &options{}
	fs.StringVar(&o.in, "in", "", "the stage-history shards: comma-separated `paths or globs` (local, or gs:// on Dataflow), in input order")
	fs.StringVar(&o.out, "out", "owner_funnel.csv", "the report's `path` (local, or gs://)")
	fs.StringVar(&o.by, "by", "owner", "the grouping `attributes`, comma-separated (owner, segment, source or any column)")
	fs.StringVar(&o.stages, "stages", "", "the funnel's stages in order, the last being won, comma-separated (default \"Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\")")
	fs.StringVar(&o.lost, "lost", "", "stage `names` that mean lost, comma-separated (default \"Closed Lost,Lost\")")
	fs.StringVar(&o.alias, "alias", "", "export stage names mapped to funnel stages, e.g. \"Discovery=Qualified,Demo=Meeting\"")
	fs.StringVar(&o.comma, "comma", "", "field separator, one character (default ,)")
	fs.StringVar(&o.tz, "tz", "", "IANA time `zone` of dates without an offset (default UTC)")
	fs.StringVar(&o.cols.ID, "col-id", "", "`column` of the deal id (default deal_id)")
	fs.StringVar(&o.cols.Stage, "col-stage", "", "`column` of the stage (default stage)")
	fs.StringVar(&o.cols.At, "col-at", "", "`column` of the time a stage was entered (default entered_at)")
	fs.StringVar(&o.cols.Owner, "col-owner", "", "`column` of the deal owner (default owner)")
	fs.StringVar(&o.cols.Segment, "col-segment", "", "`column` of the segment (default segment)")
	fs.StringVar(&o.cols.Source, "col-source", "", "`column` of the lead source (default source)")
	fs.StringVar(&o.cols.Account, "col-account", "", "`column` of the account (default account)")
	fs.StringVar(&o.cols.Amount, "col-amount", "", "`column` of the deal amount (default amount)")
	fs.StringVar(&o.cols.Deleted, "col-deleted", "", "`column` of a yes/no deleted flag (none by default)")
	return o
}

func main() {
	o := register(flag.CommandLine)
	flag.Parse()
	// On a worker, Init runs the Beam harness and does not return.
	beam.Init()
	if err := run(context.Background(), o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "beam:", err)
		os.Exit(1)
	}
}

// run builds the pipeline the options describe and runs it on the runner
// that -runner names (prism, in process, by default).
func run(ctx context.Context, o *options, stderr io.Writer) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	patterns := splitList(o.in)
	if len(patterns) == 0 {
		return errors.New("-in: no shard given")
	}
	in, err := beamtally.Open(ctx, cfg, patterns...)
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	tallies, err := beamtally.Tally(s, in)
	if err != nil {
		return err
	}
	beamtally.WriteFile(s, o.out, beamtally.Report(s, cfg, tallies))
	if err := beamx.Run(ctx, p); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "beam: %d shards, report written to %s\n", len(in.Shards), o.out)
	return nil
}

// config returns the reading configuration the flags set.
func (o *options) config() (beamtally.Config, error) {
	cfg := beamtally.Config{Columns: o.cols, TimeZone: o.tz}
	if o.stages != "" {
		cfg.Stages = splitList(o.stages)
	}
	if o.lost != "" {
		cfg.Lost = splitList(o.lost)
	}
	if o.by != "" {
		cfg.By = splitList(o.by)
	}
	if o.alias != "" {
		cfg.Aliases = map[string]string{}
		for _, p := range splitList(o.alias) {
			k, v, ok := strings.Cut(p, "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return cfg, fmt.Errorf("-alias: %q is not name=value", p)
			}
			cfg.Aliases[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if o.comma != "" {
		r, n := utf8.DecodeRuneInString(o.comma)
		if n != len(o.comma) {
			return cfg, fmt.Errorf("-comma: %q is not one character", o.comma)
		}
		cfg.Comma = r
	}
	return cfg, nil
}

// splitList splits a comma-separated flag value and trims each item.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
