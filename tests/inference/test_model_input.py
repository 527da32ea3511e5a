import numpy as np

from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.inference.model_input import resize_for_model
from keras_landmarks.inference.model_input import to_frame_pixels
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids


def test_keypoints_map_back_to_the_frame_as_training_maps_landmarks():
    frame = np.zeros((48, 40, 3), np.float32)
    points = np.array([[0.0, 0.0], [39.0, 47.0], [12.5, 30.0]], np.float32)
    _, on_model = crop_and_resize(frame, full_image_box(frame), (16, 16), points)
    np.testing.assert_allclose(
        to_frame_pixels(np.asarray(on_model), (16, 16), (48, 40)), points, atol=1e-4
    )


def test_a_blob_lands_where_the_mapping_says():
    frames = [blob_image(60, 80, [(20.0, 45.0), (60, 10), (40, 30)], sigma=4.0)]
    resized = resize_for_model(frames, (30, 40))
    assert resized.shape == (1, 30, 40, 3) and resized.dtype == np.float32
    found = to_frame_pixels(centroids(resized[0]), (30, 40), (60, 80))
    np.testing.assert_allclose(found, [(20, 45), (60, 10), (40, 30)], atol=0.6)
