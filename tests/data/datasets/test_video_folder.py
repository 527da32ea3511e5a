import pytest

from keras_landmarks.data.datasets.video_folder import video_folder_pairs
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_video


def test_pairs_from_every_video(tmp_path):
    write_video(tmp_path / "a.mp4", counter_frames(12))
    write_video(tmp_path / "nested" / "b.mp4", counter_frames(12))
    (tmp_path / "readme.txt").write_text("x")
    pairs = list(video_folder_pairs(tmp_path, 8, num_pairs=4).as_numpy_iterator())
    assert len(pairs) == 4 and pairs[0]["source"].shape == (8, 8, 3)
    for pair in pairs:
        gap = abs(pair["source"][4, 4, 0] - pair["target"][4, 4, 0]) / 4
        assert 3 - 0.6 <= gap <= 11 + 0.6


def test_empty_folder_raises(tmp_path):
    with pytest.raises(ValueError, match="video files"):
        video_folder_pairs(tmp_path)
