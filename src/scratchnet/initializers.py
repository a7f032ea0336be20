"""Weight initializers: ``init(rng, n_in, n_out, dtype) -> W of shape (n_in, n_out)``.

Sorted from the tutorials' choice to the modern defaults.
"""

import math

from ._validation import check_option

__all__ = ["standard_normal", "glorot_uniform", "he_normal", "INITIALIZERS", "get_initializer"]


def standard_normal(rng, n_in, n_out, dtype):
    """:math:`W_{ij} \\sim \\mathcal{N}(0, 1)`, as the tutorials' ``np.random.randn``.

    Its variance does not shrink with the fan-in, so wide layers start saturated;
    kept for faithful reproductions.
    """
    return rng.standard_normal((n_in, n_out)).astype(dtype, copy=False)


def glorot_uniform(rng, n_in, n_out, dtype):
    """Glorot & Bengio (2010): :math:`W_{ij} \\sim U(-a, a)`, :math:`a = \\sqrt{6 / (n_{in} + n_{out})}`.

    Keeps the activation variance constant through tanh/sigmoid/linear layers.
    """
    limit = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype, copy=False)


def he_normal(rng, n_in, n_out, dtype):
    """He et al. (2015): :math:`W_{ij} \\sim \\mathcal{N}(0, 2 / n_{in})`.

    ReLU zeroes half its inputs, halving the variance; the factor 2 restores it.
    """
    std = math.sqrt(2.0 / n_in)
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype, copy=False)


INITIALIZERS = {"normal": standard_normal, "glorot": glorot_uniform, "he": he_normal}


def get_initializer(name, owner="Dense"):
    """Look up an initializer by name (``"normal"``, ``"glorot"``, ``"he"``)."""
    check_option(name, "init", owner, tuple(INITIALIZERS))
    return INITIALIZERS[name]
