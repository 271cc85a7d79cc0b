// Package beamtally tallies a long stage history (CSV shards, one row per
// stage entry, as the funnelmath bench generator writes them) into a
// funnel.Tally on Apache Beam, and writes the per-owner funnel report of
// examples/review (-report owner-funnel) from it.
//
// The pipeline is
//
//	shard paths ─ ParDo(read) ─► KV<deal id, Row> ─ GroupByKey ─► ParDo(build) ─►
//	KV<group, funnel.Deal> ─ CombinePerKey(TallyFn) ─► DropKey ─ Combine(merge) ─►
//	one Acc (the tally of every deal) ─ ParDo(report) ─► one string (the CSV)
//
// and its steps do this:
//
//   - read: each shard is read whole by one worker; its first non-empty
//     record is its header, which must be the first shard's; the other
//     records become Rows (shard index, line, text as written; consecutive
//     records of one deal make one Row), keyed by their deal id as the crm
//     readers read it (the id cell, surrounding white space removed);
//   - build: the rows of one deal, put back in input order (shard, then line),
//     are given with the header to [crm.Long.Deals], the library's own reader,
//     so a deal is built by exactly the rules of a single-process read, with
//     the same errors;
//   - combine: deals are keyed by their group (owner by default) and added to
//     a funnel.Tally by [TallyFn], a Beam CombineFn whose merge is
//     funnel.Tally.Merge; its accumulator [Acc] travels between workers in the
//     Tally's binary encoding (funnel.Tally.MarshalBinary); the groups'
//     tallies are then merged into one;
//   - report: [FormatReport] writes the bench's owner,stage,reached,... table.
//
// The result equals crm.Long.Tally on the concatenated shards: Tally sums are
// exact (integers and decimals), so neither the order in which Beam adds deals
// and merges accumulators nor the way the input is split changes a figure.
//
// # Units
//
// Counts are deals; conv_to_next and win_rate are rates in [0, 1]; money is in
// the export's currency (decimal, exact); mean_cycle_days is in days.
//
// # Errors
//
// The functions of this package that run outside a pipeline ([Open],
// [Input.ReadShard], [Input.BuildDeals], [Config.Reader], [FormatReport],
// the [TallyFn] methods) return errors that wrap the sentinels of funnel and
// funnel/crm, so errors.Is works on them. A row error is a [*ShardError]
// naming the shard around a *crm.RowError whose Line is the line in that
// shard. Inside a running pipeline the same error fails the job, and the
// runner returns its text (a Beam runner carries errors across processes as
// text only).
//
// # Registration
//
// Beam needs every DoFn, CombineFn and coder registered before beam.Init; this
// package does that in its init function, as the Beam Go SDK requires. It is
// the package's only side effect.
package beamtally
