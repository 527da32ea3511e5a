"""The README's "Your own images and videos" commands, end to end on tiny files."""

import json

import keras
import numpy as np
import pytest

from keras_landmarks.cli import main
from keras_landmarks.export.detector import load_landmark_model
from tests.data.fixtures import blob_image
from tests.data.fixtures import write_image


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """Eight 40 x 60 photos of three blobs, their points file and boxes file."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    rows = ["file,a_x,a_y,b_x,b_y,c_x,c_y"]
    for i in range(8):
        points = rng.uniform([15, 8], [45, 32], (3, 2))
        write_image(folder / f"{i}.png", blob_image(40, 60, points, sigma=3.0))
        cells = [f"{v:.2f}" for v in points.ravel()]
        if i == 3:
            cells[4:6] = ["", ""]  # point c not annotated
        rows.append(",".join([f"{i}.png", *cells]))
    (folder / "points.csv").write_text("\n".join(rows) + "\n")
    return folder


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="end to end on one backend (PyTorch, whose CI process ends first): the "
    "commands wire library code tested on every backend (framing and boxes: "
    "tests/data; fine-tuning: tests/training/test_fine_tuning.py; evaluation "
    "with missing points: tests/training/test_model_evaluation.py)",
)
def test_train_fine_tune_and_evaluate_on_your_own_images(photos, tmp_path, capsys):
    common = ["--steps", "1", "--batch-size", "2", "--curve-every", "0"]
    first = tmp_path / "first"
    argv = ["train", "--data", f"images:{photos}", "--out", str(first), *common]
    options = ["--image-size", "32", "--learning-rate", "5e-4", "--fit", "pad"]
    assert main([*argv, *options, "--num-keypoints", "2"]) == 0
    model = load_landmark_model(first / "model.keras")
    assert model.image_size == (32, 32) and model.num_keypoints == 2
    rate = keras.ops.convert_to_numpy(model.optimizer.learning_rate)
    np.testing.assert_allclose(rate, 5e-4)

    # Fine-tune: the saved optimizer goes on, --steps counts this run's.
    tuned = tmp_path / "tuned"
    init = ["--init-from", str(first / "model.keras")]
    tune = ["train", "--data", f"images:{photos}", "--out", str(tuned), *common]
    assert main([*tune, *init]) == 0
    assert json.loads((tuned / "results.json").read_text())["steps"] == 2
    assert main([*tune, *init, "--image-size", "48"]) == 2
    assert "--image-size 48 differs from the model" in capsys.readouterr().err
    assert main([*tune, *init, "--equivariance-weight", "5"]) == 2
    assert "--equivariance-weight 5.0 differs from the model" in capsys.readouterr().err

    out = tmp_path / "evaluation"
    data = f"landmarks:{photos / 'points.csv'}"
    evaluate = ["evaluate", "--model", str(tuned / "model.keras"), "--data", data]
    assert main([*evaluate, "--eyes", "0,1", "--within", "3", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["data"] == data and results["landmarks"]["num_test"] == 2
    assert results["landmarks"]["normalisation"] == {"eyes": [0, 1]}
    assert (out / "regression.png").exists()
    assert "% within 3 px" in capsys.readouterr().out


def test_evaluate_rejects_bad_eyes_and_unknown_data(photos, tmp_path, capsys):
    model = tmp_path / "m.keras"
    from tests.helpers import tiny_model

    tiny_model().save(model)
    argv = ["evaluate", "--model", str(model)]
    with pytest.raises(SystemExit):
        main([*argv, "--eyes", "1,1"])
    assert "expected two different indices" in capsys.readouterr().err
    assert main([*argv, "--data", "photos:x"]) == 2
    assert "landmarks:FILE" in capsys.readouterr().err
