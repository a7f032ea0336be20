"""How good is a model on held-out rows, next to a baseline that ignores the features.

The baseline of a classifier always predicts the majority class of the
training rows; that of a regressor always predicts the training mean. A
model is only useful where it beats its baseline.
"""

import numpy as np

__all__ = ["classification_report", "regression_report", "format_report"]


def _ratio(num, den):
    """``num / den``, 0 where ``den`` is 0 (precision of a class never predicted)."""
    return float(num) / float(den) if den else 0.0


def _per_class(confusion):
    """Precision, recall, F1 and support of each class from a confusion matrix.

    With :math:`C_{ij}` the number of rows of true class :math:`i`
    predicted as :math:`j`: precision :math:`C_{kk} / \\sum_i C_{ik}`,
    recall :math:`C_{kk} / \\sum_j C_{kj}`, F1 their harmonic mean.
    """
    out = []
    for k in range(len(confusion)):
        tp = confusion[k, k]
        precision = _ratio(tp, confusion[:, k].sum())
        recall = _ratio(tp, confusion[k].sum())
        f1 = _ratio(2 * precision * recall, precision + recall)
        out.append({"precision": precision, "recall": recall, "f1": f1,
                    "support": int(confusion[k].sum())})
    return out


def _confusion(y_true, y_pred, classes):
    index = {c: k for k, c in enumerate(classes)}
    confusion = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        confusion[index[t], index[p]] += 1
    return confusion


def classification_report(y_true, y_pred, classes, majority):
    """Accuracy, per-class precision/recall/F1, confusion matrix, beside the baseline.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels, all in ``classes``.
    classes : sequence
        The labels, in the order of the confusion matrix's rows and columns.
    majority : label
        The baseline's constant prediction (the training majority class).

    Returns
    -------
    dict
        ``task``, ``n_samples``, ``classes``, ``accuracy``, ``macro_f1``,
        ``per_class`` (list of dicts with ``class``, ``precision``, ``recall``,
        ``f1``, ``support``, ``baseline_f1``), ``confusion_matrix`` (rows: true
        class, columns: predicted; list of lists) and ``baseline``
        (``strategy``, ``prediction``, ``accuracy``, ``macro_f1``).

    Examples
    --------
    >>> r = classification_report(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"], "a")
    >>> r["accuracy"], r["baseline"]["accuracy"], r["confusion_matrix"]
    (0.75, 0.5, [[1, 1], [0, 2]])
    """
    classes = [c.item() if isinstance(c, np.generic) else c for c in classes]
    y_true = [c.item() if isinstance(c, np.generic) else c for c in y_true]
    y_pred = [c.item() if isinstance(c, np.generic) else c for c in y_pred]
    confusion = _confusion(y_true, y_pred, classes)
    base = _confusion(y_true, [majority] * len(y_true), classes)
    model_rows, base_rows = _per_class(confusion), _per_class(base)
    n = len(y_true)
    per_class = [{"class": c, **m, "baseline_f1": b["f1"]}
                 for c, m, b in zip(classes, model_rows, base_rows)]
    return {
        "task": "classification",
        "n_samples": n,
        "classes": classes,
        "accuracy": _ratio(np.trace(confusion), n),
        "macro_f1": float(np.mean([m["f1"] for m in model_rows])),
        "per_class": per_class,
        "confusion_matrix": confusion.tolist(),
        "baseline": {"strategy": "majority class", "prediction": majority,
                     "accuracy": _ratio(np.trace(base), n),
                     "macro_f1": float(np.mean([b["f1"] for b in base_rows]))},
    }


def _regression_scores(y, pred):
    resid = y - pred
    total = ((y - y.mean()) ** 2).sum()
    return {"rmse": float(np.sqrt(np.mean(resid ** 2))), "mae": float(np.mean(np.abs(resid))),
            "r2": float(1.0 - (resid ** 2).sum() / total) if total > 0 else 0.0}


def regression_report(y_true, y_pred, mean):
    """RMSE, MAE and :math:`R^2` of the model and of always predicting ``mean``.

    :math:`R^2 = 1 - \\sum (y - \\hat y)^2 / \\sum (y - \\bar y)^2` with
    :math:`\\bar y` the mean of these rows, so the baseline (the *training*
    mean) scores near 0 and at most 0.

    Examples
    --------
    >>> r = regression_report([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], mean=2.0)
    >>> r["mae"], r["baseline"]["mae"], r["baseline"]["r2"]
    (0.3333333333333333, 0.6666666666666666, 0.0)
    """
    y = np.asarray(y_true, dtype=np.float64)
    pred = np.asarray(y_pred, dtype=np.float64)
    base = _regression_scores(y, np.full_like(y, mean))
    return {"task": "regression", "n_samples": int(len(y)), **_regression_scores(y, pred),
            "baseline": {"strategy": "training mean", "prediction": float(mean), **base}}


def format_report(report, title="Test rows"):
    """The report as a text table (what ``scratchnet train`` and ``evaluate`` print)."""
    if report["task"] == "regression":
        return _format_regression(report, title)
    base = report["baseline"]
    lines = [f"{title}: {report['n_samples']} rows",
             f"{'':14}{'model':>10}{'baseline':>10}   (baseline: always {base['prediction']!r}, "
             "the training majority)",
             f"{'accuracy':14}{report['accuracy']:>10.4f}{base['accuracy']:>10.4f}",
             f"{'macro F1':14}{report['macro_f1']:>10.4f}{base['macro_f1']:>10.4f}",
             ""]
    names = [str(c) for c in report["classes"]]
    width = max(8, *(len(n) + 2 for n in names))
    lines.append(f"{'class':{width}}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"
                 f"{'baseline f1':>13}")
    for name, row in zip(names, report["per_class"]):
        lines.append(f"{name:{width}}{row['precision']:>10.4f}{row['recall']:>8.4f}"
                     f"{row['f1']:>8.4f}{row['support']:>9}{row['baseline_f1']:>13.4f}")
    lines += ["", "Confusion matrix (rows: true class, columns: predicted class)"]
    cell = max(6, *(len(n) + 2 for n in names),
               *(len(str(v)) + 2 for r in report["confusion_matrix"] for v in r))
    lines.append(" " * width + "".join(f"{n:>{cell}}" for n in names))
    for name, row in zip(names, report["confusion_matrix"]):
        lines.append(f"{name:{width}}" + "".join(f"{v:>{cell}}" for v in row))
    return "\n".join(lines)


def _format_regression(report, title):
    base = report["baseline"]
    lines = [f"{title}: {report['n_samples']} rows",
             f"{'':8}{'model':>12}{'baseline':>12}   (baseline: always {base['prediction']:.6g}, "
             "the training mean)"]
    for key, label in (("rmse", "RMSE"), ("mae", "MAE"), ("r2", "R^2")):
        lines.append(f"{label:8}{report[key]:>12.6g}{base[key]:>12.6g}")
    return "\n".join(lines)
