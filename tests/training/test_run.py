import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.datasets.bbc_pose import bbc_pose
from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.labelled_splits import labelled_arrays
from keras_landmarks.data.datasets.labelled_splits import labelled_stream
from keras_landmarks.data.files import image_files
from keras_landmarks.evaluation.report import evaluate_splits
from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.losses import PixelLoss
from keras_landmarks.training.run import add_results
from keras_landmarks.training.run import predict_points
from keras_landmarks.training.run import run_and_evaluate
from keras_landmarks.training.run import untrained_points
from tests.data.datasets.test_bbc_pose import _bbc_pose
from tests.helpers import tiny_model
from tests.helpers import toy_pairs


class _CountingDetector:
    """Keypoints = the image's first pixel repeated; counts the calls."""

    def __init__(self):
        self.calls = 0

    def predict_keypoints(self, images, batch_size=32):
        self.calls += 1
        return np.repeat(images[:, :1, 0, :2], 3, axis=1)


def _splits(regression_images, test_images, name="faces"):
    landmarks = np.zeros((len(regression_images), 2, 2), "float32")
    test_landmarks = np.zeros((len(test_images), 2, 2), "float32")
    return LabelledSplits(
        regression_images, landmarks, test_images, test_landmarks, name=name
    )


def test_untrained_points_are_kept_per_evaluation_for_a_resumed_run(tmp_path):
    regression = np.full((2, 4, 4, 3), 1.0, "float32")
    test = np.full((1, 4, 4, 3), 2.0, "float32")
    evaluations = [_splits(regression, test), _splits(test, regression, "other")]
    first = _CountingDetector()
    before = untrained_points(first, tmp_path, evaluations)
    assert first.calls == 4
    assert before[0][0].shape == (2, 3, 2) and np.all(before[0][1] == 2.0)
    assert before[1][0].shape == (1, 3, 2) and np.all(before[1][1] == 1.0)
    assert (tmp_path / "untrained_keypoints_faces.npz").is_file()
    assert (tmp_path / "untrained_keypoints_other.npz").is_file()
    # A resumed process: its model (here another one) is not asked again.
    resumed = _CountingDetector()
    moved = [_splits(regression + 5, test + 5), _splits(test + 5, regression + 5)]
    moved[1].name = "other"
    again = untrained_points(resumed, tmp_path, moved)
    assert resumed.calls == 0
    for a, b in zip(before, again, strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)


def _labelled(model, n, seed, **kwargs):
    # Landmarks = a linear map of the untrained keypoints, so least squares
    # is exact for the untrained detector: a known answer.
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 255, (n, 32, 32, 3)).astype("float32")
    points = model.predict_keypoints(images)
    landmarks = points[:, :2] * 0.5 + points[:, 2:4] * 0.5
    return LabelledSplits(
        images[: n - 4],
        landmarks[: n - 4],
        images[n - 4 :],
        landmarks[n - 4 :],
        **kwargs,
    )


def _seeded_tiny_model(seed):
    keras.utils.set_random_seed(seed)
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer="adam", run_eagerly=True)
    return model


def test_run_and_evaluate_writes_one_layout_and_resumes(tmp_path):
    model = _seeded_tiny_model(0)
    splits = _labelled(model, 20, 0, metric="within_distance", name="joints")
    pairs = tf.data.Dataset.from_tensor_slices(toy_pairs(4))
    budget = dict(evaluations=[splits], steps=2, batch_size=2, preview_every=0)
    run = run_and_evaluate(
        model, pairs, tmp_path, verbose=0, config={"seed": 0}, **budget
    )
    saved = json.loads((tmp_path / "results.json").read_text())
    assert list(saved) == [
        "backend",
        "steps",
        "train_seconds_this_process",
        "config",
        "joints",
    ]
    assert saved == run.results
    assert saved["backend"] == keras.backend.backend() and saved["steps"] == 2
    assert run.steps == 2 and run.train_seconds > 0
    assert saved["config"] == {"seed": 0}
    # The scores are evaluate_splits' on the points before and after training.
    trained, untrained = run.points["joints"]
    expected, table = evaluate_splits(splits, trained, untrained, 32)
    assert saved["joints"] == json.loads(json.dumps(expected))
    assert run.tables["joints"] == table
    assert saved["joints"]["overall"]["untrained detector"] == 100.0
    # The pipeline's picture step: one per evaluation, in run_dir/results.
    assert (tmp_path / "results" / "joints_regressed_landmarks.png").is_file()
    assert not (tmp_path / "results" / "sample_efficiency.png").exists()
    # A resumed process with another initialisation keeps the first baseline
    # and trains nothing more; callers add their entries on top.
    again = run_and_evaluate(
        _seeded_tiny_model(1), pairs, tmp_path, verbose=0, **budget
    )
    assert again.steps == 2
    for a, b in zip(again.points["joints"][1], untrained, strict=True):
        np.testing.assert_array_equal(a, b)
    add_results(again, extra=1)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["extra"] == 1 and saved["config"] is None


def test_predict_points_are_the_keypoints_or_the_padded_dense_code():
    images = np.random.default_rng(0).uniform(0, 255, (3, 32, 32, 3)).astype("float32")
    model = tiny_model(loss=PixelLoss())
    regression, test = predict_points(model, images, images[:1], batch_size=2)
    np.testing.assert_allclose(regression, model.predict_keypoints(images), atol=1e-5)
    np.testing.assert_allclose(test, regression[:1], atol=1e-5)
    dense = tiny_model(
        loss=PixelLoss(), bottleneck=DenseBottleneck(5, (8, 8), 4, name="bottleneck")
    )
    regression, test = predict_points(dense, images, images[:1], batch_size=2)
    code, _ = dense.detect(images)
    code = keras.ops.convert_to_numpy(code)
    assert regression.shape == (3, 3, 2) and regression.dtype == np.float32
    np.testing.assert_allclose(regression.reshape(3, 6)[:, :5], code, atol=1e-5)
    assert np.all(regression[:, -1, 1] == 0)  # d = 5 is odd: a zero appended
    np.testing.assert_allclose(test, regression[:1], atol=1e-5)


def test_streamed_bbc_pose_frames_give_the_in_memory_points(tmp_path):
    root = _bbc_pose(tmp_path)
    frames = bbc_pose(root, "train", 32, box="signer")
    streamed, streamed_landmarks = labelled_stream(frames, limit=10)
    images, landmarks = labelled_arrays(frames, limit=10)
    np.testing.assert_array_equal(streamed_landmarks, landmarks)
    model = tiny_model(loss=PixelLoss())
    expected = predict_points(model, images, images[:2], batch_size=4)
    points = predict_points(model, streamed, images[:2], batch_size=4)
    np.testing.assert_array_equal(points[0], expected[0])
    np.testing.assert_array_equal(points[1], expected[1])


class _ReadCountingDetector:
    """Records, at each call, how many frames had been decoded and predicted."""

    def __init__(self, reads):
        self.reads, self.predicted, self.seen = reads, 0, []

    def predict_keypoints(self, images, batch_size=32):
        self.seen.append((len(self.reads), self.predicted))
        self.predicted += len(images)
        return np.repeat(images[:, :1, 0, :2], 3, axis=1)


def test_streamed_frames_are_decoded_as_they_are_predicted(tmp_path, monkeypatch):
    reads = []
    decode = image_files.decode_image

    def counting_decode(path):
        tick = tf.py_function(lambda: (reads.append(1), 0)[1], [], tf.int32)
        with tf.control_dependencies([tick]):
            return tf.identity(decode(path))

    monkeypatch.setattr(image_files, "decode_image", counting_decode)
    frames = bbc_pose(_bbc_pose(tmp_path), "train", 16).repeat(12)  # 144 frames
    images, _ = labelled_stream(frames)
    assert len(reads) == len(images) == 144  # the landmarks' pass
    reads.clear()
    detector = _ReadCountingDetector(reads)
    regression, _ = predict_points(detector, images, np.zeros((1, 16, 16, 3)), 4)
    assert len(regression) == 144 and len(detector.seen) == 37
    # Each call sees its batch plus tf.data's bounded read-ahead (parallel
    # decoding, about 20 frames on 2 cores), under half the split.
    ahead = [decoded - predicted for decoded, predicted in detector.seen[:36]]
    assert min(ahead) >= 4 and max(ahead) <= 4 + 64
    assert detector.seen[0][0] <= 4 + 64


def test_run_and_evaluate_needs_distinct_evaluation_names(tmp_path):
    images = np.zeros((2, 4, 4, 3), "float32")
    for names in (["mafl", "mafl"], ["steps"]):
        evaluations = [_splits(images, images, name) for name in names]
        with pytest.raises(ValueError, match="distinct names"):
            run_and_evaluate(None, None, tmp_path, evaluations=evaluations)
