"""The bar chart of the matrix-multiplication ladder (``scratchnet bench matmul --plot``).

The timings come from :mod:`scratchnet.tutorials.matmul`, whose formatters
label the bars, so the chart and the printed table read the same; matplotlib
is imported on the first call, through
:func:`scratchnet.plotting.require_matplotlib`.
"""

from collections.abc import Mapping

from ..plotting import new_axes, qualitative_colors, require_matplotlib
from .matmul import format_seconds, format_shape, format_speedup

__all__ = ["plot_matmul_ladder"]


def _field(record, name, default=None):
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def plot_matmul_ladder(records, ax=None, *, title=None):
    """Horizontal bars of seconds per call, log scale, grouped by shape.

    Parameters
    ----------
    records : sequence of MatmulTiming or mapping
        As returned by :func:`scratchnet.tutorials.matmul.time_methods` (or their
        ``as_dict()``): fields ``method``, ``shape`` ``(m, k, n)``, ``best``,
        ``speedup``, ``baseline``, ``skipped``.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
        One bar per method that ran (labelled on the y axis, annotated with
        its time and speed-up), a header per shape, and a "skipped" note where
        a method was too slow to run.

    Raises
    ------
    ValueError
        If no record has a positive time.
    ImportError
        If matplotlib is not installed.
    """
    records = list(records)
    timed = [_field(r, "best") for r in records
             if not _field(r, "skipped", False) and _field(r, "best")]
    if not timed:
        raise ValueError("plot_matmul_ladder needs at least one record with a positive time")
    require_matplotlib()

    shapes, methods = [], []
    for r in records:
        shape = tuple(_field(r, "shape"))
        if shape not in shapes:
            shapes.append(shape)
        if _field(r, "method") not in methods:
            methods.append(_field(r, "method"))
    palette = qualitative_colors(len(methods))
    colors = dict(zip(methods, palette))
    by_key = {(tuple(_field(r, "shape")), _field(r, "method")): r for r in records}

    x_lo = min(timed) / 4.0
    x_hi = max(timed) * 150.0
    rows = len(shapes) * (len(methods) + 1)
    ax = new_axes(ax, figsize=(8.0, 0.32 * rows + 1.6))
    ticks, tick_labels = [], []
    row = 0
    for shape in shapes:
        ax.text(x_lo * 1.05, row, format_shape(shape), va="center", ha="left",
                fontweight="bold")
        row += 1
        for method in methods:
            r = by_key.get((shape, method))
            if r is None:
                continue
            ticks.append(row)
            tick_labels.append(method)
            best = _field(r, "best")
            if _field(r, "skipped", False) or not best:
                ax.text(x_lo * 1.2, row, "skipped (too slow at this size)", va="center",
                        ha="left", fontsize=8, color="0.4", style="italic")
            else:
                ax.barh(row, best - x_lo, left=x_lo, height=0.7, color=colors[method],
                        edgecolor="0.2", linewidth=0.5)
                speed = _field(r, "speedup")
                text = format_seconds(best)
                if speed is not None:
                    base = _field(r, "baseline")
                    text += f"   {format_speedup(speed)}"
                    if base and base != "loops":
                        text += f" vs {base}"
                ax.text(best * 1.15, row, text, va="center", ha="left", fontsize=8)
            row += 1
    ax.set_xscale("log")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(row - 0.5, -0.7)  # first shape on top
    ax.set_yticks(ticks)
    ax.set_yticklabels(tick_labels)
    ax.set_xlabel("seconds per call (best of the repeats, log scale)")
    ax.set_title("Matrix multiplication ladder: time and speed-up over loops"
                 if title is None else title)
    ax.grid(True, axis="x", which="major", alpha=0.3)
    return ax

