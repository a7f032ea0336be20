"""The four "from scratch" tutorials' interfaces, as thin facades over scratchnet's core.

=================  =======================================================
tutorial 001       :class:`Neuron`, :class:`ToyNetwork` (2-2-1, per-sample SGD)
tutorials 000/002  :class:`NeuralNet` (full-batch gradient descent, sigmoid
                   output, binary cross-entropy)
tutorial 003       :class:`MoonsNet`, :func:`repeated_accuracy`, :func:`width_sweep`
splits             :func:`sklearn_compatible_split` (scikit-learn's split
                   for an integer ``random_state``, without scikit-learn)
reproduction       :func:`run_reproduce` (``scratchnet reproduce``)
=================  =======================================================

None of these classes computes a forward pass, a gradient or an update
itself (except :class:`Neuron`, a single dot product): each builds a
:class:`scratchnet.Sequential` with the tutorial's settings and delegates.

Two command-line jobs live here too, each in a module of its own that this
package does not import:

=================  =======================================================
tutorial 000       ``scratchnet.tutorials.matmul``: the matrix-
                   multiplication ladder, from Python loops to BLAS
                   (``scratchnet bench matmul``), drawn by
                   ``scratchnet.tutorials.matmul_plot``
demo               ``scratchnet.tutorials.breast_cancer_demo``: a 30-16-1
                   network on the bundled breast cancer data
                   (``scratchnet train``)
=================  =======================================================
"""

from .moons import MoonsNet, repeated_accuracy, width_sweep
from .neuralnet import NeuralNet, tutorial_initial_weights
from .neuron import Neuron, ToyNetwork
from .splits import sklearn_compatible_indices, sklearn_compatible_split


def run_reproduce(names=("all",), quick=False, json_path=None, plots_dir=None, print_fn=print):
    """See :func:`scratchnet.tutorials.reproduce.run_reproduce` (imported on first use)."""
    from .reproduce import run_reproduce as run

    return run(names, quick=quick, json_path=json_path, plots_dir=plots_dir, print_fn=print_fn)


__all__ = [
    "Neuron", "ToyNetwork",
    "NeuralNet", "tutorial_initial_weights",
    "MoonsNet", "repeated_accuracy", "width_sweep",
    "sklearn_compatible_split", "sklearn_compatible_indices",
    "run_reproduce",
]
