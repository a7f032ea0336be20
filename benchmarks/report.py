"""Turn the measurements into a summary: RESULTS.md, the ratio chart and the JSON dump."""

import json
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    run: str  # the --only name of the workload that measures it
    workload: str
    name: str
    unit: str
    higher_is_better: bool
    fmt: str = "{:,.0f}"
    compare: str = "ratio"  # scratchnet / competitor, or "diff": scratchnet - competitor


W1 = "W1 MNIST 784-256-128-10, Adam, batch 128"
W3 = "W3 784-1024-1024-10, Adam, batch 512"
METRICS = [
    Metric("w1_speed", "W1", W1, "training throughput", "samples/s", higher_is_better=True),
    Metric("w1_accuracy", "W1", W1, "test accuracy after 5 epochs", "%", higher_is_better=True,
           fmt="{:.2f}", compare="diff"),
    Metric("w2_step", "W2", "W2 moons 2-64-2, SGD, batch 10", "time per training step", "us",
           higher_is_better=False, fmt="{:,.1f}"),
    Metric("w3_speed", "W3", W3, "training throughput", "samples/s", higher_is_better=True),
    Metric("w3_peak", "W3", W3, "share of NumPy sgemm peak", "%", higher_is_better=True,
           fmt="{:.1f}"),
    Metric("w4_speed", "W4", "W4 predict, 10,000 MNIST test rows", "predict throughput",
           "samples/s", higher_is_better=True),
    Metric("memory", "MEM", "W1 peak memory, one epoch", "peak RSS growth", "MiB",
           higher_is_better=False),
]
METRIC_BY_KEY = {m.key: m for m in METRICS}


@dataclass(frozen=True)
class Target:
    metric: str
    against: str  # competitor's name, or "" for scratchnet's own value
    op: str  # ">=", "<=" or "|<=|" (absolute difference)
    threshold: float
    text: str

    def check(self, value):
        if self.op == ">=":
            return value >= self.threshold
        if self.op == "<=":
            return value <= self.threshold
        return abs(value) <= self.threshold


TARGETS = [
    Target("w1_speed", "torch", ">=", 1.3, ">= 1.3x PyTorch eager"),
    Target("w1_speed", "sklearn", ">=", 1.5, ">= 1.5x sklearn"),
    Target("w1_accuracy", "torch", "|<=|", 0.3, "within 0.3 points of PyTorch eager"),
    Target("w2_step", "torch", "<=", 0.15, "<= 0.15x PyTorch eager"),
    Target("w3_peak", "", ">=", 75.0, ">= 75 % of sgemm peak"),
    Target("w4_speed", "torch", ">=", 1.0, ">= PyTorch eager"),
    Target("memory", "torch", "<=", 1.0, "<= PyTorch eager"),
]

REFERENCE = "scratchnet"
NOISY_CORES = 0.25  # other processes' average CPU use above which a workload's numbers are suspect


def summarize(results):
    """Per metric: each library's median / best / count and scratchnet's comparisons and targets."""
    rows = []
    for metric in METRICS:
        per_lib = results.get(metric.key)
        if per_lib is None:
            continue
        values = {}
        for name, samples in per_lib.items():
            if samples:
                best = max(samples) if metric.higher_is_better else min(samples)
                values[name] = {"median": statistics.median(samples), "best": best,
                                "n": len(samples), "samples": samples}
        comparisons = {}
        if REFERENCE in values:
            ours = values[REFERENCE]["median"]
            for name, v in values.items():
                if name != REFERENCE:
                    comparisons[name] = (ours - v["median"] if metric.compare == "diff"
                                         else ours / v["median"])
        targets = []
        for target in TARGETS:
            if target.metric != metric.key:
                continue
            value = (values[REFERENCE]["median"] if not target.against and REFERENCE in values
                     else comparisons.get(target.against))
            targets.append({"target": target.text, "value": value,
                            "met": None if value is None else bool(target.check(value))})
        rows.append({"metric": metric.key, "workload": metric.workload, "name": metric.name,
                     "unit": metric.unit, "higher_is_better": metric.higher_is_better,
                     "values": values, "comparisons": comparisons, "targets": targets})
    return rows


def _format_comparison(metric, value):
    if metric.compare == "diff":
        return f"{value:+.2f} pts"
    return f"{value:.2f}x"


def _verdict(target):
    if target["met"] is None:
        return f"{target['target']}: not measured"
    return f"{target['target']}: **{'met' if target['met'] else 'missed'}**"


def results_table(rows, names, labels, errors, skipped):
    """The main Markdown table: values (medians), scratchnet's comparisons and the targets."""
    competitors = [n for n in names if n != REFERENCE]
    header = (["Workload", "Metric"] + [labels.get(n, n) for n in names]
              + [f"scratchnet vs {labels.get(n, n)}" for n in competitors] + ["Target"])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        metric = METRIC_BY_KEY[row["metric"]]
        cells = [metric.workload, f"{metric.name} ({metric.unit})"]
        for name in names:
            if name in row["values"]:
                cells.append(metric.fmt.format(row["values"][name]["median"]))
            elif name in skipped:
                cells.append("skipped")
            elif name in errors.get(metric.run, {}):
                cells.append("error")
            else:
                cells.append("-")
        for name in competitors:
            value = row["comparisons"].get(name)
            cells.append("-" if value is None else _format_comparison(metric, value))
        cells.append("; ".join(_verdict(t) for t in row["targets"]) or "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def details_table(rows, labels):
    lines = ["| Metric | Library | median | best | measurements |", "|---|---|---|---|---|"]
    for row in rows:
        metric = METRIC_BY_KEY[row["metric"]]
        for name, v in row["values"].items():
            lines.append(f"| {metric.workload}: {metric.name} ({metric.unit}) | "
                         f"{labels.get(name, name)} | {metric.fmt.format(v['median'])} | "
                         f"{metric.fmt.format(v['best'])} | {v['n']} |")
    return "\n".join(lines)


def write_markdown(path, report):
    labels = report["labels"]
    names = report["requested_libraries"]
    machine = report["machine"]
    context = report["context"]
    lines = [
        "# scratchnet benchmark results",
        "",
        f"Measured {report['date']} with `{report['command']}` "
        f"({'quick' if report['quick'] else 'full'} run, {report['wall_s'] / 60:.1f} min).",
        "",
        "Values are medians over the repeats; \"scratchnet vs X\" is scratchnet's median divided "
        "by X's (for accuracy: the difference in percentage points), measured in the same run. "
        "For samples/s higher is better; for time per step and memory lower is better.",
        "",
        results_table(report["summary"], names, labels, report["errors"], report["skipped"]),
        "",
    ]
    noisy = {w: c for w, c in report["foreign_load_cores"].items() if c > NOISY_CORES}
    if noisy:
        lines += ["**Warning: other processes kept the machine busy during "
                  + ", ".join(f"{w} ({c:.2f} cores on average)" for w, c in noisy.items())
                  + ". Multi-threaded BLAS/OpenMP code slows down disproportionately when a "
                  "core is taken; treat those numbers with suspicion.**", ""]
    if report["skipped"]:
        lines += ["Skipped libraries: " + "; ".join(
            f"{labels.get(n, n)} ({why})" for n, why in report["skipped"].items()) + ".", ""]
    failures = [(workload, name, msg) for workload, errs in report["errors"].items()
                for name, msg in errs.items()]
    if failures:
        lines += ["Errors (the library was dropped from that workload):", ""]
        lines += [f"- {workload}, {labels.get(n, n)}: `{msg}`" for workload, n, msg in failures]
        lines.append("")
    lines += ["![scratchnet's advantage per workload](results.png)", "",
              "## Measurements", "",
              "\"best\" is the fastest repeat (lowest time, highest throughput). The W1 warm-up "
              "epoch is not counted.", "",
              details_table(report["summary"], labels), ""]
    if "sgemm_gflops" in context:
        lines += [f"NumPy sgemm peak in this run: {context['sgemm_gflops']:,.1f} GFLOP/s "
                  f"(float32 2048 x 2048 `A @ B`, best of {len(context['sgemm_gflops_all'])}, "
                  "timed between the W3 libraries in every round). W3 counts "
                  f"{context['w3_flops_per_sample']:,} FLOPs per training sample "
                  "(6 x weights - 2 x 784 x 1024: forward, weight gradients and input "
                  "gradients except the first layer's; biases and elementwise work not counted) "
                  f"over {context['w3_rows']:,} rows per epoch.", ""]
    lines += ["## Libraries", "", "| Library | Version | Threads | Notes |", "|---|---|---|---|"]
    for name, lib in report["libraries"].items():
        lines.append(f"| {labels[name]} | {lib['version']} | {lib['threads']} | "
                     f"{'; '.join(lib['notes'])} |")
    lines += ["", "## Machine", "",
              f"- CPU: {machine['cpu']} (AVX-512: {'yes' if machine['avx512'] else 'no'}), "
              f"{machine['logical_cpus']} logical CPUs ({machine['usable_cpus']} usable), "
              f"{machine['memory_gib']} GiB memory",
              f"- {machine['os']}, Python {machine['python']}, NumPy {machine['numpy']}",
              f"- scratchnet source: git {machine['scratchnet_git']}",
              "- BLAS / OpenMP pools loaded (threadpoolctl): " + "; ".join(
                  f"{p['api']}{' ' + p['version'] if p['version'] else ''} from "
                  f"{p['shipped_with']}"
                  f"{', ' + p['architecture'] + ' kernels' if p['architecture'] else ''}, "
                  f"{p['num_threads']} threads" for p in machine["thread_pools"]),
              f"- Data: {report['data_sources']}",
              "- The machine is shared. CPU used by other processes meanwhile (average cores, "
              "from /proc/stat minus this run's own processes): " + ", ".join(
                  f"{w} {cores:.2f}" for w, cores in report["foreign_load_cores"].items())
              + f" (of {machine['usable_cpus']}).",
              "", "## Method", "",
              "- Same float32 arrays for every library; each library warms up (and compiles) "
              "before anything is timed.",
              "- Libraries are interleaved: every repeat runs each library once, the starting "
              "library rotating, with a garbage collection and a 0.2 s pause before each timed "
              "block so that idle BLAS/OpenMP threads stop spinning.",
              "- W1: full shuffled epochs of the 60,000 training rows; samples/s per epoch after "
              "a warm-up epoch; test accuracy after 5 epochs from each library's own `predict`.",
              "- W2: 5,000 two-moons points; full epochs, time divided by the number of steps.",
              "- W3: the first rows of MNIST; full epochs; GFLOP/s = samples/s x FLOPs per "
              "sample, divided by the NumPy sgemm peak measured in the same run.",
              "- W4: each network first gets one epoch on 1,280 rows (scikit-learn cannot "
              "predict untrained), then `predict` on all 10,000 test rows at once.",
              "- Memory: each library in a fresh process: "
              + "; ".join(context.get("memory_method", ["not measured"]))
              + ". For torch.compile and JAX it includes what compilation takes.",
              ""]
    path.write_text("\n".join(lines))


def write_chart(path, report):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["labels"]
    rows = {row["metric"]: row for row in report["summary"]}
    ratio_keys = [k for k in ("w1_speed", "w2_step", "w3_speed", "w4_speed", "memory") if k in rows]
    competitors = [n for n in report["requested_libraries"] if n != REFERENCE]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), width_ratios=[3, 1.3])

    width = 0.8 / max(len(competitors), 1)
    for i, name in enumerate(competitors):
        xs, heights = [], []
        for j, key in enumerate(ratio_keys):
            ratio = rows[key]["comparisons"].get(name)
            if ratio:
                xs.append(j + (i - (len(competitors) - 1) / 2) * width)
                heights.append(ratio if METRIC_BY_KEY[key].higher_is_better else 1 / ratio)
        left.bar(xs, heights, width, label=f"vs {labels.get(name, name)}")
    for target in TARGETS:
        if target.metric in ratio_keys and target.against in competitors:
            j = ratio_keys.index(target.metric)
            i = competitors.index(target.against)
            x = j + (i - (len(competitors) - 1) / 2) * width
            goal = target.threshold if METRIC_BY_KEY[target.metric].higher_is_better \
                else 1 / target.threshold
            left.plot([x - width / 2, x + width / 2], [goal, goal], color="black", lw=2)
    left.axhline(1.0, color="grey", lw=1)
    left.set_yscale("log")
    left.set_xticks(range(len(ratio_keys)))
    left.set_xticklabels([{"w1_speed": "W1 train", "w2_step": "W2 step time",
                           "w3_speed": "W3 train", "w4_speed": "W4 predict",
                           "memory": "W1 memory"}[k] for k in ratio_keys])
    left.set_ylabel("scratchnet advantage (x, > 1 = scratchnet better)")
    left.set_title("scratchnet vs each library (black bars: targets)")
    left.legend(fontsize=8)

    if "w3_peak" in rows:
        values = rows["w3_peak"]["values"]
        names = [n for n in report["requested_libraries"] if n in values]
        right.bar(range(len(names)), [values[n]["median"] for n in names],
                  color=["C3" if n == REFERENCE else "C7" for n in names])
        right.axhline(75, color="black", lw=2, label="target 75 %")
        right.set_xticks(range(len(names)))
        right.set_xticklabels([labels.get(n, n) for n in names], rotation=30, ha="right")
        right.set_ylabel("% of NumPy sgemm peak")
        right.set_title("W3 compute efficiency")
        right.legend(fontsize=8)
    else:
        right.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_json(path, report):
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
