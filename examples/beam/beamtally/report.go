package beamtally

import (
	"io"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/ownerfunnel"
)

// FormatReport writes the per-group funnel of t as CSV, the table of
// `go run ./examples/review -format long -report owner-funnel -o csv` and of
// the bench's peers (shared/bench/README.md): a header, then one row per
// group (in key order) and stage (in funnel order), with the group's key
// values in one column per grouping attribute, then
//
//	stage              the stage's name
//	reached            deals whose furthest stage is this one or later (funnel.Implied)
//	conv_to_next       reached(next) / reached(this), the naive step into the next stage
//	win_rate           won / (won + lost)
//	avg_selling_price  won amount / won deals with an amount (funnel.Counts.AvgWon), exact
//	mean_cycle_days    mean start-to-close time of the closed (won and lost) deals, in days
//
// conv_to_next is empty on the last stage and where reached is 0; the last
// three are the group's, repeated on each of its rows, and empty when
// undefined (no closed deal, no won deal with an amount, no closed deal with
// both times). Rates are written with strconv's shortest 'g' form, as the
// review writes them, so the text is the review's byte for byte; a cell that
// needs quoting (a comma, a quote, a line break in a name) is quoted as
// encoding/csv quotes it. The writer is internal/ownerfunnel, which the
// review and examples/warehouse use too.
//
// Grouped by owner, the header is the bench's:
// owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days.
// An ungrouped tally has no key column. A nil tally or one without a funnel
// returns a *funnel.InputError wrapping funnel.ErrEmptyFunnel; a write error
// is returned as it is. t is not modified.
func FormatReport(w io.Writer, t *funnel.Tally) error {
	if t == nil || t.Funnel().Len() == 0 {
		return &funnel.InputError{Op: "beamtally.FormatReport", Name: "tally", Err: funnel.ErrEmptyFunnel}
	}
	return ownerfunnel.Write(w, t.Funnel(), t.By(), t.Groups())
}
