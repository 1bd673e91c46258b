#!/usr/bin/env bash
# The hardest OR-Library capacitated class at full size: look-alikes of capa, capb and capc (100 warehouses x
# 1,000 customers; `consolidate generate --cap`), each imported with every capacity of its class (12 instances)
# and planned with `--check`. Prints, per instance: status, objective, nodes of the Lagrangian search, and the
# median wall time and peak memory of the whole `plan` process (GNU time, benches/timing.sh). Target: proven optimal in under 60 s
# each on 2 cores. Usage: benches/capacitated.sh [SEED] (RUNS=3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
SEED=${1:-1}
RUNS=${RUNS:-3}
cargo build --release -q
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '%-10s %-9s %18s %7s %10s %10s\n' instance status objective checked median_s peak_mib
for class in a b c; do
  "$BIN" generate --cap "$class" --seed "$SEED" --out "$WORK/cap$class.txt" >/dev/null
  case $class in
    a) caps="8000 10000 12000 14000" ;;
    b) caps="5000 6000 7000 8000" ;;
    c) caps="5000 5750 6500 7250" ;;
  esac
  for cap in $caps; do
    name="cap$class-$cap"
    "$BIN" import orlib-cap "$WORK/cap$class.txt" --capacity "$cap" --out "$WORK/$name" >/dev/null
    medians "$RUNS" "$BIN" plan "$WORK/$name" --check --out "$WORK/$name-out" -q >/dev/null
    median=$MEDIAN_S
    peak=$PEAK_MIB
    s="$WORK/$name-out/summary.json"
    printf '%-10s %-9s %18.3f %7s %10s %10s\n' "$name" \
      "$(jq -r .status "$s")" "$(jq -r .objective "$s")" "$(jq -r .check.ok "$s")" "$median" "$peak"
  done
done
