"""Export a model as one Python file that predicts with NumPy alone.

``model.export_numpy("predict_model.py")`` writes a module with the weights
embedded (base64 of their raw little-endian bytes) and two functions,
``predict(X)`` and ``predict_proba(X)`` (classifiers), that return exactly
what the model's own methods return: the file performs the same NumPy
operations, in the same order and the same dtype, as the layers' inference
passes (sigmoid as :math:`\\tfrac12(1 + \\tanh(z/2))`, softmax after subtracting
the row maximum, inference in the same chunks of rows). It runs as a script
too: ``python predict_model.py data.csv`` prints one prediction per line.

Layers that can be exported: ``Dense`` (with any exportable activation),
ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Identity, GELU (both forms: the
file carries the error function of :mod:`scratchnet.special`), SiLU, ELU,
Softplus, Dropout (the identity at inference) and BatchNorm (its running
statistics). Anything else, subclasses included (their forward may differ),
is refused with the layer named.
"""

import base64
import inspect
from pathlib import Path

import numpy as np

from . import special
from ._version import __version__
from .atomic import write_atomically
from .inference import PREDICT_CHUNK
from .layers import (BatchNorm, Dense, Dropout, ELU, GELU, Identity, LeakyReLU, ReLU, Sigmoid,
                     SiLU, Softmax, Softplus, Tanh)
from .layers.smooth import GELU_CUBIC, SQRT_2_OVER_PI, SQRT_HALF
from .tasks import BinaryTask, MulticlassTask, RegressionTask

__all__ = ["export_numpy", "EXPORTABLE"]


def _activation_code(layer):
    """Lines turning ``Z`` into the layer's output, mirroring its ``forward`` (inference)."""
    kind = type(layer)
    if kind in (Identity, Dropout):
        return []
    if kind is ReLU:
        return ["Z = np.maximum(Z, 0)"]
    if kind is LeakyReLU:
        pick = "np.maximum" if layer.negative_slope <= 1 else "np.minimum"
        return [f"Z = {pick}(Z, np.multiply(Z, {layer.negative_slope!r}))"]
    if kind is Sigmoid:
        return ["Z = _sigmoid(Z)"]
    if kind is Tanh:
        return ["Z = np.tanh(Z)"]
    if kind is Softmax:
        return ["Z = _softmax(Z)"]
    if kind is SiLU:
        return ["Z = np.multiply(Z, _sigmoid(Z))"]
    if kind is GELU and layer.approximate == "none":
        return [f"cdf = erf(Z * {SQRT_HALF!r})", "cdf += 1.0", "cdf *= 0.5",
                "Z = np.multiply(Z, cdf)"]
    if kind is GELU:
        return ["t = np.multiply(Z, Z)", f"t *= {GELU_CUBIC!r}", "t += 1.0", "t *= Z",
                f"t *= {SQRT_2_OVER_PI!r}", "np.tanh(t, out=t)", "cdf = np.add(t, 1.0)",
                "cdf *= 0.5", "Z = np.multiply(Z, cdf)"]
    if kind is ELU:
        return ["positive = np.greater(Z, 0)", "out = np.minimum(Z, 0)",
                "np.expm1(out, out=out)", f"out *= {layer.alpha!r}",
                "np.copyto(out, Z, where=positive)", "Z = out"]
    if kind is Softplus:
        return [f"scaled = np.multiply(Z, {layer.beta!r})",
                f"linear = np.greater(scaled, {layer.threshold!r})",
                "out = np.logaddexp(0.0, scaled)", f"out /= {layer.beta!r}",
                "np.copyto(out, Z, where=linear)", "Z = out"]
    return None


#: The layer classes the export reproduces (exact classes, not subclasses).
EXPORTABLE = (Dense, BatchNorm, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Identity, GELU, SiLU,
              ELU, Softplus, Dropout)


def _layer_code(index, layer, arrays):
    """Lines of the forward pass of one layer; the arrays it needs are added to ``arrays``."""
    if type(layer) is Dense:
        arrays[f"W{index}"] = layer.params["W"]
        lines = [f"Z = np.matmul(Z, W{index})"]
        if layer.use_bias:
            arrays[f"b{index}"] = layer.params["b"]
            lines.append(f"Z += b{index}")
        if layer.activation is not None:
            lines += _activation_code(layer.activation)
        return lines
    if type(layer) is BatchNorm:
        for name, value in [("gamma", layer.params["gamma"]), ("beta", layer.params["beta"]),
                            ("mean", layer.state["running_mean"]),
                            ("var", layer.state["running_var"])]:
            arrays[f"{name}{index}"] = value
        return [f"xhat = np.subtract(Z, mean{index})",
                f"xhat *= 1.0 / np.sqrt(var{index} + {layer.eps!r})",
                f"Z = np.multiply(xhat, gamma{index})", f"Z += beta{index}"]
    return _activation_code(layer)


def _check_exportable(model):
    if not model.built:
        raise RuntimeError("the model is not built yet: fit it before exporting")
    if model.task.is_classifier and not model.task.fitted:
        raise RuntimeError("this classifier is not fitted yet: fit it before exporting")
    names = ", ".join(cls.__name__ for cls in EXPORTABLE)
    for i, layer in enumerate(model.layers):
        parts = [layer] + ([layer.activation] if type(layer) is Dense and
                           layer.activation is not None else [])
        for part in parts:
            if type(part) not in EXPORTABLE or type(part) is Dense and part is not layer:
                raise ValueError(
                    f"export_numpy cannot export layer {i} ({part!r}): its NumPy code is not "
                    f"known. Exportable layers (exact classes): {names}.")
    if not isinstance(model.task, (MulticlassTask, BinaryTask, RegressionTask)):
        raise ValueError(f"export_numpy cannot export a {type(model.task).__name__} head")


def _encode(array):
    data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return base64.b64encode(data.tobytes()).decode("ascii")


def _task_code(task):
    if isinstance(task, MulticlassTask):
        return ["def predict_proba(X):",
                '    """Class probabilities, shape (n_samples, n_classes), columns as CLASSES."""',
                "    return _softmax(_forward(X))", "",
                "def predict(X):", '    """Class labels, shape (n_samples,)."""',
                "    return CLASSES[_forward(X).argmax(axis=1)]"]
    if isinstance(task, BinaryTask):
        return ["def predict_proba(X):",
                '    """Probabilities of CLASSES[0] and CLASSES[1], shape (n_samples, 2)."""',
                "    p = _sigmoid(_forward(X))", "    return np.hstack([1.0 - p, p])", "",
                "def predict(X):", '    """Class labels, shape (n_samples,)."""',
                "    Z = _forward(X)", "    return CLASSES[(Z[:, 0] > 0).astype(np.intp)]"]
    one_dimensional = task.get_state()[0]["one_dimensional"]
    return ["def predict(X):", '    """Predicted values."""', "    Z = _forward(X)",
            f"    return Z[:, 0] if {one_dimensional!r} and Z.shape[1] == 1 else Z"]


_HEADER = '''"""Predictions of a scratchnet {version} model, with NumPy alone.

Exported by scratchnet.export_numpy: {n_inputs} input features, {kind}.
predict(X) (and predict_proba(X) for classifiers) return exactly what the
model returned. As a script: python {filename} data.csv (comma-separated
rows of {n_inputs} numbers) prints one prediction per line.
"""

import base64
import sys

import numpy as np

DTYPE = np.dtype("{dtype}")
N_FEATURES = {n_inputs}
CHUNK = {chunk}
CLASSES = {classes}


def _array(text, shape):
    array = np.empty(shape, DTYPE)
    array.reshape(-1)[...] = np.frombuffer(base64.b64decode(text), dtype=DTYPE.newbyteorder("<"))
    return array


def _sigmoid(Z):
    out = np.multiply(Z, 0.5)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _softmax(Z):
    rowmax = np.maximum.reduce(Z, axis=1, keepdims=True)
    P = np.subtract(Z, rowmax)
    np.exp(P, out=P)
    P /= np.add.reduce(P, axis=1, keepdims=True)
    return P


def _check(X):
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != N_FEATURES:
        raise ValueError(f"X must have shape (n_samples, {{N_FEATURES}}); got {{X.shape}}")
    X = np.ascontiguousarray(X, dtype=DTYPE)
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    return X
'''

_FOOTER = '''

def _forward(X):
    X = _check(X)
    n_chunks = -(-len(X) // CHUNK)
    if n_chunks <= 1:
        return _layers(X)
    size = -(-len(X) // n_chunks)
    return np.concatenate([_layers(X[start:start + size]) for start in range(0, len(X), size)])


if __name__ == "__main__":
    for value in predict(np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)):
        print(value)
'''


def export_numpy(model, path):
    """Write ``path``, a NumPy-only module whose ``predict``/``predict_proba`` equal the model's.

    Parameters
    ----------
    model : Sequential
        Fitted.
    path : str or Path
        The ``.py`` file to write (atomically: an existing file is replaced
        only once the new one is complete).

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        A layer the export cannot reproduce exactly (named in the message).
    """
    _check_exportable(model)
    path = Path(path)
    arrays, body = {}, []
    for i, layer in enumerate(model.layers):
        body += _layer_code(i, layer, arrays)
    _, classes = model.task.get_state()
    if classes is not None:
        classes = f"np.array({np.asarray(classes).tolist()!r}, dtype={classes.dtype.str!r})"
    text = _HEADER.format(version=__version__, n_inputs=model.input_dim, kind=model.task.name,
                          filename=path.name, dtype=model.dtype.name, chunk=PREDICT_CHUNK,
                          classes=classes)
    if any(type(l) is GELU and l.approximate == "none"
           for layer in model.layers for l in (layer, getattr(layer, "activation", None))):
        source = inspect.getsource(special)
        marker = '__all__ = ["erf"]\n'
        if marker not in source:
            raise RuntimeError("scratchnet.special changed shape: its erf cannot be embedded")
        text += "\n# The error function, from scratchnet.special.\n" + source.split(marker, 1)[1]
    text += "\n\n" + "\n".join(f"{name} = _array({_encode(value)!r}, {value.shape!r})"
                               for name, value in arrays.items())
    text += "\n\n\ndef _layers(Z):\n" + "".join(f"    {line}\n" for line in body) + \
            "    return Z\n\n\n" + "\n".join(_task_code(model.task)) + "\n" + _FOOTER
    write_atomically(path, lambda f: f.write(text), binary=False)
    return path
