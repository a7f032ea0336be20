"""``scratchnet compare``: one network, one split, one optimizer, trained by several libraries.

For a dataset, every library that is installed (scratchnet, scikit-learn's
``MLPClassifier``, Keras 3 and PyTorch) trains the same fully connected ReLU
network on the same standardized training split, with Adam at the same
learning rate, the same batch size and number of epochs, once per seed;
the table gives each library's test accuracy (mean and standard deviation
over the seeds), its training time and its time per epoch. A library that
is not installed is listed as skipped, with the command that installs it.
The recipe each library follows is in :mod:`scratchnet.compare_backends`.

>>> result = compare("moons", libraries=["scratchnet"], seeds=1, epochs=2, limit=200)
>>> result["results"][0]["library"], len(result["results"][0]["accuracies"])
('scratchnet', 1)
"""

import json
import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validation import check_scalar
from .compare_backends import LIBRARIES, Recipe, get_backend

__all__ = ["compare", "format_comparison", "plot_comparison", "run_compare", "DATASETS"]


@dataclass(frozen=True)
class DatasetDefaults:
    """A dataset's loader and the recipe it is compared with by default."""

    load: object
    hidden: tuple
    epochs: int
    batch_size: int
    lr: float
    quick_epochs: int
    quick_limit: int = None


def _load_heart(split_seed, data_home):
    from .datasets import load_heart

    return _split(*load_heart(), split_seed)


def _load_breast_cancer(split_seed, data_home):
    from .datasets import load_breast_cancer

    return _split(*load_breast_cancer(), split_seed)


def _load_moons(split_seed, data_home):
    from .datasets import make_moons

    return _split(*make_moons(n_samples=2000, noise=0.2, random_state=split_seed), split_seed)


def _load_mnist(split_seed, data_home):
    from .datasets import load_mnist

    # MNIST's own split (60,000 / 10,000); files from data_home or $SCRATCHNET_DATA.
    X_train, y_train = load_mnist("train", data_home=data_home, as_float=True)
    X_test, y_test = load_mnist("test", data_home=data_home, as_float=True)
    return X_train, X_test, y_train, y_test


def _split(X, y, split_seed):
    from .preprocessing import train_test_split

    return train_test_split(X, y, test_size=0.2, random_state=split_seed, stratify=y)


#: Dataset name -> loader and default recipe.
DATASETS = {
    "heart": DatasetDefaults(_load_heart, (16,), 100, 32, 1e-3, quick_epochs=20),
    "breast_cancer": DatasetDefaults(_load_breast_cancer, (32,), 50, 32, 1e-3, quick_epochs=10),
    "moons": DatasetDefaults(_load_moons, (64,), 30, 32, 1e-3, quick_epochs=5),
    "mnist": DatasetDefaults(_load_mnist, (128,), 5, 64, 1e-3, quick_epochs=1,
                             quick_limit=5000),
}


def _prepare(dataset, split_seed, limit, data_home):
    """Standardized float32 splits and integer class codes, plus the class labels."""
    from .preprocessing import LabelEncoder, StandardScaler

    X_train, X_test, y_train, y_test = DATASETS[dataset].load(split_seed, data_home)
    if limit is not None:
        X_train, y_train = X_train[:limit], y_train[:limit]
        X_test, y_test = X_test[:limit], y_test[:limit]
    scaler = StandardScaler().fit(X_train)
    encoder = LabelEncoder().fit(y_train)
    return (scaler.transform(X_train).astype(np.float32),
            scaler.transform(X_test).astype(np.float32),
            encoder.transform(y_train), encoder.transform(y_test), encoder.classes_)


def compare(dataset="heart", libraries=None, seeds=3, epochs=None, batch_size=None, lr=None,
            hidden=None, limit=None, quick=False, split_seed=0, data_home=None, warmup=True,
            print_fn=None):
    """Train the same network with each library on ``dataset``; return the results.

    Parameters
    ----------
    dataset : {"heart", "breast_cancer", "moons", "mnist"}, default "heart"
        heart, breast_cancer and moons (2,000 points, noise 0.2) are split
        80/20, stratified, with ``split_seed``; MNIST uses its own 60,000 /
        10,000 split and reads its files from ``data_home`` or
        ``$SCRATCHNET_DATA``.
    libraries : sequence of str, optional
        Among ``"scratchnet"``, ``"sklearn"``, ``"keras"``, ``"torch"`` (default: all).
    seeds : int, default 3
        Runs per library, with seeds ``0 .. seeds - 1`` (initialization and
        shuffling; the split stays the same).
    epochs, batch_size, lr, hidden : optional
        Override the dataset's defaults (``DATASETS``): heart (16,) 100 epochs,
        breast_cancer (32,) 50, moons (64,) 30, all with batch 32; MNIST (128,),
        5 epochs, batch 64; Adam lr 0.001 everywhere.
    limit : int, optional
        Use at most this many training and test samples.
    quick : bool, default False
        The dataset's short settings (fewer epochs; 5,000 MNIST training
        images), unless ``epochs``/``limit`` are given.
    split_seed : int, default 0
    data_home : str or path-like, optional
    warmup : bool, default True
        Before the timed runs, train each library for one epoch on 256 rows,
        untimed, so that its one-time start-up costs are not counted.
    print_fn : callable, optional
        Called with a line of progress after each run.

    Returns
    -------
    dict
        ``dataset``, ``recipe`` (hidden, epochs, batch_size, lr, optimizer,
        seeds), ``data`` (n_train, n_test, n_features, n_classes), ``machine``
        (with the 1-minute load average before and after) and ``results``: one dict per library with ``library``, ``label``,
        ``status`` (``"ok"`` or ``"skipped"``) and, when it ran, ``version``,
        ``accuracies``, ``accuracy_mean``, ``accuracy_std`` (population, over
        the seeds), ``train_seconds``, ``train_seconds_mean``,
        ``seconds_per_epoch`` and ``epochs_run``; when skipped, ``reason`` and
        ``install``. JSON-serializable.
    """
    from ._validation import check_option

    check_option(dataset, "dataset", "compare", tuple(DATASETS))
    libraries = list(LIBRARIES if libraries is None else libraries)
    backends = [(name, get_backend(name)) for name in libraries]
    seeds = check_scalar(seeds, "seeds", "compare", kind=int, low=1)
    defaults = DATASETS[dataset]
    if quick:
        epochs = defaults.quick_epochs if epochs is None else epochs
        limit = defaults.quick_limit if limit is None else limit
    recipe = _recipe(defaults, hidden, epochs, batch_size, lr)
    limit = check_scalar(limit, "limit", "compare", kind=int, low=2, allow_none=True)

    X_train, X_test, y_train, y_test, classes = _prepare(dataset, split_seed, limit, data_home)
    load_before = _load_average()
    results = [_run(name, backend, dict(recipe, n_classes=len(classes)), seeds, warmup,
                    (X_train, X_test, y_train, y_test), print_fn or (lambda text: None))
               for name, backend in backends]
    return {
        "dataset": dataset,
        "recipe": {**recipe, "hidden": list(recipe["hidden"]), "activation": "relu",
                   "optimizer": "Adam(betas=(0.9, 0.999), eps=1e-8), no weight decay",
                   "shuffle": True, "seeds": list(range(seeds)), "split_seed": split_seed,
                   "limit": limit, "warmup": bool(warmup)},
        "data": {"n_train": len(X_train), "n_test": len(X_test),
                 "n_features": int(X_train.shape[1]), "n_classes": len(classes)},
        # Other work on the machine slows every library: the load says how busy it was.
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": _load_average()},
        "results": results,
    }


def _load_average():
    """The 1-minute load average, or None where the system does not report one."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _recipe(defaults, hidden, epochs, batch_size, lr):
    """The recipe's settings: the dataset's defaults, overridden where given, checked."""
    hidden = tuple(defaults.hidden if hidden is None else hidden)
    for width in hidden:
        check_scalar(width, "hidden", "compare", kind=int, low=1)
    return dict(
        hidden=hidden,
        epochs=check_scalar(defaults.epochs if epochs is None else epochs, "epochs", "compare",
                            kind=int, low=1),
        batch_size=check_scalar(defaults.batch_size if batch_size is None else batch_size,
                                "batch_size", "compare", kind=int, low=1),
        lr=check_scalar(defaults.lr if lr is None else lr, "lr", "compare", low=0.0,
                        closed="neither"))


def _run(name, backend, recipe, seeds, warmup, data, print_fn):
    """One library's runs over the seeds, summarized (or why it was skipped)."""
    missing = backend.missing()
    if missing is not None:
        print_fn(f"  {backend.LABEL}: skipped ({missing} is not installed; "
                 f"{backend.install_command()})")
        return {"library": name, "label": backend.LABEL, "status": "skipped",
                "reason": f"{missing} is not installed", "install": backend.install_command()}
    X_train, X_test, y_train, y_test = data
    if warmup:
        # One untimed epoch on a few rows: a library's one-time start-up
        # (lazy imports, kernel selection, tracing) is not training time.
        backend.train(Recipe(**{**recipe, "epochs": 1, "seed": 0}), X_train[:256],
                      y_train[:256])
    runs = []
    for seed in range(seeds):
        trained = backend.train(Recipe(seed=seed, **recipe), X_train, y_train)
        accuracy = float(np.mean(trained.predict(X_test) == y_test))
        runs.append((accuracy, trained.seconds, trained.epochs))
        print_fn(f"  {backend.LABEL} seed {seed}: test accuracy {accuracy:.4f}, "
                 f"{trained.seconds:.2f} s for {trained.epochs} epochs")
    return _summary(name, backend, runs)


def _summary(name, backend, runs):
    accuracies = [r[0] for r in runs]
    seconds = [r[1] for r in runs]
    epochs = [r[2] for r in runs]
    return {
        "library": name, "label": backend.LABEL, "status": "ok", "version": backend.version(),
        "accuracies": accuracies,
        "accuracy_mean": statistics.fmean(accuracies),
        "accuracy_std": statistics.pstdev(accuracies),
        "train_seconds": seconds,
        "train_seconds_mean": statistics.fmean(seconds),
        "seconds_per_epoch": sum(seconds) / sum(epochs),
        "epochs_run": epochs,
    }


def format_comparison(result):
    """The result of :func:`compare` as a plain-text table, with a header line."""
    r, d = result["recipe"], result["data"]
    seeds = r["seeds"]
    head = (f"{result['dataset']}: {d['n_train']} train / {d['n_test']} test samples, "
            f"{d['n_features']} features, {d['n_classes']} classes; hidden "
            f"{tuple(r['hidden'])} ReLU, Adam lr {r['lr']:g}, batch {r['batch_size']}, "
            f"{r['epochs']} epochs, seeds {seeds[0]}..{seeds[-1]}")
    m = result["machine"]
    if m["load_average_before"] is not None:
        head += (f"\n{m['cpus']} CPUs, 1-minute load average {m['load_average_before']:.2f} "
                 f"before and {m['load_average_after']:.2f} after the runs")
    header = ("library", "version", "test accuracy", "train time (s)", "per epoch (ms)",
              "epochs")
    rows = []
    for entry in result["results"]:
        if entry["status"] != "ok":
            rows.append((entry["label"], "-", f"skipped: {entry['install']}", "", "", ""))
            continue
        times = entry["train_seconds"]
        epochs = sorted(set(entry["epochs_run"]))
        rows.append((entry["label"], entry["version"],
                     f"{entry['accuracy_mean']:.4f} \u00b1 {entry['accuracy_std']:.4f}",
                     f"{statistics.fmean(times):.2f} \u00b1 {statistics.pstdev(times):.2f}",
                     f"{1000 * entry['seconds_per_epoch']:.1f}",
                     "/".join(map(str, epochs))))
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([head, line(header), "  ".join("-" * w for w in widths)]
                     + [line(row) for row in rows])


def plot_comparison(result, path=None, axes=None):
    """Bar charts of test accuracy (with its std) and time per epoch, one bar per library.

    Parameters
    ----------
    result : dict
        From :func:`compare`.
    path : str or path-like, optional
        Save the figure there (and close it).
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    pair of Axes, or the path written when ``path`` is given
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("plot_comparison needs matplotlib, which is not installed; install "
                          "it with: pip install 'scratchnet[plot]'") from exc
    from .plotting import save_figure

    ran = [e for e in result["results"] if e["status"] == "ok"]
    if axes is None:
        axes = Figure(figsize=(10, 3.8), layout="constrained").subplots(1, 2)
    labels = [e["label"] for e in ran]
    acc_ax, time_ax = axes
    acc_ax.bar(labels, [e["accuracy_mean"] for e in ran],
               yerr=[e["accuracy_std"] for e in ran], capsize=4, color="tab:blue")
    low = min((e["accuracy_mean"] - e["accuracy_std"] for e in ran), default=0.0)
    acc_ax.set_ylim(max(0.0, low - 0.05), 1.0)
    acc_ax.set_ylabel("test accuracy")
    acc_ax.set_title(f"{result['dataset']}: test accuracy over {len(result['recipe']['seeds'])}"
                     " seeds")
    time_ax.bar(labels, [1000 * e["seconds_per_epoch"] for e in ran], color="tab:orange")
    time_ax.set_ylabel("training time per epoch (ms)")
    time_ax.set_title("time per epoch")
    for ax in axes:
        ax.tick_params(axis="x", labelrotation=15)
    if path is not None:
        return save_figure(axes[0].figure, path)
    return axes


def run_compare(dataset, libraries=None, seeds=3, epochs=None, batch_size=None, lr=None,
                hidden=None, limit=None, quick=False, json_path=None, plot_path=None,
                data_home=None, print_fn=print):
    """The ``scratchnet compare`` command: run, print the table, write JSON and a plot."""
    result = compare(dataset, libraries=libraries, seeds=seeds, epochs=epochs,
                     batch_size=batch_size, lr=lr, hidden=hidden, limit=limit, quick=quick,
                     data_home=data_home, print_fn=print_fn)
    print_fn("")
    print_fn(format_comparison(result))
    if json_path is not None:
        path = Path(json_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        print_fn(f"Results written to {path}")
    if plot_path is not None:
        try:
            print_fn(f"Plot saved: {plot_comparison(result, plot_path)}")
        except ImportError as exc:
            print_fn(f"Plot skipped: {exc}")
    return 0
