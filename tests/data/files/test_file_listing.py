import pytest

from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.file_listing import list_files


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return str(path)


def test_find_files_by_extension_any_case_sorted(tmp_path):
    b = _touch(tmp_path / "b.PNG")
    a = _touch(tmp_path / "a.jpg")
    _touch(tmp_path / "notes.txt")
    (tmp_path / "folder.jpg").mkdir()  # a folder, not a file
    deep = _touch(tmp_path / "sub" / "c.jpg")
    assert find_files(tmp_path, (".jpg", ".png")) == [a, b]
    assert find_files(tmp_path, (".jpg", ".png"), recursive=True) == [a, b, deep]
    assert find_files(tmp_path, (".mp4",)) == []


def test_list_files_errors_say_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match="Expected a folder of videos at .*nope"):
        list_files(tmp_path / "nope", (".mp4",), "video")
    with pytest.raises(ValueError, match=r"Expected image files \(\.jpg\) in .*none"):
        list_files(tmp_path, (".jpg",), "image")
    path = _touch(tmp_path / "x.jpg")
    assert list_files(tmp_path, (".jpg",), "image") == [path]
