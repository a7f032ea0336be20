"""Peak memory of ``sn.load`` on hostile model files, beside valid models.

Builds every hostile file of ``tests/hostile_files.py`` (and two more that
stress the JSON header), plus valid models, in a temporary folder; then loads
each in a fresh interpreter and reports the growth of its resident-set
high-water mark (``getrusage(RUSAGE_SELF).ru_maxrss``) from just after
``import scratchnet`` to just after the load, with the outcome and the time.

Usage (from the repository root)::

    python benchmarks/hostile_load_memory.py            # all files, Markdown table
    python benchmarks/hostile_load_memory.py --no-large # without the 0.8 GB valid model
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# This process stays small (no NumPy): on Linux a child's ru_maxrss starts
# from its parent's resident size at fork, so the files are built in one
# child and each is loaded in another.
_TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests")

_PROBE = r"""
import json, os, resource, sys, time
import scratchnet as sn
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    model = sn.load(sys.argv[1])
    outcome = f"loaded ({model.n_params:,} parameters)"
except BaseException as exc:
    outcome = f"{type(exc).__name__}: {str(exc).replace(sys.argv[1], '<file>')}"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open("/proc/self/status") as f:
    hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
print(json.dumps({"kib": peak - before, "baseline_kib": before, "hwm_kib": hwm,
                  "seconds": seconds, "outcome": outcome}))
"""


def _header_of_small_objects(hf, path):
    """A header just under the 4 MiB limit, filled with 400,000 tiny JSON objects (metadata)."""
    header = hf.header_of(path)
    header["content"]["metadata"] = {"notes": [{"a": 0}] * 400_000}
    return hf.forge(path, header)


def _long_history(hf, path):
    """A header just under the 4 MiB limit holding a history of 800,000 numbers."""
    header = hf.header_of(path)
    header["content"]["history"] = {"loss": [0.5] * 800_000}
    return hf.forge(path, header)


def _valid_large(path):
    """A valid model of the size the forged 'units=50000, input_dim=4000' header claims."""
    import numpy as np
    import scratchnet as sn

    X = np.random.default_rng(0).normal(size=(8, 4000)).astype(np.float32)
    model = sn.Sequential([sn.Dense(50000), sn.Dense(2)], optimizer=sn.SGD(lr=0.01), seed=0)
    model.fit(X, np.arange(8) % 2, epochs=1, batch_size=8)
    model.save(path)
    return path


def files(folder, large=True):
    """``[(name, path)]``: every hostile file, then the valid models."""
    sys.path.insert(0, _TESTS)
    import hostile_files as hf

    out = []
    for i, name in enumerate(hf.HOSTILE):
        out.append((name, hf.build(name, os.path.join(folder, f"hostile-{i}.npz"))))
    for name, build in [("4 MiB header of 400,000 small objects", _header_of_small_objects),
                        ("4 MiB header, history of 800,000 numbers", _long_history)]:
        path = hf.save_valid(os.path.join(folder, f"{len(out)}.npz"))
        out.append((name, build(hf, path)))
    out.append(("valid: the test model (12 + 2 units)",
                hf.save_valid(os.path.join(folder, "valid-small.npz"))))
    if large:
        out.append(("valid: Dense(50000) on 4000 features + Dense(2), SGD (0.8 GB)",
                    _valid_large(os.path.join(folder, "valid-large.npz"))))
    return out


def measure(path):
    done = subprocess.run([sys.executable, "-c", _PROBE, path], capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        return {"kib": None, "seconds": None, "outcome": f"crashed: {done.stderr[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-large", action="store_true", help="skip the 0.8 GB valid model")
    parser.add_argument("--build-into", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_into:  # the child that builds the files
        print(json.dumps(files(args.build_into, large=not args.no_large)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        builder = [sys.executable, os.path.abspath(__file__), "--build-into", folder]
        built = json.loads(subprocess.run(builder + ["--no-large"] * args.no_large, check=True,
                                          capture_output=True, text=True).stdout)
        print(f"built {len(built)} files in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        print("| file | size on disk | peak RSS growth (ru_maxrss) | VmHWM | load time | outcome |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        baselines = []
        for name, path in built:
            result = measure(path)
            baselines.append(result.get("baseline_kib"))
            growth = "-" if result["kib"] is None else f"{result['kib'] / 1024:.1f} MiB"
            hwm = "-" if result["kib"] is None else f"{result['hwm_kib'] / 1024:.0f} MiB"
            seconds = "-" if result["seconds"] is None else f"{result['seconds'] * 1e3:.0f} ms"
            outcome = result["outcome"]
            outcome = outcome if len(outcome) <= 110 else outcome[:107] + "..."
            print(f"| {name} | {os.path.getsize(path) / 1024:,.0f} KiB | {growth} | {hwm} | "
                  f"{seconds} | {outcome} |", flush=True)
        known = [b for b in baselines if b]
        print(f"\nbaseline after `import scratchnet`: {min(known) / 1024:.0f}-"
              f"{max(known) / 1024:.0f} MiB RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
