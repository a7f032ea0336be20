"""Losses, fused with their output activation where that makes them stable.

Each loss takes the network's raw outputs (logits for the classification
losses), a target and optional per-sample weights, returns a scalar from
:meth:`Loss.forward`, and the gradient with respect to the outputs from
:meth:`Loss.backward`. Each names its task head (``scratchnet.tasks``), which
decides how targets are encoded and predictions made.
"""

import numpy as np

from ._validation import check_option, check_scalar
from .ops import WorkBuffers, sigmoid, softmax_with_logsumexp
from .registry import Registered, registry_for
from .tasks import BinaryTask, MulticlassTask, RegressionTask

__all__ = ["Loss", "MSE", "MAE", "Huber", "BinaryCrossEntropy", "CrossEntropy", "LOSSES",
           "get_loss"]

LOSSES = registry_for("loss")


class Loss(Registered):
    """Base class of the losses.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
        Average or add up the per-element losses. The tutorials take the
        gradient of a *sum* over the batch; ``"sum"`` reproduces them.

    Notes
    -----
    With per-sample weights :math:`w_i`, each sample's loss is multiplied by
    :math:`w_i` before the reduction, and the mean still divides by the
    number of elements (as Keras does), so weights of 1 change nothing and
    balanced class weights keep the loss on its usual scale.
    """

    registry = LOSSES
    #: The task head this loss trains (see ``scratchnet.tasks``).
    task = RegressionTask

    def __init__(self, reduction="mean"):
        self.reduction = check_option(reduction, "reduction", type(self).__name__, ("mean", "sum"))
        self.work = WorkBuffers()

    def forward(self, output, target, weight=None):
        """Return the loss of ``output`` against ``target`` as a Python float.

        Parameters
        ----------
        output : ndarray of shape (n, k)
        target : ndarray
            As encoded by the task head.
        weight : ndarray of shape (n,), optional
            Per-sample weights.
        """
        raise NotImplementedError

    def backward(self):
        """Return dL/d(output) for the last ``forward``.

        Call it once per ``forward``: the result may be written into the
        loss's work buffers (for speed) and stays valid until the next call.
        """
        raise NotImplementedError

    def _reduce(self, total, count):
        """``total`` summed over ``count`` elements, reduced as configured; also the gradient scale."""
        scale = 1.0 / count if self.reduction == "mean" else 1.0
        return float(total) * scale, scale


class MSE(Loss):
    """Mean squared error over all elements (as PyTorch and Keras).

    Notes
    -----
    :math:`L = \\frac{1}{nk} \\sum_{ij} w_i (O_{ij} - T_{ij})^2` for outputs of shape (n, k);
    :math:`\\partial L/\\partial O_{ij} = \\frac{2}{nk} w_i (O_{ij} - T_{ij})`.
    """

    aliases = ("mse", "mean_squared_error")

    def forward(self, output, target, weight=None):
        diff = np.subtract(output, target, out=self.work.like("diff", output))
        if weight is None:
            total = np.vdot(diff, diff)
            self._weighted = diff
        else:
            self._weighted = np.multiply(diff, weight[:, None], out=self.work.like("wdiff", diff))
            total = np.vdot(self._weighted, diff)
        value, self._scale = self._reduce(total, diff.size)
        return value

    def backward(self):
        grad = self.work.like("grad", self._weighted)
        return np.multiply(self._weighted, 2.0 * self._scale, out=grad)


class MAE(Loss):
    """Mean absolute error over all elements (PyTorch's ``L1Loss``, Keras's ``MeanAbsoluteError``).

    Notes
    -----
    :math:`L = \\frac{1}{nk} \\sum_{ij} w_i |O_{ij} - T_{ij}|` for outputs of shape (n, k);
    :math:`\\partial L/\\partial O_{ij} = \\frac{1}{nk} w_i \\operatorname{sign}(O_{ij} - T_{ij})`,
    taken as 0 where the output equals the target (a subgradient).
    Less swayed by outliers than MSE: every residual pulls with the same force.
    """

    aliases = ("mae", "mean_absolute_error", "l1")

    def forward(self, output, target, weight=None):
        diff = np.subtract(output, target, out=self.work.like("diff", output))
        self._sign = np.sign(diff, out=self.work.like("sign", diff))
        if weight is not None:
            self._sign *= weight[:, None]
        total = np.vdot(self._sign, diff)  # sum of w_i |d_ij|
        value, self._scale = self._reduce(total, diff.size)
        return value

    def backward(self):
        return np.multiply(self._sign, self._scale, out=self.work.like("grad", self._sign))


class Huber(Loss):
    """Huber loss over all elements: squared near the target, absolute beyond ``delta``.

    Parameters
    ----------
    delta : float, default 1.0
        Where the loss turns from quadratic to linear (> 0).
    reduction : {"mean", "sum"}, default "mean"

    Notes
    -----
    Per element, with :math:`d = O_{ij} - T_{ij}`:

    .. math::

        \\ell(d) = \\begin{cases} \\tfrac12 d^2 & |d| \\le \\delta \\\\
                     \\delta (|d| - \\tfrac12 \\delta) & |d| > \\delta \\end{cases}
        \\qquad
        \\ell'(d) = \\operatorname{clip}(d, -\\delta, \\delta)

    and :math:`L = \\frac{1}{nk} \\sum_{ij} w_i \\ell(d_{ij})` (as Keras's ``Huber`` and
    PyTorch's ``HuberLoss``). The gradient is continuous: MSE's near the
    target, MAE's (times ``delta``) for outliers.
    """

    aliases = ("huber", "huber_loss")

    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__(reduction)
        self.delta = check_scalar(delta, "delta", "Huber", low=0.0, closed="neither")

    def forward(self, output, target, weight=None):
        delta = self.delta
        diff = np.subtract(output, target, out=self.work.like("diff", output))
        clipped = np.clip(diff, -delta, delta, out=self.work.like("clipped", diff))
        # l(d) = c (d - c/2) with c = clip(d): d^2/2 inside, delta (|d| - delta/2) outside.
        elementwise = np.multiply(clipped, -0.5, out=self.work.like("loss", diff))
        elementwise += diff
        elementwise *= clipped
        if weight is not None:
            clipped *= weight[:, None]
            elementwise *= weight[:, None]
        self._clipped = clipped
        value, self._scale = self._reduce(elementwise.sum(dtype=np.float64), diff.size)
        return value

    def backward(self):
        return np.multiply(self._clipped, self._scale, out=self.work.like("grad", self._clipped))


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy computed from logits, fused with the sigmoid.

    Targets are 0/1 (same shape as the logits). Mean over all elements.

    Notes
    -----
    With :math:`p = \\sigma(z)`, :math:`\\ell = -[t \\log p + (1-t) \\log(1-p)]`
    simplifies to :math:`\\ell = \\log(1 + e^{z}) - t z`, evaluated with
    ``logaddexp(0, z)``: exact for any finite logit (a logit of 1000 on a
    negative sample costs exactly 1000) and free of overflow.

    The gradient shortcut: :math:`\\partial \\ell / \\partial z = \\sigma(z) - t`.
    """

    aliases = ("binary_cross_entropy", "binary_crossentropy", "bce")
    task = BinaryTask

    def forward(self, output, target, weight=None):
        work = np.logaddexp(0.0, output, out=self.work.like("work", output))
        if weight is None:
            total = work.sum(dtype=np.float64) - np.vdot(target, output)
        else:
            work -= target * output
            work *= weight[:, None]
            total = work.sum(dtype=np.float64)
        value, self._scale = self._reduce(total, output.size)
        self._output, self._target, self._weight = output, target, weight
        return value

    def backward(self):
        grad = sigmoid(self._output, out=self.work.like("grad", self._output))
        grad -= self._target
        grad *= self._scale
        if self._weight is not None:
            grad *= self._weight[:, None]
        return grad


class CrossEntropy(Loss):
    """Softmax cross-entropy computed from logits.

    Targets are integer class indices of shape (n,) or probability rows
    (one-hot) of shape (n, C). Mean over samples.

    Notes
    -----
    :math:`\\ell_i = \\log \\sum_k e^{z_{ik}} - z_{i t_i}`, with the log-sum-exp
    evaluated as :math:`m_i + \\log \\sum_k e^{z_{ik} - m_i}`, :math:`m_i = \\max_k z_{ik}`
    (stable for logits of any magnitude).

    The gradient shortcut: with :math:`P = \\mathrm{softmax}(Z)` and one-hot
    targets :math:`T`, :math:`\\partial \\ell / \\partial Z = P - T` (divided by n for
    the mean).
    """

    aliases = ("cross_entropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
               "crossentropy")
    task = MulticlassTask

    def forward(self, output, target, weight=None):
        n = output.shape[0]
        probs, lse = softmax_with_logsumexp(output, out=self.work.like("probs", output))
        if weight is None:
            total = float(np.add.reduce(lse, axis=None, dtype=np.float64))
            if target.ndim == 1:
                total -= float(output[np.arange(n), target].sum(dtype=np.float64))
            else:
                total -= float(np.vdot(target, output))
        else:
            picked = (output[np.arange(n), target] if target.ndim == 1
                      else np.einsum("ij,ij->i", target, output))
            total = float(np.dot(weight, (lse[:, 0] - picked).astype(np.float64)))
        value, self._scale = self._reduce(total, n)
        self._probs, self._target, self._weight = probs, target, weight
        return value

    def backward(self):
        # Computed in place in the probabilities' buffer: backward is called
        # once per forward, and the training loop then needs them no more.
        grad = self._probs
        if self._target.ndim == 1:
            grad[np.arange(len(grad)), self._target] -= 1.0
        else:
            grad -= self._target
        grad *= self._scale
        if self._weight is not None:
            grad *= self._weight[:, None]
        return grad


def get_loss(loss):
    """Return a loss instance from a name in ``LOSSES`` (any case) or an instance."""
    if isinstance(loss, Loss):
        return loss
    return LOSSES.lookup(loss, "Sequential")()
