"""export_numpy: the written file predicts bit for bit as the model, without scratchnet."""

import subprocess
import sys

import numpy as np
import pytest

import scratchnet as sn

# Runs the exported module in a fresh interpreter (-I: no PYTHONPATH, no user site) where
# any import of scratchnet fails, and saves its outputs.
DRIVER = """
import importlib.abc, importlib.util, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "scratchnet":
            raise ImportError("scratchnet is blocked in this test")
sys.meta_path.insert(0, Block())
import numpy as np
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
X = np.load(sys.argv[2])
out = {"predict": module.predict(X)}
if hasattr(module, "predict_proba"):
    out["predict_proba"] = module.predict_proba(X)
np.savez(sys.argv[3], **out)
assert not any(m.split(".")[0] == "scratchnet" for m in sys.modules)
"""


def _run_exported(tmp_path, model, X):
    path = model.export_numpy(tmp_path / "predict_model.py")
    np.save(tmp_path / "X.npy", X)
    (tmp_path / "driver.py").write_text(DRIVER)
    subprocess.run([sys.executable, "-I", str(tmp_path / "driver.py"), str(path),
                    str(tmp_path / "X.npy"), str(tmp_path / "out.npz")],
                   cwd=tmp_path, check=True, capture_output=True, timeout=120)
    with np.load(tmp_path / "out.npz", allow_pickle=False) as out:
        return {k: out[k] for k in out.files}


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2])


CASES = {
    "multiclass_everything": (lambda: sn.Sequential(
        [sn.Dense(12, activation="relu"), sn.BatchNorm(), sn.Dense(10, activation="gelu"),
         sn.Dropout(0.2), sn.Dense(8, activation=sn.GELU(approximate="tanh")), sn.SiLU(),
         sn.Dense(8, activation="elu"), sn.Softplus(beta=2.0, threshold=3.0),
         sn.Dense(6), sn.LeakyReLU(0.05), sn.Dense(6, activation="tanh"),
         sn.Dense(6, activation="sigmoid"), sn.Softmax(), sn.Identity(), sn.Dense(3)], seed=0),
        lambda t: np.digitize(t, [-0.5, 0.5]).astype(str)),
    "binary_float64": (lambda: sn.Sequential([sn.Dense(16, activation="tanh"), sn.Dense(1)],
                                             loss="binary_cross_entropy", dtype="float64", seed=1),
                       lambda t: np.where(t > 0, 7, -3)),
    "regression": (lambda: sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(1)],
                                         loss="mse", seed=2), lambda t: t),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exported_file_equals_the_model_bit_for_bit(tmp_path, monkeypatch, name):
    make, target = CASES[name]
    X, t = _data()
    model = make()
    model.fit(X, target(t), epochs=3, batch_size=32)
    # Several chunks (smaller than usual, same rule) and a single row.
    monkeypatch.setattr(sn.export_numpy, "PREDICT_CHUNK", 70)
    monkeypatch.setattr(sn.inference, "PREDICT_CHUNK", 70)
    X_new = np.vstack([_data(n=203, seed=5)[0], [[0.1, -0.2, 0.3, 5.0]]])
    out = _run_exported(tmp_path, model, X_new)
    np.testing.assert_array_equal(out["predict"], model.predict(X_new))
    assert out["predict"].dtype == model.predict(X_new).dtype
    if model.task.is_classifier:
        np.testing.assert_array_equal(out["predict_proba"], model.predict_proba(X_new))
        assert out["predict_proba"].dtype == model.dtype
    else:
        assert "predict_proba" not in out


def test_unknown_layers_are_refused_by_name(tmp_path):
    class Doubling(sn.Identity):
        def forward(self, X, training=False):
            return 2 * X

    X, t = _data()
    for bad in (Doubling(), sn.Dense(3, activation=Doubling())):
        model = sn.Sequential([sn.Dense(4), bad, sn.Dense(2)], seed=0)
        model.fit(X, t > 0, epochs=1)
        with pytest.raises(ValueError, match=r"cannot export layer 1 \(.*Doubling.*Exportable "
                                             r"layers \(exact classes\): Dense"):
            model.export_numpy(tmp_path / "x.py")
    assert not (tmp_path / "x.py").exists()
    with pytest.raises(RuntimeError, match="not built"):
        sn.Sequential([sn.Dense(2)]).export_numpy(tmp_path / "x.py")


def test_the_file_runs_as_a_script(tmp_path):
    X, t = _data()
    model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)], seed=0)
    model.fit(X, np.where(t > 0, "up", "down"), epochs=2)
    path = model.export_numpy(tmp_path / "m.py")
    np.savetxt(tmp_path / "rows.csv", X[:5], delimiter=",")
    result = subprocess.run([sys.executable, "-I", str(path), str(tmp_path / "rows.csv")],
                            cwd=tmp_path, check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == model.predict(np.loadtxt(tmp_path / "rows.csv",
                                                             delimiter=",")).tolist()
