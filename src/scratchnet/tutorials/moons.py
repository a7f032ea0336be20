"""Tutorial 003: a 2-64-2 ReLU/softmax network on the two moons, by minibatch SGD.

:class:`MoonsNet` is the tutorial's class-based network (``NeuralNet(99)``
there); :func:`repeated_accuracy` is its ``test`` function (train many fresh
networks, report mean and standard deviation of the test accuracy) and
:func:`width_sweep` its ``test_class`` (accuracy against the hidden width).
"""

import numpy as np

from .._validation import check_scalar
from ..layers import Dense
from ..losses import CrossEntropy
from ..optimizers import SGD
from ..sequential import Sequential

__all__ = ["MoonsNet", "repeated_accuracy", "width_sweep"]


class MoonsNet:
    """Dense(n_hidden, ReLU) then Dense(n_classes) with softmax cross-entropy, standard-normal init.

    Parameters
    ----------
    n_hidden : int, default 64
    n_features : int, default 2
    n_classes : int, default 2
    learning_rate : float, default 1e-4
        The tutorial's step ``alpha``, applied to the gradient *summed* over
        the minibatch (``CrossEntropy(reduction="sum")``).
    seed : int, numpy.random.Generator or None
        Seeds the initial weights and the per-epoch shuffling (the tutorial
        uses the unseeded global generator).
    dtype : {"float64", "float32"}, default "float64"

    Attributes
    ----------
    model : Sequential

    Notes
    -----
    With :math:`P = \\mathrm{softmax}(Z_2)` and one-hot targets :math:`T`, the
    tutorial's backward pass starts from :math:`Z_2 - T` summed over the
    batch, which is the gradient of the summed cross-entropy; the update is
    :math:`\\theta \\leftarrow \\theta - 10^{-4} \\sum_{i \\in B} \\nabla_\\theta \\ell_i`.
    Weights *and* biases start from :math:`\\mathcal N(0, 1)` (``init="normal"``),
    and the training set is reshuffled every epoch.

    Examples
    --------
    >>> from scratchnet.datasets import make_moons
    >>> X, y = make_moons(n_samples=400, noise=0.1, random_state=0)
    >>> net = MoonsNet(16, seed=0)
    >>> net.test(X[:300], y[:300], X[300:], y[300:], batch_size=10, epochs=20) > 0.8
    True
    """

    def __init__(self, n_hidden=64, n_features=2, n_classes=2, learning_rate=1e-4, seed=None,
                 dtype="float64"):
        self.n_hidden = check_scalar(n_hidden, "n_hidden", "MoonsNet", kind=int, low=1)
        self.n_features = check_scalar(n_features, "n_features", "MoonsNet", kind=int, low=1)
        self.n_classes = check_scalar(n_classes, "n_classes", "MoonsNet", kind=int, low=2)
        self.learning_rate = check_scalar(learning_rate, "learning_rate", "MoonsNet", low=0.0,
                                          closed="neither")
        self.model = Sequential(
            [Dense(self.n_hidden, activation="relu", init="normal"),
             Dense(self.n_classes, init="normal")],
            loss=CrossEntropy(reduction="sum"), optimizer=SGD(lr=self.learning_rate),
            seed=seed, dtype=dtype)
        self.model.build(self.n_features)

    def fit(self, X, y, batch_size=10, epochs=10):
        """Minibatch SGD, reshuffling every epoch; continues from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (any type; ``n_classes`` of them).
        batch_size : int, default 10
        epochs : int, default 10
            The tutorial's ``iter_num``.

        Returns
        -------
        self
        """
        self.model.fit(X, y, epochs=epochs, batch_size=batch_size)
        return self

    def predict(self, X):
        """Predicted labels, shape (n_samples,)."""
        return self.model.predict(X)

    def predict_proba(self, X):
        """Softmax probabilities, shape (n_samples, n_classes)."""
        return self.model.predict_proba(X)

    def score(self, X, y):
        """Accuracy (a fraction in [0, 1]) on ``(X, y)``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def test(self, train_data, train_label, test_data, test_label, batch_size=10, epochs=10):
        """Train on the first pair, then return the accuracy (fraction) on the second."""
        self.fit(train_data, train_label, batch_size=batch_size, epochs=epochs)
        return self.score(test_data, test_label)

    @property
    def history(self):
        """Training loss per epoch (the summed loss divided by the samples: a mean)."""
        return self.model.history

    def __repr__(self):
        return f"MoonsNet(n_hidden={self.n_hidden}, learning_rate={self.learning_rate})"


def _generators(seed, n):
    """``n`` independent generators from one seed (SeedSequence spawning)."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def repeated_accuracy(X_train, y_train, X_test, y_test, n_experiment=100, n_hidden=64,
                      batch_size=10, epochs=10, seed=0, dtype="float64"):
    """Test accuracy of ``n_experiment`` freshly initialized, independently trained networks.

    The tutorial's ``test(...)``: it prints the mean and standard deviation
    (the population one, ``ddof=0``) of the returned accuracies.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : array-like
    n_experiment : int, default 100
    n_hidden, batch_size, epochs : int
        64, 10, 10 as in the tutorial.
    seed : int or None, default 0
        One seed for the whole experiment; network ``k`` gets the ``k``-th
        child of ``np.random.SeedSequence(seed)``.

    Returns
    -------
    ndarray of shape (n_experiment,)
        Accuracies as fractions.
    """
    n_experiment = check_scalar(n_experiment, "n_experiment", "repeated_accuracy", kind=int,
                                low=1)
    accs = [MoonsNet(n_hidden, seed=rng, dtype=dtype).test(
                X_train, y_train, X_test, y_test, batch_size=batch_size, epochs=epochs)
            for rng in _generators(seed, n_experiment)]
    return np.array(accs)


def width_sweep(X_train, y_train, X_test, y_test, widths=range(3, 40), n_trial=3, batch_size=10,
                epochs=100, seed=0, dtype="float64", progress=None):
    """Mean and standard deviation of the test accuracy for each hidden width.

    The tutorial's ``test_class(3, 40, 3)``: widths 3 to 39, three networks
    each, 100 epochs of batch-10 SGD.

    Parameters
    ----------
    widths : iterable of int, default range(3, 40)
    n_trial : int, default 3
    batch_size, epochs : int
    seed : int or None, default 0
        Networks draw from children of ``np.random.SeedSequence(seed)``.
    progress : callable, optional
        Called as ``progress(width, accuracies)`` after each width.

    Returns
    -------
    widths : ndarray of int
    mean : ndarray of float
    std : ndarray of float
        Population standard deviation over the trials (0 for one trial).
    """
    widths = np.array([check_scalar(w, "widths", "width_sweep", kind=int, low=1)
                       for w in widths])
    n_trial = check_scalar(n_trial, "n_trial", "width_sweep", kind=int, low=1)
    rngs = iter(_generators(seed, len(widths) * n_trial))
    means, stds = [], []
    for width in widths:
        accs = np.array([MoonsNet(int(width), seed=next(rngs), dtype=dtype).test(
                             X_train, y_train, X_test, y_test, batch_size=batch_size,
                             epochs=epochs)
                         for _ in range(n_trial)])
        means.append(accs.mean())
        stds.append(accs.std())
        if progress is not None:
            progress(int(width), accs)
    return widths, np.array(means), np.array(stds)
