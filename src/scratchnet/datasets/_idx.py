"""Read IDX files, the format of MNIST and Fashion-MNIST, gzipped or not.

An IDX file is a header followed by a C-order array:

======= ======================== ==========================================
offset  type                     meaning
======= ======================== ==========================================
0       2 bytes                  zero
2       1 byte                   element type code (see ``IDX_DTYPES``)
3       1 byte                   number of dimensions ``d``
4       ``d`` big-endian uint32  size of each dimension
4 + 4d  elements                 big-endian, ``prod(sizes)`` of them
======= ======================== ==========================================

So the magic number ``0x00000803`` (2051) opens a 3-D array of unsigned bytes
(the images) and ``0x00000801`` (2049) a 1-D one (the labels).
"""

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from ._download import DataNotFoundError

__all__ = ["read_idx"]

#: IDX element type code -> NumPy dtype (big-endian where it matters).
IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path, expected_magic=None):
    """Read one IDX file (``.gz`` or not) into a NumPy array.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Gzip compression is detected from the content, not the name.
    expected_magic : int, optional
        If given, the header's magic number must equal it (2051 for MNIST
        images, 2049 for labels).

    Returns
    -------
    ndarray
        Of the shape stored in the header, in native byte order, writable.

    Raises
    ------
    ValueError
        Naming the file, if it is not valid gzip, if the magic number is not
        the expected one or not an IDX magic number at all, or if the payload
        length does not match the dimensions in the header.
    DataNotFoundError
        A ``FileNotFoundError`` naming the path, if it is a directory.

    Examples
    --------
    A tiny file of two 3 x 3 images, written the way MNIST's are:

    >>> import gzip, struct, tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> pixels = np.arange(18, dtype=np.uint8).reshape(2, 3, 3)
    >>> header = struct.pack(">I3I", 0x0803, *pixels.shape)  # magic 2051: 3-D uint8
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "tiny-images-idx3-ubyte.gz"
    ...     _ = path.write_bytes(gzip.compress(header + pixels.tobytes()))
    ...     images = read_idx(path, expected_magic=2051)
    >>> images.shape, images.dtype
    ((2, 3, 3), dtype('uint8'))
    >>> images[1, 0].tolist()
    [9, 10, 11]

    The MNIST test images, once downloaded (see :func:`load_mnist`) into the
    data home (``SCRATCHNET_DATA``):

    >>> from scratchnet.datasets import get_data_home
    >>> path = get_data_home() / "mnist" / "t10k-images-idx3-ubyte.gz"
    >>> images = read_idx(path, expected_magic=2051)
    >>> images.shape, images.dtype
    ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    if path.is_dir():
        raise DataNotFoundError(f"{path} is a directory, not an IDX file")
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: not a valid gzip file ({exc})") from None
    return parse_idx(raw, name=str(path), expected_magic=expected_magic)


def parse_idx(raw, name="<bytes>", expected_magic=None):
    """Parse the bytes of an (uncompressed) IDX file; see :func:`read_idx`."""
    if len(raw) < 4:
        raise ValueError(f"{name}: too short for an IDX header ({len(raw)} bytes)")
    (magic,) = struct.unpack(">I", raw[:4])
    zero, type_code, ndim = magic >> 16, (magic >> 8) & 0xFF, magic & 0xFF
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"{name}: wrong IDX magic number 0x{magic:08X} ({magic}); "
            f"expected 0x{expected_magic:08X} ({expected_magic})"
        )
    if zero != 0 or type_code not in IDX_DTYPES or ndim == 0:
        raise ValueError(f"{name}: not an IDX file (magic number 0x{magic:08X})")
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise ValueError(
            f"{name}: header announces {ndim} dimensions but the file has only {len(raw)} bytes"
        )
    shape = struct.unpack(f">{ndim}I", raw[4:header_len])
    dtype = IDX_DTYPES[type_code]
    expected_len = header_len + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected_len:
        raise ValueError(
            f"{name}: header says shape {shape} of {dtype.name} ({expected_len} bytes in all) "
            f"but the file holds {len(raw)} bytes; the file is truncated or corrupt"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
    # A copy in native byte order: writable, and no longer pinning the raw bytes.
    return data.astype(dtype.newbyteorder("="))
