"""Repeats and sweeps on the ensemble engine: chunking, processes and a Dask cluster change nothing."""

import time

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.datasets import make_moons
from scratchnet.experiments import Table, repeat, sweep


@pytest.fixture(scope="module")
def data():
    X, y = make_moons(n_samples=160, noise=0.15, random_state=1)
    return X[:120], y[:120], X[120:], y[120:]


def make_model(hidden, lr=0.05):
    return sn.Sequential([sn.Dense(hidden, activation="relu"), sn.Dense(2)],
                         optimizer=sn.SGD(lr=lr, momentum=0.9))


def _results(table):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in table]


def test_repeat_matches_lone_models(data):
    X, y, X_test, y_test = data
    template = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)],
                             optimizer=sn.Adam(lr=0.02), seed=4)
    table = repeat(template, X, y, n=5, epochs=3, batch_size=16, test_data=(X_test, y_test))
    assert len(table) == 5 and [r["seed"] for r in table] == sn.Ensemble(template, 5).seeds
    for row in table:
        lone = sn.Sequential.from_config({**template.get_config(), "seed": row["seed"]})
        history = lone.fit(X, y, epochs=3, batch_size=16)
        assert row["loss"] == pytest.approx(history["loss"][-1], rel=1e-5)
        assert row["test_accuracy"] == lone.evaluate(X_test, y_test)["accuracy"]
        assert row["seconds"] > 0


def test_sweep_does_not_depend_on_chunking_or_processes(data, tmp_path):
    X, y, X_test, y_test = data
    kwargs = dict(repeats=2, epochs=2, batch_size=20, test_data=(X_test, y_test), seed=0)
    grid = {"hidden": [3, 7, 12], "lr": [0.05, 0.1]}
    one = sweep(make_model, grid, X, y, **kwargs)
    small = sweep(make_model, grid, X, y, chunk_size=5, **kwargs)
    procs = sweep(make_model, grid, X, y, chunk_size=4, n_jobs=2, **kwargs)
    assert len(one) == 12 and [r["hidden"] for r in one][:4] == [3, 3, 3, 3]
    for a, b, c in zip(one, small, procs):
        assert a["seed"] == b["seed"] == c["seed"]
        for key in ("loss", "test_loss", "test_accuracy"):
            assert a[key] == pytest.approx(b[key], rel=1e-5) == c[key]
    summary = one.summary()
    assert [(s["hidden"], s["lr"], s["runs"]) for s in summary][:2] == [(3, 0.05, 2), (3, 0.1, 2)]
    first = [r["test_accuracy"] for r in one][:2]
    assert summary[0]["test_accuracy_mean"] == pytest.approx(np.mean(first))
    assert summary[0]["test_accuracy_std"] == pytest.approx(np.std(first))
    path = one.to_csv(tmp_path / "sweep.csv")
    lines = open(path).read().splitlines()
    assert lines[0].startswith("run,hidden,lr,repeat,seed,loss") and len(lines) == 13


def test_sweep_on_a_dask_cluster_gives_the_serial_results(data):
    distributed = pytest.importorskip("dask.distributed")
    X, y, X_test, y_test = data
    kwargs = dict(repeats=2, epochs=2, batch_size=20, test_data=(X_test, y_test), seed=3,
                  chunk_size=3)
    grid = {"hidden": [4, 9, 16]}
    serial = sweep(make_model, grid, X, y, **kwargs)
    start = time.perf_counter()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        by_address = sweep(make_model, grid, X, y, scheduler=cluster.scheduler_address, **kwargs)
        with distributed.Client(cluster) as client:
            by_client = sweep(make_model, grid, X, y, scheduler=client, **kwargs)
            workers = {w for w in client.run(lambda: __import__("os").getpid()).values()}
    print(f"Dask LocalCluster sweep: {time.perf_counter() - start:.1f} s")
    assert len(workers) == 2
    assert _results(serial) == _results(by_address) == _results(by_client)


def test_table_plot_and_bad_arguments(data, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    table = Table([{"hidden": h, "run": i, "seed": i, "accuracy": a, "seconds": 0.1}
                   for i, (h, a) in enumerate([(3, 0.5), (3, 0.7), (5, 0.9)])],
                  settings=["hidden"])
    ax = table.plot()
    assert ax.get_ylabel() == "accuracy" and list(ax.lines[0].get_xdata()) == [3, 5]
    X, y, _, _ = data
    with pytest.raises(ValueError, match="repeats"):
        sweep(make_model, {"hidden": [3]}, X, y, repeats=0)
    with pytest.raises(ValueError, match="cannot stack Softmax"):
        sweep(lambda: sn.Sequential([sn.Dense(2), sn.Softmax()], loss="mse"), {}, X, y)
    with pytest.raises(TypeError):
        repeat("model", X, y)


def test_cli_sweep_writes_its_tables(tmp_path, capsys):
    from scratchnet.cli import main

    assert main(["sweep", "--param", "hidden=3:6", "--param", "lr=0.01,0.1", "--repeats", "2",
                 "--epochs", "1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "test accuracy" in out and "12 networks, 1 epochs" in out
    assert len(open(tmp_path / "runs.csv").read().splitlines()) == 13
    assert len(open(tmp_path / "summary.csv").read().splitlines()) == 7
    assert main(["sweep", "--param", "hidden=a:b"]) == 2
    assert "is not a range" in capsys.readouterr().err
