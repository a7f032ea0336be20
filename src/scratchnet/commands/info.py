"""``scratchnet info MODEL``: what a model file holds, in words."""

from .. import __version__
from ..loading import load
from .options import format_options, resolve_options

__all__ = ["run_info", "describe_model"]


def _history_lines(history):
    if not history or not history.epochs:
        return ["History: not trained"]
    lines = [f"History: {history.epochs} epochs"]
    for key, values in history.items():
        best_fn = max if "acc" in key else min
        best = best_fn(range(len(values)), key=lambda i: values[i])
        lines.append(f"  {key:14} first {values[0]:.4f}  last {values[-1]:.4f}  best "
                     f"{values[best]:.4f} (epoch {best + 1})")
    return lines


def describe_model(model, path):
    """The text ``scratchnet info`` prints for ``model`` (loaded from ``path``)."""
    meta = model.metadata
    written_by = meta.get("scratchnet_version", "unknown")
    lines = [f"Model file: {path} (written by scratchnet {written_by}; this is scratchnet "
             f"{__version__})"]
    tabular = meta.get("tabular")
    if tabular is None:
        lines.append("Columns: none recorded (not trained by scratchnet train)")
    else:
        if tabular["task"] == "classification":
            lines.append(f"Task: classification of {tabular['target']!r} into "
                         f"{', '.join(str(c) for c in tabular['classes'])} "
                         f"({tabular['task_reason']})")
        else:
            lines.append(f"Task: regression of {tabular['target']!r} ({tabular['task_reason']})")
        lines.append(f"Input columns ({len(tabular['features'])}, matched by name):")
        for f in tabular["features"]:
            if f["kind"] == "numeric":
                lines.append(f"  {f['name']:24} numeric, standardized with mean {f['mean']:.6g}, "
                             f"scale {f['scale']:.6g}")
            else:
                lines.append(f"  {f['name']:24} categorical, one-hot: "
                             f"{', '.join(f['categories'])}")
        baseline = tabular["baseline"]
        lines.append("Baseline: " + (f"always {baseline['majority']!r} (training majority)"
                                     if "majority" in baseline else
                                     f"always {baseline['mean']:.6g} (training mean)"))
    train = meta.get("train")
    if train is not None:
        rows = train["rows"]
        lines.append(f"Trained on: {train['data']} (sha256 {train['data_sha256'][:16]}...), "
                     f"{rows['train']} training, {rows['val']} validation, {rows['test']} test "
                     "rows")
        opts = resolve_options({}, base=train["options"])
        lines.append(f"Options: {format_options(opts)} --epochs {opts['epochs']}")
    lines += _history_lines(model.history)
    lines.append(f"Parameters: {model.n_params:,}")
    lines.append(model.summary(print_fn=lambda text: None))
    return "\n".join(lines)


def run_info(model_path, print_fn=print):
    model = load(model_path)
    print_fn(describe_model(model, model_path))
    return 0
