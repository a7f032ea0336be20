"""Many networks trained as one: the lockstep ensemble engine (see :class:`Ensemble`)."""

from .engine import Ensemble

__all__ = ["Ensemble"]
