#!/bin/sh
# Vendor Swagger UI from the npm registry for the server's /docs page (no CDN at run time).
# Usage: tools/vendor_swagger_ui.sh [VERSION]   (run from the repository root; needs npm, openssl)
# The tarball is checked against the integrity hash pinned below before anything is copied.
set -eu

VERSION="${1:-5.36.0}"
# sha512 of swagger-ui-dist-5.36.0.tgz as the registry serves it.
PINNED="sha512-Lt6/Kb0gXmLdiabLhvso4VdJP9V7qJWB0zh0gzeXUV3+CMOTzMmvpJRSXN7EAjfwixwmoi9ezDbLHiexC7lA9A=="
DEST="src/jikimi/web/static/vendor/swagger-ui"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
got="$(tools/npm_fetch.sh swagger-ui-dist "$VERSION" 5.36.0 "$PINNED" "$tmp")"

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$tmp/package/swagger-ui-bundle.js" "$tmp/package/swagger-ui.css" "$tmp/package/LICENSE" \
  "$tmp/package/NOTICE" "$DEST/"
sed -i '/^\/\/# sourceMappingURL=/d' "$DEST/swagger-ui-bundle.js"
sed -i '/sourceMappingURL=/d' "$DEST/swagger-ui.css"
printf 'swagger-ui-dist %s from the npm registry (%s)\n' "$VERSION" "$got" > "$DEST/VERSION"
echo "vendored swagger-ui $VERSION into $DEST"
