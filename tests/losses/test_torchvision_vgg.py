import keras
import numpy as np
from keras import ops

from keras_landmarks.losses.torchvision_vgg import OFFLINE_VGG16_WEIGHTS_FILENAME
from keras_landmarks.losses.torchvision_vgg import TORCHVISION_MEAN
from keras_landmarks.losses.torchvision_vgg import TORCHVISION_STD
from keras_landmarks.losses.torchvision_vgg import offline_vgg16_weights_path
from keras_landmarks.losses.torchvision_vgg import preprocess_for_torchvision_vgg


def _torch_input(images):
    mean = np.array(TORCHVISION_MEAN)
    std = np.array(TORCHVISION_STD)
    return (images.astype("float64") / 255.0 - mean) / std


def test_preprocess_matches_numpy():
    images = np.random.default_rng(1).uniform(0, 255, (2, 4, 5, 3)).astype("float32")
    outputs = ops.convert_to_numpy(preprocess_for_torchvision_vgg(images))
    assert outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, _torch_input(images), rtol=1e-5, atol=1e-5)


def test_preprocess_casts_integer_images_to_floatx():
    images = np.array([[[[0, 255, 128]]]], dtype="uint8")
    outputs = preprocess_for_torchvision_vgg(images)
    assert keras.backend.standardize_dtype(outputs.dtype) == keras.config.floatx()
    np.testing.assert_allclose(
        ops.convert_to_numpy(outputs), _torch_input(images), rtol=1e-5, atol=1e-5
    )


def test_offline_path_follows_keras_home(tmp_path, monkeypatch):
    # Not created yet: Keras would create it, so it must not fall back to /tmp.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    expected = tmp_path / "keras_home" / "models" / OFFLINE_VGG16_WEIGHTS_FILENAME
    assert offline_vgg16_weights_path() == expected


def test_offline_path_defaults_to_home_dot_keras(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".keras" / "models" / OFFLINE_VGG16_WEIGHTS_FILENAME
    assert offline_vgg16_weights_path() == expected
