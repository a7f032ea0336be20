"""Property-based tests: mutated model files and random data, refused cleanly or accepted.

Both properties are explored by hypothesis, derandomized (the same examples
on every run, so a CI failure reproduces locally) and bounded in examples.

- Any byte or structure mutation of a valid model file makes ``sn.load``
  either load a model or raise ``ModelFileError``; nothing else escapes.
  The loads run in one subprocess whose address space is capped a little
  above its own size, so a mutation that makes the loader allocate a lot
  fails the test (as a MemoryError turned into "not enough memory", or a
  crash) instead of passing silently.
- Random arrays of any shape, dtype and content given to ``fit``,
  ``predict`` and ``evaluate`` either train or raise scratchnet's own
  ``DataValidationError`` (or ``TrainingDivergedError`` for values so large
  that training overflows).
"""

import json
import warnings
import zipfile

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import scratchnet as sn  # noqa: E402

import hostile_files as hf  # noqa: E402

#: Examples per property (the whole module runs in about 20 s on a busy 2-core machine).
FILE_MUTATIONS = 250
DATA_EXAMPLES = 150
#: Address space the mutated loads may use beyond the interpreter's own size.
LOAD_MEMORY = 96 << 20

_SETTINGS = dict(deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))


def _byte_edits(size):
    position = st.integers(0, size)
    return st.lists(st.one_of(
        st.tuples(st.just("flip"), position, st.integers(0, 7)),
        st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("delete"), position, st.integers(1, 64)),
        st.tuples(st.just("truncate"), position, st.just(0)),
    ), min_size=1, max_size=3)


def _apply_byte_edit(data, edit):
    kind, at, arg = edit
    if not data:
        return
    at %= len(data) + (kind == "insert")
    if kind == "flip":
        data[at] ^= 1 << arg
    elif kind == "insert":
        data[at:at] = arg
    elif kind == "delete":
        del data[at:at + arg]
    else:
        del data[at:]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=6)
_MEMBERS = ["params", "classes", "opt/0/m", "opt/0/v"]


def _paths_in(node, prefix=()):
    """Every key path into a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths_in(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths_in(value, prefix + (i,))


def _structure_edits(header):
    return st.one_of(
        # any value of the header replaced by any JSON value, digests recomputed or not
        st.tuples(st.just("header"), st.sampled_from([p for p in _paths_in(header) if p]),
                  _JSON_VALUES, st.booleans()),
        # a member renamed (to another member, an unknown name, a path, a double suffix)
        st.tuples(st.just("rename"), st.sampled_from(_MEMBERS + ["header", "checksum"]),
                  st.sampled_from(_MEMBERS + ["extra", "../evil", "header", "params.npy"]),
                  st.booleans()),
        # an array replaced by one of another shape, digests recomputed or not
        st.tuples(st.just("shape"), st.sampled_from(_MEMBERS),
                  st.lists(st.integers(0, 200), min_size=0, max_size=3).filter(
                      lambda shape: np.prod(shape) <= 40_000), st.booleans()),
    )


def _apply_structure_edit(path, header, edit):
    kind, target, value, recompute = edit
    if kind == "header":
        edited = json.loads(json.dumps(header))
        node = edited
        for key in target[:-1]:
            node = node[key]
        node[target[-1]] = value
        hf.forge(path, edited, checksum=recompute)
    elif kind == "rename":
        with zipfile.ZipFile(path) as z:
            entries = {i.filename: z.read(i) for i in z.infolist()}
        entries[f"{value}.npy"] = entries.pop(f"{target}.npy")
        with zipfile.ZipFile(path, "w") as z:
            for name, payload in entries.items():
                z.writestr(name, payload)
    else:
        old = hf.members(path)[target]
        new = np.resize(old, value) if old.size else np.zeros(value, old.dtype)
        hf.forge(path, checksum=recompute, **{target: new})


def test_mutated_model_files_load_or_raise_only_model_file_errors_in_bounded_memory(tmp_path):
    valid = hf.save_valid(tmp_path / "valid.npz")
    original = valid.read_bytes()
    header = hf.header_of(valid)
    written = []

    def next_path():
        return tmp_path / f"mutated-{len(written)}.npz"

    @settings(max_examples=FILE_MUTATIONS // 2, **_SETTINGS)
    @given(_byte_edits(len(original)))
    def write_byte_mutation(edits):
        data = bytearray(original)
        for edit in edits:
            _apply_byte_edit(data, edit)
        path = next_path()
        path.write_bytes(bytes(data))
        written.append((path, edits))

    @settings(max_examples=FILE_MUTATIONS - FILE_MUTATIONS // 2, **_SETTINGS)
    @given(_structure_edits(header))
    def write_structure_mutation(edit):
        path = next_path()
        path.write_bytes(original)
        _apply_structure_edit(path, header, edit)
        written.append((path, edit))

    write_byte_mutation()
    write_structure_mutation()
    # All the loads in one fresh interpreter, its address space capped (see the module).
    outcomes, _ = hf.load_under_memory_limit([p for p, _ in written], LOAD_MEMORY, timeout=300)
    assert len(outcomes) == len(written)
    wrong = [(edit, outcome) for (path, edit), outcome in zip(written, outcomes)
             if outcome["error"] not in (None, "ModelFileError")
             or "not enough memory" in outcome["message"]
             or (outcome["error"] and not outcome["message"].startswith(f"{path}: "))]
    assert not wrong, wrong[:5]
    refused = sum(outcome["error"] is not None for outcome in outcomes)
    assert refused > len(written) // 2, refused       # the mutations do reach the checks


# -- random data into fit / predict / evaluate --------------------------------------

_DTYPES = [np.bool_, np.int8, np.int64, np.uint64, np.float16, np.float32, np.float64,
           np.complex64, np.dtype("U3"), np.dtype(object)]

_OBJECTS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
                     st.complex_numbers(max_magnitude=1e3))


def _elements(dtype):
    dtype = np.dtype(dtype)
    if dtype == object:
        return _OBJECTS
    if dtype.kind == "f":
        # NaN, infinities and the dtype's largest values, besides ordinary numbers.
        return st.floats(width=8 * dtype.itemsize) | st.sampled_from(
            [np.finfo(dtype).max, -np.finfo(dtype).max, 0.5])
    return None  # hypothesis's defaults for the dtype (huge ints, odd strings ...)


@st.composite
def random_arrays(draw, min_dims=0, max_dims=3):
    dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0,
                                  max_side=6))
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))


@st.composite
def plausible_data(draw):
    """Mostly well-formed (n, 3) X and n labels, with random dtypes and contents."""
    n = draw(st.integers(1, 8))
    x_dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    X = draw(hnp.arrays(x_dtype, (n, 3), elements=_elements(x_dtype)))
    y_dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    y = draw(hnp.arrays(y_dtype, (n,), elements=_elements(y_dtype)))
    return X, y


_LOSSES = [("cross_entropy", 2), ("binary_cross_entropy", 1), ("mse", 1)]
_SCRATCHNET_ERRORS = (sn.DataValidationError, sn.TrainingDivergedError)


@settings(max_examples=DATA_EXAMPLES, **_SETTINGS)
@given(data=st.one_of(plausible_data(), st.tuples(random_arrays(), random_arrays())),
       loss=st.sampled_from(_LOSSES), later=random_arrays(max_dims=2))
def test_random_arrays_train_or_raise_scratchnet_errors(data, loss, later):
    X, y = data
    name, outputs = loss
    model = sn.Sequential([sn.Dense(outputs)], loss=name, seed=0)
    # Overflow in a model fed 1e38 is expected; any other warning (a ComplexWarning
    # for imaginary parts silently dropped, say) fails the test.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            model.fit(X, y, epochs=1, batch_size=4)
        except _SCRATCHNET_ERRORS:
            return
        for call in (lambda: model.predict(later), lambda: model.evaluate(later, y[:len(later)] if later.ndim else y),
                     lambda: model.predict(X), lambda: model.evaluate(X, y)):
            try:
                call()
            except sn.DataValidationError:
                pass
