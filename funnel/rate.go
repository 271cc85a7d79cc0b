package funnel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Rate is a proportion kept with its counts: K successes of N trials, such
// as 6 won of 20 proposals. A rate is never a bare float: its counts carry
// the uncertainty that [Rate.Wilson] and [Rate.Jeffreys] report.
//
// The zero Rate is 0 of 0, whose [Rate.Value] is 0 and which is not
// [Rate.Defined]. In JSON a rate is {"k": 6, "n": 20, "value": 0.3}, with
// a null value when it has no trials.
type Rate struct {
	K int64 // successes, 0 <= K <= N
	N int64 // trials
}

// NewRate returns K of N after checking it. It returns a *[InputError]
// wrapping [ErrNegativeCount] when k or n is negative and [ErrKExceedsN]
// when k > n.
func NewRate(k, n int64) (Rate, error) {
	switch {
	case n < 0:
		return Rate{}, countErr("n", n, ErrNegativeCount)
	case k < 0:
		return Rate{}, countErr("k", k, ErrNegativeCount)
	case k > n:
		return Rate{}, &InputError{Name: "k", Value: fmt.Sprintf("%d of %d", k, n), Err: ErrKExceedsN}
	}
	return Rate{K: k, N: n}, nil
}

// Value returns K/N, or 0 when N is 0 (see [Rate.Defined]).
func (r Rate) Value() float64 {
	if r.N <= 0 {
		return 0
	}
	return float64(r.K) / float64(r.N)
}

// Defined reports whether the rate has at least one trial.
func (r Rate) Defined() bool { return r.N > 0 }

// Null returns the value as a [NullFloat64], not Valid when the rate has
// no trials.
func (r Rate) Null() NullFloat64 { return NullFloat64{Float64: r.Value(), Valid: r.Defined()} }

// valid reports whether 0 <= K <= N.
func (r Rate) valid() error {
	_, err := NewRate(r.K, r.N)
	return err
}

// String formats the rate as "K/N (P%)" with one decimal of percent, or
// "0/0" when it has no trials.
func (r Rate) String() string {
	if r.N <= 0 {
		return fmt.Sprintf("%d/%d", r.K, r.N)
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", r.K, r.N, 100*r.Value())
}

// rateJSON is the encoded form of a Rate.
type rateJSON struct {
	K     int64       `json:"k"`
	N     int64       `json:"n"`
	Value NullFloat64 `json:"value"`
}

// MarshalJSON encodes the rate as {"k", "n", "value"}, value null when N
// is 0.
func (r Rate) MarshalJSON() ([]byte, error) {
	return json.Marshal(rateJSON{K: r.K, N: r.N, Value: r.Null()})
}

// UnmarshalJSON decodes {"k", "n"} (a "value" is derived and ignored) and
// checks the counts as [NewRate] does. A document of another shape is an
// error wrapping [ErrOutOfRange]. As encoding/json does, null leaves r
// unchanged.
func (r *Rate) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var j rateJSON
	if err := decodeJSON(b, &j, "rate"); err != nil {
		return err
	}
	v, err := NewRate(j.K, j.N)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Ratio is a quotient kept with its parts, such as 42 touches over 6 won
// deals or 3 follow-up meetings per initial meeting. Unlike a [Rate] it
// may exceed 1, and its parts are counts of different things.
//
// The zero Ratio is 0 over 0, which is not [Ratio.Defined]. In JSON a
// ratio is {"num": 42, "den": 6, "value": 7}, with a null value when Den
// is 0.
type Ratio struct {
	Num int64 // numerator, >= 0
	Den int64 // denominator, >= 0
}

// NewRatio returns num over den after checking that neither is negative;
// otherwise it returns a *[InputError] wrapping [ErrNegativeCount].
func NewRatio(num, den int64) (Ratio, error) {
	switch {
	case num < 0:
		return Ratio{}, countErr("num", num, ErrNegativeCount)
	case den < 0:
		return Ratio{}, countErr("den", den, ErrNegativeCount)
	}
	return Ratio{Num: num, Den: den}, nil
}

// Value returns Num/Den, or 0 when Den is 0 (see [Ratio.Defined]).
func (r Ratio) Value() float64 {
	if r.Den <= 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Defined reports whether the ratio has a positive denominator.
func (r Ratio) Defined() bool { return r.Den > 0 }

// Null returns the value as a [NullFloat64], not Valid when Den is 0.
func (r Ratio) Null() NullFloat64 { return NullFloat64{Float64: r.Value(), Valid: r.Defined()} }

// String formats the ratio as "Num/Den (V)" with two decimals, or "Num/0"
// when it is not defined.
func (r Ratio) String() string {
	if r.Den <= 0 {
		return fmt.Sprintf("%d/%d", r.Num, r.Den)
	}
	return fmt.Sprintf("%d/%d (%.2f)", r.Num, r.Den, r.Value())
}

type ratioJSON struct {
	Num   int64       `json:"num"`
	Den   int64       `json:"den"`
	Value NullFloat64 `json:"value"`
}

// MarshalJSON encodes the ratio as {"num", "den", "value"}, value null
// when Den is 0.
func (r Ratio) MarshalJSON() ([]byte, error) {
	return json.Marshal(ratioJSON{Num: r.Num, Den: r.Den, Value: r.Null()})
}

// UnmarshalJSON decodes {"num", "den"} (a "value" is derived and ignored)
// and checks them as [NewRatio] does. As encoding/json does, null leaves r
// unchanged.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var j ratioJSON
	if err := decodeJSON(b, &j, "ratio"); err != nil {
		return err
	}
	v, err := NewRatio(j.Num, j.Den)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// NullFloat64 is a float64 that may be undefined, such as the mean of no
// observations or a share of zero. It is the module's one convention for
// an undefined figure: in JSON it is the number, or null when not Valid,
// as [decimal.NullDecimal] is for money. A Valid value is always finite.
type NullFloat64 struct {
	Float64 float64
	Valid   bool // Valid is true when Float64 holds a value
}

// Some returns v as a Valid NullFloat64.
func Some(v float64) NullFloat64 { return NullFloat64{Float64: v, Valid: true} }

// String formats the value with strconv's shortest 'g' form, or "null".
func (n NullFloat64) String() string {
	if !n.Valid {
		return "null"
	}
	return strconv.FormatFloat(n.Float64, 'g', -1, 64)
}

// MarshalJSON encodes the value, or null when it is not Valid.
func (n NullFloat64) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.Float64)
}

// UnmarshalJSON decodes a number, or null as not Valid. Anything else is a
// *[InputError] wrapping [ErrOutOfRange].
func (n *NullFloat64) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*n = NullFloat64{}
		return nil
	}
	var v float64
	if err := decodeJSON(b, &v, "number"); err != nil {
		return err
	}
	*n = Some(v)
	return nil
}

// isNull reports whether b is the JSON null, with surrounding space.
func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }
