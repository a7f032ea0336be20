"""scratchnet train / predict / evaluate / info on CSV files, in-process and as a subprocess."""

import csv
import json

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.commands import load_tabular_model
from scratchnet.tabular import example_path

from cli_helpers import run_cli, run_subprocess, write_csv

QUICK = ["--epochs", "8", "--layers", "16", "--quiet"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained on a small CSV (binary, text labels), shared by the tests below."""
    folder = tmp_path_factory.mktemp("trained")
    data = write_csv(folder / "data.csv")
    out = folder / "model.npz"
    from scratchnet.cli import main

    assert main(["train", str(data), "--target", "label", "--out", str(out), "--ignore", "id",
                 *QUICK]) == 0
    return data, out


def test_train_reports_choices_and_scores_and_saves_the_description(trained, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv")
    status, out, _ = run_cli(["train", data, "--target", "label", "--out", tmp_path / "m.npz",
                              "--ignore", "id", *QUICK], capsys)
    assert status == 0
    assert "Read " in out and "120 rows, 5 columns, comma-separated" in out
    assert "classification into 2 classes (no, yes), because the target 'label' holds text" in out
    assert "one-hot encoded: colour (3 values)" in out and "-> 5 inputs" in out
    assert "72 training, 24 validation, 24 test rows" in out
    assert "Test rows: 24 rows" in out and "baseline" in out and "Confusion matrix" in out
    model, encoder = load_tabular_model(tmp_path / "m.npz")
    assert encoder.input_columns == ["x1", "x2", "colour"] and encoder.classes == ["no", "yes"]
    assert model.history.epochs == 8
    assert model.metadata["train"]["rows"] == {"train": 72, "val": 24, "test": 24}
    assert not (tmp_path / "m.npz.ckpt").exists()  # removed once the model is saved


def test_same_seed_same_model_and_the_report_matches_the_model(trained, tmp_path, capsys):
    data, out = trained
    run_cli(["train", data, "--target", "label", "--out", tmp_path / "again.npz", "--ignore",
             "id", *QUICK], capsys)
    a, b = sn.load(out), sn.load(tmp_path / "again.npz")
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    status, text, _ = run_cli(["evaluate", out, data, "--json", tmp_path / "r.json"], capsys)
    assert status == 0
    report = json.loads((tmp_path / "r.json").read_text())
    model, encoder = load_tabular_model(out)
    from scratchnet.tabular import read_table

    table = read_table(data)
    expected = np.mean(model.predict(encoder.transform(table)) == encoder.labels(table))
    assert report["accuracy"] == pytest.approx(expected)
    assert report["n_samples"] == 120 and sum(map(sum, report["confusion_matrix"])) == 120
    assert f"accuracy          {expected:.4f}" in text
    assert "Ignored 1 column the model does not use: id" in text


def test_predict_matches_columns_by_name_and_keeps_the_id(trained, tmp_path, capsys):
    data, out = trained
    rows = list(csv.DictReader(open(data)))
    # columns shuffled, the label dropped, an extra column added: still predicted
    shuffled = tmp_path / "new.csv"
    with open(shuffled, "w", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["colour", "note", "x2", "id", "x1"])
        w.writerows([r["colour"], "n", r["x2"], r["id"], r["x1"]] for r in rows)
    status, text, _ = run_cli(["predict", out, shuffled, "--out", tmp_path / "p.csv", "--id", "id",
                               "--proba"], capsys)
    assert status == 0 and "Ignored 1 column the model does not use: note" in text
    preds = list(csv.DictReader(open(tmp_path / "p.csv")))
    assert [p["id"] for p in preds] == [r["id"] for r in rows]
    model, encoder = load_tabular_model(out)
    from scratchnet.tabular import read_table

    X = encoder.transform(read_table(data))
    assert [p["label"] for p in preds] == model.predict(X).tolist()
    np.testing.assert_allclose([float(p["proba_yes"]) for p in preds],
                               model.predict_proba(X)[:, 1], atol=1e-6)


def test_predict_to_stdout_in_a_subprocess(trained):
    data, out = trained
    result = run_subprocess(["predict", out, data])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "label" and len(lines) == 121 and set(lines[1:]) <= {"no", "yes"}
    assert "Ignored 2 columns the model does not use: id, label (the target)" in result.stderr


def test_info_describes_the_model(trained, capsys):
    _, out = trained
    status, text, _ = run_cli(["info", out], capsys)
    assert status == 0
    for part in ("Task: classification of 'label' into no, yes (the target 'label' holds text)",
                 "colour                   categorical, one-hot: blue, green, red",
                 "x1                       numeric, standardized with mean",
                 "Trained on: data.csv", "History: 8 epochs", "val_loss", "Parameters: 113",
                 "scratchnet 0.1.0", "Dense (ReLU)"):
        assert part in text, part


def test_multiclass_regression_and_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    data = write_csv(tmp_path / "three.csv", n=150, classes=("a", "b", "c"))
    status, out, _ = run_cli(["train", data, "--target", "label", "--out", tmp_path / "m.npz",
                              "--ignore", "id,colour", "--plots", tmp_path / "plots", *QUICK],
                             capsys)
    assert status == 0 and "3 classes (a, b, c)" in out
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "confusion_matrix.png", "decision_boundary.png", "loss.png"]
    status, out, _ = run_cli(["train", data, "--target", "x2", "--out", tmp_path / "r.npz",
                              "--ignore", "id", *QUICK, "--epochs", "30", "--lr", "0.01"], capsys)
    assert status == 0
    assert "regression, because the target 'x2' holds numbers with a fractional part" in out
    assert "RMSE" in out and "R^2" in out
    status, out, _ = run_cli(["predict", tmp_path / "r.npz", data, "--out", tmp_path / "p.csv"],
                             capsys)
    values = [float(r["x2"]) for r in csv.DictReader(open(tmp_path / "p.csv"))]
    assert 30 < np.mean(values) < 70  # back in the target's units (mean 50), not standardized


def test_the_shipped_heart_csv_end_to_end(tmp_path, capsys):
    status, out, _ = run_cli(["train", example_path(), "--target", "heart_disease", "--out",
                              tmp_path / "heart.npz", "--epochs", "30", "--quiet"], capsys)
    assert status == 0 and "one-hot encoded: thal (3 values)" in out
    accuracy = float(out.split("accuracy")[1].split()[0])
    baseline = float(out.split("accuracy")[1].split()[1])
    assert baseline == pytest.approx(30 / 54, abs=1e-4) and accuracy > baseline + 0.15


def test_demo_without_a_data_file_is_unchanged(capsys):
    status, out, _ = run_cli(["train", "--epochs", "3", "--quiet"], capsys)
    assert status == 0 and "Breast cancer (UCI)" in out and "Test accuracy" in out


@pytest.mark.parametrize("command", ["train", "predict", "evaluate", "info"])
def test_every_help_is_complete_with_an_example(command, capsys):
    status, out, _ = run_cli([command, "--help"], capsys)
    assert status == 0
    assert "example" in out and f"scratchnet {command}" in out
    if command == "train":
        for option in ("--target", "--layers", "--activation", "--dropout", "--epochs",
                       "--batch-size", "--lr", "--optimizer", "--val", "--test", "--seed",
                       "--task", "--out", "--plots", "--checkpoint-every", "--resume",
                       "--early-stopping", "--quiet", "--force"):
            assert option in out, option
