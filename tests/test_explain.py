"""explain_step: the numbers it prints are those of a real step; the model is left alone."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.explain import _numbers
from scratchnet.model_copy import copy_model


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


MODELS = {
    "relu_adam": lambda: sn.Sequential([sn.Dense(64, activation="relu"), sn.Dense(2)], seed=0),
    "everything": lambda: sn.Sequential(
        [sn.Dense(8), sn.BatchNorm(), sn.Tanh(), sn.Dropout(0.25), sn.Dense(6, activation="gelu"),
         sn.LeakyReLU(), sn.Dense(1)], loss="binary_cross_entropy",
        optimizer=sn.AdamW(lr=0.01), seed=3),
    "mse_sgd": lambda: sn.Sequential([sn.Dense(5, activation="sigmoid"), sn.Dense(1)], loss="mse",
                                     optimizer=sn.SGD(lr=0.1, momentum=0.9), seed=1),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_trace_equals_a_real_step_and_leaves_the_model_alone(name):
    X, y = _data()
    model = MODELS[name]()
    model.fit(X, y, epochs=2, batch_size=8)
    X4, y4 = X[:4], y[:4]
    before = copy_model(model)
    trace = model.explain_step(X4, y4, print_fn=None)

    for a, b in zip(model.get_weights(), before.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.rng.bit_generator.state == before.rng.bit_generator.state
    assert model.optimizer.iterations == before.optimizer.iterations

    probe = copy_model(before)
    np.testing.assert_array_equal(trace.output, probe.forward(probe.prepare(X4, y4)[0], True))
    real = copy_model(before)
    real.fit(X4, y4, epochs=1, batch_size=4, shuffle=False)
    assert trace.loss == real.history["loss"][-1]
    for ours, (_, _, grad) in zip(trace.grads, real.parameters):
        np.testing.assert_array_equal(ours, grad)
    for ours, theirs in zip(trace.weights_after, real.get_weights()):
        np.testing.assert_array_equal(ours, theirs)

    # What is printed is what was computed.
    assert f"= {trace.loss:.6g}" in trace.text
    for key in ("Z1", "dW1", "W1 after"):
        assert _numbers(trace.arrays[key]) in trace.text


def test_printed_equations_have_the_real_shapes(capsys):
    X, y = _data()
    model = MODELS["relu_adam"]()
    trace = model.explain_step(X[:4], y[:4])          # an unfitted model: built on the copy
    assert not model.built
    out = capsys.readouterr().out
    assert out.strip() == trace.text.strip()
    for line in ["Z1 = X @ W1 + b1: (4, 2) @ (2, 64) + (64,) -> (4, 64)",
                 "A1 = max(Z1, 0): (4, 64)",
                 "dZ2 = (softmax(Z2) - Y) / 4: (4, 2)",
                 "dW2 = A1.T @ dZ2: (64, 4) @ (4, 2) -> (64, 2)",
                 "dA1 = dZ2 @ W2.T: (4, 2) @ (2, 64) -> (4, 64)",
                 "dZ1 = dA1 * (Z1 > 0): (4, 64)",
                 "(no dX: nothing before this layer learns)",
                 "W1 -= lr * m_hat / (sqrt(v_hat) + 1e-08): (2, 64)"]:
        assert line in out
    assert "the model itself is not changed" in out
