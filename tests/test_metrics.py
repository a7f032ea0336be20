"""Metrics: each against scikit-learn, in fit's history (training and validation) and evaluate;
Keras's names; sample and class weights."""

import numpy as np
import pytest
from sklearn import metrics as skm

import scratchnet as sn
from scratchnet.metrics import average_ranks, get_metric, greater_is_better

RNG = np.random.default_rng(3)


def _binary(n=200, ties=False):
    """A fitted binary head, logits Z of shape (n, 1), encoded Y and the string labels."""
    labels = np.where(RNG.random(n) < 0.4, "yes", "no")
    task = sn.BinaryTask().fit(labels)
    Z = RNG.normal(size=(n, 1)) + (labels == "yes")[:, None]
    if ties:  # a few distinct scores only: many ties across the classes
        Z = np.round(Z * 2) / 2
    return task, Z, task.encode(labels, np.float64), labels


def _multiclass(n=300, n_classes=4, skip_class=None):
    labels = RNG.integers(0, n_classes, n)
    task = sn.MulticlassTask().fit(np.arange(n_classes))
    Z = RNG.normal(size=(n, n_classes))
    Z[np.arange(n), labels] += 1.0
    if skip_class is not None:  # never the truth, never predicted
        labels[labels == skip_class] = (skip_class + 1) % n_classes
        Z[:, skip_class] = -100.0
    return task, Z, task.encode(labels, np.float64), labels


# -- each metric against scikit-learn ---------------------------------------------
@pytest.mark.parametrize("ties", [False, True])
def test_binary_metrics_equal_sklearn(ties):
    task, Z, Y, labels = _binary(ties=ties)
    predicted = task.decide(Z)
    expected = {
        "accuracy": skm.accuracy_score(labels, predicted),
        "precision": skm.precision_score(labels, predicted, pos_label="yes"),
        "recall": skm.recall_score(labels, predicted, pos_label="yes"),
        "f1": skm.f1_score(labels, predicted, pos_label="yes"),
        "f1_macro": skm.f1_score(labels, predicted, average="macro"),
        "precision_macro": skm.precision_score(labels, predicted, average="macro"),
        "recall_macro": skm.recall_score(labels, predicted, average="macro"),
        "auc": skm.roc_auc_score(labels == "yes", Z[:, 0]),
    }
    for name, value in expected.items():
        assert get_metric(name)(Z, Y, task) == pytest.approx(value, abs=1e-12), name


def test_auc_ties_count_one_half():
    task = sn.BinaryTask().fit([0, 1])
    Y = task.encode(np.array([0, 1, 0, 1]), np.float64)
    # Positives score 1 and 2, negatives 1 and 0: pairs (1>1 tie, 1>0, 2>1, 2>0) = 3.5 / 4.
    Z = np.array([[1.0], [1.0], [0.0], [2.0]])
    assert sn.AUC()(Z, Y, task) == 0.875
    np.testing.assert_array_equal(average_ranks(np.array([3.0, 1.0, 3.0, 2.0])), [3.5, 1, 3.5, 2])


def test_auc_ranks_logits_where_probabilities_saturate():
    # In float32, sigmoid(20) and sigmoid(30) both round to 1.0; the logits still rank.
    task = sn.BinaryTask().fit([0, 1])
    Y = task.encode(np.array([0, 1]), np.float32)
    Z = np.array([[20.0], [30.0]], np.float32)
    assert sn.AUC()(Z, Y, task) == 1.0


def test_two_class_softmax_model_scores_like_one_logit():
    task1, Z1, Y1, labels = _binary()
    task2 = sn.MulticlassTask().fit(labels)
    Z2 = np.hstack([np.zeros_like(Z1), Z1])  # the same log-odds
    Y2 = task2.encode(labels, np.float64)
    for name in ("auc", "f1", "precision", "recall", "top_1_accuracy"):
        assert get_metric(name)(Z2, Y2, task2) == pytest.approx(get_metric(name)(Z1, Y1, task1))


@pytest.mark.parametrize("skip_class", [None, 2])
def test_multiclass_metrics_equal_sklearn(skip_class):
    task, Z, Y, labels = _multiclass(skip_class=skip_class)
    predicted = task.decide(Z)
    assert skip_class is None or skip_class not in set(predicted) | set(labels)
    for name, fn in [("precision", skm.precision_score), ("recall", skm.recall_score),
                     ("f1", skm.f1_score)]:
        expected = fn(labels, predicted, average="macro")
        assert get_metric(name)(Z, Y, task) == pytest.approx(expected, abs=1e-12), name
        assert get_metric(f"{name}_macro")(Z, Y, task) == pytest.approx(expected, abs=1e-12)
    assert sn.Accuracy()(Z, Y, task) == pytest.approx(skm.accuracy_score(labels, predicted))
    for k in (1, 2, 3):
        expected = skm.top_k_accuracy_score(labels, Z, k=k, labels=np.arange(4))
        assert sn.TopKAccuracy(k=k)(Z, Y, task) == pytest.approx(expected, abs=1e-12), k
    # Class codes instead of one-hot rows: the same scores.
    assert sn.F1Score()(Z, labels, task) == get_metric("f1")(Z, Y, task)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regression_metrics_equal_sklearn(n_outputs):
    task = sn.RegressionTask().fit(np.zeros((5, n_outputs)) if n_outputs > 1 else np.zeros(5))
    Y = RNG.normal(size=(100, n_outputs)) * [1.0, 5.0, 0.1][:n_outputs]
    Z = Y + RNG.normal(size=Y.shape)
    for name, fn in [("mae", skm.mean_absolute_error), ("mse", skm.mean_squared_error),
                     ("rmse", skm.root_mean_squared_error), ("r2", skm.r2_score)]:
        assert get_metric(name)(Z, Y, task) == pytest.approx(fn(Y, Z), rel=1e-12), name


def test_r2_of_a_constant_column_follows_sklearn():
    task = sn.RegressionTask().fit(np.zeros((3, 2)))
    Y = np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 4.0]])
    for Z in (Y.copy(), Y + [[0.5, 0.0]]):
        assert sn.R2Score()(Z, Y, task) == pytest.approx(skm.r2_score(Y, Z))


# -- names -------------------------------------------------------------------------
@pytest.mark.parametrize("name, cls, config", [
    ("F1", sn.F1Score, {"average": "auto"}), ("f1_score", sn.F1Score, {"average": "auto"}),
    ("F1_Macro", sn.F1Score, {"average": "macro"}), ("top_3_accuracy", sn.TopKAccuracy, {"k": 3}),
    ("top_k_accuracy", sn.TopKAccuracy, {"k": 5}),
    ("Mean_Absolute_Error", sn.MeanAbsoluteError, {}),
    ("ROC_AUC", sn.AUC, {}), ("acc", sn.Accuracy, {}),
])
def test_metric_names(name, cls, config):
    metric = get_metric(name)
    assert type(metric) is cls and metric.get_config() == config


def test_log_names_and_directions():
    assert [get_metric(n).name for n in ("acc", "f1_macro", "top_k_accuracy", "r2_score")] == \
        ["accuracy", "f1_macro", "top_5_accuracy", "r2"]
    maximised = ["val_auc", "accuracy", "val_top_3_accuracy", "val_r2", "f1_macro", "my_acc"]
    minimised = ["loss", "val_loss", "val_mae", "rmse", "val_mse", "my_error"]
    assert all(greater_is_better(m) for m in maximised)
    assert not any(greater_is_better(m) for m in minimised)


def test_metric_checks():
    with pytest.raises(ValueError, match="The 'k' parameter of TopKAccuracy must be an int"):
        sn.TopKAccuracy(k=0)
    with pytest.raises(ValueError, match="'average' parameter of Precision must be one of"):
        sn.Precision(average="micro")
    model = sn.Sequential([sn.Dense(3)], metrics=["auc"])
    with pytest.raises(ValueError, match="the metric 'auc' is defined for two classes; this "
                                         "model has 3"):
        model.fit(RNG.normal(size=(9, 2)), np.arange(9) % 3)
    with pytest.raises(ValueError, match="applies to classifiers only"):
        sn.Sequential([sn.Dense(1)], loss="mse", metrics=["f1"])
    binary = sn.Sequential([sn.Dense(1)], loss="bce", metrics=["auc"])
    X, y = RNG.normal(size=(20, 2)), np.arange(20) % 2
    with pytest.raises(sn.DataValidationError, match="the metric 'auc' needs both classes in the "
                                                     "validation targets; it holds no 1"):
        binary.fit(X, y, validation_data=(X[:4], np.zeros(4, int)))


# -- in fit and evaluate -----------------------------------------------------------
def _moons(n=200):
    X, y = sn.datasets.make_moons(n, noise=0.25, random_state=0)
    return X, np.where(y == 1, "up", "down")


def test_training_metrics_are_those_of_the_epoch_outputs():
    # Full batch, no dropout: the epoch's outputs are the model's at the
    # start of the epoch, which a callback records.
    X, y = _moons()
    names = ["accuracy", "precision", "recall", "f1", "auc"]
    model = sn.Sequential([sn.Dense(8, activation="tanh"), sn.Dense(1)], loss="bce", seed=0,
                          optimizer=sn.SGD(lr=0.5), metrics=names)
    seen = []
    record = sn.LambdaCallback(on_epoch_begin=lambda m, e: seen.append(m.predict_proba(X)[:, 1])
                               if m.built else None)
    model.fit(X, y, epochs=1, batch_size=None)  # builds; later epochs recorded
    history = model.fit(X, y, epochs=3, batch_size=None, callbacks=[record])
    positive = y == "up"
    for epoch, p in enumerate(seen):
        predicted = np.where(p > 0.5, "up", "down")
        expected = [skm.accuracy_score(y, predicted),
                    skm.precision_score(y, predicted, pos_label="up"),
                    skm.recall_score(y, predicted, pos_label="up"),
                    skm.f1_score(y, predicted, pos_label="up"), skm.roc_auc_score(positive, p)]
        got = [history[name][epoch] for name in names]
        np.testing.assert_allclose(got, expected, atol=1e-6)


@pytest.mark.parametrize("batch_size", [16, 64])  # gather per epoch, and per batch
def test_training_metrics_match_shuffled_rows_to_their_targets(batch_size):
    # A negligible learning rate: the outputs while training are the model's
    # outputs; the shuffled batches must be scored against their own targets.
    X, y = _moons(256)
    model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)], seed=1,
                          optimizer=sn.SGD(lr=1e-12), metrics=["auc", "f1", "top_1_accuracy"],
                          dtype="float64")
    history = model.fit(X, y, epochs=2, batch_size=batch_size)
    scores = model.evaluate(X, y)
    for name in ("auc", "f1", "top_1_accuracy"):
        assert history[name][-1] == pytest.approx(scores[name], abs=1e-9), name
    assert scores["top_1_accuracy"] == scores["accuracy"]


def test_validation_metrics_and_evaluate():
    X, y = _moons(240)
    model = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dense(2)], seed=0,
                          optimizer="Adam", metrics=["f1", "AUC", sn.TopKAccuracy(k=1)])
    history = model.fit(X[:200], y[:200], epochs=3, validation_data=(X[200:], y[200:]))
    assert list(history) == ["loss", "f1", "auc", "top_1_accuracy", "val_loss", "val_accuracy",
                             "val_f1", "val_auc", "val_top_1_accuracy"]
    scores = model.evaluate(X[200:], y[200:])
    for name in ("loss", "accuracy", "f1", "auc", "top_1_accuracy"):
        assert scores[name] == pytest.approx(history[f"val_{name}"][-1], rel=1e-6)
    p = model.predict_proba(X[200:])[:, 1]
    assert scores["auc"] == pytest.approx(skm.roc_auc_score(y[200:] == "up", p), abs=1e-6)
    assert model.evaluate(X[200:], y[200:], batch_size=7) == pytest.approx(scores, rel=1e-5)


def test_regression_metrics_in_fit_and_evaluate():
    X = RNG.normal(size=(120, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * RNG.normal(size=120)
    model = sn.Sequential([sn.Dense(1)], loss="mean_squared_error", seed=0,
                          optimizer=sn.Adam(lr=0.05), metrics=["mae", "rmse", "r2"])
    history = model.fit(X, y, epochs=5, validation_split=0.25)
    assert {"mae", "rmse", "r2", "val_mae", "val_rmse", "val_r2", "val_mse"} <= set(history)
    scores = model.evaluate(X[90:], y[90:])
    predicted = model.predict(X[90:])
    assert scores["mae"] == pytest.approx(skm.mean_absolute_error(y[90:], predicted), rel=1e-5)
    assert scores["rmse"] == pytest.approx(skm.root_mean_squared_error(y[90:], predicted),
                                           rel=1e-5)
    assert scores["r2"] == pytest.approx(skm.r2_score(y[90:], predicted), rel=1e-5)


def test_no_metrics_no_copy_and_the_same_history_keys():
    X, y = _moons(64)
    model = sn.Sequential([sn.Dense(2)], seed=0)
    model.fit(X, y, epochs=1)
    loop = sn.TrainingLoop(model, *model.prepare(X, y))
    assert loop.outputs is None
    assert set(model.history) == {"loss"}


def test_metrics_survive_save_and_load(tmp_path):
    X, y = _moons(64)
    metrics = ["accuracy", "f1_macro", sn.TopKAccuracy(k=1), sn.Precision(average="binary")]
    model = sn.Sequential([sn.Dense(2)], seed=0, metrics=metrics)
    model.fit(X, y, epochs=1)
    assert model.get_config()["metrics"] == ["accuracy", "f1_macro", "top_1_accuracy",
                                             "precision_binary"]
    model.save(tmp_path / "m.npz")
    loaded = sn.load(tmp_path / "m.npz")
    assert [m.name for m in loaded.metrics] == [m.name for m in model.metrics]
    assert loaded.evaluate(X, y) == model.evaluate(X, y)


def test_a_custom_metric_is_saved_by_its_spec(tmp_path):
    class ShareOfUp(sn.Metric):
        def __call__(self, Z, Y, task):
            return float(np.mean(task.decision_codes(Z) == 1))

    X, y = _moons(64)
    model = sn.Sequential([sn.Dense(2)], seed=0, metrics=[ShareOfUp()])
    model.fit(X, y, epochs=1)
    assert model.get_config()["metrics"][0]["class"].endswith("ShareOfUp")
    model.save(tmp_path / "m.npz")
    assert sn.load(tmp_path / "m.npz").evaluate(X, y)["shareofup"] == \
        np.mean(model.predict(X) == "up")


# -- Keras habits ------------------------------------------------------------------
def test_keras_names_and_history():
    model = sn.Sequential([sn.Dense(3)], loss="Sparse_Categorical_Crossentropy",
                          optimizer="Adam")
    assert type(model.loss) is sn.CrossEntropy and type(model.optimizer) is sn.Adam
    assert type(sn.Sequential([sn.Dense(1)], loss="binary_crossentropy",
                              optimizer="RMSProp").loss) is sn.BinaryCrossEntropy
    history = model.fit(RNG.normal(size=(12, 2)), np.arange(12) % 3, epochs=2)
    assert history.history is history and len(history.history["loss"]) == 2


def test_weight_two_equals_a_duplicated_row_exactly():
    # SGD, full batch, a summed loss: weighting row 0 by 2 is training on it twice.
    X, y = RNG.normal(size=(10, 3)), np.arange(10) % 2

    def trained(X, y, weight=None):
        model = sn.Sequential([sn.Dense(4, activation="tanh"), sn.Dense(2)], seed=5,
                              dtype="float64", loss=sn.CrossEntropy(reduction="sum"),
                              optimizer=sn.SGD(lr=0.05))
        model.fit(X, y, epochs=5, batch_size=None, sample_weight=weight)
        return model.get_weights()

    weight = np.ones(10)
    weight[0] = 2.0
    rows = np.r_[0, np.arange(10)]
    for a, b in zip(trained(X, y, weight), trained(X[rows], y[rows])):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    for a, b in zip(trained(X, y), trained(X[rows], y[rows])):
        assert not np.allclose(a, b, rtol=1e-6)


def test_balanced_class_weight_raises_minority_recall():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, size=(270, 2)), rng.normal(1.2, 1.0, size=(30, 2))])
    y = np.r_[np.zeros(270, int), np.ones(30, int)]
    recalls = {}
    for class_weight in (None, "balanced"):
        model = sn.Sequential([sn.Dense(1)], loss="bce", seed=0, optimizer=sn.Adam(lr=0.05),
                              metrics=["recall"])
        model.fit(X, y, epochs=30, batch_size=None, class_weight=class_weight)
        recalls[class_weight] = model.evaluate(X, y)["recall"]
        assert recalls[class_weight] == pytest.approx(skm.recall_score(y, model.predict(X)))
    assert recalls[None] + 0.3 < recalls["balanced"], recalls
