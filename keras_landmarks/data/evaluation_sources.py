"""Annotated evaluation data from a short text spec, for `evaluate`.

The counterpart of `sources.py` (training pairs) for the paper's protocol:
each spec gives `LabelledSplits`, a regression split and a test split.
"""

from keras_landmarks.data.datasets.aflw import aflw_splits
from keras_landmarks.data.datasets.bbc_pose import bbc_pose_splits
from keras_landmarks.data.datasets.celeba import mafl_splits
from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.landmarks_file import landmarks_file_splits
from keras_landmarks.data.ops.framing import DEFAULT_FIT
from keras_landmarks.data.synthetic.faces import FRAMINGS
from keras_landmarks.data.synthetic.faces import LANDMARK_NAMES
from keras_landmarks.data.synthetic.faces import MAIN_JOB_CLUTTER
from keras_landmarks.data.synthetic.faces import MAIN_JOB_FRAMING
from keras_landmarks.data.synthetic.faces import make_faces

# `evaluate --data synthetic-faces` without --num-train / --num-test.
SYNTHETIC_REGRESSION_FACES = 1000
SYNTHETIC_TEST_FACES = 500

EVALUATION_SPECS = {
    "synthetic-faces": "faces drawn from --seed as the main job draws them "
    "(loose framing, half-contrast clutter), with their 5 landmarks",
    "landmarks:FILE": "your annotations: a .csv or .json of image -> points "
    "(NaN or null for a missing point)",
    "mafl:DIR": "MAFL (CelebA folder): the paper's regression and test splits",
    "aflw:DIR": "AFLW: the paper's regression and test splits",
    "bbcpose:DIR": "BBC-Pose: train frames for the regression (streamed), test "
    "frames, both cropped around the signer; % within 6 original pixels",
}
# The specs whose images come from your files, which `fit` and `boxes` frame.
FRAMED_KINDS = ("landmarks",)


def evaluation_splits(
    spec,
    image_size,
    num_regression=None,
    num_test=None,
    seed=0,
    fit=DEFAULT_FIT,
    boxes=None,
):
    """`LabelledSplits` for `spec` (one of `EVALUATION_SPECS`).

    Args:
        spec: `"synthetic-faces"`, `"landmarks:FILE"`, `"mafl:DIR"`, ...
        image_size: int, the model's input size.
        num_regression, num_test: optional ints, images of each split
            (default: all of a dataset's split; synthetic faces 1000 and
            500; a landmarks file, see `landmarks_file_splits`).
        seed: int, default 0. Draws the synthetic faces, splits a file.
        fit, boxes: how the images of a landmarks file are framed (the
            datasets keep their papers' crops).

    Returns:
        `LabelledSplits`; its `metric` says how the protocol normalises
        (`"inter_ocular"`: eyes 0 and 1; `"within_distance"`; else the
        image size).

    Raises:
        ValueError: an unknown spec, or `fit`/`boxes` for a dataset.
    """
    kind, _, path = spec.partition(":")
    if boxes is not None and kind not in FRAMED_KINDS:
        raise ValueError(
            f"A boxes file applies to landmarks:FILE. Received: spec={spec!r}"
        )
    if kind == "synthetic-faces" and not path:
        num_regression = num_regression or SYNTHETIC_REGRESSION_FACES
        num_test = num_test or SYNTHETIC_TEST_FACES
        # Drawn as the main job draws them (the shipped preset's faces).
        images, landmarks = make_faces(
            num_regression + num_test,
            size=image_size,
            seed=seed,
            clutter=MAIN_JOB_CLUTTER,
            **FRAMINGS[MAIN_JOB_FRAMING],
        )
        images = images.astype("float32")
        n = num_regression
        return LabelledSplits(
            images[:n],
            landmarks[:n],
            images[n:],
            landmarks[n:],
            landmark_names=LANDMARK_NAMES,
            name="synthetic_faces",
        )
    if kind == "landmarks" and path:
        return landmarks_file_splits(
            path, image_size, num_regression, num_test, seed, fit, boxes
        )
    if kind == "mafl" and path:
        return mafl_splits(path, image_size, num_regression, num_test)
    if kind == "aflw" and path:
        return aflw_splits(path, image_size, num_regression, num_test)
    if kind == "bbcpose" and path:
        # The recipe's protocol: signer crop, train frames streamed.
        return bbc_pose_splits(path, image_size, num_regression, num_test)
    choices = "\n".join(
        f"  {name:18s} {text}" for name, text in EVALUATION_SPECS.items()
    )
    raise ValueError(f"Unknown evaluation data {spec!r}. Expected one of:\n{choices}")
