"""The SavedModel shipped in saved_models/ is the shipped preset, exported.

It loads and runs in a fresh TensorFlow process, gives the preset's keypoints,
and its serving signature refuses NaN pixels.
"""

import json
import subprocess
import sys

import numpy as np

from keras_landmarks.data import make_faces
from keras_landmarks.data.synthetic.faces import FRAMINGS
from keras_landmarks.models import LandmarkModel
from tests.helpers import REPO

SHIPPED = REPO / "saved_models" / "synthetic_faces"
# `keras-landmarks export --preset synthetic_faces --out saved_models/synthetic_faces
# --version 3`; the only version (TF Serving serves the highest).
VERSION = "3"

RUN = r"""
import json, sys
import numpy as np
import tensorflow as tf
serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
images = np.load(sys.argv[2])
out = serve(images=tf.constant(images))
images[0, 5, 5, 1] = np.nan
try:
    serve(images=tf.constant(images))
    refused = ""
except tf.errors.InvalidArgumentError as error:
    refused = error.message
print(json.dumps({"keypoints": out["keypoints"].numpy().tolist(), "refused": refused}))
"""


def test_shipped_model_is_the_exported_preset(tmp_path):
    assert sorted(p.name for p in SHIPPED.iterdir()) == [VERSION]
    version = SHIPPED / VERSION
    assert (version / "saved_model.pb").exists(), f"missing {version}"
    # The demo's faces: 48x48, loose framing, half-contrast clutter.
    images, landmarks = make_faces(
        64, size=48, seed=123, clutter=0.5, **FRAMINGS["loose"]
    )
    images = images.astype("float32")
    np.save(tmp_path / "faces.npy", images)
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(version), str(tmp_path / "faces.npy")],
        capture_output=True,
        text=True,
        check=True,
    )
    served = json.loads(result.stdout.strip().splitlines()[-1])
    keypoints = np.array(served["keypoints"])
    assert keypoints.shape == (64, 10, 2)
    preset = LandmarkModel.from_preset("synthetic_faces").predict_keypoints(images)
    np.testing.assert_allclose(keypoints, preset, atol=2e-3)
    assert "NaN or inf pixels" in served["refused"]
    # A trained detector follows the faces: its keypoints move with the eyes.
    eyes = landmarks[:, :2].mean(1)
    correlation = max(
        abs(np.corrcoef(keypoints[:, k, 0], eyes[:, 0])[0, 1]) for k in range(10)
    )
    assert correlation > 0.5, correlation
