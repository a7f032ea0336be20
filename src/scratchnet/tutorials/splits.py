"""The train/test split scikit-learn makes for an integer ``random_state``.

:func:`scratchnet.preprocessing.train_test_split` draws from NumPy's
``Generator``, so the same integer seed gives a different split than
scikit-learn's, which draws from the legacy ``RandomState``. The tutorials
report numbers on scikit-learn's splits (tutorial 002 uses ``random_state=2``);
:func:`sklearn_compatible_split` rebuilds those splits exactly, without
importing scikit-learn.
"""

import math
import numbers

import numpy as np

__all__ = ["sklearn_compatible_split", "sklearn_compatible_indices"]


def sklearn_compatible_indices(n_samples, test_size=0.25, random_state=None):
    """Train and test row indices of scikit-learn's shuffled ``train_test_split``.

    Parameters
    ----------
    n_samples : int
        Number of rows to split (at least 2).
    test_size : float in (0, 1) or int, default 0.25
        Fraction of the rows (rounded up) or number of rows in the test set.
    random_state : int or None
        Seed of a *local* ``np.random.RandomState``; the global NumPy state is
        never touched. None draws a fresh unpredictable split.

    Returns
    -------
    train_idx : ndarray of shape (n_samples - n_test,), intp
    test_idx : ndarray of shape (n_test,), intp

    Notes
    -----
    scikit-learn's ``ShuffleSplit`` (behind ``train_test_split``) does the
    following, which is reproduced here: ``n_test = ceil(test_size * n)`` for a
    float, ``n_train = n - n_test``; one permutation ``p`` of ``range(n)`` is
    drawn with ``RandomState(random_state).permutation(n)``; the test rows are
    ``p[:n_test]`` and the training rows ``p[n_test:]``, both in permutation
    order (not sorted).

    Examples
    --------
    >>> train, test = sklearn_compatible_indices(10, test_size=0.2, random_state=2)
    >>> len(train), len(test)
    (8, 2)
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) \
            or n_samples < 2:
        raise ValueError("The 'n_samples' parameter of sklearn_compatible_indices must be an "
                         f"int in the range [2, inf). Got {n_samples!r} instead.")
    n_test = _n_test(test_size, n_samples)
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, numbers.Integral)
                                     or random_state < 0):
        raise ValueError("The 'random_state' parameter of sklearn_compatible_split must be "
                         f"None or an int in the range [0, 2**32). Got {random_state!r} instead.")
    order = np.random.RandomState(random_state).permutation(n_samples)
    return order[n_test:], order[:n_test]


def sklearn_compatible_split(*arrays, test_size=0.25, random_state=None):
    """Split arrays row for row exactly as scikit-learn's ``train_test_split`` does.

    Parameters
    ----------
    *arrays : array-likes of equal length
        E.g. ``X`` of shape (n_samples, n_features) and ``y`` of shape (n_samples,).
    test_size : float in (0, 1) or int, default 0.25
    random_state : int or None
        As in scikit-learn: the same integer gives the same split there and here.

    Returns
    -------
    list of ndarray, length ``2 * len(arrays)``
        ``[a_train, a_test, b_train, b_test, ...]``.

    See Also
    --------
    sklearn_compatible_indices : the algorithm, and the indices alone.
    scratchnet.preprocessing.train_test_split : scratchnet's own split (a
        different random stream, and stratification).

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> X_train, X_test, y_train, y_test = sklearn_compatible_split(
    ...     X, y, test_size=0.2, random_state=2)
    >>> X_train.shape, X_test.shape
    ((8, 2), (2, 2))
    """
    if not arrays:
        raise ValueError("sklearn_compatible_split needs at least one array to split")
    arrays = [np.asarray(a) for a in arrays]
    lengths = {len(a) if a.ndim else None for a in arrays}
    if len(lengths) != 1 or None in lengths:
        raise ValueError("all arrays must be sequences with the same number of samples; got "
                         f"lengths {[len(a) if a.ndim else None for a in arrays]}")
    train, test = sklearn_compatible_indices(lengths.pop(), test_size, random_state)
    out = []
    for a in arrays:
        out.extend([a[train], a[test]])
    return out


def _n_test(test_size, n_samples):
    error = ValueError(
        "The 'test_size' parameter of sklearn_compatible_split must be a float in the range "
        f"(0.0, 1.0) or an int in the range [1, {n_samples - 1}]. Got {test_size!r} instead.")
    if isinstance(test_size, bool):
        raise error
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size < n_samples:
            raise error
        return int(test_size)
    if isinstance(test_size, numbers.Real) and 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n_samples)
        if n_test >= n_samples:
            raise error
        return n_test
    raise error
