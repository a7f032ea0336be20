"""Training history and callbacks: early stopping, checkpoints, learning rates, logs.

The callbacks that watch a metric share Keras's semantics:

- ``monitor`` is a key of the epoch's logs: ``"loss"``, a training metric
  (``"accuracy"``), or a validation one (``"val_loss"``, ``"val_f1"``),
  which needs validation data. A key that ``fit`` does not produce raises a
  ValueError listing those it does, at the end of the first epoch.
- ``mode`` says whether lower (``"min"``) or higher (``"max"``) is better;
  ``"auto"`` asks :func:`scratchnet.metrics.greater_is_better` (losses and
  errors are minimised; accuracy, AUC, precision, recall, F1 and R^2 maximised).
- A value improves on the best so far when it beats it by more than
  ``min_delta`` (``value < best - min_delta`` when minimising), and
  ``patience`` counts the epochs in a row without improvement.
"""

import csv
import inspect
import math
import os
import string

import numpy as np

from ._validation import check_option, check_scalar
from .metrics import greater_is_better
from .registry import Registered, registry_for
from .schedules import Schedule

__all__ = ["History", "Callback", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau",
           "LearningRateScheduler", "CSVLogger", "LambdaCallback", "CALLBACKS"]

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
    At the end of training, when ``restore_best_weights`` is set, the weights
    of the best epoch are put back, whether training stopped early or ran
    all its epochs, as Keras 3 does. (Keras's default is False; scratchnet's
    is True.)

    Parameters
    ----------
    monitor : str, default "val_loss"
        A key of the epoch logs (``"loss"``, ``"val_loss"``, ``"val_accuracy"`` ...).
    patience : int, default 5
        Epochs without improvement before stopping.
    min_delta : float, default 0
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better; "auto" decides from the name
        (see the module's docstring).
    restore_best_weights : bool, default True
        At the end of training, put back the weights of the best epoch.

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
        self._sign = _sign(self.monitor, self.mode)
        self.best = np.inf
        self.best_epoch = None
        self.stopped_epoch = None
        self._wait = 0
        self._best_weights = None

    def on_epoch_end(self, model, epoch, logs):
        score = self._sign * _monitored(self, logs)
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self._wait = score, epoch, 0
            if self.restore_best_weights:
                self._best_weights = model.get_weights()
        else:
            self._wait += 1
            if self._wait >= self.patience:
                self.stopped_epoch = epoch
                model.stop_training = True

    def on_train_end(self, model):
        self.best = self._sign * self.best
        if self.restore_best_weights and self._best_weights is not None:
            model.set_weights(self._best_weights)


def _sign(monitor, mode):
    """+1 when lower is better, -1 when higher is: scores are then always minimised."""
    maximize = mode == "max" or (mode == "auto" and greater_is_better(monitor))
    return -1.0 if maximize else 1.0


def _monitored(callback, logs):
    """The value of ``callback.monitor`` in ``logs``, or a ValueError naming the available keys."""
    if callback.monitor not in logs:
        raise ValueError(
            f"{type(callback).__name__} monitors {callback.monitor!r}, which this fit does not "
            f"produce; available: {sorted(logs)}. Pass validation data to monitor 'val_*' "
            "metrics, and list training metrics in Sequential(metrics=...)."
        )
    return logs[callback.monitor]


def _float_lr(callback, model):
    """The optimizer's learning rate, refusing a schedule (which the callback would fight)."""
    lr = model.optimizer.lr
    if isinstance(lr, Schedule):
        raise ValueError(
            f"{type(callback).__name__} sets the optimizer's learning rate, but its lr is the "
            f"schedule {lr!r}, which sets it at every update. Give the optimizer a float lr, "
            "or use the schedule alone."
        )
    return lr


class ModelCheckpoint(Callback):
    """Save the model after every epoch, or only when the monitored metric improves.

    Each save goes through :meth:`Sequential.save`: atomic (the file appears
    whole or not at all; an earlier file at the same path is kept if the
    write fails) and complete (history, optimizer state and generator
    state included), so training resumes from a checkpoint exactly.

    Parameters
    ----------
    path : str or os.PathLike
        Where to save. It may hold format fields like Keras's:
        ``"ckpt-{epoch:03d}-{val_loss:.3f}.npz"``; ``epoch`` is the model's
        epoch count (1 for the first epoch it trained; Keras's ``epoch + 1``)
        and the other names are keys of the epoch's logs.
    monitor : str, default "val_loss"
        The metric that decides improvement (with ``save_best_only``).
    save_best_only : bool, default False
        Save only when ``monitor`` improves on the best value seen in this
        ``fit`` (the first epoch always saves); otherwise save every epoch.
    mode : {"auto", "min", "max"}, default "auto"
        See the module's docstring.
    verbose : {0, 1}, default 0
        1 prints a line per save.

    Attributes
    ----------
    best : float
        Best monitored value of this ``fit`` (with ``save_best_only``).
    last_saved : str or None
        Path of the latest file written.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn, tempfile, os
    >>> X = np.random.default_rng(0).normal(size=(60, 2)); y = X[:, 0] > 0
    >>> folder = tempfile.mkdtemp()
    >>> ckpt = sn.ModelCheckpoint(os.path.join(folder, "best.npz"), save_best_only=True)
    >>> model = sn.Sequential([sn.Dense(2)], seed=0)
    >>> _ = model.fit(X, y, epochs=3, validation_split=0.25, callbacks=[ckpt])
    >>> sn.load(ckpt.last_saved).evaluate(X, y)["loss"] >= 0
    True
    """

    aliases = ("model_checkpoint",)

    def __init__(self, path, monitor="val_loss", save_best_only=False, mode="auto", verbose=0):
        self.path = os.fspath(path)
        try:
            fields = [field for _, field, _, _ in string.Formatter().parse(self.path)
                      if field is not None]
        except ValueError as exc:
            raise ValueError(f"ModelCheckpoint's path {self.path!r} is not a valid format "
                             f"string: {exc}") from None
        if any(not field or field.isdigit() for field in fields):
            raise ValueError(f"ModelCheckpoint's path {self.path!r} has a positional field "
                             "'{}'; name it, e.g. '{epoch}' or '{val_loss:.3f}'.")
        self.monitor = monitor
        self.save_best_only = bool(save_best_only)
        self.mode = check_option(mode, "mode", "ModelCheckpoint", ("auto", "min", "max"))
        self.verbose = check_option(verbose, "verbose", "ModelCheckpoint", (0, 1))

    def on_train_begin(self, model):
        self._sign = _sign(self.monitor, self.mode)
        self._best = math.inf
        self.best = None
        self.last_saved = None

    def on_epoch_end(self, model, epoch, logs):
        fields = {"epoch": model.history.epochs, **logs}
        try:
            target = self.path.format(**fields)
        except KeyError as exc:
            raise ValueError(f"ModelCheckpoint's path {self.path!r} names the field "
                             f"{exc.args[0]!r}, which this fit does not produce; available: "
                             f"{sorted(fields)}.") from None
        if self.save_best_only:
            score = self._sign * _monitored(self, logs)
            if not score < self._best:
                return
            self._best, self.best = score, logs[self.monitor]
        model.save(target)
        self.last_saved = target
        if self.verbose:
            print(f"Epoch {model.history.epochs}: saved the model to {target}")


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when the monitored metric stops improving.

    Keras's rule, epoch by epoch: after ``patience`` epochs in a row without
    improvement the rate becomes ``max(lr * factor, min_lr)`` (unless it is
    already at ``min_lr``) and the count restarts; then the ``cooldown``
    epochs that follow are not counted (an improvement still resets the
    best). So with ``patience=2, cooldown=1`` and no improvement after the
    first epoch, the rate drops after epochs 3, 6, 9 (1-based); with
    ``cooldown=0`` after epochs 3, 5, 7. (Keras's own code counts one
    cooldown epoch fewer, making ``cooldown=1`` no cooldown at all.) The
    rate is ``model.optimizer.lr``, which the optimizer reads at every
    update; a schedule as ``lr`` is refused.

    Parameters
    ----------
    monitor : str, default "val_loss"
    factor : float in (0, 1), default 0.1
    patience : int, default 10
        Non-improving epochs before a reduction (0: reduce after every one).
    min_delta : float, default 1e-4
        Smallest change that counts as an improvement.
    cooldown : int, default 0
        Epochs after a reduction during which no count is kept.
    min_lr : float, default 0
        Lower bound of the rate.
    mode : {"auto", "min", "max"}, default "auto"
        See the module's docstring.
    verbose : {0, 1}, default 0
        1 prints a line per reduction.

    Attributes
    ----------
    best : float
        Best monitored value of this ``fit``.
    wait : int
        Epochs without improvement so far.
    cooldown_counter : int
        Cooldown epochs left.
    """

    aliases = ("reduce_lr_on_plateau",)

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, cooldown=0,
                 min_lr=0.0, mode="auto", verbose=0):
        name = "ReduceLROnPlateau"
        self.monitor = monitor
        self.factor = check_scalar(factor, "factor", name, low=0.0, high=1.0, closed="neither")
        self.patience = check_scalar(patience, "patience", name, kind=int, low=0)
        self.min_delta = check_scalar(min_delta, "min_delta", name, low=0.0)
        self.cooldown = check_scalar(cooldown, "cooldown", name, kind=int, low=0)
        self.min_lr = check_scalar(min_lr, "min_lr", name, low=0.0)
        self.mode = check_option(mode, "mode", name, ("auto", "min", "max"))
        self.verbose = check_option(verbose, "verbose", name, (0, 1))

    def on_train_begin(self, model):
        _float_lr(self, model)
        self._sign = _sign(self.monitor, self.mode)
        self._best = math.inf
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_epoch_end(self, model, epoch, logs):
        value = _monitored(self, logs)
        score = self._sign * value
        improved = score < self._best - self.min_delta
        if improved:
            self._best, self.best, self.wait = score, value, 0
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1  # an epoch of the cooldown: not counted
        elif not improved:
            self.wait += 1
            lr = _float_lr(self, model)
            if self.wait >= self.patience and lr > self.min_lr:
                model.optimizer.lr = max(lr * self.factor, self.min_lr)
                self.cooldown_counter = self.cooldown
                self.wait = 0
                if self.verbose:
                    print(f"Epoch {model.history.epochs}: {self.monitor} has not improved for "
                          f"{self.patience} epochs; learning rate {lr:g} -> "
                          f"{model.optimizer.lr:g}")


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch: ``lr = schedule(epoch, lr)``.

    Keras's signature: ``schedule`` receives the epoch's index in this
    ``fit`` call (0 for the first) and the current ``model.optimizer.lr``,
    and returns the rate for that epoch, which every update of the epoch
    uses. For a rate that changes at every update, give the optimizer a
    ``Schedule`` as ``lr`` instead; this callback refuses one.

    Parameters
    ----------
    schedule : callable ``(epoch: int, lr: float) -> float``
        Must return a positive finite number.
    verbose : {0, 1}, default 0
        1 prints the rate at the start of every epoch.

    Notes
    -----
    ``schedule`` is a function, so this callback's config is not JSON and
    it is not meant for model files (callbacks are never saved with a
    model).

    Examples
    --------
    >>> import scratchnet as sn
    >>> halve = sn.LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr / 2)
    """

    aliases = ("learning_rate_scheduler",)

    def __init__(self, schedule, verbose=0):
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler takes a function (epoch, lr) -> lr; got "
                            f"{schedule!r}")
        self.schedule = schedule
        self.verbose = check_option(verbose, "verbose", "LearningRateScheduler", (0, 1))

    def on_train_begin(self, model):
        _float_lr(self, model)

    def on_epoch_begin(self, model, epoch):
        lr = self.schedule(epoch, _float_lr(self, model))
        try:
            lr = check_scalar(lr, "lr", "LearningRateScheduler's schedule", low=0.0,
                              closed="neither")
        except ValueError as exc:
            raise ValueError(f"{exc} (returned for epoch {epoch})") from None
        if math.isinf(lr):
            raise ValueError(f"LearningRateScheduler's schedule returned {lr} for epoch {epoch}")
        model.optimizer.lr = lr
        if self.verbose:
            print(f"Epoch {model.history.epochs + 1}: learning rate {lr:g}")


class CSVLogger(Callback):
    """Write the logs of every epoch as a row of a CSV file, flushed as each epoch ends.

    The first column is ``epoch`` (the epoch's 0-based index in the model's
    history, as Keras writes it); the others are the keys of the first
    epoch's logs, in their order (``loss``, the training metrics, then the
    ``val_*`` ones). Values are written with full precision (``repr``).

    Parameters
    ----------
    path : str or os.PathLike
    separator : str, default ","
        One character.
    append : bool, default False
        Add to an existing file (writing the header only if it is empty)
        instead of replacing it. Its header must then match this fit's.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn, tempfile, os
    >>> X = np.random.default_rng(0).normal(size=(40, 2)); y = X[:, 0] > 0
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = sn.Sequential([sn.Dense(2)], seed=0).fit(X, y, epochs=2, callbacks=[sn.CSVLogger(path)])
    >>> open(path).read().splitlines()[0]
    'epoch,loss'
    """

    aliases = ("csv_logger",)

    def __init__(self, path, separator=",", append=False):
        self.path = os.fspath(path)
        if not (isinstance(separator, str) and len(separator) == 1):
            raise ValueError(f"The 'separator' parameter of CSVLogger must be one character. "
                             f"Got {separator!r} instead.")
        self.separator = separator
        self.append = bool(append)

    def on_train_begin(self, model):
        self._existing_header = None
        if self.append and os.path.exists(self.path):
            with open(self.path, newline="") as f:
                self._existing_header = next(csv.reader(f, delimiter=self.separator), None)
        self._file = open(self.path, "a" if self.append else "w", newline="")
        self._writer = None

    def on_epoch_end(self, model, epoch, logs):
        if self._writer is None:
            fields = ["epoch", *logs]
            if self._existing_header is not None and self._existing_header != fields:
                raise ValueError(f"CSVLogger cannot append to {self.path}: its columns are "
                                 f"{self._existing_header}, this fit logs {fields}.")
            self._writer = csv.DictWriter(self._file, fields, delimiter=self.separator)
            if self._existing_header is None:
                self._writer.writeheader()
        self._writer.writerow({"epoch": model.history.epochs - 1,
                               **{k: repr(float(v)) for k, v in logs.items()}})
        self._file.flush()

    def on_train_end(self, model):
        self._file.close()


class LambdaCallback(Callback):
    """A callback from plain functions, one per hook (each optional).

    Each function is called with the arguments of the hook it stands for:
    ``on_train_begin(model)``, ``on_epoch_begin(model, epoch)``,
    ``on_epoch_end(model, epoch, logs)``, ``on_train_end(model)``; unlike
    Keras's, the model comes first (a Keras ``lambda epoch, logs: ...`` is
    refused with a message saying so).

    Notes
    -----
    It holds functions, so its config is not JSON and it is not meant for
    files.

    Examples
    --------
    >>> import scratchnet as sn
    >>> losses = []
    >>> record = sn.LambdaCallback(
    ...     on_epoch_end=lambda model, epoch, logs: losses.append(logs["loss"]))
    """

    aliases = ("lambda_callback",)
    _HOOKS = {"on_epoch_begin": "model, epoch", "on_epoch_end": "model, epoch, logs",
              "on_train_begin": "model", "on_train_end": "model"}

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None):
        given = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end}
        for hook, fn in given.items():
            if fn is None:
                continue  # the base class's method, which does nothing, stays
            _check_hook(hook, fn, self._HOOKS[hook])
            setattr(self, hook, fn)  # the function replaces the hook, as in Keras

    def get_config(self):
        return {hook: self.__dict__.get(hook) for hook in self.config_parameters()}

    def __repr__(self):
        given = [hook for hook in self.config_parameters() if hook in self.__dict__]
        return f"LambdaCallback({', '.join(given)})"


def _check_hook(hook, fn, arguments):
    if not callable(fn):
        raise TypeError(f"LambdaCallback's {hook} must be a function; got {fn!r}")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have none; let the call decide
        return
    try:
        signature.bind(*arguments.split(", "))
    except TypeError:
        raise TypeError(f"LambdaCallback calls {hook}({arguments}); {fn!r} does not take these "
                        "arguments (Keras's hooks have no model argument; scratchnet's have it "
                        "first).") from None
