"""The layer protocol shared by every layer."""

import numpy as np

__all__ = ["Layer", "LAYERS", "get_layer_class"]

#: Every Layer subclass, by class name (built-ins) and by ``module.QualName``
#: (all), so that model files can name a user's own layers too.
LAYERS = {}


class Layer:
    """Base class of all layers.

    A layer owns its math: :meth:`forward` caches what :meth:`backward` needs,
    and :meth:`backward` returns the gradient with respect to the input and
    stores the gradients of the layer's own parameters in :attr:`grads`.

    Attributes
    ----------
    params : dict of str -> ndarray
        Trainable parameters, updated in place by the optimizer.
    grads : dict of str -> ndarray
        Gradients of the loss with respect to ``params``, same shapes; set by
        :meth:`backward` (overwritten, not accumulated).
    needs_input_grad : bool
        When False (the first layer of a model), :meth:`backward` may skip
        computing the input gradient and return ``None``.

    Notes
    -----
    For speed, ``forward`` and ``backward`` write into work buffers the layer
    keeps and reuses: an array they return is valid until the layer's next
    call. Copy it if you need to keep it. Layers never modify the arrays they
    are given.

    Subclasses implement ``forward``/``backward``; layers with parameters also
    implement ``build``. A subclass is registered automatically, so models
    that use it can be saved and loaded (define the class before loading).
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.needs_input_grad = True
        self.input_dim = None
        self._buffers = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        LAYERS[f"{cls.__module__}.{cls.__qualname__}"] = cls
        if cls.__module__.startswith("scratchnet."):
            LAYERS[cls.__name__] = cls

    @property
    def built(self):
        return self.input_dim is not None

    def build(self, input_dim, rng, dtype, next_layer=None):
        """Create the parameters for inputs of width ``input_dim``.

        Parameters
        ----------
        input_dim : int
            Number of input features.
        rng : numpy.random.Generator
            Source of all randomness (initial weights, dropout masks).
        dtype : numpy dtype
            Floating type of the parameters.
        next_layer : Layer or None
            The layer that follows, if any (lets Dense pick He initialization
            before a ReLU).

        Returns
        -------
        int
            The output width.
        """
        self.input_dim = int(input_dim)
        self.rng = rng
        return self.output_dim(self.input_dim)

    def output_dim(self, input_dim):
        """Output width for inputs of width ``input_dim`` (same by default)."""
        return input_dim

    def forward(self, X, training=False):
        """Compute the output for a batch ``X`` of shape (n_samples, input_dim)."""
        raise NotImplementedError

    def backward(self, dY):
        """Given dL/dY of shape (n_samples, output_dim), return dL/dX."""
        raise NotImplementedError

    @property
    def n_params(self):
        return sum(p.size for p in self.params.values())

    def get_config(self):
        """Constructor arguments, JSON-serializable; ``type(self)(**config)`` rebuilds it."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def astype(self, dtype):
        """Cast the parameters to ``dtype`` (copies) and drop the work buffers."""
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._buffers = {}

    def _buffer(self, key, shape, dtype):
        """A reusable work array of ``shape``; reallocated only when the shape changes."""
        buf = self._buffers.get(key)
        if buf is None or buf.shape != shape or buf.dtype != dtype:
            buf = np.empty(shape, dtype=dtype)
            self._buffers[key] = buf
        return buf

    def __getstate__(self):
        # Work buffers are scratch space: never worth copying or pickling.
        state = self.__dict__.copy()
        state["_buffers"] = {}
        return state

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def get_layer_class(name):
    """Return the registered Layer subclass called ``name``."""
    try:
        return LAYERS[name]
    except KeyError:
        raise ValueError(
            f"unknown layer type {name!r}; known: {sorted(k for k in LAYERS if '.' not in k)}. "
            "A custom layer must be defined (imported) before a model using it is loaded."
        ) from None
