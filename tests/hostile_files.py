"""Hostile model files, built on the spot: what a forger or a damaged disk hands to ``sn.load``.

Used by ``test_hardening.py``, ``test_properties.py`` and
``benchmarks/hostile_load_memory.py``. Every builder takes a folder and
returns the path of the file it wrote. A "forger" recomputes every digest
and the header's checksum after editing, so that only the loader's checks
of the content itself stand between the file and the user.
"""

import hashlib
import json
import struct
import zipfile
import zlib

import numpy as np

import scratchnet as sn
from scratchnet.parameters import ParameterStore


def training_data(n=60, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    return X, np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")


def valid_model():
    """A small trained classifier: Dense(12, relu), Dropout, Dense(2), Adam(lr=0.001)."""
    X, y = training_data()
    model = sn.Sequential([sn.Dense(12, activation="relu"), sn.Dropout(0.2), sn.Dense(2)],
                          optimizer=sn.Adam(lr=0.001), seed=3)
    model.fit(X, y, epochs=2, batch_size=16)
    return model


def save_valid(path):
    valid_model().save(path)
    return path


def members(path):
    """The arrays of a model file, read with NumPy (never unpickling)."""
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def header_of(path):
    return json.loads(members(path)["header"].tobytes())


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def forge(path, header=None, raw_header=None, checksum=True, **arrays):
    """Rewrite the model file at ``path`` with edits; returns ``path``.

    ``header`` replaces the decoded JSON header, ``raw_header`` its bytes;
    keyword arrays replace members (None deletes one). With ``checksum``,
    every array digest and the header's checksum are recomputed.
    """
    found = members(path)
    header = header if header is not None else json.loads(found["header"].tobytes())
    for name, value in arrays.items():
        if value is None:
            found.pop(name, None)
        else:
            found[name] = np.asarray(value)
    if checksum and raw_header is None:
        header["arrays"] = {
            name: {"shape": list(a.shape), "dtype": a.dtype.str,
                   "sha256": _sha(np.ascontiguousarray(a).tobytes())}
            for name, a in found.items() if name not in ("header", "checksum")}
    raw = raw_header if raw_header is not None else json.dumps(header).encode()
    found["header"] = np.frombuffer(raw, np.uint8)
    if checksum:
        found["checksum"] = np.frombuffer(_sha(raw).encode(), np.uint8)
    np.savez(path, **found)
    return path


def edit_content(path, edit):
    """Forge ``path`` after ``edit(content)`` changes the header's content in place."""
    header = header_of(path)
    edit(header["content"])
    return forge(path, header)


def npy_bytes(array):
    """``array`` in the .npy format, as bytes."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def npy_with_header(header_text, data=b"", version=(1, 0)):
    """A .npy member whose header dictionary is ``header_text`` (bytes), as is."""
    magic = b"\x93NUMPY" + bytes(version)
    size = struct.pack("<H" if version == (1, 0) else "<I", len(header_text))
    return magic + size + header_text + data


def replace_member_bytes(path, name, data):
    """Rewrite the zip at ``path`` with member ``name`` (e.g. "params.npy") holding ``data``."""
    with zipfile.ZipFile(path) as z:
        entries = {info.filename: z.read(info) for info in z.infolist()}
    entries[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for member, payload in entries.items():
            z.writestr(member, payload)
    return path


def patch_member_fields(path, name, method=None, flag_bits=None):
    """Overwrite the compression method or flag bits of member ``name``, in both zip headers."""
    raw = bytearray(open(path, "rb").read())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
        start_dir = z.start_dir
    local = info.header_offset
    assert raw[local:local + 4] == b"PK\x03\x04"
    # Find the central directory entry whose name is ``name``.
    pos = start_dir
    while True:
        assert raw[pos:pos + 4] == b"PK\x01\x02"
        n_name, n_extra, n_comment = struct.unpack("<HHH", raw[pos + 28:pos + 34])
        if raw[pos + 46:pos + 46 + n_name].decode() == name:
            central = pos
            break
        pos += 46 + n_name + n_extra + n_comment
    if method is not None:
        raw[local + 8:local + 10] = struct.pack("<H", method)
        raw[central + 10:central + 12] = struct.pack("<H", method)
    if flag_bits is not None:
        raw[local + 6:local + 8] = struct.pack("<H", flag_bits)
        raw[central + 8:central + 10] = struct.pack("<H", flag_bits)
    open(path, "wb").write(raw)
    return path


def add_deflated_zeros(path, name, n_bytes, dtype=np.float32, npy_dtype=None):
    """Add member ``name`` to the zip at ``path``: a .npy of ``n_bytes`` of zeros, deflated.

    The zeros cost about 1 KB per MiB on disk. Rather than deflating them
    (seconds per GiB), one flushed deflate block of 1 MiB of zeros is
    repeated: a flushed block refers to nothing before it, so the
    concatenation is a valid deflate stream, as any unzip tool checks.
    ``npy_dtype`` (a dtype string) overrides the declared dtype.
    """
    dtype = np.dtype(dtype)
    shape = (n_bytes // dtype.itemsize,) if npy_dtype is None else (2,)
    head = npy_with_header(_padded_header(
        f"{{'descr': '{npy_dtype or dtype.str}', 'fortran_order': False, 'shape': {shape}, }}"))
    block = bytes(1 << 20)
    n_blocks, rest = divmod(n_bytes, len(block))

    def flushed(data):
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    deflated_block = flushed(block)
    crc = zlib.crc32(head)
    for _ in range(n_blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(bytes(rest), crc)
    final = zlib.compressobj(6, zlib.DEFLATED, -15)
    tail = final.compress(bytes(rest)) + final.flush()
    pieces = [flushed(head)] + [deflated_block] * n_blocks + [tail]
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, zipfile.ZIP_STORED, zlib.crc32(data), [data], len(data))
                   for i in z.infolist() for data in [z.read(i)]]
    entries.append((name, zipfile.ZIP_DEFLATED, crc, pieces, len(head) + n_bytes))
    _write_zip(path, entries)
    return path


def _write_zip(path, entries):
    """A plain zip (no zip64: every size under 4 GiB) of ``(name, method, crc, pieces, size)``."""
    central = []
    with open(path, "wb") as f:
        for name, method, crc, pieces, size in entries:
            offset = f.tell()
            raw_name = name.encode()
            compressed = sum(len(p) for p in pieces)
            fields = (20, 0, method, 0, 0x21, crc, compressed, size, len(raw_name))
            f.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + raw_name)
            for piece in pieces:
                f.write(piece)
            central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields,
                                       0, 0, 0, 0, 0, offset) + raw_name)
        start = f.tell()
        f.write(b"".join(central))
        f.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central),
                            f.tell() - start, start, 0))


def _padded_header(text):
    """A .npy 1.0 header dictionary padded with spaces to a multiple of 64 bytes, newline-ended."""
    raw = text.encode("latin1")
    pad = -(len(raw) + 10 + 1) % 64
    return raw + b" " * pad + b"\n"


def _deep(depth):
    return b"[" * depth + b"]" * depth


# Damaged .npy headers (the dictionary NumPy parses before the data), each with what it
# is refused for ({member} is the member's name without ".npy").
_DAMAGED = "member '{member}.npy' has a damaged .npy header"
_SHAPE = "array '{member}' has shape"
DAMAGED_NPY_HEADERS = {
    "unterminated tuple": (_padded_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (12"), _DAMAGED + r" \(TokenError\)"),
    "unterminated string": (_padded_header("{'descr': '<f4"), _DAMAGED),
    "triple-quoted tail": (_padded_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } '''"), _DAMAGED),
    "not a dictionary": (_padded_header("[1, 2, 3]"), _DAMAGED),
    "missing shape": (_padded_header("{'descr': '<f4', 'fortran_order': False, }"), _DAMAGED),
    "negative shape": (_padded_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-5,), }"), _SHAPE + r" \(-5,\)"),
    "astronomical shape": (_padded_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (10**30,), }"), _DAMAGED),
    "huge literal shape": (_padded_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000000000000,), }"),
        _SHAPE + r" \(1000000000000000000000000,\)"),
    "unknown dtype": (_padded_header(
        "{'descr': '<zz9', 'fortran_order': False, 'shape': (3,), }"), _DAMAGED),
    "structured dtype": (_padded_header(
        "{'descr': [('a', '<f4'), ('b', '|O')], 'fortran_order': False, 'shape': (3,), }"),
        "member '{member}.npy' holds Python objects"),
    "not latin-1 text": (b"{'descr': '\xff\xfe\x00\x01', 'fortran_order': False, "
                         b"'shape': (3,)}\n", _DAMAGED),
    "call in the header": (_padded_header(
        "{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (3,), }"),
        _DAMAGED),
    "bad magic": (None, "member '{member}.npy' is not a .npy array"),
}


def damaged_npy(path, which, member="params.npy"):
    """Replace ``member``'s .npy header with one of :data:`DAMAGED_NPY_HEADERS`."""
    text = DAMAGED_NPY_HEADERS[which][0]
    data = b"\x93NUMPX" + bytes(64) if text is None else npy_with_header(text, bytes(64))
    return replace_member_bytes(path, member, data)


def _set_units(units, input_dim=None):
    def edit(content):
        content["config"]["layers"][0]["config"]["units"] = units
        if input_dim is not None:
            content["input_dim"] = input_dim
    return edit


def _set(key, value):
    def edit(content):
        content[key] = value
    return edit


def _set_rng_state(value):
    def edit(content):
        content["rng"]["state"]["state"]["state"] = value
    return edit


def _raw_constant(path, key, literal):
    """Forge a header whose ``content[key]`` is the raw JSON text ``literal`` (e.g. Infinity)."""
    header = header_of(path)
    header["content"][key] = "@@PLACEHOLDER@@"
    raw = json.dumps(header).replace('"@@PLACEHOLDER@@"', literal).encode()
    return forge(path, raw_header=raw)


def _nested_header(path, depth):
    header = header_of(path)
    header["content"]["metadata"] = "@@PLACEHOLDER@@"
    raw = json.dumps(header).encode().replace(b'"@@PLACEHOLDER@@"', _deep(depth))
    return forge(path, raw_header=raw)


def _edit_lr_without_checksum(path):
    header = header_of(path)
    header["content"]["config"]["optimizer"]["config"]["lr"] = 0.5
    return forge(path, header, checksum=False)


def _pickled_npz(path, member):
    np.savez(path, **{member: np.array([{"format": "scratchnet-model"}], dtype=object)})
    return path


def _lying_params(path):
    """A forged architecture of 3.2 GB whose arrays claim that size but hold 100 bytes each."""
    units = 10**8
    _, size = ParameterStore.layout([(5, units), (units,), (units, 2), (2,)], np.float32)
    header = header_of(path)
    _set_units(units)(header["content"])
    lying = [name for name in header["arrays"] if name == "params" or name.startswith("opt/")]
    for name in lying:
        header["arrays"][name]["shape"] = [size]
    raw = json.dumps(header).encode()
    forge(path, raw_header=raw)
    head = npy_with_header(_padded_header(
        f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({size},), }}"))
    for name in lying:
        replace_member_bytes(path, f"{name}.npy", head + b"\0" * 100)
    return path


def _plain_npy(path):
    with open(path, "wb") as f:
        np.save(f, np.arange(3))
    return path


def _without_member(path, name):
    with zipfile.ZipFile(path) as z:
        entries = {i.filename: z.read(i) for i in z.infolist() if i.filename != name}
    with zipfile.ZipFile(path, "w") as z:
        for member, payload in entries.items():
            z.writestr(member, payload)
    return path


def _header_bomb(path):
    """header.npy replaced by 64 MiB of deflated zeros (the limit is 4 MiB)."""
    return add_deflated_zeros(_without_member(path, "header.npy"), "header.npy", 64 << 20,
                              np.uint8)


def huge_label_strings(path, chars=10**7):
    """Forged classes of dtype ``<U{chars}``: 8 * chars bytes of zeros, deflated 1000:1."""
    dtype = np.dtype(f"<U{chars}")
    n_bytes = 2 * dtype.itemsize
    digest = hashlib.sha256()
    block = bytes(1 << 20)
    for _ in range(n_bytes // len(block)):
        digest.update(block)
    digest.update(bytes(n_bytes % len(block)))
    header = header_of(path)
    header["arrays"]["classes"] = {"shape": [2], "dtype": dtype.str, "sha256": digest.hexdigest()}
    raw = json.dumps(header).encode()
    _without_member(path, "classes.npy")
    replace_member_bytes(path, "header.npy", npy_bytes(np.frombuffer(raw, np.uint8)))
    replace_member_bytes(path, "checksum.npy",
                         npy_bytes(np.frombuffer(_sha(raw).encode(), np.uint8)))
    return add_deflated_zeros(path, "classes.npy", n_bytes, npy_dtype=dtype.str)


def _one_class_for_two_outputs(path):
    return forge(path, classes=np.array(["only"]))


def _one_output_claimed(path):
    def edit(content):
        content["task"]["n_outputs"] = 1
    return edit_content(path, edit)


# name -> (builder(path) writing a hostile file, regex its ModelFileError must match after
# the file name). Builders start from a valid file at ``path`` unless they write their own.
HOSTILE = {
    "units=10**12": (lambda p: edit_content(p, _set_units(10**12)),
                     r"array '[^']+' is declared with shape \[\d+\]; the architecture needs "
                     r"\(\d{13},\)"),
    "units=50000, input_dim=4000": (
        lambda p: edit_content(p, _set_units(50000, input_dim=4000)),
        r"array '[^']+' is declared with shape \[\d+\]; the architecture needs \(200\d+,\)"),
    "arrays claim 3.2 GB, hold 100 bytes": (
        _lying_params, r"member '[^']+' claims \d+ bytes of data but holds only \d+ "
                       r"compressed bytes"),
    "extra 1 GiB deflated member": (
        lambda p: add_deflated_zeros(p, "extra.npy", 1 << 30),
        r"the arrays \[.*'extra'.*\] do not match what the header declares"),
    "64 MiB deflated header": (_header_bomb, r"member 'header.npy' is 67108864 bytes, more than "
                                             r"the 4194304 allowed"),
    "classes of dtype <U10000000 (80 MB)": (
        huge_label_strings, r"array 'classes' has dtype <U10000000, whose elements exceed the "
                            r"1024 bytes allowed"),
    "plain .npy": (_plain_npy,
                   r"not a readable scratchnet model file \(not a zip archive"),
    "header nested 100,000 deep": (lambda p: _nested_header(p, 100_000),
                                   r"the header is not valid JSON \(RecursionError\)"),
    "optimizer_iterations: Infinity": (
        lambda p: _raw_constant(p, "optimizer_iterations", "Infinity"),
        r"the header holds Infinity, which no scratchnet file contains"),
    "optimizer_iterations: 1e400": (
        lambda p: _raw_constant(p, "optimizer_iterations", "1e400"),
        r"invalid optimizer iteration count inf"),
    "optimizer_iterations: NaN": (
        lambda p: _raw_constant(p, "optimizer_iterations", "NaN"),
        r"the header holds NaN, which no scratchnet file contains"),
    "optimizer_iterations: 2**70": (
        lambda p: edit_content(p, _set("optimizer_iterations", 2**70)),
        r"invalid optimizer iteration count 1180591620717411303424"),
    "optimizer_iterations: -1": (
        lambda p: edit_content(p, _set("optimizer_iterations", -1)),
        r"invalid optimizer iteration count -1"),
    "RNG state of 2**200": (lambda p: edit_content(p, _set_rng_state(2**200)),
                            r"invalid random generator state"),
    "RNG state of -1": (lambda p: edit_content(p, _set_rng_state(-1)),
                        r"invalid random generator state"),
    "RNG state a string": (lambda p: edit_content(p, _set_rng_state("zero")),
                           r"invalid random generator state"),
    "zip compression method 99": (
        lambda p: patch_member_fields(p, "params.npy", method=99),
        r"member 'params.npy' uses an unsupported compression method \(99\)"),
    "encrypted flag": (lambda p: patch_member_fields(p, "params.npy", flag_bits=0x1),
                       r"member 'params.npy' is encrypted"),
    "foreign pickled .npz": (lambda p: _pickled_npz(p, "data"),
                             r"not a scratchnet model file \(no header\)"),
    "pickled header": (lambda p: _pickled_npz(p, "header"),
                       r"member 'header.npy' holds Python objects"),
    "edited lr": (_edit_lr_without_checksum,
                  r"the header does not match its checksum: the file was altered"),
    "deleted classes.npy": (lambda p: forge(p, classes=None),
                            r"the arrays \[.*\] do not match what the header declares "
                            r"\(.*\) and the architecture needs \(\['classes'"),
    "one class for two outputs": (_one_class_for_two_outputs,
                                  r"array 'classes' is declared with shape \[1\]; the "
                                  r"architecture needs \(2,\)"),
    "task claims one output for two units": (
        _one_output_claimed, r"inconsistent task state: 2 classes do not fit a multiclass "
                             r"model with 1 output units"),
}
HOSTILE.update({
    f"damaged .npy header in {member}.npy: {which}": (
        lambda p, which=which, member=member: damaged_npy(p, which, f"{member}.npy"),
        expected.format(member=member))
    for member in ("params", "header") for which, (_, expected) in DAMAGED_NPY_HEADERS.items()
    if member == "params" or which in ("unterminated tuple", "triple-quoted tail", "bad magic")})

#: Builders that write their file from scratch (the others edit a valid one).
FROM_SCRATCH = {"plain .npy", "foreign pickled .npz", "pickled header"}


def build(name, path):
    """Write hostile file ``name`` at ``path`` (a valid file first, unless it writes its own)."""
    if name not in FROM_SCRATCH:
        save_valid(path)
    HOSTILE[name][0](path)
    return path


_LOADER = r"""
import json, resource, sys
import scratchnet as sn

def vm_size():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))

baseline = vm_size()
resource.setrlimit(resource.RLIMIT_AS, (baseline + int(sys.argv[1]), resource.RLIM_INFINITY))
for path in sys.stdin.read().splitlines():
    try:
        sn.load(path)
        outcome = {"error": None, "message": ""}
    except BaseException as exc:  # report everything, MemoryError included
        outcome = {"error": type(exc).__name__, "message": str(exc)}
    outcome["path"] = path
    print(json.dumps(outcome), flush=True)
print(json.dumps({"baseline": baseline}))
"""


def load_under_memory_limit(paths, extra_bytes, timeout=120):
    """Load each of ``paths`` in one fresh interpreter whose address space is capped.

    The cap is the interpreter's own size after ``import scratchnet``
    (measured there, in /proc/self/status) plus ``extra_bytes``: a load that
    tries to allocate more fails with MemoryError instead of passing
    silently. Returns ``(outcomes, baseline)``: one dict per path with
    ``error`` (an exception class name, or None if it loaded) and ``message``,
    and the measured baseline in bytes. A crash of the interpreter raises.
    """
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _LOADER, str(int(extra_bytes))],
                          input="\n".join(map(str, paths)), capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"the loading interpreter crashed ({done.returncode}): "
                           f"{done.stderr[-2000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return lines[:-1], lines[-1]["baseline"]
