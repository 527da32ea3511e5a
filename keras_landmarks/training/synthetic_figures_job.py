"""The figures job: frame pairs of synthetic moving figures, BBC-Pose-style scoring."""

import dataclasses
import os

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.synthetic.figures import BBC_POSE_JOINTS
from keras_landmarks.data.synthetic.figures import JOINT_NAMES
from keras_landmarks.data.synthetic.figures import make_figure_sequences
from keras_landmarks.evaluation.metrics import BBC_POSE_DISTANCE
from keras_landmarks.models.presets import CPU_BATCH_SIZE
from keras_landmarks.models.presets import CPU_IMAGE_SIZE
from keras_landmarks.models.presets import seeded_cpu_model
from keras_landmarks.training.run import run_and_evaluate

# Our CPU-sized defaults: 200 training videos of 40 frames; the regressor is
# fitted on frames of 50 of them and tested on 50 unseen videos.
NUM_SEQUENCES = 200
SEQUENCE_LENGTH = 40
NUM_REGRESSION_SEQUENCES = 50
NUM_TEST_SEQUENCES = 50
# Paper (Human3.6M, reused for videos): frame gap in [3, 30].
MAX_GAP = 30
# The label of the evaluation in `results.json`.
EVALUATION_NAME = "synthetic_figures"


@dataclasses.dataclass
class FiguresResult:
    """What `run_synthetic_figures` measured."""

    table: str
    percent_within: dict
    accuracy_vs_distance: dict
    steps: int
    run_dir: str


def _frames_and_joints(num_sequences, length, size, seed):
    frames, joints, _ = make_figure_sequences(
        num_sequences, length, size=size, seed=seed
    )
    images = frames.reshape(-1, size, size, 3).astype("float32")
    joints = joints[:, :, list(BBC_POSE_JOINTS)].reshape(-1, len(BBC_POSE_JOINTS), 2)
    return images, joints.astype("float32")


def run_synthetic_figures(
    run_dir,
    minutes=10.0,
    steps=None,
    num_keypoints=50,
    image_size=CPU_IMAGE_SIZE,
    batch_size=CPU_BATCH_SIZE,
    num_sequences=NUM_SEQUENCES,
    sequence_length=SEQUENCE_LENGTH,
    num_regression_sequences=NUM_REGRESSION_SEQUENCES,
    num_test_sequences=NUM_TEST_SEQUENCES,
    distance=BBC_POSE_DISTANCE,
    seed=0,
    model=None,
    verbose="auto",
):
    """Trains on frame pairs of synthetic figures, scores the 7 BBC-Pose joints.

    Videos come from `make_figure_sequences` (training seed `seed`,
    regression seed `seed + 1`, test seed `seed + 2`), pairs from
    `frame_pairs` of `FrameArrays` (gap 1..30 frames, flips, swaps). Evaluation is
    the paper's BBC-Pose protocol: least squares without bias from the K
    keypoints to the 7 joints, % of joints within `distance` px, beside the
    mean-shape and untrained-detector baselines, plus the accuracy-vs-distance
    curve (0..20 px) of the trained detector. The run is `run_and_evaluate`
    (evaluation "synthetic_figures", the job's arguments under "config" in
    `results.json`). Interrupted runs resume.

    Args:
        run_dir: output folder.
        minutes: float, default 10. Training time budget.
        steps: optional int step budget.
        num_keypoints: int, default 50 (the paper's K for BBC-Pose).
        image_size: int, default 64.
        batch_size: int, default 16.
        num_sequences, sequence_length: training videos, default 200 x 40.
        num_regression_sequences, num_test_sequences: default 50 and 50.
        distance: float, default 6 px.
        seed: int, default 0.
        model: optional compiled `LandmarkModel` replacing `cpu_model`.
        verbose: `fit`'s verbosity.

    Returns:
        A `FiguresResult`.
    """
    os.makedirs(run_dir, exist_ok=True)
    frames, _, _ = make_figure_sequences(
        num_sequences, sequence_length, size=image_size, seed=seed
    )
    regression = _frames_and_joints(
        num_regression_sequences, sequence_length, image_size, seed + 1
    )
    test = _frames_and_joints(num_test_sequences, sequence_length, image_size, seed + 2)
    if model is None:
        # The configuration this job was measured with: no equivariance term
        # (frame pairs get one only through `with_warped_target`, measured on
        # box.mp4 in the README, not on the figures) and the spatial
        # appearance map (the global code was measured on still images).
        model = seeded_cpu_model(
            num_keypoints,
            image_size,
            seed,
            equivariance_weight=0.0,
            appearance_pooling=None,
        )
    pairs = frame_pairs(
        FrameArrays(frames),
        seed=seed,
        max_gap=min(MAX_GAP, sequence_length - 1),
        num_pairs=ENDLESS,
    )
    splits = LabelledSplits(
        *regression,
        *test,
        metric="within_distance",
        distance=distance,
        landmark_names=tuple(JOINT_NAMES[i] for i in BBC_POSE_JOINTS),
        name=EVALUATION_NAME,
    )
    config = {
        "image_size": image_size,
        "num_keypoints": num_keypoints,
        "batch_size": batch_size,
        "num_sequences": num_sequences,
        "sequence_length": sequence_length,
        "num_regression_sequences": num_regression_sequences,
        "num_test_sequences": num_test_sequences,
        "distance_px": float(distance),
        "seed": seed,
    }
    run = run_and_evaluate(
        model,
        pairs,
        run_dir,
        evaluations=[splits],
        steps=steps,
        max_minutes=minutes,
        batch_size=batch_size,
        preview_every=0,
        verbose=verbose,
        config=config,
    )
    scores = run.results[EVALUATION_NAME]
    return FiguresResult(
        run.tables[EVALUATION_NAME],
        dict(scores["overall"]),
        scores["accuracy_vs_distance"],
        run.steps,
        run_dir,
    )
