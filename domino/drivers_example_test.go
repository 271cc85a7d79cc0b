package domino_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/domino"
)

// The rep with the longest cycle also carries the largest deals: cycle
// length seems to explain bookings ($k) until deal size is held constant.
// R agrees: with x, y, z the columns, summary(lm(y ~ x)) gives 104.25 +
// 1.575x, R² 0.6665, p 0.01342; cor(resid(lm(y ~ z)), resid(lm(x ~ z)))
// = 0.06594, and 2*pt(-t, 5) = 0.8883.
func ExampleDrivers() {
	obs := []domino.Observation{
		{Name: "Ana", Activity: 90, Output: 260, Confounders: map[string]float64{"deal_size": 40}},
		{Name: "Ben", Activity: 70, Output: 250, Confounders: map[string]float64{"deal_size": 40}},
		{Name: "Cai", Activity: 90, Output: 220, Confounders: map[string]float64{"deal_size": 40}},
		{Name: "Dee", Activity: 70, Output: 220, Confounders: map[string]float64{"deal_size": 40}},
		{Name: "Eli", Activity: 50, Output: 180, Confounders: map[string]float64{"deal_size": 20}},
		{Name: "Fay", Activity: 30, Output: 180, Confounders: map[string]float64{"deal_size": 20}},
		{Name: "Gus", Activity: 50, Output: 140, Confounders: map[string]float64{"deal_size": 20}},
		{Name: "Hal", Activity: 30, Output: 140, Confounders: map[string]float64{"deal_size": 20}},
	}
	a, err := domino.Drivers(obs, domino.DriverParams{Confounders: []string{"deal_size"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := a.Regression
	fmt.Printf("bookings = %.2f + %.3f × cycle days, R² %.2f, p %.4f, significant %v\n", r.Intercept, r.Slope, r.RSquared, r.P, a.Significant)
	c := a.Confounders[0]
	fmt.Printf("controlling for %s: partial r %.2f, p %.2f, survives %v\n", c.Name, c.PartialR.Float64, c.P.Float64, c.Survives)
	fmt.Println("association survives:", a.Survives)
	// Output:
	// bookings = 104.25 + 1.575 × cycle days, R² 0.67, p 0.0134, significant true
	// controlling for deal_size: partial r 0.07, p 0.89, survives false
	// association survives: false
}

// Calls explain meetings booked across ten reps, and still do with deal
// size held constant.
func ExampleDriversOf() {
	calls := []float64{120, 95, 150, 80, 130, 110, 160, 70, 140, 100}
	meetings := []float64{14, 10, 19, 9, 15, 11, 20, 8, 15, 13}
	deal := []float64{18, 25, 22, 30, 15, 20, 24, 28, 16, 21}
	a, err := domino.DriversOf(calls, meetings, map[string][]float64{"deal_size": deal},
		domino.DriverParams{Confounders: []string{"deal_size"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := a.Regression
	fmt.Printf("%.1f meetings per 100 calls (SE %.1f), R² %.3f, n %d\n", 100*r.Slope, 100*r.SlopeSE, r.RSquared, a.N)
	c := a.Confounders[0]
	fmt.Printf("partial r given %s %.3f (p %.1e), survives %v\n", c.Name, c.PartialR.Float64, c.P.Float64, a.Survives)
	// Output:
	// 13.0 meetings per 100 calls (SE 1.3), R² 0.926, n 10
	// partial r given deal_size 0.961 (p 3.6e-05), survives true
}
