#!/usr/bin/env bash
# Copy the repository's Kratos configuration (deploy/ory/kratos/) into the chart, which can only
# read files inside itself. tests/deploy/helm/test_values.py checks that the copy is current.
# (Keto's configuration is kept only in the chart: files/ory/keto/.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/deploy/ory/kratos"
dst="$root/deploy/helm/ticketing/files/ory/kratos"
[ -d "$src" ] || { echo "no $src yet" >&2; exit 1; }
rm -rf "$dst"
cp -R "$src" "$dst"
echo "copied $src into $dst"
