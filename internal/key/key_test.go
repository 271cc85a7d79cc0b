package key

import "testing"

// TestOfDistinct checks that distinct tuples get distinct keys, the cases
// that a separator byte would merge among them.
func TestOfDistinct(t *testing.T) {
	tuples := [][]string{
		{"x\x1fy", ""}, {"x", "y\x1f"}, {"ab", "c"}, {"a", "bc"}, {"a:b", ""}, {"a", ":b"},
		{"1:a", ""}, {"", ""}, {""}, {}, {"", "", ""}, {"10:aaaaaaaaaa"}, {"aaaaaaaaaa", ""},
	}
	seen := map[string]int{}
	for i, tu := range tuples {
		k := Of(tu...)
		if j, ok := seen[k]; ok {
			t.Errorf("Of(%q) = Of(%q) = %q", tu, tuples[j], k)
		}
		seen[k] = i
	}
	// The key of one value: its length, a colon and the value.
	if got := Of("ab", ""); got != "2:ab0:" {
		t.Errorf(`Of("ab", "") = %q, want "2:ab0:"`, got)
	}
	if got := string(Append([]byte("1:x"), "yz")); got != "1:x2:yz" {
		t.Errorf("Append = %q", got)
	}
}

// FuzzOf checks that two different pairs never share a key.
func FuzzOf(f *testing.F) {
	f.Add("x\x1fy", "", "x", "y\x1f")
	f.Add("ab", "c", "a", "bc")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		if (a != c || b != d) && Of(a, b) == Of(c, d) {
			t.Fatalf("Of(%q, %q) = Of(%q, %q)", a, b, c, d)
		}
	})
}
