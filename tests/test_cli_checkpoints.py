"""Nothing lost: checkpoints, SIGKILL then --resume, Ctrl-C (SIGINT), divergence, early stopping.

"Bit-identical" is checked on the final parameters byte for byte, the
history, and the optimizer's update count, against a run never interrupted.
"""

import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import scratchnet as sn

from cli_helpers import run_cli, write_csv

EPOCHS = 100
N_ROWS, BATCH = 1500, 8
# 1500 rows: 900 training rows, so 113 batches per epoch.
BATCHES = math.ceil(0.6 * N_ROWS / BATCH)


def options(data, out, epochs=EPOCHS, *extra):
    return ["train", str(data), "--target", "label", "--out", str(out), "--ignore", "id",
            "--layers", "16", "--dropout", "0.1", "--batch-size", str(BATCH), "--epochs",
            str(epochs), "--checkpoint-every", "3", "--quiet", *extra]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The data and the model of an uninterrupted run of EPOCHS epochs."""
    folder = tmp_path_factory.mktemp("reference")
    data = write_csv(folder / "data.csv", n=N_ROWS)
    from scratchnet.cli import main

    assert main(options(data, folder / "full.npz")) == 0
    return data, sn.load(folder / "full.npz")


def assert_identical(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        assert wa.tobytes() == wb.tobytes()
    assert a.history == b.history
    assert a.optimizer.iterations == b.optimizer.iterations


def start_and_wait_for_checkpoint(data, out):
    proc = subprocess.Popen([sys.executable, "-m", "scratchnet", *options(data, out)[0:]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ckpt = f"{out}.ckpt"
    deadline = time.monotonic() + 120
    while not os.path.exists(ckpt):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.002)
    return proc, ckpt


def test_sigkill_mid_training_then_resume_is_bit_identical(reference, tmp_path, capsys):
    data, full = reference
    out = tmp_path / "model.npz"
    proc, ckpt = start_and_wait_for_checkpoint(data, out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    done = sn.load(ckpt).history.epochs
    assert 3 <= done < EPOCHS  # killed mid-training, after a checkpoint
    status, text, _ = run_cli(options(data, out, EPOCHS, "--resume"), capsys)
    assert status == 0, text
    assert f"Resuming from {ckpt}: {done} of {EPOCHS} epochs done" in text
    assert_identical(sn.load(out), full)
    assert not os.path.exists(ckpt)


def test_sigint_saves_the_last_completed_epoch_and_exits_130(reference, tmp_path, capsys):
    data, full = reference
    out = tmp_path / "model.npz"
    proc, ckpt = start_and_wait_for_checkpoint(data, out)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    saved = sn.load(ckpt)
    k = saved.history.epochs
    assert f"Interrupted: saved the model after epoch {k} of {EPOCHS} to {ckpt}" in stdout
    # Not half an epoch: the optimizer has made exactly k epochs of updates.
    assert saved.optimizer.iterations == k * BATCHES
    # ... and the weights are those of a run of exactly k epochs.
    status, _, _ = run_cli(options(data, tmp_path / "short.npz", k), capsys)
    assert status == 0
    assert_identical(saved, sn.load(tmp_path / "short.npz"))
    status, _, _ = run_cli(options(data, out, EPOCHS, "--resume"), capsys)
    assert status == 0
    assert_identical(sn.load(out), full)


def interrupt_after(monkeypatch, n_updates):
    """Make Adam raise KeyboardInterrupt (as Ctrl-C would) at update number ``n_updates``."""
    original = sn.Adam.step
    calls = {"n": 0}

    def step(self, params, grads):
        calls["n"] += 1
        if calls["n"] == n_updates:
            raise KeyboardInterrupt
        return original(self, params, grads)

    monkeypatch.setattr(sn.Adam, "step", step)


def test_interrupted_early_stopping_run_resumes_to_the_same_end(tmp_path, monkeypatch, capsys):
    data = write_csv(tmp_path / "d.csv", n=300)
    common = ["train", data, "--target", "label", "--ignore", "id", "--layers", "8",
              "--epochs", "400", "--early-stopping", "4", "--lr", "0.01", "--quiet",
              "--checkpoint-every", "0"]
    status, text, _ = run_cli(common + ["--out", tmp_path / "full.npz"], capsys)
    assert status == 0 and "stopped early" in text
    full = sn.load(tmp_path / "full.npz")
    stop, best = full.history.epochs, full.metadata["train"]["best_epoch"]
    assert best < stop < 400
    per_epoch = math.ceil(180 / 32)
    # Ctrl-C in the middle of the last epoch but one: after the best epoch, patience running
    interrupt_after(monkeypatch, (stop - 2) * per_epoch + 2)
    status, text, _ = run_cli(common + ["--out", tmp_path / "m.npz"], capsys)
    assert status == 130
    assert f"saved the model after epoch {stop - 2} of 400" in text
    monkeypatch.undo()
    status, text, _ = run_cli(common + ["--out", tmp_path / "m.npz", "--resume"], capsys)
    assert status == 0
    resumed = sn.load(tmp_path / "m.npz")
    assert_identical(resumed, full)  # the best epoch's weights, restored after the resume
    assert resumed.metadata["train"]["best_epoch"] == best


def test_divergence_stops_with_the_message_and_keeps_the_last_good_epoch(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", n=120)
    args = ["train", data, "--target", "x2", "--ignore", "id", "--layers", "16", "--quiet",
            "--optimizer", "sgd", "--lr", "1", "--epochs", "50", "--out", tmp_path / "m.npz"]
    status, out, err = run_cli(args, capsys)
    assert status == 1
    assert "training diverged in epoch 2" in err and "try a smaller one" in err
    assert "Training diverged: saved the model after epoch 1 of 50" in out
    assert not (tmp_path / "m.npz").exists()
    kept = sn.load(tmp_path / "m.npz.ckpt")
    assert kept.history.epochs == 1
    assert all(np.isfinite(w).all() for w in kept.get_weights())
    status, _, _ = run_cli(args[:-4] + ["--epochs", "1", "--out", tmp_path / "two.npz"], capsys)
    assert_identical(kept, sn.load(tmp_path / "two.npz"))


def test_out_is_never_replaced_nor_a_checkpoint_lost_without_force(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", n=60)
    args = ["train", data, "--target", "label", "--ignore", "id", "--layers", "4", "--epochs",
            "2", "--quiet", "--out", tmp_path / "m.npz"]
    assert run_cli(args, capsys)[0] == 0
    before = (tmp_path / "m.npz").read_bytes()
    status, _, err = run_cli(args + ["--seed", "1"], capsys)
    assert status == 2 and "m.npz already exists; pass --force to overwrite it" in err
    assert (tmp_path / "m.npz").read_bytes() == before
    status, out, _ = run_cli(args + ["--seed", "1", "--force"], capsys)
    assert status == 0 and "Replaced the existing" in out
    assert (tmp_path / "m.npz").read_bytes() != before
    (tmp_path / "m.npz").rename(tmp_path / "m.npz.ckpt")  # as if a run had been interrupted
    (tmp_path / "m.npz").unlink(missing_ok=True)
    status, _, err = run_cli(args, capsys)
    assert status == 2 and "holds an interrupted run; continue it with --resume" in err
    status, _, err = run_cli(args + ["--resume", "--layers", "9"], capsys)
    assert status == 2 and "--layers 9 differs from its (4,)" in err
