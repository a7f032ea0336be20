"""Checks at the door: constructor arguments and data, in one voice.

Argument errors follow one message shape (the one scikit-learn uses)::

    The 'lr' parameter of Adam must be a float in the range (0.0, inf). Got -1 instead.
"""

import math
import numbers

import numpy as np

from .errors import DataValidationError

__all__ = ["check_scalar", "check_option", "check_random_state", "check_X", "check_finite"]


def _interval(low, high, closed):
    left = "[" if closed in ("both", "left") and low is not None else "("
    right = "]" if closed in ("both", "right") and high is not None else ")"
    low = "-inf" if low is None else low
    high = "inf" if high is None else high
    return f"{left}{low}, {high}{right}"


def check_scalar(value, name, owner, kind=float, low=None, high=None, closed="both",
                 allow_none=False):
    """Validate a numeric argument and return it as a Python ``int`` or ``float``.

    Parameters
    ----------
    value : object
        The value received.
    name, owner : str
        Parameter and class (or function) name, used in the message.
    kind : {int, float}
        ``int`` accepts integral numbers only; ``float`` accepts any real number.
    low, high : float or None
        Bounds; ``None`` means unbounded.
    closed : {"both", "left", "right", "neither"}
        Which bounds are inclusive.
    allow_none : bool
        Whether ``None`` is accepted (and returned as is).

    Raises
    ------
    ValueError
        If the value has the wrong type or lies outside the range.
    """
    if value is None and allow_none:
        return None
    type_name = "an int" if kind is int else "a float"
    ok_type = isinstance(value, numbers.Integral if kind is int else numbers.Real)
    ok_type = ok_type and not isinstance(value, bool)
    inside = fits_64_bits = False
    if ok_type:
        try:
            value = int(value) if kind is int else float(value)
        except OverflowError:  # an int beyond float's range
            ok_type = False
        inside = ok_type and not (kind is float and math.isnan(value))
        # NumPy takes no larger integers (seeds, sizes, counts).
        fits_64_bits = not (kind is int and not -2**63 <= value < 2**63)
        inside = inside and fits_64_bits
        if low is not None:
            inside &= value >= low if closed in ("both", "left") else value > low
        if high is not None:
            inside &= value <= high if closed in ("both", "right") else value < high
    if not inside:
        none = " or None" if allow_none else ""
        limit = " (integers must fit in 64 bits)" if ok_type and not fits_64_bits else ""
        raise ValueError(
            f"The '{name}' parameter of {owner} must be {type_name} in the range "
            f"{_interval(low, high, closed)}{none}. Got {value!r} instead{limit}."
        )
    return value


def check_option(value, name, owner, options):
    """Validate that ``value`` is one of ``options`` (compared with ``==``)."""
    if value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(
            f"The '{name}' parameter of {owner} must be one of {allowed}. Got {value!r} instead."
        )
    return value


def check_random_state(random_state, owner):
    """Turn ``random_state`` (None, an int >= 0 or a Generator) into a ``numpy.random.Generator``.

    The legacy ``RandomState`` is refused: it would silently draw a different
    stream than the same seed gives everywhere else in scratchnet.
    """
    if not isinstance(random_state, np.random.RandomState):
        try:
            return np.random.default_rng(random_state)
        except (TypeError, ValueError):
            pass
    raise ValueError(
        f"The 'random_state' parameter of {owner} must be None, an int >= 0 or a "
        f"numpy.random.Generator. Got {random_state!r} instead."
    )


def check_finite(A, name):
    """Raise ``DataValidationError`` naming the first NaN or infinity in ``A``.

    The common case (everything finite) costs one summation and no
    temporary array: a NaN or an infinity makes the sum non-finite. Only
    then (or if the sum overflowed) are the values examined one by one.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(A, axis=None) if A.size else 0.0
    if np.isfinite(total):
        return
    bad = ~np.isfinite(A)
    if not bad.any():
        return
    where = np.argwhere(bad)
    first = tuple(int(i) for i in where[0])
    value = A[first]
    kind = "NaN" if np.isnan(value) else "an infinite value"
    position = _position(first)
    more = f" (and {len(where) - 1} more non-finite values)" if len(where) > 1 else ""
    raise DataValidationError(f"{name} contains {kind} at {position}{more}.")


def _position(index):
    """Where an element is, in words: ``(3, 1) -> 'row 3, column 1'``, ``(4,) -> 'index 4'``."""
    if len(index) == 2:
        return f"row {index[0]}, column {index[1]}"
    return f"index {index[0] if len(index) == 1 else index}"


def _object_as_float(A, name):
    """An object array of real numbers as float64, ``None`` (a missing value) as NaN."""
    for index, value in np.ndenumerate(A):
        if value is not None and not isinstance(value, numbers.Real):
            raise DataValidationError(
                f"{name} must be numeric; got {type(value).__name__} {value!r} at "
                f"{_position(index)}. Encode text columns as numbers first."
            )
    return A.astype(np.float64)


def _reshape_hint(A, n_features):
    """How to make a 1-D ``A`` 2-D, given the number of features expected (if known)."""
    if n_features is None:
        return (" Use X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a "
                "single sample.")
    if n_features == 1:
        return " The model expects a single feature: use X.reshape(-1, 1)."
    if len(A) == n_features:
        return (f" The model expects {n_features} features: use X.reshape(1, -1) for a "
                "single sample.")
    return f" The model expects rows of {n_features} features."


def check_X(X, dtype, name="X", n_features=None):
    """Return ``X`` as a C-contiguous 2-D finite array of ``dtype``.

    Copies only when the dtype or memory layout requires it. ``dtype=None``
    keeps a floating dtype (float32 stays float32) and gives float64 for any
    other. An object array (a pandas column of numbers, say) is accepted when
    it holds real numbers, ``None`` counting as a missing value (NaN).

    Raises
    ------
    DataValidationError
        If ``X`` is not 2-D, not numeric, empty, holds NaN or infinity, or has
        a number of columns other than ``n_features`` (when given).
    """
    try:
        A = np.asarray(X)
    except Exception as exc:  # ragged nested lists and the like
        raise DataValidationError(f"{name} could not be converted to an array: {exc}") from exc
    if A.dtype == object and A.ndim:  # (X=None stays a 0-d object array, refused below)
        A = _object_as_float(A, name)
    if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == bool):
        raise DataValidationError(
            f"{name} must be numeric; got an array of dtype {A.dtype}. Encode text columns "
            "as numbers first."
        )
    if np.iscomplexobj(A):
        raise DataValidationError(f"{name} must be real; got complex dtype {A.dtype}.")
    if A.ndim != 2:
        hint = _reshape_hint(A, n_features) if A.ndim == 1 else ""
        raise DataValidationError(
            f"{name} must be a 2-D array of shape (n_samples, n_features); got shape "
            f"{A.shape}.{hint}"
        )
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise DataValidationError(f"{name} is empty: shape {A.shape}.")
    if n_features is not None and A.shape[1] != n_features:
        raise DataValidationError(
            f"{name} has {A.shape[1]} features, but the model expects {n_features} "
            "(the number of features it was built or trained with)."
        )
    if dtype is None:
        dtype = A.dtype if A.dtype.kind == "f" else np.float64
    A = np.ascontiguousarray(A, dtype=dtype)
    check_finite(A, name)
    return A
