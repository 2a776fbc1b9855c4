#!/usr/bin/env bash
# Whole-process wall and CPU time of several commands, run alternately (A B C A B C ...) so the
# load of a shared machine falls on all of them alike. Prints, per command, wall time min / median
# / mean / max and the median CPU time (user + sys, less sensitive to other processes), in ms.
# Usage: bench/alternate.sh RUNS LABEL 'COMMAND' [LABEL 'COMMAND']...
#   e.g. bench/alternate.sh 25 a 'bin/a/beidouhub decode f.nmea' b 'bin/b/beidouhub decode f.nmea'
# Output of the commands goes to /dev/null; one warm-up run each is not counted.
set -euo pipefail
runs=$1
shift
labels=()
commands=()
while [ $# -ge 2 ]; do
  labels+=("$1")
  commands+=("$2")
  shift 2
done
declare -A wall cpu
TIMEFORMAT='%R %U %S'
for i in "${!commands[@]}"; do
  bash -c "${commands[$i]}" >/dev/null 2>&1 || true
done
for ((r = 0; r < runs; r++)); do
  for i in "${!commands[@]}"; do
    t=$( { time bash -c "exec ${commands[$i]}" >/dev/null 2>&1; } 2>&1 ) || true
    read -r real user sys <<<"$t"
    wall[$i]+="$(awk -v x="$real" 'BEGIN { printf "%.0f ", x * 1000 }')"
    cpu[$i]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f ", (u + s) * 1000 }')"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "$runs runs each, alternating; $(uptime | sed 's/.*load/load/')"
for i in "${!commands[@]}"; do
  c=$(echo "${cpu[$i]}" | median)
  echo "${wall[$i]}" | tr ' ' '\n' | grep -v '^$' | sort -n | awk -v l="${labels[$i]}" -v c="$c" '
    { v[NR] = $1; s += $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%-14s wall min %5d  median %5d  mean %5d  max %5d ms   cpu median %5d ms\n", l, v[1], m, s / NR, v[NR], c }'
done
