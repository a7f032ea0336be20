"""ONNX export: the graph runs in onnxruntime and gives predict_proba / predict to 1e-5."""

import json

import numpy as np
import pytest

import scratchnet as sn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TOL = 1e-5


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5))
    return X, np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.3)]


def run(path, X, names=None):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session, session.run(names, {"input": X})


EVERY_LAYER = {
    "dense_relu": lambda: [sn.Dense(8, activation="relu"), sn.Dense(3)],
    "relu_layer": lambda: [sn.Dense(8), sn.ReLU(), sn.Dense(3)],
    "leaky_relu": lambda: [sn.Dense(8), sn.LeakyReLU(0.3), sn.Dense(3)],
    "steep_leaky_relu": lambda: [sn.Dense(8), sn.LeakyReLU(1.5), sn.Dense(3)],
    "sigmoid": lambda: [sn.Dense(8, activation="sigmoid"), sn.Dense(3)],
    "tanh": lambda: [sn.Dense(8), sn.Tanh(), sn.Dense(3)],
    "softmax_inside": lambda: [sn.Dense(8), sn.Softmax(), sn.Dense(3)],
    "identity": lambda: [sn.Dense(8, activation="identity"), sn.Identity(), sn.Dense(3)],
    "dropout": lambda: [sn.Dense(8, activation="relu"), sn.Dropout(0.4), sn.Dense(3)],
    "no_bias": lambda: [sn.Dense(8, activation="tanh", use_bias=False),
                        sn.Dense(3, use_bias=False)],
    "gelu": lambda: [sn.Dense(8), sn.GELU(), sn.Dense(3)],
    "gelu_tanh": lambda: [sn.Dense(8), sn.GELU(approximate="tanh"), sn.Dense(3)],
    "silu": lambda: [sn.Dense(8), sn.SiLU(), sn.Dense(3)],
    "elu": lambda: [sn.Dense(8), sn.ELU(alpha=0.7), sn.Dense(3)],
    "softplus": lambda: [sn.Dense(8), sn.Softplus(beta=2.0, threshold=1.0), sn.Dense(3)],
    "batchnorm": lambda: [sn.Dense(8), sn.BatchNorm(momentum=0.3), sn.ReLU(), sn.Dense(3)],
    "deep": lambda: [sn.Dense(8, activation="relu"), sn.Dense(6, activation="tanh"),
                     sn.Dense(4, activation="leaky_relu"), sn.Dense(3)],
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", EVERY_LAYER)
def test_multiclass_matches_predict_proba(data, tmp_path, name, dtype):
    X, y = data
    model = sn.Sequential(EVERY_LAYER[name](), dtype=dtype, seed=0,
                          optimizer=sn.Adam(lr=0.05))
    model.fit(X, y, epochs=5, batch_size=16)
    path = sn.export_onnx(model, tmp_path / "model.onnx")
    _, (proba, logits) = run(path, X.astype(dtype), ["probabilities", "logits"])
    assert proba.dtype == np.dtype(dtype) and proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=TOL, rtol=0)
    assert (model.classes_[proba.argmax(axis=1)] == model.predict(X)).all()
    assert logits.shape == (len(X), 3)


def test_binary_model_has_two_probability_columns(data, tmp_path):
    X, y = data
    model = sn.Sequential([sn.Dense(6, activation="tanh"), sn.Dense(1)],
                          loss="binary_cross_entropy", seed=0, optimizer=sn.Adam(lr=0.05))
    model.fit(X, y == "a", epochs=5)
    path = sn.export_onnx(model, tmp_path / "binary.onnx")
    _, (proba, logits) = run(path, X.astype(np.float32), ["probabilities", "logits"])
    assert proba.shape == (len(X), 2) and logits.shape == (len(X), 1)
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=TOL, rtol=0)
    metadata = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    assert json.loads(metadata["classes"]) == [False, True] and metadata["task"] == "binary"


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_regression_matches_predict(data, tmp_path, n_outputs):
    X, _ = data
    target = X[:, :n_outputs] * 2 + 1
    model = sn.Sequential([sn.Dense(7, activation="relu"), sn.Dense(n_outputs)], loss="mse",
                          seed=0)
    model.fit(X, target if n_outputs > 1 else target[:, 0], epochs=5)
    path = sn.export_onnx(model, tmp_path / "reg.onnx")
    session, (pred,) = run(path, X.astype(np.float32))
    assert [o.name for o in session.get_outputs()] == ["predictions"]
    np.testing.assert_allclose(pred.reshape(model.predict(X).shape), model.predict(X),
                               atol=TOL, rtol=0)


def test_graph_is_standard_with_a_dynamic_batch(data, tmp_path):
    X, y = data
    model = sn.Sequential([sn.Dense(4, activation="relu"), sn.Dropout(0.2), sn.Dense(3)], seed=0)
    model.fit(X, y, epochs=1)
    path = sn.export_onnx(model, tmp_path / "sub" / "m.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm", "Identity",
                                                     "Softmax"]
    assert proto.opset_import[0].version == 17 and proto.ir_version == 8
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert proto.graph.input[0].name == "input"
    assert dims[0].dim_param == "N" and dims[1].dim_value == 5
    session, (one,) = run(path, X[:1].astype(np.float32), ["probabilities"])
    np.testing.assert_allclose(one, model.predict_proba(X[:1]), atol=TOL, rtol=0)
    assert [i.name for i in session.get_inputs()] == ["input"]


def test_unknown_layer_is_refused_and_no_file_is_left(data, tmp_path):
    class Scale(sn.Layer):
        def forward(self, X, training=False):
            return 3 * X

        def backward(self, dY):
            return 3 * dY

    X, y = data
    model = sn.Sequential([sn.Dense(4, activation="relu"), Scale(), sn.Dense(3)], seed=0)
    model.fit(X, y, epochs=1)
    with pytest.raises(ValueError, match=r"layer 1 \(Scale\) cannot be exported to ONNX"):
        sn.export_onnx(model, tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_an_existing_file_whole(data, tmp_path):
    X, y = data
    path = tmp_path / "m.onnx"
    path.write_bytes(b"old")
    model = sn.Sequential([sn.Dense(3)], seed=0)
    model.fit(X, y, epochs=1)
    sn.export_onnx(model, path)
    assert onnx.load(str(path)).graph.node[0].op_type == "Gemm"
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]
    with pytest.raises(ValueError, match="'opset' parameter of export_onnx"):
        sn.export_onnx(model, path, opset=9)
