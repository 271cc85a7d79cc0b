package beamtally_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

func TestConfig(t *testing.T) {
	var zero beamtally.Config
	if got := zero.GroupBy(); !slices.Equal(got, []string{"owner"}) {
		t.Errorf("Config{}.GroupBy() = %q, want [owner]", got)
	}
	cfg := beamtally.Config{By: []string{"segment", "source"}}
	got := cfg.GroupBy()
	got[0] = "changed"
	if cfg.By[0] != "segment" {
		t.Errorf("GroupBy returned By itself, not a copy")
	}
	if got := (beamtally.Config{By: []string{}}).GroupBy(); len(got) != 0 {
		t.Errorf("Config{By: []}.GroupBy() = %q, want none (one group)", got)
	}
	s := beamtally.BenchStages()
	s[0] = "changed"
	if beamtally.BenchStages()[0] != "Lead" {
		t.Errorf("BenchStages shares its slice")
	}
	f, err := zero.Funnel()
	if err != nil || !f.Equal(funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")) {
		t.Errorf("Config{}.Funnel() = %v, %v; want the bench's funnel", f, err)
	}
}

func TestConfigReader(t *testing.T) {
	cfg := beamtally.Config{
		Stages:        []string{"New", "Won"},
		Columns:       crm.LongColumns{ID: "Id", Amount: "-"},
		Aliases:       map[string]string{"Fresh": "New"},
		Lost:          []string{"Dead"},
		CaseSensitive: true,
		DateLayouts:   []string{"01/02/2006"},
		TimeZone:      "Europe/Paris",
		Comma:         ';',
	}
	got, err := cfg.Reader()
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	want := crm.Long{
		Funnel:  funnel.MustNew("New", "Won"),
		Columns: crm.LongColumns{ID: "Id", Amount: "-"},
		Options: crm.Options{
			Stages: crm.Stages{Aliases: map[string]string{"Fresh": "New"}, Lost: []string{"Dead"}, CaseSensitive: true},
			Dates:  crm.Dates{Layouts: []string{"01/02/2006"}, Location: paris},
			Comma:  ';',
		},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b funnel.Funnel) bool { return a.Equal(b) }), cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("Config.Reader mismatch (-want +got):\n%s", diff)
	}
	if _, err := (beamtally.Config{TimeZone: "Nowhere/Else"}).Reader(); !errors.Is(err, crm.ErrBadConfig) {
		t.Errorf("Reader(unknown zone) = %v, want errors.Is crm.ErrBadConfig", err)
	}
}

func TestGroupKey(t *testing.T) {
	// Distinct tuples give distinct keys, even where the values joined
	// would read the same.
	a := funnel.Deal{ID: "1", Owner: "ab", Segment: "c"}
	b := funnel.Deal{ID: "2", Owner: "a", Segment: "bc"}
	by := []string{"owner", "segment"}
	if ka, kb := beamtally.GroupKey(a, by), beamtally.GroupKey(b, by); ka == kb {
		t.Errorf("GroupKey(%q, %q) = GroupKey(%q, %q) = %q", a.Owner, a.Segment, b.Owner, b.Segment, ka)
	}
	if got := beamtally.GroupKey(a, []string{"owner"}); got != "ab" {
		t.Errorf("GroupKey(owner) = %q, want ab", got)
	}
	// By hand: "ab" is 2:ab, "c" is 1:c.
	if got := beamtally.GroupKey(a, by); got != "2:ab1:c" {
		t.Errorf("GroupKey(owner, segment) = %q, want 2:ab1:c", got)
	}
	if got := beamtally.GroupKey(a, nil); got != "" {
		t.Errorf("GroupKey(no attribute) = %q, want empty", got)
	}
}
