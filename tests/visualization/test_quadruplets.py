import numpy as np
import pytest

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from keras_landmarks.visualization.quadruplets import quadruplets


def _batch(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    source = rng.uniform(0, 255, (n, size, size, 3)).astype("float32")
    target = rng.uniform(0, 255, (n, size, size, 3)).astype("float32")
    reconstruction = rng.uniform(-100, 400, (n, size, size, 3)).astype("float32")
    keypoints = rng.uniform(4, size - 5, (n, 3, 2)).astype("float32")
    return source, target, reconstruction, keypoints


def _panel(picture, row, col, size, top=0):
    y, x = top + row * (size + GUTTER), col * (size + GUTTER)
    return picture[y : y + size, x : x + size]


def test_layout_and_panel_contents():
    source, target, reconstruction, keypoints = _batch()
    out = quadruplets(source, target, reconstruction, keypoints, titles=False)
    panel = 128  # 32 px enlarged 4x
    assert out.dtype == np.uint8
    assert out.shape == (2 * panel + GUTTER, 4 * panel + 3 * GUTTER, 3)
    up = lambda a: np.repeat(np.repeat(a, 4, 0), 4, 1)  # noqa: E731
    for i in range(2):
        expected_source = np.round(up(source[i])).astype("uint8")
        np.testing.assert_array_equal(_panel(out, i, 0, panel), expected_source)
        np.testing.assert_array_equal(
            _panel(out, i, 1, panel), np.round(up(target[i])).astype("uint8")
        )
        clipped = np.clip(np.round(up(reconstruction[i])), 0, 255).astype("uint8")
        np.testing.assert_array_equal(_panel(out, i, 2, panel), clipped)
    # Keypoint k of pair 1 at its pixel, enlarged: block centre (x*4+1.5, y*4+1.5).
    palette = keypoint_palette(3)
    kp_panel = _panel(out, 1, 3, panel)
    for k, (x, y) in enumerate(keypoints[1]):
        cx, cy = int(round(x * 4 + 1.5)), int(round(y * 4 + 1.5))
        np.testing.assert_array_equal(kp_panel[cy, cx], palette[k])


def test_titles_add_a_band_above():
    source, target, reconstruction, keypoints = _batch(n=1, size=64)
    out = quadruplets(source, target, reconstruction, keypoints, titles=True)
    assert out.shape == (TITLE_HEIGHT + 128, 4 * 128 + 3 * GUTTER, 3)
    expected = np.round(np.repeat(np.repeat(source[0], 2, 0), 2, 1)).astype("uint8")
    np.testing.assert_array_equal(_panel(out, 0, 0, 128, TITLE_HEIGHT), expected)


def test_no_upscaling_when_min_size_is_none():
    out = quadruplets(*_batch(n=1), min_size=None, titles=False)
    assert out.shape == (32, 4 * 32 + 3 * GUTTER, 3)


def test_mismatched_batch_sizes_are_named():
    source, target, reconstruction, keypoints = _batch()
    with pytest.raises(ValueError, match=r"len\(source\)=1"):
        quadruplets(source[:1], target, reconstruction, keypoints)
    with pytest.raises(ValueError, match="keypoints"):
        quadruplets(source, target, reconstruction, keypoints[:1])


def test_wrong_rank_is_named():
    source, target, reconstruction, keypoints = _batch()
    with pytest.raises(ValueError, match="reconstruction"):
        quadruplets(source, target, reconstruction[0], keypoints)
    with pytest.raises(ValueError, match="keypoints"):
        quadruplets(source, target, reconstruction, keypoints[0])


def test_mismatched_image_sizes_are_named():
    source, target, reconstruction, keypoints = _batch()
    with pytest.raises(ValueError, match="source"):
        quadruplets(source[:, :16], target, reconstruction, keypoints)
