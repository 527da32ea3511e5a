"""Drawing primitives of the synthetic generators."""

import numpy as np

from keras_landmarks.data.synthetic.painting import col
from keras_landmarks.data.synthetic.painting import colour_planes
from keras_landmarks.data.synthetic.painting import coverage
from keras_landmarks.data.synthetic.painting import ellipse_distance
from keras_landmarks.data.synthetic.painting import rotate
from keras_landmarks.data.synthetic.painting import to_uint8


def test_broadcasting_shapes():
    assert col([1, 2]).shape == (2, 1, 1)
    planes = colour_planes([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    assert planes.shape == (3, 2, 1, 1)
    np.testing.assert_allclose(planes[:, 1, 0, 0], [0.4, 0.5, 0.6], rtol=1e-6)


def test_coverage_ramps_over_one_pixel():
    # Signed distance in face units at 4 pixels per unit: inside, edge, outside.
    alpha = coverage(np.array([-1.0, 0.0, 0.0625, 1.0]), 4.0)
    np.testing.assert_allclose(alpha, [1.0, 0.5, 0.25, 0.0])


def test_ellipse_distance_is_exact_on_the_axes():
    d = ellipse_distance(np.array([3.0, 0.0, 1.0]), np.array([0.0, 1.0, 0.0]), 2.0, 0.5)
    np.testing.assert_allclose(d[:2], [1.0, 0.5], rtol=1e-5)
    assert d[2] < 0  # inside


def test_rotate_is_the_inverse_rotation():
    u, v = rotate(1.0, 0.0, np.cos(np.pi / 2), np.sin(np.pi / 2))
    np.testing.assert_allclose([u, v], [0.0, -1.0], atol=1e-12)


def test_to_uint8_clips_rounds_and_moves_channels_last():
    rgb = np.array([-0.5, 0.5, 2.0], "float32").reshape(3, 1, 1, 1)
    out = to_uint8(rgb)
    assert out.shape == (1, 1, 1, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, 0, 0], [0, 128, 255])
