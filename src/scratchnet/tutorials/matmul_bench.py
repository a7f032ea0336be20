"""``scratchnet bench matmul``: time the ladder, print the table, save the chart."""

import sys

import numpy as np

from ..plotting import save_figure
from .matmul import SKIP_SLOW_ABOVE, format_table, time_methods
from .matmul_plot import plot_matmul_ladder

__all__ = ["run_matmul_bench"]


def run_matmul_bench(plot_path="matmul_ladder.png", repeats=5, *, shapes=None,
                     seed=0, skip_slow_above=SKIP_SLOW_ABOVE, file=None):
    """Time the ladder, print the table and save the bar chart.

    This is ``scratchnet bench matmul --plot PATH --repeats N``.

    Parameters
    ----------
    plot_path : str or path-like or None, default "matmul_ladder.png"
        Where to save the log-scale bar chart; ``None`` or ``""`` for no chart.
    repeats : int, default 5
        Timed repeats per method and shape.
    shapes : sequence of (m, k, n), optional
        Default :data:`DEFAULT_SHAPES`; about 5 s in all on a 2-core machine.
    seed : int or numpy.random.Generator, default 0
    skip_slow_above : mapping or int or None
        See :func:`time_methods`.
    file : file-like, default sys.stdout
        Where the table goes.

    Returns
    -------
    int
        Exit status: 0. Without matplotlib the table is still printed, with a
        note on how to get the chart.
    """
    out = sys.stdout if file is None else file
    records = time_methods(shapes, repeats=repeats, seed=seed,
                           skip_slow_above=skip_slow_above)
    print(f"Matrix multiplication ladder (tutorial 000): float32 operands, seconds "
          f"per call, best and median of {repeats} repeat(s); NumPy {np.__version__}",
          file=out)
    print(file=out)
    print(format_table(records), file=out)
    print(file=out)
    print("speed-up = best time of the baseline (column 'vs') / best time of the method.\n"
          "The baseline is loops, or, where loops was skipped as too slow, the slowest\n"
          "method that ran on that shape.", file=out)
    if plot_path:
        try:
            ax = plot_matmul_ladder(records)
        except ImportError:
            print("(no chart: it needs matplotlib: pip install 'scratchnet[plot]')", file=out)
            return 0
        saved = save_figure(ax, plot_path)
        print(f"chart saved to {saved}", file=out)
    return 0
