"""``scratchnet sweep``: a grid of settings, trained on the ensemble engine, summarized."""

import os
import sys

from .experiments import Table, sweep

__all__ = ["parse_param", "run_sweep_job"]

#: What ``--param`` may sweep, and how each value is read.
PARAMS = {"hidden": int, "lr": float, "epochs": int}


def parse_param(text):
    """``"hidden=3:40"`` -> ``("hidden", [3, ..., 39])``; ``"lr=0.01,0.1"`` -> a list.

    Raises
    ------
    ValueError
        For an unknown name or a malformed value, naming the argument.
    """
    name, sep, spec = text.partition("=")
    if not sep or name not in PARAMS:
        raise ValueError(f"--param {text!r}: expected NAME=SPEC with NAME one of "
                         f"{', '.join(PARAMS)} (e.g. hidden=3:40 or lr=0.01,0.1)")
    kind = PARAMS[name]
    try:
        if ":" in spec:
            parts = [int(p) for p in spec.split(":")]
            if len(parts) not in (2, 3):
                raise ValueError
            values = list(range(*parts))
        else:
            values = [kind(v) for v in spec.split(",")]
    except ValueError:
        raise ValueError(f"--param {text!r}: {spec!r} is not a range START:STOP[:STEP] of ints "
                         f"or a comma-separated list of {kind.__name__}s") from None
    if not values:
        raise ValueError(f"--param {text!r}: the range is empty")
    return name, values


def _moons():
    from .datasets import make_moons
    from .preprocessing import train_test_split

    X, y = make_moons(n_samples=5000, noise=0.1, random_state=42)
    return train_test_split(X, y, test_size=0.25, random_state=42)


def run_sweep_job(dataset="moons", params=(), repeats=3, epochs=10, batch_size=10, n_jobs=None,
                  scheduler=None, out_dir=None, seed=0, print_fn=print):
    """Run the sweep the CLI describes; prints the summary table. Returns the exit status."""
    from .layers import Dense
    from .optimizers import SGD
    from .sequential import Sequential

    grid = dict(parse_param(p) for p in (params or ["hidden=3:40"]))
    X_train, X_test, y_train, y_test = _moons()
    fixed_epochs = grid.pop("epochs", [epochs])
    if len(fixed_epochs) != 1:
        raise ValueError("--param epochs takes a single value")

    def make_model(hidden=64, lr=0.01):
        return Sequential([Dense(hidden, activation="relu"), Dense(2)], optimizer=SGD(lr=lr))

    table = sweep(make_model, grid, X_train, y_train, repeats=repeats, epochs=fixed_epochs[0],
                  batch_size=batch_size, test_data=(X_test, y_test), seed=seed, n_jobs=n_jobs,
                  scheduler=scheduler, verbose=1)
    summary = table.summary()
    names = list(grid)
    print_fn(" ".join(f"{n:>8}" for n in names) + "   runs   test accuracy")
    for row in summary:
        print_fn(" ".join(f"{row[n]:>8}" for n in names)
                 + f"   {row['runs']:>4}   {row['test_accuracy_mean']:.4f} "
                   f"+- {row['test_accuracy_std']:.4f}")
    seconds = sum(row["seconds"] for row in table)
    print_fn(f"{len(table)} networks, {fixed_epochs[0]} epochs each, in {seconds:.1f} s of training")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        table.to_csv(os.path.join(out_dir, "runs.csv"))
        Table(summary).to_csv(os.path.join(out_dir, "summary.csv"))
        try:
            ax = table.plot("test_accuracy")
        except ImportError as exc:
            print(f"scratchnet: {exc}; no plot written", file=sys.stderr)
        else:
            ax.figure.savefig(os.path.join(out_dir, "sweep.png"), dpi=100)
        print_fn(f"Results written to {out_dir}")
    return 0
