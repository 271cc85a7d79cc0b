package beamtally

import (
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// BenchStages returns the stages of the bench generator's data (and of
// examples/review's default funnel), the funnel a zero Config uses, in order:
// Lead, Qualified, Meeting, Proposal, Negotiation, Closed Won (the won stage).
// Each call returns a new slice.
func BenchStages() []string {
	return []string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"}
}

// Config says how the shards are read and how deals are grouped. It travels
// to the workers inside the pipeline's DoFns, so it holds only plain values
// (no functions, no compiled patterns): every field is encoded as JSON, and
// string fields must be valid UTF-8.
//
// The zero Config reads the bench generator's output (header
// deal_id,owner,segment,source,stage,entered_at,amount, RFC 3339 times in UTC,
// comma-separated) over BenchStages, grouped by owner, in strict mode: the
// first row that cannot be read fails the pipeline.
type Config struct {
	// Stages are the funnel's stages in order, the last the won stage;
	// nil means BenchStages.
	Stages []string `json:"stages,omitempty"`
	// Columns maps the header to roles, as crm.Long.Columns does; the zero
	// value reads the bench generator's header.
	Columns crm.LongColumns `json:"columns"`
	// Aliases maps an export's stage name to a funnel stage
	// (crm.Stages.Aliases); nil means none.
	Aliases map[string]string `json:"aliases,omitempty"`
	// Lost lists the names that mean the deal was lost (crm.Stages.Lost);
	// nil means "Closed Lost" and "Lost".
	Lost []string `json:"lost,omitempty"`
	// CaseSensitive matches stage names exactly (crm.Stages.CaseSensitive).
	CaseSensitive bool `json:"case_sensitive,omitempty"`
	// DateLayouts are extra date layouts (crm.Dates.Layouts).
	DateLayouts []string `json:"date_layouts,omitempty"`
	// TimeZone is the IANA name of the zone of dates without an offset
	// (crm.Dates.Location); "" means UTC.
	TimeZone string `json:"time_zone,omitempty"`
	// Comma is the field separator; 0 means ','.
	Comma rune `json:"comma,omitempty"`
	// By are the attributes deals are grouped by (funnel.NewTally); nil
	// means owner alone. The report writes one column per attribute.
	By []string `json:"by,omitempty"`
}

// GroupBy returns the grouping attributes: a copy of By, or ["owner"] when By
// is nil.
func (c Config) GroupBy() []string {
	if c.By == nil {
		return []string{funnel.AttrOwner}
	}
	return append([]string(nil), c.By...)
}

// Funnel returns the funnel of Stages (BenchStages when nil), with the errors
// of funnel.New: ErrEmptyFunnel, ErrBlankStage, ErrDuplicateStage.
func (c Config) Funnel() (funnel.Funnel, error) {
	s := c.Stages
	if s == nil {
		s = BenchStages()
	}
	return funnel.New(s...)
}

// Reader returns the crm.Long reader every deal is built with: the funnel,
// the columns and the options of c, strict (not lenient), without
// Scattered (each call reads the rows of one deal). A bad funnel returns
// funnel.New's error; an unknown TimeZone a *funnel.InputError wrapping
// crm.ErrBadConfig. The rest of the configuration (aliases, columns) is
// checked by the reader against a header; see Open.
func (c Config) Reader() (crm.Long, error) {
	f, err := c.Funnel()
	if err != nil {
		return crm.Long{}, err
	}
	var loc *time.Location
	if c.TimeZone != "" {
		if loc, err = time.LoadLocation(c.TimeZone); err != nil {
			return crm.Long{}, &funnel.InputError{Op: "beamtally.Config", Name: "time_zone", Value: c.TimeZone, Err: fmt.Errorf("%w: %v", crm.ErrBadConfig, err)}
		}
	}
	return crm.Long{
		Funnel:  f,
		Columns: c.Columns,
		Options: crm.Options{
			Stages: crm.Stages{Aliases: c.Aliases, Lost: c.Lost, CaseSensitive: c.CaseSensitive},
			Dates:  crm.Dates{Layouts: c.DateLayouts, Location: loc},
			Comma:  c.Comma,
		},
	}, nil
}

// idColumn returns the header name of the deal id column, as crm.Long reads
// LongColumns.ID.
func (c Config) idColumn() string {
	if c.Columns.ID == "" {
		return "deal_id"
	}
	return c.Columns.ID
}

// comma returns the separator as a byte, checked as crm.Options.Comma is.
func (c Config) comma() (byte, error) {
	switch {
	case c.Comma == 0:
		return ',', nil
	case c.Comma < 0x80 && c.Comma != '"' && c.Comma != '\r' && c.Comma != '\n':
		return byte(c.Comma), nil
	}
	return 0, &funnel.InputError{Op: "beamtally.Config", Name: "comma", Value: fmt.Sprintf("%q", c.Comma), Err: fmt.Errorf("%w: the separator must be one byte other than a quote or a line end", crm.ErrBadConfig)}
}
