import json
import os

import h5py
import keras
import numpy as np
import pytest

from keras_landmarks.presets import preset_files
from keras_landmarks.presets.preset_files import load_preset_folder
from keras_landmarks.presets.preset_files import read_metadata
from keras_landmarks.presets.preset_files import save_to_preset
from keras_landmarks.presets.preset_metadata import FACT_ENTRIES
from keras_landmarks.presets.preset_metadata import REQUIRED_ENTRIES
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs
from tests.presets.fixtures import set_every_variable


def _json(config):
    return json.dumps(config, sort_keys=True)


def _weights(model):
    return [to_numpy(w) for w in model.weights]


def test_round_trip_gives_the_same_model(tmp_path, metadata):
    model = tiny_model()
    model.compile(optimizer="adam")
    model.optimizer.build(model.trainable_variables)  # slots a preset leaves out
    set_every_variable(model)
    written = save_to_preset(model, tmp_path / "p", metadata)

    files = sorted(os.listdir(tmp_path / "p"))
    assert files == ["config.json", "metadata.json", "model.weights.h5"]
    loaded = load_preset_folder(tmp_path / "p")
    assert type(loaded) is type(model)
    # Through JSON, tuples come back as lists: compare the JSON.
    assert _json(loaded.get_config()) == _json(model.get_config())
    for a, b in zip(_weights(model), _weights(loaded), strict=True):
        np.testing.assert_array_equal(a, b)
    images = toy_pairs(3, seed=1)["target"]
    np.testing.assert_array_equal(
        loaded.predict_keypoints(images), model.predict_keypoints(images)
    )
    # A preset is architecture and weights: no optimizer state, not compiled.
    assert getattr(loaded, "optimizer", None) is None
    with h5py.File(tmp_path / "p" / "model.weights.h5") as f:
        assert "optimizer" not in f
    config = json.loads((tmp_path / "p" / "config.json").read_text())
    assert "compile_config" not in config and "build_config" not in config
    assert read_metadata(tmp_path / "p") == written


def test_metadata_holds_the_facts_and_the_callers_entries(tmp_path, metadata):
    model = tiny_model()
    written = save_to_preset(model, tmp_path / "p", metadata, readme="# Tiny\n")
    assert set(written) == set(FACT_ENTRIES) | set(REQUIRED_ENTRIES)
    assert written["parameter_count"] == model.count_params()
    assert written["detector_parameter_count"] == model.detector.count_params()
    assert written["image_size"] == [32, 32] and written["num_keypoints"] == 4
    assert written["keras_version"] == keras.__version__
    assert written["backend"] == keras.backend.backend()
    weights = tmp_path / "p" / "model.weights.h5"
    assert written["weights_bytes"] == os.path.getsize(weights)
    assert (tmp_path / "p" / "README.md").read_text() == "# Tiny\n"


def test_an_existing_preset_is_replaced_only_when_asked(tmp_path, metadata):
    target = tmp_path / "p"
    save_to_preset(tiny_model(), target, metadata)
    with pytest.raises(ValueError, match="exists; pass overwrite=True"):
        save_to_preset(tiny_model(), target, metadata)
    (target / "stale.txt").write_text("from before")
    save_to_preset(tiny_model(num_keypoints=3), target, metadata, overwrite=True)
    assert not (target / "stale.txt").exists()
    assert read_metadata(target)["num_keypoints"] == 3
    assert os.listdir(tmp_path) == ["p"]  # no staging folder left


def test_a_failed_write_leaves_the_old_preset(tmp_path, metadata, monkeypatch):
    target = tmp_path / "p"
    save_to_preset(tiny_model(), target, metadata)
    before = (target / "metadata.json").read_text()

    def disk_full(model, path):
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(preset_files, "_save_model_variables", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_to_preset(tiny_model(), target, metadata, overwrite=True)
    assert (target / "metadata.json").read_text() == before
    assert os.listdir(tmp_path) == ["p"]


def test_damaged_or_missing_files_are_clear_errors(tmp_path, metadata):
    target = tmp_path / "p"
    save_to_preset(tiny_model(), target, metadata)
    weights = target / "model.weights.h5"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="does not match the SHA-256"):
        load_preset_folder(target)
    weights.unlink()
    with pytest.raises(ValueError, match="has no model.weights.h5"):
        load_preset_folder(target)


def test_only_a_landmark_model_is_saved(tmp_path, metadata):
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Received: Sequential"):
        save_to_preset(other, tmp_path / "p", metadata)
    assert not (tmp_path / "p").exists()


def test_a_foreign_model_folder_is_refused(tmp_path):
    # Keras' own folder layout, holding a model that is not a LandmarkModel.
    folder = tmp_path / "foreign"
    folder.mkdir()
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    (folder / "config.json").write_text(
        json.dumps(keras.saving.serialize_keras_object(other))
    )
    other.save_weights(folder / "model.weights.h5")
    with pytest.raises(ValueError, match="holds a Sequential, not a keras_landmarks"):
        load_preset_folder(folder)


def test_landmark_models_and_their_subclasses_are_told_apart_from_other_models():
    from keras_landmarks.models import AdversarialLandmarkModel

    assert preset_files.is_landmark_model(tiny_model())
    assert issubclass(AdversarialLandmarkModel, type(tiny_model()))
    adversarial = object.__new__(AdversarialLandmarkModel)  # class check only
    assert preset_files.is_landmark_model(adversarial)
    assert not preset_files.is_landmark_model(keras.Sequential([keras.Input((2,))]))
    with pytest.raises(ValueError, match="saves a keras_landmarks LandmarkModel"):
        save_to_preset(keras.Sequential([keras.Input((2,))]), "unused", {})
