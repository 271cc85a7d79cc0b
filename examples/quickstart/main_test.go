package main

import (
	"os"
	"strings"
	"testing"
)

// The quickstart's output: the conversions of 200, 80, 40, 12, 6 with
// their Wilson intervals, and the reverse funnel for 10 won, worked by
// hand in the funnel package's tests (10/0.5 = 20, ⌈20/0.3⌉ = 67,
// ⌈67/0.5⌉ = 134, ⌈134/0.4⌉ = 335; exactly 10/0.03 = 333.33 leads).
func Example_main() {
	main()
	// Output:
	// qualified 80/200 (40.0%)  95% [0.335, 0.469]
	// meeting   40/80 (50.0%)  95% [0.393, 0.607]
	// proposal  12/40 (30.0%)  95% [0.181, 0.454]
	// won       6/12 (50.0%)  95% [0.254, 0.746]
	// lead       335 (exactly 333.33)
	// qualified  134 (exactly 133.33)
	// meeting     67 (exactly 66.67)
	// proposal    20 (exactly 20.00)
	// won         10 (exactly 10.00)
}

// TestREADMEShowsThisProgram checks that the README's quickstart is this
// program, less its leading comment, so that the two cannot drift apart.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```go\npackage main\n")
	if !ok {
		t.Fatal("README.md has no go block starting with package main")
	}
	block, _, _ = strings.Cut(block, "```")
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, prog, ok := strings.Cut(string(src), "package main\n")
	if !ok {
		t.Fatal("main.go has no package clause")
	}
	if block != prog {
		t.Errorf("README.md's quickstart differs from examples/quickstart/main.go:\nREADME:\n%s\nmain.go:\n%s", block, prog)
	}
}
