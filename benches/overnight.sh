#!/usr/bin/env bash
# Times `consolidate run models/overnight.toml` (26 GM scenarios: 2 with the award, 24 estates-only sweep points)
# on this machine (GNU time: medians of RUNS whole-process runs, peak memory; benches/timing.sh); the issue's target is under 10 minutes on
# 2 cores. Each run writes a fresh dated folder under a scratch root.
# Usage: benches/overnight.sh [--features highs]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
RUNS=${RUNS:-3}
cargo build --release -q "$@"
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
medians "$RUNS" "$BIN" run models/overnight.toml --out-root "$WORK/runs" -q
grep -o '"status": "[a-z]*"' "$WORK"/runs/latest/summary.json | sort | uniq -c
