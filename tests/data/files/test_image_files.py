import logging
from pathlib import Path

import numpy as np
import pytest

from keras_landmarks.data.files import image_files
from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.image_files import check_image_file
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.files.image_files import keep_readable
from keras_landmarks.data.files.image_files import list_image_files
from keras_landmarks.data.files.image_files import read_image_file
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_corrupt_jpeg
from tests.data.fixtures import write_image
from tests.data.fixtures import write_truncated_jpeg


def test_check_image_file(tmp_path):
    good_jpeg = write_image(tmp_path / "a.jpg", np.zeros((8, 8, 3)))
    good_png = write_image(tmp_path / "b.png", np.zeros((8, 8, 3)))
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "page.jpg"
    text.write_text("<html>404</html>")
    assert check_image_file(good_jpeg) is None
    assert check_image_file(good_png) is None
    assert "empty" in check_image_file(empty)
    assert "signature" in check_image_file(text)
    assert "truncated" in check_image_file(write_truncated_jpeg(tmp_path / "t.jpg"))
    assert "cannot read" in check_image_file(tmp_path / "missing.jpg")


def test_keep_readable_logs_and_counts(tmp_path, caplog):
    reset_skipped_files()
    paths = [
        write_image(tmp_path / "a.png", np.zeros((8, 8, 3))),
        write_truncated_jpeg(tmp_path / "b.jpg"),
    ]
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        kept = keep_readable(paths)
    np.testing.assert_array_equal(kept, [0])
    assert num_skipped_files() == 1 and "b.jpg" in caplog.text


def test_list_image_files_errors_name_the_path(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        list_image_files(tmp_path / "nope")
    with pytest.raises(ValueError, match=str(tmp_path)):
        list_image_files(tmp_path)


def test_image_dataset_skips_bad_files_and_moves_landmarks(tmp_path):
    reset_skipped_files()
    points = np.array([[[20.0, 12.0], [40.0, 30.0], [10.0, 35.0]]] * 2, np.float32)
    paths = [
        write_image(tmp_path / "0.png", blob_image(48, 64, points[0])),
        write_truncated_jpeg(tmp_path / "1.jpg"),
        write_image(tmp_path / "2.png", blob_image(48, 64, points[1])),
    ]
    dataset = image_dataset(paths, 32, landmarks=np.concatenate([points[:1]] * 3))
    elements = list(dataset.as_numpy_iterator())
    assert len(elements) == 2 and num_skipped_files() == 1
    for element in elements:
        assert element["image"].shape == (32, 32, 3)
        expected = points[0] * [31 / 63, 31 / 47]
        np.testing.assert_allclose(element["landmarks"], expected, atol=1e-4)
        np.testing.assert_allclose(centroids(element["image"]), expected, atol=0.5)


def test_image_dataset_counts_files_that_fail_to_decode(tmp_path):
    reset_skipped_files()
    paths = [
        write_image(tmp_path / "0.png", np.zeros((8, 8, 3))),
        write_corrupt_jpeg(tmp_path / "1.jpg"),
        write_image(tmp_path / "2.png", np.zeros((8, 8, 3))),
    ]
    assert check_image_file(paths[1]) is None  # only decoding finds it
    assert len(list(image_dataset(paths, 8))) == 2
    assert num_skipped_files() == 1


def test_image_dataset_all_bad_raises(tmp_path):
    with pytest.raises(ValueError, match="None of the 1 image files"):
        image_dataset([write_truncated_jpeg(tmp_path / "x.jpg")], 16)


def test_read_image_file_decodes_as_training_does(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    array = rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)
    Image.fromarray(array).save(tmp_path / "a.webp", lossless=True)
    np.testing.assert_array_equal(read_image_file(tmp_path / "a.webp"), array)
    assert ".webp" in IMAGE_EXTENSIONS
    grey = write_image(tmp_path / "g.png", np.full((5, 6), 77, np.uint8))
    np.testing.assert_array_equal(read_image_file(grey), np.full((5, 6, 3), 77))


def test_read_image_file_refuses_bad_files_naming_why(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="truncated JPEG"):
        read_image_file(write_truncated_jpeg(tmp_path / "cut.jpg"))
    with pytest.raises(ValueError, match="unreadable header"):
        read_image_file(write_corrupt_jpeg(tmp_path / "bad.jpg"))
    # A sound header over scrambled pixel data: the decoder refuses it.
    png = Path(write_image(tmp_path / "bad.png", np.zeros((20, 30, 3))))
    data = bytearray(png.read_bytes())
    start = data.index(b"IDAT") + 4
    data[start : start + 8] = b"\xff" * 8
    png.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not decode"):
        read_image_file(png)
    (tmp_path / "sound.webp").write_bytes(b"RIFF\0\0\0\0WAVEfmt ")
    with pytest.raises(ValueError, match="unknown signature"):
        read_image_file(tmp_path / "sound.webp")
    big = write_image(tmp_path / "big.png", np.zeros((20, 30, 3)))
    monkeypatch.setattr(image_files, "MAX_IMAGE_PIXELS", 599)
    with pytest.raises(ValueError, match="decompression bomb.*30 x 20 pixels"):
        read_image_file(big)
