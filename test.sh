#!/usr/bin/env bash
# Every test: the native GoogleTest suite (ctest) and the managed xunit suite, after installing what they need.
set -euo pipefail
cd "$(dirname "$0")"
tools/bootstrap.sh --test
# Real photos and videos for the face tests, from Debian packages (apt-get download + dpkg -x), cached in build/test-media.
tools/fetch-test-media.sh

echo "== native tests (ctest)"
cmake -S . -B build/native-cmake -DCMAKE_BUILD_TYPE=Release -DCULTURENET_OUTPUT_DIR="$PWD/build/native" >/dev/null
cmake --build build/native-cmake -j "$(nproc)" >/dev/null
ctest --test-dir build/native-cmake --output-on-failure 2>&1 | tee build/ctest.log
native_line=$(grep -E "tests passed, [0-9]+ tests failed out of" build/ctest.log | tail -1)
native_total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$native_line")
native_failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$native_line")

echo "== managed tests (dotnet test)"
set +e
dotnet test CultureNet.Engine.sln -c Release --no-build -nologo 2>&1 | tee build/dotnet-test.log
managed_rc=${PIPESTATUS[0]}
set -e
managed_passed=$(grep -Eo "Passed: +[0-9]+" build/dotnet-test.log | awk '{s+=$2} END {print s+0}')
managed_failed=$(grep -Eo "Failed: +[0-9]+" build/dotnet-test.log | awk '{s+=$2} END {print s+0}')

passed=$((native_total - native_failed + managed_passed))
failed=$((native_failed + managed_failed))
echo "$passed passed, $failed failed"
if ((managed_rc != 0 || failed != 0)); then exit 1; fi
