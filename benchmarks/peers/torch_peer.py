"""PyTorch (CPU) peer: the usual eager training loop — nn.Sequential of nn.Linear layers, autograd,
torch.optim.SGD / torch.optim.Adam, zero_grad + forward + loss + backward + step per mini-batch.

float32; the training set is one tensor built before timing; each epoch gathers the shuffled copy
(index_select with the shared permutation) and walks it in contiguous slices. The weights start from
the same numpy draw as every other peer (nn.Linear stores them [out, in], hence the transpose).
S/N: quadratic cost 0.5 * sum((a - y)^2) / n with a sigmoid output layer, SGD lr 3.0 (no momentum).
T: nn.CrossEntropyLoss on the logits (softmax + cross-entropy, mean over the batch), Adam lr 1e-3.
torch.set_num_threads(--threads); one inter-op thread. --bf16: the forward pass and the loss under
torch.autocast("cpu", dtype=torch.bfloat16), PyTorch's mixed precision (float32 weights and optimiser,
the linear layers' products in bfloat16).
"""

import common

def _extra(parser):
    parser.add_argument("--bf16", action="store_true", help="bfloat16 autocast for the forward pass and the loss")


args = common.setup("torch", extra=_extra)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(args.threads)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass


def build(spec, weights, biases):
    layers = []
    last = len(weights) - 1
    for i, (w, b) in enumerate(zip(weights, biases)):
        linear = nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < last:
            layers.append(nn.Sigmoid() if spec["hidden"] == "sigmoid" else nn.ReLU())
        elif spec["output"] == "sigmoid":
            layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def main():
    spec = args.spec
    train_x, train_y, test_x, test_y = common.load_mnist(args.data)
    x = torch.from_numpy(common.as_float(train_x))
    if spec["cost"] == "quadratic":
        y = torch.from_numpy(common.one_hot(train_y))
    else:
        y = torch.from_numpy(train_y.astype(np.int64))
    weights, biases = common.initial_parameters(spec, args.seed)
    model = build(spec, weights, biases)
    if spec["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"])

        def loss_fn(out, target):
            return 0.5 * ((out - target) ** 2).sum() / out.shape[0]
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=spec["lr"],
                                     betas=(common.ADAM["beta1"], common.ADAM["beta2"]),
                                     eps=common.ADAM["eps"])
        loss_fn = nn.CrossEntropyLoss()
    batch = spec["batch"]
    perms = common.permutations(args.seed, args.epochs)
    timer = common.EpochTimer()
    model.train()
    for perm in perms:
        timer.start()
        index = torch.from_numpy(perm)
        xs, ys = x.index_select(0, index), y.index_select(0, index)
        for start in range(0, xs.shape[0], batch):
            xb, yb = xs[start:start + batch], ys[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        timer.stop()
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(common.as_float(test_x)))
        acc = (out.argmax(dim=1).numpy() == test_y).mean()
    common.report(args, timer, acc, {"torch": torch.__version__,
                                     "torch_threads": torch.get_num_threads(),
                                     "precision": "bf16-autocast" if args.bf16 else "float32"})


main()
