"""Training diagnostics: what each layer's gradients, updates and activations look like.

Three tools, all through the model's public seams:

- :func:`diagnose` (``model.diagnose(X, y)``): one training step on a copy of
  the model, reported per layer as a :class:`DiagnosticsReport` (a table);
- :class:`Diagnostics`: a callback that makes such a report on a fixed
  sample after every epoch, with the update-to-weight ratio measured over the
  epoch, and plots any column over the epochs;
- :class:`NaNSentinel`: a context manager that watches every training
  forward and backward pass and, when training diverges, names the first
  layer and the operation where a non-finite value appeared.

The columns, per layer:

``grad norm``
    :math:`\\|\\nabla_\\theta L\\|_2` over the layer's parameters together.
``update/weight``
    :math:`\\|\\Delta\\theta\\|_2 / \\|\\theta\\|_2`: the relative size of one
    optimizer step (``diagnose``) or of an epoch's updates (``Diagnostics``).
    Around 1e-3 per step is the usual healthy range; far below, the layer
    barely learns; far above, it is unstable.
``mean``, ``std``
    Of the layer's output over the batch, all units together.
``dead``
    ReLU outputs only: the share of units whose output is 0 for every sample
    of the batch (no gradient flows through them).
``saturated``
    Sigmoid and tanh outputs only: the share of outputs within
    :data:`SATURATION` of an asymptote (sigmoid below 0.01 or above 0.99,
    tanh beyond +-0.99), where the local gradient is under 1% of its maximum
    (4% for the sigmoid).
"""

import math

import numpy as np

from ._validation import check_scalar
from .callbacks import Callback
from .errors import TrainingDivergedError
from .layers import ReLU, Sigmoid, Tanh
from .model_copy import prepared_copy

__all__ = ["diagnose", "DiagnosticsReport", "Diagnostics", "NaNSentinel", "SATURATION"]

#: Distance from an asymptote under which a sigmoid or tanh output counts as saturated.
SATURATION = 0.01

#: The report's numeric columns: key, header, format.
COLUMNS = (
    ("grad_norm", "grad norm", "{:.3g}"),
    ("update_ratio", "update/weight", "{:.3g}"),
    ("mean", "mean", "{:.3g}"),
    ("std", "std", "{:.3g}"),
    ("dead", "dead", "{:.1%}"),
    ("saturated", "saturated", "{:.1%}"),
)


def layer_label(index, layer):
    """A short name for a layer in a table: ``"0 Dense(16, ReLU)"``."""
    if hasattr(layer, "units"):
        act = getattr(layer, "activation", None)
        inner = f"{layer.units}" + ("" if act is None else f", {type(act).__name__}")
        return f"{index} {type(layer).__name__}({inner})"
    return f"{index} {layer!r}"


def activation_statistics(layer, out):
    """Mean, std, dead share (ReLU) and saturated share (sigmoid, tanh) of a layer's output."""
    stats = {"mean": float(out.mean(dtype=np.float64)), "std": float(out.std(dtype=np.float64)),
             "dead": None, "saturated": None}
    act = layer.output_activation()
    if isinstance(act, ReLU):
        stats["dead"] = float(np.mean(~(out > 0).any(axis=0)))
    elif isinstance(act, Sigmoid):
        stats["saturated"] = float(np.mean(np.abs(out - 0.5) > 0.5 - SATURATION))
    elif isinstance(act, Tanh):
        stats["saturated"] = float(np.mean(np.abs(out) > 1.0 - SATURATION))
    return stats


class DiagnosticsReport:
    """Per-layer diagnostics of one step, printable as a table.

    Attributes
    ----------
    rows : list of dict
        One per layer: ``index``, ``layer`` (a label), ``output`` (shape),
        and the keys of :data:`COLUMNS` (None where a column does not apply).
    loss : float
        The loss of the batch.
    update_over : {"step", "epoch"}
        What the update-to-weight ratio measures.
    """

    def __init__(self, rows, loss, update_over="step"):
        self.rows = rows
        self.loss = loss
        self.update_over = update_over

    def to_text(self):
        """The report as a fixed-width table."""
        headers = ["layer", "output"] + [h for _, h, _ in COLUMNS]
        table = [[row["layer"], str(row["output"])] +
                 ["-" if row[key] is None else fmt.format(row[key]) for key, _, fmt in COLUMNS]
                 for row in self.rows]
        widths = [max(len(r[c]) for r in table + [headers]) for c in range(len(headers))]

        def line(cells):
            left = [cells[c].ljust(widths[c]) for c in range(2)]
            right = [cells[c].rjust(widths[c]) for c in range(2, len(cells))]
            return "  ".join(left + right).rstrip()

        rule = "-" * len(line(headers))
        return "\n".join([f"loss {self.loss:.6g}; update/weight over one {self.update_over}",
                          rule, line(headers), rule, *map(line, table), rule])

    __str__ = to_text

    def __repr__(self):
        return self.to_text()


def diagnose(model, X, y):
    """Diagnose one training step of ``model`` on ``(X, y)``, on a copy of the model.

    The copy (see :func:`scratchnet.model_copy.copy_model`) runs the forward
    pass in training mode, the loss, the backward pass and one optimizer
    step; the model itself, its optimizer and its generator are untouched.

    Parameters
    ----------
    model : Sequential
    X : array-like of shape (n_samples, n_features)
        The batch (use a few hundred rows for stable statistics).
    y : array-like of shape (n_samples,)
        Targets as for ``fit``.

    Returns
    -------
    DiagnosticsReport
        Print it for the table (see the module's docstring for the columns).
    """
    copy, X, Y = prepared_copy(model, X, y)
    rows = []
    out = X
    for i, layer in enumerate(copy.layers):
        out = layer.forward(out, True)
        rows.append({"index": i, "layer": layer_label(i, layer), "output": out.shape,
                     **activation_statistics(layer, out)})
    loss = copy.loss.forward(out, Y)
    copy.backward(copy.loss.backward())
    before = _per_layer(copy, copy=True)
    grads = _per_layer(copy, grads=True)
    copy.parameters.step(copy.optimizer)
    ratios = update_ratios(before, _per_layer(copy))
    for row in rows:
        i = row["index"]
        row["grad_norm"] = _norm(grads[i]) if i in grads else None
        row["update_ratio"] = ratios.get(i)
    return DiagnosticsReport(rows, loss)


def _per_layer(model, grads=False, copy=False):
    """``{layer index: [arrays]}`` of the parameters (or gradients), in the store's order."""
    arrays = {}
    for name, param, grad in model.parameters:
        array = grad if grads else param
        arrays.setdefault(int(name.split(".")[0]), []).append(array.copy() if copy else array)
    return arrays


def _norm(arrays):
    return math.sqrt(sum(float(np.vdot(a, a)) for a in arrays))


def update_ratios(before, after):
    """``{layer: ||after - before|| / ||before||}`` from two :func:`_per_layer` dicts."""
    ratios = {}
    for i, old in before.items():
        change = _norm([a - b for a, b in zip(after[i], old)])
        size = _norm(old)
        ratios[i] = change / size if size > 0 else math.inf if change > 0 else 0.0
    return ratios


class Diagnostics(Callback):
    """After every epoch, diagnose the model on a fixed sample; plot the results over the epochs.

    Parameters
    ----------
    X, y : arrays
        The sample the diagnostics run on (a few hundred training rows).
    every : int, default 1
        Diagnose every ``every`` epochs.
    print_fn : callable or None
        Called with each report's table (``print`` to see them as training runs).

    Attributes
    ----------
    reports : list of (epoch, DiagnosticsReport)
        ``epoch`` counts all the model's epochs, from 1. The update-to-weight
        ratio of each report is measured over that epoch (parameters at its end
        against its start).

    Notes
    -----
    Each diagnosis runs on a copy of the model, so the callback changes
    nothing in the training run (same weights, same random draws).
    """

    aliases = ("diagnostics",)

    def __init__(self, X, y, every=1, print_fn=None):
        self.X = X
        self.y = y
        self.every = check_scalar(every, "every", "Diagnostics", kind=int, low=1)
        self.print_fn = print_fn
        self.reports = []

    def on_epoch_begin(self, model, epoch):
        self._start = _per_layer(model, copy=True)

    def on_epoch_end(self, model, epoch, logs):
        number = model.history.epochs
        if number % self.every:
            return
        report = diagnose(model, self.X, self.y)
        ratios = update_ratios(self._start, _per_layer(model))
        for row in report.rows:
            row["update_ratio"] = ratios.get(row["index"])
        report.update_over = "epoch"
        self.reports.append((number, report))
        if self.print_fn is not None:
            self.print_fn(f"Epoch {number}\n{report}")

    def series(self, column):
        """``(epochs, {layer label: values})`` of one column, for the layers where it applies."""
        epochs = [epoch for epoch, _ in self.reports]
        curves = {}
        for _, report in self.reports:
            for row in report.rows:
                if row[column] is not None:
                    curves.setdefault(row["layer"], []).append(row[column])
        return epochs, curves

    def plot(self, column="update_ratio", ax=None):
        """Plot one column (a key of ``COLUMNS``) per layer over the epochs; returns the axes.

        Norms and ratios are drawn on a log scale.
        """
        from .plotting import new_axes

        keys = [key for key, _, _ in COLUMNS]
        if column not in keys:
            raise ValueError(f"The 'column' parameter of Diagnostics.plot must be one of "
                             f"{keys}. Got {column!r} instead.")
        if not self.reports:
            raise RuntimeError("nothing to plot yet: train with this callback first")
        ax = new_axes(ax)
        epochs, curves = self.series(column)
        for label, values in curves.items():
            ax.plot(epochs, values, marker="o", label=label)
        if column in ("grad_norm", "update_ratio"):
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(dict((k, h) for k, h, _ in COLUMNS)[column])
        ax.legend(fontsize="small")
        return ax


def _finite(array):
    """Whether every value is finite: one sum, and an exact check only if the sum is not."""
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(float(np.add.reduce(array, axis=None))):
            return True
    return bool(np.isfinite(array).all())


class NaNSentinel:
    """Watch training for the first non-finite value, and name the layer and operation.

    Use it around ``fit``::

        with sn.NaNSentinel(model):
            model.fit(X, y, epochs=20)

    While active, the model's training-mode ``forward`` and its ``backward``
    run layer by layer with a finiteness check after each layer (one sum per
    array; inference is not watched). Training itself is unchanged: the same
    arrays, in the same order. When it diverges, the training loop rolls the
    epoch back and raises :class:`~scratchnet.TrainingDivergedError` as usual;
    leaving the block re-raises it with the sentinel's finding added:

        "... First non-finite value: epoch 3, batch 5, the forward pass of
        layer 2 Dense(16, ReLU), in its output."

    The operation is ``"forward"`` (the layer's output), ``"backward"`` (the
    gradient it returns, or one of its parameter gradients; ``loss`` for the
    loss's own gradient) or ``"update"`` (the layer's parameters were already
    non-finite when its forward ran: the optimizer's step made them so).

    Attributes
    ----------
    finding : dict or None
        ``{"epoch", "batch", "layer" (index or None for the loss), "label",
        "operation", "what"}`` of the first non-finite value seen.
    """

    def __init__(self, model):
        self.model = model
        self.finding = None

    def __enter__(self):
        model = self.model
        if "forward" in vars(model) or "backward" in vars(model):
            raise RuntimeError("this model's forward/backward are already wrapped "
                               "(a NaNSentinel is active on it)")
        self._forward, self._backward = model.forward, model.backward
        self._epoch, self._batch = None, 0
        model.forward, model.backward = self.forward, self.backward
        return self

    def __exit__(self, exc_type, exc, traceback):
        vars(self.model).pop("forward", None)
        vars(self.model).pop("backward", None)
        if isinstance(exc, TrainingDivergedError) and self.finding is not None:
            raise TrainingDivergedError(f"{exc} First non-finite value: {self.describe()}") \
                from exc
        return False

    def describe(self):
        """The finding in words (None if nothing was found)."""
        f = self.finding
        if f is None:
            return None
        where = "the loss" if f["layer"] is None else f"layer {f['label']}"
        return (f"epoch {f['epoch']}, batch {f['batch']}, the {f['operation']} "
                f"{'pass ' if f['operation'] != 'update' else ''}of {where}, {f['what']}.")

    def _record(self, index, operation, what):
        label = None if index is None else layer_label(index, self.model.layers[index])
        self.finding = {"epoch": self._epoch, "batch": self._batch, "layer": index,
                        "label": label, "operation": operation, "what": what}

    def forward(self, X, training=False, upto=None):
        """The model's forward pass, checked layer by layer in training mode."""
        if not training or self.finding is not None:
            return self._forward(X, training, upto)
        epoch = self.model.history.epochs + 1
        if epoch != self._epoch:
            self._epoch, self._batch = epoch, 0
        self._batch += 1
        layers = self.model.layers if upto is None else self.model.layers[:upto + 1]
        for i, layer in enumerate(layers):
            X = layer.forward(X, training)
            if self.finding is None and not _finite(X):
                if not all(_finite(p) for p in layer.params.values()):
                    self._record(i, "update", "whose parameters were already non-finite")
                else:
                    self._record(i, "forward", "in its output")
        return X

    def backward(self, grad):
        """The model's backward pass, checked layer by layer."""
        if self.finding is not None:
            return self._backward(grad)
        if not _finite(grad):
            self._record(None, "backward", "in the gradient of the loss")
        layers = self.model.layers
        for i in reversed(range(len(layers))):
            layer = layers[i]
            if not layer.needs_input_grad and not layer.params:
                break  # before the first layer with parameters: nothing to compute
            grad = layer.backward(grad)
            if self.finding is None:
                bad = [k for k, g in layer.grads.items() if not _finite(g)]
                if bad:
                    self._record(i, "backward", f"in the gradient of its parameter {bad[0]!r}")
                elif grad is not None and not _finite(grad):
                    self._record(i, "backward", "in the gradient it passes back")
            if grad is None:
                break
