"""Class labels: checking them, and mapping them to ``0 .. n_classes - 1`` and back."""

import numbers

import numpy as np

from ._validation import check_finite
from .errors import DataValidationError

__all__ = ["LabelEncoder", "as_label_vector"]


def as_label_vector(y, name="y"):
    """``y`` as a 1-D array of sortable labels of one type, or a DataValidationError.

    Accepts a column vector. Object arrays (pandas string or categorical
    columns, Python lists of strings) become fixed-width strings when every
    label is a string, booleans or integers when every label is one. A missing
    label (None, NaN) or a mix of types (``[1, "1"]``) is refused, naming the
    first offending index.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise DataValidationError(f"labels must be a 1-D array; got {name} of shape {y.shape}.")
    if y.dtype.kind == "c":
        raise DataValidationError(f"{name} holds complex numbers ({y.dtype}); labels must be "
                                  "strings, integers, booleans or real numbers.")
    if y.dtype.kind == "f":
        check_finite(y, name)
    if y.dtype == object:
        y = _from_objects(y, name)
    return y


def _from_objects(y, name):
    for i, label in enumerate(y):
        if _is_missing(label):
            raise DataValidationError(f"{name} has a missing label ({label!r}) at index {i}.")
    if len(y) and all(isinstance(label, (bool, np.bool_)) for label in y):
        return y.astype(bool)
    kinds = [(str, "a string"), (numbers.Integral, "an integer"), (numbers.Real, "a number")]
    for kind, _ in kinds:
        if all(isinstance(label, kind) and not isinstance(label, bool) for label in y):
            dtype = {str: str, numbers.Integral: np.int64, numbers.Real: np.float64}[kind]
            try:
                return np.asarray(y.tolist(), dtype=dtype)
            except OverflowError:
                raise DataValidationError(f"{name} holds integers too large for 64 bits.") from None
    first = _describe(y[0], kinds)
    for i, label in enumerate(y):
        if _describe(label, kinds) != first:
            raise DataValidationError(
                f"{name} mixes label types: index 0 is {first} ({y[0]!r}) but index {i} is "
                f"{_describe(label, kinds)} ({label!r}). Use one type for all labels."
            )
    raise DataValidationError(f"{name} holds labels of unsupported type {type(y[0]).__name__}.")


def _is_missing(label):
    """None, or a value unequal to itself: NaN of any float type, NaT, ``pandas.NA``."""
    if label is None:
        return True
    try:
        return bool(label != label)
    except TypeError:  # pandas.NA: a comparison with it is itself missing
        return True
    except ValueError:  # an array as a label: not missing, refused as a type later
        return False


def _describe(label, kinds):
    if isinstance(label, bool):
        return "a boolean"
    return next((text for kind, text in kinds if isinstance(label, kind)),
                f"a {type(label).__name__}")


class LabelEncoder:
    """Map arbitrary labels to the integers ``0 .. n_classes - 1``.

    The classes are the sorted unique labels seen by :meth:`fit`, so labels of
    any sortable type work: strings (``'M'``/``'B'``), integers (``1``/``2``),
    booleans.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted; ``classes_[k]`` is encoded as ``k``.

    Examples
    --------
    >>> enc = LabelEncoder().fit(["M", "B", "M"])
    >>> enc.classes_.tolist(), enc.transform(["B", "M"]).tolist()
    (['B', 'M'], [0, 1])
    """

    def fit(self, y):
        """Learn the sorted unique labels of ``y`` (1-D, or a column vector)."""
        self.classes_ = np.unique(as_label_vector(y))
        return self

    def transform(self, y, name="y"):
        """Encode ``y``; raises ``DataValidationError`` naming any label not seen by ``fit``."""
        classes = self._fitted_classes()
        y = as_label_vector(y, name)
        if y.size == 0:
            return np.zeros(0, dtype=np.intp)
        if len(classes) == 0:
            raise DataValidationError(
                "this LabelEncoder was fitted on no labels, so it can encode none"
            )
        try:
            codes = np.searchsorted(classes, y)
        except TypeError:
            raise DataValidationError(
                f"{name} holds labels of type {y.dtype} but the known labels are of type "
                f"{classes.dtype}: {classes[:20].tolist()}") from None
        codes = np.minimum(codes, len(classes) - 1)
        unknown = classes[codes] != y
        if np.any(unknown):
            first = int(np.flatnonzero(unknown)[0])
            bad = np.unique(y[unknown])
            raise DataValidationError(
                f"{name} contains labels never seen during fit: {bad[:10].tolist()} (first at "
                f"index {first}); known labels: {classes[:20].tolist()}"
            )
        return codes.astype(np.intp)

    def fit_transform(self, y):
        """``fit(y)`` then ``transform(y)``."""
        return self.fit(y).transform(y)

    def inverse_transform(self, codes):
        """Map integer codes back to the original labels."""
        classes = self._fitted_classes()
        codes = np.asarray(codes)
        if codes.size and not np.issubdtype(codes.dtype, np.integer):
            raise DataValidationError(f"codes must be integers; got dtype {codes.dtype}")
        if codes.size and (codes.min() < 0 or codes.max() >= len(classes)):
            raise DataValidationError(
                f"codes must lie in [0, {len(classes) - 1}]; got values from "
                f"{codes.min()} to {codes.max()}"
            )
        return classes[codes.astype(np.intp)]

    def _fitted_classes(self):
        if not hasattr(self, "classes_"):
            raise RuntimeError("this LabelEncoder is not fitted yet: call fit(y) first")
        return self.classes_
