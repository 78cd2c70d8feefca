"""PyTorch (CPU) runs Descent's `mlp99` recipe, so that the time to 99% test accuracy can be compared
side by side with `descent train --preset mlp99`.

The recipe, as Descent's preset has it:
  784-800-800-10, ReLU, softmax + cross-entropy, He weights (biases 0), inverted dropout 0.1 on both
  hidden layers, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8) with a cosine schedule stepped every
  mini-batch (factor 0.5 (1 + cos(pi t)), t = step / all steps), batch 128, 40 epochs, on the first
  50,000 training images, deskewed (each image sheared by c01/v0 about its centre row, sampled
  linearly along the row, as Descent does), and every training image distorted afresh each epoch:
  rotation up to +-5 degrees, scaling 1 +- 0.05, and an elastic field of alpha 20, sigma 4 (uniform
  (-1, 1) displacements smoothed by a Gaussian truncated at 3 sigma), sampled bilinearly with zeros
  outside (Simard et al. 2003).

The distortions are made the way a PyTorch user would: a batch at a time with affine_grid,
conv2d for the smoothing and grid_sample. The random draws come from torch's own generator (seeded);
they are not Descent's draws, so the two runs reach 99% after different epochs by chance as well.

Each epoch's training seconds (the distortions included, the test measurement not) and the test
accuracy after it are printed as one JSON line at the end, with the seconds to reach 99%.
"""

import argparse
import gzip
import json
import math
import os
import struct
import time


def parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="folder holding the four MNIST .gz IDX files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.99)
    return parser.parse_args()


args = parse()
for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[name] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(args.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass


def load(folder):
    def idx(name, rank):
        with gzip.open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        dims = data[3]
        shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
        array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
        return array.reshape(shape[0], -1) if rank == 3 else array
    return (idx("train-images-idx3-ubyte.gz", 3)[:50_000], idx("train-labels-idx1-ubyte.gz", 1)[:50_000],
            idx("t10k-images-idx3-ubyte.gz", 3), idx("t10k-labels-idx1-ubyte.gz", 1))


def deskew(images):
    """Descent's deskewing: output (y, x) sampled at (y, x + alpha (y - m0)), alpha = c01 / v0."""
    x = images.reshape(-1, 28, 28).astype(np.float64)
    rows = np.arange(28, dtype=np.float64)[None, :, None]
    columns = np.arange(28, dtype=np.float64)[None, None, :]
    mass = x.sum(axis=(1, 2))
    safe = np.where(mass > 0, mass, 1)
    m0 = (x * rows).sum(axis=(1, 2)) / safe
    m1 = (x * columns).sum(axis=(1, 2)) / safe
    v0 = (x * (rows - m0[:, None, None]) ** 2).sum(axis=(1, 2)) / safe
    c01 = (x * (rows - m0[:, None, None]) * (columns - m1[:, None, None])).sum(axis=(1, 2)) / safe
    alpha = np.where((mass > 0) & (v0 > 0), c01 / np.where(v0 > 0, v0, 1), 0.0)
    position = columns + alpha[:, None, None] * (rows - m0[:, None, None])  # [n, 28, 28]
    left = np.floor(position)
    fraction = position - left
    left = left.astype(np.int64)
    out = np.zeros_like(x)
    n = np.arange(x.shape[0])[:, None, None]
    r = np.broadcast_to(np.arange(28)[None, :, None], position.shape)
    for column, weight in ((left, 1 - fraction), (left + 1, fraction)):
        inside = (column >= 0) & (column < 28)
        out += np.where(inside, weight * x[n, r, np.clip(column, 0, 27)], 0)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8).reshape(-1, 784)


def gaussian_kernel(sigma):
    radius = math.ceil(3 * sigma)
    taps = torch.tensor([math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-radius, radius + 1)])
    return taps / taps.sum(), radius


KERNEL, RADIUS = gaussian_kernel(4.0)


def distort(batch, generator):
    """A batch [n, 1, 28, 28] rotated, scaled and elastically distorted, each image its own draw."""
    n = batch.shape[0]
    angle = (torch.rand(n, generator=generator) * 2 - 1) * (5 * math.pi / 180)
    scale = 1 + (torch.rand(n, generator=generator) * 2 - 1) * 0.05
    cosine, sine = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 1, 0], theta[:, 1, 1] = cosine, -sine, sine, cosine
    grid = F.affine_grid(theta, (n, 1, 28, 28), align_corners=True)
    field = torch.rand(n, 2, 28, 28, generator=generator) * 2 - 1
    field = F.conv2d(field.reshape(2 * n, 1, 28, 28), KERNEL.view(1, 1, 1, -1), padding=(0, RADIUS))
    field = F.conv2d(field, KERNEL.view(1, 1, -1, 1), padding=(RADIUS, 0)).reshape(n, 2, 28, 28)
    # Pixels to grid units: align_corners=True maps -1..1 onto 0..27.
    grid = grid + field.permute(0, 2, 3, 1) * (20.0 * 2 / 27)
    return F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def main():
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    started = time.perf_counter()
    train_x, train_y, test_x, test_y = load(args.data)
    train = torch.from_numpy(deskew(train_x).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    test = torch.from_numpy(deskew(test_x).astype(np.float32) / 255)
    labels = torch.from_numpy(train_y.astype(np.int64))
    test_labels = torch.from_numpy(test_y.astype(np.int64))
    prepared = time.perf_counter() - started

    model = nn.Sequential(nn.Linear(784, 800), nn.ReLU(), nn.Dropout(0.1), nn.Linear(800, 800), nn.ReLU(),
                          nn.Dropout(0.1), nn.Linear(800, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    batch = 128
    per_epoch = math.ceil(train.shape[0] / batch)
    total_steps = per_epoch * args.epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps)))
    loss_fn = nn.CrossEntropyLoss()
    epochs, elapsed, reached = [], 0.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(train.shape[0], generator=generator)
        for first in range(0, train.shape[0], batch):
            index = order[first:first + batch]
            x = distort(train[index], generator).reshape(-1, 784)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), labels[index])
            loss.backward()
            optimizer.step()
            schedule.step()
        seconds = time.perf_counter() - start
        elapsed += seconds
        model.eval()
        with torch.no_grad():
            accuracy = (model(test).argmax(dim=1) == test_labels).float().mean().item()
        epochs.append({"epoch": epoch, "seconds": seconds, "test_accuracy": accuracy})
        print(f"epoch {epoch}: {seconds:.2f} s, test {accuracy:.4f}", flush=True)
        if reached is None and accuracy >= args.target:
            reached = {"epoch": epoch, "training_seconds": elapsed, "wall_seconds": time.perf_counter() - started}
    print(json.dumps({"peer": "torch", "recipe": "mlp99", "threads": args.threads, "torch": torch.__version__,
                      "prepare_seconds": prepared, "epochs": epochs, "final_test_accuracy": epochs[-1]["test_accuracy"],
                      "target": args.target, "reached": reached, "wall_seconds": time.perf_counter() - started}))


main()
