import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.framing import frame_image
from keras_landmarks.data.ops.framing import framing_box
from keras_landmarks.data.ops.framing import to_image_pixels
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids


@pytest.mark.parametrize(
    "box, size, fit, expected",
    [
        # A 100 x 50 (pixel-centre span 99 x 49) image to a square.
        ([0, 0, 99, 49], 50, "crop", [25, 0, 74, 49]),
        ([0, 0, 99, 49], 50, "pad", [0, -25, 99, 74]),
        # A tall box to a wide output (spans 22 x 11): aspect 2.
        ([10, 0, 20, 40], (12, 23), "crop", [10, 17.5, 20, 22.5]),
        ([10, 0, 20, 40], (12, 23), "pad", [-25, 0, 55, 40]),
    ],
)
def test_framing_box_keeps_the_centre_and_takes_the_output_aspect(
    box, size, fit, expected
):
    framed = framing_box(tf.constant(box, tf.float32), size, fit).numpy()
    np.testing.assert_allclose(framed, expected, atol=1e-4)


def test_framing_box_inside_tf_data_matches_eager():
    boxes = tf.data.Dataset.from_tensor_slices(tf.constant([[0.0, 0, 99, 49]]))
    inside = next(iter(boxes.map(lambda box: framing_box(box, 50, "pad"))))
    np.testing.assert_allclose(inside, [0, -25, 99, 74], atol=1e-4)


def test_framing_box_rejects_an_unknown_fit():
    with pytest.raises(ValueError, match="fit='squash'"):
        framing_box(tf.constant([0.0, 0, 9, 9]), 8, "squash")


@pytest.mark.parametrize("fit", ["crop", "pad"])
def test_frame_image_and_back_finds_points_of_the_original(fit):
    # Blobs at known points of a wide image: their centres on the framed
    # image, mapped back, are the original points.
    points = np.array([[40.0, 20.0], [60.0, 30.0], [50.0, 12.0]])
    image = blob_image(40, 100, points, sigma=4.0)
    framed, box = frame_image(image, 32, fit)
    assert framed.shape == (32, 32, 3) and framed.dtype == np.float32
    found = to_image_pixels(centroids(framed), box, 32)
    np.testing.assert_allclose(found, points, atol=0.6)


def test_frame_image_crops_to_a_given_box_first():
    image = blob_image(60, 80, np.array([[50.0, 40.0]]), sigma=3.0)
    framed, box = frame_image(image, 16, "crop", box=(40, 30, 60, 50))
    np.testing.assert_allclose(box, [40, 30, 60, 50])
    np.testing.assert_allclose(centroids(framed, 1)[0], [7.5, 7.5], atol=0.3)
