"""Smooth activations: GELU, SiLU (swish), ELU and Softplus, with PyTorch's definitions."""

import math

import numpy as np

from .._validation import check_option, check_scalar
from ..ops import sigmoid
from ..special import erf
from .activations import Activation

__all__ = ["GELU", "SiLU", "Swish", "ELU", "Softplus"]

#: Constants of GELU's two forms, shared with the standalone export.
SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_CUBIC = 0.044715


class GELU(Activation):
    """Gaussian error linear unit (Hendrycks & Gimpel, https://arxiv.org/abs/1606.08415).

    Parameters
    ----------
    approximate : {"none", "tanh"}, default "none"
        ``"none"``: the exact form with the error function; ``"tanh"``: the
        tanh approximation (PyTorch's ``approximate`` argument).

    Notes
    -----
    Exact: :math:`Y = X \\Phi(X)` with the standard normal CDF
    :math:`\\Phi(x) = \\tfrac12 (1 + \\operatorname{erf}(x / \\sqrt2))` (erf from
    :func:`scratchnet.special.erf`, accurate to float64), and

    .. math::
        \\partial L/\\partial X = \\partial L/\\partial Y \\odot (\\Phi(X) + X \\varphi(X)),
        \\quad \\varphi(x) = e^{-x^2/2} / \\sqrt{2\\pi}.

    Tanh approximation: with :math:`u = \\sqrt{2/\\pi}\\,(x + 0.044715 x^3)` and
    :math:`t = \\tanh u`, :math:`y = \\tfrac12 x (1 + t)` and

    .. math::
        \\frac{dy}{dx} = \\tfrac12 (1 + t)
            + \\tfrac12 x (1 - t^2) \\sqrt{2/\\pi}\\,(1 + 3 \\cdot 0.044715 x^2).

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> sn.GELU().forward(np.array([[-1.0, 0.0, 1.0]])).round(4).tolist()
    [[-0.1587, 0.0, 0.8413]]
    """

    aliases = ("gelu",)

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = check_option(approximate, "approximate", "GELU", ("none", "tanh"))

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        if self.approximate == "none":
            cdf = erf(X * SQRT_HALF)
            cdf += 1.0
            cdf *= 0.5
        else:
            # t = tanh(sqrt(2/pi) * (x + 0.044715 x^3)), Phi ~ 0.5 (1 + t)
            t = self.work.get("tanh", X.shape, X.dtype)
            np.multiply(X, X, out=t)
            t *= GELU_CUBIC
            t += 1.0
            t *= X
            t *= SQRT_2_OVER_PI
            np.tanh(t, out=t)
            self._tanh = t
            cdf = np.add(t, 1.0, out=self.work.get("cdf", X.shape, X.dtype))
            cdf *= 0.5
        self._X, self._cdf = X, cdf
        return np.multiply(X, cdf, out=out)

    def backward(self, dY):
        X = self._X
        slope = self.work.get("slope", X.shape, X.dtype)
        if self.approximate == "none":
            # Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi)
            np.multiply(X, X, out=slope)
            slope *= -0.5
            np.exp(slope, out=slope)
            slope *= _INV_SQRT_2PI
            slope *= X
            slope += self._cdf
        else:
            # 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2)
            np.multiply(X, X, out=slope)
            slope *= 3.0 * GELU_CUBIC
            slope += 1.0
            slope *= SQRT_2_OVER_PI * 0.5
            slope *= X
            t2 = self.work.like("t2", X)
            np.multiply(self._tanh, self._tanh, out=t2)
            np.subtract(1.0, t2, out=t2)
            slope *= t2
            slope += self._cdf
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)


class SiLU(Activation):
    """Sigmoid linear unit, also called swish: :math:`Y = X \\sigma(X)`.

    Notes
    -----
    With :math:`s = \\sigma(X)` (computed as in :func:`scratchnet.ops.sigmoid`):

    .. math::
        \\partial L/\\partial X = \\partial L/\\partial Y \\odot s\\,(1 + X (1 - s)).

    ``Swish`` is the same class; ``"silu"`` and ``"swish"`` both name it.
    """

    aliases = ("silu", "swish")

    def forward(self, X, training=False):
        s = sigmoid(X, out=self.work.get("s", X.shape, X.dtype))
        self._X, self._s = X, s
        out = self.work.get("out", X.shape, X.dtype)
        return np.multiply(X, s, out=out)

    def backward(self, dY):
        X, s = self._X, self._s
        slope = self.work.get("slope", X.shape, X.dtype)
        np.subtract(1.0, s, out=slope)
        slope *= X
        slope += 1.0
        slope *= s
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)


#: The name some papers and Keras use for SiLU.
Swish = SiLU


class ELU(Activation):
    """Exponential linear unit (Clevert et al., https://arxiv.org/abs/1511.07289).

    Parameters
    ----------
    alpha : float, default 1.0
        Value the output approaches for very negative inputs, :math:`-\\alpha`.

    Notes
    -----
    Forward: :math:`Y = X` where :math:`X > 0`, else :math:`\\alpha (e^X - 1)`
    (``expm1``, exact near 0).

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y` where :math:`X > 0`,
    else :math:`\\partial L/\\partial Y \\odot \\alpha e^X`.
    """

    aliases = ("elu",)

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = check_scalar(alpha, "alpha", "ELU", low=0.0)

    def forward(self, X, training=False):
        out = self.work.get("out", X.shape, X.dtype)
        positive = self.work.get("positive", X.shape, bool)
        np.greater(X, 0, out=positive)
        # expm1 of min(x, 0): the positive side is replaced below, and this
        # keeps large positive inputs from overflowing.
        np.minimum(X, 0, out=out)
        np.expm1(out, out=out)
        out *= self.alpha
        np.copyto(out, X, where=positive)
        self._X, self._positive = X, positive
        return out

    def backward(self, dY):
        slope = self.work.get("slope", dY.shape, dY.dtype)
        np.minimum(self._X, 0, out=slope)
        np.exp(slope, out=slope)
        slope *= self.alpha
        np.copyto(slope, 1.0, where=self._positive)
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)


class Softplus(Activation):
    """Smooth ReLU: :math:`Y = \\frac{1}{\\beta} \\log(1 + e^{\\beta X})` (PyTorch's semantics).

    Parameters
    ----------
    beta : float, default 1.0
        Sharpness :math:`\\beta > 0`.
    threshold : float, default 20.0
        Where :math:`\\beta x` exceeds it, the output is :math:`x` itself (the
        difference is below :math:`e^{-20}/\\beta`).

    Notes
    -----
    Forward: :math:`Y = \\operatorname{logaddexp}(0, \\beta X) / \\beta` where
    :math:`\\beta X \\le` ``threshold``, else :math:`X`.

    Backward: :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot \\sigma(\\beta X)`
    where :math:`\\beta X \\le` ``threshold``, else :math:`\\partial L/\\partial Y`.
    """

    aliases = ("softplus",)

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = check_scalar(beta, "beta", "Softplus", low=0.0, closed="neither")
        self.threshold = check_scalar(threshold, "threshold", "Softplus")

    def forward(self, X, training=False):
        scaled = self.work.get("scaled", X.shape, X.dtype)
        np.multiply(X, self.beta, out=scaled)
        linear = self.work.get("linear", X.shape, bool)
        np.greater(scaled, self.threshold, out=linear)
        out = self.work.get("out", X.shape, X.dtype)
        np.logaddexp(0.0, scaled, out=out)
        out /= self.beta
        np.copyto(out, X, where=linear)
        self._scaled, self._linear = scaled, linear
        return out

    def backward(self, dY):
        slope = sigmoid(self._scaled, out=self.work.get("slope", dY.shape, dY.dtype))
        np.copyto(slope, 1.0, where=self._linear)
        dX = self.work.get("dX", dY.shape, dY.dtype)
        return np.multiply(dY, slope, out=dX)
