"""The ``Sequential`` model: a stack of layers, a loss, an optimizer, and ``fit``.

The model composes the rooms that do the work (see ``docs/architecture.md``):
the layers compute, the :class:`~scratchnet.parameters.ParameterStore` holds
their parameters, the task head (``scratchnet.tasks``) gives outputs their
meaning, and :class:`~scratchnet.training.TrainingLoop` runs the epochs.
"""

import os

import numpy as np

from ._validation import check_option, check_scalar, check_X
from .callbacks import History
from .errors import DataValidationError, ModelFileError
from .inference import forward_in_chunks
from . import model_state
from .layers import Layer
from .losses import get_loss
from .metrics import compute_metrics, get_metric, metric_spec
from .optimizers import get_optimizer
from .parameters import ParameterStore
from .registry import deserialize, serialize
from .serialization import write_archive
from .summary import format_summary
from .training import TrainingLoop

__all__ = ["Sequential"]

class Sequential:
    """A feed-forward network: layers applied one after the other.

    Parameters
    ----------
    layers : list of Layer
        E.g. ``[sn.Dense(64), sn.ReLU(), sn.Dense(10)]``. The input width of the
        first layer is inferred from the data on the first ``fit``.
    loss : str or Loss, default "cross_entropy"
        ``"cross_entropy"`` (multi-class, from logits), ``"binary_cross_entropy"``
        (one output unit, from logits), ``"mse"`` (regression), a Keras name
        (``"sparse_categorical_crossentropy"`` ...; any case) or a Loss
        instance. The loss decides the task: classifiers predict labels.
    optimizer : str or Optimizer, default "adam"
        ``"adam"``, ``"sgd"``, ``"rmsprop"`` (default settings; any case) or an instance.
    seed : int, numpy.random.Generator or None
        Seeds the model's own generator, used for the initial weights, the
        shuffling and dropout. The same seed gives bit-identical results.
    dtype : {"float32", "float64"}, default "float32"
    metrics : list of str or Metric, optional
        Metrics computed every epoch on the training data (``"f1"`` in the
        history), on the validation data (``"val_f1"``) and by ``evaluate``:
        ``"accuracy"``, ``"precision"``, ``"recall"``, ``"f1"`` (binary for
        two classes, macro for more; ``"f1_macro"`` ...), ``"auc"``,
        ``"top_5_accuracy"``, ``"mae"``, ``"mse"``, ``"rmse"``, ``"r2"``
        (any case; see ``scratchnet.metrics``) or Metric instances.
        Validation and ``evaluate`` always report the task's own metrics
        too (accuracy for classifiers, mse and r2 for regression).

    Attributes
    ----------
    classes_ : ndarray
        The class labels (classifiers), in the user's own label type.
    history : History
        Every metric per epoch, over all ``fit`` calls.
    input_dim : int or None
        Number of input features once built.
    parameters : ParameterStore or None
        Every parameter and gradient, once built.
    task : Task
        The task head chosen by the loss.
    rng : numpy.random.Generator
        The model's source of randomness.
    metadata : dict
        JSON-serializable notes saved with the model (e.g. how the command
        line encoded a CSV file's columns).

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
        self.input_dim = None
        for layer in layers or []:
            self.add(layer)
        self.loss = get_loss(loss)
        self.optimizer = get_optimizer(optimizer)
        self.dtype = np.dtype(check_option(np.dtype(dtype).name, "dtype", "Sequential",
                                           ("float32", "float64")))
        if seed is not None and not isinstance(seed, np.random.Generator):
            seed = check_scalar(seed, "seed", "Sequential", kind=int, low=0)
        self.seed = seed
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.task = self.loss.task()
        self.metrics = self._resolve_metrics(metrics)
        self.history = History()
        self.parameters = None
        self.metadata = {}
        self.stop_training = False

    # -- construction ------------------------------------------------------
    def _resolve_metrics(self, metrics):
        if isinstance(metrics, str):
            raise ValueError(f"The 'metrics' parameter of Sequential must be a list; got the "
                             f"string {metrics!r} (write [{metrics!r}]).")
        resolved = [get_metric(m) for m in metrics or []]
        names = [m.name for m in resolved]
        for m in resolved:
            m.check(self.task)
            if names.count(m.name) > 1:
                raise ValueError(f"the metrics list {m.name!r} twice")
        return resolved

    def add(self, layer):
        """Append a layer (before the model is built)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential takes Layer instances; got {layer!r}")
        if self.built:
            raise RuntimeError("cannot add layers to a model that is already built")
        self.layers.append(layer)

    @property
    def built(self):
        return self.input_dim is not None

    @property
    def classes_(self):
        classes = getattr(self.task, "classes_", None)
        if classes is None:
            raise AttributeError("classes_ is known once a classifier has been fitted")
        return classes

    def build(self, input_dim):
        """Create all parameters for inputs of width ``input_dim``; returns the model."""
        if not self.layers:
            raise ValueError("the model has no layers")
        self.task.check_output_layer(self.layers[-1], self.loss)
        dim = check_scalar(input_dim, "input_dim", "Sequential.build", kind=int, low=1)
        for i, layer in enumerate(self.layers):
            following = self.layers[i + 1] if i + 1 < len(self.layers) else None
            dim = layer.build(dim, self.rng, self.dtype, next_layer=following)
        self.output_dim = dim
        self.parameters = ParameterStore(self.layers, self.dtype)
        # No layer before the first one with parameters needs an input gradient.
        self._first_trainable = next((i for i, l in enumerate(self.layers) if l.params),
                                     len(self.layers))
        for i, layer in enumerate(self.layers):
            layer.needs_input_grad = i > self._first_trainable
        self.input_dim = int(input_dim)
        return self

    def layer_output_dims(self, input_dim=None):
        """Output width of every layer for inputs of width ``input_dim`` (default: the built one)."""
        dims, dim = [], input_dim or self.input_dim
        for layer in self.layers:
            dim = layer.output_dim(dim)
            dims.append(dim)
        return dims

    # -- forward and backward ---------------------------------------------
    def forward(self, X, training=False, upto=None):
        """Run the layers on a validated batch; ``upto=k`` stops after layer ``k`` (0-based).

        The result lives in the last layer's work buffer: copy it to keep it
        past the next call.
        """
        for layer in self.layers if upto is None else self.layers[:upto + 1]:
            X = layer.forward(X, training)
        return X

    def backward(self, grad):
        """Backpropagate dL/d(output), setting every layer's gradients."""
        for layer in reversed(self.layers[self._first_trainable:]):
            grad = layer.backward(grad)

    # -- training ------------------------------------------------------------
    def fit(self, X, y, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            shuffle=True, verbose=0, callbacks=None, sample_weight=None, class_weight=None):
        """Train the model; calling ``fit`` again continues where it stopped.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels of any type for classifiers (or one-hot rows with
            CrossEntropy), numbers for regression.
        epochs : int, default 1
            0 does nothing and returns an empty history.
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
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of each sample in the loss.
        class_weight : dict or "balanced", optional
            Classifiers: weight per class label, multiplied into
            ``sample_weight``. ``"balanced"`` weighs class :math:`c` by
            :math:`n / (C \\cdot n_c)`, as scikit-learn.

        Returns
        -------
        History
            The metrics of this call's epochs (``model.history`` holds all).

        Raises
        ------
        DataValidationError
            Malformed X, y or weights (checked before any training).
        TrainingDivergedError
            The loss or the parameters became NaN or infinite; the model is
            back at the start of the diverging epoch.
        """
        epochs = check_scalar(epochs, "epochs", "fit", kind=int, low=0)
        batch_size = check_scalar(batch_size, "batch_size", "fit", kind=int, low=1, allow_none=True)
        validation_split = check_scalar(validation_split, "validation_split", "fit", low=0.0,
                                        high=1.0, closed="left")
        verbose = check_option(verbose, "verbose", "fit", (0, 1, 2))
        X, Y = self.prepare(X, y, fit_targets=True)
        for metric in self.metrics:
            metric.check(self.task)
        weight = self._sample_weights(y, len(X), sample_weight, class_weight)
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise DataValidationError("validation_data must be a tuple (X_val, y_val)")
            val = self.prepare(*validation_data, name="X_val", y_name="y_val")
        elif validation_split:
            n_val = int(round(len(X) * validation_split))
            if not 0 < n_val < len(X):
                raise DataValidationError(
                    f"validation_split={validation_split} leaves {n_val} of {len(X)} samples "
                    "for validation; it must leave at least one on each side."
                )
            val = (X[-n_val:], Y[-n_val:])
            X, Y = X[:-n_val], Y[:-n_val]
            weight = None if weight is None else weight[:-n_val]
        else:
            val = None
        for metric in self.metrics:
            metric.check_targets(self.task, Y, "y")
            if val is not None:
                metric.check_targets(self.task, val[1], "the validation targets")
        loop = TrainingLoop(self, X, Y, batch_size=batch_size, shuffle=shuffle,
                            sample_weight=weight, validation=val, callbacks=callbacks or (),
                            verbose=verbose)
        return loop.run(epochs)

    def prepare(self, X, y, fit_targets=False, name="X", y_name="y"):
        """Validate ``X`` and encode ``y`` for this model; the first fit learns the targets and builds.

        Returns
        -------
        (X, Y) : ndarrays in the model's dtype, ``Y`` as the loss expects it.
        """
        X = check_X(X, self.dtype, name, self.input_dim)
        y_arr = np.asarray(y)
        if y_arr.ndim == 0 or len(y_arr) != len(X):
            got = "a scalar" if y_arr.ndim == 0 else f"{len(y_arr)} values"
            raise DataValidationError(f"{name} has {len(X)} samples but {y_name} has {got}.")
        if fit_targets and not self.task.fitted:
            task = type(self.task)().fit(y_arr)
            dims = self.layer_output_dims(X.shape[1])
            if dims[-1] != task.n_outputs:
                raise DataValidationError(
                    f"the last layer has {dims[-1]} outputs, but the data needs "
                    f"{task.n_outputs} {task.outputs_are}."
                )
            self.task = task
            if not self.built:
                self.build(X.shape[1])
        elif not self.task.fitted:
            raise RuntimeError("the model is not fitted yet: call fit first")
        return X, self.task.encode(y_arr, self.dtype, y_name)

    def _sample_weights(self, y, n, sample_weight, class_weight):
        weight = None
        if sample_weight is not None:
            weight = np.asarray(sample_weight)
            if weight.shape != (n,) or weight.dtype.kind not in "biuf":
                raise DataValidationError(
                    f"sample_weight must be a numeric array of shape ({n},); got "
                    f"{weight.dtype} of shape {weight.shape}.")
            weight = weight.astype(self.dtype)
            from ._validation import check_finite

            check_finite(weight, "sample_weight")
            if (weight < 0).any():
                i = int(np.flatnonzero(weight < 0)[0])
                raise DataValidationError(f"sample_weight must be >= 0; index {i} is {weight[i]}.")
        if class_weight is not None:
            per_class = self._class_weights(y, class_weight)
            weight = per_class if weight is None else weight * per_class
        if weight is not None and not weight.any():
            raise DataValidationError("the sample weights are all zero: nothing to learn from.")
        return weight

    def _class_weights(self, y, class_weight):
        if not self.task.is_classifier:
            raise DataValidationError("class_weight applies to classifiers only")
        codes = self.task.encode(y, np.float64)
        codes = codes.argmax(axis=1) if codes.ndim == 2 and codes.shape[1] > 1 else (
            codes.reshape(len(codes), -1)[:, 0].astype(np.intp))
        classes = self.task.classes_
        if isinstance(class_weight, str):
            check_option(class_weight, "class_weight", "fit", ("balanced",))
            counts = np.bincount(codes, minlength=len(classes))
            table = np.where(counts > 0, len(codes) / (len(classes) * np.maximum(counts, 1)), 0.0)
        elif isinstance(class_weight, dict):
            unknown = [k for k in class_weight if k not in classes.tolist()]
            if unknown:
                raise DataValidationError(f"class_weight names unknown classes {unknown}; the "
                                          f"classes are {classes.tolist()}.")
            table = np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])
        else:
            raise DataValidationError("class_weight must be a dict {label: weight} or "
                                      f"'balanced'; got {class_weight!r}.")
        return table[codes].astype(self.dtype)

    # -- inference -------------------------------------------------------------
    def _check_predict(self, X):
        # A regression model only needs weights (set_weights on a built model
        # is enough); a classifier also needs the labels seen by fit.
        if not self.built or (self.task.is_classifier and not self.task.fitted):
            raise RuntimeError("this model is not fitted yet: call fit(X, y) first")
        return check_X(X, self.dtype, "X", self.input_dim)

    def predict(self, X, batch_size=None):
        """Predict labels (classifiers, in the type of the training labels) or values (regression).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        batch_size : int, optional
            Rows per forward pass (bounds the memory of the work buffers);
            default :data:`scratchnet.inference.PREDICT_CHUNK`. The result
            does not depend on it.

        Returns
        -------
        ndarray of shape (n_samples,), or (n_samples, n_outputs) for multi-output regression
        """
        return self.task.decide(self._outputs(self._check_predict(X), batch_size))

    def predict_proba(self, X, batch_size=None):
        """Class probabilities of shape (n_samples, n_classes); rows sum to 1.

        Columns follow ``classes_``. A binary model (one output unit) returns
        two columns, :math:`1 - p` and :math:`p`. ``batch_size`` as in
        :meth:`predict`.
        """
        if not self.task.is_classifier:
            raise AttributeError("predict_proba is only available for classifiers")
        return self.task.probabilities(self._outputs(self._check_predict(X), batch_size))

    def evaluate(self, X, y, batch_size=None):
        """Loss and metrics on (X, y); ``batch_size`` as in :meth:`predict`.

        Returns
        -------
        dict
            ``{"loss", "accuracy"}`` for classifiers, ``{"loss", "mse", "r2"}`` for
            regression (R^2 averaged over the outputs), and every metric of
            ``metrics`` under its name.
        """
        self._check_predict(X)
        return self.scores(*self.prepare(X, y), batch_size=batch_size)

    def scores(self, X, Y, batch_size=None):
        """Loss, the task's metrics and ``metrics`` on validated ``X`` and encoded ``Y``.

        ``X`` and ``Y`` as :meth:`prepare` returns them; ``batch_size`` as in :meth:`predict`.
        """
        Z = self._outputs(X, batch_size)
        value = self.loss.forward(Z, Y)
        scores = {"loss": value if self.loss.reduction == "mean" else value / len(X)}
        scores.update(self.task.scores(Z, Y))
        scores.update(compute_metrics(self.metrics, Z, Y, self.task))
        return scores

    def _outputs(self, X, batch_size):
        batch_size = check_scalar(batch_size, "batch_size", "Sequential", kind=int, low=1,
                                  allow_none=True)
        return forward_in_chunks(self, X, chunk=batch_size)

    # -- learning tools (each in its own module) ------------------------------
    def diagnose(self, X, y):
        """Per-layer gradients, updates and activations of one step, on a copy.

        See :func:`scratchnet.diagnostics.diagnose`.
        """
        from .diagnostics import diagnose
        return diagnose(self, X, y)

    def explain_step(self, X, y, print_fn=print):
        """Print one training step as equations with shapes and numbers, on a copy.

        See :func:`scratchnet.explain.explain_step`.
        """
        from .explain import explain_step
        return explain_step(self, X, y, print_fn=print_fn)

    def export_numpy(self, path):
        """Write a NumPy-only Python file that predicts exactly as this model.

        See :func:`scratchnet.export_numpy.export_numpy`.
        """
        from .export_numpy import export_numpy
        return export_numpy(self, path)

    # -- weights, description, persistence ------------------------------------
    def get_weights(self):
        """Copies of the parameters: ``[W1 (n_in, n_out), b1 (n_out,), W2, b2, ...]``."""
        self._require_built()
        return [p.copy() for p in self.parameters.arrays()]

    def set_weights(self, weights):
        """Set the parameters from a list shaped like :meth:`get_weights`'s result."""
        self._require_built()
        current = self.parameters.arrays()
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
        return self.parameters.n_params if self.built else None

    def summary(self, print_fn=print):
        """Print (and return) a table of the layers, output shapes and parameter counts."""
        self._require_built()
        text = format_summary(self)
        print_fn(text)
        return text

    def get_config(self):
        """The architecture and settings, JSON-serializable."""
        return {
            "layers": [serialize(layer) for layer in self.layers],
            "loss": serialize(self.loss),
            "optimizer": serialize(self.optimizer),
            "seed": self.seed if not isinstance(self.seed, np.random.Generator) else None,
            "dtype": self.dtype.name,
            "metrics": [metric_spec(m) for m in self.metrics],
        }

    @classmethod
    def from_config(cls, config):
        """Rebuild an unbuilt model from :meth:`get_config`'s output."""
        return cls([deserialize(spec, "layer") for spec in config["layers"]],
                   loss=deserialize(config["loss"], "loss"),
                   optimizer=deserialize(config["optimizer"], "optimizer"),
                   seed=config["seed"], dtype=config["dtype"],
                   metrics=[m if isinstance(m, str) else deserialize(m, "metric")
                            for m in config["metrics"]])

    def save(self, path):
        """Save to a ``.npz`` model file (atomically, no pickle); see :func:`scratchnet.load`.

        Raises
        ------
        ModelFileError
            If the file cannot be written; an earlier file at ``path`` is kept.
        """
        try:
            content, arrays = model_state.capture(self)
        except ModelFileError as exc:
            raise ModelFileError(f"cannot save the model to {os.fspath(path)}: {exc}") from None
        write_archive(path, content, arrays)

    def __repr__(self):
        inner = ", ".join(repr(l) for l in self.layers)
        return f"Sequential([{inner}], loss={self.loss!r}, optimizer={self.optimizer!r})"
