"""Turning the user's ``y`` into what a loss needs, and back."""

import numpy as np

from ._validation import check_finite
from .errors import DataValidationError
from .preprocessing import LabelEncoder

__all__ = ["TargetEncoder"]

#: Largest one-hot target matrix built (elements): 64 MiB in float32.
_ONE_HOT_LIMIT = 1 << 24


class TargetEncoder:
    """Encode targets for a task (``"multiclass"``, ``"binary"`` or ``"regression"``).

    Classifiers accept labels of any type (strings such as 'M'/'B', integers
    such as 1/2) and remember them in ``classes_``; multi-class targets may
    also be one-hot rows. Regression targets are numbers, one or more columns.
    """

    def __init__(self, task):
        self.task = task
        self.classes_ = None
        self.n_outputs = None
        self.one_dimensional = True

    @property
    def fitted(self):
        return self.n_outputs is not None

    def fit(self, y):
        y = _as_array(y)
        if self.task == "regression":
            self.one_dimensional = y.ndim == 1
            self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
            return self
        if self.task == "multiclass" and y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        else:
            self.classes_ = LabelEncoder().fit(_label_vector(y)).classes_
        if len(self.classes_) < 2:
            raise DataValidationError(
                f"y holds a single class ({self.classes_.tolist()}); a classifier needs at "
                "least two."
            )
        if self.task == "binary" and len(self.classes_) != 2:
            raise DataValidationError(
                f"BinaryCrossEntropy needs exactly two classes; y holds {len(self.classes_)}: "
                f"{self.classes_[:10].tolist()}. Use CrossEntropy for more classes."
            )
        self.n_outputs = 1 if self.task == "binary" else len(self.classes_)
        return self

    def transform(self, y, dtype):
        """Targets for the loss, in the model's ``dtype``.

        One-hot rows (multiclass), (n, 1) 0/1 (binary), values (regression).
        One-hot rows cost n x C floats but make the loss a few whole-array
        operations (no fancy indexing per batch); built in ``dtype`` so that
        they never upcast a float32 network. Above ``_ONE_HOT_LIMIT`` elements
        (many samples and many classes) the class codes are returned instead.
        """
        y = _as_array(y)
        if self.task == "regression":
            y = np.ascontiguousarray(y.reshape(len(y), -1), dtype=dtype)
            if y.shape[1] != self.n_outputs:
                raise DataValidationError(
                    f"y has {y.shape[1]} target columns; the model predicts {self.n_outputs}."
                )
            check_finite(y, "y")
            return y
        if self.task == "multiclass" and y.ndim == 2 and y.shape[1] > 1:
            codes = self._one_hot_codes(y)
        else:
            codes = self._codes(y)
        if self.task == "binary":
            return codes.astype(dtype).reshape(-1, 1)
        if len(codes) * len(self.classes_) > _ONE_HOT_LIMIT:
            return codes
        one_hot = np.zeros((len(codes), len(self.classes_)), dtype=dtype)
        one_hot[np.arange(len(codes)), codes] = 1.0
        return one_hot

    def _codes(self, y):
        encoder = LabelEncoder()
        encoder.classes_ = self.classes_
        try:
            codes = encoder.transform(_label_vector(y))
        except ValueError as exc:
            raise DataValidationError(str(exc)) from None
        return codes

    def _one_hot_codes(self, y):
        if y.shape[1] != len(self.classes_):
            raise DataValidationError(
                f"y has {y.shape[1]} one-hot columns; the model has {len(self.classes_)} classes."
            )
        if not np.issubdtype(y.dtype, np.number):
            raise DataValidationError(f"one-hot y must be numeric; got dtype {y.dtype}.")
        if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            row = int(np.flatnonzero(~(np.isin(y, (0, 1)).all(axis=1) & (y.sum(axis=1) == 1)))[0])
            raise DataValidationError(
                f"2-D y must hold one-hot rows (a single 1, zeros elsewhere); row {row} is "
                f"{y[row].tolist()}."
            )
        return y.argmax(axis=1)

    def inverse(self, codes):
        return self.classes_[codes]


def _as_array(y):
    y = np.asarray(y)
    if y.ndim == 0 or y.ndim > 2:
        raise DataValidationError(f"y must be 1-D (or 2-D); got shape {y.shape}.")
    return y


def _label_vector(y):
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise DataValidationError(f"labels must be 1-D; got y of shape {y.shape}.")
        y = y[:, 0]
    if y.dtype.kind == "f":
        check_finite(y, "y")
    return y
