package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// covFunnel is the funnel of the coverage tests: Lead 0, Qualified 1,
// Proposal 2, Won 3.
var covFunnel = funnel.MustNew("Lead", "Qualified", "Proposal", "Won")

// covDate is a day of 2025 at midnight UTC.
func covDate(month time.Month, day int) time.Time {
	return time.Date(2025, month, day, 0, 0, 0, 0, time.UTC)
}

func covMoney(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

func covEv(stage int, month time.Month, day int) funnel.Event {
	return funnel.Event{Stage: stage, At: covDate(month, day)}
}

// The quota period of the hand-worked case is Q2 2025, [1 April, 1 July),
// seen on 15 May.
var (
	covFrom = covDate(time.April, 1)
	covTo   = covDate(time.July, 1)
	covAt   = covDate(time.May, 15)
)

// covDeals are ann's six deals and bob's four closed ones, as they stand
// today (after 15 May):
//
//	A1 ann won 10 Apr (in the period)                 30,000
//	A2 ann open, Proposal since 1 May, close 10 Jun   40,000  CRM "60"
//	A3 ann open, Qualified since 20 Apr, close 30 May 25,000  CRM "30%"
//	A4 ann won 1 Jun: Lead on 1 Apr, Qualified 20 May,
//	   Proposal 25 May; close 20 Jun                  10,000  CRM "10"
//	A5 ann open, Proposal since 10 May, close 15 Aug  50,000  CRM "70"
//	A6 ann lost 1 May after Qualified                 20,000
//	H1 bob won 10 Feb; H2 lost at Lead, H3 at Qualified, H4 at Proposal, in March
//
// On 15 May, A4 was open at Lead: its later stages and win are not known
// then.
func covDeals() []funnel.Deal {
	crm := func(p string) map[string]string { return map[string]string{"probability": p} }
	return []funnel.Deal{
		{ID: "A1", Owner: "ann", Amount: covMoney("30000"), Outcome: funnel.Won, Closed: covDate(time.April, 10),
			Events: []funnel.Event{covEv(0, time.February, 1), covEv(1, time.February, 20), covEv(2, time.March, 15), covEv(3, time.April, 10)}},
		{ID: "A2", Owner: "ann", Amount: covMoney("40000"), ExpectedClose: covDate(time.June, 10), Attrs: crm("60"),
			Events: []funnel.Event{covEv(0, time.March, 1), covEv(1, time.April, 1), covEv(2, time.May, 1)}},
		{ID: "A3", Owner: "ann", Amount: covMoney("25000"), ExpectedClose: covDate(time.May, 30), Attrs: crm("30%"),
			Events: []funnel.Event{covEv(0, time.March, 1), covEv(1, time.April, 20)}},
		{ID: "A4", Owner: "ann", Amount: covMoney("10000"), ExpectedClose: covDate(time.June, 20), Attrs: crm("10"),
			Outcome: funnel.Won, Closed: covDate(time.June, 1),
			Events: []funnel.Event{covEv(0, time.April, 1), covEv(1, time.May, 20), covEv(2, time.May, 25), covEv(3, time.June, 1)}},
		{ID: "A5", Owner: "ann", Amount: covMoney("50000"), ExpectedClose: covDate(time.August, 15), Attrs: crm("70"),
			Events: []funnel.Event{covEv(0, time.March, 10), covEv(1, time.April, 5), covEv(2, time.May, 10)}},
		{ID: "A6", Owner: "ann", Amount: covMoney("20000"), Outcome: funnel.Lost, Closed: covDate(time.May, 1),
			Events: []funnel.Event{covEv(0, time.March, 1), covEv(1, time.March, 20)}},
		{ID: "H1", Owner: "bob", Amount: covMoney("100"), Outcome: funnel.Won, Closed: covDate(time.February, 10),
			Events: []funnel.Event{covEv(0, time.January, 2), covEv(1, time.January, 10), covEv(2, time.January, 20), covEv(3, time.February, 10)}},
		{ID: "H2", Owner: "bob", Amount: covMoney("100"), Outcome: funnel.Lost, Closed: covDate(time.March, 5),
			Events: []funnel.Event{covEv(0, time.January, 5)}},
		{ID: "H3", Owner: "bob", Amount: covMoney("100"), Outcome: funnel.Lost, Closed: covDate(time.March, 6),
			Events: []funnel.Event{covEv(0, time.January, 5), covEv(1, time.February, 1)}},
		{ID: "H4", Owner: "bob", Amount: covMoney("100"), Outcome: funnel.Lost, Closed: covDate(time.March, 7),
			Events: []funnel.Event{covEv(0, time.January, 5), covEv(1, time.February, 1), covEv(2, time.February, 15)}},
	}
}

// covRules: commit is Proposal or later, closing in the period, measured
// P(win) at least 0.6; best case is Qualified or later, closing in the
// period, CRM probability at least 25%; pipeline is a CRM probability of
// at least 60%, any close date.
func covRules() pipeline.CategoryRules {
	return pipeline.CategoryRules{
		Commit:   &pipeline.CategoryRule{MinStage: "Proposal", InPeriod: true, MinProbability: 0.6},
		BestCase: &pipeline.CategoryRule{MinStage: "Qualified", InPeriod: true, MinProbability: 0.25, CRM: true},
		Pipeline: &pipeline.CategoryRule{MinProbability: 0.6, CRM: true},
	}
}

func covOptions() pipeline.CoverageOptions {
	return pipeline.CoverageOptions{
		Quotas:      map[string]decimal.Decimal{"ann": decimal.RequireFromString("150000")},
		Probability: "probability",
		Rules:       covRules(),
	}
}

func pv(deals, priced int, amount string) pipeline.PipelineValue {
	return pipeline.PipelineValue{Deals: deals, Priced: priced, Unpriced: deals - priced, Amount: decimal.RequireFromString(amount)}
}

func nd(s string) decimal.NullDecimal { return covMoney(s) }

func cats(v ...pipeline.PipelineValue) []pipeline.CategoryValue {
	out := make([]pipeline.CategoryValue, len(v))
	for i := range v {
		out[i] = pipeline.CategoryValue{Category: pipeline.Category(i), PipelineValue: v[i]}
	}
	return out
}

var covCmp = []cmp.Option{
	cmpopts.EquateApprox(0, 1e-12),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
}

// TestCoverageHand works ann's six deals by hand.
//
// Stage win probabilities, from the deals closed by 15 May (A1 and H1
// won; A6, H2, H3, H4 lost; A4 won later, so not closed then), by the
// furthest stage each reached (implied):
//
//	Lead      reached by A1 H1 A6 H2 H3 H4 = 6, won 2: 2/6
//	Qualified reached by A1 H1 A6 H3 H4    = 5, won 2: 2/5
//	Proposal  reached by A1 H1 H4          = 3, won 2: 2/3
//	Won       reached by A1 H1             = 2, won 2: 2/2
//
// ann, quota 150,000:
//
//	won 1 Apr–15 May: A1 = 30,000;  to go = 150,000 − 30,000 = 120,000
//	open on 15 May: A2 40,000 (Proposal), A3 25,000 (Qualified),
//	  A4 10,000 (Lead: Qualified only on 20 May), A5 50,000 (Proposal)
//	  = 125,000
//	closing in [1 Apr, 1 Jul): A2, A3, A4 = 75,000 (A5 closes in August)
//	coverage = 75,000 / 120,000 = 0.625
//	by stage: Lead 10,000/120,000 = 0.083333…, Qualified 25,000/120,000
//	  = 0.208333…, Proposal 40,000/120,000 = 0.333333…
//	weighted = 10,000 × 2/6 + 25,000 × 2/5 + 40,000 × 2/3
//	         = 3,333.33… + 10,000 + 26,666.66… = 40,000.00
//	CRM weighted = 40,000 × 0.60 + 25,000 × 0.30 + 10,000 × 0.10
//	             = 24,000 + 7,500 + 1,000 = 32,500
//	categories:
//	  A2 Proposal, in period, P 2/3 ≥ 0.6                → commit    40,000
//	  A3 Qualified, in period, CRM 0.30 ≥ 0.25           → best case 25,000
//	  A5 fails commit and best case (August), CRM 0.70 ≥ 0.6 → pipeline 50,000
//	  A4 Lead (not commit, not best case), CRM 0.10 < 0.6 → omitted  10,000
//
// bob has no quota and no open deal; the team is ann plus bob, with
// ann's quota.
func TestCoverageHand(t *testing.T) {
	third := 1.0 / 3
	ann := pipeline.RepCoverage{
		Rep: "ann", Quota: nd("150000"),
		Won: pv(1, 1, "30000"), ToGo: nd("120000"),
		Open: pv(4, 4, "125000"), Pipeline: pv(3, 3, "75000"),
		Coverage: funnel.Some(0.625),
		ByStage: []pipeline.StageCoverage{
			{Stage: 0, StageName: "Lead", Pipeline: pv(1, 1, "10000"), Coverage: funnel.Some(10000.0 / 120000), Weighted: nd("3333.33")},
			{Stage: 1, StageName: "Qualified", Pipeline: pv(1, 1, "25000"), Coverage: funnel.Some(25000.0 / 120000), Weighted: nd("10000")},
			{Stage: 2, StageName: "Proposal", Pipeline: pv(1, 1, "40000"), Coverage: funnel.Some(third), Weighted: nd("26666.67")},
		},
		Weighted:    nd("40000"),
		CRMWeighted: nd("32500"),
		Categories:  cats(pv(1, 1, "40000"), pv(1, 1, "25000"), pv(1, 1, "50000"), pv(1, 1, "10000")),
	}
	bob := pipeline.RepCoverage{
		Rep: "bob", Won: pv(0, 0, "0"), Open: pv(0, 0, "0"), Pipeline: pv(0, 0, "0"),
		ByStage: []pipeline.StageCoverage{
			{Stage: 0, StageName: "Lead", Pipeline: pv(0, 0, "0"), Weighted: nd("0")},
			{Stage: 1, StageName: "Qualified", Pipeline: pv(0, 0, "0"), Weighted: nd("0")},
			{Stage: 2, StageName: "Proposal", Pipeline: pv(0, 0, "0"), Weighted: nd("0")},
		},
		Weighted: nd("0"), CRMWeighted: nd("0"),
		Categories: cats(pv(0, 0, "0"), pv(0, 0, "0"), pv(0, 0, "0"), pv(0, 0, "0")),
	}
	team := ann
	team.Rep = ""
	want := pipeline.CoverageReport{
		At: covAt, From: covFrom, To: covTo,
		StageWin: []funnel.Rate{{K: 2, N: 6}, {K: 2, N: 5}, {K: 2, N: 3}, {K: 2, N: 2}},
		Team:     team,
		Reps:     []pipeline.RepCoverage{ann, bob},
	}
	deals := covDeals()
	before := covClone(deals)
	opts := covOptions()
	got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), covAt, covFrom, covTo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, covCmp...); diff != "" {
		t.Errorf("Coverage(hand) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, deals); diff != "" {
		t.Errorf("Coverage modified its deals (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(covOptions(), opts, covCmp...); diff != "" {
		t.Errorf("Coverage modified its options (-before +after):\n%s", diff)
	}
}

// TestCoverageQuotaMet: once won so far reaches the quota, nothing is to
// go and coverage is undefined (null), not infinite or zero.
func TestCoverageQuotaMet(t *testing.T) {
	for _, tc := range []struct {
		name, quota string
		toGo        string
		met         bool
		coverage    funnel.NullFloat64
	}{
		// 75,000 / (100,000 − 30,000) = 1.0714285714…
		{"short", "100000", "70000", false, funnel.Some(75000.0 / 70000)},
		// 30,000 − 30,000 = 0: met exactly.
		{"met exactly", "30000", "0", true, funnel.NullFloat64{}},
		// 30,000 − 25,000 < 0: met, to go is 0, not negative.
		{"exceeded", "25000", "0", true, funnel.NullFloat64{}},
		// A zero quota is met from the start.
		{"zero quota", "0", "0", true, funnel.NullFloat64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := covOptions()
			opts.Quotas = map[string]decimal.Decimal{"ann": decimal.RequireFromString(tc.quota)}
			got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(covDeals()), covAt, covFrom, covTo, opts)
			if err != nil {
				t.Fatal(err)
			}
			ann := got.Reps[0]
			if !ann.ToGo.Decimal.Equal(decimal.RequireFromString(tc.toGo)) || ann.Met != tc.met {
				t.Errorf("to go %v met %v, want %s %v", ann.ToGo, ann.Met, tc.toGo, tc.met)
			}
			if diff := cmp.Diff(tc.coverage, ann.Coverage, covCmp...); diff != "" {
				t.Errorf("Coverage mismatch (-want +got):\n%s", diff)
			}
			for _, s := range ann.ByStage {
				if s.Coverage.Valid != tc.coverage.Valid {
					t.Errorf("stage %s coverage %v, want valid=%v", s.StageName, s.Coverage, tc.coverage.Valid)
				}
			}
		})
	}
}

// TestCoverageDefaultQuotaAndGroups: the default quota applies to every
// rep with a deal, the team's quota is the sum, a blank rep counts in the
// team only, and grouping by another attribute works.
func TestCoverageDefaultQuotaAndGroups(t *testing.T) {
	deals := covDeals()
	deals = append(deals, funnel.Deal{ID: "N1", Amount: covMoney("5000"), ExpectedClose: covDate(time.June, 1),
		Events: []funnel.Event{covEv(0, time.May, 2)}})
	opts := pipeline.CoverageOptions{Quota: covMoney("50000")}
	got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), covAt, covFrom, covTo, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Team quota = ann 50,000 + bob 50,000 = 100,000; to go 100,000 −
	// 30,000 = 70,000; pipeline 75,000 + N1 5,000 = 80,000; coverage
	// 80,000 / 70,000.
	if got.NoRep != 1 || !got.Team.Quota.Decimal.Equal(decimal.NewFromInt(100000)) || got.Team.Pipeline.Deals != 4 {
		t.Errorf("team %+v, no rep %d", got.Team, got.NoRep)
	}
	if diff := cmp.Diff(funnel.Some(80000.0/70000), got.Team.Coverage, covCmp...); diff != "" {
		t.Errorf("team coverage mismatch (-want +got):\n%s", diff)
	}
	// No category rules: every open deal is omitted.
	if c := got.Team.Categories[pipeline.CategoryOmitted]; c.Deals != got.Team.Open.Deals || c.Deals != 5 {
		t.Errorf("omitted %+v, open %+v", c, got.Team.Open)
	}
	// No probability attribute: no CRM figure.
	if got.Team.CRMWeighted.Valid {
		t.Errorf("CRM weighted %v without a probability attribute", got.Team.CRMWeighted)
	}
	// By segment: the deals of segment "x" only.
	for i := range deals {
		if deals[i].ID == "A2" {
			deals[i].Segment = "x"
		}
	}
	got, err = pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), covAt, covFrom, covTo, pipeline.CoverageOptions{GroupBy: funnel.AttrSegment})
	if err != nil {
		t.Fatal(err)
	}
	// All 11 deals started by 15 May; only A2 is in segment "x", so the
	// other 10 have a blank rep.
	if len(got.Reps) != 1 || got.Reps[0].Rep != "x" || got.Reps[0].Open.Deals != 1 || got.NoRep != 10 {
		t.Errorf("by segment: %+v, no rep %d", got.Reps, got.NoRep)
	}
}

// TestCoverageNextPeriod: seen before the period starts, nothing is won
// yet and the whole quota is to go.
func TestCoverageNextPeriod(t *testing.T) {
	at := covDate(time.March, 31)
	got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(covDeals()), at, covFrom, covTo, covOptions())
	if err != nil {
		t.Fatal(err)
	}
	ann := got.Reps[0]
	// On 31 March: A1 (won 10 April), A2, A3, A5, A6 (lost 1 May) are
	// open; A4 starts on 1 April. Closing in Q2: A2 and A3 = 65,000; A1
	// and A6 have no expected close. Coverage 65,000 / 150,000.
	if ann.Won.Deals != 0 || !ann.ToGo.Decimal.Equal(decimal.NewFromInt(150000)) || ann.Open.Deals != 5 || ann.NoExpectedClose != 2 {
		t.Errorf("ann on 31 March: %+v", ann)
	}
	if diff := cmp.Diff(funnel.Some(65000.0/150000), ann.Coverage, covCmp...); diff != "" {
		t.Errorf("coverage mismatch (-want +got):\n%s", diff)
	}
}

// TestCoverageUndefinedStageWin: with no deal closed by the date, the
// stage win probabilities are undefined, so the weighted pipeline is null
// and a rule on the measured probability matches nothing.
func TestCoverageUndefinedStageWin(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "X", Owner: "ann", Amount: covMoney("100"), ExpectedClose: covDate(time.May, 20), Events: []funnel.Event{covEv(1, time.May, 1)}},
		{ID: "Y", Owner: "ann", ExpectedClose: covDate(time.May, 20), Events: []funnel.Event{covEv(0, time.May, 1)}},
	}
	opts := pipeline.CoverageOptions{Rules: pipeline.CategoryRules{
		Commit:   &pipeline.CategoryRule{MinProbability: 0.1},
		BestCase: &pipeline.CategoryRule{MinStage: "Lead"},
	}}
	got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), covAt, covFrom, covTo, opts)
	if err != nil {
		t.Fatal(err)
	}
	ann := got.Reps[0]
	if ann.Weighted.Valid || ann.ByStage[1].Weighted.Valid || !ann.ByStage[0].Weighted.Valid {
		// Stage 0 holds only Y, which has no amount: nothing to weight, so 0.
		t.Errorf("weighted %v, by stage %+v", ann.Weighted, ann.ByStage)
	}
	// X and Y both fail commit (no probability) and meet best case.
	if diff := cmp.Diff(cats(pv(0, 0, "0"), pv(2, 1, "100"), pv(0, 0, "0"), pv(0, 0, "0")), ann.Categories, covCmp...); diff != "" {
		t.Errorf("categories mismatch (-want +got):\n%s", diff)
	}
	if ann.Pipeline.Unpriced != 1 || ann.Coverage.Valid {
		t.Errorf("pipeline %+v coverage %v", ann.Pipeline, ann.Coverage)
	}
}

// TestCoverageCRMScale reads a fraction column and counts the priced
// deals without a value.
func TestCoverageCRMScale(t *testing.T) {
	deals := []funnel.Deal{
		{ID: "X", Owner: "ann", Amount: covMoney("1000"), ExpectedClose: covDate(time.May, 20), Attrs: map[string]string{"p": "0.25"}, Events: []funnel.Event{covEv(1, time.May, 1)}},
		{ID: "Y", Owner: "ann", Amount: covMoney("500"), ExpectedClose: covDate(time.May, 20), Attrs: map[string]string{"p": " "}, Events: []funnel.Event{covEv(0, time.May, 1)}},
		{ID: "Z", Owner: "ann", Amount: covMoney("300"), ExpectedClose: covDate(time.May, 21), Attrs: map[string]string{"p": "1"}, Events: []funnel.Event{covEv(0, time.May, 1)}},
	}
	got, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), covAt, covFrom, covTo,
		pipeline.CoverageOptions{Probability: "p", ProbabilityScale: pipeline.ProbabilityFraction})
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 × 0.25 + 300 × 1 = 550; Y has no value.
	if ann := got.Reps[0]; !ann.CRMWeighted.Decimal.Equal(decimal.NewFromInt(550)) || ann.NoProbability != 1 {
		t.Errorf("CRM weighted %v, no probability %d; want 550, 1", ann.CRMWeighted, ann.NoProbability)
	}
}

// TestCoverageCancel: a cancelled context stops the read.
func TestCoverageCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pipeline.Coverage(ctx, covFunnel, funnel.Stream(covDeals()), covAt, covFrom, covTo, covOptions())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestCoverageStreamError: the stream's own error comes back as it is.
func TestCoverageStreamError(t *testing.T) {
	boom := errors.New("boom")
	deals := func(yield func(funnel.Deal, error) bool) {
		if !yield(covDeals()[0], nil) {
			return
		}
		yield(funnel.Deal{}, boom)
	}
	if _, err := pipeline.Coverage(context.Background(), covFunnel, deals, covAt, covFrom, covTo, covOptions()); err != boom {
		t.Errorf("err = %v, want the stream's own", err)
	}
}

// TestCoverageErrors is the bad-input table: each error names what and
// where and wraps its sentinel.
func TestCoverageErrors(t *testing.T) {
	withDeal := func(mod func(*funnel.Deal)) []funnel.Deal {
		ds := covDeals()
		mod(&ds[1]) // A2, open at 15 May
		return ds
	}
	opt := func(mod func(*pipeline.CoverageOptions)) pipeline.CoverageOptions {
		o := covOptions()
		mod(&o)
		return o
	}
	nan := math.NaN()
	for _, tc := range []struct {
		name         string
		f            funnel.Funnel
		deals        []funnel.Deal
		at, from, to time.Time
		opts         pipeline.CoverageOptions
		want         error
		place        string // the InputError's Name or the DealError's ID
	}{
		{"empty funnel", funnel.Funnel{}, nil, covAt, covFrom, covTo, covOptions(), funnel.ErrEmptyFunnel, "funnel"},
		{"one stage", funnel.MustNew("Won"), nil, covAt, covFrom, covTo, covOptions(), funnel.ErrOutOfRange, "funnel"},
		{"zero at", covFunnel, nil, time.Time{}, covFrom, covTo, covOptions(), funnel.ErrZeroDate, "at"},
		{"zero from", covFunnel, nil, covAt, time.Time{}, covTo, covOptions(), funnel.ErrZeroDate, "from"},
		{"year 10000", covFunnel, nil, covAt, covFrom, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), covOptions(), funnel.ErrZeroDate, "to"},
		{"to before from", covFunnel, nil, covAt, covTo, covFrom, covOptions(), funnel.ErrDateOrder, "to"},
		{"at the end", covFunnel, nil, covTo, covFrom, covTo, covOptions(), funnel.ErrDateOrder, "at"},
		{"negative quota", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Quotas["bob"] = decimal.NewFromInt(-1)
		}), funnel.ErrNegativeAmount, `Quotas["bob"]`},
		{"default quota out of range", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Quota = covMoney("1e40")
		}), funnel.ErrOutOfRange, "Quota"},
		{"scale", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.ProbabilityScale = 7
		}), funnel.ErrOutOfRange, "ProbabilityScale"},
		{"unknown min stage", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Rules.BestCase.MinStage = "Demo"
		}), funnel.ErrUnknownStage, "Rules.BestCase.MinStage"},
		{"NaN probability", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Rules.Commit.MinProbability = nan
		}), funnel.ErrNotFinite, "Rules.Commit.MinProbability"},
		{"probability 60", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Rules.Pipeline.MinProbability = 60
		}), funnel.ErrRateRange, "Rules.Pipeline.MinProbability"},
		{"CRM rule without attribute", covFunnel, nil, covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.Probability = ""
		}), funnel.ErrNoData, "Rules.BestCase.CRM"},
		{"invalid deal", covFunnel, withDeal(func(d *funnel.Deal) { d.Events[0].Stage = 9 }), covAt, covFrom, covTo, covOptions(), funnel.ErrUnknownStage, "A2"},
		{"deal date", covFunnel, withDeal(func(d *funnel.Deal) { d.ExpectedClose = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), covAt, covFrom, covTo, covOptions(), funnel.ErrZeroDate, "A2"},
		{"CRM 120", covFunnel, withDeal(func(d *funnel.Deal) { d.Attrs["probability"] = "120" }), covAt, covFrom, covTo, covOptions(), funnel.ErrRateRange, "A2"},
		{"CRM negative", covFunnel, withDeal(func(d *funnel.Deal) { d.Attrs["probability"] = "-5%" }), covAt, covFrom, covTo, covOptions(), funnel.ErrRateRange, "A2"},
		{"CRM 60 as a fraction", covFunnel, covDeals(), covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.ProbabilityScale = pipeline.ProbabilityFraction
		}), funnel.ErrRateRange, "A2"},
		{"CRM % as a fraction", covFunnel, withDeal(func(d *funnel.Deal) { d.Attrs["probability"] = "0.5%" }), covAt, covFrom, covTo, opt(func(o *pipeline.CoverageOptions) {
			o.ProbabilityScale = pipeline.ProbabilityFraction
		}), funnel.ErrOutOfRange, "A2"},
		{"CRM not a number", covFunnel, withDeal(func(d *funnel.Deal) { d.Attrs["probability"] = "high" }), covAt, covFrom, covTo, covOptions(), funnel.ErrOutOfRange, "A2"},
		{"CRM NaN", covFunnel, withDeal(func(d *funnel.Deal) { d.Attrs["probability"] = "NaN" }), covAt, covFrom, covTo, covOptions(), funnel.ErrOutOfRange, "A2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.Coverage(context.Background(), tc.f, funnel.Stream(tc.deals), tc.at, tc.from, tc.to, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ie *funnel.InputError
			var de *funnel.DealError
			switch {
			case errors.As(err, &ie):
				if ie.Op != "pipeline.Coverage" || ie.Name != tc.place {
					t.Errorf("InputError op %q name %q, want pipeline.Coverage %q: %v", ie.Op, ie.Name, tc.place, err)
				}
			case errors.As(err, &de):
				if de.Op != "pipeline.Coverage" || de.ID != tc.place {
					t.Errorf("DealError op %q id %q, want pipeline.Coverage %q: %v", de.Op, de.ID, tc.place, err)
				}
			default:
				t.Errorf("error %T %v is neither an InputError nor a DealError", err, err)
			}
		})
	}
}

// TestCategoryText: the category names round-trip through text and an
// unknown one is an error.
func TestCategoryText(t *testing.T) {
	for c := pipeline.CategoryCommit; c <= pipeline.CategoryOmitted; c++ {
		b, err := c.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back pipeline.Category
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("%v: round trip gave %v, %v", c, back, err)
		}
	}
	var c pipeline.Category
	if err := c.UnmarshalText([]byte("upside")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("unknown category: %v", err)
	}
	if _, err := pipeline.Category(9).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("category 9: %v", err)
	}
	var s pipeline.ProbabilityScale
	if err := s.UnmarshalText([]byte("fraction")); err != nil || s != pipeline.ProbabilityFraction {
		t.Errorf("fraction: %v %v", s, err)
	}
	if err := s.UnmarshalText([]byte("per mille")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("unknown scale: %v", err)
	}
}

func covClone(ds []funnel.Deal) []funnel.Deal {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Events = slices.Clone(ds[i].Events)
		out[i].Attrs = maps.Clone(ds[i].Attrs)
	}
	return out
}

// covRandom returns n random deals of covFunnel over 2025 with owners
// a, b, c or none, CRM probabilities and expected closes.
func covRandom(r *rand.Rand, n int) []funnel.Deal {
	base := covDate(time.January, 1)
	deals := make([]funnel.Deal, n)
	for i := range deals {
		start := r.IntN(300)
		d := funnel.Deal{ID: fmt.Sprint("D", i), Owner: []string{"a", "b", "c", ""}[r.IntN(4)]}
		if r.IntN(5) > 0 {
			d.Amount = covMoney(fmt.Sprint(r.IntN(100000)))
		}
		if r.IntN(4) > 0 {
			d.ExpectedClose = base.AddDate(0, 0, start+r.IntN(200))
		}
		if r.IntN(3) > 0 {
			d.Attrs = map[string]string{"p": fmt.Sprint(r.IntN(101))}
		}
		t := start
		for k := 0; k < covFunnel.Len()-1; k++ {
			at := base.AddDate(0, 0, t)
			if r.IntN(8) == 0 {
				at = time.Time{} // an event without a time
			}
			d.Events = append(d.Events, funnel.Event{Stage: k, At: at})
			t += r.IntN(30)
			if r.IntN(3) == 0 {
				break
			}
		}
		if d.Events[0].At.IsZero() {
			d.Created = base.AddDate(0, 0, start)
		}
		switch r.IntN(3) {
		case 1:
			d.Outcome = funnel.Won
			d.Events = append(d.Events, funnel.Event{Stage: covFunnel.Len() - 1, At: base.AddDate(0, 0, t)})
		case 2:
			d.Outcome = funnel.Lost
			d.Closed = base.AddDate(0, 0, t)
		}
		deals[i] = d
	}
	return deals
}

// FuzzCoverageRules: any category rules, quota and date give either a
// sentinel error or a report in which every open deal lands in exactly one
// category, the one a second, per-deal derivation gives; the categories
// add up to the open pipeline in deals and money; and no figure is NaN
// or infinite.
func FuzzCoverageRules(f *testing.F) {
	// Seeds from the table cases: the hand-worked rules, no rules, a rule
	// for everything, rules on the CRM, a bad probability.
	f.Add(uint64(1), uint16(134), int64(150000), uint8(0b111), uint8(2), 0.6, uint8(1), 0.25, uint8(0), 0.6, uint8(0b110101))
	f.Add(uint64(2), uint16(100), int64(0), uint8(0), uint8(0), 0.0, uint8(0), 0.0, uint8(0), 0.0, uint8(0))
	f.Add(uint64(3), uint16(200), int64(25000), uint8(0b100), uint8(0), 0.0, uint8(0), 0.0, uint8(0), 0.0, uint8(0))
	f.Add(uint64(4), uint16(50), int64(1), uint8(0b111), uint8(3), 0.9, uint8(2), 0.5, uint8(1), 0.1, uint8(0b111111))
	f.Add(uint64(5), uint16(250), int64(-1), uint8(0b011), uint8(1), 1.5, uint8(1), -0.1, uint8(0), math.NaN(), uint8(0b000011))
	f.Fuzz(func(t *testing.T, seed uint64, atDay uint16, quota int64, set uint8, s0 uint8, p0 float64, s1 uint8, p1 float64, s2 uint8, p2 float64, flags uint8) {
		r := rand.New(rand.NewPCG(seed, 16))
		deals := covRandom(r, 1+r.IntN(40))
		at := covDate(time.January, 1).AddDate(0, 0, int(atDay%400))
		from, to := covDate(time.April, 1), covDate(time.July, 1)
		if !at.Before(to) {
			from, to = at.AddDate(0, 0, -30), at.AddDate(0, 0, 60)
		}
		var rules [3]*pipeline.CategoryRule
		for i, sp := range []struct {
			s uint8
			p float64
		}{{s0, p0}, {s1, p1}, {s2, p2}} {
			if set&(1<<i) == 0 {
				continue
			}
			rules[i] = &pipeline.CategoryRule{MinProbability: sp.p, CRM: flags&(1<<(2*i)) != 0, InPeriod: flags&(1<<(2*i+1)) != 0}
			if st := int(sp.s) % (covFunnel.Len() + 1); st < covFunnel.Len() {
				rules[i].MinStage = covFunnel.Stage(st)
			}
		}
		opts := pipeline.CoverageOptions{Probability: "p", Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(quota), Valid: true},
			Rules: pipeline.CategoryRules{Commit: rules[0], BestCase: rules[1], Pipeline: rules[2]}}
		rep, err := pipeline.Coverage(context.Background(), covFunnel, funnel.Stream(deals), at, from, to, opts)
		if err != nil {
			if !errors.Is(err, funnel.ErrRateRange) && !errors.Is(err, funnel.ErrNotFinite) && !errors.Is(err, funnel.ErrNegativeAmount) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		// The second derivation: each open deal's category from its own
		// fields and the report's stage win probabilities.
		want := map[string][NumCats]int{}
		last := covFunnel.Len() - 1
		for _, d := range deals {
			closeAt := d.CloseTime()
			if d.Start().IsZero() || d.Start().After(at) || d.Outcome != funnel.Open && !closeAt.After(at) {
				continue
			}
			stage := 0
			for _, e := range d.Events {
				if e.Stage < last && (e.At.IsZero() || !e.At.After(at)) {
					stage = max(stage, e.Stage)
				}
			}
			inPeriod := !d.ExpectedClose.IsZero() && !d.ExpectedClose.Before(from) && d.ExpectedClose.Before(to)
			c := int(pipeline.CategoryOmitted)
			for i, ru := range rules {
				if ru == nil {
					continue
				}
				minStage := 0
				if ru.MinStage != "" {
					minStage, _ = covFunnel.Index(ru.MinStage)
				}
				var p float64
				known := true
				if ru.CRM {
					var v float64
					_, err := fmt.Sscan(d.Attrs["p"], &v)
					p, known = v/100, err == nil
				} else {
					p, known = rep.StageWin[stage].Value(), rep.StageWin[stage].Defined()
				}
				if stage >= minStage && (!ru.InPeriod || inPeriod) && (ru.MinProbability == 0 || known && p >= ru.MinProbability) {
					c = i
					break
				}
			}
			v := want[""]
			v[c]++
			want[""] = v
			if d.Owner != "" {
				v := want[d.Owner]
				v[c]++
				want[d.Owner] = v
			}
		}
		for _, rc := range append([]pipeline.RepCoverage{rep.Team}, rep.Reps...) {
			var n int
			sum := decimal.Zero
			var got [NumCats]int
			for i, c := range rc.Categories {
				if c.Category != pipeline.Category(i) || c.Priced+c.Unpriced != c.Deals {
					t.Fatalf("rep %q category %d: %+v", rc.Rep, i, c)
				}
				got[i] = c.Deals
				n += c.Deals
				sum = sum.Add(c.Amount)
			}
			if n != rc.Open.Deals {
				t.Fatalf("rep %q: categories hold %d deals, open %d", rc.Rep, n, rc.Open.Deals)
			}
			// Each category is rounded to cents and amounts are whole:
			// the sums agree exactly.
			if !sum.Equal(rc.Open.Amount) {
				t.Fatalf("rep %q: categories hold %s, open %s", rc.Rep, sum, rc.Open.Amount)
			}
			if got != want[rc.Rep] {
				t.Fatalf("rep %q: categories %v, per deal %v", rc.Rep, got, want[rc.Rep])
			}
			for _, v := range append([]funnel.NullFloat64{rc.Coverage}, stageCoverages(rc)...) {
				if v.Valid && (math.IsNaN(v.Float64) || math.IsInf(v.Float64, 0) || v.Float64 < 0) {
					t.Fatalf("rep %q: coverage %v", rc.Rep, v)
				}
				if v.Valid != (rc.Quota.Valid && !rc.Met) {
					t.Fatalf("rep %q: coverage %v with quota %v, met %v", rc.Rep, v, rc.Quota, rc.Met)
				}
			}
			if rc.Quota.Valid && (rc.ToGo.Decimal.IsNegative() || rc.Met != rc.ToGo.Decimal.IsZero()) {
				t.Fatalf("rep %q: to go %v, met %v", rc.Rep, rc.ToGo, rc.Met)
			}
			if rc.Pipeline.Deals > rc.Open.Deals || rc.Pipeline.Amount.GreaterThan(rc.Open.Amount) {
				t.Fatalf("rep %q: period pipeline %+v above open %+v", rc.Rep, rc.Pipeline, rc.Open)
			}
		}
		for k, w := range rep.StageWin {
			if w.K < 0 || w.K > w.N {
				t.Fatalf("stage %d win %v", k, w)
			}
		}
	})
}

func stageCoverages(rc pipeline.RepCoverage) []funnel.NullFloat64 {
	var out []funnel.NullFloat64
	for _, s := range rc.ByStage {
		out = append(out, s.Coverage)
	}
	return out
}

// NumCats is the number of categories, for arrays in the tests.
const NumCats = pipeline.NumCategories
