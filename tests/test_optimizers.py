"""Optimizers and schedules: one-step golden values against the closed forms."""

import math

import numpy as np
import pytest

import scratchnet as sn

P0 = np.array([1.0, -2.0, 0.5])
G = np.array([0.1, -0.3, 2.0])


def _steps(optimizer, grads):
    p = P0.copy()
    for g in grads:
        optimizer.step([p], [np.array(g, dtype=float)])
    return p


def test_sgd_one_step():
    np.testing.assert_allclose(_steps(sn.SGD(lr=0.1), [G]), P0 - 0.1 * G)


def test_sgd_momentum_two_steps():
    v1 = G
    v2 = 0.9 * v1 + G
    expected = P0 - 0.1 * v1 - 0.1 * v2
    np.testing.assert_allclose(_steps(sn.SGD(lr=0.1, momentum=0.9), [G, G]), expected)


def test_sgd_nesterov_two_steps():
    v1 = G
    p1 = P0 - 0.1 * (G + 0.9 * v1)
    v2 = 0.9 * v1 + G
    p2 = p1 - 0.1 * (G + 0.9 * v2)
    np.testing.assert_allclose(_steps(sn.SGD(lr=0.1, momentum=0.9, nesterov=True), [G, G]), p2)


def test_adam_first_step_is_lr_times_sign():
    # After one step the bias-corrected m/sqrt(v) is g/|g| (up to eps).
    p = _steps(sn.Adam(lr=0.01), [G])
    np.testing.assert_allclose(p, P0 - 0.01 * np.sign(G), rtol=1e-6)


def test_adam_two_steps_closed_form():
    g1, g2 = G, -0.5 * G
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.001
    m = (1 - b1) * g1
    v = (1 - b2) * g1 ** 2
    p = P0 - lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps)
    m = b1 * m + (1 - b1) * g2
    v = b2 * v + (1 - b2) * g2 ** 2
    p = p - lr * (m / (1 - b1 ** 2)) / (np.sqrt(v / (1 - b2 ** 2)) + eps)
    np.testing.assert_allclose(_steps(sn.Adam(), [g1, g2]), p, rtol=1e-12)


def test_rmsprop_one_step():
    s = 0.1 * G ** 2
    expected = P0 - 0.01 * G / (np.sqrt(s) + 1e-8)
    np.testing.assert_allclose(_steps(sn.RMSprop(lr=0.01), [G]), expected)


def test_weight_decay_adds_l2_gradient():
    np.testing.assert_allclose(_steps(sn.SGD(lr=0.1, weight_decay=0.5), [G]),
                               P0 - 0.1 * (G + 0.5 * P0))


def test_clipnorm_rescales_the_global_norm():
    grads = [np.array([3.0, 0.0]), np.array([0.0, 4.0])]   # global norm 5
    params = [np.zeros(2), np.zeros(2)]
    sn.SGD(lr=1.0, clipnorm=1.0).step(params, grads)
    np.testing.assert_allclose(np.concatenate(params), [-0.6, 0, 0, -0.8])


@pytest.mark.parametrize("name", sorted(sn.OPTIMIZERS))
def test_every_optimizer_descends_a_quadratic(name):
    opt = sn.OPTIMIZERS[name](lr=0.05)
    p = np.array([3.0, -2.0])
    for _ in range(2000):
        opt.step([p], [2 * p])
    assert np.abs(p).max() < 0.5


@pytest.mark.parametrize("name", sorted(sn.OPTIMIZERS))
def test_optimizers_keep_float32(name):
    opt = sn.OPTIMIZERS[name](weight_decay=0.1, clipnorm=1.0)
    p, g = np.ones(4, np.float32), np.full(4, 0.5, np.float32)
    opt.step([p], [g])
    assert p.dtype == np.float32 and all(s.dtype == np.float32
                                         for s in opt.state_arrays().values())


def test_schedules():
    assert sn.StepDecay(0.1, step_size=10, gamma=0.5)(25) == pytest.approx(0.025)
    assert sn.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)(50) == pytest.approx(0.1 / math.sqrt(2))
    cos = sn.CosineDecay(0.1, decay_steps=100, min_lr=0.01)
    assert cos(0) == pytest.approx(0.1) and cos(50) == pytest.approx(0.055) and cos(500) == pytest.approx(0.01)


def test_optimizer_follows_its_schedule():
    opt = sn.SGD(lr=sn.StepDecay(1.0, step_size=1, gamma=0.5))
    p = np.zeros(1)
    for _ in range(3):
        opt.step([p], [np.ones(1)])
    assert p[0] == pytest.approx(-(1 + 0.5 + 0.25))


@pytest.mark.parametrize("factory, message", [
    (lambda: sn.Adam(lr=-1), r"'lr' parameter of Adam must be a float in the range \(0.0, inf\)\. Got -1"),
    (lambda: sn.SGD(momentum=1.0), r"'momentum' parameter of SGD must be a float in the range \[0.0, 1.0\)"),
    (lambda: sn.SGD(nesterov=True), r"requires momentum > 0"),
    (lambda: sn.RMSprop(rho=2), r"'rho' parameter of RMSprop"),
    (lambda: sn.Adam(clipnorm=0), r"'clipnorm' parameter of Adam"),
    (lambda: sn.StepDecay(0.1, step_size=0), r"'step_size' parameter of StepDecay"),
])
def test_constructors_reject_bad_values(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


# -- AdamW and Adagrad: closed forms, torch.optim, the blocked path --------------

def _adam_closed_form(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, decoupled=0.0):
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        p = p * (1 - lr * decoupled)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return p


def test_adamw_two_steps_closed_form_decay_is_decoupled():
    grads = [G, -0.5 * G]
    expected = _adam_closed_form(P0, grads, lr=0.01, decoupled=0.1)
    np.testing.assert_allclose(_steps(sn.AdamW(lr=0.01, weight_decay=0.1), grads), expected,
                               rtol=1e-12)
    # The coupled form (Adam's weight_decay) gives another result.
    coupled = _steps(sn.Adam(lr=0.01, weight_decay=0.1), grads)
    assert np.abs(coupled - expected).max() > 1e-4


def test_adagrad_two_steps_closed_form():
    g1, g2 = G, -0.5 * G
    s = 0.1 + g1 ** 2
    p = P0 - 0.05 * g1 / (np.sqrt(s) + 1e-10)
    s = s + g2 ** 2
    p = p - 0.05 * g2 / (np.sqrt(s) + 1e-10)
    got = _steps(sn.Adagrad(lr=0.05, initial_accumulator_value=0.1), [g1, g2])
    np.testing.assert_allclose(got, p, rtol=1e-12)


def _torch_steps(torch_cls, kwargs, grads):
    torch = pytest.importorskip("torch")
    p = torch.tensor(P0.copy(), requires_grad=True)
    opt = torch_cls(torch, [p], **kwargs)
    for g in grads:
        p.grad = torch.tensor(np.array(g, dtype=float))
        opt.step()
    return p.detach().numpy()


@pytest.mark.parametrize("ours, theirs, kwargs", [
    (lambda: sn.AdamW(lr=0.01, weight_decay=0.1), lambda t, ps, **k: t.optim.AdamW(ps, **k),
     {"lr": 0.01, "weight_decay": 0.1}),
    (lambda: sn.AdamW(lr=0.003, beta1=0.8, beta2=0.99, eps=1e-6),
     lambda t, ps, **k: t.optim.AdamW(ps, **k),
     {"lr": 0.003, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01}),
    (lambda: sn.Adagrad(lr=0.05), lambda t, ps, **k: t.optim.Adagrad(ps, **k), {"lr": 0.05}),
    (lambda: sn.Adagrad(lr=0.05, initial_accumulator_value=0.2, weight_decay=0.3, eps=1e-6),
     lambda t, ps, **k: t.optim.Adagrad(ps, **k),
     {"lr": 0.05, "initial_accumulator_value": 0.2, "weight_decay": 0.3, "eps": 1e-6}),
])
def test_matches_torch_optim_over_several_steps(ours, theirs, kwargs):
    grads = [G, -0.5 * G, 3 * G, 0 * G, G ** 2]
    expected = _torch_steps(theirs, kwargs, grads)
    np.testing.assert_allclose(_steps(ours(), grads), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("factory", [lambda: sn.AdamW(lr=0.01), lambda: sn.Adagrad(lr=0.1)])
def test_blocked_update_equals_the_whole_array_update(monkeypatch, factory):
    rng = np.random.default_rng(0)
    p0, grads = rng.normal(size=1000), [rng.normal(size=1000) for _ in range(3)]
    whole, blocked = p0.copy(), p0.copy()
    opt = factory()
    for g in grads:
        opt.step([whole], [g.copy()])
    monkeypatch.setattr(sn.optimizers, "BLOCK_SIZE", 64)
    opt = factory()
    for g in grads:
        opt.step([blocked], [g.copy()])
    np.testing.assert_array_equal(blocked, whole)


def test_new_optimizers_by_name_any_case():
    assert type(sn.Sequential([sn.Dense(2)], optimizer="AdamW").optimizer) is sn.AdamW
    assert type(sn.Sequential([sn.Dense(2)], optimizer="ADAGRAD").optimizer) is sn.Adagrad
    with pytest.raises(ValueError, match=r"'beta1' parameter of AdamW"):
        sn.AdamW(beta1=1.0)
