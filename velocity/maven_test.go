package velocity

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// mavenPath is the public Maven CRM sample (see
// /work/shared/data/maven-crm/README.md); it is not shipped with the module.
const mavenPath = "../../shared/data/maven-crm/sales_pipeline.csv"

// mavenRow is one row of sales_pipeline.csv.
type mavenRow struct {
	id, agent, stage string
	engage, close    time.Time
	value            decimal.Decimal
}

func readMaven(t *testing.T) []mavenRow {
	t.Helper()
	f, err := os.Open(mavenPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s absent", mavenPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("column %s missing", h)
		}
	}
	var rows []mavenRow
	for i, r := range recs[1:] {
		row := mavenRow{id: r[col["opportunity_id"]], agent: r[col["sales_agent"]], stage: r[col["deal_stage"]]}
		if s := r[col["engage_date"]]; s != "" {
			if row.engage, err = time.Parse(time.DateOnly, s); err != nil {
				t.Fatalf("line %d: %v", i+2, err)
			}
		}
		if s := r[col["close_date"]]; s != "" {
			if row.close, err = time.Parse(time.DateOnly, s); err != nil {
				t.Fatalf("line %d: %v", i+2, err)
			}
		}
		if s := r[col["close_value"]]; s != "" {
			if row.value, err = decimal.NewFromString(s); err != nil {
				t.Fatalf("line %d: %v", i+2, err)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// mavenDeals builds deals in the funnel Prospecting > Engaging > Won: a
// Prospecting row has one untimed event and no start; an Engaging row
// entered Engaging at engage_date; Won and Lost rows were created at
// engage_date and closed at close_date, a won one entering Won then. The
// amount of a won deal is close_value; a lost deal's close_value is always
// 0 in this export, which is no amount, so it is left out.
func mavenDeals(t *testing.T, f funnel.Funnel, rows []mavenRow) []funnel.Deal {
	t.Helper()
	deals := make([]funnel.Deal, 0, len(rows))
	for _, r := range rows {
		d := funnel.Deal{ID: r.id, Owner: r.agent}
		switch r.stage {
		case "Prospecting":
			d.Events = []funnel.Event{{Stage: 0}}
		case "Engaging":
			d.Created = r.engage
			d.Events = []funnel.Event{{Stage: 1, At: r.engage}}
		case "Won":
			d.Created, d.Closed, d.Outcome = r.engage, r.close, funnel.Won
			d.Events = []funnel.Event{{Stage: 1, At: r.engage}, {Stage: 2, At: r.close}}
			d.Amount = decimal.NewNullDecimal(r.value)
		case "Lost":
			d.Created, d.Closed, d.Outcome = r.engage, r.close, funnel.Lost
			d.Events = []funnel.Event{{Stage: 1, At: r.engage}}
		default:
			t.Fatalf("deal %s: stage %q", r.id, r.stage)
		}
		if err := d.Validate(f); err != nil {
			t.Fatal(err)
		}
		deals = append(deals, d)
	}
	return deals
}

func TestMeasureMaven(t *testing.T) {
	rows := readMaven(t)
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	deals := mavenDeals(t, f, rows)
	// The export runs from October 2016 to December 2017.
	from, to := date("2016-10-01"), date("2018-01-01")
	// Every deal live in the window counted (CountLive), so that the
	// opportunities are the engaged rows of the export.
	r, err := MeasureDeals(f, deals, from, to, Options{Count: CountLive})
	if err != nil {
		t.Fatal(err)
	}

	// The second way: sums straight from the rows, per agent.
	type sums struct {
		engaged, won, lost, prospecting int64
		wonValue                        decimal.Decimal
		cycleDays                       float64 // won deals, close − engage
	}
	direct := map[string]*sums{}
	for _, row := range rows {
		s := direct[row.agent]
		if s == nil {
			s = &sums{}
			direct[row.agent] = s
		}
		switch row.stage {
		case "Prospecting":
			s.prospecting++
			continue
		case "Won":
			s.won++
			s.wonValue = s.wonValue.Add(row.value)
			s.cycleDays += row.close.Sub(row.engage).Hours() / 24
		case "Lost":
			s.lost++
		}
		s.engaged++
	}
	if len(r.Groups) != len(direct) {
		t.Fatalf("%d groups, want %d agents", len(r.Groups), len(direct))
	}
	if len(direct) != 30 {
		t.Errorf("%d agents with deals, want 30 (README)", len(direct))
	}
	var totalWon, totalClosed int64
	for _, m := range r.Groups {
		agent := m.Group[0]
		s := direct[agent]
		if s == nil {
			t.Fatalf("group %q is no agent", agent)
		}
		totalWon += s.won
		totalClosed += s.won + s.lost
		// Every engaged deal is live in the window; prospecting rows have
		// no date and are undated.
		if m.Opportunities != float64(s.engaged) || m.Undated != s.prospecting {
			t.Errorf("%s: opportunities %v undated %d, want %d and %d", agent, m.Opportunities, m.Undated, s.engaged, s.prospecting)
		}
		if m.WinCount != (funnel.Rate{K: s.won, N: s.won + s.lost}) {
			t.Errorf("%s: win count %v, want %d of %d", agent, m.WinCount, s.won, s.won+s.lost)
		}
		if w := float64(s.won) / float64(s.won+s.lost); !m.WinRate.Valid || m.WinRate.Float64-w > 1e-15 || w-m.WinRate.Float64 > 1e-15 {
			t.Errorf("%s: win rate %v, want %v", agent, m.WinRate, w)
		}
		// The ASP is money a user reads: to the cent, half to even.
		asp := s.wonValue.DivRound(decimal.NewFromInt(s.won), 20).RoundBank(2)
		if !m.ASP.Valid || !m.ASP.Decimal.Equal(asp) {
			t.Errorf("%s: ASP %v, want %v", agent, m.ASP, asp)
		}
		// Every won deal closed in the window: the bookings are its sum.
		if !m.Bookings.Equal(s.wonValue) {
			t.Errorf("%s: bookings %v, want %v", agent, m.Bookings, s.wonValue)
		}
		// Mean of whole days; the package rounds to the nanosecond.
		if c, want := m.Cycle.Hours()/24, s.cycleDays/float64(s.won); c-want > 1e-9 || want-c > 1e-9 {
			t.Errorf("%s: mean cycle %v days, want %v", agent, c, want)
		}
	}
	// Whole export, from the row counts in the README: 4238 won, 2473 lost.
	if r.Total.WinCount != (funnel.Rate{K: 4238, N: 4238 + 2473}) || totalWon != 4238 || totalClosed != 6711 {
		t.Errorf("total win count %v (rows %d of %d), want 4238 of 6711", r.Total.WinCount, totalWon, totalClosed)
	}
	if r.Total.Undated != 500 || r.Total.Opportunities != 8300 {
		t.Errorf("total undated %d opportunities %v, want 500 prospecting and 8300 engaged", r.Total.Undated, r.Total.Opportunities)
	}
	// Every agent's levers are defined and give a velocity.
	for _, m := range r.Groups {
		l, err := m.Levers()
		if err != nil {
			t.Errorf("%s: %v", m.Group[0], err)
			continue
		}
		if _, err := l.Velocity(); err != nil {
			t.Errorf("%s: %v", m.Group[0], err)
		}
	}
}
