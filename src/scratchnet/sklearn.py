"""scikit-learn estimators: ``NeuralNetClassifier`` and ``NeuralNetRegressor``.

Install the extra first: ``pip install 'scratchnet[sklearn]'``. The estimators
follow scikit-learn's conventions (``fit``/``predict``/``score``, ``clone``,
pickling, pipelines, grid search, ``set_output``) and pass its
``check_estimator`` suite; see ``docs/sklearn.md``.

>>> from scratchnet.sklearn import NeuralNetClassifier
>>> from sklearn.datasets import make_moons
>>> X, y = make_moons(200, noise=0.1, random_state=0)
>>> clf = NeuralNetClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
...                           batch_size=16, random_state=0).fit(X, y)
>>> clf.score(X, y) > 0.95, clf.n_iter_ < clf.max_iter  # converged before max_iter
(True, True)
"""

# Absolute imports (Python 3): inside this module ``import sklearn`` is the
# real scikit-learn, not this file.
from scratchnet.estimators import NeuralNetClassifier, NeuralNetRegressor, load

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor", "load"]
