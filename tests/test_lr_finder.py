"""lr_find on synthetic data: the sweep, the stop, the suggestion, the untouched model."""

import numpy as np
import pytest

import scratchnet as sn


def _data(n=512, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] - 0.5 * X[:, 1] > 0).astype(int)


def _model():
    return sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(2)], seed=0,
                         optimizer=sn.SGD(lr=0.1))


def test_sweep_is_geometric_and_stops_when_the_loss_explodes():
    X, y = _data()
    result = sn.lr_find(_model(), X, y, start_lr=1e-4, end_lr=1e4, num_iter=100)
    assert result.stopped_early and len(result.lrs) < 100
    expected = 1e-4 * (1e8) ** (np.arange(len(result.lrs)) / 99)
    np.testing.assert_allclose(result.lrs, expected, rtol=1e-12)
    assert result.losses[-1] > 4 * result.losses.min()
    # The smoothed curve is the bias-corrected moving average of the raw losses.
    average = 0.0
    for i, raw in enumerate(result.raw_losses):
        average = 0.98 * average + 0.02 * raw
        assert result.losses[i] == pytest.approx(average / (1 - 0.98 ** (i + 1)), rel=1e-12)


def test_suggestions_follow_their_rules():
    X, y = _data()
    result = sn.lr_find(_model(), X, y, start_lr=1e-5, end_lr=1e3, num_iter=120, rule="min/10")
    best = int(np.argmin(result.losses))
    assert result.suggestion == result.suggestions["min/10"] == result.lrs[best] / 10
    slopes = np.gradient(result.losses, np.log(result.lrs))
    steepest = result.suggestions["steepest"]
    i = int(np.flatnonzero(result.lrs == steepest)[0])
    skip = sn.lr_finder.SKIP_START
    assert skip <= i < best and slopes[i] == slopes[skip:best].min() and slopes[i] < 0


def test_the_model_is_untouched():
    X, y = _data()
    model = _model()
    model.fit(X, y, epochs=1)
    weights, rng_state = model.get_weights(), model.rng.bit_generator.state
    iterations = model.optimizer.iterations
    sn.lr_find(model, X, y, num_iter=50)
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.rng.bit_generator.state == rng_state
    assert model.optimizer.lr == 0.1 and model.optimizer.iterations == iterations


def test_the_suggested_rate_trains():
    X, y = _data()
    result = sn.lr_find(_model(), X, y, num_iter=100)
    accuracy = {}
    for lr in (result.suggestion, result.suggestion / 1e3):
        fresh = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(2)], seed=1,
                              optimizer=sn.SGD(lr=lr))
        fresh.fit(X, y, epochs=5)
        accuracy[lr] = fresh.evaluate(X, y)["accuracy"]
    assert accuracy[result.suggestion] > 0.9
    assert accuracy[result.suggestion] > accuracy[result.suggestion / 1e3] + 0.05


def test_plot_and_bad_arguments():
    pytest.importorskip("matplotlib")
    X, y = _data(n=128)
    result = sn.lr_find(_model(), X, y, num_iter=30)
    ax = result.plot()
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="'end_lr' parameter of lr_find"):
        sn.lr_find(_model(), X, y, start_lr=1.0, end_lr=0.5)
    with pytest.raises(ValueError, match="'rule' parameter of lr_find"):
        sn.lr_find(_model(), X, y, rule="valley")
