package velocity

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/shopspring/decimal"
)

// Limits of a forecast.
const (
	// DefaultDraws is the number of Monte Carlo draws per rep when
	// ForecastInput.Draws is zero.
	DefaultDraws = 10_000
	// MaxDraws is the largest number of draws per rep.
	MaxDraws = 10_000_000
	// MaxNewDeals is the largest expected number of new deals won and
	// closed in the period for one rep (NewPerDay × Days × NewWinRate ×
	// the chance to close in time).
	MaxNewDeals = 1_000_000
)

// maxCents bounds a rep's largest possible bookings in cents so that int64
// sums cannot overflow: 2^62.
const maxCents = 1 << 62

// OpenDeal is an open deal as a forecast sees it.
type OpenDeal struct {
	ID     string          `json:"id"`
	Stage  int             `json:"stage"` // index into ForecastInput.StageWin
	Amount decimal.Decimal `json:"amount"`
	// Age is the time since the deal started, at the forecast date; in
	// JSON "age_days", a number of days.
	Age time.Duration `json:"-"`
}

// openDealFields is OpenDeal without its methods, for encoding/json.
type openDealFields OpenDeal

// MarshalJSON encodes the deal by its json tags and Age as "age_days".
func (o OpenDeal) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		openDealFields
		AgeDays float64 `json:"age_days"`
	}{openDealFields(o), days(o.Age)})
}

// UnmarshalJSON decodes what [OpenDeal.MarshalJSON] writes, the age
// rounded to the nanosecond. A malformed document, a value of the wrong
// type, an amount that is not a decimal within [funnel.AmountInRange] or
// an age beyond time.Duration's range is a *[funnel.InputError] naming the
// field ("open deal" for the whole document), wrapping
// [funnel.ErrOutOfRange]. The rest is checked by [Forecast]. On an error o
// is unchanged.
func (o *OpenDeal) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.OpenDeal.UnmarshalJSON", "open deal", o.decode(b))
}

func (o *OpenDeal) decode(b []byte) error {
	return decodeObject(o, b, func(v *OpenDeal) []field {
		return []field{
			{"id", plain(&v.ID)},
			{"stage", plain(&v.Stage)},
			{"amount", amount(&v.Amount)},
			{"age_days", daysOf(&v.Age)},
		}
	}, nil)
}

// RepInput is one rep's position at the forecast date.
type RepInput struct {
	Rep      string          `json:"rep"`
	Quota    decimal.Decimal `json:"quota"`
	WonSoFar decimal.Decimal `json:"won_so_far"` // closed-won in the period so far
	Open     []OpenDeal      `json:"open"`
	// NewPerDay is the rate of new deals (Poisson) over the remaining days.
	NewPerDay float64 `json:"new_per_day"`
	// NewWinRate is the share of new deals won.
	NewWinRate float64 `json:"new_win_rate"`
	// NewAmounts are observed won amounts; a new deal won takes one of them
	// at random, each equally likely. Required when new deals can be won.
	NewAmounts []decimal.Decimal `json:"new_amounts,omitempty"`
	// NoAmount counts open deals left out for want of an amount
	// (informational; set by [BuildForecast], ignored by [Forecast]).
	NoAmount int `json:"no_amount,omitempty"`
}

// UnmarshalJSON decodes what encoding/json writes for a rep's input, as
// [OpenDeal.UnmarshalJSON] does; a failure names its place, such as
// "open[0].amount" or "new_amounts[2]" ("rep input" for the whole
// document). On an error r is unchanged.
func (r *RepInput) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.RepInput.UnmarshalJSON", "rep input", r.decode(b))
}

func (r *RepInput) decode(b []byte) error {
	return decodeObject(r, b, func(v *RepInput) []field {
		return []field{
			{"rep", plain(&v.Rep)},
			{"quota", amount(&v.Quota)},
			{"won_so_far", amount(&v.WonSoFar)},
			{"open", list(&v.Open, nested[OpenDeal])},
			{"new_per_day", plain(&v.NewPerDay)},
			{"new_win_rate", plain(&v.NewWinRate)},
			{"new_amounts", list(&v.NewAmounts, amountEach)},
			{"no_amount", plain(&v.NoAmount)},
		}
	}, nil)
}

// ForecastInput is everything a quota forecast needs, as plain values so
// that a service can call [Forecast] without deals; [BuildForecast] makes
// one from deals.
type ForecastInput struct {
	// Days is the number of days left in the period.
	Days float64 `json:"days"`
	// StageWin[k] is the probability that an open deal whose furthest
	// stage is k is won.
	StageWin []float64 `json:"stage_win"`
	// StageWinCounts are the counts behind measured StageWin (won of closed
	// deals that reached the stage); informational, ignored by [Forecast].
	StageWinCounts []funnel.Rate `json:"stage_win_counts,omitempty"`
	// TimeToClose are observed created-to-close times of won deals: the
	// empirical distribution of how long a won deal takes. Nil means every
	// won deal closes within the period. In JSON "time_to_close_days",
	// numbers of days.
	TimeToClose []time.Duration `json:"-"`
	Reps        []RepInput      `json:"reps"`
	// Draws is the number of Monte Carlo draws per rep; zero means
	// [DefaultDraws].
	Draws int `json:"draws"`
	// Seed seeds the draws. Rep i draws from its own PCG generator whose
	// state is derived from Seed and i, so results depend on the seed and
	// the rep's position, never on scheduling.
	Seed uint64 `json:"seed"`
	// Workers is the number of goroutines; zero means GOMAXPROCS. It does
	// not change the results.
	Workers int `json:"workers,omitempty"`
}

// forecastInputFields is ForecastInput without its methods, for
// encoding/json.
type forecastInputFields ForecastInput

// MarshalJSON encodes the input by its json tags and TimeToClose as
// "time_to_close_days", left out when nil.
func (in ForecastInput) MarshalJSON() ([]byte, error) {
	var t []float64
	if in.TimeToClose != nil {
		t = make([]float64, len(in.TimeToClose))
		for i, d := range in.TimeToClose {
			t[i] = days(d)
		}
	}
	return json.Marshal(struct {
		forecastInputFields
		TimeToCloseDays []float64 `json:"time_to_close_days,omitempty"`
	}{forecastInputFields(in), t})
}

// UnmarshalJSON decodes what [ForecastInput.MarshalJSON] writes, each
// time to close rounded to the nanosecond. It does not check the input
// beyond what decoding needs ([Forecast] does): a malformed document, a
// value of the wrong type, a number beyond its Go type, an amount that is
// not a decimal within [funnel.AmountInRange] or a time beyond
// time.Duration's range is a *[funnel.InputError] naming its place, such
// as "reps[1].open[0].amount" or "time_to_close_days[3]" ("forecast input"
// for the whole document), wrapping [funnel.ErrOutOfRange]; a
// stage_win_counts entry that [funnel.NewRate] rejects wraps its sentinel.
// On an error in is unchanged.
func (in *ForecastInput) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.ForecastInput.UnmarshalJSON", "forecast input", decodeObject(in, b, func(v *ForecastInput) []field {
		return []field{
			{"days", plain(&v.Days)},
			{"stage_win", list(&v.StageWin, plainEach[float64])},
			{"stage_win_counts", list(&v.StageWinCounts, rateEach)},
			{"time_to_close_days", list(&v.TimeToClose, daysEach)},
			{"reps", list(&v.Reps, nested[RepInput])},
			{"draws", plain(&v.Draws)},
			{"seed", plain(&v.Seed)},
			{"workers", plain(&v.Workers)},
		}
	}, nil))
}

// RepForecast is the forecast of one rep's bookings at the period's end.
type RepForecast struct {
	Rep      string          `json:"rep"`
	Quota    decimal.Decimal `json:"quota"`
	WonSoFar decimal.Decimal `json:"won_so_far"`
	// PHit is the share of draws whose bookings reach the quota, and
	// PHitStdErr its standard error sqrt(p(1 − p)/draws).
	PHit       float64 `json:"p_hit"`
	PHitStdErr float64 `json:"p_hit_std_err"`
	// P10, P50 and P90 are quantiles of the drawn bookings, to the cent: the
	// smallest drawn value with at least 10%, 50%, 90% of the draws at or
	// below it.
	P10 decimal.Decimal `json:"p10"`
	P50 decimal.Decimal `json:"p50"`
	P90 decimal.Decimal `json:"p90"`
	// Mean is the mean of the drawn bookings, rounded half up to the cent.
	Mean decimal.Decimal `json:"mean"`
	// Expected is the exact expectation of the model, rounded half to
	// even to the cent:
	//
	//	WonSoFar + Σ p_i × amount_i + μ × mean(NewAmounts)
	//
	// against which Mean can be checked.
	Expected decimal.Decimal `json:"expected"`
	// ExpectedNew is μ, the expected number of new deals won and closed in
	// the period.
	ExpectedNew float64 `json:"expected_new"`
	OpenDeals   int     `json:"open_deals"`
}

// UnmarshalJSON decodes what encoding/json writes for a rep's forecast; a
// failure is a *[funnel.InputError] naming the field ("rep forecast" for
// the whole document), wrapping [funnel.ErrOutOfRange]. On an error r is
// unchanged.
func (r *RepForecast) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.RepForecast.UnmarshalJSON", "rep forecast", r.decode(b))
}

func (r *RepForecast) decode(b []byte) error {
	return decodeObject(r, b, func(v *RepForecast) []field {
		return []field{
			{"rep", plain(&v.Rep)},
			{"quota", amount(&v.Quota)},
			{"won_so_far", amount(&v.WonSoFar)},
			{"p_hit", plain(&v.PHit)},
			{"p_hit_std_err", plain(&v.PHitStdErr)},
			{"p10", amount(&v.P10)},
			{"p50", amount(&v.P50)},
			{"p90", amount(&v.P90)},
			{"mean", amount(&v.Mean)},
			{"expected", amount(&v.Expected)},
			{"expected_new", plain(&v.ExpectedNew)},
			{"open_deals", plain(&v.OpenDeals)},
		}
	}, nil)
}

// ForecastResult is the quota forecast for every rep, in the order of the
// input.
type ForecastResult struct {
	Days  float64       `json:"days"`
	Draws int           `json:"draws"`
	Seed  uint64        `json:"seed"`
	Reps  []RepForecast `json:"reps"`
}

// UnmarshalJSON decodes what encoding/json writes for a forecast; a
// failure is a *[funnel.InputError] naming its place, such as
// "reps[1].p10" ("forecast result" for the whole document), wrapping
// [funnel.ErrOutOfRange]. On an error r is unchanged.
func (r *ForecastResult) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.ForecastResult.UnmarshalJSON", "forecast result", decodeObject(r, b, func(v *ForecastResult) []field {
		return []field{
			{"days", plain(&v.Days)},
			{"draws", plain(&v.Draws)},
			{"seed", plain(&v.Seed)},
			{"reps", list(&v.Reps, nested[RepForecast])},
		}
	}, nil))
}

// Forecast draws each rep's bookings at the period's end by Monte Carlo:
//
//	bookings = WonSoFar + Σ open deals won and closing in time
//	                    + Σ new deals won and closing in time
//
// An open deal at stage k with age a is won and closes within the
// remaining R days with probability
//
//	p = StageWin[k] × #{a ≤ T ≤ a + R} / #{T ≥ a}
//
// over the observed times to close T (1 when no T is at least a: an
// overdue deal is taken to close in the period if it is won; 1 when
// TimeToClose is nil). New deals arrive as a Poisson process of rate
// NewPerDay over the R days; one created at a uniform time s closes in time
// if s + T ≤ R, so, thinning the process, the number won and closed in time
// is Poisson with mean
//
//	μ = NewPerDay × R × NewWinRate × Σ max(0, R − T_i) / (n × R)
//
// each with an amount drawn from NewAmounts.
//
// Implementation: amounts are rounded half to even to whole cents and
// summed as int64 cents in the draw loop, then converted back to
// [decimal.Decimal] for the results; each deal's probability is turned into
// a uint64 threshold compared with one random word; the Poisson count is
// drawn by inverting a precomputed cumulative table. The loop allocates
// nothing. Reps run in parallel, each on its own generator.
//
// Forecast stops and returns ctx.Err() when ctx is cancelled. Inputs are
// not modified.
//
// Errors: a *[funnel.InputError] with Op "velocity.Forecast" naming the
// field (such as "reps[1].open[0].stage") wrapping [funnel.ErrNotFinite],
// [funnel.ErrNegative] (days, ages, times, rates of new deals, draws),
// [funnel.ErrNegativeAmount] (quota, won so far, amounts),
// [funnel.ErrRateRange], [funnel.ErrUnknownStage], [funnel.ErrNoData] (new
// deals to win and no NewAmounts) or [funnel.ErrOutOfRange] (draws above
// [MaxDraws], μ above [MaxNewDeals], days beyond time.Duration, bookings
// that could pass 2^62 cents, an amount beyond [funnel.AmountInRange]).
func Forecast(ctx context.Context, in ForecastInput) (ForecastResult, error) {
	draws := in.Draws
	switch {
	case draws < 0:
		return ForecastResult{}, inputErr(forecastOp, "draws", fmt.Sprint(draws), funnel.ErrNegative)
	case draws == 0:
		draws = DefaultDraws
	case draws > MaxDraws:
		return ForecastResult{}, inputErr(forecastOp, "draws", fmt.Sprint(draws), funnel.ErrOutOfRange)
	}
	plans, err := prepare(in)
	if err != nil {
		return ForecastResult{}, err
	}
	out := ForecastResult{Days: in.Days, Draws: draws, Seed: in.Seed, Reps: make([]RepForecast, len(plans))}
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(plans))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		werr error
	)
	for range workers {
		wg.Go(func() {
			buf := make([]int64, draws)
			for {
				mu.Lock()
				i := next
				next++
				stop := werr != nil
				mu.Unlock()
				if stop || i >= len(plans) {
					return
				}
				s1, s2 := repSeed(in.Seed, i)
				rng := rand.New(rand.NewPCG(s1, s2))
				if err := plans[i].draw(ctx, rng, buf); err != nil {
					mu.Lock()
					werr = err
					mu.Unlock()
					return
				}
				out.Reps[i] = plans[i].summarise(buf)
			}
		})
	}
	wg.Wait()
	if werr != nil {
		return ForecastResult{}, werr
	}
	if err := ctx.Err(); err != nil {
		return ForecastResult{}, err
	}
	return out, nil
}

// forecastOp names [Forecast] in its errors.
const forecastOp = "velocity.Forecast"

// repSeed derives the two PCG seed words of rep i from the caller's seed
// with the SplitMix64 finaliser, so neighbouring reps get unrelated
// streams.
func repSeed(seed uint64, i int) (uint64, uint64) {
	a := splitmix(seed ^ splitmix(uint64(i)))
	return a, splitmix(a ^ uint64(i) ^ 0x5851f42d4c957f2d)
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// plan is one rep's precomputed draw tables.
type plan struct {
	in        RepInput
	base      int64    // cents always booked: won so far and deals certain to close
	threshold []uint64 // per uncertain deal: p × 2^64
	amount    []int64  // per uncertain deal, cents
	kmin      int      // the Poisson table starts at kmin
	cdf       []float64
	newAmount []int64 // cents
	quota     int64   // quota in cents, rounded up
	expected  decimal.Decimal
	mu        float64
}

// draw fills buf with drawn bookings in cents.
func (p *plan) draw(ctx context.Context, rng *rand.Rand, buf []int64) error {
	for chunk := range slices.Chunk(buf, 1024) {
		if err := ctx.Err(); err != nil {
			return err
		}
		for d := range chunk {
			t := p.base
			for j, th := range p.threshold {
				// won is 1 when the word is below th, with probability
				// th / 2^64; no branch to mispredict.
				_, won := bits.Sub64(rng.Uint64(), th, 0)
				t += p.amount[j] * int64(won)
			}
			if p.cdf != nil {
				// The count is the least k with F(k) > u: the first entry
				// at or above the next float64 after u. The last entry is
				// 1 > u.
				u := rng.Float64()
				i, _ := slices.BinarySearch(p.cdf, math.Nextafter(u, 1))
				n := len(p.newAmount)
				for range p.kmin + i {
					t += p.newAmount[rng.IntN(n)]
				}
			}
			chunk[d] = t
		}
	}
	return nil
}

// summarise sorts buf and reads the results from it.
func (p *plan) summarise(buf []int64) RepForecast {
	slices.Sort(buf)
	n := len(buf)
	hit, _ := slices.BinarySearch(buf, p.quota) // first draw ≥ quota
	ph := float64(n-hit) / float64(n)
	var sum num.Sum128
	for _, v := range buf {
		sum.Add(uint64(v)) // bookings are cents in [0, 2^62)
	}
	q := func(pct int) decimal.Decimal { return cents(buf[(pct*n+99)/100-1]) }
	return RepForecast{
		Rep:         p.in.Rep,
		Quota:       p.in.Quota,
		WonSoFar:    p.in.WonSoFar,
		PHit:        ph,
		PHitStdErr:  math.Sqrt(ph * (1 - ph) / float64(n)),
		P10:         q(10),
		P50:         q(50),
		P90:         q(90),
		Mean:        cents(int64(sum.Mean(uint64(n)))), // below 2^62, as each draw is
		Expected:    p.expected,
		ExpectedNew: p.mu,
		OpenDeals:   len(p.in.Open),
	}
}

// cents converts int64 cents back to a decimal.
func cents(c int64) decimal.Decimal { return decimal.New(c, -2) }

// prepare checks the input and precomputes each rep's tables.
func prepare(in ForecastInput) ([]plan, error) {
	const op = forecastOp
	if err := checkNonNegative(op, "days", in.Days); err != nil {
		return nil, err
	}
	if in.Days*float64(day) >= math.MaxInt64 {
		return nil, inputErr(op, "days", fmtFloat(in.Days), fmt.Errorf("%w: beyond time.Duration", funnel.ErrOutOfRange))
	}
	for k, w := range in.StageWin {
		if err := checkRate(op, fmt.Sprintf("stage_win[%d]", k), w); err != nil {
			return nil, err
		}
	}
	times := slices.Clone(in.TimeToClose)
	for i, t := range times {
		if t < 0 {
			return nil, inputErr(op, fmt.Sprintf("time_to_close[%d]", i), t.String(), funnel.ErrNegative)
		}
	}
	slices.Sort(times)
	remain := time.Duration(math.Round(in.Days * float64(day)))
	// pNew is the chance that a new deal won at a uniform time in the
	// remaining period closes in it: Σ max(0, R − T_i) / (n R).
	pNew := 1.0
	if remain == 0 {
		pNew = 0
	} else if len(times) > 0 {
		var s float64
		for _, t := range times {
			s += float64(max(0, remain-t))
		}
		pNew = s / (float64(len(times)) * float64(remain))
	}
	plans := make([]plan, len(in.Reps))
	for i, r := range in.Reps {
		p, err := preparePlan(fmt.Sprintf("reps[%d]", i), r, in.StageWin, times, remain, in.Days, pNew)
		if err != nil {
			return nil, err
		}
		plans[i] = p
	}
	return plans, nil
}

// closeWithin returns #{a ≤ T ≤ a+R} / #{T ≥ a} over sorted times, or 1
// when no time is at least a or there are no times.
func closeWithin(times []time.Duration, age, remain time.Duration) float64 {
	lo, _ := slices.BinarySearch(times, age) // first T ≥ a
	alive := len(times) - lo
	if alive == 0 {
		return 1
	}
	end := age + remain
	if end < age { // overflow: every time is within
		end = math.MaxInt64
	}
	hi := sort.Search(len(times), func(i int) bool { return times[i] > end }) // first T > a+R
	return float64(hi-lo) / float64(alive)
}

func preparePlan(name string, r RepInput, stageWin []float64, times []time.Duration, remain time.Duration, days, pNew float64) (plan, error) {
	const op = forecastOp
	p := plan{in: r}
	if err := checkMoney(op, name+".quota", r.Quota); err != nil {
		return plan{}, err
	}
	won, err := centsOf(name+".won_so_far", r.WonSoFar)
	if err != nil {
		return plan{}, err
	}
	p.base = won
	// bound is the most the rep can book, checked below 2^62 cents as it
	// grows, so that no int64 sum of cents can overflow.
	bound := r.WonSoFar
	expected := r.WonSoFar
	for j, o := range r.Open {
		dn := fmt.Sprintf("%s.open[%d]", name, j)
		switch {
		case o.Stage < 0 || o.Stage >= len(stageWin):
			return plan{}, inputErr(op, dn+".stage", fmt.Sprint(o.Stage), fmt.Errorf("%w: %d stage win probabilities", funnel.ErrUnknownStage, len(stageWin)))
		case o.Age < 0:
			return plan{}, inputErr(op, dn+".age", o.Age.String(), funnel.ErrNegative)
		}
		c, err := centsOf(dn+".amount", o.Amount)
		if err != nil {
			return plan{}, err
		}
		bound = bound.Add(o.Amount)
		if err := checkBound(name, bound); err != nil {
			return plan{}, err
		}
		q := stageWin[o.Stage] * closeWithin(times, o.Age, remain)
		qd, _ := dec.FromFloat(q) // a probability, finite
		expected = expected.Add(o.Amount.Mul(qd))
		switch {
		case q <= 0:
		case q >= 1:
			p.base += c // below 2^62 + half a cent per deal: bound is checked
		default:
			p.threshold = append(p.threshold, uint64(q*0x1p64))
			p.amount = append(p.amount, c)
		}
	}
	if err := checkNonNegative(op, name+".new_per_day", r.NewPerDay); err != nil {
		return plan{}, err
	}
	if err := checkRate(op, name+".new_win_rate", r.NewWinRate); err != nil {
		return plan{}, err
	}
	// A zero factor means no new deal is won and closed in time, even when
	// the others overflow (Inf × 0 would be NaN).
	if r.NewPerDay != 0 && days != 0 && r.NewWinRate != 0 && pNew != 0 {
		p.mu = r.NewPerDay * days * r.NewWinRate * pNew // +Inf when it overflows
	}
	if p.mu > MaxNewDeals {
		return plan{}, inputErr(op, name+".new_per_day", fmtFloat(r.NewPerDay), fmt.Errorf("%w: %g new deals expected, above %d", funnel.ErrOutOfRange, p.mu, MaxNewDeals))
	}
	if p.mu > 0 {
		if len(r.NewAmounts) == 0 {
			return plan{}, inputErr(op, name+".new_amounts", "", fmt.Errorf("%w: new deals can be won and there is no amount to draw", funnel.ErrNoData))
		}
		var maxNew, sumNew decimal.Decimal
		p.newAmount = make([]int64, len(r.NewAmounts))
		for j, a := range r.NewAmounts {
			c, err := centsOf(fmt.Sprintf("%s.new_amounts[%d]", name, j), a)
			if err != nil {
				return plan{}, err
			}
			p.newAmount[j] = c
			maxNew = decimal.Max(maxNew, a)
			sumNew = sumNew.Add(a)
		}
		p.kmin, p.cdf = poissonTable(p.mu)
		kmax := p.kmin + len(p.cdf) - 1
		bound = bound.Add(maxNew.Mul(decimal.NewFromInt(int64(kmax))))
		if err := checkBound(name, bound); err != nil {
			return plan{}, err
		}
		meanNew, _ := dec.Quo(sumNew, decimal.NewFromInt(int64(len(r.NewAmounts)))) // not empty
		mu, _ := dec.FromFloat(p.mu)                                                // finite: checked above
		expected = expected.Add(meanNew.Mul(mu))
	}
	// Bookings are whole cents, so reaching the quota means reaching it
	// rounded up to the cent. Drawn bookings stay far below 2^63 cents, so
	// a quota from there on is never reached.
	if qc := r.Quota.Shift(2).Ceil(); qc.GreaterThanOrEqual(twoTo63()) {
		p.quota = math.MaxInt64
	} else {
		p.quota = qc.IntPart()
	}
	p.expected = dec.Cents(expected)
	return p, nil
}

// centsOf checks an amount of a forecast input by the module's rule
// ([funnel.AmountReason]) and rounds it half to even to whole cents. An
// amount of 2^62 cents or more after rounding is a *[funnel.InputError]
// naming it, wrapping [funnel.ErrOutOfRange].
func centsOf(name string, a decimal.Decimal) (int64, error) {
	if err := checkMoney(forecastOp, name, a); err != nil {
		return 0, err
	}
	c := a.Shift(2).RoundBank(0)
	if c.GreaterThanOrEqual(decimal.NewFromInt(maxCents)) {
		return 0, inputErr(forecastOp, name, a.String(), fmt.Errorf("%w: above 2^62 cents", funnel.ErrOutOfRange))
	}
	return c.IntPart(), nil
}

// twoTo63 returns 2^63, one more than the largest int64.
func twoTo63() decimal.Decimal { return decimal.NewFromInt(maxCents).Mul(decimal.NewFromInt(2)) }

// checkBound returns a *[funnel.InputError] naming the rep, wrapping
// [funnel.ErrOutOfRange], when the most it can book reaches 2^62 cents.
func checkBound(name string, bound decimal.Decimal) error {
	if bound.Shift(2).GreaterThanOrEqual(decimal.NewFromInt(maxCents)) {
		return inputErr(forecastOp, name, bound.String(), fmt.Errorf("%w: possible bookings above 2^62 cents", funnel.ErrOutOfRange))
	}
	return nil
}

// poissonTable returns the cumulative distribution of a Poisson(mu) count
// from kmin to a kmax that leaves out less than 1e-20 of the mass on either
// side (mu ± 10 standard deviations, plus 20), normalised so that the last
// entry is exactly 1.
func poissonTable(mu float64) (int, []float64) {
	sd := math.Sqrt(mu)
	kmin := max(0, int(math.Floor(mu-10*sd-20)))
	kmax := int(math.Ceil(mu + 10*sd + 20))
	cdf := make([]float64, kmax-kmin+1)
	lmu := math.Log(mu)
	var s float64
	for i := range cdf {
		k := float64(kmin + i)
		lg, _ := math.Lgamma(k + 1)
		s += math.Exp(k*lmu - mu - lg)
		cdf[i] = s
	}
	for i := range cdf {
		cdf[i] /= s
	}
	cdf[len(cdf)-1] = 1
	return kmin, cdf
}
