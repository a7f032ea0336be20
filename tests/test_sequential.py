"""Sequential: training, prediction, determinism, validation of inputs."""

import numpy as np
import pytest

import scratchnet as sn


def blobs(n=120, n_classes=3, seed=0, n_features=4):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4, size=(n_classes, n_features))
    y = rng.integers(0, n_classes, n)
    return centers[y] + rng.normal(size=(n, n_features)), y


def mlp(n_out=3, **kwargs):
    kwargs.setdefault("seed", 0)
    return sn.Sequential([sn.Dense(16), sn.ReLU(), sn.Dense(n_out)], **kwargs)


def test_overfits_a_tiny_dataset_to_100_percent():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 5))
    y = rng.integers(0, 3, 20)          # random labels: only memorization gets 100 %
    model = sn.Sequential([sn.Dense(64, activation="relu"), sn.Dense(3)],
                          optimizer=sn.Adam(lr=0.01), seed=0)
    model.fit(X, y, epochs=300, batch_size=None)
    assert model.evaluate(X, y)["accuracy"] == 1.0


def test_history_has_one_value_per_epoch_and_the_public_keys():
    X, y = blobs()
    model = mlp()
    history = model.fit(X[:90], y[:90], epochs=4, validation_data=(X[90:], y[90:]))
    assert set(history) == {"loss", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]


def test_training_accuracy_metric_and_validation_split():
    X, y = blobs()
    history = mlp(metrics=["accuracy"]).fit(X, y, epochs=2, validation_split=0.25)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_same_seed_gives_bit_identical_weights_and_history():
    X, y = blobs()
    runs = []
    for _ in range(2):
        model = sn.Sequential([sn.Dense(16, activation="relu"), sn.Dropout(0.3), sn.Dense(3)],
                              seed=42)
        history = model.fit(X, y, epochs=3, batch_size=16, validation_split=0.2)
        runs.append((model.get_weights(), dict(history)))
    for a, b in zip(runs[0][0], runs[1][0]):
        np.testing.assert_array_equal(a, b)
    assert runs[0][1] == runs[1][1]


def test_different_seeds_differ():
    X, y = blobs()
    a, b = mlp(seed=1), mlp(seed=2)
    a.fit(X, y), b.fit(X, y)
    assert not np.array_equal(a.get_weights()[0], b.get_weights()[0])


def test_global_numpy_random_state_is_untouched():
    state = np.random.get_state()[1].copy()
    X, y = blobs()
    mlp(seed=None).fit(X, y, epochs=1)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_calling_fit_again_continues_training():
    X, y = blobs()
    once = mlp()
    once.fit(X, y, epochs=4)
    twice = mlp()
    twice.fit(X, y, epochs=2)
    twice.fit(X, y, epochs=2)
    for a, b in zip(once.get_weights(), twice.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert len(twice.history["loss"]) == 4


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept_throughout(dtype):
    X, y = blobs()
    model = mlp(dtype=dtype)
    model.fit(X.astype(np.float64), y)
    assert all(w.dtype == np.dtype(dtype) for w in model.get_weights())
    assert model.predict_proba(X).dtype == np.dtype(dtype)


def test_string_labels_are_mapped_and_returned():
    X, y = blobs(n_classes=3)
    names = np.array(["cat", "dog", "emu"])[y]
    model = mlp(optimizer=sn.Adam(lr=0.01))
    model.fit(X, names, epochs=30)
    assert list(model.classes_) == ["cat", "dog", "emu"]
    pred = model.predict(X)
    assert pred.dtype.kind == "U" and (pred == names).mean() > 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], pred)


def test_one_hot_targets_train_like_integer_labels():
    X, y = blobs()
    a, b = mlp(), mlp()
    a.fit(X, y, epochs=2)
    b.fit(X, np.eye(3)[y], epochs=2)
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])


@pytest.mark.parametrize("labels", [(0, 1), (1, 2), ("B", "M"), (False, True)])
def test_binary_classification_with_a_single_output_unit(labels):
    X, y = blobs(n_classes=2)
    named = np.array(labels)[y]
    model = sn.Sequential([sn.Dense(8, activation="tanh"), sn.Dense(1)],
                          loss="binary_cross_entropy", optimizer=sn.Adam(lr=0.02), seed=0)
    model.fit(X, named, epochs=30, batch_size=16)
    assert set(model.predict(X).tolist()) <= set(np.array(labels).tolist())
    assert model.evaluate(X, named)["accuracy"] > 0.95
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)


def test_regression_with_several_outputs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    Y = np.column_stack([X @ [1.0, -2.0, 0.5], np.sin(X[:, 0])])
    model = sn.Sequential([sn.Dense(32, activation="tanh"), sn.Dense(2)], loss="mse",
                          optimizer=sn.Adam(lr=0.01), seed=0)
    model.fit(X, Y, epochs=60, batch_size=32)
    scores = model.evaluate(X, Y)
    assert set(scores) == {"loss", "mse", "r2"} and scores["r2"] > 0.95
    assert model.predict(X).shape == (300, 2)
    one = sn.Sequential([sn.Dense(1)], loss="mse", optimizer=sn.Adam(lr=0.05), seed=0)
    one.fit(X, Y[:, 0], epochs=50, batch_size=32)
    assert one.predict(X).shape == (300,) and one.evaluate(X, Y[:, 0])["r2"] > 0.99


def test_full_batch_and_per_sample_sgd():
    X, y = blobs(n=40)
    full = mlp(optimizer=sn.SGD(lr=0.05))
    full.fit(X, y, epochs=3, batch_size=None)
    assert full.optimizer.iterations == 3
    per_sample = mlp(optimizer=sn.SGD(lr=0.01))
    per_sample.fit(X, y, epochs=2, batch_size=1)
    assert per_sample.optimizer.iterations == 80


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(200, 4)), rng.integers(0, 3, 200)   # noise: overfitting sets in fast
    stopper = sn.EarlyStopping(monitor="val_loss", patience=2)
    model = mlp(optimizer=sn.Adam(lr=0.05))
    history = model.fit(X[:40], y[:40], epochs=200, validation_data=(X[40:], y[40:]),
                        callbacks=[stopper])
    assert len(history["loss"]) < 200
    assert stopper.stopped_epoch == len(history["loss"]) - 1
    best = int(np.argmin(history["val_loss"]))
    assert model.evaluate(X[40:], y[40:])["loss"] == pytest.approx(history["val_loss"][best], rel=1e-5)


def test_verbose_output(capsys):
    X, y = blobs()
    mlp().fit(X, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    mlp().fit(X, y, epochs=2, verbose=1, validation_split=0.2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "val_accuracy" in out
    mlp().fit(X, y, epochs=2, verbose=2)
    assert capsys.readouterr().out.count("Epoch") == 2


def test_summary_lists_layers_shapes_and_parameter_counts():
    model = mlp()
    model.build(4)
    text = model.summary(print_fn=lambda s: None)
    assert "(None, 16)" in text and "(None, 3)" in text
    assert "Total params: 131" in text          # 4*16+16 + 16*3+3


def test_get_and_set_weights():
    model = mlp()
    model.build(4)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 16), (16,), (16, 3), (3,)]
    weights[0][:] = 1.0
    assert not (model.get_weights()[0] == 1).all()        # a copy
    model.set_weights(weights)
    assert (model.get_weights()[0] == 1).all()
    with pytest.raises(ValueError, match=r"weight 2 has shape \(3, 16\); expected \(16, 3\)"):
        model.set_weights(weights[:2] + [np.ones((3, 16)), weights[3]])
    with pytest.raises(ValueError, match="got 2 arrays; the model has 4"):
        model.set_weights(weights[:2])


def test_whole_model_gradient_check():
    X, y = blobs(n=6)
    model = sn.Sequential([sn.Dense(5, activation="tanh"), sn.Dense(4), sn.Sigmoid(),
                           sn.Dense(3)], seed=0)
    assert sn.check_gradients(model, X, y) < 1e-6
    worst, table = sn.check_gradients(model, X, y, return_table=True)
    assert len(table) == 1 + 6 and worst == max(r["rel_error"] for r in table)


def test_divergence_stops_with_a_clear_error_and_rolls_back_the_epoch():
    X, y = blobs()
    model = mlp(optimizer=sn.SGD(lr=1e6), loss="cross_entropy")
    model.build(X.shape[1])
    start = model.get_weights()
    with pytest.raises(sn.TrainingDivergedError, match=r"diverged in epoch 1: .* back at its "
                       r"parameters .* learning rate is 1e\+06; try a smaller one"):
        model.fit(X * 1e3, y, epochs=50)
    for a, b in zip(model.get_weights(), start):
        np.testing.assert_array_equal(a, b)


# -- bad input, refused at the door --------------------------------------------

def test_nan_is_reported_by_row_and_column():
    X, y = blobs()
    X[7, 2] = np.nan
    with pytest.raises(sn.DataValidationError, match="X contains NaN at row 7, column 2"):
        mlp().fit(X, y)
    X[7, 2] = np.inf
    with pytest.raises(ValueError, match="infinite value at row 7, column 2"):
        mlp().fit(X, y)


@pytest.mark.parametrize("X, message", [
    (np.ones(10), r"X must be a 2-D array .* got shape \(10,\)"),
    (np.ones((10, 2, 2)), r"got shape \(10, 2, 2\)"),
    (np.array([["a", "b"]] * 10), "X must be numeric"),
    (np.ones((0, 3)), "X is empty"),
])
def test_malformed_X_is_refused(X, message):
    with pytest.raises(sn.DataValidationError, match=message):
        mlp().fit(X, np.arange(len(X)) % 3)


def test_y_of_the_wrong_length_is_refused():
    X, y = blobs()
    with pytest.raises(ValueError, match="X has 120 samples but y has 119 values"):
        mlp().fit(X, y[:-1])


def test_wrong_feature_count_at_predict_names_expected_and_got():
    X, y = blobs()
    model = mlp()
    model.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but the model expects 4"):
        model.predict(X[:, :3])


def test_unknown_label_is_named():
    X, y = blobs()
    model = mlp()
    model.fit(X, y)
    with pytest.raises(ValueError, match=r"labels never seen during fit: \[7\]"):
        model.evaluate(X, np.where(y == 0, 7, y))


def test_output_width_must_match_the_classes():
    X, y = blobs(n_classes=3)
    with pytest.raises(ValueError, match="last layer has 5 outputs, but the data needs 3 classes"):
        mlp(n_out=5).fit(X, y)


def test_a_final_softmax_with_cross_entropy_is_refused():
    with pytest.raises(ValueError, match="CrossEntropy expects raw scores"):
        sn.Sequential([sn.Dense(3), sn.Softmax()]).build(2)
    with pytest.raises(ValueError, match="BinaryCrossEntropy expects raw scores"):
        sn.Sequential([sn.Dense(1, activation="sigmoid")], loss="binary_cross_entropy").build(2)


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "hinge"}, r"'loss' parameter of Sequential must be one of 'bce', "
                        r"'binary_cross_entropy', .*'mse'.* \(any case\) or a loss instance. "
                        r"Got 'hinge' instead"),
    ({"optimizer": "no_such_optimizer"}, r"'optimizer' parameter of Sequential must be one of"),
    ({"seed": 2**64}, r"'seed' parameter of Sequential must be an int in the range \[0, inf\). "
                      r"Got 18446744073709551616 instead \(integers must fit in 64 bits\)"),
    ({"dtype": "float16"}, r"'dtype' parameter of Sequential must be one of 'float32', 'float64'"),
    ({"seed": -1}, r"'seed' parameter of Sequential must be an int in the range \[0, inf\)"),
    ({"metrics": ["f2"]}, r"'metrics' parameter of Sequential must list metric names from "
                          r"'acc', 'accuracy', 'auc', .*'f1_macro'.*'r2'.*Got 'f2' instead"),
    ({"metrics": ["mae"]}, r"the metric 'mae' applies to regression models only; this model's "
                           r"loss makes it a MulticlassTask"),
    ({"metrics": "accuracy"}, r"'metrics' parameter of Sequential must be a list"),
    ({"metrics": ["f1", "F1"]}, r"the metrics list 'f1' twice"),
])
def test_constructor_rejects_unknown_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mlp(**kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": -1}, r"'epochs' parameter of fit must be an int in the range \[0, inf\)"),
    ({"batch_size": 0}, r"'batch_size' parameter of fit must be an int in the range \[1, inf\) or None"),
    ({"validation_split": 1.0}, r"'validation_split' parameter of fit must be a float in the range \[0.0, 1.0\)"),
    ({"verbose": 3}, r"'verbose' parameter of fit must be one of 0, 1, 2"),
    ({"epochs": 2**64}, r"'epochs' parameter of fit must be an int .* fit in 64 bits"),
])
def test_fit_rejects_bad_arguments_before_training(kwargs, message):
    X, y = blobs()
    model = mlp()
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, **kwargs)
    assert not model.built


def test_predict_before_fit_is_refused():
    with pytest.raises(RuntimeError, match="not fitted yet"):
        mlp().predict(np.ones((2, 4)))


def test_huge_but_finite_values_are_accepted():
    from scratchnet._validation import check_X

    X = np.full((4, 3), 3e38, dtype=np.float32)      # their sum overflows float32
    assert check_X(X, np.float32) is X


def test_a_regression_model_with_set_weights_predicts_before_any_fit():
    model = sn.Sequential([sn.Dense(1, input_dim=2)], loss="mse", dtype="float64")
    model.build(2)
    model.set_weights([np.array([[1.0], [2.0]]), np.array([0.5])])
    np.testing.assert_array_equal(model.predict([[1.0, 1.0], [0.0, 2.0]]), [3.5, 4.5])


def test_chunked_prediction_equals_row_by_row_prediction():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20001, 3))           # more rows than one predict chunk
    y = (X[:, 0] > 0).astype(int)
    model = mlp(n_out=2)
    model.fit(X[:200], y[:200])
    whole = model.predict_proba(X)
    parts = np.vstack([model.predict_proba(X[i:i + 777]) for i in range(0, len(X), 777)])
    np.testing.assert_allclose(whole, parts, rtol=1e-6)


def test_many_samples_times_classes_train_from_class_codes(monkeypatch):
    from scratchnet import tasks

    X, y = blobs()
    one_hot = mlp()
    one_hot.fit(X, y, epochs=2, validation_split=0.2)
    monkeypatch.setattr(tasks, "ONE_HOT_LIMIT", 10)      # force integer class codes
    codes = mlp()
    codes.fit(X, y, epochs=2, validation_split=0.2)
    np.testing.assert_allclose(codes.get_weights()[0], one_hot.get_weights()[0],
                               rtol=1e-5, atol=1e-6)
    assert codes.history["val_accuracy"] == pytest.approx(one_hot.history["val_accuracy"])


def test_binary_predictions_follow_the_probabilities():
    X, y = blobs(n_classes=2)
    labels = np.array(["no", "yes"])[y]
    model = sn.Sequential([sn.Dense(8, activation="tanh"), sn.Dense(1)],
                          loss="binary_cross_entropy", seed=0, optimizer=sn.Adam(lr=0.05))
    model.fit(X, labels, epochs=20)
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict(X), np.where(proba[:, 1] > 0.5, "yes", "no"))
    assert np.mean(model.predict(X) == labels) == model.evaluate(X, labels)["accuracy"] > 0.9


def test_two_column_one_hot_rows_are_read_as_one_hot():
    X, y = blobs(n_classes=2)
    a, b = mlp(n_out=2), mlp(n_out=2)
    a.fit(X, y, epochs=2)
    b.fit(X, np.eye(2)[y], epochs=2)
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])


@pytest.mark.parametrize("labels, message", [
    ([0.0, 1.0, np.nan, 1.0], "y contains NaN at index 2"),
    (np.array([1, None, 0, 1], dtype=object), r"y has a missing label \(None\) at index 1"),
    (np.array([1, "1", 0, 1], dtype=object), "y mixes label types: index 0 is an integer"),
])
def test_bad_labels_are_named_by_index(labels, message):
    with pytest.raises(sn.DataValidationError, match=message):
        mlp(n_out=2).fit(np.ones((4, 4)), labels)
