"""Bad input: exit status 2, one clear message (line and column where there is one),
no traceback, nothing written. One case per row of the table below.
"""

import codecs

import numpy as np
import pytest

from cli_helpers import listing, run_cli, run_subprocess, write_csv

GOOD = "x,colour,label\n" + "".join(
    f"{k / 10},{'rgb'[k % 3]},{'ab'[(k // 2) % 2]}\n" for k in range(40))

FILES = {
    "empty.csv": b"",
    "header_only.csv": b"x,colour,label\n",
    "ragged.csv": b"x,colour,label\n1,r,a\n2,g\n",
    "missing_value.csv": b"x,colour,label\n1,r,a\n,g,b\n",
    "non_numeric.csv": b"x,colour,label\n1,r,a\n2,g,b\nabc,b,a\n",
    "single_class.csv": b"x,colour,label\n1,r,a\n2,g,a\n3,b,a\n",
    "few_rows.csv": b"x,colour,label\n1,r,a\n2,g,b\n3,b,c\n",
    "duplicate.csv": b"x,colour,x\n1,r,a\n",
    "mixed_delimiters.csv": b"x,colour,label\n1,r,a\n2;g;b\n",
    "spaces.csv": b"x colour label\n1 r a\n",
    "latin1.csv": "x,colour,label\n1,r,a\n2,vert clair é,b\n".encode("latin-1"),
    "bad_quotes.csv": b'x,colour,label\n1,"r,a\n',
    "many_categories.csv": ("x,name,label\n" + "".join(
        f"{k},n{k},{'ab'[k % 2]}\n" for k in range(30))).encode(),
    "text_target.csv": b"x,colour,label\n1,r,a\n2,g,b\n",
    "good.csv": GOOD.encode(),
    "other_columns.csv": b"x,shade\n1,r\n",
    "unknown_category.csv": b"x,colour\n1,pink\n",
    "unknown_class.csv": b"x,colour,label\n1,r,zzz\n",
}

TRAIN = ["train", "{dir}/good.csv", "--target", "label", "--out", "{dir}/new.npz", "--quiet",
         "--epochs", "1"]

CASES = [
    # (name, argv, message that must appear in the one-line error)
    ("missing file", ["train", "{dir}/nope.csv", "--target", "label"],
     "{dir}/nope.csv: no such file"),
    ("empty file", ["train", "{dir}/empty.csv", "--target", "label"],
     "{dir}/empty.csv: the file is empty"),
    ("header only", ["train", "{dir}/header_only.csv", "--target", "label"],
     "the file has a header (3 columns) but no data rows"),
    ("ragged rows", ["train", "{dir}/ragged.csv", "--target", "label"],
     "line 3 has 2 fields but the header has 3 (ragged row)"),
    ("missing value", ["train", "{dir}/missing_value.csv", "--target", "label"],
     "line 3, column 'x' (1): missing value (an empty cell)"),
    ("non-numeric cell", ["train", "{dir}/non_numeric.csv", "--target", "label"],
     "line 4, column 'x' (1): 'abc' is not a number, but the column's other values are numbers"),
    ("unknown target", ["train", "{dir}/good.csv", "--target", "nope"],
     "there is no column 'nope' (the target column); the columns are: x, colour, label"),
    ("missing --target", ["train", "{dir}/good.csv"], "--target COLUMN is required"),
    ("single class", ["train", "{dir}/single_class.csv", "--target", "label"],
     "the target column 'label' holds a single class ('a')"),
    ("fewer rows than classes", ["train", "{dir}/few_rows.csv", "--target", "label"],
     "the class 'a' has 1 row, too few for --val 0.2 and --test 0.2"),
    ("fewer rows than the splits", ["train", "{dir}/few_rows.csv", "--target", "x",
                                    "--task", "regression", "--val", "0.5", "--test", "0.4"],
     "3 rows are too few for --val 0.5 and --test 0.4"),
    ("duplicate column names", ["train", "{dir}/duplicate.csv", "--target", "colour"],
     "line 1: the column name 'x' appears twice (columns 1 and 3)"),
    ("not delimited as detected", ["train", "{dir}/mixed_delimiters.csv", "--target", "label"],
     "line 3 splits into 3 fields at each semicolon, but the header is comma-separated"),
    ("no delimiter at all", ["train", "{dir}/spaces.csv", "--target", "label"],
     "line 1 (the header) holds no comma, semicolon or tab"),
    ("non-UTF-8 bytes", ["train", "{dir}/latin1.csv", "--target", "label"],
     "the byte at offset 34 (line 3, byte 14 of the line) is 0xe9, which is not valid UTF-8"),
    ("unclosed quote", ["train", "{dir}/bad_quotes.csv", "--target", "label"],
     "line 2: malformed comma-separated text"),
    ("too many categories", ["train", "{dir}/many_categories.csv", "--target", "label"],
     "column 'name' holds text with 30 distinct values, more than the 20"),
    ("regression on text", ["train", "{dir}/text_target.csv", "--target", "label", "--task",
                            "regression"], "regression needs a numeric target"),
    ("--epochs -1", TRAIN + ["--epochs", "-1"],
     "The '--epochs' parameter of scratchnet train must be an int in the range [1, inf). "
     "Got -1 instead."),
    ("--lr -1", TRAIN + ["--lr", "-1"],
     "The '--lr' parameter of scratchnet train must be a float in the range (0.0, inf). "
     "Got -1.0 instead."),
    ("--layers 64,,32", TRAIN + ["--layers", "64,,32"],
     "The '--layers' option of scratchnet train must be positive integers separated by commas, "
     "such as 64,32. Got '64,,32' instead."),
    ("--dropout 1", TRAIN + ["--dropout", "1"], "'--dropout' parameter of scratchnet train"),
    ("--batch-size 0", TRAIN + ["--batch-size", "0"], "'--batch-size' parameter"),
    ("--val + --test >= 1", TRAIN + ["--val", "0.5", "--test", "0.5"], "must sum to less than 1"),
    ("--activation", TRAIN + ["--activation", "no_such"],
     "The '--activation' parameter of scratchnet train must be one of 'elu', 'gelu', 'identity'"),
    ("--optimizer", TRAIN + ["--optimizer", "lbfgs"], "'--optimizer' parameter"),
    ("--early-stopping without validation", TRAIN + ["--early-stopping", "3", "--val", "0"],
     "it needs --val > 0"),
    ("--out in a missing folder", TRAIN + ["--out", "{dir}/no/such/m.npz"],
     "the folder {dir}/no/such does not exist"),
    ("--out exists", TRAIN + ["--out", "{dir}/model.npz"],
     "{dir}/model.npz already exists; pass --force to overwrite it"),
    ("--resume without checkpoint", TRAIN + ["--resume"], "there is no checkpoint"),
    ("demo options without data", ["train", "--target", "label"],
     "--target needs a data file"),
    ("truncated model", ["predict", "{dir}/truncated.npz", "{dir}/good.csv"],
     "{dir}/truncated.npz: not a readable scratchnet model file"),
    ("tampered model", ["predict", "{dir}/tampered.npz", "{dir}/good.csv"],
     "does not match its checksum: the file was altered"),
    ("not our model file", ["predict", "{dir}/good.csv", "{dir}/good.csv"],
     "not a readable scratchnet model file"),
    ("foreign npz", ["info", "{dir}/foreign.npz"], "not a scratchnet model file (no header)"),
    ("missing model", ["evaluate", "{dir}/nope.npz", "{dir}/good.csv"], "no such model file"),
    ("model without columns", ["predict", "{dir}/python.npz", "{dir}/good.csv"],
     "this model has no column description"),
    ("columns do not match", ["predict", "{dir}/model.npz", "{dir}/other_columns.csv"],
     "the model needs the column 'colour', which the file lacks (it has: x, shade)"),
    ("unknown category", ["predict", "{dir}/model.npz", "{dir}/unknown_category.csv"],
     "line 2, column 'colour' (2): 'pink' was not seen in training (known values: 'b', 'g', 'r')"),
    ("unknown class", ["evaluate", "{dir}/model.npz", "{dir}/unknown_class.csv"],
     "line 2, column 'label' (3): the class 'zzz' was not seen in training"),
    ("evaluate without the target", ["evaluate", "{dir}/model.npz",
                                     "{dir}/unknown_category.csv"],
     "the model needs the column 'label'"),
    ("--id unknown", ["predict", "{dir}/model.npz", "{dir}/good.csv", "--id", "nope"],
     "there is no column 'nope' (--id)"),
    ("predict --out in a missing folder", ["predict", "{dir}/model.npz", "{dir}/good.csv",
                                           "--out", "{dir}/none/p.csv"], "does not exist"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The bad files, a good model, a truncated, a tampered and a foreign one."""
    import scratchnet as sn
    from scratchnet.cli import main

    d = tmp_path_factory.mktemp("bad")
    for name, raw in FILES.items():
        (d / name).write_bytes(raw)
    assert main(["train", str(d / "good.csv"), "--target", "label", "--out", str(d / "model.npz"),
                 "--epochs", "2", "--quiet", "--layers", "4"]) == 0
    raw = (d / "model.npz").read_bytes()
    (d / "truncated.npz").write_bytes(raw[: len(raw) // 2])
    model = sn.load(d / "model.npz")
    model.save(d / "tampered.npz")
    import zipfile

    with zipfile.ZipFile(d / "tampered.npz") as z:
        members = {n: z.read(n) for n in z.namelist()}
    params = np.load(d / "tampered.npz")["params"].copy()
    params[0] += 1.0
    import io

    buf = io.BytesIO()
    np.save(buf, params)
    members["params.npy"] = buf.getvalue()
    with zipfile.ZipFile(d / "tampered.npz", "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    np.savez(d / "foreign.npz", a=np.arange(3))
    python_model = sn.Sequential([sn.Dense(2)], seed=0)
    python_model.fit(np.eye(4), [0, 1, 0, 1], epochs=1)
    python_model.save(d / "python.npz")
    return d


def fill(items, d):
    return [str(item).replace("{dir}", str(d)) for item in items]


@pytest.mark.parametrize("name, argv, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_in_process(folder, name, argv, message, capsys):
    before = listing(folder)
    status, out, err = run_cli(fill(argv, folder), capsys)
    assert status == 2, (out, err)
    message = fill([message], folder)[0]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scratchnet: error: "), err
    assert message in lines[0]
    assert "Traceback" not in err + out
    assert listing(folder) == before  # nothing written


@pytest.mark.parametrize("name", ["ragged rows", "--layers 64,,32", "tampered model",
                                  "non-UTF-8 bytes"])
def test_bad_input_in_a_subprocess(folder, name):
    _, argv, message = next(c for c in CASES if c[0] == name)
    before = listing(folder)
    result = run_subprocess(fill(argv, folder))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip().splitlines()[0]] and fill([message], folder)[0] in result.stderr
    assert "Traceback" not in result.stderr
    assert listing(folder) == before


def test_argparse_errors_also_exit_2_without_a_traceback(capsys):
    status, _, err = run_cli(["train", "x.csv", "--epochs", "many"], capsys)
    assert status == 2 and "argument --epochs: invalid int value: 'many'" in err
    assert "Traceback" not in err


def test_a_utf8_bom_and_crlf_file_trains(folder, tmp_path, capsys):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + GOOD.replace("\n", "\r\n").encode())
    status, out, _ = run_cli(["train", path, "--target", "label", "--out", tmp_path / "m.npz",
                              "--epochs", "1", "--quiet"], capsys)
    assert status == 0 and "40 rows, 3 columns, comma-separated" in out
