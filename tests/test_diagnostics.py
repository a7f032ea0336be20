"""Diagnostics: per-layer numbers checked against independent computations; the NaN sentinel."""

import math

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.diagnostics import SATURATION


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def _model(optimizer="adam"):
    return sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(8, activation="tanh"),
                          sn.Dense(2)], seed=0, optimizer=optimizer, dtype="float64")


def test_grad_norm_and_update_ratio_match_a_plain_sgd_step():
    X, y = _data()
    model = _model(sn.SGD(lr=0.05))
    model.fit(X, y, epochs=2, batch_size=16)
    report = model.diagnose(X, y)
    for row in report.rows:
        i = row["index"]
        W, b = model.layers[i].params["W"], model.layers[i].params["b"]
        # the layer's gradient norm, from a step on a copy
        probe = sn.model_copy.copy_model(model)
        Xp, Yp = probe.prepare(X, y)
        probe.loss.forward(probe.forward(Xp, True), Yp)
        probe.backward(probe.loss.backward())
        g = probe.layers[i].grads
        norm = math.sqrt(np.sum(g["W"] ** 2) + np.sum(g["b"] ** 2))
        assert row["grad_norm"] == pytest.approx(norm, rel=1e-12)
        # SGD: the update is lr * g, so the ratio is lr * |g| / |theta|.
        size = math.sqrt(np.sum(W ** 2) + np.sum(b ** 2))
        assert row["update_ratio"] == pytest.approx(0.05 * norm / size, rel=1e-9)
    assert report.loss == pytest.approx(model.evaluate(X, y)["loss"], rel=1e-12)


def test_dead_and_saturated_shares():
    X, y = _data()
    model = _model()
    model.fit(X, y, epochs=1)
    model.layers[0].params["b"][:4] = -1e3                 # 4 of 16 ReLU units never fire
    model.layers[1].params["W"][...] *= 1e3                # tanh driven to +-1
    report = model.diagnose(X, y)
    relu, tanh, out = report.rows
    assert relu["dead"] == 4 / 16 and relu["saturated"] is None
    assert tanh["saturated"] > 0.95 and tanh["dead"] is None
    assert out["dead"] is None and out["saturated"] is None
    Z = model.forward(model.prepare(X, y)[0], upto=1)
    assert tanh["saturated"] == np.mean(np.abs(Z) > 1 - SATURATION)
    assert relu["mean"] == pytest.approx(model.forward(model.prepare(X, y)[0], upto=0).mean())
    text = str(report)
    assert "25.0%" in text and "0 Dense(16, ReLU)" in text and "update/weight" in text


def test_diagnose_leaves_the_model_untouched():
    X, y = _data()
    model = sn.Sequential([sn.Dense(8), sn.BatchNorm(), sn.ReLU(), sn.Dropout(0.3), sn.Dense(2)],
                          seed=1)
    model.fit(X, y, epochs=1, batch_size=16)
    weights, state = model.get_weights(), model.layers[1].state["running_mean"].copy()
    rng_state, iterations = model.rng.bit_generator.state, model.optimizer.iterations
    model.diagnose(X, y)
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(state, model.layers[1].state["running_mean"])
    assert model.rng.bit_generator.state == rng_state
    assert model.optimizer.iterations == iterations


def test_callback_changes_nothing_and_measures_the_epoch_update():
    X, y = _data()
    plain, watched = _model(), _model()
    plain.fit(X, y, epochs=3, batch_size=16)
    diagnostics = sn.Diagnostics(X[:50], y[:50])
    watched.fit(X, y, epochs=2, batch_size=16)
    before = watched.get_weights()
    watched.fit(X, y, epochs=1, batch_size=16, callbacks=[diagnostics])
    after = watched.get_weights()
    for a, b in zip(plain.get_weights(), after):
        np.testing.assert_array_equal(a, b)
    (epoch, report), = diagnostics.reports
    assert epoch == 3 and report.update_over == "epoch"
    for row, k in zip(report.rows, range(0, 6, 2)):
        change = math.sqrt(sum(np.sum((after[j] - before[j]) ** 2) for j in (k, k + 1)))
        size = math.sqrt(sum(np.sum(before[j] ** 2) for j in (k, k + 1)))
        assert row["update_ratio"] == pytest.approx(change / size, rel=1e-9)


def test_plot_over_epochs():
    pytest.importorskip("matplotlib")
    X, y = _data()
    diagnostics = sn.Diagnostics(X, y, every=2)
    _model().fit(X, y, epochs=4, callbacks=[diagnostics])
    assert [epoch for epoch, _ in diagnostics.reports] == [2, 4]
    ax = diagnostics.plot("grad_norm")
    assert len(ax.get_lines()) == 3 and ax.get_yscale() == "log"
    assert len(diagnostics.plot("dead").get_lines()) == 1
    with pytest.raises(ValueError, match="'column' parameter of Diagnostics.plot"):
        diagnostics.plot("nope")


def _poison_at(k, where):
    """An Identity that returns NaN in its forward (or inf in its backward) from its k-th
    training call (defined per test, so the registry-wide layer tests never see it)."""

    class _PoisonAt(sn.Identity):
        def __init__(self, k=3, where="forward"):
            super().__init__()
            self.k, self.where, self.calls = k, where, 0

        def forward(self, X, training=False):
            self.calls += training
            if training and self.where == "forward" and self.calls >= self.k:
                return np.full_like(X, np.nan)
            return X

        def backward(self, dY):
            if self.where == "backward" and self.calls >= self.k:
                return np.full_like(dY, np.inf)
            return dY

    return _PoisonAt(k, where)


@pytest.mark.parametrize("where", ["forward", "backward"])
def test_sentinel_names_the_layer_and_the_operation(where):
    X, y = _data()
    model = sn.Sequential([sn.Dense(8, activation="relu"), _poison_at(3, where),
                           sn.Dense(4, activation="relu"), sn.Dense(2)], seed=0)
    with pytest.raises(sn.TrainingDivergedError) as info:
        with sn.NaNSentinel(model) as sentinel:
            model.fit(X, y, epochs=2, batch_size=40)
    finding = sentinel.finding
    assert (finding["epoch"], finding["batch"]) == (1, 3)
    assert finding["layer"] == 1 and finding["operation"] == where
    what = "in its output" if where == "forward" else "in the gradient it passes back"
    message = str(info.value)
    assert f"the {where} pass of layer 1 _PoisonAt(" in message and message.endswith(f"{what}.")
    assert "training diverged in epoch 1" in str(info.value)
    assert "forward" not in vars(model) and "backward" not in vars(model)


def test_sentinel_is_transparent_when_training_goes_well():
    X, y = _data()
    plain, watched = _model(), _model()
    plain.fit(X, y, epochs=2, batch_size=16)
    with sn.NaNSentinel(watched) as sentinel:
        watched.fit(X, y, epochs=2, batch_size=16)
    assert sentinel.finding is None
    for a, b in zip(plain.get_weights(), watched.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_sentinel_on_a_real_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4)) * 100
    y = X.sum(axis=1) * 100
    model = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(1)], loss="mse",
                          optimizer=sn.SGD(lr=10.0), seed=0)
    with pytest.raises(sn.TrainingDivergedError, match="First non-finite value: epoch 1"):
        with sn.NaNSentinel(model) as sentinel:
            model.fit(X, y, epochs=3, batch_size=8)
    assert sentinel.finding["operation"] in ("forward", "backward", "update")
    assert model.parameters.all_finite()
