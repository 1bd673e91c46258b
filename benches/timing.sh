# Sourced by the benches: whole-process timing with GNU time (/usr/bin/time), median of several runs.
#
# `medians RUNS CMD [ARG ...]` runs CMD RUNS times (its output thrown away, its exit status ignored: the caller
# reads the outputs it wrote), then prints "median W s, peak M MiB over RUNS runs" and sets MEDIAN_S (wall
# seconds) and PEAK_MIB (the run's largest resident set, MiB), each the median over the runs.

median_of() {
  sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

medians() {
  local runs=$1
  shift
  local walls=() peaks=() line
  local out
  out=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>&1 || true
    # A failing command makes GNU time write "Command exited with non-zero status N" first: the figures are last.
    line=$(tail -n 1 "$out")
    walls+=("${line%% *}")
    peaks+=("${line##* }")
  done
  rm -f "$out"
  MEDIAN_S=$(printf '%s\n' "${walls[@]}" | median_of)
  PEAK_MIB=$(printf '%s\n' "${peaks[@]}" | median_of | awk '{printf "%.1f", $1 / 1024}')
  echo "median ${MEDIAN_S} s, peak ${PEAK_MIB} MiB over $runs runs"
}
