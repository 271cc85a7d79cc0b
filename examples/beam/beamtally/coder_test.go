package beamtally

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// TestCoders checks the Beam coders of funnel.Deal and Acc: every deal of
// tiny.csv (with its notes' cases: skips, a move back, a lost deal with no
// stage) encoded and decoded tallies as the deal itself, and an accumulator
// decodes to the same tally.
func TestCoders(t *testing.T) {
	tiny, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := funnel.MustNew(BenchStages()...)
	res, err := crm.Long{Funnel: f, Scattered: true}.ReadAll(context.Background(), bytes.NewReader(tiny))
	if err != nil {
		t.Fatal(err)
	}
	want := funnel.NewTally(f, "owner", "segment")
	got := funnel.NewTally(f, "owner", "segment")
	for _, d := range res.Deals {
		b, err := encodeDeal(d)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := decodeDeal(b)
		if err != nil {
			t.Fatalf("decodeDeal(%s): %v", b, err)
		}
		if !dec.Amount.Decimal.Equal(d.Amount.Decimal) || dec.Amount.Valid != d.Amount.Valid || len(dec.Events) != len(d.Events) {
			t.Errorf("deal %s changed in its coder: %+v, was %+v", d.ID, dec, d)
		}
		for i := range d.Events {
			if dec.Events[i].Stage != d.Events[i].Stage || !dec.Events[i].At.Equal(d.Events[i].At) {
				t.Errorf("deal %s event %d changed in its coder: %+v, was %+v", d.ID, i, dec.Events[i], d.Events[i])
			}
		}
		if err := want.Add(d); err != nil {
			t.Fatal(err)
		}
		if err := got.Add(dec); err != nil {
			t.Fatal(err)
		}
	}
	wb, _ := want.MarshalJSON()
	gb, _ := got.MarshalJSON()
	if diff := cmp.Diff(string(wb), string(gb)); diff != "" {
		t.Errorf("tally of decoded deals mismatch (-deals +decoded):\n%s", diff)
	}
	b, err := encodeAcc(Acc{Tally: want})
	if err != nil {
		t.Fatal(err)
	}
	a, err := decodeAcc(b)
	if err != nil {
		t.Fatal(err)
	}
	ab, _ := a.Tally.MarshalJSON()
	if diff := cmp.Diff(string(wb), string(ab)); diff != "" {
		t.Errorf("accumulator coder mismatch (-before +after):\n%s", diff)
	}
	// The coder is the binary form: a byte cut off, or the JSON, is refused;
	// no bytes are the zero Acc.
	if _, err := decodeAcc(b[:len(b)-1]); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("decodeAcc(truncated) = %v, want an error wrapping funnel.ErrOutOfRange", err)
	}
	if _, err := decodeAcc(wb); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("decodeAcc(JSON) = %v, want an error wrapping funnel.ErrOutOfRange", err)
	}
	if zb, err := encodeAcc(Acc{}); err != nil || len(zb) != 0 {
		t.Errorf("encodeAcc(Acc{}) = %q, %v; want no bytes", zb, err)
	}
	if z, err := decodeAcc(nil); err != nil || z.Tally != nil {
		t.Errorf("decodeAcc(nil) = %v, %v; want the zero Acc", z, err)
	}
	if _, err := decodeDeal([]byte(`{"id":`)); err == nil {
		t.Errorf("decodeDeal(truncated) = nil error")
	}
}
