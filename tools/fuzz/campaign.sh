#!/usr/bin/env bash
# A coverage-guided fuzzing campaign (long; not part of CI, which runs the short replay in FuzzReplayTests):
# AFL++ (Debian's afl++) drives each fuzz target of fuzz/CultureNet.Fuzz in turn, with the engine, PureHDF and
# Razorvine.Pickle (the pickle target's unpickler) instrumented by SharpFuzz. Seeds: the tool's own writers
# (culturenet-fuzz seeds) and NumPy/h5py/pickle/PIL (tools/fuzz/make_seeds.py). Runs at nice 19 (the machine is shared).
#   tools/fuzz/campaign.sh [SECONDS_PER_TARGET (default 600)] [TARGET...]   (default: every target)
# Writes build/fuzz/findings/TARGET/ (AFL's output) and build/fuzz/campaign.md (executions, wall time, crashes,
# hangs per target); exits 1 if any target found a crash or a hang. Reproduce a finding with
#   dotnet build/fuzz/bin/culturenet-fuzz.dll run TARGET build/fuzz/findings/TARGET/default/crashes/id:...
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
out=build/fuzz

if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq --no-install-recommends afl++ >/dev/null
  else echo "campaign: afl-fuzz is missing: sudo apt-get install afl++" >&2; exit 1; fi
fi
dotnet build fuzz/CultureNet.Fuzz -c Release -nologo -v quiet -clp:ErrorsOnly
if [[ ! -x $out/tools/sharpfuzz ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
fi
# Seeds and the target list come from the uninstrumented build (instrumented code runs only under afl-fuzz).
plain=fuzz/CultureNet.Fuzz/bin/Release/net10.0/culturenet-fuzz.dll
rm -rf "$out/seeds"
mkdir -p "$out"
dotnet "$plain" seeds "$out/seeds" >/dev/null
/usr/bin/python3 tools/fuzz/make_seeds.py "$out/seeds" >/dev/null
if (($# == 0)); then mapfile -t targets < <(dotnet "$plain" targets | awk '{print $1}'); else targets=("$@"); fi

rm -rf "$out/bin"
cp -r fuzz/CultureNet.Fuzz/bin/Release/net10.0 "$out/bin"
for assembly in CultureNet.Engine.dll PureHDF.dll Razorvine.Pickle.dll; do "$out/tools/sharpfuzz" "$out/bin/$assembly" >/dev/null; done


export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
# A 1 GB managed heap: an allocation the input makes without bound fails loudly instead of passing unnoticed.
export DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0
# Inputs are written to a file for every execution: keep that in memory.
if [[ -d /dev/shm && -w /dev/shm ]]; then export TMPDIR=/dev/shm; fi
report="$out/campaign.md"
{
  echo "| target | executions | wall time (s) | executions/s | corpus | crashes | hangs |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$report"
total=0; bad=0
for t in "${targets[@]}"; do
  rm -rf "$out/findings/$t"
  mkdir -p "$out/findings"
  echo "campaign: $t for ${seconds} s" >&2
  nice -n 19 afl-fuzz -i "$out/seeds/$t" -o "$out/findings/$t" -t 5000 -m none -V "$seconds" \
    -- dotnet "$out/bin/culturenet-fuzz.dll" afl "$t" > "$out/findings/$t.log" 2>&1 || true
  stats="$out/findings/$t/default/fuzzer_stats"
  if [[ ! -f $stats ]]; then echo "campaign: $t did not start; see $out/findings/$t.log" >&2; bad=1; continue; fi
  get() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
  execs=$(get execs_done); run=$(get run_time); crashes=$(get saved_crashes); hangs=$(get saved_hangs); corpus=$(get corpus_count)
  [[ -z $run ]] && run=$(( $(get last_update) - $(get start_time) ))
  rate=$(awk -v e="$execs" -v s="$run" 'BEGIN {printf "%.0f", (s > 0 ? e / s : 0)}')
  echo "| $t | $execs | $run | $rate | $corpus | $crashes | $hangs |" >> "$report"
  total=$((total + execs))
  if ((crashes > 0 || hangs > 0)); then bad=1; fi
done
echo "" >> "$report"
echo "total executions: $total" >> "$report"
cat "$report"
exit $bad
