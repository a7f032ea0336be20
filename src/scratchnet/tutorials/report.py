"""Result rows of the reproduction runs, their table and their JSON form."""

import math
import numbers
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["Row", "Context", "format_table", "rows_to_json"]


@dataclass
class Row:
    """One reported number: the tutorial's value beside scratchnet's.

    Parameters
    ----------
    experiment : str
        Registry name (``"000"`` ... ``"mnist"``).
    metric : str
        What is measured, with its unit.
    tutorial : float, str or None
        The published value; None where the tutorial gives none.
    scratchnet : float, int, str, list or None
        Our value (a mean when ``std`` is given); None when it was skipped.
    std : float, optional
        Standard deviation over ``runs`` repeats.
    tutorial_std : float, optional
        The tutorial's own standard deviation, where it publishes one.
    runs : int, optional
        Number of repeats behind a mean.
    fmt : str, default ".4f"
        Format spec of the numbers in the table (``"r"``: full ``repr``).
    display : str, optional
        What the table shows instead of the formatted value (for lists).
    quick : bool
        Computed with ``--quick``'s reduced settings.
    """

    experiment: str
    metric: str
    tutorial: object
    scratchnet: object
    std: float = None
    tutorial_std: float = None
    runs: int = None
    fmt: str = ".4f"
    display: str = None
    quick: bool = False
    seconds: float = None
    extra: dict = field(default_factory=dict)

    def cells(self):
        """The four table cells: experiment, metric, tutorial, scratchnet."""
        # Published numbers are shown with the digits the tutorial printed.
        tut = "-" if self.tutorial is None else _fmt(self.tutorial, "r", self.tutorial_std)
        if self.display is not None:
            ours = self.display
        elif self.scratchnet is None:
            ours = "skipped"
        else:
            ours = _fmt(self.scratchnet, self.fmt, self.std)
        name = self.experiment + ("*" if self.quick else "")
        return name, self.metric, tut, ours

    def to_json(self):
        out = {"experiment": self.experiment, "metric": self.metric,
               "tutorial": _plain(self.tutorial), "scratchnet": _plain(self.scratchnet)}
        for key in ("std", "tutorial_std", "runs", "seconds"):
            value = getattr(self, key)
            if value is not None:
                out[{"std": "scratchnet_std"}.get(key, key)] = _plain(value)
        out["quick"] = self.quick
        out.update({k: _plain(v) for k, v in self.extra.items()})
        return out


def _fmt(value, fmt, std=None):
    if isinstance(value, str):
        return value
    if fmt == "r":
        text = repr(float(value)).removesuffix(".0") if float(value) != 0 else "0"
    else:
        text = format(value, fmt)
    if std is not None:
        text += " \u00b1 " + (repr(float(std)) if fmt == "r" else format(std, fmt))
    return text


def _plain(value):
    """JSON-ready Python value (numpy scalars and arrays converted, NaN as None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def format_table(rows):
    """The rows as an aligned plain-text table (experiment, metric, tutorial, scratchnet)."""
    header = ("experiment", "metric", "tutorial", "scratchnet")
    cells = [row.cells() for row in rows]
    widths = [max(len(c[i]) for c in cells + [header]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)

    def fmt(c):
        return "  ".join(s.ljust(w) for s, w in zip(c, widths)).rstrip()

    return "\n".join([fmt(header), line] + [fmt(c) for c in cells])


def rows_to_json(rows):
    """A list of plain dicts with keys experiment, metric, tutorial, scratchnet (and extras)."""
    return [row.to_json() for row in rows]


class Context:
    """What an experiment gets: the mode, where plots go, and where to print.

    Parameters
    ----------
    quick : bool
        Use the reduced settings.
    plots_dir : str or Path or None
        Folder for PNGs; None saves none.
    print_fn : callable, default print
    """

    def __init__(self, quick=False, plots_dir=None, print_fn=print):
        self.quick = bool(quick)
        self.plots_dir = None if plots_dir is None else Path(plots_dir)
        self.print_fn = print_fn
        self.notes = []
        self.plots = []
        self._plots_unavailable = False

    def log(self, text):
        self.print_fn(text)

    def note(self, experiment, text):
        """Record where (and why) scratchnet's numbers differ from the tutorial's."""
        self.notes.append((experiment, text))

    def plot(self, filename, draw):
        """Call ``draw()`` (which returns an Axes) and save it as ``plots_dir/filename``.

        Does nothing without ``plots_dir``; without matplotlib it says so once.
        """
        if self.plots_dir is None or self._plots_unavailable:
            return None
        try:
            from ..plotting import save_figure

            path = save_figure(draw(), self.plots_dir / filename)
        except ImportError as exc:
            self._plots_unavailable = True
            self.log(f"    plots skipped: {exc}")
            return None
        self.plots.append(path)
        self.log(f"    plot saved: {path}")
        return path


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = None
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False
