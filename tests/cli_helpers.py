"""Shared helpers of the CLI tests: small CSV files and running the command line."""

import os
import subprocess
import sys

import numpy as np

from scratchnet.cli import main


def write_csv(path, n=120, seed=0, delimiter=",", classes=("no", "yes")):
    """Two numeric features, one text feature, a text label depending on them."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n) * 10 + 50
    colour = rng.choice(["red", "green", "blue"], size=n)
    score = x1 + (x2 - 50) / 10 + (colour == "red")
    cut = np.quantile(score, np.linspace(0, 1, len(classes) + 1)[1:-1])
    label = np.array(classes)[np.searchsorted(cut, score)]
    d = delimiter
    lines = [f"id{d}x1{d}x2{d}colour{d}label"]
    lines += [f"p{i}{d}{float(a)!r}{d}{float(b)!r}{d}{c}{d}{y}" for i, (a, b, c, y)
              in enumerate(zip(x1, x2, colour, label))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(argv, capsys):
    """``main(argv)`` in-process: (status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def run_subprocess(argv, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "scratchnet", *map(str, argv)],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def listing(folder):
    return sorted(p.name for p in folder.rglob("*"))
