"""Tests for scratchnet.plotting (matplotlib is imported only when a plot is made)."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from scratchnet import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class LogisticOfX0:
    """A fake binary classifier: P(class 1) = sigmoid(3 * x0).

    Records every attribute looked up on it, so a test can check that
    nothing but ``predict_proba`` was used.
    """

    def __init__(self):
        object.__setattr__(self, "accessed", [])

    def __getattribute__(self, name):
        if name != "accessed":
            object.__getattribute__(self, "accessed").append(name)
        return object.__getattribute__(self, name)

    def predict_proba(self, X):
        p = 1.0 / (1.0 + np.exp(-3.0 * X[:, 0]))
        return np.column_stack([1.0 - p, p])


class ThreeSectors:
    """A fake 3-class classifier: softmax of three linear scores."""

    def predict_proba(self, X):
        scores = np.column_stack([X[:, 0], X[:, 1], -X[:, 0] - X[:, 1]]) * 2.0
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def _legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_import_does_not_import_matplotlib():
    code = ("import sys, scratchnet, scratchnet.plotting, scratchnet.tutorials.matmul, "
            "scratchnet.tutorials.matmul_plot; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported too early'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_matplotlib_imported_on_first_call_with_agg_when_headless(tmp_path):
    code = (
        "import sys, os\n"
        "os.environ.pop('DISPLAY', None); os.environ.pop('WAYLAND_DISPLAY', None)\n"
        "os.environ.pop('MPLBACKEND', None)\n"
        "import scratchnet.plotting as p\n"
        "ax = p.plot_loss([3.0, 2.0, 1.0])\n"
        "assert 'matplotlib' in sys.modules\n"
        "import matplotlib\n"
        "if sys.platform.startswith('linux'):\n"
        "    assert matplotlib.get_backend().lower() == 'agg', matplotlib.get_backend()\n"
        f"p.save_figure(ax, {str(tmp_path / 'x.png')!r})\n"
    )
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert (tmp_path / "x.png").exists()


def test_missing_matplotlib_gives_helpful_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'scratchnet\[plot\]'"):
        plotting.require_matplotlib()


def test_plot_loss_history_mapping():
    history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.6],
               "accuracy": [0.5, 0.7, 0.8]}
    ax = plotting.plot_loss(history)
    assert isinstance(ax, Axes)
    assert len(ax.get_lines()) == 2
    assert _legend_texts(ax) == ["loss", "val_loss"]
    assert ax.get_xlabel() == "epoch"
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [1.1, 0.7, 0.6])
    assert ax.get_title()


def test_plot_loss_several_metrics_and_history_object():
    class History:
        history = {"loss": [1.0, 0.5], "accuracy": [0.6, 0.9], "val_accuracy": [0.5, 0.8]}

    ax = plotting.plot_loss(History(), metrics=("loss", "accuracy"))
    assert _legend_texts(ax) == ["loss", "accuracy", "val_accuracy"]
    ax2 = plotting.plot_loss(History.history, metrics=None)
    assert len(ax2.get_lines()) == 3


def test_plot_loss_plain_sequence_on_given_axes():
    fig, ax = plt.subplots()
    out = plotting.plot_loss([0.9, 0.5, 0.3, 0.2], ax=ax)
    assert out is ax
    assert len(ax.get_lines()) == 1
    assert ax.get_xlabel() == "iteration"
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3, 4])


def test_plot_loss_errors():
    with pytest.raises(ValueError, match="available"):
        plotting.plot_loss({"loss": [1.0]}, metrics=("accuracy",))
    with pytest.raises(ValueError, match="non-empty"):
        plotting.plot_loss([])


def _blobs(labels, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[-2.0, 0.0], [2.0, 0.5], [0.0, 2.5]])[: len(labels)]
    X = np.concatenate([c + rng.standard_normal((20, 2)) * 0.5 for c in centers])
    y = np.repeat(np.asarray(labels), 20)
    return X, y


def test_decision_boundary_binary_uses_only_predict_proba():
    X, y = _blobs(["benign", "malignant"])
    model = LogisticOfX0()
    ax = plotting.plot_decision_boundary(model, X, y, resolution=50)
    assert isinstance(ax, Axes)
    assert model.accessed == ["predict_proba"]  # called once, nothing else touched
    # filled contours, the 0.5 contour, and one scatter per class
    scatters = [c for c in ax.collections
                if type(c).__name__ == "PathCollection" and c.get_label() in ("benign", "malignant")]
    assert len(scatters) == 2
    assert len(ax.collections) >= 4
    assert sorted(_legend_texts(ax)) == ["benign", "malignant"]
    # the grid covers the data with a margin
    x0, x1 = ax.get_xlim()
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max()
    assert ax.get_xlabel() == "x0" and ax.get_title()


def test_decision_boundary_multiclass_shades_by_argmax():
    X, y = _blobs([10, 20, 30])
    ax = plotting.plot_decision_boundary(ThreeSectors(), X, y, resolution=30,
                                         feature_names=("a", "b"))
    assert len(ax.images) == 1
    rgba = ax.images[0].get_array()
    assert rgba.shape == (30, 30, 4)
    assert 0.0 <= rgba[..., 3].min() and rgba[..., 3].max() <= 0.6 + 1e-9
    assert len(ax.collections) == 3
    assert _legend_texts(ax) == ["10", "20", "30"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")


def test_decision_boundary_validates():
    X, y = _blobs([0, 1])
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_decision_boundary(LogisticOfX0(), np.ones((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="samples"):
        plotting.plot_decision_boundary(LogisticOfX0(), X, y[:-1])

    class Bad:
        def predict_proba(self, X):
            return np.ones((3, 2))

    with pytest.raises(ValueError, match="predict_proba"):
        plotting.plot_decision_boundary(Bad(), X, y, resolution=10)


def test_width_sweep_with_band_and_reference():
    widths = [64, 1, 4, 16, 2]
    mean = [0.97, 0.80, 0.93, 0.96, 0.88]
    std = [0.01, 0.05, 0.02, 0.01, 0.03]
    ax = plotting.plot_width_sweep(widths, mean, std, reference=0.9736,
                                   reference_label="tutorial 000")
    assert len(ax.get_lines()) == 2  # curve + reference line
    assert len(ax.collections) == 1  # the +/- std band
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 4, 16, 64])
    texts = _legend_texts(ax)
    assert texts[0] == "mean accuracy" and any("tutorial 000" in t for t in texts)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel().startswith("hidden width")


def test_width_sweep_minimal_and_mismatch():
    ax = plotting.plot_width_sweep([2, 3, 4], [0.5, 0.6, 0.7])
    assert len(ax.get_lines()) == 1 and len(ax.collections) == 0
    assert ax.get_xscale() == "linear"
    with pytest.raises(ValueError, match="mean_acc"):
        plotting.plot_width_sweep([1, 2], [0.5])


def test_qualitative_colors_are_distinct():
    for n in (3, 10, 15, 25):
        colors = plotting.qualitative_colors(n)
        assert len(colors) == n and len(set(colors)) == n


def test_save_figure(tmp_path):
    ax = plotting.plot_loss([1.0, 0.5])
    fig = ax.figure
    path = plotting.save_figure(ax, tmp_path / "new" / "dir" / "loss.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert not plt.fignum_exists(fig.number)  # closed
    fig2, axes = plt.subplots(1, 2)
    plotting.save_figure(axes, tmp_path / "two.pdf")
    plotting.save_figure(fig2, tmp_path / "again.svg")
    assert (tmp_path / "two.pdf").stat().st_size > 0
    assert (tmp_path / "again.svg").stat().st_size > 0
    with pytest.raises(TypeError):
        plotting.save_figure("not a figure", tmp_path / "x.png")
