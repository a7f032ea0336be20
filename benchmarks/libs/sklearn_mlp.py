"""scikit-learn ``MLPClassifier``: one ``partial_fit`` call per epoch (one shuffled pass)."""

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier

from . import Library


def load(threads):
    return Library(
        version=sklearn.__version__, build=SklearnNet,
        threads=f"NumPy's BLAS limited to {threads} by threadpoolctl",
        notes=[f"given float32 input it computes in {_compute_dtype()} (dtype of `coefs_` "
               "after `partial_fit`)",
               "one `partial_fit` call per epoch; Glorot-uniform init (its default)",
               "with 2 classes (W2) it uses one logistic output unit, not a 2-way softmax"],
    )


def _compute_dtype():
    """The dtype MLPClassifier trains in when given float32 data."""
    clf = MLPClassifier(hidden_layer_sizes=(2,), batch_size=4)
    clf.partial_fit(np.zeros((4, 3), dtype=np.float32), np.array([0, 1, 2, 0]),
                    classes=np.arange(3))
    return str(clf.coefs_[0].dtype)


class SklearnNet:
    def __init__(self, spec):
        common = dict(hidden_layer_sizes=spec.sizes[1:-1], activation="relu", alpha=0.0,
                      batch_size=spec.batch_size, learning_rate_init=spec.lr, shuffle=True,
                      random_state=spec.seed)
        if spec.optimizer == "adam":
            self.clf = MLPClassifier(solver="adam", beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                                     **common)
        else:
            self.clf = MLPClassifier(solver="sgd", learning_rate="constant", momentum=0.0,
                                     nesterovs_momentum=False, **common)
        self.classes = np.arange(spec.sizes[-1])

    def train_epoch(self, X, y):
        self.clf.partial_fit(X, y, classes=self.classes)

    def predict(self, X):
        return self.clf.predict(X)
