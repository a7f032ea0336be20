"""The matrix-multiplication ladder of tutorial 000, and a benchmark that climbs it.

A dense layer is one matrix product, ``Z = X @ W``, so how the product is
computed decides how fast a network trains. The five functions below compute
the same product

.. math::

    C_{ij} = \\sum_{p=0}^{k-1} A_{ip} B_{pj},
    \\qquad A \\in \\mathbb{R}^{m \\times k},\\ B \\in \\mathbb{R}^{k \\times n},

and differ only in how much of the work the Python interpreter does. Each rung
moves one more loop out of Python into compiled code:

========== ============================================ ======================
name       Python-level iterations                      work done in C
========== ============================================ ======================
loops      ``m * n * k`` (every multiply-add)           none
rowcol     ``m * n`` (one dot product each)             length-``k`` products
broadcast  ``m`` (one row of ``C`` each)                a ``k x n`` temporary
einsum     1                                            NumPy's own C loops
blas       1                                            a tuned BLAS ``gemm``
========== ============================================ ======================

:data:`METHODS` lists them in that order; :func:`time_methods` times them and
:func:`scratchnet.tutorials.matmul_bench.run_matmul_bench` (the ``scratchnet bench matmul`` command) prints the
table and draws the chart (:func:`scratchnet.tutorials.matmul_plot.plot_matmul_ladder`).
"""

import dataclasses
import statistics
import time
from types import MappingProxyType

import numpy as np

__all__ = [
    "METHODS",
    "DEFAULT_SHAPES",
    "SKIP_SLOW_ABOVE",
    "MatmulTiming",
    "matmul_loops",
    "matmul_rowcol",
    "matmul_broadcast",
    "matmul_einsum",
    "matmul_blas",
    "time_methods",
    "format_seconds",
    "format_speedup",
    "format_shape",
    "format_table",
]


def _check_operands(a, b, name):
    """Return ``a, b`` as arrays after checking they are 2-D and conformable."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(
            f"{name} expects two 2-D arrays; got a with shape {a.shape} "
            f"and b with shape {b.shape}"
        )
    if a.shape[1] != b.shape[0]:
        raise ValueError(
            f"{name}: inner dimensions differ: a has shape {a.shape} and b has "
            f"shape {b.shape}; a.shape[1] ({a.shape[1]}) must equal "
            f"b.shape[0] ({b.shape[0]})"
        )
    return a, b


def matmul_loops(a, b):
    """Matrix product with three nested Python loops (rung 1: the slowest).

    Parameters
    ----------
    a : array_like of shape (m, k)
    b : array_like of shape (k, n)

    Returns
    -------
    c : ndarray of shape (m, n)
        ``c[i, j] = sum_p a[i, p] * b[p, j]``, with dtype
        ``np.result_type(a, b)``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, or ``a.shape[1] != b.shape[0]``.

    Notes
    -----
    Cost: ``m * n * k`` iterations of the interpreter, each one a multiply,
    an add, two list look-ups and a loop step, about 50-100 ns apiece, so
    roughly a thousand times slower than a compiled loop. The operands are
    first turned into nested Python lists, so the loop really is pure Python:
    each ``c[i, j]`` is accumulated in a Python ``float`` (so float32 inputs are
    summed in double precision) and stored once. Indexing the NumPy arrays
    element by element instead, as the tutorial does with tensors, is another
    five to ten times slower, because every ``a[i, p]`` creates a new NumPy
    scalar object.

    Examples
    --------
    >>> matmul_loops([[1, 2]], [[3], [4]]).tolist()
    [[11]]
    """
    a, b = _check_operands(a, b, "matmul_loops")
    m, k = a.shape
    n = b.shape[1]
    a_rows = a.tolist()
    b_rows = b.tolist()
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    for i in range(m):
        a_row = a_rows[i]
        for j in range(n):
            acc = 0
            for p in range(k):
                acc += a_row[p] * b_rows[p][j]
            out[i, j] = acc
    return out


def matmul_rowcol(a, b):
    """Matrix product as ``m * n`` dot products of a row and a column (rung 2).

    Parameters
    ----------
    a : array_like of shape (m, k)
    b : array_like of shape (k, n)

    Returns
    -------
    c : ndarray of shape (m, n)
        ``c[i, j] = (a[i, :] * b[:, j]).sum()``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, or ``a.shape[1] != b.shape[0]``.

    Notes
    -----
    Cost: the innermost loop over ``k`` now runs in C (an element-wise product
    and a sum), but Python still visits each of the ``m * n`` outputs, paying a
    few microseconds of call overhead and a length-``k`` temporary each time.
    The column ``b[:, j]`` is strided in memory, which wastes cache lines.
    For the tutorial's 5x784 @ 784x10 this is ten to twenty times faster than
    :func:`matmul_loops`; the gain grows with ``k``.
    """
    a, b = _check_operands(a, b, "matmul_rowcol")
    m, n = a.shape[0], b.shape[1]
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    for i in range(m):
        for j in range(n):
            out[i, j] = (a[i, :] * b[:, j]).sum()
    return out


def matmul_broadcast(a, b):
    """Matrix product one output row at a time, by broadcasting (rung 3).

    Parameters
    ----------
    a : array_like of shape (m, k)
    b : array_like of shape (k, n)

    Returns
    -------
    c : ndarray of shape (m, n)
        ``c[i] = (a[i, :, None] * b).sum(axis=0)``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, or ``a.shape[1] != b.shape[0]``.

    Notes
    -----
    ``a[i, :, None]`` has shape ``(k, 1)``; broadcasting it against ``b``
    (``(k, n)``) scales row ``p`` of ``b`` by ``a[i, p]``, and summing over
    axis 0 gives row ``i`` of the product. Python now loops only ``m`` times.
    Cost: each step writes and rereads a ``k x n`` temporary, so the work is
    memory-bound (about three memory passes per multiply-add) rather than
    compute-bound, and it runs on one core.
    """
    a, b = _check_operands(a, b, "matmul_broadcast")
    m, n = a.shape[0], b.shape[1]
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    for i in range(m):
        out[i] = (a[i, :, None] * b).sum(axis=0)
    return out


def matmul_einsum(a, b):
    """Matrix product by Einstein summation, ``np.einsum('ik,kj->ij', a, b)`` (rung 4).

    Parameters
    ----------
    a : array_like of shape (m, k)
    b : array_like of shape (k, n)

    Returns
    -------
    c : ndarray of shape (m, n)

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, or ``a.shape[1] != b.shape[0]``.

    Notes
    -----
    The subscripts say it all: the index ``k`` appears in both inputs and not
    in the output, so it is summed over. No Python loop is left. With the
    default ``optimize=False`` NumPy evaluates the sum with its own compiled,
    SIMD-vectorized sum-of-products loops, with no temporaries; it does not
    block for the cache nor use several threads the way a BLAS library does, so
    it usually trails :func:`matmul_blas` on large matrices.
    """
    a, b = _check_operands(a, b, "matmul_einsum")
    return np.einsum("ik,kj->ij", a, b)


def matmul_blas(a, b):
    """Matrix product with the ``@`` operator, which calls BLAS ``gemm`` (rung 5).

    Parameters
    ----------
    a : array_like of shape (m, k)
    b : array_like of shape (k, n)

    Returns
    -------
    c : ndarray of shape (m, n)

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not 2-D, or ``a.shape[1] != b.shape[0]``.

    Notes
    -----
    For float32/float64 operands NumPy hands the product to the BLAS library
    it was built with (OpenBLAS, MKL or Accelerate). Its ``gemm`` splits the
    matrices into blocks that fit in the caches, runs hand-written vector
    kernels and uses every core, reaching a large fraction of the machine's
    peak flops. This is what a layer's forward pass should use. (Integer
    arrays do not go through BLAS and are much slower.)
    """
    a, b = _check_operands(a, b, "matmul_blas")
    return a @ b


#: The ladder, from slowest to fastest: name -> function ``f(a, b)``.
METHODS = {
    "loops": matmul_loops,
    "rowcol": matmul_rowcol,
    "broadcast": matmul_broadcast,
    "einsum": matmul_einsum,
    "blas": matmul_blas,
}

#: ``(m, k, n)`` problems timed by default: ``(m, k) @ (k, n)``. The first is the
#: tutorial's five MNIST images times a 784x10 weight matrix.
DEFAULT_SHAPES = ((5, 784, 10), (64, 784, 256), (512, 1024, 1024))

#: Largest problem, in multiply-adds ``m * k * n``, on which each slow method
#: is still timed; methods not listed always run. With the default shapes the
#: triple loop runs on the tutorial's shape only (it would take about a second
#: per call on 64x784 @ 784x256) and the row-column loop on the first two.
SKIP_SLOW_ABOVE = MappingProxyType({"loops": 1_000_000, "rowcol": 50_000_000})


@dataclasses.dataclass(frozen=True)
class MatmulTiming:
    """Timing of one method on one shape, as returned by :func:`time_methods`.

    Attributes
    ----------
    method : str
        Key of :data:`METHODS`.
    shape : tuple of int
        ``(m, k, n)``: the product ``(m, k) @ (k, n)``.
    best, median : float or None
        Seconds per call: the fastest and the median of the repeats
        (``None`` when skipped).
    speedup : float or None
        ``baseline's best / best``.
    baseline : str or None
        The method the speed-up is measured against: ``"loops"`` when it ran
        on this shape, otherwise the slowest method that did.
    skipped : bool
        True when the method was not run on this shape (too slow).
    note : str
        Why it was skipped, or ``""``.
    repeats, number : int
        Repeats taken, and calls timed together in each repeat.
    max_abs_error : float or None
        Largest absolute difference from a float64 ``a @ b``.
    """

    method: str
    shape: tuple
    best: float | None = None
    median: float | None = None
    speedup: float | None = None
    baseline: str | None = None
    skipped: bool = False
    note: str = ""
    repeats: int = 0
    number: int = 0
    max_abs_error: float | None = None

    @property
    def macs(self):
        """Multiply-adds in the product: ``m * k * n``."""
        m, k, n = self.shape
        return m * k * n

    @property
    def shape_label(self):
        """The product written out, e.g. ``'5x784 @ 784x10'``."""
        return format_shape(self.shape)

    def as_dict(self):
        """A plain dict of the fields (JSON-serializable)."""
        d = dataclasses.asdict(self)
        d["shape"] = list(self.shape)
        return d


def _resolve_methods(methods):
    if methods is None:
        return list(METHODS)
    names = [methods] if isinstance(methods, str) else list(methods)
    unknown = [name for name in names if name not in METHODS]
    if unknown:
        raise ValueError(
            f"Unknown matmul method(s) {unknown}; valid names are {list(METHODS)}"
        )
    # keep ladder order, drop duplicates
    return [name for name in METHODS if name in names]


def _resolve_shapes(shapes):
    shapes = DEFAULT_SHAPES if shapes is None else shapes
    out = []
    for shape in shapes:
        dims = tuple(shape)
        if len(dims) != 3 or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 1
            for d in dims
        ):
            raise ValueError(
                f"Each shape must be a triple (m, k, n) of positive ints; got {shape!r}"
            )
        out.append(tuple(int(d) for d in dims))
    if not out:
        raise ValueError("shapes must contain at least one (m, k, n) triple")
    return out


def _resolve_limits(skip_slow_above):
    if skip_slow_above is None:
        return {}
    if isinstance(skip_slow_above, (int, float, np.integer, np.floating)):
        return {"loops": skip_slow_above, "rowcol": skip_slow_above}
    return dict(skip_slow_above)


def _time_one(func, a, b, repeats, min_time):
    """Best and median seconds per call of ``func(a, b)``.

    Fast calls are grouped, as ``timeit`` does, so that each timed repeat lasts
    at least ``min_time`` seconds and the clock's resolution does not matter.
    Returns ``(best, median, number, result_of_first_call)``.
    """
    start = time.perf_counter()
    result = func(a, b)  # warm-up (and the result we check)
    once = time.perf_counter() - start
    number = 1
    if once < min_time:
        number = int(min(max(min_time / max(once, 1e-9), 1.0), 1_000_000))
    per_call = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            func(a, b)
        per_call.append((time.perf_counter() - start) / number)
    return min(per_call), statistics.median(per_call), number, result


def time_methods(shapes=None, repeats=5, seed=0, *, methods=None,
                 skip_slow_above=SKIP_SLOW_ABOVE, dtype=np.float32, min_time=1e-3):
    """Time each matrix-multiplication method on each shape.

    Parameters
    ----------
    shapes : sequence of (m, k, n), optional
        Products ``(m, k) @ (k, n)`` to time; default :data:`DEFAULT_SHAPES`
        (looked up at call time).
    repeats : int, default 5
        Timed repeats per method and shape; best and median are reported.
    seed : int or numpy.random.Generator, default 0
        Source of the standard-normal operands (the same for every method).
    methods : sequence of str, optional
        Subset of :data:`METHODS` to time; default all, in ladder order.
    skip_slow_above : mapping or int or None, default :data:`SKIP_SLOW_ABOVE`
        ``{method: max multiply-adds}``: a method is skipped (and a record says
        so) on shapes with ``m * k * n`` above its limit. An int sets the same
        limit for ``"loops"`` and ``"rowcol"``; ``None`` or ``{}`` runs
        everything, however long it takes.
    dtype : numpy dtype, default float32
        Dtype of the operands (float32 like the tutorial's tensors).
    min_time : float, default 1e-3
        Calls too fast to time alone are repeated in groups lasting at least
        this many seconds.

    Returns
    -------
    records : list of MatmulTiming
        One per (shape, method), shapes in the given order and methods in
        ladder order, skipped ones included.

    Raises
    ------
    ValueError
        For an unknown method name, a malformed shape or ``repeats < 1``.
    RuntimeError
        If a method's result disagrees with a float64 reference product.

    Notes
    -----
    Times are wall-clock seconds per call from :func:`time.perf_counter`; the
    first call of each method is an untimed warm-up whose result is checked
    against ``a.astype(float64) @ b.astype(float64)``. The speed-up of a method
    is ``best time of the baseline / its best time``, where the baseline is
    ``"loops"`` if it ran on that shape (so loops' speed-up is exactly 1) and
    otherwise the slowest method that ran there: on large shapes the speed-ups
    are relative to a faster rung, so they are smaller than they would be
    against the triple loop.

    Examples
    --------
    >>> recs = time_methods([(2, 3, 4)], repeats=1, methods=["loops", "blas"])
    >>> [(r.method, r.speedup > 0) for r in recs]
    [('loops', True), ('blas', True)]
    """
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1; got {repeats!r}")
    names = _resolve_methods(methods)
    shapes = _resolve_shapes(shapes)
    limits = _resolve_limits(skip_slow_above)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    records = []
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        reference = a.astype(np.float64) @ b.astype(np.float64)
        # loose bound: catches a wrong method, not float32 rounding
        tol = 1e-4 * k * float(np.abs(a).max()) * float(np.abs(b).max()) \
            if np.issubdtype(np.dtype(dtype), np.floating) else 0.0
        raw = []
        for name in names:
            macs = m * k * n
            limit = limits.get(name)
            if limit is not None and macs > limit:
                raw.append(dict(method=name, shape=(m, k, n), skipped=True, note=(
                    f"skipped: {_count(macs)} multiply-adds > limit {_count(limit)}")))
                continue
            best, median, number, result = _time_one(METHODS[name], a, b, repeats, min_time)
            err = float(np.max(np.abs(result - reference))) if result.size else 0.0
            if not np.isfinite(err) or err > tol:
                raise RuntimeError(
                    f"matmul method {name!r} gave a wrong product on shape "
                    f"{(m, k, n)}: max abs error {err:.3g} > {tol:.3g}")
            raw.append(dict(method=name, shape=(m, k, n), best=best, median=median,
                            repeats=int(repeats), number=number, max_abs_error=err))
        ran = [r for r in raw if not r.get("skipped")]
        if ran:
            base = next((r for r in ran if r["method"] == "loops"), None)
            if base is None:
                base = max(ran, key=lambda r: r["best"])
            for r in ran:
                r["baseline"] = base["method"]
                r["speedup"] = base["best"] / r["best"] if r["best"] > 0 else float("inf")
        records.extend(MatmulTiming(**r) for r in raw)
    return records


def _count(x):
    """``12800000 -> '12.8M'``."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:g}"


def format_seconds(t):
    """A duration with a unit, three significant digits; ``'-'`` for None (not run).

    Examples
    --------
    >>> format_seconds(0.00321), format_seconds(2.5e-8), format_seconds(None)
    ('3.21 ms', '25 ns', '-')
    """
    if t is None:
        return "-"
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t * 1e9:.3g} ns"


def format_speedup(s):
    """A speed-up factor: one decimal below 10, whole above; ``'-'`` for None (not run).

    Examples
    --------
    >>> format_speedup(3.14159), format_speedup(12345.6), format_speedup(None)
    ('3.1x', '12,346x', '-')
    """
    if s is None:
        return "-"
    return f"{s:.1f}x" if s < 10 else f"{s:,.0f}x"


def format_shape(shape):
    """The product ``(m, k) @ (k, n)`` written out: ``(5, 784, 10) -> '5x784 @ 784x10'``."""
    m, k, n = shape
    return f"{m}x{k} @ {k}x{n}"


def format_table(records):
    """Format :func:`time_methods` records as a text table.

    Columns: method, shape, best and median time per call, speed-up, and the
    baseline it is measured against (``loops``, or the slowest method that ran
    where loops was skipped). Skipped methods get one line saying why.
    """
    header = (f"{'method':<10} {'shape':<22} {'best':>10} {'median':>10} "
              f"{'speed-up':>9}  vs")
    lines = [header, "-" * (len(header) + 8)]
    last_shape = None
    for r in records:
        if last_shape is not None and r.shape != last_shape:
            lines.append("")
        last_shape = r.shape
        if r.skipped:
            lines.append(f"{r.method:<10} {r.shape_label:<22} {r.note}")
            continue
        lines.append(f"{r.method:<10} {r.shape_label:<22} {format_seconds(r.best):>10} "
                     f"{format_seconds(r.median):>10} {format_speedup(r.speedup):>9}  {r.baseline}")
    return "\n".join(lines)
