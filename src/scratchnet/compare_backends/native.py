"""scratchnet itself."""

import time

from .recipe import Trained

LABEL = "scratchnet"


def missing():
    """scratchnet is always there."""
    return None


def install_command():
    return "pip install scratchnet"


def version():
    from .. import __version__

    return __version__


def train(spec, X, y):
    from ..layers import Dense
    from ..optimizers import Adam
    from ..sequential import Sequential

    binary = spec.n_classes == 2
    layers = [Dense(h, activation="relu") for h in spec.hidden]
    layers.append(Dense(1 if binary else spec.n_classes))
    model = Sequential(layers, loss="binary_cross_entropy" if binary else "cross_entropy",
                       optimizer=Adam(lr=spec.lr), seed=spec.seed, dtype="float32")
    start = time.perf_counter()
    model.fit(X, y, epochs=spec.epochs, batch_size=spec.batch_size, shuffle=True)
    seconds = time.perf_counter() - start
    return Trained(seconds, spec.epochs, model.predict)
