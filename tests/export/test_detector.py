import keras
import pytest

from keras_landmarks.export.detector import load_detector
from keras_landmarks.export.detector import load_landmark_model


def _fake_saved_model(root, version):
    # Only the file's presence is read before the trust check.
    folder = root / str(version)
    folder.mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"")


def test_a_keras_path_is_read_as_a_landmark_model(tmp_path):
    # No trust needed, and the .keras checks apply.
    with pytest.raises(ValueError, match="Model file not found"):
        load_detector(tmp_path / "model.keras")


def test_a_saved_model_loads_only_when_trusted(tmp_path):
    _fake_saved_model(tmp_path / "faces", 3)
    with pytest.raises(ValueError, match="is a program"):
        load_detector(tmp_path / "faces")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no SavedModel"):
        load_detector(tmp_path / "empty")
    with pytest.raises(ValueError, match="No model at"):
        load_detector(tmp_path / "missing")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda path: path.mkdir(), "is a folder"),
        (lambda path: None, "Model file not found"),
        (lambda path: path.write_bytes(b"PK\x03\x04 cut"), "not a complete .keras"),
    ],
)
def test_load_landmark_model_names_what_is_wrong(tmp_path, make, message):
    path = tmp_path / "model.keras"
    make(path)
    with pytest.raises(ValueError, match=message):
        load_landmark_model(path)


def test_another_keras_model_is_refused(tmp_path):
    path = tmp_path / "dense.keras"
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(path)
    with pytest.raises(ValueError, match="holds a Sequential, not a keras_landmarks"):
        load_landmark_model(path)


def test_only_a_keras_file_is_a_landmark_model(tmp_path):
    path = tmp_path / "weights.h5"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="expected a .keras file"):
        load_landmark_model(path)
