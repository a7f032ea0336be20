"""Task heads: what a network's raw outputs mean, one class per task.

The loss names its task (``CrossEntropy.task = MulticlassTask``). The model
keeps one task object, which owns everything that differs between tasks:

- checking that the last layer suits the loss (no softmax before a fused
  softmax cross-entropy);
- learning the targets' form from ``y`` (the classes, or the output count)
  and encoding ``y`` for the loss;
- the link from raw outputs to probabilities, and the decision (``predict``);
- the metrics reported by ``fit`` and ``evaluate``.

A new task is one subclass here and a loss that names it.
"""

import numpy as np

from ._validation import check_finite
from .errors import DataValidationError
from .labels import LabelEncoder, as_label_vector
from .layers import Sigmoid, Softmax
from .ops import sigmoid, softmax

__all__ = ["Task", "MulticlassTask", "BinaryTask", "RegressionTask"]

#: Largest one-hot target matrix built (elements): 64 MiB in float32. Beyond
#: it, multi-class targets stay class codes (the loss handles both).
ONE_HOT_LIMIT = 1 << 24


class Task:
    """Base class of the task heads.

    Attributes
    ----------
    n_outputs : int or None
        Output units the data needs; None until :meth:`fit`.
    """

    #: Name recorded in model files.
    name = None
    #: What one output unit stands for, in error messages.
    outputs_are = "outputs"
    #: The final activation the loss applies itself (None: no restriction).
    fused_activation = None
    #: Metrics ``evaluate`` reports besides the loss.
    metric_names = ()

    def __init__(self):
        self.n_outputs = None

    @property
    def fitted(self):
        return self.n_outputs is not None

    @property
    def is_classifier(self):
        return False

    def check_output_layer(self, layer, loss):
        """Refuse a last layer whose activation the loss already applies."""
        fused = self.fused_activation
        if fused is not None and isinstance(layer.output_activation(), fused):
            act = fused.__name__.lower()
            raise ValueError(
                f"the last layer applies {act}, but {type(loss).__name__} expects raw scores "
                f"(logits) and applies the {act} itself, stably. Remove the final {act}; "
                "predict_proba returns probabilities."
            )

    def fit(self, y):
        """Learn what the targets look like (classes, number of outputs); returns self."""
        raise NotImplementedError

    def encode(self, y, dtype, name="y"):
        """Targets for the loss, in the model's ``dtype``."""
        raise NotImplementedError

    def decide(self, Z):
        """Raw outputs to what ``predict`` returns."""
        raise NotImplementedError

    def probabilities(self, Z):
        """Raw outputs to ``predict_proba``'s columns (classifiers only)."""
        raise AttributeError("predict_proba is only available for classifiers")

    def scores(self, Z, Y):
        """Metrics of raw outputs ``Z`` against encoded targets ``Y`` (besides the loss)."""
        raise NotImplementedError

    def get_state(self):
        """What was learnt by :meth:`fit`: a JSON-serializable dict and an optional label array."""
        return {"n_outputs": self.n_outputs}, None

    def set_state(self, state, classes=None):
        self.n_outputs = int(state["n_outputs"])


class _Classifier(Task):
    """Shared by the classification heads: labels of any type, accuracy."""

    metric_names = ("accuracy",)

    def __init__(self):
        super().__init__()
        self.classes_ = None

    @property
    def is_classifier(self):
        return True

    def _learn_classes(self, y, name):
        self.classes_ = LabelEncoder().fit(as_label_vector(y, name)).classes_
        if len(self.classes_) < 2:
            raise DataValidationError(
                f"{name} holds a single class ({self.classes_.tolist()}); a classifier needs at "
                "least two."
            )

    def _codes(self, y, name):
        encoder = LabelEncoder()
        encoder.classes_ = self.classes_
        return encoder.transform(y, name)

    def decide(self, Z):
        return self.classes_[self.decision_codes(Z)]

    def scores(self, Z, Y):
        return {"accuracy": self.count_correct(Z, Y) / len(Z)}

    def count_correct(self, Z, Y):
        """Number of rows of ``Z`` whose decision matches the encoded target ``Y``."""
        raise NotImplementedError

    def target_codes(self, Y):
        """Class codes (indices into ``classes_``) of encoded targets ``Y``: shape (n,)."""
        raise NotImplementedError

    def positive_log_odds(self, Z):
        """Two classes: the log-odds :math:`\\log (p_1 / p_0)` of ``classes_[1]`` per row of ``Z``.

        Exact from the raw outputs (no saturated probabilities), so it ranks
        samples without artificial ties. Raises ValueError for more classes.
        """
        raise NotImplementedError

    def get_state(self):
        return {"n_outputs": self.n_outputs}, self.classes_

    def set_state(self, state, classes=None):
        if classes is None or np.ndim(classes) != 1:
            raise ValueError("a classifier's state needs its 1-D array of classes")
        expected = self.n_outputs_for(len(classes))
        if expected is None or int(state["n_outputs"]) != expected:
            raise ValueError(f"{len(classes)} classes do not fit a {self.name} model with "
                             f"{state['n_outputs']} output units")
        self.classes_ = np.asarray(classes)
        self.n_outputs = expected

    def n_outputs_for(self, n_classes):
        """Output units needed for ``n_classes`` classes."""
        raise NotImplementedError


class MulticlassTask(_Classifier):
    """Softmax classification: one output unit per class.

    ``y`` holds labels of any type, or one-hot rows of shape (n, C). Encoded
    as one-hot rows in the model's dtype (a few whole-array operations in the
    loss), or as class codes beyond :data:`ONE_HOT_LIMIT` elements.
    """

    name = "multiclass"
    outputs_are = "classes"

    fused_activation = Softmax

    def fit(self, y):
        y = _as_targets(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        else:
            self._learn_classes(y, "y")
        self.n_outputs = len(self.classes_)
        return self

    def n_outputs_for(self, n_classes):
        return n_classes

    def encode(self, y, dtype, name="y"):
        y = _as_targets(y, name)
        if y.ndim == 2 and y.shape[1] > 1:
            codes = self._one_hot_codes(y, name)
        else:
            codes = self._codes(y, name)
        if len(codes) * len(self.classes_) > ONE_HOT_LIMIT:
            return codes
        one_hot = np.zeros((len(codes), len(self.classes_)), dtype=dtype)
        one_hot[np.arange(len(codes)), codes] = 1.0
        return one_hot

    def _one_hot_codes(self, y, name):
        if y.shape[1] != len(self.classes_):
            raise DataValidationError(
                f"{name} has {y.shape[1]} one-hot columns; the model has {len(self.classes_)} "
                "classes."
            )
        if not np.issubdtype(y.dtype, np.number):
            raise DataValidationError(f"one-hot {name} must be numeric; got dtype {y.dtype}.")
        valid = np.isin(y, (0, 1)).all(axis=1) & (y.sum(axis=1) == 1)
        if not valid.all():
            row = int(np.flatnonzero(~valid)[0])
            raise DataValidationError(
                f"2-D {name} must hold one-hot rows (a single 1, zeros elsewhere); row {row} is "
                f"{y[row].tolist()}."
            )
        return y.argmax(axis=1)

    def probabilities(self, Z):
        return softmax(Z)

    def decision_codes(self, Z):
        return Z.argmax(axis=1)

    def count_correct(self, Z, Y):
        return int(np.count_nonzero(Z.argmax(axis=1) == self.target_codes(Y)))

    def target_codes(self, Y):
        return Y if Y.ndim == 1 else Y.argmax(axis=1)

    def positive_log_odds(self, Z):
        if Z.shape[1] != 2:
            raise ValueError(f"log-odds of a positive class need two classes; this model has "
                             f"{Z.shape[1]}.")
        # softmax's normaliser cancels: log(p1 / p0) = z1 - z0.
        return Z[:, 1] - Z[:, 0]


class BinaryTask(_Classifier):
    """Two classes from one logit :math:`z`: :math:`P(\\text{classes\\_}[1]) = \\sigma(z)`.

    Encoded as a column of 0/1 in the model's dtype.
    """

    name = "binary"
    outputs_are = "output (a single logit)"

    fused_activation = Sigmoid

    def fit(self, y):
        self._learn_classes(_as_targets(y), "y")
        if len(self.classes_) != 2:
            raise DataValidationError(
                f"BinaryCrossEntropy needs exactly two classes; y holds {len(self.classes_)}: "
                f"{self.classes_[:10].tolist()}. Use CrossEntropy for more classes."
            )
        self.n_outputs = 1
        return self

    def n_outputs_for(self, n_classes):
        return 1 if n_classes == 2 else None

    def encode(self, y, dtype, name="y"):
        return self._codes(_as_targets(y, name), name).astype(dtype).reshape(-1, 1)

    def probabilities(self, Z):
        p = sigmoid(Z)
        return np.hstack([1.0 - p, p])

    def decision_codes(self, Z):
        return (Z[:, 0] > 0).astype(np.intp)

    def count_correct(self, Z, Y):
        return int(np.count_nonzero((Z[:, 0] > 0) == (Y[:, 0] > 0.5)))

    def target_codes(self, Y):
        return (Y[:, 0] > 0.5).astype(np.intp)

    def positive_log_odds(self, Z):
        return Z[:, 0]


class RegressionTask(Task):
    """Real-valued targets, one or more columns; the outputs are the predictions.

    ``predict`` returns a vector when ``y`` was a vector at ``fit``, else
    (n, n_outputs). ``evaluate`` adds the mean squared error and :math:`R^2`
    (averaged over the outputs; 0 for a constant column).
    """

    name = "regression"
    outputs_are = "target columns"
    metric_names = ("mse", "r2")

    def __init__(self):
        super().__init__()
        self.one_dimensional = True

    def fit(self, y):
        y = _numeric_targets(y, "y")
        self.one_dimensional = y.ndim == 1
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
        return self

    def encode(self, y, dtype, name="y"):
        y = _numeric_targets(y, name)
        shape = y.shape
        y = np.ascontiguousarray(y.reshape(len(y), -1), dtype=dtype)
        if y.shape[1] != self.n_outputs:
            raise DataValidationError(
                f"{name} has {y.shape[1]} target columns; the model predicts {self.n_outputs}."
            )
        check_finite(y.reshape(shape), name)  # positions as given: "index i" for a vector
        return y

    def decide(self, Z):
        return Z[:, 0] if self.one_dimensional and Z.shape[1] == 1 else Z

    def scores(self, Z, Y):
        resid = ((Y - Z) ** 2).sum(axis=0, dtype=np.float64)
        total = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1.0 - resid / total, 0.0)
        return {"mse": float(resid.sum() / Y.size), "r2": float(r2.mean())}

    def get_state(self):
        return {"n_outputs": self.n_outputs, "one_dimensional": self.one_dimensional}, None

    def set_state(self, state, classes=None):
        if classes is not None:
            raise ValueError("a regression model has no classes")
        super().set_state(state)
        self.one_dimensional = bool(state["one_dimensional"])


def _as_targets(y, name="y"):
    y = np.asarray(y)
    if y.ndim == 0 or y.ndim > 2:
        raise DataValidationError(f"{name} must be 1-D (or 2-D); got shape {y.shape}.")
    return y


def _numeric_targets(y, name):
    y = _as_targets(y, name)
    if y.dtype.kind == "c":
        raise DataValidationError(f"{name} holds complex numbers ({y.dtype}); regression "
                                  "targets must be real.")
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            flat = y.reshape(-1)
            for i, value in enumerate(flat):
                try:
                    float(value)
                except (TypeError, ValueError):
                    where = np.unravel_index(i, y.shape)
                    raise DataValidationError(
                        f"{name} must hold numbers for regression; the value at index "
                        f"{tuple(int(k) for k in where) if y.ndim > 1 else int(where[0])} is "
                        f"{value!r}.") from None
            raise
    return y
