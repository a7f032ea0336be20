"""Model files: one ``.npz`` with the arrays and a JSON header, loaded without pickle.

Layout of the archive:

``header``
    UTF-8 JSON as a uint8 array: format name and version, library version,
    architecture and settings (``Sequential.get_config``), input width,
    label mapping, history, optimizer iteration count, the model's random
    generator state (so that training resumes exactly), and a SHA-256 of
    every other array.
``params``
    All parameters, as the model's flat buffer.
``classes``
    The class labels (classifiers only).
``opt/<index>/<slot>``
    Optimizer state (e.g. Adam's moments).

Saving writes a temporary file in the same folder and renames it over the
target, so a crash or a full disk mid-write never destroys an earlier file.
"""

import hashlib
import json
import os
import tempfile
import zipfile

import numpy as np

from .errors import ModelFileError

__all__ = ["save_model", "load"]

FORMAT = "scratchnet-model"
FORMAT_VERSION = 1
#: The header marker of an ensemble file (``scratchnet.ensemble.persistence``).
ENSEMBLE_FORMAT = "scratchnet-ensemble"


def _digest(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def save_model(model, path):
    """Write ``model`` to ``path`` atomically (temporary file, fsync, rename)."""
    from . import __version__

    path = os.fspath(path)
    model._require_built()
    arrays = {"params": model._params}
    if model._targets.classes_ is not None:
        classes = np.asarray(model._targets.classes_)
        if classes.dtype == object:
            raise ModelFileError("labels of mixed or object types cannot be saved; use str or int labels")
        arrays["classes"] = classes
    arrays.update({f"opt/{k}": v for k, v in model.optimizer.state_arrays().items()})
    rng = model._rng.bit_generator
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "scratchnet_version": __version__,
        "config": model.get_config(),
        "input_dim": model.input_dim,
        "targets": {"task": model._targets.task, "n_outputs": model._targets.n_outputs,
                    "one_dimensional": model._targets.one_dimensional},
        "history": dict(model.history),
        "optimizer_iterations": model.optimizer.iterations,
        "rng": {"bit_generator": type(rng).__name__, "state": rng.state},
        "digests": {k: _digest(v) for k, v in arrays.items()},
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


def load(path):
    """Load a model saved with ``Sequential.save`` (or an ensemble saved with ``Ensemble.save``).

    Never unpickles anything (``allow_pickle=False``). The returned model
    predicts exactly as the saved one, and continuing to ``fit`` it gives the
    same result as if training had never been interrupted.

    Raises
    ------
    ModelFileError
        If the file is missing, truncated, tampered with, or not a scratchnet
        model file; the message names the file.
    """
    path = os.fspath(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise ModelFileError(
            f"{path}: not a readable scratchnet model file (truncated or corrupted?): {exc}"
        ) from None
    try:
        return _restore(arrays)
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ModelFileError(f"{path}: invalid or tampered model file: {exc!r}") from None


def _restore(arrays):
    from . import __version__
    from .sequential import Sequential

    if "header" not in arrays or arrays["header"].dtype != np.uint8:
        raise ModelFileError("not a scratchnet model file (no header)")
    try:
        header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"the header is not valid JSON ({exc})") from None
    is_ensemble = isinstance(header, dict) and header.get("format") == ENSEMBLE_FORMAT
    if not isinstance(header, dict) or header.get("format") not in (FORMAT, ENSEMBLE_FORMAT):
        raise ModelFileError("not a scratchnet model file (wrong format marker)")
    if not is_ensemble and header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model file format version {header.get('format_version')} is not supported by "
            f"scratchnet {__version__} (which reads version {FORMAT_VERSION})"
        )
    if set(arrays) != set(header["digests"]):
        raise ModelFileError(f"the arrays {sorted(arrays)} do not match the header's list "
                             f"{sorted(header['digests'])}")
    for name, array in arrays.items():
        if list(array.shape) != header["shapes"][name] or _digest(array) != header["digests"][name]:
            raise ModelFileError(f"array {name!r} does not match its checksum: the file was altered")
    if is_ensemble:
        from .ensemble.persistence import restore_ensemble

        return restore_ensemble(header, arrays)

    model = Sequential.from_config(header["config"])
    params = arrays["params"]
    if params.dtype != model.dtype:
        raise ModelFileError(f"parameters are {params.dtype}, the architecture says {model.dtype}")
    model.build(header["input_dim"])
    if params.shape != model._params.shape:
        raise ModelFileError(f"the file holds {params.size} parameters; the architecture "
                             f"needs {model._params.size}")
    if not np.isfinite(params).all():
        raise ModelFileError("the parameters contain NaN or infinite values")
    model._params[...] = params

    targets = header["targets"]
    if targets["task"] != model.loss.task:
        raise ModelFileError(f"task {targets['task']!r} does not match the loss {model.loss!r}")
    model._targets.n_outputs = int(targets["n_outputs"])
    model._targets.one_dimensional = bool(targets["one_dimensional"])
    if "classes" in arrays:
        model._targets.classes_ = arrays["classes"]
    model.history.update({k: [float(v) for v in vals] for k, vals in header["history"].items()})

    opt_arrays = {k[len("opt/"):]: v for k, v in arrays.items() if k.startswith("opt/")}
    model.optimizer.load_state(header["optimizer_iterations"], opt_arrays, [model._params])
    rng = header["rng"]
    if rng["bit_generator"] != type(model._rng.bit_generator).__name__:
        raise ModelFileError(f"unsupported random generator {rng['bit_generator']!r}")
    model._rng.bit_generator.state = rng["state"]
    return model
