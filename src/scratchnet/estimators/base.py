"""What the two estimators share: their settings, the training run, the hidden activations.

The network an estimator builds is a plain :class:`~scratchnet.Sequential`
(kept as ``model_``)::

    Dense(h_1, activation=a_1) [Dropout(p)] ... Dense(h_L, activation=a_L) [Dropout(p)] Dense(k)

trained by :class:`~scratchnet.training.TrainingLoop` one epoch at a time, so
that scikit-learn's stopping rule can run between epochs.

The L2 penalty ``alpha``
------------------------
scikit-learn's ``MLPClassifier``/``MLPRegressor`` minimize, on each minibatch
:math:`B` with sample weights :math:`w_i` (all 1 by default),

.. math::
    J_B = \\frac{\\sum_{i \\in B} w_i \\ell_i}{\\sum_{i \\in B} w_i}
          + \\frac{\\alpha}{2 \\sum_{i \\in B} w_i} \\lVert W \\rVert^2,

the penalty covering the weight matrices :math:`W` (not the biases). scratchnet's
optimizers apply a coupled L2 penalty, :math:`g \\leftarrow g + \\lambda \\theta`,
and its losses average :math:`w_i \\ell_i` over the batch. The estimators
normalize the weights to mean 1 over the training data and set

.. math::
    \\lambda = c \\, \\frac{\\alpha\\, n}{|B| \\sum_i w_i},

with :math:`c = 1` for the classifiers (the same log-loss) and :math:`c = 2/k`
for the regressor with :math:`k` outputs (scratchnet's MSE is not halved and
averages over the outputs). The objective descended is then :math:`c\\, J_B`
exactly for full-batch training, and up to the size and weight of the batch at
hand otherwise: ``alpha`` keeps its scikit-learn meaning. Two differences
remain: :math:`\\lambda` is fixed for the run (scikit-learn's last, smaller
batch gets a larger penalty), and scratchnet's penalty also decays the biases.
``loss_curve_`` reports scikit-learn's numbers: the epoch's mean data loss
(halved for the regressor) plus :math:`\\tfrac{\\alpha}{2} \\lVert W \\rVert^2 \\cdot
n_{batches} / \\sum_i w_i` at the end of the epoch.
"""

import numbers
import os
import types
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .._validation import check_option, check_random_state, check_scalar
from ..errors import DataValidationError, ModelFileError
from ..inference import PREDICT_CHUNK
from ..layers import ACTIVATIONS, Dense, Dropout
from ..loading import load as load_model
from ..optimizers import SGD, Adam, RMSprop
from ..sequential import Sequential
from ..training import TrainingLoop
from . import persistence
from .stopping import TrainingState

__all__ = ["NeuralNetBase"]

#: scikit-learn's activation names that scratchnet spells differently.
_ACTIVATION_SYNONYMS = {"logistic": "sigmoid"}
_SOLVERS = ("adam", "sgd", "rmsprop")


def _check_bool(value, name, owner):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"The '{name}' parameter of {owner} must be a bool. Got {value!r} "
                         "instead.")
    return bool(value)


class NeuralNetBase(TransformerMixin, BaseEstimator):
    """Base of :class:`NeuralNetClassifier` and :class:`NeuralNetRegressor` (see them)."""

    #: Reported loss = scratchnet's epoch loss times this (1/2 for the squared error).
    loss_report_scale = 1.0

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", dropout=0.0, solver="adam",
                 learning_rate_init=0.001, batch_size="auto", max_iter=200, alpha=0.0001,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10, tol=1e-4,
                 momentum=0.9, nesterovs_momentum=True, shuffle=True, random_state=None,
                 verbose=0, dtype="float32", warm_start=False, transform_layer=-1):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.dtype = dtype
        self.warm_start = warm_start
        self.transform_layer = transform_layer

    # -- settings ------------------------------------------------------------
    def _settings(self):
        """The constructor parameters, checked (the parameters themselves stay untouched)."""
        owner = type(self).__name__
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = [sizes]
        if isinstance(sizes, str) or not hasattr(sizes, "__iter__"):
            raise ValueError(f"The 'hidden_layer_sizes' parameter of {owner} must be a sequence "
                             f"of ints >= 1 (one per hidden layer). Got {sizes!r} instead.")
        sizes = tuple(check_scalar(s, "hidden_layer_sizes", owner, kind=int, low=1)
                      for s in sizes)
        names = self.activation
        names = [names] * len(sizes) if isinstance(names, str) else list(names)
        if len(names) != len(sizes):
            raise ValueError(f"The 'activation' parameter of {owner} must be one name or one per "
                             f"hidden layer ({len(sizes)}). Got {self.activation!r} instead.")
        activations = []
        for name in names:
            name = _ACTIVATION_SYNONYMS.get(str(name).lower(), name)
            ACTIVATIONS.lookup(name, owner, "activation")
            activations.append(str(name).lower())
        batch_size = self.batch_size
        if not (isinstance(batch_size, str) and batch_size == "auto"):
            batch_size = check_scalar(batch_size, "batch_size", owner, kind=int, low=1)
        dtype = str(np.dtype(self.dtype)) if _is_dtype(self.dtype) else self.dtype
        dtype = check_option(dtype, "dtype", owner, ("float32", "float64"))
        verbose = self.verbose
        verbose = int(verbose) if isinstance(verbose, (bool, np.bool_)) else verbose
        return types.SimpleNamespace(
            sizes=sizes, activations=tuple(activations),
            dropout=check_scalar(self.dropout, "dropout", owner, low=0.0, high=1.0,
                                 closed="left"),
            solver=check_option(self.solver, "solver", owner, _SOLVERS),
            learning_rate_init=check_scalar(self.learning_rate_init, "learning_rate_init", owner,
                                            low=0.0, closed="neither"),
            batch_size=batch_size,
            max_iter=check_scalar(self.max_iter, "max_iter", owner, kind=int, low=1),
            alpha=check_scalar(self.alpha, "alpha", owner, low=0.0),
            early_stopping=_check_bool(self.early_stopping, "early_stopping", owner),
            validation_fraction=check_scalar(self.validation_fraction, "validation_fraction",
                                             owner, low=0.0, high=1.0, closed="neither"),
            n_iter_no_change=check_scalar(self.n_iter_no_change, "n_iter_no_change", owner,
                                          kind=int, low=1),
            tol=check_scalar(self.tol, "tol", owner, low=0.0),
            momentum=check_scalar(self.momentum, "momentum", owner, low=0.0, high=1.0,
                                  closed="left"),
            nesterovs_momentum=_check_bool(self.nesterovs_momentum, "nesterovs_momentum", owner),
            shuffle=_check_bool(self.shuffle, "shuffle", owner),
            verbose=check_scalar(verbose, "verbose", owner, kind=int, low=0),
            dtype=dtype,
            warm_start=_check_bool(self.warm_start, "warm_start", owner),
            transform_layer=check_scalar(self.transform_layer, "transform_layer", owner,
                                         kind=int),
        )

    @staticmethod
    def _architecture(settings):
        """What a warm start needs unchanged to reuse the fitted network."""
        return (settings.sizes, settings.activations, settings.dropout, settings.dtype)

    def _new_optimizer(self, settings):
        lr = settings.learning_rate_init
        if settings.solver == "sgd":
            return SGD(lr=lr, momentum=settings.momentum,
                       nesterov=settings.nesterovs_momentum and settings.momentum > 0)
        return Adam(lr=lr) if settings.solver == "adam" else RMSprop(lr=lr)

    def _new_model(self, settings, n_features, task, loss):
        layers = []
        for units, activation in zip(settings.sizes, settings.activations):
            layers.append(Dense(units, activation=activation))
            if settings.dropout:
                layers.append(Dropout(settings.dropout))
        layers.append(Dense(task.n_outputs))
        rng = check_random_state(self.random_state, type(self).__name__)
        model = Sequential(layers, loss=loss, optimizer=self._new_optimizer(settings), seed=rng,
                           dtype=settings.dtype)
        model.task = task
        return model.build(n_features)

    # -- hooks the subclasses fill in ------------------------------------------
    def _validate_targets(self, y, continuing, incremental, classes):
        """Check ``y``; return it ready for the task head, and the classes (None: regression)."""
        raise NotImplementedError

    def _task_and_loss(self, y, labels):
        """A fitted task head for a new network, and the loss name."""
        raise NotImplementedError

    def _gradient_scale(self, model):
        """:math:`c`: scratchnet's gradient over scikit-learn's for the same data."""
        raise NotImplementedError

    def _validation_score(self, model, X, y, sample_weight):
        """The score ``early_stopping`` follows (accuracy or R^2) on held-out data."""
        raise NotImplementedError

    def _class_weights(self, y, incremental, labels):
        """Per-sample class weights (classifiers), or None."""
        return None

    def _check_weighted_targets(self, y, weight):
        """Refuse targets that the weights leave nothing to learn from (classifiers)."""

    # -- training ------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        return "model_" in vars(self)

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        settings = self._settings()
        owner = type(self).__name__
        if incremental and settings.early_stopping:
            raise ValueError(f"{owner}.partial_fit does not support early_stopping=True: it "
                             "trains one epoch on the data it is given, with nothing held out.")
        continuing = (incremental or settings.warm_start) and self.__sklearn_is_fitted__()
        X, y = validate_data(self, X, y, reset=not continuing, dtype=settings.dtype,
                             multi_output=True, y_numeric=not self._is_classifier())
        y, labels = self._validate_targets(y, continuing, incremental, classes)
        weight = self._combined_weights(X, y, sample_weight, incremental, labels)

        if continuing:
            model = self.model_
            if self._architecture(settings) != self._fitted_architecture:
                raise ValueError(
                    f"warm_start and partial_fit continue the fitted network, but the "
                    f"architecture parameters changed since (hidden_layer_sizes, activation, "
                    f"dropout, dtype): {self._fitted_architecture} -> "
                    f"{self._architecture(settings)}. Set warm_start=False to start over.")
            if not incremental:  # each fit starts a new optimizer, as MLPClassifier
                model.optimizer = self._new_optimizer(settings)
            state = self._training_state()
            if not incremental:  # each fit gets up to max_iter epochs of its own
                state.no_improvement = 0
        else:
            task, loss = self._task_and_loss(y, labels)
            model = self._new_model(settings, X.shape[1], task, loss)
            state = TrainingState.fresh(settings.early_stopping)

        train, val = slice(None), None
        if settings.early_stopping:
            train, val = self._split(model, X, y, settings.validation_fraction)
        run = self._run(model, X, y, weight, train, val, settings, state, incremental)
        self._store(model, state, settings, run, incremental, labels)
        return self

    def _combined_weights(self, X, y, sample_weight, incremental, labels):
        weight = None
        if sample_weight is not None:
            weight = _check_sample_weight(sample_weight, X, dtype=np.float64,
                                          ensure_non_negative=True)
        per_class = self._class_weights(y, incremental, labels)
        if per_class is not None:
            weight = per_class if weight is None else weight * per_class
        if not incremental:
            self._check_weighted_targets(y, weight)
        return weight

    def _split(self, model, X, y, fraction):
        # A seed drawn from the network's generator (after the initial
        # weights): the same random_state gives the same split.
        seed = int(model.rng.integers(2**32))
        stratify = y if self._is_classifier() else None
        train, val = train_test_split(np.arange(len(X)), test_size=fraction, random_state=seed,
                                      stratify=stratify)
        if len(val) < 2:
            raise ValueError(f"The validation set is too small ({len(val)} sample) for "
                             "early_stopping. Increase 'validation_fraction' or the size of "
                             "the data set.")
        return train, val

    def _run(self, model, X, y, weight, train, val, settings, state, incremental):
        n = len(X) if val is None else len(train)
        w_val = None if weight is None or val is None else weight[val]
        total = float(n) if weight is None else float(weight[train].sum())
        if not total > 0:
            raise DataValidationError("the sample weights of the training data sum to zero: "
                                      "there is nothing to learn from.")
        if weight is not None:  # mean 1, so that the loss keeps its scale
            weight = (weight[train] * (n / total)).astype(settings.dtype)
        batch = min(200, n) if settings.batch_size == "auto" else settings.batch_size
        if batch > n:
            warnings.warn(f"batch_size={batch} is larger than the {n} training samples; "
                          f"it is clipped to {n}.", UserWarning)
            batch = n
        n_batches = -(-n // batch)
        model.optimizer.weight_decay = (self._gradient_scale(model) * settings.alpha * n
                                        / (batch * total))
        penalty_scale = 0.5 * settings.alpha * n_batches / total
        Xt, Yt = model.prepare(X[train], y[train])
        loop = TrainingLoop(model, Xt, Yt, batch_size=batch, shuffle=settings.shuffle,
                            sample_weight=weight, validation=None, callbacks=(), verbose=0)
        if val is not None:
            X_val, y_val = X[val], y[val]
        epochs = 1 if incremental else settings.max_iter
        run = types.SimpleNamespace(epochs=0, converged=False, best=None)
        for _ in range(epochs):
            try:
                logs = loop.run_epoch()
            except KeyboardInterrupt:
                warnings.warn("Training interrupted by the user; the estimator keeps the "
                              "network of the last completed epoch.")
                break
            run.epochs += 1
            loss = logs["loss"] * self.loss_report_scale + penalty_scale * _weight_norm2(model)
            state.loss_curve.append(loss)
            if settings.verbose:
                print(f"Iteration {len(state.loss_curve)}, loss = {loss:.8f}")
            if val is not None:
                score = self._validation_score(model, X_val, y_val, w_val)
                if settings.verbose:
                    print(f"Validation score: {score:f}")
                improved = state.record_score(score, settings.tol)
                if improved:
                    run.best = model.parameters.snapshot()
            else:
                state.record_loss(loss, settings.tol)
            if state.no_improvement > settings.n_iter_no_change:
                run.converged = True
                if settings.verbose:
                    watched = "Validation score" if val is not None else "Training loss"
                    print(f"{watched} did not improve more than tol={settings.tol:f} for "
                          f"{settings.n_iter_no_change} consecutive epochs. Stopping.")
                break
        if val is not None and run.best is not None:
            model.parameters.restore(run.best)
        if not incremental and not run.converged and run.epochs == settings.max_iter:
            warnings.warn(f"{type(self).__name__}: the maximum number of epochs "
                          f"(max_iter={settings.max_iter}) was reached and the optimization "
                          "has not converged yet.", ConvergenceWarning)
        return run

    def _training_state(self):
        """The stopping rule's state left by the last fit, for a warm start or partial_fit."""
        return TrainingState(list(self.loss_curve_), self.best_loss_,
                              None if self.validation_scores_ is None
                              else list(self.validation_scores_),
                              self.best_validation_score_, self._no_improvement_count)

    def _store(self, model, state, settings, run, incremental, labels):
        previous = self.n_iter_ if incremental and self.__sklearn_is_fitted__() else 0
        self.loss_curve_ = state.loss_curve
        self.best_loss_ = state.best_loss
        self.validation_scores_ = state.validation_scores
        self.best_validation_score_ = state.best_validation_score
        self._no_improvement_count = state.no_improvement
        self.n_iter_ = previous + run.epochs
        self.n_outputs_ = model.task.n_outputs
        if labels is not None:
            self.classes_ = labels
        self._fitted_architecture = self._architecture(settings)
        self.model_ = model  # last: from here on the estimator counts as fitted

    def _is_classifier(self):
        return False

    # -- hidden activations --------------------------------------------------
    def _hidden_layer(self, layer):
        """``(k, i)``: the hidden layer ``k`` asked for (``transform_layer`` if None), and its
        index ``i`` among the network's layers."""
        hidden = [i for i, l in enumerate(self.model_.layers[:-1]) if isinstance(l, Dense)]
        if not hidden:
            raise ValueError(f"this {type(self).__name__} has no hidden layer "
                             "(hidden_layer_sizes=()), so there are no hidden activations.")
        k = self.transform_layer if layer is None else layer
        if not (isinstance(k, numbers.Integral) and not isinstance(k, bool)
                and -len(hidden) <= k < len(hidden)):
            raise ValueError(f"layer must be an int in [{-len(hidden)}, {len(hidden) - 1}] "
                             f"(the network has {len(hidden)} hidden layers); got {k!r}.")
        k = int(k) % len(hidden)
        return k, hidden[k]

    def transform(self, X, layer=None):
        """The activations of a hidden layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        layer : int, optional
            Which hidden layer, counted from 0 in ``hidden_layer_sizes``
            (negative from the end); default ``transform_layer`` (the last).
            With ``set_output(transform="pandas")`` the columns are named after
            ``transform_layer``: choose the layer there (``set_params``) to get
            another one as a data frame.

        Returns
        -------
        ndarray of shape (n_samples, hidden_layer_sizes[layer])
            :math:`A_k = f_k(\\cdots f_1(X W_1 + b_1) \\cdots W_k + b_k)` in inference
            mode (dropout off), in the network's dtype.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=self.model_.dtype)
        _, index = self._hidden_layer(layer)
        out = None
        for start in range(0, len(X), PREDICT_CHUNK):
            # forward returns the layer's work buffer: copied into out.
            A = self.model_.forward(X[start:start + PREDICT_CHUNK], training=False, upto=index)
            if out is None:
                out = np.empty((len(X), A.shape[1]), A.dtype)
            out[start:start + len(A)] = A
        return out

    def get_feature_names_out(self, input_features=None):
        """Names of the columns :meth:`transform` returns: ``hidden{k}_{j}``, ``k`` = ``transform_layer``."""
        check_is_fitted(self)
        if input_features is not None:
            names = list(input_features)
            known = getattr(self, "feature_names_in_", None)
            if known is not None and names != list(known):
                raise ValueError("input_features is not equal to feature_names_in_")
            if len(names) != self.n_features_in_:
                raise ValueError(f"input_features should have length equal to the number of "
                                 f"features ({self.n_features_in_}), got {len(names)}")
        k, index = self._hidden_layer(None)
        width = self.model_.layers[index].units
        return np.asarray([f"hidden{k}_{j}" for j in range(width)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        dtype = self.dtype
        if _is_dtype(dtype) and str(np.dtype(dtype)) in ("float32", "float64"):
            tags.transformer_tags.preserves_dtype = [str(np.dtype(dtype))]
        return tags

    # -- persistence -----------------------------------------------------------
    def save(self, path):
        """Save to a scratchnet ``.npz`` model file (no pickle); read it back with :meth:`load`.

        The file is the network's own model file: ``scratchnet.load(path)``
        gives the bare :class:`~scratchnet.Sequential`, whose ``metadata``
        holds the estimator's class, parameters and fitted attributes (see
        ``scratchnet.estimators.persistence``).

        Raises
        ------
        ModelFileError
            If the file cannot be written, or a parameter cannot be stored.
        """
        check_is_fitted(self)
        fitted = {
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": getattr(self, "feature_names_in_", None),
            "loss_curve_": self.loss_curve_,
            "best_loss_": self.best_loss_,
            "validation_scores_": self.validation_scores_,
            "best_validation_score_": self.best_validation_score_,
            "n_iter_": self.n_iter_,
            "no_improvement_count": self._no_improvement_count,
        }
        fitted.update(self._extra_fitted())
        self.model_.metadata[persistence.METADATA_KEY] = persistence.describe(
            type(self).__name__, self.get_params(deep=False), fitted)
        self.model_.save(path)

    @classmethod
    def load(cls, path):
        """Load an estimator saved with :meth:`save`.

        ``NeuralNetClassifier.load`` refuses a regressor's file (and the
        reverse); ``scratchnet.sklearn.load`` takes either.

        Raises
        ------
        ModelFileError
            If the file is not a valid model file, holds a bare network or
            another estimator, or describes it inconsistently; names the file.
        """
        model = load_model(path)
        where = os.fspath(path)
        entry = persistence.entry_of(model, where)
        found = next((c for c in _subclasses(NeuralNetBase) if c.__name__ == entry["class"]),
                     None)
        if found is None:
            raise ModelFileError(f"{where}: unknown estimator class {entry['class']!r}")
        if not issubclass(found, cls):
            raise ModelFileError(f"{where} holds a {found.__name__}, not a {cls.__name__}")
        try:
            return found._restore(entry, model)
        except ModelFileError as exc:
            raise ModelFileError(f"{where}: {exc}") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise ModelFileError(f"{where}: inconsistent estimator description: {exc}") from None

    def _extra_fitted(self):
        """Fitted attributes a subclass adds to the file (the classifier's classes)."""
        return {}

    def _restore_extra(self, fitted, model):
        """Set the attributes :meth:`_extra_fitted` saved, checked against ``model``."""

    @classmethod
    def _restore(cls, entry, model):
        estimator = cls(**entry["params"])
        settings = estimator._settings()
        fitted = entry["fitted"]
        n_features = persistence.count(fitted["n_features_in_"], "n_features_in_")
        if n_features != model.input_dim:
            raise ModelFileError(f"the estimator expects {n_features} features but the network "
                                 f"takes {model.input_dim}")
        hidden = tuple(l.units for l in model.layers[:-1] if isinstance(l, Dense))
        if hidden != settings.sizes:
            raise ModelFileError(f"hidden_layer_sizes={settings.sizes} but the network's hidden "
                                 f"layers have {hidden} units")
        estimator.n_features_in_ = n_features
        names = fitted["feature_names_in_"]
        if names is not None:
            estimator.feature_names_in_ = persistence.names(names, n_features)
        estimator.loss_curve_ = persistence.numbers_list(fitted["loss_curve_"], "loss_curve_")
        scores = fitted["validation_scores_"]
        estimator.validation_scores_ = (None if scores is None else
                                        persistence.numbers_list(scores, "validation_scores_"))
        estimator.best_loss_ = persistence.optional_float(fitted["best_loss_"], "best_loss_")
        estimator.best_validation_score_ = persistence.optional_float(
            fitted["best_validation_score_"], "best_validation_score_")
        estimator.n_iter_ = persistence.count(fitted["n_iter_"], "n_iter_")
        estimator._no_improvement_count = persistence.count(fitted["no_improvement_count"],
                                                            "no_improvement_count")
        estimator._restore_extra(fitted, model)
        estimator.n_outputs_ = model.task.n_outputs
        estimator._fitted_architecture = estimator._architecture(settings)
        estimator.model_ = model
        return estimator


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _weight_norm2(model):
    """:math:`\\lVert W \\rVert^2` over the weight matrices (biases excluded, as scikit-learn)."""
    return sum(float(np.vdot(p, p)) for name, p, _ in model.parameters if name.endswith(".W"))


def _is_dtype(value):
    if value is None:  # np.dtype(None) would be float64
        return False
    try:
        np.dtype(value)
    except TypeError:
        return False
    return True

