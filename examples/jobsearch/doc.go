// Command jobsearch runs the funnel math on a job search, the worked case
// of the design notes: the outreach needed for one offer, how often a
// search with six live initiatives hears back, and what referrals add to
// the top of the funnel.
//
//	go run ./examples/jobsearch
package main
