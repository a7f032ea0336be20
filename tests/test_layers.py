"""Layers: gradient checks over the whole registry, in-place safety, subclassing."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.layers import ACTIVATIONS

RNG = np.random.default_rng(123)


def _off_kinks(shape, rng):
    """Inputs at least 0.1 away from 0, where ReLU-like layers have a kink."""
    X = rng.normal(size=shape)
    return X + 0.1 * np.sign(X)


# Every built-in layer, through its registry: a new entry is checked by these tests.
LAYER_FACTORIES = {name: cls for name, cls in ACTIVATIONS.items()}
LAYER_FACTORIES.update({
    "dense": lambda: sn.Dense(4),
    "dense_relu": lambda: sn.Dense(4, activation="relu"),
    "dense_tanh_nobias": lambda: sn.Dense(3, activation="tanh", use_bias=False),
    "dense_normal_init": lambda: sn.Dense(3, init="normal"),
    "dropout": lambda: sn.Dropout(0.4),
    "leaky_relu_steep": lambda: sn.LeakyReLU(0.3),
    "gelu_tanh": lambda: sn.GELU(approximate="tanh"),
    "elu_alpha": lambda: sn.ELU(alpha=0.5),
    "softplus_sharp_low_threshold": lambda: sn.Softplus(beta=2.0, threshold=1.0),
    "batchnorm": lambda: sn.BatchNorm(),
    "batchnorm_momentum": lambda: sn.BatchNorm(momentum=0.5, eps=1e-3),
    "dense_gelu": lambda: sn.Dense(3, activation="gelu"),
})


@pytest.mark.parametrize("name", sorted(LAYER_FACTORIES))
def test_gradients_match_finite_differences(name):
    layer = LAYER_FACTORIES[name]()
    worst = sn.check_gradients(layer, _off_kinks((5, 4), RNG), seed=1)
    assert worst < 1e-6


def test_every_builtin_layer_class_is_covered():
    covered = {type(f()) for f in LAYER_FACTORIES.values()}
    builtins = {cls for key, cls in sn.LAYERS.items() if "." not in key and cls is not sn.Layer}
    assert builtins <= covered


@pytest.mark.parametrize("name", sorted(LAYER_FACTORIES))
def test_forward_and_backward_leave_inputs_untouched(name):
    layer = LAYER_FACTORIES[name]()
    X = _off_kinks((6, 4), RNG)
    layer.build(4, np.random.default_rng(0), np.float64)
    X_copy = X.copy()
    Y = layer.forward(X, training=True)
    dY = RNG.normal(size=Y.shape)
    dY_copy = dY.copy()
    layer.backward(dY)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(dY, dY_copy)


def test_a_wrong_backward_is_caught():
    class BrokenTanh(sn.Tanh):
        def backward(self, dY):  # forgets the square: 1 - Y instead of 1 - Y^2
            return dY * (1 - self._out)

    assert sn.check_gradients(BrokenTanh(), _off_kinks((5, 3), RNG)) > 1e-2


def test_softmax_check_is_not_vacuous():
    class ZeroSoftmax(sn.Softmax):
        def backward(self, dY):
            return np.zeros_like(dY)

    assert sn.check_gradients(ZeroSoftmax(), RNG.normal(size=(4, 3))) > 0.5


def test_subclass_is_used_by_model_training_and_gradient_check():
    calls = []

    class CountingReLU(sn.ReLU):
        def backward(self, dY):
            calls.append(dY.shape)
            return super().backward(dY)

    X = _off_kinks((8, 3), RNG)
    y = (X[:, 0] > 0).astype(int)
    model = sn.Sequential([sn.Dense(5), CountingReLU(), sn.Dense(2)], seed=0)
    model.fit(X, y, epochs=2, batch_size=4)
    assert len(calls) == 4
    assert sn.check_gradients(model, X, y) < 1e-6
    assert len(calls) > 4


def test_dense_shapes_and_initializers():
    rng = np.random.default_rng(0)
    dense = sn.Dense(300, activation="relu")
    dense.build(400, rng, np.float32)
    W = dense.params["W"]
    assert W.shape == (400, 300) and W.dtype == np.float32
    assert dense.params["b"].shape == (300,) and not dense.params["b"].any()
    assert abs(W.std() - np.sqrt(2 / 400)) < 0.003          # He before ReLU
    glorot = sn.Dense(300)
    glorot.build(400, rng, np.float32)
    assert abs(np.abs(glorot.params["W"]).max() - np.sqrt(6 / 700)) < 0.003
    normal = sn.Dense(300, init="normal")
    normal.build(400, rng, np.float64)
    assert abs(normal.params["W"].std() - 1) < 0.01 and normal.params["b"].std() > 0.5


def test_auto_init_looks_at_the_next_layer():
    model = sn.Sequential([sn.Dense(500), sn.LeakyReLU(), sn.Dense(2)], seed=0)
    model.build(300)
    assert abs(model.layers[0].params["W"].std() - np.sqrt(2 / 300)) < 0.003


def test_dropout_is_inverted_and_only_active_in_training():
    layer = sn.Dropout(0.25)
    layer.build(1000, np.random.default_rng(0), np.float64)
    X = np.ones((50, 1000))
    np.testing.assert_array_equal(layer.forward(X, training=False), X)
    Y = layer.forward(X, training=True)
    assert set(np.unique(Y)) == {0.0, 1 / 0.75}
    assert abs((Y == 0).mean() - 0.25) < 0.01


def test_leaky_relu_default_slope_matches_pytorch():
    layer = sn.LeakyReLU()
    out = layer.forward(np.array([[-2.0, 3.0]]))
    np.testing.assert_allclose(out, [[-0.02, 3.0]])


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(all="raise"):
        out = sn.Sigmoid().forward(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_allclose(out, [[0.0, 0.5, 1.0]])


@pytest.mark.parametrize("factory, message", [
    (lambda: sn.Dense(0), r"'units' parameter of Dense must be an int in the range \[1, inf\)\. Got 0"),
    (lambda: sn.Dense(3.5), r"'units' parameter of Dense must be an int"),
    (lambda: sn.Dense(2**64), r"'units' parameter of Dense must be an int .* fit in 64 bits"),
    (lambda: sn.Dense(3, activation="no_such_activation"), r"'activation' parameter of Dense must be one of"),
    (lambda: sn.Dense(3, init="no_such_init"), r"'init' parameter of Dense must be one of"),
    (lambda: sn.Dropout(1.0), r"'rate' parameter of Dropout must be a float in the range \[0.0, 1.0\)"),
    (lambda: sn.LeakyReLU(-1), r"'negative_slope' parameter of LeakyReLU"),
])
def test_constructors_reject_bad_values(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_declared_input_dim_is_enforced():
    model = sn.Sequential([sn.Dense(3, input_dim=5), sn.Dense(2)])
    with pytest.raises(ValueError, match="declared with input_dim=5 but receives 4"):
        model.fit(np.ones((4, 4)), [0, 1, 0, 1])
