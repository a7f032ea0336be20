"""Keras 3, on its PyTorch or JAX backend.

Keras reads its backend from ``KERAS_BACKEND`` when it is first imported.
If that variable is unset, :func:`choose_backend` sets it to ``torch`` when
PyTorch is installed, else ``jax`` when JAX is (Keras's own default,
TensorFlow, is the heaviest of the three to install).
"""

import contextlib
import importlib.util
import os
import sys
import time
import warnings

import numpy as np

from . import loader
from .recipe import Trained

LABEL = "Keras"
MODULES = ("keras",)
_BACKENDS = ("torch", "jax")


def choose_backend():
    """Set ``KERAS_BACKEND`` (if unset and Keras is not imported yet); return the backend name."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if not os.environ.get("KERAS_BACKEND"):
        found = next((b for b in _BACKENDS if importlib.util.find_spec(b) is not None), None)
        if found is not None:
            os.environ["KERAS_BACKEND"] = found
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def missing():
    """The module that cannot be imported (keras, or its backend), or None."""
    choose_backend()
    return loader.first_missing(MODULES)


def install_command():
    present = any(importlib.util.find_spec(b) is not None for b in _BACKENDS)
    return "pip install keras" if present else "pip install keras torch"


def _keras():
    choose_backend()
    return loader.import_library("keras")


def version():
    keras = _keras()
    return f"{keras.__version__} ({keras.backend.backend()})"


@contextlib.contextmanager
def _quiet():
    # Keras's torch backend warns on every batch (np.array on a tensor without a
    # copy keyword): a DeprecationWarning about Keras itself, not about the run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def train(spec, X, y):
    keras = _keras()
    keras.utils.set_random_seed(spec.seed)
    binary = spec.n_classes == 2
    model = keras.Sequential(
        [keras.Input((X.shape[1],))]
        + [keras.layers.Dense(h, activation="relu") for h in spec.hidden]
        + [keras.layers.Dense(1 if binary else spec.n_classes)])
    loss = (keras.losses.BinaryCrossentropy(from_logits=True) if binary
            else keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=spec.lr, beta_1=0.9,
                                                  beta_2=0.999, epsilon=1e-8), loss=loss)
    target = y.astype(np.float32)[:, None] if binary else y.astype(np.int64)
    start = time.perf_counter()
    with _quiet():
        history = model.fit(X, target, epochs=spec.epochs, batch_size=spec.batch_size,
                            shuffle=True, verbose=0)
    seconds = time.perf_counter() - start

    def predict(X_new):
        with _quiet():
            out = np.asarray(model.predict(X_new, batch_size=4096, verbose=0))
        return (out[:, 0] > 0).astype(np.int64) if binary else out.argmax(axis=1)

    return Trained(seconds, len(history.history["loss"]), predict)
