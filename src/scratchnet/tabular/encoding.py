"""From a :class:`~scratchnet.tabular.Table` to the arrays a network trains on, and back.

:class:`TabularEncoder` learns, from a training table, everything needed to
turn raw rows into features later: the feature columns and their kinds, the
mean and scale of each numeric column, the categories of each text column,
the class labels (or the target's mean and scale), and the task. Its
:meth:`~TabularEncoder.get_config` is plain JSON, stored in the model file,
so that new rows are encoded exactly as the training rows were.
"""

import math
from collections import Counter

import numpy as np

from .._validation import check_option, check_scalar
from ..errors import DataValidationError
from .columns import column_kind, numbers, texts

__all__ = ["TabularEncoder", "TASKS", "MAX_AUTO_CLASSES"]

TASKS = ("classification", "regression")
#: An integer target with at most this many distinct values is taken as class labels.
MAX_AUTO_CLASSES = 10
_FORMAT = "scratchnet-tabular"
_VERSION = 1


class TabularEncoder:
    """Standardize numeric columns, one-hot encode text columns, encode the target.

    Parameters
    ----------
    target : str
        Name of the target column.
    task : {"classification", "regression"} or None
        None chooses from the target: text, or integers with at most
        ``MAX_AUTO_CLASSES`` distinct values, mean classification; other
        numbers regression. ``task_reason`` says which rule applied.
    max_categories : int, default 20
        A text feature column with more distinct values is refused by name
        (it is likely an identifier or free text).
    ignore : sequence of str, default ()
        Columns that are not features (identifiers, notes ...).

    Attributes (after :meth:`fit`)
    ------------------------------
    features : list of dict
        One per input column, in file order: ``{"name", "kind": "numeric",
        "mean", "scale"}`` or ``{"name", "kind": "categorical", "categories"}``.
    classes : list of (str or int), or None
        Sorted class labels (classification).
    target_mean, target_scale : float or None
        Regression targets are standardized for training:
        :math:`t = (y - \\mu) / \\sigma`; predictions are mapped back.
    baseline : dict
        ``{"majority": label}`` or ``{"mean": value}``, from the training rows:
        what a model that ignores the features would predict.

    Notes
    -----
    A numeric column :math:`x` becomes :math:`(x - \\mu) / \\sigma` with the
    mean and (population) standard deviation of the training rows; a
    constant column gets :math:`\\sigma = 1`. A text column with categories
    :math:`c_1 < \\dots < c_k` becomes :math:`k` columns of 0/1.

    Examples
    --------
    >>> from scratchnet.tabular import parse_csv_bytes
    >>> table = parse_csv_bytes(b"size,colour,label\\n1,red,a\\n3,blue,b\\n2,red,a\\n")
    >>> enc = TabularEncoder("label").fit(table)
    >>> enc.task, enc.feature_names_out
    ('classification', ['size', 'colour=blue', 'colour=red'])
    >>> enc.transform(table).round(3).tolist()[0]
    [-1.225, 0.0, 1.0]
    >>> TabularEncoder.from_config(enc.get_config()).get_config() == enc.get_config()
    True
    """

    def __init__(self, target, task=None, max_categories=20, ignore=()):
        self.target = str(target)
        self.task_option = (None if task is None
                            else check_option(task, "task", "TabularEncoder", TASKS))
        self.task = self.task_option
        self.max_categories = check_scalar(max_categories, "max_categories", "TabularEncoder",
                                           kind=int, low=1)
        self.ignore = [str(name) for name in ignore]
        self.task_reason = None
        self.features = None
        self.classes = None
        self.target_mean = self.target_scale = None
        self.baseline = None

    # -- learning the encoding -----------------------------------------------
    def fit(self, table, rows=None):
        """Learn the encoding from ``table``.

        Parameters
        ----------
        table : Table
        rows : sequence of int, optional
            The training rows: the statistics (means, scales, baseline) come
            from them alone, so nothing leaks from validation or test rows.
            Categories and classes are taken from every row.

        Raises
        ------
        DataValidationError
            Unknown target or ignored column, no feature column, a missing or
            mistyped cell, a text column with too many values, a single
            class, a regression target that is not numeric.
        """
        rows = list(range(table.n_rows)) if rows is None else [int(i) for i in rows]
        for name in [self.target] + self.ignore:
            if name not in table.columns:
                role = "target" if name == self.target else "ignored"
                raise DataValidationError(
                    f"{table.source}: there is no column {name!r} (the {role} column); the "
                    f"columns are: {', '.join(table.names)}"
                )
        feature_names = [n for n in table.names if n != self.target and n not in self.ignore]
        if not feature_names:
            raise DataValidationError(f"{table.source}: no feature column is left besides the "
                                      f"target {self.target!r}")
        self._fit_target(table, rows)
        self.features = [self._fit_feature(table, name, rows) for name in feature_names]
        return self

    def _fit_feature(self, table, name, rows):
        if column_kind(table, name) == "numeric":
            values = numbers(table, name, rows)
            mean, scale = _mean_and_scale(values)
            return {"name": name, "kind": "numeric", "mean": mean, "scale": scale}
        categories = sorted(set(texts(table, name)))
        if len(categories) > self.max_categories:
            raise DataValidationError(
                f"{table.source}: column {name!r} holds text with {len(categories)} distinct "
                f"values, more than the {self.max_categories} a categorical column may have "
                f"(e.g. {', '.join(repr(c) for c in categories[:3])}); it looks like an "
                "identifier or free text: leave it out (--ignore) or allow more "
                "(--max-categories)"
            )
        return {"name": name, "kind": "categorical", "categories": categories}

    def _fit_target(self, table, rows):
        name, kind = self.target, column_kind(table, self.target)
        self.task = self.task_option
        explicit = self.task is not None
        if kind == "text":
            labels = texts(table, name)
            if self.task == "regression":
                raise DataValidationError(
                    f"{table.where(0, name)}: regression needs a numeric target, but the target "
                    f"column {name!r} holds text ({labels[0]!r}...)"
                )
            reason = f"the target {name!r} holds text"
        else:
            values = numbers(table, name)
            integral = bool(np.all(values == np.round(values)))
            n_distinct = len(np.unique(values))
            if self.task is None:
                if integral and n_distinct <= MAX_AUTO_CLASSES:
                    self.task = "classification"
                    reason = (f"the target {name!r} holds {n_distinct} distinct integer values "
                              f"(at most {MAX_AUTO_CLASSES} count as classes; --task regression "
                              "to predict it as a number)")
                else:
                    self.task = "regression"
                    what = (f"{n_distinct} distinct integers (more than {MAX_AUTO_CLASSES})"
                            if integral else "numbers with a fractional part")
                    reason = f"the target {name!r} holds {what}"
            labels = ([int(v) for v in values] if integral
                      else [c.strip() for c in texts(table, name)])
        if self.task is None:
            self.task = "classification"
        self.task_reason = f"--task {self.task}" if explicit else reason
        if self.task == "regression":
            values = numbers(table, name, rows)
            self.target_mean, self.target_scale = _mean_and_scale(values)
            self.baseline = {"mean": float(values.mean())}
            return
        self.classes = sorted(set(labels))
        if len(self.classes) < 2:
            raise DataValidationError(
                f"{table.source}: the target column {name!r} holds a single class "
                f"({self.classes[0]!r}); a classifier needs at least two"
            )
        counts = Counter(labels[i] for i in rows)
        self.baseline = {"majority": max(self.classes, key=lambda c: counts[c])}

    # -- applying it ---------------------------------------------------------
    @property
    def fitted(self):
        return self.features is not None

    @property
    def input_columns(self):
        """The feature columns a table must hold, in training order."""
        self._require_fitted()
        return [f["name"] for f in self.features]

    @property
    def feature_names_out(self):
        """Names of the encoded features: ``"age"``, ``"colour=red"`` ..."""
        self._require_fitted()
        out = []
        for f in self.features:
            if f["kind"] == "numeric":
                out.append(f["name"])
            else:
                out.extend(f"{f['name']}={c}" for c in f["categories"])
        return out

    def check_columns(self, table, with_target=False):
        """Raise naming the columns ``table`` lacks; return the extra ones (ignored).

        Columns are matched by name; their order does not matter.
        """
        needed = self.input_columns + ([self.target] if with_target else [])
        missing = [n for n in needed if n not in table.columns]
        if missing:
            s = "s" if len(missing) > 1 else ""
            raise DataValidationError(
                f"{table.source}: the model needs the column{s} "
                f"{', '.join(repr(n) for n in missing)}, which the file lacks (it has: "
                f"{', '.join(table.names)})"
            )
        return [n for n in table.names if n not in needed]

    def transform(self, table, rows=None):
        """The encoded features, float64 array of shape (n_rows, n_features_out).

        Raises
        ------
        DataValidationError
            A missing column, a missing or mistyped cell, or a category not
            seen in training (with its line and column).
        """
        self.check_columns(table)
        rows = list(range(table.n_rows)) if rows is None else [int(i) for i in rows]
        blocks = []
        for f in self.features:
            if f["kind"] == "numeric":
                values = numbers(table, f["name"], rows)
                blocks.append(((values - f["mean"]) / f["scale"])[:, None])
                continue
            index = {c: k for k, c in enumerate(f["categories"])}
            cells = texts(table, f["name"], rows)
            block = np.zeros((len(rows), len(index)))
            for r, cell in enumerate(cells):
                k = index.get(cell)
                if k is None:
                    raise DataValidationError(
                        f"{table.where(rows[r], f['name'])}: {cell!r} was not seen in training "
                        f"(known values: {', '.join(repr(c) for c in f['categories'])})"
                    )
                block[r, k] = 1.0
            blocks.append(block)
        return np.hstack(blocks)

    def labels(self, table, rows=None):
        """The target column: class labels (int64 or str array) or float64 values.

        Raises
        ------
        DataValidationError
            A missing target column, a missing cell, or a class not seen in training.
        """
        self._require_fitted()
        if self.target not in table.columns:
            raise DataValidationError(f"{table.source}: there is no target column "
                                      f"{self.target!r} (the columns are: "
                                      f"{', '.join(table.names)})")
        rows = list(range(table.n_rows)) if rows is None else [int(i) for i in rows]
        if self.task == "regression":
            return numbers(table, self.target, rows)
        integer = isinstance(self.classes[0], int)
        known = set(self.classes)
        out = []
        for i, cell in zip(rows, texts(table, self.target, rows)):
            label = int(float(cell)) if integer and _is_integer(cell) else cell
            if label not in known:
                raise DataValidationError(
                    f"{table.where(i, self.target)}: the class {cell!r} was not seen in training "
                    f"(known classes: {', '.join(repr(c) for c in self.classes)})"
                )
            out.append(label)
        return np.array(out, dtype=np.int64 if integer else str)

    def encode_target(self, y):
        """What the network is trained on: labels as they are, regression values standardized."""
        if self.task == "regression":
            return (np.asarray(y, dtype=np.float64) - self.target_mean) / self.target_scale
        return y

    def decode_target(self, t):
        """Inverse of :meth:`encode_target` for the network's regression outputs."""
        if self.task == "regression":
            return np.asarray(t, dtype=np.float64) * self.target_scale + self.target_mean
        return t

    def _require_fitted(self):
        if not self.fitted:
            raise RuntimeError("the TabularEncoder is not fitted yet: call fit(table) first")

    # -- persistence ---------------------------------------------------------
    def get_config(self):
        """Everything learned, as JSON-serializable data (floats survive JSON exactly)."""
        self._require_fitted()
        return {
            "format": _FORMAT, "version": _VERSION,
            "target": self.target, "task": self.task, "task_reason": self.task_reason,
            "max_categories": self.max_categories, "ignore": list(self.ignore),
            "features": [dict(f) for f in self.features],
            "classes": None if self.classes is None else list(self.classes),
            "target_mean": self.target_mean, "target_scale": self.target_scale,
            "baseline": dict(self.baseline),
        }

    @classmethod
    def from_config(cls, config):
        """Rebuild a fitted encoder from :meth:`get_config`'s output.

        Raises
        ------
        ValueError
            If ``config`` is not such an output.
        """
        if not isinstance(config, dict) or config.get("format") != _FORMAT:
            raise ValueError("not a TabularEncoder configuration")
        if config.get("version") != _VERSION:
            raise ValueError(f"TabularEncoder configuration version {config.get('version')!r} "
                             f"is not supported (this scratchnet reads {_VERSION})")
        try:
            enc = cls(config["target"], config["task"], config["max_categories"],
                      config["ignore"])
            enc.task_reason = str(config["task_reason"])
            enc.features = [_checked_feature(f) for f in config["features"]]
            enc.classes = None if config["classes"] is None else list(config["classes"])
            enc.target_mean, enc.target_scale = config["target_mean"], config["target_scale"]
            enc.baseline = dict(config["baseline"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"invalid TabularEncoder configuration: {exc!r}") from None
        return enc


def _checked_feature(f):
    if f["kind"] == "numeric":
        if not (math.isfinite(f["mean"]) and f["scale"] > 0):
            raise ValueError(f"invalid statistics for column {f['name']!r}")
        return {"name": str(f["name"]), "kind": "numeric", "mean": float(f["mean"]),
                "scale": float(f["scale"])}
    if f["kind"] == "categorical":
        return {"name": str(f["name"]), "kind": "categorical",
                "categories": [str(c) for c in f["categories"]]}
    raise ValueError(f"unknown feature kind {f['kind']!r}")


def _mean_and_scale(values):
    mean = float(values.mean())
    scale = float(values.std())
    return mean, (scale if scale > 0 else 1.0)


def _is_integer(cell):
    try:
        value = float(cell)
    except ValueError:
        return False
    return math.isfinite(value) and value == int(value)
