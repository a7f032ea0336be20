"""Losses: gradients, exact values on extreme logits, reductions."""

import warnings

import numpy as np
import pytest

import scratchnet as sn

RNG = np.random.default_rng(7)


def _targets(name, n=6):
    if name == "cross_entropy":
        return RNG.integers(0, 3, n), RNG.normal(size=(n, 3))
    if name == "binary_cross_entropy":
        return RNG.integers(0, 2, (n, 1)).astype(float), RNG.normal(size=(n, 1))
    return RNG.normal(size=(n, 2)), RNG.normal(size=(n, 2))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(sn.LOSSES))
def test_loss_gradients(name, reduction):
    y, Z = _targets(name)
    loss = sn.LOSSES[name](reduction=reduction)
    assert sn.check_gradients(loss, Z, y) < 1e-6


def test_cross_entropy_accepts_one_hot_rows():
    y, Z = _targets("cross_entropy")
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


def test_unknown_reduction_is_rejected():
    with pytest.raises(ValueError, match=r"'reduction' parameter of MSE must be one of 'mean', 'sum'"):
        sn.MSE(reduction="none")
