"""scikit-learn peer: MLPClassifier trained one epoch per partial_fit call (solver "sgd" or "adam").

What it can and cannot match:
- T matches: hidden ReLU, softmax output with log-loss (cross-entropy, mean over the batch), Adam
  lr 1e-3, betas 0.9/0.999, eps 1e-8, batch 128, alpha (L2) = 0.
- S and N cannot: a classifier's output layer is always softmax with log-loss; there is no quadratic
  cost and no sigmoid output. What runs: sigmoid ("logistic") hidden layers, softmax + log-loss
  output, plain SGD (momentum 0, constant learning rate), batch 10, alpha = 0, learning rate
  --sklearn-lr (default 0.5: the softmax/log-loss gradient is a - y, not (a - y) a (1 - a), so the
  quadratic recipe's 3.0 is several times more aggressive here). The work per step is the same
  matrix shapes as the other peers; only the last layer's activation and delta differ.
- The initial weights are the shared numpy draw (MLPClassifier's own Glorot init is replaced
  through its _init_coef hook, a private method: if that hook disappears, sklearn's own init is
  used and the JSON line says so). Shuffling uses sklearn's own generator (seeded), not the shared
  permutation: partial_fit shuffles the sample indices and gathers each batch with fancy indexing.
- X is float32 (MLP keeps float32 since scikit-learn 1.2); partial_fit's input validation of the
  whole set runs inside each timed epoch, as it would in a user's loop.
"""

import common


def _extra(parser):
    parser.add_argument("--sklearn-lr", type=float, default=0.5,
                        help="SGD learning rate for S/N (softmax + log-loss, see the docstring)")


args = common.setup("sklearn", extra=_extra)

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402


def main():
    spec = args.spec
    train_x, train_y, test_x, test_y = common.load_mnist(args.data)
    x = common.as_float(train_x)
    weights, biases = common.initial_parameters(spec, args.seed)
    hidden = tuple(spec["sizes"][1:-1])
    if spec["optimizer"] == "sgd":
        model = MLPClassifier(hidden_layer_sizes=hidden, activation="logistic", solver="sgd",
                              alpha=0.0, batch_size=spec["batch"], learning_rate="constant",
                              learning_rate_init=args.sklearn_lr, momentum=0.0,
                              nesterovs_momentum=False, shuffle=True, random_state=args.seed)
        recipe = (f"logistic hidden, softmax+log-loss output, SGD lr {args.sklearn_lr}, "
                  f"batch {spec['batch']}")
    else:
        model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                              alpha=0.0, batch_size=spec["batch"], learning_rate_init=spec["lr"],
                              beta_1=common.ADAM["beta1"], beta_2=common.ADAM["beta2"],
                              epsilon=common.ADAM["eps"], shuffle=True, random_state=args.seed)
        recipe = "relu hidden, softmax+log-loss output, Adam lr 0.001, batch 128"

    shared_init = hasattr(model, "_init_coef")
    if shared_init:
        draws = iter(zip(weights, biases))

        def init_coef(fan_in, fan_out, dtype):
            w, b = next(draws)
            assert w.shape == (fan_in, fan_out)
            return w.astype(dtype, copy=True), b.astype(dtype, copy=True)

        model._init_coef = init_coef

    classes = np.arange(10)
    timer = common.EpochTimer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # overflow in exp for saturated sigmoids
        for _ in range(args.epochs):
            timer.start()
            model.partial_fit(x, train_y, classes=classes)
            timer.stop()
    acc = float((model.predict(common.as_float(test_x)) == test_y).mean())
    common.report(args, timer, acc, {"sklearn": sklearn.__version__, "recipe": recipe,
                                     "shared_init": shared_init})


main()
