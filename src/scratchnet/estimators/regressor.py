"""``NeuralNetRegressor``: a scratchnet network as a scikit-learn regressor."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..tasks import RegressionTask
from .base import NeuralNetBase
from .docstrings import FITTED_DOC, PARAMETERS_DOC

__all__ = ["NeuralNetRegressor"]


class NeuralNetRegressor(RegressorMixin, NeuralNetBase):
    __doc__ = f"""A feed-forward network regressor with scikit-learn's interface.

    Linear outputs trained with the mean squared error; ``y`` may have
    several columns (one output unit each).

    Parameters
    ----------
    {PARAMETERS_DOC.strip()}

    Attributes
    ----------
    {FITTED_DOC.strip()}

    Notes
    -----
    scratchnet's MSE averages the squared errors over samples and outputs and
    is not halved; scikit-learn's gradient is that of half the squared error
    summed over the outputs. The gradient here is therefore :math:`2/k` times
    scikit-learn's for :math:`k` outputs: ``alpha`` is scaled to match (its
    meaning is kept), ``loss_curve_`` is reported on scikit-learn's scale,
    and Adam and RMSprop, nearly invariant to the scale of the gradient, take
    the same steps; plain SGD's ``learning_rate_init`` acts :math:`2/k` times
    larger than in ``MLPRegressor``.

    Examples
    --------
    >>> import numpy as np
    >>> from scratchnet.sklearn import NeuralNetRegressor
    >>> X = np.random.default_rng(0).uniform(-1, 1, size=(300, 1))
    >>> y = np.sin(3 * X[:, 0])
    >>> reg = NeuralNetRegressor(hidden_layer_sizes=(32,), activation="tanh",
    ...                          learning_rate_init=0.01, max_iter=500, batch_size=32,
    ...                          random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    #: scikit-learn reports half the mean squared error.
    loss_report_scale = 0.5

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", dropout=0.0, solver="adam",
                 learning_rate_init=0.001, batch_size="auto", max_iter=200, alpha=0.0001,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10, tol=1e-4,
                 momentum=0.9, nesterovs_momentum=True, shuffle=True, random_state=None,
                 verbose=0, dtype="float32", warm_start=False, transform_layer=-1):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, dropout=dropout,
            solver=solver, learning_rate_init=learning_rate_init, batch_size=batch_size,
            max_iter=max_iter, alpha=alpha, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change, tol=tol,
            momentum=momentum, nesterovs_momentum=nesterovs_momentum, shuffle=shuffle,
            random_state=random_state, verbose=verbose, dtype=dtype, warm_start=warm_start,
            transform_layer=transform_layer)

    def fit(self, X, y, sample_weight=None):
        """Train the network on ``(X, y)``: up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the network (built on the first call).

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _validate_targets(self, y, continuing, incremental, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if continuing and n_outputs != self.n_outputs_:
            raise ValueError(f"y has {n_outputs} target columns, but the fitted network "
                             f"predicts {self.n_outputs_}.")
        return y, None

    def _task_and_loss(self, y, labels):
        return RegressionTask().fit(y), "mse"

    def _gradient_scale(self, model):
        return 2.0 / model.task.n_outputs

    def _validation_score(self, model, X, y, sample_weight):
        return r2_score(y, model.predict(X), sample_weight=sample_weight)

    def predict(self, X):
        """Predictions of shape (n_samples,), or (n_samples, n_outputs) for several targets.

        In float64 whatever the network's ``dtype``, as scikit-learn's regressors return.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self.model_.dtype)
        return self.model_.predict(X).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
