"""The ``Sequential`` model: a stack of layers, a loss, an optimizer, and ``fit``."""

import math
import sys
import time

import numpy as np

from ._targets import TargetEncoder
from ._validation import check_option, check_scalar, check_X
from .callbacks import History
from .errors import DataValidationError, TrainingDivergedError
from .layers import Dense, Layer, Sigmoid, Softmax, get_layer_class
from .losses import get_loss
from .optimizers import get_optimizer
from .progress import ProgressBar

__all__ = ["Sequential"]

#: Below this batch size, one gather of the shuffled data per epoch (then
#: slicing views) beats a gather per batch; above it, per-batch gathers stay
#: in cache and win.
_PER_EPOCH_GATHER_BELOW = 64
#: Rows per chunk in predict/evaluate: bounds the work buffers' memory.
_PREDICT_CHUNK = 8192
_METRICS = ("accuracy",)


class Sequential:
    """A feed-forward network: layers applied one after the other.

    Parameters
    ----------
    layers : list of Layer
        E.g. ``[sn.Dense(64), sn.ReLU(), sn.Dense(10)]``. The input width of the
        first layer is inferred from the data on the first ``fit``.
    loss : str or Loss, default "cross_entropy"
        ``"cross_entropy"`` (multi-class, from logits), ``"binary_cross_entropy"``
        (one output unit, from logits), ``"mse"`` (regression) or a Loss
        instance. The loss decides the task: classifiers predict labels.
    optimizer : str or Optimizer, default "adam"
        ``"adam"``, ``"sgd"``, ``"rmsprop"`` (default settings) or an instance.
    seed : int, numpy.random.Generator or None
        Seeds the model's own generator, used for the initial weights, the
        shuffling and dropout. The same seed gives bit-identical results.
    dtype : {"float32", "float64"}, default "float32"
    metrics : list of str, optional
        Extra training metrics for the history (``["accuracy"]``). Validation
        accuracy is always recorded for classifiers.

    Attributes
    ----------
    classes_ : ndarray
        The class labels (classifiers), in the user's own label type.
    history : History
        Every metric per epoch, over all ``fit`` calls.
    input_dim : int or None
        Number of input features once built.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> y = np.where(X[:, 0] * X[:, 1] > 0, "same", "diff")
    >>> model = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(2)], seed=0,
    ...                       optimizer=sn.Adam(lr=0.01))
    >>> _ = model.fit(X, y, epochs=50, batch_size=32)
    >>> model.evaluate(X, y)["accuracy"] > 0.9
    True
    """

    def __init__(self, layers=None, loss="cross_entropy", optimizer="adam", seed=None,
                 dtype="float32", metrics=None):
        self.layers = []
        for layer in layers or []:
            self.add(layer)
        self.loss = get_loss(loss)
        self.optimizer = get_optimizer(optimizer)
        self.dtype = np.dtype(check_option(np.dtype(dtype).name, "dtype", "Sequential",
                                           ("float32", "float64")))
        if seed is not None and not isinstance(seed, np.random.Generator):
            seed = check_scalar(seed, "seed", "Sequential", kind=int, low=0)
        self.seed = seed
        self.metrics = [check_option(m, "metrics", "Sequential", _METRICS) for m in metrics or []]
        self._rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._targets = TargetEncoder(self.loss.task)
        self.history = History()
        self.input_dim = None
        self.stop_training = False

    # -- construction ------------------------------------------------------
    def add(self, layer):
        """Append a layer (before the model is built)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential takes Layer instances; got {layer!r}")
        if getattr(self, "input_dim", None) is not None:
            raise RuntimeError("cannot add layers to a model that is already built")
        self.layers.append(layer)

    @property
    def built(self):
        return self.input_dim is not None

    @property
    def classes_(self):
        if self._targets.classes_ is None:
            raise AttributeError("classes_ is known once a classifier has been fitted")
        return self._targets.classes_

    @property
    def rng(self):
        """The model's random generator: initial weights, then shuffling and dropout."""
        return self._rng

    def parameter_buffers(self):
        """The flat buffers the optimizer updates: ``([params], [grads])``.

        Every layer's ``params`` and ``grads`` are views into these two arrays,
        so optimizer state saved for them (``optimizer.state_arrays()``) has
        their shapes.
        """
        self._require_built()
        return [self._params], [self._grads]

    def build(self, input_dim):
        """Create all parameters for inputs of width ``input_dim``.

        All parameters live in one flat array and all gradients in another;
        each layer's ``params``/``grads`` are views into them, so the optimizer
        updates everything with a few whole-buffer operations.
        """
        if not self.layers:
            raise ValueError("the model has no layers")
        self._check_output_activation()
        dim = check_scalar(input_dim, "input_dim", "Sequential.build", kind=int, low=1)
        for i, layer in enumerate(self.layers):
            nxt = self.layers[i + 1] if i + 1 < len(self.layers) else None
            dim = layer.build(dim, self._rng, self.dtype, next_layer=nxt)
        self.output_dim = dim
        self._pack_parameters()
        # No layer before the first one with parameters needs an input gradient.
        self._first_trainable = next((i for i, l in enumerate(self.layers) if l.params),
                                     len(self.layers))
        for i, layer in enumerate(self.layers):
            layer.needs_input_grad = i > self._first_trainable
        self.input_dim = int(input_dim)
        return self

    def _pack_parameters(self):
        entries = [(layer, name) for layer in self.layers for name in layer.params]
        # Each array starts on a 64-byte boundary (BLAS is fastest on aligned
        # data); the zero padding between them stays zero through every update.
        align = max(1, 64 // self.dtype.itemsize)
        offsets, total = [], 0
        for layer, name in entries:
            offsets.append(total)
            total += -(-layer.params[name].size // align) * align
        self._params = np.zeros(total, dtype=self.dtype)
        self._grads = np.zeros(total, dtype=self.dtype)
        for (layer, name), offset in zip(entries, offsets):
            value = layer.params[name]
            view = self._params[offset:offset + value.size].reshape(value.shape)
            view[...] = value
            layer.params[name] = view
            layer.grads[name] = self._grads[offset:offset + value.size].reshape(value.shape)

    def _check_output_activation(self):
        last = self.layers[-1]
        act = last.activation if isinstance(last, Dense) else last
        fused = {"multiclass": (Softmax, "softmax", "CrossEntropy"),
                 "binary": (Sigmoid, "sigmoid", "BinaryCrossEntropy")}.get(self.loss.task)
        if fused and isinstance(act, fused[0]):
            raise ValueError(
                f"the last layer applies {fused[1]}, but {fused[2]} expects raw scores (logits) "
                f"and applies the {fused[1]} itself, stably. Remove the final {fused[1]}; "
                "predict_proba returns probabilities."
            )

    # -- forward and backward ---------------------------------------------
    def _forward(self, X, training):
        for layer in self.layers:
            X = layer.forward(X, training)
        return X

    def _backward(self, grad):
        for layer in reversed(self.layers[self._first_trainable:]):
            grad = layer.backward(grad)

    # -- training ------------------------------------------------------------
    def fit(self, X, y, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            shuffle=True, verbose=0, callbacks=None):
        """Train the model; calling ``fit`` again continues where it stopped.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels of any type for classifiers (or one-hot rows with
            CrossEntropy), numbers for regression.
        epochs : int, default 1
        batch_size : int or None, default 32
            ``None`` trains on the full batch (gradient descent); ``1`` is
            per-sample stochastic gradient descent.
        validation_data : tuple (X_val, y_val), optional
        validation_split : float in [0, 1), default 0
            Fraction of the data, taken from the end, held out for validation
            (ignored when ``validation_data`` is given).
        shuffle : bool, default True
            Reshuffle the training data every epoch, with the model's generator.
        verbose : {0, 1, 2}, default 0
            0 silent, 1 a progress bar per epoch, 2 one line per epoch.
        callbacks : list of Callback, optional
            E.g. ``[sn.EarlyStopping(patience=5)]``.

        Returns
        -------
        History
            The metrics of this call's epochs (``model.history`` holds all).

        Raises
        ------
        DataValidationError
            Malformed X or y (checked before any training).
        TrainingDivergedError
            The loss became NaN or infinite; the model keeps its last finite
            weights.
        """
        epochs = check_scalar(epochs, "epochs", "fit", kind=int, low=0)
        batch_size = check_scalar(batch_size, "batch_size", "fit", kind=int, low=1, allow_none=True)
        validation_split = check_scalar(validation_split, "validation_split", "fit", low=0.0,
                                        high=1.0, closed="left")
        verbose = check_option(verbose, "verbose", "fit", (0, 1, 2))
        X, Y = self._prepare(X, y, fit_targets=True)
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise DataValidationError("validation_data must be a tuple (X_val, y_val)")
            val = self._prepare(*validation_data, name="X_val", y_name="y_val")
        elif validation_split:
            n_val = int(round(len(X) * validation_split))
            if not 0 < n_val < len(X):
                raise DataValidationError(
                    f"validation_split={validation_split} leaves {n_val} of {len(X)} samples "
                    "for validation; it must leave at least one on each side."
                )
            val = (X[-n_val:], Y[-n_val:])
            X, Y = X[:-n_val], Y[:-n_val]
        else:
            val = None

        callbacks = list(callbacks or [])
        self.stop_training = False
        run_history = History()
        for cb in callbacks:
            cb.on_train_begin(self)
        first_epoch = self.history.epochs
        for epoch in range(epochs):
            start = time.perf_counter()
            bar = ProgressBar(-(-len(X) // (batch_size or len(X))),
                              f"Epoch {first_epoch + epoch + 1}/{first_epoch + epochs}",
                              unit="batch", file=sys.stdout, enabled=verbose == 1)
            # A diverging run overflows; the finite-loss check below reports
            # it clearly, so NumPy's warnings would only add noise.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                logs = self._train_epoch(X, Y, batch_size, shuffle, bar)
            if val is not None:
                logs.update({f"val_{k}": v for k, v in self._scores(*val).items()})
            run_history.append(logs)
            self.history.append(logs)
            bar.set_postfix(**{k: round(v, 4) for k, v in logs.items()})
            bar.close()
            if verbose == 2:
                text = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                print(f"Epoch {self.history.epochs}: {text} ({time.perf_counter() - start:.2f}s)")
            for cb in callbacks:
                cb.on_epoch_end(self, epoch, logs)
            if self.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end(self)
        return run_history

    def _prepare(self, X, y, fit_targets=False, name="X", y_name="y"):
        """Validate and convert (X, y) for this model; builds it on the first fit."""
        X = check_X(X, self.dtype, name, self.input_dim)
        y_arr = np.asarray(y)
        if y_arr.ndim == 0 or len(y_arr) != len(X):
            got = "a scalar" if y_arr.ndim == 0 else f"{len(y_arr)} values"
            raise DataValidationError(f"{name} has {len(X)} samples but {y_name} has {got}.")
        if fit_targets and not self._targets.fitted:
            needed = self._targets.fit(y_arr).n_outputs
            dims = self._layer_output_dims(X.shape[1])
            if dims[-1] != needed:
                self._targets = TargetEncoder(self.loss.task)
                what = {"regression": "target columns", "binary": "output (a single logit)",
                        "multiclass": "classes"}[self.loss.task]
                raise DataValidationError(
                    f"the last layer has {dims[-1]} outputs, but the data needs {needed} {what}."
                )
            if not self.built:
                self.build(X.shape[1])
        elif not self._targets.fitted:
            raise RuntimeError("the model is not fitted yet: call fit first")
        return X, self._targets.transform(y_arr, self.dtype)

    def _train_epoch(self, X, Y, batch_size, shuffle, bar):
        n = len(X)
        bs = n if batch_size is None else min(batch_size, n)
        full_batch = bs == n
        per_epoch_gather = shuffle and not full_batch and bs < _PER_EPOCH_GATHER_BELOW
        if shuffle and not full_batch:
            order = self._rng.permutation(n)
            if per_epoch_gather:
                X, Y = X[order], Y[order]
        else:
            per_epoch_gather = True  # in order: batches are plain slices
        if not per_epoch_gather:
            xbuf = np.empty((bs,) + X.shape[1:], X.dtype)
            ybuf = np.empty((bs,) + Y.shape[1:], Y.dtype)

        # The weights at the start of the epoch: what a diverging epoch falls back to.
        snapshot = self._params.copy()
        params, grads = [self._params], [self._grads]
        loss, optimizer = self.loss, self.optimizer
        forward, backward = self._forward, self._backward
        per_sample = loss.reduction == "mean"
        track_accuracy = "accuracy" in self.metrics
        live = bar.enabled
        loss_sum = 0.0
        correct = 0
        for b, start in enumerate(range(0, n, bs)):
            stop = min(start + bs, n)
            if per_epoch_gather:
                xb, yb = X[start:stop], Y[start:stop]
            else:
                idx = order[start:stop]
                xb = np.take(X, idx, axis=0, out=xbuf[:stop - start])
                yb = np.take(Y, idx, axis=0, out=ybuf[:stop - start])
            out = forward(xb, True)
            value = loss.forward(out, yb)
            if not math.isfinite(value):
                self._diverged(value, b, snapshot)
            if track_accuracy:
                correct += self._count_correct(out, yb)
            backward(loss.backward())
            optimizer.step(params, grads)
            loss_sum += value * (stop - start) if per_sample else value
            if live:
                bar.update(1, loss=loss_sum / stop)
        logs = {"loss": loss_sum / n}
        if track_accuracy:
            logs["accuracy"] = correct / n
        return logs

    def _diverged(self, value, batch, snapshot):
        epoch = self.history.epochs + 1
        if not np.isfinite(self._params).all():
            # Back to the epoch's starting weights; the optimizer's running
            # statistics are poisoned too, so it starts afresh.
            self._params[...] = snapshot
            self.optimizer.state = {}
        lr = self.optimizer.current_lr()
        raise TrainingDivergedError(
            f"training diverged in epoch {epoch} (batch {batch + 1}): the loss became {value}. "
            f"The learning rate is {lr:g}; try a smaller one (e.g. {lr / 10:g}). "
            "The model keeps its last finite weights."
        )

    # -- inference -------------------------------------------------------------
    def _logits(self, X):
        """Raw network outputs, computed in chunks to bound the work memory.

        The chunks are of equal size, so every chunk (and every later call
        with as many rows) reuses the same work buffers.
        """
        n_chunks = -(-len(X) // _PREDICT_CHUNK)
        if n_chunks == 1:
            return self._forward(X, training=False).copy()
        size = -(-len(X) // n_chunks)
        out = np.empty((len(X), self.output_dim), self.dtype)
        for start in range(0, len(X), size):
            out[start:start + size] = self._forward(X[start:start + size], training=False)
        return out

    def _check_predict(self, X):
        # A regression model only needs weights (set_weights on a built model
        # is enough); a classifier also needs the labels seen by fit.
        if not self.built or (self.loss.task != "regression" and not self._targets.fitted):
            raise RuntimeError("this model is not fitted yet: call fit(X, y) first")
        return check_X(X, self.dtype, "X", self.input_dim)

    def predict(self, X):
        """Predict labels (classifiers, in the type of the training labels) or values (regression).

        Returns
        -------
        ndarray of shape (n_samples,), or (n_samples, n_outputs) for multi-output regression
        """
        Z = self._logits(self._check_predict(X))
        task = self.loss.task
        if task == "multiclass":
            return self._targets.inverse(Z.argmax(axis=1))
        if task == "binary":
            return self._targets.inverse((Z[:, 0] > 0).astype(np.intp))
        Z = self.loss.link(Z)
        one_dimensional = (self._targets.one_dimensional if self._targets.fitted
                           else self.output_dim == 1)
        return Z[:, 0] if one_dimensional else Z

    def predict_proba(self, X):
        """Class probabilities of shape (n_samples, n_classes); rows sum to 1.

        Columns follow ``classes_``. A binary model (one output unit) returns
        two columns, :math:`1 - p` and :math:`p`.
        """
        if self.loss.task == "regression":
            raise AttributeError("predict_proba is only available for classifiers")
        Z = self._logits(self._check_predict(X))
        P = self.loss.link(Z)
        if self.loss.task == "binary":
            return np.hstack([1.0 - P, P])
        return P

    def evaluate(self, X, y):
        """Loss and metrics on (X, y).

        Returns
        -------
        dict
            ``{"loss", "accuracy"}`` for classifiers, ``{"loss", "mse", "r2"}`` for
            regression (R^2 averaged over the outputs).
        """
        self._check_predict(X)
        return self._scores(*self._prepare(X, y))

    def _scores(self, X, Y):
        Z = self._logits(X)
        value = self.loss.forward(Z, Y)
        scores = {"loss": value if self.loss.reduction == "mean" else value / len(X)}
        if self.loss.task == "regression":
            pred = self.loss.link(Z)
            resid = ((Y - pred) ** 2).sum(axis=0, dtype=np.float64)
            total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0, dtype=np.float64)
            scores["mse"] = float(resid.sum() / Y.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                r2 = np.where(total > 0, 1.0 - resid / total, 0.0)
            scores["r2"] = float(r2.mean())
        else:
            scores["accuracy"] = self._count_correct(Z, Y) / len(X)
        return scores

    def _count_correct(self, Z, Y):
        if self.loss.task == "binary":
            return int(np.count_nonzero((Z[:, 0] > 0) == (Y[:, 0] > 0.5)))
        labels = Y if Y.ndim == 1 else Y.argmax(axis=1)
        return int(np.count_nonzero(Z.argmax(axis=1) == labels))

    # -- weights, description, persistence ------------------------------------
    def get_weights(self):
        """Copies of the parameters: ``[W1 (n_in, n_out), b1 (n_out,), W2, b2, ...]``."""
        self._require_built()
        return [p.copy() for layer in self.layers for p in layer.params.values()]

    def set_weights(self, weights):
        """Set the parameters from a list shaped like :meth:`get_weights`'s result."""
        self._require_built()
        current = [p for layer in self.layers for p in layer.params.values()]
        weights = list(weights)
        if len(weights) != len(current):
            raise ValueError(f"set_weights got {len(weights)} arrays; the model has {len(current)}.")
        for i, (dst, src) in enumerate(zip(current, weights)):
            src = np.asarray(src)
            if src.shape != dst.shape:
                raise ValueError(f"weight {i} has shape {src.shape}; expected {dst.shape}.")
            if not np.isfinite(src).all():
                raise ValueError(f"weight {i} contains NaN or infinite values.")
        for dst, src in zip(current, weights):
            dst[...] = src

    def _require_built(self):
        if not self.built:
            raise RuntimeError("the model is not built yet: call fit(X, y) or build(n_features)")

    @property
    def n_params(self):
        return sum(layer.n_params for layer in self.layers) if self.built else None

    def summary(self, print_fn=print):
        """Print (and return) a table of the layers, output shapes and parameter counts."""
        self._require_built()
        rows = [(f"{type(l).__name__}" + (f" ({type(l.activation).__name__})"
                                          if getattr(l, "activation", None) else ""),
                 f"(None, {self._layer_output_dims()[i]})", f"{l.n_params:,}")
                for i, l in enumerate(self.layers)]
        header = ("Layer (type)", "Output shape", "Params")
        widths = [max(len(r[c]) for r in rows + [header]) + 2 for c in range(3)]
        line = "-" * sum(widths)
        fmt = lambda r: "".join(s.ljust(w) for s, w in zip(r, widths)).rstrip()  # noqa: E731
        text = "\n".join([f"Sequential: input (None, {self.input_dim}), dtype {self.dtype.name}",
                          line, fmt(header), line, *map(fmt, rows), line,
                          f"Total params: {self.n_params:,}",
                          f"Loss: {self.loss!r}   Optimizer: {self.optimizer!r}"])
        print_fn(text)
        return text

    def _layer_output_dims(self, input_dim=None):
        dims, dim = [], input_dim or self.input_dim
        for layer in self.layers:
            dim = layer.output_dim(dim)
            dims.append(dim)
        return dims

    def get_config(self):
        """The architecture and settings, JSON-serializable."""
        return {
            "layers": [{"class": _layer_name(l), "config": l.get_config()} for l in self.layers],
            "loss": {"class": type(self.loss).__name__, "config": self.loss.get_config()},
            "optimizer": {"class": type(self.optimizer).__name__,
                          "config": self.optimizer.get_config()},
            "seed": self.seed if not isinstance(self.seed, np.random.Generator) else None,
            "dtype": self.dtype.name,
            "metrics": list(self.metrics),
        }

    @classmethod
    def from_config(cls, config):
        """Rebuild an unbuilt model from :meth:`get_config`'s output."""
        from .losses import LOSSES
        from .optimizers import OPTIMIZERS

        layers = [get_layer_class(c["class"]).from_config(c["config"]) for c in config["layers"]]
        loss_cls = {c.__name__: c for c in LOSSES.values()}.get(config["loss"]["class"])
        opt_cls = {c.__name__: c for c in OPTIMIZERS.values()}.get(config["optimizer"]["class"])
        if loss_cls is None or opt_cls is None:
            raise ValueError(f"unknown loss or optimizer in config: {config['loss']['class']!r}, "
                             f"{config['optimizer']['class']!r}")
        return cls(layers, loss=loss_cls.from_config(config["loss"]["config"]),
                   optimizer=opt_cls.from_config(config["optimizer"]["config"]),
                   seed=config["seed"], dtype=config["dtype"], metrics=config["metrics"])

    def save(self, path):
        """Save to a ``.npz`` model file (atomically); see :func:`scratchnet.load`."""
        from .serialization import save_model

        save_model(self, path)

    def __repr__(self):
        inner = ", ".join(repr(l) for l in self.layers)
        return f"Sequential([{inner}], loss={self.loss!r}, optimizer={self.optimizer!r})"


def _layer_name(layer):
    cls = type(layer)
    from .layers import LAYERS

    return cls.__name__ if LAYERS.get(cls.__name__) is cls else f"{cls.__module__}.{cls.__qualname__}"
