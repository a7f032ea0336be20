"""The learning-rate range test: train briefly while the rate grows, watch the loss.

:func:`lr_find` trains a copy of the model for ``num_iter`` minibatches, the
learning rate growing geometrically from ``start_lr`` to ``end_lr`` (Smith,
"Cyclical learning rates for training neural networks", 2017,
https://arxiv.org/abs/1506.01186). The loss first barely moves (the rate is
too small), then falls, then explodes (the rate is too large); a good rate
lies on the falling part.
"""

import math

import numpy as np

from ._validation import check_option, check_scalar
from .model_copy import prepared_copy

__all__ = ["lr_find", "LRFinderResult", "RULES", "SKIP_START"]

#: The ways to pick a rate from the curve (see :class:`LRFinderResult`).
RULES = ("steepest", "min/10")
#: Points at the start of the curve the "steepest" rule ignores.
SKIP_START = 10


class LRFinderResult:
    """The curve of a range test and the rate it suggests.

    Attributes
    ----------
    lrs : ndarray
        The learning rate of each minibatch (geometric).
    losses : ndarray
        The smoothed training loss at each rate.
    raw_losses : ndarray
        The minibatch losses themselves.
    suggestions : dict
        The rate each rule of :data:`RULES` picks:

        ``"steepest"``
            where the smoothed loss falls fastest against :math:`\\log \\eta`
            (the most negative slope, from ``np.gradient``), looking only
            between the first :data:`SKIP_START` points (where the moving
            average has seen few batches and is noisy) and the minimum of
            the curve; ``"min/10"``'s rate if that range is empty;
        ``"min/10"``
            a tenth of the rate at the minimum of the smoothed loss (one
            decade back from where the loss stops falling).
    rule : str
        The rule behind :attr:`suggestion`.
    suggestion : float
        ``suggestions[rule]``.
    stopped_early : bool
        Whether the sweep stopped because the loss exploded (or became non-finite).
    """

    def __init__(self, lrs, losses, raw_losses, rule, stopped_early):
        self.lrs = np.asarray(lrs, dtype=np.float64)
        self.losses = np.asarray(losses, dtype=np.float64)
        self.raw_losses = np.asarray(raw_losses, dtype=np.float64)
        self.rule = rule
        self.stopped_early = stopped_early
        self.suggestions = self._suggest()
        self.suggestion = self.suggestions[rule]

    def _suggest(self):
        if len(self.losses) < 3:
            raise RuntimeError(
                f"the range test stopped after {len(self.losses)} minibatches: the loss "
                f"exploded at once. Start lower than start_lr={self.lrs[0]:g}.")
        best = int(np.argmin(self.losses))
        min_10 = float(self.lrs[best] / 10)
        if best <= SKIP_START:
            return {"steepest": min_10, "min/10": min_10}
        slopes = np.gradient(self.losses, np.log(self.lrs))
        steepest = SKIP_START + int(np.argmin(slopes[SKIP_START:best]))
        return {"steepest": float(self.lrs[steepest]), "min/10": min_10}

    def plot(self, ax=None):
        """The smoothed loss against the rate (log scale), the suggestion marked; returns the ax."""
        from .plotting import new_axes

        ax = new_axes(ax)
        ax.plot(self.lrs, self.losses, label="smoothed loss")
        ax.set_xscale("log")
        ax.axvline(self.suggestion, color="0.4", linestyle="--",
                   label=f"suggestion ({self.rule}): {self.suggestion:.2g}")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("training loss")
        ax.legend()
        return ax

    def __repr__(self):
        return (f"LRFinderResult(suggestion={self.suggestion:.3g} ({self.rule}), "
                f"{len(self.lrs)} rates from {self.lrs[0]:.3g} to {self.lrs[-1]:.3g})")


def lr_find(model, X, y, start_lr=1e-7, end_lr=10.0, num_iter=100, batch_size=32,
            smoothing=0.98, diverge_factor=4.0, rule="steepest"):
    """Range-test the learning rate of ``model``'s optimizer on ``(X, y)``; the model is untouched.

    Parameters
    ----------
    model : Sequential
        Fitted or not; the test runs on a copy (its optimizer state reset, its
        rate replaced at each minibatch).
    X, y : arrays
        Training data, as for ``fit``.
    start_lr, end_lr : float, defaults 1e-7 and 10
        The first and last rates; minibatch :math:`i` uses
        :math:`\\eta_i = \\eta_0 (\\eta_1/\\eta_0)^{i/(N-1)}`.
    num_iter : int, default 100
        Number of minibatches :math:`N` (the data are cycled through, reshuffled
        with the copy's generator at each pass).
    batch_size : int, default 32
        Use the size you will train with.
    smoothing : float in [0, 1), default 0.98
        Exponential moving average of the loss, bias-corrected:
        :math:`s_i = (\\beta a_{i-1} + (1-\\beta)\\ell_i) / (1 - \\beta^{i+1})`.
    diverge_factor : float, default 4
        Stop once the smoothed loss exceeds this multiple of its minimum so far
        (or a loss is not finite).
    rule : {"steepest", "min/10"}, default "steepest"
        Which suggestion :attr:`LRFinderResult.suggestion` is (both are
        computed; see :class:`LRFinderResult`).

    Returns
    -------
    LRFinderResult

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> X = np.random.default_rng(0).normal(size=(256, 2))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)], seed=0)
    >>> result = sn.lr_find(model, X, y, num_iter=60)
    >>> 1e-5 < result.suggestion < 1.0 and not model.built
    True
    """
    start_lr = check_scalar(start_lr, "start_lr", "lr_find", low=0.0, closed="neither")
    end_lr = check_scalar(end_lr, "end_lr", "lr_find", low=start_lr, closed="neither")
    num_iter = check_scalar(num_iter, "num_iter", "lr_find", kind=int, low=3)
    batch_size = check_scalar(batch_size, "batch_size", "lr_find", kind=int, low=1)
    smoothing = check_scalar(smoothing, "smoothing", "lr_find", low=0.0, high=1.0, closed="left")
    diverge_factor = check_scalar(diverge_factor, "diverge_factor", "lr_find", low=1.0,
                                  closed="neither")
    rule = check_option(rule, "rule", "lr_find", RULES)

    copy, X, Y = prepared_copy(model, X, y)
    optimizer = copy.optimizer
    optimizer.reset()
    n = len(X)
    batch_size = min(batch_size, n)
    lrs, losses, raw = [], [], []
    average, best, order, start = 0.0, math.inf, None, n
    stopped = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(num_iter):
            if start + batch_size > n:
                order, start = copy.rng.permutation(n), 0
            idx = order[start:start + batch_size]
            start += batch_size
            lr = start_lr * (end_lr / start_lr) ** (i / (num_iter - 1))
            optimizer.lr = lr
            value = copy.loss.forward(copy.forward(X[idx], True), Y[idx])
            if not math.isfinite(value):
                stopped = True
                break
            copy.backward(copy.loss.backward())
            copy.parameters.step(optimizer)
            average = smoothing * average + (1.0 - smoothing) * value
            smoothed = average / (1.0 - smoothing ** (i + 1))
            lrs.append(lr)
            raw.append(value)
            losses.append(smoothed)
            best = min(best, smoothed)
            if smoothed > diverge_factor * best:
                stopped = True
                break
    return LRFinderResult(lrs, losses, raw, rule, stopped)
