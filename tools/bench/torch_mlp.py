#!/usr/bin/python3
"""Reference throughput of the GenNet head in PyTorch, for comparison with native/bench/train_bench.c.

The same MLP (2048-500-200-100-50-1, ReLU x4, linear out, glorot-uniform kernels, zero biases), MSE loss,
torch.optim.Adadelta(lr=1.0, rho=0.95, eps=1e-7), batch 128, random data of the same size (16,384 x 2048),
rows reshuffled every epoch. Measured with torch.set_num_threads(1) and (2). Prints key=value lines:
    torch_threads=N samples_per_s=...
    torch_best_samples_per_s=...
Run with Debian's interpreter (python3-torch 1.13):  /usr/bin/python3 tools/bench/torch_mlp.py [rows] [epochs]
"""
import sys
import time

import torch

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
EPOCHS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
BATCH = 128
WIDTHS = [2048, 500, 200, 100, 50, 1]


def make_model():
    layers = []
    for i in range(len(WIDTHS) - 1):
        dense = torch.nn.Linear(WIDTHS[i], WIDTHS[i + 1])
        torch.nn.init.xavier_uniform_(dense.weight)  # glorot_uniform
        torch.nn.init.zeros_(dense.bias)
        layers.append(dense)
        if i < len(WIDTHS) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def run(threads, x, y):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = make_model()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    best = 0.0
    total_rows, total_t = 0, 0.0
    for epoch in range(EPOCHS + 1):  # epoch 0 is a warm-up
        perm = torch.randperm(ROWS)
        t0 = time.perf_counter()
        for start in range(0, ROWS, BATCH):
            idx = perm[start:start + BATCH]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        dt = time.perf_counter() - t0
        if epoch == 0:
            continue
        best = max(best, ROWS / dt)
        total_rows += ROWS
        total_t += dt
    return total_rows / total_t, best


def main():
    torch.manual_seed(1)
    x = torch.rand(ROWS, WIDTHS[0]) * 2 - 1
    y = torch.rand(ROWS, 1) * 2 - 1
    print(f"torch_version={torch.__version__}")
    print(f"torch_rows={ROWS}\ntorch_epochs={EPOCHS}\ntorch_batch={BATCH}")
    best = 0.0
    for threads in (1, 2):
        mean, best_epoch = run(threads, x, y)
        print(f"torch_threads={threads} samples_per_s={mean:.1f} best_epoch_samples_per_s={best_epoch:.1f}")
        best = max(best, mean)
    print(f"torch_best_samples_per_s={best:.1f}")


if __name__ == "__main__":
    main()
