"""``scratchnet.load``: any scratchnet model file back to its model."""

import os

from . import model_state
from .errors import ModelFileError
from .serialization import read_archive
from .sequential import Sequential

__all__ = ["load"]

#: What a file's ``content["model"]`` names -> (plan, restore) for that kind of model.
LOADERS = {
    "sequential": (lambda content: model_state.plan(Sequential, content),
                   lambda content, arrays: model_state.restore(Sequential, content, arrays)),
}


def load(path):
    """Load a model saved with ``save``.

    Never unpickles anything. The header is read and checked first, and every
    array's shape and size is compared with what the declared architecture
    needs before any of it is decompressed, so a hostile file costs no more
    memory than the model it claims to hold. The returned model predicts
    exactly as the saved one, and continuing to ``fit`` it gives the same
    result as if training had never been interrupted.

    Raises
    ------
    ModelFileError
        If the file is missing, truncated, tampered with, inconsistent, or
        not a scratchnet model file; the message names the file.
    """
    kind = {}

    def plan(content):
        name = content.get("model") if isinstance(content, dict) else None
        if name not in LOADERS:
            raise ModelFileError(f"unknown kind of model {name!r}; known: {sorted(LOADERS)}")
        kind["restore"] = LOADERS[name][1]
        return LOADERS[name][0](content)

    content, arrays = read_archive(path, plan)
    try:
        return kind["restore"](content, arrays)
    except ModelFileError as exc:
        raise ModelFileError(f"{os.fspath(path)}: {exc}") from None
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise ModelFileError(f"{os.fspath(path)}: inconsistent model file: {exc}") from None
