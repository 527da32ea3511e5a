"""The main job: train on synthetic faces, evaluate like the paper, draw pictures."""

import dataclasses
import functools
import logging
import os
import time

import keras
import tensorflow as tf

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.pairs.tps_pairs import tps_pairs
from keras_landmarks.data.synthetic.faces import FRAMINGS
from keras_landmarks.data.synthetic.faces import LANDMARK_NAMES
from keras_landmarks.data.synthetic.faces import MAIN_JOB_CLUTTER
from keras_landmarks.data.synthetic.faces import MAIN_JOB_FRAMING
from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.models.presets import CPU_BATCH_SIZE
from keras_landmarks.models.presets import seeded_cpu_model
from keras_landmarks.training.learning_curve import CURVE_FILENAME
from keras_landmarks.training.learning_curve import LearningCurve
from keras_landmarks.training.learning_curve import landmark_measures
from keras_landmarks.training.run import report_sample_efficiency
from keras_landmarks.training.run import run_and_evaluate
from keras_landmarks.training.run import untrained_points

logger = logging.getLogger(__name__)

# CPU-TRAINING.md: 8000 training faces, the regressor fitted on 1000 of them,
# tested on 500 held-out faces.
NUM_TRAIN = 8000
NUM_REGRESSION = 1000
NUM_TEST = 500
# The pose spread and background clutter of the demo's faces (one place:
# data/synthetic/faces.py); see `run_synthetic_faces`.
DEFAULT_FRAMING = MAIN_JOB_FRAMING
DEFAULT_CLUTTER = MAIN_JOB_CLUTTER
# The label of the evaluation in `results.json`.
EVALUATION_NAME = "synthetic_faces"
# The demo's image size, measured on a 2-core CPU (README, "The main job"): at
# 48x48 a step costs about two thirds of a 64x64 step and learns at least as much.
DEMO_IMAGE_SIZE = 48


@dataclasses.dataclass
class JobResult:
    """What `run_synthetic_faces` measured."""

    table: str
    errors: dict
    steps: int
    train_seconds: float
    run_dir: str


def _faces(num_images, size, seed, framing, clutter):
    start = time.perf_counter()
    images, landmarks = make_faces(
        num_images, size=size, seed=seed, clutter=clutter, **FRAMINGS[framing]
    )
    rate = num_images / (time.perf_counter() - start)
    print(f"  {num_images} faces at {size}x{size} ({rate:.0f} images/s)")
    return images, landmarks


def run_synthetic_faces(
    run_dir,
    minutes=10.0,
    steps=None,
    num_keypoints=10,
    image_size=DEMO_IMAGE_SIZE,
    batch_size=CPU_BATCH_SIZE,
    num_train=NUM_TRAIN,
    num_regression=NUM_REGRESSION,
    num_test=NUM_TEST,
    seed=0,
    framing=DEFAULT_FRAMING,
    clutter=DEFAULT_CLUTTER,
    model=None,
    verbose="auto",
    curve_every=None,
    source_warp=SOURCE_WARP,
    equivariance_weight=None,
    padding="zeros",
):
    """Trains the CPU configuration on synthetic faces and evaluates it.

    Faces come from `make_faces` (train seed `seed`, test seed `seed + 1`),
    pairs from the reference thin-plate-spline warps, the model from
    `cpu_model` at `image_size` (48 by default: the CPU preset's networks,
    which keep 1/4-size maps, on smaller images). The result is the paper's
    protocol: least squares without bias from the K keypoints to the 5
    landmarks fitted on `num_regression` training faces, mean error in % of
    the inter-ocular distance on `num_test` test faces, beside the mean-shape
    and untrained-detector baselines, with the sample-efficiency curve. The
    run is `run_and_evaluate` (evaluation "synthetic_faces"; the job's
    arguments under "config" and "sample_efficiency" added to its
    `results.json`); pictures go to `run_dir/results`. Interrupted runs
    resume.

    Args:
        run_dir: output folder.
        minutes: float, default 10. Training time budget.
        steps: optional int, a step budget (whichever ends first).
        num_keypoints: int, default 10.
        image_size: int, default 48 (`DEMO_IMAGE_SIZE`).
        batch_size: int, default 16.
        num_train, num_regression, num_test: ints, default 8000, 1000, 500.
        seed: int, default 0.
        framing: `"loose"` (default) or `"aligned"`, the pose spread of the
            faces (`FRAMINGS`); the mean-shape baseline depends on it, so
            compare errors as fractions of that baseline at one framing.
        clutter: float in [0, 1], default 0.5 (`DEFAULT_CLUTTER`): contrast of
            the background clutter (`make_faces`).
        model: optional compiled `LandmarkModel` replacing `cpu_model`; one
            with `equivariance_weight > 0` gets pairs with their warp grid.
        verbose: `fit`'s verbosity.
        curve_every: optional int. Measure the model every `curve_every`
            steps during training (`LearningCurve` with `landmark_measures`:
            error / mean shape, keypoint-to-part distances, equivariance and
            geometry-follow) into `run_dir/learning_curve.json` and
            TensorBoard (`run_dir/logs/curve`).
        source_warp: `TpsWarpStrength` of the source warp, default the
            reference's `SOURCE_WARP` (`tps_pairs`).
        equivariance_weight: optional float, the equivariance term of the
            `cpu_model` built here (`LandmarkModel`); default the preset's
            (`CPU_EQUIVARIANCE_WEIGHT`), 0 turns it off. With a term the pairs
            carry their warp.
        padding: `"zeros"` (default, the reference's) or `"border"`, what the
            warps show outside the image (`tps_pairs`).

    Returns:
        A `JobResult`.
    """
    if framing not in FRAMINGS:
        raise ValueError(
            f"`framing` must be one of {sorted(FRAMINGS)}. "
            f"Received: framing={framing!r}"
        )
    if num_regression > num_train:
        raise ValueError(
            f"num_regression={num_regression} must not exceed num_train={num_train}"
        )
    # The model first: a size it cannot take fails here, not after the faces
    # are drawn (they use their own seeded generator, so the order changes no number).
    if model is None:
        given = (
            {}
            if equivariance_weight is None
            else {"equivariance_weight": equivariance_weight}
        )
        model = seeded_cpu_model(num_keypoints, image_size, seed, **given)
    elif tuple(model.image_size) != (image_size, image_size):
        raise ValueError(
            f"The model takes {model.image_size[0]}x{model.image_size[1]} images "
            f"but image_size={image_size}: give the model's size."
        )
    os.makedirs(run_dir, exist_ok=True)
    print(f"[1/4] Drawing synthetic faces (backend: {keras.backend.backend()})")
    train_images, train_landmarks = _faces(
        num_train, image_size, seed, framing, clutter
    )
    test_images, test_landmarks = _faces(
        num_test, image_size, seed + 1, framing, clutter
    )
    splits = LabelledSplits(
        train_images[:num_regression].astype("float32"),
        train_landmarks[:num_regression],
        test_images.astype("float32"),
        test_landmarks,
        landmark_names=LANDMARK_NAMES,
        name=EVALUATION_NAME,
    )

    print("[2/4] Training on thin-plate-spline pairs, then the paper's evaluation")
    images = (
        tf.data.Dataset.from_tensor_slices(train_images)
        .shuffle(num_train, seed=seed)
        .repeat()
        .map(lambda image: tf.cast(image, tf.float32))
    )
    pairs = tps_pairs(
        images,
        seed=seed,
        source_warp=source_warp,
        return_grid=getattr(model, "equivariance_weight", 0) > 0,
        padding=padding,
    )
    callbacks = []
    if curve_every:
        measure = functools.partial(
            landmark_measures,
            regression_images=splits.train_images,
            regression_landmarks=splits.train_landmarks,
            test_images=splits.test_images,
            test_landmarks=splits.test_landmarks,
            untrained_keypoints=untrained_points(model, run_dir, [splits])[0],
            seed=seed,
        )
        callbacks.append(
            LearningCurve(
                measure,
                curve_every,
                os.path.join(run_dir, CURVE_FILENAME),
                log_dir=os.path.join(run_dir, "logs", "curve"),
            )
        )
    config = {
        "image_size": image_size,
        "num_keypoints": num_keypoints,
        "batch_size": batch_size,
        "framing": framing,
        "clutter": float(clutter),
        "num_train": num_train,
        "num_regression": num_regression,
        "num_test": num_test,
        "seed": seed,
        "padding": padding,
    }
    run = run_and_evaluate(
        model,
        pairs,
        run_dir,
        evaluations=[splits],
        steps=steps,
        max_minutes=minutes,
        batch_size=batch_size,
        callbacks=callbacks,
        verbose=verbose,
        config=config,
    )

    print("[3/4] Sample efficiency (the paper's protocol)")
    report_sample_efficiency(run, splits, seed=seed)

    print("[4/4] Writing pictures")
    errors = dict(run.results[EVALUATION_NAME]["overall"])
    _write_pictures(model, run, splits, seed)
    return JobResult(
        run.tables[EVALUATION_NAME], errors, run.steps, run.train_seconds, run_dir
    )


def _write_pictures(model, run, splits, seed):
    """Quadruplets, swap grid and heatmaps of test faces (the pipeline draws the
    regressed landmarks and the sample-efficiency curve)."""
    from keras_landmarks.training.loop import first_pairs
    from keras_landmarks.visualization import model_pictures

    out = os.path.join(run.run_dir, "results")
    test_pairs = tps_pairs(
        tf.data.Dataset.from_tensor_slices(splits.test_images[:8]), seed=seed + 2
    )
    paths = model_pictures(model, first_pairs(test_pairs, 8), out)
    for path in paths:
        print(f"  {path}")
