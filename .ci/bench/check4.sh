#!/usr/bin/env bash
# check4.sh FILE.csv: the bench's check (../shared/bench/check.sh: the Go
# reference, DuckDB and pandas agree) with funnelmath's review as a fourth
# program: `review -in FILE -format long -report owner-funnel -o csv` must
# match the Go reference by the same rule (same lines and text fields,
# numbers within 1e-9 relative), and the hand-computed answer when one is
# beside the input. Needs the bench's peers installed (its README).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH:-$root/../shared/bench}
in=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
base=$(basename "$in" .csv)
"$bench/check.sh" "$in"
mkdir -p "$bench/data/out"
(cd "$root" && go build -o "$bench/.cache/review" ./examples/review)
"$bench/.cache/review" -in "$in" -format long -report owner-funnel -o csv > "$bench/data/out/$base.review.csv"
status=0
for want in "${in%.csv}.expected.csv" "$bench/data/out/$base.ref_go.csv"; do
  [ -f "$want" ] || continue
  awk -F, -v A="$want" -v B="review" -v tol=1e-9 '
    function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
    function abs(x) { return x < 0 ? -x : x }
    NR == FNR { a[FNR] = $0; na = FNR; next }
    {
      nb = FNR
      if (!(FNR in a)) { bad++; next }
      n = split(a[FNR], fa, ",")
      if (n != NF) { bad++; next }
      for (i = 1; i <= NF; i++) {
        if (fa[i] == $i) continue
        if (isnum(fa[i]) && isnum($i)) {
          x = fa[i] + 0; y = $i + 0; d = abs(x - y); m = abs(x) > abs(y) ? abs(x) : abs(y)
          if ((m > 0 ? d / m : 0) <= tol) continue
        }
        bad++
        if (bad <= 20) printf "  line %d field %d: %s=%s %s=%s\n", FNR, i, A, fa[i], B, $i
      }
    }
    END {
      if (na != nb) { bad++; printf "  %s has %d lines, %s has %d\n", A, na, B, nb }
      printf "%s vs %s: %d lines, %d mismatches\n", A, B, na, bad + 0
      exit bad > 0
    }' "$want" "$bench/data/out/$base.review.csv" || status=1
done
if [ "$status" = 0 ]; then echo "OK: all four agree on $in"; else echo "FAIL: the review differs on $in"; fi
exit $status
