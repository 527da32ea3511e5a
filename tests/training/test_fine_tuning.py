import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.losses import PixelLoss
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.training.fine_tuning import load_landmark_model_or_preset
from keras_landmarks.training.fine_tuning import model_to_fine_tune
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs
from tests.presets.fixtures import tiny_preset


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny model trained 2 steps, saved compiled: its path and state."""
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer=cpu_optimizer(1e-3))
    pairs = tf.data.Dataset.from_tensor_slices(toy_pairs(4)).batch(2).repeat()
    model.fit(pairs, steps_per_epoch=2, epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("fine_tuning") / "m.keras"
    model.save(path)
    return path, _state(model.optimizer), to_numpy(model.detector.head.kernel)


def _state(optimizer):
    return {v.path: to_numpy(v) for v in optimizer.variables}


def test_fine_tuning_restores_the_optimizer_state(trained):
    path, saved, kernel = trained
    model = model_to_fine_tune(path, cpu_optimizer)
    assert int(to_numpy(model.optimizer.iterations)) == 2
    restored = _state(model.optimizer)
    moments = [path for path in saved if "momentum" in path or "velocity" in path]
    assert moments and any(np.abs(saved[p]).max() > 0 for p in moments)
    for path in moments:
        np.testing.assert_allclose(restored[path], saved[path], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(model.detector.head.kernel), kernel)


@pytest.mark.slow
def test_a_new_learning_rate_keeps_the_state(trained):
    path, saved, _ = trained
    model = model_to_fine_tune(path, cpu_optimizer, 5e-4)
    np.testing.assert_allclose(to_numpy(model.optimizer.learning_rate), 5e-4)
    assert int(to_numpy(model.optimizer.iterations)) == 2
    restored = _state(model.optimizer)
    moments = [path for path in saved if "momentum" in path]
    for path in moments:
        np.testing.assert_allclose(restored[path], saved[path], rtol=1e-6)
    pairs = tf.data.Dataset.from_tensor_slices(toy_pairs(4)).batch(2).repeat()
    model.fit(pairs, steps_per_epoch=1, epochs=1, verbose=0)
    assert int(to_numpy(model.optimizer.iterations)) == 3


def test_a_file_without_optimizer_is_compiled_with_the_given_one(tmp_path):
    model = tiny_model(loss=PixelLoss())
    model(toy_pairs(1))  # built, never compiled
    model.save(tmp_path / "bare.keras")
    loaded = model_to_fine_tune(tmp_path / "bare.keras", cpu_optimizer, 3e-4)
    np.testing.assert_allclose(to_numpy(loaded.optimizer.learning_rate), 3e-4)
    assert int(to_numpy(loaded.optimizer.iterations)) == 0


def test_bad_sources_and_rates_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        model_to_fine_tune(tmp_path / "missing.keras", cpu_optimizer)
    with pytest.raises(ValueError, match="learning_rate=-1"):
        model_to_fine_tune(tmp_path / "missing.keras", cpu_optimizer, -1)


def test_a_preset_is_compiled_with_the_given_optimizer():
    model = model_to_fine_tune("synthetic_faces", cpu_optimizer, 5e-4)
    assert model.image_size == (48, 48) and model.num_keypoints == 10
    np.testing.assert_allclose(to_numpy(model.optimizer.learning_rate), 5e-4)
    assert int(to_numpy(model.optimizer.iterations)) == 0
    with pytest.raises(ValueError, match="Unknown preset 'no_such_preset'"):
        model_to_fine_tune("no_such_preset", cpu_optimizer)


def test_init_from_takes_a_keras_file_or_a_preset(tmp_path):
    model = tiny_preset(tmp_path / "mine")
    model.save(tmp_path / "mine.keras")
    images = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3))
    expected = model.predict_keypoints(images)
    for source in (tmp_path / "mine.keras", tmp_path / "mine"):
        loaded = load_landmark_model_or_preset(source)
        np.testing.assert_array_equal(loaded.predict_keypoints(images), expected)
    shipped = load_landmark_model_or_preset("synthetic_faces")
    assert shipped.image_size == (48, 48)
    with pytest.raises(ValueError, match="Model file not found"):
        load_landmark_model_or_preset(tmp_path / "none.keras")
