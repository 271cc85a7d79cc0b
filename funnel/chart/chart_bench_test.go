package chart

import (
	"io"
	"testing"
)

// BenchmarkWrite draws the fixtures (the heatmap is 12 reps × 7 stages)
// at their natural size.
func BenchmarkWrite(b *testing.B) {
	for _, c := range []struct {
		name string
		c    Chart
	}{{"funnel", designFunnel()}, {"heatmap", fixtureHeatmap()}, {"forecast", fixtureForecast()}} {
		for _, f := range []Format{SVG, PNG} {
			b.Run(c.name+"/"+f.String(), func(b *testing.B) {
				for b.Loop() {
					if err := Write(io.Discard, c.c, f, 0, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
