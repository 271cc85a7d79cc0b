// Package span measures spans of time in days for the funnelmath packages,
// past the roughly 292 years that time.Duration holds.
//
// # Units
//
// A span is a float64 number of 24-hour days, negative when it runs
// backwards.
package span
