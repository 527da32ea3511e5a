import numpy as np
import pytest

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.keypoint_tracks import keypoint_tracks


def _sequence(frames=10, size=32):
    video = np.zeros((frames, size, size, 3), "float32")
    t = np.arange(frames, dtype="float32")
    # Keypoint 0 walks right along y = 16; keypoint 1 stays at (8, 4).
    walker = np.stack([2 + 3 * t, np.full_like(t, 16)], -1)
    still = np.tile([[8.0, 4.0]], (frames, 1))
    return video, np.stack([walker, still], 1).astype("float32")


def test_strip_shows_evenly_spaced_frames_then_tracks():
    video, keypoints = _sequence()
    video[3] = 100.0  # frame 3 is one of linspace(0, 9, 4) = 0, 3, 6, 9
    out = keypoint_tracks(video, keypoints, num_frames=4, titles=False)
    assert out.dtype == np.uint8
    assert out.shape == (128, 5 * 128 + 4 * GUTTER, 3)
    for panel, t in enumerate([0, 3, 6, 9]):
        x = panel * (128 + GUTTER)
        expected = draw_keypoints(video[t], keypoints[t], scale=4)
        np.testing.assert_array_equal(out[:, x : x + 128], expected)


def test_tracks_panel_draws_each_path_in_its_colour():
    video, keypoints = _sequence()
    out = keypoint_tracks(video, keypoints, num_frames=2, titles=False)
    tracks = out[:, 2 * (128 + GUTTER) :]
    palette = keypoint_palette(2)
    # The walker's path passes x = 11 (between frames 3 and 4) at y = 16: enlarged
    # to x = 45.5, y = 65.5, two pixels thick.
    column = tracks[63:69, 45]
    assert any(np.array_equal(p, palette[0]) for p in column)
    # Last positions carry the dots: walker at (29, 16), still point at (8, 4).
    np.testing.assert_array_equal(tracks[65, 117], palette[0])
    np.testing.assert_array_equal(tracks[17, 33], palette[1])
    # The background is the faded last frame (black -> mid grey).
    np.testing.assert_array_equal(tracks[120, 120], [127, 127, 127])


def test_fewer_frames_than_requested_shows_all():
    video, keypoints = _sequence(frames=3)
    out = keypoint_tracks(video, keypoints, num_frames=8, titles=False)
    assert out.shape[1] == 4 * 128 + 3 * GUTTER


def test_mismatched_lengths_are_named():
    video, keypoints = _sequence()
    with pytest.raises(ValueError, match="keypoints"):
        keypoint_tracks(video, keypoints[:5])
    with pytest.raises(ValueError, match="frames"):
        keypoint_tracks(video[0], keypoints)
    with pytest.raises(ValueError, match="num_frames=0"):
        keypoint_tracks(video, keypoints, num_frames=0)
