package main

import "errors"

// writeCharts writes the review's charts into dir in the format.
func writeCharts(rv Review, dir, format string) error {
	return errors.New("charts: not yet")
}
