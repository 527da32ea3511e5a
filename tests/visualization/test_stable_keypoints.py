import numpy as np
import pytest
from PIL import Image

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from keras_landmarks.visualization.stable_keypoints import save_stable_keypoints
from keras_landmarks.visualization.stable_keypoints import stable_keypoints

GREY = 100


def _views(count=3, size=32):
    images = np.full((count, size, size, 3), GREY, "float32")
    # Keypoint k sits at x = 4 + 8k, y = 16 in every view.
    points = np.stack([4 + 8 * np.arange(4), np.full(4, 16)], -1).astype("float32")
    return images, np.tile(points, (count, 1, 1))


def test_only_the_shown_keypoints_are_drawn_in_their_own_colours():
    images, keypoints = _views()
    out = stable_keypoints(images, keypoints, [3, 1])
    assert out.dtype == np.uint8
    assert out.shape == (128, 3 * 128 + 2 * GUTTER, 3)  # 32 px enlarged 4x
    palette = keypoint_palette(4)
    # Keypoint k's centre in view v after the 4x enlargement: (x * 4 + 1.5, 65.5).
    for k, expected in ((3, palette[3]), (1, palette[1]), (0, GREY), (2, GREY)):
        x = (4 + 8 * k) * 4 + 1
        for v in range(3):
            np.testing.assert_array_equal(
                out[16 * 4 + 1, v * (128 + GUTTER) + x], expected * np.ones(3)
            )


def test_titles_add_a_band_above():
    images, keypoints = _views(2)
    out = stable_keypoints(images, keypoints, [0], titles=["a", "b"])
    assert out.shape == (TITLE_HEIGHT + 128, 2 * 128 + GUTTER, 3)


def test_bad_arguments_are_named():
    images, keypoints = _views()
    with pytest.raises(ValueError, match=r"shown=\[4\]"):
        stable_keypoints(images, keypoints, [4])
    with pytest.raises(ValueError, match="keypoints"):
        stable_keypoints(images, keypoints[:2], [0])
    with pytest.raises(ValueError, match="one title per image"):
        stable_keypoints(images, keypoints, [0], titles=["a"])


class _FixedKeypoints:
    def __init__(self, keypoints):
        self.keypoints = keypoints

    def predict_keypoints(self, images):
        return self.keypoints[: len(images)]


def test_save_stable_keypoints_writes_the_picture(tmp_path):
    images, keypoints = _views()
    path = save_stable_keypoints(
        _FixedKeypoints(keypoints), images, [2], tmp_path / "a" / "stable.png"
    )
    with Image.open(path) as picture:
        saved = np.asarray(picture)
    np.testing.assert_array_equal(saved, stable_keypoints(images, keypoints, [2]))
