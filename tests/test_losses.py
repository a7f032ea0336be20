"""Losses: gradients, exact values on extreme logits, reductions."""

import warnings

import numpy as np
import pytest

import scratchnet as sn

RNG = np.random.default_rng(7)


def _targets(cls, n=6):
    """Targets as the loss's task head encodes them, and raw outputs."""
    if cls.task is sn.MulticlassTask:
        return RNG.integers(0, 3, n), RNG.normal(size=(n, 3))
    if cls.task is sn.BinaryTask:
        return RNG.integers(0, 2, (n, 1)).astype(float), RNG.normal(size=(n, 1))
    # Regression: residuals spread over (-3, 3), beyond Huber's delta=1 on
    # both sides, and kept away from the kinks (0 for MAE, +-1 for Huber).
    Z = RNG.normal(size=(n, 2))
    resid = RNG.uniform(0.1, 3.0, size=(n, 2)) * RNG.choice([-1, 1], size=(n, 2))
    resid[np.abs(np.abs(resid) - 1.0) < 0.05] += 0.1
    return Z - resid, Z


# Every built-in loss, through its registry: a new entry is checked by these tests.
BUILTIN_LOSSES = [cls for cls in sn.LOSSES.builtins() if cls is not sn.Loss]


def test_every_builtin_loss_is_covered():
    names = {cls.__name__ for cls in BUILTIN_LOSSES}
    assert {"MSE", "MAE", "Huber", "BinaryCrossEntropy", "CrossEntropy"} <= names


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("cls", BUILTIN_LOSSES, ids=lambda c: c.__name__)
def test_loss_gradients(cls, reduction, weighted):
    y, Z = _targets(cls)
    loss = cls(reduction=reduction)
    if not weighted:
        assert sn.check_gradients(loss, Z, y) < 1e-6
        return
    # check_gradients takes no weights: central differences here.
    w = RNG.uniform(0.2, 2.0, len(Z))
    loss.forward(Z, y, w)
    analytic = loss.backward().copy()
    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = 1e-6
        numeric[index] = (loss.forward(Z + step, y, w) - loss.forward(Z - step, y, w)) / 2e-6
    assert np.abs(analytic - numeric).max() < 1e-7 * max(1.0, np.abs(numeric).max())


@pytest.mark.parametrize("cls", BUILTIN_LOSSES, ids=lambda c: c.__name__)
def test_weights_of_one_change_nothing_and_weights_scale_each_sample(cls):
    y, Z = _targets(cls)
    plain = cls().forward(Z, y)
    assert cls().forward(Z, y, np.ones(len(Z))) == pytest.approx(plain, rel=1e-12)
    # Weight 2 on row 0 equals row 0 duplicated, up to the mean's element count.
    w = np.ones(len(Z))
    w[0] = 2.0
    rows = np.r_[0, np.arange(len(Z))]
    duplicated = cls().forward(Z[rows], y[rows]) * (len(Z) + 1) / len(Z)
    assert cls().forward(Z, y, w) == pytest.approx(duplicated, rel=1e-12)


def test_cross_entropy_accepts_one_hot_rows():
    y, Z = _targets(sn.CrossEntropy)
    one_hot = np.eye(3)[y]
    a, b = sn.CrossEntropy(), sn.CrossEntropy()
    assert a.forward(Z, y) == pytest.approx(b.forward(Z, one_hot), rel=1e-12)
    np.testing.assert_allclose(a.backward(), b.backward(), atol=1e-15)
    assert sn.check_gradients(sn.CrossEntropy(), Z, one_hot) < 1e-6


def test_cross_entropy_is_exact_and_silent_on_huge_logits():
    Z = np.array([[1000.0, 0.0], [1000.0, 0.0], [0.0, -1000.0]])
    y = np.array([1, 0, 1])   # wrong, right, wrong
    loss = sn.CrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = loss.forward(Z, y)
            grad = loss.backward()
    assert value == (1000.0 + 0.0 + 1000.0) / 3
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad, np.array([[1, -1], [0, 0], [1, -1]]) / 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_is_exact_and_silent_on_huge_logits(dtype):
    Z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]], dtype=dtype)
    y = np.array([[0.0], [1.0], [1.0], [0.0]], dtype=dtype)   # wrong, wrong, right, right
    loss = sn.BinaryCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = loss.forward(Z, y)
            grad = loss.backward()
    assert value == 2000.0 / 4
    np.testing.assert_array_equal(grad, np.array([[1], [-1], [0], [0]], dtype=dtype) / 4)


def test_mse_is_mean_over_all_elements():
    out, target = np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))
    assert sn.MSE().forward(out, target) == pytest.approx(30 / 4)
    assert sn.MSE(reduction="sum").forward(out, target) == pytest.approx(30)


def test_mae_and_huber_values_by_hand():
    out = np.array([[0.5, -3.0], [2.0, 1.0]])
    target = np.zeros((2, 2))
    assert sn.MAE().forward(out, target) == pytest.approx((0.5 + 3 + 2 + 1) / 4)
    # delta=1: 0.5^2/2, 1*(3-0.5), 1*(2-0.5), 1^2/2 (the boundary is quadratic).
    assert sn.Huber().forward(out, target) == pytest.approx((0.125 + 2.5 + 1.5 + 0.5) / 4)
    # delta=2: 0.125, 2*(3-1), 2^2/2, 0.5.
    assert sn.Huber(delta=2.0, reduction="sum").forward(out, target) == pytest.approx(6.625)
    huber = sn.Huber(delta=1.0)
    huber.forward(out, target)
    np.testing.assert_allclose(huber.backward(), np.array([[0.5, -1.0], [1.0, 1.0]]) / 4)


def test_mae_and_huber_equal_torch():
    torch = pytest.importorskip("torch")
    out, target = RNG.normal(size=(7, 3)) * 2, RNG.normal(size=(7, 3))
    t_out = torch.tensor(out, requires_grad=True)
    for ours, theirs in [(sn.MAE(), torch.nn.L1Loss()),
                         (sn.Huber(delta=0.7), torch.nn.HuberLoss(delta=0.7))]:
        t_out.grad = None
        value = theirs(t_out, torch.tensor(target))
        value.backward()
        assert ours.forward(out, target) == pytest.approx(value.item(), rel=1e-12)
        np.testing.assert_allclose(ours.backward(), t_out.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name, cls", [("mae", sn.MAE), ("Mean_Absolute_Error", sn.MAE),
                                       ("huber", sn.Huber), ("MSE", sn.MSE),
                                       ("mean_squared_error", sn.MSE)])
def test_regression_loss_names(name, cls):
    model = sn.Sequential([sn.Dense(1)], loss=name)
    assert type(model.loss) is cls and model.task.__class__ is sn.RegressionTask


def test_huber_delta_is_checked_and_saved():
    with pytest.raises(ValueError, match=r"'delta' parameter of Huber must be a float in the "
                                         r"range \(0.0, inf\). Got 0.0 instead"):
        sn.Huber(delta=0)
    from scratchnet.registry import deserialize, serialize

    again = deserialize(serialize(sn.Huber(delta=0.3, reduction="sum")))
    assert (again.delta, again.reduction) == (0.3, "sum")


def test_unknown_reduction_is_rejected():
    with pytest.raises(ValueError, match=r"'reduction' parameter of MSE must be one of 'mean', 'sum'"):
        sn.MSE(reduction="none")
