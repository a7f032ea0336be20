"""One registry convention: every built-in's config matches its constructor; users' subclasses save and load."""

import inspect
import json

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.registry import REGISTRIES, deserialize, serialize

# One instance of every built-in with non-default values wherever the
# constructor allows, so that a hyperparameter the config forgets shows up as
# a difference after the round trip. A new built-in must be added here
# (test_every_builtin_has_an_example fails until it is).
EXAMPLES = {
    sn.Dense: lambda: sn.Dense(7, activation="tanh", init="he", input_dim=3, use_bias=False),
    sn.Dropout: lambda: sn.Dropout(0.3),
    sn.ReLU: sn.ReLU, sn.Sigmoid: sn.Sigmoid, sn.Tanh: sn.Tanh, sn.Softmax: sn.Softmax,
    sn.Identity: sn.Identity,
    sn.LeakyReLU: lambda: sn.LeakyReLU(0.2),
    sn.StandardNormal: sn.StandardNormal, sn.GlorotUniform: sn.GlorotUniform,
    sn.HeNormal: sn.HeNormal,
    sn.MSE: lambda: sn.MSE(reduction="sum"),
    sn.BinaryCrossEntropy: lambda: sn.BinaryCrossEntropy(reduction="sum"),
    sn.CrossEntropy: lambda: sn.CrossEntropy(reduction="sum"),
    sn.SGD: lambda: sn.SGD(lr=0.5, momentum=0.8, nesterov=True, weight_decay=0.1, clipnorm=2.0),
    sn.Adam: lambda: sn.Adam(lr=sn.CosineDecay(0.1, 50, min_lr=0.01), beta1=0.8, beta2=0.99,
                             eps=1e-6, weight_decay=0.2, clipnorm=3.0),
    sn.RMSprop: lambda: sn.RMSprop(lr=0.02, rho=0.8, eps=1e-5, weight_decay=0.3, clipnorm=1.5),
    sn.StepDecay: lambda: sn.StepDecay(0.1, step_size=7, gamma=0.5),
    sn.ExponentialDecay: lambda: sn.ExponentialDecay(0.1, decay_steps=9, decay_rate=0.3),
    sn.CosineDecay: lambda: sn.CosineDecay(0.1, decay_steps=11, min_lr=0.001),
    sn.EarlyStopping: lambda: sn.EarlyStopping(monitor="val_accuracy", patience=2, min_delta=0.1,
                                               mode="max", restore_best_weights=False),
    sn.MAE: lambda: sn.MAE(reduction="sum"),
    sn.Huber: lambda: sn.Huber(delta=0.5, reduction="sum"),
    sn.ModelCheckpoint: lambda: sn.ModelCheckpoint("m-{epoch}.npz", monitor="val_auc",
                                                   save_best_only=True, mode="max", verbose=1),
    sn.ReduceLROnPlateau: lambda: sn.ReduceLROnPlateau("loss", factor=0.5, patience=3,
                                                       min_delta=0.01, cooldown=2, min_lr=1e-4,
                                                       mode="min", verbose=1),
    sn.CSVLogger: lambda: sn.CSVLogger("log.csv", separator=";", append=True),
    sn.LearningRateScheduler: lambda: sn.LearningRateScheduler(_halve, verbose=1),
    sn.LambdaCallback: lambda: sn.LambdaCallback(_hook, _hook, _hook, _hook),
    sn.Accuracy: sn.Accuracy, sn.AUC: sn.AUC,
    sn.Precision: lambda: sn.Precision(average="macro"),
    sn.Recall: lambda: sn.Recall(average="binary"),
    sn.F1Score: lambda: sn.F1Score(average="macro"),
    sn.TopKAccuracy: lambda: sn.TopKAccuracy(k=3),
    sn.MeanAbsoluteError: sn.MeanAbsoluteError, sn.MeanSquaredError: sn.MeanSquaredError,
    sn.RootMeanSquaredError: sn.RootMeanSquaredError, sn.R2Score: sn.R2Score,
    sn.GELU: lambda: sn.GELU(approximate="tanh"), sn.SiLU: sn.SiLU,
    sn.ELU: lambda: sn.ELU(alpha=0.5), sn.Softplus: lambda: sn.Softplus(beta=2.0, threshold=5.0),
    sn.BatchNorm: lambda: sn.BatchNorm(momentum=0.3, eps=1e-3),
    sn.AdamW: lambda: sn.AdamW(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.2,
                               clipnorm=3.0),
    sn.Adagrad: lambda: sn.Adagrad(lr=0.02, eps=1e-6, initial_accumulator_value=0.1,
                                   weight_decay=0.1, clipnorm=2.0),
    sn.Diagnostics: lambda: sn.Diagnostics([[0.0, 1.0]], [0], every=2),
}


def _halve(epoch, lr):
    return lr / 2


def _hook(*args):
    pass


#: Built-ins that hold functions: their config round-trips in memory, not through JSON.
HOLD_FUNCTIONS = {sn.LearningRateScheduler, sn.LambdaCallback}


def builtins():
    """The library's building blocks (the command line's own callbacks are not users' to configure)."""
    return sorted({cls for registry in REGISTRIES.values() for cls in registry.builtins()
                   if not cls.__module__.startswith("scratchnet.commands")},
                  key=lambda c: c.__name__)


def test_every_builtin_has_an_example():
    missing = [cls.__name__ for cls in builtins() if cls not in EXAMPLES]
    assert not missing, f"add an example of {missing} to EXAMPLES"


@pytest.mark.parametrize("cls", builtins(), ids=lambda c: c.__name__)
def test_config_is_the_constructor_signature_and_round_trips(cls):
    if cls not in EXAMPLES:
        pytest.skip("no example (test_every_builtin_has_an_example fails)")
    obj = EXAMPLES[cls]()
    config = obj.get_config()
    signature = [name for name, p in inspect.signature(cls.__init__).parameters.items()
                 if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert list(config) == signature
    spec = serialize(obj)
    if cls not in HOLD_FUNCTIONS:
        spec = json.loads(json.dumps(spec))             # through JSON, as in a model file
    again = deserialize(spec)
    assert type(again) is cls
    assert again.get_config() == config
    assert repr(again) == repr(obj)
    for name in signature:                              # what the object uses, not just the config
        a, b = getattr(again, name), getattr(obj, name)
        assert (repr(a) == repr(b)) if isinstance(a, sn.registry.Registered) else a == b, name


def test_repr_shows_only_what_differs_from_the_defaults():
    assert repr(sn.Dense(4)) == "Dense(4)"
    assert repr(sn.Adam(lr=0.01)) == "Adam(lr=0.01)"
    assert repr(sn.LeakyReLU()) == "LeakyReLU()"


@pytest.mark.parametrize("kind, name, cls", [
    ("optimizer", "Adam", sn.Adam), ("optimizer", "RMSPROP", sn.RMSprop),
    ("loss", "Sparse_Categorical_Crossentropy", sn.CrossEntropy),
    ("loss", "binary_crossentropy", sn.BinaryCrossEntropy),
    ("loss", "mean_squared_error", sn.MSE), ("activation", "LINEAR", sn.Identity),
    ("initializer", "xavier", sn.GlorotUniform), ("schedule", "cosine_decay", sn.CosineDecay),
])
def test_names_are_found_whatever_their_case(kind, name, cls):
    assert REGISTRIES[kind].lookup(name) is cls


def test_an_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'optimizer' parameter of Sequential must be one of "
                       r"'adagrad', 'adam', 'adamw', 'rmsprop', 'sgd' \(any case\) or a optimizer "
                       r"instance"):
        sn.Sequential([sn.Dense(2)], optimizer="adamax")


# -- a user's own subclass of every kind saves and loads --------------------------

class Cube(sn.Activation):
    """y = x^3 (a user's activation)."""

    def forward(self, X, training=False):
        self._X = X
        return X ** 3

    def backward(self, dY):
        return dY * 3 * self._X ** 2


class Scaled(sn.Layer):
    """y = factor * x (a user's layer with a hyperparameter)."""

    def __init__(self, factor=2.0):
        super().__init__()
        self.factor = factor

    def forward(self, X, training=False):
        return X * self.factor

    def backward(self, dY):
        return dY * self.factor


class HalfHe(sn.HeNormal):
    def __init__(self, gain=0.5):
        self.gain = gain

    def __call__(self, rng, n_in, n_out, dtype):
        return (super().__call__(rng, n_in, n_out, dtype) * self.gain).astype(dtype)


class Huber(sn.MSE):
    """A user's loss with a hyperparameter of its own (its math is MSE's: only the config matters here)."""

    def __init__(self, delta=1.0, reduction="mean"):
        super().__init__(reduction)
        self.delta = delta


class SlowAdam(sn.Adam):
    """A user's optimizer with a hyperparameter of its own."""

    def __init__(self, lr=0.001, beta1=0.9, slowdown=2.0):
        super().__init__(lr=lr, beta1=beta1)
        self.slowdown = slowdown


class Halving(sn.Schedule):
    def __init__(self, initial_lr, every=10):
        self.initial_lr, self.every = initial_lr, every

    def __call__(self, step):
        return self.initial_lr * 0.5 ** (step // self.every)


class Counter(sn.Callback):
    def __init__(self, start=0):
        self.start = start


def test_a_model_of_user_subclasses_of_every_kind_saves_and_loads(tmp_path):
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = X @ np.array([0.5, -1.0, 2.0])
    model = sn.Sequential([sn.Dense(6, activation=Cube(), init=HalfHe(0.3)), Scaled(3.0),
                           sn.Dense(1)],
                          loss=Huber(delta=0.7), optimizer=SlowAdam(lr=Halving(0.02, every=5), slowdown=3.0),
                          seed=0)
    model.fit(X, y, epochs=3, batch_size=8)
    model.save(tmp_path / "custom.npz")
    same = sn.load(tmp_path / "custom.npz")
    assert [type(l) for l in same.layers] == [sn.Dense, Scaled, sn.Dense]
    assert type(same.layers[0].activation) is Cube and same.layers[1].factor == 3.0
    assert type(same.layers[0].init) is HalfHe and same.layers[0].init.gain == 0.3
    assert type(same.loss) is Huber and same.loss.delta == 0.7
    assert type(same.optimizer) is SlowAdam and type(same.optimizer.lr) is Halving
    assert same.optimizer.lr.every == 5 and same.optimizer.slowdown == 3.0
    np.testing.assert_array_equal(same.predict(X), model.predict(X))
    model.fit(X, y, epochs=2, batch_size=8)
    same.fit(X, y, epochs=2, batch_size=8)
    np.testing.assert_array_equal(same.predict(X), model.predict(X))


def test_a_user_callback_round_trips_through_its_config():
    spec = json.loads(json.dumps(serialize(Counter(start=4))))
    assert spec["kind"] == "callback" and spec["class"].endswith("test_registry.Counter")
    again = deserialize(spec)
    assert type(again) is Counter and again.start == 4


def test_a_model_file_naming_an_undefined_class_is_refused_clearly(tmp_path):
    model = sn.Sequential([sn.Dense(2), Scaled(), sn.Dense(2)], seed=0)
    model.fit(np.eye(4), [0, 1, 0, 1], epochs=1)
    model.save(tmp_path / "m.npz")
    sn.LAYERS.remove(Scaled)                     # as in a process that never defined it
    try:
        with pytest.raises(sn.ModelFileError, match=r"unknown layer '.*Scaled'.*must be "
                           r"defined \(imported\) before it is loaded"):
            sn.load(tmp_path / "m.npz")
    finally:
        sn.LAYERS.add(Scaled)
