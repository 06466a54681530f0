#!/bin/sh
# Fetch an npm package's tarball from the registry, check it, and unpack it into a folder.
# Usage: tools/npm_fetch.sh NAME VERSION PINNED_VERSION PINNED_SHA512 DIR   (needs npm, openssl)
# For PINNED_VERSION the tarball must match PINNED_SHA512 (base64, `sha512-…`), or nothing
# is unpacked; another version is unpacked unchecked, with its hash printed to pin it.
set -eu
name="$1" version="$2" pinned_version="$3" pinned="$4" dir="$5"
(cd "$dir" && npm pack --silent "$name@$version" >/dev/null)
tarball="$dir/$name-$version.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 | tr -d '\n')"
if [ "$version" = "$pinned_version" ] && [ "$got" != "$pinned" ]; then
  echo "$name-$version.tgz does not match the pinned integrity hash" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$dir"
echo "$got"
