"""Run the docstring examples (``>>>``) of every module of the scratchnet package.

The modules are those of the package Python imports (installed with ``pip
install .``, or ``src/`` on PYTHONPATH), walked with :mod:`pkgutil` and run
with the standard library's :mod:`doctest`, one test per module. pytest's
``--doctest-modules`` is not used: pointed at ``src/`` it would import a second
copy of the package next to the installed one.

Examples that read the MNIST files find them through ``SCRATCHNET_DATA`` (set
in CI). Without the files they are skipped locally, and fail where the ``CI``
environment variable is set, so CI cannot skip them silently.
"""

import doctest
import importlib
import io
import os
import pkgutil
import warnings

import pytest

import scratchnet
from scratchnet.datasets import get_data_home


def _raise(name):
    raise ImportError(f"pkgutil could not import {name} while walking scratchnet")


MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(scratchnet.__path__, "scratchnet.",
                                                 onerror=_raise)
)
ALL_MODULES = ["scratchnet", *MODULES]

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: 104 examples in 41 docstrings when this test was written; a finder that
#: loses a module or its docstrings falls below this
MIN_EXAMPLES = 95

#: calls that read the real MNIST / Fashion-MNIST files
MNIST_CALLS = ("load_mnist(", "load_fashion_mnist(", "get_data_home()")


def _docstring_tests(module_name):
    module = importlib.import_module(module_name)
    return [t for t in doctest.DocTestFinder(exclude_empty=True).find(module) if t.examples]


def _needs_mnist(test):
    return any(call in example.source for example in test.examples for call in MNIST_CALLS)


def _mnist_available():
    home = get_data_home()
    return all((home / dataset / "t10k-images-idx3-ubyte.gz").is_file()
               for dataset in ("mnist", "fashion-mnist"))


def test_the_walk_finds_the_package_modules():
    for name in ("scratchnet.sequential", "scratchnet.layers.dense", "scratchnet.datasets._idx",
                 "scratchnet.tutorials.matmul", "scratchnet.__main__"):
        assert name in MODULES, name


def test_enough_examples_are_found():
    found = sum(len(t.examples) for name in ALL_MODULES for t in _docstring_tests(name))
    assert found >= MIN_EXAMPLES, f"only {found} docstring examples found in scratchnet"


@pytest.mark.parametrize("module_name", ALL_MODULES)
def test_docstring_examples(module_name, tmp_path, monkeypatch):
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        pass
    monkeypatch.chdir(tmp_path)  # an example that writes a file leaves nothing behind
    tests = _docstring_tests(module_name)
    if not _mnist_available():
        needing = [t.name for t in tests if _needs_mnist(t)]
        if needing and os.environ.get("CI"):
            pytest.fail(f"{needing} read the MNIST files: set SCRATCHNET_DATA to a folder with "
                        f"mnist/ and fashion-mnist/ (looked in {get_data_home()})")
        if needing:
            tests = [t for t in tests if not _needs_mnist(t)]
            if not tests:
                pytest.skip(f"{needing} read the MNIST files; set SCRATCHNET_DATA")
            warnings.warn(f"{needing} not run: they read the MNIST files; set SCRATCHNET_DATA")
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        runner.run(test, out=report.write)
    assert runner.failures == 0, f"{runner.failures} failing example(s):\n{report.getvalue()}"
