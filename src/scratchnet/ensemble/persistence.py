"""An ``Ensemble`` as the content and arrays of a model file, and back.

The file is a scratchnet model archive (``scratchnet.serialization``: no
pickle, a checksummed JSON header, every array checked against a plan before
it is read, atomic writes) whose ``content["model"]`` is ``"ensemble"``;
``scratchnet.load`` dispatches on it through ``scratchnet.loading.LOADERS``.

Content: every member's configuration and seed, the input width, the task
head's state, one history, update count and generator state per member, and
the shared optimizer's update count. Arrays: ``params`` (the stacked flat
parameter buffer), ``classes`` (classifiers) and ``opt/0/<slot>`` (the
optimizer's state for that buffer, once it has taken a step).

:func:`plan` derives every array's shape from the declared members alone
(their layers, widths and count), so that a forged header (more members,
wider layers) is refused before anything is allocated.
"""

import copy
import json
import numbers

import numpy as np

from ..errors import ModelFileError
from ..parameters import ParameterStore
from ..sequential import Sequential
from .stacked import stacked_shapes

__all__ = ["capture", "plan", "restore"]

_KEYS = {"model", "configs", "seeds", "input_dim", "task", "histories", "optimizer_iterations",
         "member_iterations", "rngs"}
_LABEL_KINDS = "biufU"


def _seed_to_json(seed):
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key),
                "pool_size": seed.pool_size}
    return seed


def _seed_from_json(seed):
    if isinstance(seed, dict):
        return np.random.SeedSequence(seed["entropy"], spawn_key=tuple(seed["spawn_key"]),
                                      pool_size=seed["pool_size"])
    return seed


def capture(ensemble):
    """``(content, arrays)`` describing a built ensemble completely."""
    if not ensemble.built:
        raise RuntimeError("the ensemble is not built yet: call fit(X, y) or build(n_features)")
    task_state, classes = ensemble.task.get_state()
    arrays = {"params": ensemble.layout.params}
    if classes is not None:
        classes = np.asarray(classes)
        if classes.dtype.kind not in _LABEL_KINDS:
            raise ModelFileError(f"labels of dtype {classes.dtype} cannot be saved; use str, "
                                 "int, bool or float labels")
        arrays["classes"] = classes
    iterations, optimizer_arrays = ensemble.optimizer.get_state()
    arrays.update({f"opt/{k}": v for k, v in optimizer_arrays.items()})
    content = {
        "model": "ensemble",
        "configs": ensemble.configs,
        "seeds": [_seed_to_json(s) for s in ensemble.seeds],
        "input_dim": ensemble.input_dim,
        "task": task_state,
        "histories": [dict(h) for h in ensemble.histories],
        "optimizer_iterations": iterations,
        "member_iterations": ensemble.member_iterations.tolist(),
        "rngs": [{"bit_generator": type(r.bit_generator).__name__, "state": r.bit_generator.state}
                 for r in ensemble.rngs],
    }
    return content, arrays


def _count(value, what):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise ModelFileError(f"invalid {what} {value!r}")
    return value


def _templates(content):
    """The members' unbuilt models, after checking the content's form."""
    if not isinstance(content, dict) or set(content) != _KEYS:
        raise ModelFileError(f"the header's content must have exactly the keys {sorted(_KEYS)}")
    configs = content["configs"]
    if not isinstance(configs, list) or not configs:
        raise ModelFileError("the ensemble file lists no member configurations")
    for key in ("seeds", "histories", "member_iterations", "rngs"):
        if not isinstance(content[key], list) or len(content[key]) != len(configs):
            raise ModelFileError(f"the file lists {len(configs)} members but its {key!r} does not "
                                 "hold one entry per member")
    if _count(content["input_dim"], "input width") < 1:
        raise ModelFileError(f"invalid input width {content['input_dim']!r}")
    try:
        # Members usually share one configuration: build each distinct one once
        # (a header may list thousands of members).
        distinct = {}
        for config in configs:
            key = json.dumps(config, sort_keys=True)
            if key not in distinct:
                distinct[key] = Sequential.from_config({**config, "seed": None})
        return [distinct[json.dumps(config, sort_keys=True)] for config in configs]
    except ModelFileError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise ModelFileError(f"invalid architecture in the header: {exc}") from None


def plan(content):
    """The arrays ``{name: (shape, dtype)}`` the declared ensemble needs, computed without building it."""
    from .members import check_templates

    models = _templates(content)
    try:
        check_templates(models)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"the members cannot form an ensemble: {exc}") from None
    dtype = models[0].dtype
    shapes, _, _ = stacked_shapes(models, content["input_dim"])
    _, size = ParameterStore.layout(shapes, dtype)
    arrays = {"params": ((size,), dtype)}
    task = content["task"]
    if not isinstance(task, dict) or not isinstance(task.get("n_outputs"), int):
        raise ModelFileError("invalid task state in the header")
    if models[0].task.is_classifier:
        arrays["classes"] = ((task["n_outputs"] if task["n_outputs"] > 1 else 2,), _LABEL_KINDS)
    optimizer = models[0].optimizer
    if _count(content["optimizer_iterations"], "optimizer iteration count") and optimizer.slots:
        arrays.update({f"opt/0/{slot}": ((size,), dtype) for slot in optimizer.slots})
    return arrays


def restore(content, arrays):
    """Rebuild the ensemble that :func:`capture` described, checked for consistency."""
    from .engine import Ensemble

    ensemble = Ensemble(_templates(content), seeds=[_seed_from_json(s) for s in content["seeds"]])
    ensemble.configs = copy.deepcopy(content["configs"])
    ensemble.build(content["input_dim"])
    params = arrays["params"]
    if not np.isfinite(params).all():
        raise ModelFileError("the parameters contain NaN or infinite values")
    ensemble.layout.params[...] = params
    # Padding must hold zeros, or a member would not compute its own network.
    real = sum(int(np.count_nonzero(w)) for k in range(ensemble.n_models)
               for w in ensemble.member_weights(k))
    if np.count_nonzero(ensemble.layout.params) != real:
        raise ModelFileError("the stacked parameters hold non-zero values outside the members' "
                             "own weights (the padding)")
    try:
        ensemble.task.set_state(content["task"], arrays.get("classes"))
    except (ValueError, TypeError, KeyError) as exc:
        raise ModelFileError(f"inconsistent task state: {exc}") from None
    if ensemble.task.n_outputs != ensemble.output_dim:
        raise ModelFileError(f"the task needs {ensemble.task.n_outputs} outputs but the last "
                             f"layer has {ensemble.output_dim}")
    for history, saved in zip(ensemble.histories, content["histories"]):
        history.update(_history(saved))
    iterations = content["optimizer_iterations"]
    optimizer_arrays = {k[len("opt/"):]: v for k, v in arrays.items() if k.startswith("opt/")}
    ensemble.optimizer.set_state((iterations, optimizer_arrays), [ensemble.layout.params])
    members = [_count(i, "member update count") for i in content["member_iterations"]]
    if max(members) > iterations:
        raise ModelFileError(f"a member took {max(members)} steps, more than the ensemble's "
                             f"{iterations}")
    ensemble.member_iterations[...] = members
    for rng, saved in zip(ensemble.rngs, content["rngs"]):
        if not isinstance(saved, dict) or saved.get("bit_generator") != type(
                rng.bit_generator).__name__:
            raise ModelFileError("unsupported or missing random generator state")
        try:
            rng.bit_generator.state = saved["state"]
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise ModelFileError(f"invalid random generator state: {exc}") from None
    return ensemble


def _history(history):
    if not isinstance(history, dict):
        raise ModelFileError("a member's history must map metric names to lists of numbers")
    lengths = set()
    for key, values in history.items():
        if not isinstance(values, list) or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            raise ModelFileError(f"a member's history of {key!r} is not a list of numbers")
        lengths.add(len(values))
    if len(lengths) > 1:
        raise ModelFileError("a member's history has metrics of different numbers of epochs")
    return {k: [float(v) for v in values] for k, values in history.items()}
