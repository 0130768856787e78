#!/usr/bin/env bash
# Makes the image the Dockerfile starts FROM, python:3.11-slim-bookworm, where Docker Hub cannot
# be reached: Debian bookworm's minimal system with Debian's Python 3.11, stored in podman's
# image store as localhost/python:3.11-slim-bookworm. A short name looks there first, so the
# Dockerfile's FROM resolves to it unchanged (and still means Docker Hub's image elsewhere).
# Made once: the image carries the hash of this file and is rebuilt only when it changes.
#   deploy/docker/local/base-image.sh          (needs root, debootstrap and podman)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
image=localhost/python:3.11-slim-bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
recipe="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"

have="$(podman image inspect --format '{{index .Labels "org.ticketing.base-recipe"}}' \
  "$image" 2>/dev/null || true)"
if [ "$have" = "$recipe" ]; then
  echo "base image: $image is up to date (recipe $recipe)"
  exit 0
fi

echo "base image: making $image (recipe $recipe) from $mirror"
rootfs="$(mktemp -d /var/tmp/ticketing-base.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase \
  --include=python3.11,python3.11-venv,python3-distutils,ca-certificates \
  bookworm "$rootfs" "$mirror"
# Slim, as Docker Hub's slim images are: no package lists, caches, documentation or manuals.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* \
  "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/info
tar -C "$rootfs" --numeric-owner -c . | podman import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["python3.11"]' \
  --change "LABEL org.ticketing.base-recipe=$recipe" \
  - "$image" >/dev/null
echo "base image: $image made ($(podman image inspect --format '{{.Size}}' "$image") bytes)"
