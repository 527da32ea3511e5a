import keras
import numpy as np
import pytest

from keras_landmarks.layers import LegacyBilinearUpsampling
from keras_landmarks.models import ImageGenerator
from tests.helpers import run_layer_battery

ABLATION = dict(kernel_initializer="glorot_uniform", batch_norm_momentum=0.9)


def _generator_inputs():
    return [
        np.random.default_rng(1).normal(size=(2, 8, 8, 16)).astype("f4"),
        np.random.default_rng(2).uniform(size=(2, 8, 8, 5)).astype("f4"),
    ]


def test_reference_generator_layout():
    generator = ImageGenerator()
    assert generator.upsampling == 8
    assert [len(stage) for stage in generator.stages] == [2, 2, 2, 1]
    assert [stage[0].filters for stage in generator.stages] == [256, 128, 64, 32]
    shape = generator.compute_output_shape(((None, 16, 16, 256), (None, 16, 16, 10)))
    assert shape == (None, 128, 128, 3)


@pytest.mark.parametrize("kwargs", [{}, ABLATION], ids=["default", "ablation"])
def test_battery(kwargs, tmp_path):
    generator = ImageGenerator((16, 8), **kwargs)
    run_layer_battery(generator, _generator_inputs(), tmp_path)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ImageGenerator(()), "filters"),
        (lambda: ImageGenerator((8,), output_channels=0), "output_channels"),
        (
            lambda: ImageGenerator(
                (8,), kernel_initializer="keras_landmarks>ConvBlock"
            ),
            "kernel_initializer='keras_landmarks>ConvBlock'",
        ),
        (
            lambda: ImageGenerator((8,), batch_norm_momentum="0.9"),
            "batch_norm_momentum='0.9'",
        ),
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


def test_generator_interpolation_selects_the_upsampling_layer():
    inputs = [
        np.random.default_rng(1).normal(size=(2, 4, 4, 8)).astype("f4"),
        np.random.default_rng(2).uniform(size=(2, 4, 4, 3)).astype("f4"),
    ]
    legacy = ImageGenerator((8, 4), interpolation="tf1_bilinear")
    assert isinstance(legacy.upsample, LegacyBilinearUpsampling)
    assert isinstance(ImageGenerator((8, 4)).upsample, keras.layers.UpSampling2D)
    output = legacy(inputs)
    clone = ImageGenerator.from_config(legacy.get_config())
    assert clone.interpolation == "tf1_bilinear"
    clone(inputs)
    clone.set_weights(legacy.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(clone(inputs)),
        keras.ops.convert_to_numpy(output),
        atol=1e-6,
    )
    with pytest.raises(ValueError, match="interpolation='nearest'"):
        ImageGenerator((8, 4), interpolation="nearest")
