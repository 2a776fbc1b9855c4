#!/bin/sh
# Regenerates gauss-kruger-cs2cs.txt with PROJ's cs2cs (Debian package proj-bin).
# Run from this folder: ./generate-gauss-kruger.sh > gauss-kruger-cs2cs.txt
# Points are deterministic (golden-ratio sequence), no randomness, so a rerun with the same
# PROJ gives the same file. Every CRS of EPSG:4491-4554 gets 4 points inside its zone
# (extended 0.5 degree beyond the zone edges); the Zhuzhou CRSs get 30 more over China's
# latitudes and a dense 10 x 10 grid over the park area (27.78-27.92 N, 113.05-113.25 E).
set -eu
export LC_ALL=C

points() { # epsg count offset -> "lat lon" lines inside the zone of epsg
  awk -v epsg="$1" -v n="$2" -v off="$3" 'BEGIN {
    if (epsg <= 4501) { cm = 6 * (epsg - 4491 + 13) - 3; half = 3.5 }
    else if (epsg <= 4512) { cm = 75 + 6 * (epsg - 4502); half = 3.5 }
    else if (epsg <= 4533) { cm = 3 * (epsg - 4513 + 25); half = 2 }
    else { cm = 75 + 3 * (epsg - 4534); half = 2 }
    for (i = 1; i <= n; i++) {
      u = (i + off) * 0.6180339887498949; u -= int(u)
      v = (i + off) * 0.7548776662466927; v -= int(v)
      printf "%.9f %.9f\n", 16 + 38 * u, cm - half + 2 * half * v
    }
  }'
}

park() {
  awk 'BEGIN { for (i = 0; i < 10; i++) for (j = 0; j < 10; j++)
    printf "%.9f %.9f\n", 27.78 + 0.14 * i / 9, 113.05 + 0.2 * j / 9 }'
}

emit() { # epsg, points on stdin -> "epsg lat lon northing easting"
  cs2cs -f %.6f EPSG:4490 "EPSG:$1" > /tmp/gk.out.$$ < /tmp/gk.in.$$
  paste -d ' ' /tmp/gk.in.$$ /tmp/gk.out.$$ | awk -v e="$1" '{ printf "%s %s %s %s %s\n", e, $1, $2, $3, $4 }'
}

echo "# epsg lat lon northing easting  (cs2cs -f %.6f EPSG:4490 EPSG:<epsg>, input \"lat lon\", output \"northing easting\")"
echo "# $(cs2cs 2>&1 | head -n 1)"
for epsg in $(seq 4491 4554); do
  points "$epsg" 4 "$epsg" > /tmp/gk.in.$$
  emit "$epsg"
done
for epsg in 4547 4526 4508 4497; do
  points "$epsg" 30 1000 > /tmp/gk.in.$$
  emit "$epsg"
  park > /tmp/gk.in.$$
  emit "$epsg"
done
rm -f /tmp/gk.in.$$ /tmp/gk.out.$$
