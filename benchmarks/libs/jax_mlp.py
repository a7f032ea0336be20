"""JAX with a jitted train step: parameters as a pytree, Adam / SGD written by hand.

Batches are gathered with a NumPy permutation per epoch and handed to the jitted
step as NumPy arrays; the step donates its state so the update is in place. XLA's
thread flags must be in the environment before this module is imported
(``common.set_xla_threads``).
"""

import math
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import tree_map

from . import Library

ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8


def load(threads):
    return Library(
        version=jax.__version__, build=JaxNet,
        threads=f"XLA_FLAGS='{os.environ.get('XLA_FLAGS', '')}'; XLA's CPU runtime sizes its "
                f"pool to the usable cores ({len(os.sched_getaffinity(0))} here)",
        notes=["jitted train step with hand-written Adam/SGD, state donated; batches "
               "gathered from a NumPy permutation; init uniform +-1/sqrt(fan_in)"],
    )


class JaxNet:
    def __init__(self, spec):
        self.batch_size = spec.batch_size
        self.rng = np.random.default_rng(spec.seed)
        key = jax.random.PRNGKey(spec.seed)
        params = []
        for fan_in, fan_out in zip(spec.sizes[:-1], spec.sizes[1:]):
            key, kw, kb = jax.random.split(key, 3)
            bound = 1.0 / math.sqrt(fan_in)
            params.append((jax.random.uniform(kw, (fan_in, fan_out), minval=-bound, maxval=bound),
                           jax.random.uniform(kb, (fan_out,), minval=-bound, maxval=bound)))
        if spec.optimizer == "adam":
            m, v = (tree_map(jnp.zeros_like, params) for _ in range(2))  # distinct buffers
            self.state = (params, m, v, jnp.zeros((), jnp.int32))
            update = _adam_update
        else:
            self.state = (params,)
            update = _sgd_update
        lr = spec.lr
        self.step = jax.jit(lambda state, x, y: update(lr, state, x, y), donate_argnums=0)
        self.labels = jax.jit(lambda params, x: _forward(params, x).argmax(axis=1))

    def train_epoch(self, X, y):
        order = self.rng.permutation(len(X))
        for start in range(0, len(X), self.batch_size):
            idx = order[start:start + self.batch_size]
            self.state = self.step(self.state, X[idx], y[idx])
        jax.block_until_ready(self.state)

    def predict(self, X):
        return np.asarray(self.labels(self.state[0], X))


def _forward(params, x):
    for w, b in params[:-1]:
        x = jnp.maximum(x @ w + b, 0.0)
    w, b = params[-1]
    return x @ w + b


def _loss(params, x, y):
    log_probs = jax.nn.log_softmax(_forward(params, x))
    return -log_probs[jnp.arange(len(y)), y].mean()


def _sgd_update(lr, state, x, y):
    (params,) = state
    grads = jax.grad(_loss)(params, x, y)
    return (tree_map(lambda p, g: p - lr * g, params, grads),)


def _adam_update(lr, state, x, y):
    params, m, v, t = state
    grads = jax.grad(_loss)(params, x, y)
    t = t + 1
    m = tree_map(lambda m, g: ADAM_BETA1 * m + (1 - ADAM_BETA1) * g, m, grads)
    v = tree_map(lambda v, g: ADAM_BETA2 * v + (1 - ADAM_BETA2) * g * g, v, grads)
    m_scale = 1.0 / (1.0 - ADAM_BETA1 ** t)
    v_scale = 1.0 / (1.0 - ADAM_BETA2 ** t)
    params = tree_map(lambda p, m, v: p - lr * (m * m_scale) / (jnp.sqrt(v * v_scale) + ADAM_EPS),
                      params, m, v)
    return params, m, v, t
