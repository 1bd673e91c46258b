#!/usr/bin/env bash
# Times the estates + shared-services model (one MILP) on generated cases (`consolidate generate --functions F
# --partners P`, seed 1): 37 partners x 8 functions (GM's size) and 200 partners x 8 functions (the issue's
# scale target), and on the shipped GM example (estates + shared services, the award switched off: the GM model
# file with [procurement] enabled = false), or on $GM_SERVICES instead when it names another data set folder. Every run is checked (`--check`); the status is printed after the timings. Uses
# GNU time (medians of RUNS whole-process runs: wall seconds and peak memory; benches/timing.sh).
# Usage: [SOLVER=highs] benches/services.sh [--features highs] (SOLVER names `plan --solver`; default: the model's).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
RUNS=${RUNS:-3}
cargo build --release -q "$@"
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cases=()
for p in 37 200; do
  "$BIN" generate --functions 8 --partners "$p" --seed 1 --out "$WORK/p$p" >/dev/null
  cases+=("$WORK/p$p|$WORK/p$p/model.toml")
done
sed '/^\[procurement\]/,/^enabled/ s/^enabled = true/enabled = false/' models/greater-manchester.toml > "$WORK/gm.toml"
grep -q '^enabled = false' "$WORK/gm.toml"
cases+=("${GM_SERVICES:-$PWD/inputs/greater-manchester}|$WORK/gm.toml")
for c in "${cases[@]}"; do
  dir=${c%%|*}
  model=${c##*|}
  echo "== $dir"
  medians "$RUNS" "$BIN" plan "$dir" --model "$model" ${SOLVER:+--solver "$SOLVER"} --check -q --out "$WORK/out"
  grep -o '"estates_status": "[a-z]*"' "$WORK/out/summary.json"
  grep -o '"check": true' "$WORK/out/summary.json" | head -1
done
