"""One adapter per library, all with the same small interface.

Each adapter module imports its library at the top and has a ``load(threads)``
function (torch has two) that pins the library's thread count and returns a
:class:`Library`. :func:`load` raises :class:`Unavailable` when the library is not
installed (or, for scratchnet, not usable yet). ``Library.build(spec)``
returns a fresh network with two methods:

* ``train_epoch(X, y)``: one full epoch over float32 ``X`` / int64 ``y``, reshuffled,
  in mini-batches of ``spec.batch_size`` (the last one partial), returning only when
  the work is done;
* ``predict(X)``: class labels as a NumPy array.

The workloads time these two calls and nothing else.
"""

import dataclasses
import importlib
from dataclasses import dataclass, field


class Unavailable(Exception):
    """The library is not installed (or not usable yet); the message says why."""


@dataclass(frozen=True)
class NetSpec:
    """A ReLU multilayer perceptron and how to train it (softmax cross-entropy loss)."""

    sizes: tuple  # (inputs, hidden..., classes)
    optimizer: str  # "adam" (betas 0.9/0.999, eps 1e-8) or "sgd" (no momentum)
    lr: float
    batch_size: int
    seed: int = 0


@dataclass
class Library:
    version: str
    build: object  # NetSpec -> network with train_epoch / predict
    threads: str  # the thread setting the library ended up with, in words
    notes: list = field(default_factory=list)
    label: str = ""  # what tables show, e.g. "torch.compile" (set by load)


# command-line name -> (module in this package, loader function, label in tables)
LIBRARIES = {
    "scratchnet": ("scratchnet_mlp", "load", "scratchnet"),
    "torch": ("torch_mlp", "load_eager", "PyTorch eager"),
    "torch_compile": ("torch_mlp", "load_compiled", "torch.compile"),
    "sklearn": ("sklearn_mlp", "load", "sklearn MLP"),
    "jax": ("jax_mlp", "load", "JAX jit"),
}
LABELS = {name: label for name, (_, _, label) in LIBRARIES.items()}


def load(name, threads):
    """The :class:`Library` called ``name``; raises :class:`Unavailable` if it cannot be used."""
    module_name, loader, label = LIBRARIES[name]
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ModuleNotFoundError as exc:
        raise Unavailable(f"not installed ({exc})") from exc
    return dataclasses.replace(getattr(module, loader)(threads), label=label)
