"""The tutorial facades: exact values, first iterations against hand-written NumPy, learning."""

import numpy as np
import pytest

from scratchnet.datasets import load_heart, load_weight_height_queries, load_weight_height_toy
from scratchnet.datasets import make_moons
from scratchnet.preprocessing import StandardScaler
from scratchnet.tutorials import (MoonsNet, NeuralNet, Neuron, ToyNetwork,
                                  sklearn_compatible_indices, sklearn_compatible_split,
                                  tutorial_initial_weights, width_sweep)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- tutorial 001 ------------------------------------------------------------------
def test_neuron_feedforward():
    assert Neuron([0, 1], 4).feedforward([2, 3]) == pytest.approx(_sigmoid(7.0), abs=1e-15)
    assert isinstance(Neuron([0, 1], 0).feedforward([2, 3]), float)


def test_neuron_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="2 weights"):
        Neuron([0, 1], 0).feedforward([1, 2, 3])


def test_toy_network_feedforward_matches_the_tutorial():
    net = ToyNetwork.from_neurons(weights=[0, 1], bias=0)
    assert abs(net.feedforward([2, 3]) - 0.7216325609518421) < 1e-12
    # A 2-D input gives one value per row.
    out = net.feedforward(np.array([[2.0, 3.0], [2.0, 3.0]]))
    assert out.shape == (2,)
    np.testing.assert_allclose(out, 0.7216325609518421, atol=1e-12)


def test_toy_network_learns_the_four_people():
    X, y = load_weight_height_toy()
    net = ToyNetwork(seed=0)
    logged = net.train(X, y, epochs=1000, log_every=10)
    assert [e for e, _ in logged] == list(range(0, 1000, 10))
    assert logged[-1][1] < logged[0][1] / 10
    queries, names = load_weight_height_queries()
    emily, frank = net.feedforward(queries)
    assert names == ["Emily", "Frank"]
    assert emily > 0.5 > frank


def test_toy_network_first_update_is_the_tutorials_sgd_step():
    """One per-sample step is the tutorial's hand-derived update: dL/do = -2 (y - o)."""
    net = ToyNetwork(seed=3, learn_rate=0.1)
    W1, b1, W2, b2 = net.model.get_weights()
    x, y = np.array([[-2.0, -1.0]]), np.array([1.0])
    h = _sigmoid(x @ W1 + b1)
    o = _sigmoid(h @ W2 + b2)
    d_o = -2 * (y - o) * o * (1 - o)          # through the output sigmoid
    d_h = d_o @ W2.T * h * (1 - h)            # through the hidden sigmoids
    expected = [W1 - 0.1 * x.T @ d_h, b1 - 0.1 * d_h[0], W2 - 0.1 * h.T @ d_o, b2 - 0.1 * d_o[0]]
    net.train(x, y, epochs=1)
    for got, want in zip(net.model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_toy_network_verbose_prints_the_tutorials_lines():
    X, y = load_weight_height_toy()
    lines = []
    ToyNetwork(seed=0).train(X, y, epochs=20, verbose=True, print_fn=lines.append)
    assert len(lines) == 2 and lines[0].startswith("Epoch 0 loss: ")


# -- tutorials 000 and 002 -----------------------------------------------------------------
def test_initial_weights_are_the_tutorials_draws_and_leave_the_global_state_alone():
    state = np.random.get_state()
    try:
        np.random.seed(1)
        expected = [np.random.randn(30, 14), np.random.randn(14), np.random.randn(14, 1),
                    np.random.randn(1)]
        np.random.seed(123)
        before = np.random.get_state()[1].copy()
        got = tutorial_initial_weights([30, 14, 1], seed=1)
        after = np.random.get_state()[1]
    finally:
        np.random.set_state(state)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        assert np.array_equal(g, e)  # bit for bit
    assert np.array_equal(before, after)


def _data(n=40, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_neuralnet_first_iteration_matches_hand_written_gradient_descent(activation):
    """Full batch, binary cross-entropy, gradient summed over the samples, float64."""
    X, y = _data()
    layers, lr = [5, 4, 1], 0.01
    W1, b1, W2, b2 = tutorial_initial_weights(layers, seed=1)
    Y = y[:, None].astype(float)
    Z1 = X @ W1 + b1
    A1 = _sigmoid(Z1) if activation == "sigmoid" else np.maximum(Z1, 0)
    h = _sigmoid(A1 @ W2 + b2)
    loss0 = -np.mean(Y * np.log(h) + (1 - Y) * np.log(1 - h))
    dZ2 = h - Y                                               # summed, not averaged
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (A1 * (1 - A1) if activation == "sigmoid" else (Z1 > 0))
    expected = [W1 - lr * X.T @ dZ1, b1 - lr * dZ1.sum(0), W2 - lr * A1.T @ dZ2,
                b2 - lr * dZ2.sum(0)]

    net = NeuralNet(layers=layers, learning_rate=lr, iterations=1, activation=activation)
    net.fit(X, y)
    assert net.loss[0] == pytest.approx(loss0, rel=1e-13)
    for got, want in zip(net.model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def _heart_split():
    X, y = load_heart()
    train, test = sklearn_compatible_indices(len(X), test_size=0.2, random_state=2)
    scaler = StandardScaler().fit(X[train])
    return scaler.transform(X[train]), scaler.transform(X[test]), y[train] - 1, y[test] - 1


def test_heart_run_1_follows_tutorial_002_step_for_step():
    """All 100 iterations of the clipped-loss tutorial code, written out here, agree."""
    X, X_test, y, _ = _heart_split()
    eta = lambda v: np.maximum(v, 1e-10)  # noqa: E731  (the tutorial's clipping)
    W1, b1, W2, b2 = tutorial_initial_weights([13, 8, 1], seed=1)
    Y, losses = y[:, None].astype(float), []
    for _ in range(100):
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0)
        h = _sigmoid(A1 @ W2 + b2)
        losses.append(-np.mean(Y * np.log(eta(h)) + (1 - Y) * np.log(eta(1 - h))))
        dZ2 = ((1 - Y) / eta(1 - h) - Y / eta(h)) * h * (1 - h)
        dZ1 = dZ2 @ W2.T * (Z1 > 0)
        W1, b1, W2, b2 = (W1 - 0.001 * X.T @ dZ1, b1 - 0.001 * dZ1.sum(0),
                          W2 - 0.001 * A1.T @ dZ2, b2 - 0.001 * dZ2.sum(0))
    net = NeuralNet(layers=[13, 8, 1], learning_rate=0.001, iterations=100,
                    activation="relu").fit(X, y)
    np.testing.assert_allclose(net.loss, losses, rtol=1e-11)
    tutorial_pred = np.round(_sigmoid(np.maximum(X_test @ W1 + b1, 0) @ W2 + b2)).ravel()
    assert np.array_equal(net.predict(X_test), tutorial_pred)


def test_neuralnet_predicts_the_users_labels_and_acc_is_a_percentage():
    X, y = _data(n=60)
    labels = np.where(y == 1, "M", "B")
    net = NeuralNet(layers=[5, 3, 1], learning_rate=0.01, iterations=50).fit(X, labels)
    pred = net.predict(X)
    assert set(pred.tolist()) <= {"B", "M"}
    assert net.classes_.tolist() == ["B", "M"]
    assert net.acc(labels, pred) > 70.0
    # Column vectors, as tutorial 002 passes them, are accepted.
    assert NeuralNet.acc(np.array([[1], [0]]), np.array([1, 1])) == 50.0
    assert net.cost is net.loss and len(net.loss) == 50
    assert net.predict_proba(X).shape == (60, 2)


def test_neuralnet_checks_its_arguments():
    with pytest.raises(ValueError, match="must end with 1"):
        NeuralNet(layers=[30, 14, 2])
    with pytest.raises(ValueError, match="'activation' parameter of NeuralNet must be one of"):
        NeuralNet(activation="softmax")
    with pytest.raises(ValueError, match="'learning_rate'"):
        NeuralNet(learning_rate=0)
    with pytest.raises(ValueError, match=r"expects X of shape \(n_samples, 30\)"):
        NeuralNet().fit(np.zeros((4, 13)), [0, 1, 0, 1])
    with pytest.raises(RuntimeError, match="not fitted"):
        NeuralNet().predict(np.zeros((1, 30)))


def test_neuralnet_plot_loss_and_plot_cost(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = _data()
    net = NeuralNet(layers=[5, 3, 1], iterations=10).fit(X, y)
    ax = net.plot_cost()
    assert len(ax.lines[0].get_ydata()) == 10
    assert NeuralNet.plot_cost is NeuralNet.plot_loss
    plt.close("all")


# -- tutorial 003 ----------------------------------------------------------------------
def test_moons_net_learns_quickly():
    X, y = make_moons(n_samples=5000, noise=0.1, random_state=0)
    net = MoonsNet(64, seed=0)
    acc = net.test(X[:3750], y[:3750], X[3750:], y[3750:], batch_size=10, epochs=15)
    assert acc > 0.85
    assert net.predict_proba(X[:5]).shape == (5, 2)
    assert len(net.history["loss"]) == 15


def test_moons_net_is_the_tutorials_network():
    net = MoonsNet(64)
    loss, opt = net.model.loss, net.model.optimizer
    assert type(loss).__name__ == "CrossEntropy" and loss.reduction == "sum"
    assert type(opt).__name__ == "SGD" and opt.lr == 1e-4 and opt.momentum == 0
    assert [w.shape for w in net.model.get_weights()] == [(2, 64), (64,), (64, 2), (2,)]
    # Standard-normal biases, not zeros.
    assert np.count_nonzero(net.model.get_weights()[1]) == 64


def test_width_sweep_shapes_and_determinism():
    X, y = make_moons(n_samples=200, noise=0.1, random_state=1)
    args = (X[:150], y[:150], X[150:], y[150:])
    w, mean, std = width_sweep(*args, widths=[3, 5], n_trial=2, epochs=2, seed=4)
    assert w.tolist() == [3, 5] and mean.shape == std.shape == (2,)
    _, mean2, _ = width_sweep(*args, widths=[3, 5], n_trial=2, epochs=2, seed=4)
    assert np.array_equal(mean, mean2)


# -- scikit-learn's split ---------------------------------------------------------------------
@pytest.mark.parametrize("n, test_size, random_state",
                         [(270, 0.2, 2), (569, 0.2, 0), (569, 0.2, 7), (5000, 0.25, 42),
                          (11, 3, 5), (10, 0.33, 0)])
def test_sklearn_compatible_split_matches_sklearn(n, test_size, random_state):
    model_selection = pytest.importorskip("sklearn.model_selection")
    X = np.arange(2 * n).reshape(n, 2)
    y = np.arange(n)
    ours = sklearn_compatible_split(X, y, test_size=test_size, random_state=random_state)
    theirs = model_selection.train_test_split(X, y, test_size=test_size,
                                              random_state=random_state)
    assert len(ours) == len(theirs) == 4
    for a, b in zip(ours, theirs):
        assert np.array_equal(a, b)


def test_sklearn_compatible_split_checks_and_leaves_global_state_alone():
    state = np.random.get_state()[1].copy()
    train, test = sklearn_compatible_indices(10, test_size=0.2, random_state=2)
    assert np.array_equal(state, np.random.get_state()[1])
    assert len(test) == 2 and sorted(np.concatenate([train, test]).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="'test_size'"):
        sklearn_compatible_split(np.arange(10), test_size=1.5)
    with pytest.raises(ValueError, match="same number of samples"):
        sklearn_compatible_split(np.arange(10), np.arange(9))
