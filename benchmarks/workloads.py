"""The four workloads and the memory measurement, run over all libraries round-robin.

Every function returns ``(results, errors, context)``: results maps a metric key to
per-library lists of measurements in the metric's unit, errors maps a library that
raised to its message (it is dropped from that workload, the others go on), and
context holds the workload's other numbers.
"""

import json
import math
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import sgemm_gflops, timed
from libs import NetSpec

W1_SPEC = NetSpec(sizes=(784, 256, 128, 10), optimizer="adam", lr=1e-3, batch_size=128)
W2_SPEC = NetSpec(sizes=(2, 64, 2), optimizer="sgd", lr=0.01, batch_size=10)
W3_SPEC = NetSpec(sizes=(784, 1024, 1024, 10), optimizer="adam", lr=1e-3, batch_size=512)
W4_SPEC = W1_SPEC

ACCURACY_EPOCHS = 5  # W1 test accuracy is taken after this many epochs
W2_SAMPLES = 5000
W4_FIT_ROWS = 1280  # W4 nets first train one epoch on these rows: sklearn cannot predict untrained
SGEMM_N = 2048


@dataclass(frozen=True)
class Plan:
    """How many repeats each workload gets."""

    w1_epochs: int  # in all; the first is the warm-up, the accuracy is read after ACCURACY_EPOCHS
    w2_rounds: int
    w2_epochs_per_round: int
    w3_batches: int  # batches per W3 epoch
    w3_rounds: int
    w4_rounds: int
    w4_calls_per_round: int
    sgemm_per_round: int  # sgemm timings per W3 round, for the peak


QUICK = Plan(w1_epochs=5, w2_rounds=3, w2_epochs_per_round=1, w3_batches=12, w3_rounds=3,
             w4_rounds=3, w4_calls_per_round=3, sgemm_per_round=2)
FULL = Plan(w1_epochs=12, w2_rounds=15, w2_epochs_per_round=2, w3_batches=48, w3_rounds=9,
            w4_rounds=15, w4_calls_per_round=10, sgemm_per_round=2)


def flops_per_sample(sizes):
    """FLOPs one training sample needs.

    Forward, weight gradients and input gradients except the first layer's, 2 FLOPs
    per multiply-add; biases and elementwise work are not counted.
    """
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return 6 * n_weights - 2 * sizes[0] * sizes[1]


class Runs:
    """The libraries still in a workload; one that raises is dropped and its error kept."""

    def __init__(self, libs, log):
        self.alive = dict(libs)
        self.errors = {}
        self.log = log

    def call(self, name, fn, *args):
        """``fn(*args)``, or None after recording the exception and dropping ``name``."""
        try:
            return fn(*args)
        except Exception as exc:  # a library's failure must not end the other libraries' run
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            self.alive.pop(name, None)
            self.log(f"  {name} failed: {self.errors[name]}")
            return None

    def build(self, spec):
        nets = {name: self.call(name, lib.build, spec) for name, lib in list(self.alive.items())}
        return {name: net for name, net in nets.items() if name in self.alive}

    def rounds(self, count):
        """(round, library names) with the starting library rotating each round."""
        for r in range(count):
            names = list(self.alive)
            k = r % len(names) if names else 0
            yield r, names[k:] + names[:k]


def _summary_line(results, unit, fmt="{:,.0f}"):
    return ", ".join(f"{name} {fmt.format(statistics.median(values))}"
                     for name, values in results.items() if values) + f" {unit}"


def run_w1(libs, data, plan, log):
    """MNIST 784-256-128-10, Adam, batch 128: samples/s per epoch and test accuracy."""
    X, y, X_test, y_test = data["X_train"], data["y_train"], data["X_test"], data["y_test"]
    runs = Runs(libs, log)
    nets = runs.build(W1_SPEC)
    speed = {name: [] for name in nets}
    accuracy = {name: [] for name in nets}
    warmup_s = {}
    for epoch, names in runs.rounds(plan.w1_epochs):
        for name in names:
            seconds = runs.call(name, timed, nets[name].train_epoch, X, y)
            if seconds is not None and epoch == 0:
                warmup_s[name] = seconds
            elif seconds is not None:
                speed[name].append(len(X) / seconds)
            if seconds is not None and epoch + 1 == ACCURACY_EPOCHS:
                labels = runs.call(name, nets[name].predict, X_test)
                if labels is not None:
                    accuracy[name].append(100.0 * float(np.mean(labels == y_test)))
        if epoch == 0:
            log("  W1 warm-up epoch (compilation included): "
                + ", ".join(f"{name} {s:.1f}" for name, s in warmup_s.items()) + " s")
        else:
            log(f"  W1 epoch {epoch + 1}/{plan.w1_epochs}: " + _summary_line(speed, "samples/s"))
    log("  W1 test accuracy after 5 epochs: " + _summary_line(accuracy, "%", "{:.2f}"))
    return {"w1_speed": speed, "w1_accuracy": accuracy}, runs.errors, {"w1_warmup_s": warmup_s}


def run_w2(libs, data, plan, log):
    """Moons 2-64-2, SGD, batch 10: microseconds per training step over full epochs."""
    X, y = data["X_moons"], data["y_moons"]
    steps = plan.w2_epochs_per_round * math.ceil(len(X) / W2_SPEC.batch_size)
    runs = Runs(libs, log)
    nets = runs.build(W2_SPEC)
    for name in list(nets):
        runs.call(name, nets[name].train_epoch, X, y)  # warm-up

    def epochs(net):
        for _ in range(plan.w2_epochs_per_round):
            net.train_epoch(X, y)

    step_us = {name: [] for name in nets}
    for _, names in runs.rounds(plan.w2_rounds):
        for name in names:
            seconds = runs.call(name, timed, epochs, nets[name])
            if seconds is not None:
                step_us[name].append(1e6 * seconds / steps)
    log("  W2 time per step: " + _summary_line(step_us, "us", "{:,.1f}"))
    return {"w2_step": step_us}, runs.errors, {"w2_steps_per_round": steps}


def run_w3(libs, data, plan, log):
    """784-1024-1024-10, Adam, batch 512 on MNIST rows: samples/s and % of the sgemm peak.

    The sgemm peak is timed in every round too, between the libraries, and the best
    of all rounds counts, so that a noisy moment does not understate it.
    """
    rows = plan.w3_batches * W3_SPEC.batch_size
    X, y = data["X_train"][:rows], data["y_train"][:rows]
    flops = flops_per_sample(W3_SPEC.sizes)
    runs = Runs(libs, log)
    nets = runs.build(W3_SPEC)
    for name in list(nets):
        runs.call(name, nets[name].train_epoch, X, y)  # warm-up
    sgemm_gflops(SGEMM_N)  # warm-up
    peaks = []
    speed = {name: [] for name in nets}
    for _, names in runs.rounds(plan.w3_rounds):
        peaks += [sgemm_gflops(SGEMM_N) for _ in range(plan.sgemm_per_round)]
        for name in names:
            seconds = runs.call(name, timed, nets[name].train_epoch, X, y)
            if seconds is not None:
                speed[name].append(rows / seconds)
    peak = max(peaks)
    of_peak = {name: [100.0 * s * flops / 1e9 / peak for s in values]
               for name, values in speed.items()}
    log(f"  NumPy sgemm peak ({SGEMM_N}x{SGEMM_N} float32, best of {len(peaks)}): "
        f"{peak:,.1f} GFLOP/s (median {statistics.median(peaks):,.1f})")
    log("  W3 training: " + _summary_line(speed, "samples/s"))
    log("  W3 share of sgemm peak: " + _summary_line(of_peak, "%", "{:.1f}"))
    context = {"sgemm_gflops": peak, "sgemm_gflops_all": peaks, "w3_flops_per_sample": flops,
               "w3_rows": rows}
    return {"w3_speed": speed, "w3_peak": of_peak}, runs.errors, context


def run_w4(libs, data, plan, log):
    """``predict`` on the 10,000 MNIST test rows with the W1 network: samples/s."""
    X_test = data["X_test"]
    runs = Runs(libs, log)
    nets = runs.build(W4_SPEC)
    for name in list(nets):
        runs.call(name, nets[name].train_epoch, data["X_train"][:W4_FIT_ROWS],
                  data["y_train"][:W4_FIT_ROWS])
        for _ in range(2):  # warm-up (and compilation)
            runs.call(name, nets[name].predict, X_test)

    def predicts(net):
        for _ in range(plan.w4_calls_per_round):
            net.predict(X_test)

    speed = {name: [] for name in nets if name in runs.alive}
    for _, names in runs.rounds(plan.w4_rounds):
        for name in names:
            seconds = runs.call(name, timed, predicts, nets[name])
            if seconds is not None:
                speed[name].append(plan.w4_calls_per_round * len(X_test) / seconds)
    log("  W4 predict: " + _summary_line(speed, "samples/s"))
    return {"w4_speed": speed}, runs.errors, {}


def run_memory(names, threads, log):
    """Peak RSS growth of one W1 epoch per library, each in a fresh process (memory_probe.py)."""
    probe = Path(__file__).with_name("memory_probe.py")
    growth, errors, methods = {}, {}, set()
    for name in names:
        command = [sys.executable, str(probe), "--lib", name, "--threads", str(threads)]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            errors[name] = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            log(f"  {name} failed: {errors[name]}")
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        growth[name] = [result["growth_mib"]]
        methods.add(result["method"])
        log(f"  memory {name}: +{result['growth_mib']:,.1f} MiB over {result['baseline_mib']:,.1f} "
            f"MiB after imports and data load")
    return {"memory": growth}, errors, {"memory_method": sorted(methods)}
