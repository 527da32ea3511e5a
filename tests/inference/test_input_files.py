import pytest

from keras_landmarks.inference.input_files import collect_inputs


def test_names_are_unique_and_only_named_files_may_be_foreign(tmp_path):
    for name in ("a/face.jpg", "a/face.png", "a/notes.txt", "a/sub/clip.mp4"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "b.txt").write_text("x")
    found = collect_inputs(
        [tmp_path / "a", tmp_path / "b.txt", tmp_path / "a/face.jpg"]
    )
    assert [(i.name, i.kind) for i in found] == [
        ("a/face.jpg", "image"),
        ("a/face.png", "image"),
        ("a/sub/clip.mp4", "video"),
        ("b.txt", None),  # named: skipped later with a reason
    ]


def test_nothing_to_read_is_an_error_naming_the_inputs(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match=f"no images or videos found in {tmp_path}"):
        collect_inputs([str(tmp_path)])
