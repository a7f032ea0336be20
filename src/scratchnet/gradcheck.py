"""Finite-difference gradient checking, for the tests and for users' own layers."""

import copy

import numpy as np

from .layers import Layer
from .losses import Loss

__all__ = ["check_gradients"]


def check_gradients(obj, X, y=None, eps=1e-6, seed=0, training=True, verbose=False,
                    return_table=False):
    """Compare backpropagation with central finite differences, in float64.

    Parameters
    ----------
    obj : Layer, Loss or Sequential
        What to check. A layer (built or not) is checked through
        :math:`f = \\sum_{ij} Y_{ij} G_{ij}` with a random upstream gradient
        :math:`G` (never all ones, which would hide errors such as a softmax
        backward that returns zeros). A loss is checked with respect to its
        input scores; ``y`` holds its targets. A model is checked through its
        loss, with respect to every parameter and the input; ``y`` holds labels
        as for ``fit`` (the model must have been fitted or built with targets).
    X : array-like of shape (n_samples, n_features)
        Keep it away from kinks (ReLU at 0); use at least 3 samples.
    eps : float, default 1e-6
        Finite-difference step.
    seed : int
        Seeds the upstream gradient and, for unbuilt layers, the weights.
    training : bool, default True
        Run layers in training mode. Randomness (dropout masks) is replayed
        identically for every evaluation, so stochastic layers check too.
    verbose : bool
        Print a table of the error per array.
    return_table : bool
        Also return the table as a list of dicts.

    Returns
    -------
    float
        The worst relative error :math:`\\|a - n\\| / (\\|a\\| + \\|n\\|)` over the
        arrays checked (:math:`a` analytic, :math:`n` numeric); below about 1e-6
        means the backward pass is right.
    list of dict, optional
        One row per array: name, shape, relative error, max absolute difference.
    """
    rng = np.random.default_rng(seed)
    X = np.array(X, dtype=np.float64)
    if isinstance(obj, Loss):
        f, arrays, analytic = _loss_problem(obj, X, y)
    elif isinstance(obj, Layer):
        f, arrays, analytic = _layer_problem(obj, X, rng, training)
    elif hasattr(obj, "layers") and hasattr(obj, "loss"):
        f, arrays, analytic = _model_problem(obj, X, y, training)
    else:
        raise TypeError(f"check_gradients takes a Layer, a Loss or a Sequential; got {type(obj)}")

    table = []
    for name, array in arrays.items():
        numeric = _numeric_gradient(f, array, eps)
        a = analytic[name]
        denom = np.linalg.norm(a) + np.linalg.norm(numeric)
        rel = 0.0 if denom == 0 else float(np.linalg.norm(a - numeric) / denom)
        table.append({"name": name, "shape": array.shape, "rel_error": rel,
                      "max_abs_diff": float(np.max(np.abs(a - numeric), initial=0.0))})
    if verbose:
        print(f"{'array':<16}{'shape':<16}{'rel. error':>12}{'max |diff|':>12}")
        for row in table:
            print(f"{row['name']:<16}{str(row['shape']):<16}{row['rel_error']:>12.2e}"
                  f"{row['max_abs_diff']:>12.2e}")
    worst = max((row["rel_error"] for row in table), default=0.0)
    return (worst, table) if return_table else worst


def _numeric_gradient(f, array, eps):
    grad = np.zeros_like(array)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def _replaying(rng):
    """Run each evaluation from the same generator state (same dropout masks)."""
    state = copy.deepcopy(rng.bit_generator.state) if rng is not None else None

    def reset():
        if rng is not None:
            rng.bit_generator.state = copy.deepcopy(state)
    return reset


def _layer_problem(layer, X, rng, training):
    layer = copy.deepcopy(layer)
    if not layer.built:
        layer.build(X.shape[1], rng, np.float64)
    layer.astype(np.float64)
    layer.needs_input_grad = True
    reset = _replaying(layer.rng)
    reset()
    Y = layer.forward(X, training)
    G = rng.standard_normal(Y.shape)

    def f():
        reset()
        return float(np.sum(layer.forward(X, training) * G))

    reset()
    layer.forward(X, training)
    analytic = {"input": np.array(layer.backward(G))}
    analytic.update({k: v.copy() for k, v in layer.grads.items()})
    return f, {"input": X, **layer.params}, analytic


def _loss_problem(loss, Z, y):
    if y is None:
        raise ValueError("checking a loss needs its targets: check_gradients(loss, Z, y)")
    loss = copy.deepcopy(loss)
    target = np.asarray(y)
    target = target if target.dtype.kind in "iu" else target.astype(np.float64)

    def f():
        return loss.forward(Z, target)

    f()
    return f, {"input": Z}, {"input": np.array(loss.backward())}


def _model_problem(model, X, y, training):
    """The model rebuilt in float64 with the same weights, task and generator state."""
    if y is None:
        raise ValueError("checking a model needs labels: check_gradients(model, X, y)")
    y = np.asarray(y)
    clone = type(model).from_config({**model.get_config(), "dtype": "float64"})
    clone.task = copy.deepcopy(model.task) if model.task.fitted else clone.task.fit(y)
    clone.build(X.shape[1])
    if model.built:
        clone.set_weights(model.get_weights())
    clone.rng.bit_generator.state = model.rng.bit_generator.state
    for layer in clone.layers:
        layer.needs_input_grad = True
    target = clone.task.encode(y, np.float64)
    reset = _replaying(clone.rng)

    def f():
        reset()
        return clone.loss.forward(clone.forward(X, training), target)

    f()
    grad = clone.loss.backward()
    for layer in reversed(clone.layers):
        grad = layer.backward(grad)
    analytic = {"input": np.array(grad)}
    arrays = {"input": X}
    for name, param, grad in clone.parameters:
        index, key = name.split(".")
        label = f"{index}:{type(clone.layers[int(index)]).__name__}.{key}"
        arrays[label] = param
        analytic[label] = grad.copy()
    return f, arrays, analytic
