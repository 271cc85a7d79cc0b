package ratios

import (
	"github.com/funnelmath/funnelmath/funnel"
)

// fisherBelow is the expected count under which a contrast takes
// Fisher's exact p-value: Cochran's rule, by which R's chisq.test warns
// that the chi-square approximation may be incorrect.
const fisherBelow = 5

// Contrast is a test of one rate against another from independent
// samples, such as a rep's step against the rest of the team's, or a
// rep's step this quarter against last: the difference with its interval
// and the p-value behind the "beyond noise" flag.
type Contrast struct {
	// Difference is [funnel.CompareRates] of A against B: Diff = p̂A − p̂B
	// with its Sign, the pooled two-proportion z test and Newcombe's
	// interval [Lo, Hi] at the report's confidence level.
	Difference funnel.Difference `json:"difference"`
	// FisherP is the two-sided p-value of Fisher's exact test
	// ([funnel.FisherExact]) on the 2 × 2 table
	//
	//	A.K   A.N − A.K
	//	B.K   B.N − B.K
	//
	// taken when its smallest expected count,
	//
	//	min(A.N, B.N) × min(A.K + B.K, A.N + B.N − A.K − B.K) / (A.N + B.N)
	//
	// is below 5 (Cochran's rule), where the z test's normal
	// approximation is poor; null otherwise, and when the table has more
	// margins' tables than FisherExact sums (counts in the millions on
	// both sides), where the z test's p stands.
	FisherP funnel.NullFloat64 `json:"fisher_p"`
	// P is the p-value tested: FisherP when there is one, else
	// Difference.P; null when either rate has no trials, and the contrast
	// then takes no part in the false discovery control.
	P funnel.NullFloat64 `json:"p"`
	// Adjusted is P adjusted by Benjamini–Hochberg across the grid
	// ([funnel.BenjaminiHochberg]), and Beyond whether it is at most the
	// FDR: the difference is a discovery, beyond noise. Its direction is
	// Difference.Sign.
	Adjusted funnel.NullFloat64 `json:"adjusted_p"`
	Beyond   bool               `json:"beyond_noise"`
}

// Signal is a rep against the rest of the team (the team less the rep)
// at one step: the [Contrast] of the rep's resolved step (A) with the
// rest's (B), and the posterior probability that the rep's true rate is
// below the rest's.
type Signal struct {
	Contrast
	// PBelow is P(rep's true rate < rest's true rate) under the step's
	// Beta(α, β) prior ([funnel.PBelow] of the posteriors Beta(α + K,
	// β + N − K) of the rep and of the rest); null when either has no
	// resolved trials or the step has no prior.
	PBelow funnel.NullFloat64 `json:"p_below"`
}

// contrast compares a with b at the confidence level: CompareRates, and
// Fisher's exact p when the smallest expected count is below
// fisherBelow. When Fisher's test cannot be run (more tables than it
// sums, possible only for counts in the millions on both sides) the z
// test's p stands.
func contrast(a, b funnel.Rate, conf float64) (Contrast, error) {
	d, err := funnel.CompareRates(a, b, conf)
	if err != nil {
		return Contrast{}, err
	}
	c := Contrast{Difference: d, P: d.P}
	if !d.P.Valid {
		return c, nil
	}
	// Float arithmetic: the counts' sums may pass an int64.
	na, nb := float64(a.N), float64(b.N)
	k := float64(a.K) + float64(b.K)
	if min(na, nb)*min(k, na+nb-k)/(na+nb) < fisherBelow {
		if fe, err := funnel.FisherExact(a.K, a.N-a.K, b.K, b.N-b.K); err == nil {
			c.FisherP = funnel.Some(fe.P)
			c.P = c.FisherP
		}
	}
	return c, nil
}

// discover runs Benjamini–Hochberg at q over the contrasts with a P and
// sets their Adjusted and Beyond; it returns the number tested and the
// number of discoveries.
func discover(cs []*Contrast, q float64) (tests, found int, err error) {
	ps := make([]float64, len(cs))
	for i, c := range cs {
		ps[i] = c.P.Float64
	}
	if len(ps) == 0 {
		return 0, 0, nil
	}
	d, err := funnel.BenjaminiHochberg(ps, q)
	if err != nil {
		return 0, 0, err
	}
	for i, c := range cs {
		c.Adjusted, c.Beyond = funnel.Some(d.Adjusted[i]), d.Discovery[i]
	}
	return len(ps), d.Count, nil
}

// signals fills in every rep's Signal at every step of out: the rep's
// resolved step (rates, step-major) against the rest of the team's, and
// the false discovery control over the grid.
func signals(op string, out *Report, rates []funnel.Rate, s benchSettings) error {
	nr, ns := len(out.Reps), len(out.RoleModels)
	tested := make([]*Contrast, 0, nr*ns)
	for j := range ns {
		team := out.Team.Stages[j+1].Resolved
		prior := out.RoleModels[j].Prior
		for i := range nr {
			r := rates[j*nr+i]
			rest := funnel.Rate{K: team.K - r.K, N: team.N - r.N}
			cell := &out.Reps[i].Steps[j]
			c, err := contrast(r, rest, s.conf)
			if err != nil {
				return repErr(op, i, err)
			}
			cell.Signal.Contrast = c
			if c.P.Valid {
				tested = append(tested, &cell.Signal.Contrast)
			}
			if prior != nil && r.N > 0 && rest.N > 0 {
				y, err := prior.Posterior(rest)
				if err != nil {
					return funnel.WithOp(op, err)
				}
				p, err := funnel.PBelow(cell.Posterior, y)
				if err != nil {
					return funnel.WithOp(op, err)
				}
				cell.Signal.PBelow = funnel.Some(p)
			}
		}
	}
	var err error
	if out.Tests, out.Discoveries, err = discover(tested, s.fdr); err != nil {
		return funnel.WithOp(op, err)
	}
	return nil
}
