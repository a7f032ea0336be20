"""Tutorial 001: one sigmoid neuron, then a 2-2-1 network trained sample by sample.

:class:`Neuron` is the tutorial's building block. :class:`ToyNetwork` is its
2-2-1 network (two inputs, a hidden layer of two sigmoid neurons, one sigmoid
output) as a thin facade over :class:`scratchnet.Sequential`: the forward
pass, the backward pass and the update are the core's ``Dense``, ``MSE`` and
``SGD``.
"""

import numpy as np

from .._validation import check_scalar
from ..ops import sigmoid
from ..callbacks import Callback
from ..layers import Dense
from ..losses import MSE
from ..optimizers import SGD
from ..sequential import Sequential

__all__ = ["Neuron", "ToyNetwork"]


class Neuron:
    """A single neuron: a weighted sum of the inputs plus a bias, through a sigmoid.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
    bias : float

    Notes
    -----
    :math:`y = \\sigma(w \\cdot x + b)` with :math:`\\sigma(t) = 1 / (1 + e^{-t})`.
    One neuron is one dot product, so it is computed here with NumPy directly;
    networks of neurons are :class:`ToyNetwork` (a ``Sequential`` underneath).

    Examples
    --------
    >>> Neuron([0, 1], 4).feedforward([2, 3])  # sigmoid(7)
    0.9990889488055994
    """

    def __init__(self, weights, bias):
        self.weights = np.asarray(weights, dtype=np.float64)
        if self.weights.ndim != 1 or self.weights.size == 0:
            raise ValueError("The 'weights' parameter of Neuron must be a non-empty 1-D "
                             f"sequence of numbers. Got shape {self.weights.shape} instead.")
        self.bias = float(bias)

    def feedforward(self, inputs):
        """The neuron's output for one input vector of shape (n_inputs,)."""
        x = np.asarray(inputs, dtype=np.float64)
        if x.shape != self.weights.shape:
            raise ValueError(f"Neuron has {self.weights.size} weights but got inputs of "
                             f"shape {x.shape}")
        return float(sigmoid(np.dot(self.weights, x) + self.bias))

    def __repr__(self):
        return f"Neuron(weights={self.weights.tolist()}, bias={self.bias})"


class _LossEvery(Callback):
    """After every ``every``-th epoch, the loss on the whole training set (the tutorial's log)."""

    def __init__(self, X, y, every, start, sink):
        self.X, self.y, self.every, self.start, self.sink = X, y, every, start, sink

    def on_epoch_end(self, model, epoch, logs):
        epoch = self.start + epoch
        if epoch % self.every == 0:
            self.sink(epoch, model.evaluate(self.X, self.y)["loss"])


class ToyNetwork:
    """Tutorial 001's network: 2 inputs, 2 sigmoid hidden neurons, 1 sigmoid output.

    Trained by per-sample stochastic gradient descent on the squared error, in
    the order of the data (no shuffling), as the tutorial does.

    Parameters
    ----------
    n_inputs : int, default 2
    n_hidden : int, default 2
    learn_rate : float, default 0.1
    seed : int or None, default 0
        Seeds the standard-normal initial weights and biases (the tutorial
        draws them from ``np.random.normal()`` without a seed).
    dtype : {"float64", "float32"}, default "float64"

    Attributes
    ----------
    model : Sequential
        ``[Dense(n_hidden, sigmoid), Dense(1, sigmoid)]``, ``MSE``, ``SGD(learn_rate)``.
    losses : list of (int, float)
        ``(epoch, loss)`` pairs recorded by :meth:`train`.

    Notes
    -----
    For one sample with one output, ``MSE`` (mean over one element) is the
    tutorial's :math:`L = (y - o)^2` with gradient :math:`\\partial L / \\partial o
    = -2 (y - o)`, so ``fit(batch_size=1, shuffle=False)`` performs exactly
    the tutorial's updates. The logged loss is, as in the tutorial, the mean
    squared error over the whole training set *after* the epoch.

    Examples
    --------
    >>> net = ToyNetwork.from_neurons(weights=[0, 1], bias=0)
    >>> round(net.feedforward([2, 3]), 12)
    0.721632560952
    """

    def __init__(self, n_inputs=2, n_hidden=2, learn_rate=0.1, seed=0, dtype="float64"):
        n_inputs = check_scalar(n_inputs, "n_inputs", "ToyNetwork", kind=int, low=1)
        n_hidden = check_scalar(n_hidden, "n_hidden", "ToyNetwork", kind=int, low=1)
        self.learn_rate = check_scalar(learn_rate, "learn_rate", "ToyNetwork", low=0.0,
                                       closed="neither")
        self.model = Sequential(
            [Dense(n_hidden, activation="sigmoid", init="normal"),
             Dense(1, activation="sigmoid", init="normal")],
            loss=MSE(), optimizer=SGD(lr=self.learn_rate), seed=seed, dtype=dtype)
        self.model.build(n_inputs)
        self.losses = []

    @classmethod
    def from_neurons(cls, weights=(0.0, 1.0), bias=0.0, n_hidden=2, **kwargs):
        """A network whose neurons all have the same ``weights`` and ``bias`` (tutorial's example).

        Every neuron (hidden and output) receives ``len(weights)`` inputs, so
        ``len(weights)`` must equal ``n_hidden``: the default is the
        tutorial's ``w = [0, 1]``, ``b = 0`` for a 2-2-1 network.
        """
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != (n_hidden,):
            raise ValueError(f"from_neurons needs {n_hidden} weights per neuron (one per "
                             f"input, and the output neuron has {n_hidden} inputs); got "
                             f"{weights.shape}")
        net = cls(n_inputs=weights.size, n_hidden=n_hidden, **kwargs)
        # Column j of W holds neuron j's weights.
        W1 = np.tile(weights[:, None], (1, n_hidden))
        net.model.set_weights([W1, np.full(n_hidden, bias), weights[:, None], np.full(1, bias)])
        return net

    def feedforward(self, x):
        """Output for one sample (a float) or for each row of a 2-D array (shape (n,))."""
        X = np.asarray(x, dtype=np.float64)
        if X.ndim not in (1, 2) or X.shape[-1] != self.model.input_dim:
            raise ValueError(f"expected a sample of {self.model.input_dim} features or an "
                             f"array of shape (n, {self.model.input_dim}); got shape {X.shape}")
        out = self.model.predict(X.reshape(-1, X.shape[-1]))
        return float(out[0]) if X.ndim == 1 else out

    def train(self, data, all_y_trues, epochs=1000, log_every=10, verbose=False,
              print_fn=print):
        """Per-sample SGD over ``data`` in order, ``epochs`` times.

        Parameters
        ----------
        data : array-like of shape (n_samples, n_inputs)
        all_y_trues : array-like of shape (n_samples,)
            Targets in [0, 1].
        epochs : int, default 1000
        log_every : int, default 10
            Record (and with ``verbose``, print) the loss after epochs 0,
            ``log_every``, ``2 * log_every`` ...
        verbose : bool, default False
        print_fn : callable, default print

        Returns
        -------
        list of (int, float)
            The ``(epoch, loss)`` pairs of this call (also appended to :attr:`losses`).
        """
        log_every = check_scalar(log_every, "log_every", "ToyNetwork.train", kind=int, low=1)
        X = np.asarray(data, dtype=np.float64)
        y = np.asarray(all_y_trues, dtype=np.float64)
        logged = []

        def sink(epoch, loss):
            logged.append((epoch, loss))
            if verbose:
                print_fn(f"Epoch {epoch} loss: {loss:.3f}")

        start = self.model.history.epochs
        self.model.fit(X, y, epochs=epochs, batch_size=1, shuffle=False,
                       callbacks=[_LossEvery(X, y, log_every, start, sink)])
        self.losses.extend(logged)
        return logged
