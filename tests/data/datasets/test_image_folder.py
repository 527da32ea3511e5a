import numpy as np
import pytest

from keras_landmarks.data.datasets.image_folder import image_folder
from keras_landmarks.data.datasets.image_folder import image_folder_pairs
from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from tests.data.fixtures import write_image
from tests.data.fixtures import write_truncated_jpeg


def _folder(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("a.jpg", "sub/b.png", "c.png"):
        write_image(tmp_path / name, rng.integers(0, 255, (20, 30, 3)))
    write_truncated_jpeg(tmp_path / "sub" / "broken.jpg")
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def test_images_are_read_resized_and_bad_ones_skipped(tmp_path):
    reset_skipped_files()
    images = list(image_folder(_folder(tmp_path), 16).as_numpy_iterator())
    assert len(images) == 3 and num_skipped_files() == 1
    assert images[0]["image"].shape == (16, 16, 3)
    assert images[0]["image"].dtype == np.float32
    assert 0 <= images[0]["image"].min() and images[0]["image"].max() <= 255


def test_pairs_repeat_with_fresh_warps(tmp_path):
    pairs = image_folder_pairs(_folder(tmp_path), 32, seed=0, repeat=True)
    first = list(pairs.take(6).as_numpy_iterator())
    assert sorted(first[0]) == ["mask", "source", "target"]
    assert first[0]["mask"].shape == (32, 32, 1)
    # Element 3 is image 0 again, with a new warp.
    assert np.abs(first[0]["source"] - first[3]["source"]).mean() > 0.5


def test_empty_folder_raises_with_path(tmp_path):
    with pytest.raises(ValueError, match=f"{tmp_path}.*found none"):
        image_folder(tmp_path)


def test_fit_and_boxes_frame_each_image(tmp_path):
    # A 20 x 40 image, bright in its left quarter: "crop" keeps the dark
    # centre, "pad" the whole image on black bands, a box its bright corner.
    image = np.zeros((20, 40, 3), np.uint8)
    image[:, :10] = 200
    write_image(tmp_path / "wide.png", image)
    (tmp_path / "boxes.csv").write_text("wide.png,0,0,9,9\n")

    def first(**kwargs):
        return next(image_folder(tmp_path, 8, **kwargs).as_numpy_iterator())["image"]

    assert first(fit="crop").max() == 0
    padded = first(fit="pad")
    assert padded[0].max() == 0 and padded[4, 0, 0] > 100
    assert first(fit="crop", boxes=tmp_path / "boxes.csv").min() > 190
