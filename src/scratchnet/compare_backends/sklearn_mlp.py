"""scikit-learn's ``MLPClassifier`` (solver "adam")."""

import time
import warnings

from . import loader
from .recipe import Trained

LABEL = "scikit-learn"
MODULES = ("sklearn", "sklearn.neural_network")


def missing():
    """The module that cannot be imported, or None."""
    return loader.first_missing(MODULES)


def install_command():
    return "pip install scikit-learn"


def version():
    return loader.import_library("sklearn").__version__


def train(spec, X, y):
    nn = loader.import_library("sklearn.neural_network")
    exceptions = loader.import_library("sklearn.exceptions")
    clf = nn.MLPClassifier(
        hidden_layer_sizes=spec.hidden, activation="relu", solver="adam", alpha=0.0,
        batch_size=spec.batch_size, learning_rate_init=spec.lr, max_iter=spec.epochs,
        shuffle=True, random_state=spec.seed, early_stopping=False,
        # It stops once the training loss has not improved by tol for
        # n_iter_no_change epochs; more than max_iter keeps it to max_iter.
        n_iter_no_change=spec.epochs + 1, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # max_iter reached "without convergence" is what a fixed budget means.
        warnings.simplefilter("ignore", exceptions.ConvergenceWarning)
        clf.fit(X, y)
    seconds = time.perf_counter() - start
    return Trained(seconds, int(clf.n_iter_), clf.predict)
