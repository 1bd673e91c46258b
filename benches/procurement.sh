#!/usr/bin/env bash
# Times the procurement award on a generated case of 200 categories x 36 partners x 50 suppliers (seed 1) with
# 1 and 2 worker threads, and prints the medians and the speed-up. Uses farm-bench when it is on PATH (medians
# of RUNS runs, peak memory), else plain wall-clock medians.
# Usage: benches/procurement.sh [--features highs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release -q "$@"
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" generate --categories 200 --partners 36 --suppliers 50 --seed 1 --out "$WORK/case"
for t in 1 2; do
  if command -v farm-bench >/dev/null; then
    echo "== --threads $t"
    farm-bench -n "$RUNS" --warmup 0 --timeout 3600 -- "$BIN" plan "$WORK/case" --threads "$t" -q --out "$WORK/out$t"
  else
    times=()
    for _ in $(seq "$RUNS"); do
      start=$(date +%s.%N)
      "$BIN" plan "$WORK/case" --threads "$t" -q --out "$WORK/out$t" >/dev/null || true
      end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "threads $t: median ${median} s over $RUNS runs"
  fi
  grep -o '"status": "[a-z]*"' "$WORK/out$t/summary.json" | sort | uniq -c
done
