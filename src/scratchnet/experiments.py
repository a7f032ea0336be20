"""Repeats and sweeps: many trainings of a network, on the lockstep ensemble engine.

:func:`repeat` trains ``n`` fresh copies of one model; :func:`sweep` trains
``repeats`` copies of every setting of a grid. Runs are grouped into chunks
of compatible members (same layers, loss and optimizer; Dense widths may
differ) and each chunk is one :class:`~scratchnet.Ensemble`. Every run has
its own seed, so the results do not depend on the chunking, on ``n_jobs``
(chunks spread over local processes with joblib) or on ``scheduler`` (a Dask
cluster, through joblib's Dask backend).

>>> import scratchnet as sn
>>> from scratchnet.datasets import make_moons
>>> from scratchnet.experiments import sweep
>>> X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
>>> def make_model(hidden):
...     return sn.Sequential([sn.Dense(hidden, activation="relu"), sn.Dense(2)],
...                          optimizer=sn.Adam(lr=0.01))
>>> table = sweep(make_model, {"hidden": [4, 16]}, X, y, repeats=2, epochs=5, seed=0)
>>> len(table), [row["hidden"] for row in table.summary()]
(4, [4, 16])
"""

import csv
import itertools
import os
import sys
import time

import numpy as np

from ._validation import check_scalar
from .ensemble.members import check_templates, spawn_seeds
from .progress import ProgressBar
from .sequential import Sequential

__all__ = ["Table", "repeat", "sweep", "DEFAULT_CHUNK"]

#: Members per ensemble (chunk) by default: enough to amortize NumPy's per-call
#: overhead over a small network, few enough to bound the memory of the stack.
DEFAULT_CHUNK = 128


class Table:
    """Rows of results, one per run: settings, seed, every metric and seconds.

    Parameters
    ----------
    rows : list of dict
    settings : list of str
        The names of the swept parameters (the columns :meth:`summary` groups by).
    """

    def __init__(self, rows, settings=()):
        self.rows = list(rows)
        self.settings = list(settings)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    @property
    def columns(self):
        names = []
        for row in self.rows:
            names += [k for k in row if k not in names]
        return names

    @property
    def metrics(self):
        """The numeric result columns (not the settings, run, seed or seconds)."""
        skip = set(self.settings) | {"run", "repeat", "seed", "seconds"}
        return [c for c in self.columns if c not in skip]

    def column(self, name):
        """One column as an array."""
        return np.array([row[name] for row in self.rows])

    def summary(self):
        """Mean and standard deviation (population, ddof=0) of every metric per setting.

        Returns
        -------
        list of dict
            One per setting, in first-seen order: the settings, ``runs``, and
            ``<metric>_mean`` / ``<metric>_std`` for each metric.
        """
        groups = {}
        for row in self.rows:
            key = tuple(row[s] for s in self.settings)
            groups.setdefault(key, []).append(row)
        out = []
        for key, rows in groups.items():
            entry = dict(zip(self.settings, key))
            entry["runs"] = len(rows)
            for metric in self.metrics:
                values = np.array([r[metric] for r in rows], dtype=float)
                entry[f"{metric}_mean"] = float(values.mean())
                entry[f"{metric}_std"] = float(values.std())
            out.append(entry)
        return out

    def to_csv(self, path):
        """Write the rows as CSV (a header line, then one line per run)."""
        path = os.fspath(path)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(self.rows)
        return path

    def plot(self, metric=None, x=None, ax=None):
        """Mean +- std of ``metric`` against the setting ``x`` (needs matplotlib); returns the axes."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("Table.plot needs matplotlib: pip install 'scratchnet[plot]'") from None

        metric = metric or next((m for m in ("test_accuracy", "val_accuracy", "accuracy",
                                              "test_loss", "loss") if m in self.metrics),
                                self.metrics[0])
        x = x or (self.settings[0] if self.settings else None)
        summary = self.summary()
        xs = [row[x] for row in summary] if x else list(range(len(summary)))
        means = np.array([row[f"{metric}_mean"] for row in summary])
        stds = np.array([row[f"{metric}_std"] for row in summary])
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        ax.plot(xs, means, marker="o")
        ax.fill_between(xs, means - stds, means + stds, alpha=0.25)
        ax.set_xlabel(x or "setting")
        ax.set_ylabel(metric)
        ax.set_title(f"{metric}: mean and std over runs")
        return ax

    def __repr__(self):
        return f"Table({len(self.rows)} runs, columns={self.columns})"


def repeat(model, X, y, n=100, epochs=10, batch_size=32, validation_data=None, test_data=None,
           seed=None, seeds=None, chunk_size=None, n_jobs=None, scheduler=None, verbose=0):
    """Train ``n`` fresh copies of ``model`` (each with its own seed) and tabulate them.

    Parameters
    ----------
    model : Sequential
        An unbuilt template (layers, loss, optimizer, dtype).
    X, y : array-like
        Training data.
    n : int, default 100
    epochs, batch_size :
        As for ``fit``.
    validation_data, test_data : tuple (X, y), optional
        ``val_*`` metrics per epoch (the last epoch's are tabulated) and
        ``test_*`` metrics of the trained networks.
    seed : int, optional
        Run seeds are ``np.random.SeedSequence(seed).spawn(n)`` (default: the
        template's seed, else fresh entropy).
    seeds : list of int or SeedSequence, optional
        Explicit run seeds instead.
    chunk_size : int, optional
        Members per ensemble (default ``DEFAULT_CHUNK``).
    n_jobs : int, optional
        Spread the chunks over this many local processes (joblib, loky).
    scheduler : str or dask.distributed.Client, optional
        Run the chunks on a Dask cluster (its address, or a client).
    verbose : {0, 1}
        1: a progress bar over the members.

    Returns
    -------
    Table
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"repeat takes an unbuilt Sequential; got {model!r}")
    config = model.get_config()
    table = sweep(lambda: Sequential.from_config(config), {}, X, y, repeats=n, epochs=epochs,
                  batch_size=batch_size, validation_data=validation_data, test_data=test_data,
                  seed=model.seed if seed is None and seeds is None else seed, seeds=seeds,
                  chunk_size=chunk_size, n_jobs=n_jobs, scheduler=scheduler, verbose=verbose)
    return table


def sweep(make_model, grid, X, y, repeats=3, epochs=10, batch_size=32, validation_data=None,
          test_data=None, seed=None, seeds=None, chunk_size=None, n_jobs=None, scheduler=None,
          verbose=0):
    """Train ``repeats`` networks for every setting of ``grid`` and tabulate them.

    Parameters
    ----------
    make_model : callable
        ``make_model(**setting)`` returns an unbuilt Sequential.
    grid : dict of str -> list
        Every combination of the values is a setting, e.g. ``{"hidden": range(3, 40)}``.
    repeats : int, default 3
        Networks per setting (their seeds differ).
    Other parameters
        As for :func:`repeat`; run seeds are spawned for all runs, setting by
        setting, repeat by repeat.

    Returns
    -------
    Table
        Rows in setting order, then repeat order.
    """
    repeats = check_scalar(repeats, "repeats", "sweep", kind=int, low=1)
    chunk_size = check_scalar(chunk_size or DEFAULT_CHUNK, "chunk_size", "sweep", kind=int, low=1)
    names = list(grid)
    settings = [dict(zip(names, values)) for values in itertools.product(*grid.values())]
    runs = [(setting, r) for setting in settings for r in range(repeats)]
    configs = []
    for setting in settings:
        template = make_model(**setting)
        check_templates([template])
        configs += [template.get_config()] * repeats
    if seeds is None:
        seeds = spawn_seeds(seed, len(runs))
    elif len(seeds) != len(runs):
        raise ValueError(f"sweep got {len(seeds)} seeds for {len(runs)} runs")
    seeds = list(seeds)
    chunks = _chunks(configs, chunk_size)
    data = {"X": X, "y": y, "epochs": epochs, "batch_size": batch_size,
            "validation_data": validation_data, "test_data": test_data}
    jobs = [([configs[i] for i in chunk], [seeds[i] for i in chunk]) for chunk in chunks]
    bar = ProgressBar(len(runs), "Training", unit="net", file=sys.stdout, enabled=verbose >= 1)
    results = []
    for chunk, (chunk_rows, seconds) in zip(chunks, _run(jobs, data, n_jobs, scheduler)):
        results += [(i, row, seconds / len(chunk)) for i, row in zip(chunk, chunk_rows)]
        bar.update(len(chunk))
    bar.close()
    rows = []
    for i, row, seconds in sorted(results, key=lambda item: item[0]):
        setting, r = runs[i]
        seed_value = seeds[i] if isinstance(seeds[i], int) else str(seeds[i].spawn_key)
        rows.append({"run": i, **setting, "repeat": r, "seed": seed_value, **row,
                     "seconds": seconds})
    return Table(rows, settings=names)


def _chunks(configs, chunk_size):
    """Runs grouped into consecutive chunks of compatible members, at most ``chunk_size`` each."""
    chunks, current = [], []
    for i, config in enumerate(configs):
        if current and (len(current) == chunk_size
                        or not _compatible(configs[current[0]], config)):
            chunks.append(current)
            current = []
        current.append(i)
    if current:
        chunks.append(current)
    return chunks


def _compatible(a, b):
    try:
        check_templates([Sequential.from_config(a), Sequential.from_config(b)])
    except ValueError:
        return False
    return True


def _run(jobs, data, n_jobs, scheduler):
    """Each job's result, in order: serially, with joblib's processes, or on Dask."""
    if scheduler is None and n_jobs in (None, 1):
        for configs, seeds in jobs:
            yield train_chunk(configs, seeds, data)
        return
    try:
        import joblib
    except ImportError:
        raise ImportError("n_jobs and scheduler need joblib: pip install 'scratchnet[parallel]' "
                          "(or 'scratchnet[dask]' for a Dask cluster)") from None
    tasks = (joblib.delayed(train_chunk)(configs, seeds, data) for configs, seeds in jobs)
    if scheduler is None:
        yield from joblib.Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise ImportError("scheduler= needs Dask: pip install 'scratchnet[dask]'") from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        with joblib.parallel_config(backend="dask", client=client):
            yield from joblib.Parallel(n_jobs=-1 if n_jobs is None else n_jobs,
                                       return_as="generator")(tasks)
    finally:
        if own:
            client.close()


def train_chunk(configs, seeds, data):
    """Train one chunk of runs as one Ensemble; returns (rows of metrics, seconds).

    A top-level function of plain arguments, so that joblib and Dask can
    ship it to another process.
    """
    from .ensemble import Ensemble

    start = time.perf_counter()
    templates = [Sequential.from_config(c) for c in configs]
    ensemble = Ensemble(templates, seeds=seeds)
    runs = ensemble.fit(data["X"], data["y"], epochs=data["epochs"],
                        batch_size=data["batch_size"], validation_data=data["validation_data"])
    rows = [{key: values[-1] for key, values in run.items()} for run in runs]
    if data["test_data"] is not None:
        scores = ensemble.evaluate(*data["test_data"])
        for k, row in enumerate(rows):
            row.update({f"test_{key}": float(values[k]) for key, values in scores.items()})
    return rows, time.perf_counter() - start
