"""Steps the end-to-end jobs and the recipes share around `train`.

The CPU model the synthetic jobs train by default, the points the evaluation
regresses from, the untrained-detector baseline (kept on disk so that a
resumed run reports the baseline of its first process), a timed training run
and `results.json`.
"""

import dataclasses
import json
import os
import time

import keras
import numpy as np

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.models.presets import cpu_model
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.training.loop import train

RESULTS_FILENAME = "results.json"
UNTRAINED_FILENAME = "untrained_keypoints.npz"


def seeded_cpu_model(num_keypoints, image_size, seed, **kwargs):
    """`cpu_model` initialised from `seed` and compiled with `cpu_optimizer`.

    `kwargs` go to `cpu_model` (e.g. `equivariance_weight=0` for video pairs).
    """
    keras.utils.set_random_seed(seed)
    model = cpu_model(num_keypoints, image_size=image_size, **kwargs)
    model.compile(optimizer=cpu_optimizer())
    return model


def predict_points(model, regression_images, test_images, batch_size=32):
    """`(regression, test)` points: what the evaluation regresses from.

    Pixel keypoints `(N, K, 2)` (`predict_keypoints`) for the keypoint
    bottleneck; for `DenseBottleneck` the `(N, d)` code laid out as
    `(N, ceil(d / 2), 2)` (a zero appended when d is odd): least squares from
    it is least squares from the code. Float32 whatever the dtype policy.

    Args:
        model: a `LandmarkModel` (or anything with its `predict_keypoints`).
        regression_images, test_images: `(N, H, W, 3)` and `(M, H, W, 3)` in
            [0, 255].
        batch_size: int, default 32. Images per model call.
    """
    return (
        _points(model, regression_images, batch_size),
        _points(model, test_images, batch_size),
    )


def _points(model, images, batch_size):
    if not isinstance(getattr(model, "bottleneck", None), DenseBottleneck):
        return model.predict_keypoints(images, batch_size=batch_size)
    codes = []
    for start in range(0, len(images), batch_size):
        code, _ = model.detect(np.asarray(images[start : start + batch_size]))
        codes.append(keras.ops.convert_to_numpy(code))
    codes = np.concatenate(codes).astype("float32")
    if codes.shape[1] % 2:
        codes = np.concatenate([codes, np.zeros((len(codes), 1), "float32")], 1)
    return codes.reshape(len(codes), -1, 2)


def untrained_keypoints(model, run_dir, regression_images, test_images):
    """`predict_points` of the model before training, kept in `run_dir`.

    The first call writes `untrained_keypoints.npz`; a resumed run reads it
    back, so the baseline is the first process's initialisation even when the
    model passed in is not built from the same seed.
    """
    path = os.path.join(run_dir, UNTRAINED_FILENAME)
    if os.path.exists(path):
        saved = np.load(path)
        return saved["regression"], saved["test"]
    keypoints = predict_points(model, regression_images, test_images)
    np.savez(path, regression=keypoints[0], test=keypoints[1])
    return keypoints


@dataclasses.dataclass
class TrainingRun:
    """What `timed_train` did.

    Attributes:
        steps: int, optimizer steps in all (earlier processes included).
        train_seconds: float, this process's training time.
    """

    steps: int
    train_seconds: float

    def summary(self):
        """The first entries of every job's `results.json`."""
        return {
            "backend": keras.backend.backend(),
            "steps": self.steps,
            "train_seconds_this_process": self.train_seconds,
        }


def timed_train(model, pairs, run_dir, **kwargs):
    """`train(model, pairs, run_dir, **kwargs)`, timed; returns a `TrainingRun`."""
    start = time.perf_counter()
    train(model, pairs, run_dir, **kwargs)
    seconds = time.perf_counter() - start
    steps = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    return TrainingRun(steps, seconds)


def write_results(run_dir, summary):
    """Writes the dict `summary` as `run_dir/results.json`; returns the path."""
    path = os.path.join(run_dir, RESULTS_FILENAME)
    with open(path, "w") as f:
        json.dump(summary, f, indent=2)
    return path
