package chart

// The fixtures: realistic data with the long names, twelve reps and seven
// stages that the charts must lay out without overlap.

// designFunnel is the worked funnel of DESIGN.md and of package funnel's
// documentation: 200, 80, 40, 12, 6 closed deals, steps 80/200 = 0.40,
// 40/80 = 0.50, 12/40 = 0.30, 6/12 = 0.50.
func designFunnel() Funnel {
	return Funnel{Title: "Team funnel", Stages: []FunnelStage{
		{Name: "Lead", Count: 200},
		{Name: "Qualified", Count: 80, Rate: 80.0 / 200, HasRate: true},
		{Name: "Meeting", Count: 40, Rate: 40.0 / 80, HasRate: true},
		{Name: "Proposal", Count: 12, Rate: 12.0 / 40, HasRate: true},
		{Name: "Won", Count: 6, Rate: 6.0 / 12, HasRate: true},
	}}
}

var fixtureReps = []string{
	"Alexandra Konstantinopoulou", "Ben Ito", "Chiara Esposito-Marchetti",
	"Dmitri Volkov", "Eun-ji Park", "Fatima Al-Sayed", "Gareth O'Donnell",
	"Hiroshi Yamamoto", "Ingrid Svensson", "Jean-Baptiste Lefebvre",
	"Kwame Mensah", "Lucía Fernández",
}

var fixtureStages = []string{
	"Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
	"Id. Decision Makers", "Proposal/Price Quote", "Negotiation/Review",
}

// fixtureHeatmap is 12 reps × 7 stages; cell (r, c) is
// ((7r + 13c) mod 41) − 28 percentage points, and has no data when
// (r + c) mod 9 = 4, that is r + c = 4 (r = 0..4: 5 cells) or r + c = 13
// (c = 13 − r ≤ 6 so r = 7..11: 5 cells), 10 in all. The valid gaps run
// from −28 (cell (0,0)) to at most 40 − 28 = +12, so the scale's limit
// is 28.
func fixtureHeatmap() Heatmap {
	h := Heatmap{Title: "Gap to the benchmark by rep and stage", Rows: fixtureReps, Columns: fixtureStages}
	for r := range fixtureReps {
		row := make([]Cell, len(fixtureStages))
		for c := range row {
			row[c] = Cell{Value: float64((7*r+13*c)%41) - 28, Valid: (r+c)%9 != 4}
		}
		h.Cells = append(h.Cells, row)
	}
	return h
}

// fixtureTornado is a chain with revenue 100,000 at the base, each lever
// moved by ∓10% (Low is the lever −10%):
//
//	ASP:       100,000 × 0.9 = 90,000,  × 1.1 = 110,000       swing 20,000
//	cycle:     100,000 / 0.9 = 111,111.11, / 1.1 = 90,909.09  swing 20,202.02
//	win rate:  0.95 × 0.9 → 90,000; 0.95 × 1.1 capped at 1 →
//	           100,000 / 0.95 = 105,263.16                    swing 15,263.16
//	meetings:  held at capacity, 100,000 both ways            swing 0
func fixtureTornado() Tornado {
	return Tornado{
		Title: "Revenue sensitivity, each lever ±10%", Unit: "revenue per quarter, USD",
		Base: 100_000, LowName: "lever −10%", HighName: "lever +10%",
		Levers: []Lever{
			{Name: "Average selling price", Low: 90_000, High: 110_000},
			{Name: "Sales cycle (days)", Low: 111_111.11, High: 90_909.09},
			{Name: "Meetings held (at capacity)", Low: 100_000, High: 100_000},
			{Name: "Proposal → Won (win rate)", Low: 90_000, High: 105_263.16},
		},
	}
}

// fixtureForecast is twelve reps; rep i has P50 = 300,000 + 37,000 × i,
// P10 = 0.6 × P50, P90 = 1.45 × P50 and a quota of 400,000, 450,000 or
// 500,000.
func fixtureForecast() Forecast {
	f := Forecast{Title: "Q4 forecast by rep", Unit: "bookings in Q4, USD"}
	for i, n := range fixtureReps {
		p50 := 300_000 + 37_000*float64(i)
		f.Reps = append(f.Reps, RepForecast{Name: n, P10: 0.6 * p50, P50: p50, P90: 1.45 * p50, Quota: 400_000 + 50_000*float64(i%3)})
	}
	return f
}

// fixtureHistogram is the samples 1, 2, ..., 100 and a quota of 75.
func fixtureHistogram() Histogram {
	h := Histogram{Title: "Team bookings, 100 simulated quarters", Unit: "bookings, USD k", Quota: 75}
	for i := 1; i <= 100; i++ {
		h.Samples = append(h.Samples, float64(i))
	}
	return h
}

// fixtureAges has five stages: 5 deals, 4 deals, none, 1 deal and 16.
func fixtureAges() Ages {
	a := Ages{Title: "Open pipeline age by stage", Stages: []StageAges{
		{Name: "Qualification", Days: []float64{40, 3, 90, 34, 10}},
		{Name: "Needs Analysis", Days: []float64{4, 1, 3, 2}},
		{Name: "Id. Decision Makers", Days: nil},
		{Name: "Proposal/Price Quote", Days: []float64{210}},
		{Name: "Negotiation/Review"},
	}}
	for j := range 16 {
		a.Stages[4].Days = append(a.Stages[4].Days, float64((j*29)%150)+0.5)
	}
	return a
}

// allCharts is one of each chart, on the fixtures.
func allCharts() []Chart {
	return []Chart{designFunnel(), fixtureHeatmap(), fixtureTornado(), fixtureForecast(), fixtureHistogram(), fixtureAges()}
}
