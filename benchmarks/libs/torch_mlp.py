"""PyTorch on the CPU, eager or with ``torch.compile`` of the whole train step.

``nn.Sequential`` of ``Linear``/``ReLU``, ``CrossEntropyLoss`` and ``torch.optim``
(default implementation). Batches come from a ``torch.randperm`` index per epoch
over the whole dataset wrapped (without copying) by ``torch.from_numpy``: no
DataLoader and its per-batch overhead.
"""

import torch

from . import Library


def load_eager(threads):
    return _load(threads, compiled=False)


def load_compiled(threads):
    # Each network is a new `self` for the compiled train step, hence a recompilation;
    # the default limit (8 per function) would silently fall back to eager after that.
    torch._dynamo.config.recompile_limit = 64
    return _load(threads, compiled=True)


def _load(threads, compiled):
    torch.set_num_threads(threads)

    def build(spec):
        return TorchNet(spec, compiled)

    notes = ["manual batching: `torch.randperm` per epoch and tensor indexing, no DataLoader",
             "`torch.optim` default (single-tensor) implementation; "
             "PyTorch's default init (uniform +-1/sqrt(fan_in))"]
    if compiled:
        notes.append("`torch.compile(train_step, dynamic=False)` (forward, backward and "
                     "optimizer step) and a compiled predict; compilation happens in the "
                     "warm-up and is not timed")
    return Library(
        version=torch.__version__, build=build,
        threads=f"torch.get_num_threads() = {torch.get_num_threads()}, "
                f"interop {torch.get_num_interop_threads()}",
        notes=notes,
    )


class TorchNet:
    def __init__(self, spec, compiled):
        nn = torch.nn
        torch.manual_seed(spec.seed)
        layers = []
        for fan_in, fan_out in zip(spec.sizes[:-1], spec.sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        self.model = nn.Sequential(*layers[:-1])
        if spec.optimizer == "adam":
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=spec.lr,
                                              betas=(0.9, 0.999), eps=1e-8)
        else:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=spec.lr, momentum=0.0)
        self.loss_fn = nn.CrossEntropyLoss()
        self.batch_size = spec.batch_size
        self.step = self._step
        self.labels = self._labels
        if compiled:
            self.step = torch.compile(self._step, dynamic=False)
            self.labels = torch.compile(self._labels, dynamic=False)

    def _step(self, x, y):
        self.optimizer.zero_grad(set_to_none=True)
        self.loss_fn(self.model(x), y).backward()
        self.optimizer.step()

    def _labels(self, x):
        return self.model(x).argmax(dim=1)

    def train_epoch(self, X, y):
        X = torch.from_numpy(X)
        y = torch.from_numpy(y)
        order = torch.randperm(len(X))
        for start in range(0, len(X), self.batch_size):
            idx = order[start:start + self.batch_size]
            self.step(X[idx], y[idx])

    def predict(self, X):
        with torch.inference_mode():
            return self.labels(torch.from_numpy(X)).numpy()
