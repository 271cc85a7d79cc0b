package main

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/shopspring/decimal"
)

//go:embed schema.sql
var schemaSQL string

//go:embed groupby.sql
var groupBySQL string

// historyColumns are the columns of stage_history that hold a CSV
// column, by header name: a file loaded may have any of them, in any
// order, and needs deal_id, stage and entered_at.
var historyColumns = []string{"deal_id", "owner", "segment", "source", "account", "stage", "entered_at", "amount", "expected_close", "assigned_at"}

// errUnusable reports a row of stage_history that the GROUP BY cannot
// use; the error wraps the reason's sentinel too.
var errUnusable = errors.New("row the GROUP BY cannot use")

// openDB opens the database at dsn through pgx's database/sql driver
// (stdlib), with timestamptz values scanned in UTC: database/sql gives a
// time as text in RFC 3339 with its zone, so a time in the process's
// local zone would read as the same instant written otherwise than in a
// UTC export, and an error naming it would differ.
func openDB(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID, Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	})), nil
}

// statement returns the statement of groupby.sql that follows the line
// "-- name: <name>", up to the next such line.
func statement(name string) (string, error) {
	marker := "-- name: " + name + "\n"
	i := strings.Index(groupBySQL, marker)
	if i < 0 {
		return "", fmt.Errorf("groupby.sql has no statement %q", name)
	}
	s := groupBySQL[i+len(marker):]
	if j := strings.Index(s, "\n-- name: "); j >= 0 {
		s = s[:j]
	}
	return s, nil
}

// createSchema creates schema (which must not exist), sets the
// connection's search_path to it, and creates the objects of schema.sql
// there.
func createSchema(ctx context.Context, conn *sql.Conn, schema string) error {
	id := quoteIdent(schema)
	if _, err := conn.ExecContext(ctx, "CREATE SCHEMA "+id); err != nil {
		return err
	}
	if err := useSchema(ctx, conn, schema); err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, schemaSQL)
	return err
}

// useSchema sets the connection's search_path to schema.
func useSchema(ctx context.Context, conn *sql.Conn, schema string) error {
	_, err := conn.ExecContext(ctx, "SET search_path TO "+quoteIdent(schema))
	return err
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// setStages fills funnel_stage with the stages of f and the lost names
// the readers take by default ("Closed Lost" and "Lost", less any that is
// a stage of f), folded as the readers fold them, replacing what it held.
func setStages(ctx context.Context, conn *sql.Conn, f funnel.Funnel) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM funnel_stage"); err != nil {
		return err
	}
	fold := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	names := map[string]int{}
	for k, s := range f.Stages() {
		names[fold(s)] = k
	}
	for _, s := range []string{"Closed Lost", "Lost"} {
		if _, ok := names[fold(s)]; !ok {
			names[fold(s)] = -1
		}
	}
	for name, k := range names {
		if _, err := tx.ExecContext(ctx, "INSERT INTO funnel_stage (name, stage) VALUES ($1, $2)", name, k); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// load copies the CSV history r into stage_history with COPY FROM STDIN
// through the pgx connection under conn: each record with its line (the
// line of the file where it begins, the header being line 1), an empty
// cell as NULL, the text of a date and an amount parsed by PostgreSQL.
// It returns the header's columns and the rows copied.
func load(ctx context.Context, conn *sql.Conn, r io.Reader) (cols []string, n int64, err error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for _, h := range header {
		if !slices.Contains(historyColumns, h) {
			return nil, 0, fmt.Errorf("header: column %q is not one of stage_history's %q", h, historyColumns)
		}
	}
	copySQL := "COPY stage_history (line, " + strings.Join(header, ", ") + ") FROM STDIN WITH (FORMAT csv)"
	pr, pw := io.Pipe()
	go func() {
		w := csv.NewWriter(pw)
		rec := make([]string, 0, len(header)+1)
		for {
			fields, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			line, _ := cr.FieldPos(0)
			rec = append(rec[:0], strconv.Itoa(line))
			rec = append(rec, fields...)
			if err := w.Write(rec); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		w.Flush()
		pw.CloseWithError(w.Error())
	}()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("load: a %T is not a pgx connection", dc)
		}
		tag, err := c.Conn().PgConn().CopyFrom(ctx, pr, copySQL)
		n = tag.RowsAffected()
		return err
	})
	pr.CloseWithError(io.ErrClosedPipe) // let the writer end if COPY stopped early
	return header, n, err
}

// historyQuery is the SELECT of cols of stage_history in input order.
func historyQuery(cols []string) string {
	return "SELECT " + strings.Join(cols, ", ") + " FROM stage_history ORDER BY line"
}

// tallyRows reads stage_history's cols in input order through
// crm.FromRows into crm.Long's Tally by owner.
func tallyRows(ctx context.Context, conn *sql.Conn, rd crm.Long, cols []string) (*funnel.Tally, error) {
	rows, err := conn.QueryContext(ctx, historyQuery(cols))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rd.Tally(ctx, crm.FromRows(rows), funnel.AttrOwner)
}

// checkRows returns nil when the view deal used every row of
// stage_history, and otherwise an error naming the first row it left out,
// wrapping errUnusable and the reason's sentinel (funnel.ErrUnknownStage,
// or crm.ErrMissingValue for a missing id or time). The view must be
// fresh.
func checkRows(ctx context.Context, conn *sql.Conn) error {
	q, err := statement("left_out")
	if err != nil {
		return err
	}
	var out int64
	if err := conn.QueryRowContext(ctx, q).Scan(&out); err != nil || out == 0 {
		return err
	}
	if q, err = statement("unusable"); err != nil {
		return err
	}
	var line int64
	var col, value, id string
	if err := conn.QueryRowContext(ctx, q).Scan(&line, &col, &value, &id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = fmt.Errorf("%w: %d rows of stage_history left out of deal, none found by the statement unusable", errUnusable, out)
		}
		return err
	}
	reason := crm.ErrMissingValue
	if col == "stage" && strings.TrimSpace(value) != "" {
		reason = funnel.ErrUnknownStage
	}
	return fmt.Errorf("stage_history line %d: deal %q: column %q = %q: %w: %w", line, id, col, value, errUnusable, reason)
}

// groupBy refreshes the materialized view deal, runs the GROUP BYs of
// groupby.sql and returns the Counts of each owner, sorted by owner as funnel.Tally.Groups sorts them, each
// built by funnel.FromGroupSums from the sums of the warehouse and the
// cycles by funnel.DurationsFromBins from their day bins.
func groupBy(ctx context.Context, conn *sql.Conn, f funnel.Funnel) ([]funnel.Counts, error) {
	for _, q := range []string{"REFRESH MATERIALIZED VIEW deal", "ANALYZE deal"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	if err := checkRows(ctx, conn); err != nil {
		return nil, err
	}
	sums, err := stageSums(ctx, conn, f)
	if err != nil {
		return nil, err
	}
	if err := cycleBins(ctx, conn, sums); err != nil {
		return nil, err
	}
	out := make([]funnel.Counts, 0, len(sums))
	for owner, a := range sums {
		s := a.sums
		if s.WonCycle, err = funnel.DurationsFromBins(a.won, a.wonSeconds); err != nil {
			return nil, fmt.Errorf("owner %q: won cycles: %w", owner, err)
		}
		if s.LostCycle, err = funnel.DurationsFromBins(a.lost, a.lostSeconds); err != nil {
			return nil, fmt.Errorf("owner %q: lost cycles: %w", owner, err)
		}
		c, err := funnel.FromGroupSums(f, s)
		if err != nil {
			return nil, fmt.Errorf("owner %q: %w", owner, err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b funnel.Counts) int { return slices.Compare(a.Key, b.Key) })
	return out, nil
}

// ownerSums gathers the rows of one owner.
type ownerSums struct {
	sums                    funnel.GroupSums
	won, lost               []funnel.Bin
	wonSeconds, lostSeconds int64
}

// stageSums runs the statement "funnel" and returns each owner's sums
// but the cycles.
func stageSums(ctx context.Context, conn *sql.Conn, f funnel.Funnel) (map[string]*ownerSums, error) {
	q, err := statement("funnel")
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*ownerSums{}
	for rows.Next() {
		var owner, amountReached, wonAmount, openAmount string
		var stage int
		var reached, entered, enteredBoth, openAt, strictPending, lostAt int64
		var won, lost, open, lostNoStage, noAmount, wonWith, openWith int64
		if err := rows.Scan(&owner, &stage, &reached, &entered, &enteredBoth, &openAt, &strictPending, &lostAt, &amountReached,
			&won, &lost, &open, &lostNoStage, &noAmount, &wonAmount, &wonWith, &openAmount, &openWith); err != nil {
			return nil, err
		}
		a := out[owner]
		if a == nil {
			a = &ownerSums{sums: funnel.GroupSums{
				Key: []string{owner}, Won: won, Lost: lost, Open: open, LostNoStage: lostNoStage,
				NoAmount: noAmount, WonWithAmount: wonWith, OpenWithAmount: openWith,
			}}
			if a.sums.WonAmount, err = decimal.NewFromString(wonAmount); err != nil {
				return nil, fmt.Errorf("owner %q: won_amount %q: %w", owner, wonAmount, err)
			}
			if a.sums.OpenAmount, err = decimal.NewFromString(openAmount); err != nil {
				return nil, fmt.Errorf("owner %q: open_amount %q: %w", owner, openAmount, err)
			}
			out[owner] = a
		}
		s := &a.sums
		if stage != len(s.Reached) || stage >= f.Len() {
			return nil, fmt.Errorf("owner %q: stage %d where stage %d of %d was expected", owner, stage, len(s.Reached), f.Len())
		}
		m, err := decimal.NewFromString(amountReached)
		if err != nil {
			return nil, fmt.Errorf("owner %q: amount_reached %q: %w", owner, amountReached, err)
		}
		s.Reached = append(s.Reached, reached)
		s.Entered = append(s.Entered, entered)
		s.EnteredBoth = append(s.EnteredBoth, enteredBoth)
		s.OpenAt = append(s.OpenAt, openAt)
		s.StrictPending = append(s.StrictPending, strictPending)
		s.LostAt = append(s.LostAt, lostAt)
		s.AmountReached = append(s.AmountReached, m)
	}
	return out, rows.Err()
}

// cycleBins runs the statement "cycles" and adds each owner's day bins to
// sums.
func cycleBins(ctx context.Context, conn *sql.Conn, sums map[string]*ownerSums) error {
	q, err := statement("cycles")
	if err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var owner, outcome string
		var day, n, seconds int64
		if err := rows.Scan(&owner, &outcome, &day, &n, &seconds); err != nil {
			return err
		}
		a := sums[owner]
		if a == nil {
			return fmt.Errorf("cycles of owner %q, who has no funnel rows", owner)
		}
		if day > funnel.MaxDurationDays {
			return fmt.Errorf("owner %q: a %s cycle of %d days: %w", owner, outcome, day, funnel.ErrOutOfRange)
		}
		b := funnel.Bin{Day: int(day), Count: n}
		switch outcome {
		case "won":
			a.won = append(a.won, b)
			a.wonSeconds += seconds
		case "lost":
			a.lost = append(a.lost, b)
			a.lostSeconds += seconds
		default:
			return fmt.Errorf("owner %q: cycles of outcome %q", owner, outcome)
		}
	}
	return rows.Err()
}
