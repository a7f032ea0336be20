"""Training history and callbacks (early stopping)."""

import numpy as np

from ._validation import check_option, check_scalar
from .registry import Registered, registry_for

__all__ = ["History", "Callback", "EarlyStopping", "CALLBACKS"]

CALLBACKS = registry_for("callback")


class History(dict):
    """Metric name -> list of per-epoch values, e.g. ``history["val_loss"][-1]``."""

    def append(self, logs):
        for key, value in logs.items():
            self.setdefault(key, []).append(float(value))

    @property
    def history(self):
        """The per-epoch dict itself, as Keras's ``History.history``."""
        return self

    @property
    def epochs(self):
        return len(next(iter(self.values()), []))


class Callback(Registered):
    """Base class: hooks called by ``Sequential.fit``. Set ``model.stop_training = True`` to stop.

    ``epoch`` is the 0-based index of the epoch within the current ``fit`` call.
    """

    registry = CALLBACKS

    def on_train_begin(self, model):
        pass

    def on_epoch_begin(self, model, epoch):
        pass

    def on_epoch_end(self, model, epoch, logs):
        pass

    def on_train_end(self, model):
        pass


class EarlyStopping(Callback):
    """Stop when a monitored metric has stopped improving (Keras's semantics).

    After each epoch the monitored value is compared with the best so far: it
    improves when it beats the best by more than ``min_delta``. After
    ``patience`` epochs in a row without improvement, training stops (with
    ``patience=3``, the third non-improving epoch is the last). When it stops
    and ``restore_best_weights`` is set, the weights of the best epoch are put
    back; a run that reaches its last epoch keeps its last weights, as in
    Keras.

    Parameters
    ----------
    monitor : str, default "val_loss"
        A key of the epoch logs (``"loss"``, ``"val_loss"``, ``"val_accuracy"`` ...).
    patience : int, default 5
        Epochs without improvement before stopping.
    min_delta : float, default 0
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better; "auto" means "max" for accuracy-like
        metrics and "min" otherwise.
    restore_best_weights : bool, default True
        When stopping early, put back the weights of the best epoch.

    Attributes
    ----------
    best : float
    best_epoch : int
        0-based index of the best epoch within this ``fit`` call.
    stopped_epoch : int or None
    """

    aliases = ("early_stopping",)

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto",
                 restore_best_weights=True):
        self.monitor = monitor
        self.patience = check_scalar(patience, "patience", "EarlyStopping", kind=int, low=0)
        self.min_delta = check_scalar(min_delta, "min_delta", "EarlyStopping", low=0.0)
        self.mode = check_option(mode, "mode", "EarlyStopping", ("auto", "min", "max"))
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, model):
        maximize = self.mode == "max" or (self.mode == "auto" and "acc" in self.monitor)
        self._sign = -1.0 if maximize else 1.0
        self.best = np.inf
        self.best_epoch = None
        self.stopped_epoch = None
        self._wait = 0
        self._best_weights = None

    def on_epoch_end(self, model, epoch, logs):
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, which this fit does not produce; "
                f"available: {sorted(logs)}. Pass validation data to monitor 'val_*' metrics."
            )
        score = self._sign * logs[self.monitor]
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self._wait = score, epoch, 0
            if self.restore_best_weights:
                self._best_weights = model.get_weights()
        else:
            self._wait += 1
            if self._wait >= self.patience:
                self.stopped_epoch = epoch
                model.stop_training = True
                if self.restore_best_weights and self._best_weights is not None:
                    model.set_weights(self._best_weights)

    def on_train_end(self, model):
        self.best = self._sign * self.best
