"""W5, W6, W7: many networks at once, scratchnet's lockstep Ensemble against one at a time and JAX.

    python benchmarks/run.py --only W5,W6,W7 [--quick] [--json PATH]

* W5: 100 moons networks 2-64-2, SGD lr 0.01, batch 10, on 5,000 points:
  microseconds per network-step.
* W6: the width sweep of tutorial 003, hidden widths 3..39 x 3 repeats (111
  networks, padded to the widest in one computation), batch 10, a fixed
  fraction of its 100 epochs: seconds for that fraction, and per network-step.
* W7: 10 networks of W1's shape (784-256-128-10, Adam, batch 128) on MNIST rows:
  MNIST rows per second through all 10 networks.

Every variant runs in the same process and run, interleaved round by round:
``ensemble`` (``sn.Ensemble(...).fit(epochs=1)`` per epoch), ``serial`` (one
``Sequential`` per network, ``fit(epochs=1)``; W5 and W6 time a sample of the
networks when the plan says so, and the table says which), ``jax_loop``
(``jit(vmap(step))`` called per batch) and ``jax_scan`` (the epoch as one
``lax.scan``). Peak memory: VmHWM growth over the RSS before the variant's
first epoch (the kernel's mark reset before each), in MiB.
"""

import statistics
import time
from dataclasses import dataclass

import numpy as np

from common import make_moons, load_mnist, proc_status_kib, reset_peak_rss, settle

import scratchnet as sn

W5_NETS, W5_SAMPLES = 100, 5000
W6_WIDTHS, W6_REPEATS, W6_FULL_EPOCHS = tuple(range(3, 40)), 3, 100
W7_NETS, W7_SIZES = 10, (784, 256, 128, 10)


@dataclass(frozen=True)
class EnsemblePlan:
    rounds: int
    w5_epochs: int  # timed epochs per round
    w5_serial_nets: int  # networks timed one at a time (the rest extrapolated)
    w6_epochs: int  # the fraction of W6's 100 epochs timed per round
    w6_serial_every: int  # one repeat of every n-th width, one at a time
    w7_rows: int
    w7_chunks: tuple  # ensemble chunk sizes tried for W7


QUICK = EnsemblePlan(rounds=2, w5_epochs=1, w5_serial_nets=5, w6_epochs=1, w6_serial_every=6,
                     w7_rows=2560, w7_chunks=(10, 5))
FULL = EnsemblePlan(rounds=3, w5_epochs=2, w5_serial_nets=10, w6_epochs=2, w6_serial_every=3,
                    w7_rows=3840, w7_chunks=(10, 5))


def _mlp(hidden, classes, optimizer, seed=0):
    layers = []
    for width in hidden:
        layers += [sn.Dense(width), sn.ReLU()]
    return sn.Sequential(layers + [sn.Dense(classes)], optimizer=optimizer, seed=seed)


class EnsembleVariant:
    def __init__(self, templates, chunk=None):
        chunk = chunk or len(templates)
        seeds = sn.Ensemble(templates[0], n_models=len(templates)).seeds
        self.parts = [sn.Ensemble(templates[i:i + chunk], seeds=seeds[i:i + chunk])
                      for i in range(0, len(templates), chunk)]

    def train_epoch(self, X, y, batch_size):
        for part in self.parts:
            part.fit(X, y, epochs=1, batch_size=batch_size)


class SerialVariant:
    def __init__(self, templates):
        self.models = templates

    def train_epoch(self, X, y, batch_size):
        for model in self.models:
            model.fit(X, y, epochs=1, batch_size=batch_size)


class JaxVariant:
    def __init__(self, net):
        self.net = net

    def train_epoch(self, X, y, batch_size):
        self.net.train_epoch(X, y)


def _measure(variants, X, y, batch_size, rounds, epochs, log, label):
    """Seconds per timed block (``epochs`` epochs) per variant, interleaved; and peak memory."""
    seconds = {name: [] for name in variants}
    memory = {}
    for name, variant in variants.items():  # warm-up (and JAX compilation), memory
        settle()
        reset = reset_peak_rss()
        base = proc_status_kib("VmRSS" if reset else "VmHWM")
        variant.train_epoch(X, y, batch_size)
        memory[name] = (proc_status_kib("VmHWM") - base) / 1024
    for r in range(rounds):
        names = list(variants)
        names = names[r % len(names):] + names[:r % len(names)]
        for name in names:
            settle()
            start = time.perf_counter()
            for _ in range(epochs):
                variants[name].train_epoch(X, y, batch_size)
            seconds[name].append(time.perf_counter() - start)
        log(f"  {label} round {r + 1}/{rounds}: "
            + ", ".join(f"{n} {statistics.median(s):.2f} s" for n, s in seconds.items()))
    return {n: statistics.median(s) for n, s in seconds.items()}, memory


def _jax_variants(sizes, K, optimizer, lr, batch_size, widths=None):
    try:
        from libs.jax_ensemble import JaxEnsemble
    except ImportError as exc:
        return {}, f"JAX not available ({exc})"
    return {f"jax_{kind}": JaxVariant(JaxEnsemble(sizes, K, optimizer, lr, batch_size,
                                                  widths=widths, scan=kind == "scan"))
            for kind in ("loop", "scan")}, None


def run_w5(plan, log):
    """100 moons networks 2-64-2, SGD, batch 10: microseconds per network-step."""
    X, y, _ = make_moons(W5_SAMPLES)
    bs, lr = 10, 0.01
    steps = -(-len(X) // bs) * plan.w5_epochs
    sgd = lambda: sn.SGD(lr=lr)  # noqa: E731
    variants = {"ensemble": EnsembleVariant([_mlp((64,), 2, sgd())] * W5_NETS)}
    seeds = variants["ensemble"].parts[0].seeds
    variants["serial"] = SerialVariant([
        sn.Sequential.from_config({**_mlp((64,), 2, sgd()).get_config(), "seed": s})
        for s in seeds[:plan.w5_serial_nets]])
    jax_variants, skipped = _jax_variants((2, 64, 2), W5_NETS, "sgd", lr, bs)
    variants.update(jax_variants)
    seconds, memory = _measure(variants, X, y, bs, plan.rounds, plan.w5_epochs, log, "W5")
    nets = {"ensemble": W5_NETS, "serial": plan.w5_serial_nets, "jax_loop": W5_NETS,
            "jax_scan": W5_NETS}
    us = {n: 1e6 * s / (nets[n] * steps) for n, s in seconds.items()}
    return {"metric": "us per network-step", "values": us, "memory_mib": memory,
            "notes": {"serial": f"{plan.w5_serial_nets} of {W5_NETS} networks timed "
                                "(per network-step it does not depend on how many)"},
            "skipped": skipped}


def run_w6(plan, log):
    """The width sweep 3..39 x 3, batch 10: seconds for a fraction of its 100 epochs."""
    X, y, _ = make_moons(W5_SAMPLES)
    bs, lr = 10, 0.01
    widths = [w for w in W6_WIDTHS for _ in range(W6_REPEATS)]
    templates = [_mlp((w,), 2, sn.SGD(lr=lr)) for w in widths]
    variants = {"ensemble": EnsembleVariant(templates)}
    seeds = variants["ensemble"].parts[0].seeds
    sample = list(range(0, len(widths), W6_REPEATS * plan.w6_serial_every))
    variants["serial"] = SerialVariant([
        sn.Sequential.from_config({**templates[i].get_config(), "seed": seeds[i]})
        for i in sample])
    jax_variants, skipped = _jax_variants((2, max(widths), 2), len(widths), "sgd", lr, bs,
                                          widths=[(w,) for w in widths])
    variants.update(jax_variants)
    seconds, memory = _measure(variants, X, y, bs, plan.rounds, plan.w6_epochs, log, "W6")
    # One at a time, the cost grows with the width: scale the sampled widths'
    # time by the sweep's total over the sample's total of hidden units + 1.
    weight = sum(w + 1 for w in widths) / sum(widths[i] + 1 for i in sample)
    seconds["serial"] *= weight
    fraction = plan.w6_epochs / W6_FULL_EPOCHS
    return {"metric": f"s for {plan.w6_epochs} of the sweep's {W6_FULL_EPOCHS} epochs "
                      f"({len(widths)} networks)",
            "values": seconds, "memory_mib": memory,
            "notes": {"serial": f"extrapolated from {len(sample)} of {len(widths)} networks "
                                f"(one of every {plan.w6_serial_every}th width), by hidden "
                                "units; full sweep x" + f"{1 / fraction:g}"},
            "skipped": skipped}


def run_w7(plan, log):
    """10 networks of W1's shape on MNIST rows, Adam, batch 128: samples/s per network."""
    X, y, _ = load_mnist("train")
    X, y = X[:plan.w7_rows], y[:plan.w7_rows]
    bs, lr = 128, 1e-3
    templates = [_mlp(W7_SIZES[1:-1], 10, sn.Adam(lr=lr)) for _ in range(W7_NETS)]
    variants = {f"ensemble_chunk{c}": EnsembleVariant(templates, chunk=c) for c in plan.w7_chunks}
    seeds = variants[f"ensemble_chunk{plan.w7_chunks[0]}"].parts[0].seeds
    variants["serial"] = SerialVariant([
        sn.Sequential.from_config({**t.get_config(), "seed": s})
        for t, s in zip(templates, seeds)])
    jax_variants, skipped = _jax_variants(W7_SIZES, W7_NETS, "adam", lr, bs)
    variants.update(jax_variants)
    seconds, memory = _measure(variants, X, y, bs, plan.rounds, 1, log, "W7")
    speed = {n: W7_NETS * len(X) / s / W7_NETS for n, s in seconds.items()}
    return {"metric": "MNIST rows/s through all 10 networks", "values": speed, "memory_mib": memory,
            "notes": {}, "skipped": skipped}


RUNNERS = {"W5": run_w5, "W6": run_w6, "W7": run_w7}
LOWER_IS_BETTER = {"W5": True, "W6": True, "W7": False}


def table(results):
    """A Markdown table: each variant's value, its ratio to serial, and its peak memory."""
    lines = ["| workload | variant | value | vs serial | peak memory (MiB) |",
             "| --- | --- | --- | --- | --- |"]
    for workload, res in results.items():
        serial = res["values"].get("serial")
        for name, value in res["values"].items():
            if serial:
                ratio = serial / value if LOWER_IS_BETTER[workload] else value / serial
                speedup = f"{ratio:.2f}x faster" if ratio >= 1 else f"{1 / ratio:.2f}x slower"
            else:
                speedup = "-"
            note = res["notes"].get(name)
            lines.append(f"| {workload} ({res['metric']}) | {name}{f' ({note})' if note else ''} "
                         f"| {value:,.2f} | {speedup if name != 'serial' else '1'} "
                         f"| {res['memory_mib'].get(name, float('nan')):,.1f} |")
    return "\n".join(lines)


def run(workloads, quick, log):
    plan = QUICK if quick else FULL
    results = {}
    for workload in workloads:
        log(f"{workload} ...")
        results[workload] = RUNNERS[workload](plan, log)
        if results[workload]["skipped"]:
            log(f"  {results[workload]['skipped']}")
    return results
