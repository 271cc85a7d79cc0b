package funnel

import (
	"fmt"
	"strconv"

	"github.com/funnelmath/funnelmath/internal/num"
)

// maxFisherTables bounds the work of [FisherExact]: the number of tables
// with the observed margins that it sums over.
const maxFisherTables = 10_000_000

// Fisher is the result of [FisherExact] for the 2 × 2 table
//
//	              column 1   column 2
//	row 1            A          B
//	row 2            C          D
//
// such as reached and not reached (columns) for one rep and the rest of
// the team (rows). The p-values are in [0, 1]; JSON {"a", "b", "c", "d",
// "p", "p_less", "p_greater", "odds_ratio"}, odds_ratio null when
// undefined.
type Fisher struct {
	A int64 `json:"a"`
	B int64 `json:"b"`
	C int64 `json:"c"`
	D int64 `json:"d"`
	// P is the two-sided p-value: the probability, with the margins fixed
	// and rows and columns independent, of a table no more likely than
	// the one observed.
	P float64 `json:"p"`
	// Less is the one-sided p-value P(X <= A) for an odds ratio below 1
	// (row 1 less often in column 1), Greater is P(X >= A) for one above
	// 1; X is the top-left count of a table with the same margins.
	Less    float64 `json:"p_less"`
	Greater float64 `json:"p_greater"`
	// OddsRatio is the sample odds ratio A·D/(B·C): 0 when A·D = 0 < B·C,
	// null when B·C = 0 (infinite or 0/0). R's fisher.test reports the
	// conditional maximum likelihood estimate instead, which differs.
	OddsRatio NullFloat64 `json:"odds_ratio"`
}

// FisherExact runs Fisher's exact test on the 2 × 2 table [[a b] [c d]],
// the test to use when expected counts are small (see [ChiSquare]). With
// the margins fixed, the top-left count X of a table under independence is
// hypergeometric: with row totals r1 = a + b, r2 = c + d, column total
// c1 = a + c and n = r1 + r2,
//
//	P(X = x) = C(r1, x)·C(r2, c1 − x) / C(n, c1),  max(0, c1 − r2) <= x <= min(r1, c1)
//	P        = Σ P(X = x) over x with P(X = x) <= P(X = a)·(1 + 10⁻⁷)
//	Less     = P(X <= a),  Greater = P(X >= a)
//
// The two-sided rule and its relative tolerance 1 + 10⁻⁷ (which keeps
// tables as likely as the observed one, up to rounding, in the sum) are
// R's fisher.test, whose p-values it reproduces. The probabilities are
// computed relative to the most likely table by the exact ratio
// P(X = x + 1)/P(X = x) = (r1 − x)(c1 − x)/((x + 1)(r2 − c1 + x + 1)),
// which, unlike differences of log-gamma functions, loses no precision
// for large counts; the work is the number of tables with these margins,
// min(a + b, c + d, a + c, b + d) + 1.
//
// A table with all counts zero (or any table with a single possible
// table for its margins) gives P = Less = Greater = 1.
//
// It returns a *[InputError] naming the count that wraps
// [ErrNegativeCount] for a negative count, and one wrapping [ErrOutOfRange]
// when the total passes int64 or there are more than 10⁷ tables to sum
// (use [ChiSquareTest] or [CompareRates] for counts that large).
func FisherExact(a, b, c, d int64) (Fisher, error) {
	for i, v := range [4]int64{a, b, c, d} {
		if v < 0 {
			return Fisher{}, countErr(string("abcd"[i]), v, ErrNegativeCount)
		}
	}
	r1, ok1 := num.Add(a, b)
	r2, ok2 := num.Add(c, d)
	c1, ok3 := num.Add(a, c)
	c2, ok4 := num.Add(b, d)
	_, ok5 := num.Add(r1, r2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return Fisher{}, &InputError{Name: "table", Value: fisherTable(a, b, c, d), Err: fmt.Errorf("%w: total passes int64", ErrOutOfRange)}
	}
	f := Fisher{A: a, B: b, C: c, D: d}
	if bc := float64(b) * float64(c); bc > 0 {
		f.OddsRatio = Some(float64(a) * float64(d) / bc)
	}
	lo, hi := max(0, c1-r2), min(r1, c1)
	if tables := min(r1, r2, c1, c2); tables >= maxFisherTables {
		return Fisher{}, &InputError{Name: "table", Value: fisherTable(a, b, c, d),
			Err: fmt.Errorf("%w: %d tables to sum for Fisher's exact test, above the bound of %d", ErrOutOfRange, tables+1, maxFisherTables)}
	}
	// The mode of the hypergeometric is ⌊(r1 + 1)(c1 + 1)/(n + 2)⌋; a
	// start off by one (float rounding) only changes the scale.
	n := float64(r1) + float64(r2)
	mode := min(max(int64((float64(r1)+1)*(float64(c1)+1)/(n+2)), lo), hi)
	// w(x) = P(X = x)/P(X = mode), walked out from the mode both ways;
	// the terms fall monotonically, so once one underflows the rest do.
	ratio := func(x int64) float64 { // P(X = x + 1)/P(X = x)
		return (float64(r1-x) * float64(c1-x)) / (float64(x+1) * float64(r2-c1+x+1))
	}
	// The observed term first, so the walk can compare with it.
	wa := 1.0
	for x := mode; x < a; x++ {
		wa *= ratio(x)
	}
	for x := mode; x > a; x-- {
		wa /= ratio(x - 1)
	}
	cut := wa * (1 + 1e-7)
	var total, two, less, greater float64
	add := func(x int64, w float64) {
		total += w
		if w <= cut {
			two += w
		}
		if x <= a {
			less += w
		}
		if x >= a {
			greater += w
		}
	}
	w := 1.0
	for x := mode; x <= hi && w > 0; x++ {
		add(x, w)
		if x < hi {
			w *= ratio(x)
		}
	}
	w = 1.0
	for x := mode - 1; x >= lo; x-- {
		if w /= ratio(x); w == 0 {
			break
		}
		add(x, w)
	}
	// Each sum is over a subset of the terms of total, added in the same
	// order, so none passes it: the p-values are in [0, 1].
	f.P, f.Less, f.Greater = two/total, less/total, greater/total
	return f, nil
}

func fisherTable(a, b, c, d int64) string {
	return "[[" + strconv.FormatInt(a, 10) + " " + strconv.FormatInt(b, 10) + "] [" +
		strconv.FormatInt(c, 10) + " " + strconv.FormatInt(d, 10) + "]]"
}
