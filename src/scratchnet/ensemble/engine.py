"""``Ensemble``: K independent networks trained in lockstep as one stacked computation."""

import copy
import sys
import time

import numpy as np

from .._validation import check_option, check_scalar, check_X
from ..callbacks import History
from ..errors import DataValidationError, TrainingDivergedError
from ..layers import Dense, Dropout
from ..metrics import compute_metrics
from ..progress import ProgressBar
from .members import MemberView, check_seeds, check_templates, lone_model, spawn_seeds
from .predictions import EnsemblePredictions
from .stacked import (ZERO_AT_ZERO, ParameterLayout, StackedActivation, StackedDense,
                      StackedDropout, fresh_copy, stacked_activation, stacked_loss_gradient,
                      stacked_shapes)

__all__ = ["Ensemble"]

#: One gather of every member's shuffled data per epoch (then slices) below this
#: batch size, as Sequential does, as long as the copies take at most this many bytes.
_PER_EPOCH_GATHER_BELOW = 64
_GATHER_BUDGET = 256 << 20


class Ensemble(EnsemblePredictions):
    """K copies of a network trained at once, each exactly as it would train alone.

    Parameters
    ----------
    model : Sequential or list of Sequential
        The template: an unbuilt model (layers, loss, optimizer, dtype). A
        list gives one template per member; they may differ in their Dense
        widths only (a width sweep) and are padded to the widest.
    n_models : int, optional
        Number of members K (with a single template; defaults to ``len(seeds)``).
    seeds : list of int or numpy.random.SeedSequence, optional
        Member k is ``Sequential.from_config(template.get_config())`` with
        ``seed=seeds[k]`` (a SeedSequence seeds ``np.random.default_rng(seed)``).
        By default ``np.random.SeedSequence(template.seed).spawn(K)``, each
        turned into a 63-bit int (``scratchnet.ensemble.members.spawn_seeds``).

    Attributes
    ----------
    seeds : list
    histories : list of History
        One per member, over all ``fit`` calls.
    task : Task
        The task head shared by the members (``template.loss.task``), fitted
        on the first ``fit``.
    classes_ : ndarray
        The class labels (classifiers).

    Notes
    -----
    Parameters are stacked along a leading member axis: W of shape
    (K, n_in, n_out), so one ``np.matmul`` computes all K layers. Member k
    starts from the weights its lone model would draw, shuffles with its own
    generator (``rng.permutation(n)`` each epoch) and draws its dropout masks
    from it in the same order and shapes, so after training its weights equal
    the lone model's to floating-point round-off. Each member's loss is the
    mean over its own batch; the optimizer's element-wise update is applied
    to the stacked buffers, one call for all members (learning-rate schedules
    depend on the step count only, the same for every member).

    The engine has its own epoch loop (``Sequential`` delegates to
    ``scratchnet.training.TrainingLoop``): it draws each member's shuffling
    and dropout exactly as that loop does, and, like it, puts every member
    back at the start of an epoch whose training loss stops being finite.
    Layers with running statistics (``layer.state``), gradient clipping by
    the global norm and sample weights are not supported.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> template = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(2)],
    ...                          optimizer=sn.Adam(lr=0.01), seed=0)
    >>> ensemble = sn.Ensemble(template, n_models=5)
    >>> histories = ensemble.fit(X, y, epochs=30, batch_size=32)
    >>> ensemble.evaluate(X, y)["accuracy"].shape
    (5,)
    >>> lone = ensemble[2]                   # an ordinary Sequential: member 2
    >>> bool(np.all(lone.predict(X) == ensemble.predict(X)[2]))
    True
    """

    def __init__(self, model, n_models=None, seeds=None):
        templates = list(model) if isinstance(model, (list, tuple)) else [model]
        if not templates:
            raise ValueError("Ensemble needs at least one template model")
        if len(templates) > 1:
            if n_models is not None and n_models != len(templates):
                raise ValueError(f"Ensemble got {len(templates)} templates but n_models={n_models}")
            n_models = len(templates)
        elif n_models is None:
            if seeds is None:
                raise ValueError("Ensemble needs n_models (or seeds) with a single template")
            n_models = len(seeds)
        self.n_models = check_scalar(n_models, "n_models", "Ensemble", kind=int, low=1)
        if len(templates) == 1:
            templates = templates * self.n_models
        self.configs = check_templates(templates)
        if seeds is None:
            seeds = spawn_seeds(templates[0].seed, self.n_models)
        self.seeds = check_seeds(seeds, self.n_models)
        first = templates[0]
        self.loss = fresh_copy(first.loss)
        self.optimizer = fresh_copy(first.optimizer)
        self.dtype = first.dtype
        self.metrics = list(first.metrics)
        self.histories = [History() for _ in range(self.n_models)]
        self.member_iterations = np.zeros(self.n_models, np.int64)
        self.input_dim = None
        self.task = self.loss.task()
        self.member_callbacks = None

    # -- construction ----------------------------------------------------------
    @property
    def built(self):
        return self.input_dim is not None

    def __len__(self):
        return self.n_models

    @property
    def classes_(self):
        classes = getattr(self.task, "classes_", None)
        if classes is None:
            raise AttributeError("classes_ is known once a classifier has been fitted")
        return classes

    def member_model(self, index):
        """The unbuilt lone ``Sequential`` that member ``index`` is (its config and seed)."""
        return lone_model(self.configs[index], self.seeds[index])

    def build(self, input_dim):
        """Build every member for inputs of width ``input_dim`` and stack them.

        Each member's lone model is built with its own seed; its initial
        weights are copied into the stack and its generator, which has drawn
        them, becomes the member's generator for shuffling and dropout.
        """
        dim = check_scalar(input_dim, "input_dim", "Ensemble.build", kind=int, low=1)
        lones = [self.member_model(k) for k in range(self.n_models)]
        weights = []
        for lone in lones:
            lone.build(dim)
            weights.append(lone.get_weights())
        self.rngs = [lone.rng for lone in lones]
        for lone in lones:
            stateful = [type(layer).__name__ for layer in lone.layers if layer.state]
            if stateful:
                raise ValueError(f"Ensemble cannot stack layers with running statistics "
                                 f"(layer.state): {', '.join(stateful)}.")
        shapes, self.widths, padded = stacked_shapes(lones, dim)
        if len({w[-1] for w in self.widths}) != 1:
            raise ValueError("the members' last layers differ in width: "
                             f"{sorted({w[-1] for w in self.widths})}")
        self.layout = ParameterLayout(shapes, self.dtype)
        self.output_dim = padded[-1]
        self._member_slices = self._slices(lones[0].layers, dim, padded)
        for k in range(self.n_models):
            self.set_member_weights(k, weights[k])
        self.stages = self._stages(lones[0].layers, padded)
        first = next((i for i, s in enumerate(self.stages) if isinstance(s, StackedDense)),
                     len(self.stages))
        self._first_trainable = first
        for i, stage in enumerate(self.stages):
            stage.needs_input_grad = i > first
        self.input_dim = dim
        return self

    def _slices(self, layers, dim, padded):
        """Member k's weights as (array number, index): ``get_weights()`` order, unpadded."""
        slices = [[] for _ in range(self.n_models)]
        for k in range(self.n_models):
            in_width, in_padded, slot = dim, dim, 0
            for j, layer in enumerate(layers):
                out = self.widths[k][j]
                if isinstance(layer, Dense):
                    slices[k].append((slot, (k, slice(0, in_width), slice(0, out))))
                    if layer.use_bias:
                        slices[k].append((slot, (k, in_padded, slice(0, out))))
                    slot += 1
                in_width, in_padded = out, padded[j]
        return slices

    def _stages(self, layers, padded):
        arrays = self.layout.views(self.layout.params)
        grads = self.layout.views(self.layout.grads)
        stages, slot_iter = [], iter(range(len(arrays)))
        for j, layer in enumerate(layers):
            member_widths = [w[j] for w in self.widths]
            ragged = len(set(member_widths)) > 1
            mask = None
            if ragged:
                mask = np.zeros((self.n_models, 1, padded[j]), self.dtype)
                for k, width in enumerate(member_widths):
                    mask[k, 0, :width] = 1.0
            if isinstance(layer, Dense):
                s = next(slot_iter)
                act = layer.activation
                needs_mask = act is not None and not isinstance(act, ZERO_AT_ZERO)
                act = None if act is None else stacked_activation(act)
                stages.append(StackedDense(arrays[s], grads[s], layer.use_bias, act,
                                           mask if needs_mask else None))
            elif isinstance(layer, Dropout):
                stages.append(StackedDropout(layer.rate, self.rngs, member_widths))
            else:
                stages.append(StackedActivation(
                    stacked_activation(layer), None if isinstance(layer, ZERO_AT_ZERO) else mask))
        return stages

    # -- member weights -----------------------------------------------------------
    def _member_views(self, flat, index):
        arrays = self.layout.views(flat)
        return [arrays[slot][idx] for slot, idx in self._member_slices[index]]

    def member_weights(self, index):
        """Member ``index``'s parameters as views, shaped as its lone ``get_weights()``."""
        self._require_built()
        return self._member_views(self.layout.params, index)

    def set_member_weights(self, index, weights):
        """Set member ``index``'s parameters from a list shaped like its ``get_weights()``."""
        current = self._member_views(self.layout.params, index)
        weights = list(weights)
        if len(weights) != len(current):
            raise ValueError(f"member {index} has {len(current)} weight arrays; got {len(weights)}.")
        for i, (dst, src) in enumerate(zip(current, weights)):
            src = np.asarray(src)
            if src.shape != dst.shape:
                raise ValueError(f"weight {i} of member {index} has shape {src.shape}; "
                                 f"expected {dst.shape}.")
            if not np.isfinite(src).all():
                raise ValueError(f"weight {i} of member {index} contains NaN or infinite values.")
        for dst, src in zip(current, weights):
            dst[...] = src

    def member_optimizer_state(self, index):
        """Member ``index``'s optimizer state: ``{slot: [arrays shaped as its weights]}``."""
        self._require_built()
        return {key.split("/", 1)[1]: self._member_views(flat, index)
                for key, flat in self.optimizer.state_arrays().items()}

    def _require_built(self):
        if not self.built:
            raise RuntimeError("the ensemble is not built yet: call fit(X, y) or build(n_features)")

    # -- forward and backward ------------------------------------------------------
    def _forward(self, X, training):
        for stage in self.stages:
            X = stage.forward(X, training)
        return X

    def _backward(self, grad):
        for stage in reversed(self.stages[self._first_trainable:]):
            grad = stage.backward(grad)

    # -- training -----------------------------------------------------------------
    def fit(self, X, y, epochs=1, batch_size=32, validation_data=None, shuffle=True, verbose=0,
            callbacks=None, sample_weight=None, class_weight=None):
        """Train every member for ``epochs`` epochs, in lockstep; ``fit`` again continues.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        epochs : int, default 1
        batch_size : int or None, default 32
            ``None`` trains on the full batch.
        validation_data : tuple (X_val, y_val), optional
        shuffle : bool, default True
            Each member reshuffles with its own generator every epoch.
        verbose : {0, 1, 2}, default 0
            1: a progress bar per epoch; 2: one line per epoch (member means).
        callbacks : list of Callback, optional
            Copied for every member (``member_callbacks[k]``) and called with
            a view of that member; ``EarlyStopping`` stops each member on its
            own (a stopped member keeps the weights, optimizer state and
            generator state it had when it stopped).
        sample_weight, class_weight : None
            Not supported by the lockstep engine (a ValueError says so);
            train the members alone (``ensemble[k].fit``) to weigh samples.

        Returns
        -------
        list of History
            Each member's metrics for this call's epochs.

        Raises
        ------
        DataValidationError
            Malformed X or y (before any training).
        TrainingDivergedError
            A member's loss became NaN or infinite during an epoch; every
            member is put back to the start of that epoch.
        """
        if sample_weight is not None or class_weight is not None:
            raise ValueError("Ensemble.fit does not support sample_weight or class_weight; "
                             "train the members alone (ensemble[k].fit) to weigh samples.")
        epochs = check_scalar(epochs, "epochs", "fit", kind=int, low=0)
        batch_size = check_scalar(batch_size, "batch_size", "fit", kind=int, low=1, allow_none=True)
        verbose = check_option(verbose, "verbose", "fit", (0, 1, 2))
        X, Y = self.prepare(X, y, fit_targets=True)
        val = None
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise DataValidationError("validation_data must be a tuple (X_val, y_val)")
            val = self.prepare(*validation_data, name="X_val", y_name="y_val")
        if len(set(self.member_iterations.tolist())) > 1:
            raise RuntimeError(
                "the members stopped at different steps (early stopping), so they no longer "
                "share the optimizer's step count; continue each one alone with ensemble[k].fit.")

        views = [MemberView(self, k) for k in range(self.n_models)]
        member_callbacks = [[copy.deepcopy(cb) for cb in callbacks or []]
                            for _ in range(self.n_models)]
        self.member_callbacks = member_callbacks
        for view, cbs in zip(views, member_callbacks):
            for cb in cbs:
                cb.on_train_begin(view)
        folded = self._with_ones_column(X)
        active = list(range(self.n_models))
        frozen = {}
        runs = [History() for _ in range(self.n_models)]
        first_epoch = max(h.epochs for h in self.histories)
        for epoch in range(epochs):
            for k in active:
                for cb in member_callbacks[k]:
                    cb.on_epoch_begin(views[k], epoch)
            start = time.perf_counter()
            n_batches = -(-len(X) // (batch_size or len(X)))
            bar = ProgressBar(n_batches, f"Epoch {first_epoch + epoch + 1}/{first_epoch + epochs}",
                              unit="batch", file=sys.stdout, enabled=verbose == 1)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logs = self._train_epoch(X, Y, batch_size, shuffle, bar, active, folded)
            if val is not None:
                for k, scores in enumerate(self.member_scores(*val)):
                    logs[k].update({f"val_{key}": v for key, v in scores.items()})
            self.member_iterations[active] += n_batches
            for k in active:
                runs[k].append(logs[k])
                self.histories[k].append(logs[k])
            bar.close()
            if verbose == 2:
                means = {key: np.mean([logs[k][key] for k in active]) for key in logs[0]}
                text = " - ".join(f"{key}: {v:.4f}" for key, v in means.items())
                print(f"Epoch {first_epoch + epoch + 1}: {len(active)} members, mean {text} "
                      f"({time.perf_counter() - start:.2f}s)")
            for k in list(active):
                for cb in member_callbacks[k]:
                    cb.on_epoch_end(views[k], epoch, logs[k])
                if views[k].stop_training:
                    active.remove(k)
                    frozen[k] = self._freeze(k)
            if not active:
                break
        for k, state in frozen.items():
            self._thaw(k, state)
        for view, cbs in zip(views, member_callbacks):
            for cb in cbs:
                cb.on_train_end(view)
        return runs

    def _freeze(self, k):
        """What member ``k`` has when it stops: restored when ``fit`` returns."""
        return ([w.copy() for w in self.member_weights(k)],
                {slot: [a.copy() for a in arrays]
                 for slot, arrays in self.member_optimizer_state(k).items()},
                copy.deepcopy(self.rngs[k].bit_generator.state))

    def _thaw(self, k, state):
        weights, opt_state, rng_state = state
        self.set_member_weights(k, weights)
        for slot, arrays in self.member_optimizer_state(k).items():
            for dst, src in zip(arrays, opt_state.get(slot, [])):
                dst[...] = src
        self.rngs[k].bit_generator.state = rng_state

    def prepare(self, X, y, fit_targets=False, name="X", y_name="y"):
        """Validate ``X`` and encode ``y`` as ``Sequential.prepare`` does; the first fit builds.

        Returns
        -------
        (X, Y) : ndarrays in the members' dtype, ``Y`` of shape (n, outputs):
            one-hot rows, a 0/1 column or values (the stacked losses need 2-D
            targets, so class codes are expanded to one-hot rows).
        """
        X = check_X(X, self.dtype, name, self.input_dim)
        y_arr = np.asarray(y)
        if y_arr.ndim == 0 or len(y_arr) != len(X):
            got = "a scalar" if y_arr.ndim == 0 else f"{len(y_arr)} values"
            raise DataValidationError(f"{name} has {len(X)} samples but {y_name} has {got}.")
        if fit_targets and not self.task.fitted:
            task = type(self.task)().fit(y_arr)
            out_width = self.member_model(0).layer_output_dims(X.shape[1])[-1]
            if out_width != task.n_outputs:
                raise DataValidationError(f"the last layer has {out_width} outputs, but the data "
                                          f"needs {task.n_outputs} {task.outputs_are}.")
            if not self.built:
                self.build(X.shape[1])
            self.task = task
        elif not self.task.fitted:
            raise RuntimeError("the ensemble is not fitted yet: call fit first")
        Y = self.task.encode(y_arr, self.dtype, y_name)
        if Y.ndim == 1:  # class codes (a very large one-hot matrix): the engine needs one-hot
            Y = np.eye(len(self.task.classes_), dtype=self.dtype)[Y]
        return X, Y

    def _with_ones_column(self, X):
        """``[X, 1]`` when the first layer is a Dense with bias (see StackedDense), else None.

        Only for data small enough to gather per epoch: the copy is its size.
        """
        first = self.stages[0]
        if not (isinstance(first, StackedDense) and first.b is not None
                and self.n_models * X.nbytes <= _GATHER_BUDGET):
            return None
        return np.concatenate([X, np.ones((len(X), 1), X.dtype)], axis=1)

    def _train_epoch(self, X, Y, batch_size, shuffle, bar, active, folded=None):
        n, K = len(X), self.n_models
        bs = n if batch_size is None else min(batch_size, n)
        shuffled = shuffle and bs < n
        source = X if folded is None else folded
        if shuffled:
            orders = np.stack([rng.permutation(n) for rng in self.rngs])
            Ys = np.take(Y, orders, axis=0)
            per_epoch = (bs < _PER_EPOCH_GATHER_BELOW
                         and K * source.nbytes <= _GATHER_BUDGET)
            Xs = np.take(source, orders, axis=0) if per_epoch else None
        else:
            per_epoch = True
            Xs, Ys = source, np.broadcast_to(Y, (K,) + Y.shape)
        Zs = np.empty((K, n, self.output_dim), self.dtype)
        gbufs, xbufs = {}, {}

        snapshot = self.layout.params.copy()
        opt_snapshot = self.optimizer.get_state()
        params, grads = [self.layout.params], [self.layout.grads]
        forward, backward, optimizer, loss = self._forward, self._backward, self.optimizer, self.loss
        live = bar.enabled
        for start in range(0, n, bs):
            stop = min(start + bs, n)
            rows = stop - start
            if per_epoch:
                xb = Xs[..., start:stop, :]
            else:
                xbuf = xbufs.get(rows)
                if xbuf is None:
                    xbuf = xbufs[rows] = np.empty((K, rows, X.shape[1]), X.dtype)
                xb = np.take(X, orders[:, start:stop], axis=0, out=xbuf)
            yb = Ys[:, start:stop]
            out = forward(xb, True)
            Zs[:, start:stop] = out
            bufs = gbufs.get(rows)
            if bufs is None:
                bufs = gbufs[rows] = (np.empty(out.shape, self.dtype),
                                      np.empty(out.shape[:2] + (1,), self.dtype))
            backward(stacked_loss_gradient(loss, out, yb, *bufs))
            optimizer.step(params, grads)
            if live:
                bar.update(1)

        values = self.member_losses(Zs, Ys)
        # A member stopped by its callbacks still computes, but is restored when fit ends.
        bad = [k for k in active if not np.isfinite(values[k])]
        if bad:
            self.layout.params[...] = snapshot
            self.optimizer.set_state(opt_snapshot, params)
            lr = self.optimizer.current_lr()
            raise TrainingDivergedError(
                f"training diverged in epoch {max(h.epochs for h in self.histories) + 1}: the loss "
                f"of member(s) {bad[:10]} became {values[bad[0]]}. The learning rate is {lr:g}; "
                f"try a smaller one (e.g. {lr / 10:g}). Every member is back at the start of "
                "the epoch.")
        # Zs[k] holds member k's outputs in its own batch order, Ys[k] its targets in that order.
        return [{"loss": float(v), **compute_metrics(self.metrics, Zs[k], Ys[k], self.task)}
                for k, v in enumerate(values)]

    # -- members as lone models, persistence -----------------------------------------
    def __getitem__(self, index):
        """Member ``index`` as an ordinary ``Sequential``: its weights, labels, history,
        optimizer state and generator state, so it predicts, saves and keeps training
        exactly as if it had been trained alone."""
        if not isinstance(index, (int, np.integer)) or not -self.n_models <= index < self.n_models:
            raise IndexError(f"member index {index!r} out of range for {self.n_models} members")
        index = int(index) % self.n_models
        self._require_built()
        model = self.member_model(index)
        model.build(self.input_dim)
        if self.task.fitted:
            model.task.set_state(*self.task.get_state())
        model.history.update({k: list(v) for k, v in self.histories[index].items()})
        # The optimizer's state arrays have the parameters' layout: each slot
        # goes through set_weights into the member's own parameter store.
        state = {}
        for slot, arrays in self.member_optimizer_state(index).items():
            model.set_weights(arrays)
            state[f"0/{slot}"] = model.parameters.snapshot()
        model.set_weights(self.member_weights(index))
        model.optimizer.set_state((int(self.member_iterations[index]), state),
                                  [model.parameters.values])
        model.rng.bit_generator.state = copy.deepcopy(self.rngs[index].bit_generator.state)
        return model

    def save(self, path):
        """Save the whole ensemble to one ``.npz`` file (atomically); ``sn.load`` reads it."""
        from ..serialization import write_archive
        from .persistence import capture

        write_archive(path, *capture(self))

    def __repr__(self):
        return f"Ensemble({self.n_models} members, seeds={self.seeds[:3]}{'...' * (self.n_models > 3)})"

