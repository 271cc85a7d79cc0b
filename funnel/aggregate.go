package funnel

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/shopspring/decimal"
)

// DurationsFromBins returns the [Durations] of observations known only by
// their day bins and the sum of their seconds, as a warehouse computes
// them with a GROUP BY (one row per day, with the count of observations
// and their seconds, the seconds summed over the rows):
//
//	N        = Σ bins[i].Count
//	Seconds  = seconds
//	day of an observation of s whole seconds = ⌊s / 86400⌋
//
// so that every observation in the bin of day d lasted from 86400·d to
// 86400·(d+1) − 1 seconds, and seconds must lie in
//
//	Σ Count·86400·Day  <=  seconds  <=  Σ Count·(86400·(Day+1) − 1)
//
// Durations are whole seconds (a duration truncated to the second, as
// [Durations.Add] records it); days are whole days of 86400 seconds.
// Bins are in strictly increasing day order, each day in [0,
// MaxDurationDays]; a bin with a count of 0 is allowed and adds nothing.
// No bins and 0 seconds give the empty Durations. The result equals, by
// [Durations.Equal], the Durations that adding the observations one by
// one would give. bins is not modified and the result shares no storage
// with it.
//
// It returns a *[InputError] with Op "funnel.DurationsFromBins" naming
// "bins[i].day" that wraps [ErrOutOfRange] for a day outside [0,
// MaxDurationDays] or not after the day before; "bins[i].count" wrapping
// [ErrNegativeCount] for a negative count, or [ErrOutOfRange] when the
// counts pass an int64; and "seconds" wrapping [ErrOutOfRange] for a sum
// of seconds the bins do not allow (a negative one included).
func DurationsFromBins(bins []Bin, seconds int64) (Durations, error) {
	fail := func(name string, v int64, err error) (Durations, error) {
		return Durations{}, WithOp("funnel.DurationsFromBins", countErr(name, v, err))
	}
	var g Durations
	var n, lo, hi int64 // observations, and the least and most seconds they allow
	for i, b := range bins {
		name := "bins[" + strconv.Itoa(i) + "]"
		switch {
		case b.Day < 0 || b.Day > maxDays:
			return fail(name+".day", int64(b.Day), fmt.Errorf("%w: want 0 to %d", ErrOutOfRange, maxDays))
		case i > 0 && b.Day <= bins[i-1].Day:
			return fail(name+".day", int64(b.Day), fmt.Errorf("%w: days must increase, the bin before is day %d", ErrOutOfRange, bins[i-1].Day))
		case b.Count < 0:
			return fail(name+".count", b.Count, ErrNegativeCount)
		case b.Count == 0:
			continue
		}
		var ok bool
		if n, ok = num.Add(n, b.Count); !ok {
			return fail(name+".count", b.Count, fmt.Errorf("%w: the counts pass an int64", ErrOutOfRange))
		}
		// Day <= 10^5, so 86400·(Day+1) fits; the products may not.
		day := int64(b.Day)
		l, ok1 := num.Mul(b.Count, day*secondsPerDay)
		u, ok2 := num.Mul(b.Count, (day+1)*secondsPerDay-1)
		if ok1 {
			lo, ok1 = num.Add(lo, l)
		}
		if !ok1 {
			return fail("seconds", seconds, fmt.Errorf("%w: the bins need more seconds than an int64 holds", ErrOutOfRange))
		}
		if !ok2 {
			u = math.MaxInt64
		}
		if hi, ok2 = num.Add(hi, u); !ok2 {
			hi = math.MaxInt64
		}
		g.addBin(b.Day, b.Count)
	}
	if seconds < lo || seconds > hi {
		return fail("seconds", seconds, fmt.Errorf("%w: %d observations in these bins last %d to %d seconds", ErrOutOfRange, n, lo, hi))
	}
	g.n, g.seconds = n, seconds
	return g, nil
}

// GroupSums are the sums over the deals of one group (an owner, a
// segment) that a warehouse computes with a GROUP BY, the input of
// [FromGroupSums]: the fields of [Counts] that a query can sum, under the
// same names and with the same meaning, without Deals (which is Won +
// Lost + Open). Slices indexed by stage have one entry per funnel stage.
// In JSON the fields have the json names of [Counts].
//
// Reach is the [Implied] rule: a deal's furthest stage is the furthest it
// has an event at (a won deal's is the last stage), and it reached every
// stage up to it. A deal created straight as lost, with no event, is in
// LostNoStage and reached no stage.
type GroupSums struct {
	// Key holds the group's attribute values, as [Counts.Key]; nil reads
	// as empty.
	Key []string `json:"key"`

	Won  int64 `json:"won"`  // deals won
	Lost int64 `json:"lost"` // deals lost, LostNoStage included
	Open int64 `json:"open"` // deals still open

	// Reached[k] counts the deals whose furthest stage is k or later.
	Reached []int64 `json:"reached"`
	// OpenAt[k] and LostAt[k] count the open and the lost deals whose
	// furthest stage is k; both are 0 at the last stage, where every deal
	// is won.
	OpenAt []int64 `json:"open_at"`
	LostAt []int64 `json:"lost_at"`
	// LostNoStage counts the lost deals with no event.
	LostNoStage int64 `json:"lost_no_stage"`

	// Entered[k] counts the deals with an event at stage k, EnteredBoth[k]
	// those with events at both k and k+1 (0 at the last stage), and
	// StrictPending[k] the open deals with an event at k whose furthest
	// stage is k: the [Strict] rule's counts. The three are given
	// together or not at all; when all three are nil every deal is taken
	// to have entered each stage up to its furthest, as [FromReached]
	// does (Entered = Reached, EnteredBoth[k] = Reached[k+1],
	// StrictPending = OpenAt), which is exact for histories without
	// skipped stages.
	Entered       []int64 `json:"entered"`
	EnteredBoth   []int64 `json:"entered_both"`
	StrictPending []int64 `json:"strict_pending"`

	// AmountReached[k] is the sum of the amounts of the deals with an
	// amount whose furthest stage is k or later; NoAmount counts the deals
	// without an amount (a NULL amount, never read as zero).
	AmountReached []decimal.Decimal `json:"amount_reached"`
	NoAmount      int64             `json:"no_amount"`
	// WonAmount and OpenAmount sum the amounts of the won and of the open
	// deals with an amount; WonWithAmount and OpenWithAmount count them.
	WonAmount      decimal.Decimal `json:"won_amount"`
	WonWithAmount  int64           `json:"won_with_amount"`
	OpenAmount     decimal.Decimal `json:"open_amount"`
	OpenWithAmount int64           `json:"open_with_amount"`

	// WonCycle and LostCycle are the times from start to close of the won
	// and the lost deals whose both times are known, from their day bins
	// by [DurationsFromBins]; the zero Durations when not measured.
	WonCycle  Durations `json:"won_cycle"`
	LostCycle Durations `json:"lost_cycle"`
	// StageTime and WonToClose are as in [Counts]; nil means not
	// measured (an empty distribution at every stage).
	StageTime  []Durations `json:"stage_time"`
	WonToClose []Durations `json:"won_to_close"`
}

// FromGroupSums returns the [Counts] of one group from the sums a
// warehouse computed over its deals, checked as a decoded [Tally] is
// ([Counts.Check]) and against the identities that hold for counts of
// real deals:
//
//	Deals                      = Won + Lost + Open
//	Reached[k] − Reached[k+1]  = OpenAt[k] + LostAt[k]        (k < last)
//	Reached[last]              = Won,  OpenAt[last] = LostAt[last] = 0
//	Σ OpenAt = Open,  Σ LostAt = Lost − LostNoStage
//	Entered[k]                >= OpenAt[k] + LostAt[k]        (Won at the last)
//	StrictPending[k]          <= OpenAt[k]
//	AmountReached[k+1]        <= AmountReached[k],  AmountReached[last] = WonAmount
//	OpenAmount                <= AmountReached[0]
//
// together with the bounds of Counts.Check (no count or amount negative,
// the strict counts within the implied ones, the deals with an amount and
// the durations' observations within the deals they count). A Counts that
// passes is one that some set of deals could give, so every analysis that
// reads a Tally's Counts (NewTable, Counts.Step, Sum, Compare, the review
// report) reads it the same way. See [GroupSums] for the defaults of the
// optional fields. A group of no deals (every count and sum 0, with one
// entry per stage) gives the zero Counts over f. s is not modified and the result shares no storage with it.
//
// It returns errors with Op "funnel.FromGroupSums": a *[InputError]
// naming "funnel" that wraps [ErrEmptyFunnel] for a funnel with no
// stages; a *[InputError] naming the field that wraps [ErrLengthMismatch] for a slice without one
// entry per stage (or one of the three strict slices given without the
// others); the errors of [Counts.Check], naming the field and the stage,
// that wrap [ErrNegativeCount], [ErrNegativeAmount], [ErrCountsRise],
// [ErrLengthMismatch] or [ErrOutOfRange]; a *[StageError] or *[InputError]
// wrapping [ErrOutOfRange] for counts that break an identity above, and
// [ErrCountsRise] for a part above its whole; and [ErrOutOfRange] when
// Won + Lost + Open passes an int64.
func FromGroupSums(f Funnel, s GroupSums) (Counts, error) {
	c, err := fromGroupSums(f, s)
	if err != nil {
		return Counts{}, WithOp("funnel.FromGroupSums", f.named(err))
	}
	return c, nil
}

func fromGroupSums(f Funnel, s GroupSums) (Counts, error) {
	n := f.Len()
	if n == 0 {
		return Counts{}, &InputError{Name: "funnel", Err: ErrEmptyFunnel}
	}
	length := func(name string, l int) error {
		if l != n {
			return &InputError{Name: name, Value: fmt.Sprintf("%d entries", l), Err: fmt.Errorf("%w: the funnel has %d stages", ErrLengthMismatch, n)}
		}
		return nil
	}
	for _, v := range []struct {
		name string
		l    int
	}{{"reached", len(s.Reached)}, {"open_at", len(s.OpenAt)}, {"lost_at", len(s.LostAt)}, {"amount_reached", len(s.AmountReached)}} {
		if err := length(v.name, v.l); err != nil {
			return Counts{}, err
		}
	}
	strict := s.Entered != nil || s.EnteredBoth != nil || s.StrictPending != nil
	if strict {
		for _, v := range []struct {
			name string
			l    []int64
		}{{"entered", s.Entered}, {"entered_both", s.EnteredBoth}, {"strict_pending", s.StrictPending}} {
			if v.l == nil {
				return Counts{}, &InputError{Name: v.name, Value: "nil", Err: fmt.Errorf("%w: the strict counts entered, entered_both and strict_pending are given together or not at all", ErrLengthMismatch)}
			}
			if err := length(v.name, len(v.l)); err != nil {
				return Counts{}, err
			}
		}
	}
	for _, v := range []struct {
		name string
		l    []Durations
	}{{"stage_time", s.StageTime}, {"won_to_close", s.WonToClose}} {
		if v.l != nil {
			if err := length(v.name, len(v.l)); err != nil {
				return Counts{}, err
			}
		}
	}
	deals, ok1 := num.Add(s.Won, s.Lost)
	deals, ok2 := num.Add(deals, s.Open)
	if !ok1 || !ok2 {
		return Counts{}, &InputError{Name: "open", Value: strconv.FormatInt(s.Open, 10), Err: fmt.Errorf("%w: won %d + lost %d + open %d pass an int64", ErrOutOfRange, s.Won, s.Lost, s.Open)}
	}
	c := Counts{
		Key: append([]string{}, s.Key...), Deals: deals, Won: s.Won, Lost: s.Lost, Open: s.Open,
		Reached: slices.Clone(s.Reached), OpenAt: slices.Clone(s.OpenAt), LostAt: slices.Clone(s.LostAt), LostNoStage: s.LostNoStage,
		AmountReached: slices.Clone(s.AmountReached), NoAmount: s.NoAmount,
		WonAmount: s.WonAmount, WonWithAmount: s.WonWithAmount, OpenAmount: s.OpenAmount, OpenWithAmount: s.OpenWithAmount,
		WonCycle: s.WonCycle.Clone(), LostCycle: s.LostCycle.Clone(),
		StageTime: cloneDurations(s.StageTime, n), WonToClose: cloneDurations(s.WonToClose, n),
	}
	if strict {
		c.Entered, c.EnteredBoth, c.StrictPending = slices.Clone(s.Entered), slices.Clone(s.EnteredBoth), slices.Clone(s.StrictPending)
	} else {
		c.Entered, c.StrictPending = slices.Clone(s.Reached), slices.Clone(s.OpenAt)
		c.EnteredBoth = make([]int64, n)
		copy(c.EnteredBoth, s.Reached[1:])
	}
	last := n - 1
	for _, v := range []struct {
		name string
		v    int64
	}{{"open_at", c.OpenAt[last]}, {"lost_at", c.LostAt[last]}} {
		if v.v > 0 { // a negative count is Check's to report
			return Counts{}, &StageError{Input: v.name, Index: last, Err: fmt.Errorf("%w: %d at the last stage, where every deal is won", ErrOutOfRange, v.v)}
		}
	}
	if err := c.Check(); err != nil {
		return Counts{}, err
	}
	for k := range n {
		// Check found every count non-negative and Open + Lost within
		// Deals, so the sum cannot overflow.
		stopped := c.OpenAt[k] + c.LostAt[k]
		if k == last {
			stopped = c.Won
		} else if drop := c.Reached[k] - c.Reached[k+1]; stopped != drop {
			return Counts{}, &StageError{Input: "open_at", Index: k, Err: fmt.Errorf("%w: %d open + %d lost stopped at the stage, but reached falls by %d after it", ErrOutOfRange, c.OpenAt[k], c.LostAt[k], drop)}
		}
		switch {
		case c.Entered[k] < stopped:
			return Counts{}, &StageError{Input: "entered", Index: k, Err: fmt.Errorf("%w: %d entered, below the %d deals whose furthest stage it is", ErrCountsRise, c.Entered[k], stopped)}
		case c.StrictPending[k] > c.OpenAt[k]:
			return Counts{}, &StageError{Input: "strict_pending", Index: k, Err: fmt.Errorf("%w: %d above the %d open deals whose furthest stage it is", ErrCountsRise, c.StrictPending[k], c.OpenAt[k])}
		case k < last && c.AmountReached[k+1].Cmp(c.AmountReached[k]) > 0:
			return Counts{}, &StageError{Input: "amount_reached", Index: k + 1, Err: fmt.Errorf("%w: %s after %s", ErrCountsRise, c.AmountReached[k+1], c.AmountReached[k])}
		}
	}
	switch {
	case !c.AmountReached[last].Equal(c.WonAmount):
		return Counts{}, &InputError{Name: "won_amount", Value: c.WonAmount.String(), Err: fmt.Errorf("%w: the amount that reached the last stage is %s", ErrOutOfRange, c.AmountReached[last])}
	case c.OpenAmount.Cmp(c.AmountReached[0]) > 0:
		return Counts{}, &InputError{Name: "open_amount", Value: c.OpenAmount.String(), Err: fmt.Errorf("%w: above the %s that reached the first stage", ErrCountsRise, c.AmountReached[0])}
	}
	return c, nil
}

// cloneDurations returns a copy of ds sharing no storage with it, or n
// empty distributions when ds is nil.
func cloneDurations(ds []Durations, n int) []Durations {
	if ds == nil {
		return make([]Durations, n)
	}
	out := make([]Durations, len(ds))
	for i, d := range ds {
		out[i] = d.Clone()
	}
	return out
}
