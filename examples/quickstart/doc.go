// Command quickstart is the quickstart of the README: a conversion table
// with intervals, then the reverse funnel for a target.
package main
