"""How an estimator is written into a scratchnet model file's metadata, as JSON.

The file is the network's own ``.npz`` model file (``scratchnet.serialization``:
no pickle, checked on reading); the estimator rides in the network's
``metadata`` under :data:`METADATA_KEY`: its class name, its constructor
parameters and its fitted attributes. ``scratchnet.load`` on the same file
gives the bare network.

JSON has no tuples, no dictionaries with non-string keys and no infinities,
so such values are tagged: ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``
(``class_weight``) and ``{"float": "inf"}``. A ``numpy.random.Generator`` given
as ``random_state`` is stored as None: the file keeps the network's generator
state, which is what continuing to train needs.
"""

import math
import numbers

import numpy as np

from ..errors import ModelFileError

__all__ = ["METADATA_KEY", "FORMAT_VERSION", "describe", "entry_of", "encode", "decode",
           "labels_entry", "labels_from_entry", "names", "numbers_list", "optional_float",
           "count"]

#: The key of the estimator's description in the network's metadata.
METADATA_KEY = "scikit-learn estimator"
FORMAT_VERSION = 1


def encode(value, name):
    """``value`` as JSON-ready data (tagged where JSON lacks the type)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, name) for v in value]}
    if isinstance(value, (list, np.ndarray)):
        return [encode(v, name) for v in list(value)]
    if isinstance(value, dict):
        return {"dict": [[encode(k, name), encode(v, name)] for k, v in value.items()]}
    if isinstance(value, np.random.Generator):
        return None
    raise ModelFileError(f"the estimator's {name}={value!r} ({type(value).__name__}) cannot be "
                         "saved in a model file")


def decode(value):
    """Inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"tuple"} and isinstance(value["tuple"], list):
            return tuple(decode(v) for v in value["tuple"])
        if set(value) == {"dict"} and isinstance(value["dict"], list) and all(
                isinstance(kv, list) and len(kv) == 2 for kv in value["dict"]):
            return {decode(k): decode(v) for k, v in value["dict"]}
        if set(value) == {"float"} and value["float"] in ("inf", "-inf", "nan"):
            return float(value["float"])
        raise ModelFileError(f"unreadable value in the estimator's description: {value!r}")
    return value


def describe(class_name, params, fitted):
    """The metadata entry for an estimator of class ``class_name``."""
    return {"version": FORMAT_VERSION, "class": class_name,
            "params": {k: encode(v, k) for k, v in params.items()},
            "fitted": {k: encode(v, k) for k, v in fitted.items()}}


def entry_of(model, where):
    """The decoded entry :func:`describe` made, from a loaded network's metadata."""
    entry = model.metadata.get(METADATA_KEY)
    if entry is None:
        raise ModelFileError(f"{where} holds a bare scratchnet network, not a scikit-learn "
                             "estimator; load it with scratchnet.load")
    if not (isinstance(entry, dict) and set(entry) == {"version", "class", "params", "fitted"}
            and entry["version"] == FORMAT_VERSION and isinstance(entry["class"], str)
            and isinstance(entry["params"], dict) and isinstance(entry["fitted"], dict)):
        raise ModelFileError(f"{where}: unsupported or malformed estimator description")
    try:
        return {"class": entry["class"],
                "params": {k: decode(v) for k, v in entry["params"].items()},
                "fitted": {k: decode(v) for k, v in entry["fitted"].items()}}
    except ModelFileError as exc:
        raise ModelFileError(f"{where}: {exc}") from None


def labels_entry(classes):
    """Class labels with their dtype."""
    return {"dtype": classes.dtype.str, "values": classes.tolist()}


def labels_from_entry(saved):
    """Inverse of :func:`labels_entry`."""
    if not (isinstance(saved, dict) and isinstance(saved.get("values"), list)
            and isinstance(saved.get("dtype"), str) and saved["dtype"][1:2] in list("biufUO")):
        raise ModelFileError("classes_ must be a list of labels with their dtype")
    return np.asarray(saved["values"], dtype=np.dtype(saved["dtype"]))


def names(value, n_features):
    if not (isinstance(value, list) and len(value) == n_features
            and all(isinstance(n, str) for n in value)):
        raise ModelFileError("feature_names_in_ must hold one name per feature")
    return np.asarray(value, dtype=object)


def numbers_list(value, name):
    if not (isinstance(value, list) and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)):
        raise ModelFileError(f"{name} must be a list of numbers")
    return [float(v) for v in value]


def optional_float(value, name):
    if value is None:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ModelFileError(f"{name} must be a number or null")
    return float(value)


def count(value, name):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ModelFileError(f"{name} must be an int >= 0")
    return value
