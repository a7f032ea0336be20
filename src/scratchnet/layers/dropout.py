"""Inverted dropout."""

import numpy as np

from .._validation import check_scalar
from .base import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs during training.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability :math:`p` of dropping each unit.

    Notes
    -----
    Inverted dropout: in training, :math:`Y = X \\odot M / (1 - p)` with
    :math:`M_{ij} \\sim \\text{Bernoulli}(1 - p)`, so the expected output equals the
    input and inference (``training=False``) is the identity.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot M / (1 - p)`.

    The mask is drawn from the generator the model hands to :meth:`build`, so
    a seeded model drops the same units on every run.
    """

    def __init__(self, rate=0.5):
        super().__init__()
        self.rate = check_scalar(rate, "rate", "Dropout", low=0.0, high=1.0, closed="left")

    def forward(self, X, training=False):
        self._active = training and self.rate > 0
        if not self._active:
            return X
        scale = self.work.get("scale", X.shape, X.dtype)
        self.rng.random(out=scale, dtype=scale.dtype)
        # scale = [u >= p] / (1 - p): the kept units, rescaled.
        np.greater_equal(scale, self.rate, out=scale)
        scale *= 1.0 / (1.0 - self.rate)
        out = self.work.get("out", X.shape, X.dtype)
        return np.multiply(X, scale, out=out)

    def backward(self, dY):
        if not self._active:
            return dY
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, self.work["scale"], out=dX)
