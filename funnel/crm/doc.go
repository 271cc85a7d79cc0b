// Package crm reads CRM exports into [funnel.Deal] values: a long stage
// history ([Long], one row per stage entry, as Salesforce's
// OpportunityHistory), a wide export ([Wide], one row per deal with a date
// per stage, as HubSpot's "Date entered" columns), a snapshot ([Snapshot],
// one row per deal with its current stage, as most opportunity reports),
// and an activity log ([ActivityLog]) with [Attach] to put the touches on
// their deals. [SalesforceHistory] and [HubSpotDeals] return readers set
// up for those two exports.
//
// Each reader is a configuration value: the funnel, a column mapping
// (header names to roles; columns without a role go to Deal.Attrs under
// their header name, except a column whose header is blank, as after a
// trailing comma, which has no name to go under and is not read), and
// [Options]. Its Deals method streams deals from an io.Reader as an
// iter.Seq2[funnel.Deal, error], the stream that [funnel.Tally.AddAll] and
// the other analyses take; its ReadAll method collects them with the rows
// it skipped and its notes:
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
// A reader's Tally method reads an export straight into a
// [funnel.Tally] grouped by the attributes given, the tally that adding
// every deal of Deals to one would give, with the same reports and
// errors, and faster: the deals it adds share their storage, and an input
// that can be read at random (a file, a *bytes.Reader) is read in
// runtime.GOMAXPROCS(0) parts at once, split where a deal ends, the
// parts' tallies merged in order:
//
//	ty, err := crm.Long{Funnel: f}.Tally(ctx, file, funnel.AttrOwner)
//
// A long history read by Tally is taken to be grouped by deal only as
// long as its ids do not come back; when one does, the input is read
// again as with Scattered, with a [NoteScattered].
//
// # Units
//
// Amounts are [decimal.Decimal] in the export's currency, read by
// [ParseAmount]; an empty amount is missing (Amount.Valid false), never
// zero, and one past [funnel.CheckAmount]'s bounds is a bad amount on
// whatever row it is. Times are time.Time, read by [Dates]: RFC 3339,
// 2006-01-02 or a layout of the caller's, in UTC unless a location is
// given. A zero time means the export did not say; a cell that reads as
// the zero time (0001-01-01) is a bad date, not a missing one.
//
// # Errors
//
// A row that cannot be read gives a *[RowError] naming its line (the
// header is line 1), the column's header name, the value and the deal,
// wrapping a sentinel: one of package funnel for a failure any package
// can have ([funnel.ErrUnknownStage], [funnel.ErrWonAndLost],
// [funnel.ErrDuplicateDeal], [funnel.ErrInvalidDeal] with the reason
// [funnel.Deal.Validate] gave), or one of this package for a failure only
// a reader has ([ErrBadDate], [ErrBadAmount], [ErrMissingColumn],
// [ErrNotContiguous], ...). The text has one package prefix and names the
// deal once:
//
//	crm: line 3: deal "X": column "stage" = "Discovery": unknown stage: "Discovery" is not a funnel stage, an alias or a lost name
//	crm: line 2: deal "X": invalid deal: first event at 2024-01-01T00:00:00Z before created 2024-01-05T00:00:00Z: events out of time order
//	crm: line 1: column "deal_id": missing column: not in the header; nearest: "Deal ID", "deal"
//
// A missing column's error lists the header's names nearest to it, and a
// deal whose rows are not together suggests [Long.Scattered]. A bad
// configuration wraps [ErrBadConfig]; [Attach] returns a
// *[funnel.DealError]. In the default strict mode the first row error
// ends reading. With [Options.Lenient], the row (or the whole deal it
// belongs to) is skipped, reported to [Options.OnSkip], and reading goes
// on; only a bad configuration or header, a read error, or a cancelled
// context end it. Changes made to deals that are kept, such as a repeated
// row dropped or rows of one stay merged, are reported to
// [Options.OnNote] as [Note] values. Nothing is dropped silently.
//
// The inputs are never modified: a reader only reads its io.Reader, and
// [Attach] returns copies.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// Long, Long (lenient), Long.Tally, Wide, Wide.Tally, Snapshot, Attach,
// ParseAmount, Dates.Parse, SalesforceHistory, HubSpotDeals, ActivityLog. Worked cases as programs:
// examples/review (every reader through its -format, -preset and column
// flags).
package crm
