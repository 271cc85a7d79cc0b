package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestReviewHandWorked runs the review on four deals and checks its lines
// against figures worked by hand from testdata/hand.csv:
//
//	D1 ann  Lead 1/1, Qualified 1/2, Meeting 1/3, Proposal 1/4, Negotiation 1/5, won 1/11, 100
//	D2 ann  Lead 1/1, Qualified 1/3, lost 1/5, 50
//	D3 bob  Lead 1/2, lost 1/3, no amount
//	D4 bob  Lead 1/2, Qualified 1/4, open, 70
func TestReviewHandWorked(t *testing.T) {
	fh, err := os.Open("testdata/hand.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out strings.Builder
	if err := review(context.Background(), &out, fh, "hand.csv"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"4 deals: 1 won, 2 lost, 1 open",
		// Reached Lead 4, Qualified 3 (D1 D2 D4): 3/4 = 75.0%. Wilson 95%
		// with z = 1.959964: centre (0.75 + z²/8)/(1 + z²/4) = 0.62753,
		// half-width z·√(0.75·0.25/4 + z²/64)/(1 + z²/4) = 0.32689, so
		// [30.1, 95.4]. No deal is open at Lead: resolved 75.0%.
		"Qualified          3    75.0% [ 30.1,  95.4]%     75.0%   75.0%",
		// Meeting: D1 only, 1/3 = 33.3%; Wilson [6.1, 79.2]. D4 is open at
		// Qualified, so resolved is 1/(3 − 1) = 50.0%; 1/4 of the first.
		"Meeting            1    33.3% [  6.1,  79.2]%     50.0%   25.0%",
		// The weakest resolved step: into Qualified 3/4, into Meeting 1/2
		// (D4 is open at Qualified), after that 1/1.
		"weakest step: into Meeting (1/2 (50.0%) resolved)",
		// Win rates ann 1/2, bob 0/1; pooled 1/3 with too little spread,
		// so the prior is the fallback of strength ΣN = 3: Beta(1, 2).
		// Shrunk ann (1+1)/(2+3) = 40.0%, bob (0+1)/(1+3) = 25.0%. ann's
		// one win: avg 100.00, cycle 1/1 to 1/11 = 10 days.
		"prior Beta(1.0, 2.0)",
		"ann              2    1     1    0    50.0% [  9.5,  90.5]%   40.0%       100.00    10.0d",
		"bob              2    0     1    1     0.0% [  0.0,  79.3]%   25.0%            -        -",
		// Lead visits that ended: D1 1/1→1/2 = 1, D2 1/1→1/3 = 2, D3
		// 1/2→1/3 (its loss) = 1, D4 1/2→1/4 = 2 days: mean 1.5; of
		// 1 1 2 2 the median is (1 + 2)/2 = 1.5 and the p90, at position
		// 3 × 0.9 = 2.7, is 2 + 0.7 × (2 − 2) = 2.0.
		"Lead              4    1.5    1.5    2.0",
		// Negotiation: D1 1/5 → 1/11, 6 days.
		"Negotiation       1    6.0    6.0    6.0",
	}
	got := out.String()
	for _, line := range want {
		if !strings.Contains(got, line) {
			t.Errorf("review output lacks %q; output:\n%s", line, got)
		}
	}
}

// TestReviewSample runs the review on the embedded sample and checks its
// deal counts against a second count taken from the CSV text: distinct
// deal ids, and the ids with a Closed Won or Closed Lost row.
func TestReviewSample(t *testing.T) {
	var out strings.Builder
	if err := review(context.Background(), &out, strings.NewReader(sample), "sample"); err != nil {
		t.Fatal(err)
	}
	ids, won, lost := map[string]bool{}, map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(sample))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		ids[f[0]] = true
		switch f[4] {
		case "Closed Won":
			won[f[0]] = true
		case "Closed Lost":
			lost[f[0]] = true
		}
	}
	line := fmt.Sprintf("%d deals: %d won, %d lost, %d open", len(ids), len(won), len(lost), len(ids)-len(won)-len(lost))
	if !strings.Contains(out.String(), line) {
		t.Errorf("review output lacks %q; output:\n%s", line, out.String())
	}
}
