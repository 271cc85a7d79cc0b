package funnel

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Discoveries is the result of [BenjaminiHochberg]: for each p-value, in
// input order, its adjusted p-value and whether it is a discovery at the
// false discovery rate Q.
type Discoveries struct {
	Q        float64   `json:"q"`        // the false discovery rate asked for
	Adjusted []float64 `json:"adjusted"` // Benjamini–Hochberg adjusted p-values, in [0, 1]
	// Discovery[i] reports whether Adjusted[i] <= Q.
	Discovery []bool `json:"discovery"`
	Count     int    `json:"count"` // the number of discoveries
}

// BenjaminiHochberg controls the false discovery rate across a grid of
// tests, such as a test of every rep at every stage against the team: of
// the differences it reports as discoveries, at most a share q are
// expected to be noise (Benjamini and Hochberg 1995, for independent or
// positively dependent tests). With the m p-values sorted so that
// p_(1) <= … <= p_(m), the adjusted p-values are
//
//	adj_(i) = min(1, min_{j >= i} m·p_(j)/j)
//
// as R's p.adjust(p, "BH") gives them, and p-value i is a discovery when
// its adjusted value is at most q. That is the step-up rule: with k the
// largest i such that p_(i) <= i·q/m, the k smallest p-values are the
// discoveries. Ties get the same adjusted value. An empty p gives empty
// results. The input is not modified.
//
// It returns a *[InputError] naming "p[i]" that wraps [ErrNotFinite] for a
// NaN or infinite p-value and [ErrRateRange] for one outside [0, 1], and
// one naming "q" that wraps [ErrNotFinite] or [ErrOutOfRange] when q is
// not in (0, 1).
func BenjaminiHochberg(p []float64, q float64) (Discoveries, error) {
	switch {
	case math.IsNaN(q) || math.IsInf(q, 0):
		return Discoveries{}, inputErr("q", q, ErrNotFinite)
	case q <= 0 || q >= 1:
		return Discoveries{}, inputErr("q", q, fmt.Errorf("%w: must be in (0, 1)", ErrOutOfRange))
	}
	for i, v := range p {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return Discoveries{}, inputErr("p["+strconv.Itoa(i)+"]", v, ErrNotFinite)
		case v < 0 || v > 1:
			return Discoveries{}, inputErr("p["+strconv.Itoa(i)+"]", v, ErrRateRange)
		}
	}
	m := len(p)
	d := Discoveries{Q: q, Adjusted: make([]float64, m), Discovery: make([]bool, m)}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	// From the largest p-value down, the running minimum of m·p_(j)/j,
	// computed as (m/j)·p_(j), as R does: m/j >= 1 rounds to at least 1,
	// so no adjusted value rounds below its p-value.
	run := 1.0
	for j := m; j >= 1; j-- {
		i := order[j-1]
		run = min(run, float64(m)/float64(j)*p[i])
		d.Adjusted[i] = run
		if run <= q {
			d.Discovery[i] = true
			d.Count++
		}
	}
	return d, nil
}
