"""numpy peer: hand-written backprop in the manner of Nielsen's network.py, but vectorised over the
mini-batch (one matrix product per layer per step instead of one matrix-vector product per example).

float32 throughout; the training set is converted to float32 once before timing (as a numpy user
would); each epoch gathers the shuffled copy (X[perm]) and then walks it in contiguous slices.
The epoch time includes that gather.
"""

import common

args = common.setup("numpy")

import numpy as np  # noqa: E402  (after setup: thread limits are read when numpy loads)

# exp(-z) overflows to inf for z < -88 in float32; the sigmoid is then exactly 0, as it should be.
np.seterr(over="ignore")


def sigmoid(z):
    # In place: z is a fresh temporary; exp of large negative z overflows to inf and gives 0, fine.
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    np.reciprocal(z, out=z)
    return z


def train_sgd_quadratic(x, y, weights, biases, perms, spec, timer):
    batch, lr = spec["batch"], np.float32(spec["lr"])
    layers = len(weights)
    for perm in perms:
        timer.start()
        xs, ys = x[perm], y[perm]
        for start in range(0, xs.shape[0], batch):
            xb, yb = xs[start:start + batch], ys[start:start + batch]
            # Forward: keep each layer's activation.
            acts = [xb]
            for w, b in zip(weights, biases):
                z = acts[-1] @ w
                z += b
                acts.append(sigmoid(z))
            # Quadratic cost, sigmoid output: delta = (a - y) * a * (1 - a).
            a = acts[-1]
            delta = (a - yb) * a * (1.0 - a)
            coef = lr / np.float32(xb.shape[0])
            for layer in range(layers - 1, -1, -1):
                w = weights[layer]
                grad_w = acts[layer].T @ delta
                grad_b = delta.sum(axis=0)
                if layer > 0:
                    a_prev = acts[layer]
                    delta = (delta @ w.T) * a_prev * (1.0 - a_prev)  # uses the old weights
                w -= coef * grad_w
                biases[layer] -= coef * grad_b
        timer.stop()


def train_adam_softmax(x, y, weights, biases, perms, spec, timer):
    batch, lr = spec["batch"], spec["lr"]
    beta1, beta2, eps = common.ADAM["beta1"], common.ADAM["beta2"], common.ADAM["eps"]
    params = weights + biases
    # Gradients, Adam's moments and one scratch array per parameter, allocated once: the update
    # then runs in place (out=) instead of making fresh temporaries of the weight matrices.
    grads = [np.zeros_like(p) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    scratch = [np.zeros_like(p) for p in params]
    layers = len(weights)
    grads_w, grads_b = grads[:layers], grads[layers:]
    step = 0
    for perm in perms:
        timer.start()
        xs, ys = x[perm], y[perm]
        for start in range(0, xs.shape[0], batch):
            xb, yb = xs[start:start + batch], ys[start:start + batch]
            n = xb.shape[0]
            acts = [xb]
            for layer in range(layers):
                z = acts[-1] @ weights[layer]
                z += biases[layer]
                if layer < layers - 1:
                    np.maximum(z, 0.0, out=z)
                else:
                    z -= z.max(axis=1, keepdims=True)
                    np.exp(z, out=z)
                    z /= z.sum(axis=1, keepdims=True)
                acts.append(z)
            # Mean cross-entropy over the batch with softmax: dC/dz = (a - y) / n.
            delta = acts[-1] - yb
            delta *= np.float32(1.0 / n)
            for layer in range(layers - 1, -1, -1):
                np.matmul(acts[layer].T, delta, out=grads_w[layer])
                np.sum(delta, axis=0, out=grads_b[layer])
                if layer > 0:
                    delta = delta @ weights[layer].T
                    delta *= acts[layer] > 0
            step += 1
            # Adam with bias correction folded into the step size (as PyTorch does).
            step_size = np.float32(lr * np.sqrt(1 - beta2 ** step) / (1 - beta1 ** step))
            eps_hat = np.float32(eps * np.sqrt(1 - beta2 ** step))
            for p, g, mi, vi, t in zip(params, grads, m, v, scratch):
                mi *= beta1                                   # m = b1 m + (1 - b1) g
                np.multiply(g, np.float32(1 - beta1), out=t)
                mi += t
                vi *= beta2                                   # v = b2 v + (1 - b2) g^2
                np.multiply(g, g, out=t)
                t *= np.float32(1 - beta2)
                vi += t
                np.sqrt(vi, out=t)                            # p -= step m / (sqrt(v) + eps)
                t += eps_hat
                np.divide(mi, t, out=t)
                t *= step_size
                p -= t
        timer.stop()


def accuracy(x, labels, weights, biases, spec):
    a = x
    for layer, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w + b
        if spec["hidden"] == "relu" and layer < len(weights) - 1:
            a = np.maximum(z, 0.0)
        elif spec["hidden"] == "sigmoid":
            a = sigmoid(z)
        else:
            a = z  # softmax is monotonic: argmax of z
    return float((a.argmax(axis=1) == labels).mean())


def main():
    spec = args.spec
    train_x, train_y, test_x, test_y = common.load_mnist(args.data)
    x, y = common.as_float(train_x), common.one_hot(train_y)
    weights, biases = common.initial_parameters(spec, args.seed)
    perms = common.permutations(args.seed, args.epochs)
    timer = common.EpochTimer()
    if spec["optimizer"] == "sgd":
        train_sgd_quadratic(x, y, weights, biases, perms, spec, timer)
    else:
        train_adam_softmax(x, y, weights, biases, perms, spec, timer)
    acc = accuracy(common.as_float(test_x), test_y, weights, biases, spec)
    common.report(args, timer, acc, {"numpy": np.__version__})


main()
