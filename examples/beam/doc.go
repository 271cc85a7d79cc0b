// Command beam writes the per-owner funnel of a stage-history CSV, split in
// any number of shards, on Apache Beam: the report of
// `go run ./examples/review -in FILE -format long -report owner-funnel -o csv`
// (owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days),
// computed by a pipeline that keys rows by deal id, builds each deal with the
// library's crm reader, and combines the deals into a funnel.Tally per owner
// with a Beam CombineFn whose merge is funnel.Tally.Merge (package beamtally).
//
//	go run . -in 'data/events-*.csv' -out owner_funnel.csv            # prism, in process
//	go run . -in 'gs://b/events-*.csv' -out gs://b/owner_funnel.csv \
//	    --runner=dataflow --project=P --region=R --staging_location=gs://b/staging
//
// It is a module of its own (its go.mod requires the Beam Go SDK and
// replaces the library with ../..), so that the library's go.mod stays lean;
// `go test ./...` at the repository's root does not enter it. README.md
// beside it says how to run it on prism, Dataflow, Flink and Spark.
package main
