import re

import keras
import numpy as np
import pytest
from keras import ops

from keras_landmarks.layers.legacy_bilinear_resize import legacy_bilinear_resize
from keras_landmarks.losses import DEFAULT_LAYERS
from tests.helpers import golden
from tests.helpers import to_numpy


def _legacy_resize(image, out_height, out_width):
    """TF1's legacy bilinear resize written out: src = dst * in / out, the upper
    neighbour clamped to the last pixel (numpy, float64, one (h, w) channel)."""

    def weights(n_in, n_out):
        matrix = np.zeros((n_out, n_in))
        for d in range(n_out):
            src = d * n_in / n_out
            low = int(np.floor(src))
            high = min(low + 1, n_in - 1)
            matrix[d, low] += 1 - (src - low)
            matrix[d, high] += src - low
        return matrix

    in_height, in_width = image.shape
    return weights(in_height, out_height) @ image @ weights(in_width, out_width).T


def test_resizes_the_loss_mask_like_the_reference():
    ref = golden()
    for name in DEFAULT_LAYERS:
        expected = ref[f"perc_mask_resized_{name}"]
        size = expected.shape[1:3]
        got = legacy_bilinear_resize(ref["perc_mask"], size)
        np.testing.assert_allclose(to_numpy(got), expected, rtol=0, atol=1e-6)


def test_one_row_by_hand():
    row = np.array([0.0, 2.0, 6.0], "float32").reshape(1, 1, 3, 1)
    # Up 2x: src = 0, .5, 1, 1.5, 2, 2.5 (the last two clamp to pixel 2).
    up = to_numpy(legacy_bilinear_resize(row, (1, 6)))
    np.testing.assert_array_equal(up[0, 0, :, 0], [0.0, 1.0, 2.0, 4.0, 6.0, 6.0])
    # 3 -> 2: src = 0, 1.5.
    down = to_numpy(legacy_bilinear_resize(row, (1, 2)))
    np.testing.assert_array_equal(down[0, 0, :, 0], [0.0, 4.0])


@pytest.mark.parametrize(
    "in_size, out_size",
    [
        ((3, 5), (6, 10)),  # integer upsampling
        ((3, 5), (9, 5)),  # one axis only
        ((12, 8), (4, 2)),  # integer downsampling: every f-th pixel
        ((5, 7), (3, 11)),  # any ratio, down and up
        ((6, 4), (6, 4)),  # same size
    ],
)
def test_matches_the_legacy_formula_on_random_maps(in_size, out_size):
    images = np.random.default_rng(0).normal(size=(2, *in_size, 3)).astype("f4")
    output = to_numpy(legacy_bilinear_resize(images, out_size))
    assert output.shape == (2, *out_size, 3)
    for b in range(2):
        for c in range(3):
            expected = _legacy_resize(images[b, :, :, c], *out_size)
            np.testing.assert_allclose(output[b, :, :, c], expected, atol=1e-5)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="compares with TF1's resize_bilinear, a TensorFlow op",
)
@pytest.mark.parametrize("size", [(64, 48), (43, 32), (100, 50), (37, 200)])
def test_matches_tf1_resize_bilinear(size):
    import tensorflow as tf

    images = np.random.default_rng(0).uniform(size=(2, 128, 96, 1)).astype("f4")
    expected = tf.compat.v1.image.resize_bilinear(
        images, size, align_corners=False, half_pixel_centers=False
    )
    output = to_numpy(legacy_bilinear_resize(images, size))
    # TF1 rounds `d * in / out` to float32; the weights here are exact.
    np.testing.assert_allclose(output, expected.numpy(), rtol=0, atol=1e-5)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_keeps_the_input_dtype(dtype):
    images = ops.cast(np.arange(8.0, dtype="f4").reshape(1, 2, 4, 1), dtype)
    output = legacy_bilinear_resize(images, (4, 8))
    assert keras.backend.standardize_dtype(output.dtype) == dtype


@pytest.mark.parametrize("size", [(0, 4), (4,), (2.5, 4), (4, True)])
def test_bad_size(size):
    with pytest.raises(ValueError, match=re.escape(f"Received: size={size!r}")):
        legacy_bilinear_resize(np.zeros((1, 4, 4, 1), "f4"), size)


def test_unknown_height_is_refused():
    images = keras.Input((None, 4, 1))
    with pytest.raises(ValueError, match=r"Received: shape=\(None, None, 4, 1\)"):
        legacy_bilinear_resize(images, (8, 8))
