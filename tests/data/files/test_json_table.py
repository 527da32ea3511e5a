import pytest

from keras_landmarks.data.files.json_table import read_json_table


def test_reads_the_object(tmp_path):
    path = tmp_path / "boxes.json"
    path.write_text('{"a.jpg": [1, 2, 3, 4], "b/c.png": null}')
    assert read_json_table(path, "box") == {"a.jpg": [1, 2, 3, 4], "b/c.png": None}


@pytest.mark.parametrize("text, kind", [("[1, 2]", "list"), ('"a.jpg"', "str")])
def test_anything_but_an_object_names_the_file_and_what_it_holds(tmp_path, text, kind):
    path = tmp_path / "landmarks.json"
    path.write_text(text)
    with pytest.raises(ValueError) as error:
        read_json_table(path, "[[x, y], ...]")
    message = str(error.value)
    assert str(path) in message
    assert "file -> [[x, y], ...]" in message and f"Received: a {kind}" in message
