"""Weight exchange with scikit-learn and PyTorch: round trips give the same predictions."""

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import interop

DOC = Path(__file__).resolve().parent.parent / "docs" / "interop.md"
# float64 models on both sides: the two libraries' sums differ only by
# rounding (about 1e-16), so 1e-6 is a wide margin that still catches a
# transposed, shifted or dropped weight.
TOL = 1e-6


@pytest.fixture(scope="module")
def heart():
    X, y = sn.datasets.load_heart()
    return sn.preprocessing.StandardScaler().fit_transform(X), y


def three_classes(X):
    return np.array(["low", "mid", "high"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]


def fit_quietly(est, X, y):
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def test_importing_interop_pulls_neither_library():
    code = ("import sys, scratchnet.interop, scratchnet.onnx_export; "
            "print(sorted({'torch', 'sklearn', 'onnx'} & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- scikit-learn -----------------------------------------------------------------------
@pytest.mark.parametrize("hidden, activation", [((8,), "relu"), ((5, 4), "tanh"),
                                                ((6,), "logistic"), ((3,), "identity"),
                                                ((), "relu")])
def test_binary_classifier_round_trip(heart, hidden, activation):
    pytest.importorskip("sklearn")
    from sklearn.neural_network import MLPClassifier

    X, y = heart
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=hidden, activation=activation,
                                    max_iter=30, random_state=0), X, y)
    model = interop.from_sklearn(clf)
    assert model.dtype == np.float64 and type(model.loss) is sn.BinaryCrossEntropy
    assert model.classes_.tolist() == [1, 2]
    np.testing.assert_allclose(model.predict_proba(X), clf.predict_proba(X), atol=TOL, rtol=0)
    assert (model.predict(X) == clf.predict(X)).all()

    # The softmax form: logits (0, z) with CrossEntropy give the same probabilities ...
    soft = interop.from_sklearn(clf, two_class_output="softmax")
    assert type(soft.loss) is sn.CrossEntropy and soft.output_dim == 2
    np.testing.assert_allclose(soft.predict_proba(X), clf.predict_proba(X), atol=TOL, rtol=0)
    # ... and back to scikit-learn's single logistic unit, w1 - w0.
    for source in (model, soft):
        back = interop.to_sklearn(source)
        assert back.n_outputs_ == 1 and back.out_activation_ == "logistic"
        np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=TOL, rtol=0)
        assert (back.predict(X) == clf.predict(X)).all()


def test_two_class_softmax_model_becomes_one_logistic_unit(heart):
    pytest.importorskip("sklearn")
    X, y = heart
    model = sn.Sequential([sn.Dense(5, activation="relu"), sn.Dense(2)], dtype="float64", seed=0)
    model.fit(X, y, epochs=5)
    W = model.layers[-1].params["W"]
    assert np.abs(W[:, 0]).min() > 0  # both logits carry weight: w1 - w0 is tested in full
    back = interop.to_sklearn(model)
    np.testing.assert_allclose(back.predict_proba(X), model.predict_proba(X), atol=TOL, rtol=0)
    np.testing.assert_array_equal(back.coefs_[-1][:, 0], W[:, 1] - W[:, 0])


def test_multiclass_round_trip_keeps_string_labels(heart):
    pytest.importorskip("sklearn")
    from sklearn.neural_network import MLPClassifier

    X, _ = heart
    y = three_classes(X)
    clf = fit_quietly(MLPClassifier(hidden_layer_sizes=(10, 7), max_iter=40, random_state=1),
                      X, y)
    model = interop.from_sklearn(clf)
    assert model.classes_.tolist() == ["high", "low", "mid"]
    np.testing.assert_allclose(model.predict_proba(X), clf.predict_proba(X), atol=TOL, rtol=0)
    back = interop.to_sklearn(model)
    assert back.classes_.tolist() == ["high", "low", "mid"]
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=TOL, rtol=0)
    assert (back.predict(X) == model.predict(X)).all()
    # The exported estimator carries no record of its placeholder step ...
    assert back.n_iter_ == 0 and back.loss_curve_ == []
    # ... and trains on from the given weights (warm start, a fresh optimizer).
    before = back.coefs_[0].copy()
    fit_quietly(back.set_params(warm_start=True, max_iter=2), X, y)
    assert back.n_iter_ == 2 and not np.array_equal(back.coefs_[0], before)


@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_round_trip(heart, n_targets):
    pytest.importorskip("sklearn")
    from sklearn.neural_network import MLPRegressor

    X, _ = heart
    target = X[:, 0] * 2 - X[:, 1] if n_targets == 1 else X[:, :2] ** 2
    reg = fit_quietly(MLPRegressor(hidden_layer_sizes=(7,), max_iter=30, random_state=0),
                      X, target)
    model = interop.from_sklearn(reg)
    assert type(model.loss) is sn.MSE
    assert model.predict(X).shape == reg.predict(X).shape
    np.testing.assert_allclose(model.predict(X), reg.predict(X), atol=TOL, rtol=0)
    back = interop.to_sklearn(model)
    np.testing.assert_allclose(back.predict(X), reg.predict(X), atol=TOL, rtol=0)


def test_scratchnet_model_to_sklearn_float32(heart):
    pytest.importorskip("sklearn")
    X, y = heart
    model = sn.Sequential([sn.Dense(6), sn.Tanh(), sn.Dropout(0.3), sn.Dense(4, activation="tanh"),
                           sn.Dense(3)], seed=0)
    model.fit(X, three_classes(X), epochs=3)
    back = interop.to_sklearn(model)
    assert back.coefs_[0].dtype == np.float32 and back.activation == "tanh"
    # float32 on both sides: rounding of a 13-term dot product, well under 1e-5.
    np.testing.assert_allclose(back.predict_proba(X.astype(np.float32)), model.predict_proba(X),
                               atol=1e-5, rtol=0)


@pytest.mark.parametrize("layers, message", [
    ([sn.Dense(4, activation="relu"), sn.Dense(3, activation="tanh"), sn.Dense(2)],
     "different activations"),
    ([sn.Dense(4, activation="leaky_relu"), sn.Dense(2)], "no scikit-learn equivalent"),
    ([sn.Dense(4), sn.ReLU(), sn.Tanh(), sn.Dense(2)], "does not follow a Dense"),
    ([sn.Dense(4), sn.ReLU(), sn.Dense(2, activation="tanh")], "output layer applies tanh"),
])
def test_to_sklearn_refuses_what_an_mlp_cannot_hold(heart, layers, message):
    pytest.importorskip("sklearn")
    X, y = heart
    model = sn.Sequential(layers, seed=0)
    model.fit(X, y, epochs=1)
    with pytest.raises(ValueError, match=message):
        interop.to_sklearn(model)


def test_from_sklearn_refuses_unfitted_and_multilabel(heart):
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    X, _ = heart
    with pytest.raises(ValueError, match="not fitted"):
        interop.from_sklearn(MLPClassifier())
    with pytest.raises(TypeError, match="LogisticRegression"):
        interop.from_sklearn(LogisticRegression())
    multilabel = fit_quietly(MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0),
                             X, np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int))
    with pytest.raises(ValueError, match="multi-label"):
        interop.from_sklearn(multilabel)


# -- PyTorch ------------------------------------------------------------------------------
def every_module_model(dtype="float64"):
    return sn.Sequential([sn.Dense(8, activation="relu"), sn.Dropout(0.1), sn.Dense(7),
                          sn.LeakyReLU(0.2), sn.Dense(6, activation="tanh", use_bias=False),
                          sn.Sigmoid(), sn.Dense(5), sn.Softmax(), sn.Identity(), sn.Dense(3)],
                         dtype=dtype, seed=0)


def test_torch_round_trip_every_module(heart):
    torch = pytest.importorskip("torch")
    X, _ = heart
    model = every_module_model()
    model.fit(X, three_classes(X), epochs=3)
    state = interop.to_torch_state_dict(model)
    assert isinstance(state["0.weight"], np.ndarray)
    assert state["0.weight"].shape == (8, 13) and "4.bias" not in state
    net = interop.to_torch(model)
    assert [type(m).__name__ for m in net] == [
        "Linear", "ReLU", "Dropout", "Linear", "LeakyReLU", "Linear", "Tanh", "Sigmoid",
        "Linear", "Softmax", "Identity", "Linear"]
    with torch.no_grad():
        out = torch.softmax(net(torch.from_numpy(X)), dim=1).numpy()
    np.testing.assert_allclose(out, model.predict_proba(X), atol=TOL, rtol=0)

    again = interop.from_torch_state_dict(net.state_dict(), net, classes=model.classes_)
    assert [type(l).__name__ for l in again.layers] == [
        "Dense", "ReLU", "Dropout", "Dense", "LeakyReLU", "Dense", "Tanh", "Sigmoid", "Dense",
        "Softmax", "Identity", "Dense"]
    assert again.layers[4].negative_slope == 0.2 and again.layers[2].rate == 0.1
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X), atol=TOL, rtol=0)
    assert (again.predict(X) == model.predict(X)).all()


def test_torch_export_of_smooth_activations_and_batchnorm(heart):
    torch = pytest.importorskip("torch")
    X, _ = heart
    model = sn.Sequential([sn.Dense(8), sn.BatchNorm(momentum=0.3), sn.GELU(approximate="tanh"),
                           sn.Dense(7), sn.SiLU(), sn.Dense(6), sn.ELU(alpha=0.5),
                           sn.Dense(5), sn.Softplus(beta=2.0, threshold=1.0), sn.Dense(3),
                           sn.GELU(), sn.Dense(3)], dtype="float64", seed=0)
    model.fit(X, three_classes(X), epochs=3)
    net = interop.to_torch(model)
    assert net[1].momentum == 0.3 and net[2].approximate == "tanh" and net[6].alpha == 0.5
    assert (net[8].beta, net[8].threshold) == (2.0, 1.0)
    assert not np.allclose(net[1].running_mean.numpy(), 0)  # the statistics came over
    with torch.no_grad():
        out = torch.softmax(net(torch.from_numpy(X)), dim=1).numpy()
    np.testing.assert_allclose(out, model.predict_proba(X), atol=TOL, rtol=0)
    # The activations come back (BatchNorm1d is export only, and says so).
    with pytest.raises(ValueError, match="BatchNorm1d, which has no scratchnet equivalent"):
        interop.from_torch_state_dict(net.state_dict(), net)
    smooth = torch.nn.Sequential(*[m for m in net if type(m).__name__ != "BatchNorm1d"])
    again = interop.from_torch_state_dict(smooth.state_dict(), smooth)
    assert [type(l).__name__ for l in again.layers if not isinstance(l, sn.Dense)] == [
        "GELU", "SiLU", "ELU", "Softplus", "GELU"]
    assert again.layers[1].approximate == "tanh" and again.layers[5].alpha == 0.5
    with torch.no_grad():
        expected = torch.softmax(smooth(torch.from_numpy(X)), dim=1).numpy()
    np.testing.assert_allclose(again.predict_proba(X), expected, atol=TOL, rtol=0)


def test_torch_network_trained_in_torch_comes_over(heart):
    torch = pytest.importorskip("torch")
    X, y = heart
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(13, 9), torch.nn.Tanh(), torch.nn.Linear(9, 1),
                              torch.nn.Sigmoid()).double()
    Xt, yt = torch.from_numpy(X), torch.from_numpy((y == 2).astype(np.float64))[:, None]
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(20):
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy(net(Xt), yt).backward()
        opt.step()
    model = interop.from_torch_state_dict(net.state_dict(), net, loss="binary_cross_entropy",
                                          classes=[1, 2])
    # The final Sigmoid is the loss's link: left out, and predict_proba equals the output.
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Tanh", "Dense"]
    with torch.no_grad():
        p = net(Xt).numpy()[:, 0]
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], p, atol=TOL, rtol=0)
    assert model.predict(X).tolist() == np.where(p > 0.5, 2, 1).tolist()

    tensors = interop.to_torch_state_dict(model, as_tensors=True)
    assert set(tensors) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    for key, value in net.state_dict().items():
        assert torch.equal(tensors[key], value)


def test_torch_regression_from_names_and_prefix(heart):
    X, _ = heart
    model = sn.Sequential([sn.Dense(5, activation="relu"), sn.Dense(2)], loss="mse",
                          dtype="float64", seed=3).build(13)
    state = {"net." + k: v for k, v in interop.to_torch_state_dict(model).items()}
    again = interop.from_torch_state_dict(state, ["Linear", "relu", "linear"], loss="mse",
                                          prefix="net.")
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_from_torch_state_dict_errors():
    state = {"0.weight": np.ones((4, 3)), "0.bias": np.zeros(4), "2.weight": np.ones((2, 5))}
    with pytest.raises(ValueError, match=r"layers\[1\] is Conv2d"):
        interop.from_torch_state_dict(state, ["Linear", "Conv2d", "Linear"])
    with pytest.raises(ValueError, match=r"2.weight has shape \(2, 5\); expected \(out, 4\)"):
        interop.from_torch_state_dict(state, ["Linear", "ReLU", "Linear"])
    with pytest.raises(ValueError, match="no '1.weight'"):
        interop.from_torch_state_dict(state, ["ReLU", "Linear"])
    good = {"0.weight": np.ones((3, 2)), "0.bias": np.zeros(3)}
    with pytest.raises(ValueError, match="sorted order"):
        interop.from_torch_state_dict(good, ["Linear"], classes=["b", "a", "c"])
    with pytest.raises(ValueError, match="'loss' parameter of from_torch_state_dict"):
        interop.from_torch_state_dict(good, ["Linear"], loss="hinge")


def test_unknown_layer_is_refused_by_name():
    class Doubler(sn.Layer):
        def forward(self, X, training=False):
            return 2 * X

    model = sn.Sequential([sn.Dense(3), Doubler(), sn.Dense(2)]).build(4)
    with pytest.raises(ValueError, match=r"layer 1 \(Doubler\) cannot be exported to PyTorch"):
        interop.to_torch_state_dict(model)
    with pytest.raises(RuntimeError, match="not built"):
        interop.to_torch_state_dict(sn.Sequential([sn.Dense(2)]))


def test_docs_page_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    blocks = re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", DOC.read_text(encoding="utf-8"),
                        re.DOTALL | re.MULTILINE)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
