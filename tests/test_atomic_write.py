import pytest

from keras_landmarks.atomic_write import replace_atomically


def test_replaces_the_file_whole(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    replace_atomically(path, lambda f: f.write("new"))
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_failing_write_keeps_the_old_file_and_no_partial(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")

    def fail(f):
        f.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_atomically(path, fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
