#!/usr/bin/env bash
# time.sh FILE.csv [RUNS]: whole-process wall, CPU (user + sys) and peak
# memory of the per-owner funnel by each program, run in turn (A B C D A B
# C D ...) after one warm-up each, with the medians of RUNS runs (default
# 5): funnelmath's review (-report owner-funnel), the bench's Go reference,
# DuckDB (2 threads) and pandas. Set SKIP_PANDAS=1 to leave pandas out.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH:-$root/../shared/bench}
in=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=${2:-5}
(cd "$root" && go build -o "$bench/.cache/review" ./examples/review)
(cd "$bench" && go build -o .cache/ref_go ref_go/main.go)
names=(review ref_go duckdb pandas)
cmds=("$bench/.cache/review -in $in -format long -report owner-funnel -o csv"
      "$bench/.cache/ref_go $in"
      "node $bench/peer_duckdb.mjs $in"
      "/usr/bin/python3 $bench/peer_pandas.py $in")
n=${#names[@]}
[ "${SKIP_PANDAS:-}" = 1 ] && n=3
tmp=$(mktemp -d)
for ((r = 0; r <= runs; r++)); do
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" ${cmds[$i]} > /dev/null
    [ "$r" = 0 ] && continue # warm-up
    read -r wall user sys kib < "$tmp/t"
    echo "$wall $(echo "$user + $sys" | bc) $kib" >> "$tmp/${names[$i]}"
  done
done
med() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf "%-8s %8s %8s %9s   (medians of %d runs, %s)\n" program wall_s cpu_s peak_MiB "$runs" "$(basename "$in")"
for ((i = 0; i < n; i++)); do
  f="$tmp/${names[$i]}"
  printf "%-8s %8.3f %8.3f %9.1f\n" "${names[$i]}" "$(cut -d' ' -f1 "$f" | med)" "$(cut -d' ' -f2 "$f" | med)" "$(echo "$(cut -d' ' -f3 "$f" | med) / 1024" | bc -l)"
done
rm -rf "$tmp"
