"""scikit-learn estimators over scratchnet networks (needs the ``[sklearn]`` extra).

The public names are :mod:`scratchnet.sklearn`'s: :class:`NeuralNetClassifier`,
:class:`NeuralNetRegressor` and :func:`load`. One concept per module:
``base`` (settings, training with scikit-learn's stopping rule, hidden
activations, save and load), ``stopping`` (the rule itself), ``classifier``,
``regressor``, ``persistence`` (the estimator as JSON in a model file) and
``docstrings``.
"""

try:
    import sklearn  # noqa: F401  (the real scikit-learn: imports are absolute)
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "scratchnet.sklearn needs scikit-learn: pip install 'scratchnet[sklearn]'"
    ) from exc

from .base import NeuralNetBase
from .classifier import NeuralNetClassifier
from .regressor import NeuralNetRegressor

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor", "load"]


def load(path):
    """Load a ``NeuralNetClassifier`` or ``NeuralNetRegressor`` saved with ``save(path)``.

    Raises
    ------
    ModelFileError
        If the file is not a valid scratchnet model file or holds no estimator.
    """
    return NeuralNetBase.load(path)
