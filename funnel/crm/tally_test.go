package crm_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// addAll is the second method of the Tally tests: the deals of a reader's
// Deals added one by one to a new tally.
func addAll(t *testing.T, f funnel.Funnel, seq func(yield func(funnel.Deal, error) bool), by ...string) []funnel.Counts {
	t.Helper()
	ty := funnel.NewTally(f, by...)
	if err := ty.AddAll(seq); err != nil {
		t.Fatal(err)
	}
	return ty.Groups()
}

// writeFile writes data to a file of a temporary directory and opens it.
func writeFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	return fh
}

// TestTallyFiles tallies files past 8 MB, which Tally reads in parts at
// once when GOMAXPROCS allows (an *os.File is read at random, its size
// from Stat): a long history grouped by deal, the same rows shuffled, a
// wide export and a snapshot. Each tally equals the deals of Deals (of
// Scattered for the shuffled rows) added one by one, and the file is left
// at its end. The inputs are not modified.
func TestTallyFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads some 40 MB")
	}
	ctx := context.Background()
	history := genHistory(130_000, 2) // about 9.6 MB
	keep := bytes.Clone(history)
	check := func(name string, fh *os.File, want []funnel.Counts, tally func(io.Reader) (*funnel.Tally, error)) {
		t.Helper()
		ty, err := tally(fh)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, ty.Groups()); diff != "" {
			t.Errorf("%s: tally mismatch (-Deals +Tally):\n%s", name, diff)
		}
		if rest, _ := io.ReadAll(fh); len(rest) != 0 {
			t.Errorf("%s: %d bytes left unread", name, len(rest))
		}
	}
	long := crm.Long{Funnel: sales}
	check("grouped", writeFile(t, history), addAll(t, sales, long.Deals(ctx, bytes.NewReader(history)), funnel.AttrOwner),
		func(r io.Reader) (*funnel.Tally, error) { return long.Tally(ctx, r, funnel.AttrOwner) })

	shuf := shuffled(history, 2)
	var notes []crm.Note
	long.OnNote = func(n crm.Note) { notes = append(notes, n) }
	scattered := crm.Long{Funnel: sales, Scattered: true}
	check("shuffled", writeFile(t, shuf), addAll(t, sales, scattered.Deals(ctx, bytes.NewReader(shuf)), funnel.AttrOwner),
		func(r io.Reader) (*funnel.Tally, error) { return long.Tally(ctx, r, funnel.AttrOwner) })
	if len(notes) == 0 || notes[0].Kind != crm.NoteScattered {
		t.Errorf("shuffled: first note %v, want a NoteScattered", notes[:min(len(notes), 1)])
	}
	if !bytes.Equal(history, keep) {
		t.Errorf("the input was modified")
	}

	wide := wideExport(120_000) // about 10 MB
	w := crm.Wide{Funnel: sales}
	check("wide", writeFile(t, wide), addAll(t, sales, w.Deals(ctx, bytes.NewReader(wide)), funnel.AttrOwner),
		func(r io.Reader) (*funnel.Tally, error) { return w.Tally(ctx, r, funnel.AttrOwner) })

	snap := snapshotExport(180_000) // about 11 MB
	s := crm.Snapshot{Funnel: maven, Columns: mavenCols}
	check("snapshot", writeFile(t, snap), addAll(t, maven, s.Deals(ctx, bytes.NewReader(snap)), funnel.AttrOwner),
		func(r io.Reader) (*funnel.Tally, error) { return s.Tally(ctx, r, funnel.AttrOwner) })
}

// TestTallyErrors checks the errors of Tally that come before any row: a
// reader without a funnel, a bad header, and a read error, each as Deals
// gives it; and that the grouped read of a reader that cannot be read
// again ends with ErrNotContiguous.
func TestTallyErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := (crm.Long{}).Tally(ctx, strings.NewReader("deal_id\n"), "owner"); !errors.Is(err, crm.ErrBadConfig) {
		t.Errorf("Long without a funnel: %v, want ErrBadConfig", err)
	}
	if _, err := (crm.Long{Funnel: sales}).Tally(ctx, strings.NewReader("id,stage,entered_at\n"), "owner"); !errors.Is(err, crm.ErrMissingColumn) {
		t.Errorf("Long without deal_id: %v, want ErrMissingColumn", err)
	}
	boom := errors.New("boom")
	if _, err := (crm.Wide{Funnel: sales}).Tally(ctx, io.MultiReader(strings.NewReader(wideHeader), iotestErr{boom}), "owner"); !errors.Is(err, boom) {
		t.Errorf("Wide with a failing reader: %v, want boom", err)
	}
	in := longHeader + "A,ann,Lead,2024-01-01,5\nB,bob,Lead,2024-01-02,6\nA,ann,Qualified,2024-01-03,5\n"
	_, err := crm.Long{Funnel: sales}.Tally(ctx, io.MultiReader(strings.NewReader(in)), "owner")
	var re *crm.RowError
	if !errors.As(err, &re) || !errors.Is(err, crm.ErrNotContiguous) || re.Line != 4 {
		t.Errorf("Long, ids back, read once: %v, want ErrNotContiguous at line 4", err)
	}
}

// iotestErr is a reader that fails.
type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }
