"""Tests of scratchnet.datasets: bundled tables, generators, IDX parsing, download, real MNIST."""

import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from scratchnet import datasets
from scratchnet.datasets import (
    FASHION_MNIST_CLASSES,
    DataNotFoundError,
    fetch,
    get_data_home,
    load_breast_cancer,
    load_fashion_mnist,
    load_heart,
    load_mnist,
    load_weight_height_queries,
    load_weight_height_toy,
    make_circles,
    make_moons,
    make_spirals,
    read_idx,
)
from scratchnet.datasets import _mnist

HEART_SHA256 = "f5f3b4204c285bafadd85cb735f38b47689f2be7047feb172dcbeab648110bf9"


# --------------------------------------------------------------------------- bundled


def test_breast_cancer_shape_labels_and_names():
    X, y, names = load_breast_cancer(return_feature_names=True)
    assert X.shape == (569, 30) and X.dtype == np.float64
    assert np.isfinite(X).all()
    assert sorted(set(y.tolist())) == ["B", "M"]
    assert int((y == "M").sum()) == 212 and int((y == "B").sum()) == 357
    assert len(names) == 30 and names[0] == "radius_mean" and names[-1] == "fractal_dimension_worst"
    # First row of the UCI file (case 842302, malignant).
    assert X[0, 0] == 17.99 and X[0, 3] == 1001.0 and X[0, -1] == 0.1189 and y[0] == "M"


def test_breast_cancer_matches_scikit_learn_copy():
    sk_datasets = pytest.importorskip("sklearn.datasets")
    ref = sk_datasets.load_breast_cancer()
    X, y = load_breast_cancer()
    np.testing.assert_array_equal(X, ref.data)
    np.testing.assert_array_equal(y, np.where(ref.target == 0, "M", "B"))


def test_heart_shape_labels_and_names():
    X, y, names = load_heart(return_feature_names=True)
    assert X.shape == (270, 13) and X.dtype == np.float64
    assert y.dtype == np.int64
    assert np.bincount(y).tolist() == [0, 150, 120]
    assert len(names) == 13 and names[0] == "age" and names[-1] == "thal"
    assert X[0].tolist() == [70, 1, 4, 130, 322, 0, 2, 109, 0, 2.4, 2, 3, 3] and y[0] == 2
    assert set(np.unique(X[:, 12]).tolist()) == {3.0, 6.0, 7.0}


def test_bundled_heart_file_is_the_uci_file():
    data = (resources.files("scratchnet.datasets") / "data" / "heart.dat").read_bytes()
    assert len(data) == 16461
    assert hashlib.sha256(data).hexdigest() == HEART_SHA256


def test_bundled_data_readme_cites_sources():
    text = (resources.files("scratchnet.datasets") / "data" / "README.md").read_text()
    for needle in ("dataset/17/", "dataset/145/", "CC BY 4.0", "Wolberg", HEART_SHA256):
        assert needle in text


def test_weight_height_toy_and_queries():
    X, y, names = load_weight_height_toy(return_feature_names=True)
    assert X.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]
    assert y.tolist() == [1, 0, 0, 1] and y.dtype == np.int64
    assert names == ["weight_lb_minus_135", "height_in_minus_66"]
    Xq, people = load_weight_height_queries()
    assert people == ["Emily", "Frank"]
    assert Xq.tolist() == [[-7, -3], [20, 2]]


def test_public_names_resolve():
    for name in datasets.__all__:
        assert hasattr(datasets, name), name


# --------------------------------------------------------------------------- generators

GENERATORS = {
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n_samples", [1, 7, 100])
def test_generator_shapes_dtypes_balance(name, n_samples):
    X, y = GENERATORS[name](n_samples=n_samples, noise=0.1, random_state=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=2)
    assert counts.sum() == n_samples and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_seeding(name, monkeypatch):
    gen = GENERATORS[name]
    state = np.random.get_state()[1].copy()
    a = gen(n_samples=50, noise=0.2, random_state=3)
    b = gen(n_samples=50, noise=0.2, random_state=np.random.default_rng(3))
    c = gen(n_samples=50, noise=0.2, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])
    # The legacy global generator is never touched.
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_moons_geometry_without_noise():
    X, y = make_moons(n_samples=101, shuffle=False)
    assert y.tolist() == [0] * 50 + [1] * 51
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0)
    assert outer[:, 1].min() >= -1e-12
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0)
    assert inner[:, 1].max() <= 0.5 + 1e-12
    np.testing.assert_allclose(outer[0], [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(inner[-1], [2.0, 0.5], atol=1e-12)


def test_circles_geometry_without_noise():
    X, y = make_circles(n_samples=40, factor=0.3, shuffle=False)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    # Evenly spaced angles, no duplicate point at 2 pi.
    assert len(np.unique(np.round(X[y == 0], 9), axis=0)) == 20


def test_spirals_geometry_without_noise():
    X, y = make_spirals(n_samples=300, n_classes=3, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.1 - 1e-12 and r.max() <= 1.0 + 1e-12
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * y / 3 + 2 * np.pi * r
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)
    assert np.bincount(y).tolist() == [100, 100, 100]


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_noise_has_requested_std(name):
    gen = GENERATORS[name]
    clean, _ = gen(n_samples=4000, shuffle=False, random_state=1)
    noisy, _ = gen(n_samples=4000, noise=0.05, shuffle=False, random_state=1)
    assert abs((noisy - clean).std() - 0.05) < 0.003


def test_shuffle_permutes_points():
    X0, y0 = make_moons(n_samples=60, shuffle=False)
    X1, y1 = make_moons(n_samples=60, shuffle=True, random_state=0)
    assert not np.array_equal(y0, y1)
    order0 = np.lexsort(X0.T[::-1])
    order1 = np.lexsort(X1.T[::-1])
    np.testing.assert_allclose(X0[order0], X1[order1])
    np.testing.assert_array_equal(y0[order0], y1[order1])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: make_moons(n_samples=0), r"'n_samples' parameter of make_moons .*\[1, inf\)\. Got 0"),
        (lambda: make_moons(n_samples=2.5), r"'n_samples'.*Got 2\.5"),
        (lambda: make_moons(n_samples=True), r"'n_samples'.*Got True"),
        (lambda: make_moons(noise=-0.1), r"'noise' parameter of make_moons must be a float in the range \[0\.0, inf\) or None\. Got -0\.1"),
        (lambda: make_circles(noise="a"), r"'noise' parameter of make_circles.*Got 'a'"),
        (lambda: make_circles(factor=1.0), r"'factor' parameter of make_circles must be a float in the range \[0\.0, 1\.0\)\. Got 1\.0"),
        (lambda: make_circles(factor=-0.1), r"'factor'.*Got -0\.1"),
        (lambda: make_spirals(n_classes=1), r"'n_classes' parameter of make_spirals .*\[2, inf\)\. Got 1"),
        (lambda: make_spirals(noise=float("nan")), r"'noise'.*Got nan"),
        (lambda: make_spirals(random_state="x"), r"'random_state' parameter of make_spirals.*Got 'x'"),
        (lambda: make_moons(random_state=np.random.RandomState(0)), r"'random_state'"),
    ],
)
def test_generator_argument_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- IDX


def _idx_bytes(array, type_code=0x08):
    magic = struct.pack(">I", (type_code << 8) | array.ndim)
    header = magic + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _gz(data):
    return gzip.compress(data, mtime=0)


def test_read_idx_roundtrip_gzip_and_raw(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    (tmp_path / "a.gz").write_bytes(_gz(_idx_bytes(images)))
    (tmp_path / "a.raw").write_bytes(_idx_bytes(images))
    for name in ("a.gz", "a.raw"):
        out = read_idx(tmp_path / name, expected_magic=2051)
        np.testing.assert_array_equal(out, images)
        assert out.dtype == np.uint8 and out.flags.writeable


def test_read_idx_big_endian_int32(tmp_path):
    values = np.array([[1, -2, 70000], [3, 4, -5]], dtype=np.int32)
    (tmp_path / "ints.idx").write_bytes(_idx_bytes(values, type_code=0x0C))
    out = read_idx(tmp_path / "ints.idx")
    np.testing.assert_array_equal(out, values)
    assert out.dtype == np.int32 and out.dtype.isnative


def test_read_idx_wrong_magic_names_file(tmp_path):
    labels = np.arange(5, dtype=np.uint8)
    path = tmp_path / "labels.gz"
    path.write_bytes(_gz(_idx_bytes(labels)))
    match = r"labels\.gz: wrong IDX magic number 0x00000801 \(2049\); expected 0x00000803"
    with pytest.raises(ValueError, match=match):
        read_idx(path, expected_magic=2051)


def test_read_idx_truncated_payload_names_file(tmp_path):
    images = np.zeros((4, 28, 28), dtype=np.uint8)
    path = tmp_path / "short.gz"
    path.write_bytes(_gz(_idx_bytes(images)[:-10]))
    with pytest.raises(ValueError, match=r"short\.gz: header says shape \(4, 28, 28\).*truncated"):
        read_idx(path)


@pytest.mark.parametrize(
    "payload",
    [
        b"\x01\x00\x08\x01\x00\x00\x00\x00",  # first two bytes not zero
        b"\x00\x00\x07\x01\x00\x00\x00\x00",  # unknown type code
        b"\x00\x00",  # too short
    ],
)
def test_read_idx_rejects_non_idx(tmp_path, payload):
    path = tmp_path / "junk.bin"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=r"junk\.bin"):
        read_idx(path)


def test_read_idx_bad_gzip_names_file(tmp_path):
    path = tmp_path / "broken.gz"
    blob = _gz(np.random.default_rng(0).bytes(1000))
    path.write_bytes(blob[: len(blob) // 2])  # cut in the middle of the deflate stream
    with pytest.raises(ValueError, match=r"broken\.gz: not a valid gzip file"):
        read_idx(path)


# --------------------------------------------------------------------------- download

N_FAKE = 5


def _fake_split(seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(N_FAKE, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=N_FAKE).astype(np.uint8)
    return images, labels


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files from ``directory``; ``/<mode>/<name>`` serves ``good/<name>`` badly.

    Modes: ``truncate`` (announces the full Content-Length, sends half, then
    closes), ``nolength`` (no Content-Length, half the bytes), ``chunked``
    (announces a chunk, closes in its middle), ``trickle`` (one byte every
    0.2 s), ``stall`` (headers, then nothing). Every other path is served
    as a plain file.
    """

    hits = None  # set per server: a list of requested paths
    stop = None  # set per server: an Event that ends the slow modes at teardown

    def do_GET(self):
        self.hits.append(self.path)
        mode, _, name = self.path.lstrip("/").partition("/")
        serve = getattr(self, f"serve_{mode}", None)
        if serve is None:
            super().do_GET()
            return
        body = (Path(self.directory) / "good" / name).read_bytes()
        try:
            serve(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should
        self.close_connection = True

    def start(self, length):
        self.send_response(200)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def serve_truncate(self, body):
        self.start(len(body))
        self.wfile.write(body[: len(body) // 2])

    def serve_nolength(self, body):
        self.start(None)
        self.wfile.write(body[: len(body) // 2])

    def serve_chunked(self, body):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        self.wfile.write(b"%x\r\n" % len(body) + body[:100])

    def serve_trickle(self, body):
        self.start(len(body))
        for byte in body:
            if self.stop.wait(0.2):
                return
            self.wfile.write(bytes([byte]))

    def serve_stall(self, body):
        self.start(len(body))
        self.stop.wait(30)

    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A local HTTP server with good copies under /good/ and corrupted ones under /bad/.

    The MNIST registry is pointed at the generated files' checksums; the
    default data home is redirected into tmp_path.
    """
    root = tmp_path / "www"
    good, bad = root / "good", root / "bad"
    good.mkdir(parents=True)
    bad.mkdir()
    arrays, checksums, sizes = {}, {}, {}
    for split, seed in (("train", 1), ("test", 2)):
        images, labels = _fake_split(seed)
        arrays[split] = (images, labels)
        for name, array in zip(_mnist.SPLIT_FILES[split], (images, labels)):
            blob = _gz(_idx_bytes(array))
            (good / name).write_bytes(blob)
            (bad / name).write_bytes(blob[:-8] + b"\x00" * 8)  # same size, wrong bytes
            checksums[name] = hashlib.sha256(blob).hexdigest()
            sizes[name] = len(blob)

    hits, stop = [], threading.Event()
    handler_class = type("H", (_CountingHandler,), {"hits": hits, "stop": stop})
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    monkeypatch.setitem(_mnist.CHECKSUMS, "mnist", checksums)
    monkeypatch.setitem(_mnist.FILE_SIZES, "mnist", sizes)
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [url + "good/"])
    monkeypatch.setenv("SCRATCHNET_DATA", str(tmp_path / "home"))
    yield {"url": url, "hits": hits, "arrays": arrays, "checksums": checksums,
           "sizes": sizes, "home": tmp_path / "home", "www": root}
    stop.set()
    server.shutdown()
    server.server_close()
    thread.join()


def _closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(".part"))


def test_download_verify_cache_and_load(mirror):
    X, y = load_mnist("test", verbose=False)
    images, labels = mirror["arrays"]["test"]
    np.testing.assert_array_equal(X, images.reshape(N_FAKE, 784))
    np.testing.assert_array_equal(y, labels)
    assert X.dtype == np.uint8 and y.dtype == np.int64
    folder = mirror["home"] / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(_mnist.SPLIT_FILES["test"])
    assert len(mirror["hits"]) == 2

    X2, y2 = load_mnist("test", verbose=False)  # served from disk this time
    assert len(mirror["hits"]) == 2
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_loader_options_on_downloaded_files(mirror):
    images, labels = mirror["arrays"]["train"]
    X, y = load_mnist("train", as_float=True, flatten=False, verbose=False)
    assert X.shape == (N_FAKE, 28, 28) and X.dtype == np.float32
    assert 0.0 <= X.min() and X.max() <= 1.0
    np.testing.assert_allclose(X, images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)


def test_corrupted_download_raises_and_leaves_nothing(mirror, monkeypatch):
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [mirror["url"] + "bad/"])
    name = "t10k-images-idx3-ubyte.gz"
    folder = mirror["home"] / "mnist"
    with pytest.raises(ValueError) as info:
        load_mnist("test", verbose=False)
    message = str(info.value)
    assert name in message and mirror["checksums"][name] in message
    bad_sha = hashlib.sha256((mirror["www"] / "bad" / name).read_bytes()).hexdigest()
    assert bad_sha in message
    assert not (folder / name).exists()
    assert _leftovers(folder) == []


def test_bad_mirror_falls_back_to_next(mirror, monkeypatch):
    url = mirror["url"]
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [url + "missing/", url + "bad/", url + "good/"])
    X, y = load_mnist("test", verbose=False)
    np.testing.assert_array_equal(y, mirror["arrays"]["test"][1])
    # Each file: a 404, a corrupted copy, then the good copy.
    assert len(mirror["hits"]) == 6
    assert _leftovers(mirror["home"] / "mnist") == []


def test_offline_error_lists_files_and_folder(mirror, monkeypatch):
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [_closed_port_url()])
    folder = mirror["home"] / "mnist"
    with pytest.raises(DataNotFoundError) as info:
        load_mnist("train", verbose=False)
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    names = _mnist.SPLIT_FILES["train"]
    for needle in (str(folder), *names, "SCRATCHNET_DATA"):
        assert needle in message
    assert not any(folder.iterdir())


def test_download_false_never_touches_network(mirror):
    with pytest.raises(DataNotFoundError, match="t10k-labels-idx1-ubyte.gz"):
        load_mnist("test", download=False)
    assert mirror["hits"] == []


def test_corrupt_file_on_disk_is_reported_not_deleted(mirror):
    folder = mirror["home"] / "mnist"
    folder.mkdir(parents=True)
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(b"not the real file")
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz is corrupt.*Delete it"):
        load_mnist("test", verbose=False)
    assert path.read_bytes() == b"not the real file"
    assert mirror["hits"] == []


def test_data_home_argument_beats_environment(mirror, tmp_path):
    load_mnist("test", data_home=tmp_path / "elsewhere", verbose=False)
    assert (tmp_path / "elsewhere" / "mnist" / "t10k-labels-idx1-ubyte.gz").exists()
    assert not (mirror["home"] / "mnist").exists()


def test_progress_bar_only_when_verbose(mirror, capsys):
    load_mnist("test", verbose=True)
    err = capsys.readouterr().err
    assert "t10k-images-idx3-ubyte.gz [####" in err and "t10k-labels-idx1-ubyte.gz [####" in err
    load_mnist("train", verbose=False)
    assert capsys.readouterr().err == ""


def test_fetch_is_generic(mirror, tmp_path):
    payload = b"any bytes at all" * 100
    (mirror["www"] / "good" / "blob.bin").write_bytes(payload)
    sha = hashlib.sha256(payload).hexdigest()
    path = fetch("blob.bin", sha, [mirror["url"] + "good"], tmp_path / "cache", verbose=False)
    assert path == tmp_path / "cache" / "blob.bin" and path.read_bytes() == payload
    assert fetch("blob.bin", sha, [], tmp_path / "cache") == path  # present: no mirror needed
    assert len(mirror["hits"]) == 1


# ----------------------------------------------------- hostile files and servers


def _bounded(call, limit=20.0):
    """Run ``call()`` in a thread; fail, instead of hanging, if it runs past ``limit`` s.

    Returns what ``call`` returned, re-raises what it raised. The limit is a
    watchdog against a hang, far above the deadlines under test, not a
    measurement.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        pytest.fail(f"still running after {limit} s: the download deadline was not enforced")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


TEST_IMAGES = _mnist.SPLIT_FILES["test"][0]


def test_directory_in_place_of_file_is_a_clear_error(mirror):
    folder = mirror["home"] / "mnist"
    (folder / TEST_IMAGES).mkdir(parents=True)
    with pytest.raises(DataNotFoundError) as info:
        load_mnist("test", verbose=False)
    message = str(info.value)
    assert f"{folder / TEST_IMAGES} is a directory, not the data file {TEST_IMAGES}" in message
    assert f"Put these files in {folder}:\n    {TEST_IMAGES}" in message
    assert (folder / TEST_IMAGES).is_dir()  # never removed
    assert mirror["hits"] == []


def test_read_idx_of_a_directory_is_a_clear_error(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.mkdir()
    with pytest.raises(DataNotFoundError, match=rf"^{path} is a directory, not an IDX file$"):
        read_idx(path)


def test_file_in_place_of_the_folder_is_a_clear_error(mirror):
    mirror["home"].mkdir()
    (mirror["home"] / "mnist").write_text("not a folder")
    with pytest.raises(DataNotFoundError, match=r"mnist is a file, not a folder"):
        load_mnist("test", verbose=False)


@pytest.mark.parametrize(
    "mode, size_known, source",
    [
        ("truncate", True, "announced"),  # Content-Length says more than was sent
        ("truncate", False, "announced"),
        ("nolength", True, "expected"),  # no Content-Length: the registry's size says it
    ],
)
def test_truncated_download_is_reported_as_truncated(mirror, monkeypatch, mode, size_known,
                                                     source):
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [mirror["url"] + mode + "/"])
    if not size_known:
        monkeypatch.setitem(_mnist.FILE_SIZES, "mnist", {})
    size = mirror["sizes"][TEST_IMAGES]
    with pytest.raises(DataNotFoundError) as info:
        _bounded(lambda: load_mnist("test", verbose=False))
    message = str(info.value)
    url = f"{mirror['url']}{mode}/{TEST_IMAGES}"
    assert (f"{url}: download truncated: the connection closed after {size // 2:,} of the "
            f"{size:,} bytes {source}") in message
    assert "SHA-256" not in message
    folder = mirror["home"] / "mnist"
    assert not (folder / TEST_IMAGES).exists() and _leftovers(folder) == []


def test_chunked_download_cut_in_a_chunk_is_truncated(mirror):
    with pytest.raises(DataNotFoundError, match=r"chunked/t10k-images-idx3-ubyte\.gz: download "
                       r"truncated: the connection closed after 100 bytes, in the middle"):
        _bounded(lambda: fetch(TEST_IMAGES, mirror["checksums"][TEST_IMAGES],
                               [mirror["url"] + "chunked"], mirror["home"], verbose=False))
    assert _leftovers(mirror["home"]) == []


def test_truncated_mirror_falls_back_to_next(mirror, monkeypatch):
    url = mirror["url"]
    monkeypatch.setitem(_mnist.MIRRORS, "mnist", [url + "truncate/", url + "good/"])
    X, y = _bounded(lambda: load_mnist("test", verbose=False))
    np.testing.assert_array_equal(y, mirror["arrays"]["test"][1])
    assert _leftovers(mirror["home"] / "mnist") == []


def test_size_announced_unlike_the_expected_size_is_refused(mirror, tmp_path):
    sha, size = mirror["checksums"][TEST_IMAGES], mirror["sizes"][TEST_IMAGES]
    with pytest.raises(ValueError) as info:
        _bounded(lambda: fetch(TEST_IMAGES, sha, [mirror["url"] + "good"], tmp_path / "cache",
                               size=size + 1, verbose=False))
    assert (f"good/{TEST_IMAGES} announced {size:,} bytes, expected {size + 1:,}. The download "
            f"was deleted.") in str(info.value)
    assert list((tmp_path / "cache").iterdir()) == []


def test_trickling_server_is_abandoned_at_the_deadline(mirror):
    sha, size = mirror["checksums"][TEST_IMAGES], mirror["sizes"][TEST_IMAGES]
    cache = mirror["home"] / "cache"
    with pytest.raises(DataNotFoundError) as info:
        _bounded(lambda: fetch(TEST_IMAGES, sha, [mirror["url"] + "trickle"], cache,
                               size=size, verbose=False, timeout=5.0, deadline=1.0))
    message = str(info.value)
    assert message.startswith(f"could not download {TEST_IMAGES}: {mirror['url']}trickle/")
    assert "too slow or stalled: gave up when the 1 s deadline passed, after " in message
    assert f" of {size:,} bytes (fetch's deadline= parameter)" in message
    assert list(cache.iterdir()) == []  # nothing partial left, under any name


def test_deadline_covers_all_mirrors(mirror):
    sha = mirror["checksums"][TEST_IMAGES]
    url = mirror["url"]
    with pytest.raises(DataNotFoundError) as info:
        _bounded(lambda: fetch(TEST_IMAGES, sha, [url + "trickle", url + "good"],
                               mirror["home"], verbose=False, timeout=5.0, deadline=1.0))
    message = str(info.value)
    assert f"not tried, the 1 s deadline had passed: {url}good/{TEST_IMAGES}" in message
    assert mirror["hits"] == [f"/trickle/{TEST_IMAGES}"]


def test_silent_server_times_out_per_read(mirror):
    sha = mirror["checksums"][TEST_IMAGES]
    with pytest.raises(DataNotFoundError) as info:
        _bounded(lambda: fetch(TEST_IMAGES, sha, [mirror["url"] + "stall"], mirror["home"],
                               verbose=False, timeout=0.5, deadline=60.0))
    assert str(info.value) == (f"could not download {TEST_IMAGES}: {mirror['url']}stall/"
                               f"{TEST_IMAGES}: no data for 0.5 s (fetch's timeout= parameter)")
    assert _leftovers(mirror["home"]) == []


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"deadline": 0}, r"'deadline' parameter of fetch must be a float in the range "
                          r"\(0\.0, inf\)\. Got 0\.0 instead"),
        ({"timeout": -1}, r"'timeout' parameter of fetch .*Got -1\.0"),
        ({"size": 2.5}, r"'size' parameter of fetch must be an int .* or None\. Got 2\.5"),
    ],
)
def test_fetch_argument_errors(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fetch("x", "0" * 64, [], tmp_path, **kwargs)


def test_wrong_image_shape_and_count_mismatch(tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    folder.mkdir()
    img_name, lbl_name = _mnist.SPLIT_FILES["test"]
    blobs = {
        img_name: _gz(_idx_bytes(np.zeros((3, 10, 10), np.uint8))),
        lbl_name: _gz(_idx_bytes(np.zeros(3, np.uint8))),
    }
    for name, blob in blobs.items():
        (folder / name).write_bytes(blob)
    sums = {name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()}
    monkeypatch.setitem(_mnist.CHECKSUMS, "mnist", sums)
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz: expected 28 x 28 images"):
        load_mnist("test", data_home=tmp_path, download=False)

    blobs[img_name] = _gz(_idx_bytes(np.zeros((4, 28, 28), np.uint8)))
    (folder / img_name).write_bytes(blobs[img_name])
    sums[img_name] = hashlib.sha256(blobs[img_name]).hexdigest()
    with pytest.raises(ValueError, match=r"4 images but .*t10k-labels-idx1-ubyte\.gz holds 3 labels"):
        load_mnist("test", data_home=tmp_path, download=False)


@pytest.mark.parametrize("loader", [load_mnist, load_fashion_mnist])
def test_split_is_validated(loader, tmp_path):
    match = rf"'split' parameter of {loader.__name__} must be one of 'train', 'test'\. Got 'val'"
    with pytest.raises(ValueError, match=match):
        loader("val", data_home=tmp_path)


def test_get_data_home_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("SCRATCHNET_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert get_data_home() == tmp_path / "user" / ".cache" / "scratchnet"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert get_data_home() == tmp_path / "xdg" / "scratchnet"
    monkeypatch.setenv("SCRATCHNET_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert not (tmp_path / "env").exists()  # looking it up creates nothing


# --------------------------------------------------------------------------- real data


def _real_data_home():
    env = os.environ.get("SCRATCHNET_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path("/work/shared/data"))
    for home in candidates:
        if (home / "mnist" / "t10k-images-idx3-ubyte.gz").exists():
            return home
    return None


REAL_HOME = _real_data_home()
needs_real_data = pytest.mark.skipif(
    REAL_HOME is None,
    reason="real MNIST files not found (set SCRATCHNET_DATA to a folder with mnist/ and "
    "fashion-mnist/)",
)


@needs_real_data
def test_real_file_sizes_match_the_registry():
    for dataset, sizes in _mnist.FILE_SIZES.items():
        for name, size in sizes.items():
            path = REAL_HOME / dataset / name
            if path.exists():
                assert path.stat().st_size == size, path


@needs_real_data
def test_real_mnist_test_split():
    X, y = load_mnist("test", data_home=REAL_HOME, download=False)
    assert X.shape == (10000, 784) and X.dtype == np.uint8
    assert y.dtype == np.int64 and y[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert X.min() == 0 and X.max() == 255


@needs_real_data
def test_real_mnist_train_split_as_float():
    X, y = load_mnist("train", data_home=REAL_HOME, as_float=True, download=False)
    assert X.shape == (60000, 784) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


@needs_real_data
def test_real_fashion_mnist_test_split():
    if not (REAL_HOME / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists():
        pytest.skip("Fashion-MNIST files not found")
    X, y = load_fashion_mnist("test", data_home=REAL_HOME, flatten=False, download=False)
    assert X.shape == (10000, 28, 28) and X.dtype == np.uint8
    assert np.bincount(y).tolist() == [1000] * 10
    assert FASHION_MNIST_CLASSES[y[0]] == "Ankle boot"
