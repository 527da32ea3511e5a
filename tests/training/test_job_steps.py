import json

import keras
import numpy as np
import tensorflow as tf

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.losses import PixelLoss
from keras_landmarks.training.job_steps import predict_points
from keras_landmarks.training.job_steps import timed_train
from keras_landmarks.training.job_steps import untrained_keypoints
from keras_landmarks.training.job_steps import write_results
from tests.helpers import tiny_model
from tests.helpers import toy_pairs


class _CountingDetector:
    """Keypoints = the image's first pixel repeated; counts the calls."""

    def __init__(self):
        self.calls = 0

    def predict_keypoints(self, images, batch_size=32):
        self.calls += 1
        return np.repeat(images[:, :1, 0, :2], 3, axis=1)


def test_untrained_keypoints_are_kept_for_a_resumed_run(tmp_path):
    regression = np.full((2, 4, 4, 3), 1.0, "float32")
    test = np.full((1, 4, 4, 3), 2.0, "float32")
    first = _CountingDetector()
    before = untrained_keypoints(first, tmp_path, regression, test)
    assert first.calls == 2
    assert before[0].shape == (2, 3, 2) and np.all(before[1] == 2.0)
    # A resumed process: its model (here another one) is not asked again.
    resumed = _CountingDetector()
    again = untrained_keypoints(resumed, tmp_path, regression + 5, test + 5)
    assert resumed.calls == 0
    for a, b in zip(before, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_timed_train_counts_steps_and_writes_results(tmp_path):
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer="adam", run_eagerly=True)
    pairs = tf.data.Dataset.from_tensor_slices(toy_pairs(4))
    run = timed_train(model, pairs, tmp_path, steps=2, batch_size=2, verbose=0)
    assert run.steps == 2 and run.train_seconds > 0
    path = write_results(tmp_path, {**run.summary(), "extra": 1})
    with open(path) as f:
        saved = json.load(f)
    assert list(saved) == ["backend", "steps", "train_seconds_this_process", "extra"]
    assert saved["backend"] == keras.backend.backend() and saved["steps"] == 2


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
