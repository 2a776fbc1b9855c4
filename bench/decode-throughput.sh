#!/usr/bin/env bash
# Decode throughput as a whole process (issue 7): `beidouhub decode --format jsonl` against
# Debian's `gpsdecode -j`, both reading the same ~75 MB file of NMEA lines and writing to
# /dev/null, RUNS times each, alternately (so a change of load hits both alike).
#
#   bench/decode-throughput.sh [RUNS] [MEGABYTES]     defaults: 3 runs, 75 MB
#   BEIDOUHUB_BIN=artifacts/publish/linux-x64/beidouhub bench/decode-throughput.sh
#                                                     a published binary (deploy/publish.sh) instead
#                                                     of the JIT build of src/Service (not rebuilt then)
#
# The file is the lines starting with '$' of the shared corpus's gpsd captures, repeated; it is
# made once under /tmp. MB/s is 10^6 bytes of input per second of wall time (process start,
# JIT and runtime start-up included: that is what a user of the command sees). Prints no
# verdict: compare the numbers yourself, and note the load average it prints.
set -euo pipefail

runs=${1:-3}
megabytes=${2:-75}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${BEIDOUHUB_CORPUS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/corpus}
file=/tmp/beidouhub-decode-throughput-${megabytes}mb.nmea
dll=$root/src/Service/bin/Release/net10.0/beidouhub.dll

command -v gpsdecode >/dev/null || { echo "gpsdecode not found (apt-get install gpsd-clients)" >&2; exit 1; }

if [ -n "${BEIDOUHUB_BIN:-}" ]; then
    [ -x "$BEIDOUHUB_BIN" ] || { echo "BEIDOUHUB_BIN=$BEIDOUHUB_BIN is not an executable (deploy/publish.sh RID makes one)" >&2; exit 1; }
    beidouhub=("$BEIDOUHUB_BIN")
    echo "beidouhub: $BEIDOUHUB_BIN (published, $(stat -c %s "$BEIDOUHUB_BIN") bytes)"
else
    echo "building src/Service (Release)..." >&2
    dotnet build "$root/src/Service" -c Release -nologo -v quiet >/dev/null
    beidouhub=(dotnet "$dll")
fi

if [ ! -s "$file" ]; then
    one=$(mktemp)
    # -a: some captures hold binary (UBX) frames; keep only the NMEA lines.
    grep -ah '^\$' "$corpus"/gpsd/*.log > "$one"
    : > "$file.tmp"
    target=$((megabytes * 1000 * 1000))
    while [ "$(stat -c %s "$file.tmp")" -lt "$target" ]; do
        cat "$one" >> "$file.tmp"
    done
    mv "$file.tmp" "$file"
    rm -f "$one"
fi

bytes=$(stat -c %s "$file")
lines=$(wc -l < "$file")
echo "input: $file, $bytes bytes, $lines lines"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(dotnet --version) SDK, gpsdecode $(gpsdecode -V 2>&1 | awk '{print $3}')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs one command, prints "name seconds MB/s maxRSS_MB".
measure() {
    local name=$1; shift
    local t
    t=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$t" "$@" > /dev/null 2> >(grep -v '^decode:' >&2 || true)
    read -r secs rss_kb < <(tail -1 "$t")
    rm -f "$t"
    awk -v n="$name" -v s="$secs" -v b="$bytes" -v r="$rss_kb" \
        'BEGIN { printf "%-10s %7.2f s %8.1f MB/s %7.0f MB max RSS\n", n, s, b / s / 1e6, r / 1024 }'
}

for i in $(seq 1 "$runs"); do
    echo "run $i"
    measure beidouhub "${beidouhub[@]}" decode --format jsonl "$file"
    measure gpsdecode sh -c 'gpsdecode -j < "$1"' sh "$file"
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "beidouhub's own summary of the file (stderr of one more run):"
"${beidouhub[@]}" decode --format jsonl "$file" 2>&1 >/dev/null | tail -1
