package velocity

import (
	"math"

	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// MoneyPlaces is the number of decimal places to which money in the
// package's results is rounded, half to even: cents.
const MoneyPlaces = dec.CentPlaces

// Share is one lever's part in the gap between two lever sets.
type Share struct {
	Lever Lever `json:"lever"`
	// LogTerm is ln(X1/X0) for opportunities, win rate and ASP, and
	// −ln(C1/C0) for the cycle, which divides.
	LogTerm float64 `json:"log_term"`
	// Percent is 100 × LogTerm / ln(V1/V0): the four sum to 100 (up to
	// float64 rounding). A share may be negative or above 100 when levers
	// pull in opposite directions. Zero when there is no gap.
	Percent float64 `json:"percent"`
	// Amount is the share of the gap in money per day, Gap × LogTerm /
	// ln(V1/V0), rounded to [MoneyPlaces] except on the largest share, which
	// takes the rounding remainder so that the four sum exactly to Gap.
	Amount decimal.Decimal `json:"amount"`
}

// UnmarshalJSON decodes what encoding/json writes for a share; a failure
// is a *[funnel.InputError] naming the field ("share" for the whole
// document), wrapping [funnel.ErrOutOfRange]. On an error s is unchanged.
func (s *Share) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Share.UnmarshalJSON", "share", s.decode(b))
}

func (s *Share) decode(b []byte) error {
	return decodeObject(s, b, func(v *Share) []field {
		return []field{
			{"lever", option(&v.Lever, LeverCycle)},
			{"log_term", plain(&v.LogTerm)},
			{"percent", plain(&v.Percent)},
			{"amount", amount(&v.Amount)},
		}
	}, nil)
}

// Decomposition splits the gap in velocity between two lever sets into the
// part due to each lever, by the exact identity
//
//	ln(V1/V0) = ln(O1/O0) + ln(W1/W0) + ln(A1/A0) − ln(C1/C0)
//
// Shares is indexed by [Lever]. Velocities and the gap are money per day
// rounded half to even to the cent, and Gap = ToVelocity − FromVelocity.
type Decomposition struct {
	From         Levers           `json:"from"`
	To           Levers           `json:"to"`
	FromVelocity decimal.Decimal  `json:"from_velocity"` // V0, per day, to the cent
	ToVelocity   decimal.Decimal  `json:"to_velocity"`   // V1, per day, to the cent
	Gap          decimal.Decimal  `json:"gap"`           // V1 − V0, per day
	LogRatio     float64          `json:"log_ratio"`     // ln(V1/V0), the sum of the four LogTerms
	NoGap        bool             `json:"no_gap"`        // V1 == V0 to the cent: Percent and Amount are zero
	Shares       [NumLevers]Share `json:"shares"`
	// Largest is the lever with the largest share of the gap in money
	// (the largest |Amount|; the first in [Lever] order on a tie), the
	// lever that explains most of the difference; not Valid (null in
	// JSON) when there is no gap.
	Largest NullLever `json:"largest"`
}

// UnmarshalJSON decodes what encoding/json writes for a decomposition; a
// failure is a *[funnel.InputError] naming its place, such as
// "shares[0].amount" or "from.cycle_days" ("decomposition" for the whole
// document), wrapping [funnel.ErrOutOfRange], or
// [funnel.ErrLengthMismatch] for shares that are not one per lever. On an
// error d is unchanged.
func (d *Decomposition) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Decomposition.UnmarshalJSON", "decomposition", decodeObject(d, b, func(v *Decomposition) []field {
		return []field{
			{"from", v.From.decode},
			{"to", v.To.decode},
			{"from_velocity", amount(&v.FromVelocity)},
			{"to_velocity", amount(&v.ToVelocity)},
			{"gap", amount(&v.Gap)},
			{"log_ratio", plain(&v.LogRatio)},
			{"no_gap", plain(&v.NoGap)},
			{"shares", perLever(&v.Shares, nested[Share])},
			{"largest", nullLever(&v.Largest)},
		}
	}, nil))
}

// logTolerance × the sum of |ln X| over the eight lever values bounds the
// rounding error of a [Decomposition]'s LogRatio: 8 units of 2^-52.
const logTolerance = 8 * 0x1p-52

// Decompose splits the gap V1 − V0 between from (V0) and to (V1) into the
// parts due to each lever (see [Decomposition] and [Share]).
//
// When V1 equals V0 to the cent there is no gap: NoGap is set, every
// Percent and Amount is zero, Largest is not Valid, and the LogTerms are
// still reported. In the rare case where the velocities differ by less
// than float64 can resolve in ln(V1/V0) (|LogRatio| within the rounding
// error of its terms, about 1e-13 for everyday levers), the whole gap goes
// to the lever with the largest |LogTerm| (the first in [Lever] order on a
// tie), with Percent 100, and the other shares are zero.
//
// Errors: those of [Levers.Validate] for either set, and a *[LeverError]
// wrapping [ErrLogZero] when opportunities, win rate or ASP is zero in
// either set; each names the set ("from levers" or "to levers"). Inputs
// are not modified.
func Decompose(from, to Levers) (Decomposition, error) {
	const op = "velocity.Decompose"
	for _, s := range [...]struct {
		side string
		l    Levers
	}{{"from levers", from}, {"to levers", to}} {
		if err := checkSide(op, s.side, s.l); err != nil {
			return Decomposition{}, err
		}
		var zero Lever = -1
		switch {
		case s.l.Opportunities == 0:
			zero = LeverOpportunities
		case s.l.WinRate == 0:
			zero = LeverWinRate
		case s.l.ASP.IsZero():
			zero = LeverASP
		}
		if zero >= 0 {
			return Decomposition{}, &LeverError{Op: op, Input: s.side, Lever: zero, Value: "0", Err: ErrLogZero}
		}
	}
	v0, v1 := dec.Cents(from.bookingsOver(decimal.NewFromInt(1))), dec.Cents(to.bookingsOver(decimal.NewFromInt(1)))
	d := Decomposition{From: from, To: to, FromVelocity: v0, ToVelocity: v1, Gap: v1.Sub(v0)}
	ln0, ln1 := logs(from), logs(to)
	// lnMag bounds the logarithms the terms are differences of; the float64
	// error of their sum is a few units in the last place of lnMag.
	var terms [NumLevers]float64
	var lnMag float64
	for i := range terms {
		terms[i] = ln1[i] - ln0[i]
		lnMag += math.Abs(ln0[i])
		lnMag += math.Abs(ln1[i])
	}
	terms[LeverCycle] = -terms[LeverCycle] // the cycle divides
	largest := LeverOpportunities
	for i, t := range terms {
		d.Shares[i] = Share{Lever: Lever(i), LogTerm: t}
		d.LogRatio += t
		if math.Abs(t) > math.Abs(terms[largest]) {
			largest = Lever(i)
		}
	}
	if d.Gap.IsZero() {
		d.NoGap = true
		return d, nil
	}
	if math.Abs(d.LogRatio) <= logTolerance*lnMag {
		// ln(V1/V0) is below float64's resolution: its sign and size are
		// rounding noise, and dividing by it would give shares of ±10^17%.
		d.Shares[largest].Percent = 100
		d.Shares[largest].Amount = d.Gap
		d.Largest = SomeLever(largest)
		return d, nil
	}
	sum := decimal.Decimal{}
	top := LeverOpportunities
	for i := range d.Shares {
		frac := terms[i] / d.LogRatio
		d.Shares[i].Percent = 100 * frac
		f, _ := dec.FromFloat(frac) // finite: |LogRatio| is above its rounding error
		d.Shares[i].Amount = dec.Cents(d.Gap.Mul(f))
		sum = sum.Add(d.Shares[i].Amount)
		if d.Shares[i].Amount.Abs().GreaterThan(d.Shares[top].Amount.Abs()) {
			top = Lever(i)
		}
	}
	d.Shares[top].Amount = d.Shares[top].Amount.Add(d.Gap.Sub(sum))
	// The remainder, a few cents, may change the order.
	most := LeverOpportunities
	for i := range d.Shares {
		if d.Shares[i].Amount.Abs().GreaterThan(d.Shares[most].Amount.Abs()) {
			most = Lever(i)
		}
	}
	d.Largest = SomeLever(most)
	return d, nil
}

// logs returns the natural logarithms of the four levers, indexed by
// [Lever]; the cycle in nanoseconds.
func logs(l Levers) [NumLevers]float64 {
	return [NumLevers]float64{
		LeverOpportunities: math.Log(l.Opportunities),
		LeverWinRate:       math.Log(l.WinRate),
		LeverASP:           dec.Log(l.ASP),
		LeverCycle:         math.Log(float64(l.Cycle)),
	}
}

// checkSide validates one lever set of a comparison, naming the set.
func checkSide(op, side string, l Levers) error {
	err := l.check(op)
	if le, ok := err.(*LeverError); ok {
		le.Input = side
	}
	return err
}
