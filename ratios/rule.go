package ratios

import (
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/enum"
)

// Rule is how [Benchmark] scores the reps at a step to choose the
// benchmark, the rep every other rep is compared with there. Every rule
// scores a rep's resolved step ([funnel.Row.Resolved]) and only the reps
// with at least [Options].MinTrials resolved trials at the step. In JSON
// and text a Rule is its name.
type Rule int8

const (
	// RuleShrunk, the default, scores a rep by its empirical-Bayes shrunk
	// resolved rate: with the team's Beta(α, β) prior at the step fitted
	// by [funnel.ShrinkWith] (or stated, [Options].Shrink),
	//
	//	score = (K + α) / (N + α + β)
	//
	// so a rate from few trials is pulled towards the team and one from
	// many trials keeps its own value.
	RuleShrunk Rule = iota
	// RuleWilson scores a rep by the one-sided lower Wilson bound of its
	// resolved rate at [Options].Confidence ([funnel.Rate.LowerBound]),
	// the rate the rep is above with that confidence:
	//
	//	score = (p̂ + z²/2N − z·√(p̂(1 − p̂)/N + z²/4N²)) / (1 + z²/N),  z = Φ⁻¹(Confidence)
	//
	// 3 of 3 scores 0.526 and 45 of 60 scores 0.649 at 95%.
	RuleWilson
	// RuleRaw scores a rep by its raw resolved rate K/N; only
	// [Options].MinTrials protects it from small samples.
	RuleRaw
)

// lastRule is the largest Rule.
const lastRule = RuleRaw

// String returns "shrunk", "wilson-lower" or "raw".
func (r Rule) String() string {
	switch r {
	case RuleShrunk:
		return "shrunk"
	case RuleWilson:
		return "wilson-lower"
	case RuleRaw:
		return "raw"
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}

// MarshalText encodes the rule as its [Rule.String]; a value out of range
// is a *[funnel.InputError] naming "rule" that wraps
// [funnel.ErrOutOfRange].
func (r Rule) MarshalText() ([]byte, error) {
	b, ok := enum.Text(r, lastRule)
	if !ok {
		return nil, &funnel.InputError{Op: "ratios", Name: "rule", Value: strconv.Itoa(int(r)), Err: funnel.ErrOutOfRange}
	}
	return b, nil
}

// UnmarshalText decodes a name written by [Rule.MarshalText]; anything
// else is a *[funnel.InputError] naming "rule" that wraps
// [funnel.ErrOutOfRange], and r is left as it was.
func (r *Rule) UnmarshalText(b []byte) error {
	v, ok := enum.Parse(b, lastRule)
	if !ok {
		return &funnel.InputError{Op: "ratios", Name: "rule", Value: strconv.Quote(string(b)), Err: funnel.ErrOutOfRange}
	}
	*r = v
	return nil
}
