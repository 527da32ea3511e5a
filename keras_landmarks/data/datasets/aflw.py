"""AFLW faces with 5 landmarks, in the cropped release used by the paper.

Where to get it (the code never downloads): the cropped AFLW faces and the
MTFL-style 5-point annotations released with Thewlis et al. (ICCV 2017/2019),
e.g. the `aflw-mtfl` / `aflw_release-2` archive from the Oxford VGG
"unsupervised landmarks" / DVE pages. This reader expects that release as the
reference code reads it::

    root/output/<image name>            cropped face images
    root/aflw_train_images.txt          one image name per line (train)
    root/aflw_test_images.txt           one image name per line (test)
    root/aflw_train_keypoints.mat       "gt": (N, 5, 2) keypoints, (x, y) pixels
    root/aflw_test_keypoints.mat        of the file; "hw": (N, 2) image sizes

Splits as the reference: "train" is the train list minus its last 10 %,
"val" is that last 10 %, "test" is the test list. `aflw_splits` reads "train"
and "test" as arrays for the evaluation, `aflw_pairs` makes the endless
training pairs of "train".
"""

import numpy as np
import scipy.io

from keras_landmarks.data.datasets.annotation_files import find_file
from keras_landmarks.data.datasets.annotation_files import read_name_list
from keras_landmarks.data.datasets.annotation_files import report_mismatch
from keras_landmarks.data.datasets.celeba import LANDMARK_NAMES
from keras_landmarks.data.datasets.labelled_splits import read_labelled_splits
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.pairs.tps_pairs import endless_tps_pairs

# Reference code: the last 10 % of the training list is kept for validation.
VALIDATION_FRACTION = 0.1
NUM_LANDMARKS = 5
SPLITS = ("train", "val", "test")
# What `aflw` reads, for the messages of a folder that does not hold it.
AFLW_LAYOUT = (
    "the AFLW root of the reference code: output/*.jpg, "
    "aflw_{train,test}_images.txt and aflw_{train,test}_keypoints.mat."
)


def aflw(root, split="train", image_size=128, validate=True):
    """Reads AFLW as {"image", "landmarks"}, each image resized to `image_size`.

    Args:
        root: str or path-like, see the module docstring for the layout.
        split: "train", "val" or "test".
        image_size: int, default 128.
        validate: bool, default True. Check every file when building the index.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(image_size, image_size, 3)`,
        "landmarks": float32 `(5, 2)` pixel (x, y) of the returned image}.

    Raises:
        ValueError: a list or keypoint file is missing, or they disagree in
            length.
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    subset = "test" if split == "test" else "train"
    image_dir = find_file(root, ["output"], "the folder of cropped AFLW images")
    list_file = find_file(root, [f"aflw_{subset}_images.txt"], "the AFLW image list")
    mat_file = find_file(
        root, [f"aflw_{subset}_keypoints.mat"], "the AFLW keypoint file"
    )
    names = read_name_list(list_file)
    mat = scipy.io.loadmat(str(mat_file))
    if "gt" not in mat:
        raise ValueError(
            f"{mat_file} has no 'gt' array (expected (N, 5, 2) keypoints). "
            f"Found: {sorted(k for k in mat if not k.startswith('__'))}"
        )
    keypoints = np.asarray(mat["gt"], np.float32)
    if keypoints.ndim != 3 or keypoints.shape[1:] != (NUM_LANDMARKS, 2):
        raise ValueError(
            f"{mat_file}: 'gt' must have shape (N, 5, 2). Received: {keypoints.shape}"
        )
    if len(keypoints) != len(names):
        raise ValueError(
            f"{mat_file} has {len(keypoints)} keypoint rows but {list_file} lists "
            f"{len(names)} images; they must match line for line."
        )
    if subset == "train":
        num_val = int(round(VALIDATION_FRACTION * len(names)))
        part = (
            slice(len(names) - num_val, None)
            if split == "val"
            else slice(0, len(names) - num_val)
        )
        names, keypoints = names[part], keypoints[part]
    found = [i for i, n in enumerate(names) if (image_dir / n).is_file()]
    report_mismatch(
        f"images listed in {list_file.name} (no file in {image_dir})",
        [names[i] for i in sorted(set(range(len(names))) - set(found))],
        list_file,
    )
    if not found:
        raise ValueError(f"None of the images in {list_file} is in {image_dir}.")
    return image_dataset(
        [str(image_dir / names[i]) for i in found],
        image_size,
        landmarks=keypoints[found],
        validate=validate,
    )


def aflw_splits(root, image_size, num_regression=None, num_test=None):
    """AFLW train/test as `LabelledSplits` named "aflw" (inter-ocular error).

    Args:
        root: the AFLW root (`AFLW_LAYOUT`).
        image_size: int.
        num_regression, num_test: optional ints, the first images of the
            train split (the regressor's) and the test split; default all.
    """
    return read_labelled_splits(
        aflw,
        root,
        image_size,
        ("train", "test"),
        (num_regression, num_test),
        landmark_names=LANDMARK_NAMES,
        name="aflw",
    )


def aflw_pairs(root, image_size, seed=0):
    """Endless thin-plate-spline pairs of the AFLW training images (labels unused)."""
    return endless_tps_pairs(aflw(root, "train", image_size), seed)
