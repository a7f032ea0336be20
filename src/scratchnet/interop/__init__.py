"""Weight exchange with scikit-learn and PyTorch, as plain arrays.

Neither library is imported by ``import scratchnet.interop``; each function
imports what it needs when it runs.

=================================  ============================================
scikit-learn                       :func:`from_sklearn`, :func:`to_sklearn`
PyTorch                            :func:`to_torch_state_dict`,
                                   :func:`from_torch_state_dict`,
                                   :func:`to_torch`, :func:`torch_modules`
the model as standard operations   :func:`network_ops` (used by the exporters)
=================================  ============================================

See ``docs/interop.md`` for how the two libraries' conventions map onto
scratchnet's.
"""

from .ops import Op, network_ops
from .sklearn_mlp import from_sklearn, to_sklearn
from .torch_sequential import from_torch_state_dict, to_torch, to_torch_state_dict, torch_modules

__all__ = ["from_sklearn", "to_sklearn", "to_torch_state_dict", "from_torch_state_dict",
           "to_torch", "torch_modules", "network_ops", "Op"]
