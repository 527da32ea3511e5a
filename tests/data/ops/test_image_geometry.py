import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.image_geometry import box_around
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import flip_left_right
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.data.ops.image_geometry import image_size_pair


def _blob(height, width, x, y, sigma=3.0):
    ys, xs = np.mgrid[:height, :width]
    blob = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma**2))
    return np.repeat(blob[..., None] * 255, 3, -1).astype(np.float32)


def _centroid(image):
    weights = image[..., 0] ** 2
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    return np.array([(xs * weights).sum(), (ys * weights).sum()]) / weights.sum()


def test_full_box_resize_is_identity_at_same_size():
    image = np.random.default_rng(0).uniform(0, 255, (9, 13, 3)).astype(np.float32)
    out, points = crop_and_resize(image, full_image_box(image), (9, 13), [[2.0, 3.0]])
    np.testing.assert_allclose(out, image, atol=1e-3)
    np.testing.assert_allclose(points, [[2.0, 3.0]], atol=1e-6)


def test_landmarks_follow_the_pixels():
    image = _blob(90, 120, x=70.0, y=40.0)
    box = tf.constant([30.0, 10.0, 100.0, 80.0])
    out, points = crop_and_resize(image, box, (50, 60), [[70.0, 40.0]])
    # By construction: (70 - 30) * 59 / 70 and (40 - 10) * 49 / 70.
    np.testing.assert_allclose(points, [[40 * 59 / 70, 30 * 49 / 70]], atol=1e-4)
    np.testing.assert_allclose(_centroid(out.numpy()), points[0], atol=0.3)


def test_outside_the_image_is_zero():
    out, _ = crop_and_resize(np.ones((10, 10, 3)), [-20.0, -20.0, -11.0, -11.0], (4, 4))
    np.testing.assert_array_equal(out, 0.0)


def test_flip_moves_landmarks():
    image = _blob(20, 30, x=5.0, y=8.0)
    flipped, points = flip_left_right(image, [[5.0, 8.0]])
    np.testing.assert_allclose(points, [[24.0, 8.0]])
    before = _centroid(image)
    np.testing.assert_allclose(
        _centroid(flipped.numpy()), [29 - before[0], before[1]], atol=1e-4
    )


def test_box_around_points():
    box = box_around([[10.0, 20.0], [30.0, 25.0]], scale=2.0)
    np.testing.assert_allclose(box, [0.0, 2.5, 40.0, 42.5])


def test_image_size_pair():
    assert image_size_pair(32) == (32, 32)
    assert image_size_pair((24, 40)) == (24, 40)
    assert image_size_pair(None) is None
    for bad in (0, 1.5, "64", (32,), True):
        with pytest.raises(ValueError, match="Received: image_size="):
            image_size_pair(bad)
