#!/usr/bin/env bash
# Times the procurement award on a generated case of 200 categories x 36 partners x 50 suppliers (seed 1) with
# 1 and 2 worker threads, and prints the medians and the speed-up. Times with GNU time (medians of RUNS
# whole-process runs: wall seconds and peak memory; benches/timing.sh).
# Usage: benches/procurement.sh [--features highs]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
RUNS=${RUNS:-3}
cargo build --release -q "$@"
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" generate --categories 200 --partners 36 --suppliers 50 --seed 1 --out "$WORK/case"
for t in 1 2; do
  echo "== --threads $t"
  medians "$RUNS" "$BIN" plan "$WORK/case" --threads "$t" -q --out "$WORK/out$t"
  grep -o '"status": "[a-z]*"' "$WORK/out$t/summary.json" | sort | uniq -c
done
