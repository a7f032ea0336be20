"""Whole training steps replayed by an independent implementation written here.

micrograd's habit: the engine's answer is checked against the same
computation written plainly (forward, softmax cross-entropy, backward, the
textbook Adam update), so an error that golden values or gradient checks
miss (a wrong batch, a skipped update, a scale off by the batch size) shows.
"""

import numpy as np

import scratchnet as sn


def textbook_training(X, Y, weights, steps, batch, lr, betas=(0.9, 0.999), eps=1e-8):
    """Dense-tanh-Dense-softmax, mean cross-entropy, Adam with bias correction, batches in order."""
    W1, b1, W2, b2 = (w.copy() for w in weights)
    params = [W1, b1, W2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    losses = []
    for t in range(1, steps + 1):
        start = (t - 1) * batch % len(X)
        x, y = X[start:start + batch], Y[start:start + batch]
        h = np.tanh(x @ W1 + b1)
        z = h @ W2 + b2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log(p[np.arange(len(y)), y])))
        dz = p.copy()
        dz[np.arange(len(y)), y] -= 1
        dz /= len(y)
        dW2, db2 = h.T @ dz, dz.sum(axis=0)
        dh = dz @ W2.T * (1 - h ** 2)
        dW1, db1 = x.T @ dh, dh.sum(axis=0)
        for i, g in enumerate([dW1, db1, dW2, db2]):
            m[i] = betas[0] * m[i] + (1 - betas[0]) * g
            v[i] = betas[1] * v[i] + (1 - betas[1]) * g * g
            m_hat = m[i] / (1 - betas[0] ** t)
            v_hat = v[i] / (1 - betas[1] ** t)
            params[i] -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return params, losses


def test_training_steps_equal_the_textbook_computation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 5))
    y = rng.integers(0, 3, 24)
    model = sn.Sequential([sn.Dense(7, activation="tanh"), sn.Dense(3)],
                          optimizer=sn.Adam(lr=0.01), seed=1, dtype="float64").build(5)
    expected, losses = textbook_training(X, y, model.get_weights(), steps=6, batch=8, lr=0.01)
    history = model.fit(X, y, epochs=2, batch_size=8, shuffle=False)
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(history["loss"], [np.mean(losses[:3]), np.mean(losses[3:])],
                               rtol=1e-12)


def test_a_float32_step_stays_close_to_the_float64_textbook():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(16, 5))
    y = rng.integers(0, 3, 16)
    model = sn.Sequential([sn.Dense(7, activation="tanh"), sn.Dense(3)],
                          optimizer=sn.Adam(lr=0.01), seed=2).build(5)
    weights64 = [w.astype(np.float64) for w in model.get_weights()]
    expected, _ = textbook_training(X, y, weights64, steps=2, batch=16, lr=0.01)
    model.fit(X, y, epochs=2, batch_size=None)
    for got, want in zip(model.get_weights(), expected):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
