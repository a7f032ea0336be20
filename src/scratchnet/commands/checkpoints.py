"""Nothing lost: checkpoints every N epochs, and early stopping that survives them.

:class:`EpochState` is a callback that writes a checkpoint file every N
epochs. After Ctrl-C or a diverged epoch the training loop has already put
the model back to the last completed epoch, so what is saved is never half
an epoch.

A checkpoint is an ordinary model file (``model.save`` writes it
atomically) whose ``metadata["train"]`` carries the early-stopping record,
so that a run resumed from it ends bit-identical to one never interrupted.
"""

import base64

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
    """Checkpoint every ``every`` epochs, and keep the early-stopping record.

    The training loop itself puts the model back to the last completed epoch
    when an epoch diverges or is interrupted (Ctrl-C), so what this callback
    saves is never half an epoch.

    Parameters
    ----------
    checkpoint_path : str or None
    every : int
        Checkpoint after every ``every``-th epoch (counted over all runs); 0 never.
    metadata : callable
        ``metadata(record_json) -> dict``: the model file's metadata for a checkpoint.
    early_stopping : EarlyStoppingRecord or None

    Attributes
    ----------
    last_checkpoint : int or None
        Epoch count of the last checkpoint written.
    """

    def __init__(self, checkpoint_path=None, every=0, metadata=dict, early_stopping=None):
        self.checkpoint_path = checkpoint_path
        self.every = int(every)
        self.metadata = metadata
        self.early_stopping = early_stopping
        self.last_checkpoint = None

    def on_epoch_end(self, model, epoch, logs):
        stop = False
        if self.early_stopping is not None:
            stop = self.early_stopping.update(model, model.history.epochs, logs["val_loss"])
        if self.every and self.checkpoint_path and model.history.epochs % self.every == 0:
            self.save(model)
        if stop:
            model.stop_training = True

    def on_train_end(self, model):
        record = self.early_stopping
        if record is not None and record.best_weights is not None:
            model.set_weights(record.best_weights)

    def record_json(self):
        return None if self.early_stopping is None else self.early_stopping.to_json()

    def save(self, model, path=None):
        """Write the model as a checkpoint, with the early-stopping record in its metadata."""
        path = path or self.checkpoint_path
        model.metadata = self.metadata(self.record_json())
        model.save(path)
        self.last_checkpoint = model.history.epochs
        return path
