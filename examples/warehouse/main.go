// Command warehouse computes the per-owner funnel of a stage history held
// in PostgreSQL two ways, and prints both in the review's owner-funnel CSV
// format (owner,stage,reached,conv_to_next,win_rate,avg_selling_price,
// mean_cycle_days):
//
//   - rows: the history's rows, SELECT ... ORDER BY line, read through
//     crm.FromRows into crm.Long's Tally by owner, as a CSV export would
//     be read;
//   - group by: the GROUP BYs of groupby.sql, run in the database, whose
//     result rows become funnel.Counts through funnel.FromGroupSums (the
//     cycles through funnel.DurationsFromBins).
//
// The first moves every row to the program; the second moves one row per
// owner and stage, and per owner, outcome and day of cycle. It says on
// stderr whether the two agree.
//
// Usage:
//
//	go run . -dsn "$FUNNELMATH_PG_DSN" -load history.csv   # a new schema, loaded
//	go run . -dsn "$FUNNELMATH_PG_DSN"                     # the schema loaded before
//
// -load creates the schema named by -schema (funnelmath_warehouse unless
// set; it must not exist), creates schema.sql's objects in it and copies
// the CSV file into stage_history; without -load the schema must hold
// them already. -stages names the funnel (the bench's by default), and
// -scattered reads a history whose deals' rows are not together. See
// README.md.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/internal/ownerfunnel"
)

// benchStages is the bench generator's funnel, the default of -stages.
const benchStages = "Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won"

func main() {
	if err := run(context.Background(), os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "warehouse:", err)
		os.Exit(1)
	}
}

// errDiffer reports that the two ways gave different funnels.
var errDiffer = errors.New("the rows and the GROUP BY give different funnels")

func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("warehouse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", os.Getenv("FUNNELMATH_PG_DSN"), "PostgreSQL connection string, such as postgres://user@127.0.0.1:5432/db (default $FUNNELMATH_PG_DSN)")
	schema := fs.String("schema", "funnelmath_warehouse", "the schema holding stage_history")
	in := fs.String("load", "", "a long stage-history CSV to load into a new schema first")
	stages := fs.String("stages", benchStages, "the funnel's stages in order, the last being won, comma-separated")
	scattered := fs.Bool("scattered", false, "the rows of a deal are not together in input order (crm.Long.Scattered)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		return errors.New("no -dsn and no FUNNELMATH_PG_DSN")
	}
	f, err := funnel.New(strings.Split(*stages, ",")...)
	if err != nil {
		return fmt.Errorf("-stages: %w", err)
	}
	db, err := openDB(*dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if *in != "" {
		fh, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer fh.Close()
		if err := createSchema(ctx, conn, *schema); err != nil {
			return fmt.Errorf("schema %s: %w", *schema, err)
		}
		_, n, err := load(ctx, conn, fh)
		if err != nil {
			return fmt.Errorf("%s: %w", *in, err)
		}
		fmt.Fprintf(stderr, "loaded %d rows of %s into %s.stage_history\n", n, *in, *schema)
	} else if err := useSchema(ctx, conn, *schema); err != nil {
		return err
	}
	if err := setStages(ctx, conn, f); err != nil {
		return err
	}

	start := time.Now()
	t, err := tallyRows(ctx, conn, crm.Long{Funnel: f, Scattered: *scattered}, historyColumns)
	if err != nil {
		return fmt.Errorf("rows: %w", err)
	}
	var rowsOut bytes.Buffer
	if err := ownerfunnel.Write(&rowsOut, f, []string{funnel.AttrOwner}, t.Groups()); err != nil {
		return err
	}
	rowsTime := time.Since(start)
	start = time.Now()
	groups, err := groupBy(ctx, conn, f)
	if err != nil {
		return fmt.Errorf("group by: %w", err)
	}
	groupTime := time.Since(start)
	var groupOut bytes.Buffer
	if err := ownerfunnel.Write(&groupOut, f, []string{funnel.AttrOwner}, groups); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "# rows: SELECT ... ORDER BY line, through crm.FromRows into crm.Long.Tally by owner")
	stdout.Write(rowsOut.Bytes())
	fmt.Fprintln(stdout, "# group by: groupby.sql, through funnel.FromGroupSums")
	stdout.Write(groupOut.Bytes())
	if !bytes.Equal(rowsOut.Bytes(), groupOut.Bytes()) {
		return errDiffer
	}
	fmt.Fprintf(stderr, "the two agree: %d owners, %d stages; rows in %.2f s, group by in %.2f s\n", len(groups), f.Len(), rowsTime.Seconds(), groupTime.Seconds())
	return nil
}
