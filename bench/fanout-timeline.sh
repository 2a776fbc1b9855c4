#!/usr/bin/env bash
# Where the time from a receiver's bytes to 50 subscribers holding the position goes (issue 19):
# runs `bench load` with --samples while tcpdump records the server's outgoing data segments on
# loopback, then bench/fanout-timeline.py splits each epoch into the server's part (feeder write
# -> its writes to the subscribers' sockets) and the client's (segment -> subscriber holds it).
# Works for BeidouHub and, with --server gpsd in the options, for gpsd on the same feed.
# Needs tcpdump and the right to capture on lo (root).
#
#   bench/fanout-timeline.sh OUT 'LOAD OPTIONS' [SERVICE_DLL]
#   e.g. bench/fanout-timeline.sh /tmp/t '--transport pty --receivers 1 --subscribers 50 --delivery early --seconds 15 --warmup 5'
#        bench/fanout-timeline.sh /tmp/g '--server gpsd --transport pty --receivers 1 --subscribers 50 --seconds 15 --warmup 5'
# OUT.load (the harness's report), OUT.samples, OUT.packets; the split is printed.
set -euo pipefail
out=$1
options=$2
dll=${3:-}
command -v tcpdump >/dev/null || { echo "tcpdump not found (apt-get install tcpdump)" >&2; exit 1; }
bench="$(dirname "$0")/bin/Release/net10.0/BeidouHub.Bench.dll"
server=()
[ -n "$dll" ] && server=(--service-dll "$dll")
# shellcheck disable=SC2086
dotnet "$bench" load $options "${server[@]}" --samples "$out.samples" >"$out.load" 2>&1 &
load=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -oE 'Listen=http://127.0.0.1:[0-9]+|gpsd -N -n -b -S [0-9]+' "$out.load" 2>/dev/null | grep -oE '[0-9]+$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the harness did not name the service's port; see $out.load" >&2; kill "$load"; exit 1; }
# Data segments (PSH) from the service's port only: the kernel's timestamp of each write's segment.
tcpdump -i lo -n -tt -l "tcp src port $port and tcp[tcpflags] & tcp-push != 0" >"$out.packets" 2>/dev/null &
capture=$!
wait "$load" || true
kill "$capture" 2>/dev/null || true
wait "$capture" 2>/dev/null || true
grep -E "^(EARLY|COMPLETE|gpsd TPV)|latency|published_at|INVALID|service process" "$out.load" || true
python3 "$(dirname "$0")/fanout-timeline.py" "$out.samples" "$out.packets"
