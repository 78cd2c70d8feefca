"""Nielsen-style peer (S and N only): a Network class in the manner of network.py from "Neural
Networks and Deep Learning", written here from the recipe, not copied. Column vectors, one example
at a time: backprop returns each example's gradient, update_mini_batch sums them over the
mini-batch and takes one SGD step with eta / len(mini_batch).

Differences from his file, each to keep the comparison fair with the other peers: float32 instead
of float64 (his code is bound by per-example Python overhead, so this barely matters); N(0, 1/fan_in)
weights from the shared draw (his network.py uses N(0, 1); network2.py scales them); the shared
shuffling order; the data as lists of (784x1, 10x1) column arrays built before timing, as his
mnist_loader does.
"""

import common

args = common.setup("nielsen", configs=("S", "N"))

import numpy as np  # noqa: E402

np.seterr(over="ignore")  # exp(-z) for z < -88 overflows to inf; the sigmoid is then exactly 0


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime_from_activation(a):
    return a * (1.0 - a)


class Network:
    def __init__(self, weights, biases):
        # weights[l] is [out, in] and biases[l] is [out, 1], as column-vector code wants them.
        self.weights = [np.ascontiguousarray(w.T) for w in weights]
        self.biases = [b.reshape(-1, 1).copy() for b in biases]
        self.num_layers = len(weights) + 1

    def feedforward(self, a):
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def sgd_epoch(self, training_data, order, mini_batch_size, eta):
        data = [training_data[i] for i in order]
        for k in range(0, len(data), mini_batch_size):
            self.update_mini_batch(data[k:k + mini_batch_size], eta)

    def update_mini_batch(self, mini_batch, eta):
        nabla_w = [np.zeros_like(w) for w in self.weights]
        nabla_b = [np.zeros_like(b) for b in self.biases]
        for x, y in mini_batch:
            delta_nabla_w, delta_nabla_b = self.backprop(x, y)
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
        rate = np.float32(eta / len(mini_batch))
        self.weights = [w - rate * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - rate * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        activations = [x]
        activation = x
        for w, b in zip(self.weights, self.biases):
            activation = sigmoid(w @ activation + b)
            activations.append(activation)
        # Quadratic cost: dC/da = a - y; times sigma'(z) = a (1 - a).
        delta = (activations[-1] - y) * sigmoid_prime_from_activation(activations[-1])
        nabla_w = [None] * len(self.weights)
        nabla_b = [None] * len(self.biases)
        nabla_w[-1] = delta @ activations[-2].T
        nabla_b[-1] = delta
        for layer in range(2, self.num_layers):
            delta = (self.weights[-layer + 1].T @ delta) * sigmoid_prime_from_activation(activations[-layer])
            nabla_w[-layer] = delta @ activations[-layer - 1].T
            nabla_b[-layer] = delta
        return nabla_w, nabla_b

    def evaluate(self, test_data):
        return sum(int(np.argmax(self.feedforward(x)) == y) for x, y in test_data)


def main():
    spec = args.spec
    train_x, train_y, test_x, test_y = common.load_mnist(args.data)
    xs = common.as_float(train_x)
    ys = common.one_hot(train_y)
    training_data = [(xs[i].reshape(784, 1), ys[i].reshape(10, 1)) for i in range(xs.shape[0])]
    txs = common.as_float(test_x)
    test_data = [(txs[i].reshape(784, 1), int(test_y[i])) for i in range(txs.shape[0])]
    weights, biases = common.initial_parameters(spec, args.seed)
    net = Network(weights, biases)
    perms = common.permutations(args.seed, args.epochs)
    timer = common.EpochTimer()
    for perm in perms:
        timer.start()
        net.sgd_epoch(training_data, perm, spec["batch"], spec["lr"])
        timer.stop()
    acc = net.evaluate(test_data) / len(test_data)
    common.report(args, timer, acc, {"numpy": np.__version__})


main()
