package domino

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/enum"
	"github.com/shopspring/decimal"
)

// GainKind is the way a [Gain] states the change of a lever.
type GainKind int8

const (
	// Relative is a fraction of the lever's value: 0.10 is 10% better.
	// A volume or a rate v becomes v × (1 + g); a divisor d becomes
	// d × (1 − g), so +0.10 on the cycle is a cycle 10% shorter.
	Relative GainKind = iota
	// Points is an amount in the lever's own units: +0.05 on a rate is
	// five percentage points, +100 on the top is 100 more, +500 on the
	// ASP is 500 more money, and +3 on the cycle is three days shorter.
	Points
	// Value is the lever's new value, in its own units.
	Value
)

// String returns "relative", "points" or "value".
func (k GainKind) String() string {
	switch k {
	case Relative:
		return "relative"
	case Points:
		return "points"
	case Value:
		return "value"
	}
	return "GainKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its [GainKind.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k GainKind) MarshalText() ([]byte, error) {
	b, ok := enum.Text(k, Value)
	if !ok {
		return nil, chainErr("domino.GainKind.MarshalText", "kind", strconv.Itoa(int(k)), funnel.ErrOutOfRange)
	}
	return b, nil
}

// UnmarshalText decodes a kind from its [GainKind.String]; any other text
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k *GainKind) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, Value)
	if !ok {
		return chainErr("domino.GainKind.UnmarshalText", "kind", strconv.Quote(string(b)), funnel.ErrOutOfRange)
	}
	*k = v
	return nil
}

// Gain is a change of one lever of a chain: lever number Lever (see
// [Chain]) moved as Kind says by By. A positive gain is an improvement
// for every kind of lever: it raises a volume or a rate and shortens a
// divisor.
type Gain struct {
	Lever int      `json:"lever"`
	Kind  GainKind `json:"kind"`
	By    float64  `json:"by"`
}

// Effect is what a gain did to its lever. Requested is the value the gain
// asks for and Applied the value used: they differ only when a rate would
// pass 1, which is capped at 1 and reported with Capped, never silently.
// For the ASP the values are float64 for reading; the chain keeps the
// decimal.
//
// Factor is the factor the change applies to revenue:
//
//	volume, rate:  Applied / From   (1 + g for a relative gain g uncapped,
//	                                 defined even when From is 0)
//	divisor:       From / Applied   (1 / (1 − g) for a relative gain g)
//
// null when From is 0 and the gain is not relative.
type Effect struct {
	Lever     int                `json:"lever"`
	Name      string             `json:"name"`
	Kind      LeverKind          `json:"kind"`
	From      float64            `json:"from"`
	Requested float64            `json:"requested"`
	Applied   float64            `json:"applied"`
	Capped    bool               `json:"capped,omitempty"`
	Factor    funnel.NullFloat64 `json:"factor"`
}

// Outcome is a chain after gains: the new levers, the volume at every
// step and the revenue.
type Outcome struct {
	// Chain is the chain with the gains applied: the new rates, top, ASP
	// and cycle (the plan for next year when the gains are targets).
	Chain Chain `json:"chain"`
	// Counts are the volumes at every step of Chain: Counts[0] the top,
	// Counts[k+1] after Stages[k]; exact float64, not whole units.
	Counts []float64 `json:"counts"`
	// Base is the revenue before the gains and Revenue after, to the cent
	// (per day when the chain has a cycle).
	Base    decimal.Decimal `json:"base"`
	Revenue decimal.Decimal `json:"revenue"`
	// Multiplier is the product of the effects' factors, the factor on
	// revenue, so Revenue = Base × Multiplier before rounding; null when
	// a factor is. Multiplier − 1 is the revenue change (0.7716 is +77.16%).
	Multiplier funnel.NullFloat64 `json:"multiplier"`
	// Effects are the gains' effects, in the order of the gains.
	Effects []Effect `json:"effects"`
	// Capped lists the effects whose rate was capped at 1.
	Capped []Effect `json:"capped,omitempty"`
}

// Apply returns the chain after the gains, each on a different lever, with
// the volume at every step and the revenue (see [Outcome]). Levers not
// named keep their value. A rate whose requested value passes 1 is held at
// 1 and listed in Outcome.Capped with what was asked. No gains is the chain
// as it is, with Multiplier 1.
//
// Conventions: a relative gain g multiplies a volume or a rate by 1 + g and
// a divisor by 1 − g (a 10% shorter cycle gives 1/0.9 − 1 = +11.1% revenue
// per day); gains on several levers compound,
//
//	Multiplier = Π factor_i
//
// so +10% on five multiplicative levers is 1.1⁵ − 1 = +61.05%, and +10% on
// the top, a rate and the ASP with a 10% shorter cycle is 1.1³/0.9 − 1 =
// +47.9%. A changed ASP is rounded half to even to at most
// [funnel.MaxAmountPlaces] decimal places.
//
// Errors: those of [Chain.Validate]; a *[funnel.InputError] naming
// "gains[i].lever" wrapping [funnel.ErrOutOfRange] for a lever the chain
// does not have or one given twice, "gains[i].kind" for an unknown kind,
// and "gains[i].by" wrapping [funnel.ErrNotFinite] for NaN or infinity,
// [funnel.ErrOutOfRange] for a relative gain below −1 (1 and above on a
// divisor), a new cycle not above zero or a value past float64, and
// [funnel.ErrNegative], [funnel.ErrRateRange] or
// [funnel.ErrNegativeAmount] for a new top, rate or ASP below zero (or a
// new rate stated above 1 as a Value). Inputs are not modified.
func Apply(c Chain, gains []Gain) (Outcome, error) {
	const op = "domino.Apply"
	if err := c.check(op); err != nil {
		return Outcome{}, err
	}
	return apply(op, c, gains, false)
}

// Uniform returns the chain after the same relative gain g on each of the
// levers (all the chain's levers when levers is empty), as [Apply] with
// Kind [Relative]: uncapped, revenue changes by (1 + g)^m / (1 − g)^d − 1
// with m multiplicative levers and d divisors. Errors are those of [Apply],
// naming "levers[i]" and "gain".
func Uniform(c Chain, levers []int, g float64) (Outcome, error) {
	const op = "domino.Uniform"
	if err := c.check(op); err != nil {
		return Outcome{}, err
	}
	levers, err := checkLevers(op, c, levers)
	if err != nil {
		return Outcome{}, err
	}
	gains := make([]Gain, len(levers))
	for i, l := range levers {
		gains[i] = Gain{Lever: l, Kind: Relative, By: g}
	}
	return apply(op, c, gains, true)
}

// checkLevers checks lever numbers (empty: all levers) and returns them.
func checkLevers(op string, c Chain, levers []int) ([]int, error) {
	n := c.NumLevers()
	if len(levers) == 0 {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	seen := make([]bool, n)
	for i, l := range levers {
		name := "levers[" + strconv.Itoa(i) + "]"
		if l < 0 || l >= n {
			return nil, chainErr(op, name, strconv.Itoa(l), fmt.Errorf("%w: unknown lever, the chain has %d", funnel.ErrOutOfRange, n))
		}
		if seen[l] {
			return nil, chainErr(op, name, strconv.Itoa(l), fmt.Errorf("%w: lever given twice", funnel.ErrOutOfRange))
		}
		seen[l] = true
	}
	return levers, nil
}

// gainField names field of gains[i], or of Uniform's levers[i] and gain.
func gainField(uniform bool, i int, field string) string {
	if !uniform {
		return "gains[" + strconv.Itoa(i) + "]." + field
	}
	if field == "lever" {
		return "levers[" + strconv.Itoa(i) + "]"
	}
	return "gain"
}

// apply is Apply on a valid chain; uniform names the inputs as Uniform's.
func apply(op string, c Chain, gains []Gain, uniform bool) (Outcome, error) {
	n := c.NumLevers()
	var seen uint64
	var seenBig []bool
	if n > 64 {
		seenBig = make([]bool, n)
	}
	o := Outcome{Chain: c.clone(), Effects: make([]Effect, len(gains)), Multiplier: funnel.Some(1)}
	for i, g := range gains {
		if g.Lever < 0 || g.Lever >= n {
			return Outcome{}, chainErr(op, gainField(uniform, i, "lever"), strconv.Itoa(g.Lever), fmt.Errorf("%w: unknown lever, the chain has %d", funnel.ErrOutOfRange, n))
		}
		dup := false
		if seenBig != nil {
			dup, seenBig[g.Lever] = seenBig[g.Lever], true
		} else {
			dup = seen&(1<<g.Lever) != 0
			seen |= 1 << g.Lever
		}
		if dup {
			return Outcome{}, chainErr(op, gainField(uniform, i, "lever"), strconv.Itoa(g.Lever), fmt.Errorf("%w: lever given twice", funnel.ErrOutOfRange))
		}
		e, asp, err := effect(op, gainField(uniform, i, "by"), gainField(uniform, i, "kind"), c, g)
		if err != nil {
			return Outcome{}, err
		}
		e.Name = c.LeverName(g.Lever)
		set(&o.Chain, g.Lever, e.Applied, asp)
		o.Effects[i] = e
		if e.Capped {
			o.Capped = append(o.Capped, e)
		}
		if !e.Factor.Valid {
			o.Multiplier = funnel.NullFloat64{}
		} else if o.Multiplier.Valid {
			o.Multiplier.Float64 *= e.Factor.Float64
		}
	}
	if o.Multiplier.Valid && !chainFinite(o.Multiplier.Float64) {
		return Outcome{}, chainErr(op, "gains", "", fmt.Errorf("%w: the revenue factor passes float64", funnel.ErrOutOfRange))
	}
	o.Counts = o.Chain.Counts()
	o.Base = dec.Cents(revenueOf(c.output(), c.ASP, c.Cycle))
	o.Revenue = dec.Cents(revenueOf(o.Counts[len(o.Counts)-1], o.Chain.ASP, o.Chain.Cycle))
	return o, nil
}

// set sets lever i of a cloned chain to v (the ASP to asp).
func set(c *Chain, i int, v float64, asp decimal.Decimal) {
	switch {
	case i == LeverTop:
		c.Top = v
	case i == c.ASPLever():
		c.ASP = asp
	case i == c.CycleLever():
		c.Cycle.Float64 = v
	default:
		c.Stages[i-1].Rate = v
	}
}

// effect returns the effect of gain g (checked lever) on a valid chain,
// all but its Name (which the caller sets, as [Factor] has no use for it
// and an unnamed stage's costs an allocation), and the new ASP when the
// lever is the ASP; byName and kindName are the places of the gain's By
// and Kind.
func effect(op, byName, kindName string, c Chain, g Gain) (Effect, decimal.Decimal, error) {
	i := g.Lever
	kind := c.Kind(i)
	from := c.value(i)
	e := Effect{Lever: i, Kind: kind, From: from}
	x := g.By
	if !chainFinite(x) {
		return Effect{}, decimal.Decimal{}, chainErr(op, byName, chainFmt(x), funnel.ErrNotFinite)
	}
	bad := func(err error, why string) (Effect, decimal.Decimal, error) {
		if why != "" {
			err = fmt.Errorf("%w: %s", err, why)
		}
		return Effect{}, decimal.Decimal{}, chainErr(op, byName, chainFmt(x), err)
	}
	var req float64
	switch g.Kind {
	case Relative:
		if kind == Divisor {
			if x >= 1 {
				return bad(funnel.ErrOutOfRange, "a relative gain on a divisor is below 1")
			}
			req = from * (1 - x)
		} else {
			if x < -1 {
				return bad(funnel.ErrOutOfRange, "a relative gain is at least −1")
			}
			req = from * (1 + x)
		}
	case Points:
		if kind == Divisor {
			req = from - x
		} else {
			req = from + x
		}
	case Value:
		req = x
	default:
		return Effect{}, decimal.Decimal{}, chainErr(op, kindName, strconv.Itoa(int(g.Kind)), funnel.ErrOutOfRange)
	}
	if math.IsInf(req, 0) {
		return bad(funnel.ErrOutOfRange, "the new value passes float64")
	}
	e.Requested, e.Applied = req, req
	switch {
	case kind == Divisor && req <= 0:
		return bad(funnel.ErrOutOfRange, "a cycle is above zero days")
	case kind == Rate && req < 0:
		return bad(funnel.ErrRateRange, "")
	case kind == Rate && req > 1 && g.Kind == Value:
		return bad(funnel.ErrRateRange, "")
	case i == LeverTop && req < 0:
		return bad(funnel.ErrNegative, "")
	case i == c.ASPLever() && req < 0 && g.Kind != Relative:
		return bad(funnel.ErrNegativeAmount, "")
	}
	if kind == Rate && req > 1 {
		e.Applied, e.Capped = 1, true
	}
	// The factor on revenue.
	switch {
	case g.Kind == Relative && kind == Divisor:
		e.Factor = funnel.Some(1 / (1 - x))
	case g.Kind == Relative && !e.Capped:
		e.Factor = funnel.Some(1 + x)
	case kind == Divisor:
		e.Factor = funnel.Some(from / e.Applied)
	case from > 0:
		e.Factor = funnel.Some(e.Applied / from)
	}
	var asp decimal.Decimal
	if i == c.ASPLever() {
		var err error
		if asp, err = newASP(c.ASP, g.Kind, x); err != nil {
			return Effect{}, decimal.Decimal{}, chainErr(op, byName, chainFmt(x), err)
		}
		e.Applied = asp.InexactFloat64()
		e.Requested = e.Applied
		if g.Kind != Relative {
			e.Factor = funnel.NullFloat64{}
			if c.ASP.IsPositive() {
				f, _ := dec.Quo(asp, c.ASP)
				e.Factor = funnel.Some(f.InexactFloat64())
			}
		}
	}
	return e, asp, nil
}

// newASP returns the ASP after a gain of kind k by x (finite), rounded half
// to even to at most funnel.MaxAmountPlaces places, or the reason it is not
// an amount.
func newASP(a decimal.Decimal, k GainKind, x float64) (decimal.Decimal, error) {
	var v decimal.Decimal
	switch k {
	case Relative:
		f, _ := dec.FromFloat(1 + x)
		v = a.Mul(f)
	case Points:
		d, _ := dec.FromFloat(x)
		v = a.Add(d)
	default:
		v, _ = dec.FromFloat(x)
	}
	if -v.Exponent() > funnel.MaxAmountPlaces {
		v = v.RoundBank(funnel.MaxAmountPlaces)
	}
	if err := funnel.AmountReason(v); err != nil {
		return decimal.Decimal{}, err
	}
	return v, nil
}

// Factor returns the factor a gain g applies to the revenue of the chain
// c and whether a rate was capped at 1, as [Effect] gives them, without
// building the changed chain: for a relative gain 1 + g on a volume or a
// rate (1/rate when capped) and 1/(1 − g) on a divisor. It reports false
// when c or g is not valid for [Apply] or the factor is undefined (a
// non-relative gain on a lever at 0). Package velocity computes its
// sensitivities with it. Inputs are not modified. It allocates nothing,
// except for a Points or Value gain on the ASP (whose factor is the new
// decimal ASP over the old) and for a relative gain on an ASP of 10^20 or
// more or of more than 10^15 − 1, whose new ASP is built to be checked.
func Factor(c Chain, g Gain) (factor float64, capped bool, ok bool) {
	const op = "domino.Factor"
	if c.check(op) != nil || g.Lever < 0 || g.Lever >= c.NumLevers() {
		return 0, false, false
	}
	if g.Lever == c.ASPLever() && g.Kind == Relative && relativeASPFits(c.ASP, g.By) {
		// The factor effect gives, without the new ASP it would build
		// and check, which relativeASPFits has shown is an amount.
		return 1 + g.By, false, true
	}
	e, _, err := effect(op, "by", "kind", c, g)
	if err != nil || !e.Factor.Valid {
		return 0, false, false
	}
	return e.Factor.Float64, e.Capped, true
}

// relativeASPFits reports whether a relative gain x on the ASP a of a
// valid chain is one that [Apply] accepts, shown without building the new
// ASP a × (1 + x), which allocates: x is finite and at least −1, 1 + x is
// at most 10^15, and a is below 10^20 (its digits and exponent say so,
// which shopspring/decimal counts without allocating). Then the new
// ASP is in [0, 10^35), an amount ([funnel.AmountInRange] bounds it below
// 10^36, and newASP rounds it to at most [funnel.MaxAmountPlaces]
// places), and a × (1 + x) as a float64 is finite, so no check of effect
// fails. A false result says only that the general path must decide.
func relativeASPFits(a decimal.Decimal, x float64) bool {
	const maxFactor, maxASPDigits = 1e15, 20
	if !chainFinite(x) || x < -1 || 1+x > maxFactor {
		return false
	}
	return a.NumDigits()+int(a.Exponent()) <= maxASPDigits
}
