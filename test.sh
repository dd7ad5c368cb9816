#!/usr/bin/env bash
# Every test: the native GoogleTest suite (ctest) and both managed xunit projects (tests/CultureNet.Engine.Tests,
# tests/CultureNet.Cli.Tests), after installing what they need. The CI command (.ci/run calls it).
#   ./test.sh          everything
#   ./test.sh --fast   without the long end-to-end tests marked [Trait("Category", "Slow")]
set -euo pipefail
cd "$(dirname "$0")"
filter=()
case "${1:-}" in
  "") ;;
  --fast) filter=(--filter "Category!=Slow") ;;
  *) echo "usage: ./test.sh [--fast]" >&2; exit 2 ;;
esac
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
# -m:1: one test project at a time, as when there was one (they share the machine's cores otherwise).
dotnet test CultureNet.Engine.sln -c Release --no-build -nologo -m:1 "${filter[@]}" 2>&1 | tee build/dotnet-test.log
managed_rc=${PIPESTATUS[0]}
set -e
# One summary line per test project ("Passed!  - Failed: 0, Passed: 230, ... - CultureNet.Engine.Tests.dll (net10.0)").
summaries=$(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+" build/dotnet-test.log || true)
projects=$(grep -c . <<<"$summaries" || true)
if ((projects != 2)); then echo "expected a test summary from 2 test projects, found $projects" >&2; managed_rc=1; fi
managed_passed=$(grep -Eo "Passed: +[0-9]+" <<<"$summaries" | awk '{s+=$2} END {print s+0}')
managed_failed=$(grep -Eo "Failed: +[0-9]+" <<<"$summaries" | awk '{s+=$2} END {print s+0}')

passed=$((native_total - native_failed + managed_passed))
failed=$((native_failed + managed_failed))
echo "$passed passed, $failed failed"
if ((managed_rc != 0 || failed != 0)); then exit 1; fi
