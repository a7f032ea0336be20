"""Writing a file so that a crash or a full disk never leaves it half-written."""

import os
import stat
import tempfile

__all__ = ["write_atomically"]


def write_atomically(path, write, binary=True):
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it over ``path``.

    The data is fsynced before the rename, so ``path`` holds either its old
    content or all of the new one. The new file keeps the permissions of the
    file it replaces, or gets the ones the umask gives a new file (a plain
    ``tempfile.mkstemp`` file would be 0600). On any error the temporary file
    is removed and the error propagates (an ``OSError`` for disk problems).

    Parameters
    ----------
    path : str or path-like
    write : callable
        ``write(f)`` writes everything to the open file ``f``.
    binary : bool, default True
        Open in binary mode, else as UTF-8 text (newlines written as given).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".scratchnet-", suffix=".tmp", dir=folder)
    try:
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(path):
    """The permission bits the written file should have."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
