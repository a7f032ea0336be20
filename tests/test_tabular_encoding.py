"""TabularEncoder (columns to features, task choice, JSON round trip) and the reports."""

import json
import re

import numpy as np
import pytest

from scratchnet.errors import DataValidationError
from scratchnet.tabular import (TabularEncoder, classification_report, format_report,
                                parse_csv_bytes, regression_report)


def table(text):
    return parse_csv_bytes(text.encode(), source="t.csv")


TRAIN = table("x,colour,y\n1,red,a\n2,blue,b\n4,red,a\n7,green,a\n")


def test_numeric_columns_are_standardized_with_training_rows_only():
    enc = TabularEncoder("y").fit(TRAIN, rows=[0, 1, 2])
    x = enc.features[0]
    assert x["mean"] == pytest.approx(7 / 3) and x["scale"] == pytest.approx(np.std([1, 2, 4]))
    X = enc.transform(TRAIN)
    np.testing.assert_allclose(X[:, 0], (np.array([1, 2, 4, 7]) - 7 / 3) / np.std([1, 2, 4]))
    # categories come from every row (green is only in row 3), sorted, one-hot
    assert enc.feature_names_out == ["x", "colour=blue", "colour=green", "colour=red"]
    np.testing.assert_array_equal(X[:, 1:], [[0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert enc.baseline == {"majority": "a"}


def test_columns_are_matched_by_name_and_extra_ones_listed():
    enc = TabularEncoder("y").fit(TRAIN)
    shuffled = table("note,colour,x\nhi,blue,2\nho,red,1\n")
    assert enc.check_columns(shuffled) == ["note"]
    np.testing.assert_array_equal(enc.transform(shuffled), enc.transform(TRAIN)[[1, 0]])
    with pytest.raises(DataValidationError, match=r"needs the column 'x', which the file lacks"):
        enc.transform(table("colour,y\nred,a\n"))
    with pytest.raises(DataValidationError, match=r"line 2, column 'colour' \(2\): 'pink' was "
                                                  r"not seen in training"):
        enc.transform(table("x,colour\n1,pink\n"))
    with pytest.raises(DataValidationError, match=r"line 3, column 'x' \(1\): 'two' is not a "
                                                  "number"):
        enc.transform(table("x,colour\n1,red\ntwo,red\n"))


@pytest.mark.parametrize("target, task, chosen, reason", [
    ("t", None, "classification", "holds text"),
    ("i", None, "classification", "holds 3 distinct integer values"),
    ("f", None, "regression", "numbers with a fractional part"),
    ("many", None, "regression", "12 distinct integers (more than 10)"),
    ("i", "regression", "regression", "--task regression"),
    ("f", "classification", "classification", "--task classification"),
])
def test_the_task_is_chosen_and_explained(target, task, chosen, reason):
    rows = "\n".join(f"{k},{'ab'[k % 2]},{k % 3},{k / 4},{k}" for k in range(12))
    enc = TabularEncoder(target, task=task, ignore=[c for c in "tif" if c != target] + (
        ["many"] if target != "many" else [])).fit(table("z,t,i,f,many\n" + rows))
    assert enc.task == chosen and reason in enc.task_reason


def test_integer_labels_stay_integers_and_regression_is_standardized():
    enc = TabularEncoder("y").fit(table("x,y\n1,2\n2,1\n3,2\n"))
    assert enc.classes == [1, 2]
    y = enc.labels(table("x,y\n1,2\n2,1.0\n"))
    assert y.dtype == np.int64 and y.tolist() == [2, 1]
    with pytest.raises(DataValidationError, match="the class '3' was not seen in training"):
        enc.labels(table("x,y\n1,3\n"))
    reg = TabularEncoder("y", task="regression").fit(table("x,y\n1,10\n2,20\n3,60\n"))
    t = reg.encode_target(reg.labels(table("x,y\n1,10\n2,20\n3,60\n")))
    assert t.mean() == pytest.approx(0) and t.std() == pytest.approx(1)
    np.testing.assert_allclose(reg.decode_target(t), [10, 20, 60])
    assert reg.baseline == {"mean": 30.0}


@pytest.mark.parametrize("text, kwargs, message", [
    ("x,y\n1,a\n2,a\n", {}, "the target column 'y' holds a single class ('a')"),
    ("x,y\n1,a\n2,b\n", {"task": "regression"}, "regression needs a numeric target"),
    ("x,y\n1,a\n", {"ignore": ["x"]}, "no feature column is left"),
    ("x,y\n1,a\n", {"ignore": ["q"]}, "there is no column 'q' (the ignored column)"),
    ("x,z\n1,a\n", {}, "there is no column 'y' (the target column); the columns are: x, z"),
    ("x,y\n1,a\n,b\n", {}, "line 3, column 'x' (1): missing value (an empty cell)"),
    ("id,y\n" + "".join(f"p{k},{'ab'[k % 2]}\n" for k in range(25)), {},
     "column 'id' holds text with 25 distinct values, more than the 20"),
])
def test_bad_training_tables_are_refused(text, kwargs, message):
    with pytest.raises(DataValidationError, match=re.escape(message)):
        TabularEncoder("y", **kwargs).fit(table(text))


def test_config_round_trips_through_json_exactly():
    rng = np.random.default_rng(0)
    lines = [f"{rng.normal() * 1e3!r},{rng.normal()!r},{'pq'[k % 2]},{rng.normal()!r}"
             for k in range(30)]
    data = table("a,b,c,y\n" + "\n".join(lines) + "\n")
    enc = TabularEncoder("y").fit(data, rows=range(20))
    config = enc.get_config()
    same = TabularEncoder.from_config(json.loads(json.dumps(config)))
    assert same.get_config() == config
    np.testing.assert_array_equal(same.transform(data), enc.transform(data))
    np.testing.assert_array_equal(same.decode_target([0.5]), enc.decode_target([0.5]))
    with pytest.raises(ValueError, match="not a TabularEncoder configuration"):
        TabularEncoder.from_config({"format": "other"})
    with pytest.raises(ValueError, match="invalid TabularEncoder configuration"):
        TabularEncoder.from_config({k: v for k, v in config.items() if k != "features"})


def test_classification_report_against_hand_counts():
    y_true = ["a", "a", "a", "b", "b", "c"]
    y_pred = ["a", "b", "a", "b", "c", "c"]
    r = classification_report(y_true, y_pred, ["a", "b", "c"], majority="a")
    assert r["confusion_matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert r["accuracy"] == pytest.approx(4 / 6)
    b = r["per_class"][1]
    assert (b["precision"], b["recall"], b["f1"], b["support"]) == (0.5, 0.5, 0.5, 2)
    assert r["per_class"][0]["f1"] == pytest.approx(0.8)
    assert r["baseline"]["accuracy"] == 0.5
    assert r["per_class"][0]["baseline_f1"] == pytest.approx(2 / 3)
    assert r["per_class"][2]["baseline_f1"] == 0.0  # never predicted: precision counts as 0
    text = format_report(r)
    assert "accuracy          0.6667    0.5000" in text
    assert text.splitlines()[-4:] == ["             a     b     c", "a            2     1     0",
                                      "b            0     1     1", "c            0     0     1"]


def test_regression_report_against_hand_values():
    r = regression_report([1.0, 2.0, 3.0, 6.0], [1.0, 3.0, 3.0, 4.0], mean=2.0)
    assert r["rmse"] == pytest.approx(np.sqrt(5 / 4)) and r["mae"] == pytest.approx(0.75)
    assert r["r2"] == pytest.approx(1 - 5 / 14)
    assert r["baseline"]["mae"] == pytest.approx(1.5)
    assert r["baseline"]["r2"] == pytest.approx(1 - 18 / 14)
    assert "R^2" in format_report(r) and "training mean" in format_report(r)
