"""BatchNorm against torch.nn.BatchNorm1d in float64; its state in model files and rollbacks."""

import numpy as np
import pytest

import scratchnet as sn


def test_forward_backward_and_running_statistics_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    d = 5
    layer = sn.BatchNorm(momentum=0.2, eps=1e-4)
    layer.build(d, rng, np.float64)
    layer.params["gamma"][...] = rng.normal(size=d)
    layer.params["beta"][...] = rng.normal(size=d)
    ref = torch.nn.BatchNorm1d(d, momentum=0.2, eps=1e-4, dtype=torch.float64)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.params["gamma"]))
        ref.bias.copy_(torch.tensor(layer.params["beta"]))
    for step in range(4):
        X = rng.normal(loc=3.0, scale=2.0, size=(7 + step, d))
        dY = rng.normal(size=X.shape)
        Y = layer.forward(X, training=True).copy()
        dX = layer.backward(dY).copy()
        t = torch.tensor(X, requires_grad=True)
        ref.weight.grad = ref.bias.grad = None
        out = ref(t)
        out.backward(torch.tensor(dY))
        np.testing.assert_allclose(Y, out.detach().numpy(), rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(dX, t.grad.numpy(), rtol=1e-6, atol=1e-10)
        np.testing.assert_allclose(layer.grads["gamma"], ref.weight.grad.numpy(), rtol=1e-6)
        np.testing.assert_allclose(layer.grads["beta"], ref.bias.grad.numpy(), rtol=1e-6)
        np.testing.assert_allclose(layer.state["running_mean"], ref.running_mean.numpy(), rtol=1e-6)
        np.testing.assert_allclose(layer.state["running_var"], ref.running_var.numpy(), rtol=1e-6)
    ref.eval()
    X = rng.normal(size=(6, d))
    dY = rng.normal(size=X.shape)
    Y = layer.forward(X, training=False).copy()
    dX = layer.backward(dY).copy()
    t = torch.tensor(X, requires_grad=True)
    out = ref(t)
    out.backward(torch.tensor(dY))
    np.testing.assert_allclose(Y, out.detach().numpy(), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(dX, t.grad.numpy(), rtol=1e-6, atol=1e-10)


def test_inference_uses_the_running_statistics_and_does_not_update_them():
    layer = sn.BatchNorm()
    layer.build(2, np.random.default_rng(0), np.float64)
    layer.state["running_mean"][...] = [1.0, -1.0]
    layer.state["running_var"][...] = [4.0, 0.25]
    Y = layer.forward(np.array([[3.0, 0.0]]), training=False)
    np.testing.assert_allclose(Y, [[2 / np.sqrt(4 + 1e-5), 1 / np.sqrt(0.25 + 1e-5)]])
    np.testing.assert_array_equal(layer.state["running_mean"], [1.0, -1.0])


def test_a_single_sample_training_batch_is_refused():
    layer = sn.BatchNorm()
    layer.build(3, np.random.default_rng(0), np.float32)
    with pytest.raises(ValueError, match="at least 2 samples per batch"):
        layer.forward(np.ones((1, 3), np.float32), training=True)


def _data():
    rng = np.random.default_rng(1)
    X = rng.normal(loc=2.0, size=(60, 3))
    return X, (X[:, 0] * X[:, 1] > 4).astype(int)


def test_state_shapes_save_and_load_round_trip(tmp_path):
    X, y = _data()
    model = sn.Sequential([sn.Dense(8), sn.BatchNorm(), sn.ReLU(), sn.Dense(2)], seed=0)
    model.fit(X, y, epochs=3, batch_size=16)
    bn = model.layers[1]
    assert bn.state_shapes(8) == {k: v.shape for k, v in bn.state.items()} == {
        "running_mean": (8,), "running_var": (8,)}
    assert bn.parameter_shapes(8) == {k: v.shape for k, v in bn.params.items()}
    assert not np.allclose(bn.state["running_mean"], 0)
    model.save(tmp_path / "bn.npz")
    same = sn.load(tmp_path / "bn.npz")
    for name in ("running_mean", "running_var"):
        np.testing.assert_array_equal(same.layers[1].state[name], bn.state[name])
    np.testing.assert_array_equal(same.predict_proba(X), model.predict_proba(X))


def test_running_statistics_are_rolled_back_with_a_diverging_epoch():
    X, y = _data()
    model = sn.Sequential([sn.Dense(8), sn.BatchNorm(), sn.ReLU(), sn.Dense(2)], seed=0,
                          optimizer=sn.SGD(lr=0.1))
    model.fit(X, y, epochs=1, batch_size=16)
    saved = {k: v.copy() for k, v in model.layers[1].state.items()}
    model.optimizer.lr = 1e30
    with pytest.raises(sn.TrainingDivergedError):
        model.fit(X, y, epochs=1, batch_size=16)
    for name, value in saved.items():
        np.testing.assert_array_equal(model.layers[1].state[name], value)
