"""``NeuralNetClassifier``: a scratchnet network as a scikit-learn classifier."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..errors import ModelFileError
from ..inference import forward_in_chunks
from ..ops import softmax_with_logsumexp
from ..tasks import BinaryTask, MulticlassTask
from . import persistence
from .base import NeuralNetBase
from .docstrings import FITTED_DOC, PARAMETERS_DOC

__all__ = ["NeuralNetClassifier"]


class NeuralNetClassifier(ClassifierMixin, NeuralNetBase):
    __doc__ = f"""A feed-forward network classifier with scikit-learn's interface.

    Two classes are one logit and the binary cross-entropy (as
    ``MLPClassifier``'s logistic output); more classes are a softmax with the
    cross-entropy. Labels may be of any type scikit-learn accepts.

    Parameters
    ----------
    {PARAMETERS_DOC.strip()}
    class_weight : dict, "balanced" or None, default None
        Weight of each class, multiplied into ``sample_weight``:
        ``{{label: weight}}``, or ``"balanced"`` for :math:`n / (C \\cdot n_c)`
        (not in ``partial_fit``, whose batches do not show the class frequencies).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    {FITTED_DOC.strip()}

    Notes
    -----
    Multilabel and multi-output targets are refused: each sample has one label.

    Examples
    --------
    >>> import numpy as np
    >>> from scratchnet.sklearn import NeuralNetClassifier
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> y = np.where(X[:, 0] + X[:, 1] > 0, "up", "down")
    >>> clf = NeuralNetClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.01, tol=1e-3,
    ...                           random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.score(X, y) > 0.95, clf.n_iter_ < clf.max_iter
    (['down', 'up'], True, True)
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", dropout=0.0, solver="adam",
                 learning_rate_init=0.001, batch_size="auto", max_iter=200, alpha=0.0001,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10, tol=1e-4,
                 momentum=0.9, nesterovs_momentum=True, shuffle=True, random_state=None,
                 verbose=0, dtype="float32", warm_start=False, transform_layer=-1,
                 class_weight=None):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, dropout=dropout,
            solver=solver, learning_rate_init=learning_rate_init, batch_size=batch_size,
            max_iter=max_iter, alpha=alpha, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change, tol=tol,
            momentum=momentum, nesterovs_momentum=nesterovs_momentum, shuffle=shuffle,
            random_state=random_state, verbose=verbose, dtype=dtype, warm_start=warm_start,
            transform_layer=transform_layer)
        self.class_weight = class_weight

    # -- fitting ---------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``(X, y)``: up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the network (built on the first call).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,)
            Every class label; required on the first call, since one batch
            may not hold them all.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _is_classifier(self):
        return True

    def _validate_targets(self, y, continuing, incremental, classes):
        owner = type(self).__name__
        check_classification_targets(y)
        kind = type_of_target(y, input_name="y")
        if kind in ("multilabel-indicator", "multiclass-multioutput"):
            raise ValueError(f"{owner} does not support {kind} targets: it predicts one label "
                             f"per sample; got y of shape {y.shape}.")
        if y.ndim == 2:
            y = column_or_1d(y, warn=True)
        if incremental:
            if not continuing:
                if classes is None:
                    raise ValueError("classes must be passed on the first call to partial_fit.")
                labels = unique_labels(classes)
            else:
                labels = self.classes_
                if classes is not None and unique_labels(classes).tolist() != labels.tolist():
                    raise ValueError(f"classes={unique_labels(classes).tolist()} is not the "
                                     f"same as on the first call to partial_fit: "
                                     f"{labels.tolist()}.")
            seen = unique_labels(y)
            unknown = seen[~np.isin(seen, labels)]
            if unknown.size:
                raise ValueError(f"y holds labels {unknown.tolist()} that are not in classes "
                                 f"{labels.tolist()}.")
        else:
            labels = unique_labels(y)
            if continuing and labels.tolist() != self.classes_.tolist():
                raise ValueError(f"warm_start continues the fitted network, so y must hold the "
                                 f"same classes as the previous fit ({self.classes_.tolist()});"
                                 f" it holds {labels.tolist()}.")
        if len(labels) < 2:
            raise ValueError(f"{owner} needs at least two classes; y holds one class: "
                             f"{labels.tolist()}.")
        return y, labels

    def _class_weights(self, y, incremental, labels):
        class_weight = self.class_weight
        if class_weight is None:
            return None
        if isinstance(class_weight, str) and class_weight == "balanced":
            if incremental:
                raise ValueError(
                    "class_weight='balanced' is not supported by partial_fit: one batch does "
                    "not show the class frequencies. Compute the weights once with "
                    "sklearn.utils.class_weight.compute_class_weight('balanced', classes=..., "
                    "y=<a large sample of the targets>) and pass them as a dict.")
            present = unique_labels(y)
            per_class = compute_class_weight("balanced", classes=present, y=y)
            return per_class[np.searchsorted(present, y)]
        if not isinstance(class_weight, dict):
            raise ValueError(f"The 'class_weight' parameter of {type(self).__name__} must be a "
                             f"dict, 'balanced' or None. Got {class_weight!r} instead.")
        unknown = [k for k in class_weight if k not in labels.tolist()]
        if unknown:
            raise ValueError(f"class_weight names labels {unknown} that are not classes: "
                             f"{labels.tolist()}.")
        per_class = np.array([float(class_weight.get(c, 1.0)) for c in labels.tolist()])
        if not (np.isfinite(per_class).all() and (per_class >= 0).all()):
            raise ValueError(f"class_weight must hold finite weights >= 0; got {class_weight!r}.")
        return per_class[np.searchsorted(labels, y)]

    def _check_weighted_targets(self, y, weight):
        if weight is None:
            return
        kept = unique_labels(y[weight > 0]) if (weight > 0).any() else np.array([])
        if len(kept) < 2:
            raise ValueError(f"{type(self).__name__} needs at least two classes with a non-zero "
                             f"sample weight; only {len(kept)} class has one: {kept.tolist()}.")

    def _task_and_loss(self, y, labels):
        if len(labels) == 2:
            return BinaryTask().fit(labels), "binary_cross_entropy"
        return MulticlassTask().fit(labels), "cross_entropy"

    def _gradient_scale(self, model):
        return 1.0

    def _validation_score(self, model, X, y, sample_weight):
        codes = model.task.decision_codes(forward_in_chunks(model, X))
        return accuracy_score(y, model.task.classes_[codes], sample_weight=sample_weight)

    def _extra_fitted(self):
        return {"classes_": persistence.labels_entry(self.classes_)}

    def _restore_extra(self, fitted, model):
        classes = persistence.labels_from_entry(fitted["classes_"])
        if classes.tolist() != model.task.classes_.tolist():
            raise ModelFileError(f"classes_ {classes.tolist()} differ from the network's "
                                 f"{model.task.classes_.tolist()}")
        self.classes_ = classes

    # -- prediction --------------------------------------------------------------
    def _logits(self, X):
        X = validate_data(self, X, reset=False, dtype=self.model_.dtype)
        return forward_in_chunks(self.model_, X)

    def predict(self, X):
        """Predicted class labels, of shape (n_samples,)."""
        check_is_fitted(self)
        return self.classes_[self.model_.task.decision_codes(self._logits(X))]

    def predict_proba(self, X):
        """Class probabilities of shape (n_samples, n_classes), columns in ``classes_`` order.

        Softmax of the logits, or :math:`(1 - \\sigma(z), \\sigma(z))` for two classes.
        """
        check_is_fitted(self)
        return self.model_.task.probabilities(self._logits(X))

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`, computed from the logits (finite where it underflows).

        :math:`z_j - \\log \\sum_k e^{z_k}`, or for two classes
        :math:`(-\\log(1 + e^{z}), -\\log(1 + e^{-z}))`.
        """
        check_is_fitted(self)
        Z = self._logits(X)
        if Z.shape[1] == 1:
            return -np.hstack([np.logaddexp(0.0, Z), np.logaddexp(0.0, -Z)])
        _, lse = softmax_with_logsumexp(Z, out=np.empty_like(Z))
        return Z - lse
