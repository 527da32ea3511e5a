"""ConvEncoder, LandmarkDetector, ImageGenerator, ConvBlock."""

import keras
import numpy as np
import pytest

from keras_landmarks.models import ConvBlock
from keras_landmarks.models import ConvEncoder
from keras_landmarks.models import ImageGenerator
from keras_landmarks.models import LandmarkDetector
from tests.helpers import run_layer_battery


def _images(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 255, (n, size, size, 3)).astype("float32")


def test_reference_encoder_and_detector_shapes():
    encoder = ConvEncoder()
    assert encoder.filters == (32, 32, 64, 64, 128, 128, 256, 256)
    assert [b.strides for b in encoder.blocks] == [1, 1, 2, 1, 2, 1, 2, 1]
    assert [b.kernel_size for b in encoder.blocks] == [7, 3, 3, 3, 3, 3, 3, 3]
    assert encoder.compute_output_shape((None, 128, 128, 3)) == (None, 16, 16, 256)
    detector = LandmarkDetector(10)
    assert detector.compute_output_shape((None, 128, 128, 3)) == (None, 16, 16, 10)
    detector.build((None, 128, 128, 3))
    head = detector.head
    assert head.kernel_size == (1, 1) and head.activation.__name__ == "linear"


def test_reference_generator_layout():
    generator = ImageGenerator()
    assert generator.upsampling == 8
    assert [len(stage) for stage in generator.stages] == [2, 2, 2, 1]
    assert [stage[0].filters for stage in generator.stages] == [256, 128, 64, 32]
    shape = generator.compute_output_shape(((None, 16, 16, 256), (None, 16, 16, 10)))
    assert shape == (None, 128, 128, 3)


def test_init_and_weight_decay():
    block = ConvBlock(16, 3)
    block.build((None, 8, 8, 3))
    kernel = block.conv.kernel
    assert np.all(np.abs(np.asarray(kernel)) <= 0.02 + 1e-7)  # truncated at 2 std
    assert float(np.std(np.asarray(kernel))) == pytest.approx(0.0088, rel=0.25)
    assert np.all(np.asarray(block.conv.bias) == 0)
    assert block.conv.kernel_regularizer.l2 == pytest.approx(1e-5)
    assert block.norm.momentum == 0.99 and block.norm.epsilon == 1e-3


@pytest.mark.parametrize(
    "layer, inputs",
    [
        (ConvBlock(8, 3, strides=2), _images()),
        (ConvEncoder((8, 8, 16), (1, 2, 2)), _images()),
        (LandmarkDetector(5, (8, 16), (2, 2)), _images()),
        (
            ImageGenerator((16, 8)),
            [
                np.random.default_rng(1).normal(size=(2, 8, 8, 16)).astype("f4"),
                np.random.default_rng(2).uniform(size=(2, 8, 8, 5)).astype("f4"),
            ],
        ),
    ],
    ids=["conv_block", "encoder", "detector", "generator"],
)
def test_battery(layer, inputs, tmp_path):
    run_layer_battery(layer, inputs, tmp_path)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ConvEncoder((8, 8), (1, 3)), "strides"),
        (lambda: ConvEncoder((8, 0), (1, 2)), "filters"),
        (lambda: ConvEncoder((8, 8), (1,)), "one entry"),
        (lambda: LandmarkDetector(0), "num_keypoints=0"),
        (lambda: ImageGenerator(()), "filters"),
        (lambda: ImageGenerator((8,), output_channels=0), "output_channels"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_sigmoid_output_is_bounded_to_the_image_scale():
    generator = ImageGenerator((8, 8), output_activation="sigmoid", output_scale=255.0)
    features = np.random.default_rng(0).normal(0, 50, (2, 8, 8, 8)).astype("f4")
    maps = np.zeros((2, 8, 8, 3), "f4")
    out = keras.ops.convert_to_numpy(generator([features, maps]))
    assert out.shape == (2, 16, 16, 3)
    assert out.min() >= 0.0 and out.max() <= 255.0
    # With the small reference init the output starts at the middle grey.
    np.testing.assert_allclose(out, 127.5, atol=5.0)
    with pytest.raises(ValueError, match="output_activation='tanh'"):
        ImageGenerator((8,), output_activation="tanh")
