"""PyTorch, eager mode: ``nn.Sequential`` and a plain minibatch loop."""

import time

import numpy as np

from . import loader
from .recipe import Trained

LABEL = "PyTorch"
MODULES = ("torch",)


def missing():
    """The module that cannot be imported, or None."""
    return loader.first_missing(MODULES)


def install_command():
    return "pip install torch"


def version():
    return loader.import_library("torch").__version__


def train(spec, X, y):
    torch = loader.import_library("torch")
    nn = torch.nn
    torch.manual_seed(spec.seed)
    binary = spec.n_classes == 2
    modules, width = [], X.shape[1]
    for h in spec.hidden:
        modules += [nn.Linear(width, h), nn.ReLU()]
        width = h
    modules.append(nn.Linear(width, 1 if binary else spec.n_classes))
    net = nn.Sequential(*modules)
    loss_fn = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=spec.lr, betas=(0.9, 0.999), eps=1e-8)
    generator = torch.Generator().manual_seed(spec.seed)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(y.astype(np.float32)[:, None] if binary else y.astype(np.int64))
    n = len(Xt)
    start = time.perf_counter()
    for _ in range(spec.epochs):
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, spec.batch_size):
            idx = order[first:first + spec.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(net(Xt[idx]), yt[idx]).backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    net.eval()

    def predict(X_new):
        with torch.no_grad():
            out = net(torch.from_numpy(np.ascontiguousarray(X_new, dtype=np.float32))).numpy()
        return (out[:, 0] > 0).astype(np.int64) if binary else out.argmax(axis=1)

    return Trained(seconds, spec.epochs, predict)
