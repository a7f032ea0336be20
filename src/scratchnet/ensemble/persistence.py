"""Ensemble files: one ``.npz`` holding every member, read back by ``scratchnet.load``.

The conventions are those of model files (``scratchnet.serialization``): no
pickle, a UTF-8 JSON header with a SHA-256 digest of every array, and an
atomic write (temporary file in the same folder, fsync, rename). The header's
format marker, ``scratchnet-ensemble``, tells ``scratchnet.load`` which kind
of file it reads.

Arrays: ``params`` (the stacked flat parameter buffer), ``classes``
(classifiers) and ``opt/<index>/<slot>`` (optimizer state of the stack).
"""

import copy
import hashlib
import json
import os
import tempfile

import numpy as np

from ..errors import ModelFileError

__all__ = ["ENSEMBLE_FORMAT", "save_ensemble", "restore_ensemble"]

ENSEMBLE_FORMAT = "scratchnet-ensemble"
FORMAT_VERSION = 1


def _sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


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


def save_ensemble(ensemble, path):
    """Write ``ensemble`` to ``path`` atomically (temporary file, fsync, rename)."""
    from .. import __version__

    path = os.fspath(path)
    if not ensemble.built:
        raise RuntimeError("the ensemble is not built yet: call fit(X, y) or build(n_features)")
    arrays = {"params": ensemble.layout.params}
    targets = ensemble.targets
    if targets.classes_ is not None:
        classes = np.asarray(targets.classes_)
        if classes.dtype == object:
            raise ModelFileError("labels of mixed or object types cannot be saved; use str or int labels")
        arrays["classes"] = classes
    arrays.update({f"opt/{k}": v for k, v in ensemble.optimizer.state_arrays().items()})
    header = {
        "format": ENSEMBLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "scratchnet_version": __version__,
        "configs": ensemble.configs,
        "seeds": [_seed_to_json(s) for s in ensemble.seeds],
        "input_dim": ensemble.input_dim,
        "targets": {"task": targets.task, "n_outputs": targets.n_outputs,
                    "one_dimensional": targets.one_dimensional},
        "histories": [dict(h) for h in ensemble.histories],
        "optimizer_iterations": ensemble.optimizer.iterations,
        "member_iterations": ensemble.member_iterations.tolist(),
        "rngs": [{"bit_generator": type(r.bit_generator).__name__, "state": r.bit_generator.state}
                 for r in ensemble.rngs],
        "digests": {k: _sha256(v) for k, v in arrays.items()},
        "shapes": {k: list(v.shape) for k, v in arrays.items()},
    }
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".scratchnet-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def restore_ensemble(header, arrays):
    """Rebuild an Ensemble from a header and arrays whose digests ``scratchnet.load`` checked."""
    from ..sequential import Sequential
    from .engine import Ensemble

    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"ensemble file format version {header.get('format_version')} is "
                             f"not supported (this scratchnet reads version {FORMAT_VERSION})")
    templates = [Sequential.from_config({**c, "seed": None}) for c in header["configs"]]
    ensemble = Ensemble(templates, seeds=[_seed_from_json(s) for s in header["seeds"]])
    ensemble.configs = copy.deepcopy(header["configs"])
    ensemble.build(header["input_dim"])
    params = arrays["params"]
    if params.dtype != ensemble.dtype or params.shape != ensemble.layout.params.shape:
        raise ModelFileError(f"the file holds {params.size} {params.dtype} parameters; the "
                             f"architecture needs {ensemble.layout.params.size} {ensemble.dtype}")
    if not np.isfinite(params).all():
        raise ModelFileError("the parameters contain NaN or infinite values")
    ensemble.layout.params[...] = params

    targets = header["targets"]
    if targets["task"] != ensemble.loss.task:
        raise ModelFileError(f"task {targets['task']!r} does not match the loss {ensemble.loss!r}")
    ensemble.targets.n_outputs = int(targets["n_outputs"])
    ensemble.targets.one_dimensional = bool(targets["one_dimensional"])
    if "classes" in arrays:
        ensemble.targets.classes_ = arrays["classes"]
    for history, saved in zip(ensemble.histories, header["histories"]):
        history.update({k: [float(v) for v in vals] for k, vals in saved.items()})
    opt_arrays = {k[len("opt/"):]: v for k, v in arrays.items() if k.startswith("opt/")}
    ensemble.optimizer.load_state(header["optimizer_iterations"], opt_arrays,
                                  [ensemble.layout.params])
    ensemble.member_iterations[...] = header["member_iterations"]
    if len(header["rngs"]) != len(ensemble.rngs):
        raise ModelFileError("the file's generator states do not match its members")
    for rng, saved in zip(ensemble.rngs, header["rngs"]):
        if saved["bit_generator"] != type(rng.bit_generator).__name__:
            raise ModelFileError(f"unsupported random generator {saved['bit_generator']!r}")
        rng.bit_generator.state = saved["state"]
    return ensemble
