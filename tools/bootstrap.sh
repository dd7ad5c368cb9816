#!/usr/bin/env bash
# Installs what CultureNet.Engine needs from Debian's packages and builds it (native + managed, Release).
#   tools/bootstrap.sh          build and runtime needs: cmake, g++, OpenBLAS, oneDNN (headers + libdnnl2), GoogleTest,
#                               ffmpeg (video input), libturbojpeg0 (the JPEG integrity check of extraction), npm (the
#                               build fetches the built-in face detectors from the npm registry)
#   tools/bootstrap.sh --test   plus the test-time oracles (python3-numpy/-scipy/-torch/-h5py, -skimage/-pil),
#                               Slurm + munge for the real one-node test cluster (tools/slurm/test-cluster.sh) and
#                               afl++ for the fuzzing campaign (tools/fuzz/campaign.sh)
# As root it installs what is missing with apt-get; otherwise it prints the command to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make libopenblas-dev libdnnl-dev libgtest-dev ffmpeg libturbojpeg0)
# npm: Debian's package, unless an npm is already on the PATH (e.g. one that came with another Node.js install,
# which Debian's npm package would conflict with).
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(python3 python3-numpy python3-scipy python3-torch python3-h5py python3-skimage python3-pil
             slurmctld slurmd slurm-client munge afl++)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "bootstrap: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}" >&2
    echo "bootstrap: run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "bootstrap: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# dotnet build runs CMake for the native engine (src/CultureNet.Engine/CultureNet.Engine.csproj).
dotnet build CultureNet.Engine.sln -c Release -nologo -v quiet -clp:ErrorsOnly
