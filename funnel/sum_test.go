package funnel

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSumEqualsTotal checks Sum of a tally's groups against the tally's
// Total over the same deals (the second method), and of one group against
// the group itself.
func TestSumEqualsTotal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	f := MustNew("s0", "s1", "s2", "s3")
	ta := mustTally(t, f, randomDeals(r, f.Len(), 200), "owner")
	groups := ta.Groups()
	before := make([]Counts, len(groups))
	for i, g := range groups {
		before[i] = g.Clone()
	}
	got, err := Sum(f, groups)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mustTotal(t, ta), got, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Sum(groups) mismatch (-Total +Sum):\n%s", diff)
	}
	if diff := cmp.Diff(before, groups, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Sum modified its input (-before +after):\n%s", diff)
	}
	one, err := Sum(f, groups[:1])
	if err != nil {
		t.Fatal(err)
	}
	one.Key = groups[0].Key
	if diff := cmp.Diff(groups[0], one, decimalEqual, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Sum(one group) mismatch (-group +Sum):\n%s", diff)
	}
	empty, err := Sum(f, nil)
	if err != nil || empty.Deals != 0 || len(empty.Reached) != f.Len() {
		t.Errorf("Sum(nil) = %+v, %v; want zero counts of %d stages", empty, err, f.Len())
	}
}

func TestSumErrors(t *testing.T) {
	f := MustNew("a", "b", "c")
	good, err := FromReached(f, []int64{10, 5, 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	short, _ := FromReached(MustNew("a", "b"), []int64{3, 1}, nil)
	rising := good.Clone()
	rising.Reached[2] = 7
	huge := good.Clone()
	huge.Deals, huge.Lost, huge.Reached[0], huge.LostAt[0] = math.MaxInt64-2, math.MaxInt64-4, math.MaxInt64-2, math.MaxInt64-7
	if err := huge.Check(); err != nil {
		t.Fatalf("huge counts are invalid: %v", err)
	}
	tests := []struct {
		name  string
		f     Funnel
		cs    []Counts
		want  error
		place string
	}{
		{"no stages", Funnel{}, []Counts{good}, ErrEmptyFunnel, "funnel"},
		{"other funnel", f, []Counts{good, short}, ErrLengthMismatch, "counts[1].reached"},
		{"counts rise", f, []Counts{rising}, ErrCountsRise, "counts[0]"},
		{"overflow", f, []Counts{huge, huge}, ErrOutOfRange, "counts[1].deals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sum(tt.f, tt.cs)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Sum() error = %v, want %v", err, tt.want)
			}
			var ie *InputError
			var se *StageError
			switch {
			case errors.As(err, &ie):
				if ie.Op != "funnel.Sum" || len(ie.Name) < len(tt.place) || ie.Name[:len(tt.place)] != tt.place {
					t.Errorf("Sum() error %q: op %q name %q, want op funnel.Sum, name starting %q", err, ie.Op, ie.Name, tt.place)
				}
			case errors.As(err, &se):
				if se.Op != "funnel.Sum" || len(se.Input) < len(tt.place) || se.Input[:len(tt.place)] != tt.place {
					t.Errorf("Sum() error %q: op %q input %q, want op funnel.Sum, input starting %q", err, se.Op, se.Input, tt.place)
				}
			default:
				t.Errorf("Sum() error %T %v names no place", err, err)
			}
		})
	}
}
