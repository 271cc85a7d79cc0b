package funnel

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// bh95 are the 15 p-values of Benjamini and Hochberg (1995, "Controlling
// the false discovery rate", JRSS B 57, section 4.2, from Neuhaus et al.'s
// thrombolysis trial), in the paper's order. At q = 0.05 the paper rejects
// the four smallest.
var bh95 = []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}

func TestBenjaminiHochberg(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		q    float64
		want Discoveries
	}{
		{
			// R 4.2.2: p.adjust(p, "BH") =
			// 0.0015 0.003 0.0095 0.035625 0.0603 0.0638571428571429
			// 0.0638571428571429 0.0645 0.0765 0.486 0.581181818181818
			// 0.714875 0.753230769230769 0.813214285714286 1
			name: "Benjamini-Hochberg 1995",
			p:    bh95,
			q:    0.05,
			want: Discoveries{
				Q: 0.05,
				Adjusted: []float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571428571429,
					0.0638571428571429, 0.0645, 0.0765, 0.486, 0.581181818181818,
					0.714875, 0.753230769230769, 0.813214285714286, 1},
				Discovery: []bool{true, true, true, true, false, false, false, false, false, false, false, false, false, false, false},
				Count:     4,
			},
		},
		{
			// Ties and input out of order. By hand, m = 5, sorted
			// 0.01, 0.03, 0.04, 0.04, 0.5: m·p/j = 0.05, 0.075, 0.0667,
			// 0.05, 0.5; the running minimum from the top gives 0.5, then
			// 0.05 for the other four. Both 0.04s get the same value.
			// R: p.adjust(c(0.01, 0.04, 0.04, 0.03, 0.5), "BH") =
			// 0.05 0.05 0.05 0.05 0.5
			name: "ties",
			p:    []float64{0.01, 0.04, 0.04, 0.03, 0.5},
			q:    0.05,
			want: Discoveries{Q: 0.05, Adjusted: []float64{0.05, 0.05, 0.05, 0.05, 0.5},
				Discovery: []bool{true, true, true, true, false}, Count: 4},
		},
		{
			// An adjusted value equal to q is a discovery (p_(i) <= i·q/m).
			// By hand: m = 2, 2·0.025/1 = 0.05, 2·0.6/2 = 0.6.
			name: "at q",
			p:    []float64{0.6, 0.025},
			q:    0.05,
			want: Discoveries{Q: 0.05, Adjusted: []float64{0.6, 0.05}, Discovery: []bool{false, true}, Count: 1},
		},
		{
			// The ends of [0, 1]: 0 stays 0, 1 stays 1; m·p/j is capped at 1
			// (3·0.9/2 = 1.35).
			name: "ends",
			p:    []float64{1, 0, 0.9},
			q:    0.1,
			want: Discoveries{Q: 0.1, Adjusted: []float64{1, 0, 1}, Discovery: []bool{false, true, false}, Count: 1},
		},
		{
			name: "empty",
			p:    []float64{},
			q:    0.05,
			want: Discoveries{Q: 0.05, Adjusted: []float64{}, Discovery: []bool{}},
		},
		{
			name: "nil",
			p:    nil,
			q:    0.05,
			want: Discoveries{Q: 0.05, Adjusted: []float64{}, Discovery: []bool{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.p)
			got, err := BenjaminiHochberg(in, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-14, 0)); diff != "" {
				t.Errorf("BenjaminiHochberg(%v, %v) mismatch (-want +got):\n%s", tt.p, tt.q, diff)
			}
			if !slices.Equal(in, tt.p) {
				t.Errorf("BenjaminiHochberg modified its input: %v became %v", tt.p, in)
			}
		})
	}
}

// TestBenjaminiHochbergNotBelowP: an adjusted p-value is never below its
// p-value. The largest of m p-values is adjusted by m/m = 1; computed as
// m·p/m it rounded one unit below p for this p (found by
// FuzzBenjaminiHochberg), computed as (m/m)·p, as R does, it is p.
func TestBenjaminiHochbergNotBelowP(t *testing.T) {
	p := []float64{0.6907496383953917, 1e-76, 1e-76}
	if 3*p[0]/3 >= p[0] {
		t.Fatalf("the case no longer rounds: 3·p/3 = %v, p = %v", 3*p[0]/3, p[0])
	}
	got, err := BenjaminiHochberg(p, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if got.Adjusted[0] != p[0] {
		t.Errorf("adjusted[0] = %v, want p[0] = %v exactly", got.Adjusted[0], p[0])
	}
}

// stepUp is the step-up rule of Benjamini and Hochberg written as the
// paper states it, a second method for the discoveries: with k the
// largest i such that p_(i) <= i·q/m, the k smallest p-values (and any
// tied with the k-th) are discoveries.
func stepUp(p []float64, q float64) []bool {
	sorted := slices.Sorted(slices.Values(p))
	m := float64(len(p))
	cut := math.Inf(-1)
	for i, v := range sorted {
		if v <= float64(i+1)*q/m {
			cut = v
		}
	}
	out := make([]bool, len(p))
	for i, v := range p {
		out[i] = v <= cut
	}
	return out
}

// TestBenjaminiHochbergStepUp: the discoveries from the adjusted values are
// those of the step-up rule, on the published vector at several q.
func TestBenjaminiHochbergStepUp(t *testing.T) {
	for _, q := range []float64{0.001, 0.01, 0.05, 0.08, 0.1, 0.5, 0.9} {
		got, err := BenjaminiHochberg(bh95, q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stepUp(bh95, q), got.Discovery); diff != "" {
			t.Errorf("q = %v: discoveries mismatch with the step-up rule (-want +got):\n%s", q, diff)
		}
	}
}

func TestBenjaminiHochbergErrors(t *testing.T) {
	tests := []struct {
		name string
		p    []float64
		q    float64
		want error
		text string
	}{
		{"q zero", []float64{0.1}, 0, ErrOutOfRange, "funnel: q = 0: value out of range: must be in (0, 1)"},
		{"q one", []float64{0.1}, 1, ErrOutOfRange, "funnel: q = 1: value out of range: must be in (0, 1)"},
		{"q negative", []float64{0.1}, -0.05, ErrOutOfRange, "funnel: q = -0.05: value out of range: must be in (0, 1)"},
		{"q NaN", []float64{0.1}, math.NaN(), ErrNotFinite, "funnel: q = NaN: not a finite number"},
		{"q Inf", []float64{0.1}, math.Inf(1), ErrNotFinite, "funnel: q = +Inf: not a finite number"},
		{"p negative", []float64{0.1, -0.01}, 0.05, ErrRateRange, "funnel: p[1] = -0.01: rate outside [0,1]"},
		{"p above one", []float64{1.5}, 0.05, ErrRateRange, "funnel: p[0] = 1.5: rate outside [0,1]"},
		{"p NaN", []float64{0.2, 0.3, math.NaN()}, 0.05, ErrNotFinite, "funnel: p[2] = NaN: not a finite number"},
		{"p Inf", []float64{math.Inf(-1)}, 0.05, ErrNotFinite, "funnel: p[0] = -Inf: not a finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BenjaminiHochberg(tt.p, tt.q)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("error text = %q, want %q", err, tt.text)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("error %T is not a *InputError", err)
			}
			if got.Adjusted != nil || got.Count != 0 {
				t.Errorf("result %+v with an error, want the zero Discoveries", got)
			}
		})
	}
}

// FuzzBenjaminiHochberg: for p-values read from the bytes (each 8 bytes a
// float64, folded into [0, 1] unless raw) and any q, no panic; on success
// every adjusted value is in [0, 1], at least its p-value, ordered as the
// p-values are, a discovery exactly when at most q, the discoveries
// those of the step-up rule, and the input unchanged.
func FuzzBenjaminiHochberg(f *testing.F) {
	enc := func(p []float64) []byte {
		var b []byte
		for _, v := range p {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	f.Add(enc(bh95), 0.05, false)
	f.Add(enc([]float64{0.01, 0.04, 0.04, 0.03, 0.5}), 0.05, false)
	f.Add(enc([]float64{0.6, 0.025}), 0.05, false)
	f.Add(enc([]float64{1, 0, 0.9}), 0.1, true)
	f.Add([]byte{}, 0.5, true)
	f.Add(enc([]float64{math.NaN(), -1}), 1.0, true)
	// Found by the fuzzer: 3·p/3 rounded below p (TestBenjaminiHochbergNotBelowP).
	f.Add([]byte("9y272#8f0000000000000000"), 0.45, false)
	f.Fuzz(func(t *testing.T, b []byte, q float64, raw bool) {
		var p []float64
		for len(b) >= 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(b))
			if !raw {
				v = math.Mod(math.Abs(v), 1.0000001)
				if math.IsNaN(v) {
					v = 0.5
				}
				v = min(v, 1)
			}
			p = append(p, v)
			b = b[8:]
		}
		in := slices.Clone(p)
		got, err := BenjaminiHochberg(in, q)
		if !slices.EqualFunc(in, p, func(a, b float64) bool { return a == b || (a != a && b != b) }) {
			t.Fatalf("input modified")
		}
		if err != nil {
			return
		}
		if len(got.Adjusted) != len(p) || len(got.Discovery) != len(p) {
			t.Fatalf("lengths %d, %d for %d p-values", len(got.Adjusted), len(got.Discovery), len(p))
		}
		count := 0
		for i, a := range got.Adjusted {
			if !(a >= 0 && a <= 1) || a < p[i] {
				t.Fatalf("adjusted[%d] = %v for p %v", i, a, p[i])
			}
			if got.Discovery[i] != (a <= q) {
				t.Fatalf("discovery[%d] = %v with adjusted %v, q %v", i, got.Discovery[i], a, q)
			}
			if got.Discovery[i] {
				count++
			}
			for j := range p {
				if p[i] < p[j] && a > got.Adjusted[j] {
					t.Fatalf("p[%d] = %v < p[%d] = %v but adjusted %v > %v", i, p[i], j, p[j], a, got.Adjusted[j])
				}
			}
		}
		if count != got.Count {
			t.Fatalf("Count %d, %d discoveries", got.Count, count)
		}
		// The step-up rule agrees except where m·p/j and q differ only
		// by rounding.
		su := stepUp(p, q)
		for i := range p {
			if su[i] != got.Discovery[i] && math.Abs(got.Adjusted[i]-q) > 1e-12 {
				t.Fatalf("p[%d] = %v: discovery %v, step-up rule %v (adjusted %v, q %v)", i, p[i], got.Discovery[i], su[i], got.Adjusted[i], q)
			}
		}
	})
}
