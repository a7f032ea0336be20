"""The smooth activations against torch.nn.functional, forward and backward, in float64."""

import math

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.special import erf

# Inputs from -30 to 30: the tails, the kinks, Softplus's threshold (beta * x = 20).
X = np.concatenate([np.linspace(-30, 30, 241), np.random.default_rng(0).normal(size=159) * 3])
X = X.reshape(40, 10)

CASES = [
    (lambda: sn.GELU(), lambda F, t: F.gelu(t)),
    (lambda: sn.GELU(approximate="tanh"), lambda F, t: F.gelu(t, approximate="tanh")),
    (lambda: sn.SiLU(), lambda F, t: F.silu(t)),
    (lambda: sn.ELU(), lambda F, t: F.elu(t)),
    (lambda: sn.ELU(alpha=0.3), lambda F, t: F.elu(t, alpha=0.3)),
    (lambda: sn.Softplus(), lambda F, t: F.softplus(t)),
    (lambda: sn.Softplus(beta=2.5, threshold=5.0),
     lambda F, t: F.softplus(t, beta=2.5, threshold=5.0)),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_forward_and_backward_match_torch(case):
    torch = pytest.importorskip("torch")
    make, reference = CASES[case]
    layer = make()
    dY = np.random.default_rng(case).normal(size=X.shape)
    Y = layer.forward(X.copy(), training=True).copy()
    dX = layer.backward(dY).copy()
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    out = reference(torch.nn.functional, t)
    out.backward(torch.tensor(dY))
    np.testing.assert_allclose(Y, out.detach().numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(dX, t.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_swish_is_silu_under_every_name():
    assert sn.Swish is sn.SiLU
    for name in ("swish", "Swish", "SILU"):
        assert type(sn.Dense(2, activation=name).activation) is sn.SiLU


def test_erf_matches_math_erf_to_float64_accuracy():
    x = np.concatenate([np.linspace(-7, 7, 20000), np.geomspace(1e-300, 27, 2000)])
    x = np.concatenate([x, -x])
    reference = np.array([math.erf(v) for v in x])
    relative = np.abs(erf(x) - reference) / np.abs(reference)
    assert relative.max() < 1e-15
    assert erf(np.array([np.nan]))[0] != erf(np.array([np.nan]))[0]
    np.testing.assert_array_equal(erf(np.array([-np.inf, np.inf, -40.0])), [-1.0, 1.0, -1.0])
    assert erf(np.float32([0.3])).dtype == np.float32
