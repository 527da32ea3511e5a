import keras
import numpy as np
import pytest

from keras_landmarks.layers import LegacyBilinearUpsampling
from keras_landmarks.layers.legacy_bilinear_resize import legacy_bilinear_resize
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy


def test_two_by_two_to_four_by_four_by_hand():
    image = np.array([[0.0, 4.0], [8.0, 12.0]], "float32")
    # src = dst / 2: rows/columns read 0, 0.5, 1, 1.5 -> the last clamps to 1.
    expected = np.array(
        [
            [0.0, 2.0, 4.0, 4.0],
            [4.0, 6.0, 8.0, 8.0],
            [8.0, 10.0, 12.0, 12.0],
            [8.0, 10.0, 12.0, 12.0],
        ]
    )
    output = to_numpy(LegacyBilinearUpsampling(2)(image[None, :, :, None]))
    np.testing.assert_allclose(output[0, :, :, 0], expected, rtol=0, atol=1e-6)


def test_differs_from_keras_half_pixel_upsampling():
    image = np.array([[0.0, 4.0], [8.0, 12.0]], "float32")[None, :, :, None]
    legacy = to_numpy(LegacyBilinearUpsampling(2)(image))
    keras_bilinear = to_numpy(
        keras.layers.UpSampling2D(2, "channels_last", "bilinear")(image)
    )
    # Half-pixel centres read row 0 at src = -0.25 (clamped): 0, 1, 3, 4 per row.
    np.testing.assert_allclose(keras_bilinear[0, 0, :, 0], [0.0, 1.0, 3.0, 4.0])
    assert not np.allclose(legacy, keras_bilinear)


@pytest.mark.parametrize("factor", [1, 3])
def test_is_the_legacy_resize_by_an_integer_factor(factor):
    images = np.random.default_rng(factor).normal(size=(2, 3, 5, 4)).astype("f4")
    output = to_numpy(LegacyBilinearUpsampling(factor)(images))
    expected = legacy_bilinear_resize(images, (3 * factor, 5 * factor))
    np.testing.assert_array_equal(output, to_numpy(expected))


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="compares with TF1's resize_bilinear, a TensorFlow op",
)
def test_matches_tf1_resize_bilinear():
    import tensorflow as tf

    images = np.random.default_rng(0).uniform(0, 255, (2, 16, 12, 8)).astype("f4")
    expected = tf.compat.v1.image.resize_bilinear(
        images, (32, 24), align_corners=False, half_pixel_centers=False
    )
    output = LegacyBilinearUpsampling(2)(images)
    np.testing.assert_allclose(to_numpy(output), expected.numpy(), rtol=0, atol=1e-4)


def test_inside_a_compiled_function_with_an_unknown_batch(tmp_path):
    images = np.random.default_rng(1).normal(size=(3, 4, 4, 2)).astype("f4")
    run_layer_battery(LegacyBilinearUpsampling(2), images, tmp_path)
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, LegacyBilinearUpsampling(2)(inputs))
    np.testing.assert_allclose(
        model.predict(images, verbose=0),
        to_numpy(LegacyBilinearUpsampling(2)(images)),
        atol=1e-6,
    )


@pytest.mark.parametrize("factor", [0, 1.5, "2", True])
def test_bad_factor(factor):
    with pytest.raises(ValueError, match=f"Received: factor={factor!r}"):
        LegacyBilinearUpsampling(factor)
