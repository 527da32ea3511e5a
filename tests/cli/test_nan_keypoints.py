"""Fault injection: a model that outputs NaN keypoints still gives valid JSON."""

import json

import numpy as np
import pytest
from PIL import Image

from keras_landmarks.cli import main
from tests.helpers import tiny_model


def _refuse(constant):
    raise ValueError(f"invalid JSON constant {constant}")


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_detect_writes_null_for_keypoints_that_are_not_finite(tmp_path, value):
    model = tiny_model()
    model.detector.head.kernel.assign(np.full(model.detector.head.kernel.shape, value))
    model.save(tmp_path / "broken.keras")
    Image.fromarray(np.full((32, 32, 3), 128, np.uint8)).save(tmp_path / "face.png")

    code = main(
        [
            "detect",
            str(tmp_path / "face.png"),
            "--model",
            str(tmp_path / "broken.keras"),
            "--out",
            str(tmp_path / "out"),
            "--no-pictures",
        ]
    )
    assert code == 0
    text = (tmp_path / "out" / "keypoints.json").read_text()
    # Strict JSON: Python's parser would accept the bare NaN that others refuse.
    (record,) = json.loads(text, parse_constant=_refuse)["detections"]
    assert record["keypoints"] == [[None, None]] * model.num_keypoints
