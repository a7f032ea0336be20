"""The layer protocol shared by every layer."""

import copy

import numpy as np

from ..ops import WorkBuffers
from ..registry import Registered, registry_for

__all__ = ["Layer", "LAYERS", "get_layer_class"]

#: Every Layer subclass: built-ins by class name, every class by ``module.QualName``.
LAYERS = registry_for("layer")


class Layer(Registered):
    """Base class of all layers.

    A layer owns its math: :meth:`forward` caches what :meth:`backward` needs,
    and :meth:`backward` returns the gradient with respect to the input and
    stores the gradients of the layer's own parameters in :attr:`grads`.

    Attributes
    ----------
    params : dict of str -> ndarray
        Trainable parameters, updated in place by the optimizer. Once the
        layer belongs to a built model they are views into the model's
        :class:`~scratchnet.parameters.ParameterStore`.
    grads : dict of str -> ndarray
        Gradients of the loss with respect to ``params``, same shapes; set by
        :meth:`backward` (overwritten, not accumulated).
    state : dict of str -> ndarray
        Arrays that are not trained by the optimizer but belong to the model
        (a batch normalization's running statistics): saved and loaded with
        it, and put back with the parameters when an epoch is rolled back.
    needs_input_grad : bool
        When False (the first layer of a model), :meth:`backward` may skip
        computing the input gradient and return ``None``.
    n_inputs : int or None
        Input width once built.
    work : WorkBuffers
        Scratch arrays reused from batch to batch.

    Notes
    -----
    For speed, ``forward`` and ``backward`` write into work buffers the layer
    keeps and reuses: an array they return is valid until the layer's next
    call. Copy it if you need to keep it. Layers never modify the arrays they
    are given.

    Subclasses implement ``forward``/``backward``; layers with parameters also
    implement ``build``. Store each constructor argument as an attribute of
    the same name: the configuration saved in model files is read from them.
    A subclass is registered when it is defined, so models that use it can be
    saved and loaded (define the class before loading).
    """

    registry = LAYERS

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.state = {}
        self.needs_input_grad = True
        self.n_inputs = None
        self.rng = None
        self.work = WorkBuffers()

    @property
    def built(self):
        return self.n_inputs is not None

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
        self.n_inputs = int(input_dim)
        self.rng = rng
        return self.output_dim(self.n_inputs)

    def output_dim(self, input_dim):
        """Output width for inputs of width ``input_dim`` (same by default)."""
        return input_dim

    def parameter_shapes(self, input_dim):
        """The shape of each parameter :meth:`build` would create, without creating them.

        Model files are checked against these before any array is read. The
        default builds a throw-away copy; layers with large parameters
        override it (``Dense`` does).
        """
        if type(self).build is Layer.build:
            return {}
        return {name: value.shape for name, value in self._probe(input_dim).params.items()}

    def state_shapes(self, input_dim):
        """The shape of each :attr:`state` array :meth:`build` would create (see :meth:`parameter_shapes`)."""
        if type(self).build is Layer.build:
            return {}
        return {name: value.shape for name, value in self._probe(input_dim).state.items()}

    def _probe(self, input_dim):
        probe = copy.deepcopy(self)
        probe.build(input_dim, np.random.default_rng(0), np.float64)
        return probe

    def output_activation(self):
        """The layer whose function produces this layer's output (itself by default).

        A ``Dense`` with ``activation=`` answers with its activation: the task
        heads use it to refuse a final softmax or sigmoid before a fused loss.
        """
        return self

    def forward(self, X, training=False):
        """Compute the output for a batch ``X`` of shape (n_samples, input_dim)."""
        raise NotImplementedError

    def backward(self, dY):
        """Given dL/dY of shape (n_samples, output_dim), return dL/dX."""
        raise NotImplementedError

    @property
    def n_params(self):
        return sum(p.size for p in self.params.values())

    def astype(self, dtype):
        """Cast the parameters to ``dtype`` (copies) and drop the work buffers."""
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}
        self.grads = {k: v.astype(dtype) for k, v in self.grads.items()}
        self.work.clear()


def get_layer_class(name):
    """Return the registered Layer subclass called ``name``."""
    return LAYERS.lookup(name)
