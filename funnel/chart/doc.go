// Package chart draws funnel results as charts with gonum.org/v1/plot, in
// SVG or PNG: funnel bars ([Funnel]), a rep × stage heatmap of gaps to a
// benchmark ([Heatmap]), a tornado of levers ([Tornado]), a quota
// forecast per rep ([Forecast]) or as a distribution ([Histogram]), and
// the age of the open pipeline by stage ([Ages]).
//
// The charts take plain data (names, counts, float64 values), not the
// results of the analysis packages, so that this package imports none of
// them: a program such as examples/review converts its results into these
// types. Each chart is a value that implements [Chart]; [Write] draws it
// to an io.Writer:
//
//	f := chart.Funnel{Title: "Team funnel", Stages: []chart.FunnelStage{
//		{Name: "Lead", Count: 200},
//		{Name: "Qualified", Count: 80, Rate: 0.40, HasRate: true},
//	}}
//	err := chart.Write(w, f, chart.SVG, 0, 0) // 0, 0: the chart's own size
//
// [Chart.Plot] returns the gonum plot itself, for a caller who wants to
// change it or draw it in another of gonum's formats.
//
// # Units and sizes
//
// Sizes are vg.Length, in points (1/72 inch). A zero width or height is
// the chart's natural size ([Chart.Size]): 7.5 inches wide and 30 points
// a row high, the heatmap wider with more columns, so that twelve reps
// and seven stages with long names read without overlapping. A PNG is
// rasterised at [DPI] (96) dots per inch: 7.5 inches is 720 pixels. Text
// is Liberation Sans, which gonum plot embeds, so PNG needs no system
// fonts and no network; an SVG names the font (with Arial, which has the
// same metrics, as the fallback) rather than embedding it.
//
// The charts print their own figures: counts with thousands separators
// ("1,234"), rates with one decimal ("42.0%"), gaps in percentage points
// with their sign ("+4.2", "-12.5"), money and other values on one scale
// per chart ("1.23M", "845k", "12.3k"). A figure that does not exist is
// never a NaN: a step rate has HasRate, a heatmap cell has Valid, and they
// print "–" and "n/a".
//
// # Colour
//
// Every distinction a chart draws in colour also differs in lightness, or
// in shape: the two scenarios of a tornado are dark and light, the quota
// of a forecast is an upright stroke beside a round P50, and the heatmap's
// diverging scale (ColorBrewer RdBu) is darker below the benchmark than
// above it at the same size of gap, and prints every value with its sign.
// Text on a dark cell is white, chosen by the WCAG contrast ratio. The
// charts read when printed in grey.
//
// # Output
//
// The output depends only on the data, the format and the size: the same
// chart gives the same SVG bytes. Drawing does not modify the chart, keeps
// no state between calls, and is safe for concurrent use.
//
// # Errors
//
// Data a chart cannot draw gets a *[funnel.InputError] with Op naming the
// chart ("chart.Funnel", "chart.Heatmap"...) and Name the field
// ("Stages[2].Rate", "Cells[3][1].Value"), wrapping a sentinel of package
// funnel: [funnel.ErrNoData] for a chart with no rows, [funnel.ErrLengthMismatch]
// for heatmap cells that do not match its rows and columns,
// [funnel.ErrNotFinite] for NaN or infinity, and [funnel.ErrNegativeCount],
// [funnel.ErrNegative], [funnel.ErrRateRange] or [funnel.ErrOutOfRange]
// for values outside the documented domain. Nothing panics on data.
//
// # Examples
//
// See the package Example, which draws a funnel and prints its labels,
// and the Examples of each chart.
package chart
