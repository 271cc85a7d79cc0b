package funnel

import "fmt"

// Rate is a proportion kept with its counts: K successes of N trials, such
// as 6 won of 20 proposals. A rate is never a bare float: its counts carry
// the uncertainty that [Rate.Wilson] and [Rate.Jeffreys] report.
//
// The zero Rate is 0 of 0, whose [Rate.Value] is 0 and which is not
// [Rate.Defined].
type Rate struct {
	K int64 `json:"k"` // successes, 0 <= K <= N
	N int64 `json:"n"` // trials
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
