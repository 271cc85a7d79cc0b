package pipeline

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquare is Pearson's chi-square test of independence on a contingency
// table.
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

// Effect is the effect of one attribute on how deep deals go.
type Effect struct {
	Attr   string   `json:"attr"`
	Values []string `json:"values"` // distinct non-blank values, sorted
	Stages []string `json:"stages"` // the funnel's stage names
	// Deepest[i][k] counts the deals with Values[i] whose deepest stage
	// ([funnel.Deal.Furthest]) is k.
	Deepest [][]int64 `json:"deepest"`
	// Deals counts the deals in the table; Missing those left out for a
	// blank or absent value; NoStage those left out because they were lost
	// before they entered any stage, so have no deepest stage.
	Deals   int `json:"deals"`
	Missing int `json:"missing"`
	NoStage int `json:"no_stage"`
	// Test is the chi-square test of independence of value and deepest
	// stage on Deepest.
	Test ChiSquare `json:"test"`
	// Odds holds, for each value in order and each stage from 1 to the
	// last, the odds ratio of reaching that stage (deepest stage at or
	// beyond it). Stage 0 is left out: every deal with an event reaches it
	// under the implied rule.
	Odds []OddsRatio `json:"odds"`
}

// AttributeEffect tabulates the deepest stage reached by each value of the
// attribute attr ([funnel.Deal.Attr]: "source", "segment", "owner" or any
// key of Attrs, such as "warm" or "product"), tests whether value and
// deepest stage are independent with Pearson's chi-square (p-value from
// [distuv.ChiSquared]) and gives the odds ratio of reaching each stage for
// each value against the rest, with a 95% confidence interval on the log
// scale (see [OddsRatio]).
//
// Open deals have not reached their deepest stage yet; pass closed deals
// only to compare final depths. Deals with a blank value are counted apart
// and left out.
//
// It returns an error wrapping [ErrNoAttribute] when no deal has both a
// non-blank value for attr and a deepest stage (including when deals is
// empty, and when every deal with a value was lost before any stage),
// [ErrDuplicateDeal], or a sentinel of package funnel for an invalid deal.
// The deals are not modified.
func AttributeEffect(f funnel.Funnel, deals []funnel.Deal, attr string) (Effect, error) {
	const fn = "AttributeEffect"
	if err := checkDeals(fn, f, deals); err != nil {
		return Effect{}, err
	}
	byValue := map[string][]int64{}
	e := Effect{Attr: attr, Stages: f.Stages()}
	for i := range deals {
		v := strings.TrimSpace(deals[i].Attr(attr))
		if v == "" {
			e.Missing++
			continue
		}
		k := deals[i].Furthest()
		if k < 0 {
			e.NoStage++
			continue
		}
		row, ok := byValue[v]
		if !ok {
			row = make([]int64, f.Len())
			byValue[v] = row
		}
		row[k]++
		e.Deals++
	}
	if len(byValue) == 0 {
		why := "none with a value"
		if e.NoStage > 0 {
			why = fmt.Sprintf("%d with a value but none with a stage", e.NoStage)
		}
		return Effect{}, &Error{Func: fn, Arg: "attr", Value: fmt.Sprintf("%q", attr), Err: fmt.Errorf("%w: %d deals, %s", ErrNoAttribute, len(deals), why)}
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

// chiSquare runs Pearson's test on the table, dropping empty columns. Every
// row of the table is non-empty.
func chiSquare(table [][]int64) ChiSquare {
	if len(table) == 0 {
		return ChiSquare{P: 1}
	}
	rows := make([]float64, len(table))
	cols := make([]float64, len(table[0]))
	var n float64
	for i, row := range table {
		for k, o := range row {
			rows[i] += float64(o)
			cols[k] += float64(o)
			n += float64(o)
		}
	}
	var used []int
	for k, c := range cols {
		if c > 0 {
			used = append(used, k)
		}
	}
	if len(table) < 2 || len(used) < 2 {
		return ChiSquare{P: 1}
	}
	cs := ChiSquare{Tested: true, DF: (len(table) - 1) * (len(used) - 1), MinExpected: math.Inf(1)}
	for i, row := range table {
		for _, k := range used {
			exp := rows[i] * cols[k] / n
			d := float64(row[k]) - exp
			cs.Stat += d * d / exp
			cs.Cells++
			if exp < 5 {
				cs.LowExpected++
			}
			cs.MinExpected = min(cs.MinExpected, exp)
		}
	}
	cs.P = distuv.ChiSquared{K: float64(cs.DF)}.Survival(cs.Stat)
	return cs
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
	out := make([]OddsRatio, 0, len(values)*max(f.Len()-1, 0))
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
