package crm

import (
	"fmt"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
)

// Stages says how the stage names of an export map to the funnel. A name
// is matched, in this order of precedence, to a stage of the funnel of the
// same name, to the target of an alias, or to a lost name. The zero Stages
// matches the funnel's own names, ignoring case and surrounding white
// space, and takes "Closed Lost" and "Lost" as lost.
type Stages struct {
	// Aliases maps an export's stage name to the name of a funnel stage,
	// such as "Discovery" to "Qualified" or "Closed Won" to "Won". A target
	// that is not a stage of the funnel, or a blank name, is a
	// configuration error.
	Aliases map[string]string
	// Lost lists the names that mean the deal was lost (an outcome, not a
	// stage). Nil means "Closed Lost" and "Lost" (less any that is a
	// funnel stage); an empty non-nil slice means none.
	Lost []string
	// CaseSensitive, when set, matches names exactly; by default case and
	// surrounding white space are ignored.
	CaseSensitive bool
}

// lostStage marks a lost row in place of a stage index.
const lostStage = -1

// stageTable resolves stage cells to a stage index or lostStage.
type stageTable struct {
	names map[string]int // folded name → index or lostStage
	seen  map[string]int // raw cell → index or lostStage, bounded
	fold  bool
}

func (s Stages) key(name string) string {
	if s.CaseSensitive {
		return name
	}
	return strings.ToLower(strings.TrimSpace(name))
}

func newStageTable(f funnel.Funnel, s Stages) (*stageTable, error) {
	t := &stageTable{names: map[string]int{}, seen: map[string]int{}, fold: !s.CaseSensitive}
	for i := range f.Len() {
		k := s.key(f.Stage(i))
		if j, ok := t.names[k]; ok {
			return nil, configErr("funnel stages %q and %q are the same name once case is ignored", f.Stage(j), f.Stage(i))
		}
		t.names[k] = i
	}
	add := func(name string, v int, what string) error {
		k := s.key(name)
		if k == "" {
			return configErr("blank %s name", what)
		}
		if old, ok := t.names[k]; ok && old != v {
			return configErr("%s %q matches a name already mapped elsewhere", what, name)
		}
		t.names[k] = v
		return nil
	}
	for from, to := range s.Aliases {
		if s.key(from) == "" {
			return nil, configErr("blank alias name for %q", to)
		}
		i, ok := t.names[s.key(to)]
		if !ok || i == lostStage {
			return nil, configErr("alias %q to %q: %w", from, to, funnel.ErrUnknownStage)
		}
		// An alias may restate a funnel name, but may not take it elsewhere.
		if j, ok := t.names[s.key(from)]; ok && j != i {
			return nil, configErr("alias %q matches a name already mapped elsewhere", from)
		}
		t.names[s.key(from)] = i
	}
	lost := s.Lost
	if lost == nil {
		for _, n := range []string{"Closed Lost", "Lost"} {
			if _, ok := t.names[s.key(n)]; !ok {
				lost = append(lost, n)
			}
		}
	}
	for _, n := range lost {
		if err := add(n, lostStage, "lost"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// lookup returns the stage index or lostStage of a cell. Spellings seen
// before are found without allocating.
func (t *stageTable) lookup(b []byte) (int, bool) {
	if v, ok := t.seen[string(b)]; ok {
		return v, true
	}
	k := string(b)
	if t.fold {
		k = strings.ToLower(strings.TrimSpace(k))
	}
	v, ok := t.names[k]
	if ok && len(t.seen) < 1<<10 {
		t.seen[string(b)] = v
	}
	return v, ok
}

func unknownStage(b []byte) error {
	return fmt.Errorf("%w: %q is not a funnel stage, an alias or a lost name", funnel.ErrUnknownStage, b)
}
