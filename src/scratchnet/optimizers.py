"""Optimizers: update parameter arrays in place from their gradients.

An optimizer is given lists of parameter arrays and gradient arrays of the
same shapes; it never sees layer names. A model hands it one flat buffer of
all its parameters and one of all gradients, so each update below is a
handful of whole-buffer NumPy operations, whatever the number of layers.

Scalars are kept as Python floats: a NumPy float64 scalar multiplied into a
float32 array would silently upcast it.

Adam and RMSprop make about ten passes over their arrays per update. On a
large model these arrays do not fit in the CPU caches, and each pass would go
to main memory; updating block by block (``_BLOCK`` elements at a time) keeps
a block's arrays in cache for all its passes. Smaller blocks, sized for L2,
measured slower: the per-call overhead of the extra NumPy calls outweighs them.
"""

import math

import numpy as np

from ._validation import check_scalar
from .registry import Registered, registry_for
from .schedules import Schedule

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "OPTIMIZERS",
           "get_optimizer"]

OPTIMIZERS = registry_for("optimizer")

#: Elements per block in the cache-blocked updates: 5 float32 arrays of 256K
#: elements take 5 MiB, well within a server CPU's L3 cache.
BLOCK_SIZE = 262144


def _blocked(*arrays):
    """Yield matching blocks of same-shaped arrays (whole arrays if not contiguous)."""
    if not all(a.flags.c_contiguous for a in arrays):
        yield arrays
        return
    flat = [a.reshape(-1) for a in arrays]
    block = BLOCK_SIZE
    for start in range(0, flat[0].size, block):
        yield tuple(a[start:start + block] for a in flat)


class Optimizer(Registered):
    """Base class: learning rate (or schedule), L2 weight decay, gradient clipping.

    Parameters
    ----------
    lr : float or Schedule
        Learning rate :math:`\\eta`, or a schedule giving it per update.
    weight_decay : float, default 0
        L2 penalty :math:`\\lambda`: the gradient becomes :math:`g + \\lambda \\theta`
        (coupled, as PyTorch's ``weight_decay``), applied to all parameters.
    clipnorm : float or None
        If set, gradients are rescaled so that their global L2 norm (over all
        parameters together) is at most ``clipnorm``.

    Attributes
    ----------
    iterations : int
        Number of updates done.
    """

    registry = OPTIMIZERS
    #: Names of the per-parameter state arrays (e.g. Adam's moments).
    slots = ()

    def __init__(self, lr, weight_decay=0.0, clipnorm=None):
        name = type(self).__name__
        if isinstance(lr, Schedule):
            self.lr = lr
        else:
            self.lr = check_scalar(lr, "lr", name, low=0.0, closed="neither")
        self.weight_decay = check_scalar(weight_decay, "weight_decay", name, low=0.0)
        self.clipnorm = check_scalar(clipnorm, "clipnorm", name, low=0.0, closed="neither",
                                     allow_none=True)
        self.iterations = 0
        self.state = {}

    def current_lr(self):
        """The learning rate the next update will use."""
        return float(self.lr(self.iterations)) if isinstance(self.lr, Schedule) else self.lr

    def step(self, params, grads):
        """Update every array in ``params`` in place from the matching ``grads``.

        ``grads`` may be modified (clipping, weight decay are applied in place).
        """
        lr = self.lr(self.iterations) if isinstance(self.lr, Schedule) else self.lr
        if self.clipnorm is not None:
            self._clip(grads)
        state = self.state
        for i in range(len(params)):
            p, g = params[i], grads[i]
            if self.weight_decay:
                self._decay(p, g, float(lr))
            if i not in state:
                state[i] = self._init_state(p)
            self._update(p, g, state[i], float(lr))
        self.iterations += 1

    def _clip(self, grads):
        norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
        if norm > self.clipnorm:
            for g in grads:
                g *= self.clipnorm / norm

    def _decay(self, p, g, lr):
        """Apply the weight decay before the update: coupled L2, ``g += lambda * p``."""
        g += self.weight_decay * p

    def _init_state(self, p):
        state = {slot: np.zeros_like(p) for slot in self.slots}
        state["work"] = np.empty_like(p)
        return state

    def _update(self, p, g, state, lr):
        raise NotImplementedError

    # -- state ---------------------------------------------------------------
    def reset(self):
        """Forget the running statistics and the update count (a fresh start)."""
        self.iterations = 0
        self.state = {}

    def get_state(self):
        """A copy of the update count and every state array (see :meth:`set_state`)."""
        return self.iterations, {k: v.copy() for k, v in self.state_arrays().items()}

    def set_state(self, state, params):
        """Go back to a state taken by :meth:`get_state` for the same ``params``."""
        iterations, arrays = state
        self.load_state(iterations, arrays, params)

    def state_arrays(self):
        """The state as ``{"<index>/<slot>": array}`` (for model files)."""
        return {f"{i}/{slot}": s[slot] for i, s in self.state.items() for slot in self.slots}

    def load_state(self, iterations, arrays, params):
        """Restore the state saved by :meth:`state_arrays` for the given parameters."""
        self.iterations = int(iterations)
        self.state = {}
        for i, p in enumerate(params):
            if not self.slots or f"{i}/{self.slots[0]}" not in arrays:
                continue
            state = self._init_state(p)
            for slot in self.slots:
                value = arrays[f"{i}/{slot}"]
                if value.shape != p.shape:
                    raise ValueError(f"optimizer state {i}/{slot} has shape {value.shape}, "
                                     f"expected {p.shape}")
                state[slot][...] = value
            self.state[i] = state

class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    Parameters
    ----------
    lr : float or Schedule, default 0.01
    momentum : float in [0, 1), default 0
    nesterov : bool, default False

    Notes
    -----
    PyTorch's formulation, with velocity :math:`v` (zero at start):

    .. math::
        v \\leftarrow \\mu v + g, \\qquad
        \\theta \\leftarrow \\theta - \\eta\\, (g + \\mu v \\text{ if Nesterov else } v).

    With :math:`\\mu = 0` this is plain :math:`\\theta \\leftarrow \\theta - \\eta g`.
    """

    aliases = ("sgd",)

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False, weight_decay=0.0, clipnorm=None):
        super().__init__(lr, weight_decay, clipnorm)
        self.momentum = check_scalar(momentum, "momentum", "SGD", low=0.0, high=1.0, closed="left")
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0:
            raise ValueError("The 'nesterov' parameter of SGD requires momentum > 0. Got momentum=0.")
        self.slots = ("velocity",) if self.momentum else ()

    def _update(self, p, g, state, lr):
        work = state["work"]
        if self.momentum:
            v = state["velocity"]
            v *= self.momentum
            v += g
            if self.nesterov:
                np.multiply(v, self.momentum, out=work)
                work += g
                g = work
            else:
                g = v
        np.multiply(g, lr, out=work)
        p -= work



class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015, https://arxiv.org/abs/1412.6980).

    Parameters
    ----------
    lr : float or Schedule, default 0.001
    beta1, beta2 : float in [0, 1), defaults 0.9 and 0.999
    eps : float, default 1e-8

    Notes
    -----
    At update :math:`t = 1, 2, \\ldots`:

    .. math::
        m \\leftarrow \\beta_1 m + (1-\\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2, \\quad
        \\theta \\leftarrow \\theta - \\eta\\, \\frac{m / (1-\\beta_1^t)}{\\sqrt{v / (1-\\beta_2^t)} + \\epsilon}.

    Implemented with rescaled moments :math:`M = m / (1-\\beta_1)` and
    :math:`V = v / (1-\\beta_2)`, which update in fewer passes
    (:math:`M \\leftarrow \\beta_1 M + g`, :math:`V \\leftarrow \\beta_2 V + g^2`), and the
    bias corrections folded into two scalars:

    .. math::
        \\theta \\leftarrow \\theta - c\\, \\frac{M}{\\sqrt{V} + \\epsilon'}, \\quad
        c = \\eta \\frac{(1-\\beta_1)\\sqrt{1-\\beta_2^t}}{(1-\\beta_1^t)\\sqrt{1-\\beta_2}}, \\quad
        \\epsilon' = \\epsilon \\sqrt{\\frac{1-\\beta_2^t}{1-\\beta_2}},

    the same values as the textbook form, in ten passes over the arrays
    instead of twelve. The state slots hold :math:`M` and :math:`V`.
    """

    aliases = ("adam",)
    slots = ("m", "v")

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, clipnorm=None):
        super().__init__(lr, weight_decay, clipnorm)
        name = type(self).__name__
        self.beta1 = check_scalar(beta1, "beta1", name, low=0.0, high=1.0, closed="left")
        self.beta2 = check_scalar(beta2, "beta2", name, low=0.0, high=1.0, closed="left")
        self.eps = check_scalar(eps, "eps", name, low=0.0, closed="neither")

    def _update(self, p, g, state, lr):
        t = self.iterations + 1
        b1, b2 = self.beta1, self.beta2
        root = math.sqrt((1.0 - b2 ** t) / (1.0 - b2))
        step = lr * (1.0 - b1) * root / (1.0 - b1 ** t)
        eps = self.eps * root
        for block in _blocked(p, g, state["m"], state["v"], state["work"]):
            self._update_block(*block, step, eps)

    def _update_block(self, p, g, M, V, work, step, eps):
        M *= self.beta1
        M += g
        V *= self.beta2
        np.multiply(g, g, out=work)
        V += work
        np.sqrt(V, out=work)
        work += eps
        np.divide(M, work, out=work)
        work *= step
        p -= work



class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101).

    Parameters
    ----------
    lr : float or Schedule, default 0.001
    beta1, beta2 : float in [0, 1), defaults 0.9 and 0.999
    eps : float, default 1e-8
    weight_decay : float, default 0.01
        Decoupled decay :math:`\\lambda`: the parameters shrink by the factor
        :math:`1 - \\eta\\lambda` before each Adam step, and the gradient the
        moments see is left alone (PyTorch's ``AdamW``). It replaces, and is
        not added to, the base class's coupled L2 decay.
    clipnorm : float or None

    Notes
    -----
    At update :math:`t`, with :math:`\\eta` the current rate:

    .. math::
        \\theta \\leftarrow (1 - \\eta\\lambda)\\,\\theta, \\quad
        \\text{then the Adam step of } g \\text{ (see } \\texttt{Adam}).
    """

    aliases = ("adamw",)

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01,
                 clipnorm=None):
        super().__init__(lr, beta1, beta2, eps, weight_decay, clipnorm)

    def _decay(self, p, g, lr):
        p *= 1.0 - lr * self.weight_decay



class RMSprop(Optimizer):
    """RMSprop (Hinton, Coursera lecture 6e, 2012).

    Parameters
    ----------
    lr : float or Schedule, default 0.001
    rho : float in [0, 1), default 0.9
        Decay of the running mean of squared gradients.
    eps : float, default 1e-8

    Notes
    -----
    .. math::
        s \\leftarrow \\rho s + (1-\\rho) g^2, \\qquad
        \\theta \\leftarrow \\theta - \\eta\\, g / (\\sqrt{s} + \\epsilon).
    """

    aliases = ("rmsprop",)
    slots = ("sq",)

    def __init__(self, lr=0.001, rho=0.9, eps=1e-8, weight_decay=0.0, clipnorm=None):
        super().__init__(lr, weight_decay, clipnorm)
        self.rho = check_scalar(rho, "rho", "RMSprop", low=0.0, high=1.0, closed="left")
        self.eps = check_scalar(eps, "eps", "RMSprop", low=0.0, closed="neither")

    def _update(self, p, g, state, lr):
        for block in _blocked(p, g, state["sq"], state["work"]):
            self._update_block(*block, lr)

    def _update_block(self, p, g, sq, work, lr):
        np.multiply(g, g, out=work)
        work *= 1.0 - self.rho
        sq *= self.rho
        sq += work
        np.sqrt(sq, out=work)
        work += self.eps
        np.divide(g, work, out=work)
        work *= lr
        p -= work



class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, 2011), as PyTorch's: https://jmlr.org/papers/v12/duchi11a.html

    Parameters
    ----------
    lr : float or Schedule, default 0.01
    eps : float, default 1e-10
    initial_accumulator_value : float, default 0
        Starting value of every squared-gradient sum :math:`s`.
    weight_decay : float, default 0
        Coupled L2 decay, as in the base class (and PyTorch's Adagrad).
    clipnorm : float or None

    Notes
    -----
    .. math::
        s \\leftarrow s + g^2, \\qquad
        \\theta \\leftarrow \\theta - \\eta\\, g / (\\sqrt{s} + \\epsilon).

    Each parameter's effective rate shrinks as its gradients accumulate.
    """

    aliases = ("adagrad",)
    slots = ("sum",)

    def __init__(self, lr=0.01, eps=1e-10, initial_accumulator_value=0.0, weight_decay=0.0,
                 clipnorm=None):
        super().__init__(lr, weight_decay, clipnorm)
        self.eps = check_scalar(eps, "eps", "Adagrad", low=0.0, closed="neither")
        self.initial_accumulator_value = check_scalar(
            initial_accumulator_value, "initial_accumulator_value", "Adagrad", low=0.0)

    def _init_state(self, p):
        state = super()._init_state(p)
        state["sum"][...] = self.initial_accumulator_value
        return state

    def _update(self, p, g, state, lr):
        for block in _blocked(p, g, state["sum"], state["work"]):
            self._update_block(*block, lr)

    def _update_block(self, p, g, total, work, lr):
        np.multiply(g, g, out=work)
        total += work
        np.sqrt(total, out=work)
        work += self.eps
        np.divide(g, work, out=work)
        work *= lr
        p -= work



def get_optimizer(optimizer):
    """Return an optimizer from a name in ``OPTIMIZERS`` (any case; default settings) or an instance."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    return OPTIMIZERS.lookup(optimizer, "Sequential")()
