import numpy as np
import pytest

from keras_landmarks.data.ops.framing import framing_box
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.inference.model_input import model_box
from keras_landmarks.inference.model_input import resize_for_model
from keras_landmarks.inference.model_input import to_frame_pixels
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids


@pytest.mark.parametrize("fit", [None, "crop", "pad"])
def test_keypoints_map_back_to_the_frame_as_training_maps_landmarks(fit):
    frame = np.zeros((48, 40, 3), np.float32)
    points = np.array([[5.0, 9.0], [34.0, 40.0], [12.5, 30.0]], np.float32)
    box = full_image_box(frame)
    if fit is not None:
        box = framing_box(box, (16, 16), fit)
    np.testing.assert_allclose(model_box(frame, (16, 16), fit), box)
    _, on_model = crop_and_resize(frame, box, (16, 16), points)
    back = to_frame_pixels(np.asarray(on_model), (16, 16), (48, 40), fit)
    np.testing.assert_allclose(back, points, atol=1e-4)


def test_the_default_crops_the_centre_as_training_does():
    # A 4:3 frame on a square model: the centre square, not the frame squeezed.
    frame = np.zeros((30, 40, 3), np.float32)
    np.testing.assert_allclose(model_box(frame, (10, 10)), [5.0, 0.0, 34.0, 29.0])
    np.testing.assert_allclose(model_box(frame, (10, 10), None), [0, 0, 39, 29])
    corners = to_frame_pixels(np.array([[0.0, 0.0], [9.0, 9.0]]), (10, 10), (30, 40))
    np.testing.assert_allclose(corners, [[5.0, 0.0], [34.0, 29.0]], atol=1e-5)
    with pytest.raises(ValueError, match="Received: fit='squeeze'"):
        resize_for_model([frame], (10, 10), fit="squeeze")


def test_a_blob_lands_where_the_mapping_says():
    frames = [blob_image(60, 80, [(20.0, 45.0), (60, 10), (40, 30)], sigma=4.0)]
    resized = resize_for_model(frames, (30, 40))
    assert resized.shape == (1, 30, 40, 3) and resized.dtype == np.float32
    found = to_frame_pixels(centroids(resized[0]), (30, 40), (60, 80))
    np.testing.assert_allclose(found, [(20, 45), (60, 10), (40, 30)], atol=0.6)
