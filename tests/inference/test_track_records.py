import csv
import json

import numpy as np
import pytest

from keras_landmarks.inference.track_records import TrackRecords
from keras_landmarks.inference.track_records import read_track


def _points(t, k=3):
    return np.stack([np.arange(k) + 10.0 * t, np.arange(k) * 2 + t], -1)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_row_per_frame_and_keypoint_read_back(tmp_path, suffix):
    path = tmp_path / f"track{suffix}"
    with TrackRecords(path, 3, smoothed=True) as records:
        for t in range(4):
            points = _points(t)
            if t == 2:
                points[1, 0] = np.nan
            records.append(t, points, points + 0.5)
    track = read_track(path)
    np.testing.assert_array_equal(track["frames"], [0, 1, 2, 3])
    expected = np.stack([_points(t) for t in range(4)]).astype("float32")
    expected[2, 1, 0] = np.nan
    np.testing.assert_allclose(track["keypoints"], expected)
    np.testing.assert_allclose(track["smoothed"], expected + 0.5)
    text = path.read_text()
    assert "nan" not in text.lower()
    if suffix == ".csv":
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] == ["frame", "keypoint", "x", "y", "x_smoothed", "y_smoothed"]
        assert len(rows) == 1 + 4 * 3
        assert rows[1 + 2 * 3 + 1][:4] == ["2", "1", "", "4.00"]
    else:
        lines = [json.loads(line) for line in text.splitlines()]
        assert len(lines) == 4 * 3
        assert lines[7] == {
            "frame": 2,
            "keypoint": 1,
            "x": None,
            "y": 4.0,
            "x_smoothed": None,
            "y_smoothed": 4.5,
        }


def test_rows_reach_the_file_at_each_flush_and_stay_whole(tmp_path):
    path = tmp_path / "track.csv"
    records = TrackRecords(path, 3)
    records.append(0, _points(0))
    assert read_track(path)["frames"].size == 0  # not flushed yet
    records.flush()
    records.append(1, _points(1))
    # A crash here (before the next flush) leaves frame 0, whole.
    np.testing.assert_array_equal(read_track(path)["frames"], [0])
    records.close()
    np.testing.assert_array_equal(read_track(path)["frames"], [0, 1])
    assert read_track(path)["smoothed"] is None


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="track.txt"):
        TrackRecords(tmp_path / "track.txt", 3)
    with TrackRecords(tmp_path / "t.csv", 3) as records:
        with pytest.raises(ValueError, match=r"shape \(3, 2\). Received: \(2, 2\)"):
            records.append(0, np.zeros((2, 2)))
        with pytest.raises(ValueError, match="take no smoothed"):
            records.append(0, np.zeros((3, 2)), np.zeros((3, 2)))
