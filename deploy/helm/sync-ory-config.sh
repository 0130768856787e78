#!/usr/bin/env bash
# Copy the repository's Ory configuration (deploy/ory/) into the chart, which can only read files
# inside itself. tests/deploy/helm/test_values.py checks that the copy is current.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/deploy/ory"
dst="$root/deploy/helm/ticketing/files/ory"
[ -d "$src" ] || { echo "no $src yet" >&2; exit 1; }
find "$dst" -mindepth 1 ! -name README.md -delete
cp -R "$src"/. "$dst"/
rm -f "$dst/BUILD"  # a Pants file, not configuration
echo "copied $src into $dst"
