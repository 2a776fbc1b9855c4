#!/bin/sh
# Regenerates epsg-gauss-kruger-projinfo.txt from PROJ's EPSG database (Debian package proj-bin).
# Run from this folder: ./generate-epsg-names.sh > epsg-gauss-kruger-projinfo.txt
set -eu
export LC_ALL=C
echo "# epsg|name|central_meridian|false_easting  (projinfo EPSG:<epsg> -o WKT1_GDAL --single-line -q)"
for c in $(seq 4491 4554); do
  projinfo "EPSG:$c" -o WKT1_GDAL --single-line -q |
    sed -E 's/^PROJCS\["([^"]+)".*central_meridian",([-0-9.]+)\].*false_easting",([-0-9.]+)\].*/'"$c"'|\1|\2|\3/' |
    grep -v '^$'
done
