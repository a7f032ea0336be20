"""Batch normalization over the batch axis, with running statistics for inference."""

import numpy as np

from .._validation import check_scalar
from .base import Layer

__all__ = ["BatchNorm"]


class BatchNorm(Layer):
    """Batch normalization, as PyTorch's ``BatchNorm1d`` (https://arxiv.org/abs/1502.03167).

    Parameters
    ----------
    momentum : float in [0, 1], default 0.1
        Weight of the current batch in the running statistics (PyTorch's
        convention: ``running = (1 - momentum) * running + momentum * batch``;
        Keras's ``momentum`` is one minus this).
    eps : float, default 1e-5
        Added to the variance before the square root.

    Attributes
    ----------
    params : {"gamma": ndarray of shape (d,), "beta": ndarray of shape (d,)}
        Scale (ones at start) and shift (zeros), trained.
    state : {"running_mean": ndarray of shape (d,), "running_var": ndarray of shape (d,)}
        Used in inference; saved and loaded with the model and put back when
        an epoch is rolled back. They start at 0 and 1.

    Notes
    -----
    Training (``training=True``), for a batch :math:`X` of shape (n, d), per column:

    .. math::
        \\mu = \\tfrac1n \\sum_i X_i, \\quad
        \\sigma^2 = \\tfrac1n \\sum_i (X_i - \\mu)^2, \\quad
        \\hat X = (X - \\mu) / \\sqrt{\\sigma^2 + \\epsilon}, \\quad
        Y = \\gamma \\hat X + \\beta,

    and the running statistics move towards the batch's, the variance
    unbiased (:math:`\\tfrac{n}{n-1}\\sigma^2`) as in PyTorch. Backward, with
    :math:`G = \\partial L/\\partial Y`:

    .. math::
        \\partial L/\\partial \\gamma = \\textstyle\\sum_i G_i \\hat X_i, \\quad
        \\partial L/\\partial \\beta = \\textstyle\\sum_i G_i, \\quad
        \\partial L/\\partial X = \\frac{\\gamma}{\\sqrt{\\sigma^2+\\epsilon}}
        \\left(G - \\overline{G} - \\hat X\\, \\overline{G \\hat X}\\right),

    where :math:`\\overline{\\cdot}` is the mean over the batch.

    Inference uses the running statistics in place of :math:`\\mu` and
    :math:`\\sigma^2`: an affine map, whose backward is
    :math:`\\partial L/\\partial X = G \\gamma / \\sqrt{\\sigma^2_{run} + \\epsilon}`.

    A training batch needs at least 2 samples (as in PyTorch): give ``fit`` a
    ``batch_size`` that leaves no single-sample last batch.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> bn = sn.BatchNorm()
    >>> _ = bn.build(2, np.random.default_rng(0), np.float64)
    >>> Y = bn.forward(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True)
    >>> Y.round(3).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> bn.state["running_mean"].tolist()
    [0.2, 2.0]
    """

    aliases = ("batchnorm", "batch_norm", "batch_normalization")

    def __init__(self, momentum=0.1, eps=1e-5):
        super().__init__()
        self.momentum = check_scalar(momentum, "momentum", "BatchNorm", low=0.0, high=1.0)
        self.eps = check_scalar(eps, "eps", "BatchNorm", low=0.0, closed="neither")

    def parameter_shapes(self, input_dim):
        return {"gamma": (int(input_dim),), "beta": (int(input_dim),)}

    def state_shapes(self, input_dim):
        return {"running_mean": (int(input_dim),), "running_var": (int(input_dim),)}

    def build(self, input_dim, rng, dtype, next_layer=None):
        super().build(input_dim, rng, dtype)
        d = self.n_inputs
        self.params = {"gamma": np.ones(d, dtype), "beta": np.zeros(d, dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.state = {"running_mean": np.zeros(d, dtype), "running_var": np.ones(d, dtype)}
        return d

    def forward(self, X, training=False):
        n = X.shape[0]
        xhat = self.work.get("xhat", X.shape, X.dtype)
        self._training = training
        if training:
            if n < 2:
                raise ValueError(
                    f"BatchNorm needs at least 2 samples per batch in training; got {n}. "
                    "Choose a batch_size that leaves no single-sample last batch.")
            mean = X.mean(axis=0)
            np.subtract(X, mean, out=xhat)
            var = np.einsum("ij,ij->j", xhat, xhat) / n
            self._update_running(mean, var, n)
        else:
            mean, var = self.state["running_mean"], self.state["running_var"]
            np.subtract(X, mean, out=xhat)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat *= inv_std
        self._xhat, self._inv_std = xhat, inv_std
        out = self.work.get("out", X.shape, X.dtype)
        np.multiply(xhat, self.params["gamma"], out=out)
        out += self.params["beta"]
        return out

    def _update_running(self, mean, var, n):
        m = self.momentum
        running_mean, running_var = self.state["running_mean"], self.state["running_var"]
        running_mean *= 1.0 - m
        running_mean += m * mean
        running_var *= 1.0 - m
        running_var += (m * n / (n - 1)) * var

    def backward(self, dY):
        xhat = self._xhat
        np.einsum("ij,ij->j", dY, xhat, out=self.grads["gamma"])
        np.sum(dY, axis=0, out=self.grads["beta"])
        if not self.needs_input_grad:
            return None
        dX = self.work.get("dX", dY.shape, dY.dtype)
        scale = self.params["gamma"] * self._inv_std
        if not self._training:
            return np.multiply(dY, scale, out=dX)
        n = dY.shape[0]
        # G - mean(G) - xhat * mean(G * xhat), using the two sums just computed.
        np.multiply(xhat, self.grads["gamma"] / n, out=dX)
        np.subtract(dY, dX, out=dX)
        dX -= self.grads["beta"] / n
        dX *= scale
        return dX

    def astype(self, dtype):
        super().astype(dtype)
        self.state = {k: v.astype(dtype) for k, v in self.state.items()}
