package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/funnelmath/funnelmath/internal/ownerfunnel"
)

// runReport prints the report -report names; owner-funnel is the only one.
func runReport(ctx context.Context, w, stderr io.Writer, cfg config) error {
	f, err := funnelOf(cfg)
	if err != nil {
		return err
	}
	var skipped int
	opts, err := options(cfg, stderr, &skipped)
	if err != nil {
		return err
	}
	fh, err := os.Open(cfg.in)
	if err != nil {
		return err
	}
	defer fh.Close()
	// The file itself, not a buffered reader of it: a tally reads a large
	// file in parts on every core, and reads it again as scattered when
	// the rows of a deal are not together.
	t, err := tally(ctx, cfg, f, opts, fh)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.in, err)
	}
	bw := bufio.NewWriter(w)
	if err := ownerfunnel.Write(bw, f, t.By(), t.Groups()); err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSON prints the review as one indented JSON document.
func writeJSON(w io.Writer, rv Review) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rv)
}
