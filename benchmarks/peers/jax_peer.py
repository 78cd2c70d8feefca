"""JAX peer: the loss written in jax.numpy, gradients by jax.grad, one jit-compiled train step per
mini-batch (the usual way, and the main figure).

The training set lives on the (CPU) device as float32; each epoch gathers the shuffled copy with one
jitted take, and the step slices its batch out of it with lax.dynamic_slice, so a step is exactly one
dispatch. The parameters (and Adam's moments) are donated to the step so XLA may update them in place.
Adam is written out by hand (the same formula as PyTorch's and optax's), to need nothing but jax.

--scan runs each epoch as ONE jitted lax.scan over the full batches instead (peer "jax-scan"): no
Python between steps. It is reported separately, never as the main JAX figure.

First epoch includes compilation. Every timed epoch ends with block_until_ready.
"""

import common


def _extra(parser):
    parser.add_argument("--scan", action="store_true",
                        help="one jitted lax.scan per epoch instead of one jitted step per batch")


args = common.setup("jax", extra=_extra)
if args.scan:
    args.peer = "jax-scan"
elif args.no_pin and args.threads == 1:
    args.peer = "jax-unpinned"  # the XLA one-thread flags alone (they do not hold it to one core)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

jax.config.update("jax_platforms", "cpu")

spec = args.spec
B = spec["batch"]
LR = spec["lr"]
BETA1, BETA2, EPS = common.ADAM["beta1"], common.ADAM["beta2"], common.ADAM["eps"]


def forward(params, x):
    """Returns the output activations (sigmoid) or logits (softmax configs)."""
    a = x
    last = len(params) - 1
    for layer, (w, b) in enumerate(params):
        z = a @ w + b
        if layer < last:
            a = jax.nn.sigmoid(z) if spec["hidden"] == "sigmoid" else jax.nn.relu(z)
        else:
            a = jax.nn.sigmoid(z) if spec["output"] == "sigmoid" else z
    return a


def loss(params, x, y):
    out = forward(params, x)
    if spec["cost"] == "quadratic":
        # C = (1/2n) sum ||y - a||^2 over the batch.
        return 0.5 * jnp.sum((out - y) ** 2) / x.shape[0]
    # Softmax + cross-entropy on the logits, mean over the batch.
    return jnp.mean(jax.nn.logsumexp(out, axis=1) - jnp.sum(out * y, axis=1))


def update(state, x, y):
    grads = jax.grad(loss)(state["params"], x, y)
    if spec["optimizer"] == "sgd":
        params = jax.tree_util.tree_map(lambda p, g: p - LR * g, state["params"], grads)
        return {"params": params}
    t = state["t"] + 1
    m = jax.tree_util.tree_map(lambda m, g: BETA1 * m + (1 - BETA1) * g, state["m"], grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, state["v"], grads)
    tf = t.astype(jnp.float32)
    step_size = LR * jnp.sqrt(1 - BETA2 ** tf) / (1 - BETA1 ** tf)
    eps_hat = EPS * jnp.sqrt(1 - BETA2 ** tf)
    params = jax.tree_util.tree_map(lambda p, m, v: p - step_size * m / (jnp.sqrt(v) + eps_hat),
                                    state["params"], m, v)
    return {"params": params, "m": m, "v": v, "t": t}


@jax.jit
def shuffled(x, y, perm):
    return jnp.take(x, perm, axis=0), jnp.take(y, perm, axis=0)


def train_step(state, xs, ys, i):
    xb = lax.dynamic_slice_in_dim(xs, i * B, B, axis=0)
    yb = lax.dynamic_slice_in_dim(ys, i * B, B, axis=0)
    return update(state, xb, yb)


step = jax.jit(train_step, donate_argnums=0)
tail_step = jax.jit(update, donate_argnums=0)  # the last, partial batch (T: 50,000 = 390 x 128 + 80)


def train_epoch(state, xs, ys):
    full = xs.shape[0] // B
    xb = xs[:full * B].reshape(full, B, -1)
    yb = ys[:full * B].reshape(full, B, -1)
    state, _ = lax.scan(lambda s, batch: (update(s, batch[0], batch[1]), None), state, (xb, yb))
    return state


scan_epoch = jax.jit(train_epoch, donate_argnums=0)


@jax.jit
def correct(params, x, labels):
    return jnp.sum(jnp.argmax(forward(params, x), axis=1) == labels)


def main():
    train_x, train_y, test_x, test_y = common.load_mnist(args.data)
    x = jnp.asarray(common.as_float(train_x))
    y = jnp.asarray(common.one_hot(train_y))
    weights, biases = common.initial_parameters(spec, args.seed)
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in zip(weights, biases)]
    state = {"params": params}
    if spec["optimizer"] == "adam":
        state = {"params": params, "m": jax.tree_util.tree_map(jnp.zeros_like, params),
                 "v": jax.tree_util.tree_map(jnp.zeros_like, params),
                 "t": jnp.zeros((), jnp.int32)}
    perms = common.permutations(args.seed, args.epochs)
    n = x.shape[0]
    full = n // B
    timer = common.EpochTimer()
    for perm in perms:
        timer.start()
        xs, ys = shuffled(x, y, jnp.asarray(perm, dtype=jnp.int32))
        if args.scan:
            state = scan_epoch(state, xs, ys)
        else:
            for i in range(full):
                state = step(state, xs, ys, i)
        if full * B < n:
            state = tail_step(state, xs[full * B:], ys[full * B:])
        jax.block_until_ready(state)
        timer.stop()
    test = jnp.asarray(common.as_float(test_x))
    acc = int(correct(state["params"], test, jnp.asarray(test_y.astype(np.int32)))) / test_x.shape[0]
    common.report(args, timer, acc, {"jax": jax.__version__,
                                     "mode": "lax.scan per epoch" if args.scan else "jit per step"},
                  blas=False)  # XLA does not use the OpenBLAS that numpy loaded


main()
