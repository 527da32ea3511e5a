import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.losses.loss_network import CAFFE_BGR_MEAN
from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.models.colorization import GreyForVGG
from keras_landmarks.models.colorization import colorization_batches
from keras_landmarks.models.colorization import colorization_model
from keras_landmarks.models.colorization import save_loss_network_weights
from tests.helpers import to_numpy


def test_grey_input_matches_the_loss_networks_preprocessing():
    rgb = np.array([[[[255.0, 0.0, 0.0]]]], "float32")
    out = to_numpy(GreyForVGG()(rgb))
    # A grey pixel's RGB and BGR are the same: the Caffe BGR mean is subtracted.
    np.testing.assert_allclose(
        out[0, 0, 0], 0.299 * 255 - np.array(CAFFE_BGR_MEAN), rtol=1e-5
    )


def test_saved_trunk_is_the_perceptual_loss_network(tmp_path):
    model = colorization_model(decoder_channels=4)
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert tuple(model(images).shape) == (2, 32, 32, 3)
    path = save_loss_network_weights(model, str(tmp_path / "net.weights.h5"))
    loss = PerceptualLoss(network="vgg16", weights=path)
    trunk = model.get_layer("vgg16")
    for name in ("block1_conv2", "block5_conv2"):
        np.testing.assert_array_equal(
            loss.network.model.get_layer(name).get_weights()[0],
            trunk.get_layer(name).get_weights()[0],
        )
    with pytest.raises(ValueError, match=".weights.h5"):
        save_loss_network_weights(model, str(tmp_path / "net.h5"))


def test_batches_pair_rgb_with_targets_in_unit_range():
    images = tf.data.Dataset.from_tensor_slices(
        np.full((3, 16, 16, 3), 255.0, "float32")
    )
    x, y = next(iter(colorization_batches(images, 2)))
    assert x.shape == (2, 16, 16, 3) and float(tf.reduce_max(y)) == 1.0
