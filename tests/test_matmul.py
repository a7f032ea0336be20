"""Tests for the matrix-multiplication ladder (scratchnet.tutorials.matmul) and its chart."""

import io
import re
import sys

import numpy as np
import pytest

from scratchnet.tutorials import matmul
from scratchnet.tutorials.matmul import (METHODS, MatmulTiming, format_seconds, format_speedup,
                                         time_methods)
from scratchnet.tutorials.matmul_bench import run_matmul_bench

FAST = ["broadcast", "einsum", "blas"]
SMALL_SHAPES = [(1, 1, 1), (1, 7, 1), (1, 9, 4), (6, 9, 1), (3, 5, 4), (4, 1, 3), (2, 0, 3)]


def _operands(shape, dtype, seed=0):
    m, k, n = shape
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, k)).astype(dtype),
            rng.standard_normal((k, n)).astype(dtype))


def test_registry_is_the_ladder_in_order():
    assert list(METHODS) == ["loops", "rowcol", "broadcast", "einsum", "blas"]
    for name, func in METHODS.items():
        assert func.__name__ == f"matmul_{name}"
        assert "Notes" in func.__doc__


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", SMALL_SHAPES)
@pytest.mark.parametrize("name", list(METHODS))
def test_small_products_match_numpy(name, shape, dtype):
    a, b = _operands(shape, dtype)
    got = METHODS[name](a, b)
    assert got.shape == (shape[0], shape[2])
    assert got.dtype == np.result_type(a, b)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(got, a.astype(np.float64) @ b.astype(np.float64),
                               rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", FAST + ["rowcol"])
def test_tutorial_shape_matches_numpy(name, dtype):
    # the tutorial's five MNIST images (5x784) times a 784x10 weight matrix
    a, b = _operands((5, 784, 10), dtype, seed=1)
    expected = a.astype(np.float64) @ b.astype(np.float64)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(METHODS[name](a, b), expected, rtol=tol, atol=tol * 30)


def test_loops_on_a_medium_shape_and_integers():
    a, b = _operands((4, 50, 6), np.float64, seed=2)
    np.testing.assert_allclose(matmul.matmul_loops(a, b), a @ b, rtol=1e-12)
    ai = np.arange(12).reshape(3, 4)
    bi = np.arange(8).reshape(4, 2) - 3
    for func in METHODS.values():
        got = func(ai, bi)
        np.testing.assert_array_equal(got, ai @ bi)
        assert got.dtype == (ai @ bi).dtype


def test_methods_accept_lists_and_do_not_modify_inputs():
    a, b = _operands((3, 4, 2), np.float64, seed=3)
    a0, b0 = a.copy(), b.copy()
    for func in METHODS.values():
        np.testing.assert_allclose(func(a.tolist(), b.tolist()), a0 @ b0, rtol=1e-12)
        func(a, b)
        np.testing.assert_array_equal(a, a0)
        np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize("name", list(METHODS))
def test_inner_dimension_mismatch_names_both_shapes(name):
    with pytest.raises(ValueError) as info:
        METHODS[name](np.ones((2, 3)), np.ones((4, 5)))
    msg = str(info.value)
    assert "(2, 3)" in msg and "(4, 5)" in msg
    assert f"matmul_{name}" in msg


@pytest.mark.parametrize("name", list(METHODS))
@pytest.mark.parametrize("a_shape, b_shape", [((3,), (3, 2)), ((2, 3), (3,)),
                                              ((1, 2, 3), (3, 2))])
def test_non_2d_input_raises(name, a_shape, b_shape):
    with pytest.raises(ValueError, match="2-D") as info:
        METHODS[name](np.ones(a_shape), np.ones(b_shape))
    assert str(a_shape) in str(info.value) and str(b_shape) in str(info.value)


def test_time_methods_tiny_shapes():
    shapes = [(2, 3, 4), (3, 8, 2)]
    recs = time_methods(shapes, repeats=2, seed=0, min_time=1e-4)
    assert len(recs) == len(shapes) * len(METHODS)
    assert all(isinstance(r, MatmulTiming) for r in recs)
    assert [r.method for r in recs[:5]] == list(METHODS)
    assert [r.shape for r in recs] == [s for s in shapes for _ in METHODS]
    for r in recs:
        assert not r.skipped
        assert 0 < r.best <= r.median
        assert r.repeats == 2 and r.number >= 1
        assert r.baseline == "loops"
        assert r.speedup == pytest.approx(
            next(q.best for q in recs if q.shape == r.shape and q.method == "loops") / r.best)
        assert r.max_abs_error < 1e-4
    loops = [r for r in recs if r.method == "loops"]
    assert all(r.speedup == 1.0 for r in loops)


def test_time_methods_skips_slow_methods_and_uses_slowest_baseline():
    recs = time_methods([(2, 3, 4), (4, 10, 5)], repeats=1, skip_slow_above=100,
                        min_time=1e-4)
    by = {(r.shape, r.method): r for r in recs}
    # 2*3*4 = 24 multiply-adds: under the limit, everything runs
    assert not any(by[(2, 3, 4), m].skipped for m in METHODS)
    # 4*10*5 = 200 > 100: loops and rowcol are skipped, with a note
    for m in ("loops", "rowcol"):
        r = by[(4, 10, 5), m]
        assert r.skipped and r.best is None and r.speedup is None
        assert "skipped" in r.note and "200" in r.note
    ran = [by[(4, 10, 5), m] for m in FAST]
    slowest = max(ran, key=lambda r: r.best)
    assert all(r.baseline == slowest.method for r in ran)
    assert slowest.speedup == 1.0
    assert all(r.speedup >= 1.0 for r in ran)


def test_time_methods_per_method_limits_and_subset():
    recs = time_methods([(3, 4, 5)], repeats=1, methods=["blas", "loops"],
                        skip_slow_above={"blas": 10}, min_time=1e-4)
    assert [r.method for r in recs] == ["loops", "blas"]  # ladder order
    assert recs[1].skipped and not recs[0].skipped


def test_time_methods_is_reproducible_in_its_operands():
    r1 = time_methods([(3, 4, 5)], repeats=1, methods=["loops"], seed=7)
    r2 = time_methods([(3, 4, 5)], repeats=1, methods=["loops"],
                      seed=np.random.default_rng(7))
    assert r1[0].max_abs_error == r2[0].max_abs_error


@pytest.mark.parametrize("kwargs, match", [
    ({"repeats": 0}, "repeats"),
    ({"methods": ["fast"]}, "loops"),
    ({"shapes": [(2, 3)]}, "triple"),
    ({"shapes": [(2, -1, 3)]}, "positive"),
])
def test_time_methods_rejects_bad_arguments(kwargs, match):
    args = {"shapes": [(2, 2, 2)], "repeats": 1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        time_methods(**args)


def test_time_methods_catches_a_wrong_method(monkeypatch):
    monkeypatch.setitem(METHODS, "blas", lambda a, b: (a @ b) + 1.0)
    with pytest.raises(RuntimeError, match="blas"):
        time_methods([(2, 3, 4)], repeats=1, methods=["blas"])


def test_format_table_mentions_every_record():
    recs = time_methods([(2, 3, 4), (4, 10, 5)], repeats=1, skip_slow_above=100,
                        min_time=1e-4)
    table = matmul.format_table(recs)
    assert table.count("\n") >= len(recs)
    for r in recs:
        assert r.method in table
    assert "2x3 @ 3x4" in table and "skipped" in table


@pytest.fixture
def pyplot():
    pytest.importorskip("matplotlib")
    from scratchnet.plotting import require_matplotlib

    plt = require_matplotlib()
    yield plt
    plt.close("all")


def test_ladder_chart_bars_skips_and_labels(pyplot):
    from scratchnet.tutorials.matmul_plot import plot_matmul_ladder

    recs = time_methods([(2, 3, 4), (4, 10, 5)], repeats=1, skip_slow_above=100,
                        min_time=1e-4)
    ax = plot_matmul_ladder(recs)
    ran = [r for r in recs if not r.skipped]
    assert len(ax.patches) == len(ran) == 8
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.method for r in recs]
    texts = [t.get_text() for t in ax.texts]
    assert "2x3 @ 3x4" in texts and "4x10 @ 10x5" in texts
    assert sum("skipped" in t for t in texts) == 2
    # each bar says what the table says: time, speed-up, and a baseline other than loops
    expected = [f"{format_seconds(r.best)}   {format_speedup(r.speedup)}"
                + ("" if r.baseline == "loops" else f" vs {r.baseline}") for r in ran]
    assert [t for t in texts if re.search(r"\dx( vs \w+)?$", t)] == expected
    # also accepts plain dicts
    ax2 = plot_matmul_ladder([r.as_dict() for r in recs])
    assert len(ax2.patches) == 8


def test_ladder_chart_needs_a_timing():
    from scratchnet.tutorials.matmul_plot import plot_matmul_ladder

    with pytest.raises(ValueError, match="at least one record with a positive time"):
        plot_matmul_ladder([{"method": "loops", "shape": (1, 1, 1), "skipped": True}])


def test_run_matmul_bench_writes_png(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setattr(matmul, "DEFAULT_SHAPES", ((2, 3, 4), (3, 40, 6)))
    path = tmp_path / "sub" / "ladder.png"
    out = io.StringIO()
    assert run_matmul_bench(plot_path=str(path), repeats=1, skip_slow_above=500,
                            file=out) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = out.getvalue()
    assert "3x40 @ 40x6" in text and "skipped" in text and str(path) in text


def test_run_matmul_bench_without_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes the import fail
    path = tmp_path / "ladder.png"
    out = io.StringIO()
    assert run_matmul_bench(plot_path=path, repeats=1, shapes=[(2, 2, 2)], file=out) == 0
    assert not path.exists()
    assert "pip install 'scratchnet[plot]'" in out.getvalue()
    assert "blas" in out.getvalue()


def test_cli_bench_matmul_calls_run_matmul_bench(tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    from scratchnet.cli import main

    monkeypatch.setattr(matmul, "DEFAULT_SHAPES", ((2, 3, 4),))
    path = tmp_path / "cli.png"
    assert main(["bench", "matmul", "--plot", str(path), "--repeats", "1"]) == 0
    assert path.exists()
    assert "loops" in capsys.readouterr().out
