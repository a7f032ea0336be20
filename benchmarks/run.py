"""Benchmark scratchnet against PyTorch (eager and torch.compile), scikit-learn and JAX.

    python benchmarks/run.py [--quick] [--json PATH] [--only W1,W2,W3,W4,MEM,W5,W6,W7]
                             [--libs scratchnet,torch,torch_compile,sklearn,jax]

Every library runs in the same process and run, interleaved, on the same data;
libraries that are not installed are skipped and listed as such. Writes
benchmarks/RESULTS.md and benchmarks/results.png (see README.md).
"""

import argparse
import os
import shlex
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import common
import libs
import report
import workloads

HERE = Path(__file__).resolve().parent
WORKLOADS = ["W1", "W2", "W3", "W4", "MEM"]
ENSEMBLE_WORKLOADS = ["W5", "W6", "W7"]  # many networks at once: ensemble_workloads.py


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats: the whole run in about 3 minutes")
    parser.add_argument("--json", metavar="PATH", help="also write every number as JSON")
    parser.add_argument("--only", default=",".join(WORKLOADS), metavar="W1,W2,...",
                        help=f"workloads to run (default all: {','.join(WORKLOADS)})")
    parser.add_argument("--libs", default=",".join(libs.LIBRARIES), metavar="LIB,...",
                        help=f"libraries to run (default all: {','.join(libs.LIBRARIES)})")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                        help="threads for every library (default: all usable cores)")
    parser.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md",
                        help="where to write the Markdown report (default benchmarks/RESULTS.md)")
    parser.add_argument("--chart", type=Path, default=HERE / "results.png",
                        help="where to write the chart (default benchmarks/results.png)")
    args = parser.parse_args(argv)
    args.only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    args.libs = [n.strip() for n in args.libs.split(",") if n.strip()]
    for value, allowed, what in ((args.only, WORKLOADS + ENSEMBLE_WORKLOADS, "workload"),
                                 (args.libs, list(libs.LIBRARIES), "library")):
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            parser.error(f"unknown {what} {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return args


def make_logger():
    start = time.perf_counter()

    def log(message):
        print(f"[{time.perf_counter() - start:6.1f}s] {message}", flush=True)

    return log


def load_libraries(names, threads, log):
    loaded, skipped = {}, {}
    for name in names:
        try:
            loaded[name] = libs.load(name, threads)
        except libs.Unavailable as exc:
            skipped[name] = str(exc)
            log(f"SKIPPING {name}: {exc}")
            continue
        log(f"{loaded[name].label} {loaded[name].version}: {loaded[name].threads}")
    return loaded, skipped


def load_data(only):
    data, sources = {}, []
    if {"W1", "W3", "W4"} & set(only):
        data["X_train"], data["y_train"], source = common.load_mnist("train")
        data["X_test"], data["y_test"], _ = common.load_mnist("test")
        sources.append(f"MNIST from {source}")
    if "W2" in only:
        data["X_moons"], data["y_moons"], source = common.make_moons(workloads.W2_SAMPLES)
        sources.append(f"{workloads.W2_SAMPLES:,} moons points from {source}")
    return data, "; ".join(sources)


def main(argv=None):
    args = parse_args(argv)
    log = make_logger()
    started = time.perf_counter()
    plan = workloads.QUICK if args.quick else workloads.FULL

    common.set_xla_threads(args.threads)
    if set(args.only) & set(ENSEMBLE_WORKLOADS):
        run_ensemble_workloads(args, log)
        args.only = [w for w in args.only if w in WORKLOADS]
        if not args.only:
            return 0
    libraries, skipped = load_libraries(args.libs, args.threads, log)
    data, data_sources = load_data(args.only)
    common.limit_blas_threads(args.threads)  # after the imports, so every pool is covered
    machine = common.machine_info()
    log(f"{machine['cpu']}, {machine['usable_cpus']} usable cores, {args.threads} threads; "
        f"workloads {','.join(args.only)}; {'quick' if args.quick else 'full'} run")

    runners = {
        "W1": lambda: workloads.run_w1(libraries, data, plan, log),
        "W2": lambda: workloads.run_w2(libraries, data, plan, log),
        "W3": lambda: workloads.run_w3(libraries, data, plan, log),
        "W4": lambda: workloads.run_w4(libraries, data, plan, log),
        "MEM": lambda: workloads.run_memory(list(libraries), args.threads, log),
    }
    results, errors, context, foreign_load = {}, {}, {}, {}
    for workload in WORKLOADS:
        if workload not in args.only or not libraries:
            continue
        log(f"{workload} ...")
        load = common.ForeignLoad()
        measured, failed, extra = runners[workload]()
        foreign_load[workload] = load.cores()
        busy = foreign_load[workload]
        log(f"  other processes used {busy:.2f} cores on average during {workload}"
            + (" -- the numbers are suspect" if busy > report.NOISY_CORES else ""))
        results.update(measured)
        context.update(extra)
        errors[workload] = failed

    summary = report.summarize(results)
    full_report = {
        "command": shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "wall_s": time.perf_counter() - started,
        "threads": args.threads,
        "plan": asdict(plan),
        "machine": machine,
        "data_sources": data_sources,
        "requested_libraries": args.libs,
        "labels": {name: libs.LABELS[name] for name in args.libs},
        "libraries": {name: {"version": lib.version, "threads": lib.threads, "notes": lib.notes}
                      for name, lib in libraries.items()},
        "skipped": skipped,
        "context": context,
        "foreign_load_cores": foreign_load,
        "errors": {key: errs for key, errs in errors.items() if errs},
        "results": results,
        "summary": summary,
    }
    print()
    print(report.results_table(summary, args.libs, full_report["labels"],
                               full_report["errors"], skipped))
    report.write_markdown(args.markdown, full_report)
    report.write_chart(args.chart, full_report)
    if args.json:
        report.write_json(args.json, full_report)
    log(f"wrote {args.markdown}, {args.chart}" + (f", {args.json}" if args.json else ""))
    return 0


def run_ensemble_workloads(args, log):
    """W5-W7 (ensemble_workloads.py): their own table, in benchmarks/ENSEMBLE.md."""
    import json

    import ensemble_workloads

    common.limit_blas_threads(args.threads)
    machine = common.machine_info()
    blas = ", ".join(f"{p['api']} {p['version']} ({p['architecture']}, {p['num_threads']} "
                     f"threads, {p['shipped_with']})" for p in machine["thread_pools"])
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    log(f"{machine['cpu']}; BLAS: {blas}; {env}")
    workloads = [w for w in ENSEMBLE_WORKLOADS if w in args.only]
    results = ensemble_workloads.run(workloads, args.quick, log)
    table = ensemble_workloads.table(results)
    print()
    print(table)
    command = shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]])
    text = (f"# W5-W7: many networks at once\n\n{ensemble_workloads.__doc__.split(chr(10), 1)[1]}"
            f"\nCommand: `{command}` ({'quick' if args.quick else 'full'} run, "
            f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC})\n\n"
            f"Machine: {machine['cpu']}, {machine['usable_cpus']} usable cores, {args.threads} "
            f"threads; NumPy {machine['numpy']}; BLAS {blas}; environment {env}\n\n{table}\n")
    (HERE / "ENSEMBLE.md").write_text(text, encoding="utf-8")
    if args.json:
        Path(args.json).with_suffix(".ensemble.json").write_text(
            json.dumps({"command": command, "machine": machine, "results": results}, indent=2,
                       default=str), encoding="utf-8")
    log(f"wrote {HERE / 'ENSEMBLE.md'}")


if __name__ == "__main__":
    sys.exit(main())
