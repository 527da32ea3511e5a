import logging

import pytest

from keras_landmarks.data.datasets.annotation_files import find_file
from keras_landmarks.data.datasets.annotation_files import read_name_list
from keras_landmarks.data.datasets.annotation_files import report_mismatch


def test_find_file_names_every_candidate(tmp_path):
    (tmp_path / "b.txt").write_text("x")
    assert find_file(tmp_path, ["a.txt", "b.txt"], "a list") == tmp_path / "b.txt"
    with pytest.raises(ValueError, match="a.txt.*c.txt"):
        find_file(tmp_path, ["a.txt", "c.txt"], "a list")
    with pytest.raises(ValueError, match="not found"):
        find_file(tmp_path / "missing", ["a.txt"], "a list")


def test_read_name_list_and_mismatch(tmp_path, caplog):
    path = tmp_path / "list.txt"
    path.write_text("001.jpg 1 2\n\n002.jpg\n")
    assert read_name_list(path) == ["001.jpg", "002.jpg"]
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        assert report_mismatch("images", ["003.jpg"], path) == 1
    assert "003.jpg" in caplog.text
