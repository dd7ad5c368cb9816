#!/usr/bin/env bash
# Whole-process training benchmark, in one run on one machine:
#   - the machine's limit: the best fp32 GEMM GFLOP/s (oneDNN matmul, OpenBLAS cblas_sgemm) at GenNet's fc1 shape
#     (128x500x2048) ÷ GenNet's FLOPs per sample
#     (6 × multiply-adds = 6.89 MFLOP, CultureNet.Benchmarking.GenNetCost),
#   - GenNet training samples/s through the engine (culturenet bench: Sequential.Fit, batch 128; the unprefixed
#     figures are onednn float32's, the per-backend x precision ones are in build/bench/training-bench.md),
#   - the peer: the same MLP and optimizer in Debian's python3-torch (best of 1 and 2 threads).
# The engine and the peer run alternately PAIRS times (default 3), and `culturenet bench` itself alternates sgemm
# timings with training epochs, so load from other work on a shared machine hits both sides of each ratio; the
# medians of the per-pair / per-round ratios are reported (computed by the C# side: CultureNet.Benchmarks --medians).
# Writes build/bench/training.md. Data are synthetic.
#   benchmarks/run-training-benchmark.sh [PAIRS] [extra culturenet bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
shift || true
tools/bootstrap.sh --test >&2
mkdir -p build/bench
dll=src/CultureNet.Cli/bin/Release/net10.0/culturenet.dll
value() { grep -E "^$1=" "$2" | tail -1 | cut -d= -f2; }
dotnet build benchmarks/CultureNet.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly >&2
medians=benchmarks/CultureNet.Benchmarks/bin/Release/net10.0/CultureNet.Benchmarks.dll

: > build/bench/pairs.txt
for ((i = 1; i <= pairs; i++)); do
  echo "== pair $i/$pairs: engine (culturenet bench)" >&2
  # --torch none: this script runs the peer itself, alternating with the engine.
  dotnet "$dll" bench --rounds 5 --torch none --out build/bench "$@" > build/bench/engine-$i.txt
  cat build/bench/engine-$i.txt >&2
  echo "== pair $i/$pairs: peer (python3-torch)" >&2
  /usr/bin/python3 tools/bench/torch_mlp.py > build/bench/torch-$i.txt
  cat build/bench/torch-$i.txt >&2
  engine=$(value train_samples_per_s build/bench/engine-$i.txt)
  torch=$(value torch_best_samples_per_s build/bench/torch-$i.txt)
  echo "$(value sgemm_gflops build/bench/engine-$i.txt) $(value limit_samples_per_s build/bench/engine-$i.txt) $engine $torch $(value ratio_to_limit build/bench/engine-$i.txt) $(awk -v a="$engine" -v b="$torch" 'BEGIN { printf "%.3f", a / b }')" >> build/bench/pairs.txt
done

read -r gflops limit engine torch ratio_limit ratio_torch < <(dotnet "$medians" --medians build/bench/pairs.txt)
{
  echo "# GenNet training throughput ($(date -u +%F), $(nproc) cores, synthetic random data)"
  echo
  echo "Medians over $pairs alternating engine/peer pairs (each engine run: medians of 5 sgemm/epoch rounds)."
  echo "$(head -1 build/bench/engine-1.txt)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| best fp32 GEMM 128x500x2048 | $gflops GFLOP/s |"
  echo "| limit (GFLOP/s / 6.89 MFLOP per sample) | $limit samples/s |"
  echo "| engine, batch 128 | $engine samples/s |"
  echo "| python3-torch 1.13, best of 1 and 2 threads | $torch samples/s |"
  echo "| engine / limit | $ratio_limit |"
  echo "| engine / torch | $ratio_torch |"
  echo
  echo "Per pair (sgemm GFLOP/s, limit, engine, torch, engine/limit, engine/torch):"
  echo
  sed 's/^/    /' build/bench/pairs.txt
} > build/bench/training.md
echo "ratio_to_limit=$ratio_limit"
echo "ratio_to_torch=$ratio_torch"
echo "report: build/bench/training.md" >&2
