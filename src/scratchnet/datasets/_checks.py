"""Argument checks shared by the dataset functions, all in one message shape.

Every message reads ``The 'noise' parameter of make_moons must be a float >= 0.
Got -1 instead.``: the parameter, the allowed values and what was received.
"""

import numbers

import numpy as np

__all__ = []


def param_error(caller, name, allowed, value):
    """Build the ``ValueError`` for a parameter that is not in ``allowed``."""
    return ValueError(
        f"The {name!r} parameter of {caller} must be {allowed}. Got {value!r} instead."
    )


def check_int(value, name, caller, low, high=None):
    """Return ``value`` as an int if it is an integer in ``[low, high]``."""
    if high is None:
        allowed = f"an int in the range [{low}, inf)"
    else:
        allowed = f"an int in the range [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise param_error(caller, name, allowed, value)
    if value < low or (high is not None and value > high):
        raise param_error(caller, name, allowed, value)
    return int(value)


def check_real(value, name, caller, allowed, ok):
    """Return ``value`` as a float if it is a finite real number with ``ok(value)`` true."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise param_error(caller, name, allowed, value)
    value = float(value)
    if not np.isfinite(value) or not ok(value):
        raise param_error(caller, name, allowed, value)
    return value


def check_noise(noise, caller):
    """``None`` means no noise; otherwise a finite float >= 0 (0.0 returned for None)."""
    if noise is None:
        return 0.0
    return check_real(noise, "noise", caller, "None or a float >= 0", lambda v: v >= 0)


def check_choice(value, name, caller, choices):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        allowed = "one of " + ", ".join(repr(c) for c in choices)
        raise param_error(caller, name, allowed, value)
    return value


def make_rng(random_state, caller):
    """Turn ``random_state`` (None, an int or a Generator) into a ``np.random.Generator``."""
    if isinstance(random_state, np.random.RandomState):
        raise param_error(
            caller, "random_state", "None, an int >= 0 or a numpy.random.Generator", random_state
        )
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError):
        raise param_error(
            caller, "random_state", "None, an int >= 0 or a numpy.random.Generator", random_state
        ) from None
