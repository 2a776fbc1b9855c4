#!/usr/bin/env bash
# deploy/deb/build.sh [PUBLISH_DIR]: the Debian package, artifacts/deb/beidouhub_VERSION_ARCH.deb,
# with dpkg-deb alone (no debhelper). PUBLISH_DIR holds the published service (the beidouhub
# binary and the native libraries beside it); without it, artifacts/publish/linux-x64, published
# here (self-contained, single file) when that has no beidouhub yet. ARCH is read from the
# binary's ELF header (x86-64: amd64, AArch64: arm64). VERSION: $BEIDOUHUB_VERSION, or
# 0.1.0+gitYYYYMMDD.HASH of the checkout's last commit.
#
# Installs: /usr/lib/beidouhub/ (the binary and its native libraries), /usr/bin/beidouhub (a link),
# /lib/systemd/system/beidouhub.service, /etc/beidouhub/beidouhub.json (a conffile: an edited one
# survives upgrades), the seeds in /usr/share/beidouhub/seeds (linked from /usr/lib/beidouhub/seeds,
# where `serve` without receivers looks), the README in /usr/share/doc/beidouhub.
set -euo pipefail
cd "$(dirname "$0")/../.."

publish=${1:-}
if [ -z "$publish" ]; then
  publish=artifacts/publish/linux-x64
  if [ ! -x "$publish/beidouhub" ]; then
    echo "deb: publishing src/Service into $publish"
    dotnet publish src/Service -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o "$publish"
  fi
fi
binary=$publish/beidouhub
[ -x "$binary" ] || { echo "deb: $binary not found or not executable" >&2; exit 1; }

case "$(od -An -tx1 -j18 -N2 "$binary" | tr -d ' \n')" in
  3e00) arch=amd64 ;;
  b700) arch=arm64 ;;
  *) echo "deb: $binary is no x86-64 or AArch64 ELF executable" >&2; exit 1 ;;
esac

version=${BEIDOUHUB_VERSION:-}
if [ -z "$version" ]; then
  version=0.1.0
  if git rev-parse --git-dir >/dev/null 2>&1; then
    version="$version+git$(git log -1 --format=%cd --date=format:%Y%m%d).$(git rev-parse --short HEAD)"
  fi
fi

name=beidouhub_${version}_$arch
stage=artifacts/deb/stage/$name
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/lib/beidouhub" "$stage/usr/bin" "$stage/lib/systemd/system" \
  "$stage/etc/beidouhub" "$stage/usr/share/beidouhub/seeds" "$stage/usr/share/doc/beidouhub"

# The binary and what sits beside it at run time (native libraries); not symbols, XML docs, the
# web console's npm manifests (its files are inside the binary) or the seeds (below).
find "$publish" -maxdepth 1 -type f ! -name '*.pdb' ! -name '*.dbg' ! -name '*.xml' ! -name '*.staticwebassets.*' \
  -exec install -m 0644 {} "$stage/usr/lib/beidouhub/" \;
chmod 0755 "$stage/usr/lib/beidouhub/beidouhub"
find "$stage/usr/lib/beidouhub" -name '*.so' -exec chmod 0644 {} +
ln -s ../lib/beidouhub/beidouhub "$stage/usr/bin/beidouhub"
ln -s ../../share/beidouhub/seeds "$stage/usr/lib/beidouhub/seeds"
install -m 0644 seeds/*.nmea seeds/README.md "$stage/usr/share/beidouhub/seeds/"
install -m 0644 deploy/beidouhub.service "$stage/lib/systemd/system/beidouhub.service"
install -m 0644 deploy/beidouhub.json "$stage/etc/beidouhub/beidouhub.json"
install -m 0644 README.md "$stage/usr/share/doc/beidouhub/README.md"

cat > "$stage/usr/share/doc/beidouhub/copyright" <<'EOF'
BeidouHub, the positioning service of the Zhuzhou BeiDou industrial park.
Its dependencies and their licences: README.md, section "Licences" (ProjNET is LGPL-2.1-or-later,
used unmodified; the .NET runtime and Microsoft.Extensions.* are MIT).
EOF

cat > "$stage/DEBIAN/control" <<EOF
Package: beidouhub
Version: $version
Architecture: $arch
Maintainer: BeidouHub maintainers <beidouhub@localhost>
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: adduser, libc6, libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl1.1
Description: BeiDou/GNSS positioning service of an industrial park
 Reads NMEA 0183 from the park's BeiDou/GNSS receivers (serial, TCP), assembles
 epochs, transforms positions into CGCS2000, Gauss-Kruger, the park grid and
 GCJ-02/BD-09, and streams them to park applications over gRPC.
EOF

echo /etc/beidouhub/beidouhub.json > "$stage/DEBIAN/conffiles"

cat > "$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    # The service's own user; its home is the state directory (ProtectHome hides /home anyway).
    if ! getent passwd beidouhub >/dev/null; then
        adduser --system --group --home /var/lib/beidouhub --no-create-home --quiet beidouhub
    fi
    # The serial ports' group, for beidouhub run by hand as this user (the unit adds it too).
    adduser --quiet beidouhub dialout >/dev/null
    install -d -o beidouhub -g beidouhub -m 0750 /var/lib/beidouhub
    # The configuration may hold secrets (a PFX password, a database connection string).
    chgrp beidouhub /etc/beidouhub/beidouhub.json
    chmod 0640 /etc/beidouhub/beidouhub.json
    if command -v systemctl >/dev/null 2>&1; then
        systemctl enable beidouhub.service >/dev/null 2>&1 || true
        if [ -d /run/systemd/system ]; then
            systemctl daemon-reload
            if [ -z "$2" ]; then
                systemctl start beidouhub.service || true
            else
                systemctl try-restart beidouhub.service || true
            fi
        fi
    fi
fi
exit 0
EOF

cat > "$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop beidouhub.service || true
fi
exit 0
EOF

cat > "$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
case "$1" in
    remove)
        [ -d /run/systemd/system ] && systemctl daemon-reload || true
        ;;
    purge)
        if command -v systemctl >/dev/null 2>&1; then
            systemctl disable beidouhub.service >/dev/null 2>&1 || true
        fi
        rm -f /etc/systemd/system/multi-user.target.wants/beidouhub.service
        # Purge removes the history and the recordings too, then the user that owned them.
        rm -rf /var/lib/beidouhub /etc/beidouhub
        if getent passwd beidouhub >/dev/null && command -v deluser >/dev/null 2>&1; then
            deluser --quiet --system beidouhub >/dev/null 2>&1 || true
        fi
        if getent group beidouhub >/dev/null && command -v delgroup >/dev/null 2>&1; then
            delgroup --quiet --system beidouhub >/dev/null 2>&1 || true
        fi
        ;;
esac
exit 0
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

deb=artifacts/deb/$name.deb
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
rm -rf "$stage"
echo "deb: $deb ($(du -h "$deb" | cut -f1))"
