"""Learning curves: the evaluation measures every N training steps.

Claims about learning come from curves (error against steps, several
evaluations), not from one end point. `LearningCurve` is a callback that
measures the model every `every` optimizer steps during `fit`, keeps the
records in a JSON file (a resumed run appends to it) and logs them to
TensorBoard; `landmark_measures` is the measure for annotated images: the
paper's protocol, whether keypoints sit on the parts, and the label-free
measures.
"""

import json
import os
import time

import keras
import numpy as np

from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.part_distances import part_distances
from keras_landmarks.evaluation.pose_oracle import POSE_TRANSFORMS
from keras_landmarks.evaluation.pose_oracle import pose_oracle_predictions
from keras_landmarks.evaluation.report import MEAN_SHAPE
from keras_landmarks.evaluation.report import TRAINED
from keras_landmarks.evaluation.report import UNTRAINED
from keras_landmarks.evaluation.report import evaluate_landmarks

CURVE_FILENAME = "learning_curve.json"


def label_free_measures(model, images, seed=0):
    """Measures that need no annotations (`keras_landmarks.evaluation.label_free`).

    Args:
        model: a `LandmarkModel` (a detector without a generator, such as a
            `SavedModelDetector`, gets the equivariance only).
        images: `(N, H, W, 3)` RGB in [0, 255], e.g. held-out training images.
        seed: int, default 0. Seed of the equivariance warps.

    Returns:
        dict: `equivariance_percent` (keypoints against the warp, % of the
        image size), `equivariance_per_keypoint` (list of K),
        `geometry_follow_percent` (keypoints of a reconstruction from another
        image's appearance against those of its geometry image, %).
    """
    from keras_landmarks.evaluation.label_free import equivariance_error
    from keras_landmarks.evaluation.label_free import geometry_follow_error
    from keras_landmarks.evaluation.label_free import model_detect
    from keras_landmarks.evaluation.label_free import model_reconstruct
    from keras_landmarks.evaluation.label_free import swap_pairs

    images = np.asarray(images, "float32")
    detect = model_detect(model)
    equivariance = equivariance_error(detect, images, seed=seed)
    measures = {
        "equivariance_percent": float(equivariance.mean),
        "equivariance_per_keypoint": [float(v) for v in equivariance.per_keypoint],
    }
    if hasattr(model, "generator"):
        sources, targets = swap_pairs(images)
        reconstruct = model_reconstruct(model)
        follow = geometry_follow_error(detect, reconstruct, sources, targets)
        measures["geometry_follow_percent"] = float(follow.mean)
    return measures


def landmark_measures(
    model,
    regression_images,
    regression_landmarks,
    test_images,
    test_landmarks,
    untrained_keypoints=None,
    num_label_free=200,
    seed=0,
):
    """The numbers a learning curve records for a model on annotated images.

    Args:
        model: a `LandmarkModel`.
        regression_images, regression_landmarks: `(N, H, W, 3)` images and
            `(N, P, 2)` pixel landmarks the regressor is fitted on.
        test_images, test_landmarks: the held-out split.
        untrained_keypoints: optional `(regression, test)` keypoints of the
            untrained detector (reported beside, as in `evaluate_landmarks`).
        num_label_free: int, default 200. Test images for the label-free
            measures.
        seed: int, default 0. Seed of the equivariance warps (fixed, so the
            points of one curve are comparable).

    Returns:
        dict of floats and lists: `error` (% IOD), `mean_shape_error`,
        `untrained_error` (if given), `ratio` (error / mean shape),
        `part_median_percent` (per part, % IOD, `part_distances`),
        `part_keypoint`, `translation_oracle_ratio` and
        `similarity_oracle_ratio` (the error of keypoints that knew only the
        face's position, or its pose, as a fraction of the mean shape's:
        `pose_oracle_predictions`), and the `label_free_measures`.
    """
    train_keypoints = model.predict_keypoints(regression_images)
    test_keypoints = model.predict_keypoints(test_images)
    untrained = untrained_keypoints or (train_keypoints, test_keypoints)
    results = evaluate_landmarks(
        train_keypoints,
        regression_landmarks,
        test_keypoints,
        test_landmarks,
        untrained[0],
        untrained[1],
    )
    parts = part_distances(test_keypoints, test_landmarks)
    measures = {
        "error": float(results.overall[TRAINED]),
        "mean_shape_error": float(results.overall[MEAN_SHAPE]),
        "ratio": float(results.overall[TRAINED] / results.overall[MEAN_SHAPE]),
        "part_median_percent": [float(v) for v in parts.median_percent],
        "part_keypoint": [int(k) for k in parts.keypoint],
        **{
            f"{transform}_oracle_ratio": float(
                inter_ocular_error(
                    pose_oracle_predictions(
                        regression_landmarks, test_landmarks, transform
                    ),
                    test_landmarks,
                )
                / results.overall[MEAN_SHAPE]
            )
            for transform in POSE_TRANSFORMS
        },
        **label_free_measures(model, test_images[:num_label_free], seed=seed),
    }
    if untrained_keypoints is not None:
        measures["untrained_error"] = float(results.overall[UNTRAINED])
    return measures


class LearningCurve(keras.callbacks.Callback):
    """Measures the model every `every` optimizer steps during `fit`.

    Each record holds `step` (optimizer iterations), `train_seconds` (training
    time so far, the measuring excluded, earlier processes of the run
    included) and whatever `measure(model)` returns. Records go to `path`
    (rewritten after each measurement, so an interrupted run keeps them; a
    resumed run appends), scalars to TensorBoard under `log_dir`, and a line
    to stdout.

    Args:
        measure: callable `model -> dict` of floats (lists are kept in the
            JSON, not logged), e.g. a `functools.partial` of
            `landmark_measures`.
        every: int, optimizer steps between measurements.
        path: JSON file of the records.
        log_dir: optional TensorBoard folder (e.g. `run_dir/logs/curve`).
        at_start: bool, default True. Also measure before the first step (of
            a fresh run; a resumed one continues at the next multiple).

    Example:

    >>> curve = LearningCurve(partial(landmark_measures, images=...), 250,
    ...                       "run/learning_curve.json")
    >>> train(model, pairs, "run", steps=3000, callbacks=[curve])
    """

    def __init__(self, measure, every, path, log_dir=None, at_start=True):
        super().__init__()
        if not callable(measure):
            raise ValueError(f"`measure` must be callable. Received: {measure!r}")
        if not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"`every` must be an int >= 1. Received: every={every!r}")
        self.measure = measure
        self.every = int(every)
        self.path = os.fspath(path)
        self.log_dir = None if log_dir is None else os.fspath(log_dir)
        self.at_start = at_start
        self.records = []
        self._writer = None
        self._previous_seconds = 0.0
        self._start = None
        self._measuring_seconds = 0.0
        self._current_step = 0

    def _step(self):
        return int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def _train_seconds(self):
        elapsed = time.monotonic() - self._start - self._measuring_seconds
        return self._previous_seconds + elapsed

    def on_train_begin(self, logs=None):
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.records = json.load(f)["records"]
        if self.records:
            self._previous_seconds = self.records[-1]["train_seconds"]
        self._start = time.monotonic()
        self._measuring_seconds = 0.0
        if self.log_dir:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(self.log_dir)
        # Read the optimizer's counter once; per batch it is counted here, so
        # the training loop never waits on a device-to-host copy.
        self._current_step = self._step()
        if self.at_start and not self.records:
            self._record(self._current_step)

    def on_train_batch_end(self, batch, logs=None):
        self._current_step += 1
        step = self._current_step
        if step % self.every == 0 and (
            not self.records or self.records[-1]["step"] < step
        ):
            self._record(step)

    def _record(self, step):
        started = time.monotonic()
        seconds = self._train_seconds()
        measures = self.measure(self.model)
        self._measuring_seconds += time.monotonic() - started
        record = {"step": step, "train_seconds": round(seconds, 2), **measures}
        self.records.append(record)
        tmp = f"{self.path}.tmp"
        with open(tmp, "w") as f:
            json.dump({"records": self.records}, f, indent=1)
        os.replace(tmp, self.path)
        scalars = {k: v for k, v in measures.items() if isinstance(v, (int, float))}
        if self._writer is not None:
            with self._writer.as_default(step=step):
                import tensorflow as tf

                for name, value in scalars.items():
                    tf.summary.scalar(f"curve/{name}", value)
            self._writer.flush()
        shown = ", ".join(f"{k} {v:.3g}" for k, v in scalars.items())
        print(f"\n[curve] step {step} ({seconds:.0f} s training): {shown}")

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
