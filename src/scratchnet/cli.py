"""The ``scratchnet`` command line: thin subcommands over the library.

Each subcommand's logic lives in the library; this module only parses
arguments and imports the module that does the work, so that
``scratchnet --help`` stays fast and needs NumPy alone.
"""

import argparse
import os
import sys

from ._version import __version__

__all__ = ["main"]


#: Options of ``train`` that only make sense with a data file.
_DATA_OPTIONS = ("target", "layers", "activation", "dropout", "batch_size", "lr", "optimizer",
                 "val", "test", "task", "out", "plots", "checkpoint_every", "resume",
                 "early_stopping", "max_categories", "ignore", "force")


def _train(args):
    if args.data is None:
        given = [f"--{k.replace('_', '-')}" for k in _DATA_OPTIONS
                 if getattr(args, k) not in (None, False)]
        if given:
            verb = "needs" if len(given) == 1 else "need"
            raise ValueError(f"{', '.join(given)} {verb} a data file: scratchnet train DATA.csv "
                             "--target COLUMN ...")
        from .tutorials.breast_cancer_demo import run_demo

        epochs = 100 if args.epochs is None else args.epochs
        seed = 0 if args.seed is None else args.seed
        run_demo(epochs=epochs, seed=seed, verbose=0 if args.quiet else 1)
        return 0
    if args.target is None:
        raise ValueError("--target COLUMN is required with a data file: the column to predict")
    from .commands import run_train

    options = {k: getattr(args, k) for k in (
        "layers", "activation", "dropout", "epochs", "batch_size", "lr", "optimizer", "val",
        "test", "seed", "task", "checkpoint_every", "early_stopping", "max_categories", "ignore")}
    return run_train(args.data, args.target, out=args.out or "model.npz", force=args.force,
                     resume=args.resume, plots=args.plots, quiet=args.quiet, **options)


def _predict(args):
    from .commands import run_predict

    return run_predict(args.model, args.data, out=args.out, proba=args.proba,
                       id_column=args.id, force=args.force)


def _evaluate(args):
    from .commands import run_evaluate

    return run_evaluate(args.model, args.data, target=args.target, json_path=args.json,
                        force=args.force)


def _info(args):
    from .commands import run_info

    return run_info(args.model)


def _reproduce(args):
    from .tutorials.reproduce import run_reproduce

    return run_reproduce(args.names, quick=args.quick, json_path=args.json, plots_dir=args.plots)


def _bench(args):
    from .tutorials.matmul_bench import run_matmul_bench

    return run_matmul_bench(plot_path=args.plot, repeats=args.repeats)


def _sweep(args):
    from .sweep_job import run_sweep_job

    return run_sweep_job(dataset=args.dataset, params=args.param, repeats=args.repeats,
                         epochs=args.epochs, batch_size=args.batch_size, n_jobs=args.jobs,
                         scheduler=args.scheduler, out_dir=args.out, seed=args.seed)


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


_TRAIN_EXAMPLE = """\
With a data file, train a network on its rows: one column is the target, the
others are the features (numbers are standardized, text columns with few
values one-hot encoded). The task (classification or regression) is chosen
from the target unless --task says. The rows are split (seeded, stratified)
into training, validation and test parts; the report on the test part is
printed beside a baseline that ignores the features. The model file holds
the column description, so `scratchnet predict` takes raw CSV rows.

Without a data file, train the bundled breast cancer demo (30-16-1 network,
80/20 split) and print train/test accuracy; only --epochs, --seed and
--quiet apply then.

Nothing is lost: every --checkpoint-every epochs (default 10) the model is
written atomically to OUT.ckpt. Ctrl-C saves the last completed epoch there
and exits with status 130; a diverged epoch does the same with status 1.
--resume continues from OUT.ckpt and ends exactly (bit for bit) where an
uninterrupted run would. OUT.ckpt is removed once OUT is saved. An existing
OUT is never replaced, nor a leftover OUT.ckpt discarded, without --force.
Bad input ends with status 2 and one message, before anything is written.

examples:
  scratchnet train
  scratchnet train heart.csv --target heart_disease --out heart.npz
  scratchnet train data.csv --target price --task regression --layers 128,64 \\
      --dropout 0.1 --epochs 300 --early-stopping 20 --plots plots/
  scratchnet train data.csv --target price --out price.npz --resume
"""


def _add_train(sub):
    p = sub.add_parser(
        "train", help="train a network on a CSV file (or, without one, the bundled demo)",
        description="Train a network on the rows of a CSV (or Parquet) file.",
        epilog=_TRAIN_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", nargs="?", metavar="DATA",
                   help="CSV file (comma, semicolon or tab separated, with a header row) or "
                        ".parquet file; omit it to train the bundled demo")
    p.add_argument("--target", metavar="COLUMN", help="the column to predict (required with DATA)")
    p.add_argument("--task", choices=("classification", "regression"),
                   help="default: classification for a text target or one with at most 10 "
                        "distinct integers, else regression")
    p.add_argument("--layers", metavar="N,N", help="hidden layer widths (default 64,32)")
    p.add_argument("--activation", metavar="NAME",
                   help="hidden activation: relu, leaky_relu, tanh, sigmoid ... (default relu)")
    p.add_argument("--dropout", type=float, metavar="P",
                   help="dropout rate after each hidden layer, in [0, 1) (default 0)")
    p.add_argument("--epochs", type=int, metavar="N", help="training epochs (default 100)")
    p.add_argument("--batch-size", type=int, metavar="N", help="rows per update (default 32)")
    p.add_argument("--lr", type=float, metavar="X", help="learning rate (default 0.001)")
    p.add_argument("--optimizer", metavar="NAME", help="adam, sgd or rmsprop (default adam)")
    p.add_argument("--val", type=float, metavar="F",
                   help="fraction of the rows for validation (default 0.2)")
    p.add_argument("--test", type=float, metavar="F",
                   help="fraction of the rows for the test report (default 0.2)")
    p.add_argument("--seed", type=int, metavar="N",
                   help="seed of the split, weights, shuffling, dropout (default 0)")
    p.add_argument("--ignore", metavar="COL,COL", help="columns that are not features (ids ...)")
    p.add_argument("--max-categories", type=int, metavar="N",
                   help="most distinct values of a text feature column (default 20)")
    p.add_argument("--early-stopping", type=int, metavar="N",
                   help="stop after N epochs without a lower validation loss; keep the best "
                        "epoch's weights")
    p.add_argument("--out", metavar="PATH", help="model file to write (default model.npz)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out file and discard a leftover checkpoint")
    p.add_argument("--checkpoint-every", type=int, metavar="N",
                   help="write OUT.ckpt every N epochs (default 10; 0 never)")
    p.add_argument("--resume", action="store_true", help="continue the run saved in OUT.ckpt")
    p.add_argument("--plots", metavar="DIR",
                   help="save loss.png, confusion_matrix.png and (two features) "
                        "decision_boundary.png there; needs matplotlib ([plot] extra)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_train)


def _add_predict(sub):
    p = sub.add_parser(
        "predict", help="predict the rows of a CSV file with a trained model",
        description="Predict every row of a CSV file with a model written by scratchnet train. "
                    "Columns are matched by name, in any order; columns the model does not use "
                    "are ignored and listed; a missing one is an error naming it.",
        epilog="examples:\n  scratchnet predict heart.npz new_patients.csv --out preds.csv\n"
               "  scratchnet predict heart.npz rows.csv --id patient --proba",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help="model file (.npz) from scratchnet train")
    p.add_argument("data", metavar="DATA", help="CSV or .parquet file with the feature columns")
    p.add_argument("--out", metavar="PATH", help="CSV file to write (default: standard output)")
    p.add_argument("--proba", action="store_true",
                   help="also write one proba_<class> column per class (classifiers)")
    p.add_argument("--id", metavar="COLUMN", help="copy this column of DATA into the output")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.set_defaults(handler=_predict)


def _add_evaluate(sub):
    p = sub.add_parser(
        "evaluate", help="score a trained model on a labelled CSV file",
        description="Score a model written by scratchnet train on the labelled rows of a CSV "
                    "file: accuracy, per-class precision/recall/F1 and the confusion matrix "
                    "(classification) or RMSE/MAE/R^2 (regression), beside the baseline "
                    "(training majority class or mean).",
        epilog="example:\n  scratchnet evaluate heart.npz heart.csv --target heart_disease",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help="model file (.npz) from scratchnet train")
    p.add_argument("data", metavar="DATA", help="CSV or .parquet file with features and target")
    p.add_argument("--target", metavar="COLUMN",
                   help="the target column (default: the one the model was trained on)")
    p.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    p.add_argument("--force", action="store_true", help="replace an existing --json file")
    p.set_defaults(handler=_evaluate)


def _add_info(sub):
    p = sub.add_parser(
        "info", help="describe a model file",
        description="Describe a model file: task and classes, input columns and their "
                    "encoding, training data and options, history, architecture and parameter "
                    "count, library version.",
        epilog="example:\n  scratchnet info heart.npz",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help="model file (.npz)")
    p.set_defaults(handler=_info)


def _add_compare(sub):
    p = sub.add_parser(
        "compare",
        help="train the same network with scratchnet, scikit-learn, Keras and PyTorch",
        description="Train one network (same architecture, split, epochs, batch size, Adam "
        "learning rate) with each installed library over several seeds, and print test "
        "accuracy (mean \u00b1 std), training time and time per epoch. Missing libraries "
        "are listed as skipped, with the command that installs them.",
    )
    p.add_argument("--dataset", default="heart",
                   choices=["heart", "breast_cancer", "moons", "mnist"],
                   help="dataset (default heart; mnist reads $SCRATCHNET_DATA)")
    p.add_argument("--libraries", metavar="LIST",
                   help="comma-separated subset of scratchnet,sklearn,keras,torch")
    p.add_argument("--seeds", type=int, default=3, help="runs per library (default 3)")
    p.add_argument("--epochs", type=int, help="epochs (default: per dataset)")
    p.add_argument("--batch-size", type=int, help="batch size (default: per dataset)")
    p.add_argument("--lr", type=float, help="Adam learning rate (default 0.001)")
    p.add_argument("--hidden", metavar="WIDTHS",
                   help="hidden layer widths, e.g. 128 or 64,32 (default: per dataset)")
    p.add_argument("--limit", type=int, help="use at most this many train/test samples")
    p.add_argument("--quick", action="store_true", help="fewer epochs (and MNIST images)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--plot", metavar="PATH", help="save a bar chart (needs matplotlib)")
    p.set_defaults(handler=_compare)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="scratchnet",
        description="Neural networks from scratch on NumPy: train on CSV files, predict, "
                    "evaluate, reproduce the tutorials, benchmark.")
    parser.add_argument("--version", action="version", version=f"scratchnet {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add_train(sub)
    _add_predict(sub)
    _add_evaluate(sub)
    _add_info(sub)

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

    _add_compare(sub)

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
    """Run the command line; returns the exit status (2 for bad input, as argparse)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exc.code
    try:
        return args.handler(args)
    except BrokenPipeError:  # e.g. `scratchnet predict ... | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, OSError) as exc:
        print(f"scratchnet: error: {exc}", file=sys.stderr)
        return 2
