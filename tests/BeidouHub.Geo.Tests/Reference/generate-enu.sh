#!/bin/sh
# Regenerates enu-cct.txt with PROJ's cct (Debian package proj-bin): ECEF (+proj=cart) and
# ENU (+proj=topocentric) of points around Zhuzhou relative to (27.828 N, 113.134 E, 50 m), GRS80
# (= CGCS2000 ellipsoid). Run from this folder: ./generate-enu.sh > enu-cct.txt
set -eu
export LC_ALL=C
pts=$(awk 'BEGIN { for (i = 0; i < 6; i++) for (j = 0; j < 6; j++)
  printf "%.6f %.6f %.3f\n", 112.4 + 0.3 * j, 27.3 + 0.2 * i, 10 + 37 * ((i * 6 + j) % 7) }')
echo "# lat lon h ecef_x ecef_y ecef_z east north up"
echo "# cct -d 6 +proj=cart +ellps=GRS80 ; cct -d 6 +proj=pipeline +step +proj=cart +ellps=GRS80 +step +proj=topocentric +ellps=GRS80 +lat_0=27.828 +lon_0=113.134 +h_0=50"
echo "$pts" | cct -d 6 +proj=cart +ellps=GRS80 > /tmp/ecef.$$
echo "$pts" | cct -d 6 +proj=pipeline +step +proj=cart +ellps=GRS80 +step +proj=topocentric +ellps=GRS80 +lat_0=27.828 +lon_0=113.134 +h_0=50 > /tmp/enu.$$
echo "$pts" | paste -d ' ' - /tmp/ecef.$$ /tmp/enu.$$ | awk '{ print $2, $1, $3, $4, $5, $6, $8, $9, $10 }'
rm -f /tmp/ecef.$$ /tmp/enu.$$
