#!/usr/bin/env bash
# Holmberg, Ronnqvist and Yuan's single-source capacitated facility location set (EJOR 113(3), 1999; 71 files,
# published optima in a file `os`, one per line), as OR-Datasets keeps it (github.com/Oscar-Oliveira/OR-Datasets,
# Facility-Location/SSCFLP/original/Lib_2; p1-p5 are also in ../shared/bench/sscflp_holmberg). Each instance is
# imported (`consolidate import holmberg`) and planned with `--check` under a time limit; prints, per instance:
# status, objective, the published optimum, the proven bound, and the median wall time and peak memory of the
# whole `plan` process (GNU time, benches/timing.sh). Issue 21's target: every instance up to 30 x 200 proven
# optimal in under 60 s on 2 cores. Yang, Chu and Chen's set (OR-Datasets Lib_4: p1-p5 at 30 x 200, then 60 x 200,
# 60 x 300, 80 x 400) is in the same format with its own `os`, so DIR may be that folder too. Usage:
# benches/single_source.sh DIR [p56 p57 ...] (default: Holmberg's two 30-facility classes, p25-p40 at 30 x 150 and
# p56-p71 at 30 x 200; LIMIT=60 and RUNS=1 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/timing.sh
DIR=${1:?usage: benches/single_source.sh DIR [INSTANCE ...]}
shift
LIMIT=${LIMIT:-60}
RUNS=${RUNS:-1}
if [ $# -gt 0 ]; then
  instances=("$@")
else
  instances=()
  for i in $(seq 25 40) $(seq 56 71); do instances+=("p$i"); done
fi
cargo build --release -q
BIN=$PWD/target/release/consolidate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '%-6s %-9s %12s %12s %12s %7s %10s %10s\n' instance status objective published bound checked median_s peak_mib
for name in "${instances[@]}"; do
  "$BIN" import holmberg "$DIR/$name" --out "$WORK/$name" >/dev/null
  medians "$RUNS" "$BIN" plan "$WORK/$name" --check --time-limit "$LIMIT" --out "$WORK/$name-out" -q >/dev/null
  s="$WORK/$name-out/summary.json"
  # The published optimum of instance pN is line N of `os`.
  published=$(sed -n "${name#p}p" "$DIR/os" | tr -d '[:space:]')
  printf '%-6s %-9s %12.1f %12s %12.1f %7s %10s %10s\n' "$name" \
    "$(jq -r .status "$s")" "$(jq -r .objective "$s")" "$published" "$(jq -r '.best_bound // "nan"' "$s")" \
    "$(jq -r .check.ok "$s")" "$MEDIAN_S" "$PEAK_MIB"
done
