#!/usr/bin/env bash
# `bench load` against two (or more) builds of the service, alternated run by run (A B A B ...) so
# the load of a shared machine falls on all of them alike. Each build is a copy of a Release output
# folder (cp -r src/Service/bin/Release/net10.0 /tmp/ab/a). Every run's full output goes to OUT with
# the load average before it; a summary line per run (EARLY/COMPLETE p50 p99, the published_at ->
# held part, feeder lateness and validity, service CPU) is printed at the end.
# Usage: bench/load-ab.sh OUT ROUNDS 'LOAD OPTIONS' LABEL DLL [LABEL DLL]...
#   e.g. bench/load-ab.sh bench/results/x.txt 3 '--transport pty --receivers 1 --subscribers 50 --delivery early --seconds 15 --warmup 5' \
#        before /tmp/ab/a/beidouhub.dll after /tmp/ab/b/beidouhub.dll
#   DLL "gpsd" runs gpsd on the same feed instead (load --server gpsd, --transport pty), e.g.
#        bench/load-ab.sh OUT 3 '--transport pty ...' beidouhub src/Service/bin/Release/net10.0/beidouhub.dll gpsd gpsd
set -euo pipefail
out=$1
rounds=$2
options=$3
shift 3
labels=()
dlls=()
while [ $# -ge 2 ]; do
  labels+=("$1")
  dlls+=("$2")
  shift 2
done
bench="$(dirname "$0")/bin/Release/net10.0/BeidouHub.Bench.dll"
summary=()
: >"$out"
for ((r = 1; r <= rounds; r++)); do
  for i in "${!dlls[@]}"; do
    run="${labels[$i]} #$r"
    if [ "${dlls[$i]}" = gpsd ]; then server=(--server gpsd); else server=(--service-dll "${dlls[$i]}"); fi
    {
      echo "=== $run: $(date -u +%T) UTC, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
      echo "=== dotnet $bench load $options ${server[*]}"
    } >>"$out"
    # shellcheck disable=SC2086
    text=$(dotnet "$bench" load $options "${server[@]}" 2>&1) || true
    echo "$text" >>"$out"
    echo >>"$out"
    line=$(awk -v run="$run" '
      /write lateness/ { match($0, /p50 [0-9.]+ ms, p99 [0-9.]+ ms/); feed = substr($0, RSTART, RLENGTH) }
      /INVALID/ { invalid = " INVALID" }
      /^EARLY|^COMPLETE/ { kind = $1 }
      /^gpsd TPV/ { kind = "TPV" }
      /latency write/ { match($0, /p50 [0-9.]+, p90 [0-9.]+, p99 [0-9.]+/); lat[kind] = substr($0, RSTART, RLENGTH) }
      /published_at -> held/ { match($0, /p50 [0-9.]+, p90 [0-9.]+, p99 [0-9.]+/); hub[kind] = substr($0, RSTART, RLENGTH) }
      /^service process: CPU/ { cpu = $4 }
      END {
        s = sprintf("%-12s feeder %s%s; service %s cores", run, feed, invalid, cpu)
        for (k in lat) s = s sprintf("; %s %s%s", k, lat[k], (k in hub) ? " (hub part " hub[k] ")" : "")
        print s
      }' <<<"$text")
    summary+=("$line")
    echo "$line"
  done
done
{
  echo "=== summary ($(date -u +%T) UTC, load after: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%s\n' "${summary[@]}"
} >>"$out"
