"""An MLP on the real MNIST and Fashion-MNIST (the end point of tutorial 000's walk-through).

Tutorial 000 ends by sketching a PyTorch ``Model`` (Linear, ReLU, Linear) for
MNIST without reporting an accuracy. Here a plain ``Sequential`` trains on
the 60,000 real training images and is scored on the 10,000 test images.
"""

import time

from ..datasets import DataNotFoundError, load_fashion_mnist, load_mnist
from ..layers import Dense, Dropout
from ..optimizers import Adam
from ..schedules import CosineDecay
from ..sequential import Sequential
from .report import Row

__all__ = ["MNIST_SETTINGS", "QUICK_SETTINGS", "build_mlp", "train_mlp", "experiment_mnist"]

#: The full run: 784-512-256-10, ReLU, dropout 0.2, Adam with cosine decay.
MNIST_SETTINGS = {"hidden": (512, 256), "dropout": 0.2, "lr": 1e-3, "min_lr": 1e-5,
                  "batch_size": 128, "epochs": 10, "n_train": None, "seed": 0}
#: ``--quick``: the same network, 2 epochs on the first 10,000 training images.
QUICK_SETTINGS = dict(MNIST_SETTINGS, epochs=2, n_train=10_000)

ARCHITECTURE = "784-512-256-10 ReLU, dropout 0.2, Adam 1e-3 cosine-decayed, batch 128"


def build_mlp(n_steps, hidden=(512, 256), dropout=0.2, lr=1e-3, min_lr=1e-5, seed=0):
    """The MLP: ``Dense(h, relu)`` and ``Dropout`` per hidden width, then ``Dense(10)``.

    The learning rate follows a cosine from ``lr`` to ``min_lr`` over ``n_steps`` updates.
    """
    layers = []
    for width in hidden:
        layers.append(Dense(width, activation="relu"))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(10))
    return Sequential(layers, loss="cross_entropy",
                      optimizer=Adam(lr=CosineDecay(lr, n_steps, min_lr=min_lr)), seed=seed)


def train_mlp(loader, settings, print_fn=None):
    """Train on ``loader("train")`` and score on ``loader("test")``.

    Returns
    -------
    dict
        ``test_accuracy`` (fraction), ``train_seconds``, ``epochs``, ``n_train``
        and the ``history``.

    Raises
    ------
    DataNotFoundError
        If the data files are missing and cannot be downloaded.
    """
    X, y = loader("train", as_float=True, download=False)
    X_test, y_test = loader("test", as_float=True, download=False)
    if settings["n_train"] is not None:
        X, y = X[:settings["n_train"]], y[:settings["n_train"]]
    bs, epochs = settings["batch_size"], settings["epochs"]
    n_steps = epochs * -(-len(X) // bs)
    model = build_mlp(n_steps, hidden=settings["hidden"], dropout=settings["dropout"],
                      lr=settings["lr"], min_lr=settings["min_lr"], seed=settings["seed"])
    start = time.perf_counter()
    for epoch in range(epochs):
        model.fit(X, y, epochs=1, batch_size=bs)
        if print_fn is not None:
            print_fn(f"      epoch {epoch + 1}/{epochs}: loss {model.history['loss'][-1]:.4f} "
                     f"({time.perf_counter() - start:.1f} s)")
    seconds = time.perf_counter() - start
    return {"test_accuracy": model.evaluate(X_test, y_test)["accuracy"],
            "train_seconds": seconds, "epochs": epochs, "n_train": len(X),
            "history": dict(model.history)}


def experiment_mnist(ctx):
    """MNIST must reach 98 % test accuracy; Fashion-MNIST is reported alongside."""
    settings = QUICK_SETTINGS if ctx.quick else MNIST_SETTINGS
    rows = []
    for title, key, loader in (("MNIST", "mnist", load_mnist),
                               ("Fashion-MNIST", "fashion", load_fashion_mnist)):
        ctx.log(f"    {title}: {ARCHITECTURE}, {settings['epochs']} epochs"
                + (f" on {settings['n_train']} images" if settings["n_train"] else ""))
        try:
            result = train_mlp(loader, settings, print_fn=ctx.log)
        except DataNotFoundError as exc:
            ctx.log(f"    skip {title}: {exc}")
            rows.append(Row("mnist", f"{title} test accuracy (%)", None, None,
                            display="skipped (data not found)"))
            continue
        n = result["n_train"]
        rows.append(Row("mnist", f"{title} test accuracy (%), MLP {n} train images", None,
                        100 * result["test_accuracy"], fmt=".2f", quick=ctx.quick,
                        extra={"architecture": ARCHITECTURE, "epochs": result["epochs"],
                               "train_seconds": result["train_seconds"]}))
        rows.append(Row("mnist", f"{title} training time (s), {result['epochs']} epochs", None,
                        result["train_seconds"], fmt=".1f", quick=ctx.quick))
        ctx.plot(f"mnist_{key}_loss.png", lambda h=result["history"], t=title: _plot(h, t))
    ctx.note("mnist", "No tutorial number: tutorial 000's MNIST walk-through stops before "
                      "training. The target is 98 % on MNIST's test set.")
    return rows


def _plot(history, title):
    from ..plotting import plot_loss

    return plot_loss(history, title=f"{title}: MLP training loss per epoch")
