"""The training loop: rollback on divergence or interrupt, epoch boundaries, verbose output."""

import numpy as np
import pytest

import scratchnet as sn


class Jump(sn.Schedule):
    """A rate that is sane for ``calm`` updates, then absurd."""

    def __init__(self, calm, lr=0.05, wild=1e39):
        self.calm, self.lr, self.wild = calm, lr, wild

    def __call__(self, step):
        return self.lr if step < self.calm else self.wild


class Interrupt(sn.Layer):
    """The identity, raising KeyboardInterrupt at its ``at``-th training call."""

    def __init__(self, at):
        super().__init__()
        self.at, self.calls = at, 0

    def forward(self, X, training=False):
        if training:
            self.calls += 1
            if self.calls == self.at:
                raise KeyboardInterrupt
        return X

    def backward(self, dY):
        return dY


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] - X[:, 2] > 0).astype(int)


def state_of(model):
    iterations, arrays = model.optimizer.get_state()
    return (model.get_weights(), iterations, arrays, model.rng.bit_generator.state,
            {k: list(v) for k, v in model.history.items()})


def assert_same_state(a, b):
    for x, y in zip(a[0], b[0]):
        np.testing.assert_array_equal(x, y)
    assert a[1] == b[1]
    assert a[2].keys() == b[2].keys()
    for key in a[2]:
        np.testing.assert_array_equal(a[2][key], b[2][key])
    assert a[3] == b[3] and a[4] == b[4]


@pytest.mark.parametrize("batch_size", [20, None])
def test_non_finite_parameters_roll_the_epoch_back(batch_size):
    X, y = data()
    per_epoch = 10 if batch_size else 1
    model = sn.Sequential([sn.Dense(8, activation="relu"), sn.Dense(2)],
                          optimizer=sn.SGD(lr=Jump(calm=per_epoch), momentum=0.9), seed=0)
    model.fit(X, y, epochs=1, batch_size=batch_size)        # the calm epoch
    before = state_of(model)
    with pytest.raises(sn.TrainingDivergedError, match=r"diverged in epoch 2: .*back at its "
                       r"parameters and optimizer state from the start of that epoch"):
        model.fit(X, y, epochs=3, batch_size=batch_size)
    assert_same_state(state_of(model), before)
    assert np.isfinite(model.predict_proba(X)).all()
    model.optimizer.lr = 0.05                                 # the advice: a smaller rate
    history = model.fit(X, y, epochs=3, batch_size=batch_size)
    assert np.isfinite(history["loss"]).all() and history["loss"][-1] < before[4]["loss"][0]


def test_a_non_finite_validation_loss_rolls_back_too():
    X, y = data()
    model = sn.Sequential([sn.Dense(4), sn.Dense(2)], optimizer=sn.SGD(lr=0.01), seed=1)
    model.fit(X, y, epochs=1)
    before = state_of(model)
    X_val = np.full((10, 3), 3e38)                            # overflows the float32 logits
    with pytest.raises(sn.TrainingDivergedError, match="val_loss became"):
        model.fit(X, y, epochs=1, validation_data=(X_val, y[:10]))
    assert_same_state(state_of(model), before)


def test_an_interrupted_epoch_leaves_the_model_at_the_last_completed_one():
    X, y = data()
    layer = Interrupt(at=15)                                 # epoch 2, batch 5
    model = sn.Sequential([layer, sn.Dense(6, activation="tanh"), sn.Dropout(0.3), sn.Dense(2)],
                          seed=4)
    model.fit(X, y, epochs=1, batch_size=20)
    before = state_of(model)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y, epochs=2, batch_size=20)
    assert_same_state(state_of(model), before)
    layer.at = 0                                             # resume: as if never interrupted
    model.fit(X, y, epochs=1, batch_size=20)
    twin = sn.Sequential([Interrupt(at=0), sn.Dense(6, activation="tanh"), sn.Dropout(0.3),
                          sn.Dense(2)], seed=4)
    twin.fit(X, y, epochs=2, batch_size=20)
    assert_same_state(state_of(model), state_of(twin))


def test_zero_epochs_is_a_no_op_with_an_empty_history():
    X, y = data()
    model = sn.Sequential([sn.Dense(2)], seed=0)
    history = model.fit(X, y, epochs=0)
    assert dict(history) == {} and model.built and model.history.epochs == 0


def test_the_loop_runs_epoch_by_epoch_like_one_fit():
    X, y = data()
    whole = sn.Sequential([sn.Dense(5, activation="relu"), sn.Dense(2)], seed=7)
    whole.fit(X, y, epochs=4, batch_size=16, validation_split=0.25)
    stepped = sn.Sequential([sn.Dense(5, activation="relu"), sn.Dense(2)], seed=7)
    X_train, Y_train = stepped.prepare(X[:150], y[:150], fit_targets=True)
    validation = stepped.prepare(X[150:], y[150:])
    loop = sn.TrainingLoop(stepped, X_train, Y_train, batch_size=16, validation=validation)
    logs = [loop.run_epoch() for _ in range(4)]
    assert [entry["loss"] for entry in logs] == whole.history["loss"]
    assert stepped.history == whole.history
    for a, b in zip(stepped.get_weights(), whole.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_callbacks_see_every_epoch_in_order_and_can_stop():
    events = []

    class Spy(sn.Callback):
        def on_train_begin(self, model):
            events.append("begin")

        def on_epoch_begin(self, model, epoch):
            events.append(f"start {epoch}")

        def on_epoch_end(self, model, epoch, logs):
            events.append(f"end {epoch} {sorted(logs)}")
            model.stop_training = epoch == 1

        def on_train_end(self, model):
            events.append("done")

    X, y = data()
    history = sn.Sequential([sn.Dense(2)], seed=0).fit(X, y, epochs=5, callbacks=[Spy()],
                                                       validation_split=0.2)
    assert events == ["begin", "start 0", "end 0 ['loss', 'val_accuracy', 'val_loss']",
                      "start 1", "end 1 ['loss', 'val_accuracy', 'val_loss']", "done"]
    assert history.epochs == 2


def test_early_stopping_waits_exactly_patience_epochs_as_keras():
    class Scripted(sn.Callback):
        """Replaces the monitored value by a script: best at epoch 1, then worse."""

        def on_epoch_end(self, model, epoch, logs):
            logs["val_loss"] = [3.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0][epoch]

    X, y = data()
    stopper = sn.EarlyStopping(patience=3, restore_best_weights=False)
    history = sn.Sequential([sn.Dense(2)], seed=0).fit(
        X, y, epochs=7, validation_split=0.2, callbacks=[Scripted(), stopper])
    assert history.epochs == 5                 # epochs 2, 3, 4 without improvement: stop after 4
    assert stopper.stopped_epoch == 4 and stopper.best_epoch == 1


def test_verbose_one_and_two_format_the_numbers_alike(capsys):
    X, y = data()
    sn.Sequential([sn.Dense(2)], seed=0).fit(X, y, epochs=1, verbose=2, validation_split=0.2)
    two = capsys.readouterr().out
    sn.Sequential([sn.Dense(2)], seed=0).fit(X, y, epochs=1, verbose=1, validation_split=0.2)
    one = capsys.readouterr().out
    pairs = [p for p in two.split() if "=" in p]
    assert len(pairs) == 3 and all(p in one for p in pairs), (one, two)


def test_sample_weights_scale_each_samples_gradient():
    X, y = data(n=40)
    weights = np.r_[np.full(30, 1.0), np.zeros(10)]

    def train(X, y, lr, sample_weight=None):
        model = sn.Sequential([sn.Dense(4, activation="tanh"), sn.Dense(2)],
                              optimizer=sn.SGD(lr=lr), seed=0, dtype="float64").build(3)
        model.fit(X, y, epochs=3, batch_size=None, sample_weight=sample_weight)
        return model.get_weights()

    # Zero weight drops a sample; the mean still divides by all 40, so training
    # on the 30 others goes as with a rate scaled by 30/40 (Keras's convention).
    for a, b in zip(train(X, y, 0.4, weights), train(X[:30], y[:30], 0.4 * 30 / 40)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    # Weight 2 everywhere doubles every gradient: the same as twice the rate.
    for a, b in zip(train(X, y, 0.1, np.full(40, 2.0)), train(X, y, 0.2)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss, target", [("binary_cross_entropy", "binary"), ("mse", "reg")])
def test_sample_weights_reach_every_loss(loss, target):
    X, y = data(n=40)
    y = y if target == "binary" else X @ np.array([1.0, -2.0, 0.5])
    weights = np.r_[np.ones(30), np.zeros(10)]

    def train(X, y, lr, sample_weight=None):
        model = sn.Sequential([sn.Dense(1)], loss=loss, optimizer=sn.SGD(lr=lr), seed=0,
                              dtype="float64").build(3)
        history = model.fit(X, y, epochs=2, batch_size=None, sample_weight=sample_weight)
        return model.get_weights(), history["loss"]

    (weighted, weighted_loss), (subset, subset_loss) = (train(X, y, 0.3, weights),
                                                         train(X[:30], y[:30], 0.3 * 30 / 40))
    for a, b in zip(weighted, subset):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(weighted_loss, np.multiply(subset_loss, 30 / 40), rtol=1e-12)


def test_validation_split_keeps_the_weights_of_the_rows_it_trains_on():
    X, y = data(n=50)
    weights = np.linspace(0.1, 2.0, 50)

    def train(**kwargs):
        model = sn.Sequential([sn.Dense(2)], optimizer=sn.SGD(lr=0.5), seed=0,
                              dtype="float64")
        model.fit(epochs=2, batch_size=None, **kwargs)
        return model

    split = train(X=X, y=y, sample_weight=weights, validation_split=0.2)
    explicit = train(X=X[:40], y=y[:40], sample_weight=weights[:40],
                     validation_data=(X[40:], y[40:]))
    for a, b in zip(split.get_weights(), explicit.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert split.history == explicit.history
    assert train(X=X, y=y, validation_split=0.02).history.epochs == 2   # one validation row


def test_the_training_accuracy_counts_every_correct_row():
    X, y = data()
    model = sn.Sequential([sn.Dense(3, activation="tanh"), sn.Dense(2)], seed=0,
                          optimizer=sn.SGD(lr=1e-30), metrics=["accuracy"])
    history = model.fit(X, y, epochs=1, batch_size=16)          # the weights do not move
    assert history["accuracy"] == [model.evaluate(X, y)["accuracy"]]
