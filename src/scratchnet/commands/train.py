"""``scratchnet train DATA --target COLUMN``: a network from a CSV file, safely.

The run: check every option and output path, read and encode the table,
split it (seeded, stratified), build and train the network with a
progress bar, report on the test rows beside a baseline, save the model
(with the column description in its metadata), and draw the plots.

Nothing is lost: after every ``--checkpoint-every`` epochs the model is
written atomically to ``OUT.ckpt``; Ctrl-C or a diverged epoch puts the
model back to its last completed epoch and writes that to ``OUT.ckpt``;
``--resume`` continues from ``OUT.ckpt`` and ends bit-identical to a run
never interrupted. An existing ``OUT`` is never replaced without
``--force``; a leftover ``OUT.ckpt`` is never discarded without
``--resume`` or ``--force``. The checkpoint is deleted once ``OUT`` is saved.
"""

import os
import sys

import numpy as np

from .. import __version__
from ..errors import DataValidationError, ModelFileError, TrainingDivergedError
from ..layers import Dense, Dropout
from ..optimizers import OPTIMIZERS
from ..sequential import Sequential
from ..loading import load
from ..tabular import TabularEncoder, format_report, read_table
from ..tabular.splits import split_rows
from .checkpoints import EarlyStoppingRecord, EpochState
from .evaluation import score_rows
from .files import check_output_path, file_sha256
from .options import RESULT_OPTIONS, format_options, resolve_options

__all__ = ["run_train", "checkpoint_path", "INTERRUPTED", "DIVERGED"]

INTERRUPTED = 130  # the shell's code for a process ended by SIGINT
DIVERGED = 1


def checkpoint_path(out):
    return os.fspath(out) + ".ckpt"


def build_network(opts, n_inputs, encoder):
    """The network for ``opts``: hidden Dense layers (and Dropout), then the output layer.

    Two classes get one logit and binary cross-entropy, more get one logit
    per class and cross-entropy, regression one linear unit and MSE.
    """
    layers = []
    for units in opts["layers"]:
        layers.append(Dense(units, activation=opts["activation"]))
        if opts["dropout"]:
            layers.append(Dropout(opts["dropout"]))
    if encoder.task == "regression":
        layers.append(Dense(1))
        loss = "mse"
    elif len(encoder.classes) == 2:
        layers.append(Dense(1))
        loss = "binary_cross_entropy"
    else:
        layers.append(Dense(len(encoder.classes)))
        loss = "cross_entropy"
    model = Sequential(layers, loss=loss, optimizer=OPTIMIZERS[opts["optimizer"]](lr=opts["lr"]),
                       seed=opts["seed"])
    return model.build(n_inputs)


def _resume_options(given, ckpt):
    """The checkpoint's model and options; refuses explicit options that differ from it."""
    if not os.path.exists(ckpt):
        raise ValueError(f"--resume: there is no checkpoint {ckpt} to resume from")
    model = load(ckpt)
    train = model.metadata.get("train")
    if not isinstance(train, dict) or "options" not in train:
        raise ModelFileError(f"{ckpt}: not a checkpoint written by scratchnet train")
    stored = resolve_options({}, base=train["options"])
    explicit = resolve_options(given, base=stored)
    changed = [k for k in RESULT_OPTIONS if explicit[k] != stored[k]]
    if changed:
        raise ValueError("--resume continues the run in " + ckpt + " exactly, but "
                         + ", ".join(f"--{k.replace('_', '-')} {given[k]} differs from its "
                                     f"{stored[k]}" for k in changed)
                         + "; leave these options out or start afresh with --force")
    return model, train, explicit


def run_train(data, target, out="model.npz", force=False, resume=False, plots=None, quiet=False,
              print_fn=print, **given):
    """Train on the CSV (or Parquet) file ``data``; returns the exit status.

    ``given`` holds the options of :data:`~scratchnet.commands.options.DEFAULTS`
    (``None`` = not given). Returns 0, ``INTERRUPTED`` (130) after Ctrl-C,
    ``DIVERGED`` (1) after a diverged epoch. Bad input raises ``ValueError``
    (a ``DataValidationError`` or ``ModelFileError`` for data and model files)
    before anything is written.
    """
    out = os.fspath(out)
    ckpt = checkpoint_path(out)
    # -- every check that needs no data first: nothing is written on bad input --
    opts = resolve_options(given)
    check_output_path(out, "model file", force=force)
    if plots is not None:
        _check_plots(plots)
    record_json = None
    if resume:
        model, stored, opts = _resume_options(given, ckpt)
        record_json = stored.get("early_stopping")
    elif os.path.exists(ckpt) and not force:
        raise ValueError(f"{ckpt} holds an interrupted run; continue it with --resume, or pass "
                         "--force to start afresh (and lose it)")

    table = read_table(data)
    digest = file_sha256(data)
    if resume and stored.get("data_sha256") != digest:
        raise DataValidationError(f"--resume: {data} is not the file the run in {ckpt} was "
                                  "trained on (its SHA-256 differs)")
    encoder = TabularEncoder(target, task=opts["task"], max_categories=opts["max_categories"],
                             ignore=opts["ignore"]).fit(table)
    labels = encoder.labels(table)
    train_rows, val_rows, test_rows = split_rows(
        table.n_rows, opts["val"], opts["test"], opts["seed"],
        labels=labels if encoder.task == "classification" else None)
    encoder.fit(table, rows=train_rows)  # statistics from the training rows only
    X, t = encoder.transform(table), encoder.encode_target(labels)
    _describe(print_fn, table, encoder, train_rows, val_rows, test_rows, opts)

    if not resume:
        model = build_network(opts, X.shape[1], encoder)
    elif model.input_dim != X.shape[1]:
        raise ModelFileError(f"{ckpt}: the checkpoint takes {model.input_dim} inputs, the data "
                             f"gives {X.shape[1]}")
    base_metadata = {
        "scratchnet_version": __version__,
        "tabular": encoder.get_config(),
        "train": {"options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()},
                  "data": os.path.basename(os.fspath(data)), "data_sha256": digest,
                  "rows": {"train": len(train_rows), "val": len(val_rows),
                           "test": len(test_rows)}},
    }

    def metadata(record):
        meta = {**base_metadata, "train": {**base_metadata["train"], "early_stopping": record}}
        return meta

    record = None
    if opts["early_stopping"] is not None:
        record = (EarlyStoppingRecord.from_json(record_json) if record_json
                  else EarlyStoppingRecord(opts["early_stopping"]))
    state = EpochState(ckpt, opts["checkpoint_every"], metadata, record)
    done = model.history.epochs
    remaining = 0 if record is not None and record.stopped else max(opts["epochs"] - done, 0)
    if resume:
        print_fn(f"Resuming from {ckpt}: {done} of {opts['epochs']} epochs done")
    validation = (X[val_rows], t[val_rows]) if len(val_rows) else None
    try:
        # A diverging run overflows on the way; the divergence error says it clearly.
        with np.errstate(over="ignore", invalid="ignore"):
            model.fit(X[train_rows], t[train_rows], epochs=remaining,
                      batch_size=opts["batch_size"], validation_data=validation,
                      callbacks=[state], verbose=0 if quiet else 1)
    except KeyboardInterrupt:
        return _save_interrupted(model, state, ckpt, opts, print_fn, "Interrupted",
                                 "continue with the same command and --resume", INTERRUPTED)
    except TrainingDivergedError as exc:
        print(f"scratchnet: error: {exc}", file=sys.stderr)
        return _save_interrupted(model, state, ckpt, opts, print_fn, "Training diverged",
                                 "start afresh with a smaller --lr and --force", DIVERGED)

    model.metadata = metadata(None)
    if record is not None and record.best_epoch is not None:
        model.metadata["train"]["best_epoch"] = record.best_epoch
    replaced = os.path.exists(out)
    model.save(out)
    if replaced:
        print_fn(f"Replaced the existing {out} (--force)")
    if os.path.exists(ckpt):
        os.unlink(ckpt)
    stop = ""
    if record is not None and record.best_epoch is not None:
        stop = (", stopped early" if record.stopped else "") + (
            f"; kept the weights of epoch {record.best_epoch} (lowest validation loss)")
    print_fn(f"Trained {model.history.epochs} epochs{stop}. Saved the model to {out}")

    rows, title = ((test_rows, "Test rows") if len(test_rows) else
                   (val_rows, "Validation rows") if len(val_rows) else
                   (train_rows, "Training rows (no rows were held out)"))
    report = score_rows(model, encoder, X[rows], labels[rows])
    print_fn(format_report(report, title=title))
    if plots is not None:
        from .plots import save_training_plots

        for path in save_training_plots(plots, model, encoder, table, rows, report):
            print_fn(f"Plot: {path}")
    return 0


def _save_interrupted(model, state, ckpt, opts, print_fn, what, advice, status):
    if model.history.epochs == 0:
        print_fn(f"{what} before the first epoch ended: nothing to save.")
        return status
    state.save(model, ckpt)
    print_fn(f"{what}: saved the model after epoch {model.history.epochs} of {opts['epochs']} to {ckpt} "
             f"(the last completed epoch); {advice}")
    return status


def _check_plots(plots):
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ValueError("--plots needs matplotlib: pip install 'scratchnet[plot]'") from exc
    parent = os.path.dirname(os.path.abspath(plots))
    if not os.path.isdir(parent):
        raise ValueError(f"--plots {plots}: the folder {parent} does not exist")


def _describe(print_fn, table, encoder, train_rows, val_rows, test_rows, opts):
    numeric = [f["name"] for f in encoder.features if f["kind"] == "numeric"]
    categorical = [f for f in encoder.features if f["kind"] == "categorical"]
    print_fn(f"Read {table.source}: {table.n_rows} rows, {len(table.names)} columns, "
             f"{table.describe_delimiter()}")
    what = (f"classification into {len(encoder.classes)} classes "
            f"({', '.join(str(c) for c in encoder.classes)})"
            if encoder.task == "classification" else "regression")
    print_fn(f"Target {encoder.target!r}: {what}, because {encoder.task_reason}")
    parts = [f"{len(numeric)} numeric (standardized)"]
    if categorical:
        parts.append("one-hot encoded: " + ", ".join(
            f"{f['name']} ({len(f['categories'])} values)" for f in categorical))
    if encoder.ignore:
        parts.append("ignored: " + ", ".join(encoder.ignore))
    print_fn(f"Features: {'; '.join(parts)} -> {len(encoder.feature_names_out)} inputs")
    print_fn(f"Split (seed {opts['seed']}): {len(train_rows)} training, {len(val_rows)} "
             f"validation, {len(test_rows)} test rows")
    print_fn(f"Options: {format_options(opts)}")
