"""Plots for training curves, decision boundaries and width sweeps.

matplotlib is optional (``pip install 'scratchnet[plot]'``): it is imported
inside each function, never when this module is imported, so
``import scratchnet.plotting`` works with NumPy alone. Every plotting function
takes ``ax=None`` (a new figure is made when it is None) and returns the axes
it drew on; :func:`save_figure` writes a figure to disk and closes it.
:func:`require_matplotlib`, :func:`new_axes` and :func:`qualitative_colors`
are the building blocks they share, for plots elsewhere in scratchnet (the
tutorials' matmul ladder) to look the same.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "plot_loss",
    "plot_decision_boundary",
    "plot_confusion_matrix",
    "plot_width_sweep",
    "save_figure",
    "require_matplotlib",
    "new_axes",
    "qualitative_colors",
]


def require_matplotlib():
    """Import and return ``matplotlib.pyplot``, or raise a helpful ImportError.

    On a machine without a display (no ``DISPLAY``/``WAYLAND_DISPLAY`` on
    Linux and other X11 systems) the non-interactive ``Agg`` backend is
    selected, but only if nobody chose a backend already (``MPLBACKEND``,
    ``matplotlib.use`` or an earlier ``import matplotlib.pyplot``).
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(
            "scratchnet's plotting functions need matplotlib, which is not "
            "installed; install it with: pip install 'scratchnet[plot]'"
        ) from exc
    if (
        "matplotlib.pyplot" not in sys.modules
        and _headless()
        and not _backend_chosen(matplotlib)
    ):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _headless():
    # macOS and Windows have a display without DISPLAY being set
    if sys.platform == "darwin" or sys.platform.startswith("win"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _backend_chosen(matplotlib):
    if os.environ.get("MPLBACKEND"):
        return True
    try:
        return matplotlib.rcParams._get_backend_or_none() is not None
    except AttributeError:  # older matplotlib: compare with the auto sentinel
        from matplotlib import rcsetup

        backend = dict.__getitem__(matplotlib.rcParams, "backend")
        return backend is not rcsetup._auto_backend_sentinel


def new_axes(ax=None, figsize=(6.4, 4.4)):
    """Return ``ax``, or the axes of a new ``figsize`` (inches) figure when it is None."""
    if ax is None:
        _, ax = require_matplotlib().subplots(figsize=figsize)
    return ax


def _as_curve(values, name):
    if not hasattr(values, "__len__"):  # a generator, say
        values = list(values)
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of numbers; got shape {arr.shape}"
        )
    return arr


def plot_loss(history, ax=None, metrics=("loss",), *, title=None, logy=False):
    """Plot training curves: metrics per epoch, or a plain list of losses.

    Parameters
    ----------
    history : mapping or sequence of float
        Either a mapping ``metric name -> per-epoch values``, e.g.
        ``{"loss": [...], "val_loss": [...], "accuracy": [...]}`` (an object
        with such a mapping in a ``.history`` attribute works too), or a plain
        sequence of losses such as the tutorials' ``cost`` list, one value per
        iteration.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is created when None.
    metrics : str or sequence of str or None, default ("loss",)
        Metrics of a mapping to plot; each one's ``"val_" + name`` counterpart
        is drawn too (dashed, same colour) when present. None plots every
        metric that does not start with ``"val_"``. Ignored for a sequence.
    title : str, optional
    logy : bool, default False
        Log-scale y axis (useful for losses spanning decades).

    Returns
    -------
    ax : matplotlib Axes
        One line per plotted series, with a legend; x axis ``"epoch"``
        (1-based) for a mapping, ``"iteration"`` (1-based) for a sequence.

    Raises
    ------
    ValueError
        If a requested metric is missing (the message lists those present) or
        a series is not a non-empty 1-D sequence of numbers.
    ImportError
        If matplotlib is not installed.
    """
    require_matplotlib()
    hist = getattr(history, "history", history)
    if isinstance(hist, Mapping):
        if metrics is None:
            metrics = [key for key in hist if not str(key).startswith("val_")]
        elif isinstance(metrics, str):
            metrics = [metrics]
        missing = [m for m in metrics if m not in hist]
        if missing or not metrics:
            raise ValueError(
                f"history has no metric(s) {missing or list(metrics)}; "
                f"available: {list(hist)}"
            )
        ax = new_axes(ax)
        for metric in metrics:
            values = _as_curve(hist[metric], metric)
            (line,) = ax.plot(np.arange(1, values.size + 1), values, label=metric)
            val_key = "val_" + metric
            if val_key in hist:
                val = _as_curve(hist[val_key], val_key)
                ax.plot(np.arange(1, val.size + 1), val, linestyle="--",
                        color=line.get_color(), label=val_key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metrics[0] if len(metrics) == 1 else "value")
        default_title = "Training history"
    else:
        values = _as_curve(hist, "history")
        ax = new_axes(ax)
        ax.plot(np.arange(1, values.size + 1), values, label="loss")
        ax.set_xlabel("iteration")
        ax.set_ylabel("loss")
        default_title = "Loss per iteration"
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.set_title(default_title if title is None else title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_decision_boundary(model, X, y, ax=None, resolution=200, *, margin=0.1,
                           cmap="RdBu_r", alpha=0.6, feature_names=None, title=None):
    """Shade a 2-D classifier's predicted probabilities and scatter the data.

    Parameters
    ----------
    model : object
        Anything with ``predict_proba(X) -> array of shape (n_samples,
        n_classes)`` whose rows sum to 1; nothing else of the model is used.
        Column ``j`` is taken to be the ``j``-th label of ``np.unique(y)``.
        A 1-D result (or one column) is read as the probability of the second
        class of a binary problem.
    X : array_like of shape (n_samples, 2)
        The points; the grid covers their range plus ``margin``.
    y : array_like of shape (n_samples,)
        Labels of any sortable type (strings, ints ...), mapped to colours
        through ``np.unique``.
    ax : matplotlib Axes, optional
    resolution : int, default 200
        Grid points per axis: ``predict_proba`` is called once on
        ``resolution ** 2`` points.
    margin : float, default 0.1
        Extra room around the data, as a fraction of each feature's range.
    cmap : str or Colormap, default "RdBu_r"
        Diverging colormap for the binary case (blue = class 0, red = class 1).
    alpha : float, default 0.6
        Opacity of the shading.
    feature_names : (str, str), optional
        Axis labels; default ``"x0"``, ``"x1"``.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        For 2 classes: filled contours of :math:`P(\\text{class } 1)` with the
        :math:`P = 0.5` boundary drawn as a black line. For more classes: an
        image coloured by the predicted class :math:`\\arg\\max_j p_j`, more
        opaque where :math:`\\max_j p_j` is high (transparent at the chance level
        :math:`1/K`). Then one scatter per label, with a legend.

    Raises
    ------
    ValueError
        If ``X`` is not of shape (n, 2), ``y`` has another length, or
        ``predict_proba`` returns an array of the wrong shape.
    ImportError
        If matplotlib is not installed.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n_samples, 2); got {X.shape}")
    y = np.asarray(y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2; got {resolution!r}")
    require_matplotlib()
    import matplotlib

    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    proba = np.asarray(model.predict_proba(grid), dtype=float)
    if proba.ndim == 1 or (proba.ndim == 2 and proba.shape[1] == 1):
        proba = proba.reshape(-1)
        proba = np.column_stack([1.0 - proba, proba])
    if proba.ndim != 2 or proba.shape[0] != grid.shape[0] or proba.shape[1] < 2:
        raise ValueError(
            f"model.predict_proba returned shape {proba.shape} for {grid.shape[0]} "
            f"grid points; expected ({grid.shape[0]}, n_classes)"
        )
    n_classes = proba.shape[1]
    labels, codes = np.unique(y, return_inverse=True)
    ax = new_axes(ax, figsize=(6.0, 5.0))

    if n_classes == 2:
        cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
        p1 = proba[:, 1].reshape(xx.shape)
        ax.contourf(xx, yy, p1, levels=np.linspace(0.0, 1.0, 11), cmap=cmap,
                    vmin=0.0, vmax=1.0, alpha=alpha)
        if p1.min() < 0.5 < p1.max():
            ax.contour(xx, yy, p1, levels=[0.5], colors="k", linewidths=1.5)
        class_colors = [cmap(0.05), cmap(0.95)] if labels.size <= 2 \
            else qualitative_colors(max(labels.size, n_classes))
    else:
        class_colors = qualitative_colors(max(labels.size, n_classes))
        winner = proba.argmax(axis=1)
        confidence = proba.max(axis=1)
        chance = 1.0 / n_classes
        rgba = np.array([class_colors[j] for j in winner], dtype=float)
        rgba[:, 3] = alpha * np.clip((confidence - chance) / (1.0 - chance), 0.0, 1.0)
        ax.imshow(rgba.reshape(resolution, resolution, 4), origin="lower",
                  extent=(lo[0], hi[0], lo[1], hi[1]), aspect="auto",
                  interpolation="nearest")

    for j, label in enumerate(labels):
        mask = codes == j
        ax.scatter(X[mask, 0], X[mask, 1], color=class_colors[j], edgecolors="k",
                   linewidths=0.5, s=25, label=str(label), zorder=3)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    names = ("x0", "x1") if feature_names is None else feature_names
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if title is None:
        title = ("Decision boundary (P = 0.5)" if n_classes == 2
                 else "Predicted class (opacity = confidence)")
    ax.set_title(title)
    ax.legend(title="class", loc="best")
    return ax


def plot_confusion_matrix(matrix, classes, ax=None, *, cmap="Blues", title=None):
    """Draw a confusion matrix as a heat map with the count in every cell.

    Parameters
    ----------
    matrix : array_like of shape (n_classes, n_classes)
        ``matrix[i, j]`` = number of samples of true class ``i`` predicted as
        class ``j`` (as in :func:`scratchnet.tabular.classification_report`).
    classes : sequence of length n_classes
        Labels of the rows and columns.
    ax : matplotlib Axes, optional
    cmap : str, default "Blues"
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        Rows are the true classes (y axis), columns the predictions (x axis).

    Raises
    ------
    ValueError
        If ``matrix`` is not square or does not match ``classes``.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] != len(classes):
        raise ValueError(f"matrix must have shape ({len(classes)}, {len(classes)}) for "
                         f"{len(classes)} classes; got {matrix.shape}")
    ax = new_axes(ax, figsize=(1.2 * len(classes) + 3.0, 1.0 * len(classes) + 2.4))
    image = ax.imshow(matrix, cmap=cmap, vmin=0)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    names = [str(c) for c in classes]
    ax.set_xticks(range(len(names)), names, rotation=45 if max(map(len, names)) > 6 else 0,
                  ha="right" if max(map(len, names)) > 6 else "center")
    ax.set_yticks(range(len(names)), names)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title("Confusion matrix" if title is None else title)
    return ax


def qualitative_colors(n):
    """``n`` distinct RGBA colours: matplotlib's ``tab10`` or ``tab20``, else evenly spaced hues."""
    require_matplotlib()
    import matplotlib

    name = "tab10" if n <= 10 else "tab20"
    cmap = matplotlib.colormaps[name]
    if n <= cmap.N:
        return [cmap(i) for i in range(n)]
    return [matplotlib.colormaps["hsv"](i / n) for i in range(n)]


def plot_width_sweep(widths, mean_acc, std_acc=None, ax=None, reference=None, *,
                     reference_label="published", label="mean accuracy",
                     logx=None, title=None):
    """Accuracy as a function of hidden-layer width.

    Parameters
    ----------
    widths : sequence of int, length n
        Hidden widths tried (any order; plotted sorted).
    mean_acc : sequence of float, length n
        Mean accuracy at each width.
    std_acc : sequence of float, length n, optional
        Standard deviation at each width, drawn as a band
        ``mean_acc +/- std_acc``.
    ax : matplotlib Axes, optional
    reference : float, optional
        A published accuracy, drawn as a dashed horizontal line labelled
        ``"{reference_label} ({reference})"``.
    reference_label : str, default "published"
    label : str, default "mean accuracy"
        Legend label of the curve.
    logx : bool, optional
        Log-2 x axis; by default when the widths are positive and span a
        factor of 16 or more.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        One line for the curve, one more for the reference; the band is a
        filled polygon; legend included.

    Raises
    ------
    ValueError
        If the sequences are empty or of different lengths.
    ImportError
        If matplotlib is not installed.
    """
    widths = _as_curve(widths, "widths")
    mean_acc = _as_curve(mean_acc, "mean_acc")
    if mean_acc.size != widths.size:
        raise ValueError(f"widths has {widths.size} values but mean_acc has {mean_acc.size}")
    if std_acc is not None:
        std_acc = _as_curve(std_acc, "std_acc")
        if std_acc.size != widths.size:
            raise ValueError(
                f"widths has {widths.size} values but std_acc has {std_acc.size}")
    require_matplotlib()
    order = np.argsort(widths, kind="stable")
    widths, mean_acc = widths[order], mean_acc[order]
    ax = new_axes(ax)
    (line,) = ax.plot(widths, mean_acc, marker="o", label=label)
    if std_acc is not None:
        std_acc = std_acc[order]
        ax.fill_between(widths, mean_acc - std_acc, mean_acc + std_acc,
                        color=line.get_color(), alpha=0.2, label="\u00b1 1 std")
    if reference is not None:
        ax.axhline(reference, color="0.3", linestyle="--", linewidth=1.2,
                   label=f"{reference_label} ({reference:g})")
    if logx is None:
        logx = bool(widths.min() > 0 and widths.max() / widths.min() >= 16)
    if logx:
        ax.set_xscale("log", base=2)
    if widths.size <= 12:
        ax.set_xticks(widths)
        ax.set_xticklabels([f"{w:g}" for w in widths])
        if logx:
            ax.minorticks_off()
    ax.set_xlabel("hidden width (units)")
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy vs hidden width" if title is None else title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def save_figure(ax_or_fig, path, *, dpi=150):
    """Save the figure of an Axes (or a Figure) as an image and close it.

    Parameters
    ----------
    ax_or_fig : matplotlib Axes, Figure, or array of Axes
    path : str or path-like
        Output file; its format follows the extension (``.png``, ``.pdf``,
        ``.svg`` ...). Missing parent folders are created.
    dpi : int, default 150

    Returns
    -------
    path : pathlib.Path
        The file written.
    """
    plt = require_matplotlib()
    from matplotlib.figure import Figure

    obj = ax_or_fig
    if isinstance(obj, np.ndarray):
        obj = obj.flat[0]
    fig = obj
    while not isinstance(fig, Figure):
        parent = getattr(fig, "figure", None)
        if parent is None or parent is fig:
            raise TypeError(f"expected a matplotlib Axes or Figure; got {type(ax_or_fig)!r}")
        fig = parent
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return path
