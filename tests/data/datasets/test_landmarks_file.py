import json

import numpy as np
import pytest

from keras_landmarks.data.datasets.landmarks_file import landmarks_file_splits
from keras_landmarks.data.datasets.landmarks_file import read_landmarks_file
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_image


def test_csv_with_header_and_json_read_the_same(tmp_path):
    (tmp_path / "a.csv").write_text(
        "file,eye_x,eye_y,nose_x,nose_y\nimg/1.png,1,2,3,4\nimg/2.png,5,6,,\n"
    )
    (tmp_path / "a.json").write_text(
        json.dumps({"img/1.png": [[1, 2], [3, 4]], "img/2.png": [[5, 6], None]})
    )
    paths, points, names = read_landmarks_file(tmp_path / "a.csv")
    assert names == ("eye", "nose")
    assert paths == [str(tmp_path / "img" / "1.png"), str(tmp_path / "img" / "2.png")]
    json_paths, json_points, json_names = read_landmarks_file(tmp_path / "a.json")
    assert json_paths == paths and json_names is None
    np.testing.assert_array_equal(points, json_points)
    assert np.isnan(points[1, 1]).all() and points[0, 1].tolist() == [3, 4]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("a.csv", "1.png,1,2\n2.png,1,2,3,4\n", "same number of points"),
        ("a.csv", "1.png,1,2,3\n", "pairs of numbers"),
        ("a.csv", "1.png,1,x\n", "expected a number. Received: 'x'"),
        ("a.csv", "1.png,1,inf\n", "finite"),
        ("a.json", '{"1.png": [[1, 2, 3]]}', "a point is"),
        ("a.json", "[]", "JSON object"),
        ("a.txt", "", ".csv or .json"),
        ("a.csv", "file,x,y\n", "no annotated image"),
    ],
)
def test_bad_landmarks_files_name_the_problem(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(ValueError, match=message):
        read_landmarks_file(tmp_path / name)


def test_splits_move_the_points_with_crop_and_box(tmp_path):
    # Blobs at known points of 30 x 60 images; the splits' points must sit
    # on the blobs of the framed images.
    rng = np.random.default_rng(0)
    rows, boxes = [], []
    for i in range(8):
        points = rng.uniform([20, 8], [40, 22], (3, 2))
        write_image(tmp_path / f"{i}.png", blob_image(30, 60, points, sigma=2.0))
        rows.append(f"{i}.png," + ",".join(f"{v:.3f}" for v in points.ravel()))
        boxes.append(f"{i}.png,10,0,49,29")
    (tmp_path / "points.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "boxes.csv").write_text("\n".join(boxes) + "\n")
    for kwargs in ({"fit": "crop"}, {"fit": "pad"}, {"boxes": tmp_path / "boxes.csv"}):
        splits = landmarks_file_splits(tmp_path / "points.csv", 24, seed=1, **kwargs)
        assert len(splits.train_images) == 6 and len(splits.test_images) == 2
        for image, points in zip(
            splits.train_images, splits.train_landmarks, strict=True
        ):
            np.testing.assert_allclose(centroids(image), points, atol=0.5)
    with pytest.raises(ValueError, match="cannot give 8 regression"):
        landmarks_file_splits(tmp_path / "points.csv", 24, num_regression=8)
