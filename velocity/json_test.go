package velocity

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestResultsJSON checks that every result encodes (no NaN or Inf, which
// encoding/json rejects) and that levers and lever names read back.
func TestResultsJSON(t *testing.T) {
	dcmp, err := Decompose(smb(), ent())
	if err != nil {
		t.Fatal(err)
	}
	sens, err := Sensitivities(smb(), DaysQuarter, []float64{0.05, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := MeasureDeals(measureDeals(), winFrom, winTo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := Forecast(context.Background(), threeDeals("50000", 1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	mk, err := MakeUp(smb(), LeverWinRate, -0.1, LeverOpportunities)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{dcmp, sens, rep, fc, mk} {
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("json.Marshal(%T): %v", v, err)
		}
	}
	b, err := json.Marshal(dcmp)
	if err != nil {
		t.Fatal(err)
	}
	var back Decomposition
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(dcmp, back, decEq); diff != "" {
		t.Errorf("Decomposition JSON round trip (-want +got):\n%s", diff)
	}
}

func TestForecastInputUnchanged(t *testing.T) {
	mk := func() ForecastInput {
		in := threeDeals("50000", 500, 9)
		// Unsorted on purpose: Forecast sorts a copy.
		in.TimeToClose = []time.Duration{30 * day, 10 * day, 20 * day}
		return in
	}
	in, keep := mk(), mk()
	if _, err := Forecast(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keep, in, decEq); diff != "" {
		t.Errorf("Forecast modified its input:\n%s", diff)
	}
}

// TestOptionsJSON checks that the measuring options read as text in JSON
// and come back the same, and that an unknown name is an error.
func TestOptionsJSON(t *testing.T) {
	o := Options{Count: CountAverageOpen, WinBasis: WinByValue, CycleStat: CycleMedian, CycleDeals: CycleClosed}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"average open"`, `"value"`, `"median"`, `"closed"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("JSON %s lacks %s", b, name)
		}
	}
	var back Options
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o, back); diff != "" {
		t.Errorf("Options JSON round trip mismatch (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"count":"sometimes"}`), &back); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("unknown count: err = %v, want ErrOutOfRange", err)
	}
	if _, err := json.Marshal(Options{Count: 9}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Count(9): err = %v, want ErrOutOfRange", err)
	}
}
