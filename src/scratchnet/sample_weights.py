"""Per-sample weights for training: ``sample_weight`` checked, ``class_weight`` expanded."""

import numpy as np

from ._validation import check_finite, check_option
from .errors import DataValidationError

__all__ = ["training_weights"]


def training_weights(task, Y, dtype, sample_weight=None, class_weight=None):
    """The weight of every training sample in the loss, or None for all ones.

    Parameters
    ----------
    task : Task
        The model's fitted task head.
    Y : ndarray
        The targets as ``task.encode`` returned them.
    dtype : numpy dtype
        The model's.
    sample_weight : array-like of shape (n,), optional
        Non-negative, finite.
    class_weight : dict or "balanced", optional
        Classifiers: a weight per class label, multiplied into
        ``sample_weight``. ``"balanced"`` gives class :math:`c` the weight
        :math:`n / (C \\, n_c)`, as scikit-learn: every class then weighs as
        much in the loss, and the weights average 1.

    Raises
    ------
    DataValidationError
        A weight of the wrong shape, negative or non-finite (naming its
        index), an unknown class, or weights that are all zero.
    """
    n = len(Y)
    weight = None
    if sample_weight is not None:
        weight = np.asarray(sample_weight)
        if weight.shape != (n,) or weight.dtype.kind not in "biuf":
            raise DataValidationError(
                f"sample_weight must be a numeric array of shape ({n},); got "
                f"{weight.dtype} of shape {weight.shape}.")
        weight = weight.astype(dtype)
        check_finite(weight, "sample_weight")
        if (weight < 0).any():
            i = int(np.flatnonzero(weight < 0)[0])
            raise DataValidationError(f"sample_weight must be >= 0; index {i} is {weight[i]}.")
    if class_weight is not None:
        per_class = _class_weights(task, Y, class_weight).astype(dtype)
        weight = per_class if weight is None else weight * per_class
    if weight is not None and not weight.any():
        raise DataValidationError("the sample weights are all zero: nothing to learn from.")
    return weight


def _class_weights(task, Y, class_weight):
    if not task.is_classifier:
        raise DataValidationError("class_weight applies to classifiers only")
    codes = task.target_codes(Y)
    classes = task.classes_.tolist()
    if isinstance(class_weight, str):
        check_option(class_weight, "class_weight", "fit", ("balanced",))
        counts = np.bincount(codes, minlength=len(classes))
        table = np.where(counts > 0, len(codes) / (len(classes) * np.maximum(counts, 1)), 0.0)
    elif isinstance(class_weight, dict):
        unknown = [k for k in class_weight if k not in classes]
        if unknown:
            raise DataValidationError(f"class_weight names unknown classes {unknown}; the "
                                      f"classes are {classes}.")
        table = np.array([float(class_weight.get(c, 1.0)) for c in classes])
    else:
        raise DataValidationError("class_weight must be a dict {label: weight} or "
                                  f"'balanced'; got {class_weight!r}.")
    return table[codes]
