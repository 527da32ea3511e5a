"""The loss network (VGG features) behind `PerceptualLoss`: its layers, its
weights and the errors when they cannot be had."""

import keras
import numpy as np
import pytest

from keras_landmarks.losses import PerceptualLoss
from keras_landmarks.losses import RandomLossNetworkWarning
from tests.helpers import to_numpy


def test_truncated_network_stops_at_the_last_layer():
    with pytest.warns(RandomLossNetworkWarning):
        loss = PerceptualLoss(
            network="vgg16", weights=None, layers=("input", "conv1_2", "conv2_2")
        )
    names = [layer.name for layer in loss.network.model.layers]
    assert "block2_conv2" in names and "block3_conv1" not in names


def test_missing_weights_file_says_how_to_get_weights(tmp_path):
    path = tmp_path / "nope.weights.h5"
    with pytest.raises(ValueError, match="not found.*torchvision"):
        PerceptualLoss(network="vgg19", weights=str(path))


def test_offline_imagenet_error_names_the_offline_option(monkeypatch):
    from keras.src.utils import file_utils

    from keras_landmarks.losses import LossNetworkUnavailableError

    def offline(*args, **kwargs):
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(file_utils, "get_file", offline)
    with pytest.raises(LossNetworkUnavailableError, match="weights='torchvision'"):
        PerceptualLoss(network="vgg19", weights="imagenet")


def _offline_weights():
    from keras_landmarks.pretrained.vgg_weights import offline_vgg16_weights_path

    path = offline_vgg16_weights_path()
    if not path.exists():
        pytest.skip(
            f"offline VGG-16 weights not prepared at {path} "
            "(run `python -m keras_landmarks.pretrained.vgg_weights`)"
        )
    return path


@pytest.mark.needs_vgg_weights
def test_pretrained_vgg16_features_respond_to_structure_not_noise():
    _offline_weights()
    loss = PerceptualLoss(network="vgg16", weights="torchvision")
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:64, 0:64]
    stripes = (128 + 100 * np.sin(xx / 3.0))[None, :, :, None] * np.ones((1, 1, 1, 3))
    stripes = stripes.astype("float32")
    shifted = np.roll(stripes, 5, axis=2)
    noisy = stripes + rng.normal(0, 2, stripes.shape).astype("float32")
    near = [_mse(g, p) for g, p in loss.features(stripes, noisy)]
    far = [_mse(g, p) for g, p in loss.features(stripes, shifted)]
    # ImageNet conv1_2/conv2_2 filters are edge detectors: moving the stripes
    # changes them far more than faint noise does.
    assert far[1] > 5 * near[1] and far[2] > 5 * near[2]


def _mse(a, b):
    return float(np.mean((to_numpy(a) - to_numpy(b)) ** 2))


def _vgg16_features(layers=("conv1_2", "conv3_2")):
    with pytest.warns(RandomLossNetworkWarning):
        return PerceptualLoss(network="vgg16", weights=None, layers=layers).network


def test_frozen_weights_are_stored_in_the_compute_dtype_under_a_mixed_policy():
    keras.config.set_dtype_policy("mixed_bfloat16")
    features = _vgg16_features()
    assert keras.config.dtype_policy().name == "mixed_bfloat16"  # restored
    dtypes = {keras.backend.standardize_dtype(w.dtype) for w in features.weights}
    assert dtypes == {"bfloat16"}
    keras.config.set_dtype_policy("float32")
    dtypes = {
        keras.backend.standardize_dtype(w.dtype) for w in _vgg16_features().weights
    }
    assert dtypes == {"float32"}


def test_compute_dtype_weights_give_the_features_of_float32_weights_cast_per_call():
    from keras_landmarks.losses.loss_network import _build_truncated_vgg

    keras.config.set_dtype_policy("mixed_bfloat16")
    features = _vgg16_features()
    # What the loss network was before: float32 weights, cast at every call.
    cast_per_call = _build_truncated_vgg(
        "vgg16", None, ("conv1_2", "conv3_2"), "mixed_bfloat16"
    )
    cast_per_call.set_weights(features.model.get_weights())
    assert keras.backend.standardize_dtype(cast_per_call.weights[0].dtype) == "float32"
    images = np.random.default_rng(0).uniform(0, 255, (2, 24, 24, 3))
    x = keras.ops.cast(images, "bfloat16")
    for ours, theirs in zip(features.model(x), cast_per_call(x), strict=True):
        ours = to_numpy(keras.ops.cast(ours, "float32"))
        theirs = to_numpy(keras.ops.cast(theirs, "float32"))
        assert ours.shape == theirs.shape and np.abs(ours).max() > 0
        np.testing.assert_array_equal(ours, theirs)
