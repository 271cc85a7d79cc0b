package span_test

import (
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/internal/span"
)

// A deal created in 1600 by a mistyped year is 155,229 days old on
// 2025-01-01 (425 years of 365 days and 104 leap days), beyond what
// time.Time.Sub can say: it stops at the largest Duration, 2⁶³−1 ns, or
// 106,751.99 days.
func ExampleDays() {
	created := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	asOf := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Printf("%.2f %.2f\n", span.Days(asOf, created), asOf.Sub(created).Hours()/24)
	// Output: 155229.00 106751.99
}
