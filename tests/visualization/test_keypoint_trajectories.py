import numpy as np
import pytest

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.keypoint_trajectories import keypoint_trajectories


def _track(frames=30):
    t = np.arange(frames, dtype="float32")
    walker = np.stack([4 + t, 8 + 0 * t], -1)
    still = np.tile([[30.0, 40.0]], (frames, 1))
    return np.stack([walker, still], 1)


def test_picture_has_its_size_and_differs_with_the_track():
    frame = np.full((48, 64, 3), 200, np.uint8)
    one = keypoint_trajectories(frame, _track(), size=(600, 300))
    assert one.shape == (300, 600, 3) and one.dtype == np.uint8
    # Each keypoint is drawn in its palette colour (lines are antialiased).
    for color in keypoint_palette(2):
        assert (np.abs(one.astype(int) - color).max(-1) <= 40).sum() > 50
    other = keypoint_trajectories(frame, _track()[:, ::-1], size=(600, 300))
    assert np.abs(one.astype(int) - other).sum() > 0
    smoothed = keypoint_trajectories(
        frame, _track() + 1, smoothed=_track(), frame_indices=np.arange(30) + 5
    )
    assert smoothed.shape == (420, 1200, 3)


def test_bad_shapes_are_named():
    frame = np.zeros((8, 8, 3))
    with pytest.raises(ValueError, match="`smoothed` must have the shape"):
        keypoint_trajectories(frame, _track(), smoothed=_track()[:, :1])
    with pytest.raises(ValueError, match="T=0"):
        keypoint_trajectories(frame, np.zeros((0, 2, 2)))
    with pytest.raises(ValueError, match="`frame_indices` must hold T=30"):
        keypoint_trajectories(frame, _track(), frame_indices=[1, 2])
