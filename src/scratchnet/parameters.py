"""The parameter store: every trainable array of a model in one flat buffer.

All parameters live in one flat array and all gradients in another; each
layer's ``params``/``grads`` are views into them. The optimizer then updates
everything with a few whole-buffer operations, whatever the number of layers,
and saving, snapshotting or restoring the model is one array copy.
"""

import math

import numpy as np

__all__ = ["ParameterStore"]

#: Each array starts on a boundary of this many bytes (BLAS is fastest on
#: aligned data); the zero padding between arrays stays zero through every
#: update, since its gradient is zero too.
ALIGNMENT = 64


class ParameterStore:
    """The parameters and gradients of a list of built layers, packed.

    Parameters
    ----------
    layers : list of Layer
        Built layers; their ``params`` and ``grads`` are replaced by views
        into the store (the values are copied in).
    dtype : numpy dtype

    Attributes
    ----------
    values : ndarray of shape (size,)
        All parameters, with alignment padding.
    grads : ndarray of shape (size,)
        All gradients, same layout.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> model = sn.Sequential([sn.Dense(3), sn.ReLU(), sn.Dense(2)], seed=0).build(4)
    >>> [(name, p.shape) for name, p, g in model.parameters]
    [('0.W', (4, 3)), ('0.b', (3,)), ('2.W', (3, 2)), ('2.b', (2,))]
    >>> model.parameters.n_params
    23
    """

    def __init__(self, layers, dtype):
        self.dtype = np.dtype(dtype)
        entries = [(i, layer, name) for i, layer in enumerate(layers) for name in layer.params]
        offsets, total = self.layout([layer.params[name].shape for _, layer, name in entries],
                                     self.dtype)
        self.values = np.zeros(total, dtype=self.dtype)
        self.grads = np.zeros(total, dtype=self.dtype)
        self._entries = []
        for (i, layer, name), offset in zip(entries, offsets):
            value = layer.params[name]
            size, shape = value.size, value.shape
            view = self.values[offset:offset + size].reshape(shape)
            view[...] = value
            layer.params[name] = view
            layer.grads[name] = self.grads[offset:offset + size].reshape(shape)
            self._entries.append((f"{i}.{name}", view, layer.grads[name]))

    @staticmethod
    def layout(shapes, dtype):
        """Offsets of arrays of ``shapes`` in the flat buffer, and its total size."""
        align = max(1, ALIGNMENT // np.dtype(dtype).itemsize)
        offsets, total = [], 0
        for shape in shapes:
            offsets.append(total)
            total += -(-math.prod(shape) // align) * align
        return offsets, total

    def __iter__(self):
        """Yield ``(name, param, grad)`` for every array, ``name`` as ``"<layer index>.<key>"``."""
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    @property
    def n_params(self):
        """Number of parameters (padding excluded)."""
        return sum(p.size for _, p, _ in self._entries)

    def arrays(self):
        """The parameter views, in layer order."""
        return [p for _, p, _ in self._entries]

    def snapshot(self):
        """A copy of every parameter value, for :meth:`restore`."""
        return self.values.copy()

    def restore(self, snapshot):
        """Put back the values of a :meth:`snapshot` (or any flat array of the same layout)."""
        snapshot = np.asarray(snapshot)
        if snapshot.shape != self.values.shape or snapshot.dtype != self.dtype:
            raise ValueError(f"a snapshot of shape {snapshot.shape} and dtype {snapshot.dtype} "
                             f"does not fit this store ({self.values.shape}, {self.dtype})")
        self.values[...] = snapshot

    def all_finite(self):
        """Whether every parameter is finite."""
        return bool(np.isfinite(self.values).all())

    def step(self, optimizer):
        """Let ``optimizer`` update every parameter from its gradient, in place."""
        optimizer.step([self.values], [self.grads])
