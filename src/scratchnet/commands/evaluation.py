"""``scratchnet predict`` and ``scratchnet evaluate``: a trained model on raw CSV rows.

The model file carries its :class:`~scratchnet.tabular.TabularEncoder`
configuration (``metadata["tabular"]``), so columns are matched by name,
in any order, encoded exactly as in training; columns the model does not
use are ignored and listed.
"""

import csv
import io
import json
import os
import sys

import numpy as np

from ..errors import DataValidationError, ModelFileError
from ..loading import load
from ..tabular import (TabularEncoder, classification_report, format_report, read_table,
                       regression_report)
from .files import check_output_path, write_text_atomically

__all__ = ["load_tabular_model", "score_rows", "run_predict", "run_evaluate"]


def load_tabular_model(path):
    """``(model, encoder)`` from a model file written by ``scratchnet train``.

    Raises
    ------
    ModelFileError
        If the file is missing, damaged, not a scratchnet model, or has no
        column description (a model saved from Python without one).
    """
    model = load(path)
    config = model.metadata.get("tabular")
    if config is None:
        raise ModelFileError(f"{path}: this model has no column description (it was not trained "
                             "by scratchnet train), so it cannot read CSV rows; use it from "
                             "Python with model.predict(X)")
    try:
        encoder = TabularEncoder.from_config(config)
    except ValueError as exc:
        raise ModelFileError(f"{path}: invalid column description: {exc}") from None
    return model, encoder


def predict_labels(model, encoder, X):
    """Predicted labels (classifiers) or values in the target's units (regression)."""
    pred = model.predict(X)
    if encoder.task == "regression":
        return encoder.decode_target(pred)
    return pred


def score_rows(model, encoder, X, y):
    """The report dict (see :mod:`scratchnet.tabular.report`) of the model on (X, y)."""
    pred = predict_labels(model, encoder, X)
    if encoder.task == "regression":
        return regression_report(y, pred, encoder.baseline["mean"])
    return classification_report(y, pred, encoder.classes, encoder.baseline["majority"])


def _ignored_note(table, extra, encoder, print_fn):
    if extra:
        role = {encoder.target: " (the target)"}
        names = ", ".join(f"{name}{role.get(name, '')}" for name in extra)
        print_fn(f"Ignored {len(extra)} column{'s' if len(extra) > 1 else ''} the model does "
                 f"not use: {names}")


def run_predict(model_path, data, out=None, proba=False, id_column=None, force=False,
                print_fn=None):
    """Write predictions for every row of ``data`` (CSV to ``out``, or to stdout).

    Output columns: the ``id_column`` (when given), the prediction under the
    target's name, and with ``proba`` one ``proba_<class>`` column per class.
    Nothing is written unless every row could be predicted.
    """
    if out is not None:
        check_output_path(out, "predictions file", force=force)
    notes = print_fn or (print if out is not None else
                         (lambda *a: print(*a, file=sys.stderr)))
    model, encoder = load_tabular_model(model_path)
    if proba and encoder.task == "regression":
        raise ValueError(f"--proba needs a classifier; {model_path} predicts {encoder.target!r} "
                         "by regression")
    table = read_table(data)
    if id_column is not None and id_column not in table.columns:
        raise DataValidationError(f"{table.source}: there is no column {id_column!r} (--id); "
                                  f"the columns are: {', '.join(table.names)}")
    extra = encoder.check_columns(table)
    X = encoder.transform(table)
    pred = predict_labels(model, encoder, X)
    header = ([id_column] if id_column else []) + [encoder.target]
    columns = ([table.column(id_column)] if id_column else [])
    if encoder.task == "regression":
        columns.append([f"{v:.10g}" for v in pred])
    else:
        columns.append([str(v) for v in pred])
    if proba:
        P = model.predict_proba(X)
        header += [f"proba_{c}" for c in encoder.classes]
        columns += [[f"{p:.6f}" for p in P[:, k]] for k in range(P.shape[1])]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns))
    _ignored_note(table, [n for n in extra if n != id_column], encoder, notes)
    if out is None:
        sys.stdout.write(buffer.getvalue())
    else:
        write_text_atomically(out, buffer.getvalue())
        notes(f"Wrote {table.n_rows} predictions to {out}")
    return 0


def run_evaluate(model_path, data, target=None, json_path=None, force=False, print_fn=print):
    """Print the report of the model on the labelled rows of ``data`` (and write it as JSON)."""
    if json_path is not None:
        check_output_path(json_path, "JSON report", force=force)
    model, encoder = load_tabular_model(model_path)
    if target is not None and target != encoder.target:
        raise ValueError(f"--target {target!r}: {model_path} was trained to predict "
                         f"{encoder.target!r}")
    table = read_table(data)
    extra = encoder.check_columns(table, with_target=True)
    X, y = encoder.transform(table), encoder.labels(table)
    report = score_rows(model, encoder, X, y)
    _ignored_note(table, extra, encoder, print_fn)
    print_fn(format_report(report, title=f"{os.path.basename(os.fspath(data))}"))
    if json_path is not None:
        write_text_atomically(json_path, json.dumps(_plain(report), indent=2) + "\n")
        print_fn(f"Wrote the report to {json_path}")
    return 0


def _plain(value):
    """NumPy scalars inside the report as Python ones, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value
