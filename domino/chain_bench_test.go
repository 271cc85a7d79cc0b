package domino

import (
	"testing"

	"github.com/shopspring/decimal"
)

// BenchmarkTornado10 is a tornado over 10 levers: the top, eight rates and
// the ASP.
func BenchmarkTornado10(b *testing.B) {
	c := Chain{Top: 5000, ASP: decimal.NewFromInt(12000)}
	for k := range 8 {
		c.Stages = append(c.Stages, Stage{Name: "s" + string(rune('a'+k)), Rate: 0.3 + 0.05*float64(k)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TornadoOf(c, Relative, 0.1); err != nil {
			b.Fatal(err)
		}
	}
}
