"""``Ensemble``: K independent networks trained in lockstep as one stacked computation."""

import copy
import sys
import time

import numpy as np

from .._targets import TargetEncoder
from .._validation import check_option, check_scalar, check_X
from ..callbacks import History
from ..errors import DataValidationError, TrainingDivergedError
from ..layers import Dense, Dropout
from ..progress import ProgressBar
from .members import MemberView, check_seeds, check_templates, lone_model, spawn_seeds
from .stacked import (ZERO_AT_ZERO, ParameterLayout, StackedActivation, StackedDense,
                      StackedDropout, fresh_copy, stacked_activation, stacked_loss_gradient,
                      stacked_loss_values)

__all__ = ["Ensemble"]

#: One gather of every member's shuffled data per epoch (then slices) below this
#: batch size, as Sequential does, as long as the copies take at most this many bytes.
_PER_EPOCH_GATHER_BELOW = 64
_GATHER_BUDGET = 256 << 20
#: Elements of the widest activation stack per inference chunk (bounds memory).
_PREDICT_ELEMENTS = 1 << 22


class Ensemble:
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
        turned into an int.

    Attributes
    ----------
    seeds : list
    histories : list of History
        One per member, over all ``fit`` calls.
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
        self.targets = TargetEncoder(self.loss.task)
        self.member_callbacks = None

    # -- construction ----------------------------------------------------------
    @property
    def built(self):
        return self.input_dim is not None

    def __len__(self):
        return self.n_models

    @property
    def classes_(self):
        if self.targets.classes_ is None:
            raise AttributeError("classes_ is known once a classifier has been fitted")
        return self.targets.classes_

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
        # widths[k][j]: member k's output width at layer j.
        widths = [_layer_widths(lone.layers, dim) for lone in lones]
        self.widths = widths
        padded = [max(w[j] for w in widths) for j in range(len(widths[0]))]
        # Each Dense layer is one array (K, n_in + 1, n_out): the weights, then
        # the bias as the last row, so that an input with a column of ones
        # gets its bias added by the matrix product itself.
        shapes, in_width = [], dim
        for j, layer in enumerate(lones[0].layers):
            if isinstance(layer, Dense):
                shapes.append((self.n_models, in_width + layer.use_bias, padded[j]))
            in_width = padded[j]
        self.layout = ParameterLayout(shapes, self.dtype)
        self.output_dim = padded[-1]
        if len({w[-1] for w in widths}) != 1:
            raise ValueError("the members' last layers differ in width: "
                             f"{sorted({w[-1] for w in widths})}")
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
            callbacks=None):
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
        epochs = check_scalar(epochs, "epochs", "fit", kind=int, low=0)
        batch_size = check_scalar(batch_size, "batch_size", "fit", kind=int, low=1, allow_none=True)
        verbose = check_option(verbose, "verbose", "fit", (0, 1, 2))
        X, Y = self._prepare(X, y, fit_targets=True)
        val = None
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise DataValidationError("validation_data must be a tuple (X_val, y_val)")
            val = self._prepare(*validation_data, name="X_val", y_name="y_val")
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
            start = time.perf_counter()
            n_batches = -(-len(X) // (batch_size or len(X)))
            bar = ProgressBar(n_batches, f"Epoch {first_epoch + epoch + 1}/{first_epoch + epochs}",
                              unit="batch", file=sys.stdout, enabled=verbose == 1)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logs = self._train_epoch(X, Y, batch_size, shuffle, bar, active, folded)
            if val is not None:
                for k, scores in enumerate(self._scores(*val)):
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

    def _prepare(self, X, y, fit_targets=False, name="X", y_name="y"):
        X = check_X(X, self.dtype, name, self.input_dim)
        y_arr = np.asarray(y)
        if y_arr.ndim == 0 or len(y_arr) != len(X):
            got = "a scalar" if y_arr.ndim == 0 else f"{len(y_arr)} values"
            raise DataValidationError(f"{name} has {len(X)} samples but {y_name} has {got}.")
        if fit_targets and not self.targets.fitted:
            encoder = TargetEncoder(self.loss.task).fit(y_arr)
            out_width = _layer_widths(self.member_model(0).layers, X.shape[1])[-1]
            if out_width != encoder.n_outputs:
                what = {"regression": "target columns", "binary": "output (a single logit)",
                        "multiclass": "classes"}[self.loss.task]
                raise DataValidationError(f"the last layer has {out_width} outputs, but the data "
                                          f"needs {encoder.n_outputs} {what}.")
            if not self.built:
                self.build(X.shape[1])
            self.targets = encoder
        elif not self.targets.fitted:
            raise RuntimeError("the ensemble is not fitted yet: call fit first")
        Y = self.targets.transform(y_arr, self.dtype)
        if Y.ndim == 1:  # class codes (a very large one-hot matrix): the engine needs one-hot
            Y = np.eye(len(self.targets.classes_), dtype=self.dtype)[Y]
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
        opt_snapshot = {key: a.copy() for key, a in self.optimizer.state_arrays().items()}
        iterations = self.optimizer.iterations
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

        values = self._member_losses(Zs, Ys)
        # A member stopped by its callbacks still computes, but is restored when fit ends.
        bad = [k for k in active if not np.isfinite(values[k])]
        if bad:
            self.layout.params[...] = snapshot
            for key, array in self.optimizer.state_arrays().items():
                array[...] = opt_snapshot.get(key, 0)
            self.optimizer.iterations = iterations
            lr = self.optimizer.current_lr()
            raise TrainingDivergedError(
                f"training diverged in epoch {max(h.epochs for h in self.histories) + 1}: the loss "
                f"of member(s) {bad[:10]} became {values[bad[0]]}. The learning rate is {lr:g}; "
                f"try a smaller one (e.g. {lr / 10:g}). Every member is back at the start of "
                "the epoch.")
        logs = [{"loss": float(v)} for v in values]
        if "accuracy" in self.metrics:
            for k, correct in enumerate(self._count_correct(Zs, Ys)):
                logs[k]["accuracy"] = correct / n
        return logs

    def _member_losses(self, Z, Y):
        """Each member's loss over all rows of Z (K, n, C), as its lone model reports it."""
        values = stacked_loss_values(self.loss, Z, Y)
        return values if self.loss.reduction == "mean" else values / Z.shape[1]

    def _count_correct(self, Z, Y):
        if self.loss.task == "binary":
            return np.count_nonzero((Z[..., 0] > 0) == (Y[..., 0] > 0.5), axis=-1)
        return np.count_nonzero(Z.argmax(axis=-1) == Y.argmax(axis=-1), axis=-1)

    # -- inference ----------------------------------------------------------------
    def _logits(self, X):
        """Every member's raw outputs for the rows of X: shape (K, n, outputs)."""
        widest = max(max(w) for w in self.widths)
        size = max(1, _PREDICT_ELEMENTS // (self.n_models * max(widest, X.shape[1])))
        out = np.empty((self.n_models, len(X), self.output_dim), self.dtype)
        for start in range(0, len(X), size):
            out[:, start:start + size] = self._forward(X[start:start + size], training=False)
        return out

    def _check_predict(self, X):
        if not self.built or (self.loss.task != "regression" and not self.targets.fitted):
            raise RuntimeError("this ensemble is not fitted yet: call fit(X, y) first")
        return check_X(X, self.dtype, "X", self.input_dim)

    def predict(self, X):
        """Each member's predictions: labels (classifiers) or values, shape (K, n_samples[, n_outputs])."""
        Z = self._logits(self._check_predict(X))
        task = self.loss.task
        if task == "multiclass":
            return self.targets.inverse(Z.argmax(axis=2))
        if task == "binary":
            return self.targets.inverse((Z[..., 0] > 0).astype(np.intp))
        one_dimensional = self.targets.one_dimensional if self.targets.fitted else Z.shape[2] == 1
        return Z[..., 0] if one_dimensional else Z

    def predict_proba(self, X):
        """Each member's class probabilities, shape (K, n_samples, n_classes)."""
        if self.loss.task == "regression":
            raise AttributeError("predict_proba is only available for classifiers")
        Z = self._logits(self._check_predict(X))
        if self.loss.task == "binary":
            P = self.loss.link(Z)
            return np.concatenate([1.0 - P, P], axis=2)
        Z -= Z.max(axis=2, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=2, keepdims=True)
        return Z

    def predict_mean(self, X):
        """The ensemble's answer by averaging: labels of the mean probabilities (soft vote),
        or the mean prediction for regression. Shape (n_samples[, n_outputs])."""
        if self.loss.task == "regression":
            return self.predict(X).mean(axis=0)
        return self.targets.inverse(self.predict_proba(X).mean(axis=0).argmax(axis=1))

    def predict_vote(self, X):
        """The ensemble's answer by majority vote of the members' labels (ties: first class).

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        if self.loss.task == "regression":
            raise AttributeError("predict_vote is only available for classifiers; "
                                 "use predict_mean for regression")
        Z = self._logits(self._check_predict(X))
        n_classes = len(self.targets.classes_)
        codes = (Z[..., 0] > 0).astype(np.intp) if self.loss.task == "binary" else Z.argmax(axis=2)
        counts = np.stack([np.count_nonzero(codes == c, axis=0) for c in range(n_classes)], axis=1)
        return self.targets.inverse(counts.argmax(axis=1))

    def evaluate(self, X, y):
        """Each member's loss and metrics on (X, y).

        Returns
        -------
        dict of str -> ndarray of shape (K,)
            ``loss`` and ``accuracy`` for classifiers, ``loss``, ``mse`` and ``r2``
            for regression, with the lone models' definitions.
        """
        self._check_predict(X)
        scores = self._scores(*self._prepare(X, y))
        return {key: np.array([s[key] for s in scores]) for key in scores[0]}

    def _scores(self, X, Y):
        Z = self._logits(X)
        losses = self._member_losses(Z, np.broadcast_to(Y, Z.shape))
        scores = [{"loss": float(v)} for v in losses]
        if self.loss.task == "regression":
            total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0, dtype=np.float64)
            for k in range(self.n_models):
                resid = ((Y - Z[k]) ** 2).sum(axis=0, dtype=np.float64)
                with np.errstate(divide="ignore", invalid="ignore"):
                    r2 = np.where(total > 0, 1.0 - resid / total, 0.0)
                scores[k].update(mse=float(resid.sum() / Y.size), r2=float(r2.mean()))
        else:
            for k, correct in enumerate(self._count_correct(Z, np.broadcast_to(Y, Z.shape))):
                scores[k]["accuracy"] = int(correct) / len(X)
        return scores

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
        weights = [w.copy() for w in self.member_weights(index)]
        if self.targets.fitted:
            # fit(epochs=0) fits the label mapping through the public API and trains nothing.
            model.fit(*self._label_rows(), epochs=0)
        model.history.update({k: list(v) for k, v in self.histories[index].items()})
        [flat], _ = model.parameter_buffers()
        state = {}
        for slot, arrays in self.member_optimizer_state(index).items():
            # set_weights writes through the layers' views into the flat buffer,
            # which lays the state out exactly as the lone optimizer holds it.
            model.set_weights(arrays)
            state[f"0/{slot}"] = flat.copy()
        model.set_weights(weights)
        model.optimizer.load_state(int(self.member_iterations[index]), state, [flat])
        model.rng.bit_generator.state = copy.deepcopy(self.rngs[index].bit_generator.state)
        return model

    def _label_rows(self):
        """A few rows whose labels fit the same target mapping as the training data."""
        t = self.targets
        if t.task == "regression":
            y = np.zeros(1 if t.one_dimensional else (1, t.n_outputs))
        else:
            y = t.classes_
        return np.zeros((len(y), self.input_dim), self.dtype), y

    def save(self, path):
        """Save the whole ensemble to one ``.npz`` file (atomically); ``sn.load`` reads it."""
        from .persistence import save_ensemble

        save_ensemble(self, path)

    def __repr__(self):
        return f"Ensemble({self.n_models} members, seeds={self.seeds[:3]}{'...' * (self.n_models > 3)})"


def _layer_widths(layers, input_dim):
    widths, dim = [], input_dim
    for layer in layers:
        dim = layer.output_dim(dim)
        widths.append(dim)
    return widths
