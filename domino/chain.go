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

// LeverKind is the way a lever enters revenue.
type LeverKind int8

const (
	// Volume multiplies revenue and has no upper bound: the top volume and
	// the ASP.
	Volume LeverKind = iota
	// Rate multiplies revenue and is capped at 1: a stage conversion rate.
	Rate
	// Divisor divides revenue: the cycle in days (revenue per day).
	Divisor
)

// String returns "volume", "rate" or "divisor".
func (k LeverKind) String() string {
	switch k {
	case Volume:
		return "volume"
	case Rate:
		return "rate"
	case Divisor:
		return "divisor"
	}
	return "LeverKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its [LeverKind.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k LeverKind) MarshalText() ([]byte, error) {
	b, ok := enum.Text(k, Divisor)
	if !ok {
		return nil, chainErr("domino.LeverKind.MarshalText", "kind", strconv.Itoa(int(k)), funnel.ErrOutOfRange)
	}
	return b, nil
}

// UnmarshalText decodes a kind from its [LeverKind.String]; any other text
// is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (k *LeverKind) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, Divisor)
	if !ok {
		return chainErr("domino.LeverKind.UnmarshalText", "kind", strconv.Quote(string(b)), funnel.ErrOutOfRange)
	}
	*k = v
	return nil
}

// Stage is one step of a chain: its name and the conversion rate into it
// from the step before, in [0, 1].
type Stage struct {
	Name string  `json:"name"`
	Rate float64 `json:"rate"`
}

// Chain is revenue as a chain of levers:
//
//	counts[0]   = Top
//	counts[k+1] = counts[k] × Stages[k].Rate
//	revenue     = counts[len(Stages)] × ASP            (no cycle)
//	revenue     = counts[len(Stages)] × ASP / Cycle    (revenue per day)
//
// Top is the domino activity (cold calls, DMs, opportunities) per period,
// a float64 so that an average may be used; each stage rate is in [0, 1];
// ASP is money; Cycle, when Valid, is the sales cycle in days and makes
// revenue a figure per day, as in velocity's V = O × W × ASP / C.
//
// The levers of a chain are numbered: 0 is the top volume ([LeverTop]),
// 1 + k is the rate of Stages[k] ([Chain.RateLever]), then the ASP
// ([Chain.ASPLever]) and, when the cycle is Valid, the cycle
// ([Chain.CycleLever]). Top and ASP are [Volume] levers, the rates [Rate]
// levers and the cycle a [Divisor].
//
// TopFixed marks a top volume the team does not control (inbound leads,
// a market's size); only [FindDomino] reads it.
//
// Build a chain with [NewChain] or [ChainOf], or fill the fields and let
// each function check them ([Chain.Validate]); functions never modify a
// chain.
type Chain struct {
	TopName  string             `json:"top_name"`
	Top      float64            `json:"top"`
	TopFixed bool               `json:"top_fixed,omitempty"`
	Stages   []Stage            `json:"stages"`
	ASP      decimal.Decimal    `json:"asp"`
	Cycle    funnel.NullFloat64 `json:"cycle_days"`
}

// LeverTop is the lever number of the top volume in every chain.
const LeverTop = 0

// NewChain returns a chain of the given top volume, stages, ASP and cycle
// in days (null for none, [funnel.Some](days) for one), after checking it
// as [Chain.Validate] does, with errors naming "domino.NewChain". It
// copies stages.
func NewChain(topName string, top float64, stages []Stage, asp decimal.Decimal, cycleDays funnel.NullFloat64) (Chain, error) {
	c := Chain{TopName: topName, Top: top, Stages: append([]Stage(nil), stages...), ASP: asp, Cycle: cycleDays}
	if err := c.check("domino.NewChain"); err != nil {
		return Chain{}, err
	}
	return c, nil
}

// ChainOf returns the chain of a funnel's counts (a Tally's group or
// total): the top volume is the deals that reached the first stage, and
// the rate of stage k is the resolved conversion into it under the
// [funnel.Implied] rule ([funnel.Counts.Step]), which leaves deals still
// open at the stage before out of the trials:
//
//	Top          = Reached[0]
//	Stages[k−1]  = Reached[k] of (Reached[k−1] − OpenAt[k−1]),  k ≥ 1
//
// The stages are named after the funnel's, the top after its first stage;
// the chain has no cycle. It returns the errors of [funnel.Counts.Check],
// a *[funnel.InputError] wrapping [funnel.ErrLengthMismatch] for counts
// that do not have one entry per stage, a *[funnel.StageError] wrapping
// [funnel.ErrNoData] for a step with no resolved trials, and the errors of
// [Chain.Validate] for the ASP. counts is not modified.
func ChainOf(f funnel.Funnel, counts funnel.Counts, asp decimal.Decimal) (Chain, error) {
	const op = "domino.ChainOf"
	if len(counts.Reached) != f.Len() || f.Len() == 0 {
		return Chain{}, chainErr(op, "counts.reached", strconv.Itoa(len(counts.Reached)),
			fmt.Errorf("%w: %d stages in the funnel", funnel.ErrLengthMismatch, f.Len()))
	}
	if err := counts.Check(); err != nil {
		return Chain{}, funnel.WithOp(op, err)
	}
	c := Chain{TopName: f.Stage(0), Top: float64(counts.Reached[0]), Stages: make([]Stage, f.Len()-1), ASP: asp}
	for k := 1; k < f.Len(); k++ {
		_, r := counts.Step(funnel.Implied, k)
		if !r.Defined() {
			return Chain{}, &funnel.StageError{Op: op, Stage: f.Stage(k), Index: k, Err: fmt.Errorf("%w: no resolved trials", funnel.ErrNoData)}
		}
		c.Stages[k-1] = Stage{Name: f.Stage(k), Rate: r.Value()}
	}
	if err := c.check(op); err != nil {
		return Chain{}, err
	}
	return c, nil
}

// Validate checks the chain. It returns a *[funnel.InputError] naming the
// field ("top", "stages[2].rate", "asp", "cycle_days"), wrapping
// [funnel.ErrNotFinite] for a NaN or infinite number,
// [funnel.ErrNegative] for a negative top, [funnel.ErrRateRange] for a
// rate outside [0, 1], the reason of [funnel.AmountReason] for the ASP
// ([funnel.ErrNegativeAmount], [funnel.ErrOutOfRange]) and
// [funnel.ErrOutOfRange] for a cycle that is not above zero.
func (c Chain) Validate() error { return c.check("domino.Chain.Validate") }

func (c Chain) check(op string) error {
	switch t := c.Top; {
	case !chainFinite(t):
		return chainErr(op, "top", chainFmt(t), funnel.ErrNotFinite)
	case t < 0:
		return chainErr(op, "top", chainFmt(t), funnel.ErrNegative)
	}
	for k, s := range c.Stages {
		switch r := s.Rate; {
		case !chainFinite(r):
			return chainErr(op, "stages["+strconv.Itoa(k)+"].rate", chainFmt(r), funnel.ErrNotFinite)
		case r < 0 || r > 1:
			return chainErr(op, "stages["+strconv.Itoa(k)+"].rate", chainFmt(r), funnel.ErrRateRange)
		}
	}
	if !funnel.AmountInRange(c.ASP) || c.ASP.IsNegative() {
		// The reason is asked of a copy: funnel keeps the amount it is
		// given in its error, which would move every chain checked (its
		// stages too) to the heap, a chain built on the stack included.
		return chainErr(op, "asp", c.ASP.String(), funnel.AmountReason(c.ASP.Copy()))
	}
	if c.Cycle.Valid {
		switch d := c.Cycle.Float64; {
		case !chainFinite(d):
			return chainErr(op, "cycle_days", chainFmt(d), funnel.ErrNotFinite)
		case d <= 0:
			return chainErr(op, "cycle_days", chainFmt(d), fmt.Errorf("%w: a cycle is above zero days", funnel.ErrOutOfRange))
		}
	}
	return nil
}

// NumLevers returns the number of levers of the chain: the top, one rate
// per stage, the ASP, and the cycle when it is Valid.
func (c Chain) NumLevers() int {
	n := len(c.Stages) + 2
	if c.Cycle.Valid {
		n++
	}
	return n
}

// RateLever returns the lever number of the rate of Stages[k], 1 + k.
func (c Chain) RateLever(k int) int { return 1 + k }

// ASPLever returns the lever number of the ASP, 1 + len(Stages).
func (c Chain) ASPLever() int { return 1 + len(c.Stages) }

// CycleLever returns the lever number of the cycle, 2 + len(Stages), or
// −1 when the chain has no cycle.
func (c Chain) CycleLever() int {
	if !c.Cycle.Valid {
		return -1
	}
	return 2 + len(c.Stages)
}

// Kind returns the kind of lever i: [Volume] for the top and the ASP,
// [Rate] for a stage rate, [Divisor] for the cycle. i must be in
// [0, NumLevers()), or Kind panics as slice indexing does.
func (c Chain) Kind(i int) LeverKind {
	switch {
	case i < 0 || i >= c.NumLevers():
		panic("domino: lever " + strconv.Itoa(i) + " out of range")
	case i == LeverTop || i == c.ASPLever():
		return Volume
	case i == c.CycleLever():
		return Divisor
	}
	return Rate
}

// LeverName returns the name of lever i: TopName (or "top"), the stage's
// Name (or "stages[k]"), "asp" or "cycle". i must be in [0, NumLevers()),
// or LeverName panics as slice indexing does.
func (c Chain) LeverName(i int) string {
	switch {
	case i < 0 || i >= c.NumLevers():
		panic("domino: lever " + strconv.Itoa(i) + " out of range")
	case i == LeverTop:
		if c.TopName == "" {
			return "top"
		}
		return c.TopName
	case i == c.ASPLever():
		return "asp"
	case i == c.CycleLever():
		return "cycle"
	}
	if n := c.Stages[i-1].Name; n != "" {
		return n
	}
	return "stages[" + strconv.Itoa(i-1) + "]"
}

// value returns lever i's value as a float64 (the ASP for reading only).
func (c Chain) value(i int) float64 {
	switch {
	case i == LeverTop:
		return c.Top
	case i == c.ASPLever():
		return c.ASP.InexactFloat64()
	case i == c.CycleLever():
		return c.Cycle.Float64
	}
	return c.Stages[i-1].Rate
}

// Counts returns the volume at every step of a valid chain: counts[0] is
// the top, counts[k+1] the volume after Stages[k]. Exact float64 products,
// not rounded to whole units.
func (c Chain) Counts() []float64 {
	out := make([]float64, len(c.Stages)+1)
	out[0] = c.Top
	for k, s := range c.Stages {
		out[k+1] = out[k] * s.Rate
	}
	return out
}

// output returns the volume after the last stage.
func (c Chain) output() float64 {
	v := c.Top
	for _, s := range c.Stages {
		v *= s.Rate
	}
	return v
}

// revenueOf returns the exact revenue of a volume out at the end of the
// chain, an ASP and a cycle: out × ASP (÷ cycle). This is the one place a
// float64 volume becomes a decimal; out and cycle are finite and the cycle
// is above zero.
func revenueOf(out float64, asp decimal.Decimal, cycle funnel.NullFloat64) decimal.Decimal {
	o, _ := dec.FromFloat(out)
	r := o.Mul(asp)
	if cycle.Valid {
		d, _ := dec.FromFloat(cycle.Float64)
		r, _ = dec.Quo(r, d) // above zero: checked
	}
	return r
}

// Revenue returns the chain's revenue to the cent (half to even),
//
//	revenue = Top × Π Stages[k].Rate × ASP  (÷ Cycle days when Valid)
//
// per period, or per day with a cycle. It returns the errors of
// [Chain.Validate].
func (c Chain) Revenue() (decimal.Decimal, error) {
	if err := c.check("domino.Chain.Revenue"); err != nil {
		return decimal.Decimal{}, err
	}
	return dec.Cents(revenueOf(c.output(), c.ASP, c.Cycle)), nil
}

// clone returns c with its own copy of Stages.
func (c Chain) clone() Chain {
	c.Stages = append([]Stage(nil), c.Stages...)
	return c
}

func chainFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func chainFmt(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func chainErr(op, name, v string, err error) error {
	return &funnel.InputError{Op: op, Name: name, Value: v, Err: err}
}
