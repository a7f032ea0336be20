"""The one door through which the compare backends import their library."""

import importlib

__all__ = ["import_library"]


def import_library(name):
    """``importlib.import_module(name)``; tests replace it to simulate a missing library."""
    return importlib.import_module(name)


def first_missing(modules):
    """The top-level name of the first of ``modules`` that cannot be imported, or None."""
    for module in modules:
        try:
            import_library(module)
        except ImportError:
            return module.split(".")[0]
    return None
