#!/usr/bin/env bash
# One executable for a park's Linux box (issue 18): self-contained, no .NET installed there.
#
#   deploy/publish.sh RID [--r2r]        RID: linux-x64 or linux-arm64
#
# Writes artifacts/publish/RID/beidouhub and artifacts/publish/RID/seeds/ (the embedded default,
# `serve` with no configuration, replays them; the binary looks for seeds/ beside itself).
# Native AOT (src/Service/Properties/PublishProfiles/native.pubxml) needs clang; linux-arm64 from an
# x64 machine also needs lld and a sysroot (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross).
# --r2r: self-contained single file with ReadyToRun code instead (r2r.pubxml): every feature,
# including WKT grids, which the native build leaves out (README: "Publishing a native binary").
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: deploy/publish.sh linux-x64|linux-arm64 [--r2r]" >&2; exit 2; }
[ $# -ge 1 ] || usage
rid=$1
profile=native
case "${2:-}" in
    "") ;;
    --r2r) profile=r2r ;;
    *) usage ;;
esac
[ $# -le 2 ] || usage

extra=()
case "$rid" in
    linux-x64) ;;
    linux-arm64)
        if [ "$profile" = native ] && [ "$(uname -m)" != aarch64 ]; then
            # Cross: clang links for aarch64 against Debian's cross libc, with lld (GNU ld of the host
            # cannot link aarch64) and the cross binutils' objcopy to strip the symbols.
            sysroot=/usr/aarch64-linux-gnu
            [ -d "$sysroot/lib" ] || { echo "publish: no arm64 sysroot at $sysroot (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross lld), or use --r2r" >&2; exit 1; }
            extra=(-p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
        fi
        ;;
    *) usage ;;
esac
if [ "$profile" = native ]; then
    command -v clang >/dev/null || { echo "publish: native AOT needs clang (apt-get install clang), or use --r2r" >&2; exit 1; }
fi

out=artifacts/publish/$rid
rm -rf "$out"
start=$(date +%s)
dotnet publish src/Service/BeidouHub.Service.csproj -r "$rid" -p:PublishProfile="$profile" "${extra[@]}" \
    -o "$out" -nologo -v quiet
# Only the binary and what it reads belong to the artifact: symbols (.dbg) go to
# artifacts/symbols/RID/ (for a stack trace with lines); .pdb, XML docs and the npm files are dropped.
# What stays: beidouhub, seeds/, and the native libraries it loads (SQLite's, System.IO.Ports').
mkdir -p "artifacts/symbols/$rid"
find "$out" -maxdepth 1 -type f -name "*.dbg" -exec mv -f {} "artifacts/symbols/$rid/" \;
find "$out" -maxdepth 1 -type f \( -name "*.pdb" -o -name "*.xml" -o -name "*.staticwebassets.endpoints.json" \) -delete
rm -rf "$out/Web"   # the console's npm lock files; the console itself is inside the binary
[ -x "$out/beidouhub" ] || { echo "publish: $out/beidouhub was not produced" >&2; exit 1; }
[ -s "$out/seeds/park-vehicle-rtk-10hz.nmea" ] || { echo "publish: $out/seeds/ is missing" >&2; exit 1; }
echo "publish: $out/beidouhub ($profile, $(stat -c %s "$out/beidouhub") bytes) in $(( $(date +%s) - start )) s"
ls -la "$out"
