"""Independent float64 reference of Keras 2.2 training, for the tests (Debian's python3-torch and numpy).

Usage: keras_fit_reference.py X.npy Y.npy INIT.npz EPOCHS BATCH LR OUT.npz [TRAINABLE_FROM]
Trains the Dense stack in INIT.npz (ReLU on every layer but the last) with MSE and Adadelta written out by hand
(rho 0.95, eps 1e-7, Keras' update order), batches in row order with the last partial batch kept, autograd for the
gradients. Only layers >= TRAINABLE_FROM (0-based, default 0) are updated. Writes the final weights and, under
'epoch_loss', the batch-size-weighted mean loss per epoch.
"""
import sys
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
x_path, y_path, init_path, epochs, batch, lr, out_path = sys.argv[1:8]
trainable_from = int(sys.argv[8]) if len(sys.argv) > 8 else 0
epochs, batch, lr = int(epochs), int(batch), float(lr)
rho, eps = 0.95, 1e-7

x = torch.from_numpy(np.load(x_path).astype(np.float64))
y = torch.from_numpy(np.load(y_path).astype(np.float64)).reshape(x.shape[0], -1)
init = np.load(init_path)
n_layers = sum(1 for k in init.files if k.endswith("/kernel"))
params = []
for i in range(1, n_layers + 1):
    params.append(torch.tensor(init[f"dense_{i}/kernel"].astype(np.float64), requires_grad=True))
    params.append(torch.tensor(init[f"dense_{i}/bias"].astype(np.float64), requires_grad=True))
trainable = [p for i, p in enumerate(params) if i // 2 >= trainable_from]
acc_g = [torch.zeros_like(p) for p in trainable]
acc_d = [torch.zeros_like(p) for p in trainable]


def forward(inputs):
    h = inputs
    for i in range(n_layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.relu(h)
    return h


epoch_loss = []
n = x.shape[0]
for epoch in range(epochs):
    total = 0.0
    for start in range(0, n, batch):
        xb, yb = x[start:start + batch], y[start:start + batch]
        loss = torch.mean((forward(xb) - yb) ** 2)
        for p in params:
            p.grad = None
        loss.backward()
        total += loss.item() * xb.shape[0]
        with torch.no_grad():
            for p, ag, ad in zip(trainable, acc_g, acc_d):
                g = p.grad
                ag.mul_(rho).add_((1 - rho) * g * g)
                delta = g * torch.sqrt(ad + eps) / torch.sqrt(ag + eps)
                p.sub_(lr * delta)
                ad.mul_(rho).add_((1 - rho) * delta * delta)
    epoch_loss.append(total / n)

out = {}
for i in range(n_layers):
    out[f"dense_{i + 1}/kernel"] = params[2 * i].detach().numpy()
    out[f"dense_{i + 1}/bias"] = params[2 * i + 1].detach().numpy()
out["epoch_loss"] = np.array(epoch_loss)
np.savez(out_path, **out)
