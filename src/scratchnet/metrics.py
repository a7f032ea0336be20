"""Metrics: named scores of a model's raw outputs against encoded targets.

A metric is a registered object (kind ``"metric"``) called as
``metric(Z, Y, task) -> float``, with ``Z`` the raw outputs of shape
(n, n_outputs), ``Y`` the targets as the task head encodes them and ``task``
the model's task head, which says what the outputs mean (its decision, the
class codes of the targets, the log-odds of a binary model). Every metric is
computed in float64 from whole arrays, so one implementation serves the
training history, the validation scores and ``evaluate``, and each equals
scikit-learn's function of the same name (see each class).

Names users type (any case): ``accuracy``, ``precision``, ``recall``, ``f1``
(binary for two classes, macro-averaged for more), ``precision_macro``,
``recall_macro``, ``f1_macro`` (macro-averaged always), ``auc``,
``top_k_accuracy`` (k=5) or ``top_<k>_accuracy`` (``"top_3_accuracy"``),
``mae``, ``mse``, ``rmse``, ``r2``, and Keras's long names
(``mean_absolute_error`` ...). Or pass an instance: ``TopKAccuracy(k=3)``,
``F1Score(average="macro")``.

How ``fit`` computes training metrics: when at least one metric is
requested, the training loop copies each batch's outputs (the training-mode
forward pass, dropout included, with the weights of that moment, as Keras
reports them) into one (n, n_outputs) buffer, and computes every metric
once at the end of the epoch against the epoch's targets. The cost is one
small copy per batch and one pass over the epoch's outputs per metric;
with ``metrics=None`` the loop does neither.
"""

import math
import re

import numpy as np

from ._validation import check_option, check_scalar
from .errors import DataValidationError
from .registry import Registered, registry_for, serialize

__all__ = ["Metric", "Accuracy", "Precision", "Recall", "F1Score", "AUC", "TopKAccuracy",
           "MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError", "R2Score", "METRICS",
           "get_metric", "compute_metrics", "greater_is_better"]

METRICS = registry_for("metric")


class Metric(Registered):
    """Base class of the metrics: ``metric(Z, Y, task)`` returns a float.

    Attributes
    ----------
    name : str
        The key in the logs and the history (``"f1"``; ``"val_f1"`` for the
        validation data).
    greater_is_better : bool
        Direction of improvement, used by ``mode="auto"`` in the callbacks.
    for_classifiers : bool
        Whether the metric applies to classifiers (True) or regression (False).
    """

    registry = METRICS
    greater_is_better = True
    for_classifiers = True

    @property
    def name(self):
        return self.aliases[0] if self.aliases else type(self).__name__.lower()

    def __call__(self, Z, Y, task):
        raise NotImplementedError

    def check(self, task):
        """Refuse a task the metric does not apply to (ValueError naming both)."""
        if task.is_classifier != self.for_classifiers:
            kind = "classifiers" if self.for_classifiers else "regression models"
            raise ValueError(f"the metric {self.name!r} applies to {kind} only; this model's "
                             f"loss makes it a {type(task).__name__}.")

    def check_targets(self, task, Y, name="y"):
        """Refuse targets on which the metric is undefined (default: none)."""


def greater_is_better(monitor):
    """Whether a higher value of the log key ``monitor`` is better (Keras's ``mode="auto"``).

    ``"loss"`` and ``"val_loss"`` are minimised. A known metric (``"val_"``
    removed) answers with its own direction (``mae`` is minimised, ``auc``
    maximised). Any other name is maximised when it contains ``acc``,
    ``auc``, ``precision``, ``recall``, ``f1`` or ``r2``, and minimised
    otherwise.
    """
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return False
    try:
        return get_metric(name).greater_is_better
    except ValueError:
        return any(part in name.lower() for part in ("acc", "auc", "precision", "recall", "f1",
                                                     "r2"))


# -- classification --------------------------------------------------------------
def _codes(Z, Y, task):
    """(predicted, true) class codes, each of shape (n,)."""
    return task.decision_codes(Z), task.target_codes(Y)


class Accuracy(Metric):
    """Share of samples whose predicted class is the true one (``sklearn.metrics.accuracy_score``).
    """

    aliases = ("accuracy", "acc")

    def __call__(self, Z, Y, task):
        predicted, true = _codes(Z, Y, task)
        return float(np.count_nonzero(predicted == true) / len(true))


class _ConfusionMetric(Metric):
    """Precision, recall and F1 from the per-class confusion counts.

    For class :math:`c`, with :math:`TP_c` the samples of class :math:`c`
    predicted as :math:`c`, :math:`P_c` the samples predicted as :math:`c`
    and :math:`A_c` the samples of class :math:`c`: precision
    :math:`TP_c / P_c`, recall :math:`TP_c / A_c`, F1
    :math:`2 TP_c / (P_c + A_c)` (the harmonic mean of the two); a
    ratio 0/0 counts as 0 (scikit-learn's ``zero_division`` default).

    Parameters
    ----------
    average : {"auto", "binary", "macro"}, default "auto"
        "binary": the score of the positive class ``classes_[1]`` (two
        classes only). "macro": the unweighted mean over the classes that
        occur in the targets or the predictions (as scikit-learn's
        ``average="macro"``). "auto": binary for two classes, macro for more.
    """

    abstract = True

    def __init__(self, average="auto"):
        self.average = check_option(average, "average", type(self).__name__,
                                    ("auto", "binary", "macro"))

    @property
    def name(self):
        return self.aliases[0] + ("" if self.average == "auto" else f"_{self.average}")

    def check(self, task):
        super().check(task)
        if self.average == "binary" and task.fitted and len(task.classes_) != 2:
            raise ValueError(f"the metric {self.name!r} needs two classes; this model has "
                             f"{len(task.classes_)}. Use average='macro'.")

    def __call__(self, Z, Y, task):
        predicted, true = _codes(Z, Y, task)
        n_classes = len(task.classes_)
        tp = np.bincount(true[predicted == true], minlength=n_classes)
        n_predicted = np.bincount(predicted, minlength=n_classes)
        n_actual = np.bincount(true, minlength=n_classes)
        numerator, denominator = self._ratio(tp, n_predicted, n_actual)
        per_class = np.divide(numerator, denominator, out=np.zeros(n_classes),
                              where=denominator > 0)
        if self.average == "binary" or (self.average == "auto" and n_classes == 2):
            return float(per_class[1])
        present = (n_predicted + n_actual) > 0
        return float(per_class[present].mean())

    def _ratio(self, tp, n_predicted, n_actual):
        raise NotImplementedError


class Precision(_ConfusionMetric):
    """Precision, :math:`TP / (TP + FP)` (``sklearn.metrics.precision_score``); see ``average``."""

    __doc__ += _ConfusionMetric.__doc__[_ConfusionMetric.__doc__.index("\n"):]
    aliases = ("precision",)

    def _ratio(self, tp, n_predicted, n_actual):
        return tp, n_predicted


class Recall(_ConfusionMetric):
    """Recall, :math:`TP / (TP + FN)` (``sklearn.metrics.recall_score``); see ``average``."""

    __doc__ += _ConfusionMetric.__doc__[_ConfusionMetric.__doc__.index("\n"):]
    aliases = ("recall",)

    def _ratio(self, tp, n_predicted, n_actual):
        return tp, n_actual


class F1Score(_ConfusionMetric):
    """F1 score, :math:`2 TP / (2 TP + FP + FN)` (``sklearn.metrics.f1_score``); see ``average``."""

    __doc__ += _ConfusionMetric.__doc__[_ConfusionMetric.__doc__.index("\n"):]
    aliases = ("f1", "f1_score")

    def _ratio(self, tp, n_predicted, n_actual):
        return 2 * tp, n_predicted + n_actual


class AUC(Metric):
    """Area under the ROC curve of a two-class model (``sklearn.metrics.roc_auc_score``).

    The exact rank statistic (Mann-Whitney U), not a thresholded
    approximation: with :math:`r_i` the rank of sample :math:`i`'s score
    among all :math:`n` scores (tied scores share their average rank),
    :math:`n_+` positives (class ``classes_[1]``) and :math:`n_-` negatives,

    .. math:: \\mathrm{AUC} = \\frac{\\sum_{i\\,:\\,y_i = 1} r_i - n_+ (n_+ + 1) / 2}{n_+ n_-},

    the probability that a random positive scores above a random negative,
    ties counting one half. The scores are the log-odds of ``classes_[1]``
    computed from the logits, which rank exactly where saturated
    probabilities would tie. Undefined (NaN from ``evaluate``) when the
    targets hold one class; ``fit`` refuses such training or validation
    data up front.
    """

    aliases = ("auc", "roc_auc")

    def check(self, task):
        super().check(task)
        if task.fitted and len(task.classes_) != 2:
            raise ValueError(f"the metric 'auc' is defined for two classes; this model has "
                             f"{len(task.classes_)}.")

    def check_targets(self, task, Y, name="y"):
        counts = np.bincount(task.target_codes(Y), minlength=2)
        if counts.min() == 0:
            missing = task.classes_.tolist()[int(np.argmin(counts))]
            raise DataValidationError(f"the metric 'auc' needs both classes in {name}; it holds "
                                      f"no {missing!r}.")

    def __call__(self, Z, Y, task):
        scores = task.positive_log_odds(Z).astype(np.float64)
        positive = task.target_codes(Y) == 1
        n_pos = int(np.count_nonzero(positive))
        n_neg = len(positive) - n_pos
        if n_pos == 0 or n_neg == 0:
            return math.nan
        return float((average_ranks(scores)[positive].sum() - n_pos * (n_pos + 1) / 2)
                     / (n_pos * n_neg))


def average_ranks(values):
    """1-based ranks of ``values`` (shape (n,)), ties sharing the mean of their ranks."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    # The tie group in positions starts..ends-1 holds ranks starts+1..ends.
    ranks = np.empty(len(values))
    ranks[order] = np.repeat((starts + 1 + ends) / 2, ends - starts)
    return ranks


class TopKAccuracy(Metric):
    """Share of samples whose true class is among the ``k`` highest scores
    (``sklearn.metrics.top_k_accuracy_score``).

    A sample counts when fewer than ``k`` classes score strictly higher than
    its true class (a tie at the boundary counts in its favour, as
    ``tf.math.in_top_k``). ``k=1`` is the accuracy.

    Parameters
    ----------
    k : int, default 5
        The name in the logs is ``top_<k>_accuracy``; the string
        ``"top_3_accuracy"`` builds ``TopKAccuracy(k=3)``.
    """

    aliases = ("top_k_accuracy",)

    def __init__(self, k=5):
        self.k = check_scalar(k, "k", "TopKAccuracy", kind=int, low=1)

    @property
    def name(self):
        return f"top_{self.k}_accuracy"

    def __call__(self, Z, Y, task):
        true = task.target_codes(Y)
        if Z.shape[1] == 1:  # one logit z: the two classes score 0 and z
            Z = np.hstack([np.zeros_like(Z), Z])
        true_score = Z[np.arange(len(Z)), true][:, None]
        higher = np.count_nonzero(Z > true_score, axis=1)
        return float(np.count_nonzero(higher < self.k) / len(Z))


# -- regression -------------------------------------------------------------------
class _RegressionMetric(Metric):
    """Per output column, then averaged over the columns (scikit-learn's ``"uniform_average"``)."""

    abstract = True
    for_classifiers = False
    greater_is_better = False

    def __call__(self, Z, Y, task):
        diff = np.subtract(Y, Z, dtype=np.float64)
        return float(np.mean(self._per_column(diff, Y)))

    def _per_column(self, diff, Y):
        raise NotImplementedError


class MeanAbsoluteError(_RegressionMetric):
    """Mean absolute error :math:`\\frac1n \\sum_i |y_i - \\hat y_i|`.

    Per output column, then averaged (``sklearn.metrics.mean_absolute_error``).
    """

    aliases = ("mae", "mean_absolute_error")

    def _per_column(self, diff, Y):
        return np.abs(diff).mean(axis=0)


class MeanSquaredError(_RegressionMetric):
    """Mean squared error :math:`\\frac1n \\sum_i (y_i - \\hat y_i)^2`.

    Per output column, then averaged (``sklearn.metrics.mean_squared_error``).
    """

    aliases = ("mse", "mean_squared_error")

    def _per_column(self, diff, Y):
        return np.square(diff).mean(axis=0)


class RootMeanSquaredError(_RegressionMetric):
    """Root mean squared error :math:`\\sqrt{\\frac1n \\sum_i (y_i - \\hat y_i)^2}`.

    Per output column, then averaged (``sklearn.metrics.root_mean_squared_error``).
    """

    aliases = ("rmse", "root_mean_squared_error")

    def _per_column(self, diff, Y):
        return np.sqrt(np.square(diff).mean(axis=0))


class R2Score(_RegressionMetric):
    """Coefficient of determination :math:`1 - \\sum (y - \\hat y)^2 / \\sum (y - \\bar y)^2`
    (``sklearn.metrics.r2_score``).

    Averaged over the output columns. A constant column scores 1 when
    predicted exactly and 0 otherwise (scikit-learn's ``force_finite``).
    """

    aliases = ("r2", "r2_score")
    greater_is_better = True

    def _per_column(self, diff, Y):
        residual = np.square(diff).sum(axis=0)
        total = np.square(Y - Y.mean(axis=0, dtype=np.float64)).sum(axis=0)
        constant = total == 0
        r2 = 1.0 - residual / np.where(constant, 1.0, total)
        return np.where(constant, np.where(residual == 0, 1.0, 0.0), r2)


# -- names ------------------------------------------------------------------------
#: Names that stand for a configured instance of a registered class.
VARIANTS = {f"{cls.aliases[0]}_{average}": (cls, {"average": average})
            for cls in (Precision, Recall, F1Score) for average in ("binary", "macro")}
_TOP_K = re.compile(r"top_([1-9][0-9]*)_accuracy")


def get_metric(metric, owner="Sequential"):
    """A metric instance from a name (any case; see the module's docstring) or an instance.

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.
    """
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, str):
        name = metric.lower()
        if name in VARIANTS:
            cls, kwargs = VARIANTS[name]
            return cls(**kwargs)
        top_k = _TOP_K.fullmatch(name)
        if top_k:
            return TopKAccuracy(k=int(top_k.group(1)))
        try:
            return METRICS.lookup(metric)()
        except ValueError:
            pass
    valid = ", ".join(repr(n) for n in sorted(set(METRICS.names()) | set(VARIANTS)))
    raise ValueError(f"The 'metrics' parameter of {owner} must list metric names from {valid}, "
                     f"'top_<k>_accuracy' (any case) or Metric instances. Got {metric!r} instead.")


def metric_spec(metric):
    """What a model's config records for ``metric``: its name if that rebuilds it, else its spec."""
    try:
        same = get_metric(metric.name)
    except ValueError:
        same = None
    if type(same) is type(metric) and same.get_config() == metric.get_config():
        return metric.name
    return serialize(metric)


def compute_metrics(metrics, Z, Y, task, prefix=""):
    """``{prefix + metric.name: metric(Z, Y, task)}`` for every metric of the list."""
    return {prefix + m.name: m(Z, Y, task) for m in metrics}
