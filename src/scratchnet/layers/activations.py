"""Element-wise and row-wise activation layers (no parameters)."""

import numpy as np

from .._validation import check_option, check_scalar
from .base import Layer

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Identity",
           "ACTIVATIONS", "get_activation"]


class ReLU(Layer):
    """Rectified linear unit.

    Notes
    -----
    Forward: :math:`Y = \\max(X, 0)`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot [Y > 0]`
    (the subgradient at 0 is taken as 0).
    """

    def forward(self, X, training=False):
        out = self._buffer("out", X.shape, X.dtype)
        np.maximum(X, 0, out=out)
        self._out = out
        return out

    def backward(self, dY):
        mask = self._buffer("mask", dY.shape, bool)
        np.greater(self._out, 0, out=mask)
        dX = self._buffer("dX", dY.shape, dY.dtype)
        # Multiplying by the boolean mask is several times faster than
        # boolean-mask assignment (dX[~mask] = 0).
        return np.multiply(dY, mask, out=dX)


class LeakyReLU(Layer):
    """ReLU with a small slope for negative inputs.

    Parameters
    ----------
    negative_slope : float, default 0.01
        Slope :math:`a` for :math:`x < 0` (PyTorch's default).

    Notes
    -----
    Forward: :math:`Y = X` where :math:`X > 0`, else :math:`aX`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot (1 \\text{ if } X > 0 \\text{ else } a)`.
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = check_scalar(negative_slope, "negative_slope", "LeakyReLU", low=0.0)

    def forward(self, X, training=False):
        out = self._buffer("out", X.shape, X.dtype)
        np.multiply(X, self.negative_slope, out=out)
        # max(x, a*x) is the leaky ReLU for a <= 1, min(x, a*x) for a > 1.
        (np.maximum if self.negative_slope <= 1 else np.minimum)(X, out, out=out)
        self._X = X
        return out

    def backward(self, dY):
        slope = self._buffer("slope", dY.shape, dY.dtype)
        np.greater(self._X, 0, out=slope)
        # slope = 1 where X > 0 else a, written as a + (1 - a) * [X > 0].
        slope *= 1.0 - self.negative_slope
        slope += self.negative_slope
        dX = self._buffer("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class Sigmoid(Layer):
    """Logistic sigmoid.

    Notes
    -----
    Forward: :math:`Y = \\sigma(X) = 1 / (1 + e^{-X})`, computed as
    :math:`\\tfrac12 (1 + \\tanh(X/2))`, which never overflows.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot Y (1 - Y)`.
    """

    def forward(self, X, training=False):
        out = self._buffer("out", X.shape, X.dtype)
        np.multiply(X, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1.0
        out *= 0.5
        self._out = out
        return out

    def backward(self, dY):
        dX = self._buffer("dX", dY.shape, dY.dtype)
        np.subtract(1.0, self._out, out=dX)
        dX *= self._out
        dX *= dY
        return dX


class Tanh(Layer):
    """Hyperbolic tangent.

    Notes
    -----
    Forward: :math:`Y = \\tanh(X)`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot (1 - Y^2)`.
    """

    def forward(self, X, training=False):
        out = self._buffer("out", X.shape, X.dtype)
        np.tanh(X, out=out)
        self._out = out
        return out

    def backward(self, dY):
        dX = self._buffer("dX", dY.shape, dY.dtype)
        np.multiply(self._out, self._out, out=dX)
        np.subtract(1.0, dX, out=dX)
        dX *= dY
        return dX


class Softmax(Layer):
    """Row-wise softmax, turning scores into probabilities.

    Use it inside a network or with the ``MSE`` loss. For classification, end
    the network with a ``Dense`` layer and use ``CrossEntropy``, which fuses the
    softmax with the loss for stability (``predict_proba`` applies softmax).

    Notes
    -----
    Forward: :math:`Y_{ij} = e^{X_{ij} - m_i} / \\sum_k e^{X_{ik} - m_i}` with
    :math:`m_i = \\max_k X_{ik}` (subtracting the row maximum prevents overflow
    and leaves the result unchanged).

    Backward: the Jacobian of row :math:`i` is :math:`\\mathrm{diag}(y) - y y^T`, so
    :math:`\\partial L/\\partial X_{ij} = Y_{ij} (G_{ij} - \\sum_k G_{ik} Y_{ik})` with
    :math:`G = \\partial L/\\partial Y`.
    """

    def forward(self, X, training=False):
        out = self._buffer("out", X.shape, X.dtype)
        softmax(X, out=out)
        self._out = out
        return out

    def backward(self, dY):
        dX = self._buffer("dX", dY.shape, dY.dtype)
        np.multiply(dY, self._out, out=dX)
        row = dX.sum(axis=1, keepdims=True)
        np.subtract(dY, row, out=dX)
        dX *= self._out
        return dX


class Identity(Layer):
    """The identity: :math:`Y = X`, :math:`\\partial L/\\partial X = \\partial L/\\partial Y`."""

    def forward(self, X, training=False):
        return X

    def backward(self, dY):
        return dY


def softmax(Z, out=None):
    """Numerically stable row-wise softmax of a 2-D array (``out`` may be ``Z``)."""
    out = np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "softmax": Softmax,
    "identity": Identity,
    "linear": Identity,
}


def get_activation(name, owner="Dense"):
    """Return a new activation layer from its name (see ``ACTIVATIONS``), or the layer given."""
    if isinstance(name, Layer):
        return name
    check_option(name, "activation", owner, tuple(ACTIVATIONS))
    return ACTIVATIONS[name]()
