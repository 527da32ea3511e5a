"""Fault injection against the CLI's error handling: every expected failure is
one clear line on stderr and exit code 2, never a traceback.

The faults are made here: an existing file as the output folder, an
unwritable folder, cut `.keras` and `.weights.h5` files, a SavedModel or a
foreign model where a LandmarkModel is needed, an export interrupted half way.
"""

import errno
import os
import shutil

import keras
import numpy as np
import pytest
from PIL import Image

from keras_landmarks.cli import main
from keras_landmarks.export import saved_model
from keras_landmarks.losses import PerceptualLoss
from tests.helpers import REPO
from tests.helpers import tiny_model

# A SavedModel where a LandmarkModel is needed: the one in saved_models/.
SHIPPED_MODEL = REPO / "saved_models" / "synthetic_faces"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    tiny_model().save(path)
    return path


@pytest.fixture
def image(tmp_path):
    Image.fromarray(np.full((32, 32, 3), 100, np.uint8)).save(tmp_path / "x.png")
    return tmp_path / "x.png"


def _fails_cleanly(argv, capsys, *expected):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("keras-landmarks ") and ": error: " in err, err
    for text in expected:
        assert text in err, err
    return err


def _cut(path, target, fraction=0.5):
    data = path.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


def test_an_existing_file_as_out(model_path, image, tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("mine")
    detect = ["detect", str(image), "--model", str(model_path), "--out", str(taken)]
    _fails_cleanly(detect, capsys, "is a file")
    export = ["export", "--model", str(model_path), "--out", str(taken)]
    _fails_cleanly(export, capsys, "is a file")
    assert taken.read_text() == "mine"


def test_an_output_folder_that_cannot_be_made(model_path, image, tmp_path, capsys):
    locked = tmp_path / "locked"
    real_makedirs = os.makedirs

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(locked)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_makedirs(path, *args, **kwargs)

    argv = ["detect", str(image), "--model", str(model_path)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "makedirs", refuse)
        _fails_cleanly([*argv, "--out", str(locked / "out")], capsys, "Permission")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes into read-only folders (the test above simulates it)",
)
def test_a_write_protected_output_folder(model_path, image, tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        argv = ["detect", str(image), "--model", str(model_path), "--out"]
        _fails_cleanly([*argv, str(locked)], capsys, "cannot write")
    finally:
        locked.chmod(0o755)


def test_a_cut_keras_file_is_not_reported_as_missing(model_path, tmp_path, capsys):
    cut = _cut(model_path, tmp_path / "cut.keras")
    err = _fails_cleanly(
        ["evaluate", "--model", str(cut)], capsys, "not a complete .keras file"
    )
    assert "not found" not in err


def test_a_cut_weights_file_is_a_clear_error(tmp_path, capsys):
    weights = tmp_path / "vgg16.weights.h5"
    keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(None, None, 3)
    ).save_weights(weights)
    cut = _cut(weights, tmp_path / "cut.weights.h5")
    with pytest.raises(ValueError, match="Cannot load the loss-network weights"):
        PerceptualLoss(network="vgg16", weights=str(cut), layers=("conv1_2",))


def test_evaluate_on_the_shipped_saved_model(capsys):
    argv = ["evaluate", "--model", str(SHIPPED_MODEL), "--num-train", "30"]
    _fails_cleanly(argv, capsys, "SavedModel", ".keras LandmarkModel")


def test_evaluate_on_a_model_that_is_not_a_landmark_model(tmp_path, capsys):
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    other.save(tmp_path / "other.keras")
    argv = ["evaluate", "--model", str(tmp_path / "other.keras")]
    _fails_cleanly(argv, capsys, "not a keras_landmarks LandmarkModel")


def test_export_from_a_saved_model_leaves_no_folder(tmp_path, capsys):
    out = tmp_path / "again"
    argv = ["export", "--model", str(SHIPPED_MODEL), "--out", str(out)]
    _fails_cleanly(argv, capsys, "SavedModel")
    assert not out.exists()


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_export_overwrite_replaces_the_version_whole(
    model_path, tmp_path, capsys, monkeypatch
):
    # The version folders, not the exporter (tests/export and test_cli run the
    # real one on every backend; here it cost up to a minute per backend): a
    # stand-in writes a numbered saved_model.pb where the export would.
    exports = []

    def stand_in(model, path):
        os.makedirs(path)
        exports.append(path)
        with open(os.path.join(path, "saved_model.pb"), "w") as f:
            f.write(f"export {len(exports)}")

    monkeypatch.setattr(saved_model, "_export_from_tensorflow", stand_in)
    monkeypatch.setattr(saved_model, "_export_in_subprocess", stand_in)
    out = tmp_path / "served"
    export = ["export", "--model", str(model_path), "--out", str(out)]
    assert main([*export, "--version", "1"]) == 0
    (out / "1" / "stale.txt").write_text("from an older export")
    assert main([*export, "--version", "1", "--overwrite"]) == 0
    assert not (out / "1" / "stale.txt").exists()
    assert (out / "1" / "saved_model.pb").read_text() == "export 2"
    assert sorted(os.listdir(out)) == ["1"]  # no staging folder left

    # A full disk half way through an overwrite: the live version is intact.
    before = _files(out)
    with pytest.MonkeyPatch.context() as patch:

        def write_half(model, path):
            os.makedirs(path)
            (open(os.path.join(path, "saved_model.pb"), "wb")).close()
            raise OSError(errno.ENOSPC, "No space left on device", path)

        patch.setattr(saved_model, "_export_from_tensorflow", write_half)
        patch.setattr(saved_model, "_export_in_subprocess", write_half)
        _fails_cleanly(
            [*export, "--version", "1", "--overwrite"], capsys, "No space left"
        )
    assert _files(out) == before
    assert os.path.getsize(out / "1" / "saved_model.pb") > 0


def test_debug_shows_the_traceback(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("")
    argv = ["export", "--model", str(SHIPPED_MODEL), "--out", str(taken)]
    with pytest.raises(ValueError):
        main(["--debug", *argv])
    shutil.rmtree(tmp_path / "nothing", ignore_errors=True)
