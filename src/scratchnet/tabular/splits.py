"""Training, validation and test rows of a table: one seeded, stratified split."""

import math
from collections import Counter

import numpy as np

from ..errors import DataValidationError
from ..preprocessing import train_test_split

__all__ = ["split_rows"]


def split_rows(n_rows, val=0.2, test=0.2, seed=0, labels=None):
    """Indices of the training, validation and test rows.

    Parameters
    ----------
    n_rows : int
    val, test : float in [0, 1)
        Fractions of *all* rows; each part gets :math:`\\lceil f\\, n \\rceil`
        rows (none for 0), the training part the rest.
    seed : int
        The same seed gives the same split.
    labels : sequence, optional
        Class labels: the split is then stratified (every class in every part,
        in proportion), and refused when a class or a part is too small for it.

    Returns
    -------
    train, val, test : ndarray of int
        Disjoint, covering all rows.

    Raises
    ------
    DataValidationError
        If the parts cannot be formed; the message says what is missing.

    Examples
    --------
    >>> train, val, test = split_rows(10, val=0.2, test=0.3, seed=0)
    >>> len(train), len(val), len(test), sorted(np.concatenate([train, val, test]).tolist()) == list(range(10))
    (5, 2, 3, True)
    """
    n_test = math.ceil(test * n_rows) if test else 0
    n_val = math.ceil(val * n_rows) if val else 0
    n_train = n_rows - n_test - n_val
    options = f"--val {val:g} and --test {test:g}"
    if n_train < 1:
        raise DataValidationError(
            f"{n_rows} rows are too few for {options}: {n_val} validation and {n_test} test rows "
            "would leave none for training; use smaller fractions or more rows"
        )
    if labels is not None:
        _check_stratifiable(labels, {"training": n_train, "validation": n_val, "test": n_test},
                            options)
    rng = np.random.default_rng(seed)
    labels = None if labels is None else np.asarray(labels)
    rest, test_idx = np.arange(n_rows), np.array([], dtype=np.intp)
    if n_test:
        rest, test_idx = train_test_split(rest, test_size=n_test, random_state=rng,
                                          stratify=None if labels is None else labels)
    train_idx, val_idx = rest, np.array([], dtype=np.intp)
    if n_val:
        train_idx, val_idx = train_test_split(rest, test_size=n_val, random_state=rng,
                                              stratify=None if labels is None else labels[rest])
    return train_idx, val_idx, test_idx


def _check_stratifiable(labels, sizes, options):
    parts = {name: size for name, size in sizes.items() if size}
    counts = Counter(labels.tolist() if isinstance(labels, np.ndarray) else labels)
    n_classes = len(counts)
    label, fewest = min(counts.items(), key=lambda kv: (kv[1], str(kv[0])))
    if fewest < len(parts):
        raise DataValidationError(
            f"the class {label!r} has {fewest} row{'s' if fewest != 1 else ''}, too few for "
            f"{options}: a split into {' / '.join(parts)} rows needs at least {len(parts)} of "
            "each class in the file (set --val 0 or --test 0 to make fewer parts)"
        )
    for name, size in parts.items():
        if size < n_classes:
            raise DataValidationError(
                f"{sum(counts.values())} rows are too few for {options}: the {name} part would "
                f"get {size} rows, fewer than the {n_classes} classes"
            )
