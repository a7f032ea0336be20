"""The scikit-learn estimators: scikit-learn's own checks, weights, persistence, composition."""

import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.metrics import recall_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402,E501
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import scratchnet as sn  # noqa: E402
from scratchnet.errors import ModelFileError  # noqa: E402
from scratchnet.estimators import base, persistence  # noqa: E402
from scratchnet.sklearn import NeuralNetClassifier, NeuralNetRegressor, load  # noqa: E402

#: Small and quick, yet able to pass the checks that demand an accuracy
#: (check_classifiers_train: > 0.83) or an R^2 (check_regressors_train: > 0.5).
#: float64, as MLPClassifier computes on float64 data: the checks compare
#: results at rtol 1e-7, below float32's resolution (see
#: test_float32_sample_weight_equivalence for the default dtype).
CHECK_PARAMS = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100,
                    dtype="float64")

#: No expected failures: MLPClassifier and MLPRegressor pass every check too.
EXPECTED_FAILED_CHECKS = {}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([NeuralNetClassifier(**CHECK_PARAMS), NeuralNetRegressor(**CHECK_PARAMS)],
                         expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_scikit_learn_checks(estimator, check):
    check(estimator)


def _quiet(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


@pytest.fixture(scope="module")
def imbalanced():
    rng = np.random.default_rng(0)
    n_common, n_rare = 570, 30
    X = np.vstack([rng.normal(0.0, 1.0, (n_common, 2)), rng.normal(1.5, 1.0, (n_rare, 2))])
    y = np.array(["common"] * n_common + ["rare"] * n_rare)
    return X, y


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(1)
    centers = np.array([[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0]])
    labels = rng.integers(0, 3, 240)
    X = centers[labels] + rng.normal(size=(240, 2))
    return X, np.array(["a", "b", "c"], dtype=object)[labels]


# -- weights -------------------------------------------------------------------
def test_balanced_class_weight_raises_the_rare_class_recall(imbalanced):
    X, y = imbalanced
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=60, random_state=0)
    plain = _quiet(NeuralNetClassifier(**params), X, y)
    balanced = _quiet(NeuralNetClassifier(class_weight="balanced", **params), X, y)
    rare_plain = recall_score(y, plain.predict(X), pos_label="rare")
    rare_balanced = recall_score(y, balanced.predict(X), pos_label="rare")
    assert rare_plain < 0.5 < 0.8 < rare_balanced
    # ... paid for with the common class, as expected of the trade.
    assert (recall_score(y, balanced.predict(X), pos_label="common")
            < recall_score(y, plain.predict(X), pos_label="common"))
    # "balanced" is scikit-learn's per-sample weights: given as sample_weight
    # they train the very same network.
    weights = compute_sample_weight("balanced", y)
    weighted = _quiet(NeuralNetClassifier(**params), X, y, sample_weight=weights)
    np.testing.assert_array_equal(weighted.predict_proba(X), balanced.predict_proba(X))


def test_class_weight_dict_and_errors(imbalanced):
    X, y = imbalanced
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=60, random_state=0)
    up = _quiet(NeuralNetClassifier(class_weight={"rare": 19.0}, **params), X, y)
    assert recall_score(y, up.predict(X), pos_label="rare") > 0.8
    with pytest.raises(ValueError, match=r"names labels \['often'\]"):
        NeuralNetClassifier(class_weight={"often": 2.0}).fit(X, y)
    with pytest.raises(ValueError, match="'class_weight' parameter"):
        NeuralNetClassifier(class_weight="even").fit(X, y)
    with pytest.raises(ValueError, match="not supported by partial_fit"):
        NeuralNetClassifier(class_weight="balanced").partial_fit(X, y, classes=["common", "rare"])
    with pytest.raises(ValueError, match="at least one non-zero"):
        NeuralNetRegressor().fit(X, np.ones(len(X)), sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match="two classes with a non-zero sample weight; only 1"):
        NeuralNetClassifier().fit(X, y, sample_weight=(y == "rare").astype(float))


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-9), ("float32", 1e-5)])
@pytest.mark.parametrize("cls", [NeuralNetClassifier, NeuralNetRegressor])
def test_integer_weights_equal_repeated_rows(cls, dtype, rtol, blobs):
    # Full-batch training (batch_size covers the data) is deterministic, so a
    # weight of 2 must train exactly as the row written twice (0: removed).
    X, y = blobs
    y = y if cls is NeuralNetClassifier else X[:, 0] * 2 - X[:, 1]
    counts = np.random.default_rng(2).integers(0, 3, len(X))
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=20, alpha=0.01,
                  batch_size=1000, random_state=0, dtype=dtype)
    with pytest.warns(UserWarning, match="is larger than the 240 training samples; it is "
                                         "clipped to 240"):
        weighted = _quiet(cls(**params), X, y, sample_weight=counts)
    with pytest.warns(UserWarning, match="clipped"):
        repeated = _quiet(cls(**params), X.repeat(counts, axis=0), y.repeat(counts))
    out = "predict_proba" if cls is NeuralNetClassifier else "predict"
    np.testing.assert_allclose(getattr(weighted, out)(X), getattr(repeated, out)(X), rtol=rtol,
                               atol=rtol)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=rtol * 10)


def test_alpha_maps_onto_weight_decay_with_scikit_learns_meaning(blobs):
    X, y = blobs
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(X))
    clf = _quiet(NeuralNetClassifier(alpha=0.3, max_iter=2, batch_size=60), X, y, sample_weight=w)
    # lambda = c * alpha * n / (|B| * sum(w)), c = 1 for the log-loss.
    assert clf.model_.optimizer.weight_decay == pytest.approx(0.3 * len(X) / (60 * w.sum()))
    Y = np.column_stack([X[:, 0], X[:, 1], X.sum(axis=1)])
    reg = _quiet(NeuralNetRegressor(alpha=0.3, max_iter=2, batch_size=60), X, Y)
    # c = 2 / k for the (unhalved, output-averaged) MSE with k = 3 outputs.
    assert reg.model_.optimizer.weight_decay == pytest.approx(2 / 3 * 0.3 / 60)
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=40, random_state=0)
    small = _quiet(NeuralNetClassifier(alpha=1e-5, **params), X, y)
    large = _quiet(NeuralNetClassifier(alpha=30.0, **params), X, y)
    assert base._weight_norm2(large.model_) < 0.5 * base._weight_norm2(small.model_)


# -- scikit-learn's stopping rule ------------------------------------------------
@pytest.mark.parametrize("early_stopping", [False, True])
def test_stopping_rule_counts_epochs_as_mlp_classifier(blobs, early_stopping):
    # A tol no epoch can beat: the first epoch sets the best, the next
    # n_iter_no_change + 1 fail to improve on it, then training stops.
    X, y = blobs
    params = dict(hidden_layer_sizes=(4,), tol=100.0, n_iter_no_change=3, max_iter=50,
                  early_stopping=early_stopping, random_state=0)
    ours = NeuralNetClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 5
    assert len(ours.loss_curve_) == 5
    if early_stopping:
        assert ours.best_loss_ is None and len(ours.validation_scores_) == 5
        assert ours.best_validation_score_ == max(ours.validation_scores_)
    else:
        assert ours.validation_scores_ is None and ours.best_loss_ == min(ours.loss_curve_)


def test_convergence_warning_when_max_iter_is_reached(blobs):
    X, y = blobs
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        NeuralNetClassifier(max_iter=3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        NeuralNetClassifier(max_iter=30, tol=100.0, n_iter_no_change=2).fit(X, y)


def test_early_stopping_keeps_the_best_epoch():
    # Noisy labels and a large step: the held-out score peaks, then falls.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(160, 5))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=160) > 0, "p", "n")
    clf = _quiet(NeuralNetClassifier(hidden_layer_sizes=(64,), early_stopping=True,
                                     validation_fraction=0.25, learning_rate_init=0.05,
                                     batch_size=16, n_iter_no_change=5, tol=0.0, max_iter=200,
                                     random_state=0), X, y)
    assert clf.n_iter_ < 200 and len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.validation_scores_[-1] < clf.best_validation_score_
    # The kept network scores the best epoch's score on the held-out quarter.
    # The split's seed is the network generator's first draw after the
    # initial weights: rebuild the same network to draw it again.
    twin = sn.Sequential([sn.Dense(64, activation="relu"), sn.Dense(1)],
                         loss="binary_cross_entropy", seed=0).build(5)
    seed = int(twin.rng.integers(2**32))
    _, val = train_test_split(np.arange(len(X)), test_size=0.25, random_state=seed, stratify=y)
    assert clf.score(X[val], y[val]) == clf.best_validation_score_


def test_interrupt_keeps_the_completed_epochs_and_divergence_raises(blobs, monkeypatch):
    X, y = blobs
    calls = []
    run_epoch = sn.TrainingLoop.run_epoch

    def interrupted_third(loop, *args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return run_epoch(loop, *args)

    monkeypatch.setattr(sn.TrainingLoop, "run_epoch", interrupted_third)
    with pytest.warns(UserWarning, match="interrupted"):
        clf = NeuralNetClassifier(max_iter=10).fit(X, y)
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2 and clf.predict(X).shape == (240,)
    monkeypatch.undo()
    reg = NeuralNetRegressor(solver="sgd", learning_rate_init=1e6, momentum=0.0)
    with pytest.raises(sn.TrainingDivergedError, match="diverged"):
        reg.fit(X, X[:, 0] * 1e3)
    with pytest.raises(NotFittedError):
        reg.predict(X)  # a failed first fit leaves the estimator unfitted


def test_verbose_prints_scikit_learns_lines(blobs, capsys):
    X, y = blobs
    _quiet(NeuralNetClassifier(max_iter=2, verbose=1, early_stopping=True), X, y)
    out = capsys.readouterr().out
    assert re.search(r"Iteration 1, loss = \d+\.\d{8}\nValidation score: \d\.\d+\n"
                     r"Iteration 2, loss", out), out


# -- fit, partial_fit, warm_start ------------------------------------------------
def test_same_seed_same_network_and_the_network_is_a_sequential(blobs):
    X, y = blobs
    a = _quiet(NeuralNetClassifier(max_iter=5, random_state=7), X, y)
    b = _quiet(NeuralNetClassifier(max_iter=5, random_state=7), X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert isinstance(a.model_, sn.Sequential)
    assert a.model_.predict(X).tolist() == a.predict(X).tolist()


def test_partial_fit(blobs):
    X, y = blobs
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y == "a"], y[y == "a"], classes=["c", "a", "b"])
    assert clf.classes_.tolist() == ["a", "b", "c"] and clf.n_iter_ == 1
    for _ in range(30):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 31 and len(clf.loss_curve_) == 31 and clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match=r"labels \['d'\] that are not in classes"):
        clf.partial_fit(X[:2], np.array(["a", "d"], dtype=object))
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        clf.partial_fit(X, y, classes=["a", "b"])
    with pytest.raises(ValueError, match="does not support early_stopping"):
        NeuralNetClassifier(early_stopping=True).partial_fit(X, y, classes=["a", "b", "c"])
    reg = NeuralNetRegressor(random_state=0)
    reg.partial_fit(X, X[:, 0]).partial_fit(X, X[:, 0])
    assert reg.n_iter_ == 2


def test_warm_start_continues_the_network(blobs):
    X, y = blobs
    clf = _quiet(NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=5, warm_start=True,
                                     random_state=0), X, y)
    network = clf.model_
    first = list(clf.loss_curve_)
    _quiet(clf, X, y)
    assert clf.model_ is network and clf.n_iter_ == 5
    assert clf.model_.optimizer.iterations == 5 * 2  # a new optimizer: 5 epochs of 2 batches
    assert clf.loss_curve_[:5] == first and len(clf.loss_curve_) == 10
    assert clf.loss_curve_[5] < first[0]
    clf.set_params(hidden_layer_sizes=(9,))
    with pytest.raises(ValueError, match="architecture parameters changed"):
        clf.fit(X, y)
    clf.set_params(hidden_layer_sizes=(8,))
    with pytest.raises(ValueError, match="same classes as the previous fit"):
        clf.fit(X[y != "c"], y[y != "c"])
    cold = _quiet(clone(clf).set_params(warm_start=False), X, y)
    _quiet(cold, X, y)
    assert len(cold.loss_curve_) == 5


def test_targets_refused_or_accepted(blobs):
    X, y = blobs
    multilabel = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    with pytest.raises(ValueError, match="does not support multilabel-indicator"):
        NeuralNetClassifier().fit(X, multilabel)
    with pytest.raises(ValueError, match="at least two classes; y holds one class"):
        NeuralNetClassifier().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        NeuralNetClassifier().fit(X, X[:, 0])
    Y = np.column_stack([X[:, 0], -X[:, 1]])
    reg = _quiet(NeuralNetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01,
                                    max_iter=100, random_state=0), X, Y)
    assert reg.predict(X).shape == (len(X), 2) and reg.predict(X).dtype == np.float64
    assert reg.score(X, Y) > 0.9


def test_parameters_checked_at_fit_in_scratchnets_voice(blobs):
    X, y = blobs
    estimator = NeuralNetClassifier(solver="lbfgs", hidden_layer_sizes=[4])
    assert estimator.get_params()["hidden_layer_sizes"] == [4]  # stored untouched
    with pytest.raises(ValueError, match="The 'solver' parameter of NeuralNetClassifier must "
                                         "be one of 'adam', 'sgd', 'rmsprop'. Got 'lbfgs'"):
        estimator.fit(X, y)
    with pytest.raises(ValueError, match="one name or one per hidden layer"):
        NeuralNetClassifier(hidden_layer_sizes=(4, 4), activation=["relu"]).fit(X, y)
    with pytest.raises(ValueError, match="'activation' parameter of NeuralNetRegressor"):
        NeuralNetRegressor(activation="squash").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="'dropout' parameter"):
        NeuralNetRegressor(dropout=1.0).fit(X, X[:, 0])


def test_solvers_activations_and_dropout_train(blobs):
    X, y = blobs
    for params in [dict(solver="sgd", learning_rate_init=0.05),
                   dict(solver="rmsprop", learning_rate_init=0.01),
                   dict(activation=["logistic", "tanh"], hidden_layer_sizes=(8, 8),
                        learning_rate_init=0.01, dropout=0.1)]:
        clf = _quiet(NeuralNetClassifier(max_iter=60, random_state=0, **params), X, y)
        assert clf.score(X, y) > 0.9, params
    layers = clf.model_.layers
    assert [type(layer).__name__ for layer in layers] == ["Dense", "Dropout", "Dense",
                                                          "Dropout", "Dense"]
    assert type(layers[0].activation).__name__ == "Sigmoid"


# -- prediction and hidden activations ------------------------------------------
def test_predict_log_proba_from_the_logits(blobs):
    X, y = blobs
    for labels in (y, np.where(y == "a", "a", "not a")):
        clf = _quiet(NeuralNetClassifier(max_iter=20, random_state=0), X, labels)
        # Two classes are one logit, as MLPClassifier's logistic output.
        assert clf.model_.layers[-1].units == (1 if len(set(labels)) == 2 else 3)
        far = np.vstack([X[:5], X[:5] * 1e4])
        log_proba = clf.predict_log_proba(far)
        assert np.isfinite(log_proba).all()
        # Elsewhere it is the log of predict_proba (which, in float32, has too
        # few digits left below 1e-3 to compare further: 1 - p rounds).
        proba = clf.predict_proba(far[:5])
        kept = proba > 1e-3
        np.testing.assert_allclose(log_proba[:5][kept], np.log(proba[kept]), rtol=1e-4,
                                   atol=1e-6)


def test_transform_returns_the_hidden_activations(blobs):
    X, y = blobs
    clf = _quiet(NeuralNetClassifier(hidden_layer_sizes=(6, 4), activation=["tanh", "relu"],
                                     max_iter=5, random_state=0), X, y)
    W1, b1, W2, b2, _, _ = clf.model_.get_weights()
    first = np.tanh(X @ W1 + b1)
    np.testing.assert_allclose(clf.transform(X, layer=0), first, rtol=1e-5, atol=1e-6)
    second = np.maximum(first @ W2 + b2, 0)
    np.testing.assert_allclose(clf.transform(X), second, rtol=1e-4, atol=1e-5)
    a = clf.transform(X[:3])
    clf.transform(X[3:6])  # as many rows: the network reuses its work buffers
    np.testing.assert_allclose(a, second[:3], rtol=1e-4, atol=1e-5)  # a copy, kept
    assert clf.get_feature_names_out().tolist() == ["hidden1_0", "hidden1_1", "hidden1_2",
                                                    "hidden1_3"]
    with pytest.raises(ValueError, match=r"layer must be an int in \[-2, 1\]"):
        clf.transform(X, layer=2)
    flat = _quiet(NeuralNetRegressor(hidden_layer_sizes=(), max_iter=2), X, X[:, 0])
    with pytest.raises(ValueError, match="has no hidden layer"):
        flat.transform(X)


def test_set_output_pandas_and_feature_names(blobs):
    pd = pytest.importorskip("pandas")
    X, y = blobs
    frame = pd.DataFrame(X, columns=["left", "right"], index=np.arange(len(X)) + 100)
    clf = _quiet(NeuralNetClassifier(hidden_layer_sizes=(5, 3), max_iter=5, random_state=0,
                                     transform_layer=0), frame, y)
    assert clf.feature_names_in_.tolist() == ["left", "right"]
    out = clf.set_output(transform="pandas").transform(frame)
    assert isinstance(out, pd.DataFrame) and out.index.tolist() == frame.index.tolist()
    assert out.columns.tolist() == [f"hidden0_{j}" for j in range(5)]
    np.testing.assert_array_equal(out.to_numpy(), clf.set_output(transform="default")
                                  .transform(frame))
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


# -- composition and persistence ---------------------------------------------------
def test_pipeline_grid_search_and_cross_validation(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(max_iter=30, random_state=0,
                                                               learning_rate_init=0.01))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=3)
        search = GridSearchCV(pipe, {"neuralnetclassifier__hidden_layer_sizes": [(2,), (16,)]},
                              cv=2, n_jobs=2).fit(X, y)
    assert scores.min() > 0.85
    assert search.best_params_ == {"neuralnetclassifier__hidden_layer_sizes": (16,)}
    assert search.best_estimator_.score(X, y) > 0.9


@pytest.mark.parametrize("cls", [NeuralNetClassifier, NeuralNetRegressor])
def test_pickle_gives_the_same_predictions(cls, blobs):
    X, y = blobs
    y = y if cls is NeuralNetClassifier else X[:, 0]
    fitted = _quiet(cls(max_iter=5, random_state=0), X, y)
    copy = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(copy.predict(X), fitted.predict(X))
    assert copy.get_params() == fitted.get_params()


def test_save_and_load_through_the_model_file(blobs, tmp_path):
    X, y = blobs
    clf = _quiet(NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0,
                                     class_weight={"a": 2.0}, early_stopping=True), X, y)
    path = tmp_path / "clf.npz"
    clf.save(path)
    back = NeuralNetClassifier.load(path)
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert back.get_params() == clf.get_params()
    assert back.classes_.dtype == clf.classes_.dtype and back.classes_.tolist() == ["a", "b", "c"]
    for name in ("n_features_in_", "loss_curve_", "validation_scores_", "best_validation_score_",
                 "best_loss_", "n_iter_", "n_outputs_"):
        assert getattr(back, name) == getattr(clf, name), name
    # The file holds the optimizer and generator too: training goes on identically.
    for estimator in (clf, back):
        estimator.set_params(early_stopping=False).partial_fit(X, y)
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert type(load(path)) is NeuralNetClassifier
    assert isinstance(sn.load(path), sn.Sequential)  # the bare network, from the same file


def test_load_refuses_the_wrong_file(blobs, tmp_path):
    X, y = blobs
    reg = _quiet(NeuralNetRegressor(max_iter=2), X, X[:, 0])
    reg.save(tmp_path / "reg.npz")
    with pytest.raises(ModelFileError, match="holds a NeuralNetRegressor, not a "
                                             "NeuralNetClassifier"):
        NeuralNetClassifier.load(tmp_path / "reg.npz")
    assert NeuralNetRegressor.load(tmp_path / "reg.npz").predict(X).tolist() == \
        reg.predict(X).tolist()
    reg.model_.metadata.clear()
    reg.model_.save(tmp_path / "bare.npz")
    with pytest.raises(ModelFileError, match="bare scratchnet network"):
        load(tmp_path / "bare.npz")
    with pytest.raises(ModelFileError, match="cannot be saved"):
        reg.set_params(random_state=np.random.RandomState(0)).save(tmp_path / "x.npz")


def test_metadata_json_round_trip():
    values = {"sizes": (3, 4), "weights": {1: 2.0, "b": 0.5}, "best": float("inf"),
              "flag": np.bool_(True), "n": np.int64(3), "names": ["a"]}
    encoded = {k: persistence.encode(v, k) for k, v in values.items()}
    import json

    decoded = {k: persistence.decode(v) for k, v in json.loads(json.dumps(encoded)).items()}
    assert decoded == {"sizes": (3, 4), "weights": {1: 2.0, "b": 0.5}, "best": float("inf"),
                       "flag": True, "n": 3, "names": ["a"]}
    with pytest.raises(ModelFileError, match="unreadable value"):
        persistence.decode({"set": [1]})


# -- documentation (the docstring examples run in test_doctests) ----------------------------------------------------------------
def test_docs_page_runs(tmp_path, monkeypatch):
    page = Path(__file__).resolve().parent.parent / "docs" / "sklearn.md"
    blocks = re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", page.read_text(encoding="utf-8"),
                        re.DOTALL | re.MULTILINE)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for i, block in enumerate(blocks, start=1):
            exec(compile(block, f"sklearn.md [block {i}]", "exec"), namespace)
