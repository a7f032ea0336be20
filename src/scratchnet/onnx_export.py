"""Export a model as a standard ONNX graph (needs the ``onnx`` package: ``scratchnet[onnx]``).

The graph, for a model of Dense layers and activations:

* input ``"input"``: shape ``[N, n_features]``, ``N`` dynamic, in the model's
  float type (float32 -> ``FLOAT``, float64 -> ``DOUBLE``);
* one ``Gemm`` per Dense layer (``MatMul`` when it has no bias), then
  ``Relu``, ``LeakyRelu``, ``Sigmoid``, ``Tanh``, ``Softmax`` (axis 1), or
  a few elementary nodes for GELU (``Erf``, or ``Tanh`` for its tanh
  approximation; in a float64 graph the ``Erf`` runs in float32, since
  onnxruntime has none for doubles), SiLU, ELU, Softplus (stable, linear past
  its threshold) and BatchNorm (its inference form, folded into ``Mul`` and
  ``Add``); Identity and Dropout (the identity at inference) are left out;
* outputs, by task:

  ============== ===================================================================
  classifier     ``"logits"`` ``[N, n_outputs]`` (the last layer's raw output) and
                 ``"probabilities"`` ``[N, n_classes]``, equal to ``predict_proba``:
                 a softmax, or for a binary model (one logit) the two columns
                 :math:`1 - p`, :math:`p` with :math:`p = \\sigma(z)`
  regression     ``"predictions"`` ``[N, n_outputs]``, equal to ``predict``
                 (as a column for a single output)
  ============== ===================================================================

The class labels, in column order, are stored as JSON in the model's
metadata (``metadata_props`` key ``"classes"``), with the task
(``"task"``) and the scratchnet version.
"""

import json

import numpy as np

from .atomic import write_atomically
from .interop.ops import model_task, network_ops

__all__ = ["export_onnx", "OPSET"]

#: The default operator set: every operator used here has had its current
#: form since opset 13; 17 is supported by onnxruntime 1.12 and later. The
#: file declares the lowest IR version that opset needs (8 for 17), so that
#: older runtimes read it too.
OPSET = 17

#: Operation kind -> (ONNX operator, attributes from the Op), for one-node operations.
_ACTIVATIONS = {
    "relu": ("Relu", lambda op: {}),
    "leaky_relu": ("LeakyRelu", lambda op: {"alpha": op.attrs["negative_slope"]}),
    "sigmoid": ("Sigmoid", lambda op: {}),
    "tanh": ("Tanh", lambda op: {}),
    "softmax": ("Softmax", lambda op: {"axis": 1}),
}
_SKIPPED = ("identity", "dropout")


def _import_onnx():
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("export_onnx needs the onnx package, which is not installed; install "
                          "it with: pip install 'scratchnet[onnx]'") from exc
    return onnx


def export_onnx(model, path, opset=OPSET, graph_name="scratchnet"):
    """Write ``model`` to ``path`` as an ONNX model, checked by ``onnx.checker``.

    Parameters
    ----------
    model : Sequential
        A built model (fitted, for a classifier) whose layers are Dense,
        ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Identity, Dropout, GELU,
        SiLU, ELU, Softplus or BatchNorm.
    path : str or path-like
        Output file, written atomically (a temporary file renamed over it).
    opset : int, default 17
        ONNX operator set, at least 13.
    graph_name : str, default "scratchnet"

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If a layer cannot be exported (the message names it) or ``opset`` is below 13.
    ImportError
        If ``onnx`` is not installed.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn, onnxruntime as ort, tempfile, os
    >>> X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    >>> model = sn.Sequential([sn.Dense(4, activation="tanh"), sn.Dense(2)], seed=0)
    >>> _ = model.fit(X, X[:, 0] > 0, epochs=2)
    >>> path = sn.export_onnx(model, os.path.join(tempfile.mkdtemp(), "m.onnx"))
    >>> session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    >>> proba, = session.run(["probabilities"], {"input": X})
    >>> bool(np.allclose(proba, model.predict_proba(X), atol=1e-6))
    True
    """
    from pathlib import Path

    from ._validation import check_scalar

    onnx = _import_onnx()
    opset = check_scalar(opset, "opset", "export_onnx", kind=int, low=13)
    graph = _build_graph(onnx, model, graph_name)
    onnx_model = onnx.helper.make_model(
        graph, opset_imports=[onnx.helper.make_opsetid("", opset)],
        producer_name="scratchnet", producer_version=_version())
    onnx_model.ir_version = onnx.helper.find_min_ir_version_for(list(onnx_model.opset_import))
    metadata = {"task": model_task(model), "scratchnet_version": _version()}
    if model_task(model) != "regression":
        metadata["classes"] = json.dumps(np.asarray(model.classes_).tolist())
    onnx.helper.set_model_props(onnx_model, metadata)
    onnx.checker.check_model(onnx_model, full_check=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = onnx_model.SerializeToString()
    write_atomically(path, lambda f: f.write(data))
    return path


def _version():
    from . import __version__

    return __version__


def _build_graph(onnx, model, graph_name):
    helper, TensorProto = onnx.helper, onnx.TensorProto
    ops = network_ops(model, "ONNX")
    elem = TensorProto.DOUBLE if model.dtype == np.float64 else TensorProto.FLOAT
    nodes, initializers = [], []
    current = "input"
    width = model.input_dim

    def fresh(stem):
        return f"{stem}_{len(nodes)}"

    builder = _Builder(onnx, nodes, initializers, model.dtype)

    for op in ops:
        if op.kind in _SKIPPED:
            continue
        out = fresh(op.kind)
        if op.kind == "dense":
            w_name = f"W_{op.layer}"
            initializers.append(onnx.numpy_helper.from_array(op.W.astype(model.dtype), w_name))
            if op.b is None:
                nodes.append(helper.make_node("MatMul", [current, w_name], [out]))
            else:
                b_name = f"b_{op.layer}"
                initializers.append(onnx.numpy_helper.from_array(op.b.astype(model.dtype),
                                                                 b_name))
                nodes.append(helper.make_node("Gemm", [current, w_name, b_name], [out]))
            width = op.W.shape[1]
        elif op.kind in _ACTIVATIONS:
            name, attrs = _ACTIVATIONS[op.kind]
            nodes.append(helper.make_node(name, [current], [out], **attrs(op)))
        else:
            _COMPOSITE[op.kind](builder, op, current, out)
        current = out

    task = model_task(model)
    if task == "regression":
        nodes.append(helper.make_node("Identity", [current], ["predictions"]))
        outputs = [helper.make_tensor_value_info("predictions", elem, ["N", width])]
    else:
        nodes.append(helper.make_node("Identity", [current], ["logits"]))
        if task == "binary":
            one = "one"
            initializers.append(onnx.numpy_helper.from_array(np.ones((), model.dtype), one))
            nodes += [helper.make_node("Sigmoid", ["logits"], ["p_positive"]),
                      helper.make_node("Sub", [one, "p_positive"], ["p_negative"]),
                      helper.make_node("Concat", ["p_negative", "p_positive"],
                                       ["probabilities"], axis=1)]
            n_classes = 2
        else:
            nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
            n_classes = width
        outputs = [helper.make_tensor_value_info("probabilities", elem, ["N", n_classes]),
                   helper.make_tensor_value_info("logits", elem, ["N", width])]
    inputs = [helper.make_tensor_value_info("input", elem, ["N", model.input_dim])]
    return helper.make_graph(nodes, graph_name, inputs, outputs, initializer=initializers)


class _Builder:
    """Appends nodes and constants for the operations that take several ONNX nodes."""

    def __init__(self, onnx, nodes, initializers, dtype):
        self.onnx, self.nodes, self.initializers, self.dtype = onnx, nodes, initializers, dtype

    def const(self, value, stem):
        name = f"{stem}_c{len(self.initializers)}"
        self.initializers.append(self.onnx.numpy_helper.from_array(
            np.asarray(value, dtype=self.dtype), name))
        return name

    def node(self, op_type, inputs, output=None, **attrs):
        output = output or f"{op_type.lower()}_t{len(self.nodes)}"
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [output], **attrs))
        return output


def _gelu(b, op, x, out):
    if op.attrs["approximate"] == "none":
        # x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); the Gelu operator needs opset 20.
        scaled = b.node("Mul", [x, b.const(np.sqrt(0.5), "rsqrt2")])
        if b.dtype == np.float64:
            # onnxruntime has no double Erf: this one runs in float32 (error ~1e-7).
            TensorProto = b.onnx.TensorProto
            erf = b.node("Erf", [b.node("Cast", [scaled], to=TensorProto.FLOAT)])
            cdf = b.node("Cast", [erf], to=TensorProto.DOUBLE)
        else:
            cdf = b.node("Erf", [scaled])
    else:
        # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        cube = b.node("Mul", [x, b.node("Mul", [x, x])])
        inner = b.node("Add", [x, b.node("Mul", [cube, b.const(0.044715, "k")])])
        cdf = b.node("Tanh", [b.node("Mul", [inner, b.const(np.sqrt(2 / np.pi), "s2pi")])])
    half_x = b.node("Mul", [x, b.const(0.5, "half")])
    b.node("Mul", [half_x, b.node("Add", [cdf, b.const(1.0, "one")])], out)


def _silu(b, op, x, out):
    b.node("Mul", [x, b.node("Sigmoid", [x])], out)


def _elu(b, op, x, out):
    # x where x > 0, else alpha (e^x - 1). Written out: onnxruntime's Elu is float32 only.
    negative = b.node("Mul", [b.node("Sub", [b.node("Exp", [x]), b.const(1.0, "one")]),
                              b.const(op.attrs["alpha"], "alpha")])
    b.node("Where", [b.node("Greater", [x, b.const(0.0, "zero")]), x, negative], out)


def _softplus(b, op, x, out):
    # log(1 + e^z) / beta with z = beta x, as max(z, 0) + log(1 + e^-|z|) (no overflow;
    # onnxruntime's Softplus is float32 only), and x itself where z > threshold.
    beta, threshold = op.attrs["beta"], op.attrs["threshold"]
    scaled = b.node("Mul", [x, b.const(beta, "beta")])
    tail = b.node("Exp", [b.node("Neg", [b.node("Abs", [scaled])])])
    log_term = b.node("Log", [b.node("Add", [tail, b.const(1.0, "one")])])
    smooth = b.node("Mul", [b.node("Add", [b.node("Relu", [scaled]), log_term]),
                            b.const(1.0 / beta, "rbeta")])
    linear = b.node("Greater", [scaled, b.const(threshold, "threshold")])
    b.node("Where", [linear, x, smooth], out)


def _batchnorm(b, op, x, out):
    # Inference: gamma (x - mean) / sqrt(var + eps) + beta, folded into x * scale + shift.
    a = op.attrs
    scale = a["gamma"].astype(np.float64) / np.sqrt(a["var"].astype(np.float64) + a["eps"])
    shift = a["beta"] - a["mean"] * scale
    b.node("Add", [b.node("Mul", [x, b.const(scale, "bn_scale")]), b.const(shift, "bn_shift")],
           out)


_COMPOSITE = {"gelu": _gelu, "silu": _silu, "elu": _elu, "softplus": _softplus,
              "batchnorm": _batchnorm}


