"""`--preset NAME|PATH` on detect, evaluate, visualize and export."""

import json

import numpy as np
import pytest
from PIL import Image

from keras_landmarks.cli import main
from tests.presets.fixtures import tiny_preset


@pytest.fixture(scope="module")
def preset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("presets") / "tiny"
    tiny_preset(folder)
    return folder


@pytest.fixture
def image(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "face.png"
    Image.fromarray(rng.integers(0, 255, (60, 50, 3), dtype=np.uint8)).save(path)
    return path


def _detections(out):
    return json.loads((out / "keypoints.json").read_text())["detections"]


def test_detect_uses_the_shipped_preset_by_default(image, tmp_path):
    out = tmp_path / "out"
    assert main(["detect", str(image), "--out", str(out), "--no-pictures"]) == 0
    points = np.array(_detections(out)[0]["keypoints"])
    assert points.shape == (10, 2)  # synthetic_faces has K = 10
    assert np.all(points >= 0) and np.all(points <= [49, 59])


def test_detect_with_a_preset_folder(preset, image, tmp_path):
    out = tmp_path / "out"
    argv = ["detect", str(image), "--preset", str(preset), "--out", str(out)]
    assert main([*argv, "--no-pictures"]) == 0
    assert np.array(_detections(out)[0]["keypoints"]).shape == (4, 2)


def test_evaluate_a_preset(preset, tmp_path, capsys):
    out = tmp_path / "eval"
    argv = ["evaluate", "--preset", str(preset), "--num-train", "9"]
    assert main([*argv, "--num-test", "4", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["model"] == f"preset {preset}"
    assert "mean shape" in results["synthetic_faces"]["overall"]


@pytest.mark.slow
def test_visualize_a_preset(preset, tmp_path):
    out = tmp_path / "pictures"
    assert main(["visualize", "--preset", str(preset), "--out", str(out)]) == 0
    assert (out / "quadruplets.png").exists() and (out / "equivariance.png").exists()


def test_export_a_preset_for_tf_serving(preset, tmp_path):
    out = tmp_path / "served"
    argv = ["export", "--preset", str(preset), "--out", str(out), "--version", "2"]
    assert main(argv) == 0
    assert (out / "2" / "saved_model.pb").exists()


@pytest.mark.parametrize("command", ["detect", "evaluate", "visualize", "export"])
def test_an_unknown_preset_names_the_known_ones(command, image, tmp_path, capsys):
    argv = [command, "--preset", "no_such_preset", "--out", str(tmp_path / "o")]
    if command == "detect":
        argv.insert(1, str(image))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Unknown preset 'no_such_preset'" in err
    assert "Known presets: " in err and "synthetic_faces" in err


def test_model_and_preset_together_are_refused(preset, tmp_path, capsys):
    model = tmp_path / "m.keras"
    model.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--model", str(model), "--preset", str(preset), "--out", "x"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
