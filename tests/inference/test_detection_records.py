import csv
import json

import numpy as np

from keras_landmarks.inference.detection_records import DetectionRecords


def test_json_holds_images_videos_skips_and_null_for_non_finite(tmp_path):
    records = DetectionRecords(str(tmp_path), "json", 2)
    records.detections.append(
        {"input": "a.png", "frame": None, "keypoints": [[1.0, np.nan], [3.0, 4.0]]}
    )
    records.videos.append({"input": "clip.mp4", "frames": 5})
    records.skipped.append({"input": "b.txt", "reason": "not an image"})
    records.flush()
    written = json.loads((tmp_path / "keypoints.json").read_text())
    assert written["detections"][0]["keypoints"] == [[1.0, None], [3.0, 4.0]]
    assert written["videos"] == [{"input": "clip.mp4", "frames": 5}]
    assert written["skipped"] == [{"input": "b.txt", "reason": "not an image"}]


def test_csv_a_row_per_image_then_the_skipped_inputs(tmp_path):
    records = DetectionRecords(str(tmp_path), "csv", 1)
    records.detections.append({"input": "a.png", "frame": None, "keypoints": [[1, 2]]})
    records.skipped.append({"input": "b.txt", "reason": "not an image"})
    records.flush()
    with open(tmp_path / "keypoints.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["input", "frame", "x0", "y0", "skipped"],
        ["a.png", "", "1.00", "2.00", ""],
        ["b.txt", "", "", "", "not an image"],
    ]
