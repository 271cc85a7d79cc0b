// Command review prints a team funnel review from a CRM stage-history
// export: the team funnel with conversions and their uncertainty, where
// open deals are left out of the resolved rates, then each rep's outcomes
// with a win rate shrunk toward the team's so that a small record does not
// top the table, and the time deals spend in each stage.
//
// With no argument it reads the sample export embedded in the program (a
// synthetic team of eight reps, made with the bench generator); with -in
// it reads a file of the same long shape (deal_id, owner, segment, source,
// stage, entered_at, amount):
//
//	go run ./examples/review
//	go run ./examples/review -in pipeline.csv
package main
