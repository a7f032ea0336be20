"""Two-dimensional toy problems generated with NumPy: moons, circles, spirals.

Each generator returns ``X`` of shape ``(n_samples, 2)`` (float64) and ``y`` of
shape ``(n_samples,)`` (int64), draws all its randomness from
``np.random.default_rng(random_state)``, and gives the same data for the same
``random_state``. The geometry of the moons and circles is scikit-learn's, so
tutorials written against ``sklearn.datasets.make_moons`` carry over; the
random numbers differ, since scikit-learn uses the legacy ``RandomState``.
"""

import numpy as np

from .._validation import check_random_state, check_scalar

__all__ = ["make_moons", "make_circles", "make_spirals"]


def make_moons(n_samples=100, noise=None, random_state=None, shuffle=True):
    """Two interleaving half circles.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points. The outer moon (class 0) gets
        ``n_samples // 2`` of them, the inner moon (class 1) the rest.
    noise : float >= 0 or None, default None
        Standard deviation of the Gaussian noise added to every coordinate.
    random_state : None, int or numpy.random.Generator, default None
        Seed for the noise and the shuffling.
    shuffle : bool, default True
        Shuffle the points; when False the outer moon comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        0 for the outer moon, 1 for the inner moon.

    Notes
    -----
    With ``t`` spaced evenly on ``[0, pi]``, the outer moon is
    ``(cos t, sin t)`` and the inner moon ``(1 - cos t, 0.5 - sin t)``.

    Examples
    --------
    >>> X, y = make_moons(n_samples=6, random_state=0)
    >>> X.shape, y.tolist().count(1)
    ((6, 2), 3)
    """
    caller = "make_moons"
    n_samples = check_scalar(n_samples, "n_samples", caller, kind=int, low=1)
    noise = check_scalar(noise, "noise", caller, low=0.0, allow_none=True) or 0.0
    rng = check_random_state(random_state, caller)

    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)])
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _shuffle_and_noise(X, y, rng, shuffle, noise)


def make_circles(n_samples=100, noise=None, factor=0.8, random_state=None, shuffle=True):
    """A circle of radius 1 around a smaller concentric circle.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points. The outer circle (class 0) gets
        ``n_samples // 2`` of them, the inner circle (class 1) the rest.
    noise : float >= 0 or None, default None
        Standard deviation of the Gaussian noise added to every coordinate.
    factor : float in [0, 1), default 0.8
        Radius of the inner circle relative to the outer one.
    random_state : None, int or numpy.random.Generator, default None
        Seed for the noise and the shuffling.
    shuffle : bool, default True
        Shuffle the points; when False the outer circle comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        0 for the outer circle, 1 for the inner circle.

    Notes
    -----
    The angles of each circle are spaced evenly on ``[0, 2 pi)``; the points
    are ``(cos a, sin a)`` outside and ``factor * (cos a, sin a)`` inside.

    Examples
    --------
    >>> X, y = make_circles(n_samples=8, factor=0.5, shuffle=False)
    >>> float(abs(X[-1]).max()) <= 0.5
    True
    """
    caller = "make_circles"
    n_samples = check_scalar(n_samples, "n_samples", caller, kind=int, low=1)
    noise = check_scalar(noise, "noise", caller, low=0.0, allow_none=True) or 0.0
    factor = check_scalar(factor, "factor", caller, low=0.0, high=1.0, closed="left")
    rng = check_random_state(random_state, caller)

    n_out = n_samples // 2
    n_in = n_samples - n_out
    a_out = np.linspace(0.0, 2.0 * np.pi, n_out, endpoint=False)
    a_in = np.linspace(0.0, 2.0 * np.pi, n_in, endpoint=False)
    outer = np.column_stack([np.cos(a_out), np.sin(a_out)])
    inner = factor * np.column_stack([np.cos(a_in), np.sin(a_in)])
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _shuffle_and_noise(X, y, rng, shuffle, noise)


def make_spirals(n_samples=100, n_classes=2, noise=None, random_state=None, shuffle=True):
    """``n_classes`` spiral arms winding out of the origin, one class per arm.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, shared as evenly as possible between the
        arms (the first ``n_samples % n_classes`` arms get one more).
    n_classes : int >= 2, default 2
        Number of arms (classes).
    noise : float >= 0 or None, default None
        Standard deviation of the Gaussian noise added to every coordinate.
        The arms are about ``1 / n_classes`` apart, so noise around
        ``0.1 / n_classes`` already makes them overlap a little.
    random_state : None, int or numpy.random.Generator, default None
        Seed for the noise and the shuffling.
    shuffle : bool, default True
        Shuffle the points; when False they come arm after arm, each arm
        from the centre outwards.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        All points lie within the unit disc (before noise).
    y : ndarray of shape (n_samples,), int64
        The arm index, ``0 .. n_classes - 1``.

    Notes
    -----
    Arm ``k`` is the curve ``r (cos a, sin a)`` with the radius ``r`` spaced
    evenly on ``[0.1, 1]`` and the angle ``a = 2 pi k / n_classes + 2 pi r``:
    every arm makes one full turn, and the arms are rotated copies of each
    other. Not linearly separable; a small MLP needs a few dozen hidden units.

    Examples
    --------
    >>> X, y = make_spirals(n_samples=7, n_classes=3, shuffle=False)
    >>> y.tolist()
    [0, 0, 0, 1, 1, 2, 2]
    """
    caller = "make_spirals"
    n_samples = check_scalar(n_samples, "n_samples", caller, kind=int, low=1)
    n_classes = check_scalar(n_classes, "n_classes", caller, kind=int, low=2)
    noise = check_scalar(noise, "noise", caller, low=0.0, allow_none=True) or 0.0
    rng = check_random_state(random_state, caller)

    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    parts = []
    for k, size in enumerate(sizes):
        r = np.linspace(0.1, 1.0, size)
        angle = 2.0 * np.pi * k / n_classes + 2.0 * np.pi * r
        parts.append(r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    X = np.concatenate(parts)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), sizes)
    return _shuffle_and_noise(X, y, rng, shuffle, noise)


def _shuffle_and_noise(X, y, rng, shuffle, noise):
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, y
