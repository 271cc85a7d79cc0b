#!/usr/bin/env bash
# CI for examples/beam, the Apache Beam pipeline: a Go module of its own
# (go.mod beside this file, with a replace to the library at ../..), which
# `go test ./...` at the repository's root does not enter. .ci/run calls
# this script; gofmt at the root covers these files too.
#
# The tests run the pipelines on prism, Beam's local runner, in the test
# process (no network, no Docker), among them the bench generator's 100,000
# deals whole and in shards against the single-process result; see README.md.
set -euo pipefail
cd "$(dirname "$0")"

echo "== examples/beam: go vet ./..."
go vet ./...

echo "== examples/beam: go test ./..."
go test ./...
