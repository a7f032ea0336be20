"""Inference in chunks: bounded work memory whatever the number of rows."""

import numpy as np

__all__ = ["forward_in_chunks", "PREDICT_CHUNK"]

#: Rows per chunk in predict/evaluate: bounds the work buffers' memory.
PREDICT_CHUNK = 8192


def forward_in_chunks(model, X, chunk=None):
    """The raw outputs of ``model`` for ``X`` in inference mode, computed chunk by chunk.

    The chunks are of equal size (at most ``chunk`` rows, default
    :data:`PREDICT_CHUNK`), so every chunk, and every later call with as
    many rows, reuses the same work buffers. Returns a new array.
    """
    chunk = PREDICT_CHUNK if chunk is None else chunk
    n_chunks = -(-len(X) // chunk)
    if n_chunks <= 1:
        return model.forward(X, training=False).copy()
    size = -(-len(X) // n_chunks)
    out = None
    for start in range(0, len(X), size):
        Z = model.forward(X[start:start + size], training=False)
        if out is None:
            out = np.empty((len(X), Z.shape[1]), Z.dtype)
        out[start:start + size] = Z
    return out
