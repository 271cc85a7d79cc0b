package crm

import (
	"regexp"

	"github.com/funnelmath/funnelmath/funnel"
)

// SalesforceTime is the layout of a Salesforce datetime in an API export,
// such as 2024-03-01T09:00:00.000+0000.
const SalesforceTime = "2006-01-02T15:04:05.000-0700"

// SalesforceHistory returns a [Long] reader set up for Salesforce's
// OpportunityHistory: the object as a query or Data Loader exports it, or
// a report on it that keeps the field names. Its columns are
//
//	OpportunityId      the deal id
//	StageName          the stage entered
//	CreatedDate        when the row was written, read as the stage's entry
//	Amount             the amount (the last non-empty one counts)
//	CloseDate          the expected close (the last non-empty one counts)
//	Opportunity Owner  the owner, which a report adds
//	IsDeleted          a row marked true is left out, with a [NoteDeleted]
//
// The owner is not a field of the history object: an API pull that joins
// Opportunity.Owner.Name names its own column, so set Columns.Owner to
// it. Columns.AllowAbsent is set, so an export without an optional column
// (the owner, IsDeleted, the amount) reads without it. The other fields
// (Id, Probability, ForecastCategory, ExpectedRevenue, PrevAmount,
// PrevCloseDate, CreatedById, SystemModstamp) go to [funnel.Deal.Attrs]
// by field name, with the deal's last non-empty value: its latest
// probability and forecast category.
//
// OpportunityHistory writes a row whenever a deal's stage, amount,
// probability or close date changes, so CreatedDate is a stage's entry
// time only on the first row of a run at that stage: each run is one stay
// (see [Long], [NoteSameStage]). Rows come in the order of the query,
// rarely grouped by opportunity, so Scattered is set; clear it to stream
// an export sorted by OpportunityId.
//
// Times are read as [SalesforceTime], RFC 3339 or dates alone (CloseDate),
// in UTC. Stage names are the org's own: f's stages should be named as
// they are (Prospecting, Qualification, Needs Analysis, ...), with
// Options.Stages.Aliases for the names f merges, and f's last stage is the
// won one; "Closed Won" is an alias of it when f names it otherwise, and
// "Closed Lost" and "Lost" are the lost names.
func SalesforceHistory(f funnel.Funnel) Long {
	return Long{
		Funnel: f,
		Columns: LongColumns{ID: "OpportunityId", Stage: "StageName", At: "CreatedDate", Amount: "Amount",
			ExpectedClose: "CloseDate", Owner: "Opportunity Owner", Deleted: "IsDeleted", AllowAbsent: true},
		Scattered: true,
		Options: Options{
			Stages: Stages{Aliases: wonAlias(f)},
			Dates:  Dates{Layouts: []string{SalesforceTime}},
		},
	}
}

// HubSpotDeals returns a [Wide] reader set up for HubSpot's deals export
// (one row per deal, all properties or a view's columns). Its columns are
//
//	Record ID                        the deal id
//	Deal owner                       the owner
//	Amount                           the amount
//	Create Date                      the creation date
//	Close Date                       the expected close; the close of a lost deal without a lost date
//	Deal Stage                       the current stage (see [WideColumns.Stage])
//	Date entered "<stage> (<pipeline>)"  the date the deal entered each stage
//
// The stage date headers are found by [HubSpotStagePattern] with any
// pipeline, since their quoting varies between portals and exports; the
// "Closed Lost" one is the lost date and the funnel's last stage the won
// one ("Closed Won" is an alias of it when f names it otherwise). "Date
// exited", "Latest time in" and "Cumulative time in" columns are not
// stage dates; they, Deal Name, Pipeline and any other column go to
// [funnel.Deal.Attrs] by header. A deal whose Deal Stage is not Closed
// Lost but has a Closed Lost date was reopened, and is read as open (or
// won) with a [NoteReopened]; the same for a stale Closed Won date.
// Columns.AllowAbsent is set, so a view without an optional column reads
// without it; every stage of f needs its date column.
//
// For a portal with several pipelines, whose stages share names, set
// Columns.StagePattern to HubSpotStagePattern of the funnel's pipeline;
// a deal of another pipeline is then an error (its Deal Stage is not a
// stage of f), skipped in lenient mode, so export one pipeline's deals
// where you can.
// Dates are read as 2006-01-02 15:04, 2006-01-02 15:04:05, RFC 3339 or
// dates alone, in UTC; set Options.Dates.Location to the portal's time
// zone for dates without an offset.
func HubSpotDeals(f funnel.Funnel) Wide {
	return Wide{
		Funnel: f,
		Columns: WideColumns{ID: "Record ID", Owner: "Deal owner", Amount: "Amount", Created: "Create Date",
			ExpectedClose: "Close Date", Closed: "Close Date", Stage: "Deal Stage",
			StagePattern: HubSpotStagePattern(""), AllowAbsent: true},
		Options: Options{
			Stages: Stages{Aliases: wonAlias(f)},
			Dates:  Dates{Layouts: []string{"2006-01-02 15:04", "2006-01-02 15:04:05"}},
		},
	}
}

// HubSpotStagePattern returns the pattern of HubSpot's "Date entered"
// headers for [WideColumns.StagePattern]: "Date entered", then the stage
// and optionally the pipeline in parentheses, in any case, with or
// without straight or curly quotes around the stage, the pipeline or both:
//
//	Date entered "Closed Won (Sales Pipeline)"
//	Date entered “Closed Won” (Sales Pipeline)
//	Date entered Closed Won
//
// With pipeline "" any pipeline (or none) matches; otherwise only headers
// that name that pipeline (ignoring case) do. A stage whose own name ends
// in parentheses needs the pipeline in the header to be read whole.
func HubSpotStagePattern(pipeline string) *regexp.Regexp {
	const q = `[\s"'“”‘’]*`
	p := `(?:\((?P<pipeline>[^()]*)\))?`
	if pipeline != "" {
		p = `\((?P<pipeline>` + regexp.QuoteMeta(pipeline) + `)\)`
	}
	return regexp.MustCompile(`(?i)^\s*date entered` + q + `(?P<stage>.*?)` + q + p + q + `$`)
}

// wonAlias maps "Closed Won" to f's last stage when f has no stage of
// that name (ignoring case), so that a funnel ending in the org's own won
// stage reads a CRM's default name; nil otherwise.
func wonAlias(f funnel.Funnel) map[string]string {
	const won = "Closed Won"
	if f.Len() == 0 {
		return nil
	}
	for _, s := range f.Stages() {
		if (Stages{}).key(s) == (Stages{}).key(won) {
			return nil
		}
	}
	return map[string]string{won: f.Stage(f.Last())}
}
