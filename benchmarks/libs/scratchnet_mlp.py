"""scratchnet: one ``Sequential.fit(epochs=1)`` per epoch (its input checks timed too)."""

import scratchnet as sn

from . import Library, Unavailable


def load(threads):
    if not hasattr(sn, "Sequential"):
        raise Unavailable("installed, but its core (scratchnet.Sequential) does not exist yet")
    return Library(
        version=sn.__version__, build=ScratchnetNet,
        threads=f"NumPy's BLAS limited to {threads} by threadpoolctl",
        notes=["one `fit(X, y, epochs=1, batch_size=..., verbose=0)` call per epoch; "
               "the input validation it does each call is timed"],
    )


class ScratchnetNet:
    def __init__(self, spec):
        layers = []
        for width in spec.sizes[1:-1]:
            layers += [sn.Dense(width), sn.ReLU()]
        layers.append(sn.Dense(spec.sizes[-1]))
        optimizer = sn.Adam(lr=spec.lr) if spec.optimizer == "adam" else sn.SGD(lr=spec.lr)
        self.model = sn.Sequential(layers, loss="cross_entropy", optimizer=optimizer,
                                   seed=spec.seed)
        self.batch_size = spec.batch_size

    def train_epoch(self, X, y):
        self.model.fit(X, y, epochs=1, batch_size=self.batch_size, verbose=0)

    def predict(self, X):
        return self.model.predict(X)
