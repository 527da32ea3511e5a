import numpy as np
import pytest

from keras_landmarks.data.files.video_files import list_video_files
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames


def test_probe(counter_video):
    assert probe_video(counter_video) == (100, 24, 32)


def test_read_frames_in_any_order_with_seeking(counter_video):
    frames = read_video_frames(counter_video, [90, 3, 75])
    assert frames.shape == (3, 24, 32, 3) and frames.dtype == np.uint8
    np.testing.assert_allclose(frames[:, 5, 5, 0], [180, 6, 150], atol=2)


def test_read_past_the_end_raises(counter_video):
    with pytest.raises(ValueError, match="not found"):
        read_video_frames(counter_video, [150])


def test_list_video_files_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        list_video_files(tmp_path / "nope")
    with pytest.raises(ValueError, match="found none"):
        list_video_files(tmp_path)
