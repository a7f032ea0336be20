"""Callbacks: Keras's monitor/mode/patience semantics, checkpoints, learning rates, CSV logs."""

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.registry import deserialize, serialize

RNG = np.random.default_rng(11)


def _data(n=80):
    X = RNG.normal(size=(n, 2))
    return X, np.where(X[:, 0] + 0.3 * RNG.normal(size=n) > 0, "pos", "neg")


def _model(**kwargs):
    kwargs.setdefault("seed", 0)
    return sn.Sequential([sn.Dense(8, activation="tanh"), sn.Dense(2)], **kwargs)


# -- ReduceLROnPlateau --------------------------------------------------------------
def _plateau_lrs(values, **kwargs):
    """The learning rate after each epoch's end, for scripted monitored values."""
    model = _model(optimizer=sn.SGD(lr=1.0))
    callback = sn.ReduceLROnPlateau(monitor="val_loss", factor=0.5, **kwargs)
    callback.on_train_begin(model)
    lrs = []
    for epoch, value in enumerate(values):
        callback.on_epoch_end(model, epoch, {"loss": 0.0, "val_loss": value})
        lrs.append(model.optimizer.lr)
    return lrs


def test_reduce_lr_after_exactly_patience_epochs():
    flat = [1.0] + [1.0] * 8
    # No improvement after epoch 1: reductions at the ends of epochs 3, 5, 7, 9.
    assert _plateau_lrs(flat, patience=2) == [1, 1, .5, .5, .25, .25, .125, .125, .0625]
    # An improvement (by more than min_delta) resets the count.
    assert _plateau_lrs([1.0, 1.0, 0.5, 0.5, 0.5], patience=2) == [1, 1, 1, 1, .5]
    assert _plateau_lrs([1.0, 1.0, 0.99995, 1.0], patience=2) == [1, 1, .5, .5]  # < min_delta
    assert _plateau_lrs([1.0, 1.0, 1.0], patience=0) == [1, .5, .25]


def test_reduce_lr_cooldown_and_min_lr():
    flat = [1.0] * 9
    # cooldown=1: the epoch after a reduction is not counted: epochs 3, 6, 9.
    assert _plateau_lrs(flat, patience=2, cooldown=1) == [1, 1, .5, .5, .5, .25, .25, .25, .125]
    assert _plateau_lrs(flat, patience=2, cooldown=2) == [1, 1, .5, .5, .5, .5, .25, .25, .25]
    assert _plateau_lrs(flat, patience=1, min_lr=0.3) == [1, .5, .3, .3, .3, .3, .3, .3, .3]


def test_reduce_lr_maximises_accuracy_like_names():
    model = _model(optimizer=sn.SGD(lr=1.0))
    callback = sn.ReduceLROnPlateau(monitor="val_auc", patience=1)
    callback.on_train_begin(model)
    for epoch, value in enumerate([0.5, 0.6, 0.7]):  # improving upwards: no reduction
        callback.on_epoch_end(model, epoch, {"val_auc": value})
    assert model.optimizer.lr == 1.0 and callback.best == 0.7
    callback.on_epoch_end(model, 3, {"val_auc": 0.6})
    assert model.optimizer.lr == pytest.approx(0.1)


def test_reduce_lr_in_fit_changes_the_rate_and_the_divergence_message():
    X, y = _data()
    model = _model(optimizer=sn.SGD(lr=0.1))
    # patience=0 and a huge min_delta: every epoch "fails to improve" but the first.
    callback = sn.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=1e9, factor=0.5)
    model.fit(X, y, epochs=3, callbacks=[callback])
    assert model.optimizer.lr == pytest.approx(0.025)
    assert model.optimizer.current_lr() == pytest.approx(0.025)
    regression = sn.Sequential([sn.Dense(1)], loss="mse", seed=0, optimizer=sn.SGD(lr=0.1))
    regression.fit(X, X[:, 0])
    regression.optimizer.lr = 1e9  # the loop reads the rate live
    with pytest.raises(sn.TrainingDivergedError, match=r"The learning rate is 1e\+09"):
        regression.fit(X * 10, X[:, 0], epochs=3)


def test_lr_callbacks_refuse_a_schedule_and_a_missing_monitor():
    X, y = _data()
    schedule = sn.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    for callback in (sn.ReduceLROnPlateau(), sn.LearningRateScheduler(lambda e, lr: lr)):
        with pytest.raises(ValueError, match=rf"{type(callback).__name__} sets the optimizer's "
                                             r"learning rate, but its lr is the schedule "
                                             r"ExponentialDecay"):
            _model(optimizer=sn.SGD(lr=schedule)).fit(X, y, callbacks=[callback])
    with pytest.raises(ValueError, match=r"ReduceLROnPlateau monitors 'val_loss', which this fit "
                                         r"does not produce; available: \['loss'\]"):
        _model().fit(X, y, callbacks=[sn.ReduceLROnPlateau()])
    with pytest.raises(ValueError, match="'factor' parameter of ReduceLROnPlateau must be a float "
                                         r"in the range \(0.0, 1.0\)"):
        sn.ReduceLROnPlateau(factor=1.0)


# -- LearningRateScheduler ------------------------------------------------------------
def test_scheduler_sets_the_rate_every_update_of_the_epoch_uses():
    X, y = _data()
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return 0.3 if epoch == 0 else lr / 3

    def trained(callbacks, lr=0.1, epochs=1):
        model = _model(optimizer=sn.SGD(lr=lr), dtype="float64")
        model.build(2)
        before = model.get_weights()
        model.fit(X, y, epochs=epochs, batch_size=None, callbacks=callbacks)
        return model, [a - b for a, b in zip(model.get_weights(), before)]

    model, step = trained([sn.LearningRateScheduler(schedule)])
    _, plain = trained([])
    assert model.optimizer.lr == 0.3
    for a, b in zip(step, plain):  # one full-batch step at 0.3 is three times one at 0.1
        np.testing.assert_allclose(a, 3 * b, rtol=1e-10, atol=1e-15)
    model, _ = trained([sn.LearningRateScheduler(schedule)], epochs=3)
    assert calls[1:] == [(0, 0.1), (1, 0.3), (2, pytest.approx(0.1))]
    assert model.optimizer.lr == pytest.approx(0.1 / 3)


def test_scheduler_checks_what_the_schedule_returns():
    X, y = _data()
    with pytest.raises(ValueError, match=r"must be a float in the range \(0.0, inf\). Got -1.0 "
                                         r"instead. \(returned for epoch 0\)"):
        _model().fit(X, y, callbacks=[sn.LearningRateScheduler(lambda epoch, lr: -1)])
    with pytest.raises(TypeError, match="LearningRateScheduler takes a function"):
        sn.LearningRateScheduler(0.1)
    blow_up = sn.LearningRateScheduler(lambda epoch, lr: 1e9 if epoch else lr)
    regression = sn.Sequential([sn.Dense(1)], loss="mse", seed=0, optimizer=sn.SGD(lr=0.1))
    with pytest.raises(sn.TrainingDivergedError, match=r"diverged in epoch 2: .* The learning "
                                                       r"rate is 1e\+09"):
        regression.fit(X * 10, X[:, 0], epochs=3, callbacks=[blow_up])


# -- ModelCheckpoint ------------------------------------------------------------------
def test_checkpoint_best_only_writes_on_improvement_and_the_files_load(tmp_path):
    X, y = _data(60)
    model = _model(optimizer=sn.Adam(lr=0.3))
    checkpoint = sn.ModelCheckpoint(tmp_path / "m-{epoch:02d}-{val_loss:.4f}.npz",
                                    save_best_only=True)
    history = model.fit(X[:40], y[:40], epochs=12, validation_data=(X[40:], y[40:]),
                        callbacks=[checkpoint])
    val = history["val_loss"]
    improving = [e + 1 for e in range(len(val)) if val[e] < min(val[:e], default=np.inf)]
    saved = sorted(int(re.match(r"m-(\d+)-", p.name).group(1)) for p in tmp_path.iterdir())
    assert saved == improving and len(saved) < len(val)  # some epochs did not improve
    best = min(val)
    assert checkpoint.best == best
    assert checkpoint.last_saved == str(tmp_path / f"m-{saved[-1]:02d}-{best:.4f}.npz")
    loaded = sn.load(checkpoint.last_saved)
    assert loaded.evaluate(X[40:], y[40:])["loss"] == pytest.approx(best, rel=1e-6)
    assert loaded.history.epochs == saved[-1]


def test_checkpoint_every_epoch_and_by_accuracy(tmp_path):
    X, y = _data(60)
    every = sn.ModelCheckpoint(tmp_path / "all-{epoch}.npz")
    by_accuracy = sn.ModelCheckpoint(tmp_path / "best.npz", monitor="val_accuracy",
                                     save_best_only=True)
    model = _model()
    history = model.fit(X, y, epochs=3, validation_split=0.25, callbacks=[every, by_accuracy])
    assert sorted(p.name for p in tmp_path.glob("all-*")) == ["all-1.npz", "all-2.npz",
                                                              "all-3.npz"]
    assert by_accuracy.best == max(history["val_accuracy"])  # mode="auto" maximises accuracy


def test_checkpoint_path_errors(tmp_path):
    X, y = _data()
    with pytest.raises(ValueError, match=r"names the field 'val_f1', which this fit does not "
                                         r"produce; available: \['epoch', 'loss'\]"):
        _model().fit(X, y, callbacks=[sn.ModelCheckpoint(tmp_path / "{val_f1}.npz")])
    with pytest.raises(ValueError, match="has a positional field"):
        sn.ModelCheckpoint(tmp_path / "m-{}.npz")
    with pytest.raises(ValueError, match="ModelCheckpoint monitors 'val_loss', which this fit"):
        _model().fit(X, y, callbacks=[sn.ModelCheckpoint(tmp_path / "m.npz",
                                                         save_best_only=True)])
    assert not list(tmp_path.iterdir())


# -- CSVLogger --------------------------------------------------------------------------
def test_csv_logger_writes_every_epoch_exactly_and_appends(tmp_path):
    X, y = _data()
    path = tmp_path / "log.csv"
    model = _model(metrics=["accuracy", "f1"])
    model.fit(X, y, epochs=3, validation_split=0.25, callbacks=[sn.CSVLogger(path)])
    model.fit(X, y, epochs=2, validation_split=0.25, callbacks=[sn.CSVLogger(path, append=True)])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "loss", "accuracy", "f1", "val_loss", "val_accuracy",
                             "val_f1"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2, 3, 4]
    for key, values in model.history.items():
        assert [float(r[key]) for r in rows] == values  # full precision
    with pytest.raises(ValueError, match=r"CSVLogger cannot append to .*log.csv: its columns are "
                                         r"\['epoch', 'loss', 'accuracy'"):
        _model().fit(X, y, callbacks=[sn.CSVLogger(path, append=True)])


def test_csv_logger_separator_and_flush(tmp_path):
    X, y = _data()
    path = tmp_path / "log.tsv"
    lines = []
    peek = sn.LambdaCallback(on_epoch_end=lambda m, e, logs: lines.append(path.read_text()))
    _model().fit(X, y, epochs=2, callbacks=[sn.CSVLogger(path, separator="\t"), peek])
    assert lines[0].splitlines()[0] == "epoch\tloss"
    assert len(lines[0].splitlines()) == 2 and len(lines[1].splitlines()) == 3  # flushed
    with pytest.raises(ValueError, match="'separator' parameter of CSVLogger must be one "
                                         "character"):
        sn.CSVLogger(path, separator=", ")


# -- LambdaCallback ---------------------------------------------------------------------
def test_lambda_callback_calls_each_hook_in_order():
    X, y = _data()
    calls = []
    callback = sn.LambdaCallback(
        on_train_begin=lambda model: calls.append("train_begin"),
        on_epoch_begin=lambda model, epoch: calls.append(f"begin {epoch}"),
        on_epoch_end=lambda model, epoch, logs: calls.append(f"end {epoch} {sorted(logs)}"),
        on_train_end=lambda model: calls.append("train_end"))
    _model().fit(X, y, epochs=2, callbacks=[callback])
    assert calls == ["train_begin", "begin 0", "end 0 ['loss']", "begin 1", "end 1 ['loss']",
                     "train_end"]
    only_end = sn.LambdaCallback(on_epoch_end=lambda model, epoch, logs: None)
    only_end.on_epoch_begin(None, 0)  # the others do nothing
    assert repr(only_end) == "LambdaCallback(on_epoch_end)"


def test_lambda_callback_refuses_keras_style_functions():
    with pytest.raises(TypeError, match=r"LambdaCallback calls on_epoch_end\(model, epoch, logs\); "
                                        r".* does not take these arguments \(Keras's hooks have "
                                        r"no model argument"):
        sn.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    with pytest.raises(TypeError, match="on_train_end must be a function"):
        sn.LambdaCallback(on_train_end=3)


# -- mode, serialization, docs --------------------------------------------------------
def test_early_stopping_mode_auto_follows_the_metric_direction():
    model = _model()
    for monitor, values, stop in [("val_mae", [3, 2, 2.5, 2.6], 3),
                                  ("val_auc", [.5, .6, .55, .5], 3),
                                  ("val_f1_macro", [.5, .4, .3, .2], 2)]:
        stopper = sn.EarlyStopping(monitor=monitor, patience=2, restore_best_weights=False)
        stopper.on_train_begin(model)
        model.stop_training = False
        for epoch, value in enumerate(values):
            stopper.on_epoch_end(model, epoch, {monitor: value})
            if model.stop_training:
                break
        assert stopper.stopped_epoch == stop, monitor


@pytest.mark.parametrize("callback", [
    sn.EarlyStopping(monitor="val_auc", patience=3, min_delta=0.01, mode="max"),
    sn.ModelCheckpoint("ckpt-{epoch}.npz", monitor="val_f1", save_best_only=True, verbose=1),
    sn.ReduceLROnPlateau(monitor="loss", factor=0.2, patience=4, min_delta=0.0, cooldown=2,
                         min_lr=1e-5, mode="min"),
    sn.CSVLogger("log.csv", separator=";", append=True),
], ids=lambda c: type(c).__name__)
def test_callbacks_round_trip_through_the_registry(callback):
    spec = json.loads(json.dumps(serialize(callback)))
    again = deserialize(spec)
    assert type(again) is type(callback) and again.get_config() == callback.get_config()
    assert repr(again) == repr(callback)
    assert sn.CALLBACKS.lookup(type(callback).__name__.lower()) is type(callback)


def test_docs_page_runs(tmp_path, monkeypatch):
    from test_docs import python_blocks

    page = Path(__file__).resolve().parent.parent / "docs" / "callbacks-and-metrics.md"
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_callbacks_and_metrics"}
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    assert blocks
    for i, block in enumerate(blocks, start=1):
        exec(compile(block, f"{page.name} [block {i}]", "exec"), namespace)
