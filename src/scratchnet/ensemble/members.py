"""The members of an ensemble as lone networks: seeds, templates, and the views callbacks see."""

import numbers

import numpy as np

from .._validation import check_scalar
from ..sequential import Sequential
from .stacked import SUPPORTED_ACTIVATIONS, SUPPORTED_LAYERS

__all__ = ["spawn_seeds", "check_seeds", "lone_model", "check_templates", "MemberView"]


def spawn_seeds(seed, n_models):
    """``n_models`` integer seeds from ``np.random.SeedSequence(seed).spawn(n_models)``.

    Child k gives the top 63 bits of its first 64-bit word
    (``generate_state(1, np.uint64)[0] >> 1``): a valid ``Sequential`` seed,
    which takes integers below :math:`2^{63}`. ``seed`` is the template's:
    an int, a Generator (one integer is drawn from it) or None (fresh
    entropy from the operating system).
    """
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**63))
    children = np.random.SeedSequence(seed).spawn(n_models)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
            for child in children]


def check_seeds(seeds, n_models):
    """Validate a list of member seeds: non-negative ints or ``np.random.SeedSequence``."""
    seeds = list(seeds)
    if len(seeds) != n_models:
        raise ValueError(f"Ensemble got {len(seeds)} seeds for {n_models} models.")
    out = []
    for seed in seeds:
        if isinstance(seed, np.random.SeedSequence):
            out.append(seed)
        elif isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            out.append(check_scalar(int(seed), "seeds", "Ensemble", kind=int, low=0))
        else:
            raise TypeError("The 'seeds' parameter of Ensemble must hold non-negative ints or "
                            f"numpy.random.SeedSequence objects. Got {seed!r} instead.")
    return out


def lone_model(config, seed):
    """The unbuilt ``Sequential`` that member ``seed`` would be alone.

    An int seed is ``Sequential(..., seed=seed)``; a SeedSequence is
    ``Sequential(..., seed=np.random.default_rng(seed))``.
    """
    config = dict(config)
    config["seed"] = seed if isinstance(seed, int) else None
    model = Sequential.from_config(config)
    if not isinstance(seed, int):
        model.rng = np.random.default_rng(seed)
    return model


def _architecture(config):
    """A member's configuration without what members may differ in (seed, Dense widths)."""
    layers = []
    for layer in config["layers"]:
        inner = {k: v for k, v in layer["config"].items() if k != "units"}
        layers.append({"class": layer["class"], "config": inner})
    return {**config, "seed": None, "layers": layers}


def _keeps_state(layer):
    """Whether ``layer`` holds state arrays once built (asked for a nominal input width)."""
    width = getattr(layer, "input_dim", None) or layer.n_inputs or 1
    try:
        return bool(layer.state_shapes(width))
    except (ValueError, TypeError):  # a layer that cannot be probed at this width: say nothing
        return False


def check_templates(templates):
    """Refuse templates the lockstep engine cannot train, with the reason.

    All members must share layer types and settings, loss, optimizer and
    dtype; only Dense widths may differ. Returns the member configurations.
    """
    configs = []
    for model in templates:
        if not isinstance(model, Sequential):
            raise TypeError(f"Ensemble takes an unbuilt Sequential as its template; got {model!r}")
        if model.built:
            raise ValueError("Ensemble needs an unbuilt Sequential as its template (it builds "
                             "each member with its own seed); this one is already built.")
        if not model.layers:
            raise ValueError("the template model has no layers")
        for layer in model.layers:
            if type(layer) not in SUPPORTED_LAYERS:
                why = (" (it keeps running statistics in layer.state, which the lockstep "
                       "engine does not stack)" if _keeps_state(layer) else "")
                raise ValueError(
                    f"Ensemble cannot stack {type(layer).__name__} layers{why}; it supports "
                    f"{', '.join(c.__name__ for c in SUPPORTED_LAYERS)}.")
            act = getattr(layer, "activation", None)
            if act is not None and type(act) not in SUPPORTED_ACTIVATIONS:
                raise ValueError(
                    f"Ensemble cannot stack Dense(activation={type(act).__name__}); it supports "
                    f"{', '.join(c.__name__ for c in SUPPORTED_ACTIVATIONS)}.")
        if type(model.loss).__name__ not in ("CrossEntropy", "BinaryCrossEntropy", "MSE"):
            raise ValueError(f"Ensemble supports the built-in losses CrossEntropy, "
                             f"BinaryCrossEntropy and MSE; got {model.loss!r}.")
        if model.optimizer.clipnorm is not None:
            raise ValueError("Ensemble does not support clipnorm: it clips by the global norm of "
                             "all parameters, which would mix the members. Use clipnorm=None.")
        configs.append(model.get_config())
    first = _architecture(configs[0])
    for i, config in enumerate(configs[1:], 1):
        if _architecture(config) != first:
            raise ValueError(f"template {i} differs from template 0 in more than its Dense "
                             "widths (layers, loss, optimizer, dtype and metrics must match).")
    return configs


class MemberView:
    """What a callback sees of one member: ``stop_training``, weights, history.

    Callbacks are copied for every member and called with that member's
    view, so ``EarlyStopping`` stops and restores each member on its own.
    """

    def __init__(self, ensemble, index):
        self.ensemble = ensemble
        self.index = index
        self.stop_training = False

    @property
    def history(self):
        return self.ensemble.histories[self.index]

    def get_weights(self):
        return [w.copy() for w in self.ensemble.member_weights(self.index)]

    def set_weights(self, weights):
        self.ensemble.set_member_weights(self.index, weights)
