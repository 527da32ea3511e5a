"""Backgrounds of the synthetic images."""

import numpy as np

from keras_landmarks.data.synthetic.background import draw_background
from keras_landmarks.data.synthetic.background import interpolation_matrix


def _background(clutter, seed=0):
    rgb = np.zeros((3, 4, 32, 32), "float32")
    draw_background(np.random.default_rng(seed), rgb, clutter)
    return rgb


def test_no_clutter_is_one_plain_colour_per_image():
    rgb = _background(0.0)
    assert np.ptp(rgb, axis=(2, 3)).max() == 0
    assert np.ptp(rgb[:, :, 0, 0], axis=1).max() > 0  # images differ


def test_clutter_varies_within_the_image_and_stays_in_range():
    rgb = _background(1.0)
    assert np.ptp(rgb, axis=(2, 3)).min() > 0.05
    assert rgb.min() >= -0.25 and rgb.max() <= 1.25
    np.testing.assert_array_equal(rgb, _background(1.0))  # seeded


def test_interpolation_matrix_rows_sum_to_one_and_hit_the_knots():
    m = interpolation_matrix(7, 4)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(m[0], [1, 0, 0, 0])
    np.testing.assert_array_equal(m[-1], [0, 0, 0, 1])
