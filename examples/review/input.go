package main

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/shopspring/decimal"
)

// sample is the embedded sample team: its stage history, activity log and
// quotas (see sample/README.md).
//
//go:embed sample/deals.csv sample/activities.csv sample/quotas.csv
var sample embed.FS

// defaultStages is the funnel of the sample and of the bench's data.
const defaultStages = "Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won"

// input is what the review reads: the funnel, the deals with their
// activities attached, and the quotas.
type input struct {
	Source     string
	Funnel     funnel.Funnel
	Deals      []funnel.Deal
	Activities bool // an activity log was read
	Unmatched  int  // activities that matched no deal
	Skipped    int  // rows or deals skipped in lenient mode
	Quotas     map[string]decimal.Decimal
}

// funnelOf returns the funnel the flags name.
func funnelOf(cfg config) (funnel.Funnel, error) {
	s := cfg.stages
	if s == "" {
		s = defaultStages
	}
	f, err := funnel.New(splitList(s)...)
	if err != nil {
		return f, fmt.Errorf("-stages: %w", err)
	}
	return f, nil
}

// splitList splits a comma-separated flag value and trims each item.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitMap reads "a=b,c=d" into a map; the flag names it for errors.
func splitMap(flagName, s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, p := range splitList(s) {
		k, v, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("-%s: %q is not name=value", flagName, p)
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m, nil
}

// options returns the reader options the flags set; skipped rows are
// reported on stderr and counted.
func options(cfg config, stderr io.Writer, skipped *int) (crm.Options, error) {
	var o crm.Options
	al, err := splitMap("alias", cfg.aliases)
	if err != nil {
		return o, err
	}
	o.Stages.Aliases = al
	if cfg.lost != "" {
		o.Stages.Lost = splitList(cfg.lost)
	}
	if cfg.comma != "" {
		o.Comma, _ = utf8.DecodeRuneInString(cfg.comma)
	}
	if cfg.lenient {
		o.Lenient = true
		o.OnSkip = func(e *crm.RowError) {
			*skipped++
			fmt.Fprintln(stderr, "review: skipped:", e)
		}
	}
	return o, nil
}

// or returns the flag's value when set, else the preset's.
func or(flagValue, preset string) string {
	if flagValue != "" {
		return flagValue
	}
	return preset
}

// source is a configured reader of package crm: crm.Long, crm.Wide or
// crm.Snapshot.
type source interface {
	Deals(ctx context.Context, r io.Reader) iter.Seq2[funnel.Deal, error]
	Tally(ctx context.Context, r io.Reader, by ...string) (*funnel.Tally, error)
}

// readerOf returns the reader the flags describe.
func readerOf(cfg config, f funnel.Funnel, opts crm.Options) (source, error) {
	c := cfg.cols
	dates, err := splitMap("stage-dates", c.stageDates)
	if err != nil {
		return nil, err
	}
	format := cfg.format
	switch cfg.preset {
	case "salesforce":
		if format != "" && format != "long" {
			return nil, fmt.Errorf("-preset salesforce reads the long format, not -format %s", format)
		}
		format = "long"
	case "hubspot":
		if format != "" && format != "wide" {
			return nil, fmt.Errorf("-preset hubspot reads the wide format, not -format %s", format)
		}
		format = "wide"
	}
	if format == "" {
		format = "long"
	}
	switch format {
	case "long":
		if dates != nil || c.created != "" || c.closed != "" || c.status != "" || c.lostAt != "" || c.isLost != "" {
			return nil, errors.New("-stage-dates, -created, -closed, -status, -lost-at and -is-lost are for the wide and snapshot formats")
		}
		rd := crm.Long{Funnel: f}
		if cfg.preset == "salesforce" {
			rd = crm.SalesforceHistory(f)
		}
		p := rd.Columns
		rd.Columns = crm.LongColumns{ID: or(c.id, p.ID), Stage: or(c.stage, p.Stage), At: or(c.at, p.At),
			Owner: or(c.owner, p.Owner), Segment: or(c.segment, p.Segment), Source: or(c.source, p.Source),
			Account: or(c.account, p.Account), Amount: or(c.amount, p.Amount), ExpectedClose: or(c.expectedClose, p.ExpectedClose),
			Assigned: or(c.assigned, p.Assigned), Deleted: or(c.deleted, p.Deleted), AllowAbsent: p.AllowAbsent}
		rd.Scattered = rd.Scattered || cfg.scattered
		rd.Options = mergeOptions(rd.Options, opts)
		return rd, nil
	case "wide":
		if c.at != "" || c.status != "" || c.deleted != "" {
			return nil, errors.New("-at, -status and -deleted are not columns of the wide format")
		}
		rd := crm.Wide{Funnel: f}
		if cfg.preset == "hubspot" {
			rd = crm.HubSpotDeals(f)
		}
		p := rd.Columns
		sd := p.StageDates
		if dates != nil {
			sd = dates
		}
		rd.Columns = crm.WideColumns{ID: or(c.id, p.ID), Owner: or(c.owner, p.Owner), Segment: or(c.segment, p.Segment),
			Source: or(c.source, p.Source), Account: or(c.account, p.Account), Amount: or(c.amount, p.Amount),
			ExpectedClose: or(c.expectedClose, p.ExpectedClose), Assigned: or(c.assigned, p.Assigned), Created: or(c.created, p.Created),
			StageDates: sd, StagePattern: p.StagePattern, LostAt: or(c.lostAt, p.LostAt), Lost: or(c.isLost, p.Lost),
			Stage: or(c.stage, p.Stage), Closed: or(c.closed, p.Closed), AllowAbsent: p.AllowAbsent}
		rd.Options = mergeOptions(rd.Options, opts)
		return rd, nil
	default: // snapshot
		if c.at != "" || c.lostAt != "" || c.isLost != "" || c.deleted != "" {
			return nil, errors.New("-at, -lost-at, -is-lost and -deleted are not columns of the snapshot format")
		}
		rd := crm.Snapshot{Funnel: f, Columns: crm.SnapshotColumns{ID: c.id, Stage: c.stage, Status: c.status, Owner: c.owner,
			Segment: c.segment, Source: c.source, Account: c.account, Amount: c.amount, ExpectedClose: c.expectedClose,
			Assigned: c.assigned, Created: c.created, Closed: c.closed, StageDates: dates}, Options: opts}
		return rd, nil
	}
}

// mergeOptions lays the flags' options over a preset's: stage names and
// the separator from the flags when given, the skip handling always.
func mergeOptions(preset, flags crm.Options) crm.Options {
	o := preset
	if flags.Stages.Aliases != nil {
		o.Stages.Aliases = flags.Stages.Aliases
	}
	if flags.Stages.Lost != nil {
		o.Stages.Lost = flags.Stages.Lost
	}
	if flags.Comma != 0 {
		o.Comma = flags.Comma
	}
	o.Lenient, o.OnSkip = flags.Lenient, flags.OnSkip
	return o
}

// open returns the named input: the file, or the embedded sample's file
// when no -in was given.
func open(cfg config, file, sampleName string) (io.ReadCloser, string, error) {
	if file == "" {
		fh, err := sample.Open("sample/" + sampleName)
		return fh, "embedded sample/" + sampleName, err
	}
	fh, err := os.Open(file)
	return fh, file, err
}

// load reads the deals, the activities and the quotas the flags name.
func load(ctx context.Context, cfg config, stderr io.Writer) (input, error) {
	var in input
	f, err := funnelOf(cfg)
	if err != nil {
		return in, err
	}
	in.Funnel = f
	opts, err := options(cfg, stderr, &in.Skipped)
	if err != nil {
		return in, err
	}
	fh, name, err := open(cfg, cfg.in, "deals.csv")
	if err != nil {
		return in, err
	}
	defer fh.Close()
	in.Source = name
	rd, err := readerOf(cfg, f, opts)
	if err != nil {
		return in, err
	}
	for d, err := range rd.Deals(ctx, fh) {
		if err != nil {
			return in, fmt.Errorf("%s: %w", name, err)
		}
		in.Deals = append(in.Deals, d)
	}
	if len(in.Deals) == 0 {
		return in, fmt.Errorf("%s: no deals: %w", name, funnel.ErrNoData)
	}
	actFile := cfg.activities
	if actFile != "" || cfg.in == "" {
		ah, aname, err := open(cfg, actFile, "activities.csv")
		if err != nil {
			return in, err
		}
		defer ah.Close()
		res, err := crm.ActivityLog{Options: opts}.ReadAll(ctx, ah)
		if err != nil {
			return in, fmt.Errorf("%s: %w", aname, err)
		}
		att, err := crm.Attach(in.Deals, res.Activities)
		if err != nil {
			return in, fmt.Errorf("%s: %w", aname, err)
		}
		in.Deals, in.Activities, in.Unmatched = att.Deals, true, len(att.Unmatched)
	}
	in.Quotas = map[string]decimal.Decimal{}
	if cfg.quotas != "" || cfg.in == "" {
		qh, qname, err := open(cfg, cfg.quotas, "quotas.csv")
		if err != nil {
			return in, err
		}
		defer qh.Close()
		if in.Quotas, err = readQuotas(qh); err != nil {
			return in, fmt.Errorf("%s: %w", qname, err)
		}
	}
	if cfg.quota != "" {
		q, err := crm.ParseAmount(cfg.quota)
		if err != nil || !q.Valid {
			return in, fmt.Errorf("-quota %q: not an amount: %v", cfg.quota, err)
		}
		for _, d := range in.Deals {
			if _, ok := in.Quotas[d.Owner]; !ok && strings.TrimSpace(d.Owner) != "" {
				in.Quotas[d.Owner] = q.Decimal
			}
		}
	}
	return in, nil
}

// readQuotas reads an owner,quota CSV with a header.
func readQuotas(r io.Reader) (map[string]decimal.Decimal, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if strings.TrimSpace(head[0]) != "owner" || strings.TrimSpace(head[1]) != "quota" {
		return nil, fmt.Errorf("header %q: want owner,quota", strings.Join(head, ","))
	}
	out := map[string]decimal.Decimal{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(1)
		q, err := crm.ParseAmount(rec[1])
		if err != nil || !q.Valid {
			return nil, fmt.Errorf("line %d: column \"quota\" = %q: not an amount: %v", line, rec[1], err)
		}
		owner := strings.TrimSpace(rec[0])
		if _, dup := out[owner]; dup {
			return nil, fmt.Errorf("line %d: owner %q listed twice", line, owner)
		}
		out[owner] = q.Decimal
	}
}

// tally reads the export the flags describe into a tally by owner.
func tally(ctx context.Context, cfg config, f funnel.Funnel, opts crm.Options, r io.Reader) (*funnel.Tally, error) {
	rd, err := readerOf(cfg, f, opts)
	if err != nil {
		return nil, err
	}
	return rd.Tally(ctx, r, funnel.AttrOwner)
}
