package chart_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"log"
	"strings"

	"github.com/funnelmath/funnelmath/funnel/chart"
	"gonum.org/v1/plot/vg"
)

// labels returns the texts of an SVG chart, in the order drawn.
func labels(svg []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	in := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			log.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "text"
		case xml.CharData:
			if in {
				out = append(out, string(tok))
			}
		case xml.EndElement:
			in = false
		}
	}
}

// contains reports which of want are texts of the SVG.
func contains(svg []byte, want ...string) {
	got := labels(svg)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		fmt.Printf("%-26q %v\n", w, found)
	}
}

// The funnel of 200 leads, 80 qualified, 40 meetings, 12 proposals and 6
// won, drawn to SVG: each bar is labelled with its count and the step
// rate into it.
func Example() {
	f := chart.Funnel{Title: "Team funnel", Stages: []chart.FunnelStage{
		{Name: "Lead", Count: 200},
		{Name: "Qualified", Count: 80, Rate: 80.0 / 200, HasRate: true},
		{Name: "Meeting", Count: 40, Rate: 40.0 / 80, HasRate: true},
		{Name: "Proposal", Count: 12, Rate: 12.0 / 40, HasRate: true},
		{Name: "Won", Count: 6, Rate: 6.0 / 12, HasRate: true},
	}}
	var b bytes.Buffer
	if err := chart.Write(&b, f, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	for _, l := range labels(b.Bytes()) {
		if strings.Contains(l, "(") && !strings.HasPrefix(l, "deals") {
			fmt.Println(l)
		}
	}
	// Output:
	// 80 (40.0%)
	// 40 (50.0%)
	// 12 (30.0%)
	// 6 (50.0%)
}

// Write at the chart's own size (0, 0) or at a given size in points; a
// PNG has 96 pixels an inch.
func ExampleWrite() {
	f := chart.Funnel{Stages: []chart.FunnelStage{{Name: "Lead", Count: 200}, {Name: "Won", Count: 6, Rate: 0.03, HasRate: true}}}
	w, h := f.Size()
	fmt.Printf("natural size: %.0f × %.0f pt\n", float64(w), float64(h))
	for _, size := range [][2]float64{{0, 0}, {432, 288}} {
		var b bytes.Buffer
		if err := chart.Write(&b, f, chart.PNG, vg.Length(size[0]), vg.Length(size[1])); err != nil {
			log.Fatal(err)
		}
		cfg, err := png.DecodeConfig(&b)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%v × %v pt: %d × %d px\n", size[0], size[1], cfg.Width, cfg.Height)
	}
	// Output:
	// natural size: 540 × 156 pt
	// 0 × 0 pt: 720 × 208 px
	// 432 × 288 pt: 576 × 384 px
}

// A heatmap of three reps' gaps to the benchmark at three stages, one
// without data.
func ExampleHeatmap() {
	h := chart.Heatmap{
		Title:   "Gap to the benchmark",
		Rows:    []string{"Ben Ito", "Eun-ji Park", "Lucía Fernández"},
		Columns: []string{"Qualified", "Meeting", "Won"},
		Cells: [][]chart.Cell{
			{{Value: -12.46, Valid: true}, {Value: 3.1, Valid: true}, {Value: 0, Valid: true}},
			{{Value: 0.5, Valid: true}, {Valid: false}, {Value: -4, Valid: true}},
			{{Value: -20, Valid: true}, {Value: -7.25, Valid: true}, {Value: 8, Valid: true}},
		},
	}
	var b bytes.Buffer
	if err := chart.Write(&b, h, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	contains(b.Bytes(), "Lucía Fernández", "-12.5", "+3.1", "n/a", "-20.0", "+20.0")
	// Output:
	// "Lucía Fernández"          true
	// "-12.5"                    true
	// "+3.1"                     true
	// "n/a"                      true
	// "-20.0"                    true
	// "+20.0"                    true
}

// A tornado of revenue 100,000 against two levers moved by ∓10%: the
// shorter cycle raises revenue to 100,000 / 0.9, the longer lowers it to
// 100,000 / 1.1.
func ExampleTornado() {
	t := chart.Tornado{
		Title: "Revenue, each lever ±10%", Unit: "revenue, USD", Base: 100_000,
		LowName: "lever −10%", HighName: "lever +10%",
		Levers: []chart.Lever{
			{Name: "Average selling price", Low: 90_000, High: 110_000},
			{Name: "Sales cycle", Low: 100_000 / 0.9, High: 100_000 / 1.1},
		},
	}
	var b bytes.Buffer
	if err := chart.Write(&b, t, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	contains(b.Bytes(), "111k", "91k", "90k", "110k", "base 100k")
	// Output:
	// "111k"                     true
	// "91k"                      true
	// "90k"                      true
	// "110k"                     true
	// "base 100k"                true
}

// A forecast for two reps: P10 to P90 as a bar, P50 as a dot and the quota
// as an upright stroke.
func ExampleForecast() {
	f := chart.Forecast{Title: "Q4 forecast", Unit: "bookings, USD", Reps: []chart.RepForecast{
		{Name: "Ben Ito", P10: 500_000, P50: 720_000, P90: 950_000, Quota: 800_000},
		{Name: "Eun-ji Park", P10: 610_000, P50: 805_000, P90: 990_000, Quota: 750_000},
	}}
	var b bytes.Buffer
	if err := chart.Write(&b, f, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	contains(b.Bytes(), "P50 720k · quota 800k", "P50 805k · quota 750k", "quota")
	// Output:
	// "P50 720k · quota 800k"    true
	// "P50 805k · quota 750k"    true
	// "quota"                    true
}

// The distribution of simulated bookings with the quota as a line.
func ExampleHistogram() {
	h := chart.Histogram{Title: "Simulated quarters", Unit: "bookings, USD k", Quota: 75}
	for i := 1; i <= 100; i++ {
		h.Samples = append(h.Samples, float64(i))
	}
	var b bytes.Buffer
	if err := chart.Write(&b, h, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	contains(b.Bytes(), "quota 75")
	// Output:
	// "quota 75"                 true
}

// The age of open deals at three stages: a box for the stage with five
// deals, dots for all, the median of each.
func ExampleAges() {
	a := chart.Ages{Title: "Open pipeline age", Stages: []chart.StageAges{
		{Name: "Qualification", Days: []float64{40, 3, 90, 34, 10}},
		{Name: "Proposal", Days: []float64{4, 1, 3, 2}},
		{Name: "Negotiation"},
	}}
	var b bytes.Buffer
	if err := chart.Write(&b, a, chart.SVG, 0, 0); err != nil {
		log.Fatal(err)
	}
	contains(b.Bytes(), "Qualification (n=5)", "median 34 d", "median 2.5 d", "Negotiation (n=0)", "no open deals")
	// Output:
	// "Qualification (n=5)"      true
	// "median 34 d"              true
	// "median 2.5 d"             true
	// "Negotiation (n=0)"        true
	// "no open deals"            true
}
