#!/usr/bin/env bash
# Whole-process training benchmark, in one run on one machine:
#   1. the machine's cblas_sgemm GFLOP/s at GenNet's fc1 shape (128x500x2048) — the limit,
#   2. GenNet training samples/s through the engine (culturenet bench: Sequential.Fit, batch 128),
#   3. the same MLP and optimizer in Debian's python3-torch (best of 1 and 2 threads) — the peer,
# then prints both ratios and writes build/bench/training.md. Data are synthetic random numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh --test >&2
mkdir -p build/bench
dll=src/CultureNet.Cli/bin/Release/net10.0/culturenet.dll

echo "== engine (culturenet bench)" >&2
dotnet "$dll" bench "$@" | tee build/bench/engine.txt
echo "== peer (python3-torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))" >&2
/usr/bin/python3 tools/bench/torch_mlp.py | tee build/bench/torch.txt

value() { grep -E "^$1=" "$2" | tail -1 | cut -d= -f2; }
gflops=$(value sgemm_gflops build/bench/engine.txt)
limit=$(value limit_samples_per_s build/bench/engine.txt)
engine=$(value train_samples_per_s build/bench/engine.txt)
torch=$(value torch_best_samples_per_s build/bench/torch.txt)
ratio_limit=$(awk -v a="$engine" -v b="$limit" 'BEGIN { printf "%.3f", a / b }')
ratio_torch=$(awk -v a="$engine" -v b="$torch" 'BEGIN { printf "%.2f", a / b }')

{
  echo "# GenNet training throughput ($(date -u +%F), $(nproc) cores, synthetic random data)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| cblas_sgemm 128x500x2048 | $gflops GFLOP/s |"
  echo "| limit (GFLOP/s / 6.87 MFLOP per sample) | $limit samples/s |"
  echo "| engine, batch 128 | $engine samples/s |"
  echo "| python3-torch, best of 1 and 2 threads | $torch samples/s |"
  echo "| engine / limit | $ratio_limit |"
  echo "| engine / torch | $ratio_torch |"
} > build/bench/training.md
echo "ratio_to_limit=$ratio_limit"
echo "ratio_to_torch=$ratio_torch"
echo "report: build/bench/training.md" >&2
