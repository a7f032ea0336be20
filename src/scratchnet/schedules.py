"""Learning-rate schedules: ``schedule(step) -> lr``, with ``step`` the number of
optimizer updates done so far (0 for the first update), as in Keras.

Pass one as an optimizer's ``lr``: ``sn.SGD(lr=sn.CosineDecay(0.1, decay_steps=1000))``.
"""

import math

from ._validation import check_scalar
from .registry import Registered, registry_for

__all__ = ["Schedule", "StepDecay", "ExponentialDecay", "CosineDecay", "SCHEDULES"]

SCHEDULES = registry_for("schedule")


class Schedule(Registered):
    """Base class: a callable from step to learning rate, with a JSON config."""

    registry = SCHEDULES

    def __call__(self, step):
        raise NotImplementedError


class StepDecay(Schedule):
    """:math:`\\eta_t = \\eta_0 \\gamma^{\\lfloor t / s \\rfloor}`: multiply by ``gamma`` every ``step_size`` updates."""

    aliases = ("step_decay",)

    def __init__(self, initial_lr, step_size, gamma=0.1):
        self.initial_lr = check_scalar(initial_lr, "initial_lr", "StepDecay", low=0.0, closed="neither")
        self.step_size = check_scalar(step_size, "step_size", "StepDecay", kind=int, low=1)
        self.gamma = check_scalar(gamma, "gamma", "StepDecay", low=0.0, high=1.0, closed="right")

    def __call__(self, step):
        return self.initial_lr * self.gamma ** (step // self.step_size)


class ExponentialDecay(Schedule):
    """:math:`\\eta_t = \\eta_0 r^{t / s}`: a smooth decay by ``decay_rate`` every ``decay_steps`` updates."""

    aliases = ("exponential_decay",)

    def __init__(self, initial_lr, decay_steps, decay_rate):
        self.initial_lr = check_scalar(initial_lr, "initial_lr", "ExponentialDecay", low=0.0,
                                       closed="neither")
        self.decay_steps = check_scalar(decay_steps, "decay_steps", "ExponentialDecay", kind=int, low=1)
        self.decay_rate = check_scalar(decay_rate, "decay_rate", "ExponentialDecay", low=0.0,
                                       closed="neither")

    def __call__(self, step):
        return self.initial_lr * self.decay_rate ** (step / self.decay_steps)


class CosineDecay(Schedule):
    """Cosine annealing (Loshchilov & Hutter, 2017) from ``initial_lr`` to ``min_lr`` over ``decay_steps``.

    :math:`\\eta_t = \\eta_{min} + \\tfrac12 (\\eta_0 - \\eta_{min})(1 + \\cos(\\pi \\min(t, T) / T))`.
    """

    aliases = ("cosine_decay",)

    def __init__(self, initial_lr, decay_steps, min_lr=0.0):
        self.initial_lr = check_scalar(initial_lr, "initial_lr", "CosineDecay", low=0.0, closed="neither")
        self.decay_steps = check_scalar(decay_steps, "decay_steps", "CosineDecay", kind=int, low=1)
        self.min_lr = check_scalar(min_lr, "min_lr", "CosineDecay", low=0.0, high=self.initial_lr)

    def __call__(self, step):
        progress = min(step, self.decay_steps) / self.decay_steps
        return self.min_lr + 0.5 * (self.initial_lr - self.min_lr) * (1.0 + math.cos(math.pi * progress))
