#!/usr/bin/python3
"""The protocol's M1 folds in PyTorch: a same-data, same-rule peer for `culturenet protocol --settings M1`.

Reads a feature store (DIR/features.cnstore, layout in docs/data-formats.md) directly and trains, for every child
(the target), GenNet (D-500-200-100-50-1, ReLU x4, linear out, glorot-uniform kernels, zero biases) on the same rows
as the engine's M1 fold with the contiguous split (the protocol's default):
  training rows    the first floor(4n/5) frames of every other child of the target's culture
  validation rows  the last n - floor(4n/5) frames of those children
  test rows        the target's p1: its frames after the first floor(n/5)
MSE loss, torch.optim.Adadelta(lr=1.0, rho=0.95, eps=1e-7), batch 128 with the last partial batch kept, rows
reshuffled every epoch, at most 20 epochs, Keras 2.2.4's EarlyStopping(val_loss, min_delta=0.01, patience=4) with the
last epoch's weights kept, then predictions for the test rows. Initial weights and shuffles come from PyTorch's own
generator (seeded per fold), so epoch counts can differ from the engine's by a few; the FLOP figure per fold counts the
epochs this run trained.

Run with Debian's interpreter (python3-torch 1.13):
  /usr/bin/python3 tools/bench/torch_protocol.py --store DIR [--threads N] [--folds K] [--json OUT.json]
Prints key=value lines, one `fold=...` line per fold and `torch_total_seconds=...` at the end.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch

HIDDEN = [500, 200, 100, 50, 1]
HEADER = struct.Struct("<QIIiiqiIQQ")
MAGIC = 0x0045524F54534E43  # "CNSTORE\0"
CHILD = np.dtype([("culture", "u1"), ("pad", "V3"), ("child", "<i4"), ("start", "<i8"), ("count", "<i4"),
                  ("pad2", "V4"), ("hash", "<u8")])


def align(x):
    return (x + 63) // 64 * 64


def open_store(folder):
    """(features N x D float32 tensor in memory, labels N, children [(culture, child, start, count)], synthetic)."""
    path = os.path.join(folder, "features.cnstore")
    with open(path, "rb") as f:
        magic, version, header_bytes, dim, dtype, rows, children, flags, _, _ = HEADER.unpack(f.read(HEADER.size))
    # Versions 1-3 share one layout (3 only widened what the header checksum covers; docs/data-formats.md).
    if magic != MAGIC or version not in (1, 2, 3):
        sys.exit(f"error: {path}: not a feature store of version 1, 2 or 3 (magic {magic:#x}, version {version})")
    element = {1: np.float32, 2: np.float16}.get(dtype)
    if element is None:
        sys.exit(f"error: {path}: unknown feature dtype {dtype} (expected 1 float32 or 2 float16)")
    features_end = header_bytes + rows * dim * np.dtype(element).itemsize
    cultures_at = align(features_end)
    labels_at = align(align(align(cultures_at + rows) + rows * 4) + rows * 4)
    table_at = align(labels_at + rows * 4)
    raw = np.memmap(path, mode="r")
    x = np.frombuffer(raw, dtype=element, count=rows * dim, offset=header_bytes).reshape(rows, dim)
    labels = np.frombuffer(raw, dtype="<f4", count=rows, offset=labels_at)
    table = np.frombuffer(raw, dtype=CHILD, count=children, offset=table_at)
    kids = [(int(t["culture"]), int(t["child"]), int(t["start"]), int(t["count"])) for t in table]
    return torch.from_numpy(np.array(x, dtype=np.float32)), torch.from_numpy(labels.copy()).reshape(-1, 1), kids, bool(flags & 1)


def m1_folds(children):
    """(key, train rows, validation rows, test rows) per target, in the engine's child order (culture, child)."""
    def frames(start, count):
        return np.arange(start, start + count, dtype=np.int64)

    for culture, child, start, count in sorted(children):
        others = [c for c in children if c[0] == culture and c[1] != child]
        train = np.concatenate([frames(s, n)[: n * 4 // 5] for _, _, s, n in others])
        val = np.concatenate([frames(s, n)[n * 4 // 5:] for _, _, s, n in others])
        test = frames(start, count)[count // 5:]
        yield f"C{culture}-{child}", torch.from_numpy(train), torch.from_numpy(val), torch.from_numpy(test)


def gennet(dim):
    widths = [dim] + HIDDEN
    layers = []
    for i in range(len(HIDDEN)):
        dense = torch.nn.Linear(widths[i], widths[i + 1])
        torch.nn.init.xavier_uniform_(dense.weight)  # Keras' glorot_uniform
        torch.nn.init.zeros_(dense.bias)
        layers.append(dense)
        if i < len(HIDDEN) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def mean_loss(model, x, y, rows, batch):
    total = 0.0
    with torch.no_grad():
        for s in range(0, len(rows), batch):
            idx = rows[s:s + batch]
            total += float(torch.nn.functional.mse_loss(model(x.index_select(0, idx)), y.index_select(0, idx),
                                                        reduction="sum"))
    return total / len(rows)


def fit_fold(x, y, train, val, test, seed, args):
    clock = {"train": 0.0, "validation": 0.0, "predict": 0.0}
    start = time.perf_counter()
    torch.manual_seed(seed)
    model = gennet(x.shape[1])
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
    best, wait, epochs, loss, val_loss = float("inf"), 0, 0, float("nan"), float("nan")
    for epoch in range(args.epochs):
        t = time.perf_counter()
        order = train[torch.randperm(len(train))]
        total = 0.0
        for s in range(0, len(order), args.batch):
            idx = order[s:s + args.batch]
            opt.zero_grad(set_to_none=True)
            batch_loss = torch.nn.functional.mse_loss(model(x.index_select(0, idx)), y.index_select(0, idx))
            batch_loss.backward()
            opt.step()
            total += float(batch_loss) * len(idx)
        loss = total / len(order)
        clock["train"] += time.perf_counter() - t
        t = time.perf_counter()
        val_loss = mean_loss(model, x, y, val, args.batch)
        clock["validation"] += time.perf_counter() - t
        epochs = epoch + 1
        # Keras 2.2.4 EarlyStopping in 'min' mode: an epoch improves iff val_loss < best - min_delta.
        if val_loss + args.min_delta < best:
            best, wait = val_loss, 0
        else:
            wait += 1
            if wait >= args.patience:
                break
    t = time.perf_counter()
    with torch.no_grad():
        predictions = torch.cat([model(x.index_select(0, test[s:s + 4096])) for s in range(0, len(test), 4096)])
    clock["predict"] = time.perf_counter() - t
    assert predictions.shape[0] == len(test)
    return epochs, loss, val_loss, time.perf_counter() - start, clock


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores)")
    parser.add_argument("--folds", type=int, default=0, help="train only the first K folds (0: all)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--min-delta", type=float, default=0.01)
    parser.add_argument("--patience", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", help="also write the folds and totals to this JSON file")
    args = parser.parse_args()

    torch.set_num_threads(args.threads or os.cpu_count())
    t = time.perf_counter()
    x, y, children, synthetic = open_store(args.store)
    load_seconds = time.perf_counter() - t
    macs = sum(a * b for a, b in zip([x.shape[1]] + HIDDEN, HIDDEN))
    print(f"torch_version={torch.__version__}\ntorch_threads={torch.get_num_threads()}")
    print(f"store={args.store} rows={x.shape[0]} dim={x.shape[1]} children={len(children)}"
          + (" SYNTHETIC" if synthetic else ""))
    print(f"multiply_adds_per_sample={macs}\nload_seconds={load_seconds:.3f}")

    folds = []
    for i, (key, train, val, test) in enumerate(m1_folds(children)):
        if args.folds and i >= args.folds:
            break
        epochs, loss, val_loss, seconds, clock = fit_fold(x, y, train, val, test, args.seed + i, args)
        flop = 2 * macs * (epochs * (len(train) * 3 + len(val)) + len(test))
        fold = dict(key=f"M1_{key}", train_rows=len(train), validation_rows=len(val), test_rows=len(test),
                    epochs=epochs, loss=loss, val_loss=val_loss, seconds=seconds, flop=flop,
                    train_seconds=clock["train"], validation_seconds=clock["validation"],
                    predict_seconds=clock["predict"])
        folds.append(fold)
        print("fold=" + " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in fold.items()
                                 if k != "key").replace("train_rows", fold["key"] + " train_rows", 1), flush=True)

    total = sum(f["seconds"] for f in folds)
    flop = sum(f["flop"] for f in folds)
    print(f"torch_folds={len(folds)}\ntorch_total_seconds={total:.3f}\ntorch_flop={flop}")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(dict(torch_version=torch.__version__, threads=torch.get_num_threads(), synthetic=synthetic,
                           multiply_adds_per_sample=macs, load_seconds=load_seconds, folds=folds,
                           total_seconds=total, flop=flop), f, indent=1)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
