"""``scratchnet reproduce``: the registry, the table, the JSON and the plots."""

import json

import pytest

from scratchnet.cli import main
from scratchnet.tutorials.report import Row, format_table, rows_to_json
from scratchnet.tutorials.reproduce import EXPERIMENTS, resolve_names, run_reproduce

REQUIRED = {"experiment", "metric", "tutorial", "scratchnet"}


def test_registry_names_and_resolution():
    assert list(EXPERIMENTS) == ["000", "001", "002", "003", "mnist"]
    assert resolve_names(["all"]) == list(EXPERIMENTS)
    assert resolve_names([]) == list(EXPERIMENTS)
    assert resolve_names(["003", "001"]) == ["001", "003"]  # registry order


def test_unknown_experiment_is_rejected_with_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown experiment\(s\) '004'.*000, 001, 002, 003, "
                                         r"mnist or all"):
        run_reproduce(["001", "004"], print_fn=lambda *a: None)


def test_cli_returns_nonzero_for_an_unknown_experiment(capsys):
    assert main(["reproduce", "nope"]) == 2
    assert "unknown experiment" in capsys.readouterr().err


def test_001_writes_json_with_the_feedforward_value(tmp_path):
    path = tmp_path / "out" / "repro.json"
    lines = []
    assert run_reproduce(["001"], quick=True, json_path=path, print_fn=lines.append) == 0
    rows = json.loads(path.read_text())
    assert isinstance(rows, list) and rows
    for row in rows:
        assert REQUIRED <= set(row)
        assert row["experiment"] == "001"
    ff = [r for r in rows if r["tutorial"] == 0.7216325609518421]
    assert len(ff) == 1 and abs(ff[0]["scratchnet"] - 0.7216325609518421) < 1e-12
    losses = [r for r in rows if isinstance(r["scratchnet"], list)]
    assert len(losses) == 1 and len(losses[0]["scratchnet"]) == 100
    assert losses[0]["tutorial"] is None
    by_metric = {r["metric"].split()[0]: r["scratchnet"] for r in rows}
    assert by_metric["Emily"] > 0.5 > by_metric["Frank"]
    text = "\n".join(lines)
    assert "0.7216325609518421" in text and "Wall time" in text


def test_cli_in_process(tmp_path, capsys):
    path = tmp_path / "r.json"
    assert main(["reproduce", "001", "--quick", "--json", str(path)]) == 0
    assert "experiment" in capsys.readouterr().out
    assert json.loads(path.read_text())[0]["experiment"] == "001"


def test_003_quick_saves_plots(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    assert run_reproduce(["003"], quick=True, plots_dir=tmp_path, print_fn=lines.append) == 0
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert {"003_width_sweep.png", "003_moons_loss.png", "003_moons_boundary.png"} <= set(pngs)
    for name in pngs:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = "\n".join(lines).splitlines()
    assert any(line.startswith("003*") for line in table)  # quick rows are marked


def test_mnist_without_data_is_skipped_not_fatal(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNET_DATA", str(tmp_path / "empty"))
    lines = []
    assert run_reproduce(["mnist"], quick=True, json_path=tmp_path / "m.json",
                         print_fn=lines.append) == 0
    text = "\n".join(lines)
    assert "skip MNIST" in text and "Put these files in" in text
    rows = json.loads((tmp_path / "m.json").read_text())
    assert rows and all(r["scratchnet"] is None for r in rows)


def test_rows_table_and_json():
    rows = [Row("003", "mean accuracy", 0.94541, 0.9, std=0.01, tutorial_std=0.019558, runs=4,
                quick=True),
            Row("002", "test accuracy (%)", None, 75.925925, fmt=".2f")]
    table = format_table(rows).splitlines()
    assert table[0].split() == ["experiment", "metric", "tutorial", "scratchnet"]
    assert "0.94541 \u00b1 0.019558" in table[2] and "0.9000 \u00b1 0.0100" in table[2]
    assert table[2].startswith("003*")
    assert table[3].split()[-2:] == ["-", "75.93"]
    data = rows_to_json(rows)
    assert data[0]["scratchnet_std"] == 0.01 and data[0]["runs"] == 4 and data[0]["quick"]
    assert data[1]["tutorial"] is None
    json.dumps(data, allow_nan=False)
