"""Layers and losses of K networks stacked along a leading "model" axis.

Every array here has the member axis first: activations are (K, n, width),
weights (K, n_in, n_out), biases (K, 1, n_out). One ``np.matmul`` then serves
all K networks at once (a batched matrix product), so the per-call overhead of
NumPy, which dominates the training step of a small network, is paid once per
step instead of K times.

Members may differ in hidden widths. Each array is then padded to the widest
member; a member's padded weights start at zero and their gradients are zero
too (a padded unit's input weights, bias and output weights are all zero), so
they stay zero through every update and each member computes exactly its
unpadded network. The one place where a zero would not stay zero is an
activation with :math:`f(0) \\neq 0` (the sigmoid gives 0.5): its output is
multiplied by the member's unit mask.
"""

import numpy as np

from ..layers import Dense, Dropout, Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from ..parameters import ParameterStore

__all__ = ["ParameterLayout", "StackedDense", "StackedActivation", "StackedDropout",
           "SUPPORTED_LAYERS", "ZERO_AT_ZERO", "fresh_copy", "stacked_activation",
           "stacked_loss_gradient", "stacked_loss_values", "stacked_shapes"]

#: Layers the engine can stack (Dense's own activation must be one of the activations).
SUPPORTED_ACTIVATIONS = (ReLU, LeakyReLU, Tanh, Sigmoid, Identity)
SUPPORTED_LAYERS = (Dense, Dropout) + SUPPORTED_ACTIVATIONS
#: Activations with f(0) = 0: padded units stay exactly zero through them.
ZERO_AT_ZERO = (ReLU, LeakyReLU, Tanh, Identity)


def fresh_copy(obj):
    """A new, unused instance with the same configuration (no shared work buffers)."""
    return type(obj).from_config(obj.get_config())


def stacked_activation(layer):
    """The activation to run on a stack: a fresh copy of ``layer`` (ReLU: the float-mask one)."""
    return ReLUFloatMask() if type(layer) is ReLU else fresh_copy(layer)


class ParameterLayout:
    """All stacked parameters in one flat buffer, and their gradients in another.

    The buffers are laid out as a model's
    :class:`~scratchnet.parameters.ParameterStore` (each array on a 64-byte
    boundary) and the optimizer updates the two flat buffers with
    whole-buffer operations; its update is element-wise, so one call updates
    every member independently.

    Parameters
    ----------
    shapes : list of tuple
        Stacked shapes, e.g. ``(K, n_in + 1, n_out)`` (see :func:`stacked_shapes`).
    dtype : numpy dtype
    """

    def __init__(self, shapes, dtype):
        self.shapes = [tuple(s) for s in shapes]
        self.offsets, total = ParameterStore.layout(self.shapes, dtype)
        self.params = np.zeros(total, dtype)
        self.grads = np.zeros(total, dtype)

    def views(self, flat):
        """The stacked arrays, as views of ``flat`` (the parameters, gradients or a state slot)."""
        return [flat[o:o + int(np.prod(s))].reshape(s) for o, s in zip(self.offsets, self.shapes)]


def stacked_shapes(models, input_dim):
    """The stack of unbuilt member models for inputs of width ``input_dim``, without building.

    Parameters
    ----------
    models : list of Sequential
        The K members (same layers, Dense widths may differ).
    input_dim : int

    Returns
    -------
    shapes : list of tuple
        One ``(K, n_in + use_bias, n_out)`` array per Dense layer: its weights,
        then its bias as the last row, padded to the widest member.
    widths : list of list of int
        ``widths[k][j]``: member k's output width at layer j.
    padded : list of int
        The widest member's output width at each layer.
    """
    widths = [model.layer_output_dims(input_dim) for model in models]
    padded = [max(w[j] for w in widths) for j in range(len(widths[0]))]
    shapes, in_width = [], input_dim
    for j, layer in enumerate(models[0].layers):
        if isinstance(layer, Dense):
            shapes.append((len(models), in_width + layer.use_bias, padded[j]))
        in_width = padded[j]
    return shapes, widths, padded


class StackedDense:
    """K dense layers at once: :math:`Z_k = X_k W_k + b_k`, then the activation.

    Parameters
    ----------
    Wb : ndarray of shape (K, n_in + use_bias, n_out)
        The weights, with the bias as the last row.
    dWb : ndarray of the same shape
        Its gradient.
    use_bias : bool
    activation : Layer or None
        An element-wise core activation layer (shape-agnostic, so it works on
        (K, n, n_out) arrays unchanged).
    mask : ndarray of shape (K, 1, n_out) or None
        The members' real units (1) and padding (0), when an activation with
        :math:`f(0) \\neq 0` follows and widths differ.

    Notes
    -----
    With :math:`G_k = \\partial L / \\partial Z_k`:
    :math:`\\partial L/\\partial W_k = X_k^T G_k`,
    :math:`\\partial L/\\partial b_k = \\mathbf 1^T G_k`,
    :math:`\\partial L/\\partial X_k = G_k W_k^T`. An input ``X`` of shape (n, n_in)
    (the same rows for every member) broadcasts against the stack. An input
    with one more column, of ones, is :math:`[X_k, \\mathbf 1]`: then
    :math:`[X_k, \\mathbf 1] [W_k; b_k]` adds the bias and
    :math:`[X_k, \\mathbf 1]^T G_k` gives both gradients, each in one product.
    """

    def __init__(self, Wb, dWb, use_bias, activation, mask):
        self.n_in = Wb.shape[1] - bool(use_bias)
        self.Wb, self.dWb = Wb, dWb
        self.W, self.dW = Wb[:, :self.n_in], dWb[:, :self.n_in]
        self.b = Wb[:, self.n_in:] if use_bias else None
        self.db = dWb[:, self.n_in:] if use_bias else None
        self.activation = activation
        self.mask = mask
        self.needs_input_grad = True
        self._buffers = {}

    def _buffer(self, key, shape):
        buf = self._buffers.get(key)
        if buf is None or buf.shape != shape:
            buf = self._buffers[key] = np.empty(shape, self.W.dtype)
        return buf

    def forward(self, X, training=False):
        Z = self._buffer("Z", (self.W.shape[0], X.shape[-2], self.W.shape[2]))
        self.folded = self.b is not None and X.shape[-1] == self.n_in + 1
        if self.folded:
            np.matmul(X, self.Wb, out=Z)
        else:
            np.matmul(X, self.W, out=Z)
            if self.b is not None:
                Z += self.b
        self.X = X
        if self.activation is None:
            return Z
        A = self.activation.forward(Z, training)
        if self.mask is not None:
            A *= self.mask
        return A

    def backward(self, dY):
        G = dY if self.activation is None else self.activation.backward(dY)
        XT = np.swapaxes(self.X, -1, -2)
        if self.folded:
            np.matmul(XT, G, out=self.dWb)
        else:
            np.matmul(XT, G, out=self.dW)
            if self.b is not None:
                # The batch sum as ones @ G: a batched gemv, several times
                # faster than a reduction over the middle axis of a small stack.
                np.matmul(self._ones(G.shape[1]), G, out=self.db)
        if not self.needs_input_grad:
            return None
        # matmul with a transposed view of a small stack misses BLAS; a
        # contiguous transposed copy of W costs less than it saves.
        WT = self._buffer("WT", (self.W.shape[0], self.W.shape[2], self.W.shape[1]))
        np.copyto(WT, np.swapaxes(self.W, 1, 2))
        dX = self._buffer("dX", G.shape[:2] + (self.n_in,))
        return np.matmul(G, WT, out=dX)

    def _ones(self, n):
        ones = self._buffers.get("ones")
        if ones is None or ones.shape[1] != n:
            ones = self._buffers["ones"] = np.ones((1, n), self.W.dtype)
        return ones


class StackedActivation:
    """A core element-wise activation applied to the whole stack (masked where widths differ)."""

    def __init__(self, layer, mask):
        self.layer = layer
        self.mask = mask
        self.needs_input_grad = True

    def forward(self, X, training=False):
        A = self.layer.forward(X, training)
        if self.mask is not None:
            A = np.multiply(A, self.mask, out=A) if A is not X else A * self.mask
        return A

    def backward(self, dY):
        return self.layer.backward(dY)


class StackedDropout:
    """Inverted dropout with each member's mask drawn from that member's own generator.

    Member k draws ``rng_k.random((n, width_k))`` exactly as its lone
    ``Dropout`` layer would (same shape, dtype and order), so its mask is
    the lone network's. :math:`Y = X \\odot [U \\ge p] / (1 - p)`.

    Parameters
    ----------
    rate : float
    rngs : list of numpy.random.Generator
        One per member.
    widths : list of int
        Each member's real width at this layer (the stack is as wide as the widest).
    """

    def __init__(self, rate, rngs, widths):
        self.rate = rate
        self.rngs = rngs
        self.widths = list(widths)
        self.padded = len(set(self.widths)) > 1
        self.needs_input_grad = True
        self._scale = None
        self._parts = {}

    def forward(self, X, training=False):
        self.active = training and self.rate > 0
        if not self.active:
            return X
        shape = (len(self.rngs),) + X.shape[-2:]
        if self._scale is None or self._scale.shape != shape or self._scale.dtype != X.dtype:
            self._scale = np.zeros(shape, X.dtype)
            self._out = np.empty(shape, X.dtype)
            self._dX = np.empty(shape, X.dtype)
        scale = self._scale
        for k, rng in enumerate(self.rngs):
            if self.padded:
                part = self._part(shape[1], self.widths[k], X.dtype)
                rng.random(out=part, dtype=part.dtype)
                scale[k, :, :self.widths[k]] = part
            else:
                rng.random(out=scale[k], dtype=scale.dtype)
        # The padding holds zeros, which stay below any rate > 0: dropped.
        np.greater_equal(scale, self.rate, out=scale)
        scale *= 1.0 / (1.0 - self.rate)
        return np.multiply(X, scale, out=self._out)

    def _part(self, n, width, dtype):
        part = self._parts.get((n, width))
        if part is None or part.dtype != dtype:
            part = self._parts[(n, width)] = np.empty((n, width), dtype)
        return part

    def backward(self, dY):
        if not self.active:
            return dY
        return np.multiply(dY, self._scale, out=self._dX)


def stacked_loss_gradient(loss, Z, T, out, work):
    """:math:`\\partial L_k / \\partial Z_k` for every member, written into ``out``.

    Parameters
    ----------
    loss : Loss
        CrossEntropy, BinaryCrossEntropy or MSE (its class and ``reduction`` decide).
    Z : ndarray of shape (K, n, C)
        Logits (or outputs, for MSE).
    T : ndarray of shape (K, n, C)
        Targets: one-hot rows, 0/1, or values.
    out : ndarray of shape (K, n, C)
    work : ndarray of shape (K, n, 1)

    Notes
    -----
    Each member's loss is its own batch mean (or sum), so the gradients are
    those of K independent losses:

    - cross-entropy: :math:`(\\mathrm{softmax}(Z) - T)\\, s`, with :math:`s = 1/n`;
    - binary cross-entropy: :math:`(\\sigma(Z) - T)\\, s`, :math:`s = 1/(nC)`;
    - MSE: :math:`2 (Z - T)\\, s`, :math:`s = 1/(nC)`;

    and :math:`s = 1` for ``reduction="sum"``.
    """
    kind = type(loss).__name__
    n, width = Z.shape[1], Z.shape[2]
    mean = loss.reduction == "mean"
    if kind == "CrossEntropy":
        scale = 1.0 / n if mean else 1.0
        _row_max(Z, work)
        np.subtract(Z, work, out=out)
        np.exp(out, out=out)
        # The row sums as a product with a column of ones: a reduction over a
        # short last axis costs a loop per row.
        np.matmul(out, _ones_column(width, out.dtype), out=work)
        np.divide(out, work, out=out)
        out -= T
        if scale != 1.0:
            out *= scale
        return out
    scale = 1.0 / (n * width) if mean else 1.0
    if kind == "BinaryCrossEntropy":
        np.multiply(Z, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1.0
        out *= 0.5
        out -= T
        out *= scale
        return out
    np.subtract(Z, T, out=out)
    out *= 2.0 * scale
    return out


def _row_max(Z, out):
    """Max over the last axis into ``out`` (..., 1); column by column for a few columns."""
    width = Z.shape[-1]
    if width > 8:
        return np.maximum.reduce(Z, axis=-1, keepdims=True, out=out)
    if width == 1:
        return np.copyto(out, Z)
    np.maximum(Z[..., 0:1], Z[..., 1:2], out=out)
    for c in range(2, width):
        np.maximum(out, Z[..., c:c + 1], out=out)
    return out


_ONES = {}


def _ones_column(width, dtype):
    key = (width, np.dtype(dtype))
    if key not in _ONES:
        _ONES[key] = np.ones((width, 1), dtype)
    return _ONES[key]


def stacked_loss_values(loss, Z, T):
    """Each member's loss over all rows, as its lone model's ``loss.forward`` gives it.

    Parameters
    ----------
    loss : Loss
    Z, T : ndarray of shape (K, n, C)
        Outputs (logits) and targets, as in :func:`stacked_loss_gradient`.

    Returns
    -------
    ndarray of shape (K,), float64
        The totals are summed in float64 (as the lone losses do):
        cross-entropy :math:`\\sum_i (m_i + \\log \\sum_c e^{z_{ic} - m_i}) - \\sum_{ic} t_{ic} z_{ic}`,
        binary cross-entropy :math:`\\sum \\log(1 + e^z) - t z`, MSE :math:`\\sum (z - t)^2`;
        divided by n (cross-entropy) or nC (the others) for ``reduction="mean"``.
    """
    kind = type(loss).__name__
    K, n, width = Z.shape
    if kind == "CrossEntropy":
        rowmax = _row_max(Z, np.empty((K, n, 1), Z.dtype))
        work = np.exp(Z - rowmax)
        sums = np.matmul(work, _ones_column(width, Z.dtype))
        np.log(sums, out=sums)
        sums += rowmax
        total = sums.sum(axis=(1, 2), dtype=np.float64)
        total -= np.einsum("kic,kic->k", T, Z, dtype=np.float64)
        count = n
    elif kind == "BinaryCrossEntropy":
        total = np.logaddexp(0.0, Z).sum(axis=(1, 2), dtype=np.float64)
        total -= np.einsum("kic,kic->k", T, Z, dtype=np.float64)
        count = n * width
    else:
        diff = Z - T
        total = np.einsum("kic,kic->k", diff, diff, dtype=np.float64)
        count = n * width
    return total / count if loss.reduction == "mean" else total


class ReLUFloatMask:
    """ReLU on a stack, its backward multiplying by a float mask.

    The core ``ReLU`` multiplies by a boolean mask, which NumPy casts element by
    element; on the small stacks of a lockstep step a float mask is about
    twice as fast. Same math: :math:`Y = \\max(X, 0)`,
    :math:`\\partial L/\\partial X = \\partial L/\\partial Y \\odot [Y > 0]`.
    """

    def __init__(self):
        self._buffers = {}

    def _buffer(self, key, like):
        buf = self._buffers.get(key)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._buffers[key] = np.empty_like(like)
        return buf

    def forward(self, X, training=False):
        self._out = np.maximum(X, 0, out=self._buffer("out", X))
        return self._out

    def backward(self, dY):
        mask = np.greater(self._out, 0, out=self._buffer("mask", dY))
        return np.multiply(dY, mask, out=self._buffer("dX", dY))
