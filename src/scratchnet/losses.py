"""Losses, fused with their output activation where that makes them stable.

Each loss takes the network's raw outputs (logits for the classification
losses) and a target, returns a scalar from :meth:`Loss.forward`, and the
gradient with respect to the outputs from :meth:`Loss.backward`.
"""

import numpy as np

from ._validation import check_option
from .layers.activations import softmax

__all__ = ["Loss", "MSE", "BinaryCrossEntropy", "CrossEntropy", "LOSSES", "get_loss"]


class Loss:
    """Base class of the losses.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
        Average or add up the per-element losses. The tutorials take the
        gradient of a *sum* over the batch; ``"sum"`` reproduces them.
    """

    #: What ``predict`` should do with this loss's outputs.
    task = "regression"

    def __init__(self, reduction="mean"):
        self.reduction = check_option(reduction, "reduction", type(self).__name__, ("mean", "sum"))

    def forward(self, output, target):
        """Return the loss of ``output`` against ``target`` as a Python float."""
        raise NotImplementedError

    def backward(self):
        """Return dL/d(output) for the last ``forward``.

        Call it once per ``forward``: the result may be written into the
        loss's work buffers (for speed) and stays valid until the next call.
        """
        raise NotImplementedError

    def link(self, output):
        """Map raw outputs to predictions (probabilities for classifiers)."""
        return output

    def _reduce(self, total, count):
        """``total`` summed over ``count`` elements, reduced as configured; also the gradient scale."""
        scale = 1.0 / count if self.reduction == "mean" else 1.0
        return float(total) * scale, scale

    def get_config(self):
        return {"reduction": self.reduction} if self.reduction != "mean" else {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MSE(Loss):
    """Mean squared error over all elements (as PyTorch and Keras).

    Notes
    -----
    :math:`L = \\frac{1}{nk} \\sum_{ij} (O_{ij} - T_{ij})^2` for outputs of shape (n, k);
    :math:`\\partial L/\\partial O = \\frac{2}{nk} (O - T)`.
    """

    def forward(self, output, target):
        diff = np.subtract(output, target, out=_work(self, "diff", output))
        value, self._scale = self._reduce(np.vdot(diff, diff), diff.size)
        self._diff = diff
        return value

    def backward(self):
        grad = _work(self, "grad", self._diff)
        return np.multiply(self._diff, 2.0 * self._scale, out=grad)


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

    task = "binary"

    def forward(self, output, target):
        work = _work(self, "work", output)
        np.logaddexp(0.0, output, out=work)
        total = work.sum(dtype=np.float64) - np.vdot(target, output)
        value, self._scale = self._reduce(total, output.size)
        self._output, self._target = output, target
        return value

    def backward(self):
        grad = self.link(self._output, out=_work(self, "grad", self._output))
        grad -= self._target
        grad *= self._scale
        return grad

    def link(self, output, out=None):
        """Sigmoid, as :math:`\\tfrac12(1 + \\tanh(z/2))` (no overflow)."""
        out = np.multiply(output, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1.0
        out *= 0.5
        return out


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

    task = "multiclass"

    def forward(self, output, target):
        n = output.shape[0]
        rowmax = np.maximum.reduce(output, axis=1, keepdims=True)
        probs = np.subtract(output, rowmax, out=_work(self, "probs", output))
        np.exp(probs, out=probs)
        sums = np.add.reduce(probs, axis=1, keepdims=True)
        probs /= sums
        # sum_i (m_i + log s_i) - sum_i z_{i,t_i}
        np.log(sums, out=sums)
        sums += rowmax
        total = float(np.add.reduce(sums, axis=None, dtype=np.float64))
        if target.ndim == 1:
            total -= float(output[np.arange(n), target].sum(dtype=np.float64))
        else:
            total -= float(np.vdot(target, output))
        value, self._scale = self._reduce(total, n)
        self._probs, self._target = probs, target
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
        return grad

    def link(self, output):
        return softmax(output)


def _work(loss, key, like):
    """A work array shaped like ``like``, kept on the loss and reused between batches."""
    buffers = loss.__dict__.setdefault("_buffers", {})
    buf = buffers.get(key)
    if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
        buf = buffers[key] = np.empty_like(like)
    return buf


LOSSES = {
    "mse": MSE,
    "binary_cross_entropy": BinaryCrossEntropy,
    "cross_entropy": CrossEntropy,
}


def get_loss(loss):
    """Return a loss instance from a name in ``LOSSES`` or an instance."""
    if isinstance(loss, Loss):
        return loss
    check_option(loss, "loss", "Sequential", tuple(LOSSES))
    return LOSSES[loss]()
