package funnel

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/internal/num"
	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquareOptions are the options of [ChiSquareTest]. A nil
// *ChiSquareOptions, like the zero value, asks for Pearson's statistic
// without a continuity correction.
type ChiSquareOptions struct {
	// Yates asks for Yates' continuity correction, as R's chisq.test does
	// by default for a 2 × 2 table. It is applied only when the table
	// tested (after empty rows and columns are dropped) is 2 × 2; larger
	// tables are tested without it.
	Yates bool
}

// ChiSquare is the result of [ChiSquareTest]: Pearson's chi-square test
// of independence of the rows and columns of a table of counts.
//
// When the table cannot be tested (fewer than two rows or two columns
// with a positive total) Stat, P and MinExpected are null (not Valid) and
// DF, Cells and LowExpected are 0. In JSON the null fields are null.
type ChiSquare struct {
	// Stat is Pearson's statistic Σ (O − E)²/E over the cells tested,
	// with E = row total × column total / grand total; with the Yates
	// correction, Σ (|O − E| − c)²/E, c = min(0.5, min |O − E|).
	Stat NullFloat64 `json:"stat"`
	// DF = (Rows − 1)(Cols − 1), the degrees of freedom.
	DF int `json:"df"`
	// P is the chance of a statistic at least Stat under independence:
	// the survival function of the chi-square distribution with DF
	// degrees of freedom ([distuv.ChiSquared]), in [0, 1].
	P NullFloat64 `json:"p"`
	// Rows and Cols are the numbers of rows and columns tested: those
	// with a positive total.
	Rows int `json:"rows"`
	Cols int `json:"cols"`
	// DroppedRows and DroppedCols are the indices of the rows and columns
	// left out because their total is zero (an attribute value with no
	// deals, a stage no deal reached), in increasing order; nil (JSON
	// null) when none was dropped.
	DroppedRows []int `json:"dropped_rows"`
	DroppedCols []int `json:"dropped_cols"`
	// Cells = Rows × Cols when the table is tested, LowExpected how many
	// of them have an expected count E below 5 and MinExpected the
	// smallest E. With LowExpected > 0 the chi-square approximation is
	// doubtful (Cochran's rule asks for no E below 1 and at most 20% of
	// them below 5); for a 2 × 2 table use [FisherExact].
	Cells       int         `json:"cells"`
	LowExpected int         `json:"low_expected"`
	MinExpected NullFloat64 `json:"min_expected"`
	// Yates reports whether Yates' continuity correction was applied.
	Yates bool `json:"yates"`
}

// ChiSquareTest runs Pearson's chi-square test of independence on an r × c
// table of counts, table[i][j] the count of row i and column j, such as
// deals by attribute value (rows) and deepest stage reached (columns).
// Rows and columns whose total is zero carry no information and are
// dropped, and the result says which. Over the R rows and C columns left,
// with row totals r_i, column totals c_j and grand total n,
//
//	E_ij = r_i·c_j / n
//	Stat = Σ_ij (O_ij − E_ij)² / E_ij
//	DF   = (R − 1)(C − 1)
//	P    = P(χ²_DF >= Stat)
//
// With opts.Yates and a 2 × 2 table left, each |O − E| is reduced by
// c = min(0.5, min |O − E|) before squaring, as R's chisq.test(correct =
// TRUE) does. The statistic and P then match R's chisq.test on the same
// table with its empty rows and columns removed.
//
// A table with fewer than two rows or two columns left (including an empty
// or all-zero table) is not an error: it cannot be tested, and the result
// says so with null Stat, P and MinExpected. The input is not modified.
//
// It returns a *[InputError] naming the row that wraps
// [ErrLengthMismatch] when the rows differ in length, naming the cell
// ("table[i][j]") that wraps [ErrNegativeCount] for a negative count, and
// one wrapping [ErrOutOfRange] when a total passes the range of int64.
func ChiSquareTest(table [][]int64, opts *ChiSquareOptions) (ChiSquare, error) {
	var cs ChiSquare
	if len(table) == 0 {
		return cs, nil
	}
	nc := len(table[0])
	var buf [16]int64
	cols := buf[:0]
	if nc > len(buf) {
		cols = make([]int64, 0, nc)
	}
	cols = cols[:nc]
	var n int64
	for i, row := range table {
		if len(row) != nc {
			return ChiSquare{}, &InputError{Name: "table[" + strconv.Itoa(i) + "]", Value: strconv.Itoa(len(row)) + " columns",
				Err: fmt.Errorf("%w: table[0] has %d", ErrLengthMismatch, nc)}
		}
		var rt int64
		for j, o := range row {
			if o < 0 {
				return ChiSquare{}, countErr("table["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]", o, ErrNegativeCount)
			}
			var ok1, ok2 bool
			rt, ok1 = num.Add(rt, o)
			cols[j], ok2 = num.Add(cols[j], o)
			if !ok1 || !ok2 {
				return ChiSquare{}, &InputError{Name: "table", Err: fmt.Errorf("%w: a row or column total passes int64", ErrOutOfRange)}
			}
		}
		if rt == 0 {
			cs.DroppedRows = append(cs.DroppedRows, i)
			continue
		}
		var ok bool
		if n, ok = num.Add(n, rt); !ok {
			return ChiSquare{}, &InputError{Name: "table", Err: fmt.Errorf("%w: the grand total passes int64", ErrOutOfRange)}
		}
	}
	for j, c := range cols {
		if c == 0 {
			cs.DroppedCols = append(cs.DroppedCols, j)
		}
	}
	cs.Rows = len(table) - len(cs.DroppedRows)
	cs.Cols = nc - len(cs.DroppedCols)
	if cs.Rows < 2 || cs.Cols < 2 {
		return cs, nil
	}
	cs.DF = (cs.Rows - 1) * (cs.Cols - 1)
	cs.Cells = cs.Rows * cs.Cols
	cs.Yates = opts != nil && opts.Yates && cs.Rows == 2 && cs.Cols == 2
	fn := float64(n)
	// The Yates reduction is the smallest |O − E| capped at 0.5 (R's
	// chisq.test); a first pass finds it.
	corr := 0.0
	if cs.Yates {
		corr = 0.5
		eachCell(table, cols, fn, func(o, e float64) { corr = min(corr, math.Abs(o-e)) })
	}
	minE := math.Inf(1)
	var stat float64
	eachCell(table, cols, fn, func(o, e float64) {
		d := math.Abs(o-e) - corr
		stat += d * d / e
		if e < 5 {
			cs.LowExpected++
		}
		minE = min(minE, e)
	})
	cs.Stat = Some(stat)
	cs.MinExpected = Some(minE)
	cs.P = Some(min(max(distuv.ChiSquared{K: float64(cs.DF)}.Survival(stat), 0), 1))
	return cs, nil
}

// eachCell calls f with the observed and expected count of every cell
// whose row and column totals are positive; cols are the column totals
// and n the grand total.
func eachCell(table [][]int64, cols []int64, n float64, f func(o, e float64)) {
	for _, row := range table {
		var rt float64
		for _, o := range row {
			rt += float64(o)
		}
		if rt == 0 {
			continue
		}
		for j, o := range row {
			if cols[j] == 0 {
				continue
			}
			f(float64(o), rt*float64(cols[j])/n)
		}
	}
}
