package funnel_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
)

// Does a rep's team convert meetings to proposals at the same rate as the
// rest? 56 of 70 against 48 of 80, as a 2 × 2 table of reached and not
// reached. R: chisq.test(matrix(c(56, 14, 48, 32), 2, byrow = TRUE),
// correct = FALSE) gives X-squared = 7.0234, p-value = 0.008045; with
// correct = TRUE (Yates), 6.1143 and 0.01341.
func ExampleChiSquareTest() {
	table := [][]int64{
		{56, 14}, // this team: reached, not reached
		{48, 32}, // the rest
	}
	for _, yates := range []bool{false, true} {
		cs, err := funnel.ChiSquareTest(table, &funnel.ChiSquareOptions{Yates: yates})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("Yates %-5v X² = %.4f, df %d, p = %.5f, cells below 5: %d\n",
			cs.Yates, cs.Stat.Float64, cs.DF, cs.P.Float64, cs.LowExpected)
	}
	// Output:
	// Yates false X² = 7.0234, df 1, p = 0.00805, cells below 5: 0
	// Yates true  X² = 6.1143, df 1, p = 0.01341, cells below 5: 0
}

// Fisher's tea-tasting table: 3 of 4 cups called right each way. Too few
// for the chi-square test (every expected count is 2). R:
// fisher.test(matrix(c(3, 1, 1, 3), 2)) gives p-value = 0.4857;
// alternative = "greater", 0.2429; "less", 0.9857.
func ExampleFisherExact() {
	f, err := funnel.FisherExact(3, 1, 1, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("two-sided p = %.4f, greater %.4f, less %.4f\n", f.P, f.Greater, f.Less)
	fmt.Printf("sample odds ratio %.1f\n", f.OddsRatio.Float64)
	// Output:
	// two-sided p = 0.4857, greater 0.2429, less 0.9857
	// sample odds ratio 9.0
}

// Is a rep who won 7 of 20 below a coin flip? R: binom.test(7, 20, 0.5)
// gives p-value = 0.2632 (alternative = "less": 0.1316), and
// prop.test(7, 20, 0.5, correct = FALSE) X-squared = 1.8 (z = −√1.8 =
// −1.342), p-value = 0.1797.
func ExampleRate_Test() {
	rt, err := funnel.Rate{K: 7, N: 20}.Test(0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("exact p = %.4f (below: %.4f)\n", rt.Exact.Float64, rt.ExactLess.Float64)
	fmt.Printf("score z = %.3f, p = %.4f\n", rt.Z.Float64, rt.ScoreP.Float64)
	// Output:
	// exact p = 0.2632 (below: 0.1316)
	// score z = -1.342, p = 0.1797
}

// One rep converts 56 of 70, the rest of the team 48 of 80. R:
// prop.test(c(56, 48), c(70, 80), correct = FALSE) gives X-squared =
// 7.0234 (z = √7.0234 = 2.650), p-value = 0.008045; Newcombe's interval
// from the Wilson intervals of prop.test(56, 70, correct = FALSE) and
// prop.test(48, 80, correct = FALSE) is [0.0524, 0.3339].
func ExampleCompareRates() {
	d, err := funnel.CompareRates(funnel.Rate{K: 56, N: 70}, funnel.Rate{K: 48, N: 80}, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("diff %.1f (sign %+d), z = %.3f, p = %.5f\n", d.Diff.Float64, d.Sign, d.Z.Float64, d.P.Float64)
	fmt.Printf("95%% interval [%.4f, %.4f]\n", d.Lo.Float64, d.Hi.Float64)
	// Output:
	// diff 0.2 (sign +1), z = 2.650, p = 0.00805
	// 95% interval [0.0524, 0.3339]
}

// The 15 p-values of Benjamini and Hochberg's 1995 paper: at a false
// discovery rate of 5% the four smallest are discoveries, where testing
// each at 0.05 would claim nine. R: p.adjust(p, "BH") gives 0.0015 0.003
// 0.0095 0.035625 0.0603 ...
func ExampleBenjaminiHochberg() {
	p := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	d, err := funnel.BenjaminiHochberg(p, 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("discoveries:", d.Count)
	for i := range 6 {
		fmt.Printf("p %.4f adjusted %.6f discovery %v\n", p[i], d.Adjusted[i], d.Discovery[i])
	}
	// Output:
	// discoveries: 4
	// p 0.0001 adjusted 0.001500 discovery true
	// p 0.0004 adjusted 0.003000 discovery true
	// p 0.0019 adjusted 0.009500 discovery true
	// p 0.0095 adjusted 0.035625 discovery true
	// p 0.0201 adjusted 0.060300 discovery false
	// p 0.0278 adjusted 0.063857 discovery false
}

// How likely is it that the rep with 3 won of 3 is truly below the rep
// with 45 of 60? Shrunk under the team's prior (see ExampleShrink), the
// posteriors are Beta(5.40, 2.56) and Beta(47.40, 17.56). R:
// integrate(function(t) dbeta(t, 47.404095, 17.559916) *
// pbeta(t, 5.404095, 2.559916), 0, 1) = 0.5869.
func ExamplePBelow() {
	rates := []funnel.Rate{{K: 3, N: 3}, {K: 45, N: 60}, {K: 20, N: 50}, {K: 30, N: 70}, {K: 10, N: 40}}
	s, err := funnel.Shrink(rates)
	if err != nil {
		fmt.Println(err)
		return
	}
	small, large := s.Rates[0].Posterior, s.Rates[1].Posterior
	p, err := funnel.PBelow(small, large)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s vs %s\n", fmtBeta(small), fmtBeta(large))
	fmt.Printf("P(3/3 rep below 45/60 rep) = %.4f\n", p)
	// Output:
	// Beta(5.40, 2.56) vs Beta(47.40, 17.56)
	// P(3/3 rep below 45/60 rep) = 0.5869
}

func fmtBeta(p funnel.Posterior) string { return fmt.Sprintf("Beta(%.2f, %.2f)", p.Alpha, p.Beta) }

// A manager who believes reps convert 25% of meetings, give or take 10
// points, states that prior instead of fitting one: Beta(4.4375, 13.3125),
// worth 0.25·0.75/0.1² − 1 = 17.75 meetings. Each rep's rate is pulled
// towards 25% by that weight: 3 of 3 to (3 + 4.4375)/(3 + 17.75) = 0.358,
// 45 of 60 to 49.4375/77.75 = 0.636, with 90% credible intervals from the
// posterior Beta(α + K, β + N − K) (R: qbeta(c(.05, .95), 7.4375,
// 13.3125) = 0.1972 0.5356; qbeta(c(.05, .95), 49.4375, 28.3125) =
// 0.5446 0.7231).
func ExampleShrinkWith() {
	prior, err := funnel.PriorOf(0.25, 0.10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("prior Beta(%.4f, %.4f), worth %.2f meetings (%v)\n", prior.Alpha, prior.Beta, prior.Strength, prior.Reason)
	s, err := funnel.ShrinkWith([]funnel.Rate{{K: 3, N: 3}, {K: 45, N: 60}}, &funnel.ShrinkOptions{Prior: prior})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range s.Rates {
		iv, err := r.Interval(0.90)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%2d/%-2d shrunk %.3f, 90%% credible [%.4f, %.4f]\n", r.Rate.K, r.Rate.N, r.Value, iv.Lo, iv.Hi)
	}
	// Output:
	// prior Beta(4.4375, 13.3125), worth 17.75 meetings (stated)
	//  3/3  shrunk 0.358, 90% credible [0.1972, 0.5356]
	// 45/60 shrunk 0.636, 90% credible [0.5446, 0.7231]
}

// The three estimators of the prior on the same team. The textbook moments
// count the 3 of 3 as fully as the 45 of 60, fit a weak prior, and leave
// the 3 of 3 on top; the weighted moments and maximum likelihood (as R's
// ebbr fits it) pull it below the 45 of 60.
func ExampleShrinkWith_estimators() {
	rates := []funnel.Rate{{K: 3, N: 3}, {K: 45, N: 60}, {K: 20, N: 50}, {K: 30, N: 70}, {K: 10, N: 40}}
	for _, est := range []funnel.PriorEstimator{funnel.WeightedMoments, funnel.TextbookMoments, funnel.MaxLikelihood} {
		s, err := funnel.ShrinkWith(rates, &funnel.ShrinkOptions{Estimator: est})
		if err != nil {
			fmt.Println(err)
			return
		}
		p := s.Prior
		fmt.Printf("%-16v Beta(%.2f, %.2f) worth %.2f: 3/3 → %.3f, 45/60 → %.3f\n",
			est, p.Alpha, p.Beta, p.Strength, s.Rates[0].Value, s.Rates[1].Value)
	}
	// Output:
	// weighted-moments Beta(2.40, 2.56) worth 4.96: 3/3 → 0.679, 45/60 → 0.730
	// textbook-moments Beta(0.94, 0.72) worth 1.67: 3/3 → 0.845, 45/60 → 0.745
	// max-likelihood   Beta(3.39, 3.28) worth 6.67: 3/3 → 0.660, 45/60 → 0.726
}
