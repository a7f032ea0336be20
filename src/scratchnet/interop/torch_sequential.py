"""Weights to and from a PyTorch ``nn.Sequential`` of ``Linear`` and activation modules.

The correspondence, module by module (scratchnet layer -> ``torch.nn`` module):

============================  ===============================================
``Dense(units)``              ``Linear(n_in, units)`` (``bias=False`` when
                              ``use_bias=False``), then the module of its
                              ``activation``, if it has one
``ReLU()``                    ``ReLU()``
``LeakyReLU(a)``              ``LeakyReLU(negative_slope=a)``
``Sigmoid()``, ``Tanh()``     ``Sigmoid()``, ``Tanh()``
``Softmax()``                 ``Softmax(dim=1)``
``Identity()``                ``Identity()``
``Dropout(rate)``             ``Dropout(p=rate)``
``GELU(approximate)``         ``GELU(approximate=...)``
``SiLU()`` (``Swish``)        ``SiLU()``
``ELU(alpha)``                ``ELU(alpha=alpha)``
``Softplus(beta, threshold)`` ``Softplus(beta=beta, threshold=threshold)``
``BatchNorm(momentum, eps)``  ``BatchNorm1d(d, eps=eps, momentum=momentum)``
                              (export only: weight, bias, running statistics)
============================  ===============================================

A state-dict key is ``"<position>.weight"`` / ``"<position>.bias"``, the
position of the ``Linear`` in that module list. PyTorch stores a Linear
weight as (out, in) and computes :math:`x W^T + b`; scratchnet stores
(in, out) and computes :math:`x W + b`, so the weights are transposed on the
way. torch is imported only by :func:`to_torch` and by
``to_torch_state_dict(as_tensors=True)``.
"""

import numpy as np

from .._validation import check_option
from ..layers import (ELU, GELU, Dense, Dropout, Identity, LeakyReLU, ReLU, SiLU, Sigmoid,
                      Softmax, Softplus, Tanh)
from .ops import adopt_classes, network_ops

__all__ = ["torch_modules", "to_torch_state_dict", "to_torch", "from_torch_state_dict"]

#: Operation kind -> (torch.nn module class name, its keyword arguments from the Op).
_TO_MODULE = {
    "dense": ("Linear", lambda op: {"in_features": op.W.shape[0],
                                    "out_features": op.W.shape[1], "bias": op.b is not None}),
    "relu": ("ReLU", lambda op: {}),
    "leaky_relu": ("LeakyReLU", lambda op: {"negative_slope": op.attrs["negative_slope"]}),
    "sigmoid": ("Sigmoid", lambda op: {}),
    "tanh": ("Tanh", lambda op: {}),
    "softmax": ("Softmax", lambda op: {"dim": 1}),
    "identity": ("Identity", lambda op: {}),
    "dropout": ("Dropout", lambda op: {"p": op.attrs["rate"]}),
    "gelu": ("GELU", lambda op: {"approximate": op.attrs["approximate"]}),
    "silu": ("SiLU", lambda op: {}),
    "elu": ("ELU", lambda op: {"alpha": op.attrs["alpha"]}),
    "softplus": ("Softplus", lambda op: {"beta": op.attrs["beta"],
                                         "threshold": op.attrs["threshold"]}),
    "batchnorm": ("BatchNorm1d", lambda op: {"num_features": len(op.attrs["gamma"]),
                                             "eps": op.attrs["eps"],
                                             "momentum": op.attrs["momentum"]}),
}
#: torch.nn module class name -> operation kind, for the modules that can be read
#: back (BatchNorm1d is exported only).
_MODULE_KIND = {name: kind for kind, (name, _) in _TO_MODULE.items() if kind != "batchnorm"}
_LOSSES = ("cross_entropy", "binary_cross_entropy", "mse")
#: A final module that the loss applies itself (as its link), so scratchnet
#: leaves it out: its predict_proba then equals the PyTorch network's output.
_FOLDED_LINK = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}


def _import_torch():
    try:
        import torch
    except ImportError as exc:
        raise ImportError("this function needs PyTorch, which is not installed; install it "
                          "with: pip install torch") from exc
    return torch


def torch_modules(model):
    """The ``torch.nn`` modules, as (class name, keyword arguments), that mirror ``model``.

    >>> import scratchnet as sn
    >>> model = sn.Sequential([sn.Dense(4, activation="relu"), sn.Dropout(0.2), sn.Dense(3)])
    >>> torch_modules(model.build(5))
    [('Linear', {'in_features': 5, 'out_features': 4, 'bias': True}), ('ReLU', {}), \
('Dropout', {'p': 0.2}), ('Linear', {'in_features': 4, 'out_features': 3, 'bias': True})]
    """
    return [(_TO_MODULE[op.kind][0], _TO_MODULE[op.kind][1](op))
            for op in network_ops(model, "PyTorch")]


def to_torch_state_dict(model, as_tensors=False):
    """The model's weights as the state dict of the ``nn.Sequential`` of :func:`torch_modules`.

    Parameters
    ----------
    model : Sequential
        A built model made of the layers in this module's table.
    as_tensors : bool, default False
        Return ``torch.Tensor`` values (imports torch) instead of NumPy arrays.
        ``net.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})``
        does the same with the arrays.

    Returns
    -------
    dict of str -> ndarray or Tensor
        ``"<i>.weight"`` of shape (out, in) and ``"<i>.bias"`` of shape (out,),
        in the model's dtype, copies.
    """
    state = {}
    for position, op in enumerate(network_ops(model, "PyTorch")):
        if op.kind == "dense":
            state[f"{position}.weight"] = np.ascontiguousarray(op.W.T)
            if op.b is not None:
                state[f"{position}.bias"] = op.b
        elif op.kind == "batchnorm":
            a = op.attrs
            state.update({f"{position}.weight": a["gamma"], f"{position}.bias": a["beta"],
                          f"{position}.running_mean": a["mean"],
                          f"{position}.running_var": a["var"],
                          # PyTorch counts batches only when momentum is None (a
                          # cumulative average); with a momentum it is unused.
                          f"{position}.num_batches_tracked": np.array(0, np.int64)})
    if as_tensors:
        torch = _import_torch()
        state = {k: torch.from_numpy(v) for k, v in state.items()}
    return state


def to_torch(model):
    """A ``torch.nn.Sequential`` with the model's weights, in the model's dtype.

    It outputs what the model's last layer outputs (logits for a classifier:
    apply ``torch.softmax(out, 1)`` or ``torch.sigmoid(out)`` for the
    probabilities), and is in ``eval()`` mode (Dropout off).
    """
    torch = _import_torch()
    net = torch.nn.Sequential(*[getattr(torch.nn, name)(**kwargs)
                                for name, kwargs in torch_modules(model)])
    net = net.to(getattr(torch, model.dtype.name))
    net.load_state_dict(to_torch_state_dict(model, as_tensors=True))
    return net.eval()


#: Operation kind -> scratchnet argument name -> the torch module's attribute.
_MODULE_ARGS = {"leaky_relu": {"negative_slope": "negative_slope"}, "dropout": {"rate": "p"},
                "gelu": {"approximate": "approximate"}, "elu": {"alpha": "alpha"},
                "softplus": {"beta": "beta", "threshold": "threshold"}}


def _describe(layer, index):
    """(kind, argument) of one entry of ``layers``: a torch module or its class name."""
    name = layer if isinstance(layer, str) else type(layer).__name__
    key = {n.lower(): n for n in _MODULE_KIND}.get(name.lower())
    if key is None:
        raise ValueError(f"layers[{index}] is {name}, which has no scratchnet equivalent; "
                         f"expected one of {', '.join(_MODULE_KIND)}")
    kind = _MODULE_KIND[key]
    if isinstance(layer, str):
        return kind, {}
    if kind == "softmax" and layer.dim not in (1, -1):
        raise ValueError(f"layers[{index}] is Softmax(dim={layer.dim}); only the softmax over "
                         "the features (dim=1 or -1) has a scratchnet equivalent")
    return kind, {name: getattr(layer, attr) for name, attr in _MODULE_ARGS.get(kind, {}).items()}


def _as_array(value, key):
    if hasattr(value, "detach"):  # a torch.Tensor, converted without importing torch
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype.kind != "f":
        raise ValueError(f"state_dict[{key!r}] has dtype {array.dtype}; expected floats")
    return array


def from_torch_state_dict(state_dict, layers, loss="cross_entropy", classes=None, prefix="",
                          dtype=None, seed=None):
    """A scratchnet model from an ``nn.Sequential``'s layers and state dict.

    Parameters
    ----------
    state_dict : mapping of str -> Tensor or ndarray
        ``net.state_dict()``: ``"<i>.weight"`` of shape (out, in) and
        ``"<i>.bias"`` for each ``Linear`` at position ``i``.
    layers : sequence of torch.nn.Module or str
        The network's modules in order (the ``nn.Sequential`` itself works),
        or their class names: ``Linear``, ``ReLU``, ``LeakyReLU``, ``Sigmoid``,
        ``Tanh``, ``Softmax``, ``Identity``, ``Dropout``, ``GELU``, ``SiLU``,
        ``ELU``, ``Softplus``. Given as names, they take PyTorch's defaults
        (``LeakyReLU`` slope 0.01, ``Dropout`` 0.5, ...).
    loss : {"cross_entropy", "binary_cross_entropy", "mse"}, default "cross_entropy"
        The task. A final ``Softmax`` (cross-entropy) or ``Sigmoid`` (binary)
        module is left out, because scratchnet's loss applies it:
        ``predict_proba`` then equals the PyTorch network's output.
    classes : array-like, optional
        Class labels of a classifier, in output order; default
        ``0 .. n_outputs - 1`` (``0, 1`` for binary).
    prefix : str, default ""
        Prefix of the keys, for a Sequential stored inside another module
        (e.g. ``"net."``).
    dtype : {"float32", "float64"}, optional
        Default: the weights' float type.
    seed : int, numpy.random.Generator or None
        The new model's seed (for further training).

    Returns
    -------
    Sequential
        Built (and, for a classifier, given its classes).

    Raises
    ------
    ValueError
        For an unknown module, a missing key, or weights whose shapes do not chain.
    """
    from ..sequential import Sequential

    check_option(loss, "loss", "from_torch_state_dict", _LOSSES)
    described = [_describe(layer, i) for i, layer in enumerate(layers)]
    if described and described[-1][0] == _FOLDED_LINK.get(loss):
        described = described[:-1]
    weights, scratch_layers, n_in = [], [], None
    for position, (kind, args) in enumerate(described):
        if kind != "dense":
            scratch_layers.append(_scratch_activation(kind, args))
            continue
        key = f"{prefix}{position}.weight"
        if key not in state_dict:
            raise ValueError(f"state_dict has no {key!r} for the Linear at position {position}; "
                             f"its keys are {sorted(state_dict)[:8]}")
        W = _as_array(state_dict[key], key)
        if W.ndim != 2 or (n_in is not None and W.shape[1] != n_in):
            raise ValueError(f"{key} has shape {tuple(W.shape)}; expected (out, {n_in})")
        bias_key = f"{prefix}{position}.bias"
        has_bias = bias_key in state_dict
        weights.append(W.T)
        if has_bias:
            weights.append(_as_array(state_dict[bias_key], bias_key))
        if n_in is None:
            n_features = W.shape[1]
        n_in = W.shape[0]
        scratch_layers.append(Dense(W.shape[0], use_bias=has_bias))
    if not weights:
        raise ValueError("layers holds no Linear module: there are no weights to take")
    dtype = dtype or ("float32" if weights[0].dtype == np.float32 else "float64")
    model = Sequential(scratch_layers, loss=loss, dtype=dtype, seed=seed)
    if loss == "mse":
        model.build(n_features)
    else:
        classes = np.arange(max(n_in, 2)) if classes is None else np.asarray(classes)
        if classes.ndim != 1 or not np.array_equal(np.unique(classes), classes):
            raise ValueError(f"classes must be distinct labels in sorted order (scratchnet "
                             f"orders its outputs so); got {classes.tolist()}. Reorder the "
                             "last Linear's rows to match sorted labels.")
        adopt_classes(model, classes, n_features)
    model.set_weights(weights)
    return model


def _scratch_activation(kind, args):
    """The scratchnet layer for a module kind; missing arguments take PyTorch's defaults."""
    cls = {"relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh,
           "softmax": Softmax, "identity": Identity, "dropout": Dropout, "gelu": GELU,
           "silu": SiLU, "elu": ELU, "softplus": Softplus}[kind]
    if kind == "dropout" and "rate" not in args:
        args = {"rate": 0.5}
    return cls(**{k: float(v) if isinstance(v, (int, float)) else v for k, v in args.items()})
