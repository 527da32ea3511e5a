import json
import logging

import numpy as np
import pytest

from keras_landmarks.data.files.boxes_file import boxes_for
from keras_landmarks.data.files.boxes_file import read_boxes


def test_csv_and_json_give_the_same_boxes(tmp_path):
    csv_path = tmp_path / "boxes.csv"
    csv_path.write_text("file,x0,y0,x1,y1\na.jpg,1,2,30,40\nsub/b.png,0,0,9.5,8\n\n")
    json_path = tmp_path / "boxes.json"
    json_path.write_text(
        json.dumps({"a.jpg": [1, 2, 30, 40], "sub/b.png": [0, 0, 9.5, 8]})
    )
    from_csv, from_json = read_boxes(csv_path), read_boxes(json_path)
    assert sorted(from_csv) == ["a.jpg", "sub/b.png"]
    for key in from_csv:
        np.testing.assert_array_equal(from_csv[key], from_json[key])
    np.testing.assert_array_equal(from_csv["sub/b.png"], [0, 0, 9.5, 8])


def test_boxes_match_by_path_relative_path_or_name(tmp_path, caplog):
    boxes = {"sub/b.png": np.float32([0, 0, 5, 5]), "c.jpg": np.float32([1, 1, 4, 4])}
    paths = [str(tmp_path / "sub" / "b.png"), str(tmp_path / "x" / "c.jpg"), "d.jpg"]
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        found = boxes_for(paths, boxes, root=tmp_path)
    np.testing.assert_array_equal(found[0], [0, 0, 5, 5])
    np.testing.assert_array_equal(found[1], [1, 1, 4, 4])
    assert np.isnan(found[2]).all()
    assert "1 of 3 images have no box" in caplog.text


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("b.csv", "a.jpg,1,2,3\n", "expected file,x0,y0,x1,y1"),
        ("b.csv", "a.jpg,5,2,3,9\n", "x1 > x0"),
        ("b.json", "[1, 2]", "JSON object"),
        ("b.json", '{"a.jpg": [1, "x", 3, 4]}', "4 numbers"),
        ("b.txt", "", "is .csv or .json"),
        ("b.csv", "file,x0,y0,x1,y1\n", "holds no boxes"),
    ],
)
def test_bad_boxes_files_name_the_problem(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_boxes(path)
