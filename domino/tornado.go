package domino

import (
	"fmt"
	"slices"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// Bar is one lever of a [Tornado]: revenue with the lever alone moved down
// and up by the step.
type Bar struct {
	Lever int       `json:"lever"`
	Name  string    `json:"name"`
	Kind  LeverKind `json:"kind"`
	// Down and Up are the revenue with the lever moved by −step and +step
	// (for a divisor +step is the shorter cycle), to the cent.
	Down decimal.Decimal `json:"down"`
	Up   decimal.Decimal `json:"up"`
	// Swing is Up − Down, the width of the bar, by which bars are ranked.
	Swing decimal.Decimal `json:"swing"`
	// UpCapped reports a rate held at 1 on the way up; DownFloored a
	// volume, rate or ASP held at 0 on the way down (points larger than
	// the value).
	UpCapped    bool `json:"up_capped,omitempty"`
	DownFloored bool `json:"down_floored,omitempty"`
	// Elasticity is the point elasticity d ln revenue / d ln lever: 1 for
	// a volume and for a rate below 1, 0 for a rate at 1 (it cannot rise),
	// −1 for a divisor.
	Elasticity float64 `json:"elasticity"`
}

// Tornado is revenue's sensitivity to each lever alone.
type Tornado struct {
	Base decimal.Decimal `json:"base"` // revenue of the chain, to the cent
	Kind GainKind        `json:"kind"`
	Step float64         `json:"step"`
	// Bars are one per lever, widest Swing first (ties in lever order).
	Bars []Bar `json:"bars"`
}

// TornadoOf moves each lever of the chain alone by −step and +step and
// ranks the levers by the swing in revenue. Kind is [Relative] (step 0.10
// is ±10%: v × (1 ± step), a divisor d × (1 ∓ step)) or [Points] (±step in
// each lever's own units, a divisor d ∓ step). A rate that would pass 1 is
// held at 1 (UpCapped) and a value that would fall below 0 is held at 0
// (DownFloored). No step (0) gives bars of zero width.
//
// Errors: those of [Chain.Validate]; a *[funnel.InputError] naming "kind"
// wrapping [funnel.ErrOutOfRange] for [Value] or an unknown kind, and
// naming "step" wrapping [funnel.ErrNotFinite] for NaN or infinity or
// [funnel.ErrOutOfRange] for a negative step, a relative step of 1 or
// more (the cycle would reach zero) or points at or above the cycle.
// Inputs are not modified; the result is the only allocation besides the
// decimals' own.
func TornadoOf(c Chain, kind GainKind, step float64) (Tornado, error) {
	const op = "domino.TornadoOf"
	if err := c.check(op); err != nil {
		return Tornado{}, err
	}
	if kind != Relative && kind != Points {
		return Tornado{}, chainErr(op, "kind", kind.String(), fmt.Errorf("%w: relative or points", funnel.ErrOutOfRange))
	}
	switch {
	case !chainFinite(step):
		return Tornado{}, chainErr(op, "step", chainFmt(step), funnel.ErrNotFinite)
	case step < 0:
		return Tornado{}, chainErr(op, "step", chainFmt(step), fmt.Errorf("%w: a step is at least 0", funnel.ErrOutOfRange))
	case c.Cycle.Valid && kind == Relative && step >= 1:
		return Tornado{}, chainErr(op, "step", chainFmt(step), fmt.Errorf("%w: the cycle would reach zero", funnel.ErrOutOfRange))
	case c.Cycle.Valid && kind == Points && step >= c.Cycle.Float64:
		return Tornado{}, chainErr(op, "step", chainFmt(step), fmt.Errorf("%w: the cycle would reach zero", funnel.ErrOutOfRange))
	}
	out := c.output()
	t := Tornado{Base: dec.Cents(revenueOf(out, c.ASP, c.Cycle)), Kind: kind, Step: step, Bars: make([]Bar, c.NumLevers())}
	for l := range t.Bars {
		b := Bar{Lever: l, Name: c.LeverName(l), Kind: c.Kind(l), Elasticity: 1}
		switch b.Kind {
		case Divisor:
			b.Elasticity = -1
			d := c.Cycle.Float64
			lo, hi := d*(1+step), d*(1-step)
			if kind == Points {
				lo, hi = d+step, d-step
			}
			b.Down = dec.Cents(revenueOf(out, c.ASP, funnel.Some(lo)))
			b.Up = dec.Cents(revenueOf(out, c.ASP, funnel.Some(hi)))
		case Rate:
			r := c.Stages[l-1].Rate
			if r == 1 {
				b.Elasticity = 0
			}
			lo, hi := r*(1-step), r*(1+step)
			if kind == Points {
				lo, hi = r-step, r+step
			}
			if hi > 1 {
				hi, b.UpCapped = 1, true
			}
			if lo < 0 {
				lo, b.DownFloored = 0, true
			}
			b.Down = dec.Cents(revenueOf(outWith(c, l, lo), c.ASP, c.Cycle))
			b.Up = dec.Cents(revenueOf(outWith(c, l, hi), c.ASP, c.Cycle))
		default:
			if l == LeverTop {
				v := c.Top
				lo, hi := v*(1-step), v*(1+step)
				if kind == Points {
					lo, hi = v-step, v+step
				}
				if lo < 0 {
					lo, b.DownFloored = 0, true
				}
				if !chainFinite(hi) {
					return Tornado{}, chainErr(op, "step", chainFmt(step), fmt.Errorf("%w: the top passes float64", funnel.ErrOutOfRange))
				}
				b.Down = dec.Cents(revenueOf(outWith(c, l, lo), c.ASP, c.Cycle))
				b.Up = dec.Cents(revenueOf(outWith(c, l, hi), c.ASP, c.Cycle))
				break
			}
			lo, err := newASP(c.ASP, kind, -step)
			if err != nil {
				lo, b.DownFloored = decimal.Zero, true
			}
			hi, err := newASP(c.ASP, kind, step)
			if err != nil {
				return Tornado{}, chainErr(op, "step", chainFmt(step), err)
			}
			b.Down = dec.Cents(revenueOf(out, lo, c.Cycle))
			b.Up = dec.Cents(revenueOf(out, hi, c.Cycle))
		}
		b.Swing = b.Up.Sub(b.Down)
		t.Bars[l] = b
	}
	slices.SortStableFunc(t.Bars, func(a, b Bar) int { return b.Swing.Cmp(a.Swing) })
	return t, nil
}

// outWith returns the end volume of a valid chain with lever l (the top or
// a rate) set to v.
func outWith(c Chain, l int, v float64) float64 {
	out := c.Top
	if l == LeverTop {
		out = v
	}
	for k, s := range c.Stages {
		r := s.Rate
		if l == k+1 {
			r = v
		}
		out *= r
	}
	return out
}
