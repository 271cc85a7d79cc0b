package pipeline

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/num"
)

// ChiSquare is Pearson's chi-square test of independence on a contingency
// table, as [funnel.ChiSquareTest] computes it, in the shape this package
// has always returned: a flag for whether the table could be tested and
// plain numbers rather than [funnel.ChiSquare]'s nullable ones.
type ChiSquare struct {
	// Tested is false when the table has fewer than two rows or two
	// non-empty columns; then Stat and DF are 0 and P is 1 (no evidence of
	// a difference).
	Tested bool `json:"tested"`
	// Stat = Σ (O − E)² / E over the cells, E = row total × column total / n.
	Stat float64 `json:"stat"`
	// DF = (rows − 1)(columns − 1), counting only non-empty columns.
	DF int `json:"df"`
	// P is the chance of a statistic at least this large under
	// independence, the survival function of the chi-square distribution
	// with DF degrees of freedom.
	P float64 `json:"p"`
	// Cells is the number of cells tested, LowExpected how many have an
	// expected count below 5 and MinExpected the smallest expected count.
	// With LowExpected > 0 the chi-square approximation is doubtful
	// (Cochran's rule asks for none below 1 and at most 20% below 5);
	// merge values or stages, or use an exact test.
	Cells       int     `json:"cells"`
	LowExpected int     `json:"low_expected"`
	MinExpected float64 `json:"min_expected"`
}

// OddsRatio compares the odds of reaching a stage for deals with one value
// of an attribute against all other deals, from the 2 × 2 table
//
//	              reached   not reached
//	value            A          B
//	the rest         C          D
//
//	ratio = (A·D) / (B·C)
//	95% CI = exp(ln ratio ± 1.959964 · √(1/A + 1/B + 1/C + 1/D))
//
// When any cell is 0, 0.5 is added to all four before both formulas (the
// Haldane–Anscombe correction), so the ratio and its interval stay finite;
// Corrected says so. The counts A..D are the observed ones.
type OddsRatio struct {
	Value     string  `json:"value"`
	Stage     int     `json:"stage"`
	StageName string  `json:"stage_name"`
	A         int64   `json:"a"`
	B         int64   `json:"b"`
	C         int64   `json:"c"`
	D         int64   `json:"d"`
	Ratio     float64 `json:"ratio"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Corrected bool    `json:"corrected"`
}

// Effect is the effect of one attribute on how deep closed deals go.
type Effect struct {
	Attr   string   `json:"attr"`
	Values []string `json:"values"` // distinct non-blank values, sorted
	Stages []string `json:"stages"` // the funnel's stage names
	// Deepest[i][k] counts the closed deals with Values[i] whose deepest
	// stage is k: LostAt[k] of the tally's counts for a lost deal, the
	// last stage for a won one.
	Deepest [][]int64 `json:"deepest"`
	// Deals counts the closed deals in the table. The rest are left out
	// and counted apart: Missing, the deals (of any outcome) with a blank
	// or absent value; Open, the open deals with a value, which have not
	// reached their deepest stage yet; NoStage, the deals with a value
	// lost before they entered any stage, which have no deepest stage.
	Deals   int64 `json:"deals"`
	Missing int64 `json:"missing"`
	Open    int64 `json:"open"`
	NoStage int64 `json:"no_stage"`
	// Test is the chi-square test of independence of value and deepest
	// stage on Deepest.
	Test ChiSquare `json:"test"`
	// Odds holds, for each value in order and each stage from 1 to the
	// last, the odds ratio of reaching that stage (deepest stage at or
	// beyond it). Stage 0 is left out: every deal with an event reaches it
	// under the implied rule.
	Odds []OddsRatio `json:"odds"`
}

// AttributeEffect reads, from a tally grouped by one attribute (built
// with funnel.NewTally(f, attr): "source", "segment", "owner" or any key
// of Attrs, such as "warm" or "product"), the deepest stage reached by the
// closed deals of each value; tests whether value and deepest stage are
// independent with Pearson's chi-square ([funnel.ChiSquareTest], without
// a continuity correction; see [ChiSquare]); and gives the odds ratio of reaching each stage
// for each value against the rest, with a 95% confidence interval on the
// log scale (see [OddsRatio]).
//
// Only closed deals are in the table, from each group's [funnel.Counts]:
// a lost deal's deepest stage is k for the LostAt[k] deals, a won deal's
// the last stage. Open deals have not reached their deepest stage and are
// counted apart (Open); so are deals lost before any stage (NoStage,
// from LostNoStage) and groups whose value is blank (Missing). Values
// that differ only by surrounding white space are one value.
//
// It returns a *[funnel.InputError] with Op "pipeline.AttributeEffect"
// wrapping [funnel.ErrEmptyFunnel] for a funnel with no stages,
// [funnel.ErrIncompatible] for a tally over another funnel or not grouped
// by exactly one attribute, [funnel.ErrOutOfRange] when a sum of the
// tally's counts (values that differ only by white space are added) passes
// an int64, and [funnel.ErrNoData] when no closed deal has
// both a non-blank value and a deepest stage (including a nil or empty
// tally). The tally is not modified.
func AttributeEffect(f funnel.Funnel, t *funnel.Tally) (Effect, error) {
	const fn = "AttributeEffect"
	fail := func(name, value string, err error) (Effect, error) {
		return Effect{}, &funnel.InputError{Op: op(fn), Name: name, Value: value, Err: err}
	}
	by := t.By()
	switch {
	case f.Len() == 0:
		return fail("funnel", "", funnel.ErrEmptyFunnel)
	case t == nil:
		return fail("tally", "nil", funnel.ErrNoData)
	case !t.Funnel().Equal(f):
		return fail("tally", t.Funnel().String(), fmt.Errorf("%w: a tally over another funnel than %s", funnel.ErrIncompatible, f))
	case len(by) != 1:
		return fail("tally", fmt.Sprintf("grouped by %q", by), fmt.Errorf("%w: want a tally grouped by exactly one attribute", funnel.ErrIncompatible))
	}
	attr := by[0]
	last := f.Last()
	byValue := map[string][]int64{}
	e := Effect{Attr: attr, Stages: f.Stages()}
	// The tally's counts may come from JSON and be near the int64 limit:
	// every sum is checked. Each cell of the table is a sum of checked
	// adds and e.Deals, checked too, is the sum of all cells, so the row,
	// column and running sums of oddsRatios, each a part of e.Deals with no
	// negative cell ([funnel.Counts.Check]), cannot pass it.
	overflow := ""
	add := func(name string, a *int64, b int64) {
		s, ok := num.Add(*a, b)
		if !ok && overflow == "" {
			overflow = name
		}
		*a = s
	}
	for _, c := range t.Groups() {
		v := strings.TrimSpace(c.Key[0])
		if v == "" {
			add("missing", &e.Missing, c.Deals)
			continue
		}
		add("open", &e.Open, c.Open)
		add("no_stage", &e.NoStage, c.LostNoStage)
		// Check has made sure that Won + Lost fits and that LostNoStage is
		// part of Lost.
		closed := c.Won + c.Lost - c.LostNoStage
		if closed == 0 {
			continue
		}
		row, ok := byValue[v]
		if !ok {
			row = make([]int64, f.Len())
			byValue[v] = row
		}
		for k, n := range c.LostAt {
			add("deepest", &row[k], n)
		}
		add("deepest", &row[last], c.Won)
		add("deals", &e.Deals, closed)
	}
	if overflow != "" {
		return fail("tally", fmt.Sprintf("by %q", attr), fmt.Errorf("%w: the %s count past an int64", funnel.ErrOutOfRange, overflow))
	}
	if len(byValue) == 0 {
		return fail("tally", fmt.Sprintf("by %q", attr), fmt.Errorf("%w: no closed deal with a value and a stage (%d open, %d lost before any stage, %d without a value)", funnel.ErrNoData, e.Open, e.NoStage, e.Missing))
	}
	e.Values = slices.Sorted(maps.Keys(byValue))
	e.Deepest = make([][]int64, len(e.Values))
	for i, v := range e.Values {
		e.Deepest[i] = byValue[v]
	}
	e.Test = chiSquare(e.Deepest)
	e.Odds = oddsRatios(f, e.Values, e.Deepest)
	return e, nil
}

// chiSquare runs Pearson's test on the table with [funnel.ChiSquareTest],
// which drops the empty columns (a stage no closed deal ended at), and
// reports it in this package's shape: a table it cannot test (fewer than
// two values or two non-empty columns) is Tested false with P 1.
//
// It panics if the table has a negative count, rows of unequal length or a
// total past int64, which AttributeEffect rules out (its counts come from
// checked tallies and every sum is checked), so no data can cause it.
func chiSquare(table [][]int64) ChiSquare {
	cs, err := funnel.ChiSquareTest(table, nil)
	if err != nil {
		panic("pipeline: chi-square of a table AttributeEffect checked: " + err.Error())
	}
	if !cs.Stat.Valid {
		return ChiSquare{P: 1}
	}
	return ChiSquare{
		Tested:      true,
		Stat:        cs.Stat.Float64,
		DF:          cs.DF,
		P:           cs.P.Float64,
		Cells:       cs.Cells,
		LowExpected: cs.LowExpected,
		MinExpected: cs.MinExpected.Float64,
	}
}

// z975 is the 0.975 quantile of the standard normal distribution, for a
// two-sided 95% interval: distuv.UnitNormal.Quantile(0.975), checked in
// the tests.
const z975 = 1.959963984540054

// oddsRatios returns the odds ratio of reaching each stage from 1 on, for
// each value against the rest.
func oddsRatios(f funnel.Funnel, values []string, table [][]int64) []OddsRatio {
	// reached[i][k]: deals with value i whose deepest stage is >= k.
	reached := make([][]int64, len(table))
	total := make([]int64, len(table))
	allReached := make([]int64, f.Len())
	var all int64
	for i, row := range table {
		reached[i] = make([]int64, f.Len())
		var run int64
		for k := f.Len() - 1; k >= 0; k-- {
			run += row[k]
			reached[i][k] = run
			allReached[k] += run
		}
		total[i] = run
		all += run
	}
	out := []OddsRatio{}
	for i, v := range values {
		for k := 1; k < f.Len(); k++ {
			o := OddsRatio{Value: v, Stage: k, StageName: f.Stage(k)}
			o.A = reached[i][k]
			o.B = total[i] - o.A
			o.C = allReached[k] - o.A
			o.D = (all - total[i]) - o.C
			a, b, c, d := float64(o.A), float64(o.B), float64(o.C), float64(o.D)
			if o.A == 0 || o.B == 0 || o.C == 0 || o.D == 0 {
				a, b, c, d = a+0.5, b+0.5, c+0.5, d+0.5
				o.Corrected = true
			}
			lr := math.Log(a) + math.Log(d) - math.Log(b) - math.Log(c)
			se := math.Sqrt(1/a + 1/b + 1/c + 1/d)
			o.Ratio = math.Exp(lr)
			o.Low = math.Exp(lr - z975*se)
			o.High = math.Exp(lr + z975*se)
			out = append(out, o)
		}
	}
	return out
}
