import os

import pytest

from keras_landmarks.cli.commands import output_folder


def test_output_folder_is_made_and_left_clean(tmp_path):
    path = tmp_path / "runs" / "new"
    assert output_folder(str(path)) == str(path)
    assert path.is_dir() and os.listdir(path) == []
    assert output_folder(str(path)) == str(path)  # an existing folder is fine


def test_a_file_is_not_an_output_folder(tmp_path):
    path = tmp_path / "model.keras"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=f"--out {path} is a file"):
        output_folder(str(path))


def test_a_folder_that_cannot_be_made_is_named(tmp_path):
    parent = tmp_path / "a_file"
    parent.write_bytes(b"")
    with pytest.raises(ValueError, match="cannot write to the output folder"):
        output_folder(str(parent / "out"))
