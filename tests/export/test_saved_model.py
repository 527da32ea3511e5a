import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_landmarks.export import export_saved_model
from keras_landmarks.export import load_detector
from tests.helpers import tiny_model
from tests.helpers import toy_pairs

# Runs in a fresh interpreter that imports TensorFlow only, never this project.
SERVE = r"""
import json, sys
import numpy as np
import tensorflow as tf
assert "keras_landmarks" not in sys.modules
loaded = tf.saved_model.load(sys.argv[1])
serve = loaded.signatures["serving_default"]
images = np.load(sys.argv[2])
out = {}
for n in (1, len(images)):
    result = serve(images=tf.constant(images[:n]))
    out[n] = result["keypoints"].numpy().tolist()
    out[f"heatmaps_{n}"] = list(result["heatmaps"].shape)
recon = loaded.signatures["reconstruct"](
    source=tf.constant(images), target=tf.constant(images))["reconstruction"]
out["reconstruction"] = list(recon.shape)
try:
    serve(images=tf.zeros((1, 40, 40, 3)))
    out["bad_size"] = "no error"
except tf.errors.InvalidArgumentError as error:
    out["bad_size"] = error.message
try:
    serve(images=tf.zeros((1, 32, 32, 1)))
    out["bad_channels"] = "no error"
except tf.errors.InvalidArgumentError as error:
    out["bad_channels"] = error.message
for value in ("nan", "inf"):
    bad = images[:2].copy()
    bad[1, 3, 4, 0] = float(value)
    try:
        serve(images=tf.constant(bad))
        out[f"non_finite_{value}"] = "no error"
    except tf.errors.InvalidArgumentError as error:
        out[f"non_finite_{value}"] = error.message
assert "keras_landmarks" not in sys.modules, "the SavedModel needed project code"
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    keras.backend.clear_session()
    model = tiny_model()
    images = toy_pairs(5)["target"]
    tmp = tmp_path_factory.mktemp("export")
    path = export_saved_model(model, tmp / "faces")
    np.save(tmp / "images.npy", images)
    return model, path, tmp


def test_layout_and_fresh_tensorflow_process(exported):
    model, path, tmp = exported
    assert path.endswith(os.path.join("faces", "1"))
    assert os.path.exists(os.path.join(path, "saved_model.pb"))
    env = dict(os.environ)
    env.pop("KERAS_BACKEND", None)
    result = subprocess.run(
        [sys.executable, "-c", SERVE, path, str(tmp / "images.npy")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    out = json.loads(result.stdout.strip().splitlines()[-1])
    images = np.load(tmp / "images.npy")
    expected = model.predict_keypoints(images)
    np.testing.assert_allclose(np.array(out["1"]), expected[:1], atol=1e-5)
    np.testing.assert_allclose(np.array(out["5"]), expected, atol=1e-5)
    assert out["heatmaps_5"] == [5, 8, 8, 4]
    assert out["reconstruction"] == [5, 32, 32, 3]
    for key in ("bad_size", "bad_channels"):
        assert "must be a float32 batch (N, 32, 32, 3)" in out[key]
    for key in ("non_finite_nan", "non_finite_inf"):
        assert "`images` has NaN or inf pixels" in out[key]


def test_next_version_and_no_silent_overwrite(exported):
    model, path, tmp = exported
    second = export_saved_model(model, tmp / "faces")
    assert second.endswith(os.path.join("faces", "2"))
    with pytest.raises(ValueError, match="exists"):
        export_saved_model(model, tmp / "faces", version=1)
    with pytest.raises(ValueError, match="version=0"):
        export_saved_model(model, tmp / "faces", version=0)


def test_load_detector_picks_the_highest_version(exported):
    model, path, tmp = exported
    with pytest.raises(ValueError, match="is a program"):
        load_detector(tmp / "faces")
    detector = load_detector(tmp / "faces", trust_saved_model=True)
    assert detector.image_size == (32, 32) and detector.num_keypoints == 4
    images = np.load(tmp / "images.npy")
    np.testing.assert_allclose(
        detector.predict_keypoints(images, batch_size=2),
        model.predict_keypoints(images),
        atol=1e-5,
    )
    with pytest.raises(ValueError, match="no SavedModel"):
        load_detector(tmp, trust_saved_model=True)
    with pytest.raises(ValueError, match="not found"):
        load_detector(tmp / "missing.keras")


def test_saved_model_cli_shows_the_predict_signature(exported):
    _, path, _ = exported
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    if not os.path.exists(cli):
        pytest.skip(f"saved_model_cli not installed beside {sys.executable}")
    result = subprocess.run(
        [cli, "show", "--dir", path, "--all"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout
    assert "signature_def['serving_default']" in text
    assert "signature_def['reconstruct']" in text
    assert "Method name is: tensorflow/serving/predict" in text
    assert "inputs['images']" in text and "shape: (-1, 32, 32, 3)" in text
    assert "outputs['keypoints']" in text and "shape: (-1, 4, 2)" in text


def test_predict_request_round_trips_the_input_format(exported):
    predict_pb2 = pytest.importorskip(
        "tensorflow_serving.apis.predict_pb2",
        reason="tensorflow-serving-api not installed (scripts/bootstrap.sh installs "
        "it with --no-deps)",
    )
    import tensorflow as tf

    _, path, tmp = exported
    images = np.load(tmp / "images.npy")
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "faces"
    request.model_spec.signature_name = "serving_default"
    request.inputs["images"].CopyFrom(tf.make_tensor_proto(images))
    wire = request.SerializeToString()
    received = predict_pb2.PredictRequest.FromString(wire)
    decoded = tf.make_ndarray(received.inputs["images"])
    np.testing.assert_array_equal(decoded, images)
    signature = tf.saved_model.load(path).signatures[received.model_spec.signature_name]
    out = signature(
        **{name: tf.constant(tf.make_ndarray(t)) for name, t in received.inputs.items()}
    )
    assert out["keypoints"].shape == (5, 4, 2)
