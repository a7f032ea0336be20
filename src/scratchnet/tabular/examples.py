"""Where the example CSV file that ships with scratchnet lies."""

from importlib import resources

__all__ = ["example_path"]

_EXAMPLES = {"heart": "heart.csv"}


def example_path(name="heart"):
    """Path (str) of a bundled example CSV: ``"heart"`` (UCI Statlog Heart, 270 rows).

    >>> example_path().endswith("heart.csv")
    True
    """
    if name not in _EXAMPLES:
        raise ValueError(f"no example {name!r}; available: {', '.join(_EXAMPLES)}")
    return str(resources.files("scratchnet.datasets") / "data" / _EXAMPLES[name])
