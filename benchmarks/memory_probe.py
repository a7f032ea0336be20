"""Peak memory of one W1 training epoch for one library, in a fresh process.

Run by ``run.py``; prints one JSON line. Method: import the library and load the
MNIST training set, then reset the kernel's peak-RSS mark (``VmHWM``, by writing 5
to ``/proc/self/clear_refs``) and read ``VmRSS`` as the baseline; build the W1
network, train one epoch, and read ``VmHWM``: the growth is peak minus baseline. If
the mark cannot be reset, ``VmHWM`` before training serves as the baseline instead,
which understates growth that stays below an earlier peak.
"""

import argparse
import json

from common import limit_blas_threads, load_mnist, proc_status_kib, reset_peak_rss, set_xla_threads
import libs
from workloads import W1_SPEC


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", required=True, choices=list(libs.LIBRARIES))
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()

    set_xla_threads(args.threads)
    library = libs.load(args.lib, args.threads)
    X, y, _ = load_mnist("train")
    limit_blas_threads(args.threads)

    if reset_peak_rss():
        method = "VmHWM after one epoch minus VmRSS after imports + data load (VmHWM reset)"
        baseline = proc_status_kib("VmRSS")
    else:
        method = "VmHWM after one epoch minus VmHWM after imports + data load (no reset)"
        baseline = proc_status_kib("VmHWM")
    library.build(W1_SPEC).train_epoch(X, y)
    peak = proc_status_kib("VmHWM")
    print(json.dumps({"lib": args.lib, "baseline_mib": baseline / 1024, "peak_mib": peak / 1024,
                      "growth_mib": (peak - baseline) / 1024, "method": method}))


if __name__ == "__main__":
    main()
