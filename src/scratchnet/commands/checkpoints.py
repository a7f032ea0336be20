"""Nothing lost: the state after each completed epoch, checkpoints, and early stopping.

:class:`EpochState` is a callback that, at the end of every epoch, keeps a
copy of everything training changes (weights, optimizer state and update
count, the model's random generator, the history, the early-stopping
record), writes it to a checkpoint file every N epochs, and can put the
model back to it. After Ctrl-C or a diverged epoch the model is restored
to the last completed epoch, so what is saved is never half an epoch.

A checkpoint is an ordinary model file (``model.save`` writes it
atomically) whose ``metadata["train"]`` carries the early-stopping record,
so that a run resumed from it ends bit-identical to one never interrupted.
"""

import base64
import copy

import numpy as np

from ..callbacks import Callback

__all__ = ["EpochState", "EarlyStoppingRecord"]


class EarlyStoppingRecord:
    """Early stopping on the validation loss, with a state that fits in JSON.

    Training stops once ``patience`` epochs in a row have not lowered the
    best validation loss; the weights of the best epoch are put back at the
    end. (``sn.EarlyStopping`` does the same in memory; this record also
    survives a checkpoint, best weights included, base64-encoded.)

    Parameters
    ----------
    patience : int
    """

    def __init__(self, patience):
        self.patience = int(patience)
        self.best = np.inf
        self.best_epoch = None
        self.wait = 0
        self.best_weights = None

    @property
    def stopped(self):
        return self.wait >= self.patience

    def update(self, model, epoch, val_loss):
        """Record epoch ``epoch`` (1-based, over all runs); True when training should stop."""
        if val_loss < self.best:
            self.best, self.best_epoch, self.wait = float(val_loss), int(epoch), 0
            self.best_weights = model.get_weights()
        else:
            self.wait += 1
        return self.stopped

    def copy(self):
        return copy.deepcopy(self)

    def to_json(self):
        weights = None
        if self.best_weights is not None:
            weights = [{"dtype": w.dtype.name, "shape": list(w.shape),
                        "base64": base64.b64encode(np.ascontiguousarray(w).tobytes()).decode()}
                       for w in self.best_weights]
        return {"patience": self.patience, "best": None if self.best_epoch is None else self.best,
                "best_epoch": self.best_epoch, "wait": self.wait, "best_weights": weights}

    @classmethod
    def from_json(cls, data):
        record = cls(data["patience"])
        if data["best_epoch"] is not None:
            record.best, record.best_epoch = float(data["best"]), int(data["best_epoch"])
        record.wait = int(data["wait"])
        if data["best_weights"] is not None:
            record.best_weights = [
                np.frombuffer(base64.b64decode(w["base64"]), dtype=w["dtype"]).reshape(w["shape"])
                .copy() for w in data["best_weights"]]
        return record


class EpochState(Callback):
    """Keep the state of the last completed epoch; checkpoint it every ``every`` epochs.

    Parameters
    ----------
    model : Sequential
        A built model (the state is taken at once, as the state before training).
    checkpoint_path : str or None
    every : int
        Checkpoint after every ``every``-th epoch (counted over all runs); 0 never.
    metadata : callable
        ``metadata(record_json) -> dict``: the model file's metadata for a checkpoint.
    early_stopping : EarlyStoppingRecord or None

    Attributes
    ----------
    epochs : int
        Completed epochs in the kept state.
    last_checkpoint : int or None
        Epoch count of the last checkpoint written.
    """

    def __init__(self, model, checkpoint_path=None, every=0, metadata=dict, early_stopping=None):
        self.checkpoint_path = checkpoint_path
        self.every = int(every)
        self.metadata = metadata
        self.early_stopping = early_stopping
        self.last_checkpoint = None
        self._keep(model)

    def _keep(self, model):
        # Built completely first, then bound in one assignment: a Ctrl-C in the
        # middle leaves the previous state whole.
        self._state = {
            "weights": model.get_weights(),
            "optimizer": {k: v.copy() for k, v in model.optimizer.state_arrays().items()},
            "iterations": model.optimizer.iterations,
            "rng": copy.deepcopy(model.rng.bit_generator.state),
            "history": {k: list(v) for k, v in model.history.items()},
            "early_stopping": None if self.early_stopping is None else self.early_stopping.copy(),
        }

    @property
    def epochs(self):
        return len(next(iter(self._state["history"].values()), []))

    def on_epoch_end(self, model, epoch, logs):
        stop = False
        if self.early_stopping is not None:
            stop = self.early_stopping.update(model, model.history.epochs, logs["val_loss"])
        self._keep(model)
        if self.every and self.checkpoint_path and model.history.epochs % self.every == 0:
            self.save(model)
        if stop:
            model.stop_training = True

    def on_train_end(self, model):
        record = self.early_stopping
        if record is not None and record.best_weights is not None:
            model.set_weights(record.best_weights)

    def restore(self, model):
        """Put the model back to the kept state (weights, optimizer, generator, history)."""
        state = self._state
        model.set_weights(state["weights"])
        arrays = {k: v.copy() for k, v in state["optimizer"].items()}
        # The optimizer keeps one state per parameter buffer it was handed;
        # these placeholders only tell load_state their shapes and dtypes.
        slots = sorted({int(k.split("/")[0]) for k in arrays})
        shapes = [next(v for k, v in arrays.items() if k.startswith(f"{i}/")) for i in slots]
        model.optimizer.load_state(state["iterations"], arrays, shapes)
        model.rng.bit_generator.state = copy.deepcopy(state["rng"])
        for key in list(model.history):
            if key in state["history"]:
                model.history[key] = list(state["history"][key])
            else:
                del model.history[key]
        if state["early_stopping"] is not None:
            self.early_stopping = state["early_stopping"].copy()

    def record_json(self):
        record = self._state["early_stopping"]
        return None if record is None else record.to_json()

    def save(self, model, path=None):
        """Write the (live) model as a checkpoint; it must be in the kept state."""
        path = path or self.checkpoint_path
        model.metadata = self.metadata(self.record_json())
        model.save(path)
        self.last_checkpoint = model.history.epochs
        return path
