#!/bin/sh
# Regenerates geodesic-geod.txt with PROJ's geod (Debian package proj-bin; it wraps Karney's
# GeographicLib C geodesic code): WGS 84 inverse problems across China and nearly antipodal
# lines (where Vincenty's iteration fails). Run from this folder: ./generate-geodesic.sh > geodesic-geod.txt
set -eu
export LC_ALL=C
pts="27.828 113.134 39.9042 116.4074
27.828 113.134 27.8330 113.1400
27.828 113.134 22.5431 114.0579
18.25 109.5 53.3 122.5
43.8 87.6 31.2 121.5
29.65 91.1 45.75 126.65
0 0 0.5 179.7
10 20 -10.1 -160.3
-30 100 29.9 -80.2
1 0 -1.2 179.5
45 10 -45.05 -170.1"
echo "# lat1 lon1 lat2 lon2 azi1 azi2 s12   (geod +ellps=WGS84 -I -f %.12f -F %.6f; azi2 = back azimuth + 180)"
echo "$pts" | geod +ellps=WGS84 -I -f %.12f -F %.6f > /tmp/geod.$$
echo "$pts" | paste -d ' ' - /tmp/geod.$$ | awk '{ a2 = $6 + 180; if (a2 > 180) a2 -= 360; printf "%s %s %s %s %s %.12f %s\n", $1, $2, $3, $4, $5, a2, $7 }'
rm -f /tmp/geod.$$
