"""The training loop: epochs of minibatches, divergence rollback, callbacks.

:class:`TrainingLoop` drives a built model through its public seams
(``forward``, ``backward``, ``loss``, ``parameters``, ``optimizer``, ``rng``,
``task``, ``history``). ``Sequential.fit`` is one loop run; the command
line's checkpoints and the scikit-learn estimators run it epoch by epoch, and
every epoch boundary is a safe place to stop, save and resume.

One batch::

    X_b, Y_b = gather(order[start:stop])     # shuffled rows (or plain slices)
    out = model.forward(X_b, training=True)  # layer by layer, caching for backward
    value = loss.forward(out, Y_b, w_b)      # a float; non-finite -> rollback
    model.backward(loss.backward())          # layer by layer, setting the grads
    model.parameters.step(optimizer)         # one whole-buffer update
"""

import math
import sys
import time

import numpy as np

from .callbacks import History
from .errors import TrainingDivergedError
from .metrics import compute_metrics
from .progress import ProgressBar, format_logs

__all__ = ["TrainingLoop", "PER_EPOCH_GATHER_BELOW"]

#: Below this batch size, one gather of the shuffled data per epoch (then
#: slicing views) beats a gather per batch; above it, per-batch gathers stay
#: in cache and win.
PER_EPOCH_GATHER_BELOW = 64
#: Rows of the last batch on which the loss is measured again after the
#: epoch's last update (a non-finite value there rolls the epoch back).
CHECK_ROWS = 32


class TrainingLoop:
    """Train ``model`` on encoded data, epoch by epoch.

    Parameters
    ----------
    model : Sequential
        Built, with its task fitted.
    X : ndarray of shape (n, n_features)
        Validated, in the model's dtype.
    Y : ndarray
        Targets encoded by ``model.task``.
    batch_size : int or None
        None for full-batch gradient descent.
    shuffle : bool
        Reshuffle every epoch with ``model.rng``.
    sample_weight : ndarray of shape (n,), optional
    validation : tuple (X_val, Y_val), optional
        Encoded like ``X`` and ``Y``; scored after every epoch.
    callbacks : list of Callback
    verbose : {0, 1, 2}
        0 silent, 1 a progress bar per epoch, 2 one line per epoch.

    Notes
    -----
    Training metrics (``model.metrics``): each batch's outputs are copied
    into one buffer of shape (n, n_outputs), and every metric is computed
    once from it at the end of the epoch (see ``scratchnet.metrics``).
    Without metrics, nothing is copied.

    At the start of every epoch the loop keeps the parameters, the layers'
    state (running statistics), the optimizer's state and the generator's
    state. If the epoch diverges (a non-finite training loss, a non-finite
    validation loss, or parameters that stop being finite), is interrupted
    (``KeyboardInterrupt``) or fails with any other error, all of it is put
    back before the error propagates: the model is exactly as it was at the
    end of the last completed epoch, and a ``fit`` with a smaller rate starts
    from there.
    """

    def __init__(self, model, X, Y, batch_size=32, shuffle=True, sample_weight=None,
                 validation=None, callbacks=(), verbose=0):
        self.model = model
        self.X, self.Y = X, Y
        self.batch_size = len(X) if batch_size is None else min(batch_size, len(X))
        self.shuffle = shuffle and self.batch_size < len(X)
        self.sample_weight = sample_weight
        self.validation = validation
        self.callbacks = list(callbacks)
        self.verbose = verbose
        self.metrics = list(model.metrics)
        # Where the epoch's outputs are kept for the metrics (None: no copy at all).
        self.outputs = (np.empty((len(X), model.layer_output_dims()[-1]), model.dtype)
                        if self.metrics else None)

    def run(self, epochs):
        """Train ``epochs`` epochs (fewer if a callback stops); return this run's History."""
        model = self.model
        model.stop_training = False
        run_history = History()
        for cb in self.callbacks:
            cb.on_train_begin(model)
        first = model.history.epochs
        for epoch in range(epochs):
            for cb in self.callbacks:
                cb.on_epoch_begin(model, epoch)
            logs = self.run_epoch(f"Epoch {first + epoch + 1}/{first + epochs}")
            run_history.append(logs)
            for cb in self.callbacks:
                cb.on_epoch_end(model, epoch, logs)
            if model.stop_training:
                break
        for cb in self.callbacks:
            cb.on_train_end(model)
        return run_history

    def run_epoch(self, desc=None):
        """Train one epoch, score the validation data, append to ``model.history``; return the logs."""
        model = self.model
        start = time.perf_counter()
        n_batches = -(-len(self.X) // self.batch_size)
        bar = ProgressBar(n_batches, desc or f"Epoch {model.history.epochs + 1}", unit="batch",
                          file=sys.stdout, enabled=self.verbose == 1)
        checkpoint = (model.parameters.snapshot(), model.optimizer.get_state(),
                      model.rng.bit_generator.state,
                      [{k: v.copy() for k, v in layer.state.items()} for layer in model.layers])
        try:
            # A diverging run overflows; the finite checks report it clearly,
            # so NumPy's warnings would only add noise.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logs = self._batches(bar)
                if self.validation is not None:
                    logs.update({f"val_{k}": v for k, v in model.scores(*self.validation).items()})
            self._check_epoch(logs)
        except BaseException:
            # Whatever stops an epoch half-way (divergence, Ctrl-C, an error in
            # a layer) leaves the model as it was at the epoch's start.
            self._roll_back(checkpoint)
            bar.close()
            raise
        model.history.append(logs)
        bar.set_postfix(**logs)
        bar.close()
        if self.verbose == 2:
            print(f"Epoch {model.history.epochs}: {format_logs(logs)} "
                  f"({time.perf_counter() - start:.2f}s)")
        return logs

    def _batches(self, bar):
        model, X, Y, W = self.model, self.X, self.Y, self.sample_weight
        n, bs = len(X), self.batch_size
        per_epoch_gather = not self.shuffle or bs < PER_EPOCH_GATHER_BELOW
        if self.shuffle:
            order = model.rng.permutation(n)
            if per_epoch_gather:
                X, Y = X[order], Y[order]
                W = None if W is None else W[order]
        if not per_epoch_gather:
            xbuf = np.empty((bs,) + X.shape[1:], X.dtype)
            ybuf = np.empty((bs,) + Y.shape[1:], Y.dtype)
            wbuf = None if W is None else np.empty(bs, W.dtype)

        loss, optimizer, parameters = model.loss, model.optimizer, model.parameters
        forward, backward = model.forward, model.backward
        per_sample = loss.reduction == "mean"
        outputs = self.outputs
        live = bar.enabled
        loss_sum = 0.0
        wb = None
        for b, start in enumerate(range(0, n, bs)):
            stop = min(start + bs, n)
            if per_epoch_gather:
                xb, yb = X[start:stop], Y[start:stop]
                if W is not None:
                    wb = W[start:stop]
            else:
                idx = order[start:stop]
                xb = np.take(X, idx, axis=0, out=xbuf[:stop - start])
                yb = np.take(Y, idx, axis=0, out=ybuf[:stop - start])
                if W is not None:
                    wb = np.take(W, idx, out=wbuf[:stop - start])
            out = forward(xb, True)
            value = loss.forward(out, yb, wb)
            if not math.isfinite(value):
                raise self._diverged(f"the loss became {value} in batch {b + 1}")
            if outputs is not None:
                outputs[start:stop] = out
            backward(loss.backward())
            parameters.step(optimizer)
            loss_sum += value * (stop - start) if per_sample else value
            if live:
                bar.update(1, loss=loss_sum / stop)
        # Each batch's loss is measured before its update, so the epoch's last
        # update would otherwise go unchecked: parameters that overflow there
        # give NaN predictions, and the next epoch would diverge at its first
        # batch with nothing sane left to roll back to. A few of its rows show
        # an overflow as well as all of them, at a fraction of the cost.
        rows = slice(0, min(len(xb), CHECK_ROWS))
        after = loss.forward(forward(xb[rows], False), yb[rows], None if wb is None else wb[rows])
        if not math.isfinite(after):
            raise self._diverged(f"the loss became {after} after the epoch's last update")
        logs = {"loss": loss_sum / n}
        if outputs is not None:
            # The outputs are in batch order: the targets of the same rows.
            logs.update(compute_metrics(self.metrics, outputs, Y if per_epoch_gather else Y[order],
                                        model.task))
        return logs

    def _check_epoch(self, logs):
        if not self.model.parameters.all_finite():
            raise self._diverged("the parameters stopped being finite")
        # Only the losses tell divergence; a metric may be undefined (NaN).
        bad = [k for k in ("loss", "val_loss") if k in logs and not math.isfinite(logs[k])]
        if bad:
            raise self._diverged(f"{bad[0]} became {logs[bad[0]]}")

    def _diverged(self, what):
        model = self.model
        lr = model.optimizer.current_lr()
        return TrainingDivergedError(
            f"training diverged in epoch {model.history.epochs + 1}: {what}. The model is back "
            f"at its parameters and optimizer state from the start of that epoch. The learning "
            f"rate is {lr:g}; try a smaller one (e.g. {lr / 10:g})."
        )

    def _roll_back(self, checkpoint):
        params, optimizer_state, rng_state, layer_states = checkpoint
        model = self.model
        model.parameters.restore(params)
        for layer, saved in zip(model.layers, layer_states):
            for name, value in saved.items():
                layer.state[name][...] = value
        model.optimizer.set_state(optimizer_state, [model.parameters.values])
        model.rng.bit_generator.state = rng_state
