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


def _compare(args):
    from .compare import run_compare

    hidden = None if args.hidden is None else _widths(args.hidden)
    libraries = None if args.libraries is None else args.libraries.split(",")
    return run_compare(args.dataset, libraries=libraries, seeds=args.seeds, epochs=args.epochs,
                       batch_size=args.batch_size, lr=args.lr, hidden=hidden, limit=args.limit,
                       quick=args.quick, json_path=args.json, plot_path=args.plot)


def _widths(text):
    try:
        return tuple(int(w) for w in text.split(","))
    except ValueError:
        raise ValueError(f"--hidden takes comma-separated layer widths such as 64,32; "
                         f"got {text!r}") from None


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

    compare = sub.add_parser(
        "compare",
        help="train the same network with scratchnet, scikit-learn, Keras and PyTorch",
        description="Train one network (same architecture, split, epochs, batch size, Adam "
        "learning rate) with each installed library over several seeds, and print test "
        "accuracy (mean \u00b1 std), training time and time per epoch. Missing libraries "
        "are listed as skipped, with the command that installs them.",
    )
    compare.add_argument("--dataset", default="heart",
                         choices=["heart", "breast_cancer", "moons", "mnist"],
                         help="dataset (default heart; mnist reads $SCRATCHNET_DATA)")
    compare.add_argument("--libraries", metavar="LIST",
                         help="comma-separated subset of scratchnet,sklearn,keras,torch")
    compare.add_argument("--seeds", type=int, default=3, help="runs per library (default 3)")
    compare.add_argument("--epochs", type=int, help="epochs (default: per dataset)")
    compare.add_argument("--batch-size", type=int, help="batch size (default: per dataset)")
    compare.add_argument("--lr", type=float, help="Adam learning rate (default 0.001)")
    compare.add_argument("--hidden", metavar="WIDTHS",
                         help="hidden layer widths, e.g. 128 or 64,32 (default: per dataset)")
    compare.add_argument("--limit", type=int, help="use at most this many train/test samples")
    compare.add_argument("--quick", action="store_true", help="fewer epochs (and MNIST images)")
    compare.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    compare.add_argument("--plot", metavar="PATH", help="save a bar chart (needs matplotlib)")
    compare.set_defaults(handler=_compare)

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
