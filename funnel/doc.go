// Package funnel is the vocabulary of sales-funnel math: an ordered list of
// required stages, rates kept with their counts, conversion between stages,
// the reverse funnel, deals with their stage histories, and the mergeable
// Tally that the other funnelmath packages read.
package funnel
