"""MNIST and Fashion-MNIST: the original gzipped IDX files, found on disk or downloaded.

The registries below (checksums and mirrors per dataset) are the only
dataset-specific knowledge; finding, downloading and verifying the files is
:func:`scratchnet.datasets.fetch`, parsing them :func:`scratchnet.datasets.read_idx`.
"""

import numpy as np

from .._validation import check_option
from ._download import DataNotFoundError, fetch, get_data_home
from ._idx import read_idx

__all__ = ["load_mnist", "load_fashion_mnist", "FASHION_MNIST_CLASSES"]

#: dataset (also its subfolder of the data home) -> {file name: SHA-256 of the .gz file}
CHECKSUMS = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
}

#: dataset -> {file name: size of the .gz file in bytes}; a download that stops
#: short of it is reported as truncated, even without a Content-Length header
FILE_SIZES = {
    "mnist": {
        "train-images-idx3-ubyte.gz": 9912422,
        "train-labels-idx1-ubyte.gz": 28881,
        "t10k-images-idx3-ubyte.gz": 1648877,
        "t10k-labels-idx1-ubyte.gz": 4542,
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": 26421880,
        "train-labels-idx1-ubyte.gz": 29515,
        "t10k-images-idx3-ubyte.gz": 4422102,
        "t10k-labels-idx1-ubyte.gz": 5148,
    },
}

#: dataset -> base URLs, tried in order
MIRRORS = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ],
}

#: split -> (images file, labels file); the same names for both datasets
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: Fashion-MNIST label -> name of the class
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049
_IMAGE_SHAPE = (28, 28)

_LOADER_DOC = """{summary}

    Parameters
    ----------
    split : {{"train", "test"}}, default "train"
        {sizes}
    data_home : str or os.PathLike, optional
        Folder whose ``{folder}/`` subfolder holds the four original
        ``.gz`` files under their canonical names. Default: the
        ``SCRATCHNET_DATA`` environment variable, else
        ``$XDG_CACHE_HOME/scratchnet``, else ``~/.cache/scratchnet``
        (see :func:`get_data_home`).
    as_float : bool, default False
        Return the pixels as float32 scaled to [0, 1] instead of uint8 0..255.
    flatten : bool, default True
        Return images as rows of 784 pixels; False keeps them 28 x 28.
    download : bool, default True
        Download missing files from {mirrors}.
    verbose : bool or None, default None
        Show download progress on stderr; None: only if stderr is a terminal.

    Returns
    -------
    X : ndarray of shape (n, 784), or (n, 28, 28) if ``flatten`` is False
        uint8, or float32 if ``as_float``. Rows are images, row-major, 0 = background.
    y : ndarray of shape (n,), int64
        Labels 0..9 (stored as uint8 in the file; widened so they index arrays
        and feed :func:`scratchnet.preprocessing.one_hot` without surprises).{labels}

    Raises
    ------
    DataNotFoundError
        A ``FileNotFoundError`` listing the files to put in which folder, if
        they are missing and cannot be downloaded (the message says why each
        mirror failed: unreachable, truncated, too slow), or if a directory
        stands where a file should be. Each file's download gives up after
        the default deadline of :func:`fetch` (600 s, plus at most one 30 s
        read).
    ValueError
        If a file has the wrong SHA-256 or is not a valid IDX file of 28 x 28
        images; the message names the file.

    Notes
    -----
    Every load checks the SHA-256 of the files (about 0.1 s for the training
    images). Nothing is kept in memory between calls.
    {source}
    """


def _load(dataset, caller, split, data_home, as_float, flatten, download, verbose):
    check_option(split, "split", caller, tuple(SPLIT_FILES))
    folder = get_data_home(data_home) / dataset
    checksums, mirrors = CHECKSUMS[dataset], MIRRORS[dataset]
    sizes = FILE_SIZES.get(dataset, {})
    names = SPLIT_FILES[split]
    paths = []
    for name in names:
        try:
            paths.append(fetch(name, checksums[name], mirrors, folder, size=sizes.get(name),
                               download=download, verbose=verbose))
        except DataNotFoundError as exc:
            message = _missing_message(dataset, split, folder, names, mirrors, exc)
            raise DataNotFoundError(message) from exc

    images = read_idx(paths[0], expected_magic=_IMAGES_MAGIC)
    labels = read_idx(paths[1], expected_magic=_LABELS_MAGIC)
    if images.shape[1:] != _IMAGE_SHAPE:
        raise ValueError(f"{paths[0]}: expected 28 x 28 images, got shape {images.shape}")
    if len(images) != len(labels):
        raise ValueError(
            f"{paths[0]} holds {len(images)} images but {paths[1]} holds {len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{paths[1]}: labels must be 0..9, found {labels.max()}")

    X = images.reshape(len(images), -1) if flatten else images
    if as_float:
        X = X.astype(np.float32)
        X /= np.float32(255.0)
    return X, labels.astype(np.int64)


def _missing_message(dataset, split, folder, names, mirrors, exc):
    title = _TITLES.get(dataset, dataset)
    missing = [n for n in names if not (folder / n).is_file()]
    listing = "\n".join(f"    {n}" for n in missing)
    return (
        f"{title} {split} data not found and not downloaded ({exc}).\n"
        f"Put these files in {folder}:\n{listing}\n"
        f"(the original files, from {' or '.join(mirrors) or 'the dataset home page'}), or set "
        f"the SCRATCHNET_DATA environment variable (or pass data_home=) to a folder whose "
        f"{dataset}/ subfolder holds them."
    )


def load_mnist(split="train", data_home=None, as_float=False, flatten=True, download=True,
               verbose=None):
    return _load("mnist", "load_mnist", split, data_home, as_float, flatten, download, verbose)


def load_fashion_mnist(split="train", data_home=None, as_float=False, flatten=True,
                       download=True, verbose=None):
    return _load("fashion-mnist", "load_fashion_mnist", split, data_home, as_float, flatten,
                 download, verbose)


load_mnist.__doc__ = _LOADER_DOC.format(
    summary="The MNIST handwritten digits: 28 x 28 grayscale images of the digits 0 to 9.",
    sizes="60,000 training or 10,000 test images.",
    folder="mnist",
    mirrors="the mirrors in ``MIRRORS['mnist']`` (PyTorch's S3 copy, then Google's)",
    labels="",
    source="Y. LeCun, C. Cortes, C. J. C. Burges, http://yann.lecun.com/exdb/mnist/ , "
    "CC BY-SA 3.0.\n\n    Examples\n    --------\n"
    "    >>> X, y = load_mnist('test', as_float=True, download=False)  # from the data home\n"
    "    >>> X.shape, X.dtype, y[:5].tolist()\n"
    "    ((10000, 784), dtype('float32'), [7, 2, 1, 0, 4])",
)
load_fashion_mnist.__doc__ = _LOADER_DOC.format(
    summary="Fashion-MNIST: 28 x 28 grayscale images of ten kinds of clothing (Zalando).",
    sizes="60,000 training or 10,000 test images, the classes balanced.",
    folder="fashion-mnist",
    mirrors="Zalando's S3 bucket (``MIRRORS['fashion-mnist']``)",
    labels=" ``FASHION_MNIST_CLASSES[k]`` names class ``k``\n"
    "        (0 T-shirt/top, 1 Trouser, ..., 9 Ankle boot).",
    source="H. Xiao, K. Rasul, R. Vollgraf, arXiv:1708.07747, "
    "https://github.com/zalandoresearch/fashion-mnist , MIT license.\n\n"
    "    Examples\n    --------\n"
    "    >>> X, y = load_fashion_mnist('test', flatten=False, download=False)\n"
    "    >>> X.shape, FASHION_MNIST_CLASSES[y[0]]\n"
    "    ((10000, 28, 28), 'Ankle boot')",
)
