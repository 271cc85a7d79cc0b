package domino

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// DefaultDraws is the number of Monte Carlo draws [Simulate] makes when
// SimulateOptions.Draws is 0: enough for the probability of reaching a
// target to within about ±0.3 percentage points (twice its standard error
// √(p(1 − p)/n) at p = ½) and for P10, P50 and P90 to within a fraction of
// a percent of the spread of revenue.
const DefaultDraws = 100_000

// MaxDraws is the largest number of draws [Simulate] accepts: every draw
// is kept (8 bytes each, 80 MB at the bound) so that the quantiles are
// exact, and a service that decodes the options from a request must not
// be made to allocate without limit.
const MaxDraws = 10_000_000

// simBlock is the number of draws in a block: each block has its own
// random stream derived from the seed and the block's index, and the
// context is checked before each block. Changing it changes the figures
// of every seed.
const simBlock = 4096

// UncertainRate is one stage rate of a chain whose true value is uncertain:
// the counts it was measured from (Counts, K of N), the prior belief about
// it (Prior), or both. The rate is drawn from the Beta posterior
//
//	Beta(α + K, β + N − K)
//
// with Beta(α, β) the Prior, or the Jeffreys prior Beta(½, ½) when Prior
// is the zero Prior. A rate stated as a mean and a spread ("25% of
// meetings become proposals, give or take 10 points") is a zero Counts
// with Prior set by [funnel.PriorOf](0.25, 0.1); a team's fitted prior
// ([funnel.Shrink]) with a rep's counts gives the rep's shrunk posterior.
type UncertainRate struct {
	// Name names the step in errors, such as "meeting→proposal"; may be
	// empty.
	Name string `json:"name,omitempty"`
	// Counts are the successes and trials the rate was measured from;
	// the zero Rate for a rate known only from its prior.
	Counts funnel.Rate `json:"counts"`
	// Prior is the Beta prior of the rate; the zero Prior means the
	// Jeffreys prior Beta(½, ½).
	Prior funnel.Prior `json:"prior"`
}

// SimulateOptions are the options of [Simulate]. A nil *SimulateOptions,
// and a zero field, mean the documented default.
type SimulateOptions struct {
	// Draws is the number of draws of the chain, in 1..[MaxDraws]; 0
	// means [DefaultDraws].
	Draws int `json:"draws"`
	// Workers is the number of goroutines that draw; 0 means 1. Any
	// number gives the same result, bit for bit.
	Workers int `json:"workers"`
	// Seed selects the random streams: the same seed and draws give the
	// same result.
	Seed uint64 `json:"seed"`
	// Quantiles are further levels in [0, 1], such as 0.05 and 0.95, to
	// report in Simulation.Quantiles beside P10, P50 and P90.
	Quantiles []float64 `json:"quantiles,omitempty"`
	// Targets are revenue targets, each >= 0, whose probability of being
	// reached Simulation.Reach reports, in the order given.
	Targets []decimal.Decimal `json:"targets,omitempty"`
}

// RevenueQuantile is one quantile of simulated revenue.
type RevenueQuantile struct {
	P       float64         `json:"p"`       // the level, in [0, 1]
	Revenue decimal.Decimal `json:"revenue"` // the revenue below which a fraction P of draws fall, to the cent
}

// TargetReach is the probability that revenue reaches a target.
type TargetReach struct {
	Target decimal.Decimal `json:"target"` // the revenue target, as given
	// Probability is the fraction of draws whose revenue is at least
	// Target, in [0, 1].
	Probability float64 `json:"probability"`
	// StdErr is the Monte Carlo standard error of Probability,
	// √(p(1 − p)/draws).
	StdErr float64 `json:"std_err"`
}

// Simulation is the distribution of revenue that [Simulate] draws. Money
// is rounded half to even to the cent.
type Simulation struct {
	Draws int    `json:"draws"` // the number of draws
	Seed  uint64 `json:"seed"`  // the seed of the streams
	// Posteriors are the Beta distributions the stage rates were drawn
	// from, in stage order.
	Posteriors []funnel.Posterior `json:"posteriors"`
	// Expected is the exact mean of revenue, top × Π α/(α + β) × ASP (the
	// rates are independent, so the mean of their product is the product
	// of their means); Mean estimates it.
	Expected decimal.Decimal `json:"expected"`
	// Mean and SD are the mean and standard deviation of the drawn
	// revenue; the Monte Carlo standard error of Mean is SD/√draws.
	Mean decimal.Decimal `json:"mean"`
	SD   decimal.Decimal `json:"sd"`
	// P10, P50 and P90 are the 10th, 50th (the median) and 90th
	// percentiles of the drawn revenue: P10 <= P50 <= P90.
	P10 decimal.Decimal `json:"p10"`
	P50 decimal.Decimal `json:"p50"`
	P90 decimal.Decimal `json:"p90"`
	// Quantiles are the quantiles at SimulateOptions.Quantiles, in the
	// order given; nil when none were asked for.
	Quantiles []RevenueQuantile `json:"quantiles,omitempty"`
	// Reach are the probabilities of reaching SimulateOptions.Targets, in
	// the order given; nil when none were given.
	Reach []TargetReach `json:"reach,omitempty"`
}

// Simulate draws the revenue of a chain whose stage rates are uncertain,
// by Monte Carlo. In each draw every stage rate r_i is drawn from its Beta
// posterior (see [UncertainRate]), independently, and
//
//	revenue = top × r_1 × r_2 × … × r_n × asp
//
// with top the top volume (the domino activity, such as 1,000 DMs; a
// count per period, fixed) and asp the average selling price (fixed).
// The result has the exact mean, the mean and standard deviation of the
// draws, P10, P50 and P90, the quantiles asked for and the probability of
// reaching each target, P(revenue >= target).
//
// Quantiles are exact over all draws (R's default, type 7): with the n
// draws sorted, x₀ <= … <= x_{n−1}, and h = (n − 1)p,
//
//	Q(p) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋)
//
// A Beta rate is drawn as X/(X + Y) with X ~ Gamma(α) and Y ~ Gamma(β),
// each by Marsaglia and Tsang's method (2000, "A simple method for
// generating gamma variables", ACM TOMS 26), with Gamma(a) = Gamma(a + 1)
// × U^(1/a) for a < 1, on a PCG stream of math/rand/v2 with its normal
// generator.
//
// The draws are made in blocks of 4096 (the last may be shorter); block b
// draws from the PCG seeded with SplitMix64 hashes of (Seed, 2b) and
// (Seed, 2b + 1), and its draws take their fixed place in the sample, so
// the result depends on the seed and the number of draws but not on the
// number of workers. The context is checked before each block; once it is
// done, Simulate returns an error wrapping ctx.Err() (errors.Is(err,
// context.Canceled)).
//
// It returns a *[funnel.InputError] naming the input for bad input:
// top wrapping [funnel.ErrNotFinite] when NaN or infinite and
// [funnel.ErrNegative] when negative; asp or targets[i] wrapping
// [funnel.ErrNegativeAmount] or [funnel.ErrOutOfRange] (see
// [funnel.CheckAmount]); options.draws, options.workers and
// options.quantiles[i] wrapping [funnel.ErrOutOfRange] (or
// [funnel.ErrNotFinite] for a NaN level); stages wrapping
// [funnel.ErrEmptyFunnel] when there are none. A bad stage is a
// *[funnel.StageError] naming the stage by Name and index, wrapping
// [funnel.ErrNegativeCount], [funnel.ErrKExceedsN], or, for a prior whose
// α or β is not positive, [funnel.ErrOutOfRange] ([funnel.ErrNotFinite]
// when NaN or infinite). The inputs are never modified. Its memory is 8
// bytes a draw.
func Simulate(ctx context.Context, top float64, stages []UncertainRate, asp decimal.Decimal, opt *SimulateOptions) (Simulation, error) {
	const op = "domino.Simulate"
	var o SimulateOptions
	if opt != nil {
		o = *opt
	}
	if err := checkSimInput(op, top, stages, asp, o); err != nil {
		return Simulation{}, err
	}
	if o.Draws == 0 {
		o.Draws = DefaultDraws
	}
	if o.Workers == 0 {
		o.Workers = 1
	}
	post := make([]funnel.Posterior, len(stages))
	params := make([]betaParam, len(stages))
	mean := 1.0
	for i, s := range stages {
		p := s.Prior
		if p.Alpha == 0 && p.Beta == 0 {
			p = funnel.Prior{Alpha: 0.5, Beta: 0.5}
		}
		q, err := p.Posterior(s.Counts)
		if err != nil { // checked above; kept so that no error is lost
			return Simulation{}, stageErr(op, i, s.Name, err)
		}
		post[i] = q
		params[i] = newBetaParam(q.Alpha, q.Beta)
		mean *= q.Mean()
	}

	// draws[i] is the product of the stage rates in draw i, in [0, 1].
	draws := make([]float64, o.Draws)
	if err := drawAll(ctx, draws, params, o.Seed, o.Workers); err != nil {
		return Simulation{}, fmt.Errorf("%s: %w", op, err)
	}

	// Moments in draw order (Welford), so the same for any workers.
	var m, m2 float64
	for i, x := range draws {
		d := x - m
		m += d / float64(i+1)
		m2 += d * (x - m)
	}
	sd := 0.0
	if len(draws) > 1 {
		sd = math.Sqrt(max(m2, 0) / float64(len(draws)-1))
	}

	topD, _ := dec.FromFloat(top) // finite: checked
	scale := topD.Mul(asp)        // revenue per unit of the rate product
	money := func(x float64) decimal.Decimal {
		d, _ := dec.FromFloat(x) // x is a mean, a spread or a draw in [0, 1]
		return dec.Cents(scale.Mul(d))
	}
	r := Simulation{
		Draws:      o.Draws,
		Seed:       o.Seed,
		Posteriors: post,
		Expected:   money(mean),
		Mean:       money(m),
		SD:         money(sd),
	}

	// Order only what the quantiles need: the draws at ⌊h⌋ and ⌊h⌋ + 1
	// of every level, by selection rather than a full sort.
	levels := append([]float64{0.1, 0.5, 0.9}, o.Quantiles...)
	var at []int
	for _, p := range levels {
		lo := int(math.Floor(float64(len(draws)-1) * p))
		at = append(at, lo, min(lo+1, len(draws)-1))
	}
	slices.Sort(at)
	from := 0
	for _, k := range slices.Compact(at) {
		selectNth(draws[from:], k-from)
		from = k + 1
	}
	r.P10 = money(quantile(draws, 0.1))
	r.P50 = money(quantile(draws, 0.5))
	r.P90 = money(quantile(draws, 0.9))
	if len(o.Quantiles) > 0 {
		r.Quantiles = make([]RevenueQuantile, len(o.Quantiles))
		for i, p := range o.Quantiles {
			r.Quantiles[i] = RevenueQuantile{P: p, Revenue: money(quantile(draws, p))}
		}
	}
	if len(o.Targets) > 0 {
		r.Reach = make([]TargetReach, len(o.Targets))
		n := float64(len(draws))
		for i, t := range o.Targets {
			k := reached(draws, scale, t)
			p := float64(k) / n
			r.Reach[i] = TargetReach{Target: t, Probability: p, StdErr: math.Sqrt(p * (1 - p) / n)}
		}
	}
	return r, nil
}

// reached returns the number of draws x with scale·x >= target.
func reached(draws []float64, scale, target decimal.Decimal) int {
	if !target.IsPositive() {
		return len(draws) // revenue is never negative
	}
	if !scale.IsPositive() {
		return 0
	}
	th, _ := dec.Quo(target, scale) // scale > 0
	if th.GreaterThan(decimal.NewFromInt(1)) {
		return 0 // the product of rates is at most 1
	}
	// Compare in floats, and settle the draws within a few units in the
	// last place of the threshold exactly in decimals.
	tf := th.InexactFloat64()
	eps := 1e-14 * tf
	k := 0
	for _, x := range draws {
		switch {
		case x > tf+eps:
			k++
		case x >= tf-eps && reachesExactly(x, scale, target):
			k++
		}
	}
	return k
}

func reachesExactly(x float64, scale, target decimal.Decimal) bool {
	d, _ := dec.FromFloat(x)
	return scale.Mul(d).GreaterThanOrEqual(target)
}

// selectNth rearranges x so that x[k] is the value it would have if x
// were sorted, with no greater value before it and no smaller one after
// (Hoare's quickselect with a median-of-three pivot and a three-way
// partition, so that runs of equal draws cost nothing extra).
func selectNth(x []float64, k int) {
	lo, hi := 0, len(x)-1
	for lo < hi {
		a, b, c := x[lo], x[lo+(hi-lo)/2], x[hi]
		pivot := max(min(a, b), min(max(a, b), c))
		// x[lo:lt] < pivot, x[lt:i] == pivot, x[gt+1:hi+1] > pivot.
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case x[i] < pivot:
				x[lt], x[i] = x[i], x[lt]
				lt++
				i++
			case x[i] > pivot:
				x[i], x[gt] = x[gt], x[i]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
}

// quantile returns the type-7 quantile at p in [0, 1] of x, in which the
// draws at ⌊h⌋ and ⌊h⌋ + 1 are where sorting would put them.
func quantile(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	x := sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
	return min(max(x, sorted[lo]), sorted[lo+1])
}

func stageErr(op string, i int, name string, err error) error {
	return &funnel.StageError{Op: op, Input: "stages", Stage: name, Index: i, Err: err}
}

func checkSimInput(op string, top float64, stages []UncertainRate, asp decimal.Decimal, o SimulateOptions) error {
	switch {
	case math.IsNaN(top) || math.IsInf(top, 0):
		return &funnel.InputError{Op: op, Name: "top", Value: strconv.FormatFloat(top, 'g', -1, 64), Err: funnel.ErrNotFinite}
	case top < 0:
		return &funnel.InputError{Op: op, Name: "top", Value: strconv.FormatFloat(top, 'g', -1, 64), Err: funnel.ErrNegative}
	}
	if err := funnel.AmountReason(asp); err != nil {
		return &funnel.InputError{Op: op, Name: "asp", Err: err}
	}
	if len(stages) == 0 {
		return &funnel.InputError{Op: op, Name: "stages", Err: funnel.ErrEmptyFunnel}
	}
	for i, s := range stages {
		c := s.Counts
		switch {
		case c.K < 0 || c.N < 0:
			return stageErr(op, i, s.Name, fmt.Errorf("counts %d of %d: %w", c.K, c.N, funnel.ErrNegativeCount))
		case c.K > c.N:
			return stageErr(op, i, s.Name, fmt.Errorf("counts %d of %d: %w", c.K, c.N, funnel.ErrKExceedsN))
		}
		a, b := s.Prior.Alpha, s.Prior.Beta
		switch {
		case math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0):
			return stageErr(op, i, s.Name, fmt.Errorf("prior Beta(%g, %g): %w", a, b, funnel.ErrNotFinite))
		case a == 0 && b == 0: // the Jeffreys prior
		case !(a > 0 && b > 0):
			return stageErr(op, i, s.Name, fmt.Errorf("prior Beta(%g, %g): %w: α and β must be positive", a, b, funnel.ErrOutOfRange))
		}
	}
	if o.Draws < 0 || o.Draws > MaxDraws {
		return &funnel.InputError{Op: op, Name: "options.draws", Value: strconv.Itoa(o.Draws),
			Err: fmt.Errorf("%w: draws must be in 1..%d (0 for %d)", funnel.ErrOutOfRange, MaxDraws, DefaultDraws)}
	}
	if o.Workers < 0 {
		return &funnel.InputError{Op: op, Name: "options.workers", Value: strconv.Itoa(o.Workers), Err: funnel.ErrOutOfRange}
	}
	for i, p := range o.Quantiles {
		name := "options.quantiles[" + strconv.Itoa(i) + "]"
		v := strconv.FormatFloat(p, 'g', -1, 64)
		switch {
		case math.IsNaN(p):
			return &funnel.InputError{Op: op, Name: name, Value: v, Err: funnel.ErrNotFinite}
		case !(p >= 0 && p <= 1):
			return &funnel.InputError{Op: op, Name: name, Value: v, Err: fmt.Errorf("%w: a quantile level must be in [0, 1]", funnel.ErrOutOfRange)}
		}
	}
	for i, t := range o.Targets {
		if err := funnel.AmountReason(t); err != nil {
			return &funnel.InputError{Op: op, Name: "options.targets[" + strconv.Itoa(i) + "]", Err: err}
		}
	}
	return nil
}

// drawAll fills draws with products of stage rates, block by block, on
// the given number of workers, and returns ctx.Err() when the context is
// done before every block is drawn.
func drawAll(ctx context.Context, draws []float64, params []betaParam, seed uint64, workers int) error {
	blocks := (len(draws) + simBlock - 1) / simBlock
	workers = min(workers, blocks)
	var next atomic.Int64
	var stop atomic.Bool
	work := func() {
		var src rand.PCG
		rng := rand.New(&src)
		for !stop.Load() {
			b := int(next.Add(1) - 1)
			if b >= blocks {
				return
			}
			if ctx.Err() != nil {
				stop.Store(true)
				return
			}
			src.Seed(splitmix(seed, 2*uint64(b)), splitmix(seed, 2*uint64(b)+1))
			end := min((b+1)*simBlock, len(draws))
			drawBlock(rng, draws[b*simBlock:end], params)
		}
	}
	if workers <= 1 {
		work()
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	if stop.Load() {
		return ctx.Err()
	}
	return nil
}

// splitmix returns the i-th output of the SplitMix64 generator started at
// seed (Steele, Lea and Flood 2014): a hash that turns (seed, i) into
// well-spread PCG seeds.
func splitmix(seed, i uint64) uint64 {
	z := seed + (i+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// drawBlock fills out with products of one draw of every stage rate.
func drawBlock(rng *rand.Rand, out []float64, params []betaParam) {
	for i := range out {
		x := 1.0
		for j := range params {
			x *= params[j].draw(rng)
		}
		out[i] = x
	}
}

// gammaParam holds the constants of Marsaglia and Tsang's method for
// Gamma(a): d = a' − ⅓ and c = 1/√(9d) for a' = a, or a' = a + 1 when
// a < 1 (small), with inv = 1/a for the factor U^(1/a).
type gammaParam struct {
	d, c, inv float64
	small     bool
}

func newGammaParam(a float64) gammaParam {
	g := gammaParam{}
	if a < 1 {
		g.small = true
		g.inv = 1 / a
		a++
	}
	g.d = a - 1.0/3
	g.c = 1 / math.Sqrt(9*g.d)
	return g
}

// draw returns a Gamma(a) variate as g·exp(l): l is 0 unless a < 1, where
// it is ln(U)/a, kept apart because U^(1/a) can underflow.
func (p gammaParam) draw(rng *rand.Rand) (g, l float64) {
	for {
		x := rng.NormFloat64()
		v := 1 + p.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := uniformOpen(rng)
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+p.d*(1-v+math.Log(v)) {
			g = p.d * v
			break
		}
	}
	if p.small {
		l = math.Log(uniformOpen(rng)) * p.inv
	}
	return g, l
}

// uniformOpen returns a uniform variate in the open interval (0, 1).
func uniformOpen(rng *rand.Rand) float64 {
	return (float64(rng.Uint64()>>11) + 0.5) * 0x1p-53
}

// betaParam draws Beta(α, β) as X/(X + Y), X ~ Gamma(α), Y ~ Gamma(β).
type betaParam struct {
	x, y gammaParam
	mean float64 // α/(α + β), for the limit where both gammas underflow
}

func newBetaParam(a, b float64) betaParam {
	return betaParam{x: newGammaParam(a), y: newGammaParam(b), mean: a / (a + b)}
}

// draw returns one Beta variate in [0, 1].
func (p betaParam) draw(rng *rand.Rand) float64 {
	gx, lx := p.x.draw(rng)
	gy, ly := p.y.draw(rng)
	if lx == 0 && ly == 0 {
		// Both from Marsaglia–Tsang: gx, gy > 0. y/x keeps huge shapes
		// (x + y overflowing) in range.
		return 1 / (1 + gy/gx)
	}
	// X/(X+Y) = 1/(1 + exp(ln Y − ln X)).
	t := (math.Log(gy) + ly) - (math.Log(gx) + lx)
	if math.IsNaN(t) {
		// Both factors underflowed to 0 (α and β far below 1): the Beta
		// is then a coin at 0 or 1 with P(1) = α/(α + β).
		if uniformOpen(rng) < p.mean {
			return 1
		}
		return 0
	}
	return 1 / (1 + math.Exp(t))
}
