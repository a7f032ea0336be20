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
import time
import urllib.error
import urllib.request
from pathlib import Path

from .._validation import check_scalar
from ..progress import ProgressBar

__all__ = ["DataNotFoundError", "fetch", "get_data_home", "sha256sum"]

_CHUNK = 1 << 16
_USER_AGENT = "scratchnet (https://pypi.org/project/scratchnet/)"


class DataNotFoundError(FileNotFoundError):
    """A data file is neither on disk nor downloadable (offline, or every mirror failed).

    Also raised when a directory stands where the file should be. The
    message says what was found, and which files to put in which folder.
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


def fetch(filename, sha256, mirrors, folder, *, size=None, download=True, verbose=None,
          timeout=30.0, deadline=600.0):
    """Return the path of a verified copy of ``filename`` in ``folder``, downloading it if absent.

    A file already in ``folder`` is checked against ``sha256`` and used.
    Otherwise each mirror is tried in turn (``mirror + filename``): the bytes
    are streamed into a temporary file in ``folder`` while being hashed, and
    only a complete file with the right checksum is renamed into place
    (atomically, so an interrupted, truncated or abandoned download never
    leaves a partial file under the real name). A mirror that fails, stops
    early, or serves wrong bytes is skipped in favour of the next one.

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
    size : int, optional
        Expected size of the file in bytes, if known. A download that ends
        short of it is reported as truncated (also without a
        ``Content-Length`` header), and a mirror that announces or sends
        another size is skipped without reading further.
    download : bool, default True
        If False, never touch the network.
    verbose : bool or None, default None
        Show a progress bar on stderr; ``None`` means only if stderr is a terminal.
    timeout : float, default 30.0
        Seconds one network operation (connecting, or one read) may wait for
        the server before the mirror counts as failed.
    deadline : float, default 600.0
        Seconds of wall-clock time for the whole download, all mirrors
        together. The clock starts when the first mirror is contacted; the
        download is abandoned at the first read that ends after the
        deadline, so a server that trickles bytes (each read well within
        ``timeout``) cannot hold the call forever. Since a read may wait up
        to ``timeout``, the call returns or raises within
        ``deadline + timeout`` seconds at worst. The default allows a
        26 MB file (Fashion-MNIST's training images) at about 350 kbit/s.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If the file on disk, or every file downloaded, has the wrong
        checksum or size; the message names the file and both hashes. A bad
        download is deleted; a bad file already on disk is left alone.
    DataNotFoundError
        If the file is absent and ``download`` is False, or no mirror could
        be downloaded from in time; the message lists the URLs tried and
        why each failed (unreachable, HTTP error, ``truncated: the
        connection closed after 1,000 of the 4,542 bytes announced``, no
        data for ``timeout`` seconds, or the ``deadline`` passed). Also if a
        directory stands where the file (or a file where ``folder``) should
        be: it is never removed.
    """
    size = check_scalar(size, "size", "fetch", int, low=0, allow_none=True)
    timeout = check_scalar(timeout, "timeout", "fetch", float, low=0.0, closed="neither")
    deadline = check_scalar(deadline, "deadline", "fetch", float, low=0.0, closed="neither")
    folder = Path(folder)
    path = folder / filename
    if path.is_dir():
        raise DataNotFoundError(
            f"{path} is a directory, not the data file {filename}: move or remove it so "
            f"that the file can be stored there"
        )
    if path.exists():
        _check_file_on_disk(path, sha256, size)
        return path
    if not download:
        raise DataNotFoundError(f"{path} does not exist and download=False")
    if not mirrors:
        raise DataNotFoundError(f"{path} does not exist and no mirror is known for it")

    if verbose is None:
        verbose = _stderr_is_tty()
    if folder.exists() and not folder.is_dir():
        raise DataNotFoundError(f"cannot download {filename}: {folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"cannot download {filename}: the folder {folder} is not writable")
    give_up_at = time.monotonic() + deadline
    failures, mismatches = [], []
    for i, mirror in enumerate(mirrors):
        url = mirror.rstrip("/") + "/" + filename
        if time.monotonic() >= give_up_at:
            skipped = ", ".join(m.rstrip("/") + "/" + filename for m in mirrors[i:])
            failures.append(f"not tried, the {deadline:g} s deadline had passed: {skipped}")
            break
        limits = _Limits(timeout, deadline, give_up_at)
        try:
            _download(url, path, sha256, size, verbose, limits)
        except _WrongFile as exc:
            mismatches.append(f"{url} {exc}")
            continue
        except (_TransferFailed, OSError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {_reason(exc, limits.timeout)}")
            continue
        return path
    if mismatches:
        expected = f"SHA-256 {sha256}" + (f", {size:,} bytes" if size is not None else "")
        others = f" Other mirrors failed: {'; '.join(failures)}." if failures else ""
        raise ValueError(
            f"downloaded {filename} is not the expected file ({expected}): "
            + "; ".join(mismatches)
            + f". The download was deleted.{others}"
        )
    raise DataNotFoundError(f"could not download {filename}: " + "; ".join(failures))


class _TransferFailed(Exception):
    """A mirror stopped before sending the whole file (truncated, or past the deadline)."""


class _WrongFile(Exception):
    """A mirror sent (or announced) bytes that cannot be the expected file."""


class _Limits:
    """The time limits of one download: per operation, and the overall deadline."""

    def __init__(self, timeout, deadline, give_up_at):
        self.deadline = deadline
        self.give_up_at = give_up_at
        # Connecting must not outlast the deadline either.
        self.timeout = min(timeout, max(give_up_at - time.monotonic(), 1e-3))

    def expired(self):
        return time.monotonic() >= self.give_up_at


def _check_file_on_disk(path, sha256, size):
    actual = sha256sum(path)
    if actual != sha256:
        on_disk = path.stat().st_size
        sizes = f"; {on_disk:,} bytes, expected {size:,}" if size not in (None, on_disk) else ""
        raise ValueError(
            f"{path} is corrupt or not the expected file: SHA-256 {actual}, expected "
            f"{sha256}{sizes}. Delete it to download it again, or replace it with the original."
        )


def _download(url, path, sha256, size, verbose, limits):
    """Stream ``url`` into a temporary file beside ``path``, then rename it to ``path``.

    The temporary file is renamed only if every byte arrived and the hash is
    ``sha256``; in every other case (wrong hash or size, network error,
    truncation, deadline, interrupt) it is removed and an exception says why.
    """
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    digest = hashlib.sha256()
    received = 0
    try:
        with os.fdopen(fd, "wb") as out, \
                urllib.request.urlopen(request, timeout=limits.timeout) as resp:
            length = resp.headers.get("Content-Length")
            announced = int(length) if length and length.isdigit() else None
            if announced is not None and size is not None and announced != size:
                raise _WrongFile(f"announced {announced:,} bytes, expected {size:,}")
            total = announced if announced is not None else size
            if verbose:
                print(f"Downloading {url} to {path.parent}", file=sys.stderr)
            bar = ProgressBar(total=total, desc=path.name, unit="B", enabled=verbose)
            # read1 returns after a single read of the socket, so the deadline
            # is checked however slowly the bytes come; read(n) would block
            # until n bytes had arrived.
            read = getattr(resp, "read1", resp.read)
            try:
                for chunk in iter(lambda: read(_CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
                    if size is not None and received > size:
                        raise _WrongFile(f"sent more than the {size:,} bytes expected")
                    if limits.expired():
                        of = f" of {total:,}" if total is not None else ""
                        raise _TransferFailed(
                            f"too slow or stalled: gave up when the {limits.deadline:g} s "
                            f"deadline passed, after {received:,}{of} bytes (fetch's "
                            f"deadline= parameter)"
                        )
            finally:
                bar.close()  # also on failure: ends the line, shows where it stopped
        if total is not None and received < total:
            source = "announced" if announced is not None else "expected"
            raise _TransferFailed(
                f"download truncated: the connection closed after {received:,} of the "
                f"{total:,} bytes {source}"
            )
        actual = digest.hexdigest()
        if actual != sha256:
            raise _WrongFile(f"sent SHA-256 {actual}")
        os.replace(tmp_name, path)
    except http.client.IncompleteRead as exc:
        raise _TransferFailed(
            f"download truncated: the connection closed after {received + len(exc.partial):,} "
            f"bytes, in the middle of a chunk"
        ) from None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _reason(exc, timeout):
    if isinstance(exc, _TransferFailed):
        return str(exc)
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason
        if not isinstance(exc, TimeoutError):
            return str(exc)
    if isinstance(exc, TimeoutError):
        return f"no data for {timeout:g} s (fetch's timeout= parameter)"
    return f"{type(exc).__name__}: {exc}"


def _stderr_is_tty():
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
