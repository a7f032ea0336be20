"""Sequential.fit's sample_weight and class_weight (Keras's semantics: weighted sum / n)."""

import numpy as np
import pytest

import scratchnet as sn


@pytest.fixture(scope="module")
def imbalanced():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, (570, 2)), rng.normal(1.5, 1.0, (30, 2))])
    return X, np.array([0] * 570 + [1] * 30)


def _fit(X, y, **weights):
    model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)], seed=0,
                          optimizer=sn.Adam(lr=0.01))
    model.fit(X, y, epochs=60, batch_size=200, **weights)
    return model


def _rare_recall(model, X, y):
    return float((model.predict(X)[y == 1] == 1).mean())


def test_balanced_class_weight_raises_the_rare_class_recall(imbalanced):
    X, y = imbalanced
    assert _rare_recall(_fit(X, y), X, y) < 0.5 < 0.8 < _rare_recall(
        _fit(X, y, class_weight="balanced"), X, y)


def test_class_weight_is_a_per_sample_weight(imbalanced):
    X, y = imbalanced
    by_class = _fit(X, y, class_weight={0: 1.0, 1: 19.0})
    by_sample = _fit(X, y, sample_weight=np.where(y == 1, 19.0, 1.0))
    np.testing.assert_array_equal(by_class.predict_proba(X), by_sample.predict_proba(X))
    both = _fit(X, y, sample_weight=np.where(y == 1, 19.0, 1.0), class_weight={1: 0.5})
    half = _fit(X, y, sample_weight=np.where(y == 1, 9.5, 1.0))
    np.testing.assert_array_equal(both.predict_proba(X), half.predict_proba(X))


def test_weights_are_checked_before_training(imbalanced):
    X, y = imbalanced
    model = sn.Sequential([sn.Dense(2)], seed=0)
    with pytest.raises(sn.DataValidationError, match=r"shape \(600,\)"):
        model.fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(sn.DataValidationError, match="index 4 is -1"):
        model.fit(X, y, sample_weight=np.where(np.arange(600) == 4, -1.0, 1.0))
    with pytest.raises(sn.DataValidationError, match="all zero"):
        model.fit(X, y, sample_weight=np.zeros(600))
    with pytest.raises(sn.DataValidationError, match=r"unknown classes \[7\]"):
        model.fit(X, y, class_weight={7: 2.0})
    regression = sn.Sequential([sn.Dense(1)], loss="mse", seed=0)
    with pytest.raises(sn.DataValidationError, match="classifiers only"):
        regression.fit(X, X[:, 0], class_weight="balanced")
    assert model.history.epochs == 0 and regression.history.epochs == 0
