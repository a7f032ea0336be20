"""Preprocessing without scikit-learn: label encoding (more transformers follow)."""

import numpy as np

__all__ = ["LabelEncoder"]


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
        y = _as_label_vector(y)
        self.classes_ = np.unique(y)
        return self

    def transform(self, y):
        """Encode ``y``; raises ``ValueError`` naming any label not seen by ``fit``."""
        classes = self._fitted_classes()
        y = _as_label_vector(y)
        codes = np.searchsorted(classes, y)
        codes = np.minimum(codes, len(classes) - 1)
        unknown = classes[codes] != y
        if np.any(unknown):
            bad = np.unique(y[unknown])
            raise ValueError(
                f"y contains labels never seen during fit: {bad[:10].tolist()}; "
                f"known labels: {classes[:20].tolist()}"
            )
        return codes.astype(np.intp)

    def fit_transform(self, y):
        return self.fit(y).transform(y)

    def inverse_transform(self, codes):
        """Map integer codes back to the original labels."""
        classes = self._fitted_classes()
        codes = np.asarray(codes)
        if codes.size and (codes.min() < 0 or codes.max() >= len(classes)):
            raise ValueError(
                f"codes must lie in [0, {len(classes) - 1}]; got values from "
                f"{codes.min()} to {codes.max()}"
            )
        return classes[codes]

    def _fitted_classes(self):
        if not hasattr(self, "classes_"):
            raise RuntimeError("this LabelEncoder is not fitted yet: call fit(y) first")
        return self.classes_


def _as_label_vector(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must be a 1-D array; got shape {y.shape}")
    return y
