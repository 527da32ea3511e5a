"""The detector shipped in saved_models/ loads and runs in a fresh process."""

import json
import subprocess
import sys

import numpy as np

from keras_landmarks.data import make_faces
from keras_landmarks.data.synthetic.faces import FRAMINGS
from tests.helpers import REPO

SHIPPED = REPO / "saved_models" / "synthetic_faces"

RUN = r"""
import json, sys
import numpy as np
import tensorflow as tf
serve = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
out = serve(images=tf.constant(np.load(sys.argv[2])))
print(json.dumps(out["keypoints"].numpy().tolist()))
"""


def test_shipped_model_runs_in_a_fresh_tensorflow_process(tmp_path):
    version = SHIPPED / "2"
    assert (version / "saved_model.pb").exists(), f"missing {version}"
    # The demo's faces: 48x48, loose framing, half-contrast clutter.
    images, landmarks = make_faces(
        64, size=48, seed=123, clutter=0.5, **FRAMINGS["loose"]
    )
    np.save(tmp_path / "faces.npy", images.astype("float32"))
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(version), str(tmp_path / "faces.npy")],
        capture_output=True,
        text=True,
        check=True,
    )
    keypoints = np.array(json.loads(result.stdout.strip().splitlines()[-1]))
    assert keypoints.shape == (64, 10, 2)
    assert np.all((keypoints >= 0) & (keypoints <= 47))
    # A trained detector follows the faces: its keypoints move with the eyes.
    eyes = landmarks[:, :2].mean(1)
    correlation = max(
        abs(np.corrcoef(keypoints[:, k, 0], eyes[:, 0])[0, 1]) for k in range(10)
    )
    assert correlation > 0.5, correlation
