"""Weight initializers: ``init(rng, n_in, n_out, dtype) -> W of shape (n_in, n_out)``.

Sorted from the tutorials' choice to the modern defaults. Each is a small
registered class, so ``Dense(init=...)`` takes a name (``"he"``) or an
instance, and a user's own initializer saves and loads with the model.
"""

import math

import numpy as np

from .registry import Registered, registry_for

__all__ = ["Initializer", "StandardNormal", "GlorotUniform", "HeNormal", "INITIALIZERS",
           "get_initializer"]

INITIALIZERS = registry_for("initializer")


class Initializer(Registered):
    """Base class: draws a weight matrix, and the bias (zeros unless overridden)."""

    registry = INITIALIZERS

    def __call__(self, rng, n_in, n_out, dtype):
        """Return initial weights of shape (n_in, n_out), drawn from ``rng``."""
        raise NotImplementedError

    def bias(self, rng, n_out, dtype):
        """Return the initial bias of shape (n_out,): zeros."""
        return np.zeros(n_out, dtype)


class StandardNormal(Initializer):
    """:math:`W_{ij} \\sim \\mathcal{N}(0, 1)` and :math:`b_j \\sim \\mathcal{N}(0, 1)`, as the tutorials' ``np.random.randn``.

    Its variance does not shrink with the fan-in, so wide layers start saturated;
    kept for faithful reproductions.
    """

    aliases = ("normal", "standard_normal")

    def __call__(self, rng, n_in, n_out, dtype):
        return rng.standard_normal((n_in, n_out)).astype(dtype, copy=False)

    def bias(self, rng, n_out, dtype):
        return rng.standard_normal(n_out).astype(dtype)


class GlorotUniform(Initializer):
    """Glorot & Bengio (2010): :math:`W_{ij} \\sim U(-a, a)`, :math:`a = \\sqrt{6 / (n_{in} + n_{out})}`.

    Keeps the activation variance constant through tanh/sigmoid/linear layers.
    """

    aliases = ("glorot", "glorot_uniform", "xavier")

    def __call__(self, rng, n_in, n_out, dtype):
        limit = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype, copy=False)


class HeNormal(Initializer):
    """He et al. (2015): :math:`W_{ij} \\sim \\mathcal{N}(0, 2 / n_{in})`.

    ReLU zeroes half its inputs, halving the variance; the factor 2 restores it.
    """

    aliases = ("he", "he_normal", "kaiming")

    def __call__(self, rng, n_in, n_out, dtype):
        std = math.sqrt(2.0 / n_in)
        return (rng.standard_normal((n_in, n_out)) * std).astype(dtype, copy=False)


def get_initializer(init, owner="Dense"):
    """An initializer from a name (``"normal"``, ``"glorot"``, ``"he"`` ...) or the instance given."""
    if isinstance(init, Initializer):
        return init
    return INITIALIZERS.lookup(init, owner, param="init")()
