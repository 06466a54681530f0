#!/bin/sh
# Vendor Leaflet from the npm registry into the console's static files (no CDN at run time).
# Usage: tools/vendor_leaflet.sh [VERSION]   (run from the repository root; needs npm, openssl)
# The tarball is checked against the integrity hash pinned below before anything is copied.
set -eu

VERSION="${1:-1.9.4}"
# npm's dist.integrity for leaflet@1.9.4 (`npm view leaflet@1.9.4 dist.integrity`).
PINNED="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
DEST="src/jikimi/web/static/vendor/leaflet"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
got="$(tools/npm_fetch.sh leaflet "$VERSION" 1.9.4 "$PINNED" "$tmp")"

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$DEST/"
cp "$tmp/package/dist/images/"*.png "$DEST/images/"
# Without its map file a browser's developer tools would ask the server for one: drop the hint.
sed -i '/^\/\/# sourceMappingURL=/d' "$DEST/leaflet.js"
printf 'leaflet %s from the npm registry (%s)\n' "$VERSION" "$got" > "$DEST/VERSION"
echo "vendored leaflet $VERSION into $DEST"
