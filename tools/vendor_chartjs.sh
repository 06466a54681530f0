#!/bin/sh
# Vendor Chart.js (its UMD build) from the npm registry for the workspace's caseload and
# statistics pages: no CDN at run time.
# Usage: tools/vendor_chartjs.sh   (run from the repository root; needs npm, openssl)
# The tarball is checked against the integrity hash pinned below before anything is copied.
set -eu

VERSION="4.6.2"
# npm's dist.integrity for chart.js@4.6.2 (`npm view chart.js@4.6.2 dist.integrity`).
PINNED="sha512-xachB+pPHjp0syJi7llUBA1w3kMYl6NF3o7eVrvjnWCT+IB2zMaF2pX5UYDiwbbfsioFEIRnAjreNOMsGj5TIA=="
DEST="src/jikimi/web/static/vendor/chartjs"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
got="$(tools/npm_fetch.sh chart.js "$VERSION" 4.6.2 "$PINNED" "$tmp")"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$tmp/package/dist/chart.umd.min.js" "$tmp/package/LICENSE.md" "$DEST/"
# Without its map file a browser's developer tools would ask the server for it.
sed -i '/sourceMappingURL=/d' "$DEST/chart.umd.min.js"
printf 'chart.js %s from the npm registry (%s)\n' "$VERSION" "$got" > "$DEST/VERSION"
echo "vendored Chart.js $VERSION into $DEST"
