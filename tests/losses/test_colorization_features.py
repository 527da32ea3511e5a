import keras
import numpy as np
import pytest

from keras_landmarks.losses.colorization_features import ColorizationFeatures
from keras_landmarks.losses.colorization_features import colorization_features
from keras_landmarks.losses.colorization_network import ColorizationNetwork
from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.perceptual_loss import RandomLossNetworkWarning
from tests.helpers import to_numpy

TINY = dict(block_channels=(4, 4, 4, 4, 4), fc_channels=8, hidden_channels=8, bins=4)
LAYERS = ("conv1_2", "conv2_2", "conv3_2", "conv4_2", "conv5_2")


def saved_network(tmp_path):
    network = ColorizationNetwork(**TINY)
    network.build()
    path = tmp_path / "colorization.keras"
    network.save(path)
    return network, str(path)


def test_features_see_the_mean_grey_with_the_authors_normalisation():
    network = ColorizationNetwork(**TINY)
    network.build()
    # conv1_1 passes its input's centre pixel to channel 0 (batch norm is the
    # identity), so its output is relu(mean(RGB) / 255 - 114.451 / 255).
    kernel = np.zeros((3, 3, 1, 4), "float32")
    kernel[1, 1, 0, 0] = 1.0
    network.convs["conv1_1"].set_weights([kernel, np.zeros(4, "float32")])
    network.batch_norms["conv1_1"].set_weights(
        [np.zeros(4, "float32"), np.full(4, 1 - 1e-5, "float32")]
    )
    rgb = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 3)).astype("float32")
    layer = ColorizationFeatures(LAYERS, network=network)
    grey = rgb.mean(-1, keepdims=True)
    first = to_numpy(network.trunk(grey, up_to="conv1_1")["conv1_1"])
    expected = np.maximum(rgb.mean(-1) / 255 - 114.451 / 255, 0)
    np.testing.assert_allclose(first[..., 0], expected, atol=1e-6)
    # Colour is invisible: the grey image with the same mean gives the same features.
    grey_rgb = np.repeat(grey, 3, axis=-1)
    for a, b in zip(layer(rgb), layer(grey_rgb), strict=True):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), atol=1e-5)
    shapes = [tuple(f.shape) for f in layer(rgb)]
    assert shapes == [(1, 32 // s, 32 // s, 4) for s in (1, 2, 4, 8, 16)]
    spec = layer.compute_output_spec(keras.KerasTensor((1, 32, 32, 3)))
    assert [tuple(s.shape) for s in spec] == shapes


def test_perceptual_loss_uses_the_saved_network(tmp_path):
    network, path = saved_network(tmp_path)
    loss = PerceptualLoss(network="colorization", weights=path)
    assert isinstance(loss.network, ColorizationFeatures)
    np.testing.assert_array_equal(
        to_numpy(loss.network.network.convs["conv5_2"].kernel),
        to_numpy(network.convs["conv5_2"].kernel),
    )
    # Only the trunk up to conv5_2 is built: fc6, fc7 and the head are not held.
    assert not loss.network.network.convs["conv5_3"].built
    assert not loss.network.network.convs["fc6"].built
    target = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert float(to_numpy(loss(target, target[::-1], training=True)["total"])) > 0


def test_restored_loss_keeps_the_architecture_and_weights():
    features = ColorizationFeatures(LAYERS, network=TINY)
    loss = PerceptualLoss(network=features)
    target = np.random.default_rng(2).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = to_numpy(loss(target, target[::-1])["total"])
    clone = PerceptualLoss.from_config(loss.get_config())
    restored = clone.network.network.get_config()
    assert {k: restored[k] for k in TINY} == TINY
    clone.build(target.shape)
    clone.set_weights(loss.get_weights())
    np.testing.assert_allclose(
        to_numpy(clone(target, target[::-1])["total"]), expected, rtol=1e-6
    )


def test_random_network_warns_and_bad_files_are_named(tmp_path):
    with pytest.warns(RandomLossNetworkWarning):
        PerceptualLoss(network="colorization", weights=None)
    with pytest.raises(ValueError, match="missing.keras"):
        colorization_features(tmp_path / "missing.keras")
    other = tmp_path / "other.keras"
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(other)
    with pytest.raises(ValueError, match="not a ColorizationNetwork"):
        colorization_features(other)
    with pytest.raises(ValueError, match="layers"):
        ColorizationFeatures(("conv6_1",), network=TINY)
