"""Tutorials 000 and 002: ``NeuralNet(layers, learning_rate, iterations)``.

Both tutorials write the same small class: a fully connected network with a
sigmoid output unit, binary cross-entropy, standard-normal initial weights
drawn after ``np.random.seed(1)``, and plain full-batch gradient descent with
the gradient *summed* over the samples. Tutorial 000 uses sigmoid hidden
units, tutorial 002 ReLU. :class:`NeuralNet` keeps their interface and
hands all the math to :class:`scratchnet.Sequential`.
"""

import numpy as np

from .._validation import check_option, check_scalar
from ..layers import ACTIVATIONS, Dense
from ..losses import BinaryCrossEntropy
from ..optimizers import SGD
from ..sequential import Sequential

__all__ = ["NeuralNet", "tutorial_initial_weights"]

#: Hidden activations a NeuralNet accepts (the row-wise softmax makes no sense here).
HIDDEN_ACTIVATIONS = tuple(name for name in ACTIVATIONS.names() if name != "softmax")


def tutorial_initial_weights(layers, seed=1):
    """The tutorials' initial parameters, drawn from a local ``RandomState(seed)``.

    Parameters
    ----------
    layers : sequence of int
        Widths ``[n_0, n_1, ..., n_k]`` (inputs first).
    seed : int, default 1
        The tutorials call ``np.random.seed(1)``.

    Returns
    -------
    list of ndarray, float64
        ``[W1 (n_0, n_1), b1 (n_1,), W2 (n_1, n_2), b2 (n_2,), ...]``, drawn
        with ``randn`` in exactly that order, so for two layers they are the
        tutorials' ``W1, b1, W2, b2`` bit for bit. The global NumPy state is
        not touched.
    """
    rs = np.random.RandomState(seed)
    weights = []
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        weights.append(rs.randn(n_in, n_out))
        weights.append(rs.randn(n_out))
    return weights


class NeuralNet:
    """The tutorials' fully connected binary classifier, trained by full-batch gradient descent.

    Parameters
    ----------
    layers : sequence of int, default (30, 14, 1)
        Widths from the input to the output; the last must be 1 (one sigmoid
        output unit). ``[13, 8, 1]`` for tutorial 002.
    learning_rate : float, default 0.001
    iterations : int, default 100
        Gradient-descent steps, each on the whole training set.
    activation : str, default "sigmoid"
        Hidden activation: ``"sigmoid"`` (tutorial 000) or ``"relu"``
        (tutorial 002); any name of ``scratchnet.ACTIVATIONS`` but softmax.
    seed : int, default 1
        Seed of the initial weights (see :func:`tutorial_initial_weights`).
    dtype : {"float64", "float32"}, default "float64"
        The tutorials compute in float64.

    Attributes
    ----------
    model : Sequential
        The network, after :meth:`fit`.
    loss : list of float
        Mean binary cross-entropy on the training set at each iteration,
        before that iteration's update (as the tutorials record it).
    cost : list of float
        The same list, under tutorial 000's name.
    classes_ : ndarray of shape (2,)
        The two labels seen by :meth:`fit`; the output unit estimates the
        probability of ``classes_[1]``.

    Notes
    -----
    One iteration, with :math:`p = \\sigma(z)` the output for each sample:

    .. math::
        J = -\\tfrac1n \\sum_i [y_i \\log p_i + (1 - y_i) \\log(1 - p_i)], \\qquad
        \\theta \\leftarrow \\theta - \\eta \\sum_i \\nabla_\\theta \\ell_i .

    The update uses the gradient of the **sum** of the per-sample losses
    (``BinaryCrossEntropy(reduction="sum")``), as the tutorials' backward pass
    does, not of their mean :math:`J`: the step is :math:`n` times larger
    than gradient descent on :math:`J` with the same :math:`\\eta`. That is why
    a learning rate as small as 0.001 trains in 100 iterations (on 455
    samples it is a step of 0.455 on the mean loss).

    The loss is computed from the logit, fused with the sigmoid
    (:math:`\\partial \\ell / \\partial z = p - y`); mathematically it is the
    tutorials' loss. Tutorial 002 clips :math:`p` to at least
    :math:`10^{-10}` (its ``eta``) inside the logarithms and in the gradient;
    that only matters where a probability saturates (:math:`p < 10^{-10}` or
    :math:`p` rounding to 1), where the tutorial's gradient shrinks or
    vanishes and this one stays :math:`p - y`.

    :meth:`predict` returns the labels you trained with: 0/1 if ``y`` held
    0/1 (as in the tutorials), ``'B'``/``'M'`` if it held those. Labels are
    sorted to decide which one is "1", so pass the tutorials' own 0/1
    encoding to reproduce their runs exactly.

    Examples
    --------
    >>> from scratchnet.datasets import load_heart
    >>> X, y = load_heart()
    >>> X = (X - X.mean(0)) / X.std(0)
    >>> net = NeuralNet(layers=[13, 8, 1], activation="relu").fit(X, y - 1)
    >>> len(net.loss), net.loss[-1] < net.loss[0]
    (100, True)
    """

    def __init__(self, layers=(30, 14, 1), learning_rate=0.001, iterations=100,
                 activation="sigmoid", seed=1, dtype="float64"):
        layers = list(layers)
        if len(layers) < 2 or any(isinstance(n, bool) or not isinstance(n, (int, np.integer))
                                  or n < 1 for n in layers):
            raise ValueError("The 'layers' parameter of NeuralNet must be a list of at least two "
                             f"positive ints (inputs first). Got {layers!r} instead.")
        if layers[-1] != 1:
            raise ValueError("The 'layers' parameter of NeuralNet must end with 1 (one sigmoid "
                             f"output unit for two classes). Got {layers!r} instead.")
        self.layers = [int(n) for n in layers]
        self.learning_rate = check_scalar(learning_rate, "learning_rate", "NeuralNet", low=0.0,
                                          closed="neither")
        self.iterations = check_scalar(iterations, "iterations", "NeuralNet", kind=int, low=0)
        self.activation = check_option(activation, "activation", "NeuralNet", HIDDEN_ACTIVATIONS)
        self.seed = check_scalar(seed, "seed", "NeuralNet", kind=int, low=0)
        self.dtype = dtype
        self.model = None
        self.loss = []

    @property
    def cost(self):
        return self.loss

    @property
    def classes_(self):
        self._require_fitted()
        return self.model.classes_

    def build_model(self):
        """A fresh ``Sequential`` for these settings, with the tutorials' initial weights."""
        hidden = [Dense(n, activation=self.activation) for n in self.layers[1:-1]]
        model = Sequential(hidden + [Dense(1)], loss=BinaryCrossEntropy(reduction="sum"),
                           optimizer=SGD(lr=self.learning_rate), seed=self.seed,
                           dtype=self.dtype)
        model.build(self.layers[0])
        model.set_weights(tutorial_initial_weights(self.layers, self.seed))
        return model

    def fit(self, X, y):
        """Start from the initial weights and run ``iterations`` gradient-descent steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, layers[0])
        y : array-like of shape (n_samples,) or (n_samples, 1)
            Two classes, of any label type.

        Returns
        -------
        self
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.layers[0]:
            raise ValueError(f"NeuralNet(layers={self.layers}) expects X of shape (n_samples, "
                             f"{self.layers[0]}); got {X.shape}")
        self.model = self.build_model()
        history = self.model.fit(X, y, epochs=self.iterations, batch_size=None, shuffle=False)
        self.loss = list(history.get("loss", []))
        return self

    def predict(self, X):
        """Predicted labels, shape (n_samples,): ``classes_[1]`` where :math:`p > 0.5`."""
        self._require_fitted()
        return self.model.predict(X)

    def predict_proba(self, X):
        """Probabilities of shape (n_samples, 2): columns ``classes_[0]``, ``classes_[1]``."""
        self._require_fitted()
        return self.model.predict_proba(X)

    @staticmethod
    def acc(y, yhat):
        """Percentage of ``yhat`` equal to ``y`` (both flattened), as a float.

        Tutorial 000 prints a one-element array, tutorial 002 truncates to an
        int; this returns the unrounded percentage.
        """
        y, yhat = np.asarray(y).ravel(), np.asarray(yhat).ravel()
        if y.shape != yhat.shape or y.size == 0:
            raise ValueError(f"acc needs two non-empty arrays of the same length; got {y.size} "
                             f"and {yhat.size} values")
        return float(np.count_nonzero(y == yhat)) / y.size * 100.0

    def plot_loss(self, ax=None):
        """Plot :attr:`loss` per iteration (needs matplotlib); returns the axes."""
        from ..plotting import plot_loss

        self._require_fitted()
        ax = plot_loss(self.loss, ax=ax, title=f"NeuralNet {self.layers}: training loss")
        ax.set_ylabel("binary cross-entropy")
        return ax

    plot_cost = plot_loss

    def _require_fitted(self):
        if self.model is None:
            raise RuntimeError("this NeuralNet is not fitted yet: call fit(X, y) first")

    def __repr__(self):
        return (f"NeuralNet(layers={self.layers}, learning_rate={self.learning_rate}, "
                f"iterations={self.iterations}, activation={self.activation!r}, "
                f"seed={self.seed})")
