"""JAX baselines for many networks at once: ``jit(vmap(step))``, with and without ``lax.scan``.

Parameters are stacked along a leading member axis (hidden layers padded to the
widest member and masked, as the scratchnet engine does) and the per-member
training step is vectorized with ``vmap``. Two drivers:

* ``loop``: one jitted, vmapped step per batch, called from Python;
* ``scan``: the whole epoch as one jitted call, ``lax.scan`` over its batches.

Each member shuffles with its own NumPy permutation per epoch; the gathered
epoch (K, n, features) is put on the device once per epoch. XLA's thread flags
must be set before import (``common.set_xla_threads``).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


class JaxEnsemble:
    """K ReLU MLPs of ``sizes`` (hidden widths per member in ``widths``), trained in lockstep.

    Parameters
    ----------
    sizes : tuple
        (inputs, hidden..., classes) of the widest member.
    widths : list of tuple or None
        Each member's hidden widths (<= the widest); None: all as ``sizes``.
    n_models, optimizer ("sgd" or "adam"), lr, batch_size, seed
    scan : bool
        Drive each epoch with ``lax.scan`` (one call) instead of a Python loop.
    """

    def __init__(self, sizes, n_models, optimizer, lr, batch_size, seed=0, widths=None,
                 scan=False):
        self.K, self.batch_size, self.scan = n_models, batch_size, scan
        self.rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n_models)]
        key = jax.random.PRNGKey(seed)
        params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            key, kw = jax.random.split(key)
            bound = 1.0 / math.sqrt(fan_in)
            params.append((jax.random.uniform(kw, (n_models, fan_in, fan_out), minval=-bound,
                                              maxval=bound),
                           jnp.zeros((n_models, fan_out))))
        hidden = sizes[1:-1]
        widths = widths or [tuple(hidden)] * n_models
        masks = tuple(jnp.asarray(np.array([[1.0 if u < w[j] else 0.0 for u in range(h)]
                                            for w in widths], np.float32))
                      for j, h in enumerate(hidden))
        # Padded units start at zero and, masked, stay at zero.
        params = [(w * (masks[j][:, None, :] if j < len(masks) else 1.0)
                   * (masks[j - 1][:, :, None] if 0 < j <= len(masks) else 1.0), b)
                  for j, (w, b) in enumerate(params)]
        if optimizer == "adam":
            zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
            self.state = (params, zeros, jax.tree_util.tree_map(jnp.zeros_like, params),
                          jnp.zeros((n_models,), jnp.int32))
            update = _adam_update
        else:
            self.state = (params,)
            update = _sgd_update
        member_step = jax.vmap(lambda state, mask, x, y: update(lr, state, mask, x, y))
        bs = batch_size

        def step(state, X, Y, start):
            xb = lax.dynamic_slice_in_dim(X, start, bs, axis=1)
            yb = lax.dynamic_slice_in_dim(Y, start, bs, axis=1)
            return member_step(state, masks, xb, yb)

        def epoch(state, X, Y):
            steps = X.shape[1] // bs
            xs = jnp.swapaxes(X[:, :steps * bs].reshape(X.shape[0], steps, bs, -1), 0, 1)
            ys = jnp.swapaxes(Y[:, :steps * bs].reshape(Y.shape[0], steps, bs), 0, 1)
            return lax.scan(lambda s, xy: (member_step(s, masks, *xy), None), state, (xs, ys))[0]

        self.step = jax.jit(step, donate_argnums=0)
        self.epoch = jax.jit(epoch, donate_argnums=0)

    def train_epoch(self, X, y):
        orders = np.stack([rng.permutation(len(X)) for rng in self.rngs])
        Xs, Ys = jax.device_put(X[orders]), jax.device_put(y[orders].astype(np.int32))
        if self.scan:
            self.state = self.epoch(self.state, Xs, Ys)
        else:
            for start in range(0, len(X) - self.batch_size + 1, self.batch_size):
                self.state = self.step(self.state, Xs, Ys, start)
        jax.block_until_ready(self.state)


def _forward(params, masks, x):
    for (w, b), mask in zip(params[:-1], masks):
        x = jnp.maximum(x @ w + b, 0.0) * mask
    w, b = params[-1]
    return x @ w + b


def _loss(params, masks, x, y):
    log_probs = jax.nn.log_softmax(_forward(params, masks, x))
    return -log_probs[jnp.arange(len(y)), y].mean()


def _sgd_update(lr, state, masks, x, y):
    (params,) = state
    grads = jax.grad(_loss)(params, masks, x, y)
    return (jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads),)


def _adam_update(lr, state, masks, x, y):
    params, m, v, t = state
    grads = jax.grad(_loss)(params, masks, x, y)
    t = t + 1
    m = jax.tree_util.tree_map(lambda m, g: ADAM_BETA1 * m + (1 - ADAM_BETA1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: ADAM_BETA2 * v + (1 - ADAM_BETA2) * g * g, v, grads)
    m_scale = 1.0 / (1.0 - ADAM_BETA1 ** t)
    v_scale = 1.0 / (1.0 - ADAM_BETA2 ** t)
    params = jax.tree_util.tree_map(
        lambda p, m, v: p - lr * (m * m_scale) / (jnp.sqrt(v * v_scale) + ADAM_EPS), params, m, v)
    return params, m, v, t
