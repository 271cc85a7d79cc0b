package jsonx

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type doc struct {
	Deals int64    `json:"deals"`
	Key   []string `json:"key"`
	Inner struct {
		N int64 `json:"n"`
	} `json:"inner"`
}

type hidden struct{ X int }

func TestDecode(t *testing.T) {
	tests := []struct {
		in   string
		want *Problem
	}{
		{`{"deals":"two"}`, &Problem{Field: "deals", Value: "string", Reason: "want a JSON number"}},
		{`{"deals":1e30}`, &Problem{Field: "deals", Value: "number 1e30", Reason: "want a JSON number"}},
		{`[1,2]`, &Problem{Value: "array", Reason: "want a JSON object"}},
		{`{"inner":{"n":"x"}}`, &Problem{Field: "inner.n", Value: "string", Reason: "want a JSON number"}},
		{`{"deals":`, &Problem{Reason: "truncated JSON"}},
		{``, &Problem{Reason: "truncated JSON"}},
	}
	for _, tt := range tests {
		var d doc
		err := Decode([]byte(tt.in), &d)
		var p *Problem
		if !errors.As(err, &p) {
			t.Errorf("Decode(%s) = %v, want a *Problem", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, p); diff != "" {
			t.Errorf("Decode(%s) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	var d doc
	err := Decode([]byte(`{"deals":]`), &d)
	var p *Problem
	if !errors.As(err, &p) || !strings.HasPrefix(p.Reason, "malformed JSON: invalid character") || p.Value != "offset 10" {
		t.Errorf("Decode of a syntax error = %#v", err)
	}
	// No Go type name leaks, an unexported one least of all.
	var h hidden
	if err := Decode([]byte(`"x"`), &h); strings.Contains(err.Error(), "hidden") || strings.Contains(err.Error(), "jsonx") {
		t.Errorf("Decode into hidden: %v names a Go type", err)
	}
	if got := (&Problem{Field: "a.b", Reason: "want a JSON number"}).Error(); got != "a.b: want a JSON number" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Problem{Reason: "truncated JSON"}).Error(); got != "truncated JSON" {
		t.Errorf("Error() = %q", got)
	}
	if err := Decode([]byte(`{"deals":3}`), &d); err != nil || d.Deals != 3 {
		t.Errorf("Decode of a good document: %v, %+v", err, d)
	}
}
