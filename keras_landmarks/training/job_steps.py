"""Steps the synthetic end-to-end jobs share around `train`.

The CPU model they train by default, the untrained-detector baseline (kept on
disk so that a resumed run reports the baseline of its first process), a
timed training run and `results.json`.
"""

import dataclasses
import json
import os
import time

import keras
import numpy as np

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


def predict_keypoints(model, regression_images, test_images):
    """`(regression, test)` pixel keypoints: what the evaluation regresses from."""
    return (
        model.predict_keypoints(regression_images),
        model.predict_keypoints(test_images),
    )


def untrained_keypoints(model, run_dir, regression_images, test_images):
    """`predict_keypoints` of the model before training, kept in `run_dir`.

    The first call writes `untrained_keypoints.npz`; a resumed run reads it
    back, so the baseline is the first process's initialisation even when the
    model passed in is not built from the same seed.
    """
    path = os.path.join(run_dir, UNTRAINED_FILENAME)
    if os.path.exists(path):
        saved = np.load(path)
        return saved["regression"], saved["test"]
    keypoints = predict_keypoints(model, regression_images, test_images)
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
