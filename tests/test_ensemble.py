"""The lockstep ensemble engine: every member trains exactly as its lone model would."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.datasets import make_moons
from scratchnet.ensemble.stacked import stacked_loss_values


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=240, noise=0.15, random_state=0)
    return X, np.where(y == 1, "upper", "lower")


def _template(optimizer, dropout=0.0, hidden=(12, 6), seed=3, loss="cross_entropy", out=2,
              act="relu", metrics=("accuracy",)):
    layers = [sn.Dense(hidden[0], activation=act)]
    if dropout:
        layers.append(sn.Dropout(dropout))
    layers += [sn.Dense(hidden[1]), sn.Tanh(), sn.Dense(out)]
    return sn.Sequential(layers, loss=loss, optimizer=optimizer, seed=seed, metrics=list(metrics))


def _lone(template, seed):
    return sn.Sequential.from_config({**template.get_config(), "seed": seed})


def _rel_error(a, b):
    return float(np.abs(a - b).max() / max(np.abs(a).max(), 1e-30))


OPTIMIZERS = {
    "sgd": lambda: sn.SGD(lr=0.1),
    "adam": lambda: sn.Adam(lr=0.01),
    "nesterov": lambda: sn.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "rmsprop": lambda: sn.RMSprop(lr=0.005),
}


@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
def test_members_train_as_their_lone_models(moons, opt, dropout):
    X, y = moons
    template = _template(OPTIMIZERS[opt](), dropout)
    ensemble = sn.Ensemble(template, n_models=3)
    runs = ensemble.fit(X, y, epochs=1, batch_size=16, validation_data=(X[:50], y[:50]))
    assert len(runs) == 3
    for k, seed in enumerate(ensemble.seeds):
        lone = _lone(template, seed)
        lone.build(X.shape[1])
        initial = lone.get_weights()
        history = lone.fit(X, y, epochs=1, batch_size=16, validation_data=(X[:50], y[:50]))
        for a, b in zip(lone.get_weights(), ensemble.member_weights(k)):
            assert _rel_error(a, b) < 1e-5
        # Training moved the weights (the comparison is not of two untouched copies).
        assert _rel_error(initial[0], lone.get_weights()[0]) > 1e-3
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert runs[k][key] == pytest.approx(history[key], rel=1e-5)
        assert np.array_equal(lone.predict(X), ensemble.predict(X)[k])


def test_members_differ_and_seeds_come_from_the_template_seed(moons):
    X, y = moons
    a = sn.Ensemble(_template(sn.SGD(lr=0.1)), n_models=4)
    b = sn.Ensemble(_template(sn.SGD(lr=0.1)), n_models=4)
    assert a.seeds == b.seeds and len(set(a.seeds)) == 4
    expected = [int(c.generate_state(1, np.uint64)[0]) >> 1 for c in np.random.SeedSequence(3).spawn(4)]
    assert a.seeds == expected
    a.build(2)
    assert not np.array_equal(a.member_weights(0)[0], a.member_weights(1)[0])


def test_seed_sequences_seed_generators_like_sequential(moons):
    X, y = moons
    children = np.random.SeedSequence(7).spawn(2)
    template = _template(sn.SGD(lr=0.1), dropout=0.2)
    ensemble = sn.Ensemble(template, seeds=children)
    ensemble.fit(X, y, epochs=2, batch_size=10)
    config = {**template.get_config(), "seed": None}
    for k, child in enumerate(children):
        lone = sn.Sequential([type(l).from_config(l.get_config()) for l in template.layers],
                             optimizer=sn.SGD(lr=0.1), seed=np.random.default_rng(child),
                             metrics=config["metrics"])
        lone.fit(X, y, epochs=2, batch_size=10)
        for a, b in zip(lone.get_weights(), ensemble.member_weights(k)):
            assert _rel_error(a, b) < 1e-5


@pytest.mark.parametrize("act,dropout", [("relu", 0.2), ("sigmoid", 0.0), ("sigmoid", 0.2)])
def test_different_widths_compute_each_unpadded_network(moons, act, dropout):
    X, y = moons
    templates = [_template(sn.Adam(lr=0.01), dropout=dropout, hidden=h, act=act)
                 for h in [(3, 9), (10, 2), (5, 5)]]
    ensemble = sn.Ensemble(templates, seeds=[11, 12, 13])
    ensemble.fit(X, y, epochs=2, batch_size=20)
    for k, template in enumerate(templates):
        lone = _lone(template, ensemble.seeds[k])
        lone.fit(X, y, epochs=2, batch_size=20)
        weights = ensemble.member_weights(k)
        assert [w.shape for w in weights] == [w.shape for w in lone.get_weights()]
        for a, b in zip(lone.get_weights(), weights):
            assert _rel_error(a, b) < 1e-5
        assert np.allclose(lone.predict_proba(X), ensemble.predict_proba(X)[k], atol=1e-6)
    # The padding holds zeros only: as many non-zeros as the real weights.
    real = sum(int(np.count_nonzero(w)) for k in range(3) for w in ensemble.member_weights(k))
    assert np.count_nonzero(ensemble.layout.params) == real


@pytest.mark.parametrize("loss,out", [("binary_cross_entropy", 1), ("mse", 1)])
def test_binary_and_regression_members(moons, loss, out):
    X, labels = moons
    y = (labels == "upper").astype(float) if loss == "mse" else labels
    template = _template(sn.Adam(lr=0.01), loss=loss, out=out, metrics=())
    ensemble = sn.Ensemble(template, n_models=2)
    ensemble.fit(X, y, epochs=2, batch_size=32, validation_data=(X, y))
    scores = ensemble.evaluate(X, y)
    for k in range(2):
        lone = _lone(template, ensemble.seeds[k])
        lone.fit(X, y, epochs=2, batch_size=32)
        expected = lone.evaluate(X, y)
        for key, value in expected.items():
            assert scores[key][k] == pytest.approx(value, rel=1e-4)
        assert np.allclose(lone.predict(X), ensemble.predict(X)[k], atol=1e-5) \
            if loss == "mse" else np.array_equal(lone.predict(X), ensemble.predict(X)[k])
        assert ensemble.histories[k]["val_loss"][-1] == pytest.approx(scores["loss"][k], rel=1e-5)


def test_loss_values_match_the_core_losses():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(3, 7, 4)) * 5
    T = np.eye(4)[rng.integers(0, 4, size=(3, 7))]
    for loss in (sn.CrossEntropy(), sn.CrossEntropy(reduction="sum"), sn.MSE(),
                 sn.BinaryCrossEntropy()):
        targets = (T > 0).astype(float) if isinstance(loss, sn.BinaryCrossEntropy) else T
        expected = [loss.forward(Z[k], targets[k]) for k in range(3)]
        assert np.allclose(stacked_loss_values(loss, Z, targets), expected, rtol=1e-12)


def test_combined_predictions(moons):
    X, y = moons
    ensemble = sn.Ensemble(_template(sn.Adam(lr=0.01)), n_models=5)
    ensemble.fit(X, y, epochs=3, batch_size=16)
    proba = ensemble.predict_proba(X)
    assert proba.shape == (5, len(X), 2) and np.allclose(proba.sum(axis=2), 1)
    classes = ensemble.classes_
    assert np.array_equal(ensemble.predict_mean(X), classes[proba.mean(axis=0).argmax(axis=1)])
    labels = ensemble.predict(X)
    votes = np.array([[np.count_nonzero(labels[:, i] == c) for c in classes]
                      for i in range(len(X))])
    assert np.array_equal(ensemble.predict_vote(X), classes[votes.argmax(axis=1)])
    assert ensemble.evaluate(X, y)["accuracy"].shape == (5,)


def test_member_is_a_sequential_that_resumes_training_exactly(moons, tmp_path):
    X, y = moons
    template = _template(sn.Adam(lr=0.01), dropout=0.25)
    ensemble = sn.Ensemble(template, n_models=3)
    ensemble.fit(X, y, epochs=2, batch_size=16)
    member = ensemble[1]
    assert isinstance(member, sn.Sequential)
    assert member.history["loss"] == ensemble.histories[1]["loss"]
    member.save(tmp_path / "member.npz")
    reloaded = sn.load(tmp_path / "member.npz")

    lone = _lone(template, ensemble.seeds[1])
    lone.fit(X, y, epochs=2, batch_size=16)
    # Everything the lone model carries into its next epoch, the member carries too.
    assert np.array_equal(member.classes_, lone.classes_) and member.classes_.dtype.kind == "U"
    assert member.history["loss"] == pytest.approx(lone.history["loss"], rel=1e-5)
    assert member.rng.bit_generator.state == lone.rng.bit_generator.state
    (steps, state), (lone_steps, lone_state) = member.optimizer.get_state(), lone.optimizer.get_state()
    assert steps == lone_steps > 0 and set(state) == set(lone_state) == {"0/m", "0/v"}
    for key in state:
        assert _rel_error(lone_state[key], state[key]) < 1e-5
    for model in (member, reloaded, lone):
        model.fit(X, y, epochs=1, batch_size=16)
    ensemble.fit(X, y, epochs=1, batch_size=16)
    for model in (member, reloaded):
        for a, b in zip(lone.get_weights(), model.get_weights()):
            assert _rel_error(a, b) < 1e-5
    for a, b in zip(lone.get_weights(), ensemble.member_weights(1)):
        assert _rel_error(a, b) < 1e-5


def test_save_and_load_the_whole_ensemble(moons, tmp_path):
    X, y = moons
    templates = [_template(sn.Adam(lr=0.01), dropout=0.2, hidden=(w, 4)) for w in (4, 9)]
    ensemble = sn.Ensemble(templates, seeds=[1, np.random.SeedSequence(5)])
    ensemble.fit(X, y, epochs=1, batch_size=16)
    path = tmp_path / "ensemble.npz"
    ensemble.save(path)
    loaded = sn.load(path)
    assert isinstance(loaded, sn.Ensemble)
    assert np.array_equal(loaded.predict_proba(X), ensemble.predict_proba(X))
    ensemble.fit(X, y, epochs=1, batch_size=16)
    loaded.fit(X, y, epochs=1, batch_size=16)
    assert np.array_equal(loaded.layout.params, ensemble.layout.params)
    assert loaded.histories == ensemble.histories

    raw = dict(np.load(path))
    raw["params"] = raw["params"] + 1
    np.savez(tmp_path / "tampered.npz", **raw)
    with pytest.raises(sn.ModelFileError, match="checksum"):
        sn.load(tmp_path / "tampered.npz")


def _forge(path, out, change):
    """Rewrite the header of a saved file through ``change(content)``, with a valid checksum."""
    import hashlib
    import json

    raw = dict(np.load(path))
    header = json.loads(raw["header"].tobytes())
    change(header["content"])
    raw["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    raw["checksum"] = np.frombuffer(hashlib.sha256(raw["header"].tobytes()).hexdigest().encode(),
                                    np.uint8)
    np.savez(out, **raw)
    return out


def _widen(content):
    for config in content["configs"]:
        config["layers"][0]["config"]["units"] = 10**8


def _more_members(content):
    for key in ("configs", "seeds", "histories", "member_iterations", "rngs"):
        content[key] = content[key] * 500


@pytest.mark.parametrize("change,match", [
    (_widen, "is declared with shape .*; the architecture needs"),
    (_more_members, "is declared with shape .*; the architecture needs"),
    (lambda c: c.update(seeds=c["seeds"][:1]), "'seeds' does not hold one entry per member"),
    (lambda c: c.update(input_dim=0), "input width"),
    (lambda c: c["configs"][1]["layers"][0].update({"class": "Softmax", "config": {}}),
     "cannot form an ensemble"),
])
def test_forged_ensemble_headers_are_refused_before_allocating(moons, tmp_path, change, match):
    import tracemalloc

    X, y = moons
    ensemble = sn.Ensemble(_template(sn.Adam(lr=0.01)), n_models=2)
    ensemble.fit(X, y, epochs=1, batch_size=32)
    ensemble.save(tmp_path / "ok.npz")
    forged = _forge(tmp_path / "ok.npz", tmp_path / "forged.npz", change)
    tracemalloc.start()
    try:
        with pytest.raises(sn.ModelFileError, match=match):
            sn.load(forged)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A 10**8-unit layer for 2 members would take gigabytes; nothing of the kind was allocated.
    assert peak < 50 << 20
    # The untouched header rewritten the same way still loads (the forging itself is sound).
    assert isinstance(sn.load(_forge(tmp_path / "ok.npz", tmp_path / "same.npz", lambda c: None)),
                      sn.Ensemble)


def test_padding_that_is_not_zero_is_refused(moons, tmp_path):
    import hashlib
    import json

    X, y = moons
    templates = [_template(sn.SGD(lr=0.1), hidden=(w, 4)) for w in (3, 8)]
    ensemble = sn.Ensemble(templates, seeds=[1, 2])
    ensemble.fit(X, y, epochs=1, batch_size=32)
    ensemble.save(tmp_path / "ok.npz")
    raw = dict(np.load(tmp_path / "ok.npz"))
    params = raw["params"].copy()
    params[params == 0] = 0.5  # fills the narrow member's padding (and alignment gaps)
    raw["params"] = params
    header = json.loads(raw["header"].tobytes())
    header["arrays"]["params"]["sha256"] = hashlib.sha256(params.tobytes()).hexdigest()
    raw["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    raw["checksum"] = np.frombuffer(hashlib.sha256(raw["header"].tobytes()).hexdigest().encode(),
                                    np.uint8)
    np.savez(tmp_path / "padded.npz", **raw)
    with pytest.raises(sn.ModelFileError, match="padding"):
        sn.load(tmp_path / "padded.npz")


def test_early_stopping_stops_each_member_as_alone(moons):
    X, y = moons
    template = _template(sn.Adam(lr=0.02), seed=4)
    ensemble = sn.Ensemble(template, n_models=4)
    stop = sn.EarlyStopping(monitor="val_loss", patience=0, min_delta=0.002)
    runs = ensemble.fit(X, y, epochs=10, batch_size=32, validation_data=(X[:60], y[:60]),
                        callbacks=[stop])
    lengths = []
    for k in range(4):
        lone = _lone(template, ensemble.seeds[k])
        alone = sn.EarlyStopping(monitor="val_loss", patience=0, min_delta=0.002)
        history = lone.fit(X, y, epochs=10, batch_size=32, validation_data=(X[:60], y[:60]),
                           callbacks=[alone])
        lengths.append(len(history["loss"]))
        assert len(runs[k]["loss"]) == len(history["loss"])
        for a, b in zip(lone.get_weights(), ensemble.member_weights(k)):
            assert _rel_error(a, b) < 1e-5
        assert ensemble[k].optimizer.iterations == lone.optimizer.iterations
        # The stopped member kept its optimizer and generator state: it resumes as alone.
        resumed = ensemble[k]
        for model in (resumed, lone):
            model.fit(X, y, epochs=1, batch_size=32)
        for a, b in zip(lone.get_weights(), resumed.get_weights()):
            assert _rel_error(a, b) < 1e-5
    # Some stopped while others went on: the freezing of stopped members was exercised.
    assert min(lengths) < 10 == max(lengths)


def test_divergence_puts_every_member_back(moons):
    X, labels = moons
    y = (labels == "upper") * 1e3
    template = _template(sn.SGD(lr=10.0), hidden=(64, 64), loss="mse", out=1, metrics=())
    ensemble = sn.Ensemble(template, n_models=2)
    ensemble.fit(X, y, epochs=0)
    start = ensemble.layout.params.copy()
    with pytest.raises(sn.TrainingDivergedError, match=r"member\(s\) \[0, 1\]"):
        ensemble.fit(X, y, epochs=3, batch_size=8)
    # Diverged in the first epoch: everybody is back at the start of it.
    assert np.array_equal(ensemble.layout.params, start)
    assert ensemble.histories[0] == {} and ensemble.optimizer.iterations == 0


@pytest.mark.parametrize("bad,match", [
    (lambda: sn.Sequential([sn.Dense(4), sn.Softmax()]), "cannot stack Softmax"),
    (lambda: sn.Sequential([sn.Dense(2)], optimizer=sn.Adam(clipnorm=1.0)), "clipnorm"),
])
def test_unsupported_templates_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        sn.Ensemble(bad(), n_models=2)


class _RunningMean(sn.Layer):
    """A layer with running statistics (layer.state), which the engine refuses."""

    def build(self, input_dim, rng, dtype, next_layer=None):
        self.state = {"mean": np.zeros(input_dim, dtype)}
        return super().build(input_dim, rng, dtype)

    def forward(self, X, training=False):
        return X

    def backward(self, dY):
        return dY


def test_layers_with_state_and_sample_weights_are_refused(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"_RunningMean layers \(it keeps running statistics"):
        sn.Ensemble(sn.Sequential([sn.Dense(4), _RunningMean(), sn.Dense(2)]), n_models=2)
    ensemble = sn.Ensemble(sn.Sequential([sn.Dense(2)]), n_models=2)
    for weights in ({"sample_weight": np.ones(len(X))}, {"class_weight": "balanced"}):
        with pytest.raises(ValueError, match="does not support sample_weight or class_weight"):
            ensemble.fit(X, y, **weights)
    assert not ensemble.built


def test_bad_arguments_are_refused(moons):
    X, y = moons
    built = sn.Sequential([sn.Dense(2)]).build(2)
    with pytest.raises(ValueError, match="unbuilt"):
        sn.Ensemble(built, n_models=2)
    with pytest.raises(ValueError, match="differs from template 0"):
        sn.Ensemble([sn.Sequential([sn.Dense(3), sn.Dense(2)]),
                     sn.Sequential([sn.Dense(3, activation="relu"), sn.Dense(2)])])
    with pytest.raises(ValueError, match="3 seeds for 2 models"):
        sn.Ensemble(sn.Sequential([sn.Dense(2)]), n_models=2, seeds=[1, 2, 3])
    with pytest.raises(ValueError, match="n_models"):
        sn.Ensemble(sn.Sequential([sn.Dense(2)]), n_models=0)
    ensemble = sn.Ensemble(sn.Sequential([sn.Dense(3)]), n_models=2)
    with pytest.raises(sn.DataValidationError, match="3 outputs, but the data needs 2 classes"):
        ensemble.fit(X, y)
    with pytest.raises(sn.DataValidationError, match="samples"):
        ensemble.fit(X, y[:-1])
    with pytest.raises(IndexError):
        sn.Ensemble(sn.Sequential([sn.Dense(2)]), n_models=2).build(2)[2]
