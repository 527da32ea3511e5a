import numpy as np
import pytest

from keras_landmarks.visualization.colors import OUTLINE_COLOR
from keras_landmarks.visualization.colors import keypoint_palette


def test_palette_shape_and_dtype():
    palette = keypoint_palette(7)
    assert palette.shape == (7, 3)
    assert palette.dtype == np.uint8
    assert keypoint_palette(0).shape == (0, 3)


def test_palette_colours_are_distinct_for_50_keypoints():
    palette = keypoint_palette(50).astype("float32")
    distances = np.linalg.norm(palette[:, None] - palette[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    # RGB distance 30 is clearly visible side by side.
    assert distances.min() > 30


def test_palette_colours_stand_out_from_the_outline():
    palette = keypoint_palette(50).astype("float32")
    assert np.linalg.norm(palette - np.array(OUTLINE_COLOR), axis=-1).min() > 100


def test_colour_of_keypoint_k_does_not_depend_on_k():
    np.testing.assert_array_equal(keypoint_palette(10), keypoint_palette(50)[:10])


@pytest.mark.parametrize("bad", [-1, 2.5, "3"])
def test_bad_count_names_the_value(bad):
    with pytest.raises(ValueError, match="num_keypoints"):
        keypoint_palette(bad)
