package ratios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
)

// StratumRate is one stratum's part of a step: the resolved step of a rep
// (or of the team) among the deals of one stratum, such as one segment or
// one source.
type StratumRate struct {
	Stratum string `json:"stratum"`
	// Rate is the resolved step into the stage among the stratum's deals
	// (see [funnel.Row.Resolved]); 0 of 0 when the rep has none there.
	Rate funnel.Rate `json:"rate"`
	// Share is the stratum's part of the step's resolved trials, Rate.N
	// of the trials over every stratum: the mix of deals the rep worked at
	// this step (for the team, the weight w_s of direct standardization).
	// Null when there are no trials at the step.
	Share funnel.NullFloat64 `json:"share"`
}

// MixStep is one stage of a [RepMix]: the resolved step into the stage,
// raw and standardized to the team's mix, with its part in every stratum.
type MixStep struct {
	Stage string `json:"stage"`
	// Raw is the resolved step into the stage over every stratum, as the
	// rep's own funnel table shows it (see [funnel.Row.Resolved]).
	Raw funnel.Rate `json:"raw"`
	// Standardized is the rep's step at the team's mix,
	//
	//	Σ_s w_s·p_s,  w_s = N_team,s / N_team,  p_s = K_s / N_s
	//
	// over the strata s where the team has trials at the step. It is null
	// when the rep has no trials in one of them (the rep's rate there is
	// unknown, so the rate at the team's mix is too), and when the team
	// has no trials at the step.
	Standardized funnel.NullFloat64 `json:"standardized"`
	// Filled is Standardized with the team's own rate in the strata
	// where the rep has no trials, named in FilledStrata: a documented
	// stand-in, not a measurement. It equals Standardized when
	// FilledStrata is empty, and is null when the rep has no trials at the
	// step at all.
	Filled funnel.NullFloat64 `json:"filled"`
	// FilledStrata lists the strata where the team has trials at the step
	// and the rep has none, in the order of [Mix].Strata; nil (JSON null)
	// when none.
	FilledStrata []string `json:"filled_strata"`
	// Strata holds the step in each stratum, one per [Mix].Strata, in that
	// order.
	Strata []StratumRate `json:"strata"`
}

// RepMix is one rep's steps, raw and at the team's mix.
type RepMix struct {
	Rep string `json:"rep"`
	// Stages has one entry per stage of the funnel; entry k is the step
	// into stage k, as rows of [funnel.Table] are, so entry 0 has no step
	// (zero rates, null values).
	Stages []MixStep `json:"stages"`
}

// Mix is the result of [Standardize]: every rep's resolved steps beside
// the same steps standardized to the team's mix of deals.
type Mix struct {
	// Strata are the distinct stratum values, sorted. A deal without the
	// attribute is in the stratum "", as a [funnel.Tally] groups it.
	Strata []string `json:"strata"`
	// Team is the steps of every group together: its strata's shares are
	// the weights w_s, and its Standardized equals its Raw value (up to
	// rounding).
	Team RepMix `json:"team"`
	// Reps holds one entry per non-blank rep, sorted by rep. Groups whose
	// rep is blank (only white space) count in Team only, as
	// [pipeline.Activity] does.
	Reps []RepMix `json:"reps"`
}

// Standardize compares reps' step conversions at one mix of deals. A rep's
// later-stage rate depends on what reached the earlier stage and what
// deals the rep was given: a rep handed inherited "bluebird" deals, or one
// selling only to small companies, converts more than the same skill would
// on the team's mix. Direct standardization weighs the rep's rate in each
// stratum by the team's share of the step's trials in that stratum,
//
//	standardized_rep = Σ_s w_s·K_rep,s / N_rep,s,  w_s = N_team,s / N_team
//
// where K of N is the resolved step into a stage (the deals of the stage
// before that have had their chance; [funnel.Row.Resolved], under the
// [funnel.Implied] rule) within stratum s. Raw rates weigh the same
// stratum rates by the rep's own mix instead; the two differ only by mix.
// Every step is given in each stratum as well, which is also the split of
// a rep's results by source (self-sourced or handed over) when the stratum
// is the source.
//
// reps are the Counts of a [funnel.Tally] grouped by the rep's attribute
// and then the stratum's, in that order (funnel.NewTally(f, "owner",
// "segment")), so every Key holds [rep, stratum]; groups with the same key
// are added. A rep with no trials in a stratum where the team has some
// has no standardized rate at that step (null), and the documented fill
// [MixStep].Filled says which strata took the team's rate instead; no
// number is given silently.
//
// The inputs are not modified. Errors have Op "ratios.Standardize" and
// name the counts "reps[i]": a *[funnel.InputError] wrapping
// [funnel.ErrEmptyFunnel] for a funnel without stages, [funnel.ErrNoData]
// for no counts, [funnel.ErrIncompatible] for a key that is not [rep,
// stratum], and the errors of [funnel.Sum] (counts of another funnel,
// invalid counts, a sum past an int64); a *[funnel.StageError] wrapping
// [funnel.ErrCountsRise] for counts whose deals still open at a stage
// leave fewer resolved deals than reached the next one.
func Standardize(f funnel.Funnel, reps []funnel.Counts) (Mix, error) {
	const op = "ratios.Standardize"
	if _, err := team(op, f, reps); err != nil {
		return Mix{}, err
	}
	for i, c := range reps {
		if len(c.Key) != 2 {
			return Mix{}, &funnel.InputError{Op: op, Name: fmt.Sprintf("reps[%d].key", i), Value: fmt.Sprintf("%q", c.Key),
				Err: fmt.Errorf("%w: want [rep, stratum], got %d values", funnel.ErrIncompatible, len(c.Key))}
		}
	}
	var strata, names []string
	for _, c := range reps {
		strata = append(strata, c.Key[1])
		if !blank(c.Key[0]) {
			names = append(names, c.Key[0])
		}
	}
	slices.Sort(strata)
	strata = slices.Compact(strata)
	slices.Sort(names)
	names = slices.Compact(names)

	n, ns := f.Len(), len(strata)
	// cells[(r·ns + s)·n + k] is the resolved step into stage k of rep r
	// (the team at r = len(names)) in stratum s, summed over its groups.
	// The sums cannot pass an int64: funnel.Sum checked the team's.
	cells := make([]funnel.Rate, (len(names)+1)*ns*n)
	block := func(r, s int) []funnel.Rate { return cells[(r*ns+s)*n : (r*ns+s+1)*n] }
	for i, c := range reps {
		s, _ := slices.BinarySearch(strata, c.Key[1])
		tm, rp := block(len(names), s), []funnel.Rate(nil)
		if r, ok := slices.BinarySearch(names, c.Key[0]); ok {
			rp = block(r, s)
		}
		for k := 1; k < n; k++ {
			trials := c.Reached[k-1] - c.OpenAt[k-1]
			if c.Reached[k] > trials {
				return Mix{}, &funnel.StageError{Op: op, Input: fmt.Sprintf("reps[%d]", i), Stage: f.Stage(k), Index: k,
					Err: fmt.Errorf("%w: %d reached it of %d resolved at the stage before", funnel.ErrCountsRise, c.Reached[k], trials)}
			}
			tm[k].K += c.Reached[k]
			tm[k].N += trials
			if rp != nil {
				rp[k].K += c.Reached[k]
				rp[k].N += trials
			}
		}
	}
	m := Mix{Strata: strata, Reps: make([]RepMix, len(names))}
	cellsOf := func(r int) func(s int) []funnel.Rate { return func(s int) []funnel.Rate { return block(r, s) } }
	tm := cellsOf(len(names))
	m.Team = mixOf("", f, strata, tm, tm)
	for r, name := range names {
		m.Reps[r] = mixOf(name, f, strata, cellsOf(r), tm)
	}
	return m, nil
}

// blank reports whether a rep's name is empty or only white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// mixOf builds one rep's steps from its stratum cells and the team's:
// rep(s)[k] is the rep's resolved step into stage k in stratum s.
func mixOf(name string, f funnel.Funnel, strata []string, rep, tm func(s int) []funnel.Rate) RepMix {
	rm := RepMix{Rep: name, Stages: make([]MixStep, f.Len())}
	for k := range rm.Stages {
		st := MixStep{Stage: f.Stage(k), Strata: make([]StratumRate, len(strata))}
		var raw, all funnel.Rate
		for s := range strata {
			raw.K += rep(s)[k].K
			raw.N += rep(s)[k].N
			all.N += tm(s)[k].N
		}
		st.Raw = raw
		var std, filled float64
		complete := all.N > 0
		for s, name := range strata {
			c := rep(s)[k]
			st.Strata[s] = StratumRate{Stratum: name, Rate: c}
			if raw.N > 0 {
				st.Strata[s].Share = funnel.Some(float64(c.N) / float64(raw.N))
			}
			t := tm(s)[k]
			if t.N == 0 {
				continue // no weight: the team has no trials here, so neither has the rep
			}
			w := float64(t.N) / float64(all.N)
			if c.N == 0 {
				complete = false
				st.FilledStrata = append(st.FilledStrata, name)
				filled += w * t.Value()
				continue
			}
			std += w * c.Value()
			filled += w * c.Value()
		}
		if complete {
			st.Standardized = funnel.Some(unit(std))
		}
		if raw.N > 0 && all.N > 0 {
			st.Filled = funnel.Some(unit(filled)) // the same sum as std when nothing was filled
		}
		rm.Stages[k] = st
	}
	return rm
}

// unit clamps a weighted mean of rates into [0, 1], which rounding may
// leave by an ulp.
func unit(x float64) float64 { return min(1, max(0, x)) }
