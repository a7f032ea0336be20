"""Model files: exact round trips, exact resumption, refusal of bad files, atomic saves."""

import hashlib
import json
import os
import zipfile

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import serialization


def data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    return X, np.where(X[:, 0] + X[:, 1] ** 2 > 1, "yes", "no")


def trained(tmp_path=None, **kwargs):
    X, y = data()
    model = sn.Sequential([sn.Dense(12, activation="relu"), sn.Dropout(0.2), sn.Dense(2)],
                          optimizer=sn.Adam(lr=sn.ExponentialDecay(0.01, 100, 0.5)), seed=3,
                          **kwargs)
    model.fit(X, y, epochs=3, batch_size=16, validation_split=0.2)
    return model


def test_round_trip_gives_identical_predictions(tmp_path):
    model = trained()
    path = tmp_path / "model.npz"
    model.save(path)
    same = sn.load(path)
    X, y = data(seed=1)
    np.testing.assert_array_equal(same.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(same.predict(X), model.predict(X))
    assert list(same.classes_) == ["no", "yes"]
    assert same.history == model.history
    assert same.get_config() == model.get_config()


def test_resumed_training_is_identical_to_uninterrupted_training(tmp_path):
    X, y = data()
    uninterrupted = trained()
    uninterrupted.fit(X, y, epochs=3, batch_size=16)
    model = trained()
    model.save(tmp_path / "ckpt.npz")
    resumed = sn.load(tmp_path / "ckpt.npz")
    resumed.fit(X, y, epochs=3, batch_size=16)
    for a, b in zip(resumed.get_weights(), uninterrupted.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.history == uninterrupted.history


@pytest.mark.parametrize("loss, y", [
    ("binary_cross_entropy", np.array([1, 2] * 10)),
    ("mse", np.linspace(0, 1, 40).reshape(20, 2)),
])
def test_round_trip_other_tasks_and_float64(tmp_path, loss, y):
    X = np.random.default_rng(0).normal(size=(20, 3))
    n_out = 1 if loss == "binary_cross_entropy" else 2
    model = sn.Sequential([sn.Dense(4, activation="tanh"), sn.Dense(n_out)], loss=loss,
                          optimizer=sn.SGD(lr=0.1, momentum=0.9), dtype="float64", seed=0)
    model.fit(X, y, epochs=2)
    model.save(tmp_path / "m.npz")
    same = sn.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(same.predict(X), model.predict(X))
    assert same.dtype == np.float64


def test_custom_layer_subclass_round_trips(tmp_path):
    class Doubling(sn.Layer):
        def forward(self, X, training=False):
            return 2 * X

        def backward(self, dY):
            return 2 * dY

    X, y = data()
    model = sn.Sequential([sn.Dense(4), Doubling(), sn.Dense(2)], seed=0)
    model.fit(X, y)
    model.save(tmp_path / "m.npz")
    same = sn.load(tmp_path / "m.npz")
    assert type(same.layers[1]) is Doubling
    np.testing.assert_array_equal(same.predict_proba(X), model.predict_proba(X))


def test_missing_file(tmp_path):
    with pytest.raises(sn.ModelFileError, match=r"nope\.npz: no such model file"):
        sn.load(tmp_path / "nope.npz")


def test_truncated_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(sn.ModelFileError, match="model.npz: not a readable scratchnet model file"):
        sn.load(path)


def _members(path):
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _header(path):
    return json.loads(_members(path)["header"].tobytes())


def _rewrite(path, header=None, checksum=True, **arrays):
    """Rewrite a model file with changes; ``checksum=True`` recomputes the digests (a forger)."""
    members = _members(path)
    header = header or json.loads(members["header"].tobytes())
    for name, value in arrays.items():
        if value is None:
            members.pop(name)
        else:
            members[name] = value
    if checksum:
        for name in list(header["arrays"]):
            if name not in members:
                del header["arrays"][name]
        for name, value in members.items():
            if name not in ("header", "checksum"):
                header["arrays"][name] = {"shape": list(value.shape), "dtype": value.dtype.str,
                                          "sha256": hashlib.sha256(value.tobytes()).hexdigest()}
    raw = np.frombuffer(json.dumps(header).encode(), np.uint8)
    members["header"] = raw
    if checksum:
        members["checksum"] = np.frombuffer(hashlib.sha256(raw.tobytes()).hexdigest().encode(),
                                            np.uint8)
    np.savez(path, **members)


def test_tampered_parameters_are_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    params = _members(path)["params"].copy()
    params[0] += 1
    _rewrite(path, checksum=False, params=params)
    with pytest.raises(sn.ModelFileError, match="model.npz: array 'params' does not match its checksum"):
        sn.load(path)


def test_an_edited_header_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    header = _header(path)
    header["content"]["config"]["optimizer"]["config"]["lr"]["config"]["initial_lr"] = 0.5
    _rewrite(path, header, checksum=False)
    with pytest.raises(sn.ModelFileError, match="model.npz: the header does not match its checksum"):
        sn.load(path)


def test_an_architecture_that_disagrees_with_the_arrays_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    header = _header(path)
    header["content"]["config"]["layers"][0]["config"]["units"] = 13
    _rewrite(path, header)
    with pytest.raises(sn.ModelFileError, match=r"model.npz: array '[^']+' is declared with shape "
                       r"\[\d+\]; the architecture needs \(\d+,\)"):
        sn.load(path)
    header["content"]["config"]["layers"][0]["class"] = "os.system"
    _rewrite(path, header)
    with pytest.raises(sn.ModelFileError, match="unknown layer 'os.system'"):
        sn.load(path)


def test_a_classifier_without_its_classes_or_with_too_few_is_refused(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    _rewrite(path, classes=None)
    with pytest.raises(sn.ModelFileError, match=r"the arrays \[.*\] do not match what the header "
                       r"declares .* and the architecture needs \(\['classes'"):
        sn.load(path)
    trained().save(path)
    _rewrite(path, classes=np.array(["only"]))
    with pytest.raises(sn.ModelFileError, match=r"array 'classes' is declared with shape "
                       r"\[1\]; the architecture needs \(2,\)"):
        sn.load(path)


def test_foreign_files_are_refused(tmp_path):
    npz = tmp_path / "other.npz"
    np.savez(npz, a=np.arange(3))
    with pytest.raises(sn.ModelFileError, match=r"other\.npz: not a scratchnet model file \(no header\)"):
        sn.load(npz)
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(sn.ModelFileError, match=r"notes\.npz: not a readable"):
        sn.load(text)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, header=np.array([{"format": "scratchnet-model"}], dtype=object))
    with pytest.raises(sn.ModelFileError, match="pickled.npz: member 'header.npy' holds Python "
                       "objects") as info:
        sn.load(pickled)
    assert "allow_pickle" not in str(info.value)
    plain = tmp_path / "plain.npy"
    np.save(plain, np.arange(3))
    with pytest.raises(sn.ModelFileError, match="plain.npy: not a readable scratchnet model file"):
        sn.load(plain)


def test_a_failed_save_never_destroys_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    model = trained()
    model.save(path)
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization.np, "savez", disk_full)
    with pytest.raises(sn.ModelFileError, match=f"cannot save the model to {path}: No space left"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]          # no temporary file left behind


def test_file_is_a_plain_npz_without_pickles(tmp_path):
    path = tmp_path / "model.npz"
    trained().save(path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as f:
        assert {"header", "checksum", "params", "classes"} <= set(f.files)
        assert all(f[k].dtype != object for k in f.files)


def test_metadata_and_rng_round_trip(tmp_path):
    model = trained()
    model.metadata = {"tabular": {"mean": [0.1, 1 / 3, -2.5e-300], "names": ["a", "é"]}}
    model.save(tmp_path / "m.npz")
    same = sn.load(tmp_path / "m.npz")
    assert same.metadata == model.metadata
    assert same.rng.bit_generator.state == model.rng.bit_generator.state
    assert sn.Sequential([sn.Dense(1)]).metadata == {}


def test_metadata_that_is_not_json_is_refused_before_writing(tmp_path):
    model = trained()
    model.metadata = {"bad": np.float32(1.0)}
    with pytest.raises(sn.ModelFileError, match="JSON-serializable"):
        model.save(tmp_path / "m.npz")
    assert not list(tmp_path.iterdir())
