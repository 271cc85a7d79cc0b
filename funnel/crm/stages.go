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

// maxSpellings bounds the spellings a stageTable keeps: the stage cells
// as written that matched, such as "qualified" and " Qualified" for the
// stage Qualified. Past it, which takes that many distinct spellings of
// the funnel's names in one input, an error names a stage cell by the
// funnel's name instead.
const maxSpellings = 1 << 20

// stageTable resolves stage cells to a stage index or lostStage, and keeps
// the cells as written that it resolved (its spellings), so that an error
// found after a deal's rows are read can show the cell as it was.
type stageTable struct {
	names  map[string]int   // folded name → index or lostStage
	spell  map[string]int32 // a cell as written → its spelling's index
	text   []string         // each spelling
	stages []int            // each spelling's stage index or lostStage
	fold   bool
}

func (s Stages) key(name string) string {
	if s.CaseSensitive {
		return name
	}
	return strings.ToLower(strings.TrimSpace(name))
}

func newStageTable(f funnel.Funnel, s Stages) (*stageTable, error) {
	t := &stageTable{names: map[string]int{}, spell: map[string]int32{}, fold: !s.CaseSensitive}
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

// lookup returns the stage index or lostStage of a cell as written, its
// surrounding white space ignored, and the index of its spelling (-1 when
// the table keeps no more). Spellings seen before are found without
// allocating.
func (t *stageTable) lookup(b []byte) (stage int, spell int32, ok bool) {
	// The first spellings seen, which are the funnel's own names in
	// most inputs, are compared without hashing.
	for i, s := range t.text[:min(len(t.text), 8)] {
		if len(s) == len(b) && s == string(b) {
			return t.stages[i], int32(i), true
		}
	}
	if i, ok := t.spell[string(b)]; ok {
		return t.stages[i], i, true
	}
	k := strings.TrimSpace(string(b))
	if t.fold {
		k = strings.ToLower(k)
	}
	v, ok := t.names[k]
	if !ok {
		return 0, 0, false // neither means anything
	}
	if len(t.text) == maxSpellings {
		return v, -1, true
	}
	i := int32(len(t.text))
	s := string(b)
	t.spell[s] = i
	t.text = append(t.text, s)
	t.stages = append(t.stages, v)
	return v, i, true
}

// written returns the stage cell as written of spelling i, or the name of
// stage in f when the spelling was not kept (i < 0).
func (t *stageTable) written(f funnel.Funnel, i int32, stage int) string {
	if i < 0 {
		return stageName(f, stage)
	}
	return t.text[i]
}

func unknownStage(b []byte) error {
	return fmt.Errorf("%w: %q is not a funnel stage, an alias or a lost name", funnel.ErrUnknownStage, b)
}
