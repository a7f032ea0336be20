"""Small file helpers for the commands: checks before work, atomic text output, digests."""

import hashlib
import os

from ..atomic import write_atomically

__all__ = ["check_output_path", "write_text_atomically", "file_sha256"]


def check_output_path(path, what, force=False):
    """Refuse (ValueError) a path in a missing folder, or an existing file unless ``force``."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write the {what} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise ValueError(f"cannot write the {what} {path}: it is a folder")
    if os.path.exists(path) and not force:
        raise ValueError(f"{path} already exists; pass --force to overwrite it "
                         f"(the {what} would replace it)")
    return path


def write_text_atomically(path, text):
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`scratchnet.atomic.write_atomically`)."""
    write_atomically(path, lambda f: f.write(text), binary=False)


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
