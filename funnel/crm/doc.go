// Package crm reads CRM exports into [funnel.Deal] values: a long stage
// history ([Long], one row per stage entry), a wide export ([Wide], one
// row per deal with a date per stage, as HubSpot's "Date entered" columns),
// a snapshot ([Snapshot], one row per deal with its current stage, as most
// opportunity reports), and an activity log ([ActivityLog]) with [Attach]
// to put the touches on their deals.
//
// Each reader is a configuration value: the funnel, a column mapping
// (header names to roles; columns without a role go to Deal.Attrs under
// their header name, except a column whose header is blank, as after a
// trailing comma, which has no name to go under and is not read), and
// [Options]. Its Deals method streams deals from an io.Reader as an
// iter.Seq2[funnel.Deal, error]; its ReadAll method collects them with
// the rows it skipped and its notes:
//
//	rd := crm.Long{Funnel: f}
//	for d, err := range rd.Deals(ctx, file) {
//		if err != nil {
//			return err // the only error, and the last item
//		}
//		use(d)
//	}
//
// Every deal a reader yields passes [funnel.Deal.Validate] against its
// funnel. The readers split CSV themselves (RFC 4180, as encoding/csv
// reads it) and make a few allocations per deal, not per row.
//
// # Units
//
// Amounts are [decimal.Decimal] in the export's currency, read by
// [ParseAmount]; an empty amount is missing (Amount.Valid false), never
// zero. Times are time.Time, read by [Dates]: RFC 3339, 2006-01-02 or a
// layout of the caller's, in UTC unless a location is given. A zero time
// means the export did not say.
//
// # Errors
//
// A row that cannot be read gives a *[RowError] naming its line (the
// header is line 1), the column's header name, the value and the deal,
// wrapping a sentinel of errors.go ([ErrBadDate], [ErrBadAmount],
// [ErrUnknownStage], [ErrNotContiguous], ...); those that mirror a
// sentinel of package funnel wrap it too. In the default strict mode the
// first such error ends reading. With [Options.Lenient], the row (or the
// whole deal it belongs to) is skipped, reported to [Options.OnSkip], and
// reading goes on; only a bad configuration or header, a read error, or
// a cancelled context end it. Changes made to deals that are kept, such
// as a repeated row dropped, are reported to [Options.OnNote] as [Note]
// values. Nothing is dropped silently.
//
// The inputs are never modified: a reader only reads its io.Reader, and
// [Attach] returns copies.
package crm
