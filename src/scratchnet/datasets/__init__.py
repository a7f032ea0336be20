"""Datasets: bundled tables, generated 2-D problems, and MNIST-style image sets.

Every loader and generator returns ``X, y`` (NumPy arrays), and the bundled
tables also their column names with ``return_feature_names=True``.

================================ ===============================================
bundled (no download)            ``load_breast_cancer``, ``load_heart``,
                                 ``load_weight_height_toy``,
                                 ``load_weight_height_queries``
generated (``random_state``)     ``make_moons``, ``make_circles``, ``make_spirals``
downloaded once, then cached     ``load_mnist``, ``load_fashion_mnist``
building blocks                  ``fetch``, ``get_data_home``, ``read_idx``
================================ ===============================================

MNIST-style files are looked up in ``data_home``, else ``$SCRATCHNET_DATA``,
else ``~/.cache/scratchnet`` (see :func:`get_data_home`).
"""

from ._bundled import (
    load_breast_cancer,
    load_heart,
    load_weight_height_queries,
    load_weight_height_toy,
)
from ._download import DataNotFoundError, fetch, get_data_home
from ._generators import make_circles, make_moons, make_spirals
from ._idx import read_idx
from ._mnist import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist

__all__ = [
    "load_breast_cancer",
    "load_heart",
    "load_weight_height_toy",
    "load_weight_height_queries",
    "make_moons",
    "make_circles",
    "make_spirals",
    "load_mnist",
    "load_fashion_mnist",
    "FASHION_MNIST_CLASSES",
    "fetch",
    "get_data_home",
    "read_idx",
    "DataNotFoundError",
]
