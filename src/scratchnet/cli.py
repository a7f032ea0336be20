"""The ``scratchnet`` command line: thin subcommands over the library.

Each subcommand's logic lives in the library; this module only parses
arguments and imports the module that does the work, so that
``scratchnet --help`` stays fast and needs NumPy alone.
"""

import argparse
import sys

__all__ = ["main"]


def _train(args):
    from .main_job import run_main_job

    run_main_job(epochs=args.epochs, seed=args.seed, verbose=0 if args.quiet else 1)
    return 0


def _reproduce(args):
    from .tutorials.reproduce import run_reproduce

    return run_reproduce(args.names, quick=args.quick, json_path=args.json, plots_dir=args.plots)


def _bench(args):
    from .matmul import run_matmul_bench

    return run_matmul_bench(plot_path=args.plot, repeats=args.repeats)


def _sweep(args):
    from .sweep_job import run_sweep_job

    return run_sweep_job(dataset=args.dataset, params=args.param, repeats=args.repeats,
                         epochs=args.epochs, batch_size=args.batch_size, n_jobs=args.jobs,
                         scheduler=args.scheduler, out_dir=args.out, seed=args.seed)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="scratchnet",
        description="Neural networks from scratch on NumPy: train, reproduce the tutorials, benchmark.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = sub.add_parser(
        "train",
        help="train a small network on the bundled breast cancer data",
        description="Train a 30-16-1 network on the bundled UCI breast cancer data "
        "(80/20 stratified split, standardized) and print train/test accuracy.",
    )
    train.add_argument("--epochs", type=int, default=100, help="training epochs (default 100)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(handler=_train)

    reproduce = sub.add_parser(
        "reproduce",
        help="rerun the experiments of the four tutorials beside their published numbers",
    )
    reproduce.add_argument("names", nargs="*", default=["all"], metavar="NAME",
                           help="experiments to run (000 001 002 003 mnist, or all)")
    reproduce.add_argument("--quick", action="store_true",
                           help="fewer repeats and epochs: the whole run in under a minute")
    reproduce.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    reproduce.add_argument("--plots", metavar="DIR", help="save the experiments' plots as PNGs")
    reproduce.set_defaults(handler=_reproduce)

    sweep = sub.add_parser(
        "sweep",
        help="train many networks over a grid of settings, on the lockstep ensemble engine",
        description="Train --repeats networks (Dense(hidden, relu) then the output layer, SGD) "
        "for every setting of the --param ranges, many at a time as one stacked computation, "
        "and print the mean and std of the test accuracy per setting.",
    )
    sweep.add_argument("--dataset", default="moons", choices=["moons"],
                       help="data set (default moons: 5000 points, 75/25 split)")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=SPEC",
                       help="a swept setting: hidden=3:40 (a range, end excluded), "
                       "lr=0.01,0.1 (a list); repeat for a grid (default hidden=3:40)")
    sweep.add_argument("--repeats", type=int, default=3, help="networks per setting (default 3)")
    sweep.add_argument("--epochs", type=int, default=10, help="training epochs (default 10)")
    sweep.add_argument("--batch-size", type=int, default=10, help="batch size (default 10)")
    sweep.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="spread the work over N local processes (needs joblib)")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster, e.g. tcp://host:8786 (needs dask[distributed])")
    sweep.add_argument("--out", metavar="DIR", help="write runs.csv, summary.csv and sweep.png there")
    sweep.add_argument("--seed", type=int, default=0, help="seed of all the runs (default 0)")
    sweep.set_defaults(handler=_sweep)

    bench = sub.add_parser("bench", help="micro-benchmarks")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCH")
    matmul = bench_sub.add_parser(
        "matmul", help="time the five matrix-multiplication methods of tutorial 000"
    )
    matmul.add_argument("--plot", metavar="PATH", default="matmul_ladder.png",
                        help="bar chart to save (default matmul_ladder.png)")
    matmul.add_argument("--repeats", type=int, default=5, help="timing repeats (default 5)")
    matmul.set_defaults(handler=_bench)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, OSError) as exc:
        print(f"scratchnet: error: {exc}", file=sys.stderr)
        return 2
