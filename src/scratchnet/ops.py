"""The few formulas that layers, losses and task heads share, each written once.

Each function can write into ``out`` so that the training loop reuses its
buffers instead of allocating new arrays every batch.
"""

import numpy as np

__all__ = ["sigmoid", "softmax", "softmax_with_logsumexp", "WorkBuffers"]


def sigmoid(Z, out=None):
    """Logistic sigmoid :math:`\\sigma(z) = 1 / (1 + e^{-z})`, as :math:`\\tfrac12(1 + \\tanh(z/2))`.

    The tanh form never overflows, whatever the sign or size of ``z``.

    Examples
    --------
    >>> import numpy as np
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    if out is None:
        Z = np.asarray(Z)
        out = np.empty(Z.shape, np.result_type(Z.dtype, np.float16))
    np.multiply(Z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def softmax_with_logsumexp(Z, out=None):
    """Row-wise softmax of a 2-D array and each row's log-sum-exp.

    Returns
    -------
    P : ndarray of shape (n, C)
        :math:`P_{ij} = e^{Z_{ij} - m_i} / s_i` with :math:`m_i = \\max_k Z_{ik}` and
        :math:`s_i = \\sum_k e^{Z_{ik} - m_i}`; subtracting the row maximum prevents
        overflow and leaves the result unchanged. Written into ``out`` (which may be ``Z``).
    lse : ndarray of shape (n, 1)
        :math:`\\log \\sum_k e^{Z_{ik}} = m_i + \\log s_i`, what cross-entropy needs.
    """
    rowmax = np.maximum.reduce(Z, axis=1, keepdims=True)
    P = np.subtract(Z, rowmax, out=out)
    np.exp(P, out=P)
    sums = np.add.reduce(P, axis=1, keepdims=True)
    P /= sums
    np.log(sums, out=sums)
    sums += rowmax
    return P, sums


def softmax(Z, out=None):
    """Numerically stable row-wise softmax of a 2-D array (``out`` may be ``Z``).

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    return softmax_with_logsumexp(Z, out)[0]


class WorkBuffers:
    """Reusable scratch arrays, by key: reallocated only when shape or dtype change.

    Layers and losses write their outputs and gradients into these, so a
    training step allocates nothing once the first batch has run. Never
    copied or pickled with their owner (they hold scratch values only).
    """

    def __init__(self):
        self._arrays = {}

    def get(self, key, shape, dtype):
        """An uninitialized array of ``shape`` and ``dtype`` kept under ``key``."""
        array = self._arrays.get(key)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._arrays[key] = np.empty(shape, dtype)
        return array

    def like(self, key, template):
        """An uninitialized array shaped like ``template``."""
        return self.get(key, template.shape, template.dtype)

    def ones(self, key, shape, dtype):
        """An array of ones, filled once and then reused."""
        array = self._arrays.get(key)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._arrays[key] = np.ones(shape, dtype)
        return array

    def __getitem__(self, key):
        return self._arrays[key]

    def clear(self):
        self._arrays = {}

    def __deepcopy__(self, memo):
        return WorkBuffers()

    def __getstate__(self):
        return {"_arrays": {}}
