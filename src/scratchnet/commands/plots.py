"""``scratchnet train --plots DIR``: loss curves, confusion matrix, decision boundary (PNG)."""

import os

import numpy as np

from ..plotting import plot_confusion_matrix, plot_decision_boundary, plot_loss, save_figure

__all__ = ["save_training_plots"]


class _RawInputs:
    """``predict_proba`` on raw (unscaled) values of the two numeric input columns."""

    def __init__(self, model, encoder):
        self.model = model
        self.features = encoder.features

    def predict_proba(self, raw):
        scaled = [(raw[:, k] - f["mean"]) / f["scale"] for k, f in enumerate(self.features)]
        return self.model.predict_proba(np.column_stack(scaled))


def save_training_plots(folder, model, encoder, table, rows, report):
    """Write the plots into ``folder`` (created if needed); returns the paths written.

    ``rows`` are the rows of ``table`` the ``report`` was made on: the
    decision boundary (drawn when the model has exactly two numeric input
    columns) scatters them, in the columns' own units.
    """
    from ..tabular.columns import numbers

    os.makedirs(folder, exist_ok=True)
    paths = []
    ax = plot_loss(model.history, metrics=("loss",), title="Loss per epoch"
                   + (" (standardized target)" if encoder.task == "regression" else ""))
    paths.append(save_figure(ax, os.path.join(folder, "loss.png")))
    if encoder.task == "classification":
        ax = plot_confusion_matrix(report["confusion_matrix"], report["classes"],
                                   title=f"Confusion matrix ({report['n_samples']} rows)")
        paths.append(save_figure(ax, os.path.join(folder, "confusion_matrix.png")))
        if len(encoder.features) == 2 and all(f["kind"] == "numeric" for f in encoder.features):
            names = [f["name"] for f in encoder.features]
            raw = np.column_stack([numbers(table, name, rows) for name in names])
            y = encoder.labels(table, rows)
            ax = plot_decision_boundary(_RawInputs(model, encoder), raw, y, feature_names=names)
            paths.append(save_figure(ax, os.path.join(folder, "decision_boundary.png")))
    return [str(p) for p in paths]
