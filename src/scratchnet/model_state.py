"""A ``Sequential`` as the content and arrays of a model file, and back.

What a model file holds, so that a loaded model predicts exactly as the
saved one and continuing to ``fit`` it gives the same result as if training
had never been interrupted: the architecture and settings
(``get_config``), the input width, what the task head learnt (classes,
output count), the history, the optimizer's update count and state arrays,
the random generator's state, and the user's ``metadata``.

Everything goes through the model's public seams; :func:`plan` derives, from
the architecture alone, the exact arrays a file must hold, so that the file
reader can refuse a hostile file before allocating anything.
"""

import numbers

import numpy as np

from .errors import ModelFileError
from .parameters import ParameterStore
from .serialization import MAX_ITEM_BYTES

__all__ = ["capture", "plan", "restore"]

_KEYS = {"model", "config", "input_dim", "task", "history", "optimizer_iterations", "rng",
         "metadata"}
_LABEL_KINDS = "biufU"


def capture(model):
    """``(content, arrays)`` describing a built model completely."""
    if not model.built:
        raise RuntimeError("the model is not built yet: call fit(X, y) or build(n_features)")
    task_state, classes = model.task.get_state()
    arrays = {"params": model.parameters.values}
    if classes is not None:
        classes = np.asarray(classes)
        if classes.dtype.kind not in _LABEL_KINDS:
            raise ModelFileError(f"labels of dtype {classes.dtype} cannot be saved; use str, "
                                 "int, bool or float labels")
        if classes.dtype.itemsize > MAX_ITEM_BYTES:
            raise ModelFileError(f"labels longer than {MAX_ITEM_BYTES // 4} characters cannot "
                                 f"be saved (the longest has {classes.dtype.itemsize // 4})")
        arrays["classes"] = classes
    arrays.update({f"layers/{i}/{name}": value for i, layer in enumerate(model.layers)
                   for name, value in layer.state.items()})
    iterations, optimizer_arrays = model.optimizer.get_state()
    arrays.update({f"opt/{k}": v for k, v in optimizer_arrays.items()})
    bit_generator = model.rng.bit_generator
    content = {
        "model": "sequential",
        "config": model.get_config(),
        "input_dim": model.input_dim,
        "task": task_state,
        "history": dict(model.history),
        "optimizer_iterations": iterations,
        "rng": {"bit_generator": type(bit_generator).__name__, "state": bit_generator.state},
        "metadata": model.metadata,
    }
    return content, arrays


def _unbuilt(model_cls, content):
    if not isinstance(content, dict) or set(content) != _KEYS:
        raise ModelFileError(f"the header's content must have exactly the keys {sorted(_KEYS)}")
    if content["model"] != "sequential":
        raise ModelFileError(f"this file holds a {content['model']!r}, not a Sequential model")
    input_dim = content["input_dim"]
    if not isinstance(input_dim, int) or isinstance(input_dim, bool) or input_dim < 1:
        raise ModelFileError(f"invalid input width {input_dim!r}")
    try:
        return model_cls.from_config(content["config"])
    except ModelFileError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise ModelFileError(f"invalid architecture in the header: {exc}") from None


def plan(model_cls, content):
    """The arrays ``{name: (shape, dtype)}`` the declared model needs, computed without building it."""
    model = _unbuilt(model_cls, content)
    dims = [content["input_dim"]] + model.layer_output_dims(content["input_dim"])
    shapes = [shape for layer, n_in in zip(model.layers, dims)
              for shape in layer.parameter_shapes(n_in).values()]
    _, size = ParameterStore.layout(shapes, model.dtype)
    arrays = {"params": ((size,), model.dtype)}
    for i, (layer, n_in) in enumerate(zip(model.layers, dims)):
        arrays.update({f"layers/{i}/{name}": (shape, model.dtype)
                       for name, shape in layer.state_shapes(n_in).items()})
    task = content["task"]
    if not isinstance(task, dict) or not isinstance(task.get("n_outputs"), int):
        raise ModelFileError("invalid task state in the header")
    if model.task.is_classifier:
        n_classes = task["n_outputs"] if task["n_outputs"] > 1 else 2
        arrays["classes"] = ((n_classes,), _LABEL_KINDS)
    iterations = content["optimizer_iterations"]
    if not isinstance(iterations, int) or isinstance(iterations, bool) or not \
            0 <= iterations < 2**63:
        raise ModelFileError(f"invalid optimizer iteration count {iterations!r}")
    if iterations and model.optimizer.slots:
        arrays.update({f"opt/0/{slot}": ((size,), model.dtype) for slot in model.optimizer.slots})
    return arrays


def restore(model_cls, content, arrays):
    """Rebuild the model that :func:`capture` described, checked for consistency."""
    model = _unbuilt(model_cls, content)
    model.build(content["input_dim"])
    params = arrays["params"]
    if not np.isfinite(params).all():
        raise ModelFileError("the parameters contain NaN or infinite values")
    model.parameters.restore(params)
    for i, layer in enumerate(model.layers):
        for name, value in layer.state.items():
            saved = arrays[f"layers/{i}/{name}"]
            if not np.isfinite(saved).all():
                raise ModelFileError(f"layer {i}'s {name} contains NaN or infinite values")
            value[...] = saved
    try:
        model.task.set_state(content["task"], arrays.get("classes"))
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFileError(f"inconsistent task state: {exc}") from None
    if model.task.n_outputs != model.output_dim:
        raise ModelFileError(f"the task needs {model.task.n_outputs} outputs but the last layer "
                             f"has {model.output_dim}")
    model.history.update(_history(content["history"]))
    optimizer_arrays = {k[len("opt/"):]: v for k, v in arrays.items() if k.startswith("opt/")}
    model.optimizer.set_state((content["optimizer_iterations"], optimizer_arrays),
                              [model.parameters.values])
    _restore_rng(model.rng, content["rng"])
    if not isinstance(content["metadata"], dict):
        raise ModelFileError("the metadata must be a JSON object")
    model.metadata = content["metadata"]
    return model


def _history(history):
    if not isinstance(history, dict):
        raise ModelFileError("the history must map metric names to lists of numbers")
    lengths = set()
    for key, values in history.items():
        if not isinstance(values, list) or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            raise ModelFileError(f"the history of {key!r} is not a list of numbers")
        lengths.add(len(values))
    if len(lengths) > 1:
        raise ModelFileError("the history's metrics have different numbers of epochs")
    return {k: [float(v) for v in values] for k, values in history.items()}


def _restore_rng(rng, saved):
    bit_generator = rng.bit_generator
    if not isinstance(saved, dict) or saved.get("bit_generator") != type(bit_generator).__name__:
        raise ModelFileError("unsupported or missing random generator state")
    try:
        bit_generator.state = saved["state"]
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise ModelFileError(f"invalid random generator state: {exc}") from None
