"""A built model read as a flat list of standard operations.

Exporters (ONNX, PyTorch, scikit-learn) all need the same thing: the
network as a chain of affine maps and element-wise or row-wise functions,
with the activations that ``Dense(activation=...)`` hides unfolded. This
module produces that chain from the public state of a model (its
``layers`` and each layer's ``params``) and refuses, naming the layer, what
has no standard equivalent. The importers' one shared step, giving a new
classifier its labels, is here too (:func:`adopt_classes`).
"""

from dataclasses import dataclass, field

import numpy as np

from ..layers import (ELU, GELU, BatchNorm, Dense, Dropout, Identity, LeakyReLU, ReLU, SiLU,
                      Sigmoid, Softmax, Softplus, Tanh)

__all__ = ["Op", "network_ops", "model_task", "adopt_classes", "EXPORTABLE"]

#: Exact layer class -> (operation kind, its attributes from the layer). Exact
#: classes only: a user's subclass of ReLU may compute something else, so it
#: is refused like any unknown layer.
EXPORTABLE = {
    ReLU: ("relu", lambda layer: {}),
    LeakyReLU: ("leaky_relu", lambda layer: {"negative_slope": float(layer.negative_slope)}),
    Sigmoid: ("sigmoid", lambda layer: {}),
    Tanh: ("tanh", lambda layer: {}),
    Softmax: ("softmax", lambda layer: {}),
    Identity: ("identity", lambda layer: {}),
    Dropout: ("dropout", lambda layer: {"rate": float(layer.rate)}),
    GELU: ("gelu", lambda layer: {"approximate": layer.approximate}),
    SiLU: ("silu", lambda layer: {}),
    ELU: ("elu", lambda layer: {"alpha": float(layer.alpha)}),
    Softplus: ("softplus", lambda layer: {"beta": float(layer.beta),
                                          "threshold": float(layer.threshold)}),
    # Inference form: the running statistics, the learned scale and shift.
    BatchNorm: ("batchnorm", lambda layer: {
        "mean": layer.state["running_mean"].copy(), "var": layer.state["running_var"].copy(),
        "gamma": layer.params["gamma"].copy(), "beta": layer.params["beta"].copy(),
        "eps": float(layer.eps), "momentum": float(layer.momentum)}),
}


@dataclass(frozen=True)
class Op:
    """One operation of the chain.

    Attributes
    ----------
    kind : str
        ``"dense"`` or the kind of an activation or normalization layer
        (``"relu"``, ``"leaky_relu"``, ``"sigmoid"``, ``"tanh"``, ``"softmax"``,
        ``"identity"``, ``"dropout"``, ``"gelu"``, ``"silu"``, ``"elu"``,
        ``"softplus"``, ``"batchnorm"``).
    layer : int
        Index in ``model.layers`` of the layer this operation comes from.
    W : ndarray of shape (n_in, n_out) or None
        Weights of a ``"dense"`` operation: :math:`Y = X W + b`.
    b : ndarray of shape (n_out,) or None
        Its bias; None for ``Dense(use_bias=False)``.
    attrs : dict
        The layer's settings: ``negative_slope`` (leaky_relu), ``rate``
        (dropout, the identity at inference), ``approximate`` (gelu),
        ``alpha`` (elu), ``beta`` and ``threshold`` (softplus); for batchnorm
        the running ``mean`` and ``var``, ``gamma``, ``beta``, ``eps`` and
        ``momentum``, so that inference computes
        :math:`\\gamma (X - \\mu) / \\sqrt{\\sigma^2 + \\epsilon} + \\beta`.
    """

    kind: str
    layer: int
    W: np.ndarray = None
    b: np.ndarray = None
    attrs: dict = field(default_factory=dict)


def model_task(model):
    """``"multiclass"``, ``"binary"`` or ``"regression"``: the name of the model's task head."""
    return model.task.name


def network_ops(model, target):
    """The built ``model`` as a list of :class:`Op`, in order.

    Parameters
    ----------
    model : Sequential
        A built model.
    target : str
        Name of the format or library, used in error messages.

    Returns
    -------
    list of Op

    Raises
    ------
    RuntimeError
        If the model is not built.
    ValueError
        If a layer has no standard equivalent; the message names it.
    """
    if not model.built:
        raise RuntimeError(f"the model is not built yet, so there is nothing to export to "
                           f"{target}: call fit(X, y) or build(n_features) first")
    ops = []
    for index, layer in enumerate(model.layers):
        if type(layer) is Dense:
            ops.append(Op("dense", index, W=layer.params["W"].copy(),
                          b=layer.params["b"].copy() if "b" in layer.params else None))
            if layer.activation is not None:
                ops.append(_activation_op(layer.activation, index, target, layer))
        else:
            ops.append(_activation_op(layer, index, target, layer))
    return ops


def _activation_op(layer, index, target, owner):
    entry = EXPORTABLE.get(type(layer))
    if entry is None:
        where = (f"layer {index} ({type(owner).__name__})" if owner is layer else
                 f"the activation {type(layer).__name__} of layer {index} "
                 f"({type(owner).__name__})")
        supported = ", ".join(["Dense"] + [cls.__name__ for cls in EXPORTABLE])
        raise ValueError(f"{where} cannot be exported to {target}: it has no standard "
                         f"equivalent. Supported layers: {supported}.")
    kind, attrs = entry
    return Op(kind, index, attrs=attrs(layer))


def adopt_classes(model, classes, n_features):
    """Build an unbuilt classifier for ``n_features`` inputs and give it the labels ``classes``.

    A zero-epoch ``fit`` on one sample per class does exactly that through the
    public API: it records the labels (sorted, as scikit-learn does) and
    builds the layers, and trains nothing. The caller then sets the weights.
    """
    model.fit(np.zeros((len(classes), n_features)), classes, epochs=0)
