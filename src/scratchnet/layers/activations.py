"""Element-wise and row-wise activation layers (no parameters)."""

import numpy as np

from .._validation import check_scalar
from ..ops import sigmoid, softmax
from ..registry import registry_for
from .base import Layer

__all__ = ["Activation", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Identity",
           "ACTIVATIONS", "get_activation"]

#: The activation layers, by the names ``Dense(activation=...)`` accepts.
ACTIVATIONS = registry_for("activation")


class Activation(Layer):
    """Base of the parameter-free element-wise or row-wise layers ``Dense(activation=)`` names."""

    registry = ACTIVATIONS
    abstract = True


class ReLU(Activation):
    """Rectified linear unit.

    Notes
    -----
    Forward: :math:`Y = \\max(X, 0)`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot [Y > 0]`
    (the subgradient at 0 is taken as 0).
    """

    aliases = ("relu",)

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        np.maximum(X, 0, out=out)
        self._out = out
        return out

    def backward(self, dY):
        mask = self.work.get("mask", dY.shape, bool)
        np.greater(self._out, 0, out=mask)
        dX = self.work.get("dX", dY.shape, dY.dtype)
        # Multiplying by the boolean mask is several times faster than
        # boolean-mask assignment (dX[~mask] = 0).
        return np.multiply(dY, mask, out=dX)


class LeakyReLU(Activation):
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

    aliases = ("leaky_relu",)

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = check_scalar(negative_slope, "negative_slope", "LeakyReLU", low=0.0)

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        np.multiply(X, self.negative_slope, out=out)
        # max(x, a*x) is the leaky ReLU for a <= 1, min(x, a*x) for a > 1.
        (np.maximum if self.negative_slope <= 1 else np.minimum)(X, out, out=out)
        self._X = X
        return out

    def backward(self, dY):
        slope = self.work.get("slope", dY.shape, dY.dtype)
        np.greater(self._X, 0, out=slope)
        # slope = 1 where X > 0 else a, written as a + (1 - a) * [X > 0].
        slope *= 1.0 - self.negative_slope
        slope += self.negative_slope
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)


class Sigmoid(Activation):
    """Logistic sigmoid.

    Notes
    -----
    Forward: :math:`Y = \\sigma(X) = 1 / (1 + e^{-X})`, computed as
    :math:`\\tfrac12 (1 + \\tanh(X/2))`, which never overflows.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot Y (1 - Y)`.
    """

    aliases = ("sigmoid",)

    def forward(self, X, training=False):
        self._out = sigmoid(X, out=self.work.get("out", X.shape, X.dtype))
        return self._out

    def backward(self, dY):
        dX = self.work.get("dX", dY.shape, dY.dtype)
        np.subtract(1.0, self._out, out=dX)
        dX *= self._out
        dX *= dY
        return dX


class Tanh(Activation):
    """Hyperbolic tangent.

    Notes
    -----
    Forward: :math:`Y = \\tanh(X)`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot (1 - Y^2)`.
    """

    aliases = ("tanh",)

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        np.tanh(X, out=out)
        self._out = out
        return out

    def backward(self, dY):
        dX = self.work.get("dX", dY.shape, dY.dtype)
        np.multiply(self._out, self._out, out=dX)
        np.subtract(1.0, dX, out=dX)
        dX *= dY
        return dX


class Softmax(Activation):
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

    aliases = ("softmax",)

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        softmax(X, out=out)
        self._out = out
        return out

    def backward(self, dY):
        dX = self.work.get("dX", dY.shape, dY.dtype)
        np.multiply(dY, self._out, out=dX)
        row = dX.sum(axis=1, keepdims=True)
        np.subtract(dY, row, out=dX)
        dX *= self._out
        return dX


class Identity(Activation):
    """The identity: :math:`Y = X`, :math:`\\partial L/\\partial X = \\partial L/\\partial Y`."""

    aliases = ("identity", "linear")

    def forward(self, X, training=False):
        return X

    def backward(self, dY):
        return dY


def get_activation(name, owner="Dense"):
    """Return a new activation layer from its name (see ``ACTIVATIONS``), or the layer given."""
    if isinstance(name, Layer):
        return name
    return ACTIVATIONS.lookup(name, owner)()
