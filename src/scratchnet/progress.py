"""A dependency-free text progress bar, shared by ``fit`` and the dataset downloads."""

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Print ``desc [#####.....] done/total rate key=value ...`` on one line.

    Redraws at most ten times a second (and always at the end), so a bar
    updated after every minibatch costs next to nothing.

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
        When False, nothing is ever printed. When ``file`` is not a terminal,
        only the final state is printed, once.
    """

    _MIN_INTERVAL = 0.1
    _WIDTH = 24

    def __init__(self, total, desc="", unit="it", file=None, enabled=True):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.file = file if file is not None else sys.stderr
        self.enabled = enabled
        self.n = 0
        self.postfix = {}
        self._start = time.perf_counter()
        self._last_draw = 0.0
        # Redrawing with "\r" only makes sense on a terminal; a log file gets
        # the final state alone.
        isatty = getattr(self.file, "isatty", None)
        self._live = bool(isatty and isatty())

    def update(self, n=1, **postfix):
        """Advance by ``n`` units; ``postfix`` values are shown after the bar."""
        self.n += n
        if postfix:
            self.postfix.update(postfix)
        now = time.perf_counter()
        if self.enabled and self._live and now - self._last_draw >= self._MIN_INTERVAL:
            self._draw(now)

    def set_postfix(self, **postfix):
        self.postfix.update(postfix)

    def close(self):
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.file.write("\n")
            self.file.flush()

    def _draw(self, now):
        self._last_draw = now
        elapsed = max(now - self._start, 1e-9)
        if self.total:
            filled = int(self._WIDTH * min(self.n / self.total, 1.0))
            bar = "[" + "#" * filled + "." * (self._WIDTH - filled) + "]"
            count = f"{self.n}/{self.total}"
        else:
            bar, count = "", str(self.n)
        extras = " ".join(f"{k}={_fmt(v)}" for k, v in self.postfix.items())
        line = f"{self.desc} {bar} {count} {self.n / elapsed:.1f} {self.unit}/s {extras}"
        self.file.write(("\r" if self._live else "") + line.rstrip())
        self.file.flush()


def _fmt(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)
