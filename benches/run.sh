#!/usr/bin/env bash
# Times `consolidate plan` on the shipped GM example and the published benchmark instances, for every solver in
# the build, and prints one table: instance, solver, status, objective, seconds (median of RUNS runs, wall clock).
# Usage: benches/run.sh [--features highs]   (needs ../shared/bench beside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
FEATURES=("$@")
RUNS=${RUNS:-5}
cargo build --release -q "${FEATURES[@]}"
BIN=target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SOLVERS="microlp lpsolve"
if [[ " ${FEATURES[*]:-} " == *highs* ]]; then SOLVERS="$SOLVERS highs"; fi
declare -A DATA=([greater-manchester]=inputs/greater-manchester)
for f in cap41 cap71 cap101 cap131; do
  "$BIN" import orlib-cap "../shared/bench/orlib_cap/$f.txt" --out "$WORK/$f" >/dev/null && DATA[$f]="$WORK/$f"
done
for p in p1 p2 p3 p4 p5; do
  "$BIN" import holmberg "../shared/bench/sscflp_holmberg/$p" --out "$WORK/$p" >/dev/null && DATA[$p]="$WORK/$p"
done
printf '%-20s %-8s %-9s %18s %9s\n' instance solver status objective seconds
for name in greater-manchester cap41 cap71 cap101 cap131 p1 p2 p3 p4 p5; do
  dir=${DATA[$name]:-}; [ -n "$dir" ] || continue
  for s in $SOLVERS; do
    # GM includes the procurement award, whose branch and bound lp_solve does not finish in reasonable time.
    if [[ $name == greater-manchester && $s == lpsolve ]]; then continue; fi
    medians "$RUNS" "$BIN" plan "$dir" --solver "$s" --out "$WORK/out" -q >/dev/null
    median=$MEDIAN_S
    status=$(grep -o '"status": "[a-z]*"' "$WORK/out/summary.json" | head -1 | cut -d'"' -f4)
    obj=$(grep -o '"objective": [-0-9.e+]*' "$WORK/out/summary.json" | head -1 | awk '{print $2}')
    printf '%-20s %-8s %-9s %18.4f %9.3f\n' "$name" "$s" "$status" "$obj" "$median"
  done
done
