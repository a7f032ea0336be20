"""Tests of scratchnet.preprocessing: StandardScaler, train_test_split, LabelEncoder, one_hot."""

import math

import numpy as np
import pytest

from scratchnet.datasets import load_breast_cancer, load_heart
from scratchnet.errors import DataValidationError
from scratchnet.preprocessing import LabelEncoder, StandardScaler, one_hot, train_test_split

# --------------------------------------------------------------------------- StandardScaler


def _data(seed=0, n=50, d=4):
    rng = np.random.default_rng(seed)
    return rng.normal(loc=[1.0, -3.0, 10.0, 0.0][:d], scale=[0.5, 2.0, 7.0, 1.0][:d], size=(n, d))


def test_scaler_statistics_and_output():
    X = _data()
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, X.std(axis=0))
    np.testing.assert_allclose(scaler.var_, X.var(axis=0))
    assert scaler.n_features_in_ == 4 and scaler.n_samples_seen_ == 50
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)
    np.testing.assert_allclose(StandardScaler().fit_transform(X), Z)


def test_scaler_matches_scikit_learn_on_breast_cancer():
    sk_pre = pytest.importorskip("sklearn.preprocessing")
    X, _ = load_breast_cancer()
    ours = StandardScaler().fit(X[:400])
    ref = sk_pre.StandardScaler().fit(X[:400])
    np.testing.assert_allclose(ours.mean_, ref.mean_)
    np.testing.assert_allclose(ours.scale_, ref.scale_)
    np.testing.assert_allclose(ours.transform(X[400:]), ref.transform(X[400:]))


def test_scaler_constant_columns_get_scale_one():
    X = np.column_stack([np.full(7, 0.1), np.arange(7.0), np.zeros(7)])
    scaler = StandardScaler().fit(X)
    assert scaler.scale_[0] == 1.0 and scaler.scale_[2] == 1.0
    Z = scaler.transform(X)
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(Z[:, [0, 2]], 0.0, atol=1e-15)
    np.testing.assert_allclose(Z[:, 1].std(), 1.0)


def test_scaler_dtypes_and_no_mutation():
    X32 = _data().astype(np.float32)
    before = X32.copy()
    scaler = StandardScaler().fit(X32)
    Z = scaler.transform(X32)
    assert Z.dtype == np.float32
    assert scaler.inverse_transform(Z).dtype == np.float32
    np.testing.assert_array_equal(X32, before)
    ints = [[1, 2], [3, 4], [5, 9]]
    Zi = StandardScaler().fit_transform(ints)  # lists of ints work, and give float64
    assert Zi.dtype == np.float64
    np.testing.assert_allclose(Zi[:, 0], [-math.sqrt(1.5), 0.0, math.sqrt(1.5)])


@pytest.mark.parametrize(
    "X, match",
    [
        (np.arange(5.0), r"^X of StandardScaler.fit must be a 2-D array of shape "
                         r"\(n_samples, n_features\); got shape \(5,\)\. Use X.reshape\(-1, 1\)"),
        (np.zeros((2, 2, 2)), r"got shape \(2, 2, 2\)"),
        ([["a", "b"], ["c", "d"]], r"X of StandardScaler.fit must be numeric; got an array of "
                                   r"dtype <U1"),
        (np.array([[1.0, {}]], dtype=object), r"must be numeric; got dict \{\} at row 0, column 1"),
        (np.array([[1.0], ["2"]], dtype=object), r"must be numeric; got str '2' at row 1, column 0"),
        ([[1.0, None]], r"contains NaN at row 0, column 1\.$"),
        (np.zeros((0, 3)), r"X of StandardScaler.fit is empty: shape \(0, 3\)"),
        ([[1.0, 2.0], [3.0, np.nan]], r"contains NaN at row 1, column 1\.$"),
        ([[np.inf, 2.0]], r"contains an infinite value at row 0, column 0\.$"),
    ],
)
def test_scaler_rejects_bad_input(X, match):
    with pytest.raises(DataValidationError, match=match):
        StandardScaler().fit(X)


def test_scaler_reads_object_arrays_of_numbers_and_checks_transform_input():
    X = np.array([[1, 2.0], [np.float32(3.0), 4]], dtype=object)  # a pandas-like object frame
    scaler = StandardScaler().fit(X)
    np.testing.assert_array_equal(scaler.mean_, [2.0, 3.0])
    assert scaler.transform(X).dtype == np.float64
    with pytest.raises(DataValidationError, match=r"^X of StandardScaler.transform contains NaN"):
        scaler.transform([[1.0, np.nan]])
    with pytest.raises(DataValidationError,
                       match=r"^X of StandardScaler.inverse_transform must be a 2-D array"):
        scaler.inverse_transform([1.0, 2.0])


def test_scaler_feature_count_mismatch_and_unfitted():
    scaler = StandardScaler().fit(np.ones((3, 30)) * np.arange(3)[:, None])
    with pytest.raises(ValueError, match=r"X has 3 features, but StandardScaler was fitted with 30 features"):
        scaler.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"fitted with 30"):
        scaler.inverse_transform(np.ones((2, 29)))
    with pytest.raises(RuntimeError, match="not fitted"):
        StandardScaler().transform(np.ones((2, 3)))


# --------------------------------------------------------------------------- train_test_split


def _indexed(n):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n) * 10
    return X, y


@pytest.mark.parametrize(
    "n, test_size, n_test",
    [(10, 0.25, 3), (100, 0.25, 25), (270, 0.2, 54), (569, 0.2, 114), (10, 4, 4), (10, 0.01, 1), (5, 0.5, 3)],
)
def test_split_sizes(n, test_size, n_test):
    X, y = _indexed(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=0)
    assert len(X_test) == len(y_test) == n_test
    assert len(X_train) == len(y_train) == n - n_test


def test_split_sizes_match_scikit_learn():
    sk_ms = pytest.importorskip("sklearn.model_selection")
    for n in (7, 10, 99, 270, 569):
        for test_size in (0.1, 0.2, 0.25, 0.33, 0.5, 0.9, 2):
            try:
                ref = [len(a) for a in sk_ms.train_test_split(np.arange(n), test_size=test_size)]
            except ValueError:
                ref = "error"
            try:
                ours = [len(a) for a in train_test_split(np.arange(n), test_size=test_size)]
            except ValueError:
                ours = "error"
            assert ours == ref, (n, test_size)


def test_split_is_a_partition_with_aligned_rows():
    X, y = _indexed(37)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)
    rows = np.concatenate([y_train, y_test]) // 10
    assert sorted(rows.tolist()) == list(range(37))
    np.testing.assert_array_equal(X_train[:, 0], y_train // 10 * 2)
    np.testing.assert_array_equal(X_test[:, 1], y_test // 10 * 2 + 1)
    assert not np.array_equal(y_train, np.sort(y_train))  # shuffled


def test_split_seeding_and_global_state():
    X, y = _indexed(40)
    state = np.random.get_state()[1].copy()
    a = train_test_split(X, y, random_state=5)
    b = train_test_split(X, y, random_state=np.random.default_rng(5))
    c = train_test_split(X, y, random_state=6)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3])
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_split_without_shuffle_keeps_order():
    X, y = _indexed(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=3, shuffle=False)
    assert y_train.tolist() == [0, 10, 20, 30, 40, 50, 60]
    assert y_test.tolist() == [70, 80, 90]


def test_split_accepts_lists_and_any_number_of_arrays():
    parts = train_test_split(list(range(8)), ["a"] * 8, np.zeros((8, 2, 2)), test_size=2, random_state=0)
    assert len(parts) == 6
    assert [len(p) for p in parts] == [6, 2, 6, 2, 6, 2]
    assert parts[4].shape == (6, 2, 2)
    assert parts[2].dtype.kind == "U"


@pytest.mark.parametrize("seed", range(5))
def test_stratified_split_keeps_proportions(seed):
    _, y = load_breast_cancer()
    X = np.arange(len(y))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed, stratify=y)
    assert len(y_test) == 114 and len(y_train) == 455
    for label, total in (("M", 212), ("B", 357)):
        assert abs((y_test == label).sum() - total * 114 / 569) < 1
        assert abs((y_train == label).sum() - total * 455 / 569) < 1
    np.testing.assert_array_equal(y[X_test], y_test)
    assert len(np.intersect1d(X_train, X_test)) == 0


def test_stratified_split_three_classes_exact_shares():
    y = np.repeat([0, 1, 2], [10, 20, 30])
    _, _, y_train, y_test = train_test_split(y, y, test_size=0.5, random_state=0, stratify=y)
    assert np.bincount(y_test).tolist() == [5, 10, 15]
    assert np.bincount(y_train).tolist() == [5, 10, 15]


def test_stratified_split_of_heart_labels():
    X, y = load_heart()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=2, stratify=y)
    assert np.bincount(y_test).tolist() == [0, 30, 24]
    assert np.bincount(y_train).tolist() == [0, 120, 96]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(test_size=0),
            r"'test_size' parameter of train_test_split must be a float in the range "
            r"\(0\.0, 1\.0\) or an int in the range \[1, n_samples - 1\] = \[1, 9\]\. Got 0 instead",
        ),
        (dict(test_size=1.0), r"'test_size'.*Got 1\.0"),
        (dict(test_size=-0.2), r"'test_size'.*Got -0\.2"),
        (dict(test_size=10), r"'test_size'.*Got 10"),
        (dict(test_size=True), r"'test_size'.*Got True"),
        (dict(test_size="0.2"), r"'test_size'.*Got '0\.2'"),
        (dict(random_state="seed"), r"'random_state' parameter of train_test_split"),
        (dict(stratify=[0] * 9 + [1]), r"least populated class .* only 1 member"),
        (dict(stratify=[0, 1] * 4), r"stratify must be a 1-D array of n_samples=10"),
        (dict(stratify=[0, 1] * 5, shuffle=False), r"stratify requires shuffle=True"),
        (dict(stratify=[0, 0, 1, 1, 2, 2, 3, 3, 4, 4], test_size=3), r"cannot put each of the 5 classes"),
    ],
)
def test_split_errors(kwargs, match):
    X, y = _indexed(10)
    with pytest.raises(ValueError, match=match):
        train_test_split(X, y, **kwargs)


def test_split_errors_on_arrays():
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
    with pytest.raises(DataValidationError, match=r"same number of samples .*\[10, 9\]"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))
    with pytest.raises(ValueError, match="training set would be empty"):
        train_test_split(np.zeros(1), test_size=0.5)


# --------------------------------------------------------------------------- LabelEncoder


def test_label_encoder_roundtrip_strings():
    enc = LabelEncoder()
    codes = enc.fit_transform(["M", "B", "M", "B", "B"])
    assert enc.classes_.tolist() == ["B", "M"]
    assert codes.tolist() == [1, 0, 1, 0, 0]
    assert enc.inverse_transform(codes).tolist() == ["M", "B", "M", "B", "B"]


def test_label_encoder_heart_classes_and_column_vector():
    _, y = load_heart()
    enc = LabelEncoder().fit(y[:, None])
    assert enc.classes_.tolist() == [1, 2]
    np.testing.assert_array_equal(enc.transform(y), y - 1)


def test_label_encoder_errors():
    enc = LabelEncoder().fit(["a", "b"])
    with pytest.raises(ValueError, match=r"never seen during fit: \['c'\]"):
        enc.transform(["a", "c"])
    with pytest.raises(ValueError, match=r"codes must lie in \[0, 1\]"):
        enc.inverse_transform([2])
    with pytest.raises(ValueError, match="codes must be integers"):
        enc.inverse_transform([0.5])
    with pytest.raises(ValueError, match="1-D"):
        enc.fit(np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="not fitted"):
        LabelEncoder().transform(["a"])
    assert enc.transform([]).shape == (0,)


# --------------------------------------------------------------------------- one_hot


def test_one_hot_values_and_default_float32():
    out = one_hot([2, 0, 1, 2])
    assert out.dtype == np.float32 and out.shape == (4, 3)
    np.testing.assert_array_equal(out.argmax(axis=1), [2, 0, 1, 2])
    np.testing.assert_array_equal(out.sum(axis=1), 1.0)


def test_one_hot_options_and_input_kinds():
    assert one_hot([1], n_classes=4).tolist() == [[0, 1, 0, 0]]
    assert one_hot([0, 1], dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(one_hot(np.array([[1], [0]])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(one_hot(np.array([True, False])), [[0, 1], [1, 0]])
    assert one_hot(np.array([], dtype=np.int64), n_classes=3).shape == (0, 3)


@pytest.mark.parametrize(
    "y, kwargs, match",
    [
        ([0, 3], dict(n_classes=3), r"label 3 but n_classes=3: labels must lie in \[0, 2\]"),
        ([-1, 0], {}, r"must be >= 0; got -1"),
        ([0.5, 1.0], {}, r"non-integer values such as \[0\.5\]"),
        (["a", "b"], {}, r"integer labels; got dtype <U1.*LabelEncoder"),
        ([0, 1], dict(n_classes=0), r"'n_classes' parameter of one_hot .*Got 0"),
        (np.zeros((2, 2), dtype=int), {}, r"1-D"),
    ],
)
def test_one_hot_errors(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        one_hot(y, **kwargs)
