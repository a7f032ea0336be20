"""Packaging: NumPy-only core, the command line, the breast cancer demo."""

import subprocess
import sys

import scratchnet as sn
from scratchnet.cli import main


def test_import_pulls_no_optional_dependency():
    code = ("import sys, scratchnet, scratchnet.datasets, scratchnet.preprocessing; "
            "heavy = {'matplotlib', 'sklearn', 'torch', 'pandas', 'jax', 'scipy', 'tqdm'}; "
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_exist():
    for name in sn.__all__:
        assert hasattr(sn, name), name


def test_train_command_in_process(capsys):
    assert main(["train", "--epochs", "40", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Train accuracy" in out and "Test accuracy" in out
    accuracy = float(out.split("Test accuracy:")[1].split("%")[0])
    assert accuracy > 90.0


def test_python_dash_m_entry_point():
    out = subprocess.run([sys.executable, "-m", "scratchnet", "train", "--epochs", "2", "--quiet"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Test accuracy" in out.stdout


def test_cli_reports_bad_arguments():
    out = subprocess.run([sys.executable, "-m", "scratchnet", "train", "--epochs", "-3"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "'epochs' parameter of fit must be an int" in out.stderr
