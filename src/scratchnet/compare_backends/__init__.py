"""One training recipe, carried out by each library that ``scratchnet compare`` knows.

Every backend module defines

``LABEL``
    The name shown in the table.
``missing()``
    None when its library can be imported, else the missing module's name;
    libraries are imported through :func:`loader.import_library` (one door,
    so that a test can pretend one is missing).
``install_command()``
    The ``pip install`` line that provides them.
``version()``
    The library's version string (after the modules imported).
``train(spec, X, y)``
    Train on ``X`` (float32, standardized) and integer class codes ``y``
    following ``spec`` (a :class:`Recipe`); return a :class:`Trained`.

All of them build the same network: ``spec.hidden`` fully connected ReLU
layers, then one logit for two classes (sigmoid cross-entropy) or one per
class (softmax cross-entropy), trained with Adam (``lr``, betas 0.9/0.999,
eps 1e-8), no weight decay, minibatches of ``batch_size`` reshuffled every
epoch, for ``epochs`` epochs. What stays each library's own: its default
weight initialization and its random streams.
"""

from . import keras3, native, pytorch, sklearn_mlp
from .recipe import Recipe, Trained

__all__ = ["Recipe", "Trained", "BACKENDS", "LIBRARIES", "get_backend"]

#: Library key -> backend module, in table order.
BACKENDS = {"scratchnet": native, "sklearn": sklearn_mlp, "keras": keras3, "torch": pytorch}
LIBRARIES = tuple(BACKENDS)


def get_backend(name):
    """The backend module for a library key (``scratchnet``, ``sklearn``, ``keras``, ``torch``)."""
    from .._validation import check_option

    check_option(name, "libraries", "compare", LIBRARIES)
    return BACKENDS[name]
