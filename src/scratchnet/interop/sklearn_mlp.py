"""Weights to and from scikit-learn's ``MLPClassifier`` and ``MLPRegressor``.

Both libraries store a dense layer's weights as an (n_in, n_out) matrix and
its bias as an (n_out,) vector, so the arrays pass through unchanged; only
the description around them (activation names, output function, class
labels) is translated. scikit-learn is imported only when one of these
functions runs.
"""

import numpy as np

from ..layers import Dense, Identity, ReLU, Sigmoid, Tanh
from .ops import adopt_classes, model_task, network_ops

__all__ = ["from_sklearn", "to_sklearn"]

#: scikit-learn's hidden activation name -> scratchnet activation class.
_FROM_SKLEARN = {"identity": Identity, "logistic": Sigmoid, "tanh": Tanh, "relu": ReLU}
#: Operation kind -> scikit-learn's activation name.
_TO_SKLEARN = {"identity": "identity", "sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}
_TWO_CLASS_OUTPUTS = ("sigmoid", "softmax")


def _neural_network():
    try:
        from sklearn import neural_network
    except ImportError as exc:
        raise ImportError("this function needs scikit-learn, which is not installed; install "
                          "it with: pip install 'scratchnet[sklearn]'") from exc
    return neural_network


def from_sklearn(mlp, two_class_output="sigmoid", seed=None):
    """A scratchnet model with the weights of a fitted ``MLPClassifier`` or ``MLPRegressor``.

    Parameters
    ----------
    mlp : sklearn.neural_network.MLPClassifier or MLPRegressor
        A fitted estimator (single-label classification or regression).
    two_class_output : {"sigmoid", "softmax"}, default "sigmoid"
        For a two-class classifier, which scikit-learn fits with one logistic
        output unit :math:`p = \\sigma(z)`: ``"sigmoid"`` keeps that unit
        (``BinaryCrossEntropy``); ``"softmax"`` gives two logits
        :math:`(0, z)` with ``CrossEntropy``, whose softmax is the same
        :math:`(1 - p, p)`.
    seed : int, numpy.random.Generator or None
        The new model's seed (for further training; the weights are copied).

    Returns
    -------
    Sequential
        Built, in the estimator's float type, with ``classes_`` set for a
        classifier; ``predict``/``predict_proba`` give the estimator's results.

    Raises
    ------
    TypeError
        If ``mlp`` is not one of the two estimators.
    ValueError
        If it is not fitted, or is a multi-label classifier.
    """
    from ..sequential import Sequential
    from .._validation import check_option

    nn = _neural_network()
    check_option(two_class_output, "two_class_output", "from_sklearn", _TWO_CLASS_OUTPUTS)
    if not isinstance(mlp, (nn.MLPClassifier, nn.MLPRegressor)):
        raise TypeError(f"from_sklearn takes an MLPClassifier or MLPRegressor; got "
                        f"{type(mlp).__name__}")
    if not hasattr(mlp, "coefs_"):
        raise ValueError(f"this {type(mlp).__name__} is not fitted yet: call fit first")
    coefs = [np.asarray(W) for W in mlp.coefs_]
    intercepts = [np.asarray(b) for b in mlp.intercepts_]
    act = _FROM_SKLEARN[mlp.activation]
    layers = [Dense(W.shape[1], activation=act()) for W in coefs[:-1]]
    n_out = coefs[-1].shape[1]
    if isinstance(mlp, nn.MLPRegressor):
        loss = "mse"
    elif mlp.out_activation_ == "softmax":
        loss = "cross_entropy"
    elif n_out != 1:
        raise ValueError(f"this MLPClassifier is multi-label ({n_out} independent logistic "
                         "outputs); scratchnet's classifiers predict one label per sample")
    elif two_class_output == "sigmoid":
        loss = "binary_cross_entropy"
    else:
        # softmax(0, z) = (1 - sigmoid(z), sigmoid(z)): a zero logit for class 0.
        loss = "cross_entropy"
        coefs[-1] = np.hstack([np.zeros_like(coefs[-1]), coefs[-1]])
        intercepts[-1] = np.concatenate([np.zeros_like(intercepts[-1]), intercepts[-1]])
        n_out = 2
    layers.append(Dense(n_out))
    dtype = "float32" if coefs[0].dtype == np.float32 else "float64"
    model = Sequential(layers, loss=loss, dtype=dtype, seed=seed)
    n_features = coefs[0].shape[0]
    if loss == "mse":
        model.build(n_features)
    else:
        adopt_classes(model, np.asarray(mlp.classes_), n_features)
    model.set_weights([a for pair in zip(coefs, intercepts) for a in pair])
    return model


def _sklearn_stack(model):
    """(weights, biases, hidden activation name) of a model scikit-learn can represent."""
    where = "a scikit-learn MLP"
    ops = [op for op in network_ops(model, where) if op.kind != "dropout"]
    weights, biases, acts = [], [], []
    for i, op in enumerate(ops):
        if op.kind == "dense":
            weights.append(op.W)
            biases.append(np.zeros(op.W.shape[1], op.W.dtype) if op.b is None else op.b)
            nxt = ops[i + 1] if i + 1 < len(ops) else None
            acts.append("identity" if nxt is None or nxt.kind == "dense" else None)
        elif i == 0 or ops[i - 1].kind != "dense":
            raise ValueError(f"layer {op.layer} ({op.kind}) does not follow a Dense layer; "
                             f"{where} applies exactly one activation after each affine map")
        elif op.kind not in _TO_SKLEARN:
            raise ValueError(f"layer {op.layer} ({op.kind}) has no scikit-learn equivalent; "
                             f"MLPs know {', '.join(_TO_SKLEARN.values())}")
        else:
            acts[-1] = _TO_SKLEARN[op.kind]
    if ops[0].kind != "dense":
        raise ValueError(f"{where} starts with an affine map; this model starts with "
                         f"{ops[0].kind}")
    if acts[-1] != "identity":
        raise ValueError(f"the output layer applies {acts[-1]}; {where} needs raw outputs "
                         "(its output function comes from the task)")
    hidden = set(acts[:-1]) or {"relu"}
    if len(hidden) > 1:
        raise ValueError(f"the hidden layers use different activations ({sorted(hidden)}); "
                         f"{where} applies one activation to all of them")
    return weights, biases, hidden.pop()


def to_sklearn(model, random_state=0):
    """A fitted ``MLPClassifier`` (or ``MLPRegressor``) computing what ``model`` computes.

    Parameters
    ----------
    model : Sequential
        Built, and fitted if it is a classifier (its ``classes_`` are
        needed). Dense layers, one activation per hidden layer (the same for
        all: relu, tanh, sigmoid or identity), raw outputs; Dropout layers are
        left out (they are the identity at inference).
    random_state : int, default 0
        The estimator's ``random_state``, for any later training.

    Returns
    -------
    MLPClassifier or MLPRegressor
        ``predict`` and ``predict_proba`` give the model's results. A
        two-class softmax model (``CrossEntropy`` with two outputs) becomes
        scikit-learn's single logistic unit with weights
        :math:`w_1 - w_0` and bias :math:`b_1 - b_0`.

    Notes
    -----
    The estimator is initialized by one ``partial_fit`` on a placeholder set
    (one zero row per class), which sets up its label encoding through
    scikit-learn's own code, and then receives the weights, copied in place.
    Its training record (``n_iter_``, ``t_``, ``loss_curve_``,
    ``best_loss_``) is reset. To train it further, prefer
    ``set_params(warm_start=True).fit(...)``: it keeps the weights and starts
    a fresh optimizer, whereas ``partial_fit`` would continue the placeholder
    step's Adam moments.
    """
    nn = _neural_network()
    weights, biases, activation = _sklearn_stack(model)
    task = model_task(model)
    dtype = weights[0].dtype
    n_features = weights[0].shape[0]
    params = dict(hidden_layer_sizes=tuple(W.shape[1] for W in weights[:-1]),
                  activation=activation, solver="adam", random_state=random_state)
    if task == "regression":
        est = nn.MLPRegressor(**params)
        n_out = weights[-1].shape[1]
        y = np.zeros((2, n_out)) if n_out > 1 else np.zeros(2)
        est.partial_fit(np.zeros((2, n_features), dtype), y)
    else:
        classes = np.asarray(model.classes_)
        if task == "multiclass" and len(classes) == 2:
            # softmax over (z0, z1) is sigmoid(z1 - z0): one logistic unit.
            weights[-1] = weights[-1][:, 1:] - weights[-1][:, :1]
            biases[-1] = biases[-1][1:] - biases[-1][:1]
        est = nn.MLPClassifier(**params)
        est.partial_fit(np.zeros((len(classes), n_features), dtype), classes, classes=classes)
    for dst, src in zip(est.coefs_ + est.intercepts_, weights + biases):
        dst[...] = src
    est.n_iter_, est.t_, est.loss_curve_, est.best_loss_ = 0, 0, [], np.inf
    return est
