"""CelebA with the MAFL split: aligned faces and 5 landmarks.

Where to get it (the code never downloads): CelebA from
https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html ("Align&Cropped Images" and
the landmark annotations); the MAFL lists `training.txt` and `testing.txt`
from the MAFL/TCDCN project page (https://mmlab.ie.cuhk.edu.hk/projects/TCDCN.html).

Expected layout under `root` (the official archives unpacked; the `Img/` and
`Anno/` levels of the Google Drive release are optional)::

    root/img_align_celeba/000001.jpg ...          (or root/Img/img_align_celeba/)
    root/list_landmarks_align_celeba.txt          (or root/Anno/...)
    root/MAFL/training.txt, root/MAFL/testing.txt (or root/training.txt ...)

Splits as in the paper: "train" is every annotated CelebA image except the
MAFL test images (the unsupervised training set), "mafl_train" and
"mafl_test" are the MAFL lists (landmark regression and evaluation).
`mafl_splits` reads the MAFL lists as arrays for the evaluation,
`celeba_pairs` makes the endless training pairs of "train".
"""

import numpy as np

from keras_landmarks.data.datasets.annotation_files import find_file
from keras_landmarks.data.datasets.annotation_files import read_name_list
from keras_landmarks.data.datasets.annotation_files import report_mismatch
from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.labelled_splits import labelled_arrays
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.pairs.tps_pairs import endless_tps_pairs

# Reference code: resize the 178 x 218 aligned images to 160 x 160 (bilinear),
# then centre-crop 128 x 128.
RESIZE_TO = 160
CROP_TO = 128
NUM_LANDMARKS = 5  # eyes, nose, mouth corners
SPLITS = ("train", "mafl_train", "mafl_test")
# CelebA / MAFL annotation order (AFLW's release follows it).
# Reference code: the regressor is fitted on MAFL train minus its last 10 %,
# kept for validation.
MAFL_VALIDATION_FRACTION = 0.1
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "left_mouth", "right_mouth")
# What `celeba_mafl` reads, for the messages of a folder that does not hold it.
CELEBA_LAYOUT = (
    "the CelebA root holding img_align_celeba/*.jpg, "
    "list_landmarks_align_celeba.txt and MAFL/training.txt, MAFL/testing.txt."
)


def read_celeba_landmarks(path):
    """Parses `list_landmarks_align_celeba.txt`.

    Format: a count line, a header line naming the 10 columns, then one line
    per image: `000001.jpg x1 y1 x2 y2 ... x5 y5`.

    Returns:
        `(names, landmarks)`: list of file names and float32 `(N, 5, 2)`
        pixel (x, y) in the aligned 178 x 218 image.
    """
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    if len(lines) < 2 or not lines[0][0].isdigit():
        raise ValueError(
            f"{path} does not look like list_landmarks_align_celeba.txt: expected "
            "a count line, a header line and one line per image."
        )
    rows = lines[2:]
    bad = [r[0] for r in rows if len(r) != 1 + 2 * NUM_LANDMARKS]
    if bad:
        raise ValueError(
            f"{path}: {len(bad)} lines do not have a name and 10 numbers "
            f"(e.g. {bad[0]})."
        )
    if int(lines[0][0]) != len(rows):
        report_mismatch(
            f"of {int(lines[0][0])} announced landmark lines (found {len(rows)})",
            ["count line"],
            path,
        )
    names = [r[0] for r in rows]
    values = np.asarray([r[1:] for r in rows], np.float32)
    return names, values.reshape(-1, NUM_LANDMARKS, 2)


def celeba_mafl(root, split="train", image_size=CROP_TO, validate=True):
    """Reads CelebA/MAFL as {"image", "landmarks"} at `image_size` pixels.

    Each image is resized to 160 x 160 and centre-cropped to 128 x 128 as in
    the reference (one resampling: the crop box is mapped back to the file),
    then, if `image_size` is not 128, resized to it. Landmarks are moved with
    the pixels. Images missing on disk or from the landmark file are logged
    and left out; unreadable files are skipped and counted (`bad_files`).

    Args:
        root: str or path-like, see the module docstring for the layout.
        split: "train" (CelebA minus MAFL test), "mafl_train" or "mafl_test".
        image_size: int, default 128.
        validate: bool, default True. Check every file when building the index.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(image_size, image_size, 3)` RGB
        in [0, 255], "landmarks": float32 `(5, 2)` pixel (x, y)}.

    Example:

    >>> train = celeba_mafl("/data/celeba", "train")
    >>> pairs = tps_pairs(train.shuffle(1000, seed=0).repeat(), seed=0)
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    image_dir = find_file(
        root,
        ["img_align_celeba", "Img/img_align_celeba"],
        "the img_align_celeba folder",
    )
    landmark_file = find_file(
        root,
        ["list_landmarks_align_celeba.txt", "Anno/list_landmarks_align_celeba.txt"],
        "the CelebA landmark file list_landmarks_align_celeba.txt",
    )
    names, landmarks = read_celeba_landmarks(landmark_file)
    list_name = "testing.txt" if split != "mafl_train" else "training.txt"
    mafl_file = _mafl_list(root, list_name)
    mafl = read_name_list(mafl_file)
    row_of = {name: i for i, name in enumerate(names)}
    report_mismatch(
        f"names in {mafl_file.name} (not in the landmark file)",
        [n for n in mafl if n not in row_of],
        mafl_file,
    )
    if split == "train":
        excluded = set(mafl)
        wanted = [n for n in names if n not in excluded]
    else:
        wanted = [n for n in mafl if n in row_of]
    on_disk = {p.name for p in image_dir.iterdir()}
    report_mismatch(
        f"images listed in {landmark_file.name} (no file in {image_dir})",
        [n for n in wanted if n not in on_disk],
        landmark_file,
    )
    report_mismatch(
        f"images in {image_dir} (no line in {landmark_file.name})",
        sorted(on_disk.difference(row_of)),
        landmark_file,
    )
    wanted = [n for n in wanted if n in on_disk]
    if not wanted:
        raise ValueError(
            f"No image of split {split!r} was found in {image_dir} "
            f"(expected files named as in {landmark_file})."
        )
    rows = np.asarray([row_of[n] for n in wanted])
    low = (RESIZE_TO - CROP_TO) / 2 / (RESIZE_TO - 1)
    high = (RESIZE_TO + CROP_TO) / 2 - 1
    high = high / (RESIZE_TO - 1)
    return image_dataset(
        [str(image_dir / n) for n in wanted],
        image_size,
        landmarks=landmarks[rows],
        relative_box=(low, low, high, high),
        validate=validate,
    )


def _mafl_list(root, list_name):
    return find_file(
        root, [f"MAFL/{list_name}", list_name], f"the MAFL list {list_name}"
    )


def mafl_splits(
    root,
    image_size,
    num_regression=None,
    num_test=None,
    validation_fraction=MAFL_VALIDATION_FRACTION,
):
    """MAFL train/test as `LabelledSplits` named "mafl" (inter-ocular error).

    As in the reference code, the regressor is fitted on MAFL train minus its
    last `validation_fraction` (10 %: 17,100 of the 19,000 images), kept out
    for validation; it is tested on the 1,000 MAFL test images.

    Args:
        root: the CelebA root (`CELEBA_LAYOUT`).
        image_size: int.
        num_regression, num_test: optional ints, the first images of the
            regression part of MAFL train (after the hold-out) and of MAFL
            test; default all.
        validation_fraction: float in [0, 1), default 0.1 (reference code):
            the last `floor(validation_fraction * N)` of the N images listed
            in MAFL/training.txt are left out of the regression.
    """
    if not 0 <= validation_fraction < 1:
        raise ValueError(
            "`validation_fraction` must be in [0, 1). "
            f"Received: validation_fraction={validation_fraction!r}"
        )
    # Counted on the list, without reading an image.
    num_train = len(read_name_list(_mafl_list(root, "training.txt")))
    kept = num_train - int(validation_fraction * num_train)
    if num_regression is not None:
        kept = min(kept, num_regression)
    regression = labelled_arrays(celeba_mafl(root, "mafl_train", image_size), kept)
    test = labelled_arrays(celeba_mafl(root, "mafl_test", image_size), num_test)
    return LabelledSplits(
        *regression, *test, landmark_names=LANDMARK_NAMES, name="mafl"
    )


def celeba_pairs(root, image_size, seed=0):
    """Endless thin-plate-spline pairs of CelebA minus the MAFL test images."""
    return endless_tps_pairs(celeba_mafl(root, "train", image_size), seed)
