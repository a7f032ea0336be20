"""Find a data file on disk, or download it once, checked against its SHA-256.

Nothing here knows about MNIST: :func:`fetch` takes a file name, its
checksum, a list of mirror URLs and a folder, so the same code serves every
downloadable dataset, and the tests point it at a local HTTP server.
"""

import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..progress import ProgressBar

__all__ = ["DataNotFoundError", "fetch", "get_data_home", "sha256sum"]

_CHUNK = 1 << 16
_USER_AGENT = "scratchnet (https://pypi.org/project/scratchnet/)"


class DataNotFoundError(FileNotFoundError):
    """A data file is neither on disk nor downloadable (offline, or every mirror failed).

    The message says which files to put in which folder.
    """


def get_data_home(data_home=None):
    """The folder under which datasets are looked up and downloaded.

    In order of precedence: the ``data_home`` argument; the ``SCRATCHNET_DATA``
    environment variable; ``$XDG_CACHE_HOME/scratchnet``; ``~/.cache/scratchnet``.
    Each dataset uses a subfolder of it (``mnist/``, ``fashion-mnist/``).
    The folder is not created here.

    Parameters
    ----------
    data_home : str or os.PathLike, optional

    Returns
    -------
    pathlib.Path
    """
    if data_home is not None:
        return Path(data_home).expanduser()
    env = os.environ.get("SCRATCHNET_DATA")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "scratchnet"
    return Path.home() / ".cache" / "scratchnet"


def sha256sum(path):
    """The hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(filename, sha256, mirrors, folder, *, download=True, verbose=None, timeout=30.0):
    """Return the path of a verified copy of ``filename`` in ``folder``, downloading it if absent.

    A file already in ``folder`` is checked against ``sha256`` and used.
    Otherwise each mirror is tried in turn (``mirror + filename``): the bytes
    are streamed into a temporary file in ``folder`` while being hashed, and
    only a file with the right checksum is renamed into place (atomically,
    so an interrupted download never leaves a partial file under the real
    name). A mirror that fails or serves wrong bytes is skipped in favour of
    the next one.

    Parameters
    ----------
    filename : str
        Name of the file, both on the mirrors and in ``folder``.
    sha256 : str
        Expected hex SHA-256 of the file.
    mirrors : sequence of str
        Base URLs, tried in order.
    folder : str or os.PathLike
        Where the file is looked up and stored (created if needed).
    download : bool, default True
        If False, never touch the network.
    verbose : bool or None, default None
        Show a progress bar on stderr; ``None`` means only if stderr is a terminal.
    timeout : float, default 30.0
        Seconds to wait for a mirror to connect or send data.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If the file on disk, or every file downloaded, has the wrong
        checksum; the message names the file and both hashes. A bad
        download is deleted; a bad file already on disk is left alone.
    DataNotFoundError
        If the file is absent and ``download`` is False or no mirror could be
        reached; the message lists the URLs tried and why each failed.
    """
    folder = Path(folder)
    path = folder / filename
    if path.exists():
        actual = sha256sum(path)
        if actual != sha256:
            raise ValueError(
                f"{path} is corrupt or not the expected file: SHA-256 {actual}, expected "
                f"{sha256}. Delete it to download it again, or replace it with the original."
            )
        return path
    if not download:
        raise DataNotFoundError(f"{path} does not exist and download=False")
    if not mirrors:
        raise DataNotFoundError(f"{path} does not exist and no mirror is known for it")

    if verbose is None:
        verbose = _stderr_is_tty()
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"cannot download {filename}: the folder {folder} is not writable")
    failures, mismatches = [], []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        try:
            actual = _download(url, path, sha256, verbose, timeout)
        except (OSError, http.client.HTTPException) as exc:  # URLError is an OSError
            failures.append(f"{url}: {_reason(exc)}")
            continue
        if actual == sha256:
            return path
        mismatches.append(f"{url} sent SHA-256 {actual}")
    if mismatches:
        raise ValueError(
            f"downloaded {filename} has the wrong SHA-256 (expected {sha256}): "
            + "; ".join(mismatches)
            + ". The download was deleted."
        )
    raise DataNotFoundError(f"could not download {filename}: " + "; ".join(failures))


def _download(url, path, sha256, verbose, timeout):
    """Stream ``url`` into a temporary file beside ``path``; return the SHA-256 of the bytes.

    The temporary file is renamed to ``path`` only if the hash is ``sha256``;
    in every other case (wrong hash, network error, interrupt) it is removed.
    """
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if verbose:
                print(f"Downloading {url} to {path.parent}", file=sys.stderr)
            bar = ProgressBar(total=total, desc=path.name, unit="B", enabled=verbose)
            for chunk in iter(lambda: resp.read(_CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
            bar.close()
        actual = digest.hexdigest()
        if actual == sha256:
            os.replace(tmp_name, path)
        return actual
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _reason(exc):
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return f"{type(exc).__name__}: {exc}"


def _stderr_is_tty():
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
