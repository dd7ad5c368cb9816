#!/usr/bin/env bash
# Fetches the real photos and videos the face tests use from Debian packages (apt-get download + dpkg -x) into a cache
# folder; nothing is installed and nothing is committed.
#   tools/fetch-test-media.sh [DEST]     (default build/test-media)
# Packages: kphotoalbum (demo/movie.avi, a webcam talking head, and demo photos), forensics-samples-files (a 720p clip
# with a small face inset, a dog clip), python3-skimage (astronaut.png).
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-build/test-media}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
stamp="$dest/.complete"
[[ -f "$stamp" ]] && exit 0
packages=(kphotoalbum forensics-samples-files python3-skimage)
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "${packages[@]}" >"$work/apt.log" 2>&1) || {
  # The package lists may be missing on a fresh machine: refresh them once (root only) and retry.
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >/dev/null 2>&1 || true; (cd "$work" && apt-get download "${packages[@]}" >"$work/apt.log" 2>&1); fi
} || { echo "error: test media: apt-get download ${packages[*]} failed: $(tail -3 "$work/apt.log" | tr '\n' ' ')" >&2; exit 1; }
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
mkdir -p "$dest/kphotoalbum" "$dest/forensics" "$dest/skimage"
cp "$work"/root/usr/share/kphotoalbum/demo/*.jpg "$work/root/usr/share/kphotoalbum/demo/movie.avi" "$dest/kphotoalbum/"
cp "$work/root/usr/share/forensics-samples/original-files/movie2/movie-hello.mp4" \
   "$work/root/usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4" "$dest/forensics/"
cp "$work/root/usr/lib/python3/dist-packages/skimage/data/astronaut.png" "$dest/skimage/"
ls "$work"/*.deb | xargs -n1 basename >"$stamp"
