"""Model files: one ``.npz`` archive of plain arrays and a JSON header, read without pickle.

Layout of the archive (a standard zip that ``numpy.load`` opens too):

``header.npy``
    UTF-8 JSON as a uint8 array: format name and version, what the file
    holds, and the SHA-256, shape and dtype of every other array.
``checksum.npy``
    The SHA-256 of the header's bytes (which contain the arrays' digests),
    so that an edited header is refused like an edited array.
one ``<name>.npy`` per array
    As the header lists them.

Reading is defensive, for files that may be hostile: the zip directory and
the header are read and checked first; the caller's ``plan`` then derives,
from the architecture the header declares, the exact shape and dtype every
array must have; each member's declared size is compared with that before
anything is decompressed, and each array is read into an allocation of
exactly its planned size. Whatever goes wrong (zip, NumPy, JSON, a bad
value), the error is a :class:`ModelFileError` naming the file.

Writing goes to a temporary file in the same folder, fsynced, then renamed
over the target: a crash or a full disk mid-write never destroys an earlier
file. The new file keeps the permissions of the file it replaces, or gets
the ones the umask gives a new file.
"""

import hashlib
import json
import os
import tokenize
import zipfile

import numpy as np

from ._version import __version__
from .atomic import write_atomically
from .errors import ModelFileError

__all__ = ["write_archive", "read_archive", "FORMAT", "FORMAT_VERSION", "MAX_HEADER_BYTES",
           "MAX_ITEM_BYTES"]

FORMAT = "scratchnet-model"
FORMAT_VERSION = 2
#: Largest header accepted (architecture, settings, history, metadata).
MAX_HEADER_BYTES = 4 << 20
#: Largest element of an array whose dtype the plan gives by kinds (labels):
#: 256 characters of a ``str`` label. Without it, two labels of dtype
#: ``<U100000000`` would cost 800 MB however small the architecture.
MAX_ITEM_BYTES = 1024
#: Bytes a ``.npy`` member may hold beyond its data (magic and header).
_NPY_OVERHEAD = 1 << 16
_RESERVED = ("header", "checksum")


def _digest(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def write_archive(path, content, arrays):
    """Write ``content`` (a JSON-serializable dict) and ``arrays`` to ``path``, atomically.

    Raises
    ------
    ModelFileError
        If the file cannot be written (missing folder, full disk, no
        permission); the message names ``path``. An earlier file at ``path``
        is then left as it was.
    """
    path = os.fspath(path)
    for name, array in arrays.items():
        if name in _RESERVED or array.dtype.hasobject:
            raise ValueError(f"array {name!r} cannot be saved (reserved name or object dtype)")
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "scratchnet_version": __version__,
        "content": content,
        "arrays": {name: {"shape": list(a.shape), "dtype": a.dtype.str, "sha256": _digest(a)}
                   for name, a in arrays.items()},
    }
    try:
        text = json.dumps(header, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"cannot save the model to {path}: its content is not "
                             f"JSON-serializable ({exc})") from None
    header_bytes = np.frombuffer(text.encode("utf-8"), np.uint8)
    members = {"header": header_bytes,
               "checksum": np.frombuffer(_digest(header_bytes).encode("ascii"), np.uint8),
               **arrays}
    try:
        write_atomically(path, lambda f: np.savez(f, **members))
    except OSError as exc:
        raise ModelFileError(
            f"cannot save the model to {path}: {exc.strerror or exc}") from None


def read_archive(path, plan):
    """Read and check a model file; return ``(content, arrays)``.

    Parameters
    ----------
    path : str or path-like
    plan : callable
        ``plan(content) -> {name: (shape, dtype or dtype kinds)}``: the exact
        arrays the declared content needs. It may raise ``ModelFileError`` or
        ``ValueError``/``TypeError`` for an inconsistent content. A dtype given
        as a string of kinds (``"U"``, ``"iub"``) accepts any dtype of those
        kinds (labels) whose elements take at most :data:`MAX_ITEM_BYTES`.
    """
    path = os.fspath(path)
    try:
        return _read(path, plan)
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: is a directory, not a model file") from None
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied") from None
    except zipfile.BadZipFile as exc:
        raise ModelFileError(f"{path}: not a readable scratchnet model file (not a zip "
                             f"archive, or truncated: {exc})") from None
    except MemoryError:
        raise ModelFileError(f"{path}: not enough memory to read this file") from None
    except Exception as exc:  # noqa: BLE001 - any fault inside zipfile/NumPy/json is the file's
        raise ModelFileError(f"{path}: not a readable scratchnet model file (truncated or "
                             f"corrupted: {type(exc).__name__}: {exc})") from None


def _read(path, plan):
    file_size = os.path.getsize(path)
    with zipfile.ZipFile(path) as archive:
        infos = {}
        for info in archive.infolist():
            if info.compress_size > file_size:
                raise ModelFileError(f"member {info.filename!r} claims {info.compress_size} "
                                     f"compressed bytes in a file of {file_size}")
            if not info.filename.endswith(".npy"):
                raise ModelFileError(f"unexpected member {info.filename!r} in the archive")
            if info.flag_bits & 0x1:
                raise ModelFileError(f"member {info.filename!r} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ModelFileError(f"member {info.filename!r} uses an unsupported compression "
                                     f"method ({info.compress_type})")
            infos[info.filename[:-4]] = info
        if "header" not in infos:
            raise ModelFileError("not a scratchnet model file (no header)")
        header_bytes = _read_member(archive, infos["header"], (None,), np.dtype(np.uint8),
                                    MAX_HEADER_BYTES)
        header = _parse_header(header_bytes)
        if "checksum" not in infos:
            raise ModelFileError("the header has no checksum")
        checksum = _read_member(archive, infos["checksum"], (64,), np.dtype(np.uint8))
        if checksum.tobytes() != _digest(header_bytes).encode("ascii"):
            raise ModelFileError("the header does not match its checksum: the file was altered")
        content = header["content"]
        expected = plan(content)
        declared = header["arrays"]
        names = set(infos) - set(_RESERVED)
        if names != set(declared) or names != set(expected):
            raise ModelFileError(
                f"the arrays {sorted(names)} do not match what the header declares "
                f"({sorted(declared)}) and the architecture needs ({sorted(expected)})")
        arrays = {}
        for name in sorted(names):
            shape, dtype = expected[name]
            entry = declared[name]
            if not isinstance(entry, dict) or list(entry.get("shape", ())) != list(shape):
                raise ModelFileError(f"array {name!r} is declared with shape "
                                     f"{entry.get('shape') if isinstance(entry, dict) else entry}"
                                     f"; the architecture needs {tuple(shape)}")
            array = _read_member(archive, infos[name], tuple(shape), dtype)
            if array.dtype.str != entry.get("dtype") or _digest(array) != entry.get("sha256"):
                raise ModelFileError(f"array {name!r} does not match its checksum: the file "
                                     "was altered")
            arrays[name] = array
        return content, arrays


def _parse_header(raw):
    def refuse_constant(name):
        raise ModelFileError(f"the header holds {name}, which no scratchnet file contains")

    try:
        header = json.loads(raw.tobytes().decode("utf-8"), parse_constant=refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"the header is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError("not a scratchnet model file (wrong format marker)")
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model file format version {header.get('format_version')!r} is not supported by "
            f"scratchnet {__version__} (which reads version {FORMAT_VERSION})")
    if not isinstance(header.get("content"), dict) or not isinstance(header.get("arrays"), dict):
        raise ModelFileError("the header lacks its content or its list of arrays")
    return header


def _read_member(archive, info, shape, dtype, max_bytes=None):
    """Read one ``.npy`` member, checking its declared shape, dtype and size first.

    ``shape`` may contain None (any length, bounded by ``max_bytes``);
    ``dtype`` is a dtype or a string of accepted kinds.
    """
    with archive.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
        except ValueError:
            raise ModelFileError(f"member {info.filename!r} is not a .npy array") from None
        if version not in ((1, 0), (2, 0), (3, 0)):
            raise ModelFileError(f"member {info.filename!r}: unsupported .npy version {version}")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        try:
            found_shape, fortran, found_dtype = read_header(f)
        except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError,
                tokenize.TokenError) as exc:
            # NumPy parses this dictionary with Python's tokenizer and literal_eval,
            # whose errors say nothing useful about a model file.
            raise ModelFileError(f"member {info.filename!r} has a damaged .npy header "
                                 f"({type(exc).__name__})") from None
        if found_dtype.hasobject:
            raise ModelFileError(f"member {info.filename!r} holds Python objects (pickles), "
                                 "which scratchnet never writes nor reads")
        if isinstance(dtype, str):
            if found_dtype.kind not in dtype:
                raise ModelFileError(f"array {info.filename[:-4]!r} has dtype {found_dtype}; "
                                     f"expected one of the kinds {dtype!r}")
            if found_dtype.itemsize > MAX_ITEM_BYTES:
                raise ModelFileError(f"array {info.filename[:-4]!r} has dtype {found_dtype}, "
                                     f"whose elements exceed the {MAX_ITEM_BYTES} bytes allowed")
        elif found_dtype != dtype:
            raise ModelFileError(f"array {info.filename[:-4]!r} has dtype {found_dtype}; the "
                                 f"architecture needs {dtype}")
        if len(found_shape) != len(shape) or any(
                want is not None and want != got for want, got in zip(shape, found_shape)):
            raise ModelFileError(f"array {info.filename[:-4]!r} has shape {found_shape}; the "
                                 f"architecture needs {shape}")
        n_bytes = int(np.prod(found_shape, dtype=np.int64)) * found_dtype.itemsize
        if max_bytes is not None and n_bytes > max_bytes:
            raise ModelFileError(f"member {info.filename!r} is {n_bytes} bytes, more than the "
                                 f"{max_bytes} allowed")
        if info.file_size > n_bytes + _NPY_OVERHEAD:
            raise ModelFileError(f"member {info.filename!r} declares {info.file_size} bytes for "
                                 f"an array of {n_bytes}")
        # Deflate expands at most about 1032:1; a member claiming more data
        # than its compressed bytes can hold is refused before allocating.
        most = info.compress_size * (1 if info.compress_type == zipfile.ZIP_STORED else 1100)
        if n_bytes > most + _NPY_OVERHEAD:
            raise ModelFileError(f"member {info.filename!r} claims {n_bytes} bytes of data but "
                                 f"holds only {info.compress_size} compressed bytes")
        array = np.empty(found_shape, dtype=found_dtype, order="F" if fortran else "C")
        view = array.reshape(-1, order="A").view(np.uint8)
        if f.readinto(view) != n_bytes or f.read(1):
            raise ModelFileError(f"member {info.filename!r} does not hold exactly its "
                                 f"declared {n_bytes} bytes of data")
        return np.ascontiguousarray(array)
