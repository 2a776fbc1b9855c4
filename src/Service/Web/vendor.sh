#!/usr/bin/env bash
# Refreshes the web console's third-party files in wwwroot/vendor from the pinned npm packages
# (npm/package.json, npm/package-lock.json). Their output is committed: the service and its
# tests need neither node nor npm. Run after changing a version, then commit wwwroot/vendor.
#   OpenLayers (ol)  BSD-2-Clause  the map: a custom projection for the park plane, tiles, vectors
#   protobuf.js      BSD-3-Clause  reads beidouhub.proto in the page and decodes the API's messages
set -euo pipefail
cd "$(dirname "$0")"
(cd npm && npm ci --no-audit --no-fund --loglevel=error)
out=wwwroot/vendor
rm -rf "$out"
mkdir -p "$out/ol" "$out/protobufjs"
cp npm/node_modules/ol/dist/ol.js npm/node_modules/ol/ol.css npm/node_modules/ol/LICENSE.md "$out/ol/"
cp npm/node_modules/protobufjs/dist/protobuf.min.js npm/node_modules/protobufjs/LICENSE "$out/protobufjs/"
{
  echo "Vendored by src/Service/Web/vendor.sh from npm; do not edit."
  for p in ol protobufjs; do
    node -e "const p=require('./npm/node_modules/$p/package.json'); console.log(p.name + ' ' + p.version + ' ' + p.license)"
  done
} > "$out/VERSIONS.txt"
cat "$out/VERSIONS.txt"
