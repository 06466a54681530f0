#!/bin/sh
# Vendor htmx and its json-enc extension from the npm registry for the officers' workspace
# (/console/work): no CDN at run time.
# Usage: tools/vendor_htmx.sh   (run from the repository root; needs npm, openssl)
# Each tarball is checked against the integrity hash pinned below before anything is copied.
set -eu

HTMX_VERSION="2.0.11"
# npm's dist.integrity for htmx.org@2.0.11 (`npm view htmx.org@2.0.11 dist.integrity`).
HTMX_PINNED="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
JSON_ENC_VERSION="2.0.3"
# npm's dist.integrity for htmx-ext-json-enc@2.0.3.
JSON_ENC_PINNED="sha512-8Oc6MNOvhSXR78dY7CoiYU3ZgaCPNfE9UHXbHg4g6pd+8fqbZIVFxg9XVijxtGYoF/irf3eTOnEgIPV0KVX7Iw=="
DEST="src/jikimi/web/static/vendor/htmx"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/htmx" "$tmp/json-enc"
got_htmx="$(tools/npm_fetch.sh htmx.org "$HTMX_VERSION" 2.0.11 "$HTMX_PINNED" "$tmp/htmx")"
got_enc="$(tools/npm_fetch.sh htmx-ext-json-enc "$JSON_ENC_VERSION" 2.0.3 "$JSON_ENC_PINNED" \
  "$tmp/json-enc")"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$tmp/htmx/package/dist/htmx.min.js" "$tmp/htmx/package/LICENSE" "$DEST/"
cp "$tmp/json-enc/package/json-enc.js" "$DEST/json-enc.js"
# Without their map files a browser's developer tools would ask the server for them.
sed -i '/sourceMappingURL=/d' "$DEST/htmx.min.js" "$DEST/json-enc.js"
{
  printf 'htmx.org %s from the npm registry (%s)\n' "$HTMX_VERSION" "$got_htmx"
  printf 'htmx-ext-json-enc %s from the npm registry (%s)\n' "$JSON_ENC_VERSION" "$got_enc"
} > "$DEST/VERSION"
echo "vendored htmx $HTMX_VERSION and json-enc $JSON_ENC_VERSION into $DEST"
