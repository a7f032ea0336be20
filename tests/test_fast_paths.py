"""Every path that only triggers past a size threshold, run with the threshold lowered.

Each test compares the fast path with an independent computation, so a fast
path that skips work (a block never updated, batches never shuffled, a chunk
never predicted) fails here even though the default sizes never reach it.
"""

import math

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import inference, optimizers, tasks, training


class Recorder(sn.Layer):
    """The identity, remembering every training batch it sees."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def forward(self, X, training=False):
        if training:
            self.batches.append(X.copy())
        return X

    def backward(self, dY):
        return dY


def data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("batch_size, threshold", [(100, training.PER_EPOCH_GATHER_BELOW),
                                                   (16, training.PER_EPOCH_GATHER_BELOW),
                                                   (16, 1), (100, 10**9)])
def test_every_gather_strategy_feeds_the_epochs_permutation(batch_size, threshold, monkeypatch):
    monkeypatch.setattr(training, "PER_EPOCH_GATHER_BELOW", threshold)
    X, y = data()
    recorder = Recorder()
    model = sn.Sequential([recorder, sn.Dense(2)], seed=3).build(4)
    twin = np.random.default_rng()
    twin.bit_generator.state = model.rng.bit_generator.state
    model.fit(X, y, epochs=2, batch_size=batch_size)
    expected = np.concatenate([X[twin.permutation(len(X))] for _ in range(2)]).astype(np.float32)
    np.testing.assert_array_equal(np.concatenate(recorder.batches), expected)
    sizes = {len(b) for b in recorder.batches}
    assert max(sizes) == batch_size


def test_both_gather_strategies_train_identically(monkeypatch):
    X, y = data()
    weights = []
    for threshold in (1, 10**9):
        monkeypatch.setattr(training, "PER_EPOCH_GATHER_BELOW", threshold)
        model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dropout(0.2), sn.Dense(2)],
                              seed=5)
        model.fit(X, y, epochs=3, batch_size=32, sample_weight=np.linspace(0.5, 1.5, len(X)))
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def _adam_reference(p, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return p


def _rmsprop_reference(p, grads, lr=0.01, rho=0.9, eps=1e-8):
    s = np.zeros_like(p)
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        p = p - lr * g / (np.sqrt(s) + eps)
    return p


@pytest.mark.parametrize("make, reference", [(lambda: sn.Adam(lr=0.01), _adam_reference),
                                             (lambda: sn.RMSprop(lr=0.01), _rmsprop_reference)])
@pytest.mark.parametrize("block", [7, 64, optimizers.BLOCK_SIZE])
def test_blocked_updates_cover_every_element(make, reference, block, monkeypatch):
    monkeypatch.setattr(optimizers, "BLOCK_SIZE", block)
    rng = np.random.default_rng(0)
    p0 = rng.normal(size=1000)
    grads = [rng.normal(size=1000) for _ in range(3)]
    p = p0.copy()
    opt = make()
    for g in grads:
        opt.step([p], [g.copy()])
    np.testing.assert_allclose(p, reference(p0, grads), rtol=1e-12, atol=1e-12)


def test_blocked_updates_of_non_contiguous_arrays(monkeypatch):
    monkeypatch.setattr(optimizers, "BLOCK_SIZE", 5)
    rng = np.random.default_rng(1)
    p0 = rng.normal(size=(20, 6))
    grads = [rng.normal(size=(20, 6)) for _ in range(2)]
    buffer = p0.T.copy().T                          # same values, Fortran order
    opt = sn.Adam(lr=0.01)
    for g in grads:
        opt.step([buffer], [np.asfortranarray(g)])
    np.testing.assert_allclose(buffer, _adam_reference(p0, grads), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("chunk", [1, 7, 50, inference.PREDICT_CHUNK])
def test_chunked_inference_equals_one_pass(chunk, monkeypatch):
    X, y = data(n=123)
    model = sn.Sequential([sn.Dense(8, activation="tanh"), sn.Dense(2)], seed=0,
                          dtype="float64")
    model.fit(X, y, epochs=2)
    W1, b1, W2, b2 = model.get_weights()
    logits = np.tanh(X @ W1 + b1) @ W2 + b2          # the network, written out
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    monkeypatch.setattr(inference, "PREDICT_CHUNK", chunk)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), expected.argmax(axis=1))
    assert model.evaluate(X, y)["loss"] == pytest.approx(
        -np.mean(np.log(expected[np.arange(len(y)), y])), rel=1e-12)


def test_class_codes_beyond_the_one_hot_limit_train_like_one_hot(monkeypatch):
    X, y = data()
    y = y + 2 * (X[:, 2] > 0)                        # four classes
    runs = []
    for limit in (tasks.ONE_HOT_LIMIT, 10):
        monkeypatch.setattr(tasks, "ONE_HOT_LIMIT", limit)
        model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(4)], seed=2,
                              dtype="float64")
        model.fit(X, y, epochs=2, batch_size=20, validation_split=0.2,
                  sample_weight=np.linspace(1, 2, len(X)))
        assert model.prepare(X, y)[1].ndim == (2 if limit > 10 else 1)
        runs.append(model)
    for a, b in zip(runs[0].get_weights(), runs[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    for key in runs[0].history:
        assert runs[0].history[key] == pytest.approx(runs[1].history[key], rel=1e-12)
    assert math.isfinite(runs[1].history["loss"][-1])
