import logging

import numpy as np
import pytest

from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.video_frame_source import VideoFiles
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_video


def test_pairs_gap_and_seeding(counter_video):
    def collect(seed):
        pairs = frame_pairs(VideoFiles([counter_video]), 16, seed=seed, num_pairs=12)
        return list(pairs.as_numpy_iterator())

    first, again, other = collect(0), collect(0), collect(1)
    assert sorted(first[0]) == ["mask", "source", "target"]
    assert first[0]["source"].shape == (16, 16, 3)
    gaps = [abs(p["source"][8, 8, 0] - p["target"][8, 8, 0]) / 2 for p in first]
    assert 3 - 0.6 <= min(gaps) and max(gaps) <= 30 + 0.6
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a["source"], b["source"])
    assert any(
        not np.array_equal(a["source"], b["source"])
        for a, b in zip(first, other, strict=True)
    )


def test_landmarks_and_boxes_through_video(tmp_path):
    points = np.array([[[12 + t, 14], [30, 10 + t], [20, 30]] for t in range(20)])
    frames = np.stack([blob_image(48, 64, p, sigma=3) for p in points])
    path = write_video(tmp_path / "blobs.mp4", frames)
    boxes = [np.tile(np.float32([4, 2, 50, 44]), (20, 1))]
    pairs = frame_pairs(
        VideoFiles([path], boxes=boxes, landmarks=[points]), 32, seed=0, num_pairs=6
    )
    for pair in pairs.as_numpy_iterator():
        for key in ("source", "target"):
            # Grey-scale luma survives H.264 best: compare the blob centres.
            np.testing.assert_allclose(
                centroids(pair[key], 1)[0], pair[f"{key}_landmarks"][0], atol=0.6
            )


def test_annotations_shorter_than_video_are_reported(counter_video, caplog):
    boxes = [np.tile(np.float32([0, 0, 31, 23]), (10, 1))]
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        pairs = frame_pairs(VideoFiles([counter_video], boxes=boxes), 8, num_pairs=6)
    assert "100 frames but annotations for 10" in caplog.text
    for pair in pairs.as_numpy_iterator():
        assert max(pair["source"][4, 4, 0], pair["target"][4, 4, 0]) <= 2 * 9 + 1


def test_corrupt_video_is_skipped_and_counted(tmp_path, counter_video):
    reset_skipped_files()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    pairs = frame_pairs(VideoFiles([str(broken), counter_video]), 8, num_pairs=3)
    assert len(list(pairs)) == 3
    assert num_skipped_files() == 1
    with pytest.raises(ValueError, match="No readable video"):
        VideoFiles([str(broken)])
