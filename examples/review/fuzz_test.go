package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzReadQuotas feeds the quota file parser arbitrary text: it returns
// quotas or an error, never panics, and every quota it returns is a
// valid non-negative amount.
func FuzzReadQuotas(f *testing.F) {
	f.Add("owner,quota\nann,120000.00\nbob,5\n")
	f.Add("owner,quota\nann,1e999999\n")
	f.Add("owner,quota\nann,-5\nann,6\n")
	f.Add("owner,quota\n\"a\nb\",7\n")
	f.Fuzz(func(t *testing.T, in string) {
		q, err := readQuotas(strings.NewReader(in))
		if err != nil {
			return
		}
		for owner, v := range q {
			if v.IsNegative() {
				t.Errorf("%q: negative quota %s", owner, v)
			}
		}
	})
}

// FuzzFlags runs the argument parser and the column flags' readers on
// arbitrary values: an error or a configuration, never a panic.
func FuzzFlags(f *testing.F) {
	f.Add("-stages", "Lead,Won", "-alias", "A=Lead")
	f.Add("-stage-dates", "Engaging=engage_date", "-comma", ";")
	f.Add("-as-of", "2026-01-01", "-period", "week")
	f.Add("-lookback", "-1", "-growth", "NaN")
	f.Fuzz(func(t *testing.T, a1, v1, a2, v2 string) {
		var out, errs bytes.Buffer
		cfg, err := parseFlags(&errs, []string{a1, v1, a2, v2})
		if err != nil {
			return
		}
		if _, err := funnelOf(cfg); err != nil {
			return
		}
		if _, err := splitMap("alias", cfg.aliases); err != nil {
			return
		}
		_, _ = splitMap("stage-dates", cfg.cols.stageDates)
		if cfg.in == "" && cfg.report == "" && cfg.svgDir == "" && cfg.pngDir == "" && cfg.activities == "" && cfg.quotas == "" {
			// The embedded sample with these flags: an error or a review.
			_ = run(context.Background(), &out, &errs, []string{a1, v1, a2, v2, "-draws", "10"})
		}
	})
}
