"""A dependency-free text progress bar, and the one formatter of training metrics.

Both ``fit``'s bar (``verbose=1``), its one line per epoch (``verbose=2``) and
the dataset downloads render numbers through :func:`format_logs`, so a metric
reads the same wherever it is printed.
"""

import math
import numbers
import sys
import time

__all__ = ["ProgressBar", "format_logs", "format_value"]


def format_value(value):
    """Render one metric value: floats with 4 decimals, integers as integers.

    ``bool`` and integral types (Python or NumPy) print as integers. Real
    numbers print with 4 decimals, ``f"{value:.4f}"``, when
    ``1e-3 <= |value| < 1e6`` or the value is 0, and in scientific notation
    with 4 decimals otherwise, so a loss of ``2.5e-07`` or ``1.7e+22`` stays
    readable instead of becoming ``0.0000`` or 23 digits. NaN and infinities
    print as ``nan``, ``inf`` and ``-inf``. Anything else prints as
    ``str(value)``.

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(0.25), format_value(7), format_value(2.5e-07), format_value(float("nan"))
    ('0.2500', '7', '2.5000e-07', 'nan')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            return str(value)
        if value == 0.0 or 1e-3 <= abs(value) < 1e6:
            return f"{value:.4f}"
        return f"{value:.4e}"
    return str(value)


def format_logs(logs):
    """Render a dict of metrics as ``key=value`` pairs joined by spaces.

    Parameters
    ----------
    logs : dict
        Metric name -> value, in the order to print (e.g. ``fit``'s epoch
        logs: ``loss``, ``accuracy``, ``val_loss`` ...).

    Returns
    -------
    str
        Each value formatted by :func:`format_value`; ``""`` for an empty dict.

    Examples
    --------
    >>> format_logs({"loss": 0.25, "accuracy": 0.97834, "epochs": 3})
    'loss=0.2500 accuracy=0.9783 epochs=3'
    """
    return " ".join(f"{key}={format_value(value)}" for key, value in logs.items())


class ProgressBar:
    """Print ``desc [#####.....] done/total rate key=value ...`` on one line.

    On a terminal (``file.isatty()`` true) the line is redrawn in place at
    most ten times a second (and always at the end), so a bar updated after
    every minibatch costs next to nothing. Any other file (a log, a pipe,
    ``io.StringIO``) gets the final state alone, once, without control
    characters.

    Parameters
    ----------
    total : int
        Number of units of work (batches, bytes ...); ``None`` if unknown.
    desc : str
        Label printed before the bar.
    unit : str
        Name of one unit, used in the rate.
    file : file-like, default sys.stderr
    enabled : bool, default True
        When False, nothing is ever printed.
    clock : callable, optional
        Returns the current time in seconds; default :func:`time.perf_counter`.
        Tests pass a fake clock to make the rate deterministic.

    Notes
    -----
    **Redrawing.** Each redraw starts with ``"\\r"`` and pads the line with
    spaces to the width of the previous one, so a line that got shorter
    (``loss=0.25`` after ``loss=0.1235``) leaves no stale characters. Padding
    was chosen over the ANSI erase-to-end-of-line sequence ``"\\x1b[K"``
    because it needs nothing from the terminal beyond ``"\\r"``: consoles
    without escape-sequence support (older Windows consoles, some IDE
    consoles) and logs of a terminal session show no stray ``"[K"``.

    **Rate.** The rate is the number of units done divided by the time since
    the bar was created. It is shown only once at least ``MIN_RATE_SECONDS``
    (0.1 s) have passed: before that, one unit finished a few microseconds
    after the bar was created would give an absurd rate (a million batches a
    second) that measures the timer, not the work. Until then, and at the
    end of work shorter than that, the elapsed time is shown instead
    (``0.004s``). Rates print with 3 significant digits and an SI prefix
    (``12.3 batch/s``, ``4.56 MB/s``).
    """

    #: Seconds between two redraws on a terminal.
    MIN_INTERVAL = 0.1
    #: Seconds of work before a rate is shown.
    MIN_RATE_SECONDS = 0.1
    _WIDTH = 24

    def __init__(self, total, desc="", unit="it", file=None, enabled=True, *, clock=None):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self.enabled = enabled
        self.n = 0
        self.postfix = {}
        self._clock = clock if clock is not None else time.perf_counter
        self._start = self._clock()
        self._last_draw = None
        self._drawn_width = 0
        isatty = getattr(self.file, "isatty", None)
        self._live = bool(isatty and isatty())

    def update(self, n=1, **postfix):
        """Advance by ``n`` units; ``postfix`` values are shown after the bar."""
        self.n += n
        if postfix:
            self.postfix.update(postfix)
        if not (self.enabled and self._live):
            return
        now = self._clock()
        if self._last_draw is None or now - self._last_draw >= self.MIN_INTERVAL:
            self._draw(now)

    def set_postfix(self, **postfix):
        """Set values shown after the bar (formatted by :func:`format_logs`)."""
        self.postfix.update(postfix)

    def close(self):
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(self._clock())
            self.file.write("\n")
            self.file.flush()

    def render(self, now=None):
        """The text of the bar at time ``now`` (default: the clock's current time).

        Returns
        -------
        str
            One line, without ``"\\r"``, padding or newline.
        """
        now = self._clock() if now is None else now
        elapsed = now - self._start
        if self.total:
            filled = int(self._WIDTH * min(self.n / self.total, 1.0))
            bar = "[" + "#" * filled + "." * (self._WIDTH - filled) + "]"
            count = f"{self.n}/{self.total}"
        else:
            bar, count = "", str(self.n)
        if elapsed >= self.MIN_RATE_SECONDS:
            speed = f"{_si(self.n / elapsed)}{self.unit}/s"
        else:
            speed = f"{max(elapsed, 0.0):.3f}s"
        parts = [self.desc, bar, count, speed, format_logs(self.postfix)]
        return " ".join(part for part in parts if part)

    def _draw(self, now):
        self._last_draw = now
        line = self.render(now)
        if self._live:
            pad = " " * max(self._drawn_width - len(line), 0)
            self.file.write("\r" + line + pad)
            self._drawn_width = len(line)
        else:
            self.file.write(line)
        self.file.flush()


def _si(rate):
    """``rate`` with 3 significant digits and an SI prefix, then a space: ``'4.56 M'``."""
    for prefix in ("", "k", "M", "G"):
        if rate < 999.5:
            break
        rate /= 1000.0
    else:
        prefix = "T"
    return f"{rate:.3g} {prefix}"
