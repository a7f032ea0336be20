"""Data, timing and machine description shared by the benchmark runner and the memory probe."""

import gc
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

PAUSE_S = 0.2  # OpenBLAS and OpenMP worker threads keep spinning for ~0.1 s after a call

REPO_ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- data


def load_mnist(split):
    """MNIST ``split`` ("train" or "test") as float32 (N, 784) in [0, 1] and int64 labels.

    Read by ``scratchnet.datasets.load_mnist`` from ``$SCRATCHNET_DATA`` (else
    scratchnet's cache folder, downloading once where a network exists).
    Returns (X, y, source).
    """
    from scratchnet.datasets import get_data_home, load_mnist as sn_load_mnist

    X, y = sn_load_mnist(split, as_float=True)
    return X, y.astype(np.int64), f"scratchnet.datasets.load_mnist ({get_data_home()}/mnist)"


def make_moons(n_samples, noise=0.1, seed=0):
    """Two interleaving half circles (2-D, 2 classes): float32 X, int64 y and the source."""
    from scratchnet.datasets import make_moons as sn_make_moons

    X, y = sn_make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64), "scratchnet.datasets.make_moons"


def set_xla_threads(threads):
    """Ask XLA (JAX) for ``threads`` CPU threads; only takes effect before jax is imported."""
    flags = (f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'} "
             f"intra_op_parallelism_threads={threads}")
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flags}".strip()


def limit_blas_threads(threads):
    """Limit every BLAS and OpenMP pool loaded so far to ``threads``; returns the limiter."""
    return threadpool_limits(limits=threads)


# ----------------------------------------------------------------------------- timing


def settle():
    """Let other libraries' worker threads go idle and collect garbage before a timed block."""
    gc.collect()
    time.sleep(PAUSE_S)


def timed(fn, *args):
    """Seconds one call of ``fn(*args)`` takes, after settling."""
    settle()
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def sgemm_gflops(n):
    """One timing of NumPy's float32 ``A @ B`` for n x n matrices, in GFLOP/s."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    return 2.0 * n**3 / timed(np.matmul, a, b) / 1e9


class ForeignLoad:
    """Average CPU use of everything but this process and its children, in cores.

    The machine is shared: this says how busy the others kept it while we measured.
    Counts user, system, interrupt and steal time from /proc/stat.
    """

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        with open("/proc/stat") as f:
            fields = map(int, f.readline().split()[1:9])
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields
        busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
        own = os.times()
        own_cpu = own.user + own.system + own.children_user + own.children_system
        return time.perf_counter(), busy, own_cpu

    def cores(self):
        wall0, busy0, own0 = self.start
        wall1, busy1, own1 = self._sample()
        return max(0.0, ((busy1 - busy0) - (own1 - own0)) / (wall1 - wall0))


# ----------------------------------------------------------------------------- memory


def proc_status_kib(field):
    """A ``/proc/self/status`` field such as VmRSS or VmHWM, in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss():
    """Reset VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs). True on success."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


# ----------------------------------------------------------------------------- machine


def _cpuinfo(field):
    """The value of the first ``field`` line of /proc/cpuinfo, or None."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(field):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model():
    return _cpuinfo("model name") or platform.processor() or "unknown"


def cpu_flags():
    return (_cpuinfo("flags") or "").split()


def _package_of(library_path):
    """The installed package a shared library ships with (e.g. "torch", "numpy.libs")."""
    parts = Path(library_path).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return str(Path(library_path).parent)


def memory_total_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def git_revision():
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def machine_info():
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory_total_gib(), 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "avx512": "avx512f" in cpu_flags(),
        "thread_pools": [
            {"api": pool["internal_api"], "version": pool.get("version"),
             "architecture": pool.get("architecture"), "num_threads": pool["num_threads"],
             "shipped_with": _package_of(pool["filepath"])}
            for pool in threadpool_info()
        ],
        "scratchnet_git": git_revision(),
    }
