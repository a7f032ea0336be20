"""``scratchnet reproduce``: rerun the tutorials' experiments and set our numbers beside theirs.

>>> from scratchnet.tutorials.reproduce import run_reproduce
>>> run_reproduce(["001"], print_fn=lambda *a: None)
0
"""

import json
import time
from pathlib import Path

from .experiments import experiment_000, experiment_001, experiment_002, experiment_003
from .mnist import experiment_mnist
from .report import Context, Stopwatch, format_table, rows_to_json

__all__ = ["EXPERIMENTS", "run_reproduce", "resolve_names", "run_experiments"]

#: name -> (one-line description, function(ctx) -> list of Row), in run order.
EXPERIMENTS = {
    "000": ("breast cancer, NeuralNet([30, 14, 1]), sigmoid hidden units", experiment_000),
    "001": ("a neuron and a 2-2-1 network trained per sample", experiment_001),
    "002": ("heart disease, NeuralNet with ReLU hidden units, vs scikit-learn", experiment_002),
    "003": ("two moons, 2-64-2 ReLU/softmax network, width sweep", experiment_003),
    "mnist": ("an MLP on MNIST and Fashion-MNIST", experiment_mnist),
}


def resolve_names(names):
    """Experiment names to run, in registry order; ``[]`` or ``["all"]`` means all.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    names = list(names or ["all"])
    unknown = [n for n in names if n != "all" and n not in EXPERIMENTS]
    if unknown:
        raise ValueError(f"unknown experiment(s) {', '.join(map(repr, unknown))}; choose from "
                         f"{', '.join(EXPERIMENTS)} or all")
    if "all" in names:
        return list(EXPERIMENTS)
    return [n for n in EXPERIMENTS if n in names]


def run_experiments(names, quick=False, plots_dir=None, print_fn=print):
    """Run the named experiments; returns ``(rows, context, seconds per experiment)``."""
    ctx = Context(quick=quick, plots_dir=plots_dir, print_fn=print_fn)
    rows, seconds = [], {}
    for name in resolve_names(names):
        description, fn = EXPERIMENTS[name]
        print_fn(f"[{name}] {description}" + (" (quick)" if quick else ""))
        with Stopwatch() as sw:
            new_rows = fn(ctx)
        seconds[name] = sw.seconds
        for row in new_rows:
            row.seconds = sw.seconds
        rows.extend(new_rows)
        print_fn(f"[{name}] done in {sw.seconds:.1f} s")
    return rows, ctx, seconds


def run_reproduce(names=("all",), quick=False, json_path=None, plots_dir=None, print_fn=print):
    """Run experiments, print the comparison table, optionally write JSON and plots.

    Parameters
    ----------
    names : sequence of str
        Registry names (``000``, ``001``, ``002``, ``003``, ``mnist``) or ``all``.
    quick : bool, default False
        Fewer repeats and epochs (the whole run in well under a minute);
        the affected rows are marked with ``*``.
    json_path : str or Path, optional
        Write the rows as a JSON list of objects with keys ``experiment``,
        ``metric``, ``tutorial`` (null where the tutorial gives no number)
        and ``scratchnet``, plus ``scratchnet_std``, ``runs``, ``quick``,
        ``seconds`` and experiment-specific extras where they apply.
    plots_dir : str or Path, optional
        Save the experiments' figures there as PNGs (needs matplotlib).
    print_fn : callable, default print

    Returns
    -------
    int
        The exit status: 0.

    Raises
    ------
    ValueError
        For an unknown experiment name (before anything runs).
    """
    resolve_names(names)  # reject bad names before any work
    start = time.perf_counter()
    rows, ctx, seconds = run_experiments(names, quick=quick, plots_dir=plots_dir,
                                         print_fn=print_fn)
    total = time.perf_counter() - start

    print_fn("")
    print_fn(format_table(rows))
    if any(row.quick for row in rows):
        print_fn("* quick run: fewer networks, trials or epochs than the tutorial; "
                 "compare loosely.")
    if ctx.notes:
        print_fn("")
        print_fn("Where scratchnet differs from the tutorials, and why:")
        for name, text in ctx.notes:
            print_fn(f"  [{name}] {text}")
    print_fn("")
    times = ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
    print_fn(f"Wall time: {times}; total {total:.1f} s")
    if json_path is not None:
        path = Path(json_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows_to_json(rows), indent=2, allow_nan=False) + "\n",
                        encoding="utf-8")
        print_fn(f"Results written to {path}")
    if ctx.plots:
        print_fn(f"{len(ctx.plots)} plot(s) saved in {ctx.plots_dir}")
    return 0
