"""Where one scratchnet training step spends its time, against the GEMMs it cannot avoid.

    python benchmarks/profile_step.py            # W3: 784-1024-1024-10, Adam, batch 512
    python benchmarks/profile_step.py --w1       # W1: 784-256-128-10, Adam, batch 128

Times in ms per step: the whole step as ``fit`` runs it; the same step's
matrix products alone, back to back; and the Adam update alone. The three are
measured interleaved, repeat after repeat (this machine's speed drifts), and
the medians reported; the difference is what the elementwise work costs.
"""

import argparse
import time

import numpy as np

import scratchnet as sn


def median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--w1", action="store_true", help="the W1 network instead of W3")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sizes, batch = ([784, 256, 128, 10], 128) if args.w1 else ([784, 1024, 1024, 10], 512)
    rng = np.random.default_rng(0)
    n = 32 * batch
    X = rng.random((n, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], n)

    layers = []
    for width in sizes[1:-1]:
        layers += [sn.Dense(width), sn.ReLU()]
    model = sn.Sequential(layers + [sn.Dense(sizes[-1])], optimizer=sn.Adam(), seed=0)
    model.fit(X[:batch], y[:batch], batch_size=batch)

    Ws = [rng.random((a, b), dtype=np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
    acts = [X[:batch]] + [rng.random((batch, b), dtype=np.float32) for b in sizes[1:]]
    grads = [np.empty_like(W) for W in Ws]
    deltas = [rng.random((batch, b), dtype=np.float32) for b in sizes[1:]]

    def gemms():
        for i, W in enumerate(Ws):
            np.matmul(acts[i], W, out=acts[i + 1])
        for i in reversed(range(len(Ws))):
            np.matmul(acts[i].T, deltas[i], out=grads[i])
            if i:                                   # no input gradient for the first layer
                np.matmul(deltas[i], Ws[i].T, out=deltas[i - 1])

    store = model.parameters
    samples = {"step": [], "gemm": [], "adam": []}
    for _ in range(args.repeats):
        samples["step"].append(
            median_ms(lambda: model.fit(X, y, epochs=1, batch_size=batch), 1) / (n // batch))
        samples["gemm"].append(median_ms(gemms, 5))
        samples["adam"].append(median_ms(lambda: store.step(model.optimizer), 5))
    step, gemm, adam = (float(np.median(samples[k])) for k in ("step", "gemm", "adam"))

    A = rng.random((2048, 2048), dtype=np.float32)
    peak = 2 * 2048 ** 3 / (min(median_ms(lambda: A @ A, 1) for _ in range(5)) / 1e3) / 1e9
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    flops = (6 * weights - 2 * sizes[0] * sizes[1]) * batch
    print(f"network {'-'.join(map(str, sizes))}, batch {batch}, {store.n_params:,} parameters")
    print(f"sgemm peak (2048^2): {peak:.0f} GFLOP/s")
    print(f"training step:       {step:7.2f} ms  ({flops / step / 1e6 / peak:.0%} of peak)")
    print(f"  its GEMMs alone:   {gemm:7.2f} ms  ({flops / gemm / 1e6 / peak:.0%} of peak)")
    print(f"  Adam update alone: {adam:7.2f} ms  ({adam / step:.0%} of the step)")
    print(f"  everything else:   {step - gemm - adam:7.2f} ms  (ReLU, bias, loss, gather, Python)")


if __name__ == "__main__":
    main()
