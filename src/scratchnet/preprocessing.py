"""Preprocessing without scikit-learn: scaling, splitting and encoding labels.

The names and call signatures follow scikit-learn's, so code written for
``sklearn.preprocessing`` / ``sklearn.model_selection`` runs unchanged:

- :class:`StandardScaler`: centre each feature and divide by its standard deviation;
- :func:`train_test_split`: random (optionally stratified) train/test split;
- :class:`LabelEncoder`: arbitrary labels to ``0 .. n_classes - 1`` and back;
- :func:`one_hot`: integer labels to one-hot rows (float32 by default).
"""

import math
import numbers

import numpy as np

from ._validation import check_random_state, check_X
from .errors import DataValidationError
from .labels import LabelEncoder, as_label_vector

__all__ = ["StandardScaler", "train_test_split", "LabelEncoder", "one_hot"]


class StandardScaler:
    """Standardize features: subtract the mean and divide by the standard deviation.

    Fit on the training set only and apply the same transform to the test set,
    so that no information about the test set leaks into training.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,), float64
        Per-feature mean of the data seen by :meth:`fit`.
    var_ : ndarray of shape (n_features,), float64
        Per-feature (population, ``ddof=0``) variance.
    scale_ : ndarray of shape (n_features,), float64
        Per-feature standard deviation ``sqrt(var_)``, except that a constant
        feature gets scale 1 (as in scikit-learn), so it maps to 0 instead of NaN.
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    n_samples_seen_ : int
        Number of samples seen by :meth:`fit`.

    Notes
    -----
    ``transform(X) = (X - mean_) / scale_`` and
    ``inverse_transform(Z) = Z * scale_ + mean_``. The statistics are computed
    in float64; float32 input gives float32 output (so a float32 network is not
    silently upcast), integer and boolean input gives float64.

    Examples
    --------
    >>> scaler = StandardScaler().fit([[0.0, 5.0], [2.0, 5.0]])
    >>> scaler.mean_.tolist(), scaler.scale_.tolist()
    ([1.0, 5.0], [1.0, 1.0])
    >>> scaler.transform([[4.0, 5.0]]).tolist()
    [[3.0, 0.0]]
    """

    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric and finite.
        y : ignored
            Accepted so that ``fit(X, y)`` works as in scikit-learn.

        Returns
        -------
        self : StandardScaler

        Raises
        ------
        DataValidationError
            (a ``ValueError``) If ``X`` is not 2-D, not numeric, empty, or
            holds NaN or infinity; the message says which and where.
        """
        X = check_X(X, None, "X of StandardScaler.fit")
        X64 = X.astype(np.float64, copy=False)
        self.mean_ = X64.mean(axis=0)
        self.var_ = X64.var(axis=0)
        scale = np.sqrt(self.var_)
        # np.ptp == 0 is an exact test for a constant column; the variance of one
        # may come out as a tiny positive number through rounding.
        constant = (np.ptp(X64, axis=0) == 0) | (scale == 0)
        self.scale_ = np.where(constant, 1.0, scale)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        return self

    def transform(self, X):
        """Standardize ``X`` with the statistics learned by :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            float32 for float32 input, otherwise float64. Always a new array.
        """
        X = self._check_transform_input(X, "StandardScaler.transform")
        return (X - self.mean_.astype(X.dtype)) / self.scale_.astype(X.dtype)

    def fit_transform(self, X, y=None):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``X * scale_ + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        X = self._check_transform_input(X, "StandardScaler.inverse_transform")
        return X * self.scale_.astype(X.dtype) + self.mean_.astype(X.dtype)

    def _check_transform_input(self, X, caller):
        if not hasattr(self, "mean_"):
            raise RuntimeError("this StandardScaler is not fitted yet: call fit(X) first")
        X = check_X(X, None, f"X of {caller}")
        if X.shape[1] != self.n_features_in_:
            raise DataValidationError(
                f"X has {X.shape[1]} features, but StandardScaler was fitted with "
                f"{self.n_features_in_} features; expected X of shape (n_samples, "
                f"{self.n_features_in_}), got {X.shape}"
            )
        return X


def train_test_split(*arrays, test_size=0.25, random_state=None, stratify=None, shuffle=True):
    """Split arrays into random train and test subsets, row for row.

    Parameters
    ----------
    *arrays : array-likes of equal length
        E.g. ``X`` of shape (n_samples, n_features) and ``y`` of shape
        (n_samples,). Each is converted with ``np.asarray`` and split along
        its first axis with the same indices.
    test_size : float in (0, 1) or int, default 0.25
        A float is the fraction of samples in the test set (rounded up, as
        scikit-learn does); an int the number of test samples, in
        ``[1, n_samples - 1]``.
    random_state : None, int or numpy.random.Generator, default None
        Seed for the shuffling; the same seed gives the same split. (The
        split differs from scikit-learn's for the same integer seed, which
        uses the legacy ``RandomState``.)
    stratify : array-like of shape (n_samples,), optional
        Class labels: the split then keeps the proportion of every class in
        both subsets (up to rounding). Each class needs at least 2 members.
    shuffle : bool, default True
        If False, the first samples form the training set and the last ones
        the test set, in order; ``stratify`` must then be None.

    Returns
    -------
    list of ndarray, length ``2 * len(arrays)``
        ``[a_train, a_test, b_train, b_test, ...]``, in the order of
        ``arrays``; for ``X, y``: ``X_train, X_test, y_train, y_test``.

    Raises
    ------
    ValueError
        If no array is given or ``test_size`` leaves an empty train or test set.
    DataValidationError
        (a ``ValueError``) If the arrays differ in length or ``stratify``
        cannot be honoured.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.array([0] * 5 + [1] * 5)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, test_size=0.2, random_state=0, stratify=y)
    >>> X_train.shape, X_test.shape, sorted(y_test.tolist())
    ((8, 2), (2, 2), [0, 1])
    """
    caller = "train_test_split"
    if not arrays:
        raise ValueError("train_test_split needs at least one array to split")
    arrays = [np.asarray(a) for a in arrays]
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise DataValidationError(
                f"array {i} passed to train_test_split is a scalar, not a sequence of samples"
            )
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) > 1:
        raise DataValidationError(
            f"all arrays must have the same number of samples (first dimension); "
            f"got lengths {lengths}"
        )
    n_samples = lengths[0]
    n_test = _n_test_samples(test_size, n_samples)
    n_train = n_samples - n_test

    if not shuffle:
        if stratify is not None:
            raise ValueError(
                "stratify requires shuffle=True: an unshuffled split cannot be stratified"
            )
        train_idx, test_idx = np.arange(n_train), np.arange(n_train, n_samples)
    else:
        rng = check_random_state(random_state, caller)
        if stratify is None:
            order = rng.permutation(n_samples)
            test_idx, train_idx = order[:n_test], order[n_test:]
        else:
            train_idx, test_idx = _stratified_indices(stratify, n_samples, n_test, rng)

    result = []
    for a in arrays:
        result.extend([a[train_idx], a[test_idx]])
    return result


def _n_test_samples(test_size, n_samples):
    allowed = (
        f"a float in the range (0.0, 1.0) or an int in the range [1, n_samples - 1] = "
        f"[1, {n_samples - 1}]"
    )
    error = ValueError(
        f"The 'test_size' parameter of train_test_split must be {allowed}. "
        f"Got {test_size!r} instead."
    )
    if isinstance(test_size, bool):
        raise error
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size <= n_samples - 1:
            raise error
        return int(test_size)
    if isinstance(test_size, numbers.Real):
        if not 0.0 < test_size < 1.0:
            raise error
        n_test = math.ceil(test_size * n_samples)
        if n_test >= n_samples:
            raise ValueError(
                f"With n_samples={n_samples} and test_size={test_size}, the training set "
                f"would be empty; use a smaller test_size or more samples."
            )
        return n_test
    raise error


def _stratified_indices(stratify, n_samples, n_test, rng):
    labels = np.asarray(stratify)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or len(labels) != n_samples:
        raise DataValidationError(
            f"stratify must be a 1-D array of n_samples={n_samples} labels; "
            f"got shape {labels.shape}"
        )
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.ravel()
    counts = np.bincount(codes, minlength=len(classes))
    if counts.min() < 2:
        rare = classes[counts < 2][:10].tolist()
        raise DataValidationError(
            f"The least populated class in stratify has only 1 member (classes {rare}); "
            f"a stratified split needs at least 2 members per class."
        )
    n_train = n_samples - n_test
    if min(n_test, n_train) < len(classes):
        raise DataValidationError(
            f"A stratified split into {n_train} train and {n_test} test samples cannot put "
            f"each of the {len(classes)} classes on both sides; use a test_size leaving at least "
            f"{len(classes)} samples in each subset."
        )
    test_counts = _allocate(counts, n_test, rng)
    train_parts, test_parts = [], []
    for k, n_k in enumerate(test_counts):
        members = rng.permutation(np.flatnonzero(codes == k))
        test_parts.append(members[:n_k])
        train_parts.append(members[n_k:])
    train_idx = rng.permutation(np.concatenate(train_parts))
    test_idx = rng.permutation(np.concatenate(test_parts))
    return train_idx, test_idx


def _allocate(counts, n_total, rng):
    """Share ``n_total`` test slots among classes in proportion to ``counts``.

    Each class gets the floor of its exact share; the slots left over go to
    the classes with the largest fractional parts (ties broken at random), so
    the shares sum to ``n_total`` exactly and no class is off by a whole sample.
    """
    exact = counts * (n_total / counts.sum())
    share = np.floor(exact).astype(np.int64)
    left = n_total - int(share.sum())
    if left > 0:
        # Sort by fractional part, largest first, random order among equals.
        order = np.lexsort((rng.random(len(counts)), -(exact - share)))
        share[order[:left]] += 1
    return np.minimum(share, counts)


def one_hot(y, n_classes=None, dtype=np.float32):
    """One row per label with a single 1 in the label's column.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Integer labels in ``[0, n_classes)`` (booleans and floats holding
        whole numbers are accepted). Encode other labels first with :class:`LabelEncoder`.
    n_classes : int, optional
        Number of columns; default ``max(y) + 1``. Give it when a batch may
        lack the highest class.
    dtype : numpy dtype, default np.float32
        float32 by default, the dtype of scratchnet's networks: a float64
        target would silently upcast every gradient computed from it.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    >>> one_hot([1], n_classes=3).dtype
    dtype('float32')
    """
    labels = as_label_vector(y)
    if labels.dtype.kind == "b":
        labels = labels.astype(np.int64)
    elif labels.dtype.kind in "fc" or labels.dtype == object:
        try:
            as_int = labels.astype(np.int64)
        except (TypeError, ValueError, OverflowError):
            raise DataValidationError(
                "one_hot needs integer labels; use LabelEncoder first"
            ) from None
        if not np.array_equal(as_int, labels):
            raise DataValidationError(
                f"one_hot needs integer labels; got non-integer values such as "
                f"{labels[as_int != labels][:3].tolist()}"
            )
        labels = as_int
    elif labels.dtype.kind not in "iu":
        raise DataValidationError(
            f"one_hot needs integer labels; got dtype {labels.dtype}. "
            f"Encode them first with LabelEncoder().fit_transform(y)."
        )
    if labels.size and labels.min() < 0:
        raise DataValidationError(f"one_hot labels must be >= 0; got {labels.min()}")
    highest = int(labels.max()) if labels.size else -1
    if n_classes is None:
        n_classes = highest + 1
    elif (isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral)
          or n_classes < 1):
        raise ValueError(
            f"The 'n_classes' parameter of one_hot must be None or an int in the range "
            f"[1, inf). Got {n_classes!r} instead."
        )
    elif highest >= n_classes:
        raise DataValidationError(
            f"one_hot got label {highest} but n_classes={n_classes}: labels must lie in "
            f"[0, {n_classes - 1}]"
        )
    out = np.zeros((len(labels), int(n_classes)), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out
