#!/usr/bin/env bash
# Runs the tests of examples/warehouse against a real PostgreSQL: installs
# Debian's postgresql package when no initdb is found, initialises a
# cluster in a temporary directory (as the user postgres when run as root,
# since initdb refuses root), starts it on a free local port listening on
# 127.0.0.1 only (its socket in the same directory), creates a database,
# and runs `go vet ./...` in examples/warehouse and its tests (through the
# library's TestFromRowsOnPostgreSQL, which runs them) with
# FUNNELMATH_PG_DSN set and FUNNELMATH_PG_REQUIRED=1, so that a test that
# cannot reach the server fails instead of skipping. The server is stopped
# and the directory removed on every exit.
#
# Usage: .ci/pg.sh   (from anywhere; .ci/run calls it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# The binaries: Debian keeps them in /usr/lib/postgresql/<version>/bin,
# off PATH; take the newest version there, else initdb on PATH.
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
  fi
}

t0=$(now)
bin=$(find_bin)
if [ -z "$bin" ]; then
  echo "== installing PostgreSQL (apt-get install -y postgresql)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "pg.sh: no initdb found, and installing PostgreSQL needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    echo "pg.sh: postgresql installed but no initdb in /usr/lib/postgresql/*/bin" >&2
    exit 1
  fi
  echo "installed in $(since "$t0") s"
fi
echo "== PostgreSQL: $("$bin/postgres" --version) ($bin)"

# Run a command as the cluster's owner: postgres when we are root.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/funnelmath-pg.XXXXXX")
chmod 700 "$tmp"
chown "$owner" "$tmp"
started=""
cleanup() {
  local rc=$?
  if [ -n "$started" ]; then
    as_owner "$bin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

t1=$(now)
as_owner "$bin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
initdb_s=$(since "$t1")

# A free port: one nothing answers on. Another process may take it between
# the probe and the start, so a failed start tries another.
free_port() {
  local p
  for p in $(shuf -i 20000-60999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  return 1
}

t2=$(now)
for attempt in 1 2 3; do
  port=$(free_port)
  if as_owner "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    started=1
    break
  fi
  echo "pg.sh: start on port $port failed (attempt $attempt):" >&2
  tail -n 5 "$tmp/server.log" >&2 || true
done
if [ -z "$started" ]; then
  exit 1
fi
start_s=$(since "$t2")
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres funnelmath
echo "PostgreSQL started on 127.0.0.1:$port in $(since "$t0") s (initdb ${initdb_s} s, pg_ctl start ${start_s} s)"

export FUNNELMATH_PG_DSN="postgres://postgres@127.0.0.1:$port/funnelmath?sslmode=disable"
export FUNNELMATH_PG_REQUIRED=1
cd "$root/examples/warehouse"
echo "== examples/warehouse: go vet ./..."
go vet ./...
# The library's test that stands for them (funnel/crm TestFromRowsOnPostgreSQL)
# runs them: it skips without a server, and with FUNNELMATH_PG_REQUIRED=1 a
# missing server fails it.
echo "== go test -run TestFromRowsOnPostgreSQL ./funnel/crm (runs examples/warehouse's tests)"
t3=$(now)
cd "$root"
go test -count=1 -v -run '^TestFromRowsOnPostgreSQL$' ./funnel/crm
echo "tests ran in $(since "$t3") s; pg.sh took $(since "$t0") s in all"
