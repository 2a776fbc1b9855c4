#!/usr/bin/env bash
# Issue 15's load figures: two service nodes on a three-server NATS cluster (JetStream), all on
# this machine. Node a reads the receivers (it starts first and takes every lease), node b is
# configured with the same receivers and stands by. The load harness (two-machine mode on
# loopback: it feeds the receivers, the nodes are started here) subscribes on b, where every
# position has crossed NATS, and on a, where none has, alternately, ROUNDS times each.
#
#   bash bench/cluster-load.sh                        # 250 receivers x 10 Hz, 10 subscribers, 20 s after 10 s
#   RECEIVERS=500 MEASURE=30 ROUNDS=3 bash bench/cluster-load.sh
#
# Needs nats-server (Debian nats-server) and the Release builds (the script builds them).
set -euo pipefail
cd "$(dirname "$0")/.."
RECEIVERS=${RECEIVERS:-250}
MEASURE=${MEASURE:-20}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-2}
SUBSCRIBERS=${SUBSCRIBERS:-10}
FEED_PORT=${FEED_PORT:-21000}
command -v nats-server >/dev/null || { echo "nats-server not found: apt-get install nats-server" >&2; exit 1; }
dotnet build src/Service -c Release -v q -nologo >/dev/null
dotnet build bench -c Release -v q -nologo >/dev/null

work=$(mktemp -d /tmp/beidouhub-cluster-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Three NATS servers, routed to each other, JetStream in the temporary folder.
cports=("$(free_port)" "$(free_port)" "$(free_port)")
nports=("$(free_port)" "$(free_port)" "$(free_port)")
nats_pids=()
routes=$(printf '"nats-route://127.0.0.1:%s", ' "${cports[@]}"); routes=${routes%, }
for i in 0 1 2; do
  cat > "$work/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:${nports[$i]}
jetstream { store_dir: "$work/n$i", max_memory_store: 256MB, max_file_store: 1GB }
cluster { name: bench, listen: 127.0.0.1:${cports[$i]}, routes: [$routes] }
CONF
  nats-server -c "$work/n$i.conf" > "$work/n$i.log" 2>&1 &
  pids+=($!)
  nats_pids+=($!)
done
nats="nats://127.0.0.1:${nports[0]},nats://127.0.0.1:${nports[1]},nats://127.0.0.1:${nports[2]}"

# The receivers (as the harness's --receivers-env would write them), the cluster, a node each.
env="$work/receivers.env"
{
  echo "BeidouHub__Web__Listen=http://127.0.0.1:0"
  echo "BeidouHub__Metrics__Listen=http://127.0.0.1:0"
  echo "BeidouHub__History__Enabled=false"
  echo "BeidouHub__Cluster__Nats=$nats"
  echo "BeidouHub__Cluster__Prefix=bench"
  for ((i = 0; i < RECEIVERS; i++)); do
    echo "BeidouHub__Receivers__${i}__Id=rx-$i"
    echo "BeidouHub__Receivers__${i}__Source=tcp://127.0.0.1:$((FEED_PORT + i))"
  done
} > "$env"
port_a=$(free_port); port_b=$(free_port)
start_node() { # id port
  (set -a; . "$env"; set +a; BeidouHub__Cluster__NodeId=$1 BeidouHub__Listen=http://127.0.0.1:$2 \
    exec dotnet src/Service/bin/Release/net10.0/beidouhub.dll serve) > "$work/node-$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
}
start_node a "$port_a"
# a takes every lease before b starts (b then stands by for all of them).
for _ in $(seq 1 120); do
  grep -q "uses buckets" "$work/node-a.log" 2>/dev/null && break
  sleep 0.5
done
sleep 2
start_node b "$port_b"
for _ in $(seq 1 120); do
  grep -q "uses buckets" "$work/node-b.log" 2>/dev/null && break
  sleep 0.5
done

for n in a b; do
  p=$(eval echo "\$pid_$n")
  if ! kill -0 "$p" 2>/dev/null || ! grep -q "uses buckets" "$work/node-$n.log"; then
    echo "node $n did not come up (pid $p); the end of its log:" >&2
    tail -20 "$work/node-$n.log" >&2
    exit 1
  fi
done

cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
harness() { # node port pid
  local a0 b0 n0 t0 t1
  a0=$(cpu_ticks "$pid_a"); b0=$(cpu_ticks "$pid_b"); n0=$(cpu_ticks "${nats_pids[@]}"); t0=$(date +%s.%N)
  dotnet bench/bin/Release/net10.0/BeidouHub.Bench.dll load --transport tcp --phase staggered \
    --receivers "$RECEIVERS" --subscribers "$SUBSCRIBERS" --seconds "$MEASURE" --warmup "$WARMUP" \
    --service-url "http://127.0.0.1:$2" --service-pid "$3" --feed-port "$FEED_PORT" \
    --receivers-env "$work/harness.env" | sed "s/^/[subscribers on $1] /"
  t1=$(date +%s.%N)
  python3 - "$t0" "$t1" "$a0" "$(cpu_ticks "$pid_a")" "$b0" "$(cpu_ticks "$pid_b")" "$n0" "$(cpu_ticks "${nats_pids[@]}")" "$(getconf CLK_TCK)" "$1" <<'PY'
import sys
t0, t1, a0, a1, b0, b1, n0, n1, hz = (float(x) for x in sys.argv[1:10])
wall = t1 - t0
print(f"[subscribers on {sys.argv[10]}] whole run incl. connect and warm-up: node a {(a1 - a0) / hz / wall:.2f} cores, node b {(b1 - b0) / hz / wall:.2f} cores, the three nats-servers {(n1 - n0) / hz / wall:.2f} cores over {wall:.0f} s")
PY
}
echo "cluster load: $RECEIVERS receivers x 10 Hz over TCP, $SUBSCRIBERS subscribers, nodes a (reads) and b (stands by) on 3 NATS servers; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
  harness b "$port_b" "$pid_b"
  harness a "$port_a" "$pid_a"
done
grep -hE "warn|fail|crit" "$work/node-a.log" "$work/node-b.log" | head -10 || true
