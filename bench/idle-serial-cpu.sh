#!/usr/bin/env bash
# CPU of the real service (`beidouhub serve`, Release build) with N serial receivers on
# pseudo-terminals that send nothing: the cost of idle ports in a configuration as an operator
# writes it. Python's pty module holds the masters open; the service opens the slaves as
# serial:///dev/pts/K?baud=115200 plus EXTRA (e.g. '&io=ports'; empty = the service's default).
# Everything else is the service's default (history on, in a temporary file; no web console port).
# Measures the service's utime+stime from /proc over SECONDS after WARMUP, and prints it as a
# share of one core with the load average around it.
# Usage: bench/idle-serial-cpu.sh N SECONDS WARMUP [EXTRA] [SERVICE_DLL]
#   e.g. bench/idle-serial-cpu.sh 100 30 10          # default configuration
#        bench/idle-serial-cpu.sh 100 30 10 '&io=ports'
set -euo pipefail
n=$1
seconds=$2
warmup=$3
extra=${4:-}
root="$(cd "$(dirname "$0")/.." && pwd)"
dll=${5:-$root/src/Service/bin/Release/net10.0/beidouhub.dll}
python3 - "$n" "$seconds" "$warmup" "$extra" "$dll" <<'EOF'
import os, pty, subprocess, sys, time

n, seconds, warmup, extra, dll = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
masters, env = [], dict(os.environ)
# Defaults but for where it listens: the gRPC port the system picks, no web console port (other
# services on this machine may hold its port), the history (on by default) in a temporary file.
env.update({"BeidouHub__Listen": "http://127.0.0.1:0", "BeidouHub__Web__Enabled": "false",
            "BeidouHub__History__Path": f"/tmp/beidouhub-idle-serial-{os.getpid()}.db"})
for i in range(n):
    master, slave = pty.openpty()
    masters.append(master)
    env[f"BeidouHub__Receivers__{i}__Id"] = f"rx-{i}"
    env[f"BeidouHub__Receivers__{i}__Source"] = f"serial://{os.ttyname(slave)}?baud=115200{extra}"
    os.close(slave)  # the service opens it by name; the master keeps the pty alive
log = open("/tmp/beidouhub-idle-serial.log", "w")
p = subprocess.Popen(["dotnet", dll, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
try:
    time.sleep(warmup)
    if p.poll() is not None:
        sys.exit(f"service exited ({p.returncode}); see /tmp/beidouhub-idle-serial.log")
    load_before = open("/proc/loadavg").read().split()[:3]
    c0, t0 = cpu(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu(), time.monotonic()
    load_after = open("/proc/loadavg").read().split()[:3]
    threads = len(os.listdir(f"/proc/{p.pid}/task"))
    print(f"{n} idle serial receivers, source serial://PTY?baud=115200{extra}: service CPU "
          f"{100 * (c1 - c0) / (t1 - t0):.2f} % of a core over {t1 - t0:.0f} s "
          f"({threads} threads; load {' '.join(load_before)} -> {' '.join(load_after)}; {dll})")
finally:
    p.terminate()
    p.wait(timeout=30)
    for m in masters:
        os.close(m)
EOF
