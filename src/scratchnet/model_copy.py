"""An independent copy of a model, for tools that must leave the model itself untouched.

The learning-rate finder, the traced step (``explain_step``) and the
diagnostics all run real training steps; they run them on a copy made here.
"""

from . import model_state

__all__ = ["copy_model", "prepared_copy"]


def copy_model(model):
    """A new model equal to ``model`` in everything a model file holds.

    Architecture, parameters, layer state (running statistics), task,
    optimizer state, generator state, history and metadata are copied through
    the same seams as ``save``/``load`` (:mod:`scratchnet.model_state`), so a
    step on the copy is bit for bit the step the model would take. An unbuilt
    model gives an unbuilt copy of its configuration.
    """
    if not model.built:
        return type(model).from_config(model.get_config())
    if not model.task.fitted:  # built by hand, never fitted: weights and layer state only
        copy = type(model).from_config(model.get_config()).build(model.input_dim)
        copy.set_weights(model.get_weights())
        for mine, theirs in zip(copy.layers, model.layers):
            for name, value in theirs.state.items():
                mine.state[name][...] = value
        return copy
    return model_state.restore(type(model), *model_state.capture(model))


def prepared_copy(model, X, y):
    """``(copy, X, Y)``: a copy of ``model`` and the data validated and encoded for it.

    The copy of a model that was never fitted learns the targets and builds
    itself from ``(X, y)``, as a first ``fit`` would (its weights are those its
    seed gives).
    """
    copy = copy_model(model)
    X, Y = copy.prepare(X, y, fit_targets=not copy.task.fitted)
    return copy, X, Y
