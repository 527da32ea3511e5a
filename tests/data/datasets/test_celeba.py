import logging

import numpy as np
import pytest

from keras_landmarks.data.datasets.celeba import LANDMARK_NAMES
from keras_landmarks.data.datasets.celeba import celeba_mafl
from keras_landmarks.data.datasets.celeba import celeba_pairs
from keras_landmarks.data.datasets.celeba import mafl_splits
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_image

# Aligned CelebA images are 178 x 218 (width x height).
WIDTH, HEIGHT = 178, 218


def _celeba(root, names=("000001.jpg", "000002.jpg", "000003.jpg", "000004.jpg")):
    rng = np.random.default_rng(0)
    rows = []
    for name in names:
        points = rng.uniform([50, 70], [128, 150], (5, 2)).round()
        write_image(
            root / "img_align_celeba" / name, blob_image(HEIGHT, WIDTH, points, 4)
        )
        rows.append(f"{name} " + " ".join(str(int(v)) for v in points.ravel()))
    header = "lefteye_x lefteye_y righteye_x righteye_y nose_x nose_y "
    header += "leftmouth_x leftmouth_y rightmouth_x rightmouth_y"
    (root / "list_landmarks_align_celeba.txt").write_text(
        "\n".join([str(len(rows)), header, *rows]) + "\n"
    )
    (root / "MAFL").mkdir()
    (root / "MAFL" / "training.txt").write_text("000001.jpg\n000002.jpg\n")
    (root / "MAFL" / "testing.txt").write_text("000003.jpg\n")
    return root


def _collect(dataset):
    return list(dataset.as_numpy_iterator())


def test_splits_follow_mafl(tmp_path):
    root = _celeba(tmp_path)
    assert len(_collect(celeba_mafl(root, "train"))) == 3  # all but the MAFL test image
    assert len(_collect(celeba_mafl(root, "mafl_train"))) == 2
    assert len(_collect(celeba_mafl(root, "mafl_test"))) == 1


def test_resize_160_crop_128_moves_landmarks(tmp_path):
    root = _celeba(tmp_path)
    lines = (root / "list_landmarks_align_celeba.txt").read_text().split("\n")
    raw = np.array(lines[4].split()[1:], np.float32).reshape(5, 2)  # 000003.jpg
    (element,) = _collect(celeba_mafl(root, "mafl_test"))
    assert element["image"].shape == (128, 128, 3)
    # Pixel centres: resize 178 -> 160 maps x to x * 159 / 177, the crop drops 16.
    expected = raw * [159 / (WIDTH - 1), 159 / (HEIGHT - 1)] - 16
    np.testing.assert_allclose(element["landmarks"], expected, atol=1e-3)
    np.testing.assert_allclose(centroids(element["image"]), expected[:3], atol=0.6)


def test_mismatches_are_reported(tmp_path, caplog):
    root = _celeba(tmp_path)
    (root / "img_align_celeba" / "000002.jpg").unlink()
    write_image(root / "img_align_celeba" / "999999.jpg", np.zeros((8, 8, 3)))
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        assert len(_collect(celeba_mafl(root, "train"))) == 2
    assert "000002.jpg" in caplog.text and "999999.jpg" in caplog.text


def test_missing_files_raise_with_path(tmp_path):
    with pytest.raises(ValueError, match="img_align_celeba"):
        celeba_mafl(tmp_path)
    root = _celeba(tmp_path)
    (root / "MAFL" / "testing.txt").unlink()
    with pytest.raises(ValueError, match="testing.txt"):
        celeba_mafl(root, "mafl_test")
    with pytest.raises(ValueError, match="split='val'"):
        celeba_mafl(root, "val")


def test_malformed_landmark_file(tmp_path):
    root = _celeba(tmp_path)
    (root / "list_landmarks_align_celeba.txt").write_text("2\nheader\n000001.jpg 1 2\n")
    with pytest.raises(ValueError, match="10 numbers"):
        celeba_mafl(root)


def test_mafl_splits_are_the_mafl_lists_as_arrays(tmp_path):
    root = _celeba(tmp_path)
    splits = mafl_splits(root, 32)
    train = _collect(celeba_mafl(root, "mafl_train", 32))
    assert splits.train_images.shape == (2, 32, 32, 3)
    assert splits.test_images.shape == (1, 32, 32, 3)
    np.testing.assert_array_equal(
        splits.train_landmarks, np.stack([e["landmarks"] for e in train])
    )
    assert (splits.name, splits.metric) == ("mafl", "inter_ocular")
    assert splits.landmark_names == LANDMARK_NAMES
    assert len(mafl_splits(root, 32, num_regression=1).train_images) == 1


def test_celeba_pairs_are_endless_warps_of_the_training_images(tmp_path):
    pairs = celeba_pairs(_celeba(tmp_path), 32, seed=1)
    elements = list(pairs.take(7).as_numpy_iterator())  # more than the 3 images
    assert len(elements) == 7
    assert elements[0]["source"].shape == (32, 32, 3)
    assert set(elements[0]) == {"source", "target", "mask"}


def test_mafl_regression_holds_out_the_last_tenth_of_mafl_train(tmp_path):
    names = [f"{i:06d}.jpg" for i in range(1, 13)]
    root = _celeba(tmp_path, names)
    (root / "MAFL" / "training.txt").write_text("\n".join(names[:10]) + "\n")
    (root / "MAFL" / "testing.txt").write_text("\n".join(names[10:]) + "\n")
    train = _collect(celeba_mafl(root, "mafl_train", 32))
    splits = mafl_splits(root, 32)
    # Reference code: the last 10 % (1 of 10) kept for validation.
    np.testing.assert_array_equal(
        splits.train_landmarks, np.stack([e["landmarks"] for e in train[:9]])
    )
    assert len(splits.test_images) == 2
    assert len(mafl_splits(root, 32, validation_fraction=0).train_images) == 10
    assert len(mafl_splits(root, 32, num_regression=20).train_images) == 9
    with pytest.raises(ValueError, match="validation_fraction=1"):
        mafl_splits(root, 32, validation_fraction=1)
