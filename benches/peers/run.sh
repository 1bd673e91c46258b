#!/usr/bin/env bash
# Runs benchmark instances through PuLP (bundled CBC), HiGHS (highspy) and `consolidate plan`, side by side.
# Creates target/peers-venv on first use (pinned pulp and highspy from PyPI); later runs reuse it quietly.
# Usage: benches/peers/run.sh [SPEC ...] [--time-limit S] [--bin PATH]   (see benches/peers/README.md)
#        benches/peers/run.sh --mps DIR   (the models `plan --write-model DIR` wrote, against our optima)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV="$ROOT/target/peers-venv"
PINS=(pulp==3.3.2 highspy==1.16.0)
STAMP="$VENV/.peers-pins"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "${PINS[*]}" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
  echo "${PINS[*]}" >"$STAMP"
fi
if [ "${1:-}" = "--mps" ]; then
  exec "$VENV/bin/python" "$ROOT/benches/peers/mps.py" "$@"
fi
exec "$VENV/bin/python" "$ROOT/benches/peers/peers.py" "$@"
