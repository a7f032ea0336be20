"""The parameter and attribute descriptions both estimators share (formatted into their docstrings)."""

__all__ = ["PARAMETERS_DOC", "FITTED_DOC"]


#: The parameters both estimators share, for their docstrings.
PARAMETERS_DOC = """
    hidden_layer_sizes : sequence of int, default (100,)
        Width of each hidden layer; ``()`` for none (a linear model).
    activation : str or sequence of str, default "relu"
        Hidden activation: one name for all layers or one per hidden layer.
        scikit-learn's ``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"``, or
        any of ``scratchnet.ACTIVATIONS`` (``"leaky_relu"``, ``"sigmoid"`` ...).
    dropout : float in [0, 1), default 0
        Dropout rate after every hidden layer (training only).
    solver : {"adam", "sgd", "rmsprop"}, default "adam"
    learning_rate_init : float > 0, default 0.001
        The (constant) learning rate.
    batch_size : int or "auto", default "auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``, as scikit-learn.
        A size above the number of samples is clipped (with a warning).
    max_iter : int >= 1, default 200
        Maximum number of epochs of one ``fit``.
    alpha : float >= 0, default 0.0001
        L2 penalty, with scikit-learn's meaning (see ``scratchnet.estimators.base``):
        :math:`\\frac{\\alpha}{2 \\sum_{i \\in B} w_i} \\lVert W \\rVert^2` per minibatch.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the data (stratified for
        classifiers) and stop when its score (accuracy or :math:`R^2`) stops
        improving; the best epoch's weights are kept.
    validation_fraction : float in (0, 1), default 0.1
    n_iter_no_change : int >= 1, default 10
    tol : float >= 0, default 1e-4
        Training stops when the loss (or, with ``early_stopping``, the
        validation score) has not improved by ``tol`` for more than
        ``n_iter_no_change`` epochs in a row; reaching ``max_iter`` first
        raises a ``ConvergenceWarning``.
    momentum : float in [0, 1), default 0.9
        SGD momentum (``solver="sgd"`` only).
    nesterovs_momentum : bool, default True
        Nesterov's momentum (``solver="sgd"`` with ``momentum > 0``).
    shuffle : bool, default True
        Reshuffle the samples every epoch.
    random_state : int, numpy.random.Generator or None
        Seeds the network's generator: initial weights, shuffling, dropout and
        the early-stopping split. An int gives the same result on every fit.
    verbose : int, default 0
        Print the loss (and validation score) after every epoch.
    dtype : {"float32", "float64"}, default "float32"
        The network's floating type; inputs are converted to it.
    warm_start : bool, default False
        ``fit`` continues from the fitted network instead of starting over
        (same architecture required; a new optimizer each ``fit``, as
        scikit-learn).
    transform_layer : int, default -1
        The hidden layer :meth:`transform` returns by default and
        :meth:`get_feature_names_out` names (0-based, negative from the end)."""

FITTED_DOC = """
    model_ : Sequential
        The network.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a data frame with string column names.
    loss_curve_ : list of float
        The loss after every epoch, on scikit-learn's scale (data loss plus
        the L2 penalty).
    best_loss_ : float or None
        Lowest loss reached (None with ``early_stopping``).
    validation_scores_ : list of float or None
        The held-out score after every epoch (``early_stopping`` only).
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run by the last ``fit`` (all epochs so far for ``partial_fit``).
    n_outputs_ : int
        Output units of the network."""
