"""`scratchnet compare`: each installed library trains the same recipe; missing ones skip."""

import json

import pytest

import scratchnet as sn
from scratchnet.cli import main
from scratchnet.compare import DATASETS, compare, format_comparison, run_compare
from scratchnet.compare_backends import LIBRARIES, get_backend, loader

KEYS_OK = {"library", "label", "status", "version", "accuracies", "accuracy_mean",
           "accuracy_std", "train_seconds", "train_seconds_mean", "seconds_per_epoch",
           "epochs_run"}


def require(*libraries):
    """Skip unless these libraries import (Keras through its backend choice, as compare does)."""
    for name in libraries:
        missing = get_backend(name).missing()
        if missing is not None:
            pytest.skip(f"{missing} is not installed")


@pytest.fixture(scope="module")
def heart_result(tmp_path_factory):
    # lr 0.01 and 15 epochs of 7 batches: enough for every library to pass 0.6
    # on heart (about 0.8 is typical), in a few seconds.
    path = tmp_path_factory.mktemp("compare") / "heart.json"
    lines = []
    assert run_compare("heart", seeds=2, epochs=15, lr=0.01, json_path=path,
                       print_fn=lines.append) == 0
    return json.loads(path.read_text()), "\n".join(lines)


def test_every_library_trains_and_is_plausible(heart_result):
    require("sklearn", "torch", "keras")
    result, _ = heart_result
    assert [e["library"] for e in result["results"]] == list(LIBRARIES)
    for entry in result["results"]:
        assert entry["status"] == "ok", entry
        assert set(entry) == KEYS_OK
        assert len(entry["accuracies"]) == 2 and len(entry["train_seconds"]) == 2
        assert entry["epochs_run"] == [15, 15]
        assert min(entry["accuracies"]) > 0.6, entry
        assert 0 < entry["seconds_per_epoch"] < entry["train_seconds_mean"]
    assert result["data"] == {"n_train": 216, "n_test": 54, "n_features": 13, "n_classes": 2}
    assert result["recipe"]["hidden"] == [16] and result["recipe"]["lr"] == 0.01
    assert result["recipe"]["seeds"] == [0, 1]


def test_table_lists_each_library_with_mean_and_std(heart_result):
    result, printed = heart_result
    table = format_comparison(result).splitlines()
    assert table[0].startswith("heart: 216 train / 54 test samples")
    assert table[1].startswith(f"{result['machine']['cpus']} CPUs, 1-minute load average")
    assert table[2].split()[:2] == ["library", "version"]
    rows = {line.split()[0]: line for line in table[4:]}
    for entry in result["results"]:
        row = rows[entry["label"]]
        if entry["status"] == "ok":
            assert f"{entry['accuracy_mean']:.4f} \u00b1 {entry['accuracy_std']:.4f}" in row
    assert format_comparison(result) in printed and "Results written to" in printed


def test_a_missing_library_is_skipped_with_its_install_command(monkeypatch):
    real = loader.import_library

    def without_keras_and_torch(name):
        if name.split(".")[0] in ("keras", "torch"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real(name)

    monkeypatch.setattr(loader, "import_library", without_keras_and_torch)
    result = compare("heart", libraries=["scratchnet", "keras", "torch"], seeds=1, epochs=1)
    by_name = {e["library"]: e for e in result["results"]}
    assert by_name["scratchnet"]["status"] == "ok"
    for name, command in (("keras", "pip install keras"), ("torch", "pip install torch")):
        assert by_name[name]["status"] == "skipped"
        assert by_name[name]["install"].startswith(command)
        assert by_name[name]["reason"] == f"{name} is not installed"
    table = format_comparison(result)
    assert "skipped: pip install torch" in table and "skipped: pip install keras" in table


def test_same_seeds_same_scratchnet_numbers():
    first = compare("moons", libraries=["scratchnet"], seeds=2, epochs=2, limit=300)
    again = compare("moons", libraries=["scratchnet"], seeds=2, epochs=2, limit=300)
    assert first["results"][0]["accuracies"] == again["results"][0]["accuracies"]
    assert first["data"]["n_train"] == 300 and first["data"]["n_test"] == 300


def test_cli_in_process_writes_json_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, png = tmp_path / "c.json", tmp_path / "plots" / "c.png"
    assert main(["compare", "--dataset", "breast_cancer", "--libraries", "scratchnet,sklearn",
                 "--seeds", "1", "--epochs", "2", "--hidden", "8,4", "--json", str(out),
                 "--plot", str(png)]) == 0
    text = capsys.readouterr().out
    assert "breast_cancer: 455 train / 114 test samples, 30 features" in text
    data = json.loads(out.read_text())
    assert data["recipe"]["hidden"] == [8, 4] and len(data["results"]) == 2
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments_are_refused_before_any_training(capsys):
    with pytest.raises(ValueError, match="'dataset' parameter of compare must be one of 'heart'"):
        compare("iris")
    with pytest.raises(ValueError, match="'libraries' parameter of compare"):
        compare("heart", libraries=["scratchnet", "jax"])
    with pytest.raises(ValueError, match="'seeds' parameter of compare"):
        compare("heart", seeds=0)
    assert main(["compare", "--hidden", "64,x"]) == 2
    assert "--hidden takes comma-separated layer widths" in capsys.readouterr().err


def test_quick_settings_exist_for_every_dataset():
    for name, defaults in DATASETS.items():
        assert 1 <= defaults.quick_epochs <= defaults.epochs, name


def heart_002():
    from scratchnet.tutorials.experiments import _heart_split

    return _heart_split()


def test_tutorial_002_keras_row_is_real_keras():
    require("keras")
    from scratchnet.tutorials.experiments import _keras_rows
    from scratchnet.tutorials.report import Context

    ctx = Context(quick=True, print_fn=lambda *a: None)
    X_train, X_test, y_train, y_test = heart_002()
    rows = _keras_rows(ctx, X_train, X_test, y_train, y_test, n_seeds=1, epochs=3)
    assert [r.metric for r in rows] == [
        "Keras Sequential (Adam, batch 32): train (%)",
        "Keras Sequential (Adam, batch 32): test (%)",
        "scratchnet Sequential, Keras settings (Adam, batch 32): train (%)",
        "scratchnet Sequential, Keras settings (Adam, batch 32): test (%)"]
    assert rows[0].extra["library"] == "keras" and rows[0].extra["version"].startswith("3.")
    assert rows[2].extra["library"] == "scratchnet"
    for row in rows:
        assert 0 <= row.scratchnet <= 100 and row.runs == 1
    # The scratchnet row is the tutorial's Keras settings in a plain Sequential.
    model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(1)],
                          loss="binary_cross_entropy", optimizer=sn.Adam(lr=0.001), seed=0)
    model.fit(X_train, y_train, epochs=3, batch_size=32)
    assert rows[2].scratchnet == pytest.approx(100 * model.evaluate(X_train, y_train)["accuracy"])
    assert rows[3].scratchnet == pytest.approx(100 * model.evaluate(X_test, y_test)["accuracy"])
    assert any("Keras itself" in text for _, text in ctx.notes)


def test_tutorial_002_keras_row_says_skipped_without_keras(monkeypatch):
    from scratchnet.tutorials.experiments import _keras_rows
    from scratchnet.tutorials.report import Context

    real = loader.import_library

    def without_keras(name):
        if name.split(".")[0] == "keras":
            raise ModuleNotFoundError("No module named 'keras'")
        return real(name)

    monkeypatch.setattr(loader, "import_library", without_keras)
    lines = []
    rows = _keras_rows(Context(print_fn=lines.append), *heart_002(), n_seeds=1, epochs=1)
    assert [r.scratchnet for r in rows[:2]] == [None, None]
    assert rows[0].cells()[-1] == "skipped" and rows[2].scratchnet is not None
    assert any("keras is not installed" in line and "pip install keras" in line
               for line in lines)
