"""The options of ``scratchnet train``: defaults, checks in one voice, and their text form."""

from .._validation import check_option, check_scalar
from ..layers import ACTIVATIONS
from ..optimizers import OPTIMIZERS
from ..tabular import TASKS

__all__ = ["DEFAULTS", "RESULT_OPTIONS", "parse_layers", "resolve_options", "format_options"]

#: Every option's default; ``None`` in a parsed command line means "not given".
DEFAULTS = {
    "layers": (64, 32), "activation": "relu", "dropout": 0.0, "epochs": 100, "batch_size": 32,
    "lr": 0.001, "optimizer": "adam", "val": 0.2, "test": 0.2, "seed": 0, "task": None,
    "checkpoint_every": 10, "early_stopping": None, "max_categories": 20, "ignore": (),
}
#: The options that decide the trained model (all but epochs and checkpointing): a
#: resumed run must use the same values.
RESULT_OPTIONS = ("layers", "activation", "dropout", "batch_size", "lr", "optimizer", "val",
                  "test", "seed", "task", "early_stopping", "max_categories", "ignore")
_OWNER = "scratchnet train"


def parse_layers(text):
    """``"64,32"`` -> ``(64, 32)``: the hidden layer widths.

    >>> parse_layers("64, 32")
    (64, 32)
    """
    parts = [p.strip() for p in str(text).split(",")]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(f"The '--layers' option of {_OWNER} must be positive integers separated "
                         f"by commas, such as 64,32. Got {text!r} instead.")
    return tuple(int(p) for p in parts)


def _names(text):
    names = tuple(n.strip() for n in str(text).split(",") if n.strip()) if text else ()
    return names


def resolve_options(given, base=None):
    """Fill the options not given from ``base`` (a resumed run's) or the defaults, then check them.

    Parameters
    ----------
    given : dict
        Option name -> value from the command line, ``None`` when not given.
        ``layers`` and ``ignore`` may be strings (``"64,32"``).
    base : dict, optional

    Returns
    -------
    dict
        Every option of :data:`DEFAULTS`, checked; ``layers`` and ``ignore`` as tuples.

    Raises
    ------
    ValueError
        For the first bad value, in the message shape of ``check_scalar``.
    """
    base = dict(DEFAULTS if base is None else base)
    opts = {k: (given.get(k) if given.get(k) is not None else base.get(k, DEFAULTS[k]))
            for k in DEFAULTS}
    opts["layers"] = (parse_layers(opts["layers"]) if isinstance(opts["layers"], str)
                      else tuple(int(u) for u in opts["layers"]))
    opts["ignore"] = (_names(opts["ignore"]) if isinstance(opts["ignore"], str)
                      else tuple(opts["ignore"]))
    opts["activation"] = check_option(str(opts["activation"]).lower(), "--activation", _OWNER,
                                      tuple(ACTIVATIONS.names()))
    opts["optimizer"] = check_option(str(opts["optimizer"]).lower(), "--optimizer", _OWNER,
                                     tuple(OPTIMIZERS.names()))
    if opts["task"] is not None:
        check_option(opts["task"], "--task", _OWNER, TASKS)
    opts["dropout"] = check_scalar(opts["dropout"], "--dropout", _OWNER, low=0.0, high=1.0,
                                   closed="left")
    opts["epochs"] = check_scalar(opts["epochs"], "--epochs", _OWNER, kind=int, low=1)
    opts["batch_size"] = check_scalar(opts["batch_size"], "--batch-size", _OWNER, kind=int, low=1)
    opts["lr"] = check_scalar(opts["lr"], "--lr", _OWNER, low=0.0, closed="neither")
    opts["val"] = check_scalar(opts["val"], "--val", _OWNER, low=0.0, high=1.0, closed="left")
    opts["test"] = check_scalar(opts["test"], "--test", _OWNER, low=0.0, high=1.0, closed="left")
    if opts["val"] + opts["test"] >= 1.0:
        raise ValueError(f"--val {opts['val']:g} and --test {opts['test']:g} of {_OWNER} must sum "
                         "to less than 1, to leave rows for training.")
    opts["seed"] = check_scalar(opts["seed"], "--seed", _OWNER, kind=int, low=0)
    opts["checkpoint_every"] = check_scalar(opts["checkpoint_every"], "--checkpoint-every",
                                            _OWNER, kind=int, low=0)
    opts["early_stopping"] = check_scalar(opts["early_stopping"], "--early-stopping", _OWNER,
                                          kind=int, low=1, allow_none=True)
    if opts["early_stopping"] is not None and opts["val"] == 0:
        raise ValueError(f"--early-stopping of {_OWNER} watches the validation loss: it needs "
                         "--val > 0.")
    opts["max_categories"] = check_scalar(opts["max_categories"], "--max-categories", _OWNER,
                                          kind=int, low=1)
    return opts


def format_options(opts):
    """The result-deciding options as command-line text, e.g. ``--layers 64,32 --lr 0.001``."""
    parts = []
    for key in RESULT_OPTIONS:
        value = opts[key]
        if value is None or value == ():
            continue
        if isinstance(value, (tuple, list)):
            value = ",".join(str(v) for v in value)
        parts.append(f"--{key.replace('_', '-')} {value:g}" if isinstance(value, float)
                     else f"--{key.replace('_', '-')} {value}")
    return " ".join(parts)
